/*
 * xxh3_stream.c - XXH3 and XXH128 streaming, and parts of an input hashed
 * on their own (see xxh3_stream.h for why).
 *
 * The long-input algorithm, as libxxhash computes it: eight 64-bit lanes
 * (the accumulators); each 64-byte stripe adds into them, keyed with the
 * secret at 8 bytes per stripe; after every 16 stripes (a 1 KiB block) that
 * more input follows, the lanes are scrambled; the last 64 bytes of the
 * input are added once more with their own key; the lanes are then merged
 * into the digest.  Inputs of 240 bytes or less are hashed by libxxhash in
 * one call.
 *
 * The loops are written once (xxh3_kernels.h) with the compiler's vector
 * extensions and built twice on x86-64 with GCC, for AVX2 and for the
 * baseline SSE2; the first reset picks one from the CPU (cpuid), so the
 * binary runs on any x86-64.  Other targets and compilers get one generic
 * build.  The step over one stripe (xxh3_stripe.h) is also built into the
 * word count's loop that sums blocks as it counts them (wc_scan.c).
 */
#include "config.h"
#include "proc/xxh3_stream.h"
#include "proc/xxh3_vector.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES_PER_BLOCK 16
#define BLOCK_LEN XXH3_BLOCK_LEN
_Static_assert(BLOCK_LEN == XXH3_STRIPE_LEN * STRIPES_PER_BLOCK, "a block is 16 stripes");
#define SECRET_LEN XXH3_SECRET_DEFAULT_SIZE /* 192 */
#define SCRAMBLE_KEY (SECRET_LEN - XXH3_STRIPE_LEN)    /* 128 */
#define LAST_STRIPE_KEY (SECRET_LEN - XXH3_STRIPE_LEN - 7) /* 121 */
#define MERGE_KEY 11
#define MERGE_KEY_HIGH (SECRET_LEN - 64 - 11)            /* 117 */
#define SHORT_MAX 240 /* XXH3's mid-size limit: up to it, no lanes */
/* How far ahead of the stripe being added its data is asked for, as
 * libxxhash does: the hardware prefetcher alone leaves the core waiting. */
#define PREFETCH_AHEAD 384

/* xxHash's primes (libxxhash defines them only for its own code). */
#define PRIME32_1 0x9E3779B1U
#define PRIME32_2 0x85EBCA77U
#define PRIME32_3 0xC2B2AE3DU
#define PRIME64_1 0x9E3779B185EBCA87ULL
#define PRIME64_2 0xC2B2AE3D27D4EB4FULL
#define PRIME64_3 0x165667B19E3779F9ULL
#define PRIME64_4 0x85EBCA77C2B2AE63ULL
#define PRIME64_5 0x27D4EB2F165667C5ULL

static unsigned char secret[SECRET_LEN];
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

/* The loops over stripes and blocks, built once per vector unit from
 * xxh3_kernels.h; the unit's own instruction multiplies the 32-bit halves
 * of 64-bit words (compilers do not find it from plain C). */
typedef struct xxh3_kernels {
    void (*add_stripes)(uint64_t lanes[8], unsigned *stripes, const unsigned char *p, size_t n);
    void (*sum_blocks)(uint64_t (*sums)[8], const unsigned char *p, size_t n);
    void (*add_block_sums)(uint64_t lanes[8], const uint64_t (*sums)[8], size_t n);
    void (*add_last_stripe)(uint64_t lanes[8], const unsigned char *stripe);
} xxh3_kernels;

#ifdef XXH3_X86_KERNELS
#ifdef XXH3_AVX2_KERNELS
#pragma GCC push_options
#pragma GCC target("avx2")
#define KERNEL(name) name##_avx2
ALWAYS_INLINE void mul_prime_avx2(u64x4 *product, const u64x4 *x)
{
    __m256i prime = _mm256_set1_epi64x(PRIME32_1);
    u64x4 low = (u64x4)_mm256_mul_epu32((__m256i)*x, prime);
    u64x4 high = (u64x4)_mm256_mul_epu32((__m256i)(*x >> 32), prime);
    *product = low + (high << 32);
}
#include "proc/xxh3_kernels.h"
#undef KERNEL
#pragma GCC pop_options
#endif

#define KERNEL(name) name##_sse2
ALWAYS_INLINE void mul_halves_sse2(u64x4 *product, const u64x4 *x)
{
    __m128i half[2], high[2];
    memcpy(half, x, sizeof half);
    for (int i = 0; i < 2; i++)
        high[i] = _mm_srli_epi64(half[i], 32);
    for (int i = 0; i < 2; i++)
        half[i] = _mm_mul_epu32(half[i], high[i]);
    memcpy(product, half, sizeof half);
}
ALWAYS_INLINE void mul_prime_sse2(u64x4 *product, const u64x4 *x)
{
    __m128i half[2], prime = _mm_set1_epi64x(PRIME32_1);
    memcpy(half, x, sizeof half);
    for (int i = 0; i < 2; i++) {
        __m128i low = _mm_mul_epu32(half[i], prime);
        __m128i high = _mm_mul_epu32(_mm_srli_epi64(half[i], 32), prime);
        half[i] = _mm_add_epi64(low, _mm_slli_epi64(high, 32));
    }
    memcpy(product, half, sizeof half);
}
#include "proc/xxh3_kernels.h"
#undef KERNEL

static xxh3_kernels choose_kernels(void)
{
#ifdef XXH3_AVX2_KERNELS
    if (__builtin_cpu_supports("avx2"))
        return (xxh3_kernels){add_stripes_avx2, sum_blocks_avx2, add_block_sums_avx2,
                              add_last_stripe_avx2};
#endif
    return (xxh3_kernels){add_stripes_sse2, sum_blocks_sse2, add_block_sums_sse2,
                          add_last_stripe_sse2};
}
#else
#define KERNEL(name) name##_generic
ALWAYS_INLINE void mul_halves_generic(u64x4 *product, const u64x4 *x)
{
    *product = (*x & 0xffffffffu) * (*x >> 32);
}
ALWAYS_INLINE void mul_prime_generic(u64x4 *product, const u64x4 *x)
{
    *product = *x * PRIME32_1;
}
#include "proc/xxh3_kernels.h"
#undef KERNEL

static xxh3_kernels choose_kernels(void)
{
    return (xxh3_kernels){add_stripes_generic, sum_blocks_generic, add_block_sums_generic,
                          add_last_stripe_generic};
}
#endif

static xxh3_kernels kernels;

/* XXH3's default secret is the one libxxhash derives from seed 0. */
static void setup(void)
{
    XXH3_generateSecret_fromSeed(secret, 0);
    kernels = choose_kernels();
}

void xxh3_reset(xxh3_stream *s)
{
    pthread_once(&setup_once, setup);
    static const uint64_t initial[8] = {PRIME32_3, PRIME64_1, PRIME64_2,
                                        PRIME64_3, PRIME64_4, PRIME32_2,
                                        PRIME64_5, PRIME32_1};
    memcpy(s->acc, initial, sizeof s->acc);
    s->total = 0;
    s->stripes = 0;
    s->buffered = 0;
}

void xxh3_update(xxh3_stream *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->total += len;
    if (s->buffered + len <= XXH3_BUFFER_LEN) {
        memcpy(s->buffer + s->buffered, p, len);
        s->buffered += len;
        return;
    }
    if (s->buffered > 0) {
        /* Complete the buffer and add it: the rest of p follows it. */
        size_t fill = XXH3_BUFFER_LEN - s->buffered;
        memcpy(s->buffer + s->buffered, p, fill);
        p += fill;
        len -= fill;
        kernels.add_stripes(s->acc, &s->stripes, s->buffer, XXH3_BUFFER_LEN / XXH3_STRIPE_LEN);
        memcpy(s->last_added, s->buffer + XXH3_BUFFER_LEN - XXH3_STRIPE_LEN, XXH3_STRIPE_LEN);
        s->buffered = 0;
    }
    if (len > XXH3_BUFFER_LEN) {
        /* Add every stripe of p that a byte follows; keep 1 to 64 bytes. */
        size_t n = (len - 1) / XXH3_STRIPE_LEN;
        kernels.add_stripes(s->acc, &s->stripes, p, n);
        p += n * XXH3_STRIPE_LEN;
        len -= n * XXH3_STRIPE_LEN;
        memcpy(s->last_added, p - XXH3_STRIPE_LEN, XXH3_STRIPE_LEN);
    }
    memcpy(s->buffer, p, len);
    s->buffered = len;
}

void xxh3_part_start(xxh3_part *p, uint64_t start)
{
    pthread_once(&setup_once, setup);
    p->start = start;
    p->head_len = p->nsums = p->tail_len = 0;
}

/* Room for n more sums.  false: out of memory. */
static bool reserve_sums(xxh3_part *p, size_t n)
{
    if (p->capacity - p->nsums >= n)
        return true;
    size_t capacity = p->capacity ? p->capacity : 256;
    while (capacity - p->nsums < n)
        capacity *= 2;
    void *sums = realloc(p->sums, capacity * sizeof *p->sums);
    if (!sums)
        return false;
    p->sums = sums;
    p->capacity = capacity;
    return true;
}

/* Sums the n whole blocks at data, a byte of the part following the last. */
static bool sum_whole_blocks(xxh3_part *p, const unsigned char *data, size_t n)
{
    if (n == 0)
        return true;
    if (!reserve_sums(p, n))
        return false;
    kernels.sum_blocks(p->sums + p->nsums, data, n);
    p->nsums += n;
    memcpy(p->last_summed, data + n * BLOCK_LEN - XXH3_STRIPE_LEN, XXH3_STRIPE_LEN);
    return true;
}

/* Moves bytes from *in (*len of them) to buf (holding *held) until it
 * holds want or *in is used up. */
static void fill(unsigned char *buf, size_t *held, size_t want, const unsigned char **in,
                 size_t *len)
{
    size_t take = want - *held < *len ? want - *held : *len;
    memcpy(buf + *held, *in, take);
    *held += take;
    *in += take;
    *len -= take;
}

bool xxh3_part_update(xxh3_part *p, const void *data, size_t len)
{
    const unsigned char *in = data;
    /* The bytes before the part's first block edge. */
    size_t head_want = (size_t)((BLOCK_LEN - p->start % BLOCK_LEN) % BLOCK_LEN);
    if (p->head_len < head_want)
        fill(p->head, &p->head_len, head_want, &in, &len);
    if (len == 0)
        return true;
    /* A full tail is summed once a byte follows it. */
    if (p->tail_len > 0) {
        fill(p->tail, &p->tail_len, BLOCK_LEN, &in, &len);
        if (len == 0)
            return true;
        if (!sum_whole_blocks(p, p->tail, 1))
            return false;
        p->tail_len = 0;
    }
    /* Every whole block that a byte follows; the rest (1 to 1024 bytes)
     * waits in the tail. */
    size_t n = (len - 1) / BLOCK_LEN;
    if (!sum_whole_blocks(p, in, n))
        return false;
    memcpy(p->tail, in + n * BLOCK_LEN, len - n * BLOCK_LEN);
    p->tail_len = len - n * BLOCK_LEN;
    return true;
}

/* Adds n (at least 1) block sums to s, which ends at a block edge; last is the last
 * stripe of the last block summed. */
static void add_sums(xxh3_stream *s, const uint64_t (*sums)[8], size_t n, const unsigned char *last)
{
    /* Add the stripes s kept back (more input follows them now), then the
     * sums, each with its scramble. */
    if (s->buffered > 0) {
        kernels.add_stripes(s->acc, &s->stripes, s->buffer, s->buffered / XXH3_STRIPE_LEN);
        s->buffered = 0;
    }
    kernels.add_block_sums(s->acc, sums, n);
    s->total += (uint64_t)n * BLOCK_LEN;
    memcpy(s->last_added, last, XXH3_STRIPE_LEN);
}

void xxh3_add_part(xxh3_stream *s, const xxh3_part *p)
{
    xxh3_update(s, p->head, p->head_len);
    if (p->nsums > 0)
        add_sums(s, (const uint64_t(*)[8])p->sums, p->nsums, p->last_summed);
    xxh3_update(s, p->tail, p->tail_len);
}

xxh3_summed xxh3_summed_in(uint64_t offset, size_t len)
{
    xxh3_summed summed = {.at = (size_t)((BLOCK_LEN - offset % BLOCK_LEN) % BLOCK_LEN)};
    if (summed.at < len)
        summed.n = (len - summed.at - 1) / BLOCK_LEN;
    if (summed.n == 0)
        summed.at = 0; /* none: a plain update */
    return summed;
}

/* The last stripe of the blocks summed in data. */
static const unsigned char *last_summed_stripe(const unsigned char *data, const xxh3_summed *summed)
{
    return data + xxh3_summed_end(summed) - XXH3_STRIPE_LEN;
}

void xxh3_update_summed(xxh3_stream *s, const void *data, size_t len, const xxh3_summed *summed)
{
    const unsigned char *p = data;
    size_t after = xxh3_summed_end(summed);
    xxh3_update(s, p, summed->at);
    if (summed->n > 0)
        add_sums(s, summed->sums, summed->n, last_summed_stripe(p, summed));
    xxh3_update(s, p + after, len - after);
}

bool xxh3_part_update_summed(xxh3_part *p, const void *data, size_t len, const xxh3_summed *summed)
{
    const unsigned char *in = data;
    size_t after = xxh3_summed_end(summed);
    if (!xxh3_part_update(p, in, summed->at))
        return false;
    if (summed->n > 0) {
        /* At a block edge, the tail is empty or a whole block, which input
         * follows now. */
        if (p->tail_len > 0) {
            if (!sum_whole_blocks(p, p->tail, 1))
                return false;
            p->tail_len = 0;
        }
        if (!reserve_sums(p, summed->n))
            return false;
        memcpy(p->sums + p->nsums, summed->sums, summed->n * sizeof *p->sums);
        p->nsums += summed->n;
        memcpy(p->last_summed, last_summed_stripe(in, summed), XXH3_STRIPE_LEN);
    }
    return xxh3_part_update(p, in + after, len - after);
}

void xxh3_sum_blocks(uint64_t (*sums)[8], const void *data, size_t n)
{
    pthread_once(&setup_once, setup);
    kernels.sum_blocks(sums, data, n);
}

const unsigned char *xxh3_secret(void)
{
    pthread_once(&setup_once, setup);
    return secret;
}

void xxh3_part_release(xxh3_part *p)
{
    free(p->sums);
    p->sums = NULL;
    p->nsums = p->capacity = 0;
}

/* The lanes at the end of the input (more than SHORT_MAX bytes). */
static void final_lanes(const xxh3_stream *s, uint64_t lanes[8])
{
    memcpy(lanes, s->acc, sizeof s->acc);
    unsigned stripes = s->stripes;
    unsigned char last[XXH3_STRIPE_LEN];
    if (s->buffered >= XXH3_STRIPE_LEN) {
        kernels.add_stripes(lanes, &stripes, s->buffer, (s->buffered - 1) / XXH3_STRIPE_LEN);
        memcpy(last, s->buffer + s->buffered - XXH3_STRIPE_LEN, XXH3_STRIPE_LEN);
    } else {
        /* The last stripe reaches back into bytes already added. */
        size_t back = XXH3_STRIPE_LEN - s->buffered;
        memcpy(last, s->last_added + s->buffered, back);
        memcpy(last + back, s->buffer, s->buffered);
    }
    kernels.add_last_stripe(lanes, last);
}

static uint64_t read_le64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* The 128-bit product of a and b, its two halves xored together. */
static uint64_t mul128_fold64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(MMSCAN_PORTABLE_XXH3)
    unsigned __int128 product = (unsigned __int128)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
#else
    /* From 32-bit halves, where the compiler has no 128-bit integers. */
    uint64_t lo_lo = (a & 0xffffffffu) * (b & 0xffffffffu);
    uint64_t hi_lo = (a >> 32) * (b & 0xffffffffu);
    uint64_t lo_hi = (a & 0xffffffffu) * (b >> 32);
    uint64_t hi_hi = (a >> 32) * (b >> 32);
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    uint64_t high = hi_hi + (hi_lo >> 32) + (cross >> 32);
    uint64_t low = (cross << 32) | (lo_lo & 0xffffffffu);
    return low ^ high;
#endif
}

/* Folds the lanes into 64 bits, keyed with the secret at key. */
static uint64_t merge_lanes(const uint64_t lanes[8], const unsigned char *key, uint64_t start)
{
    uint64_t h = start;
    for (int i = 0; i < 4; i++)
        h += mul128_fold64(lanes[2 * i] ^ read_le64(key + 16 * i),
                           lanes[2 * i + 1] ^ read_le64(key + 16 * i + 8));
    /* XXH3's avalanche */
    h ^= h >> 37;
    h *= 0x165667919E3779F9ULL;
    h ^= h >> 32;
    return h;
}

XXH64_hash_t xxh3_digest64(const xxh3_stream *s)
{
    if (s->total <= SHORT_MAX)
        return XXH3_64bits(s->buffer, s->buffered);
    uint64_t lanes[8];
    final_lanes(s, lanes);
    return merge_lanes(lanes, secret + MERGE_KEY, s->total * PRIME64_1);
}

XXH128_hash_t xxh3_digest128(const xxh3_stream *s)
{
    if (s->total <= SHORT_MAX)
        return XXH3_128bits(s->buffer, s->buffered);
    uint64_t lanes[8];
    final_lanes(s, lanes);
    XXH128_hash_t h;
    h.low64 = merge_lanes(lanes, secret + MERGE_KEY, s->total * PRIME64_1);
    h.high64 = merge_lanes(lanes, secret + MERGE_KEY_HIGH, ~(s->total * PRIME64_2));
    return h;
}
