/* file_list.c - operands and --files-from lists. */
#include "config.h"
#include "cli/file_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool append(char ***array, size_t *count, char *item)
{
    char **grown = realloc(*array, (*count + 1) * sizeof *grown);
    if (!grown)
        return false;
    grown[(*count)++] = item;
    *array = grown;
    return true;
}

/* Reads the names of the list into out->owned. */
static int read_list(const char *cmd, const char *list_path, bool nul, file_list *out)
{
    bool from_stdin = strcmp(list_path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(list_path, "rb");
    if (!f) {
        cli_error(cmd, "--files-from: '%s': %s", list_path, strerror(errno));
        return CLI_ERROR;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = CLI_OK;
    while (status == CLI_OK && (n = getdelim(&line, &cap, nul ? '\0' : '\n', f)) >= 0) {
        if (n > 0 && line[n - 1] == (nul ? '\0' : '\n'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (from_stdin && strcmp(line, "-") == 0) {
            /* Standard input holds the list: it has no file left to give. */
            cli_error(cmd, "--files-from -: the list names '-', standard input, which is the list");
            status = CLI_ERROR;
            break;
        }
        char *name = strdup(line);
        if (!name || !append(&out->owned, &out->nowned, name)) {
            free(name);
            cli_error(cmd, "out of memory");
            status = CLI_ERROR;
        }
    }
    if (status == CLI_OK && ferror(f)) {
        cli_error(cmd, "--files-from: '%s': %s", list_path, strerror(errno));
        status = CLI_ERROR;
    }
    free(line);
    if (!from_stdin)
        fclose(f);
    return status;
}

int file_list_collect(const char *cmd, char **operands, int noperands, const char *list_path,
                      bool nul, file_list *out)
{
    static char *stdin_only[] = {"-"};
    *out = (file_list){0};
    if (list_path && read_list(cmd, list_path, nul, out) != CLI_OK) {
        file_list_release(out);
        return CLI_ERROR;
    }
    if (noperands == 0 && !list_path) {
        operands = stdin_only;
        noperands = 1;
    }
    out->count = (size_t)noperands + out->nowned;
    out->paths = malloc((out->count ? out->count : 1) * sizeof *out->paths);
    if (!out->paths) {
        cli_error(cmd, "out of memory");
        file_list_release(out);
        return CLI_ERROR;
    }
    for (int i = 0; i < noperands; i++)
        out->paths[i] = operands[i];
    for (size_t i = 0; i < out->nowned; i++)
        out->paths[(size_t)noperands + i] = out->owned[i];
    return CLI_OK;
}

void file_list_release(file_list *list)
{
    for (size_t i = 0; i < list->nowned; i++)
        free(list->owned[i]);
    free(list->owned);
    free(list->paths);
    *list = (file_list){0};
}
