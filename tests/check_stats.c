/*
 * check_stats.c - the stats processor against values computed here, byte
 * by byte and in other ways (sorting line lengths, decoding code points),
 * for every way the engine can cut the input; the progress reports; and
 * several processors in one pass.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the reference ---- */

/*
 * Whether p[0 .. len) is valid UTF-8, by decoding every code point and
 * checking it against the ranges that its length may encode.
 */
static bool reference_utf8(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        unsigned n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                                 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (n == 9 || i + n >= len)
            return false; /* not a lead byte, or a character cut short */
        uint32_t cp = n == 0 ? c : c & (0x3f >> n);
        for (unsigned k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        static const uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
        if (cp < smallest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* What the stats of p[0 .. len) must be, computed naively. */
typedef struct reference {
    mms_stats stats;
    uint64_t *lengths; /* every line length, sorted */
} reference;

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t nearest_rank(const reference *r, unsigned percent)
{
    uint64_t n = r->stats.line_length.count;
    if (n == 0)
        return 0;
    uint64_t rank = (percent * n + 99) / 100; /* ceil(percent / 100 * n) */
    return r->lengths[(rank ? rank : 1) - 1];
}

static reference reference_of(const unsigned char *p, size_t len)
{
    reference r;
    memset(&r, 0, sizeof r);
    mms_stats *s = &r.stats;
    r.lengths = malloc((len + 1) * sizeof *r.lengths);
    uint64_t count = 0, line = 0, sum = 0;
    bool in_word = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = p[i];
        s->histogram[b]++;
        s->nul += b == 0;
        s->cr += b == '\r';
        s->crlf += b == '\r' && i + 1 < len && p[i + 1] == '\n';
        s->non_ascii += b >= 0x80;
        s->non_printable += b < 0x20 ? !(b >= '\t' && b <= '\r') : b == 0x7f;
        if (b == ' ' || (b >= '\t' && b <= '\r')) {
            in_word = false;
        } else if (b > ' ' && b < 0x7f) {
            s->words += !in_word;
            in_word = true;
        }
        if (b == '\n') {
            s->lines++;
            r.lengths[count++] = line;
            sum += line;
            line = 0;
        } else {
            line++;
        }
    }
    if (line > 0) {
        r.lengths[count++] = line;
        sum += line;
    }
    s->bytes = len;
    qsort(r.lengths, count, sizeof *r.lengths, compare_u64);
    s->line_length.count = count;
    if (count) {
        s->line_length.min = r.lengths[0];
        s->line_length.max = r.lengths[count - 1];
        s->line_length.mean = (double)sum / (double)count;
    }
    s->line_length.p50 = nearest_rank(&r, 50);
    s->line_length.p90 = nearest_rank(&r, 90);
    s->line_length.p99 = nearest_rank(&r, 99);
    double h = 0;
    for (int b = 0; b < 256; b++)
        if (s->histogram[b]) {
            double q = (double)s->histogram[b] / (double)len;
            h -= q * log2(q);
        }
    s->entropy = h;
    s->utf8_valid = reference_utf8(p, len);
    s->verdict = s->nul || !s->utf8_valid ? MMS_STATS_BINARY
                 : s->non_ascii           ? MMS_STATS_UTF8
                                          : MMS_STATS_TEXT;
    return r;
}

static void assert_stats_equal(const mms_stats *got, const mms_stats *want, const char *what)
{
    ck_assert_msg(got->bytes == want->bytes, "%s: bytes", what);
    ck_assert_msg(got->lines == want->lines, "%s: lines %llu, want %llu", what,
                  (unsigned long long)got->lines, (unsigned long long)want->lines);
    ck_assert_msg(got->words == want->words, "%s: words", what);
    ck_assert_msg(memcmp(got->histogram, want->histogram, sizeof got->histogram) == 0,
                  "%s: histogram", what);
    ck_assert_msg(fabs(got->entropy - want->entropy) < 1e-9, "%s: entropy %g, want %g", what,
                  got->entropy, want->entropy);
    ck_assert_msg(got->nul == want->nul && got->cr == want->cr && got->crlf == want->crlf &&
                      got->non_ascii == want->non_ascii &&
                      got->non_printable == want->non_printable,
                  "%s: nul/cr/crlf/non-ascii/non-printable %llu/%llu/%llu/%llu/%llu", what,
                  (unsigned long long)got->nul, (unsigned long long)got->cr,
                  (unsigned long long)got->crlf, (unsigned long long)got->non_ascii,
                  (unsigned long long)got->non_printable);
    const mms_line_stats *g = &got->line_length, *w = &want->line_length;
    ck_assert_msg(g->count == w->count && g->min == w->min && g->max == w->max &&
                      g->p50 == w->p50 && g->p90 == w->p90 && g->p99 == w->p99,
                  "%s: lines %llu min %llu max %llu p50 %llu p90 %llu p99 %llu, want %llu %llu "
                  "%llu %llu %llu %llu",
                  what, (unsigned long long)g->count, (unsigned long long)g->min,
                  (unsigned long long)g->max, (unsigned long long)g->p50,
                  (unsigned long long)g->p90, (unsigned long long)g->p99,
                  (unsigned long long)w->count, (unsigned long long)w->min,
                  (unsigned long long)w->max, (unsigned long long)w->p50,
                  (unsigned long long)w->p90, (unsigned long long)w->p99);
    ck_assert_msg(fabs(g->mean - w->mean) < 1e-9 * (1 + w->mean), "%s: mean", what);
    ck_assert_msg(got->utf8_valid == want->utf8_valid, "%s: utf8_valid %d", what,
                  got->utf8_valid);
    ck_assert_msg(got->verdict == want->verdict, "%s: verdict %d, want %d", what,
                  got->verdict, want->verdict);
}

/* ---- scanning ---- */

static mms_engine *engine_with(uint64_t window, unsigned threads)
{
    mms_engine *engine;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, threads);
    return engine;
}

static mms_stats scan_stats(const char *path, uint64_t window, unsigned threads)
{
    mms_engine *engine = engine_with(window, threads);
    mms_processor *proc;
    ck_assert_int_eq(mms_stats_new(&proc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, path, NULL), 0);
    mms_stats stats;
    ck_assert_int_eq(mms_stats_get(proc, &stats), 0);
    mms_engine_free(engine);
    mms_processor_free(proc);
    return stats;
}

static mms_stats stats_of_bytes(const void *data, size_t len)
{
    tu_write_file("bytes", data, len);
    return scan_stats("bytes", MMS_DEFAULT_WINDOW, 1);
}

/* Text with the things that matter at seams: UTF-8 characters of every
 * length, CRLF, NUL, control bytes, long and empty lines. */
static void fill_mixed(unsigned char *p, size_t len, unsigned seed, bool valid_utf8)
{
    static const char *const pieces[] = {
        "alpha ", "beta\t", "\r\n", "\n", "\n\n", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "   ", "x", "\r", "\x1b[0m", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf",
    };
    static const char *const bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
                                      "\xe2\x82", "\xff", "\0"};
    srand(seed);
    size_t i = 0;
    while (i < len) {
        const char *piece = pieces[rand() % (sizeof pieces / sizeof pieces[0])];
        size_t n = strlen(piece);
        if (!valid_utf8 && rand() % 200 == 0) {
            piece = bad[rand() % (sizeof bad / sizeof bad[0])];
            n = piece[0] ? strlen(piece) : 1;
        }
        if (rand() % 500 == 0) { /* a long line */
            size_t run = (size_t)(rand() % 9000);
            for (size_t k = 0; k < run && i < len; k++)
                p[i++] = 'a' + (unsigned char)(k % 26);
        }
        for (size_t k = 0; k < n && i < len; k++)
            p[i++] = (unsigned char)piece[k];
    }
}

START_TEST(any_windows_and_threads_give_the_reference)
{
    tu_enter_temp_dir();
    const size_t page = mms_page_size(), len = 24 * page + 7;
    unsigned char *data = malloc(len);
    for (unsigned seed = 1; seed <= 6; seed++) {
        fill_mixed(data, len, seed, seed % 3 != 0);
        tu_write_file("data", data, len);
        reference want = reference_of(data, len);
        if (seed % 3 != 0)
            ck_assert(want.stats.utf8_valid);
        for (uint64_t window = page; window <= 4 * page; window *= 2) {
            for (unsigned threads = 1; threads <= 5; threads++) {
                mms_stats got = scan_stats("data", window, threads);
                char what[64];
                snprintf(what, sizeof what, "seed %u window %llu threads %u", seed,
                         (unsigned long long)window, threads);
                assert_stats_equal(&got, &want.stats, what);
            }
        }
        free(want.lengths);
    }
    free(data);
}
END_TEST

/* Every UTF-8 case, cut at every byte by a part seam. */
START_TEST(utf8_cases_at_every_seam)
{
    static const struct {
        const char *bytes;
        bool valid;
    } cases[] = {
        {"plain ascii", true},
        {"\xc2\x80 \xdf\xbf", true},            /* two-byte ends */
        {"\xe0\xa0\x80 \xef\xbf\xbf", true},    /* three-byte ends */
        {"\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf", true},
        {"\xed\x9f\xbf", true},                 /* U+D7FF, below the surrogates */
        {"\xee\x80\x80", true},                 /* U+E000, above them */
        {"\xc0\x80", false},                    /* overlong NUL */
        {"\xc1\xbf", false},
        {"\xe0\x9f\xbf", false},                /* overlong */
        {"\xf0\x8f\xbf\xbf", false},            /* overlong */
        {"\xed\xa0\x80", false},                /* surrogate */
        {"\xf4\x90\x80\x80", false},            /* beyond U+10FFFF */
        {"\xf5\x80\x80\x80", false},
        {"\x80", false},                        /* continuation without a lead */
        {"a\xbf", false},
        {"\xc3", false},                        /* cut short at the end */
        {"\xe2\x82", false},
        {"\xe2\x82z", false},                   /* cut short by ASCII */
        {"\xc3\xa9\xa9", false},                /* one continuation too many */
        {"\xf0\x9f\x98\x80\x80", false},
        {"\xfe\xff", false},
    };
    tu_enter_temp_dir();
    const size_t page = mms_page_size();
    unsigned char *data = malloc(4 * page);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = strlen(cases[c].bytes);
        ck_assert_msg(reference_utf8((const unsigned char *)cases[c].bytes, n) == cases[c].valid,
                      "reference, case %zu", c);
        mms_stats whole = stats_of_bytes(cases[c].bytes, n);
        ck_assert_msg(whole.utf8_valid == cases[c].valid, "case %zu", c);
        /* Put the case across the seam of two parts (a page each), at every cut. */
        for (size_t cut = 0; cut <= n; cut++) {
            memset(data, 'a', 2 * page);
            memcpy(data + page - cut, cases[c].bytes, n);
            tu_write_file("seam", data, 2 * page);
            mms_stats got = scan_stats("seam", page, 2);
            ck_assert_msg(got.utf8_valid == cases[c].valid, "case %zu cut %zu", c, cut);
        }
    }
    /* A part made only of continuation bytes, between two others. */
    memset(data, 'a', 3 * page);
    memcpy(data + page - 1, "\xf0", 1);
    memset(data + page, 0x80, 2);
    tu_write_file("parts", data, page + 1);
    ck_assert(!scan_stats("parts", page, 2).utf8_valid); /* U+10000 cut short at the end */
    memcpy(data + page - 1, "\xf0\x90\x80\x80", 4);
    tu_write_file("parts", data, 3 * page);
    ck_assert(scan_stats("parts", page, 3).utf8_valid);
    free(data);
}
END_TEST

START_TEST(known_answers)
{
    tu_enter_temp_dir();
    /* Lines of lengths 1 to 100: p50 50, p90 90, p99 99, mean 50.5. */
    size_t len = 0;
    char *text = malloc(100 * 101);
    for (int n = 1; n <= 100; n++) {
        memset(text + len, 'w', (size_t)n);
        len += (size_t)n;
        text[len++] = '\n';
    }
    mms_stats s = stats_of_bytes(text, len);
    ck_assert_uint_eq(s.lines, 100);
    ck_assert_uint_eq(s.words, 100);
    ck_assert_uint_eq(s.line_length.min, 1);
    ck_assert_uint_eq(s.line_length.max, 100);
    ck_assert_uint_eq(s.line_length.p50, 50);
    ck_assert_uint_eq(s.line_length.p90, 90);
    ck_assert_uint_eq(s.line_length.p99, 99);
    ck_assert(s.line_length.mean == 50.5);
    ck_assert(fabs(s.entropy - (-(5050.0 / 5150) * log2(5050.0 / 5150) -
                                (100.0 / 5150) * log2(100.0 / 5150))) < 1e-12);
    ck_assert_int_eq(s.verdict, MMS_STATS_TEXT);
    free(text);

    s = stats_of_bytes("", 0);
    ck_assert_uint_eq(s.bytes, 0);
    ck_assert_uint_eq(s.line_length.count, 0);
    ck_assert(s.entropy == 0);
    ck_assert_int_eq(s.verdict, MMS_STATS_TEXT);

    /* Every byte value once: 8 bits of entropy. */
    unsigned char all[256];
    for (int b = 0; b < 256; b++)
        all[b] = (unsigned char)b;
    s = stats_of_bytes(all, sizeof all);
    ck_assert(fabs(s.entropy - 8) < 1e-12);
    ck_assert_uint_eq(s.nul, 1);
    ck_assert_uint_eq(s.non_ascii, 128);
    ck_assert_uint_eq(s.non_printable, 9 + 18 + 1);
    ck_assert_int_eq(s.verdict, MMS_STATS_BINARY);

    s = stats_of_bytes("caf\xc3\xa9\r\n\r\r\nno newline", 20);
    ck_assert_uint_eq(s.lines, 2);
    ck_assert_uint_eq(s.cr, 3);
    ck_assert_uint_eq(s.crlf, 2);
    ck_assert_uint_eq(s.line_length.count, 3);
    ck_assert_uint_eq(s.line_length.max, 10);
    ck_assert_uint_eq(s.line_length.min, 2); /* "\r\r" */
    ck_assert_int_eq(s.verdict, MMS_STATS_UTF8);
    ck_assert_str_eq(mms_stats_verdict_name(s.verdict), "utf-8");
}
END_TEST

/* Lines longer than the exact range: percentiles at most 1/128 below. */
START_TEST(long_lines_within_the_documented_precision)
{
    tu_enter_temp_dir();
    static const uint64_t lengths[] = {70000, 100000, 150001, 200003, 300007, 65536, 65535, 5};
    size_t n = sizeof lengths / sizeof lengths[0], len = 0;
    for (size_t i = 0; i < n; i++)
        len += lengths[i] + 1;
    unsigned char *data = malloc(len);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        memset(data + at, 'z', lengths[i]);
        at += lengths[i];
        data[at++] = '\n';
    }
    tu_write_file("long", data, len);
    reference want = reference_of(data, len);
    mms_engine *engine = engine_with(mms_page_size(), 3);
    mms_processor *proc;
    ck_assert_int_eq(mms_stats_new(&proc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "long", NULL), 0);
    for (unsigned percent = 0; percent <= 100; percent++) {
        uint64_t got;
        ck_assert_int_eq(mms_stats_line_percentile(proc, percent, &got), 0);
        uint64_t truth = percent ? nearest_rank(&want, percent) : want.lengths[0];
        ck_assert_msg(got <= truth && got >= truth - truth / 128, "p%u: %llu, want %llu", percent,
                      (unsigned long long)got, (unsigned long long)truth);
        if (truth < 65536)
            ck_assert_uint_eq(got, truth);
    }
    mms_stats s;
    ck_assert_int_eq(mms_stats_get(proc, &s), 0);
    ck_assert_uint_eq(s.line_length.max, 300007);
    ck_assert_uint_eq(s.line_length.min, 5);
    uint64_t p;
    ck_assert_int_eq(mms_stats_line_percentile(proc, 101, &p), MMS_EINVAL);
    ck_assert_int_eq(mms_stats_line_percentile(NULL, 50, &p), MMS_EINVAL);
    ck_assert_int_eq(mms_stats_get(NULL, &s), MMS_EINVAL);
    mms_engine_free(engine);
    mms_processor_free(proc);
    free(want.lengths);
    free(data);
}
END_TEST

START_TEST(several_scans_add_up_as_separate_inputs)
{
    tu_enter_temp_dir();
    tu_write_file("a", "ab\r", 3);
    tu_write_file("b", "\ncd\xc3", 5);
    tu_write_file("c", "\xa9", 1);
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1);
    mms_processor *proc;
    ck_assert_int_eq(mms_stats_new(&proc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "a", NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "b", NULL), 0);
    mms_stats s;
    ck_assert_int_eq(mms_stats_get(proc, &s), 0);
    ck_assert_uint_eq(s.bytes, 8);
    ck_assert_uint_eq(s.crlf, 0);            /* "\r" ends a, "\n" starts b */
    ck_assert_uint_eq(s.line_length.count, 3); /* "ab\r", "", "cd\xc3" */
    ck_assert_uint_eq(s.words, 2);
    ck_assert(!s.utf8_valid);               /* b ends in the middle of a character */
    ck_assert_int_eq(mms_engine_scan_path(engine, "c", NULL), 0);
    ck_assert_int_eq(mms_stats_get(proc, &s), 0);
    ck_assert(!s.utf8_valid);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* ---- one pass for many processors, and progress reports ---- */

typedef struct progress_log {
    unsigned starts, windows, ends;
    uint64_t last_done, total;
} progress_log;

static void log_progress(void *ctx, mms_progress_event event, uint64_t done, uint64_t total)
{
    progress_log *log = ctx;
    /* One thread at a time in this test (threads = 1). */
    log->starts += event == MMS_PROGRESS_START;
    log->windows += event == MMS_PROGRESS_WINDOW;
    log->ends += event == MMS_PROGRESS_END;
    ck_assert_uint_ge(done, log->last_done * (event != MMS_PROGRESS_START));
    log->last_done = done;
    log->total = total;
}

static int count_match(void *ctx, const mms_match *m)
{
    (void)m;
    (*(uint64_t *)ctx)++;
    return 0;
}

START_TEST(stats_hash_wc_and_search_in_one_pass)
{
    tu_enter_temp_dir();
    const uint64_t window = 64 * 1024, size = 10 * window + 123;
    tu_write_pattern("data", 0, size);
    mms_engine *engine = engine_with(window, 1);
    progress_log log = {0};
    mms_engine_set_progress(engine, log_progress, &log);
    mms_processor *stats, *hash, *wc, *search;
    mms_pattern *pattern;
    const char *needle = "\x01";
    mms_search_spec spec = {.patterns = &needle, .count = 1, .syntax = MMS_SEARCH_FIXED};
    uint64_t matches = 0;
    ck_assert_int_eq(mms_pattern_new(&pattern, &spec, NULL), 0);
    ck_assert_int_eq(mms_stats_new(&stats, NULL), 0);
    ck_assert_int_eq(mms_hash_new(&hash, MMS_XXH3_64, NULL), 0);
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_search_new(&search, pattern, count_match, &matches, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, stats, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, hash, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, search, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);

    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_uint_eq(info.map_calls, 11); /* each window mapped once */
    ck_assert_uint_le(info.bytes_mapped, size + 11 * mms_page_size());
    ck_assert_uint_eq(log.starts, 1);
    ck_assert_uint_eq(log.windows, 11);
    ck_assert_uint_eq(log.ends, 1);
    ck_assert_uint_eq(log.last_done, size);
    ck_assert_uint_eq(log.total, size);

    /* The same results as each processor alone. */
    unsigned char *data = malloc(size);
    for (uint64_t i = 0; i < size; i++)
        data[i] = tu_byte_at(i);
    reference want = reference_of(data, size);
    mms_stats got;
    ck_assert_int_eq(mms_stats_get(stats, &got), 0);
    assert_stats_equal(&got, &want.stats, "together");
    mms_wc_counts counts;
    ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
    ck_assert_uint_eq(counts.lines, want.stats.lines);
    ck_assert_uint_eq(counts.words, want.stats.words);
    ck_assert_uint_eq(matches, want.stats.histogram[1]);
    mms_hash_digest together, alone;
    ck_assert_int_eq(mms_hash_get_digest(hash, &together), 0);
    mms_engine_clear(engine);
    mms_engine_set_progress(engine, NULL, NULL);
    mms_processor *hash_alone;
    ck_assert_int_eq(mms_hash_new(&hash_alone, MMS_XXH3_64, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, hash_alone, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    ck_assert_int_eq(mms_hash_get_digest(hash_alone, &alone), 0);
    ck_assert_mem_eq(together.bytes, alone.bytes, together.size);
    ck_assert_uint_eq(log.windows, 11); /* no reports once the callback is gone */

    free(want.lengths);
    free(data);
    mms_engine_free(engine);
    mms_processor_free(stats);
    mms_processor_free(hash);
    mms_processor_free(hash_alone);
    mms_processor_free(wc);
    mms_processor_free(search);
    mms_pattern_free(pattern);
}
END_TEST

/* Progress on several threads and on a stream: the sum of the windows. */
typedef struct progress_sum {
    atomic_uint_least64_t windows;
    uint64_t end_done, end_total;
} progress_sum;

static void sum_progress(void *ctx, mms_progress_event event, uint64_t done, uint64_t total)
{
    progress_sum *sum = ctx;
    if (event == MMS_PROGRESS_WINDOW)
        atomic_fetch_add(&sum->windows, 1);
    if (event == MMS_PROGRESS_END) {
        sum->end_done = done;
        sum->end_total = total;
    }
}

START_TEST(progress_on_threads_and_streams)
{
    tu_enter_temp_dir();
    const uint64_t window = 64 * 1024, size = 7 * window + 5;
    tu_write_pattern("data", 0, size);
    mms_engine *engine = engine_with(window, 3);
    progress_sum sum = {0};
    mms_engine_set_progress(engine, sum_progress, &sum);
    mms_processor *stats;
    ck_assert_int_eq(mms_stats_new(&stats, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, stats, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_uint_eq(info.parts, 3);
    ck_assert_uint_ge(info.chunks, 8);
    ck_assert_uint_eq(atomic_load(&sum.windows), info.chunks);
    ck_assert_uint_eq(sum.end_done, size);
    ck_assert_uint_eq(sum.end_total, size);

    int fd = open("data", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    int pipe_fds[2];
    ck_assert_int_eq(pipe(pipe_fds), 0);
    if (fork() == 0) {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            if (write(pipe_fds[1], buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    close(pipe_fds[1]);
    ck_assert_int_eq(mms_engine_scan_fd(engine, pipe_fds[0], NULL), 0);
    ck_assert_uint_eq(sum.end_done, size);
    ck_assert_uint_eq(sum.end_total, 0); /* a pipe's size is not known */
    close(pipe_fds[0]);
    close(fd);
    mms_engine_free(engine);
    mms_processor_free(stats);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, any_windows_and_threads_give_the_reference);
    tcase_add_test(tc, utf8_cases_at_every_seam);
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, long_lines_within_the_documented_precision);
    tcase_add_test(tc, several_scans_add_up_as_separate_inputs);
    tcase_add_test(tc, stats_hash_wc_and_search_in_one_pass);
    tcase_add_test(tc, progress_on_threads_and_streams);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
