/*
 * wc.c - the wc processor: lines, words and bytes, as GNU wc counts them in
 * the C locale.
 *
 * It is splittable.  A part counts its words as if white space came before
 * it and remembers the class of its first non-transparent byte; merging a
 * part after the input before it takes one word back when a word runs
 * across the seam.
 */
#include "config.h"
#include "internal.h"
#include "proc/count_and_hash.h"
#include "proc/wc_scan.h"

#include <errno.h>
#include <stdlib.h>

typedef struct wc_state {
    unsigned what;         /* MMS_WC_* */
    mms_wc_counts counts;
    wc_words words;
    wc_class head;         /* first non-transparent byte of the part */
} wc_state;

static void *wc_split(const void *self)
{
    const wc_state *model = self;
    wc_state *state = calloc(1, sizeof *state);
    if (state)
        state->what = model->what;
    return state;
}

void wc_chunk_summing(void *state, const mms_chunk *chunk, const xxh3_summed *summed,
                      uint64_t (*sums)[8])
{
    wc_state *s = state;
    const unsigned char *p = chunk->data + chunk->overlap;
    size_t len = chunk->len - chunk->overlap;
    s->counts.bytes += len;
    if (!(s->what & MMS_WC_WORDS)) {
        if (s->what & MMS_WC_LINES)
            s->counts.lines += wc_count_lines(p, len);
        return;
    }
    if (s->head == WC_TRANSPARENT)
        s->head = wc_first_class(p, len);
    if (!summed) {
        wc_count_lines_words(p, len, &s->counts.lines, &s->words);
        return;
    }
    /* Before, in and after the summed blocks: the words run on across the
     * three, each count ending with the state that the next starts from. */
    size_t after = xxh3_summed_end(summed);
    wc_count_lines_words(p, summed->at, &s->counts.lines, &s->words);
    wc_count_summing_xxh3(p + summed->at, summed->n, &s->counts.lines, &s->words, sums);
    wc_count_lines_words(p + after, len - after, &s->counts.lines, &s->words);
}

static int wc_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    (void)err;
    wc_chunk_summing(self, chunk, NULL, NULL);
    return 0;
}

static int wc_merge(void *self, void *other, mms_error *err)
{
    (void)err;
    wc_state *s = self;
    const wc_state *part = other;
    s->counts.lines += part->counts.lines;
    s->counts.bytes += part->counts.bytes;
    s->words.count += part->words.count;
    if (s->words.in_word && part->head == WC_PRINT)
        s->words.count--;  /* the word across the seam was counted twice */
    if (part->head != WC_TRANSPARENT)
        s->words.in_word = part->words.in_word;
    if (s->head == WC_TRANSPARENT)
        s->head = part->head;
    return 0;
}

static int wc_finish(void *self, mms_error *err)
{
    (void)err;
    wc_state *s = self;
    s->counts.words = s->words.count;
    /* A later scan with the same processor counts a new file. */
    s->words.in_word = false;
    s->head = WC_TRANSPARENT;
    return 0;
}

static const mms_processor_ops wc_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "wc",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = wc_chunk,
    .split = wc_split,
    .merge = wc_merge,
    .finish = wc_finish,
    .destroy = free,
};

int mms_wc_new(mms_processor **out, unsigned what, mms_error *err)
{
    *out = NULL;
    if (what == 0 || (what & ~(unsigned)MMS_WC_ALL))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid wc flags 0x%x", what);
    wc_state *state = calloc(1, sizeof *state);
    if (!state)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    state->what = what;
    return mms_processor_new(out, &wc_ops, state, err);
}

bool wc_counts_words(const mms_processor *proc)
{
    return proc->ops == &wc_ops && (((const wc_state *)proc->self)->what & MMS_WC_WORDS);
}

int mms_wc_get_counts(const mms_processor *proc, mms_wc_counts *out)
{
    if (!proc || proc->ops != &wc_ops)
        return MMS_EINVAL;
    const wc_state *s = proc->self;
    *out = s->counts;
    if (!(s->what & MMS_WC_LINES))
        out->lines = 0;
    if (!(s->what & MMS_WC_WORDS))
        out->words = 0;
    if (!(s->what & MMS_WC_BYTES))
        out->bytes = 0;
    return 0;
}
