/*
 * needle.c - where needles are planted, and planting them.
 *
 * With a spacing E, the output is cut into regions [k*E, (k+1)*E).  The
 * needle of region k is placed by a random number of (seed, k): even
 * regions anywhere inside; odd regions across the most aligned offset of
 * the region, the one with the most trailing zero bits, so that the needle
 * crosses the edge of every window whose size is a power of two up to that
 * alignment.  A region too short for the needle (the last one) has none.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

/* The integer in [lo, hi] with the most trailing zero bits. */
static uint64_t most_aligned(uint64_t lo, uint64_t hi)
{
    if (lo == hi)
        return lo;
    unsigned bit = 63 - (unsigned)__builtin_clzll(lo ^ hi);
    return hi >> bit << bit;
}

/* The offset of the needle of region k, or false if the region has none. */
static bool region_needle(const mms_gen *gen, uint64_t k, uint64_t *offset)
{
    uint64_t start = k * gen->needle_every;
    if (start >= gen->size)
        return false;
    uint64_t end = gen->size - start < gen->needle_every ? gen->size : start + gen->needle_every;
    uint64_t len = gen->needle_len;
    if (end - start < len)
        return false;
    uint64_t r = gen_mix(gen_key(gen->seed, GEN_STREAM_NEEDLE, k));
    if (k % 2 == 1 && len >= 2 && end - start >= 2 * len) {
        uint64_t edge = most_aligned(start + len, end - len);
        *offset = edge - (1 + r % (len - 1));
    } else {
        *offset = start + r % (end - start - len + 1);
    }
    return true;
}

int mms_gen_next_needle(const mms_gen *gen, uint64_t from, uint64_t *offset)
{
    if (!gen->needle)
        return 0;
    if (gen->needle_every == 0) {
        size_t lo = 0, hi = gen->needle_at_count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (gen->needle_at[mid] < from)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == gen->needle_at_count)
            return 0;
        *offset = gen->needle_at[lo];
        return 1;
    }
    /* The needle of from's region may lie before from; the next region's
     * lies after it. */
    for (uint64_t k = from / gen->needle_every; k <= from / gen->needle_every + 1; k++) {
        uint64_t at;
        if (region_needle(gen, k, &at) && at >= from) {
            *offset = at;
            return 1;
        }
    }
    return 0;
}

void gen_plant_needles(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len)
{
    uint64_t end = offset + len;
    uint64_t from = offset >= gen->needle_len ? offset - gen->needle_len + 1 : 0;
    uint64_t at;
    while (mms_gen_next_needle(gen, from, &at) && at < end) {
        uint64_t lo = at > offset ? at : offset;
        uint64_t hi = at + gen->needle_len < end ? at + gen->needle_len : end;
        memcpy(dst + (lo - offset), gen->needle + (lo - at), (size_t)(hi - lo));
        from = at + 1;
    }
}
