/*
 * xxh3_stripe.h - XXH3's step over one 64-byte stripe, and the eight lanes
 * to and from memory (private).  Included once per vector unit, after
 * xxh3_vector.h: KERNEL(name) names the functions of this build, and
 * KERNEL(mul_halves) multiplies, in each 64-bit word, its low 32 bits by
 * its high 32 bits.
 */

/* Eight lanes from memory into two vectors and back, one vector at a time
 * (a single 64-byte copy is split into pieces that the vector load then
 * waits for). */
ALWAYS_INLINE void KERNEL(load_lanes)(u64x4 acc[2], const uint64_t lanes[8])
{
    memcpy(&acc[0], lanes, sizeof acc[0]);
    memcpy(&acc[1], lanes + 4, sizeof acc[1]);
}

ALWAYS_INLINE void KERNEL(store_lanes)(uint64_t lanes[8], const u64x4 acc[2])
{
    memcpy(lanes, &acc[0], sizeof acc[0]);
    memcpy(lanes + 4, &acc[1], sizeof acc[1]);
}

/* Adds one stripe: each lane gets its neighbour's input word and the
 * product of the two 32-bit halves of its own keyed word. */
ALWAYS_INLINE void KERNEL(add_stripe)(u64x4 acc[2], const unsigned char *stripe,
                                      const unsigned char *key)
{
    for (int h = 0; h < 2; h++) {
        u64x4 data, keyed, product;
        load_le(&data, stripe + 32 * h);
        load_le(&keyed, key + 32 * h);
        keyed ^= data;
        KERNEL(mul_halves)(&product, &keyed);
        /* Swapping the words as 32-bit pairs makes one in-lane shuffle. */
        u32x8 words = (u32x8)data;
        u64x4 neighbour = (u64x4)SWAP_WORD_PAIRS(words);
        acc[h] += neighbour + product;
    }
}
