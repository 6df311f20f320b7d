/*
 * check_blocks.c - the block manifest processor against digests of each
 * block computed directly with libxxhash, for every way the engine can cut
 * the input into windows and parts (seams inside blocks, parts inside one
 * block), and the ranges where two manifests differ.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canonical bytes of the digest of data[0 .. len), straight from libxxhash. */
static mms_hash_digest reference_digest(mms_hash_algorithm algorithm, const unsigned char *data,
                                        size_t len)
{
    mms_hash_digest d = {.algorithm = algorithm};
    switch (algorithm) {
    case MMS_XXH32: {
        XXH32_canonical_t c;
        XXH32_canonicalFromHash(&c, XXH32(data, len, 0));
        d.size = 4;
        memcpy(d.bytes, c.digest, 4);
        break;
    }
    case MMS_XXH64:
    case MMS_XXH3_64: {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, algorithm == MMS_XXH64 ? XXH64(data, len, 0)
                                                           : XXH3_64bits(data, len));
        d.size = 8;
        memcpy(d.bytes, c.digest, 8);
        break;
    }
    case MMS_XXH128: {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits(data, len));
        d.size = 16;
        memcpy(d.bytes, c.digest, 16);
        break;
    }
    }
    return d;
}

/* A block manifest of path; with lanes, an XXH64 hash (which needs the
 * input in order) shares the scan, which then makes every window a part. */
static mms_processor *scan_blocks(const char *path, mms_hash_algorithm algorithm,
                                  uint64_t block_size, uint64_t window, unsigned threads,
                                  bool lanes, unsigned *parts)
{
    mms_engine *engine;
    mms_processor *proc, *ordered = NULL;
    mms_error err;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, threads);
    ck_assert_int_eq(mms_blocks_new(&proc, algorithm, block_size, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    if (lanes) {
        ck_assert_int_eq(mms_hash_new(&ordered, MMS_XXH64, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, ordered, NULL), 0);
    }
    ck_assert_msg(mms_engine_scan_path(engine, path, &err) == 0, "%s", err.message);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    if (parts)
        *parts = info.parts;
    mms_engine_free(engine);
    mms_processor_free(ordered);
    return proc;
}

static uint64_t lcm(uint64_t a, uint64_t b)
{
    uint64_t x = a, y = b;
    while (y) {
        uint64_t r = x % y;
        x = y;
        y = r;
    }
    return a / x * b;
}

static void assert_manifest(const mms_processor *proc, mms_hash_algorithm algorithm,
                            uint64_t block_size, const unsigned char *data, size_t len,
                            const char *what)
{
    const mms_block_hash *blocks;
    size_t count;
    ck_assert_int_eq(mms_blocks_get(proc, &blocks, &count), 0);
    ck_assert_uint_eq(mms_blocks_input_size(proc), len);
    ck_assert_msg(count == (len + block_size - 1) / block_size, "%s: %zu blocks", what, count);
    for (size_t i = 0; i < count; i++) {
        uint64_t offset = i * block_size;
        size_t length = len - offset < block_size ? len - offset : (size_t)block_size;
        ck_assert_uint_eq(blocks[i].offset, offset);
        ck_assert_uint_eq(blocks[i].length, length);
        mms_hash_digest want = reference_digest(algorithm, data + offset, length);
        ck_assert_int_eq(blocks[i].digest.algorithm, algorithm);
        ck_assert_uint_eq(blocks[i].digest.size, want.size);
        ck_assert_msg(memcmp(blocks[i].digest.bytes, want.bytes, want.size) == 0,
                      "%s: block %zu differs", what, i);
    }
}

static unsigned char *pattern(size_t len)
{
    unsigned char *data = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        data[i] = tu_byte_at(i);
    return data;
}

/*
 * Block sizes that divide the window, that do not, and that are larger than
 * it, on one to five threads.  A split scan starts its parts at block
 * boundaries; a scan with lanes makes every window a part, so a part may
 * start inside a block (its first bytes complete the block of the part
 * before).
 */
START_TEST(any_cut_gives_the_digest_of_every_block)
{
    static const uint64_t block_sizes[] = {1, 1000, 4096, 10000, 65536, 100000};
    static const mms_hash_algorithm algorithms[] = {MMS_XXH32, MMS_XXH64, MMS_XXH128,
                                                    MMS_XXH3_64};
    const size_t page = mms_page_size();
    const size_t len = 40 * page + 123;
    unsigned char *data = pattern(len);
    tu_enter_temp_dir();
    tu_write_file("data", data, len);
    bool split_inside_a_block = false;
    for (size_t b = 0; b < sizeof block_sizes / sizeof block_sizes[0]; b++) {
        for (size_t a = 0; a < 4; a++) {
            for (uint64_t window = page; window <= 16 * page; window *= 4) {
                for (unsigned threads = 1; threads <= 5; threads += 2) {
                    for (int lanes = 0; lanes < 2; lanes++) {
                        if (block_sizes[b] == 1 && (a != 0 || window != page))
                            continue; /* 160K blocks: one case is enough */
                        char what[128];
                        snprintf(what, sizeof what, "%s block %llu window %llu threads %u%s",
                                 mms_hash_name(algorithms[a]), (unsigned long long)block_sizes[b],
                                 (unsigned long long)window, threads, lanes ? " lanes" : "");
                        unsigned parts;
                        mms_processor *proc = scan_blocks("data", algorithms[a], block_sizes[b],
                                                          window, threads, lanes, &parts);
                        if (!lanes) {
                            /* Split whenever there are threads and steps for it,
                             * in no more parts than threads: parts are cut at
                             * whole windows, or whole blocks (rounded to pages)
                             * when those do not divide the window, one per
                             * thread for so small a file. */
                            uint64_t unit = lcm(block_sizes[b], page);
                            uint64_t step = window % unit == 0 ? window : unit;
                            uint64_t steps = (len + step - 1) / step;
                            ck_assert_uint_le(parts, threads < steps ? threads : steps);
                            ck_assert(threads == 1 || steps == 1 ? parts == 1 : parts > 1);
                        } else if (parts > 1 && window % block_sizes[b] != 0) {
                            split_inside_a_block = true;
                        }
                        assert_manifest(proc, algorithms[a], block_sizes[b], data, len, what);
                        mms_processor_free(proc);
                    }
                }
            }
        }
    }
    ck_assert(split_inside_a_block);
    free(data);
}
END_TEST

START_TEST(small_and_empty_inputs)
{
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 8191};
    unsigned char *data = pattern(8192);
    tu_enter_temp_dir();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        tu_write_file("data", data, sizes[i]);
        for (unsigned threads = 1; threads <= 2; threads++) {
            mms_processor *proc = scan_blocks("data", MMS_XXH64, 4096, 4096, threads, false, NULL);
            assert_manifest(proc, MMS_XXH64, 4096, data, sizes[i], "small");
            mms_processor_free(proc);
        }
    }
    free(data);
}
END_TEST

/* One processor, several scans: each gives the manifest of its own input. */
START_TEST(each_scan_has_its_own_manifest)
{
    const size_t len = 5 * 4096 + 7;
    unsigned char *data = pattern(len);
    tu_enter_temp_dir();
    tu_write_file("data", data, len);
    tu_write_file("empty", "", 0);
    mms_engine *engine;
    mms_processor *proc;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, 4096, NULL), 0);
    mms_engine_set_threads(engine, 2);
    ck_assert_int_eq(mms_blocks_new(&proc, MMS_XXH3_64, 3000, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    static const char *const scans[] = {"data", "data", "empty", "data"};
    for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
        ck_assert_int_eq(mms_engine_scan_path(engine, scans[i], NULL), 0);
        bool empty = strcmp(scans[i], "empty") == 0;
        assert_manifest(proc, MMS_XXH3_64, 3000, data, empty ? 0 : len, scans[i]);
    }
    mms_engine_free(engine);
    mms_processor_free(proc);
    free(data);
}
END_TEST

/* Collects every difference range of two manifests. */
static size_t differences(const mms_processor *a, const mms_processor *b, mms_range *out,
                          size_t max)
{
    size_t n = 0;
    mms_range r = {0, 0};
    while (n < max && mms_blocks_next_difference(a, b, r.end, &r) == 1)
        out[n++] = r;
    return n;
}

START_TEST(differences_are_ranges_of_blocks)
{
    const size_t len = 20 * 1000 + 500;
    unsigned char *data = pattern(len);
    tu_enter_temp_dir();
    tu_write_file("a", data, len);
    data[1500] ^= 1;                   /* block 1 */
    data[5000] ^= 1, data[6999] ^= 1;  /* blocks 5 and 6: one range */
    data[19000] ^= 1;                  /* block 19 */
    tu_write_file("b", data, len);
    tu_write_file("short", data, 12345);
    mms_processor *a = scan_blocks("a", MMS_XXH64, 1000, 4096, 2, false, NULL);
    mms_processor *b = scan_blocks("b", MMS_XXH64, 1000, 4096, 3, false, NULL);
    mms_processor *short_one = scan_blocks("short", MMS_XXH64, 1000, 4096, 1, false, NULL);
    mms_range r[8];
    ck_assert_uint_eq(differences(a, a, r, 8), 0);
    ck_assert_uint_eq(differences(a, b, r, 8), 3);
    ck_assert_uint_eq(r[0].begin, 1000);
    ck_assert_uint_eq(r[0].end, 2000);
    ck_assert_uint_eq(r[1].begin, 5000);
    ck_assert_uint_eq(r[1].end, 7000);
    ck_assert_uint_eq(r[2].begin, 19000);
    ck_assert_uint_eq(r[2].end, 20000);

    /* "short" is b cut inside block 12: from there on, b's bytes differ. */
    ck_assert_uint_eq(differences(b, short_one, r, 8), 1);
    ck_assert_uint_eq(r[0].begin, 12000);
    ck_assert_uint_eq(r[0].end, len);
    ck_assert_uint_eq(differences(short_one, a, r, 8), 3);
    ck_assert_uint_eq(r[2].begin, 12000);
    ck_assert_uint_eq(r[2].end, len);

    mms_processor *other_size = scan_blocks("a", MMS_XXH64, 2000, 4096, 1, false, NULL);
    mms_processor *other_algorithm = scan_blocks("a", MMS_XXH32, 1000, 4096, 1, false, NULL);
    ck_assert_int_eq(mms_blocks_next_difference(a, other_size, 0, r), MMS_EINVAL);
    ck_assert_int_eq(mms_blocks_next_difference(a, other_algorithm, 0, r), MMS_EINVAL);
    mms_processor *hash;
    ck_assert_int_eq(mms_hash_new(&hash, MMS_XXH64, NULL), 0);
    ck_assert_int_eq(mms_blocks_next_difference(a, hash, 0, r), MMS_EINVAL);
    const mms_block_hash *blocks;
    size_t count;
    ck_assert_int_eq(mms_blocks_get(hash, &blocks, &count), MMS_EINVAL);
    mms_processor *bad = NULL;
    ck_assert_int_eq(mms_blocks_new(&bad, MMS_XXH64, 0, NULL), MMS_EINVAL);
    ck_assert_int_eq(mms_blocks_new(&bad, (mms_hash_algorithm)9, 10, NULL), MMS_EINVAL);
    ck_assert_ptr_null(bad);
    mms_processor_free(a);
    mms_processor_free(b);
    mms_processor_free(short_one);
    mms_processor_free(other_size);
    mms_processor_free(other_algorithm);
    mms_processor_free(hash);
    free(data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blocks");
    TCase *tc = tcase_create("manifests");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, any_cut_gives_the_digest_of_every_block);
    tcase_add_test(tc, small_and_empty_inputs);
    tcase_add_test(tc, each_scan_has_its_own_manifest);
    tcase_add_test(tc, differences_are_ranges_of_blocks);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
