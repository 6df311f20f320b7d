/*
 * xxh.h - the four xxHash algorithms behind one streaming interface, for
 * the hash and block manifest processors (private).
 */
#ifndef MMSCAN_XXH_H
#define MMSCAN_XXH_H

#include "mmscan.h"
#include "proc/xxh3_stream.h" /* and xxhash.h with the state structs, to embed them */

/*
 * A hash in progress.  Its XXH3 accumulators are aligned to a cache line
 * (64 bytes, more than malloc() promises), so a struct that holds an
 * xxh_stream comes from xxh_alloc().
 */
typedef struct xxh_stream {
    mms_hash_algorithm algorithm;
    union {
        XXH32_state_t h32;
        XXH64_state_t h64;
        xxh3_stream h3; /* XXH3_64bits and XXH128 */
    } u;
} xxh_stream;

/* Whether algorithm is one of the four. */
bool xxh_known(mms_hash_algorithm algorithm);

/* Zeroed memory of size bytes aligned for an xxh_stream, or NULL; free() it. */
void *xxh_alloc(size_t size);

/* Starts a new hash with algorithm (which must be known). */
void xxh_reset(xxh_stream *s, mms_hash_algorithm algorithm);

/* Adds len bytes. */
void xxh_update(xxh_stream *s, const void *data, size_t len);

/* The digest of the bytes added since the reset; s can take more bytes. */
void xxh_digest(const xxh_stream *s, mms_hash_digest *out);

/* Makes dst continue exactly where src is. */
void xxh_copy(xxh_stream *dst, const xxh_stream *src);

/* The digest of one buffer (faster than a stream for short inputs). */
void xxh_oneshot(mms_hash_algorithm algorithm, const void *data, size_t len,
                 mms_hash_digest *out);

#endif
