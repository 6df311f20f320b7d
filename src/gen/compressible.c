/*
 * compressible.c - the compressible kind: data that zstd level 3 shrinks
 * by a chosen ratio R.
 *
 * A block is a run of units of 512 to 1536 bytes.  A unit is L fresh
 * random bytes (incompressible: zstd stores them as literals) followed by
 * a copy of bytes from earlier in the block (an LZ match: zstd stores it
 * as one sequence of a few bytes, whatever its length).  A unit of U bytes
 * therefore compresses to about L + SEQUENCE_COST bytes, and choosing
 * L = U / R - SEQUENCE_COST gives the ratio R.  SEQUENCE_COST was measured
 * with zstd -3 over ratios 1 to 20.  The first unit of a block, with
 * nothing before it, repeats its own literals.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

#define UNIT_MIN 512u
#define UNIT_SPREAD 1025u
/* Compressed bytes per match beyond its literals (zstd -3, measured). */
#define SEQUENCE_COST 11u

/* Appends len random bytes at dst. */
static void put_literals(gen_rng *rng, unsigned char *dst, size_t len)
{
    for (; len >= 8; dst += 8, len -= 8)
        gen_store_le64(dst, gen_rng_next(rng));
    if (len) {
        unsigned char word[8];
        gen_store_le64(word, gen_rng_next(rng));
        memcpy(dst, word, len);
    }
}

/* Copies len bytes to block[to] from block[from] (from < to), as an LZ
 * decoder does: a source that overlaps the copy repeats itself. */
static void put_match(unsigned char *block, size_t from, size_t to, size_t len)
{
    while (len > 0) {
        size_t step = to - from < len ? to - from : len;
        memcpy(block + to, block + from, step);
        to += step;
        from += step;
        len -= step;
    }
}

static void compressible_fill(const mms_gen *gen, uint64_t index, unsigned char *dst, size_t len)
{
    gen_rng rng;
    gen_rng_init(&rng, gen_key(gen->seed, GEN_STREAM_COMPRESSIBLE, index));
    size_t pos = 0;
    while (pos < len) {
        uint64_t r = gen_rng_next(&rng);
        size_t unit = UNIT_MIN + gen_below(r, UNIT_SPREAD);
        if (unit > len - pos)
            unit = len - pos;
        size_t share = (size_t)(((uint64_t)unit * gen->literal_share) >> 16);
        size_t literals = share > SEQUENCE_COST ? share - SEQUENCE_COST : 1;
        if (literals > unit)
            literals = unit;
        put_literals(&rng, dst + pos, literals);
        pos += literals;
        size_t match = unit - literals;
        if (match == 0)
            continue;
        /* A source anywhere before, not overlapping the copy; at the start
         * of the block, the literals just written, repeated. */
        size_t from = pos >= match + literals ? gen_below(r << 32, (uint32_t)(pos - match + 1))
                                              : pos - literals;
        put_match(dst, from, pos, match);
        pos += match;
    }
}

const gen_kind gen_kind_compressible = {
    .name = "compressible",
    .fill_block = compressible_fill,
};
