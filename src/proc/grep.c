/*
 * grep.c - the grep and search processors: their ops table, constructors
 * and result getter.  The line logic is in grep_lines.c, the search in
 * src/search/.
 *
 * A grep processor is splittable: each part searches its own lines, and
 * the line that crosses the seam between two parts is searched when the
 * later part takes over from the earlier one.  Parts that report lines, or
 * stop at a limit, keep input order through a part_order made by the
 * first split(): only the earliest unfinished part reports, later ones
 * keep their lines until it is their turn.  Parts that only count join the
 * order too: one that starts inside a line too long to copy waits for its
 * turn to take over that line's search, so memory stays flat.
 */
#include "config.h"
#include "internal.h"
#include "proc/grep_lines.h"

#include <errno.h>
#include <stdlib.h>

typedef struct grep_state {
    const mms_pattern *pattern;
    /* Behind a pointer so that split(), which sees self as const, can make
     * self the first part of an order. */
    grep_lines *lines;
} grep_state;

static void grep_destroy(void *self)
{
    grep_state *s = self;
    if (s->lines)
        grep_lines_release(s->lines);
    free(s->lines);
    free(s);
}

static grep_state *grep_state_new(const mms_pattern *pattern, const mms_grep_options *options,
                                  mms_match_fn on_line, void *ctx, bool starts_inside_a_line)
{
    grep_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pattern = pattern;
    s->lines = malloc(sizeof *s->lines);
    if (!s->lines ||
        grep_lines_init(s->lines, pattern, options, on_line, ctx, starts_inside_a_line) < 0) {
        grep_destroy(s);
        return NULL;
    }
    return s;
}

static void *grep_split(const void *self)
{
    const grep_state *model = self;
    grep_lines *first = model->lines;
    grep_state *s = grep_state_new(model->pattern, &first->options, first->on_line, first->ctx,
                                   true);
    if (!s)
        return NULL;
    /* Parts are made before the part before them is fed, so the order of
     * this scan still has a part to come (the newest) until the scan is
     * over: an order whose parts have all ended is a past scan's. */
    if (!first->split_order || part_order_unended(first->split_order) == 0) {
        part_order_release(first->split_order);
        first->split_order = part_order_new(grep_lines_take, first);
        first->order = first->split_order;
        first->order_index = 0;
        if (first->split_order)
            part_order_retain(first->split_order);
    }
    s->lines->order_index = first->split_order ? part_order_add(first->split_order, s->lines) : -1;
    if (s->lines->order_index < 0) {
        grep_destroy(s);
        return NULL;
    }
    s->lines->order = first->split_order;
    return s;
}

static int grep_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    grep_state *s = self;
    int rc = grep_lines_feed(s->lines, chunk->data + chunk->overlap, chunk->len - chunk->overlap,
                             chunk->offset + chunk->overlap);
    if (rc < 0)
        return grep_lines_error(s->lines, rc, err);
    /* Once stopped, this state's later input changes nothing (not even a
     * line in progress: it is never searched), so it needs none. */
    return s->lines->stopped ? MMS_PROC_DONE : 0;
}

static void grep_part_end(void *self, bool failed)
{
    grep_state *s = self;
    grep_lines_end_part(s->lines, failed);
}

static int grep_merge(void *self, void *part, mms_error *err)
{
    grep_state *s = self, *p = part;
    return grep_lines_error(s->lines, grep_lines_join(s->lines, p->lines), err);
}

static int grep_finish(void *self, mms_error *err)
{
    grep_state *s = self;
    return grep_lines_error(s->lines, grep_lines_end(s->lines), err);
}

static const mms_processor_ops grep_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "grep",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = grep_chunk,
    .split = grep_split,
    .merge = grep_merge,
    .finish = grep_finish,
    .destroy = grep_destroy,
    .part_end = grep_part_end,
};

int mms_grep_new(mms_processor **out, const mms_pattern *pattern, const mms_grep_options *options,
                 mms_match_fn on_line, void *ctx, mms_error *err)
{
    *out = NULL;
    if (!pattern || !options || options->output > MMS_GREP_MATCHES ||
        (!on_line && options->output != MMS_GREP_COUNT))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid grep options");
    const char *refusal = pattern_locate_refusal(pattern);
    if (options->output == MMS_GREP_MATCHES && !options->invert && refusal)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "these patterns can select lines but not say where they match "
                             "(PCRE2: %s)", refusal);
    grep_state *s = grep_state_new(pattern, options, on_line, ctx, false);
    if (!s)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    return mms_processor_new(out, &grep_ops, s, err);
}

int mms_search_new(mms_processor **out, const mms_pattern *pattern, mms_match_fn on_match,
                   void *ctx, mms_error *err)
{
    *out = NULL;
    if (!on_match)
        return mms_error_set(err, MMS_EINVAL, 0, "a search needs a match callback");
    mms_grep_options options = {
        .output = MMS_GREP_MATCHES, .binary_text = true, .max_lines = MMS_GREP_UNLIMITED,
    };
    return mms_grep_new(out, pattern, &options, on_match, ctx, err);
}

int mms_grep_get_result(const mms_processor *proc, mms_grep_result *out)
{
    if (!proc || proc->ops != &grep_ops)
        return MMS_EINVAL;
    const grep_state *s = proc->self;
    *out = s->lines->result;
    return 0;
}
