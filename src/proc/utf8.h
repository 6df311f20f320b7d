/*
 * utf8.h - UTF-8 validation of an input that may be cut into parts that
 * are validated on different threads (private to the stats processor).
 */
#ifndef MMSCAN_UTF8_H
#define MMSCAN_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The validation of one contiguous part of the input.  A part may begin in
 * the middle of a character: its leading continuation bytes (at most 3 can
 * be valid) are kept aside until the part before it is known.
 */
typedef struct utf8_part {
    bool valid;           /* nothing invalid seen so far */
    bool started;         /* a byte other than a continuation byte was seen */
    unsigned char head[3]; /* the leading continuation bytes */
    unsigned head_len;
    unsigned need;        /* continuation bytes the last character still needs */
    unsigned char lo, hi; /* the range of the next continuation byte */
} utf8_part;

/* A part that has seen no byte yet. */
void utf8_part_init(utf8_part *part);

/* Validates the next bytes of the part. */
void utf8_part_feed(utf8_part *part, const unsigned char *data, size_t len);

/* Same, for bytes known to be ASCII (faster: they are not read). */
void utf8_part_feed_ascii(utf8_part *part);

/* Folds part, which covers the input right after self, into self. */
void utf8_part_merge(utf8_part *self, const utf8_part *part);

/* Whether the part, taken as the whole input, is valid UTF-8. */
bool utf8_part_complete(const utf8_part *part);

#endif
