/*
 * regex.h - the two regular expression engines behind one small interface
 * (private): Hyperscan when it accepts every pattern, PCRE2 with its JIT
 * otherwise, and PCRE2 always for finding where matches start and end.
 */
#ifndef MMSCAN_SEARCH_REGEX_H
#define MMSCAN_SEARCH_REGEX_H

#include <stdbool.h>
#include <stddef.h>

/* Patterns in PCRE syntax (see syntax.h), compiled for lines. */
typedef struct regex_set regex_set;
/* What one thread needs to run a regex_set (scratch and match space). */
typedef struct regex_worker regex_worker;

/* Why PCRE2 refused a set of patterns. */
typedef struct regex_refusal {
    char why[160];  /* PCRE2's message */
    size_t pattern; /* the index of the pattern refused, or count when
                       PCRE2 refused the set as a whole (too large) */
} regex_refusal;

/*
 * Compiles count NUL-terminated patterns, each written once for Hyperscan
 * and once for PCRE2 (they may differ where Hyperscan lacks look-around but
 * only has to find lines); a subject matches when any of them matches.
 * For PCRE2, the alternation of them all goes between pcre_context[0] and
 * pcre_context[1] (what -w or -x asks of every match).  word_lengths, NULL
 * or one per pattern, is -w for Hyperscan's patterns of strings: each
 * matches that many bytes, and a match counts only where no letter, digit
 * or '_' touches it (compiling thousands of strings with -w's context
 * took minutes).  ^ and $ match at line ends.  Returns 0, -1 with *refusal
 * filled in for a pattern that PCRE2 does not accept, or -2 when out of
 * memory.
 */
int regex_set_new(regex_set **out, const char *const *hs_patterns,
                  const char *const *pcre_patterns, const char *const pcre_context[2],
                  const size_t *word_lengths, size_t count, bool caseless,
                  regex_refusal *refusal);
void regex_set_free(regex_set *set);

/* Whether Hyperscan runs the set (otherwise PCRE2 does). */
bool regex_set_uses_hyperscan(const regex_set *set);

/* NULL when regex_next_match() can run on the set; otherwise why not (PCRE2
 * refused the set, too large, and Hyperscan only selects lines). */
const char *regex_set_locate_refusal(const regex_set *set);

regex_worker *regex_worker_new(const regex_set *set);
void regex_worker_free(regex_worker *worker);

/* What a search returns when PCRE2 gave up on a line (a limit of its
 * matcher: backtracking, depth, stack or memory): the line may or may
 * not match.  regex_worker_gave_up() then says why, in a few words. */
#define REGEX_GAVE_UP (-1)
/* Room for what regex_worker_gave_up() says, its NUL included. */
#define REGEX_GAVE_UP_SIZE 128
const char *regex_worker_gave_up(const regex_worker *worker);

/*
 * Looks for a match in buf[from .. len), where buf holds whole lines, each
 * ending in '\n', and from starts a line.  Returns 1 with *hit the offset
 * of a byte (the newline included) of the first line that holds a match,
 * 0 when no line does, or REGEX_GAVE_UP with *hit the start of the line
 * it gave up on.
 */
int regex_find_line(regex_worker *worker, const unsigned char *buf, size_t len, size_t from,
                    size_t *hit);

/*
 * In one line (no newline), the leftmost match that starts at or after pos
 * and, of those that start there, the longest: [*start, *end).  Returns 1,
 * 0 when there is none, or REGEX_GAVE_UP.
 */
int regex_next_match(regex_worker *worker, const unsigned char *line, size_t len, size_t pos,
                     size_t *start, size_t *end);

/*
 * Whether one line, given in pieces, matches: Hyperscan's streaming mode
 * keeps the state between pieces, so the line is never held in memory.
 * regex_stream_open() fails (false) when PCRE2 runs the set or for lack
 * of memory.  Each piece holds no newline.
 */
bool regex_stream_open(regex_worker *worker);
/* Whether the set can be given in pieces at all (Hyperscan runs it). */
bool regex_can_stream(const regex_worker *worker);
void regex_stream_feed(regex_worker *worker, const unsigned char *piece, size_t len);
/* Ends the line; returns whether it matched. */
bool regex_stream_close(regex_worker *worker);
/* Moves the line being given in pieces from one worker (of the same set)
 * to another that has none, which goes on with it. */
void regex_stream_move(regex_worker *to, regex_worker *from);

#endif
