/*
 * check_count_and_hash.c - a word count and an XXH3 or XXH128 hash fed in
 * one pass (proc/count_and_hash.c): the counts are GNU wc's one byte at a
 * time (tu_wc_counts), the digests libxxhash's of the whole input, for
 * inputs cut into chunks anywhere, with text that turns out not to be
 * text, in parts that sum their blocks or take the hash's stream over
 * midway, and in split and lane scans on two threads.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reference_hex(mms_hash_algorithm algorithm, const unsigned char *data, size_t len,
                          char hex[MMS_HASH_HEX_SIZE])
{
    unsigned char canonical[16];
    size_t size;
    if (algorithm == MMS_XXH128) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits(data, len));
        memcpy(canonical, c.digest, size = sizeof c.digest);
    } else {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, XXH3_64bits(data, len));
        memcpy(canonical, c.digest, size = sizeof c.digest);
    }
    for (size_t i = 0; i < size; i++)
        sprintf(hex + 2 * i, "%02x", canonical[i]);
}

/* Text: words of letters between spaces and newlines; every 1/rarity of
 * the bytes (none when rarity is 0) is a byte that is neither white space
 * nor printable, which the count's fast path for text cannot take. */
static unsigned char *make_text(size_t len, unsigned rarity, unsigned seed)
{
    unsigned char *data = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(data);
    srand(seed);
    for (size_t i = 0; i < len; i++) {
        int r = rand();
        data[i] = r % 7 == 0 ? ' ' : r % 53 == 0 ? '\n' : (unsigned char)('a' + r % 26);
        if (rarity && r % rarity == 1)
            data[i] = (unsigned char)(r % 2 ? 0 : 0x80 + r % 128);
    }
    return data;
}

typedef struct pair_under_test {
    mms_processor *wc, *hash;
    mms_pair_fn pair;
} pair_under_test;

static pair_under_test pair_new(mms_hash_algorithm algorithm)
{
    pair_under_test t;
    ck_assert_int_eq(mms_wc_new(&t.wc, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&t.hash, algorithm, NULL), 0);
    t.pair = mms_pair_for(t.wc, t.hash);
    ck_assert_ptr_nonnull(t.pair);
    return t;
}

static void pair_free(pair_under_test *t)
{
    mms_processor_free(t->wc);
    mms_processor_free(t->hash);
}

/* Expects the digest of data[0 .. len) and the counts want, which are
 * those of every input that the processors were fed (they add up). */
static void expect_results(const pair_under_test *t, mms_hash_algorithm algorithm,
                           const unsigned char *data, size_t len, mms_wc_counts want)
{
    mms_wc_counts got;
    ck_assert_int_eq(mms_wc_get_counts(t->wc, &got), 0);
    ck_assert_uint_eq(got.bytes, want.bytes);
    ck_assert_uint_eq(got.lines, want.lines);
    ck_assert_msg(got.words == want.words, "%zu bytes: %llu words, want %llu", len,
                  (unsigned long long)got.words, (unsigned long long)want.words);
    mms_hash_digest digest;
    char got_hex[MMS_HASH_HEX_SIZE], want_hex[MMS_HASH_HEX_SIZE];
    ck_assert_int_eq(mms_hash_get_digest(t->hash, &digest), 0);
    mms_hash_to_hex(&digest, false, got_hex);
    reference_hex(algorithm, data, len, want_hex);
    ck_assert_msg(strcmp(got_hex, want_hex) == 0, "%zu bytes: %s, want %s", len, got_hex,
                  want_hex);
}

/* Feeds data[from .. to) to the states wc and hash of the pair in chunks of
 * random lengths up to max_chunk, each with up to max_overlap bytes before
 * it as its overlap. */
static void feed_range(const pair_under_test *t, void *wc, void *hash, const unsigned char *data,
                       size_t from, size_t to, size_t max_chunk, size_t max_overlap)
{
    for (size_t at = from; at < to;) {
        size_t n = 1 + (size_t)rand() % max_chunk;
        if (n > to - at)
            n = to - at;
        size_t overlap = max_overlap ? (size_t)rand() % (max_overlap + 1) : 0;
        if (overlap > at - from)
            overlap = at - from;
        mms_chunk chunk = {.data = data + at - overlap, .len = n + overlap,
                           .offset = at - overlap, .overlap = overlap};
        size_t failed;
        mms_error err;
        ck_assert_int_eq(t->pair(wc, hash, &chunk, &failed, &err), 0);
        at += n;
    }
}

static void finish(const pair_under_test *t)
{
    ck_assert_int_eq(t->wc->ops->finish(t->wc->self, NULL), 0);
    ck_assert_int_eq(t->hash->ops->finish(t->hash->self, NULL), 0);
}

/* Feeds all of data to the pair's own states (see feed_range), then
 * finishes both processors. */
static void feed_in_chunks(const pair_under_test *t, const unsigned char *data, size_t len,
                           size_t max_chunk, size_t max_overlap, unsigned seed)
{
    srand(seed);
    feed_range(t, t->wc->self, t->hash->self, data, 0, len, max_chunk, max_overlap);
    finish(t);
}

static const mms_hash_algorithm summed_algorithms[] = {MMS_XXH3_64, MMS_XXH128};

START_TEST(the_pair_counts_and_hashes_as_each_alone)
{
    static const size_t lengths[] = {0, 1, 63, 64, 241, 1023, 1024, 1025, 2048, 4097,
                                     300000, (1 << 20) + 17};
    static const unsigned rarities[] = {0, 5000, 3};
    mms_hash_algorithm algorithm = summed_algorithms[_i];
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
        for (size_t r = 0; r < sizeof rarities / sizeof rarities[0]; r++) {
            size_t len = lengths[l];
            unsigned char *data = make_text(len, rarities[r], (unsigned)(l * 7 + r));
            /* Whole, in chunks of any length, in small chunks with overlaps. */
            static const size_t chunks[][2] = {{SIZE_MAX / 2, 0}, {70000, 0}, {3000, 700}};
            for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
                pair_under_test t = pair_new(algorithm);
                feed_in_chunks(&t, data, len, chunks[c][0], chunks[c][1], (unsigned)(l + c));
                mms_wc_counts want = tu_wc_counts(data, len);
                expect_results(&t, algorithm, data, len, want);
                /* A second input: hashed afresh, its counts added. */
                feed_in_chunks(&t, data, len / 2, chunks[c][0], chunks[c][1], (unsigned)c);
                mms_wc_counts second = tu_wc_counts(data, len / 2);
                want.bytes += second.bytes;
                want.lines += second.lines;
                want.words += second.words;
                expect_results(&t, algorithm, data, len / 2, want);
                pair_free(&t);
            }
            free(data);
        }
    }
}
END_TEST

/* Scans data, written to a file, scans times on two threads with windows
 * of window bytes (0: the default) and the pair's processors (the count
 * first, or the hash), between them another one when between is not NULL;
 * expects the pair's results after each scan. */
static void scan_text(const pair_under_test *t, bool hash_first, mms_processor *between,
                      uint64_t window, const unsigned char *data, size_t len, int scans,
                      mms_hash_algorithm algorithm)
{
    tu_enter_temp_dir();
    tu_write_file("text", data, len);
    mms_engine *engine;
    mms_error err;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    if (window)
        ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, 2);
    ck_assert_int_eq(mms_engine_add(engine, hash_first ? t->hash : t->wc, NULL), 0);
    if (between)
        ck_assert_int_eq(mms_engine_add(engine, between, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, hash_first ? t->wc : t->hash, NULL), 0);
    mms_wc_counts one = tu_wc_counts(data, len), want = {0};
    for (int scan = 0; scan < scans; scan++) {
        ck_assert_msg(mms_engine_scan_path(engine, "text", &err) == 0, "%s", err.message);
        want.bytes += one.bytes;
        want.lines += one.lines;
        want.words += one.words;
        expect_results(t, algorithm, data, len, want);
    }
    mms_engine_free(engine);
    tu_remove_temp_dir();
}

/* A scan on two threads with small windows, the count added first or the
 * hash: the hash's parts sum blocks of their own and take the stream over
 * as they go, each fed with the count; text with a byte here and there
 * that is not. */
START_TEST(a_split_scan_counts_and_hashes_as_each_alone)
{
    size_t len = (3 << 20) + 333;
    unsigned char *data = make_text(len, 100000, 42);
    for (int hash_first = 0; hash_first < 2; hash_first++) {
        pair_under_test t = pair_new(summed_algorithms[_i]);
        scan_text(&t, hash_first, NULL, 64 << 10, data, len, 3, summed_algorithms[_i]);
        pair_free(&t);
    }
    free(data);
}
END_TEST

/* The states of one part of a split scan, as the engine makes, ends and
 * merges them. */
typedef struct part {
    void *wc, *hash;
} part;

static part part_new(const pair_under_test *t)
{
    part p = {t->wc->ops->split(t->wc->self), t->hash->ops->split(t->hash->self)};
    ck_assert(p.wc && p.hash);
    return p;
}

static void part_end(const pair_under_test *t, part p)
{
    if (t->wc->ops->part_end)
        t->wc->ops->part_end(p.wc, false);
    t->hash->ops->part_end(p.hash, false);
}

static void part_merge(const pair_under_test *t, part p)
{
    ck_assert_int_eq(t->wc->ops->merge(t->wc->self, p.wc, NULL), 0);
    ck_assert_int_eq(t->hash->ops->merge(t->hash->self, p.hash, NULL), 0);
    t->wc->ops->destroy(p.wc);
    t->hash->ops->destroy(p.hash);
}

/* Parts fed in an order that the engine's threads can take: the later
 * parts first (each sums its blocks: the part before it has not ended),
 * and a part fed half before and half after the part before it ended
 * (it takes the stream over midway and goes on with the stream). */
START_TEST(parts_sum_blocks_or_take_the_stream_over_midway)
{
    mms_hash_algorithm algorithm = summed_algorithms[_i];
    size_t len = 400000;
    unsigned char *data = make_text(len, 20000, 7);
    /* parts cut anywhere, none at a block edge */
    const size_t cut[] = {0, 70001, 150333, 260777, len};
    srand(1);

    pair_under_test t = pair_new(algorithm);
    part p[3] = {part_new(&t), part_new(&t), part_new(&t)};
    for (int k = 3; k >= 1; k--) {
        feed_range(&t, p[k - 1].wc, p[k - 1].hash, data, cut[k], cut[k + 1], 9000, 300);
        part_end(&t, p[k - 1]);
    }
    feed_range(&t, t.wc->self, t.hash->self, data, cut[0], cut[1], 9000, 300);
    part_end(&t, (part){t.wc->self, t.hash->self});
    for (int k = 0; k < 3; k++)
        part_merge(&t, p[k]);
    finish(&t);
    expect_results(&t, algorithm, data, len, tu_wc_counts(data, len));

    /* The same processors again: the second part's first half summed,
     * then the first part ends, then its second half on the stream. */
    part q = part_new(&t);
    size_t mid = 230011;
    feed_range(&t, q.wc, q.hash, data, cut[1], mid, 9000, 300);
    feed_range(&t, t.wc->self, t.hash->self, data, cut[0], cut[1], 9000, 300);
    part_end(&t, (part){t.wc->self, t.hash->self});
    feed_range(&t, q.wc, q.hash, data, mid, len, 9000, 300);
    part_end(&t, q);
    part_merge(&t, q);
    finish(&t);
    mms_wc_counts twice = tu_wc_counts(data, len);
    twice.bytes *= 2, twice.lines *= 2, twice.words *= 2;
    expect_results(&t, algorithm, data, len, twice);
    pair_free(&t);
    free(data);
}
END_TEST

/* A scan with lanes: an XXH64 hash goes in order beside them, and the
 * pair takes each 4 MiB window whole, in several pieces. */
START_TEST(a_lane_scan_counts_and_hashes_as_each_alone)
{
    size_t len = (9 << 20) + 555;
    unsigned char *data = make_text(len, 300000, 9);
    pair_under_test t = pair_new(summed_algorithms[_i]);
    mms_processor *ordered;
    ck_assert_int_eq(mms_hash_new(&ordered, MMS_XXH64, NULL), 0);
    scan_text(&t, false, ordered, 0, data, len, 1, summed_algorithms[_i]);
    mms_hash_digest digest;
    ck_assert_int_eq(mms_hash_get_digest(ordered, &digest), 0);
    XXH64_canonical_t want;
    XXH64_canonicalFromHash(&want, XXH64(data, len, 0));
    ck_assert_mem_eq(digest.bytes, want.digest, sizeof want.digest);
    mms_processor_free(ordered);
    pair_free(&t);
    free(data);
}
END_TEST

START_TEST(only_a_word_count_and_a_summing_hash_make_a_pair)
{
    mms_processor *words, *lines, *xxh3, *xxh128, *xxh64, *xxh32;
    ck_assert_int_eq(mms_wc_new(&words, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_wc_new(&lines, MMS_WC_LINES | MMS_WC_BYTES, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&xxh3, MMS_XXH3_64, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&xxh128, MMS_XXH128, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&xxh64, MMS_XXH64, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&xxh32, MMS_XXH32, NULL), 0);
    ck_assert_ptr_nonnull(mms_pair_for(words, xxh3));
    ck_assert_ptr_nonnull(mms_pair_for(words, xxh128));
    ck_assert_ptr_nonnull(mms_pair_for(xxh3, words));
    ck_assert_ptr_null(mms_pair_for(lines, xxh3)); /* counting lines alone is no slower */
    ck_assert_ptr_null(mms_pair_for(words, xxh64));
    ck_assert_ptr_null(mms_pair_for(words, xxh32));
    ck_assert_ptr_null(mms_pair_for(words, words));
    ck_assert_ptr_null(mms_pair_for(xxh3, xxh128));
    ck_assert_ptr_null(mms_pair_for(xxh64, words));
    mms_processor *all[] = {words, lines, xxh3, xxh128, xxh64, xxh32};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        mms_processor_free(all[i]);
}
END_TEST

static Suite *count_and_hash_suite(void)
{
    Suite *s = suite_create("count_and_hash");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, the_pair_counts_and_hashes_as_each_alone, 0, 2);
    tcase_add_loop_test(tc, a_split_scan_counts_and_hashes_as_each_alone, 0, 2);
    tcase_add_loop_test(tc, parts_sum_blocks_or_take_the_stream_over_midway, 0, 2);
    tcase_add_loop_test(tc, a_lane_scan_counts_and_hashes_as_each_alone, 0, 2);
    tcase_add_test(tc, only_a_word_count_and_a_summing_hash_make_a_pair);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(count_and_hash_suite());
}
