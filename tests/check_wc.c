/*
 * check_wc.c - the wc processor and its kernels against a byte-at-a-time
 * reference, for every byte value, every alignment, and every way the
 * engine can cut the input.
 */
#include "config.h"
#include "internal.h"
#include "proc/wc_scan.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Random bytes drawn from a mix that makes long transparent runs likely. */
static void fill_random(unsigned char *p, size_t len, unsigned seed)
{
    static const unsigned char pool[] = {' ', '\n', '\t', '\r', '\v', '\f', 'a', 'Z', '~', '!',
                                         0, 1, 0x7f, 0x80, 0xff, 0xc3};
    srand(seed);
    int mode = rand() % 3;
    for (size_t i = 0; i < len; i++) {
        if (mode == 0)
            p[i] = (unsigned char)rand();
        else if (mode == 1)
            p[i] = pool[rand() % sizeof pool];
        else /* runs */
            p[i] = (i % 97 < 60) ? pool[10 + rand() % 6] : pool[rand() % 10];
    }
}

START_TEST(kernel_matches_reference_at_every_length_and_alignment)
{
    unsigned char buf[300];
    for (unsigned seed = 1; seed <= 40; seed++) {
        fill_random(buf, sizeof buf, seed);
        for (size_t start = 0; start < 8; start++) {
            for (size_t len = 0; start + len <= sizeof buf; len += 1 + len / 16) {
                mms_wc_counts want = tu_wc_counts(buf + start, len);
                uint64_t lines = 0;
                wc_words words = {0, false};
                wc_count_lines_words(buf + start, len, &lines, &words);
                ck_assert_uint_eq(lines, want.lines);
                ck_assert_uint_eq(words.count, want.words);
                ck_assert_uint_eq(wc_count_lines(buf + start, len), want.lines);
            }
        }
    }
}
END_TEST

/* A part's first byte that is not transparent decides how it merges: after
 * a run of transparent bytes of any length (the vector search goes 32 at a
 * time), every byte value that may end the run, or none. */
START_TEST(first_class_after_transparent_runs)
{
    static const unsigned char transparent[] = {0, 1, 8, 0x0e, 0x1f, 0x7f, 0x80, 0xc3, 0xff};
    unsigned char buf[160];
    for (size_t t = 0; t < sizeof transparent; t++) {
        for (size_t run = 0; run < 100; run++) {
            memset(buf, transparent[t], sizeof buf);
            ck_assert_int_eq(wc_first_class(buf, run), WC_TRANSPARENT);
            for (unsigned next = 0; next < 256; next++) {
                buf[run] = (unsigned char)next;
                buf[run + 1] = 'a'; /* a later byte must not decide */
                ck_assert_int_eq(wc_first_class(buf, run + 2),
                                 wc_class_of((unsigned char)next) == WC_TRANSPARENT
                                     ? WC_PRINT : wc_class_of((unsigned char)next));
            }
        }
    }
}
END_TEST

/* Long inputs where every byte or most are newlines: the vector kernels
 * count newlines in byte counters, which must be summed before any passes
 * 255, however dense the newlines. */
START_TEST(dense_newlines_in_long_inputs)
{
    const size_t most = 200000;
    unsigned char *buf = malloc(most);
    ck_assert_ptr_nonnull(buf);
    static const size_t lengths[] = {8063, 8064, 8065, 8127, 8128, 8129, 16261, 100000, 200000};
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < most; i++)
            buf[i] = kind == 0 ? '\n' : kind == 1 ? "a\n"[i % 2] : (i % 7 ? '\n' : 'x');
        for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
            mms_wc_counts want = tu_wc_counts(buf, lengths[k]);
            uint64_t lines = 0;
            wc_words words = {0, false};
            wc_count_lines_words(buf, lengths[k], &lines, &words);
            ck_assert_msg(lines == want.lines, "kind %d, %zu bytes: %llu lines, want %llu", kind,
                          lengths[k], (unsigned long long)lines, (unsigned long long)want.lines);
            ck_assert_uint_eq(words.count, want.words);
            ck_assert_uint_eq(wc_count_lines(buf, lengths[k]), want.lines);
        }
    }
    free(buf);
}
END_TEST

START_TEST(every_byte_value_between_letters)
{
    for (int b = 0; b < 256; b++) {
        unsigned char text[3] = {'a', (unsigned char)b, 'a'};
        uint64_t lines = 0;
        wc_words words = {0, false};
        wc_count_lines_words(text, 3, &lines, &words);
        bool separates = b == ' ' || (b >= '\t' && b <= '\r');
        ck_assert_uint_eq(words.count, separates ? 2 : 1);
        ck_assert_uint_eq(lines, b == '\n');
    }
}
END_TEST

/* Text: words of 1 to 40 letters between runs of white space, so that
 * words and white space cross block and run edges. */
static void fill_text(unsigned char *p, size_t len, unsigned seed)
{
    static const char space[] = " \n\t\r\v\f";
    srand(seed);
    for (size_t i = 0; i < len;) {
        for (int n = 1 + rand() % 40; n > 0 && i < len; n--)
            p[i++] = (unsigned char)('!' + rand() % ('~' - '!' + 1));
        for (int n = 1 + rand() % 3; n > 0 && i < len; n--)
            p[i++] = (unsigned char)space[rand() % (sizeof space - 1)];
    }
}

/* Counts data in two calls cut at cut, and checks the counts. */
static void check_in_two_calls(const unsigned char *data, size_t len, size_t cut)
{
    mms_wc_counts want = tu_wc_counts(data, len);
    uint64_t lines = 0;
    wc_words words = {0, false};
    wc_count_lines_words(data, cut, &lines, &words);
    wc_count_lines_words(data + cut, len - cut, &lines, &words);
    ck_assert_msg(lines == want.lines && words.count == want.words,
                  "%zu bytes cut at %zu: %llu lines %llu words, want %llu %llu", len, cut,
                  (unsigned long long)lines, (unsigned long long)words.count,
                  (unsigned long long)want.lines, (unsigned long long)want.words);
}

/* Text with no transparent byte is counted from its printable bytes
 * alone; one transparent byte anywhere (here inside a word, where it joins
 * two halves into one word) has the run counted again the exact way. */
START_TEST(text_and_one_transparent_byte_anywhere)
{
    static const unsigned char transparent[] = {0, 1, 8, 0x0e, 0x1f, 0x7f, 0x80, 0xc3, 0xff};
    const size_t len = 3 * 127 * 64 + 37; /* three runs of the vector kernel and a partial block */
    unsigned char *text = malloc(len), *data = malloc(len);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(data);
    for (unsigned seed = 1; seed <= 3; seed++) {
        fill_text(text, len, seed);
        for (size_t cut = 0; cut <= len; cut += 1 + cut / 8)
            check_in_two_calls(text, len, cut);
        for (size_t at = 1, k = 0; at + 1 < len; at += 1 + at % 61, k++) {
            memcpy(data, text, len);
            data[at - 1] = data[at + 1] = 'x';
            data[at] = transparent[k % sizeof transparent];
            check_in_two_calls(data, len, 0);
            check_in_two_calls(data, len, at);
            check_in_two_calls(data, len, at + 1);
            check_in_two_calls(data, len, (at + len) / 2);
        }
    }
    free(text);
    free(data);
}
END_TEST

static mms_wc_counts scan_counts(const char *path, uint64_t window, unsigned threads, unsigned what)
{
    mms_engine *engine;
    mms_processor *wc;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, threads);
    ck_assert_int_eq(mms_wc_new(&wc, what, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, path, NULL), 0);
    mms_wc_counts counts;
    ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
    mms_engine_free(engine);
    mms_processor_free(wc);
    return counts;
}

/* Cut the same input into parts every possible way: seams in words, in
 * transparent runs, in white space. */
START_TEST(any_windows_and_threads_give_the_same_counts)
{
    tu_enter_temp_dir();
    const size_t page = mms_page_size(), len = 16 * page + 11;
    unsigned char *data = malloc(len);
    for (unsigned seed = 1; seed <= 6; seed++) {
        fill_random(data, len, seed);
        /* Words and transparent runs across every page edge. */
        for (size_t edge = page; edge < len; edge += page)
            memcpy(data + edge - 3, seed % 2 ? "ab\x01\x01\x80" "c" : "\x01\x01\x01xyz", 6);
        tu_write_file("data", data, len);
        mms_wc_counts want = tu_wc_counts(data, len);
        for (uint64_t window = page; window <= 4 * page; window *= 2) {
            for (unsigned threads = 1; threads <= 5; threads++) {
                mms_wc_counts got = scan_counts("data", window, threads, MMS_WC_ALL);
                ck_assert_msg(got.lines == want.lines && got.words == want.words &&
                                  got.bytes == want.bytes,
                              "seed %u window %llu threads %u: %llu %llu %llu, want %llu %llu %llu",
                              seed, (unsigned long long)window, threads,
                              (unsigned long long)got.lines, (unsigned long long)got.words,
                              (unsigned long long)got.bytes, (unsigned long long)want.lines,
                              (unsigned long long)want.words, (unsigned long long)want.bytes);
                mms_wc_counts lines_only = scan_counts("data", window, threads, MMS_WC_LINES);
                ck_assert_uint_eq(lines_only.lines, want.lines);
                ck_assert_uint_eq(lines_only.words, 0);
            }
        }
    }
    free(data);
}
END_TEST

START_TEST(known_answers)
{
    static const struct {
        const char *text;
        uint64_t lines, words;
    } cases[] = {
        {"", 0, 0},           {"a", 0, 1},         {"hello world\n", 1, 2}, {"\x01", 0, 0},
        {" \x80" "a", 0, 1},  {"a\x80 b", 0, 2},   {"\n\n\n", 3, 0},        {"x\ty\vz\fw\rq", 0, 5},
        {"a\x01" "b", 0, 1},  {"\x01\x02 \x03", 0, 0},
    };
    tu_enter_temp_dir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_write_file("t", cases[i].text, strlen(cases[i].text));
        mms_wc_counts c = scan_counts("t", MMS_DEFAULT_WINDOW, 1, MMS_WC_ALL);
        ck_assert_msg(c.lines == cases[i].lines && c.words == cases[i].words,
                      "case %zu: %llu lines %llu words", i, (unsigned long long)c.lines,
                      (unsigned long long)c.words);
        ck_assert_uint_eq(c.bytes, strlen(cases[i].text));
    }
}
END_TEST

START_TEST(counts_of_several_scans_add_up)
{
    tu_enter_temp_dir();
    tu_write_file("a", "one two", 7);
    tu_write_file("b", "three\n", 6);
    mms_engine *engine;
    mms_processor *wc;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "a", NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "b", NULL), 0);
    mms_wc_counts c;
    ck_assert_int_eq(mms_wc_get_counts(wc, &c), 0);
    ck_assert_uint_eq(c.words, 3);
    ck_assert_uint_eq(c.lines, 1);
    ck_assert_uint_eq(c.bytes, 13);
    ck_assert_int_eq(mms_wc_get_counts(NULL, &c), MMS_EINVAL);
    mms_processor *none;
    ck_assert_int_eq(mms_wc_new(&none, 0, NULL), MMS_EINVAL);
    ck_assert_int_eq(mms_wc_new(&none, 1u << 9, NULL), MMS_EINVAL);
    mms_engine_free(engine);
    mms_processor_free(wc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wc");
    TCase *tc = tcase_create("counts");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, kernel_matches_reference_at_every_length_and_alignment);
    tcase_add_test(tc, every_byte_value_between_letters);
    tcase_add_test(tc, dense_newlines_in_long_inputs);
    tcase_add_test(tc, first_class_after_transparent_runs);
    tcase_add_test(tc, text_and_one_transparent_byte_anywhere);
    tcase_add_test(tc, any_windows_and_threads_give_the_same_counts);
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, counts_of_several_scans_add_up);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
