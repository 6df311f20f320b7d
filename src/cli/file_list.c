/* file_list.c - operands and --files-from lists. */
#include "config.h"
#include "cli/file_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool list_is_stdin(const file_list *list)
{
    return list->list_path && strcmp(list->list_path, "-") == 0;
}

int file_list_open(const char *cmd, char **operands, int noperands, const char *list_path, bool nul,
                   file_list *out)
{
    static char *stdin_only[] = {"-"};
    *out = (file_list){.operands = operands, .noperands = noperands,
                       .list_path = list_path, .delimiter = nul ? '\0' : '\n'};
    if (noperands == 0 && !list_path) {
        out->operands = stdin_only;
        out->noperands = 1;
    }
    if (!list_path)
        return CLI_OK;
    if (list_is_stdin(out)) {
        for (int i = 0; i < noperands; i++)
            if (strcmp(operands[i], "-") == 0) {
                cli_error(cmd, "--files-from -: standard input holds the list, so it cannot "
                               "also be the input '-'");
                return CLI_ERROR;
            }
    }
    out->list = list_is_stdin(out) ? stdin : fopen(list_path, "rb");
    if (!out->list) {
        /* Reported after the operands, as a list that cannot be read to
         * its end is: they are scanned all the same. */
        snprintf(out->error, sizeof out->error, "--files-from: '%s': %s", list_path,
                 strerror(errno));
        out->unopened = true;
    }
    return CLI_OK;
}

/* Stops reading the list. */
static void close_list(file_list *list)
{
    if (list->list && list->list != stdin)
        fclose(list->list);
    list->list = NULL;
}

int file_list_next(file_list *list, char **name, const char **refusal)
{
    *refusal = NULL;
    if (list->next_operand < list->noperands) {
        *name = strdup(list->operands[list->next_operand++]);
    } else {
        if (list->unopened) {
            list->unopened = false;
            return -1;
        }
        if (!list->list)
            return 0;
        errno = 0;
        ssize_t n = getdelim(&list->line, &list->cap, list->delimiter, list->list);
        if (n < 0) {
            int failed = ferror(list->list); /* a directory, a read error */
            if (failed)
                snprintf(list->error, sizeof list->error, "--files-from: '%s': %s",
                         list->list_path, strerror(errno ? errno : EIO));
            close_list(list);
            return failed ? -1 : 0;
        }
        if (n > 0 && list->line[n - 1] == list->delimiter)
            list->line[--n] = '\0';
        if (memchr(list->line, '\0', (size_t)n))
            *refusal = "the name in the list holds a NUL byte (a list of names that end "
                       "with NUL bytes needs -0)";
        else if (list_is_stdin(list) && strcmp(list->line, "-") == 0)
            *refusal = "standard input is the --files-from list, not a file to scan";
        *name = strdup(list->line);
    }
    if (!*name) {
        snprintf(list->error, sizeof list->error, "out of memory");
        close_list(list);
        return -1;
    }
    return 1;
}

void file_list_close(file_list *list)
{
    close_list(list);
    free(list->line);
    list->line = NULL;
}
