/*
 * check_hash.c - the hash processor against known answers written by the
 * real xxhsum (data/xxhash-vectors.txt), for every algorithm, for sizes
 * around the thresholds of the algorithms, with every way of cutting the
 * input into windows.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const mms_hash_algorithm algorithms[] = {MMS_XXH32, MMS_XXH64, MMS_XXH128, MMS_XXH3_64};
#define NALGORITHMS (sizeof algorithms / sizeof algorithms[0])

/* One line of the vectors file: an input and its digests in hexadecimal. */
typedef struct vector {
    char input[32]; /* a size of the test pattern, or "abc" */
    char hex[NALGORITHMS][MMS_HASH_HEX_SIZE];
} vector;

static size_t load_vectors(vector *out, size_t max)
{
    FILE *f = fopen(DATA_DIR "/xxhash-vectors.txt", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        ck_assert_uint_lt(n, max);
        vector *v = &out[n++];
        ck_assert_int_eq(sscanf(line, "%31s %32s %32s %32s %32s", v->input, v->hex[0], v->hex[1],
                                v->hex[2], v->hex[3]),
                         5);
    }
    fclose(f);
    return n;
}

/* Writes the input of a vector to path. */
static void write_input(const vector *v, const char *path)
{
    if (strcmp(v->input, "abc") == 0) {
        tu_write_file(path, "abc", 3);
    } else {
        tu_write_file(path, "", 0);
        tu_write_pattern(path, 0, strtoull(v->input, NULL, 10));
    }
}

static void hash_path(const char *path, mms_hash_algorithm algorithm, uint64_t window,
                      mms_advice advice, unsigned threads, char hex[MMS_HASH_HEX_SIZE])
{
    mms_engine *engine;
    mms_processor *proc;
    mms_error err;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, threads);
    mms_engine_set_advice(engine, advice);
    ck_assert_int_eq(mms_hash_new(&proc, algorithm, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_msg(mms_engine_scan_path(engine, path, &err) == 0, "%s: %s", path, err.message);
    mms_hash_digest digest;
    ck_assert_int_eq(mms_hash_get_digest(proc, &digest), 0);
    ck_assert_int_eq(digest.algorithm, algorithm);
    mms_hash_to_hex(&digest, false, hex);
    mms_engine_free(engine);
    mms_processor_free(proc);
}

START_TEST(known_answers_of_every_algorithm)
{
    vector vectors[64];
    size_t n = load_vectors(vectors, 64);
    ck_assert_uint_ge(n, 40);
    tu_enter_temp_dir();
    for (size_t i = 0; i < n; i++) {
        write_input(&vectors[i], "input");
        /* With two threads, XXH3 and XXH128 share windows of 4 MiB or more
         * with a helper thread (the largest vector has one). */
        for (size_t a = 0; a < NALGORITHMS; a++) {
            for (unsigned threads = 1; threads <= 2; threads++) {
                char hex[MMS_HASH_HEX_SIZE];
                hash_path("input", algorithms[a], MMS_DEFAULT_WINDOW, MMS_ADVICE_AUTO, threads, hex);
                ck_assert_msg(strcmp(hex, vectors[i].hex[a]) == 0, "%s of %s, %u threads: %s, want %s",
                              mms_hash_name(algorithms[a]), vectors[i].input, threads, hex,
                              vectors[i].hex[a]);
            }
        }
    }
}
END_TEST

/* Windows of 4K, 1M and 64M, with and without the prefetch thread, and the
 * same input read from a pipe, give the digests of the vectors. */
START_TEST(any_window_gives_the_same_digest)
{
    static const uint64_t windows[] = {4096, 1 << 20, 64 << 20};
    static const mms_advice advices[] = {MMS_ADVICE_AUTO, MMS_ADVICE_SEQUENTIAL};
    vector vectors[64];
    size_t n = load_vectors(vectors, 64);
    tu_enter_temp_dir();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(vectors[i].input, "abc") == 0 || strtoull(vectors[i].input, NULL, 10) < 4095)
            continue; /* one window whatever its size */
        write_input(&vectors[i], "input");
        for (size_t a = 0; a < NALGORITHMS; a++) {
            for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
                for (size_t d = 0; d < sizeof advices / sizeof advices[0]; d++) {
                    char hex[MMS_HASH_HEX_SIZE];
                    hash_path("input", algorithms[a], windows[w], advices[d], 0, hex);
                    ck_assert_msg(strcmp(hex, vectors[i].hex[a]) == 0,
                                  "%s of %s, window %llu: %s, want %s", mms_hash_name(algorithms[a]),
                                  vectors[i].input, (unsigned long long)windows[w], hex,
                                  vectors[i].hex[a]);
                }
            }
        }
    }
}
END_TEST

START_TEST(a_pipe_gives_the_same_digest)
{
    vector vectors[64];
    size_t n = load_vectors(vectors, 64);
    tu_enter_temp_dir();
    const vector *v = &vectors[0]; /* the largest input */
    for (size_t i = 1; i < n; i++)
        if (strtoull(vectors[i].input, NULL, 10) > strtoull(v->input, NULL, 10))
            v = &vectors[i];
    write_input(v, "input");
    for (size_t a = 0; a < NALGORITHMS; a++) {
        FILE *pipe = popen("cat input", "r");
        ck_assert_ptr_nonnull(pipe);
        mms_engine *engine;
        mms_processor *proc;
        ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
        ck_assert_int_eq(mms_engine_set_window(engine, 8192, NULL), 0);
        ck_assert_int_eq(mms_hash_new(&proc, algorithms[a], NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
        ck_assert_int_eq(mms_engine_scan_fd(engine, fileno(pipe), NULL), 0);
        mms_scan_info info;
        mms_engine_get_info(engine, &info);
        ck_assert_int_eq(info.mode, MMS_INPUT_STREAM);
        mms_hash_digest digest;
        char hex[MMS_HASH_HEX_SIZE];
        ck_assert_int_eq(mms_hash_get_digest(proc, &digest), 0);
        mms_hash_to_hex(&digest, false, hex);
        ck_assert_str_eq(hex, v->hex[a]);
        pclose(pipe);
        mms_engine_free(engine);
        mms_processor_free(proc);
    }
}
END_TEST

/* One processor, several scans: each gives the digest of its own input. */
START_TEST(each_scan_has_its_own_digest)
{
    tu_enter_temp_dir();
    tu_write_file("abc", "abc", 3);
    tu_write_file("empty", "", 0);
    tu_write_pattern("big", 0, 3 * 4096 + 5);
    mms_engine *engine;
    mms_processor *proc;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, 4096, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&proc, MMS_XXH64, NULL), 0);
    mms_hash_digest digest;
    ck_assert_int_eq(mms_hash_get_digest(proc, &digest), MMS_EINVAL); /* no scan yet */
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    static const struct {
        const char *path, *hex;
    } scans[] = {
        {"big", NULL}, {"abc", "44bc2cf5ad770999"}, {"empty", "ef46db3751d8e999"},
        {"abc", "44bc2cf5ad770999"},
    };
    char first_big[MMS_HASH_HEX_SIZE];
    for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
        char hex[MMS_HASH_HEX_SIZE];
        ck_assert_int_eq(mms_engine_scan_path(engine, scans[i].path, NULL), 0);
        ck_assert_int_eq(mms_hash_get_digest(proc, &digest), 0);
        mms_hash_to_hex(&digest, false, hex);
        if (scans[i].hex)
            ck_assert_str_eq(hex, scans[i].hex);
        else
            strcpy(first_big, hex);
    }
    char hex[MMS_HASH_HEX_SIZE];
    hash_path("big", MMS_XXH64, 4096, MMS_ADVICE_AUTO, 0, hex);
    ck_assert_str_eq(hex, first_big);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* One XXH3 or XXH128 processor, scans in a row on 2 to 4 threads in small
 * windows: each part takes the stream over from the part before it while
 * it runs, and a part never takes over what an earlier scan left (a part
 * of a later scan starts where the earlier input ended).  Every digest is
 * libxxhash's for its own input. */
START_TEST(parts_hand_the_stream_on_within_one_scan_only)
{
    static const uint64_t sizes[] = {(8 << 20) + 5, 2 << 20, (8 << 20) + 5, (1 << 20) + 100};
    static const mms_hash_algorithm splittable[] = {MMS_XXH3_64, MMS_XXH128};
    tu_enter_temp_dir();
    unsigned char *bytes = malloc(sizes[0]);
    ck_assert_ptr_nonnull(bytes);
    for (uint64_t i = 0; i < sizes[0]; i++)
        bytes[i] = tu_byte_at(i);
    for (size_t a = 0; a < 2; a++) {
        mms_processor *proc;
        ck_assert_int_eq(mms_hash_new(&proc, splittable[a], NULL), 0);
        for (unsigned threads = 2; threads <= 4; threads++) {
            for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
                tu_write_file("data", "", 0);
                tu_write_pattern("data", 0, sizes[k]);
                mms_engine *engine;
                ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
                ck_assert_int_eq(mms_engine_set_window(engine, (64 << 10) << (k % 2), NULL), 0);
                mms_engine_set_threads(engine, threads);
                ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
                ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
                mms_hash_digest digest;
                ck_assert_int_eq(mms_hash_get_digest(proc, &digest), 0);
                if (splittable[a] == MMS_XXH3_64) {
                    XXH64_canonical_t want;
                    XXH64_canonicalFromHash(&want, XXH3_64bits(bytes, sizes[k]));
                    ck_assert_mem_eq(digest.bytes, want.digest, sizeof want.digest);
                } else {
                    XXH128_canonical_t want;
                    XXH128_canonicalFromHash(&want, XXH3_128bits(bytes, sizes[k]));
                    ck_assert_mem_eq(digest.bytes, want.digest, sizeof want.digest);
                }
                mms_engine_free(engine);
            }
        }
        mms_processor_free(proc);
    }
    free(bytes);
}
END_TEST

/* Truncates the file to cut_at after the first window. */
typedef struct cutter {
    int fd;
    uint64_t cut_at;
    atomic_bool cut; /* parts on two threads report progress */
} cutter;

static void cut_after_first_window(void *ctx, mms_progress_event event, uint64_t done,
                                   uint64_t total)
{
    (void)total;
    cutter *c = ctx;
    if (event == MMS_PROGRESS_WINDOW && done > 0 && !atomic_exchange(&c->cut, true))
        ck_assert_int_eq(ftruncate(c->fd, (off_t)c->cut_at), 0);
}

/* A file cut short while XXH3 hashes it in parts on two threads: the
 * SIGBUS may come on either thread (the first part adds its stripes, a
 * later one sums its blocks), and is an error, not a crash.  The same
 * processor then hashes an intact file correctly. */
START_TEST(a_file_cut_short_under_a_shared_hash_is_an_error)
{
    tu_enter_temp_dir();
    const uint64_t window = 8 << 20;
    static const uint64_t cuts[] = {(8 << 20) + 4096, 12 << 20, (16 << 20) - 4096};
    mms_processor *proc;
    ck_assert_int_eq(mms_hash_new(&proc, MMS_XXH3_64, NULL), 0);
    for (size_t k = 0; k < 3 * sizeof cuts / sizeof cuts[0]; k++) {
        tu_write_file("data", "", 0);
        tu_write_pattern("data", 0, 8 * window);
        cutter c = {.fd = open("data", O_RDWR), .cut_at = cuts[k % 3]};
        ck_assert_int_ge(c.fd, 0);
        mms_engine *engine;
        ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
        ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
        mms_engine_set_threads(engine, 2);
        mms_engine_set_progress(engine, cut_after_first_window, &c);
        ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
        mms_error err;
        ck_assert_int_eq(mms_engine_scan_path(engine, "data", &err), MMS_ETRUNCATED);
        ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
        close(c.fd);
        mms_engine_free(engine);
    }
    /* the same processor, an intact file */
    const uint64_t size = 3 * window + 5;
    tu_write_file("data", "", 0);
    tu_write_pattern("data", 0, size);
    unsigned char *bytes = malloc(size);
    for (uint64_t i = 0; i < size; i++)
        bytes[i] = tu_byte_at(i);
    mms_engine *engine;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, 2);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    mms_hash_digest digest;
    ck_assert_int_eq(mms_hash_get_digest(proc, &digest), 0);
    XXH64_canonical_t want;
    XXH64_canonicalFromHash(&want, XXH3_64bits(bytes, size));
    ck_assert_mem_eq(digest.bytes, want.digest, sizeof want.digest);
    free(bytes);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

START_TEST(names_hex_and_bad_arguments)
{
    ck_assert_str_eq(mms_hash_name(MMS_XXH32), "XXH32");
    ck_assert_str_eq(mms_hash_name(MMS_XXH64), "XXH64");
    ck_assert_str_eq(mms_hash_name(MMS_XXH128), "XXH128");
    ck_assert_str_eq(mms_hash_name(MMS_XXH3_64), "XXH3");
    ck_assert_ptr_null(mms_hash_name((mms_hash_algorithm)7));

    mms_hash_digest d = {.algorithm = MMS_XXH32, .size = 4, .bytes = {0x01, 0xab, 0x00, 0xff}};
    char hex[MMS_HASH_HEX_SIZE];
    mms_hash_to_hex(&d, false, hex);
    ck_assert_str_eq(hex, "01ab00ff");
    mms_hash_to_hex(&d, true, hex);
    ck_assert_str_eq(hex, "ff00ab01");

    mms_processor *proc = NULL;
    mms_error err;
    ck_assert_int_eq(mms_hash_new(&proc, (mms_hash_algorithm)4, &err), MMS_EINVAL);
    ck_assert_ptr_null(proc);
    ck_assert_int_eq(mms_wc_new(&proc, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_hash_get_digest(proc, &d), MMS_EINVAL); /* not a hash processor */
    ck_assert_int_eq(mms_hash_get_digest(NULL, &d), MMS_EINVAL);
    mms_processor_free(proc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("digests");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, known_answers_of_every_algorithm);
    tcase_add_test(tc, any_window_gives_the_same_digest);
    tcase_add_test(tc, a_pipe_gives_the_same_digest);
    tcase_add_test(tc, each_scan_has_its_own_digest);
    tcase_add_test(tc, parts_hand_the_stream_on_within_one_scan_only);
    tcase_add_test(tc, names_hex_and_bad_arguments);
    tcase_add_test(tc, a_file_cut_short_under_a_shared_hash_is_an_error);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
