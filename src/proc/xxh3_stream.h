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
/* Bytes kept back: at least XXH3's 240-byte limit of short inputs, which
 * are hashed whole at the end. */
#define XXH3_BUFFER_LEN 256
/* Pieces shorter than this are hashed by the calling thread alone even
 * with a share: waking its thread costs about as much as hashing 256 KiB. */
#define XXH3_SHARE_MIN_LEN ((size_t)1 << 20)

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

/* What a stream needs to share long pieces with a second thread: the
 * thread, and room for the block sums of two rounds. */
typedef struct xxh3_share {
    mms_helper helper;
    uint64_t (*sums)[8];
} xxh3_share;

/* Starts the thread and allocates the room.  false (sh then holds
 * nothing) when either fails: the stream then works alone. */
bool xxh3_share_start(xxh3_share *sh);

/* Ends the thread and frees the room.  Accepts a share never started. */
void xxh3_share_stop(xxh3_share *sh);

/* Starts a new hash (the same for XXH3 64-bit and XXH128). */
void xxh3_reset(xxh3_stream *s);

/*
 * Adds len bytes.  With a share (which may be NULL), its thread sums blocks
 * of a long piece while the calling thread adds others; the call returns
 * when both are done.  Both threads read data under the SIGBUS guard: if
 * it is a mapped file that shrinks meanwhile, the call returns
 * MMS_ETRUNCATED (s is then unusable until reset), else 0.
 */
int xxh3_update(xxh3_stream *s, const void *data, size_t len, xxh3_share *share,
                mms_error *err);

/* The digest of the bytes added so far; s can take more. */
XXH64_hash_t xxh3_digest64(const xxh3_stream *s);
XXH128_hash_t xxh3_digest128(const xxh3_stream *s);

#endif
