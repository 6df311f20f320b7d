/*
 * byte_histogram.c - counting byte values, eight bytes per load.
 *
 * One table of counters makes every byte wait for the increment of the byte
 * before it when both have the same value (the store of one counter and the
 * load of the same counter are serialised).  Four tables, each taking every
 * fourth byte, let four increments run at once; text, where a few values
 * dominate, gains the most.  The tables are summed at the end.
 */
#include "config.h"
#include "byte_histogram.h"

#include <string.h>

void byte_histogram_count(const unsigned char *data, size_t len, uint32_t counts[256])
{
    uint32_t tables[4][256];
    memset(tables, 0, sizeof tables);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, sizeof w);
        tables[0][w & 0xff]++;
        tables[1][(w >> 8) & 0xff]++;
        tables[2][(w >> 16) & 0xff]++;
        tables[3][(w >> 24) & 0xff]++;
        tables[0][(w >> 32) & 0xff]++;
        tables[1][(w >> 40) & 0xff]++;
        tables[2][(w >> 48) & 0xff]++;
        tables[3][w >> 56]++;
    }
    for (; i < len; i++)
        tables[i & 3][data[i]]++;
    for (unsigned b = 0; b < 256; b++)
        counts[b] = tables[0][b] + tables[1][b] + tables[2][b] + tables[3][b];
}
