/*
 * check_search.c - the search module: the vector literal finder against a
 * naive search, the pattern syntax translation, and the grep and search
 * processors against a reference, whatever the windows and threads.
 */
#include "config.h"
#include "internal.h"
#include "search/literal.h"
#include "search/syntax.h"
#include "testutil.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t naive_find(const unsigned char *hay, size_t len, const unsigned char *needle,
                         size_t n, bool caseless)
{
    for (size_t i = 0; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && (caseless ? tolower(hay[i + k]) == tolower(needle[k]) : hay[i + k] == needle[k]))
            k++;
        if (k == n)
            return i;
    }
    return len;
}

START_TEST(literal_finder_matches_naive_search)
{
    static const unsigned char alphabet[] = "abAB\n\0z";
    unsigned char hay[400], needle[12];
    srand(7);
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)rand() % sizeof hay, n = 1 + (size_t)rand() % 5;
        for (size_t i = 0; i < len; i++)
            hay[i] = alphabet[rand() % 7];
        for (size_t i = 0; i < n; i++)
            needle[i] = alphabet[rand() % 7];
        for (int caseless = 0; caseless < 2; caseless++) {
            lit_needle lit;
            lit_history history = {0};
            ck_assert_int_eq(lit_init(&lit, needle, n, caseless), 0);
            for (size_t start = 0; start < 4 && start <= len; start++)
                ck_assert_uint_eq(lit_find(&lit, &history, hay + start, len - start),
                                  naive_find(hay + start, len - start, needle, n, caseless));
            lit_release(&lit);
        }
    }
}
END_TEST

/* One match in filler that holds none of its bytes, at every position:
 * each lane and step of the vector search must see it, and nothing else. */
START_TEST(literal_finder_finds_a_lone_match_anywhere)
{
    static const unsigned char word[] = "qZjKvXbPyGwM";
    unsigned char hay[700];
    for (size_t n = 1; n <= sizeof word - 1; n++) {
        for (int caseless = 0; caseless < 2; caseless++) {
            lit_needle lit;
            lit_history history = {0};
            ck_assert_int_eq(lit_init(&lit, word, n, caseless), 0);
            memset(hay, '.', sizeof hay);
            ck_assert_uint_eq(lit_find(&lit, &history, hay, sizeof hay), sizeof hay);
            for (size_t at = 0; at + n <= sizeof hay; at++) {
                memset(hay, '.', sizeof hay);
                memcpy(hay + at, word, n);
                ck_assert_uint_eq(lit_find(&lit, &history, hay, sizeof hay), at);
            }
            lit_release(&lit);
        }
    }
}
END_TEST

/* Filler full of the needle's bytes, never in a match's order, so that
 * the probed bytes agree on many false candidates; one match at every
 * position, with the rarer probed byte first or last in the needle (the
 * search loads up to the further of the two). */
START_TEST(literal_finder_where_the_rarer_byte_is_common)
{
    static const struct {
        const char *needle, *filler;
    } cases[] = {
        {"xq", "qx.q x.qq"},       /* the rarer byte last */
        {"qx", "xq.x q.xx"},       /* the rarer byte first */
        {"zoo", "zo.zzoz.o"},      /* the second probe on a repeated byte */
        {"kQjx", "kQj.Qjx.kQjQ"}, /* caseless: Q and q are the same byte */
    };
    unsigned char hay[4096 + 5];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const unsigned char *needle = (const unsigned char *)cases[k].needle;
        size_t n = strlen(cases[k].needle), fill = strlen(cases[k].filler);
        for (int caseless = 0; caseless < 2; caseless++) {
            lit_needle lit;
            lit_history history = {0};
            ck_assert_int_eq(lit_init(&lit, needle, n, caseless), 0);
            for (size_t at = 0; at + n <= sizeof hay; at += 1 + at / 512) {
                for (size_t i = 0; i < sizeof hay; i++)
                    hay[i] = (unsigned char)cases[k].filler[i % fill];
                ck_assert_uint_eq(lit_find(&lit, &history, hay, sizeof hay),
                                  naive_find(hay, sizeof hay, needle, n, caseless));
                memcpy(hay + at, needle, n);
                size_t want = naive_find(hay, sizeof hay, needle, n, caseless);
                ck_assert_msg(lit_find(&lit, &history, hay, sizeof hay) == want,
                              "needle %s at %zu: found at %zu, want %zu", cases[k].needle, at,
                              lit_find(&lit, &history, hay, sizeof hay), want);
            }
            lit_release(&lit);
        }
    }
}
END_TEST

/* One history over calls whose input changes: the rarest byte of the
 * needle everywhere (the search then tests both probed bytes at once),
 * then nowhere for more than 512 KiB (it tries that byte alone again).
 * Matches before, during and after each change are all found. */
START_TEST(literal_finder_adapts_to_its_input)
{
    const size_t size = 2 << 20, busy = 64 << 10;
    unsigned char *hay = malloc(size);
    ck_assert_ptr_nonnull(hay);
    for (size_t i = 0; i < size; i++)
        hay[i] = i < busy ? "qx."[i % 3] : '.'; /* q, the rarest byte of "kq", then none */
    static const unsigned char needle[] = "kq";
    lit_needle lit;
    ck_assert_int_eq(lit_init(&lit, needle, 2, false), 0);
    lit_history history = {0};
    static const size_t matches[] = {100, 40000, 70000, 300000, 700000, 1500000, (2 << 20) - 2};
    for (int round = 0; round < 2; round++) {
        for (size_t m = 0; m < sizeof matches / sizeof matches[0]; m++) {
            size_t at = matches[m];
            unsigned char saved[2] = {hay[at], hay[at + 1]};
            memcpy(hay + at, needle, 2);
            ck_assert_uint_eq(lit_find(&lit, &history, hay, size),
                              naive_find(hay, size, needle, 2, false));
            size_t from = m ? matches[m - 1] + 1 : 0;
            ck_assert_uint_eq(from + lit_find(&lit, &history, hay + from, size - from), at);
            memcpy(hay + at, saved, 2);
        }
    }
    ck_assert_uint_eq(lit_find(&lit, &history, hay, size), size);
    lit_release(&lit);
    free(hay);
}
END_TEST

/* Haystacks that end where an unreadable page begins, at every length up
 * to a few vector steps: a load past the end is a crash, whichever of the
 * needle's probed bytes is further in. */
START_TEST(literal_finder_reads_nothing_past_the_haystack)
{
    static const char *const needles[] = {"xq", "qx", "zoo", "kQjx", "a"};
    const size_t page = (size_t)mms_page_size();
    unsigned char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(pages, MAP_FAILED);
    ck_assert_int_eq(mprotect(pages + page, page, PROT_NONE), 0);
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++) {
        const unsigned char *needle = (const unsigned char *)needles[k];
        size_t n = strlen(needles[k]);
        for (int caseless = 0; caseless < 2; caseless++) {
            lit_needle lit;
            lit_history history = {0};
            ck_assert_int_eq(lit_init(&lit, needle, n, caseless), 0);
            for (size_t len = 0; len <= 300; len++) {
                unsigned char *hay = pages + page - len;
                memset(hay, '.', len);
                ck_assert_uint_eq(lit_find(&lit, &history, hay, len), len);
                if (len >= n) {
                    memcpy(hay + len - n, needle, n); /* a match at the very end */
                    ck_assert_uint_eq(lit_find(&lit, &history, hay, len), len - n);
                }
            }
            lit_release(&lit);
        }
    }
    munmap(pages, 2 * page);
}
END_TEST

static void expect_translation(const char *pattern, mms_search_syntax syntax, const char *want)
{
    bytebuf out = {0};
    char why[100];
    ck_assert_int_eq(syntax_translate(pattern, strlen(pattern), syntax, &out, why, sizeof why), 0);
    ck_assert_int_eq((int)out.len, (int)strlen(want));
    ck_assert_mem_eq(out.data, want, out.len);
    bytebuf_release(&out);
}

START_TEST(grep_syntaxes_become_pcre)
{
    expect_translation("a\\(b\\)*c+\\{2\\}", MMS_SEARCH_BASIC, "a(b)*c\\x2b{2}");
    expect_translation("*a^b$", MMS_SEARCH_BASIC, "\\x2aa\\x5eb$");
    expect_translation("(a|b){,3}[^\\]x]", MMS_SEARCH_EXTENDED, "(a|b){0,3}[^\\x5c\\n]x\\x5d");
    expect_translation("a.b", MMS_SEARCH_FIXED, "a\\x2eb");
    expect_translation("\\<w\\d", MMS_SEARCH_EXTENDED, "\\b(?=\\w)wd");
    bytebuf out = {0};
    char why[100];
    ck_assert_int_eq(syntax_translate("a[b", 3, MMS_SEARCH_EXTENDED, &out, why, sizeof why), -1);
    ck_assert_str_eq(why, "unmatched [");
    bytebuf_release(&out);
}
END_TEST

static void expect_literal(const char *regex, const char *want, bool want_whole)
{
    bytebuf out = {0};
    bool whole;
    ck_assert_int_eq(syntax_required_literal((const unsigned char *)regex, strlen(regex), &out, &whole), 0);
    ck_assert_int_eq((int)out.len, (int)strlen(want));
    if (out.len)
        ck_assert_mem_eq(out.data, want, out.len);
    ck_assert_int_eq(whole, want_whole);
    bytebuf_release(&out);
}

START_TEST(required_literals)
{
    expect_literal("seq=1234[0-9]+$", "seq=1234", false);
    expect_literal("hello", "hello", true);
    expect_literal("ab?cdef", "cdef", false);
    expect_literal("x(ab|cd)yz+w", "yz", false);
    expect_literal("ab|cd", "", false);
    expect_literal("a\\x2eb", "a.b", true);
}
END_TEST

/* The reference: non-overlapping leftmost occurrences of a literal that no
 * line boundary splits. */
static size_t reference_offsets(const unsigned char *text, size_t len, const char *needle,
                                uint64_t *out, size_t max)
{
    size_t n = strlen(needle), count = 0;
    for (size_t i = 0; i + n <= len && count < max;) {
        if (memcmp(text + i, needle, n) == 0) {
            out[count++] = i;
            i += n;
        } else {
            i++;
        }
    }
    return count;
}

typedef struct collected {
    uint64_t offsets[4096];
    size_t count;
    atomic_bool inside; /* a callback is running: never two at once */
} collected;

static int collect(void *ctx, const mms_match *m)
{
    collected *c = ctx;
    ck_assert(!atomic_exchange(&c->inside, true));
    ck_assert_uint_lt(c->count, 4096);
    c->offsets[c->count++] = m->offset;
    atomic_store(&c->inside, false);
    return 0;
}

static mms_pattern *compile(const char *text, mms_search_syntax syntax)
{
    const char *patterns[] = {text};
    mms_search_spec spec = {.patterns = patterns, .count = 1, .syntax = syntax};
    mms_pattern *pattern = NULL;
    mms_error err;
    ck_assert_int_eq(mms_pattern_new(&pattern, &spec, &err), 0);
    return pattern;
}

START_TEST(matches_across_windows_found_once)
{
    tu_enter_temp_dir();
    size_t len = 300000;
    unsigned char *text = malloc(len);
    srand(11);
    for (size_t i = 0; i < len; i++)
        text[i] = "abcab \n"[rand() % 7];
    for (size_t at = 4096 - 3; at + 6 < len; at += 4096 * 5)
        memcpy(text + at, "needle", 6);
    tu_write_file("data", text, len);
    uint64_t want[4096];
    size_t nwant = reference_offsets(text, len, "needle", want, 4096);
    ck_assert_uint_gt(nwant, 10);
    const char *regexes[][2] = {{"needle", "fixed"}, {"ne+dle", "ere"}};
    for (int r = 0; r < 2; r++) {
        mms_pattern *pattern = compile(regexes[r][0], r ? MMS_SEARCH_EXTENDED : MMS_SEARCH_FIXED);
        for (uint64_t window = 4096; window <= 3 * 4096; window += 4096)
        for (unsigned threads = 1; threads <= 4; threads++) {
            collected *got = calloc(1, sizeof *got);
            mms_engine *engine = NULL;
            mms_processor *proc = NULL;
            mms_error err;
            ck_assert_int_eq(mms_engine_new(&engine, &err), 0);
            ck_assert_int_eq(mms_engine_set_window(engine, window, &err), 0);
            mms_engine_set_threads(engine, threads);
            ck_assert_int_eq(mms_search_new(&proc, pattern, collect, got, &err), 0);
            ck_assert_int_eq(mms_engine_add(engine, proc, &err), 0);
            ck_assert_int_eq(mms_engine_scan_path(engine, "data", &err), 0);
            ck_assert_uint_eq(got->count, nwant);
            for (size_t i = 0; i < nwant; i++)
                ck_assert_uint_eq(got->offsets[i], want[i]);
            mms_engine_free(engine);
            mms_processor_free(proc);
            free(got);
        }
        mms_pattern_free(pattern);
    }
    free(text);
}
END_TEST

/* Adds an XXH64 hash to engine: an ordered processor, so that a scan
 * with threads runs with lanes and its grep in window parts. */
static mms_processor *add_hash(mms_engine *engine)
{
    mms_processor *hash = NULL;
    ck_assert_int_eq(mms_hash_new(&hash, MMS_XXH64, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, hash, NULL), 0);
    return hash;
}

/* Counts the lines of path that match; with_hash adds an ordered hash to
 * the scan (a scan with lanes). */
static uint64_t count_lines_with(const char *path, const mms_pattern *pattern, uint64_t window,
                                 unsigned threads, bool with_hash)
{
    mms_engine *engine = NULL;
    mms_processor *proc = NULL;
    mms_error err;
    mms_grep_options options = {.output = MMS_GREP_COUNT, .max_lines = MMS_GREP_UNLIMITED};
    ck_assert_int_eq(mms_engine_new(&engine, &err), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, &err), 0);
    mms_engine_set_threads(engine, threads);
    ck_assert_int_eq(mms_grep_new(&proc, pattern, &options, NULL, NULL, &err), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, &err), 0);
    mms_processor *hash = with_hash ? add_hash(engine) : NULL;
    ck_assert_int_eq(mms_engine_scan_path(engine, path, &err), 0);
    mms_grep_result result;
    ck_assert_int_eq(mms_grep_get_result(proc, &result), 0);
    mms_engine_free(engine);
    mms_processor_free(proc);
    mms_processor_free(hash);
    return result.selected;
}

START_TEST(counts_agree_for_any_windows_and_threads)
{
    tu_enter_temp_dir();
    size_t len = 200000;
    unsigned char *text = malloc(len);
    srand(5);
    uint64_t want = 0, lines = 0;
    bool has = false;
    for (size_t i = 0; i < len; i++) {
        /* Lines of 0 to ~5000 bytes of 'y' and 'z', with an "xy" in about
         * one line in two (an 'x' is one byte in 3000). */
        int r = rand() % 3000;
        text[i] = r == 0 ? '\n' : r == 1 ? 'x' : "yz"[r % 2];
        if (i > 0 && text[i - 1] == 'x' && text[i] == 'y')
            has = true;
        if (text[i] == '\n' || i == len - 1) {
            want += has;
            lines++;
            has = false;
        }
    }
    /* Lines that match and lines that do not: counting every line, or
     * none, must fail. */
    ck_assert_uint_gt(want, 0);
    ck_assert_uint_lt(want, lines);
    tu_write_file("data", text, len);
    mms_pattern *pattern = compile("xy", MMS_SEARCH_FIXED);
    for (uint64_t window = 4096; window <= 4 * 4096; window += 4096)
        for (unsigned threads = 1; threads <= 4; threads++)
            for (int with_hash = 0; with_hash <= 1; with_hash++)
                ck_assert_uint_eq(count_lines_with("data", pattern, window, threads, with_hash),
                                  want);
    mms_pattern_free(pattern);
    free(text);
}
END_TEST

static int ignore_line(void *ctx, const mms_match *m)
{
    (void)ctx;
    (void)m;
    return 0;
}

/* A NUL byte makes an input binary when lines are reported (grep's "binary
 * file matches"); counting counts its lines like text and does not look
 * (the documented difference from GNU grep -c). */
START_TEST(binary_input_is_counted_like_text)
{
    tu_enter_temp_dir();
    static const char data[] = "xy one\nno\nxy\0two\nxy three\n";
    tu_write_file("data", data, sizeof data - 1);
    mms_pattern *pattern = compile("xy", MMS_SEARCH_FIXED);
    for (int count = 0; count <= 1; count++) {
        mms_grep_options options = {.output = count ? MMS_GREP_COUNT : MMS_GREP_LINES,
                                    .max_lines = MMS_GREP_UNLIMITED};
        mms_engine *engine = NULL;
        mms_processor *proc = NULL;
        ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
        ck_assert_int_eq(mms_grep_new(&proc, pattern, &options, count ? NULL : ignore_line, NULL,
                                      NULL),
                         0);
        ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
        ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
        mms_grep_result result;
        ck_assert_int_eq(mms_grep_get_result(proc, &result), 0);
        if (count) {
            ck_assert_uint_eq(result.selected, 3);
            ck_assert(!result.binary && !result.binary_suppressed);
        } else {
            /* as grep: the NUL is in the first buffer, so the first selected
             * line is not reported and ends the search */
            ck_assert_uint_eq(result.selected, 1);
            ck_assert(result.binary && result.binary_suppressed);
        }
        mms_engine_free(engine);
        mms_processor_free(proc);
    }
    mms_pattern_free(pattern);
}
END_TEST

START_TEST(a_long_line_is_streamed_in_bounded_memory)
{
    tu_enter_temp_dir();
    size_t len = 48u << 20;
    unsigned char *text = calloc(1, len);
    memcpy(text + len - 100, "late needle\n", 12);
    tu_write_file("data", text, len);
    free(text);
    mms_pattern *pattern = compile("ne+dle", MMS_SEARCH_EXTENDED);
    tu_reset_peak_rss();
    uint64_t before = tu_peak_rss();
    ck_assert_uint_eq(count_lines_with("data", pattern, 1 << 20, 1, false), 1);
    ck_assert_uint_lt(tu_peak_rss() - before, 16u << 20);
    mms_pattern_free(pattern);
}
END_TEST

/* Lines of "line N needle\n" up to size bytes; returns how many. */
static uint64_t write_needle_lines(const char *path, size_t size)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    uint64_t lines = 0;
    for (size_t written = 0; written < size; lines++)
        written += (size_t)fprintf(f, "line %llu needle\n", (unsigned long long)lines);
    ck_assert_int_eq(fclose(f), 0);
    return lines;
}

typedef struct line_check {
    uint64_t lines, next_offset;
    int truncate_fd; /* >= 0: truncate it to 0 at the 1000th line */
    bool in_order;
} line_check;

static int check_line(void *ctx, const mms_match *m)
{
    line_check *c = ctx;
    c->in_order &= m->offset == c->next_offset && m->line_number == c->lines + 1;
    c->next_offset = m->offset + m->length + 1;
    if (++c->lines == 1000 && c->truncate_fd >= 0) {
        usleep(300000); /* time for the later parts to fill what they keep and wait */
        ck_assert_int_eq(ftruncate(c->truncate_fd, 0), 0);
    }
    return 0;
}

/* Greps path for "needle" lines into check; with_hash adds an ordered
 * hash to the scan, which makes it a scan with lanes whose grep parts are
 * windows. */
static int grep_lines_of(const char *path, uint64_t window, unsigned threads, bool with_hash,
                         line_check *check, mms_error *err)
{
    mms_pattern *pattern = compile("needle", MMS_SEARCH_FIXED);
    mms_engine *engine = NULL;
    mms_processor *proc = NULL;
    mms_grep_options options = {.output = MMS_GREP_LINES, .line_numbers = true,
                                .max_lines = MMS_GREP_UNLIMITED};
    ck_assert_int_eq(mms_engine_new(&engine, err), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, err), 0);
    mms_engine_set_threads(engine, threads);
    ck_assert_int_eq(mms_grep_new(&proc, pattern, &options, check_line, check, err), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, err), 0);
    mms_processor *hash = with_hash ? add_hash(engine) : NULL;
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    uint64_t windows = ((uint64_t)st.st_size + window - 1) / window; /* lanes keep windows <= 4 MiB */
    int rc = mms_engine_scan_path(engine, path, err);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    if (with_hash) /* a part per window (with one thread, no lanes) */
        ck_assert_uint_eq(info.parts, threads > 1 ? windows : 1);
    else
        ck_assert_uint_ge(info.parts, threads);
    mms_engine_free(engine);
    mms_processor_free(proc);
    mms_processor_free(hash);
    mms_pattern_free(pattern);
    return rc;
}

/* Later parts keep at most a few MiB of lines while they wait for their
 * turn, however many lines they select. */
START_TEST(parts_keep_bounded_output_in_order)
{
    tu_enter_temp_dir();
    const size_t size = 96u << 20;
    uint64_t lines = write_needle_lines("data", size);
    mms_error err;
    struct stat st;
    ck_assert_int_eq(stat("data", &st), 0);
    for (int with_hash = 0; with_hash <= 1; with_hash++) {
        tu_reset_peak_rss();
        uint64_t before = tu_peak_rss();
        line_check check = {.truncate_fd = -1, .in_order = true};
        ck_assert_int_eq(grep_lines_of("data", 4u << 20, 2, with_hash, &check, &err), 0);
        ck_assert(check.in_order);
        ck_assert_uint_eq(check.lines, lines);
        ck_assert_uint_eq(check.next_offset, (uint64_t)st.st_size);
        /* A few 4 MiB windows, 8 MiB kept and the growth of the kept buffer. */
        ck_assert_uint_lt(tu_peak_rss() - before, 40u << 20);
    }
}
END_TEST

/* A part waiting for its turn is woken when the scan fails. */
START_TEST(a_failing_split_scan_wakes_waiting_parts)
{
    tu_enter_temp_dir();
    write_needle_lines("data", 48u << 20);
    for (unsigned threads = 2; threads <= 3; threads++) {
        for (int with_hash = 0; with_hash <= 1; with_hash++) {
            int fd = open("data", O_RDWR);
            ck_assert_int_ge(fd, 0);
            line_check check = {.truncate_fd = fd, .in_order = true};
            mms_error err;
            ck_assert_int_eq(grep_lines_of("data", 1u << 20, threads, with_hash, &check, &err),
                             MMS_ETRUNCATED);
            ck_assert(check.in_order);
            close(fd);
            write_needle_lines("data", 48u << 20);
        }
    }
}
END_TEST

START_TEST(invalid_patterns_are_refused)
{
    const char *patterns[] = {"a\\{1"};
    mms_search_spec spec = {.patterns = patterns, .count = 1, .syntax = MMS_SEARCH_BASIC};
    mms_pattern *pattern = NULL;
    mms_error err;
    ck_assert_int_eq(mms_pattern_new(&pattern, &spec, &err), MMS_EINVAL);
    ck_assert_ptr_null(pattern);
    ck_assert_ptr_nonnull(strstr(err.message, "unmatched \\{"));
    spec.flags = 1u << 9;
    ck_assert_int_eq(mms_pattern_new(&pattern, &spec, &err), MMS_EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("search");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, literal_finder_matches_naive_search);
    tcase_add_test(tc, literal_finder_finds_a_lone_match_anywhere);
    tcase_add_test(tc, literal_finder_where_the_rarer_byte_is_common);
    tcase_add_test(tc, literal_finder_reads_nothing_past_the_haystack);
    tcase_add_test(tc, literal_finder_adapts_to_its_input);
    tcase_add_test(tc, grep_syntaxes_become_pcre);
    tcase_add_test(tc, required_literals);
    tcase_add_test(tc, matches_across_windows_found_once);
    tcase_add_test(tc, counts_agree_for_any_windows_and_threads);
    tcase_add_test(tc, binary_input_is_counted_like_text);
    tcase_add_test(tc, a_long_line_is_streamed_in_bounded_memory);
    tcase_add_test(tc, parts_keep_bounded_output_in_order);
    tcase_add_test(tc, a_failing_split_scan_wakes_waiting_parts);
    tcase_add_test(tc, invalid_patterns_are_refused);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
