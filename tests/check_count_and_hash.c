/*
 * check_count_and_hash.c - a word count and an XXH3 or XXH128 hash fed in
 * one pass (proc/count_and_hash.c): the counts are GNU wc's one byte at a
 * time (tu_wc_counts), the digests libxxhash's of the whole input, for
 * inputs cut into chunks anywhere, with text that turns out not to be
 * text, and in the parts of a scan on two threads.
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

/* Feeds data to the pair in chunks of random lengths up to max_chunk, each
 * with up to max_overlap bytes before it as its overlap, then finishes
 * both processors. */
static void feed_in_chunks(const pair_under_test *t, const unsigned char *data, size_t len,
                           size_t max_chunk, size_t max_overlap, unsigned seed)
{
    srand(seed);
    for (size_t at = 0; at < len;) {
        size_t n = 1 + (size_t)rand() % max_chunk;
        if (n > len - at)
            n = len - at;
        size_t overlap = max_overlap ? (size_t)rand() % (max_overlap + 1) : 0;
        if (overlap > at)
            overlap = at;
        mms_chunk chunk = {.data = data + at - overlap, .len = n + overlap,
                           .offset = at - overlap, .overlap = overlap};
        size_t failed;
        mms_error err;
        ck_assert_int_eq(t->pair(t->wc->self, t->hash->self, &chunk, &failed, &err), 0);
        at += n;
    }
    ck_assert_int_eq(t->wc->ops->finish(t->wc->self, NULL), 0);
    ck_assert_int_eq(t->hash->ops->finish(t->hash->self, NULL), 0);
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

/* A scan on two threads with small windows: the hash's parts sum blocks
 * of their own and take the stream over as they go, each fed with the
 * count; text with a byte here and there that is not. */
START_TEST(a_split_scan_counts_and_hashes_as_each_alone)
{
    mms_hash_algorithm algorithm = summed_algorithms[_i];
    size_t len = (3 << 20) + 333;
    unsigned char *data = make_text(len, 100000, 42);
    tu_enter_temp_dir();
    tu_write_file("text", data, len);
    pair_under_test t = pair_new(algorithm);
    mms_engine *engine;
    mms_error err;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, 64 << 10, NULL), 0);
    mms_engine_set_threads(engine, 2);
    ck_assert_int_eq(mms_engine_add(engine, t.wc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, t.hash, NULL), 0);
    mms_wc_counts one = tu_wc_counts(data, len), want = {0};
    for (int scan = 0; scan < 3; scan++) {
        ck_assert_msg(mms_engine_scan_path(engine, "text", &err) == 0, "%s", err.message);
        want.bytes += one.bytes;
        want.lines += one.lines;
        want.words += one.words;
        expect_results(&t, algorithm, data, len, want);
    }
    mms_engine_free(engine);
    pair_free(&t);
    free(data);
    tu_remove_temp_dir();
}
END_TEST

START_TEST(only_a_word_count_then_a_summing_hash_make_a_pair)
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
    ck_assert_ptr_null(mms_pair_for(xxh3, words));
    ck_assert_ptr_null(mms_pair_for(lines, xxh3)); /* counting lines alone is no slower */
    ck_assert_ptr_null(mms_pair_for(words, xxh64));
    ck_assert_ptr_null(mms_pair_for(words, xxh32));
    ck_assert_ptr_null(mms_pair_for(words, words));
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
    tcase_add_test(tc, only_a_word_count_then_a_summing_hash_make_a_pair);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(count_and_hash_suite());
}
