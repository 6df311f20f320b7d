/*
 * wc_format.h - wc's output as GNU wc prints it, for `mmscan wc` and
 * `mmscan scan --wc`.
 */
#ifndef MMSCAN_CLI_WC_FORMAT_H
#define MMSCAN_CLI_WC_FORMAT_H

#include "cli/cli.h"

/* Which counts are printed, in GNU wc's order. */
typedef struct wc_columns {
    bool lines, words, chars, bytes;
} wc_columns;

/* The number of columns printed. */
int wc_column_count(const wc_columns *cols);

/*
 * The width of every number, as GNU wc computes it: the digits of the
 * total size of the regular files, at least 7 if any input is not a regular
 * file, and 1 when only one number is printed for one input or the first
 * input cannot be stat'ed.  Decompressed content is counted as GNU wc counts
 * a pipe ('zstd -dc FILE | wc'): its size is not known in advance.
 */
int wc_number_width(char **files, int nfiles, const wc_columns *cols, bool decompressing);

/* One line of counts, followed by " NAME" unless name is NULL. */
void wc_print_counts(FILE *out, const mms_wc_counts *c, const wc_columns *cols, int width,
                     const char *name);

#endif
