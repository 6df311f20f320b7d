/*
 * count_and_hash.c - a word count and an XXH3 or XXH128 hash fed in one
 * pass over each chunk.
 *
 * Fed one after the other, the count reads a slice from memory, waiting
 * for it most of the time, and the hash then works on it from the cache
 * while memory is idle: the hash's work adds to the time of the read.  In
 * one loop, the hash sums each 64-byte stripe that the count has just
 * loaded, and its work fits in the count's wait for memory: the pair
 * takes little more than the time of the count alone.  The count makes the
 * sums of the whole 1 KiB blocks of each piece of the chunk but the last
 * (a block is added only once a byte follows it: wc_scan.h); the hash adds
 * the sums and hashes the few bytes around them itself (xxh3_stream.h).
 */
#include "config.h"
#include "internal.h"
#include "proc/count_and_hash.h"

/* Blocks summed at a time: their sums (16 KiB) stay in the cache until
 * the hash adds them.  256 KiB, the slice the engine feeds several
 * processors at a time: a chunk is one piece but in a lane scan's whole
 * windows. */
#define PIECE_BLOCKS 256

static int count_and_hash(void *count, void *hash, const mms_chunk *chunk, size_t *failed,
                          mms_error *err)
{
    uint64_t sums[PIECE_BLOCKS][8];
    size_t fresh = chunk->len - chunk->overlap;
    for (size_t from = 0; from < fresh; from += PIECE_BLOCKS * XXH3_BLOCK_LEN) {
        /* A piece of the chunk at a time, with the overlap before the first */
        size_t len = fresh - from < PIECE_BLOCKS * XXH3_BLOCK_LEN ? fresh - from
                                                                  : PIECE_BLOCKS * XXH3_BLOCK_LEN;
        size_t overlap = from == 0 ? chunk->overlap : 0;
        mms_chunk piece = {.data = chunk->data + chunk->overlap + from - overlap,
                           .len = len + overlap,
                           .offset = chunk->offset + chunk->overlap + from - overlap,
                           .overlap = overlap};
        xxh3_summed summed = xxh3_summed_in(piece.offset + overlap, len);
        summed.sums = (const uint64_t(*)[8])sums;
        wc_chunk_summing(count, &piece, &summed, sums);
        int rc = hash_chunk_summed(hash, &piece, &summed, err);
        if (rc < 0) {
            *failed = 1;
            return rc;
        }
    }
    return 0;
}

/* The same, added the other way round. */
static int hash_and_count(void *hash, void *count, const mms_chunk *chunk, size_t *failed,
                          mms_error *err)
{
    int rc = count_and_hash(count, hash, chunk, failed, err);
    *failed = 0; /* only the hash fails */
    return rc;
}

mms_pair_fn mms_pair_for(const mms_processor *first, const mms_processor *second)
{
    if (wc_counts_words(first) && hash_takes_sums(second))
        return count_and_hash;
    if (hash_takes_sums(first) && wc_counts_words(second))
        return hash_and_count;
    return NULL;
}
