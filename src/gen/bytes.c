/*
 * bytes.c - the kinds whose bytes depend on their offset alone: random,
 * zeros and sparse.
 *
 * random: byte o is byte (o % 8) of the little-endian word
 * gen_mix(key + (o / 8) * GEN_WEYL), where key comes from the seed.
 * sparse: islands of those same bytes in holes of zeros.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

static uint64_t random_word(uint64_t key, uint64_t index)
{
    return gen_mix(key + index * GEN_WEYL);
}

static void random_fill(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len)
{
    uint64_t key = gen_key(gen->seed, GEN_STREAM_RANDOM, 0);
    uint64_t index = offset / 8;
    size_t skip = (size_t)(offset % 8);
    if (skip) {
        unsigned char word[8];
        gen_store_le64(word, random_word(key, index++));
        size_t take = 8 - skip < len ? 8 - skip : len;
        memcpy(dst, word + skip, take);
        dst += take;
        len -= take;
    }
    for (; len >= 8; dst += 8, len -= 8)
        gen_store_le64(dst, random_word(key, index++));
    if (len) {
        unsigned char word[8];
        gen_store_le64(word, random_word(key, index));
        memcpy(dst, word, len);
    }
}

const gen_kind gen_kind_random = {
    .name = "random",
    .fill_range = random_fill,
};

static void zeros_fill(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len)
{
    (void)gen;
    (void)offset;
    memset(dst, 0, len);
}

const gen_kind gen_kind_zeros = {
    .name = "zeros",
    .fill_range = zeros_fill,
};

/* ---- sparse ---- */

/* The bounds of island k, or false if it starts past the output. */
static bool island(const mms_gen *gen, uint64_t k, uint64_t *begin, uint64_t *end)
{
    if (k > (gen->size - 1) / gen->island_every)
        return false;
    *begin = k * gen->island_every;
    *end = gen->size - *begin < gen->island_length ? gen->size : *begin + gen->island_length;
    return true;
}

static bool sparse_next_data(const mms_gen *gen, uint64_t offset, uint64_t *begin,
                             uint64_t *end)
{
    uint64_t k = offset / gen->island_every;
    if (!island(gen, k, begin, end))
        return false;
    return *end > offset || island(gen, k + 1, begin, end);
}

static void sparse_fill(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len)
{
    memset(dst, 0, len);
    uint64_t stop = offset + len, begin, end;
    for (uint64_t pos = offset; pos < stop && sparse_next_data(gen, pos, &begin, &end);
         pos = end) {
        uint64_t lo = begin > offset ? begin : offset;
        uint64_t hi = end < stop ? end : stop;
        if (lo < hi)
            random_fill(gen, lo, dst + (lo - offset), (size_t)(hi - lo));
    }
}

static uint64_t sparse_data_bytes(const mms_gen *gen)
{
    uint64_t count = (gen->size - 1) / gen->island_every + 1;
    uint64_t begin, end;
    island(gen, count - 1, &begin, &end);
    return (count - 1) * gen->island_length + (end - begin);
}

const gen_kind gen_kind_sparse = {
    .name = "sparse",
    .fill_range = sparse_fill,
    .next_data = sparse_next_data,
    .data_bytes = sparse_data_bytes,
};
