/*
 * pattern.h - compiled patterns as the search processors use them
 * (private): find the next line with a match, and the matches in a line.
 */
#ifndef MMSCAN_SEARCH_PATTERN_H
#define MMSCAN_SEARCH_PATTERN_H

#include "mmscan.h"
#include "search/regex.h"

#include <stdbool.h>
#include <stddef.h>

/* What one thread needs to search with a pattern. */
typedef struct pattern_worker pattern_worker;

pattern_worker *pattern_worker_new(const mms_pattern *pattern);
void pattern_worker_free(pattern_worker *worker);

/* What a search returns when the regular expression engine gave up on a
 * line (a limit of PCRE2's matcher); pattern_worker_gave_up() says why. */
#define PATTERN_GAVE_UP REGEX_GAVE_UP
const char *pattern_worker_gave_up(const pattern_worker *worker);

/*
 * Looks for a match in buf[from .. len): buf holds whole lines, each ending
 * in '\n', and from starts a line.  Returns 1 with *hit the offset of a
 * byte (its newline included) of the first line with a match, 0 when no
 * line has one, or PATTERN_GAVE_UP with *hit the start of the line it
 * gave up on.
 */
int pattern_find_line(pattern_worker *worker, const unsigned char *buf, size_t len, size_t from,
                      size_t *hit);

/* NULL when pattern_next_match() can run on pattern; otherwise why not. */
const char *pattern_locate_refusal(const mms_pattern *pattern);

/*
 * In one line line[0 .. len) (no newline): the leftmost match that starts
 * at or after pos and, of those, the longest: [*start, *end).  Returns 1,
 * 0 when there is none, or PATTERN_GAVE_UP.
 */
int pattern_next_match(pattern_worker *worker, const unsigned char *line, size_t len, size_t pos,
                       size_t *start, size_t *end);

/*
 * Whether one line, given in pieces (none holding a newline), matches,
 * without holding it in memory.  pattern_stream_open() returns false when
 * the patterns cannot be run that way (PCRE2 only) or for lack of memory.
 */
bool pattern_stream_open(pattern_worker *worker);
/* Whether the patterns can be run that way at all. */
bool pattern_can_stream(const pattern_worker *worker);
void pattern_stream_feed(pattern_worker *worker, const unsigned char *piece, size_t len);
bool pattern_stream_close(pattern_worker *worker);
/* Moves the line being streamed from one worker to another that has none. */
void pattern_stream_move(pattern_worker *to, pattern_worker *from);

#endif
