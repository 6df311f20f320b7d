/*
 * xxh3_vector.h - the vector type of XXH3's kernels and what every build
 * of them uses (private): xxh3_stream.c, and the word count's pass that
 * sums XXH3 blocks as it reads them (wc_scan.c).
 */
#ifndef MMSCAN_XXH3_VECTOR_H
#define MMSCAN_XXH3_VECTOR_H

#include <stdint.h>
#include <string.h>

typedef uint64_t u64x4 __attribute__((vector_size(32)));
typedef uint32_t u32x8 __attribute__((vector_size(32)));

/* Swaps the two 64-bit words of each 128-bit lane, moved as 32-bit pairs
 * (one in-lane shuffle on x86). */
#if defined(__clang__)
#define SWAP_WORD_PAIRS(w) __builtin_shufflevector(w, w, 2, 3, 0, 1, 6, 7, 4, 5)
#else
#define SWAP_WORD_PAIRS(w) __builtin_shuffle(w, (u32x8){2, 3, 0, 1, 6, 7, 4, 5})
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Four little-endian 64-bit words from any address.  (Vectors go by
 * pointer: passing them by value would tie the ABI to a vector unit.) */
ALWAYS_INLINE void load_le(u64x4 *v, const unsigned char *p)
{
    memcpy(v, p, sizeof *v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (int i = 0; i < 4; i++)
        (*v)[i] = __builtin_bswap64((*v)[i]);
#endif
}

/* The x86 kernels (SSE2, and AVX2 chosen when the CPU has it): GCC on
 * x86-64.  MMSCAN_PORTABLE_XXH3 builds only the code that other targets
 * get (no x86 kernels, no 128-bit integers), and MMSCAN_XXH3_SSE2 leaves
 * the AVX2 kernels out: tests build them so, to run that code on any
 * machine.  The AVX2 multiply is here, not with the others in
 * xxh3_stream.c, because the word count's loop builds the stripe step for
 * AVX2 too. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(MMSCAN_PORTABLE_XXH3)
#include <immintrin.h>
#define XXH3_X86_KERNELS 1
#ifndef MMSCAN_XXH3_SSE2
#define XXH3_AVX2_KERNELS 1
/* Multiplies, in each 64-bit word, its low 32 bits by its high 32 bits
 * (compilers do not find the one instruction for it from plain C). */
ALWAYS_INLINE __attribute__((target("avx2"))) void mul_halves_avx2(u64x4 *product, const u64x4 *x)
{
    *product = (u64x4)_mm256_mul_epu32((__m256i)*x, (__m256i)(*x >> 32));
}
#endif
#endif

#endif
