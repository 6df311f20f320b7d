/* input.c - a command's input operands, and scanning one. */
#include "config.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char **cli_operands(int argc, char **argv, int *count)
{
    static char *stdin_only[] = {"-", NULL};
    if (optind < argc) {
        *count = argc - optind;
        return argv + optind;
    }
    *count = 1;
    return stdin_only;
}

/* Warns when the journal of an edit of path is there: an edit is under
 * way or was cut short, and the bytes a scan reads may be half-edited.
 * The journal is beside the file itself, not beside a symbolic link to it;
 * or it is named after another hard link of the file (cut short). */
static void warn_if_edit_pending(const char *cmd, const char *path)
{
    char *real = realpath(path, NULL);
    char *journal = mms_edit_journal_path(real ? real : path);
    free(real);
    struct stat st;
    char *other = NULL;
    if (journal && lstat(journal, &st) == 0) {
        const char *name = strrchr(journal, '/');
        cli_error(cmd,
                  "warning: '%s': an edit of it is under way or was cut short (journal '%s'): "
                  "its bytes may be half-edited; 'mmscan recover' restores a cut-short one",
                  path, name ? name + 1 : journal);
    } else if ((other = mms_edit_pending_elsewhere(path)) != NULL) {
        cli_error(cmd,
                  "warning: '%s': an edit of it through another name ('%s') was cut short: "
                  "its bytes may be half-edited; 'mmscan recover' of that name restores them",
                  path, other);
    }
    free(other);
    free(journal);
}

int cli_scan_path(const char *cmd, mms_engine *engine, const char *path, mms_error *err)
{
    if (strcmp(path, "-") != 0)
        warn_if_edit_pending(cmd, path);
    return mms_engine_scan_path(engine, path, err);
}
