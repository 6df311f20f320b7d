/*
 * wc_scan.c - counting lines and words 64 bytes at a time.
 *
 * Each 64-byte block is turned into three bit masks: newlines, white space
 * and printable bytes.  Lines are a popcount.  For words, "inside a word"
 * is a carry: a printable byte generates it, a transparent byte propagates
 * it, white space kills it.  Adding (printable) + (printable | transparent)
 * + carry-in computes every position's carry at once, like a binary adder,
 * so runs of transparent bytes need no byte-by-byte loop.
 *
 * Most text has no transparent byte at all: every byte is white space or
 * printable, and a word starts at each printable byte after a white space
 * one.  The AVX2 version counts runs of blocks that way, from the
 * printable mask alone, and counts a run again the exact way when one of
 * its bytes was transparent after all (and the rest of that call too: the
 * data holds such bytes).
 *
 * An AVX2 version is chosen at run time when the CPU has it; SSE2 (always
 * present on x86-64) or plain C otherwise.  Built by GCC, the AVX2 version
 * also counts whole 1 KiB blocks while it adds their stripes into XXH3's
 * block sums (wc_count_summing_xxh3()): one loop for a word count and a
 * hash (proc/count_and_hash.c).
 */
#include "config.h"
#include "internal.h"
#include "wc_scan.h"
#include "proc/xxh3_stream.h"
#include "proc/xxh3_vector.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86_VECTORS 1
#endif


typedef struct block_masks {
    uint64_t newline, space, print;
} block_masks;

#ifdef HAVE_X86_VECTORS
/* 0xff for each white space byte of v, 0 for the others. */
static inline __attribute__((always_inline, target("avx2"))) __m256i space_bytes_avx2(__m256i v)
{
    /* A byte is space when the table entry at its low four bits is the
     * byte itself.  Entry 0 is ' ', entries 9 to 13 are '\t' to '\r', the
     * others a value no byte there can equal; a byte of 0x80 or more looks
     * up 0, which only 0 equals, and 0 is not >= 0x80. */
    const __m256i spaces = _mm256_setr_epi8(' ', -1, -1, -1, -1, -1, -1, -1, -1, '\t', '\n', '\v',
                                            '\f', '\r', -1, -1, ' ', -1, -1, -1, -1, -1, -1, -1,
                                            -1, '\t', '\n', '\v', '\f', '\r', -1, -1);
    return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(spaces, v), v);
}

/* 0xff for each printable byte of v, 0 for the others. */
static inline __attribute__((always_inline, target("avx2"))) __m256i print_bytes_avx2(__m256i v)
{
    /* One signed compare: adding 95 moves 0x21-0x7e to -128..-35 and every
     * other byte to -34 or above. */
    const __m256i to_print = _mm256_set1_epi8(95), print_limit = _mm256_set1_epi8(-34);
    return _mm256_cmpgt_epi8(print_limit, _mm256_add_epi8(v, to_print));
}

/* Adds the newlines of v to the byte counters *newlines (cmpeq gives -1
 * per match: subtracting it counts up). */
static inline __attribute__((always_inline, target("avx2"))) void count_newlines_avx2(__m256i v,
                                                                                    __m256i *newlines)
{
    *newlines = _mm256_sub_epi8(*newlines, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
}

/* The sum of the 32 byte counters of counts. */
static inline __attribute__((always_inline, target("avx2"))) uint64_t sum_bytes_avx2(__m256i counts)
{
    __m256i sums = _mm256_sad_epu8(counts, _mm256_setzero_si256());
    return (uint64_t)_mm256_extract_epi64(sums, 0) + (uint64_t)_mm256_extract_epi64(sums, 1) +
           (uint64_t)_mm256_extract_epi64(sums, 2) + (uint64_t)_mm256_extract_epi64(sums, 3);
}

static inline __attribute__((always_inline)) void classify_sse2(const unsigned char *p, block_masks *m)
{
    const __m128i nl = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(' ');
    const __m128i tab_minus_1 = _mm_set1_epi8('\t' - 1), cr_plus_1 = _mm_set1_epi8('\r' + 1);
    const __m128i del = _mm_set1_epi8(0x7f);
    m->newline = m->space = m->print = 0;
    for (int q = 0; q < 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * q));
        __m128i ctl_space = _mm_and_si128(_mm_cmpgt_epi8(v, tab_minus_1), _mm_cmpgt_epi8(cr_plus_1, v));
        __m128i space = _mm_or_si128(ctl_space, _mm_cmpeq_epi8(v, sp));
        __m128i print = _mm_and_si128(_mm_cmpgt_epi8(v, sp), _mm_cmpgt_epi8(del, v));
        m->newline |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * q);
        m->space |= (uint64_t)(uint16_t)_mm_movemask_epi8(space) << (16 * q);
        m->print |= (uint64_t)(uint16_t)_mm_movemask_epi8(print) << (16 * q);
    }
}

/* The offset of the first byte of p[0 .. len) that is white space or
 * printable, or of the first byte of the last len % 32 when there is none
 * before them. */
__attribute__((target("avx2"))) static size_t skip_transparent_avx2(const unsigned char *p,
                                                                     size_t len)
{
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        uint32_t text = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(space_bytes_avx2(v), print_bytes_avx2(v)));
        if (text)
            return i + (size_t)__builtin_ctz(text);
    }
    return i;
}

/* Newlines in 128-byte steps.  A step adds up to 4 to a byte counter (four
 * vectors into the same counters), so the counters are summed every 63
 * steps, before any can pass 255. */
__attribute__((target("avx2"))) static uint64_t count_lines_avx2(const unsigned char *p, size_t n)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    uint64_t total = 0;
    while (n >= 128) {
        size_t steps = n / 128 > 63 ? 63 : n / 128;
        __m256i acc = _mm256_setzero_si256();
        for (size_t s = 0; s < steps; s++, p += 128) {
            /* cmpeq gives -1 per match: subtracting it counts up. */
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)p), nl));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + 32)), nl));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + 64)), nl));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + 96)), nl));
        }
        total += sum_bytes_avx2(acc);
        n -= steps * 128;
    }
    while (n--)
        total += *p++ == '\n';
    return total;
}
#endif

#ifndef HAVE_X86_VECTORS
static inline __attribute__((always_inline)) void classify_scalar(const unsigned char *p, block_masks *m)
{
    m->newline = m->space = m->print = 0;
    for (unsigned i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (p[i] == '\n')
            m->newline |= bit;
        if (wc_class_of(p[i]) == WC_SPACE)
            m->space |= bit;
        if (wc_class_of(p[i]) == WC_PRINT)
            m->print |= bit;
    }
}
#endif

/*
 * Runs the words of a 64-byte block with these masks through w.  The carry
 * into bit i of print + ~space + in_word (~space: printable or
 * transparent) is whether a word was open just before byte i; on a
 * printable byte, whose two addend bits are both 1, the sum bit is that
 * carry itself, so the printable bytes with a sum bit of 0 start words.
 */
static inline __attribute__((always_inline)) void count_words(uint64_t space, uint64_t print,
                                                              wc_words *w)
{
    unsigned long long sum;
#ifdef HAVE_X86_VECTORS
    /* One add-with-carry, the carry in and out kept in in_word. */
    w->in_word = _addcarry_u64(w->in_word, print, ~space, &sum);
#else
    bool overflow = __builtin_add_overflow(print, ~space, &sum);
    overflow |= __builtin_add_overflow(sum, (unsigned long long)w->in_word, &sum);
    w->in_word = overflow;
#endif
    w->count += (uint64_t)__builtin_popcountll(print & ~sum);
}

/* The last len (< 64) bytes padded with NUL bytes: they are transparent,
 * so they change neither the counts nor the state. */
static inline __attribute__((always_inline)) void pad_tail(const unsigned char *p, size_t len,
                                                           unsigned char tail[64])
{
    memset(tail, 0, 64);
    memcpy(tail, p, len);
}

/* What the block functions below count in, kept in locals of the entry
 * points so that it stays in registers: through the callers' pointers
 * (which may alias), every block would store and reload the counts, and
 * the open-word carry from one block to the next would wait on memory. */
typedef struct block_counts {
    uint64_t lines;
    wc_words words;
#ifdef HAVE_X86_VECTORS
    __m256i newlines; /* AVX2: byte counters, up to 2 a block */
    __m256i text;     /* AVX2 text blocks: 0xff where no byte was transparent */
#endif
} block_counts;

typedef void (*block_fn)(const unsigned char *p, block_counts *c);

/* Calls count(p, c) for each 64-byte block of data[0 .. len), the last one
 * padded.  Inlined into each entry point with its block function. */
static inline __attribute__((always_inline)) void
count_blocks(const unsigned char *data, size_t len, block_fn count, block_counts *c)
{
    const unsigned char *p = data, *whole_end = data + len / 64 * 64;
    for (; p < whole_end; p += 64) {
        __builtin_prefetch(p + MMS_PREFETCH_AHEAD);
        count(p, c);
    }
    if (len % 64) {
        unsigned char tail[64];
        pad_tail(p, len % 64, tail);
        count(tail, c);
    }
}

#ifdef HAVE_X86_VECTORS
/* The 32-bit mask of the bytes of v that are 0xff. */
static inline __attribute__((always_inline, target("avx2"))) uint64_t mask32_avx2(__m256i v)
{
    return (uint32_t)_mm256_movemask_epi8(v);
}

/* The 64-byte block at p as two vectors, its newlines counted into c. */
static inline __attribute__((always_inline, target("avx2"))) void
load_block_avx2(const unsigned char *p, __m256i v[2], block_counts *c)
{
    v[0] = _mm256_loadu_si256((const __m256i *)p);
    v[1] = _mm256_loadu_si256((const __m256i *)(p + 32));
    count_newlines_avx2(v[0], &c->newlines);
    count_newlines_avx2(v[1], &c->newlines);
}

static inline __attribute__((always_inline, target("avx2"))) void
count_block_avx2(const unsigned char *p, block_counts *c)
{
    __m256i v[2];
    load_block_avx2(p, v, c);
    uint64_t space = mask32_avx2(space_bytes_avx2(v[0])) | mask32_avx2(space_bytes_avx2(v[1])) << 32;
    uint64_t print = mask32_avx2(print_bytes_avx2(v[0])) | mask32_avx2(print_bytes_avx2(v[1])) << 32;
    count_words(space, print, &c->words);
}

/* A block of text: a word starts at each printable byte that follows a
 * non-printable one, white space here.  c->text keeps, in each byte, 0xff
 * while every byte seen at that place was white space or printable. */
static inline __attribute__((always_inline, target("avx2"))) void
count_text_block_avx2(const unsigned char *p, block_counts *c)
{
    __m256i v[2];
    load_block_avx2(p, v, c);
    __m256i print0 = print_bytes_avx2(v[0]), print1 = print_bytes_avx2(v[1]);
    __m256i text0 = _mm256_or_si256(print0, space_bytes_avx2(v[0]));
    __m256i text1 = _mm256_or_si256(print1, space_bytes_avx2(v[1]));
    c->text = _mm256_and_si256(c->text, _mm256_and_si256(text0, text1));
    uint64_t print = mask32_avx2(print0) | mask32_avx2(print1) << 32;
    c->words.count += (uint64_t)__builtin_popcountll(print & ~(print << 1 | c->words.in_word));
    c->words.in_word = print >> 63;
}

#ifdef XXH3_AVX2_KERNELS
/* XXH3's step over a stripe, for the count that sums blocks as it reads
 * them. */
#pragma GCC push_options
#pragma GCC target("avx2")
#define KERNEL(name) name##_avx2
#include "proc/xxh3_stripe.h"
#undef KERNEL
#pragma GCC pop_options
#define HAVE_COUNT_SUMMING 1

/* Counts nblocks 1 KiB blocks at p into c with count and writes XXH3's
 * sum of each into sums, stripe by stripe as the count loads them: the
 * count mostly waits for memory, and the hash's work fits in that wait. */
static inline __attribute__((always_inline, target("avx2,popcnt"))) void
count_and_sum_avx2(const unsigned char *p, size_t nblocks, block_fn count, block_counts *c,
                   uint64_t (*sums)[8], const unsigned char *secret)
{
    for (size_t b = 0; b < nblocks; b++) {
        u64x4 sum[2] = {{0}, {0}};
        for (unsigned k = 0; k < XXH3_BLOCK_LEN / XXH3_STRIPE_LEN; k++, p += 64) {
            __builtin_prefetch(p + MMS_PREFETCH_AHEAD);
            count(p, c);
            add_stripe_avx2(sum, p, secret + 8 * k);
        }
        store_lanes_avx2(sums[b], sum);
    }
}
#endif

/* Counts data[0 .. len) into c with count; with sums (not NULL), len is a
 * multiple of 1 KiB and the blocks are summed too. */
static inline __attribute__((always_inline, target("avx2,popcnt"))) void
count_maybe_summing_avx2(const unsigned char *data, size_t len, block_fn count, block_counts *c,
                         uint64_t (*sums)[8], const unsigned char *secret)
{
#ifdef HAVE_COUNT_SUMMING
    if (sums) {
        count_and_sum_avx2(data, len / XXH3_BLOCK_LEN, count, c, sums, secret);
        return;
    }
#endif
    (void)sums, (void)secret;
    count_blocks(data, len, count, c);
}

/* Blocks a run counts its newlines in byte counters for: each block adds
 * up to 2 to a counter, so the counters are summed before any passes 255.
 * Whole XXH3 blocks (16 blocks each), for a run that sums them. */
#define RUN_BLOCKS 112
_Static_assert(RUN_BLOCKS * 2 <= 255 && RUN_BLOCKS % 16 == 0, "a run fits the byte counters");

/* Counts a run of at most RUN_BLOCKS blocks, the last one maybe partial
 * (not with sums).  As text (whole blocks only; a partial one pads with
 * NUL bytes, which are transparent): false when a byte was not white space
 * or printable, with c then not to be used. */
static inline __attribute__((always_inline, target("avx2,popcnt"))) bool
count_run_avx2(const unsigned char *p, size_t len, bool as_text, block_counts *c,
               uint64_t (*sums)[8], const unsigned char *secret)
{
    c->newlines = _mm256_setzero_si256();
    if (as_text) {
        c->text = _mm256_set1_epi8(-1);
        count_maybe_summing_avx2(p, len / 64 * 64, count_text_block_avx2, c, sums, secret);
        if (!_mm256_testc_si256(c->text, _mm256_set1_epi8(-1)))
            return false;
        p += len / 64 * 64;
        len %= 64;
    }
    count_maybe_summing_avx2(p, len, count_block_avx2, c, sums, secret);
    c->lines += sum_bytes_avx2(c->newlines);
    return true;
}

/* Counts data[0 .. len) in runs: as text until a run turns out not to be,
 * which is counted again the exact way (and its blocks summed again), as
 * is the rest.  With sums, len is a multiple of 1 KiB and each block's
 * XXH3 sum goes into sums. */
static inline __attribute__((always_inline, target("avx2,popcnt"))) void
count_all_avx2(const unsigned char *data, size_t len, uint64_t *lines, wc_words *words,
               uint64_t (*sums)[8], const unsigned char *secret)
{
    block_counts c = {.words = *words};
    bool as_text = true;
    for (size_t i = 0; i < len; i += RUN_BLOCKS * 64) {
        size_t run = len - i < RUN_BLOCKS * 64 ? len - i : RUN_BLOCKS * 64;
        uint64_t(*run_sums)[8] = sums ? sums + i / XXH3_BLOCK_LEN : NULL;
        block_counts before = c;
        if (!count_run_avx2(data + i, run, as_text, &c, run_sums, secret)) {
            c = before;
            as_text = false;
            count_run_avx2(data + i, run, false, &c, run_sums, secret);
        }
    }
    *lines += c.lines;
    *words = c.words;
}

__attribute__((target("avx2,popcnt"))) static void
count_avx2(const unsigned char *data, size_t len, uint64_t *lines, wc_words *words)
{
    count_all_avx2(data, len, lines, words, NULL, NULL);
}

#ifdef HAVE_COUNT_SUMMING
__attribute__((target("avx2,popcnt"))) static void
count_summing_avx2(const unsigned char *data, size_t nblocks, uint64_t *lines, wc_words *words,
                   uint64_t (*sums)[8])
{
    count_all_avx2(data, nblocks * XXH3_BLOCK_LEN, lines, words, sums, xxh3_secret());
}
#endif

#endif

/* Without AVX2: SSE2 on x86-64 (always present), plain C elsewhere. */
#ifdef HAVE_X86_VECTORS
#define classify_baseline classify_sse2
#else
#define classify_baseline classify_scalar
#endif

static inline __attribute__((always_inline)) void count_block_baseline(const unsigned char *p,
                                                                       block_counts *c)
{
    block_masks m;
    classify_baseline(p, &m);
    c->lines += (uint64_t)__builtin_popcountll(m.newline);
    count_words(m.space, m.print, &c->words);
}

void wc_count_lines_words(const unsigned char *data, size_t len, uint64_t *lines,
                          wc_words *words)
{
#ifdef HAVE_X86_VECTORS
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
        count_avx2(data, len, lines, words);
        return;
    }
#endif
    block_counts c = {.words = *words};
    count_blocks(data, len, count_block_baseline, &c);
    *lines += c.lines;
    *words = c.words;
}

void wc_count_summing_xxh3(const unsigned char *data, size_t nblocks, uint64_t *lines,
                           wc_words *words, uint64_t (*sums)[8])
{
#ifdef HAVE_COUNT_SUMMING
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) {
        count_summing_avx2(data, nblocks, lines, words, sums);
        return;
    }
#endif
    wc_count_lines_words(data, nblocks * XXH3_BLOCK_LEN, lines, words);
    xxh3_sum_blocks(sums, data, nblocks);
}

wc_class wc_first_class(const unsigned char *data, size_t len)
{
    size_t i = 0;
#ifdef HAVE_X86_VECTORS
    if (__builtin_cpu_supports("avx2"))
        i = skip_transparent_avx2(data, len);
#endif
    for (; i < len; i++) {
        if (wc_class_of(data[i]) != WC_TRANSPARENT)
            return wc_class_of(data[i]);
    }
    return WC_TRANSPARENT;
}

uint64_t wc_count_lines(const unsigned char *data, size_t len)
{
#ifdef HAVE_X86_VECTORS
    if (__builtin_cpu_supports("avx2"))
        return count_lines_avx2(data, len);
#endif
    uint64_t total = 0;
    const unsigned char *end = data + len, *p = data;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        total++;
        p++;
    }
    return total;
}
