/*
 * hash.c - the hash processor: one xxHash digest of the whole input, fed
 * window by window in input order.  When the engine has a thread to spare,
 * XXH3 and XXH128 share each window with a helper thread of their own.
 */
#include "config.h"
#include "internal.h"
#include "proc/xxh.h"

#include <errno.h>
#include <stdlib.h>

typedef struct hash_state {
    xxh_stream stream;
    mms_hash_digest digest; /* of the last finished scan */
    bool finished;
    unsigned spare_threads; /* the engine's offer for this scan */
    xxh3_share share;       /* started on the first window it can share, kept
                               until no thread is offered or the end */
    bool share_failed;      /* it could not be: not tried again this scan */
} hash_state;

const char *mms_hash_name(mms_hash_algorithm algorithm)
{
    switch (algorithm) {
    case MMS_XXH32:   return "XXH32";
    case MMS_XXH64:   return "XXH64";
    case MMS_XXH128:  return "XXH128";
    case MMS_XXH3_64: return "XXH3";
    }
    return NULL;
}

void mms_hash_to_hex(const mms_hash_digest *digest, bool little_endian, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < digest->size; i++) {
        unsigned char b = digest->bytes[little_endian ? digest->size - 1 - i : i];
        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 15];
    }
    out[2 * digest->size] = '\0';
}

static bool can_share(mms_hash_algorithm algorithm)
{
    return algorithm == MMS_XXH3_64 || algorithm == MMS_XXH128;
}

/* Whether the share's thread is running. */
static bool sharing(const hash_state *s)
{
    return s->share.sums != NULL;
}

static int hash_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    hash_state *s = self;
    if (chunk->offset + chunk->overlap == 0) /* a new scan, maybe after a failed one */
        xxh_reset(&s->stream, s->stream.algorithm);
    size_t len = chunk->len - chunk->overlap;
    if (s->spare_threads > 0 && len >= XXH3_SHARE_MIN_LEN && !sharing(s) && !s->share_failed &&
        can_share(s->stream.algorithm))
        s->share_failed = !xxh3_share_start(&s->share);
    return xxh_update(&s->stream, chunk->data + chunk->overlap, len,
                      sharing(s) ? &s->share : NULL, err);
}

static int hash_finish(void *self, mms_error *err)
{
    (void)err;
    hash_state *s = self;
    xxh_digest(&s->stream, &s->digest);
    s->finished = true;
    xxh_reset(&s->stream, s->stream.algorithm); /* the next scan hashes a new input */
    return 0;
}

/* Called before every scan: the thread of earlier scans goes on when this
 * one may use it, and ends here otherwise. */
static void hash_spare_threads(void *self, unsigned count)
{
    hash_state *s = self;
    s->spare_threads = count;
    s->share_failed = false;
    if (count == 0)
        xxh3_share_stop(&s->share);
}

static void hash_destroy(void *self)
{
    hash_state *s = self;
    xxh3_share_stop(&s->share);
    free(s);
}

static const mms_processor_ops hash_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "hash",
    .flags = MMS_PROC_ORDERED,
    .chunk = hash_chunk,
    .finish = hash_finish,
    .destroy = hash_destroy,
    .spare_threads = hash_spare_threads,
};

int mms_hash_new(mms_processor **out, mms_hash_algorithm algorithm, mms_error *err)
{
    *out = NULL;
    if (!xxh_known(algorithm))
        return mms_error_set(err, MMS_EINVAL, 0, "unknown hash algorithm %d", (int)algorithm);
    hash_state *state = xxh_alloc(sizeof *state);
    if (!state)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    xxh_reset(&state->stream, algorithm);
    return mms_processor_new(out, &hash_ops, state, err);
}

int mms_hash_get_digest(const mms_processor *proc, mms_hash_digest *out)
{
    if (!proc || proc->ops != &hash_ops)
        return MMS_EINVAL;
    const hash_state *s = proc->self;
    if (!s->finished)
        return MMS_EINVAL;
    *out = s->digest;
    return 0;
}
