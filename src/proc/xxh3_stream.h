/*
 * xxh3_stream.h - XXH3 (64-bit) and XXH128 of an input given piece by
 * piece, able to share a long piece with a helper thread (private).
 *
 * The digests are libxxhash's (the tests compare them for every length and
 * many cuts); the streaming is the project's own because of one property of
 * XXH3: each 64-byte stripe of a 1 KiB block is added into the accumulators
 * independently of what they hold, and they are scrambled only between
 * blocks.  So the sum of a block can be computed on any thread and added in
 * order later.  A hash of hot data on one thread goes no faster than one
 * core reads memory; with the blocks of a long piece split between two
 * threads, it reads at the speed of two.
 */
#ifndef MMSCAN_XXH3_STREAM_H
#define MMSCAN_XXH3_STREAM_H

#include "internal.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#define XXH3_STRIPE_LEN 64
#define XXH3_BUFFER_LEN 256

typedef struct xxh3_stream {
    uint64_t acc[8];
    uint64_t total;        /* bytes added */
    unsigned stripes;      /* stripes of the current block added so far */
    size_t buffered;
    /* Bytes not added yet: a stripe is added only once more input follows
     * it, as the last stripe of the input is added differently. */
    unsigned char buffer[XXH3_BUFFER_LEN];
    /* The last 64 bytes added: the last stripe may reach back into them. */
    unsigned char last_added[XXH3_STRIPE_LEN];
} xxh3_stream;

/* Starts a new hash (the same for XXH3 64-bit and XXH128). */
void xxh3_reset(xxh3_stream *s);

/*
 * Adds len bytes.  With a helper (which may be NULL), the helper's thread
 * sums half the blocks of a long piece while the calling thread adds the
 * other half; the call returns when the helper is done.
 */
void xxh3_update(xxh3_stream *s, const void *data, size_t len, mms_helper *helper);

/* The digest of the bytes added so far; s can take more. */
XXH64_hash_t xxh3_digest64(const xxh3_stream *s);
XXH128_hash_t xxh3_digest128(const xxh3_stream *s);

#endif
