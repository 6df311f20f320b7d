/*
 * stats_format.h - the output of file statistics, for `mmscan stats` and
 * `mmscan scan --stats`.
 */
#ifndef MMSCAN_CLI_STATS_FORMAT_H
#define MMSCAN_CLI_STATS_FORMAT_H

#include "cli/cli.h"

/*
 * Prints "NAME:" and one indented line per statistic; with histogram, the
 * count of every byte value that occurs, else the six most frequent.
 */
void stats_print_text(FILE *out, const char *name, const mms_stats *s, bool histogram);

/* Prints the members of the statistics' JSON object, without the braces. */
void stats_print_json_members(FILE *out, const mms_stats *s);

#endif
