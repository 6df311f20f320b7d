/*
 * literal.h - finding one string of bytes with vector instructions (private).
 */
#ifndef MMSCAN_SEARCH_LITERAL_H
#define MMSCAN_SEARCH_LITERAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A needle ready for searching.  Two of its bytes, the rarest in ordinary
 * text, are probed at once 32 positions at a time; only positions where
 * both agree are compared in full.
 */
typedef struct lit_needle {
    unsigned char *bytes; /* lower-cased when caseless */
    size_t len;           /* at least 1 */
    bool caseless;        /* ASCII letters match either case */
    size_t probe[2];      /* offsets in the needle of the probed bytes, the rarer first */
} lit_needle;

/* Prepares a needle of len >= 1 bytes.  Returns 0, or -1 when out of memory. */
int lit_init(lit_needle *needle, const unsigned char *bytes, size_t len, bool caseless);

void lit_release(lit_needle *needle);

/*
 * What searches learn of their input, kept from call to call by one
 * worker: whether the needle's rarest byte is rare in it.  Where it is, a
 * search looks for that byte alone first, half the loads; where it is not,
 * for both probed bytes at once.  Start it zeroed.
 */
typedef struct lit_history {
    unsigned rarest_debt; /* up RAREST_STEP_DEBT at each step that holds the
                             rarest byte, down 1 at each step without */
    unsigned both_steps;  /* steps left that test both bytes at once */
} lit_history;

/* The offset of the first occurrence of needle in hay[0 .. len), or len. */
size_t lit_find(const lit_needle *needle, lit_history *history, const unsigned char *hay,
                size_t len);

#endif
