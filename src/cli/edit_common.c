/*
 * edit_common.c - what replace, patch and fill share: the edit options,
 * byte and offset arguments, the dry-run listing, the summary line, and
 * the crash-test hook.
 */
#include "config.h"
#include "cli/edit.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char edit_options_help[] =
    "Edit options:\n"
    "      --dry-run         print what would change and change nothing: one line\n"
    "                        'OFFSET NEWHEX --verify OLDHEX' per edit (a patch that\n"
    "                        'mmscan patch' applies), '# ...' for edits over 64 KiB\n"
    "      --keep-undo FILE  keep the undo journal as FILE (new, on the same file\n"
    "                        system); 'mmscan undo FILE' restores the original later\n"
    "      --follow-symlinks edit the file a symbolic link points to (refused\n"
    "                        otherwise)\n"
    "      --window SIZE (below) also caps how much of the file is mapped for\n"
    "                        writing at once\n"
    "\n"
    "Edits are all or nothing.  The old bytes go to an undo journal next to the\n"
    "file ('.NAME.mmscan-undo'), synced before the file changes; only the pages\n"
    "that change are mapped and written, each map synced (msync) before the next,\n"
    "then the file is synced and the journal removed.  If the edit is cut short\n"
    "(a crash, a kill), 'mmscan recover FILE' or the next edit of FILE puts the\n"
    "original bytes back.  Read-only files, read-only file systems, symbolic\n"
    "links and files another mmscan is editing are refused.\n"
    "\n";

void edit_settings_init(edit_settings *s)
{
    memset(s, 0, sizeof *s);
    cli_engine_settings_init(&s->engine);
}

int edit_option(const char *cmd, int opt, const char *arg, edit_settings *s)
{
    switch (opt) {
    case EDIT_OPT_DRY_RUN: s->dry_run = true; return 1;
    case EDIT_OPT_KEEP_UNDO: s->keep_undo = arg; return 1;
    case EDIT_OPT_FOLLOW_SYMLINKS: s->follow_symlinks = true; return 1;
    default: return cli_engine_option(cmd, opt, arg, &s->engine);
    }
}

/*
 * Test hook.  With MMSCAN_TEST_KILL_AT=N in the environment, the command
 * kills itself with SIGKILL right after the Nth durable step of its edits
 * (journal records, journal sync, each map's pages and msync, file sync,
 * commit; see mms_edit_step), after writing "kill at step N: NAME" on
 * stderr.  Crash tests stop the editor at every step in turn this way.
 * Unset, no callback is installed.
 */
static unsigned long kill_at, steps_seen;

static void kill_at_step(void *ctx, mms_edit_step step)
{
    (void)ctx;
    if (++steps_seen != kill_at)
        return;
    char line[96];
    int n = snprintf(line, sizeof line, "kill at step %lu: %s\n", steps_seen,
                     mms_edit_step_name(step));
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        _exit(CLI_ERROR);
    raise(SIGKILL);
}

int edit_parse_options(const char *cmd, const char *help, int argc, char **argv,
                       edit_settings *s, bool *done)
{
    static const struct option long_options[] = {EDIT_LONG_OPTIONS, {NULL, 0, NULL, 0}};
    edit_settings_init(s);
    *done = true;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(help, stdout);
            fputs(edit_options_help, stdout);
            cli_print_engine_help(CLI_HELP_WINDOW);
            return CLI_OK;
        }
        int handled = edit_option(cmd, opt, optarg, s);
        if (handled == 0)
            return cli_bad_option(cmd, argv);
        if (handled != 1)
            return handled;
    }
    *done = false;
    return CLI_OK;
}

void edit_options_from(const edit_settings *s, mms_edit_options *out)
{
    memset(out, 0, sizeof *out);
    out->read_only = s->dry_run;
    out->follow_symlinks = s->follow_symlinks;
    out->keep_journal = s->keep_undo;
    out->max_map = s->engine.window;
    const char *hook = getenv("MMSCAN_TEST_KILL_AT");
    if (hook && *hook) {
        kill_at = strtoul(hook, NULL, 10);
        out->on_step = kill_at_step;
    }
}

int edit_parse_byte(const char *cmd, const char *what, const char *arg, unsigned char *out)
{
    if (arg[0] && !arg[1] && !isdigit((unsigned char)arg[0])) {
        *out = (unsigned char)arg[0];
        return CLI_OK;
    }
    char *end;
    errno = 0;
    /* 0x or 0X, as offsets and lengths take them */
    unsigned long v = strtoul(arg, &end, strncasecmp(arg, "0x", 2) == 0 ? 16 : 10);
    if (!isdigit((unsigned char)arg[0]) || *end || errno || v > 255)
        return cli_usage_error(cmd, "%s: invalid byte '%s' (0 to 255, 0xHH, or one character)",
                               what, arg);
    *out = (unsigned char)v;
    return CLI_OK;
}

int edit_parse_offset(const char *cmd, const char *what, const char *arg, uint64_t *out)
{
    mms_error err;
    if (strncmp(arg, "0x", 2) == 0 || strncmp(arg, "0X", 2) == 0) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(arg + 2, &end, 16);
        if (!isxdigit((unsigned char)arg[2]) || *end || errno)
            return cli_usage_error(cmd, "%s: invalid number '%s'", what, arg);
        *out = v;
        return CLI_OK;
    }
    if (mms_parse_size(arg, out, &err) < 0)
        return cli_usage_error(cmd, "%s: %s", what, err.message);
    return CLI_OK;
}

/* Edits up to one piece of mms_edit_preview() are patch lines; longer ones
 * (a fill of gigabytes, say) are listed as a comment. */
#define LISTED_BYTES 65536
#define SHOWN_BYTES 16

static void print_hex(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

static int list_change(void *ctx, const mms_edit_change *c)
{
    (void)ctx;
    if (c->piece > 0)
        return 0;
    if (c->length <= LISTED_BYTES) {
        printf("%" PRIu64 " ", c->offset);
        print_hex(c->new_bytes, c->piece_length);
        fputs(" --verify ", stdout);
        print_hex(c->old_bytes, c->piece_length);
    } else {
        printf("# %" PRIu64 ": %" PRIu64 " bytes, ", c->offset, c->length);
        print_hex(c->old_bytes, SHOWN_BYTES);
        fputs("... -> ", stdout);
        print_hex(c->new_bytes, SHOWN_BYTES);
        fputs("...", stdout);
    }
    putchar('\n');
    return 0;
}

static const char *recovery_note(mms_recovery r)
{
    switch (r) {
    case MMS_RECOVERY_ROLLED_BACK: return "an earlier edit was cut short: its old bytes were put back first";
    case MMS_RECOVERY_DISCARDED: return "an earlier edit stopped before changing the file: its journal was removed";
    case MMS_RECOVERY_COMMITTED: return "an earlier edit had finished: its leftover journal was removed";
    case MMS_RECOVERY_NONE: break;
    }
    return NULL;
}

/* Starts a summary line: "# " for a dry run (its output is a patch, whose
 * '#' starts a comment) and the file's name, kept on that line. */
static void print_summary_start(const char *path, bool dry_run)
{
    fputs(dry_run ? "# " : "", stdout);
    cli_print_name(stdout, path);
}

static void print_summary(const char *path, const mms_edit_result *r, const edit_settings *s)
{
    print_summary_start(path, s->dry_run);
    printf(": %" PRIu64 " edit%s %s %" PRIu64 " byte%s on %" PRIu64 " page%s", r->edits,
           r->edits == 1 ? "" : "s", s->dry_run ? "would change" : "changed", r->bytes,
           r->bytes == 1 ? "" : "s", r->pages, r->pages == 1 ? "" : "s");
    if (r->unchanged)
        printf(", %" PRIu64 " already in place", r->unchanged);
    if (s->keep_undo && !s->dry_run && r->edits == 0)
        fputs("; no journal to keep, as nothing changed", stdout);
    putchar('\n');
}

int edit_run(const char *cmd, const char *path, const edit_settings *s, edit_builder build,
             void *ctx)
{
    mms_edit_options options;
    edit_options_from(s, &options);
    mms_error err;
    mms_edit_file *file = NULL;
    mms_edits *edits = NULL;
    if (mms_edit_open(&file, path, &options, &err) < 0 || mms_edits_new(&edits, &err) < 0) {
        cli_error_path(cmd, path, &err);
        mms_edit_close(file);
        return CLI_ERROR;
    }
    const char *note = recovery_note(mms_edit_recovered(file));
    if (note)
        cli_error(cmd, "'%s': %s", path, note);
    int status = build(ctx, path, file, edits);
    mms_edit_result result;
    if (status == CLI_OK && mms_edits_count(edits) == 0) {
        print_summary_start(path, s->dry_run);
        fputs(": nothing to change\n", stdout);
        status = CLI_FAIL;
    } else if (status == CLI_OK) {
        int rc = s->dry_run ? mms_edit_preview(file, edits, list_change, NULL, &result, &err)
                            : mms_edit_apply(file, edits, &result, &err);
        if (rc < 0) {
            cli_error_path(cmd, path, &err);
            status = CLI_ERROR;
        } else {
            print_summary(path, &result, s);
        }
    }
    mms_edits_free(edits);
    mms_edit_close(file);
    return status;
}
