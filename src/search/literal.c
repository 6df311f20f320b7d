/*
 * literal.c - finding one string of bytes with vector instructions.
 *
 * The search compares two bytes of the needle, picked as rare in ordinary
 * text and far apart, with 32 positions of the haystack at once (AVX2,
 * chosen at run time); only positions where both bytes agree are compared
 * in full.  Where the rarest byte proves rare in the input (lit_history),
 * it is looked for alone first.  Without AVX2 it lets memchr() find the
 * rarest byte instead.
 */
#include "config.h"
#include "internal.h"
#include "search/literal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86_VECTORS 1
#endif

/* A step of 128 positions that holds the rarest byte costs a search that
 * looks for it alone more than testing both bytes at once would, beyond
 * about one step in 16: such a step adds RAREST_STEP_DEBT, a step without
 * takes 1 off, and past RAREST_DEBT_MAX the search tests both bytes at
 * once for BOTH_BYTES_STEPS steps (512 KiB; a call that tests both bytes
 * does so to its end) before it tries again. */
#define RAREST_STEP_DEBT 15
#define RAREST_DEBT_MAX 255
#define BOTH_BYTES_STEPS 4096

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static unsigned char other_case(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return (unsigned char)(c - 32);
    return c;
}

/* How common a (folded) byte is in text, logs and code: higher is more
 * common. */
static int commonness(unsigned char c)
{
    static const char by_frequency[] = "zqxjkvbpygfwmucldrhsnioate \n";
    const char *at = c ? strchr(by_frequency, c) : NULL;
    if (at)
        return 10 + (int)(at - by_frequency);
    if (c >= '0' && c <= '9')
        return 8;
    if (c >= 0x20 && c < 0x7f && !(c >= 'A' && c <= 'Z'))
        return 6; /* punctuation */
    return c < 0x80 ? 4 : 2;
}

/* Bytes next to each other in a needle often come together in the text
 * too ("seq=", "error:"): the second probe is the one with the best mix of
 * rarity and distance from the first. */
static int probe_score(const lit_needle *needle, size_t rarest, size_t i)
{
    size_t distance = i > rarest ? i - rarest : rarest - i;
    return 4 * commonness(needle->bytes[i]) - (int)(distance < 8 ? distance : 8);
}

int lit_init(lit_needle *needle, const unsigned char *bytes, size_t len, bool caseless)
{
    needle->bytes = malloc(len);
    if (!needle->bytes)
        return -1;
    needle->len = len;
    needle->caseless = caseless;
    for (size_t i = 0; i < len; i++)
        needle->bytes[i] = caseless ? fold(bytes[i]) : bytes[i];
    size_t rarest = 0, second = 0;
    for (size_t i = 1; i < len; i++)
        if (commonness(needle->bytes[i]) < commonness(needle->bytes[rarest]))
            rarest = i;
    for (size_t i = 0; i < len; i++)
        if (i != rarest && (second == rarest ||
                            probe_score(needle, rarest, i) < probe_score(needle, rarest, second)))
            second = i;
    needle->probe[0] = rarest;
    needle->probe[1] = second;
    return 0;
}

void lit_release(lit_needle *needle)
{
    free(needle->bytes);
    needle->bytes = NULL;
}

static bool same_at(const lit_needle *needle, const unsigned char *at)
{
    if (needle->caseless) {
        for (size_t i = 0; i < needle->len; i++)
            if (fold(at[i]) != needle->bytes[i])
                return false;
        return true;
    }
    /* Most candidates differ early: compare 8 bytes at once (or byte by
     * byte when shorter) before calling memcmp for the rest. */
    if (needle->len < 8) {
        for (size_t i = 0; i < needle->len; i++)
            if (at[i] != needle->bytes[i])
                return false;
        return true;
    }
    uint64_t head, want;
    memcpy(&head, at, 8);
    memcpy(&want, needle->bytes, 8);
    return head == want && memcmp(at + 8, needle->bytes + 8, needle->len - 8) == 0;
}

/* Checks every position in [from, last] one by one. */
static size_t find_scalar(const lit_needle *needle, const unsigned char *hay, size_t from,
                          size_t last, size_t not_found)
{
    const unsigned char probe = needle->bytes[needle->probe[0]];
    for (size_t i = from; i <= last; i++) {
        unsigned char c = hay[i + needle->probe[0]];
        if ((needle->caseless ? fold(c) : c) == probe && same_at(needle, hay + i))
            return i;
    }
    return not_found;
}

#ifdef HAVE_X86_VECTORS
/* The 32 positions from p where the byte is b (lo) or, caseless, its
 * other case (hi), as bytes of 0xff. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
probe_one_avx2(const unsigned char *p, __m256i lo, __m256i hi, bool caseless)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    __m256i eq = _mm256_cmpeq_epi8(v, lo);
    return caseless ? _mm256_or_si256(eq, _mm256_cmpeq_epi8(v, hi)) : eq;
}

/* Positions i .. i+31 where both probed bytes agree, as bytes of 0xff. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
probe_avx2(const unsigned char *p0, const unsigned char *p1, __m256i lo0, __m256i hi0,
           __m256i lo1, __m256i hi1, bool caseless)
{
    return _mm256_and_si256(probe_one_avx2(p0, lo0, hi0, caseless),
                            probe_one_avx2(p1, lo1, hi1, caseless));
}

/* The candidates of two probe results, 64 positions, as bits. */
__attribute__((target("avx2"), always_inline)) static inline uint64_t mask64_avx2(__m256i a,
                                                                                  __m256i b)
{
    return (uint32_t)_mm256_movemask_epi8(a) | (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32;
}

/* Verifies the candidate positions in mask (relative to i); returns the
 * first match, or len. */
static size_t verify(const lit_needle *needle, const unsigned char *hay, size_t len, size_t i,
                     uint64_t mask)
{
    const size_t last = len - needle->len;
    while (mask) {
        size_t at = i + (size_t)__builtin_ctzll(mask);
        if (at > last)
            return len;
        if (same_at(needle, hay + at))
            return at;
        mask &= mask - 1;
    }
    return len;
}

/* Verifies the candidates of the step of 128 positions at i (c0 to c3, as
 * probe results): true when the search ends there, *found then holding
 * the first match or len. */
__attribute__((target("avx2"), always_inline)) static inline bool
step_ends_search(const lit_needle *needle, const unsigned char *hay, size_t len, size_t i,
                 __m256i c0, __m256i c1, __m256i c2, __m256i c3, size_t *found)
{
    const size_t last = len - needle->len;
    for (unsigned half = 0; half < 2; half++) {
        size_t from = i + 64 * half;
        uint64_t mask = half ? mask64_avx2(c2, c3) : mask64_avx2(c0, c1);
        size_t at = mask ? verify(needle, hay, len, from, mask) : len;
        if (at < len || from + 63 >= last) {
            *found = at;
            return true;
        }
    }
    return false;
}

__attribute__((target("avx2"), always_inline)) static inline size_t
find_avx2(const lit_needle *needle, lit_history *history, const unsigned char *hay, size_t len,
          bool caseless)
{
    const size_t last = len - needle->len; /* the last position a match can start at */
    const unsigned char b0 = needle->bytes[needle->probe[0]], b1 = needle->bytes[needle->probe[1]];
    const __m256i lo0 = _mm256_set1_epi8((char)b0), hi0 = _mm256_set1_epi8((char)other_case(b0));
    const __m256i lo1 = _mm256_set1_epi8((char)b1), hi1 = _mm256_set1_epi8((char)other_case(b1));
    const unsigned char *p0 = hay + needle->probe[0], *p1 = hay + needle->probe[1];
#define PROBE(at) probe_avx2(p0 + (at), p1 + (at), lo0, hi0, lo1, hi1, caseless)
#define PROBE_RAREST(at) probe_one_avx2(p0 + (at), lo0, hi0, caseless)
    const size_t further = needle->probe[0] > needle->probe[1] ? needle->probe[0] : needle->probe[1];
    /* The history in locals, which stay in registers. */
    unsigned debt = history->rarest_debt, both_steps = history->both_steps;
    size_t i = 0, found = len, both_from = len;
    /* 128 positions a step, tested together: most text has no candidate,
     * and one test of four results costs less than four.  Loads end at
     * i + further + 128 <= len, so every lane is inside hay. */
    if (both_steps == 0) {
        /* The rarest byte alone first, while it stays rare. */
        for (; i + further + 128 <= len; i += 128) {
            __builtin_prefetch(p0 + i + MMS_PREFETCH_AHEAD);
            __builtin_prefetch(p0 + i + MMS_PREFETCH_AHEAD + 64);
            __m256i r = _mm256_or_si256(_mm256_or_si256(PROBE_RAREST(i), PROBE_RAREST(i + 32)),
                                        _mm256_or_si256(PROBE_RAREST(i + 64), PROBE_RAREST(i + 96)));
            if (_mm256_testz_si256(r, r)) {
                debt -= debt > 0;
                continue;
            }
            __m256i c0 = PROBE(i), c1 = PROBE(i + 32), c2 = PROBE(i + 64), c3 = PROBE(i + 96);
            __m256i any = _mm256_or_si256(_mm256_or_si256(c0, c1), _mm256_or_si256(c2, c3));
            if (!_mm256_testz_si256(any, any) &&
                step_ends_search(needle, hay, len, i, c0, c1, c2, c3, &found))
                goto done;
            debt += RAREST_STEP_DEBT;
            if (debt > RAREST_DEBT_MAX) {
                debt = 0;
                both_steps = BOTH_BYTES_STEPS;
                i += 128;
                break;
            }
        }
    }
    /* Both bytes at once (to the end of this haystack). */
    both_from = i;
    for (; i + further + 128 <= len; i += 128) {
        __builtin_prefetch(p0 + i + MMS_PREFETCH_AHEAD);
        __builtin_prefetch(p0 + i + MMS_PREFETCH_AHEAD + 64);
        __m256i c0 = PROBE(i), c1 = PROBE(i + 32), c2 = PROBE(i + 64), c3 = PROBE(i + 96);
        __m256i any = _mm256_or_si256(_mm256_or_si256(c0, c1), _mm256_or_si256(c2, c3));
        if (!_mm256_testz_si256(any, any) &&
            step_ends_search(needle, hay, len, i, c0, c1, c2, c3, &found))
            goto done;
    }
    for (; i + further + 32 <= len; i += 32) {
        uint32_t mask = (uint32_t)_mm256_movemask_epi8(PROBE(i));
        if (mask) {
            size_t at = verify(needle, hay, len, i, mask);
            if (at < len || i + 31 >= last) {
                found = at;
                goto done;
            }
        }
    }
    if (i <= last)
        found = find_scalar(needle, hay, i, last, len);
done:
#undef PROBE_RAREST
#undef PROBE
    if (i > both_from) {
        size_t steps = (i - both_from) / 128;
        both_steps = steps < both_steps ? both_steps - (unsigned)steps : 0;
    }
    history->rarest_debt = debt;
    history->both_steps = both_steps;
    return found;
}

__attribute__((target("avx2"))) static size_t find_avx2_exact(const lit_needle *needle,
                                                              lit_history *history,
                                                              const unsigned char *hay, size_t len)
{
    return find_avx2(needle, history, hay, len, false);
}

__attribute__((target("avx2"))) static size_t find_avx2_caseless(const lit_needle *needle,
                                                                 lit_history *history,
                                                                 const unsigned char *hay,
                                                                 size_t len)
{
    return find_avx2(needle, history, hay, len, true);
}
#endif

size_t lit_find(const lit_needle *needle, lit_history *history, const unsigned char *hay,
                size_t len)
{
    if (len < needle->len)
        return len;
#ifdef HAVE_X86_VECTORS
    if (__builtin_cpu_supports("avx2"))
        return needle->caseless ? find_avx2_caseless(needle, history, hay, len)
                                : find_avx2_exact(needle, history, hay, len);
#else
    (void)history;
#endif
    if (needle->caseless)
        return find_scalar(needle, hay, 0, len - needle->len, len);
    const size_t probe = needle->probe[0], last = len - needle->len;
    const unsigned char *p = hay + probe;
    while ((p = memchr(p, needle->bytes[probe], (size_t)(hay + last + probe + 1 - p))) != NULL) {
        if (same_at(needle, p - probe))
            return (size_t)(p - probe - hay);
        p++;
    }
    return len;
}
