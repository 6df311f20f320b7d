/* name_quote.c - file names in output lines, kept on one line. */
#include "config.h"
#include "cli/cli.h"

#include <string.h>

/* A byte that is not printable as a C escape, as inside $'...'. */
static void print_escape(FILE *out, unsigned char c)
{
    static const char escaped[] = "\a\b\t\n\v\f\r", letters[] = "abtnvfr";
    const char *at = c ? strchr(escaped, c) : NULL;
    if (at)
        fprintf(out, "\\%c", letters[at - escaped]);
    else
        fprintf(out, "\\%03o", c);
}

/* name quoted for the shell, as GNU wc prints a name that holds a newline
 * (so that every count stays on one line): printable bytes inside '...',
 * a quote as \', every other byte escaped inside $'...'. */
static void print_quoted_name(FILE *out, const char *name)
{
    bool in_dollar_quotes = false;
    putc('\'', out);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '\'') {
            fputs("'\\''", out); /* close, \', open again */
            in_dollar_quotes = false;
        } else if (*p >= 0x20 && *p < 0x7f) {
            if (in_dollar_quotes)
                fputs("''", out);
            putc(*p, out);
            in_dollar_quotes = false;
        } else {
            if (!in_dollar_quotes)
                fputs("'$'", out);
            print_escape(out, *p);
            in_dollar_quotes = true;
        }
    }
    putc('\'', out);
}

void cli_print_name(FILE *out, const char *name)
{
    if (strchr(name, '\n'))
        print_quoted_name(out, name);
    else
        fputs(name, out);
}
