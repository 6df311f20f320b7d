/*
 * check_xxh3.c - the project's XXH3 and XXH128 streams against libxxhash's
 * one-call hashes: every length up to past two blocks, cut every way, and
 * inputs hashed in parts that start anywhere in a block, added in order,
 * and a stream that goes on after a part was added;
 * each also with the blocks summed beforehand, as a pass that reads them
 * for something else too sums them (the loop tests' _i: 1).
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

/* The sums of the blocks of the len bytes at data, offset bytes into the
 * input, that a summed update takes; free() *sums. */
static xxh3_summed sum_ahead(uint64_t offset, const unsigned char *data, size_t len,
                             uint64_t (**sums)[8])
{
    xxh3_summed summed = xxh3_summed_in(offset, len);
    *sums = malloc((summed.n + 1) * sizeof **sums);
    ck_assert_ptr_nonnull(*sums);
    xxh3_sum_blocks(*sums, data + summed.at, summed.n);
    summed.sums = (const uint64_t(*)[8]) * sums;
    return summed;
}

/* Adds len bytes at data to s, with their blocks summed beforehand or not. */
static void update(xxh3_stream *s, const unsigned char *data, size_t len, bool summed)
{
    if (!summed) {
        xxh3_update(s, data, len);
        return;
    }
    uint64_t(*sums)[8];
    xxh3_summed ahead = sum_ahead(s->total, data, len, &sums);
    xxh3_update_summed(s, data, len, &ahead);
    free(sums);
}

/* Adds len bytes at data, offset bytes into the input, to part p, with
 * their blocks summed beforehand or not. */
static bool part_update(xxh3_part *p, uint64_t offset, const unsigned char *data, size_t len,
                        bool summed)
{
    if (!summed)
        return xxh3_part_update(p, data, len);
    uint64_t(*sums)[8];
    xxh3_summed ahead = sum_ahead(offset, data, len, &sums);
    bool added = xxh3_part_update_summed(p, data, len, &ahead);
    free(sums);
    return added;
}

/* Checks the digests of s, which was fed data[0 .. len), against
 * libxxhash; first names the case. */
static void check_digests(const xxh3_stream *s, const unsigned char *data, size_t len, size_t first)
{
    ck_assert_msg(xxh3_digest64(s) == XXH3_64bits(data, len), "XXH3 of %zu bytes, first cut %zu",
                  len, first);
    XXH128_hash_t want = XXH3_128bits(data, len), got = xxh3_digest128(s);
    ck_assert_msg(got.low64 == want.low64 && got.high64 == want.high64,
                  "XXH128 of %zu bytes, first cut %zu", len, first);
}

/* Hashes data fed in pieces of the given lengths (the last piece takes
 * what is left) and checks both digests against libxxhash. */
static void check_cut(const unsigned char *data, size_t len, const size_t *pieces, size_t npieces,
                      bool summed)
{
    xxh3_stream s;
    xxh3_reset(&s);
    size_t at = 0;
    for (size_t i = 0; i < npieces && at < len; i++) {
        size_t take = pieces[i] < len - at ? pieces[i] : len - at;
        update(&s, data + at, take, summed);
        at += take;
    }
    update(&s, data + at, len - at, summed);
    check_digests(&s, data, len, npieces ? pieces[0] : len);
}

START_TEST(every_length_cut_every_way)
{
    const size_t most = 2 * 1024 + 300; /* past two blocks and the buffer */
    unsigned char *data = random_bytes(most);
    for (size_t len = 0; len <= most; len++) {
        check_cut(data, len, NULL, 0, _i);
        /* two pieces, cut at every stripe edge and one byte either side */
        for (size_t cut = 1; cut < len; cut += cut % 64 == 1 ? 62 : 1)
            check_cut(data, len, (size_t[]){cut}, 1, _i);
        /* pieces of 1, 63, 64, 65, 255, 256 and 257 bytes */
        static const size_t steps[] = {1, 63, 64, 65, 255, 256, 257};
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
            size_t pieces[4096];
            for (size_t i = 0; i < 4096; i++)
                pieces[i] = steps[k];
            check_cut(data, len, pieces, len / steps[k] + 1, _i);
        }
    }
    free(data);
}
END_TEST

/*
 * Hashes data[0 .. len) as a stream up to first, then as parts that each
 * start where the one before ends (of part bytes, the last takes the rest),
 * each fed in pieces of piece bytes, added to the stream in order.
 */
static void check_parts(const unsigned char *data, size_t len, size_t first, size_t part,
                        size_t piece, bool summed)
{
    xxh3_stream s;
    xxh3_reset(&s);
    update(&s, data, first, summed);
    xxh3_part p = {0};
    for (size_t at = first; at < len;) {
        size_t end = len - at > part ? at + part : len;
        xxh3_part_start(&p, at);
        for (; at < end; at += piece < end - at ? piece : end - at)
            ck_assert(part_update(&p, at, data + at, piece < end - at ? piece : end - at, summed));
        xxh3_add_part(&s, &p);
    }
    xxh3_part_release(&p);
    check_digests(&s, data, len, first);
}

/* Parts starting at a block edge, inside a block, inside the first 240
 * bytes and at 0; parts shorter than a block, of one block, of blocks and a
 * bit; fed whole, a byte at a time and in pieces that cross block edges. */
START_TEST(parts_added_in_order_give_the_same_digests)
{
    static const size_t lengths[] = {1, 200, 1024, 1025, 3000, 4096, 4097, 70000};
    static const size_t firsts[] = {0, 1, 100, 240, 256, 1023, 1024, 1500};
    static const size_t parts[] = {1, 64, 1000, 1024, 1025, 2048, 5000};
    static const size_t pieces[] = {1, 700, 1024, 100000};
    unsigned char *data = random_bytes(70000);
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++)
            for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
                for (size_t c = 0; c < sizeof pieces / sizeof pieces[0]; c++)
                    if (firsts[f] <= lengths[l] && (pieces[c] > 1 || lengths[l] < 5000))
                        check_parts(data, lengths[l], firsts[f], parts[k], pieces[c], _i);
    free(data);
}
END_TEST

/* A stream that goes on after a part was added to it, as the stream that
 * a part takes over midway does: a part's sums and head and tail, then
 * more bytes fed in pieces. */
START_TEST(a_stream_goes_on_after_an_added_part)
{
    static const size_t firsts[] = {0, 100, 1024, 1500};
    static const size_t part_lens[] = {1, 1000, 1024, 3001};
    static const size_t rests[] = {1, 64, 1023, 1024, 5000};
    unsigned char *data = random_bytes(12000);
    for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++) {
        for (size_t k = 0; k < sizeof part_lens / sizeof part_lens[0]; k++) {
            for (size_t r = 0; r < sizeof rests / sizeof rests[0]; r++) {
                size_t first = firsts[f], mid = first + part_lens[k], len = mid + rests[r];
                xxh3_stream s;
                xxh3_reset(&s);
                update(&s, data, first, _i);
                xxh3_part p = {0};
                xxh3_part_start(&p, first);
                ck_assert(part_update(&p, first, data + first, part_lens[k], _i));
                xxh3_add_part(&s, &p);
                xxh3_part_release(&p);
                for (size_t at = mid; at < len; at += 700)
                    update(&s, data + at, len - at < 700 ? len - at : 700, _i);
                check_digests(&s, data, len, first);
            }
        }
    }
    free(data);
}
END_TEST

/* A long part: its sums grow past their first allocation many times. */
START_TEST(a_long_part_gives_the_same_digests)
{
    const size_t len = (9 << 20) + 77;
    unsigned char *data = random_bytes(len);
    check_parts(data, len, 3000, len, 1 << 20, _i);
    check_parts(data, len, 0, 4 << 20, 65536, _i);
    free(data);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("xxh3");
    TCase *tc = tcase_create("xxh3");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, parts_added_in_order_give_the_same_digests, 0, 2);
    tcase_add_loop_test(tc, a_long_part_gives_the_same_digests, 0, 2);
    tcase_add_loop_test(tc, a_stream_goes_on_after_an_added_part, 0, 2);
    tcase_add_loop_test(tc, every_length_cut_every_way, 0, 2);
    suite_add_tcase(suite, tc);
    return tu_run_suite(suite);
}
