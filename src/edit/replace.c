/*
 * replace.c - the replace processor: a search processor whose matches
 * become same-length edits in an edit list.  It runs the search's own
 * functions on its state, so it sees windows exactly as a search does.
 */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct replace_state {
    mms_processor *search;   /* the search this processor drives */
    mms_edits *edits;
    mms_replace_options options;
    unsigned char *replacement; /* options.replacement, copied */
    unsigned char *padded;      /* the replacement padded to the current match */
    size_t padded_capacity;
    uint64_t found;
    mms_error failure;          /* the first failure in the match callback */
    bool failed;
} replace_state;

/* Keeps the first failure of the match callback for finish(). */
static void note_failure(replace_state *s, uint64_t offset)
{
    s->failure.offset = offset;
    s->failed = true;
}

/* The bytes that replace match m, or NULL after a failure. */
static const unsigned char *replacement_for(replace_state *s, const mms_match *m)
{
    size_t n = s->options.length;
    if (m->length == n)
        return s->replacement;
    if (m->length < n || !s->options.pad) {
        mms_error_set(&s->failure, MMS_EINVAL, 0,
                      "the match at offset %llu is %llu %s, the replacement %zu: in-place "
                      "edits keep the file's length%s",
                      (unsigned long long)m->offset, (unsigned long long)m->length,
                      mms_plural(m->length, "byte", "bytes"), n,
                      m->length > n ? " (a shorter replacement can be padded)" : "");
        note_failure(s, m->offset);
        return NULL;
    }
    if (m->length > s->padded_capacity) {
        unsigned char *grown = realloc(s->padded, m->length);
        if (!grown) {
            mms_error_set(&s->failure, MMS_ENOMEM, ENOMEM, "out of memory");
            note_failure(s, m->offset);
            return NULL;
        }
        s->padded = grown;
        s->padded_capacity = m->length;
    }
    memcpy(s->padded, s->replacement, n);
    memset(s->padded + n, s->options.pad_byte, m->length - n);
    return s->padded;
}

static int on_match(void *ctx, const mms_match *m)
{
    replace_state *s = ctx;
    if (m->length == 0)
        return 0; /* an empty match changes nothing */
    const unsigned char *bytes = replacement_for(s, m);
    if (!bytes)
        return 1;
    if (mms_edits_add(s->edits, m->offset, bytes, m->length, NULL, &s->failure) < 0) {
        note_failure(s, m->offset);
        return 1;
    }
    return ++s->found == s->options.max_edits;
}

static size_t replace_overlap(const void *self)
{
    const replace_state *s = self;
    return mms_processor_overlap(s->search);
}

static int replace_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    replace_state *s = self;
    return s->search->ops->chunk(s->search->self, chunk, err);
}

/* A failure in the match callback fails the scan at its end. */
static int replace_finish(void *self, mms_error *err)
{
    replace_state *s = self;
    int rc = s->search->ops->finish ? s->search->ops->finish(s->search->self, err) : 0;
    if (rc == 0 && s->failed) {
        if (err)
            *err = s->failure;
        rc = s->failure.code;
    }
    return rc;
}

static void replace_destroy(void *self)
{
    replace_state *s = self;
    mms_processor_free(s->search);
    free(s->replacement);
    free(s->padded);
    free(s);
}

static const mms_processor_ops replace_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "replace",
    .flags = MMS_PROC_ORDERED,
    .overlap = replace_overlap,
    .chunk = replace_chunk,
    .finish = replace_finish,
    .destroy = replace_destroy,
};

int mms_replace_new(mms_processor **out, const mms_pattern *pattern,
                    const mms_replace_options *options, mms_edits *edits, mms_error *err)
{
    *out = NULL;
    if (!pattern || !options || !edits || (options->length && !options->replacement) ||
        options->max_edits == 0)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid replace options");
    replace_state *s = calloc(1, sizeof *s);
    if (!s)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    s->edits = edits;
    s->options = *options;
    s->replacement = malloc(options->length ? options->length : 1);
    if (!s->replacement) {
        replace_destroy(s);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    if (options->length)
        memcpy(s->replacement, options->replacement, options->length);
    s->options.replacement = s->replacement;
    int rc = mms_search_new(&s->search, pattern, on_match, s, err);
    if (rc < 0) {
        replace_destroy(s);
        return rc;
    }
    return mms_processor_new(out, &replace_ops, s, err);
}
