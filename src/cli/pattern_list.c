/* pattern_list.c - the patterns of grep and scan --grep, split and read as grep does. */
#include "config.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

bool cli_add_patterns(cli_patterns *p, const char *text, size_t len)
{
    /* As grep: a newline separates patterns, so a text that ends with one
     * ends with an empty pattern (which matches every line). */
    const char *end = text + len;
    for (;;) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
        char **texts = realloc(p->texts, (p->count + 1) * sizeof *texts);
        if (texts)
            p->texts = texts;
        size_t *lengths = realloc(p->lengths, (p->count + 1) * sizeof *lengths);
        if (lengths)
            p->lengths = lengths;
        char *copy = texts && lengths ? malloc(n + 1) : NULL;
        if (!copy)
            return false;
        memcpy(copy, text, n);
        copy[n] = 0;
        p->texts[p->count] = copy;
        p->lengths[p->count++] = n;
        if (!nl)
            return true;
        text = nl + 1;
    }
}

void cli_free_patterns(cli_patterns *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->texts[i]);
    free(p->texts);
    free(p->lengths);
    *p = (cli_patterns){0};
}

int cli_set_syntax(const char *cmd, int option, int *given, mms_search_syntax *syntax)
{
    if (*given && *given != option)
        return cli_usage_error(cmd, "conflicting matchers: -%c and -%c", *given, option);
    *given = option;
    *syntax = option == 'F'   ? MMS_SEARCH_FIXED
              : option == 'E' ? MMS_SEARCH_EXTENDED
                              : MMS_SEARCH_BASIC;
    return CLI_OK;
}
