/*
 * syntax.h - grep's pattern syntaxes turned into the one both regular
 * expression engines read (PCRE's), and the literal a pattern requires
 * (private).
 */
#ifndef MMSCAN_SEARCH_SYNTAX_H
#define MMSCAN_SEARCH_SYNTAX_H

#include "mmscan.h"
#include "search/bytebuf.h"

#include <stdbool.h>

/*
 * Appends to out the PCRE form of pattern[0 .. len) read as syntax (no
 * terminating NUL).  In it no construct matches a newline, so no match
 * spans lines.  Returns 0, or -1 with a reason in why (e.g. "unmatched [")
 * or for lack of memory (why says so).
 */
int syntax_translate(const char *pattern, size_t len, mms_search_syntax syntax, bytebuf *out,
                     char *why, size_t why_size);

/*
 * The longest run of bytes that every match of the PCRE text regex (as made
 * by syntax_translate) contains; appended to out.  *whole is set when the
 * regex is nothing but that run (no anchor, operator or class).
 */
int syntax_required_literal(const unsigned char *regex, size_t len, bytebuf *out, bool *whole);

#endif
