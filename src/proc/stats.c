/*
 * stats.c - the stats processor: byte histogram, entropy, lines, words,
 * line lengths, CR/CRLF, UTF-8 validity and a verdict, in one pass.
 *
 * The new bytes of each chunk are taken in slices of SLICE bytes, so that
 * every kernel after the first reads the slice from the cache.  The byte
 * histogram of a slice comes first; it tells the others what they can
 * skip (a slice without '\n', '\r' or bytes above 0x7f).  Words are
 * counted by a wc state of the wc processor's own, fed the same slices.
 *
 * It is splittable: every part keeps its own histogram, line lengths, wc
 * state and UTF-8 state, and remembers what it needs at its seams (its
 * first byte, whether its last byte was '\r', the line and character in
 * progress at both ends).
 */
#include "config.h"
#include "internal.h"
#include "proc/byte_histogram.h"
#include "proc/line_lengths.h"
#include "proc/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLICE ((size_t)64 << 10)

typedef struct stats_state {
    mms_processor *wc_proc;  /* the main state only: the wc processor it owns */
    const mms_processor_ops *wc_ops;
    void *wc;                /* this part's wc state */
    uint64_t histogram[256];
    uint64_t crlf;
    int first_byte;          /* of this part; -1 while it has none */
    bool last_was_cr;
    line_lengths lines;
    utf8_part utf8;
    bool utf8_valid;         /* every finished input was valid UTF-8 */
} stats_state;

static void stats_destroy(void *self)
{
    stats_state *s = self;
    if (!s)
        return;
    if (s->wc_proc)
        mms_processor_free(s->wc_proc);
    else if (s->wc)
        s->wc_ops->destroy(s->wc);
    line_lengths_release(&s->lines);
    free(s);
}

/* A state without its wc state. */
static stats_state *state_new(void)
{
    stats_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->first_byte = -1;
    s->utf8_valid = true;
    utf8_part_init(&s->utf8);
    if (!line_lengths_init(&s->lines)) {
        free(s);
        return NULL;
    }
    return s;
}

static void *stats_split(const void *self)
{
    const stats_state *model = self;
    stats_state *s = state_new();
    if (!s)
        return NULL;
    s->wc_ops = model->wc_ops;
    s->wc = model->wc_ops->split(model->wc);
    if (!s->wc) {
        stats_destroy(s);
        return NULL;
    }
    return s;
}

/* Takes one slice of new bytes at input offset offset. */
static int take_slice(stats_state *s, const unsigned char *p, size_t len, uint64_t offset,
                      mms_error *err)
{
    uint32_t counts[256];
    byte_histogram_count(p, len, counts);
    uint32_t non_ascii = 0;
    for (unsigned b = 0; b < 256; b++)
        s->histogram[b] += counts[b];
    for (unsigned b = 0x80; b < 256; b++)
        non_ascii += counts[b];

    if (s->first_byte < 0)
        s->first_byte = p[0];
    if (counts['\r'] > 0 || s->last_was_cr) {
        s->crlf += s->last_was_cr && p[0] == '\n';
        const unsigned char *cr = p, *end = p + len - 1;
        while (cr < end && (cr = memchr(cr, '\r', (size_t)(end - cr))) != NULL) {
            s->crlf += cr[1] == '\n';
            cr++;
        }
    }
    s->last_was_cr = p[len - 1] == '\r';

    line_lengths_feed(&s->lines, p, len, counts['\n']);
    if (s->utf8.valid) {
        if (non_ascii == 0)
            utf8_part_feed_ascii(&s->utf8);
        else
            utf8_part_feed(&s->utf8, p, len);
    }
    mms_chunk slice = {.data = p, .len = len, .offset = offset, .overlap = 0};
    return s->wc_ops->chunk(s->wc, &slice, err);
}

static int stats_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    stats_state *s = self;
    const unsigned char *p = chunk->data + chunk->overlap;
    size_t len = chunk->len - chunk->overlap;
    uint64_t offset = chunk->offset + chunk->overlap;
    for (size_t done = 0; done < len; done += SLICE) {
        size_t n = len - done < SLICE ? len - done : SLICE;
        int rc = take_slice(s, p + done, n, offset + done, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int stats_merge(void *self, void *other, mms_error *err)
{
    stats_state *s = self;
    stats_state *part = other;
    if (part->first_byte < 0)
        return 0; /* an empty part */
    for (unsigned b = 0; b < 256; b++)
        s->histogram[b] += part->histogram[b];
    s->crlf += part->crlf + (s->last_was_cr && part->first_byte == '\n');
    s->last_was_cr = part->last_was_cr;
    if (s->first_byte < 0)
        s->first_byte = part->first_byte;
    line_lengths_merge(&s->lines, &part->lines);
    utf8_part_merge(&s->utf8, &part->utf8);
    return s->wc_ops->merge(s->wc, part->wc, err);
}

static int stats_finish(void *self, mms_error *err)
{
    stats_state *s = self;
    line_lengths_finish(&s->lines);
    s->utf8_valid = s->utf8_valid && utf8_part_complete(&s->utf8);
    /* A later scan with the same processor measures a new input. */
    utf8_part_init(&s->utf8);
    s->first_byte = -1;
    s->last_was_cr = false;
    return s->wc_ops->finish(s->wc, err);
}

static const mms_processor_ops stats_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "stats",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = stats_chunk,
    .split = stats_split,
    .merge = stats_merge,
    .finish = stats_finish,
    .destroy = stats_destroy,
};

int mms_stats_new(mms_processor **out, mms_error *err)
{
    *out = NULL;
    stats_state *s = state_new();
    if (!s)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    int rc = mms_wc_new(&s->wc_proc, MMS_WC_WORDS, err);
    if (rc < 0) {
        stats_destroy(s);
        return rc;
    }
    s->wc_ops = s->wc_proc->ops;
    s->wc = s->wc_proc->self;
    return mms_processor_new(out, &stats_ops, s, err);
}

const char *mms_stats_verdict_name(mms_stats_verdict verdict)
{
    switch (verdict) {
    case MMS_STATS_TEXT:   return "text";
    case MMS_STATS_UTF8:   return "utf-8";
    case MMS_STATS_BINARY: return "binary";
    }
    return NULL;
}

/* Shannon entropy in bits per byte: log2(n) - sum(c log2 c) / n. */
static double entropy_of(const uint64_t histogram[256], uint64_t n)
{
    if (n == 0)
        return 0;
    double sum = 0;
    for (unsigned b = 0; b < 256; b++)
        if (histogram[b])
            sum += (double)histogram[b] * log2((double)histogram[b]);
    double h = log2((double)n) - sum / (double)n;
    return h < 0 ? 0 : h; /* -0.0 and rounding below zero for one value */
}

static uint64_t count_range(const uint64_t histogram[256], unsigned from, unsigned to)
{
    uint64_t n = 0;
    for (unsigned b = from; b <= to; b++)
        n += histogram[b];
    return n;
}

int mms_stats_get(const mms_processor *proc, mms_stats *out)
{
    if (!proc || proc->ops != &stats_ops)
        return MMS_EINVAL;
    const stats_state *s = proc->self;
    memset(out, 0, sizeof *out);
    memcpy(out->histogram, s->histogram, sizeof out->histogram);
    out->bytes = count_range(s->histogram, 0, 255);
    out->lines = s->histogram['\n'];
    mms_wc_counts words;
    mms_wc_get_counts(s->wc_proc, &words);
    out->words = words.words;
    const line_lengths *ll = &s->lines;
    if (ll->count > 0) {
        out->line_length = (mms_line_stats){
            .count = ll->count,
            .min = ll->min,
            .max = ll->max,
            .mean = (double)ll->sum / (double)ll->count,
            .p50 = line_lengths_percentile(ll, 50),
            .p90 = line_lengths_percentile(ll, 90),
            .p99 = line_lengths_percentile(ll, 99),
        };
    }
    out->entropy = entropy_of(s->histogram, out->bytes);
    out->nul = s->histogram[0];
    out->cr = s->histogram['\r'];
    out->crlf = s->crlf;
    out->non_ascii = count_range(s->histogram, 0x80, 0xff);
    out->non_printable = count_range(s->histogram, 0x00, 0x08) +
                         count_range(s->histogram, 0x0e, 0x1f) + s->histogram[0x7f];
    out->utf8_valid = s->utf8_valid;
    out->verdict = out->nul > 0 || !out->utf8_valid ? MMS_STATS_BINARY
                   : out->non_ascii > 0            ? MMS_STATS_UTF8
                                                   : MMS_STATS_TEXT;
    return 0;
}

int mms_stats_line_percentile(const mms_processor *proc, double percent, uint64_t *out)
{
    if (!proc || proc->ops != &stats_ops || !(percent >= 0 && percent <= 100))
        return MMS_EINVAL;
    const stats_state *s = proc->self;
    *out = line_lengths_percentile(&s->lines, percent);
    return 0;
}
