/* wc_format.c - wc's output as GNU wc prints it in the C locale. */
#include "config.h"
#include "cli/wc_format.h"

#include <inttypes.h>
#include <string.h>

int wc_column_count(const wc_columns *cols)
{
    return cols->lines + cols->words + cols->chars + cols->bytes;
}

int wc_number_width(char **files, int nfiles, const wc_columns *cols, bool decompressing)
{
    if (nfiles == 1 && wc_column_count(cols) == 1)
        return 1;
    int minimum = decompressing ? 7 : 1;
    uint64_t regular_total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (mms_input_stat(files[i], &st, NULL) < 0)
            continue; /* as GNU wc: a file that cannot be stat'ed does not count */
        if (S_ISREG(st.st_mode))
            regular_total += (uint64_t)st.st_size;
        else
            minimum = 7;
    }
    int width = 1;
    for (; regular_total >= 10; regular_total /= 10)
        width++;
    return width < minimum ? minimum : width;
}

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

void wc_print_counts(FILE *out, const mms_wc_counts *c, const wc_columns *cols, int width,
                     const char *name)
{
    const uint64_t values[] = {c->lines, c->words, c->bytes, c->bytes};
    const bool shown[] = {cols->lines, cols->words, cols->chars, cols->bytes};
    const char *sep = "";
    for (int i = 0; i < 4; i++) {
        if (shown[i]) {
            fprintf(out, "%s%*" PRIu64, sep, width, values[i]);
            sep = " ";
        }
    }
    if (name && strchr(name, '\n')) {
        putc(' ', out);
        print_quoted_name(out, name);
    } else if (name) {
        fprintf(out, " %s", name);
    }
    putc('\n', out);
}
