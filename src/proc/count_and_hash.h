/*
 * count_and_hash.h - what the wc and hash processors give the pass that
 * feeds a word count and an XXH3 or XXH128 hash at once (private; see
 * count_and_hash.c).
 */
#ifndef MMSCAN_COUNT_AND_HASH_H
#define MMSCAN_COUNT_AND_HASH_H

#include "internal.h"
#include "proc/xxh3_stream.h"

/* Whether proc is a wc processor that counts words. */
bool wc_counts_words(const mms_processor *proc);

/* Counts the chunk's new bytes into state, as wc's chunk() does; with
 * summed (not NULL; a state that counts words), also sums the blocks it
 * names into sums on the way. */
void wc_chunk_summing(void *state, const mms_chunk *chunk, const xxh3_summed *summed,
                      uint64_t (*sums)[8]);

/* Whether proc is a hash processor that can take block sums (XXH3 and
 * XXH128). */
bool hash_takes_sums(const mms_processor *proc);

/* As the hash's chunk(); summed, when not NULL (XXH3 and XXH128 only),
 * holds the sums of the chunk's blocks. */
int hash_chunk_summed(void *state, const mms_chunk *chunk, const xxh3_summed *summed,
                      mms_error *err);

#endif
