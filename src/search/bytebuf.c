/* bytebuf.c - a growable array of bytes. */
#include "config.h"
#include "search/bytebuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int bytebuf_append(bytebuf *buf, const void *bytes, size_t len)
{
    if (len > buf->cap - buf->len) {
        size_t cap = buf->cap ? buf->cap : 256;
        while (cap - buf->len < len) {
            if (cap > SIZE_MAX / 2)
                return -1;
            cap *= 2;
        }
        unsigned char *data = realloc(buf->data, cap);
        if (!data)
            return -1;
        buf->data = data;
        buf->cap = cap;
    }
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    return 0;
}

int bytebuf_puts(bytebuf *buf, const char *text)
{
    return bytebuf_append(buf, text, strlen(text));
}

void bytebuf_release(bytebuf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}
