/*
 * stream.c - reading an input that cannot be mapped (pipes, terminals,
 * character devices, /proc files) into a buffer, and handing it out as the
 * same windows the mapped walk makes: processors cannot tell the difference.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads until want bytes arrived or the input ended; returns bytes read or -errno. */
static ssize_t read_fully(int fd, unsigned char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int mms_walk_stream(int fd, uint64_t window, size_t overlap, mms_window_fn fn, void *ctx,
                    mms_walk_counters *counters, mms_error *err)
{
    size_t capacity = overlap + (size_t)window;
    unsigned char *buf = NULL;
    if (capacity < overlap || posix_memalign((void **)&buf, mms_page_size(), capacity) != 0)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a %zu-byte buffer", capacity);

    uint64_t consumed = 0; /* input bytes before buf[kept] */
    size_t kept = 0;       /* bytes carried over from the previous window */
    int rc = 0;
    for (;;) {
        ssize_t got = read_fully(fd, buf + kept, (size_t)window);
        if (got < 0) {
            rc = mms_error_sys(err, MMS_EIO, (int)-got);
            err->offset = consumed;
            break;
        }
        if (got == 0)
            break;
        mms_window win = {
            .map = NULL,
            .map_len = 0,
            .chunk = {.data = buf, .len = kept + (size_t)got,
                      .offset = consumed - kept, .overlap = kept},
        };
        counters->chunks++;
        counters->bytes += (size_t)got;
        rc = fn(ctx, &win, err);
        if (rc != 0)
            break; /* an error, or MMS_WALK_STOP */
        consumed += (size_t)got;
        size_t keep = overlap < win.chunk.len ? overlap : win.chunk.len;
        memmove(buf, buf + win.chunk.len - keep, keep);
        kept = keep;
        if ((size_t)got < window)
            break;
    }
    free(buf);
    return rc < 0 ? rc : 0;
}
