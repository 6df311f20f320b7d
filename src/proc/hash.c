/*
 * hash.c - the hash processor: one xxHash digest of the whole input.
 *
 * XXH32 and XXH64 take the input in order.  XXH3 and XXH128 are
 * splittable: a part after the first sums the blocks of its bytes on its
 * own thread (see xxh3_stream.h), and merging adds those sums to the
 * stream of the input before it.  The engine merges parts in input order
 * as the scan goes, so a part holds the sums of a bounded stretch of input
 * (1/16 of its bytes) for a short time.  Parts that are done go to a pool
 * that split() takes from, sums and all, until the scan finishes: fresh
 * memory for every part would cost a page fault and a zeroed page per 4 KiB
 * of sums.
 *
 * Sums cost memory traffic and a pass to add them, so a part stops making
 * them as soon as it can: once the part just before it has ended holding
 * the stream of all the input up to it (the first part always does), the
 * part takes that stream over, adds its own sums so far and goes on
 * hashing into the stream itself; at its end, it holds the stream of all
 * the input up to there, for the part after it.  The engine merges a part
 * only after the part after it has ended, so a part's stream stays as it
 * is while the next one may read it.
 */
#include "config.h"
#include "internal.h"
#include "proc/count_and_hash.h"
#include "proc/xxh.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Part states kept for reuse; parts beyond this many are freed. */
#define POOL_MAX 16

typedef struct hash_state hash_state;

typedef struct part_pool {
    pthread_mutex_t lock; /* split() and destroy() may run at once */
    hash_state *parts[POOL_MAX];
    size_t count;
    hash_state *self;      /* the processor's own state: the first part */
    hash_state *last_made; /* the last part split() made in this scan, or NULL */
} part_pool;

struct hash_state {
    xxh_stream stream;      /* self, or a part that took the stream over:
                               the input from its start so far */
    mms_hash_digest digest; /* of the last finished scan */
    bool finished;
    bool is_part;           /* a split() state: part holds its bytes */
    bool part_started;
    bool has_stream;        /* a part: it took the stream over */
    atomic_bool ended_with_stream; /* its part ended, stream holding the
                                      input up to its end */
    hash_state *before;     /* a part: the state of the part just before */
    hash_state *after;      /* the state of the part just after, or NULL */
    xxh3_part part;
    part_pool *pool;        /* XXH3 and XXH128: self's, shared with its parts */
};

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

static void free_state(hash_state *s)
{
    xxh3_part_release(&s->part);
    free(s);
}

/* Frees the part states kept for reuse (a pool of an ordered hash is NULL). */
static void empty_pool(part_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    while (pool->count > 0)
        free_state(pool->parts[--pool->count]);
    pthread_mutex_unlock(&pool->lock);
}

/* Part s continues stream, the input just before it: s's own sums so far
 * are added to it. */
static void continue_stream(hash_state *s, const xxh_stream *stream)
{
    xxh_copy(&s->stream, stream);
    if (s->part_started)
        xxh3_add_part(&s->stream.u.h3, &s->part);
    s->has_stream = true;
}

/* Part s takes the stream over if the part before it has ended with it. */
static void take_stream_over(hash_state *s)
{
    if (!s->has_stream &&
        atomic_load_explicit(&s->before->ended_with_stream, memory_order_acquire))
        continue_stream(s, &s->before->stream);
}

/* Adds len bytes to s's stream; summed, when not NULL, holds the sums of
 * their blocks. */
static void add_to_stream(hash_state *s, const unsigned char *data, size_t len,
                          const xxh3_summed *summed)
{
    if (summed)
        xxh3_update_summed(&s->stream.u.h3, data, len, summed);
    else
        xxh_update(&s->stream, data, len);
}

int hash_chunk_summed(void *self, const mms_chunk *chunk, const xxh3_summed *summed,
                      mms_error *err)
{
    hash_state *s = self;
    const unsigned char *data = chunk->data + chunk->overlap;
    size_t len = chunk->len - chunk->overlap;
    uint64_t offset = chunk->offset + chunk->overlap;
    if (!s->is_part) {
        if (offset == 0) /* a new scan, maybe after a failed one */
            xxh_reset(&s->stream, s->stream.algorithm);
        add_to_stream(s, data, len, summed);
        return 0;
    }
    take_stream_over(s);
    if (s->has_stream) {
        add_to_stream(s, data, len, summed);
        return 0;
    }
    if (!s->part_started) {
        xxh3_part_start(&s->part, offset);
        s->part_started = true;
    }
    bool added = summed ? xxh3_part_update_summed(&s->part, data, len, summed)
                        : xxh3_part_update(&s->part, data, len);
    if (!added)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    return 0;
}

static int hash_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    return hash_chunk_summed(self, chunk, NULL, err);
}

static void *hash_split(const void *self)
{
    const hash_state *model = self;
    hash_state *part = NULL;
    pthread_mutex_lock(&model->pool->lock);
    if (model->pool->count > 0)
        part = model->pool->parts[--model->pool->count];
    pthread_mutex_unlock(&model->pool->lock);
    if (!part)
        part = xxh_alloc(sizeof *part);
    if (part) {
        part->is_part = true;
        part->part_started = part->has_stream = false;
        atomic_init(&part->ended_with_stream, false);
        part->after = NULL;
        part->pool = model->pool;
        pthread_mutex_lock(&model->pool->lock);
        if (!model->pool->last_made) {
            /* The first part after self's: self is not fed yet (parts are
             * made one ahead), so its end in an earlier scan is forgotten
             * before this part can look at it. */
            atomic_store(&model->pool->self->ended_with_stream, false);
        }
        /* The part before is not fed yet either: it reads its after only
         * in its merge, which comes after this part has ended. */
        part->before = model->pool->last_made ? model->pool->last_made : model->pool->self;
        part->before->after = part;
        model->pool->last_made = part;
        pthread_mutex_unlock(&model->pool->lock);
    }
    return part;
}

static void hash_part_end(void *self, bool failed)
{
    hash_state *s = self;
    if (failed)
        return;
    if (s->is_part)
        take_stream_over(s);
    if (!s->is_part || s->has_stream)
        atomic_store_explicit(&s->ended_with_stream, true, memory_order_release);
}

static int hash_merge(void *self, void *other, mms_error *err)
{
    (void)err;
    hash_state *s = self;
    const hash_state *part = other;
    if (part->has_stream)
        xxh_copy(&s->stream, &part->stream);
    else if (part->part_started)
        xxh3_add_part(&s->stream.u.h3, &part->part);
    /* The part after this one has ended (the engine merges a part only
     * then): if it ended without the stream, it gets it now, so that the
     * part after it can take the stream over while it runs. */
    hash_state *next = part->after;
    if (next && !next->has_stream) {
        continue_stream(next, &s->stream);
        atomic_store_explicit(&next->ended_with_stream, true, memory_order_release);
    }
    return 0;
}

static int hash_finish(void *self, mms_error *err)
{
    (void)err;
    hash_state *s = self;
    xxh_digest(&s->stream, &s->digest);
    s->finished = true;
    xxh_reset(&s->stream, s->stream.algorithm); /* the next scan hashes a new input */
    empty_pool(s->pool);
    return 0;
}

static void hash_destroy(void *self)
{
    hash_state *s = self;
    if (s->is_part) {
        pthread_mutex_lock(&s->pool->lock);
        if (s->pool->last_made == s)
            s->pool->last_made = NULL; /* the scan is over: its last part goes */
        bool kept = s->pool->count < POOL_MAX;
        if (kept)
            s->pool->parts[s->pool->count++] = s;
        pthread_mutex_unlock(&s->pool->lock);
        if (!kept)
            free_state(s);
        return;
    }
    if (s->pool) {
        empty_pool(s->pool);
        pthread_mutex_destroy(&s->pool->lock);
        free(s->pool);
    }
    free_state(s);
}

/* XXH32 and XXH64: each stripe's result feeds the next one. */
static const mms_processor_ops ordered_hash_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "hash",
    .flags = MMS_PROC_ORDERED,
    .chunk = hash_chunk,
    .finish = hash_finish,
    .destroy = hash_destroy,
};

/* XXH3 and XXH128. */
static const mms_processor_ops splittable_hash_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "hash",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = hash_chunk,
    .split = hash_split,
    .merge = hash_merge,
    .finish = hash_finish,
    .destroy = hash_destroy,
    .part_end = hash_part_end,
};

static bool splittable(mms_hash_algorithm algorithm)
{
    return algorithm == MMS_XXH3_64 || algorithm == MMS_XXH128;
}

bool hash_takes_sums(const mms_processor *proc)
{
    /* The splittable algorithms are XXH3 and XXH128. */
    return proc->ops == &splittable_hash_ops;
}

int mms_hash_new(mms_processor **out, mms_hash_algorithm algorithm, mms_error *err)
{
    *out = NULL;
    if (!xxh_known(algorithm))
        return mms_error_set(err, MMS_EINVAL, 0, "unknown hash algorithm %d", (int)algorithm);
    hash_state *state = xxh_alloc(sizeof *state);
    part_pool *pool = splittable(algorithm) ? calloc(1, sizeof *pool) : NULL;
    if (!state || (splittable(algorithm) && !pool)) {
        free(state);
        free(pool);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    atomic_init(&state->ended_with_stream, false);
    if (pool) {
        pthread_mutex_init(&pool->lock, NULL);
        pool->self = state;
        state->pool = pool;
    }
    xxh_reset(&state->stream, algorithm);
    return mms_processor_new(out, splittable(algorithm) ? &splittable_hash_ops : &ordered_hash_ops,
                             state, err);
}

int mms_hash_get_digest(const mms_processor *proc, mms_hash_digest *out)
{
    if (!proc || (proc->ops != &ordered_hash_ops && proc->ops != &splittable_hash_ops))
        return MMS_EINVAL;
    const hash_state *s = proc->self;
    if (!s->finished)
        return MMS_EINVAL;
    *out = s->digest;
    return 0;
}
