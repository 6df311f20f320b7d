/*
 * blocks.c - the block manifest processor: one xxHash digest per block of
 * block_size bytes, and the ranges where two manifests differ.
 *
 * It is splittable.  A part hashes the blocks that lie wholly inside it and
 * keeps the block it ends in as a stream in progress.  A part that starts
 * inside a block cannot hash that block's first bytes (they belong to the
 * part before), so it copies its bytes up to the next block boundary, its
 * "head"; merging feeds the head to the stream in progress of the input
 * before, which completes the block that straddles the seam.  The engine
 * starts parts at block boundaries (part_unit), so that happens only in a
 * scan with lanes, whose parts are windows.
 */
#include "config.h"
#include "internal.h"
#include "proc/xxh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct blocks_state {
    xxh_stream tail;             /* the block in progress */
    uint64_t tail_len;           /* bytes of it seen */
    mms_hash_algorithm algorithm;
    uint64_t block_size;
    bool started;                /* bytes were seen since the last finish */
    uint64_t begin, end;         /* the input offsets seen: [begin, end) */
    unsigned char *head;         /* bytes from begin to the first boundary after it */
    size_t head_len;
    bool head_done;              /* the first boundary was reached (or begin is one) */
    mms_block_hash *blocks;      /* complete blocks, in input order */
    size_t count, capacity;
    uint64_t input_size;         /* of the last finished scan */
} blocks_state;

static blocks_state *blocks_alloc(mms_hash_algorithm algorithm, uint64_t block_size)
{
    blocks_state *s = xxh_alloc(sizeof *s);
    if (s) {
        s->algorithm = algorithm;
        s->block_size = block_size;
    }
    return s;
}

static void blocks_destroy(void *self)
{
    blocks_state *s = self;
    free(s->head);
    free(s->blocks);
    free(s);
}

static void *blocks_split(const void *self)
{
    const blocks_state *model = self;
    return blocks_alloc(model->algorithm, model->block_size);
}

/* Starts a new manifest whose first byte is at input offset begin. */
static void blocks_start(blocks_state *s, uint64_t begin)
{
    s->started = true;
    s->begin = s->end = begin;
    s->tail_len = 0;
    s->head_len = 0;
    s->head_done = begin % s->block_size == 0;
    s->count = 0;
}

static int blocks_append(blocks_state *s, uint64_t length, const mms_hash_digest *digest,
                         mms_error *err)
{
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? 2 * s->capacity : 256;
        mms_block_hash *blocks = realloc(s->blocks, capacity * sizeof *blocks);
        if (!blocks)
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for %zu block hashes",
                                 capacity);
        s->blocks = blocks;
        s->capacity = capacity;
    }
    s->blocks[s->count++] = (mms_block_hash){.offset = s->end - length, .length = length,
                                             .digest = *digest};
    return 0;
}

/* Copies the bytes before the first block boundary into the head. */
static int blocks_take_head(blocks_state *s, const unsigned char **p, size_t *len,
                            mms_error *err)
{
    uint64_t to_boundary = s->block_size - s->end % s->block_size;
    size_t take = *len < to_boundary ? *len : (size_t)to_boundary;
    unsigned char *head = realloc(s->head, s->head_len + take);
    if (!head)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for %zu bytes",
                             s->head_len + take);
    memcpy(head + s->head_len, *p, take);
    s->head = head;
    s->head_len += take;
    s->end += take;
    s->head_done = s->end % s->block_size == 0;
    *p += take;
    *len -= take;
    return 0;
}

/* Hashes the next len bytes of the input, which start at offset s->end. */
static int blocks_consume(blocks_state *s, const unsigned char *p, size_t len, mms_error *err)
{
    int rc = 0;
    if (!s->head_done && len > 0)
        rc = blocks_take_head(s, &p, &len, err);
    const uint64_t size = s->block_size;
    while (rc == 0 && len > 0) {
        mms_hash_digest digest;
        if (s->tail_len == 0 && len >= size) {
            /* A whole block in this chunk: no stream needed. */
            xxh_oneshot(s->algorithm, p, (size_t)size, &digest);
            s->end += size;
            p += size;
            len -= (size_t)size;
            rc = blocks_append(s, size, &digest, err);
            continue;
        }
        if (s->tail_len == 0)
            xxh_reset(&s->tail, s->algorithm);
        size_t take = len < size - s->tail_len ? len : (size_t)(size - s->tail_len);
        xxh_update(&s->tail, p, take);
        s->tail_len += take;
        s->end += take;
        p += take;
        len -= take;
        if (s->tail_len == size) {
            xxh_digest(&s->tail, &digest);
            s->tail_len = 0;
            rc = blocks_append(s, size, &digest, err);
        }
    }
    return rc;
}

static int blocks_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    blocks_state *s = self;
    uint64_t offset = chunk->offset + chunk->overlap;
    if (!s->started || offset == 0) /* offset 0: a new scan, maybe after a failed one */
        blocks_start(s, offset);
    return blocks_consume(s, chunk->data + chunk->overlap, chunk->len - chunk->overlap, err);
}

static int blocks_merge(void *self, void *other, mms_error *err)
{
    blocks_state *s = self;
    blocks_state *part = other;
    if (!part->started)
        return 0;
    if (!s->started)
        blocks_start(s, part->begin);
    /* The part's head completes the block in progress at the seam. */
    int rc = blocks_consume(s, part->head, part->head_len, err);
    if (rc < 0 || !part->head_done)
        return rc; /* the part lies inside that block: its bytes were all in the head */
    for (size_t i = 0; i < part->count && rc == 0; i++) {
        s->end = part->blocks[i].offset + part->blocks[i].length;
        rc = blocks_append(s, part->blocks[i].length, &part->blocks[i].digest, err);
    }
    if (rc == 0) {
        xxh_copy(&s->tail, &part->tail);
        s->tail_len = part->tail_len;
        s->end = part->end;
    }
    return rc;
}

static int blocks_finish(void *self, mms_error *err)
{
    blocks_state *s = self;
    int rc = 0;
    if (!s->started) {
        blocks_start(s, 0); /* an empty input: an empty manifest */
    } else if (s->tail_len > 0) {
        mms_hash_digest digest;
        xxh_digest(&s->tail, &digest);
        rc = blocks_append(s, s->tail_len, &digest, err);
        s->tail_len = 0;
    }
    s->input_size = s->end;
    s->started = false;
    return rc;
}

static uint64_t blocks_part_unit(const void *self)
{
    const blocks_state *s = self;
    return s->block_size;
}

static const mms_processor_ops blocks_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "blocks",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = blocks_chunk,
    .split = blocks_split,
    .merge = blocks_merge,
    .finish = blocks_finish,
    .destroy = blocks_destroy,
    .part_unit = blocks_part_unit,
};

int mms_blocks_new(mms_processor **out, mms_hash_algorithm algorithm, uint64_t block_size,
                   mms_error *err)
{
    *out = NULL;
    if (!xxh_known(algorithm))
        return mms_error_set(err, MMS_EINVAL, 0, "unknown hash algorithm %d", (int)algorithm);
    if (block_size == 0)
        return mms_error_set(err, MMS_EINVAL, 0, "block size of 0 bytes");
    blocks_state *state = blocks_alloc(algorithm, block_size);
    if (!state)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    return mms_processor_new(out, &blocks_ops, state, err);
}

static const blocks_state *blocks_of(const mms_processor *proc)
{
    return proc && proc->ops == &blocks_ops ? proc->self : NULL;
}

int mms_blocks_get(const mms_processor *proc, const mms_block_hash **blocks, size_t *count)
{
    const blocks_state *s = blocks_of(proc);
    if (!s)
        return MMS_EINVAL;
    *blocks = s->blocks;
    *count = s->count;
    return 0;
}

uint64_t mms_blocks_input_size(const mms_processor *proc)
{
    const blocks_state *s = blocks_of(proc);
    return s ? s->input_size : 0;
}

/* Whether block i differs between a and b (a block only one has differs). */
static bool block_differs(const blocks_state *a, const blocks_state *b, size_t i)
{
    if (i >= a->count || i >= b->count)
        return true;
    const mms_block_hash *x = &a->blocks[i], *y = &b->blocks[i];
    return x->length != y->length || memcmp(x->digest.bytes, y->digest.bytes, x->digest.size) != 0;
}

int mms_blocks_next_difference(const mms_processor *pa, const mms_processor *pb, uint64_t from,
                               mms_range *out)
{
    const blocks_state *a = blocks_of(pa), *b = blocks_of(pb);
    if (!a || !b || a->algorithm != b->algorithm || a->block_size != b->block_size)
        return MMS_EINVAL;
    uint64_t size = a->input_size > b->input_size ? a->input_size : b->input_size;
    size_t nblocks = a->count > b->count ? a->count : b->count;
    if (from >= size)
        return 0;
    uint64_t i = from / a->block_size;
    while (i < nblocks && !block_differs(a, b, (size_t)i))
        i++;
    if (i >= nblocks)
        return 0;
    uint64_t j = i + 1;
    while (j < nblocks && block_differs(a, b, (size_t)j))
        j++;
    out->begin = i * a->block_size > from ? i * a->block_size : from;
    out->end = j * a->block_size < size ? j * a->block_size : size;
    return 1;
}
