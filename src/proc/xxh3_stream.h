/*
 * xxh3_stream.h - XXH3 (64-bit) and XXH128 of an input given piece by
 * piece, or in parts hashed on their own and added in order (private).
 *
 * The digests are libxxhash's (the tests compare them for every length and
 * many cuts); the streaming is the project's own because of one property of
 * XXH3: each 64-byte stripe of a 1 KiB block is added into the accumulators
 * independently of what they hold, and they are scrambled only between
 * blocks.  So the sum of a block can be computed on any thread and added in
 * order later: a part of the input (a part of a split scan) sums its
 * blocks while the parts before it are still being read, and adding those
 * sums to the stream of the input before it costs a small fraction of
 * hashing them.
 */
#ifndef MMSCAN_XXH3_STREAM_H
#define MMSCAN_XXH3_STREAM_H

#include "internal.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#define XXH3_STRIPE_LEN 64
#define XXH3_BLOCK_LEN 1024 /* 16 stripes, scrambled after */
/* Bytes kept back: at least XXH3's 240-byte limit of short inputs, which
 * are hashed whole at the end. */
#define XXH3_BUFFER_LEN 256

typedef struct xxh3_stream {
    _Alignas(64) uint64_t acc[8]; /* one cache line, loaded and stored by vector code */
    uint64_t total;        /* bytes added */
    unsigned stripes;      /* stripes of the current block added so far */
    size_t buffered;
    /* Bytes not added yet: a stripe is added only once more input follows
     * it, as the last stripe of the input is added differently. */
    unsigned char buffer[XXH3_BUFFER_LEN];
    /* The last 64 bytes added: the last stripe may reach back into them. */
    unsigned char last_added[XXH3_STRIPE_LEN];
} xxh3_stream;

/*
 * A part of an input that starts at offset start: what it adds to the
 * stream of the input before it, worked out without that stream.  The
 * input's blocks start at multiples of 1 KiB; the part keeps the bytes
 * before its first block edge (head), the sum of every whole block that a
 * byte of the part follows (a block at the end of the input is hashed
 * differently), and the bytes after the last block summed (tail).
 */
typedef struct xxh3_part {
    uint64_t start;        /* where the part starts in the input */
    unsigned char head[XXH3_BLOCK_LEN];
    size_t head_len;
    uint64_t (*sums)[8];   /* by block, in order */
    size_t nsums, capacity;
    unsigned char tail[XXH3_BLOCK_LEN];
    size_t tail_len;
    unsigned char last_summed[XXH3_STRIPE_LEN]; /* the last stripe of the last block summed */
} xxh3_part;

/* Starts a new hash (the same for XXH3 64-bit and XXH128). */
void xxh3_reset(xxh3_stream *s);

/* Adds len bytes. */
void xxh3_update(xxh3_stream *s, const void *data, size_t len);

/* Starts a part of the input at offset start (any earlier state of p is
 * dropped; p must be zeroed or released before its first start). */
void xxh3_part_start(xxh3_part *p, uint64_t start);

/* Adds the part's next len bytes.  false: out of memory (p is then
 * unusable until started again). */
bool xxh3_part_update(xxh3_part *p, const void *data, size_t len);

/* Adds part p to s, which must hold the input just before it (s->total ==
 * p->start).  p is left as it was. */
void xxh3_add_part(xxh3_stream *s, const xxh3_part *p);

/*
 * A piece of input whose whole blocks were summed by a pass that read it
 * for something else too (wc_scan.h): the n blocks at byte at of the
 * piece, with the sums in order.  They are the blocks that a byte of the
 * piece follows, from the piece's first block edge on.
 */
typedef struct xxh3_summed {
    size_t at, n;
    const uint64_t (*sums)[8];
} xxh3_summed;

/* The blocks of the len bytes at offset offset of the input that are
 * summed for an update with sums (sums NULL; n 0 and at 0 when none). */
xxh3_summed xxh3_summed_in(uint64_t offset, size_t len);

/* Where the summed blocks end in their piece of input. */
static inline size_t xxh3_summed_end(const xxh3_summed *summed)
{
    return summed->at + summed->n * XXH3_BLOCK_LEN;
}

/* As xxh3_update(s, data, len), with the blocks of summed already summed
 * (s must hold the input just before data). */
void xxh3_update_summed(xxh3_stream *s, const void *data, size_t len, const xxh3_summed *summed);

/* As xxh3_part_update(p, data, len), with the blocks of summed already
 * summed.  false: out of memory. */
bool xxh3_part_update_summed(xxh3_part *p, const void *data, size_t len, const xxh3_summed *summed);

/* Sums the n whole blocks at data into sums, as a part does. */
void xxh3_sum_blocks(uint64_t (*sums)[8], const void *data, size_t n);

/* XXH3's default secret, which the stripes are keyed with. */
const unsigned char *xxh3_secret(void);

/* Frees what p holds (not p itself). */
void xxh3_part_release(xxh3_part *p);

/* The digest of the bytes added so far; s can take more. */
XXH64_hash_t xxh3_digest64(const xxh3_stream *s);
XXH128_hash_t xxh3_digest128(const xxh3_stream *s);

#endif
