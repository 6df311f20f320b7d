/*
 * text.c - the text kind: lines of words from the fixed vocabulary, with
 * lengths (newline excluded) drawn uniformly from the generator's
 * [line_min, line_max]; a block's last line takes the bytes left.
 */
#include "config.h"
#include "gen/gen_internal.h"

static size_t text_line(gen_lines *lines, unsigned char *out)
{
    const mms_gen *gen = lines->gen;
    size_t len = gen->line_min +
                 gen_below(gen_rng_next(&lines->rng), gen->line_max - gen->line_min + 1);
    gen_words(&lines->rng, out, len, true);
    out[len] = '\n';
    return len + 1;
}

static void text_last(gen_lines *lines, unsigned char *out, size_t len)
{
    gen_words(&lines->rng, out, len - 1, false);
    out[len - 1] = '\n';
}

static void text_fill(const mms_gen *gen, uint64_t index, unsigned char *dst, size_t len)
{
    const gen_line_kind kind = {
        .stream = GEN_STREAM_TEXT,
        .max_line = gen->line_max + 1,
        .min_last = gen->line_min + 1,
        .emit = text_line,
        .last = text_last,
    };
    gen_fill_lines(&kind, gen, index, dst, len);
}

const gen_kind gen_kind_text = {
    .name = "text",
    .fill_block = text_fill,
};
