/*
 * regex.c - Hyperscan and PCRE2 behind one interface.
 *
 * Hyperscan (block mode) finds the first matching line in a run of lines:
 * it reports where a match ends, which is enough to know the line.  It
 * refuses back-references and look-around; then PCRE2 (with its JIT) does
 * that job.  Where a match starts and ends in a line (grep -o, offsets) is
 * always PCRE2's DFA matcher, which finds the longest of the leftmost
 * matches as POSIX asks, or its backtracking matcher for the constructs
 * the DFA matcher lacks (back-references).
 */
#include "config.h"
#include "search/regex.h"
#include "search/bytebuf.h"

#include <hs.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hyperscan takes lengths as unsigned int: longer runs are cut at lines. */
#define HS_MAX_RUN ((size_t)1 << 30)
/* Working space of PCRE2's DFA matcher, in ints (its default is 1000):
 * what a worker starts with, doubled whenever a match needs more (a set of
 * a few hundred patterns does), up to the most it may take. */
#define DFA_WORKSPACE 4096
#define DFA_WORKSPACE_MOST ((size_t)1 << 24)
/* The JIT matcher backtracks on a stack of its own, 32 KiB unless it is
 * given one: too little for a pattern such as ((a|b)*)\1 on a line of a
 * few KB.  A worker's stack starts at JIT_STACK_FIRST once the default
 * falls short and grows fourfold whenever a match needs more, up to the
 * most it may take (pages are used only as deep as a match goes). */
#define JIT_STACK_FIRST ((size_t)1 << 20)
#define JIT_STACK_MOST ((size_t)1 << 28)

struct regex_set {
    hs_database_t *hs; /* NULL when Hyperscan refused a pattern */
    size_t *word_lengths; /* NULL, or each pattern's match length: a match
                             counts where no word byte touches it (-w) */
    hs_database_t *hs_stream; /* the same, for lines given in pieces */
    pcre2_code *pcre;  /* every pattern, as one alternation; NULL when
                          PCRE2 refused the set and Hyperscan took it */
    regex_refusal pcre_refusal; /* why PCRE2 refused it */
};

struct regex_worker {
    const regex_set *set;
    hs_scratch_t *scratch;     /* for both databases */
    hs_stream_t *stream;       /* the line being given in pieces, if any */
    bool stream_matched;
    pcre2_match_data *match;
    int *dfa_workspace;
    size_t dfa_workspace_size; /* in ints */
    pcre2_match_context *match_context; /* NULL: the default JIT stack */
    pcre2_jit_stack *jit_stack;
    size_t jit_stack_size;
    char gave_up[REGEX_GAVE_UP_SIZE]; /* why the last match that failed gave up */
};

static hs_database_t *compile_hyperscan(const char *const *patterns, size_t count, bool caseless,
                                        unsigned mode)
{
    unsigned *flags = calloc(count, sizeof *flags);
    unsigned *ids = calloc(count, sizeof *ids);
    hs_database_t *db = NULL;
    hs_compile_error_t *error = NULL;
    if (flags && ids && count <= UINT_MAX) {
        for (size_t i = 0; i < count; i++) {
            /* MULTILINE: ^ and $ at every line end; ALLOWEMPTY: patterns
             * such as "" or "a*" that match the empty string. */
            flags[i] = HS_FLAG_MULTILINE | HS_FLAG_ALLOWEMPTY | (caseless ? HS_FLAG_CASELESS : 0);
            ids[i] = (unsigned)i;
        }
        if (hs_compile_multi(patterns, flags, ids, (unsigned)count, mode, NULL, &db,
                             &error) != HS_SUCCESS) {
            hs_free_compile_error(error);
            db = NULL;
        }
    }
    free(flags);
    free(ids);
    return db;
}

/* The pieces of the alternation that compile_pcre() builds around the
 * patterns, which pattern_at() measures. */
#define SET_OPEN "(?|"
#define PATTERN_OPEN(i) ((i) ? "|(?:" : "(?:")
#define PATTERN_CLOSE ")"
#define SET_CLOSE ")"

/* The index of the pattern that holds offset at of the text that
 * compile_pcre() builds, or count when at is outside every pattern. */
static size_t pattern_at(const char *const *patterns, size_t count, const char *const context[2],
                         size_t at)
{
    size_t from = strlen(context[0]) + strlen(SET_OPEN);
    for (size_t i = 0; i < count; i++) {
        from += strlen(PATTERN_OPEN(i));
        size_t to = from + strlen(patterns[i]);
        if (at >= from && at <= to)
            return i;
        from = to + strlen(PATTERN_CLOSE);
    }
    return count;
}

/* "OPEN(?|(?:p1)|(?:p2)|...)CLOSE" compiled by PCRE2; -1 with *refusal
 * filled in, or -2 (memory).  (?| numbers the groups of each pattern from
 * 1, as the pattern alone would: its back-references then mean what they
 * say. */
static int compile_pcre(pcre2_code **out, const char *const *patterns, size_t count,
                        const char *const context[2], bool caseless, regex_refusal *refusal)
{
    bytebuf text = {0};
    int rc = bytebuf_puts(&text, context[0]) | bytebuf_puts(&text, SET_OPEN);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = bytebuf_puts(&text, PATTERN_OPEN(i)) | bytebuf_puts(&text, patterns[i]) |
             bytebuf_puts(&text, PATTERN_CLOSE);
    if (rc == 0)
        rc = bytebuf_puts(&text, SET_CLOSE) | bytebuf_puts(&text, context[1]);
    if (rc < 0) {
        bytebuf_release(&text);
        return -2;
    }
    int code;
    PCRE2_SIZE at;
    *out = pcre2_compile(text.data, text.len, PCRE2_MULTILINE | (caseless ? PCRE2_CASELESS : 0),
                         &code, &at, NULL);
    bytebuf_release(&text);
    if (!*out) {
        unsigned char message[sizeof refusal->why];
        pcre2_get_error_message(code, message, sizeof message);
        snprintf(refusal->why, sizeof refusal->why, "%s", (const char *)message);
        refusal->pattern = pattern_at(patterns, count, context, at);
        return code == PCRE2_ERROR_NOMEMORY ? -2 : -1;
    }
    pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE); /* without a JIT, PCRE2 interprets */
    return 0;
}

int regex_set_new(regex_set **out, const char *const *hs_patterns,
                  const char *const *pcre_patterns, const char *const pcre_context[2],
                  const size_t *word_lengths, size_t count, bool caseless,
                  regex_refusal *refusal)
{
    regex_set *set = calloc(1, sizeof *set);
    *out = NULL;
    if (!set)
        return -2;
    if (word_lengths) {
        set->word_lengths = malloc(count * sizeof *word_lengths);
        if (!set->word_lengths) {
            free(set);
            return -2;
        }
        memcpy(set->word_lengths, word_lengths, count * sizeof *word_lengths);
    }
    int rc = compile_pcre(&set->pcre, pcre_patterns, count, pcre_context, caseless,
                          &set->pcre_refusal);
    if (rc == -2) {
        regex_set_free(set);
        return rc;
    }
    set->hs = compile_hyperscan(hs_patterns, count, caseless, HS_MODE_BLOCK);
    /* (A stream has not the bytes before a piece that the word test of
     * word_lengths needs: such a set's long lines are held whole.) */
    if (set->hs && !set->word_lengths)
        set->hs_stream = compile_hyperscan(hs_patterns, count, caseless, HS_MODE_STREAM);
    /* A set too large for PCRE2 (thousands of strings) can still select
     * lines through Hyperscan; only where its matches are has no engine. */
    if (!set->pcre && !(set->hs && (set->hs_stream || set->word_lengths))) {
        *refusal = set->pcre_refusal;
        regex_set_free(set);
        return -1;
    }
    *out = set;
    return 0;
}

void regex_set_free(regex_set *set)
{
    if (!set)
        return;
    hs_free_database(set->hs);
    hs_free_database(set->hs_stream);
    pcre2_code_free(set->pcre);
    free(set->word_lengths);
    free(set);
}

bool regex_set_uses_hyperscan(const regex_set *set)
{
    return set->hs != NULL;
}

const char *regex_set_locate_refusal(const regex_set *set)
{
    return set->pcre ? NULL : set->pcre_refusal.why;
}

regex_worker *regex_worker_new(const regex_set *set)
{
    regex_worker *worker = calloc(1, sizeof *worker);
    if (!worker)
        return NULL;
    worker->set = set;
    if (set->pcre) {
        worker->match = pcre2_match_data_create_from_pattern(set->pcre, NULL);
        worker->dfa_workspace = malloc(DFA_WORKSPACE * sizeof *worker->dfa_workspace);
        worker->dfa_workspace_size = DFA_WORKSPACE;
    }
    if ((set->pcre && (!worker->match || !worker->dfa_workspace)) ||
        (set->hs && hs_alloc_scratch(set->hs, &worker->scratch) != HS_SUCCESS) ||
        (set->hs_stream && hs_alloc_scratch(set->hs_stream, &worker->scratch) != HS_SUCCESS)) {
        regex_worker_free(worker);
        return NULL;
    }
    return worker;
}

void regex_worker_free(regex_worker *worker)
{
    if (!worker)
        return;
    if (worker->stream)
        hs_close_stream(worker->stream, worker->scratch, NULL, NULL);
    hs_free_scratch(worker->scratch);
    pcre2_match_data_free(worker->match);
    free(worker->dfa_workspace);
    pcre2_jit_stack_free(worker->jit_stack);
    pcre2_match_context_free(worker->match_context);
    free(worker);
}

const char *regex_worker_gave_up(const regex_worker *worker)
{
    return worker->gave_up;
}

/* Records why PCRE2 gave up (its error code rc); returns REGEX_GAVE_UP. */
static int give_up(regex_worker *worker, int rc)
{
    unsigned char message[sizeof worker->gave_up - sizeof "PCRE2: " + 1];
    if (pcre2_get_error_message(rc, message, sizeof message) < 0)
        snprintf((char *)message, sizeof message, "error %d", rc);
    snprintf(worker->gave_up, sizeof worker->gave_up, "PCRE2: %s", (const char *)message);
    return REGEX_GAVE_UP;
}

/* Gives the JIT matcher a stack four times as large as the one it had (or
 * the first of its own); false when it may not grow. */
static bool grow_jit_stack(regex_worker *worker)
{
    size_t size = worker->jit_stack ? 4 * worker->jit_stack_size : JIT_STACK_FIRST;
    if (size > JIT_STACK_MOST)
        return false;
    if (!worker->match_context && !(worker->match_context = pcre2_match_context_create(NULL)))
        return false;
    pcre2_jit_stack *stack = pcre2_jit_stack_create(size, size, NULL);
    if (!stack)
        return false;
    pcre2_jit_stack_assign(worker->match_context, NULL, stack);
    pcre2_jit_stack_free(worker->jit_stack);
    worker->jit_stack = stack;
    worker->jit_stack_size = size;
    return true;
}

/* The backtracking matcher from from on, its stack grown as the match
 * needs; its return code. */
static int backtrack_match(regex_worker *worker, const unsigned char *subject, size_t len,
                           size_t from)
{
    int rc;
    do
        rc = pcre2_match(worker->set->pcre, subject, len, from, 0, worker->match,
                         worker->match_context);
    while (rc == PCRE2_ERROR_JIT_STACKLIMIT && grow_jit_stack(worker));
    return rc;
}

typedef struct first_end {
    unsigned long long limit; /* ends at or past it are not in a line */
    const unsigned char *run; /* the bytes scanned, which start a line */
    const size_t *word_lengths; /* see regex_set */
    unsigned long long end;
    bool found;
} first_end;

/* A letter, digit or '_' (ASCII, whatever the locale): a word byte of -w. */
static bool is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether run[start .. end) touches no word byte (a line's ends touch none). */
static bool whole_word(const unsigned char *run, unsigned long long start, unsigned long long end,
                       unsigned long long limit)
{
    return (start == 0 || !is_word_byte(run[start - 1])) &&
           (end >= limit || !is_word_byte(run[end]));
}

static int on_hyperscan_match(unsigned int id, unsigned long long from, unsigned long long to,
                              unsigned int flags, void *ctx)
{
    (void)from, (void)flags;
    first_end *first = ctx;
    if (to >= first->limit)
        return 0;
    if (first->word_lengths &&
        !whole_word(first->run, to - first->word_lengths[id], to, first->limit))
        return 0; /* touches a word byte: go on to the next match */
    first->end = to;
    first->found = true;
    return 1; /* stop: the first line is all we want */
}

/* The end of the run of whole lines that starts at from, at most about
 * HS_MAX_RUN long (longer only for one longer line). */
static size_t run_end(const unsigned char *buf, size_t len, size_t from)
{
    if (len - from <= HS_MAX_RUN)
        return len;
    const unsigned char *nl = memrchr(buf + from, '\n', HS_MAX_RUN);
    if (!nl)
        nl = memchr(buf + from + HS_MAX_RUN, '\n', len - from - HS_MAX_RUN);
    size_t end = nl ? (size_t)(nl - buf) + 1 : len;
    return end - from > UINT_MAX ? from + UINT_MAX : end;
}

/* The backtracking matcher's first match in buf[from .. len), as
 * regex_find_line() answers. */
static int match_lines(regex_worker *worker, const unsigned char *buf, size_t len, size_t from,
                       size_t *hit)
{
    int rc = backtrack_match(worker, buf, len, from);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        *hit = from;
        return give_up(worker, rc);
    }
    *hit = pcre2_get_ovector_pointer(worker->match)[0];
    return *hit < len;
}

int regex_find_line(regex_worker *worker, const unsigned char *buf, size_t len, size_t from,
                    size_t *hit)
{
    if (worker->set->hs) {
        while (from < len) {
            size_t end = run_end(buf, len, from);
            first_end first = {.limit = end - from, .run = buf + from,
                               .word_lengths = worker->set->word_lengths};
            hs_scan(worker->set->hs, (const char *)buf + from, (unsigned)(end - from), 0,
                    worker->scratch, on_hyperscan_match, &first);
            if (first.found) {
                *hit = from + first.end;
                return 1;
            }
            from = end;
        }
        return 0;
    }
    int rc = match_lines(worker, buf, len, from, hit);
    if (rc != REGEX_GAVE_UP)
        return rc;
    /* PCRE2 does not say where it gave up: the lines are tried one by one
     * to find the line.  (Its limits hold for each position it tries, and
     * no match spans a newline, so the lines before have no match.) */
    rc = 0;
    while (rc == 0 && from < len) {
        size_t end = (size_t)((const unsigned char *)memchr(buf + from, '\n', len - from) - buf) + 1;
        rc = match_lines(worker, buf, end, from, hit);
        from = end;
    }
    return rc;
}

/* Doubles the DFA matcher's working space; false when it may not grow. */
static bool grow_dfa_workspace(regex_worker *worker)
{
    if (worker->dfa_workspace_size >= DFA_WORKSPACE_MOST)
        return false;
    int *bigger = realloc(worker->dfa_workspace,
                          2 * worker->dfa_workspace_size * sizeof *worker->dfa_workspace);
    if (!bigger)
        return false;
    worker->dfa_workspace = bigger;
    worker->dfa_workspace_size *= 2;
    return true;
}

/* The DFA matcher's longest match at start (anchored there), or from pos
 * on when anchored is 0; its return code. */
static int dfa_match(regex_worker *worker, const unsigned char *line, size_t len, size_t from,
                     uint32_t anchored)
{
    int rc;
    do
        rc = pcre2_dfa_match(worker->set->pcre, line, len, from, anchored, worker->match, NULL,
                             worker->dfa_workspace, worker->dfa_workspace_size);
    while (rc == PCRE2_ERROR_DFA_WSSIZE && grow_dfa_workspace(worker));
    return rc;
}

int regex_next_match(regex_worker *worker, const unsigned char *line, size_t len, size_t pos,
                     size_t *start, size_t *end)
{
    /* The leftmost start comes from the backtracking matcher (JIT compiled,
     * and skipping the positions where no pattern can start); then the DFA
     * matcher finds the longest match there, anchored at it.  Unanchored,
     * the DFA matcher would try every pattern at every position, slow for
     * a large set.  Where the backtracking matcher gives up (its match
     * limit), the DFA matcher searches on its own. */
    int rc = backtrack_match(worker, line, len, pos);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(worker->match);
    int backtrack_rc = rc;
    bool found = rc >= 0;
    size_t leftmost_start = found ? ovector[0] : pos, leftmost_end = found ? ovector[1] : pos;
    rc = dfa_match(worker, line, len, leftmost_start, found ? PCRE2_ANCHORED : 0);
    if (rc >= 0) {
        *start = ovector[0];
        *end = ovector[1];
        return 1;
    }
    if (found) {
        /* What the DFA matcher lacks (a back-reference), or the most
         * working space not enough: the backtracking matcher's match,
         * leftmost-first. */
        *start = leftmost_start;
        *end = leftmost_end;
        return 1;
    }
    /* The DFA matcher, when it runs the set at all, knows there is none. */
    return rc == PCRE2_ERROR_NOMATCH ? 0 : give_up(worker, backtrack_rc);
}

static int on_stream_match(unsigned int id, unsigned long long from, unsigned long long to,
                           unsigned int flags, void *ctx)
{
    (void)id, (void)from, (void)to, (void)flags;
    *(bool *)ctx = true;
    return 1; /* one match decides the line; the stream ignores the rest */
}

bool regex_can_stream(const regex_worker *worker)
{
    return worker->set->hs_stream != NULL;
}

bool regex_stream_open(regex_worker *worker)
{
    worker->stream_matched = false;
    return worker->set->hs_stream &&
           hs_open_stream(worker->set->hs_stream, 0, &worker->stream) == HS_SUCCESS;
}

void regex_stream_feed(regex_worker *worker, const unsigned char *piece, size_t len)
{
    while (len > 0 && !worker->stream_matched) {
        unsigned n = len > HS_MAX_RUN ? (unsigned)HS_MAX_RUN : (unsigned)len;
        hs_scan_stream(worker->stream, (const char *)piece, n, 0, worker->scratch,
                       on_stream_match, &worker->stream_matched);
        piece += n;
        len -= n;
    }
}

bool regex_stream_close(regex_worker *worker)
{
    /* Closing reports the matches that need the end of the line ($). */
    hs_close_stream(worker->stream, worker->scratch, on_stream_match, &worker->stream_matched);
    worker->stream = NULL;
    return worker->stream_matched;
}

void regex_stream_move(regex_worker *to, regex_worker *from)
{
    /* A stream is not tied to a scratch: any scratch of the set runs it. */
    to->stream = from->stream;
    to->stream_matched = from->stream_matched;
    from->stream = NULL;
}
