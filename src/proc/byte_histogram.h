/*
 * byte_histogram.h - counting byte values (private to the stats processor).
 */
#ifndef MMSCAN_BYTE_HISTOGRAM_H
#define MMSCAN_BYTE_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

/* The most bytes one byte_histogram_count() call takes. */
#define BYTE_HISTOGRAM_MAX_RUN ((size_t)1 << 30)

/*
 * Sets counts[b] to the number of bytes of value b in data[0 .. len), for
 * every b; len is at most BYTE_HISTOGRAM_MAX_RUN.
 */
void byte_histogram_count(const unsigned char *data, size_t len, uint32_t counts[256]);

#endif
