/*
 * grep.c - the grep and search processors: their ops tables, constructors
 * and result getter.  The line logic is in grep_lines.c, the search in
 * src/search/.
 *
 * A grep processor that only counts, with no line limit, is splittable:
 * each part counts its own lines and merge() joins the line that crosses
 * the seam between two parts.
 */
#include "config.h"
#include "internal.h"
#include "proc/grep_lines.h"

#include <errno.h>
#include <stdlib.h>

typedef struct grep_state {
    const mms_pattern *pattern;
    grep_lines lines;
} grep_state;

static void grep_destroy(void *self)
{
    grep_state *s = self;
    grep_lines_release(&s->lines);
    free(s);
}

static grep_state *grep_state_new(const mms_pattern *pattern, const mms_grep_options *options,
                                  mms_match_fn on_line, void *ctx, bool starts_inside_a_line)
{
    grep_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pattern = pattern;
    if (grep_lines_init(&s->lines, pattern, options, on_line, ctx, starts_inside_a_line) < 0) {
        grep_destroy(s);
        return NULL;
    }
    return s;
}

static void *grep_split(const void *self)
{
    const grep_state *model = self;
    return grep_state_new(model->pattern, &model->lines.options, model->lines.on_line,
                          model->lines.ctx, true);
}

static int out_of_memory(int rc, mms_error *err)
{
    return rc < 0 ? mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory") : 0;
}

static int grep_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    grep_state *s = self;
    int rc = grep_lines_feed(&s->lines, chunk->data + chunk->overlap, chunk->len - chunk->overlap,
                             chunk->offset + chunk->overlap);
    return out_of_memory(rc, err);
}

static int grep_merge(void *self, void *part, mms_error *err)
{
    grep_state *s = self, *p = part;
    return out_of_memory(grep_lines_join(&s->lines, &p->lines), err);
}

static int grep_finish(void *self, mms_error *err)
{
    grep_state *s = self;
    return out_of_memory(grep_lines_end(&s->lines), err);
}

static const mms_processor_ops grep_ordered_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "grep",
    .flags = MMS_PROC_ORDERED,
    .chunk = grep_chunk,
    .finish = grep_finish,
    .destroy = grep_destroy,
};

static const mms_processor_ops grep_counting_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "grep",
    .flags = MMS_PROC_SPLITTABLE,
    .chunk = grep_chunk,
    .split = grep_split,
    .merge = grep_merge,
    .finish = grep_finish,
    .destroy = grep_destroy,
};

int mms_grep_new(mms_processor **out, const mms_pattern *pattern, const mms_grep_options *options,
                 mms_match_fn on_line, void *ctx, mms_error *err)
{
    *out = NULL;
    if (!pattern || !options || options->output > MMS_GREP_MATCHES ||
        (!on_line && options->output != MMS_GREP_COUNT))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid grep options");
    grep_state *s = grep_state_new(pattern, options, on_line, ctx, false);
    if (!s)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    bool counting = options->output == MMS_GREP_COUNT && options->max_lines == MMS_GREP_UNLIMITED;
    return mms_processor_new(out, counting ? &grep_counting_ops : &grep_ordered_ops, s, err);
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
    if (!proc || (proc->ops != &grep_ordered_ops && proc->ops != &grep_counting_ops))
        return MMS_EINVAL;
    const grep_state *s = proc->self;
    *out = s->lines.result;
    return 0;
}
