/*
 * stream.c - reading an input that cannot be mapped (pipes, terminals,
 * character devices, /proc files) into a buffer, and handing it out as the
 * same windows the mapped walk makes: processors cannot tell the difference.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first size of the buffer: it doubles as the input fills it, up to
 * one window plus the overlap, so that a short input (an empty file, a
 * small pipe) never takes a large window's memory. */
#define FIRST_CAPACITY ((size_t)1 << 20)

typedef struct stream_buffer {
    unsigned char *data;
    size_t capacity, limit;
} stream_buffer;

/* Doubles b (at most to b->limit), keeping its first used bytes. */
static int grow(stream_buffer *b, size_t used, mms_error *err)
{
    size_t capacity = b->limit - b->capacity < b->capacity ? b->limit : 2 * b->capacity;
    unsigned char *data;
    if (posix_memalign((void **)&data, mms_page_size(), capacity) != 0)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM,
                             "out of memory for a %zu-byte buffer (one window of a stream)",
                             capacity);
    memcpy(data, b->data, used);
    free(b->data);
    b->data = data;
    b->capacity = capacity;
    return 0;
}

/* Reads into b from b->data[kept] until want bytes arrived or the input
 * ended, growing b as they come: the bytes read (*got), or an error. */
static int read_window(int fd, stream_buffer *b, size_t kept, size_t want, size_t *got,
                       mms_error *err)
{
    *got = 0;
    while (*got < want) {
        if (kept + *got == b->capacity) {
            int rc = grow(b, kept + *got, err);
            if (rc < 0)
                return rc;
        }
        size_t room = b->capacity - kept - *got;
        ssize_t n = read(fd, b->data + kept + *got, want - *got < room ? want - *got : room);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return mms_error_sys(err, MMS_EIO, errno);
        }
        *got += (size_t)n;
    }
    return 0;
}

int mms_walk_stream(int fd, uint64_t window, size_t overlap, mms_window_fn fn, void *ctx,
                    mms_walk_counters *counters, mms_error *err)
{
    stream_buffer buf = {.limit = overlap + (size_t)window};
    if (buf.limit < overlap)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a window of %" PRIu64
                             " bytes plus %zu", window, overlap);
    buf.capacity = buf.limit < FIRST_CAPACITY ? buf.limit : FIRST_CAPACITY;
    if (posix_memalign((void **)&buf.data, mms_page_size(), buf.capacity) != 0)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a %zu-byte buffer",
                             buf.capacity);

    uint64_t consumed = 0; /* input bytes before buf.data[kept] */
    size_t kept = 0;       /* bytes carried over from the previous window */
    int rc = 0;
    for (;;) {
        size_t got;
        rc = read_window(fd, &buf, kept, (size_t)window, &got, err);
        if (rc < 0) {
            err->offset = consumed + got;
            break;
        }
        if (got == 0)
            break;
        mms_window win = {
            .map = NULL,
            .map_len = 0,
            .chunk = {.data = buf.data, .len = kept + got,
                      .offset = consumed - kept, .overlap = kept},
        };
        counters->chunks++;
        counters->bytes += got;
        rc = fn(ctx, &win, err);
        if (rc != 0)
            break; /* an error, or MMS_WALK_STOP */
        consumed += got;
        size_t keep = overlap < win.chunk.len ? overlap : win.chunk.len;
        memmove(buf.data, buf.data + win.chunk.len - keep, keep);
        kept = keep;
        if (got < window)
            break;
    }
    free(buf.data);
    return rc < 0 ? rc : 0;
}
