/*
 * line_lengths.c - the distribution of line lengths, in exact buckets for
 * short lines and log-linear buckets (128 per power of two) for long ones,
 * so that distributions of parts merge by adding buckets.
 */
#include "config.h"
#include "line_lengths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUB_BITS 7 /* 2^7 buckets per power of two above the exact range */
#define EXACT_BITS 16
#define NBUCKETS (LINE_EXACT_LIMIT + (64 - EXACT_BITS) * ((uint64_t)1 << SUB_BITS))

static size_t bucket_of(uint64_t length)
{
    if (length < LINE_EXACT_LIMIT)
        return (size_t)length;
    unsigned power = 63 - (unsigned)__builtin_clzll(length); /* >= EXACT_BITS */
    uint64_t sub = (length >> (power - SUB_BITS)) & ((1u << SUB_BITS) - 1);
    return (size_t)(LINE_EXACT_LIMIT + ((uint64_t)(power - EXACT_BITS) << SUB_BITS) + sub);
}

/* The smallest length that falls into bucket b. */
static uint64_t bucket_floor(size_t b)
{
    if (b < LINE_EXACT_LIMIT)
        return b;
    uint64_t k = b - LINE_EXACT_LIMIT;
    unsigned power = EXACT_BITS + (unsigned)(k >> SUB_BITS);
    uint64_t sub = k & ((1u << SUB_BITS) - 1);
    return (((uint64_t)1 << SUB_BITS) | sub) << (power - SUB_BITS);
}

bool line_lengths_init(line_lengths *ll)
{
    *ll = (line_lengths){.min = UINT64_MAX};
    ll->buckets = calloc(NBUCKETS, sizeof *ll->buckets);
    return ll->buckets != NULL;
}

void line_lengths_release(line_lengths *ll)
{
    free(ll->buckets);
    ll->buckets = NULL;
}

static void add_line(line_lengths *ll, uint64_t length)
{
    ll->buckets[bucket_of(length)]++;
    ll->count++;
    ll->sum += length;
    if (length < ll->min)
        ll->min = length;
    if (length > ll->max)
        ll->max = length;
}

/*
 * Bit 7 of byte i of the result is set when byte i of w is '\n': x is 0
 * exactly where w holds a newline, and (x & 0x7f) + 0x7f sets bit 7 of
 * every byte whose low bits are not all 0, without carries between bytes.
 */
static uint64_t newline_bits(uint64_t w)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    uint64_t x = w ^ 0x0a0a0a0a0a0a0a0aull;
    return ~(((x & low7) + low7) | x) & ~low7;
}

/* A newline ends the line in progress, of which length bytes are new. */
static void end_line(line_lengths *ll, uint64_t length)
{
    if (ll->seen_newline) {
        add_line(ll, ll->run + length);
    } else {
        ll->head += length; /* the line may have begun in the part before */
        ll->seen_newline = true;
    }
    ll->run = 0;
}

void line_lengths_feed(line_lengths *ll, const unsigned char *data, size_t len, uint64_t newlines)
{
    size_t start = 0, i = 0; /* start: where the line in progress began in data */
    for (; newlines > 0 && i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, sizeof w);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w); /* byte i in bits 8i to 8i+7 */
#endif
        for (uint64_t bits = newline_bits(w); bits; bits &= bits - 1, newlines--) {
            size_t at = i + (size_t)__builtin_ctzll(bits) / 8;
            end_line(ll, at - start);
            start = at + 1;
        }
    }
    for (; newlines > 0 && i < len; i++) {
        if (data[i] == '\n') {
            end_line(ll, i - start);
            start = i + 1;
            newlines--;
        }
    }
    if (ll->seen_newline)
        ll->run += len - start;
    else
        ll->head += len - start;
}

void line_lengths_merge(line_lengths *self, const line_lengths *part)
{
    for (size_t b = 0; b < NBUCKETS; b++)
        self->buckets[b] += part->buckets[b];
    self->count += part->count;
    self->sum += part->sum;
    if (part->min < self->min)
        self->min = part->min;
    if (part->max > self->max)
        self->max = part->max;
    if (!part->seen_newline) {
        if (self->seen_newline)
            self->run += part->head;
        else
            self->head += part->head;
    } else {
        /* The line that ends at part's first newline began in self. */
        if (self->seen_newline)
            add_line(self, self->run + part->head);
        else
            self->head += part->head;
        self->seen_newline = true;
        self->run = part->run;
    }
}

void line_lengths_finish(line_lengths *ll)
{
    if (ll->seen_newline) {
        add_line(ll, ll->head);
        if (ll->run > 0)
            add_line(ll, ll->run);
    } else if (ll->head > 0) {
        add_line(ll, ll->head);
    }
    ll->seen_newline = false;
    ll->head = ll->run = 0;
}

uint64_t line_lengths_percentile(const line_lengths *ll, double percent)
{
    if (ll->count == 0)
        return 0;
    /* percent * count first: 90 * 10 / 100 is exactly 9, 0.9 * 10 is not. */
    double wanted = ceil(percent * (double)ll->count / 100.0);
    uint64_t rank = wanted < 1 ? 1 : wanted > (double)ll->count ? ll->count : (uint64_t)wanted;
    if (rank == ll->count)
        return ll->max; /* exact, even among long lines */
    uint64_t seen = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        seen += ll->buckets[b];
        if (seen >= rank) {
            uint64_t length = bucket_floor(b);
            return length < ll->min ? ll->min : length;
        }
    }
    return ll->max;
}
