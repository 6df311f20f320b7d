/*
 * check_gen.c - the generator in memory: any range equals the same bytes
 * of the whole output, seeds, each kind's format, needles, settings.
 */
#include "config.h"
#include "gen/gen_internal.h"
#include "testutil.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIB 1024ull
#define MIB (1024ull * 1024)

static const mms_gen_kind all_kinds[] = {
    MMS_GEN_RANDOM, MMS_GEN_TEXT,  MMS_GEN_LOG,    MMS_GEN_CSV,
    MMS_GEN_COMPRESSIBLE, MMS_GEN_ZEROS, MMS_GEN_SPARSE,
};
#define NKINDS (sizeof all_kinds / sizeof all_kinds[0])

static mms_gen *new_gen(mms_gen_kind kind, uint64_t size, uint64_t seed)
{
    mms_gen *gen = NULL;
    mms_error err;
    ck_assert_msg(mms_gen_new(&gen, kind, size, seed, &err) == 0, "%s", err.message);
    return gen;
}

/* The whole output in memory (the caller frees it). */
static unsigned char *whole(const mms_gen *gen, uint64_t size)
{
    unsigned char *buf = malloc(size);
    ck_assert_ptr_nonnull(buf);
    mms_error err;
    ck_assert_msg(mms_gen_fill(gen, 0, buf, size, &err) == 0, "%s", err.message);
    return buf;
}

START_TEST(any_range_is_the_same_bytes)
{
    /* Ranges that start and end anywhere: inside blocks, on block edges,
     * across several blocks, in the long last block. */
    const uint64_t size = 5 * MMS_GEN_BLOCK + 12345;
    static const uint64_t starts[] = {0, 1, 7, 4095, 65535, 65536, 65537, 200000, 5 * 65536 - 3};
    static const size_t lens[] = {1, 8, 13, 4096, 65536, 65537, 150001};
    for (size_t k = 0; k < NKINDS; k++) {
        mms_gen *gen = new_gen(all_kinds[k], size, 42);
        unsigned char *expect = whole(gen, size);
        unsigned char *part = malloc(size);
        for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
            for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
                size_t len = starts[i] + lens[j] <= size ? lens[j] : (size_t)(size - starts[i]);
                mms_error err;
                ck_assert_int_eq(mms_gen_fill(gen, starts[i], part, len, &err), 0);
                ck_assert_msg(memcmp(part, expect + starts[i], len) == 0,
                              "%s: range %llu+%zu differs", mms_gen_kind_name(all_kinds[k]),
                              (unsigned long long)starts[i], len);
            }
        }
        free(part);
        free(expect);
        mms_gen_free(gen);
    }
}
END_TEST

START_TEST(seeds_make_different_data)
{
    const uint64_t size = 3 * MMS_GEN_BLOCK;
    for (size_t k = 0; k < NKINDS; k++) {
        if (all_kinds[k] == MMS_GEN_ZEROS)
            continue;
        mms_gen *a = new_gen(all_kinds[k], size, 1), *b = new_gen(all_kinds[k], size, 2),
                *a2 = new_gen(all_kinds[k], size, 1);
        unsigned char *x = whole(a, size), *y = whole(b, size), *x2 = whole(a2, size);
        ck_assert_msg(memcmp(x, y, size) != 0, "%s: seeds 1 and 2 give the same bytes",
                      mms_gen_kind_name(all_kinds[k]));
        ck_assert(memcmp(x, x2, size) == 0);
        free(x);
        free(y);
        free(x2);
        mms_gen_free(a);
        mms_gen_free(b);
        mms_gen_free(a2);
    }
}
END_TEST

START_TEST(random_bytes_are_uniform)
{
    const uint64_t size = 4 * MIB;
    mms_gen *gen = new_gen(MMS_GEN_RANDOM, size, 7);
    unsigned char *buf = whole(gen, size);
    uint64_t count[256] = {0};
    for (uint64_t i = 0; i < size; i++)
        count[buf[i]]++;
    double expect = size / 256.0, chi2 = 0;
    for (int v = 0; v < 256; v++)
        chi2 += (count[v] - expect) * (count[v] - expect) / expect;
    /* 255 degrees of freedom: mean 255, standard deviation 22.6. */
    ck_assert_msg(chi2 > 150 && chi2 < 400, "chi-square %.1f", chi2);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

/* Calls check(line, len, ctx) for each line of buf (newline excluded);
 * the output must end with a newline. */
static void for_each_line(const unsigned char *buf, uint64_t size,
                          void (*check)(const char *line, size_t len, uint64_t number, void *ctx),
                          void *ctx)
{
    ck_assert_int_eq(buf[size - 1], '\n');
    uint64_t number = 0;
    for (uint64_t pos = 0; pos < size; number++) {
        const unsigned char *nl = memchr(buf + pos, '\n', size - pos);
        check((const char *)buf + pos, (size_t)(nl - (buf + pos)), number, ctx);
        pos = (uint64_t)(nl - buf) + 1;
    }
}

START_TEST(blocks_end_with_a_newline)
{
    const uint64_t size = 7 * MMS_GEN_BLOCK + 999;
    static const mms_gen_kind line_kinds[] = {MMS_GEN_TEXT, MMS_GEN_LOG, MMS_GEN_CSV};
    for (size_t k = 0; k < 3; k++) {
        mms_gen *gen = new_gen(line_kinds[k], size, 3);
        unsigned char *buf = whole(gen, size);
        for (uint64_t b = 1; b < 7; b++)
            ck_assert_msg(buf[b * MMS_GEN_BLOCK - 1] == '\n', "%s: block %llu",
                          mms_gen_kind_name(line_kinds[k]), (unsigned long long)b);
        ck_assert_int_eq(buf[size - 1], '\n');
        free(buf);
        mms_gen_free(gen);
    }
}
END_TEST

typedef struct text_stats {
    unsigned min, max;
    uint64_t lines, short_or_long;
} text_stats;

static void check_text_line(const char *line, size_t len, uint64_t number, void *ctx)
{
    (void)number;
    text_stats *st = ctx;
    st->lines++;
    if (len < st->min || len > st->max)
        st->short_or_long++;
    ck_assert_msg(len > 0 && line[0] != ' ' && line[len - 1] != ' ', "line %llu: '%.*s'",
                  (unsigned long long)number, (int)len, line);
    for (size_t i = 0; i < len; i++) {
        ck_assert_msg((line[i] >= 'a' && line[i] <= 'z') || (line[i] == ' ' && line[i + 1] != ' '),
                      "line %llu: '%.*s'", (unsigned long long)number, (int)len, line);
    }
}

START_TEST(text_lines_are_words_of_set_lengths)
{
    const uint64_t size = 2 * MIB + 77;
    mms_gen *gen = new_gen(MMS_GEN_TEXT, size, 5);
    mms_error err;
    ck_assert_int_eq(mms_gen_set_lines(gen, 20, 60, &err), 0);
    unsigned char *buf = whole(gen, size);
    text_stats st = {20, 60, 0, 0};
    for_each_line(buf, size, check_text_line, &st);
    /* Only the last line of each block may be longer (or shorter). */
    ck_assert_uint_gt(st.lines, size / 61);
    ck_assert_uint_le(st.short_or_long, size / MMS_GEN_BLOCK);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

START_TEST(words_fill_any_length_exactly)
{
    gen_words_init();
    unsigned char buf[200];
    for (size_t len = 0; len < 150; len++) {
        for (uint64_t seed = 0; seed < 50; seed++) {
            gen_rng rng;
            gen_rng_init(&rng, seed);
            memset(buf, '#', sizeof buf);
            gen_words(&rng, buf, len, false);
            ck_assert_msg(buf[len] == '#', "wrote past %zu", len);
            for (size_t i = 0; i < len; i++)
                ck_assert_msg(buf[i] == ' ' ? i > 0 && i + 1 < len && buf[i + 1] != ' '
                                            : buf[i] >= 'a' && buf[i] <= 'z',
                              "len %zu: '%.*s'", len, (int)len, buf);
        }
    }
}
END_TEST

static void check_log_line(const char *line, size_t len, uint64_t number, void *ctx)
{
    char copy[512];
    ck_assert_uint_lt(len, sizeof copy);
    memcpy(copy, line, len);
    copy[len] = '\0';
    ck_assert_msg(regexec(ctx, copy, 0, NULL, 0) == 0, "line %llu: '%s'",
                  (unsigned long long)number, copy);
}

START_TEST(log_lines_match_their_format)
{
    regex_t format;
    ck_assert_int_eq(regcomp(&format,
                             "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
                             "\\.[0-9]{3}Z (DEBUG|INFO |WARN |ERROR) \\[[a-z.]+\\] [a-z ]+"
                             "( [a-z_]+=[^ ]+)+$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    const uint64_t size = MIB + 4321;
    mms_gen *gen = new_gen(MMS_GEN_LOG, size, 11);
    unsigned char *buf = whole(gen, size);
    for_each_line(buf, size, check_log_line, &format);
    /* Timestamps never go back: the text sorts as the time does. */
    const char *prev = NULL;
    for (uint64_t pos = 0; pos < size;) {
        const char *line = (const char *)buf + pos;
        ck_assert_msg(!prev || memcmp(prev, line, 24) <= 0, "time goes back at %llu",
                      (unsigned long long)pos);
        prev = line;
        pos = (uint64_t)((const unsigned char *)memchr(line, '\n', size - pos) - buf) + 1;
    }
    regfree(&format);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

static void check_csv_row(const char *line, size_t len, uint64_t number, void *ctx)
{
    (void)ctx;
    char copy[512];
    ck_assert_uint_lt(len, sizeof copy);
    memcpy(copy, line, len);
    copy[len] = '\0';
    if (number == 0) {
        ck_assert_str_eq(copy, "id,name,category,quantity,price,score,date,note");
        return;
    }
    char *fields[9];
    int n = 0;
    for (char *p = copy, *f; (f = strsep(&p, ",")) != NULL;)
        fields[n < 9 ? n++ : 8] = f;
    ck_assert_msg(n == 8, "row %llu has %d fields: '%.*s'", (unsigned long long)number, n,
                  (int)len, line);
    char *end;
    strtoull(fields[0], &end, 10);
    ck_assert_msg(*fields[0] && !*end, "id '%s'", fields[0]);
    strtoull(fields[3], &end, 10);
    ck_assert_msg(*fields[3] && !*end, "quantity '%s'", fields[3]);
    double price = strtod(fields[4], &end);
    ck_assert_msg(!*end && price > 0 && price < 10000, "price '%s'", fields[4]);
    double score = strtod(fields[5], &end);
    ck_assert_msg(!*end && score >= -1 && score <= 1, "score '%s'", fields[5]);
    int year, month, day;
    ck_assert_msg(sscanf(fields[6], "%4d-%2d-%2d", &year, &month, &day) == 3 &&
                      strlen(fields[6]) == 10 && year >= 2000 && year <= 2030 && month >= 1 &&
                      month <= 12 && day >= 1 && day <= 31,
                  "date '%s'", fields[6]);
}

START_TEST(csv_rows_have_typed_fields)
{
    const uint64_t size = MIB + 99;
    mms_gen *gen = new_gen(MMS_GEN_CSV, size, 13);
    unsigned char *buf = whole(gen, size);
    for_each_line(buf, size, check_csv_row, NULL);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

START_TEST(dates_are_the_calendar)
{
    static const struct {
        int64_t day;
        const char *text;
    } known[] = {
        {0, "1970-01-01"},      {59, "1970-03-01"},     {10957, "2000-01-01"},
        {11016, "2000-02-29"},  {19722, "2023-12-31"},  {19723, "2024-01-01"},
        {19782, "2024-02-29"},  {-1, "1969-12-31"},     {47482, "2100-01-01"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        unsigned char out[11] = {0};
        gen_put_date(out, known[i].day);
        ck_assert_str_eq((char *)out, known[i].text);
    }
    unsigned char out[21] = {0};
    ck_assert_uint_eq(gen_put_uint(out, 0), 1);
    ck_assert_str_eq((char *)out, "0");
    ck_assert_uint_eq(gen_put_uint(out, UINT64_MAX), 20);
    ck_assert_str_eq((char *)out, "18446744073709551615");
}
END_TEST

START_TEST(needles_every_are_where_the_manifest_says)
{
    const uint64_t size = 3 * MIB + 17, every = 64 * KIB;
    const char needle[] = "<<needle>>";
    const size_t len = sizeof needle - 1;
    mms_gen *gen = new_gen(MMS_GEN_RANDOM, size, 21);
    mms_error err;
    ck_assert_int_eq(mms_gen_set_needle(gen, needle, len, every, &err), 0);
    unsigned char *buf = whole(gen, size);
    uint64_t at, from = 0, count = 0, prev_end = 0;
    while (mms_gen_next_needle(gen, from, &at) == 1) {
        uint64_t region = at / every;
        ck_assert_uint_eq(region, count);       /* one per region, in order */
        ck_assert_uint_ge(at, prev_end);        /* no overlap */
        ck_assert_msg(memcmp(buf + at, needle, len) == 0, "needle %llu", (unsigned long long)at);
        ck_assert_uint_le(at + len, (region + 1) * every);
        if (region % 2 == 1) /* straddles the region's middle, a multiple of 32K */
            ck_assert_uint_ne(at / (32 * KIB), (at + len - 1) / (32 * KIB));
        prev_end = at + len;
        from = at + 1;
        count++;
    }
    ck_assert_uint_eq(count, size / every + 1); /* the last, short region holds one too */
    /* Nowhere else (ten random bytes never match by chance). */
    uint64_t seen = 0;
    for (uint64_t i = 0; i + len <= size; i++)
        seen += memcmp(buf + i, needle, len) == 0;
    ck_assert_uint_eq(seen, count);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

START_TEST(needles_at_offsets)
{
    const uint64_t size = MIB;
    uint64_t at;
    mms_gen *gen = new_gen(MMS_GEN_TEXT, size, 1);
    mms_error err;
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 10, &err), MMS_EINVAL); /* no needle yet */
    ck_assert_int_eq(mms_gen_set_needle(gen, "XYZ", 3, 0, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 65535, &err), 0);  /* across a block edge */
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 0, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, size - 3, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, size - 2, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 65537, &err), MMS_EINVAL); /* overlaps */
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 65533, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_needle(gen, "XYZ", 3, 100, &err), 0); /* forgets the offsets */
    ck_assert_int_eq(mms_gen_next_needle(gen, 1, &at), 1);
    ck_assert_uint_lt(at, 100);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 5, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_needle(gen, "XYZ", 3, 0, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 65535, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 0, &err), 0);
    unsigned char *buf = whole(gen, size);
    ck_assert(memcmp(buf, "XYZ", 3) == 0 && memcmp(buf + 65535, "XYZ", 3) == 0);
    ck_assert_int_eq(mms_gen_next_needle(gen, 1, &at), 1);
    ck_assert_uint_eq(at, 65535);
    ck_assert_int_eq(mms_gen_next_needle(gen, 65536, &at), 0);
    free(buf);
    mms_gen_free(gen);
}
END_TEST

START_TEST(settings_are_checked)
{
    mms_gen *gen = NULL;
    mms_error err;
    ck_assert_int_eq(mms_gen_new(&gen, MMS_GEN_RANDOM, 0, 1, &err), MMS_EINVAL);
    ck_assert_ptr_null(gen);
    ck_assert_int_eq(mms_gen_new(&gen, (mms_gen_kind)99, 10, 1, &err), MMS_EINVAL);
    gen = new_gen(MMS_GEN_RANDOM, 1000, 1);
    ck_assert_int_eq(mms_gen_set_lines(gen, 10, 20, &err), MMS_EINVAL);
    ck_assert_str_eq(err.message, "line lengths does not apply to kind random");
    ck_assert_int_eq(mms_gen_set_ratio(gen, 3, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_islands(gen, 100, 10, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_needle(gen, "abc", 3, 5, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_needle(gen, "abc", 0, 100, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_writing(gen, 100, 1, MMS_WRITE_AUTO, &err), MMS_EINVAL);
    unsigned char buf[16];
    ck_assert_int_eq(mms_gen_fill(gen, 990, buf, 11, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_fill(gen, 990, buf, 10, &err), 0);
    mms_gen_free(gen);

    gen = new_gen(MMS_GEN_TEXT, 1000, 1);
    ck_assert_int_eq(mms_gen_set_lines(gen, 0, 20, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_lines(gen, 30, 20, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_lines(gen, 1, 4097, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_lines(gen, 1, 4096, &err), 0);
    mms_gen_free(gen);
    gen = new_gen(MMS_GEN_COMPRESSIBLE, 1000, 1);
    ck_assert_int_eq(mms_gen_set_ratio(gen, 0.5, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_ratio(gen, 101, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_gen_set_ratio(gen, 7.5, &err), 0);
    mms_gen_free(gen);
    mms_gen_free(NULL);

    for (size_t k = 0; k < NKINDS; k++) {
        mms_gen_kind parsed;
        ck_assert_int_eq(mms_gen_kind_parse(mms_gen_kind_name(all_kinds[k]), &parsed, &err), 0);
        ck_assert_int_eq(parsed, all_kinds[k]);
    }
    mms_gen_kind parsed;
    ck_assert_int_eq(mms_gen_kind_parse("words", &parsed, &err), MMS_EINVAL);
    ck_assert_ptr_null(mms_gen_kind_name((mms_gen_kind)99));
}
END_TEST

START_TEST(tiny_outputs)
{
    for (size_t k = 0; k < NKINDS; k++) {
        for (uint64_t size = 1; size < 300; size += 37) {
            mms_gen *gen = new_gen(all_kinds[k], size, 9);
            unsigned char *buf = whole(gen, size);
            if (all_kinds[k] == MMS_GEN_TEXT || all_kinds[k] == MMS_GEN_LOG ||
                all_kinds[k] == MMS_GEN_CSV)
                ck_assert_int_eq(buf[size - 1], '\n');
            free(buf);
            mms_gen_free(gen);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, any_range_is_the_same_bytes);
    tcase_add_test(tc, seeds_make_different_data);
    tcase_add_test(tc, random_bytes_are_uniform);
    tcase_add_test(tc, blocks_end_with_a_newline);
    tcase_add_test(tc, text_lines_are_words_of_set_lengths);
    tcase_add_test(tc, words_fill_any_length_exactly);
    tcase_add_test(tc, log_lines_match_their_format);
    tcase_add_test(tc, csv_rows_have_typed_fields);
    tcase_add_test(tc, dates_are_the_calendar);
    tcase_add_test(tc, needles_every_are_where_the_manifest_says);
    tcase_add_test(tc, needles_at_offsets);
    tcase_add_test(tc, settings_are_checked);
    tcase_add_test(tc, tiny_outputs);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
