/*
 * line_lengths.h - the distribution of line lengths of an input that may be
 * cut into parts measured on different threads (private to the stats
 * processor).
 *
 * A line is the bytes before a '\n' (the newline is not counted), or a last
 * line without one when it is not empty.  Lengths below LINE_EXACT_LIMIT
 * are counted exactly; longer ones fall into buckets of 1/128 of a power of
 * two, so a percentile among them reads at most 1/128 below the truth.  The
 * shortest and longest line and the mean are always exact.
 */
#ifndef MMSCAN_LINE_LENGTHS_H
#define MMSCAN_LINE_LENGTHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINE_EXACT_LIMIT ((uint64_t)1 << 16)

typedef struct line_lengths {
    uint64_t *buckets;   /* line counts by length bucket */
    uint64_t count;      /* lines in the buckets */
    uint64_t sum;        /* their total length */
    uint64_t min, max;   /* min is UINT64_MAX while count is 0 */
    /* The lines at the seams: until the part's first newline, bytes go to
     * head (the line may have begun in the part before); after it, the
     * line in progress is run bytes long. */
    bool seen_newline;
    uint64_t head;
    uint64_t run;
} line_lengths;

/* Makes an empty distribution; false when out of memory. */
bool line_lengths_init(line_lengths *ll);

/* Frees what init allocated. */
void line_lengths_release(line_lengths *ll);

/* Measures the next bytes of the part; newlines: how many of them are '\n'. */
void line_lengths_feed(line_lengths *ll, const unsigned char *data, size_t len, uint64_t newlines);

/* Folds part, which covers the input right after self, into self. */
void line_lengths_merge(line_lengths *self, const line_lengths *part);

/*
 * End of input: self covers it from its first byte, so head is the first
 * line and run the last one; both are counted, and the seams reset for an
 * input that follows.
 */
void line_lengths_finish(line_lengths *ll);

/*
 * The nearest-rank percentile: the smallest length L such that at least
 * percent % of the lines are at most L long (0 without lines).
 */
uint64_t line_lengths_percentile(const line_lengths *ll, double percent);

#endif
