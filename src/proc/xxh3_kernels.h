/*
 * xxh3_kernels.h - the loops of xxh3_stream.c over stripes and blocks,
 * included there once per vector unit: KERNEL(name) names the functions
 * of this build, KERNEL(mul_halves) multiplies, in each 64-bit word, its
 * low 32 bits by its high 32 bits, and KERNEL(mul_prime) multiplies each
 * word by PRIME32_1.  The vector code is plain C
 * (u64x4); the compiler emits it for the unit the includer selected.
 */

#include "proc/xxh3_stripe.h"

/* The scramble between blocks. */
ALWAYS_INLINE void KERNEL(scramble)(u64x4 acc[2])
{
    for (int h = 0; h < 2; h++) {
        u64x4 a = acc[h], key;
        load_le(&key, secret + SCRAMBLE_KEY + 32 * h);
        a ^= a >> 47;
        a ^= key;
        KERNEL(mul_prime)(&acc[h], &a);
    }
}

/* What the whole block at p adds to the lanes, into sum. */
ALWAYS_INLINE void KERNEL(sum_block)(u64x4 sum[2], const unsigned char *p)
{
    sum[0] = sum[1] = (u64x4){0};
    for (unsigned k = 0; k < STRIPES_PER_BLOCK; k++) {
        __builtin_prefetch(p + k * XXH3_STRIPE_LEN + PREFETCH_AHEAD);
        KERNEL(add_stripe)(sum, p + k * XXH3_STRIPE_LEN, secret + 8 * k);
    }
}

/* Adds n stripes, scrambling at each block's end; *stripes counts the
 * stripes of the current block.  A whole block is summed from zero and
 * then added: its stripes need not wait for the scramble before them. */
static void KERNEL(add_stripes)(uint64_t lanes[8], unsigned *stripes, const unsigned char *p,
                                size_t n)
{
    u64x4 acc[2];
    KERNEL(load_lanes)(acc, lanes);
    unsigned k = *stripes;
    for (size_t i = 0; i < n;) {
        if (k == 0 && n - i >= STRIPES_PER_BLOCK) {
            u64x4 sum[2];
            KERNEL(sum_block)(sum, p);
            acc[0] += sum[0];
            acc[1] += sum[1];
            KERNEL(scramble)(acc);
            p += BLOCK_LEN;
            i += STRIPES_PER_BLOCK;
            continue;
        }
        __builtin_prefetch(p + PREFETCH_AHEAD);
        KERNEL(add_stripe)(acc, p, secret + 8 * k);
        if (++k == STRIPES_PER_BLOCK) {
            KERNEL(scramble)(acc);
            k = 0;
        }
        p += XXH3_STRIPE_LEN;
        i++;
    }
    KERNEL(store_lanes)(lanes, acc);
    *stripes = k;
}

/* What each of n whole blocks at p adds to the lanes, into sums. */
static void KERNEL(sum_blocks)(uint64_t (*sums)[8], const unsigned char *p, size_t n)
{
    for (size_t b = 0; b < n; b++, p += BLOCK_LEN) {
        u64x4 sum[2];
        KERNEL(sum_block)(sum, p);
        KERNEL(store_lanes)(sums[b], sum);
    }
}

/* Adds n block sums in order, each followed by its block's scramble. */
static void KERNEL(add_block_sums)(uint64_t lanes[8], const uint64_t (*sums)[8], size_t n)
{
    u64x4 acc[2];
    KERNEL(load_lanes)(acc, lanes);
    for (size_t b = 0; b < n; b++) {
        u64x4 sum[2];
        KERNEL(load_lanes)(sum, sums[b]);
        acc[0] += sum[0];
        acc[1] += sum[1];
        KERNEL(scramble)(acc);
    }
    KERNEL(store_lanes)(lanes, acc);
}

/* Adds the input's last stripe with its own key (no scramble). */
static void KERNEL(add_last_stripe)(uint64_t lanes[8], const unsigned char *stripe)
{
    u64x4 acc[2];
    KERNEL(load_lanes)(acc, lanes);
    KERNEL(add_stripe)(acc, stripe, secret + LAST_STRIPE_KEY);
    KERNEL(store_lanes)(lanes, acc);
}
