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
    if (name) {
        putc(' ', out);
        cli_print_name(out, name);
    }
    putc('\n', out);
}
