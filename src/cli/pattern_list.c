/* pattern_list.c - the patterns of grep and scan --grep, split as grep splits them. */
#include "config.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

bool cli_add_patterns(char ***patterns, size_t *count, const char *text, size_t len)
{
    /* As grep: a newline separates patterns, so a text that ends with one
     * ends with an empty pattern (which matches every line). */
    const char *end = text + len;
    for (;;) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
        char **grown = realloc(*patterns, (*count + 1) * sizeof *grown);
        if (!grown)
            return false;
        *patterns = grown;
        char *copy = malloc(n + 1);
        if (!copy)
            return false;
        memcpy(copy, text, n);
        copy[n] = 0;
        (*patterns)[(*count)++] = copy;
        if (!nl)
            return true;
        text = nl + 1;
    }
}

void cli_free_patterns(char **patterns, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(patterns[i]);
    free(patterns);
}
