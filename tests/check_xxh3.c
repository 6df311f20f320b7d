/*
 * check_xxh3.c - the project's XXH3 and XXH128 streams against libxxhash's
 * one-call hashes: every length up to past two blocks, cut every way, and
 * long inputs shared with a helper thread from every kind of start.
 */
#include "config.h"
#include "internal.h"
#include "proc/xxh3_stream.h"
#include "testutil.h"

#include <stdlib.h>

/* Data of no pattern that a bug could hide in. */
static unsigned char *random_bytes(size_t len)
{
    unsigned char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (unsigned char)(x >> 24);
    }
    return p;
}

/* Hashes data fed in pieces of the given lengths (the last piece takes
 * what is left) and checks both digests against libxxhash. */
static void check_cut(const unsigned char *data, size_t len, const size_t *pieces, size_t npieces,
                      xxh3_share *share)
{
    xxh3_stream s;
    xxh3_reset(&s);
    size_t at = 0;
    for (size_t i = 0; i < npieces && at < len; i++) {
        size_t take = pieces[i] < len - at ? pieces[i] : len - at;
        ck_assert_int_eq(xxh3_update(&s, data + at, take, share, NULL), 0);
        at += take;
    }
    ck_assert_int_eq(xxh3_update(&s, data + at, len - at, share, NULL), 0);
    ck_assert_msg(xxh3_digest64(&s) == XXH3_64bits(data, len), "XXH3 of %zu bytes, first cut %zu",
                  len, npieces ? pieces[0] : len);
    XXH128_hash_t want = XXH3_128bits(data, len), got = xxh3_digest128(&s);
    ck_assert_msg(got.low64 == want.low64 && got.high64 == want.high64,
                  "XXH128 of %zu bytes, first cut %zu", len, npieces ? pieces[0] : len);
}

START_TEST(every_length_cut_every_way)
{
    const size_t most = 2 * 1024 + 300; /* past two blocks and the buffer */
    unsigned char *data = random_bytes(most);
    for (size_t len = 0; len <= most; len++) {
        check_cut(data, len, NULL, 0, NULL);
        /* two pieces, cut at every stripe edge and one byte either side */
        for (size_t cut = 1; cut < len; cut += cut % 64 == 1 ? 62 : 1)
            check_cut(data, len, (size_t[]){cut}, 1, NULL);
        /* pieces of 1, 63, 64, 65, 255, 256 and 257 bytes */
        static const size_t steps[] = {1, 63, 64, 65, 255, 256, 257};
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
            size_t pieces[4096];
            for (size_t i = 0; i < 4096; i++)
                pieces[i] = steps[k];
            check_cut(data, len, pieces, len / steps[k] + 1, NULL);
        }
    }
    free(data);
}
END_TEST

/* Long pieces shared with a helper: one round and a bit, rounds and a
 * partial piece, starting at a block edge, inside a block and inside the
 * buffer. */
START_TEST(a_helper_gives_the_same_digests)
{
    static const size_t lengths[] = {(1 << 20) + 1, (5 << 20) + 3, (33 << 20) + 1000,
                                     (70 << 20) + 63};
    static const size_t leads[] = {0, 1, 100, 1024, 5000, 300000};
    unsigned char *data = random_bytes((70 << 20) + 63);
    xxh3_share share;
    ck_assert(xxh3_share_start(&share));
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (size_t k = 0; k < sizeof leads / sizeof leads[0]; k++) {
            check_cut(data, lengths[l], (size_t[]){leads[k]}, 1, &share);
            check_cut(data, lengths[l], (size_t[]){leads[k], lengths[l] / 2}, 2, &share);
        }
    xxh3_share_stop(&share);
    free(data);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("xxh3");
    TCase *tc = tcase_create("xxh3");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_helper_gives_the_same_digests);
    tcase_add_test(tc, every_length_cut_every_way);
    suite_add_tcase(suite, tc);
    return tu_run_suite(suite);
}
