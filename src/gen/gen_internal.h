/*
 * gen_internal.h - what the generator's sources share: the generator
 * handle, the table every kind fills, the counter-based random numbers, and
 * the block layout.
 */
#ifndef MMSCAN_GEN_INTERNAL_H
#define MMSCAN_GEN_INTERNAL_H

#include "internal.h"

#include <string.h>

/* ---- random numbers ---- */

/* The Weyl increment of the counters: odd, so a counter visits 2^64 values. */
#define GEN_WEYL 0x9E3779B97F4A7C15ull

/* A well-mixed function of x: the two halves of the 128-bit product of x and
 * a scrambled copy of x, folded together.  Counter-based generation applies
 * it to key + i * GEN_WEYL, so word i needs no word before it. */
static inline uint64_t gen_mix(uint64_t x)
{
    unsigned __int128 p = (unsigned __int128)x * (x ^ 0xE7037ED1A0B428DBull);
    return (uint64_t)(p >> 64) ^ (uint64_t)p;
}

/* A key for one stream of one generator: a kind, a purpose, a block. */
static inline uint64_t gen_key(uint64_t seed, uint64_t stream, uint64_t index)
{
    return gen_mix(gen_mix(seed ^ gen_mix(stream + GEN_WEYL)) + index * GEN_WEYL);
}

/* A sequence of random numbers, each a function of (key, position). */
typedef struct gen_rng {
    uint64_t counter;
} gen_rng;

static inline void gen_rng_init(gen_rng *rng, uint64_t key)
{
    rng->counter = key;
}

static inline uint64_t gen_rng_next(gen_rng *rng)
{
    rng->counter += GEN_WEYL;
    return gen_mix(rng->counter);
}

/* A number in [0, n) from the high bits of r (a multiply, no division). */
static inline uint32_t gen_below(uint64_t r, uint32_t n)
{
    return (uint32_t)(((r >> 32) * n) >> 32);
}

/* Stores v as 8 little-endian bytes, whatever the machine's byte order. */
static inline void gen_store_le64(unsigned char *out, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(out, &v, 8); /* one store */
#else
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(v >> (8 * i));
#endif
}

/* The stream numbers given to gen_key(): one per use, never reused. */
enum {
    GEN_STREAM_RANDOM = 1,
    GEN_STREAM_TEXT,
    GEN_STREAM_LOG,
    GEN_STREAM_CSV,
    GEN_STREAM_COMPRESSIBLE,
    GEN_STREAM_NEEDLE,
};

/* ---- kinds ---- */

/*
 * A kind fills either any byte range (bytes that depend on their offset
 * only) or whole blocks (bytes that depend on the block they are in).
 */
typedef struct gen_kind {
    const char *name;
    /* Fills dst with the len bytes at offset. */
    void (*fill_range)(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len);
    /* Fills dst with block index, whose length is len. */
    void (*fill_block)(const mms_gen *gen, uint64_t index, unsigned char *dst, size_t len);
    /* Optional (NULL: no holes): as mms_write_source.next_data. */
    bool (*next_data)(const mms_gen *gen, uint64_t offset, uint64_t *begin, uint64_t *end);
    /* Optional (NULL: the size): bytes of data, holes excluded. */
    uint64_t (*data_bytes)(const mms_gen *gen);
} gen_kind;

extern const gen_kind gen_kind_random;
extern const gen_kind gen_kind_zeros;
extern const gen_kind gen_kind_sparse;
extern const gen_kind gen_kind_text;
extern const gen_kind gen_kind_log;
extern const gen_kind gen_kind_csv;
extern const gen_kind gen_kind_compressible;

/* ---- the generator ---- */

struct mms_gen {
    mms_gen_kind kind;
    const gen_kind *ops;
    uint64_t size;
    uint64_t seed;
    /* text */
    unsigned line_min, line_max;
    /* compressible: literal bytes per 65536 bytes of output, see
     * compressible.c */
    uint32_t literal_share;
    /* sparse */
    uint64_t island_every, island_length;
    /* needles */
    unsigned char *needle;
    size_t needle_len;
    uint64_t needle_every;     /* 0: only the offsets of needle_at */
    uint64_t *needle_at;       /* sorted, not overlapping */
    size_t needle_at_count, needle_at_capacity;
    /* writing */
    uint64_t window;
    unsigned threads;
    mms_write_method method;
    mms_progress_fn progress; /* NULL: no progress reports */
    void *progress_ctx;
};

/* ---- blocks (gen.c) ---- */

/* The number of blocks of the output (at least 1). */
uint64_t gen_block_count(const mms_gen *gen);

/* The length of block index (the last one takes the remainder). */
size_t gen_block_length(const mms_gen *gen, uint64_t index);

/* ---- needles (needle.c) ---- */

/* Copies the parts of planted needles that fall in [offset, offset + len). */
void gen_plant_needles(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len);

/* ---- words (words.c) ---- */

/* The longest word of the vocabulary. */
#define GEN_WORD_MAX 14

/*
 * Writes exactly len bytes of words separated by single spaces (no space
 * at either end), chosen with rng.  len 0 writes nothing.  May write up to
 * 16 bytes past dst + len when slack is true (the caller owns them and
 * overwrites them later); never past it otherwise.
 */
void gen_words(gen_rng *rng, unsigned char *dst, size_t len, bool slack);

/* Builds the vocabulary tables; mms_gen_new() calls it before any use. */
void gen_words_init(void);

/* One word of the vocabulary, chosen with r; its length in *len.  The
 * pointer has 16 readable bytes. */
const unsigned char *gen_word(uint64_t r, size_t *len);

/* ---- lines (lines.c) ---- */

/* A block of lines being made: what a line kind works from. */
typedef struct gen_lines {
    const mms_gen *gen;
    gen_rng rng;
    uint64_t block;            /* the block's index */
    uint64_t line;             /* the number of the line being made in the block */
    unsigned char prefix[32];  /* the kind's own text for the whole block */
} gen_lines;

/* A kind made of lines, for gen_fill_lines(). */
typedef struct gen_line_kind {
    uint64_t stream;     /* the gen_key() stream of the kind */
    size_t max_line;     /* the longest line emit() writes, newline included */
    size_t min_last;     /* the shortest line last() writes well-formed */
    /* Optional: the first line of the output, newline included (left out
     * when the output is too small for it and a last line). */
    const char *header;
    /* Optional: prepares lines->prefix at the start of a block. */
    void (*start)(gen_lines *lines);
    /* Writes one line at out (max_line + 16 bytes of room); returns its
     * length, newline included. */
    size_t (*emit)(gen_lines *lines, unsigned char *out);
    /* Writes exactly len bytes ending with a newline (len >= 1): a
     * well-formed line when len >= min_last, else the start of one. */
    void (*last)(gen_lines *lines, unsigned char *out, size_t len);
} gen_line_kind;

/* Fills a block with lines of kind: whole lines only, the last one padded. */
void gen_fill_lines(const gen_line_kind *kind, const mms_gen *gen, uint64_t index,
                    unsigned char *dst, size_t len);

/* ---- numbers as text (lines.c) ---- */

/* Writes v in decimal; returns the number of digits. */
size_t gen_put_uint(unsigned char *out, uint64_t v);

/* Writes v in decimal on exactly width digits, zero-padded (inline: the
 * width is a constant at every call, so the loop unrolls). */
static inline void gen_put_fixed(unsigned char *out, uint64_t v, unsigned width)
{
    while (width-- > 0) {
        out[width] = (unsigned char)('0' + v % 10);
        v /= 10;
    }
}

/* Writes the date of day (days since 1970-01-01) as YYYY-MM-DD (10 bytes). */
void gen_put_date(unsigned char *out, int64_t day);

#endif
