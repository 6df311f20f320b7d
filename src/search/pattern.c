/*
 * pattern.c - compiling a search and choosing how to run it.
 *
 * Every pattern becomes PCRE syntax (syntax.c), with -w and -x written as
 * context around it, and is compiled by regex.c.  When a single pattern
 * requires a literal of a few bytes, lines are found by searching for that
 * literal with vector instructions (literal.c) and confirmed by the regular
 * expression engine; when the literal is the whole pattern, no confirming
 * is needed at all.
 */
#include "config.h"
#include "internal.h"
#include "search/bytebuf.h"
#include "search/literal.h"
#include "search/pattern.h"
#include "search/regex.h"
#include "search/syntax.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A required literal shorter than this finds too many candidate lines to be
 * worth it when Hyperscan can scan for the whole pattern. */
#define MIN_USEFUL_LITERAL 3

struct mms_pattern {
    regex_set *regex;
    lit_needle literal; /* literal.len == 0: none */
    bool literal_is_pattern; /* a line matches exactly when it holds literal */
};

struct pattern_worker {
    const mms_pattern *pattern;
    regex_worker *regex;
    lit_history literal_history; /* what this worker's searches learnt of the input */
};

/* The engines that read a pattern's text. */
enum { FOR_HYPERSCAN, FOR_PCRE };

/* The context that -w puts around a pattern, for each engine: Hyperscan
 * has no look-around, but it only has to tell which lines match. */
static const char *const word_context[2][2] = {
    [FOR_HYPERSCAN] = {"(?:^|[^[:alnum:]_\\n])(?:", ")(?:[^[:alnum:]_\\n]|$)"},
    [FOR_PCRE] = {"(?<![[:alnum:]_])(?:", ")(?![[:alnum:]_])"},
};

/* What -w or -x puts around a pattern for engine, in *open and *close. */
static void context_of(const mms_search_spec *spec, int engine, const char **open,
                       const char **close)
{
    *open = "(?:", *close = ")";
    if (spec->flags & MMS_SEARCH_LINE)
        *open = "^(?:", *close = ")$";
    else if (spec->flags & MMS_SEARCH_WORD)
        *open = word_context[engine][0], *close = word_context[engine][1];
}

/* The byte length of each pattern of spec, in *out, when -w is tested on
 * each of Hyperscan's matches (see regex_set_new()) instead of written
 * around each pattern: strings, none of them empty (an empty match has no
 * place a callback could test).  Otherwise *out is NULL.  -1: no memory. */
static int word_lengths_of(const mms_search_spec *spec, size_t **out)
{
    *out = NULL;
    if ((spec->flags & (MMS_SEARCH_WORD | MMS_SEARCH_LINE)) != MMS_SEARCH_WORD ||
        spec->syntax != MMS_SEARCH_FIXED)
        return 0;
    size_t *lengths = malloc(spec->count * sizeof *lengths);
    if (!lengths)
        return -1;
    for (size_t i = 0; i < spec->count; i++) {
        lengths[i] = spec->lengths ? spec->lengths[i] : strlen(spec->patterns[i]);
        if (lengths[i] == 0) {
            free(lengths);
            return 0;
        }
    }
    *out = lengths;
    return 0;
}

/* MMS_EINVAL: pattern i of spec, quoted (its first 64 bytes), is refused
 * for why. */
static int invalid_pattern(const mms_search_spec *spec, size_t i, const char *why, mms_error *err)
{
    const char *p = spec->patterns[i];
    size_t len = spec->lengths ? spec->lengths[i] : strlen(p);
    return mms_error_set(err, MMS_EINVAL, 0, "invalid pattern '%.*s': %s",
                         (int)(len > 64 ? 64 : len), p, why);
}

/* The NUL-terminated text of pattern i of spec, between context[0] and
 * context[1]. */
static int pattern_text(const mms_search_spec *spec, size_t i, const char *const context[2],
                        bytebuf *out, mms_error *err)
{
    const char *p = spec->patterns[i];
    size_t len = spec->lengths ? spec->lengths[i] : strlen(p);
    char why[160];
    bytebuf core = {0};
    int rc = syntax_translate(p, len, spec->syntax, &core, why, sizeof why);
    if (rc == 0) {
        if (bytebuf_puts(out, context[0]) < 0 || bytebuf_append(out, core.data, core.len) < 0 ||
            bytebuf_puts(out, context[1]) < 0 || bytebuf_append(out, "", 1) < 0)
            rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    } else {
        rc = invalid_pattern(spec, i, why, err);
    }
    bytebuf_release(&core);
    return rc;
}

/* Picks the literal that lines are first searched for, if any. */
static int choose_literal(mms_pattern *pattern, const mms_search_spec *spec)
{
    if (spec->count != 1)
        return 0;
    bytebuf core = {0}, literal = {0};
    bool whole = false;
    int rc = syntax_translate(spec->patterns[0],
                              spec->lengths ? spec->lengths[0] : strlen(spec->patterns[0]),
                              spec->syntax, &core, (char[8]){0}, 8);
    if (rc == 0)
        rc = syntax_required_literal(core.data, core.len, &literal, &whole);
    bool plain = !(spec->flags & (MMS_SEARCH_WORD | MMS_SEARCH_LINE));
    bool useful = literal.len >= MIN_USEFUL_LITERAL || (literal.len > 0 && !regex_set_uses_hyperscan(pattern->regex)) ||
                  (literal.len > 0 && whole && plain);
    if (rc == 0 && useful) {
        rc = lit_init(&pattern->literal, literal.data, literal.len, spec->flags & MMS_SEARCH_CASELESS);
        pattern->literal_is_pattern = whole && plain;
    }
    bytebuf_release(&core);
    bytebuf_release(&literal);
    return rc;
}

int mms_pattern_new(mms_pattern **out, const mms_search_spec *spec, mms_error *err)
{
    *out = NULL;
    if (spec && spec->count == 0) {
        /* No pattern matches nothing: an expression with no possible match. */
        static const char *const nothing[] = {"a^"};
        mms_search_spec never = {.patterns = nothing, .count = 1, .syntax = MMS_SEARCH_EXTENDED};
        return mms_pattern_new(out, &never, err);
    }
    if (!spec || !spec->patterns || spec->syntax > MMS_SEARCH_EXTENDED ||
        (spec->flags & ~(unsigned)(MMS_SEARCH_CASELESS | MMS_SEARCH_WORD | MMS_SEARCH_LINE)))
        return mms_error_set(err, MMS_EINVAL, 0, "invalid search: no pattern, or unknown syntax or flags");
    mms_pattern *pattern = calloc(1, sizeof *pattern);
    size_t n = spec->count;
    bytebuf *texts = calloc(2 * n, sizeof *texts); /* n for Hyperscan, then n for PCRE2 */
    const char **strings = calloc(2 * n, sizeof *strings);
    size_t *word_lengths = NULL;
    int rc = pattern && texts && strings && word_lengths_of(spec, &word_lengths) == 0
                 ? 0
                 : mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    /* Hyperscan gets each pattern in the context of -w or -x (unless -w is
     * tested on its matches); PCRE2 gets them bare, and the context goes
     * around the whole set once: its DFA matcher runs each look-around of
     * each pattern as a match of its own, at every position. */
    static const char *const bare[2] = {"(?:", ")"};
    const char *hs_context[2] = {bare[0], bare[1]}, *pcre_context[2];
    if (!word_lengths)
        context_of(spec, FOR_HYPERSCAN, &hs_context[0], &hs_context[1]);
    context_of(spec, FOR_PCRE, &pcre_context[0], &pcre_context[1]);
    for (size_t i = 0; i < 2 * n && rc == 0; i++) {
        rc = pattern_text(spec, i % n, i < n ? hs_context : bare, &texts[i], err);
        strings[i] = (const char *)texts[i].data;
    }
    if (rc == 0) {
        regex_refusal refusal;
        int built = regex_set_new(&pattern->regex, strings, strings + n, pcre_context,
                                  word_lengths, n, spec->flags & MMS_SEARCH_CASELESS, &refusal);
        if (built == -1 && refusal.pattern < n)
            rc = invalid_pattern(spec, refusal.pattern, refusal.why, err);
        else if (built == -1)
            rc = mms_error_set(err, MMS_EINVAL, 0, "invalid patterns: %s", refusal.why);
        else if (built < 0)
            rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    if (rc == 0 && choose_literal(pattern, spec) < 0)
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    for (size_t i = 0; texts && i < 2 * n; i++)
        bytebuf_release(&texts[i]);
    free(texts);
    free(strings);
    free(word_lengths);
    if (rc < 0)
        mms_pattern_free(pattern);
    else
        *out = pattern;
    return rc;
}

void mms_pattern_free(mms_pattern *pattern)
{
    if (!pattern)
        return;
    regex_set_free(pattern->regex);
    lit_release(&pattern->literal);
    free(pattern);
}

pattern_worker *pattern_worker_new(const mms_pattern *pattern)
{
    pattern_worker *worker = calloc(1, sizeof *worker);
    if (!worker)
        return NULL;
    worker->pattern = pattern;
    worker->regex = regex_worker_new(pattern->regex);
    if (!worker->regex) {
        free(worker);
        return NULL;
    }
    return worker;
}

void pattern_worker_free(pattern_worker *worker)
{
    if (!worker)
        return;
    regex_worker_free(worker->regex);
    free(worker);
}

int pattern_find_line(pattern_worker *worker, const unsigned char *buf, size_t len, size_t from,
                      size_t *hit)
{
    const mms_pattern *pattern = worker->pattern;
    if (pattern->literal.len == 0)
        return regex_find_line(worker->regex, buf, len, from, hit);
    while (from < len) {
        size_t at = from + lit_find(&pattern->literal, &worker->literal_history, buf + from,
                                    len - from);
        if (at >= len)
            return 0;
        if (pattern->literal_is_pattern) {
            *hit = at;
            return 1;
        }
        /* Confirm the candidate's line with the regular expression. */
        const unsigned char *nl = memrchr(buf + from, '\n', at - from);
        size_t line_start = nl ? (size_t)(nl - buf) + 1 : from;
        nl = memchr(buf + at, '\n', len - at);
        size_t line_end = nl ? (size_t)(nl - buf) + 1 : len;
        int rc = regex_find_line(worker->regex, buf, line_end, line_start, hit);
        if (rc != 0)
            return rc;
        from = line_end;
    }
    return 0;
}

const char *pattern_worker_gave_up(const pattern_worker *worker)
{
    return regex_worker_gave_up(worker->regex);
}

const char *pattern_locate_refusal(const mms_pattern *pattern)
{
    return pattern->literal_is_pattern ? NULL : regex_set_locate_refusal(pattern->regex);
}

int pattern_next_match(pattern_worker *worker, const unsigned char *line, size_t len, size_t pos,
                       size_t *start, size_t *end)
{
    const mms_pattern *pattern = worker->pattern;
    if (pattern->literal_is_pattern) {
        size_t at = pos + lit_find(&pattern->literal, &worker->literal_history, line + pos,
                                   len - pos);
        if (at >= len)
            return 0;
        *start = at;
        *end = at + pattern->literal.len;
        return 1;
    }
    return regex_next_match(worker->regex, line, len, pos, start, end);
}

bool pattern_can_stream(const pattern_worker *worker)
{
    return regex_can_stream(worker->regex);
}

bool pattern_stream_open(pattern_worker *worker)
{
    return regex_stream_open(worker->regex);
}

void pattern_stream_feed(pattern_worker *worker, const unsigned char *piece, size_t len)
{
    regex_stream_feed(worker->regex, piece, len);
}

bool pattern_stream_close(pattern_worker *worker)
{
    return regex_stream_close(worker->regex);
}

void pattern_stream_move(pattern_worker *to, pattern_worker *from)
{
    regex_stream_move(to->regex, from->regex);
}
