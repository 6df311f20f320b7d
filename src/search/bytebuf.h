/*
 * bytebuf.h - a growable array of bytes (private).
 */
#ifndef MMSCAN_SEARCH_BYTEBUF_H
#define MMSCAN_SEARCH_BYTEBUF_H

#include <stddef.h>

typedef struct bytebuf {
    unsigned char *data; /* NULL until the first append */
    size_t len, cap;
} bytebuf;

/* Appends len bytes.  Returns 0, or -1 when out of memory (buf unchanged). */
int bytebuf_append(bytebuf *buf, const void *bytes, size_t len);

/* Appends a NUL-terminated string. */
int bytebuf_puts(bytebuf *buf, const char *text);

/* Frees the bytes; buf is then empty. */
void bytebuf_release(bytebuf *buf);

#endif
