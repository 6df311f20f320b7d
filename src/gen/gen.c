/*
 * gen.c - the generator handle: kinds, settings, and filling any range of
 * the output from whole blocks.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const gen_kind *const kinds[] = {
    [MMS_GEN_RANDOM] = &gen_kind_random,
    [MMS_GEN_TEXT] = &gen_kind_text,
    [MMS_GEN_LOG] = &gen_kind_log,
    [MMS_GEN_CSV] = &gen_kind_csv,
    [MMS_GEN_COMPRESSIBLE] = &gen_kind_compressible,
    [MMS_GEN_ZEROS] = &gen_kind_zeros,
    [MMS_GEN_SPARSE] = &gen_kind_sparse,
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The longest needle and the longest text line: small enough for a stack
 * buffer, long enough for any test. */
#define NEEDLE_MAX 4096
#define LINE_MAX_SETTING 4096

const char *mms_gen_kind_name(mms_gen_kind kind)
{
    return (unsigned)kind < NKINDS ? kinds[kind]->name : NULL;
}

int mms_gen_kind_parse(const char *name, mms_gen_kind *out, mms_error *err)
{
    for (size_t i = 0; i < NKINDS; i++) {
        if (strcmp(name, kinds[i]->name) == 0) {
            *out = (mms_gen_kind)i;
            return 0;
        }
    }
    return mms_error_set(err, MMS_EINVAL, 0,
                         "invalid kind '%s' (random, text, log, csv, compressible, zeros, "
                         "sparse)", name);
}

int mms_write_method_parse(const char *name, mms_write_method *out, mms_error *err)
{
    static const char *const names[] = {
        [MMS_WRITE_AUTO] = "auto", [MMS_WRITE_PWRITE] = "pwrite", [MMS_WRITE_MAP] = "map"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (mms_write_method)i;
            return 0;
        }
    }
    return mms_error_set(err, MMS_EINVAL, 0, "invalid write method '%s' (auto, pwrite, map)",
                         name);
}

int mms_gen_new(mms_gen **out, mms_gen_kind kind, uint64_t size, uint64_t seed, mms_error *err)
{
    *out = NULL;
    if ((unsigned)kind >= NKINDS)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid kind %d", (int)kind);
    if (size == 0)
        return mms_error_set(err, MMS_EINVAL, 0, "size must be at least 1 byte");
    gen_words_init();
    mms_gen *gen = calloc(1, sizeof *gen);
    if (!gen)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    gen->kind = kind;
    gen->ops = kinds[kind];
    gen->size = size;
    gen->seed = seed;
    gen->line_min = 10;
    gen->line_max = 100;
    gen->literal_share = 65536 / 3;
    gen->island_every = 1u << 20;
    gen->island_length = 4096;
    gen->window = MMS_DEFAULT_WINDOW;
    *out = gen;
    return 0;
}

void mms_gen_free(mms_gen *gen)
{
    if (!gen)
        return;
    free(gen->needle);
    free(gen->needle_at);
    free(gen);
}

static int wrong_kind(const mms_gen *gen, const char *setting, mms_error *err)
{
    return mms_error_set(err, MMS_EINVAL, 0, "%s does not apply to kind %s", setting,
                         gen->ops->name);
}

int mms_gen_set_lines(mms_gen *gen, unsigned min, unsigned max, mms_error *err)
{
    if (gen->kind != MMS_GEN_TEXT)
        return wrong_kind(gen, "line lengths", err);
    if (min < 1 || min > max || max > LINE_MAX_SETTING)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "invalid line lengths %u to %u (1 <= min <= max <= %u)", min, max,
                             LINE_MAX_SETTING);
    gen->line_min = min;
    gen->line_max = max;
    return 0;
}

int mms_gen_set_ratio(mms_gen *gen, double ratio, mms_error *err)
{
    if (gen->kind != MMS_GEN_COMPRESSIBLE)
        return wrong_kind(gen, "a ratio", err);
    if (!(ratio >= 1.0 && ratio <= 100.0))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid ratio %g (1 to 100)", ratio);
    gen->literal_share = (uint32_t)(65536.0 / ratio + 0.5);
    return 0;
}

int mms_gen_set_islands(mms_gen *gen, uint64_t every, uint64_t length, mms_error *err)
{
    if (gen->kind != MMS_GEN_SPARSE)
        return wrong_kind(gen, "islands", err);
    if (length < 1 || length > every)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "invalid islands: length must be from 1 byte to their spacing");
    gen->island_every = every;
    gen->island_length = length;
    return 0;
}

int mms_gen_set_needle(mms_gen *gen, const void *needle, size_t len, uint64_t every,
                       mms_error *err)
{
    if (len < 1 || len > NEEDLE_MAX)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid needle length %zu (1 to %d bytes)",
                             len, NEEDLE_MAX);
    if (every != 0 && every < 2 * (uint64_t)len)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "needle spacing %llu is below twice the needle's length",
                             (unsigned long long)every);
    unsigned char *copy = malloc(len);
    if (!copy)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    memcpy(copy, needle, len);
    free(gen->needle);
    gen->needle = copy;
    gen->needle_len = len;
    gen->needle_every = every;
    gen->needle_at_count = 0;
    return 0;
}

int mms_gen_add_needle_at(mms_gen *gen, uint64_t offset, mms_error *err)
{
    if (!gen->needle || gen->needle_every != 0)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "needles at set offsets need a needle and no spacing");
    if (offset > gen->size || gen->size - offset < gen->needle_len)
        return mms_error_set(err, MMS_EINVAL, 0, "a needle at %llu would end past the output",
                             (unsigned long long)offset);
    size_t i = gen->needle_at_count;
    while (i > 0 && gen->needle_at[i - 1] > offset)
        i--;
    if ((i > 0 && gen->needle_at[i - 1] + gen->needle_len > offset) ||
        (i < gen->needle_at_count && offset + gen->needle_len > gen->needle_at[i]))
        return mms_error_set(err, MMS_EINVAL, 0, "a needle at %llu would overlap another",
                             (unsigned long long)offset);
    if (gen->needle_at_count == gen->needle_at_capacity) {
        size_t capacity = gen->needle_at_capacity ? 2 * gen->needle_at_capacity : 16;
        uint64_t *grown = realloc(gen->needle_at, capacity * sizeof *grown);
        if (!grown)
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        gen->needle_at = grown;
        gen->needle_at_capacity = capacity;
    }
    memmove(gen->needle_at + i + 1, gen->needle_at + i,
            (gen->needle_at_count - i) * sizeof *gen->needle_at);
    gen->needle_at[i] = offset;
    gen->needle_at_count++;
    return 0;
}

int mms_gen_set_writing(mms_gen *gen, uint64_t window, unsigned threads,
                        mms_write_method method, mms_error *err)
{
    uint64_t page = mms_page_size();
    if (window < page || window > (1ull << 40))
        return mms_error_set(err, MMS_EINVAL, 0,
                             "window size %llu out of range (one page to 1 TiB)",
                             (unsigned long long)window);
    if ((unsigned)method > MMS_WRITE_MAP)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid write method %d", (int)method);
    gen->window = (window + page - 1) / page * page;
    gen->threads = threads;
    gen->method = method;
    return 0;
}

void mms_gen_set_progress(mms_gen *gen, mms_progress_fn fn, void *ctx)
{
    gen->progress = fn;
    gen->progress_ctx = ctx;
}

uint64_t gen_block_count(const mms_gen *gen)
{
    uint64_t n = gen->size / MMS_GEN_BLOCK;
    return n ? n : 1;
}

size_t gen_block_length(const mms_gen *gen, uint64_t index)
{
    if (index + 1 < gen_block_count(gen))
        return MMS_GEN_BLOCK;
    return (size_t)(gen->size - index * MMS_GEN_BLOCK);
}

/* Fills [offset, offset + len) of a block kind, block by block: whole
 * blocks straight into dst, parts of blocks through a scratch block. */
static int fill_blocks(const mms_gen *gen, uint64_t offset, unsigned char *dst, size_t len,
                       mms_error *err)
{
    unsigned char *scratch = NULL;
    uint64_t last = gen_block_count(gen) - 1;
    while (len > 0) {
        uint64_t index = offset / MMS_GEN_BLOCK < last ? offset / MMS_GEN_BLOCK : last;
        uint64_t start = index * MMS_GEN_BLOCK;
        size_t block_len = gen_block_length(gen, index);
        size_t skip = (size_t)(offset - start);
        size_t take = block_len - skip < len ? block_len - skip : len;
        if (take == block_len) {
            gen->ops->fill_block(gen, index, dst, block_len);
        } else {
            if (!scratch && !(scratch = malloc(2 * MMS_GEN_BLOCK)))
                return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
            gen->ops->fill_block(gen, index, scratch, block_len);
            memcpy(dst, scratch + skip, take);
        }
        dst += take;
        offset += take;
        len -= take;
    }
    free(scratch);
    return 0;
}

int mms_gen_fill(const mms_gen *gen, uint64_t offset, void *buf, size_t len, mms_error *err)
{
    if (offset > gen->size || gen->size - offset < len)
        return mms_error_set(err, MMS_EINVAL, 0, "range ends past the output (%llu bytes)",
                             (unsigned long long)gen->size);
    if (gen->ops->fill_range) {
        gen->ops->fill_range(gen, offset, buf, len);
    } else {
        int rc = fill_blocks(gen, offset, buf, len, err);
        if (rc < 0)
            return rc;
    }
    gen_plant_needles(gen, offset, buf, len);
    return 0;
}
