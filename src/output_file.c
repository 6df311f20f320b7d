/*
 * output_file.c - the output writer: writable shared maps of a regular file
 * (writable_window.c), or write() from a buffer for everything else.
 *
 * A mapped output has at most three windows mapped at once: the one being
 * written, the next one, which a helper thread faults in meanwhile
 * (allocating and zeroing the new pages of the file costs about as much as
 * decoding into them), and the one written before it, which the helper
 * unmaps.  When the writer reaches the next window first (the pages came
 * slowly), it faults the rest of it in itself, from the end, rather than
 * wait for the helper.
 */
#include "config.h"
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* The buffer of a streamed output. */
#define STREAM_BUFFER ((size_t)1 << 20)

/* Bytes of a window faulted in at a time. */
#define POPULATE_SLICE ((size_t)256 << 10)

/* Fills err for a failed system call on the output; offset: where, if known. */
static int output_error(mms_error *err, int sys_errno, uint64_t offset)
{
    int rc = mms_error_set(err, MMS_EIO, sys_errno, "cannot write the output: %s",
                           strerror(sys_errno));
    if (err)
        err->offset = offset;
    return rc;
}

int mms_output_open(mms_output *out, int fd, bool map, uint64_t window, mms_error *err)
{
    *out = (mms_output){.fd = fd};
    struct stat st;
    if (fstat(fd, &st) < 0)
        return output_error(err, errno, UINT64_MAX);
    /* A shared writable map needs a descriptor open for reading and writing;
     * O_APPEND writes must stay at the end whatever the position. */
    int flags = fcntl(fd, F_GETFL);
    bool mappable = S_ISREG(st.st_mode) && flags >= 0 && (flags & O_ACCMODE) == O_RDWR &&
                    !(flags & O_APPEND);
    off_t pos = mappable ? lseek(fd, 0, SEEK_CUR) : -1;
    if (map && pos >= 0) {
        size_t page = mms_page_size();
        out->mapped = true;
        out->window = window < page ? page : (window + page - 1) / page * page;
        out->pos = (uint64_t)pos;
        out->file_size = out->initial_size = (uint64_t)st.st_size;
        mms_helper_start(&out->helper);
        return 0;
    }
    out->buf_size = STREAM_BUFFER;
    out->buf = malloc(out->buf_size);
    if (!out->buf)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for an output buffer");
    return 0;
}

/* Extends the file to size bytes unless it is that long already. */
static int extend_file(mms_output *out, uint64_t size, mms_error *err)
{
    if (size <= out->file_size)
        return 0;
    if (size > (uint64_t)INT64_MAX)
        return output_error(err, EFBIG, out->pos);
    if (ftruncate(out->fd, (off_t)size) < 0)
        return output_error(err, errno, size);
    out->file_size = size;
    return 0;
}

int mms_output_reserve(mms_output *out, uint64_t bytes, mms_error *err)
{
    if (!out->mapped)
        return 0;
    out->grows = false; /* the size of what follows is known again */
    if (out->pos + bytes < out->pos)
        return output_error(err, EFBIG, out->pos);
    return extend_file(out, out->pos + bytes, err);
}

/* Writes the buffer of a streamed output. */
static int flush_buffer(mms_output *out, mms_error *err)
{
    size_t done = 0;
    while (done < out->buf_used) {
        ssize_t n = write(out->fd, out->buf + done, out->buf_used - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return output_error(err, errno, out->pos - (out->buf_used - done));
        done += (size_t)n;
    }
    out->buf_used = 0;
    return 0;
}

/* Ends the helper and unmaps every window.  No msync: the pages are the
 * file's page cache, they stay dirty after munmap and reach the disk with
 * the rest of the file (or an fsync). */
static void unmap_all(mms_output *out)
{
    mms_helper_stop(&out->helper);
    mms_writable_unmap(&out->map);
    mms_writable_unmap(&out->next);
    mms_writable_unmap(&out->done);
}

/* Maps the window that holds offset as out->next, not faulted in yet: from
 * its page to a window further or to the end of the file, whichever comes
 * first. */
static int map_next(mms_output *out, uint64_t offset, mms_error *err)
{
    uint64_t begin = offset - offset % mms_page_size();
    uint64_t end = out->file_size - begin < out->window ? out->file_size : begin + out->window;
    mms_error why;
    if (mms_writable_map(&out->next, out->fd, begin, (size_t)(end - begin), &why) < 0)
        return output_error(err, why.sys_errno, begin);
    /* Past the size the file had, the window is holes about to be written:
     * no read-ahead, which would only zero-fill more holes around each
     * fault (on ext4 that made decompressing to a new file up to twice as
     * slow). */
    if (begin >= out->initial_size)
        madvise(out->next.data, out->next.len, MADV_RANDOM);
    out->slices_claimed = 0;
    return 0;
}

/*
 * Faults in the slices of out->next that nobody has claimed yet, from its
 * start (the helper) or from its end (the writer, when it reaches the
 * window before the helper is done with it): each slice is claimed once,
 * so that the two threads meet without overlapping.
 */
static void fault_in_next(mms_output *out, bool from_start)
{
    const mms_writable_window *m = &out->next;
    size_t slices = (m->len + POPULATE_SLICE - 1) / POPULATE_SLICE;
    for (size_t mine = 0; atomic_fetch_add(&out->slices_claimed, 1) < slices; mine++) {
        size_t begin = (from_start ? mine : slices - 1 - mine) * POPULATE_SLICE;
        size_t len = m->len - begin < POPULATE_SLICE ? m->len - begin : POPULATE_SLICE;
        /* Fault the slice in for writing with one call instead of one
         * fault per page as the producer reaches it; on kernels before
         * 5.14 the pages just fault in on first write. */
        madvise(m->data + begin, len, MADV_POPULATE_WRITE);
    }
}

/* The helper's job: unmap the window written last, fault the next one in. */
static void fault_in_ahead(void *arg)
{
    mms_output *out = arg;
    mms_writable_unmap(&out->done);
    if (out->next.data)
        fault_in_next(out, true);
}

/*
 * Moves on to the window that holds out->pos, the end of the current one
 * (the one mapped ahead, if any), and maps the window after it for the
 * helper to fault in.  The file is extended on this thread, never by the
 * helper, and before any map reaches past its end.
 */
static int next_window(mms_output *out, mms_error *err)
{
    if (out->next.data)
        fault_in_next(out, false);
    mms_helper_wait(&out->helper);
    out->done = out->map;
    out->map = (mms_writable_window){0};
    int rc = 0;
    if (out->pos >= out->file_size) {
        /* The writes outran the reserved size (content of unknown size):
         * from now on the file grows a window ahead of them. */
        out->grows = true;
        rc = extend_file(out, out->pos + out->window, err);
    }
    if (rc == 0 && !out->next.data) {
        rc = map_next(out, out->pos, err);
        if (rc == 0)
            fault_in_next(out, false);
    }
    if (rc < 0)
        return rc;
    out->map = out->next;
    out->next = (mms_writable_window){0};
    uint64_t end = out->map.offset + out->map.len;
    if (out->grows)
        rc = extend_file(out, end + out->window, err);
    if (rc == 0 && end < out->file_size)
        rc = map_next(out, end, err);
    mms_helper_run(&out->helper, fault_in_ahead, out);
    return rc;
}

int mms_output_room(mms_output *out, unsigned char **data, size_t *len, mms_error *err)
{
    if (!out->mapped) {
        if (out->buf_used == out->buf_size) {
            int rc = flush_buffer(out, err);
            if (rc < 0)
                return rc;
        }
        *data = out->buf + out->buf_used;
        *len = out->buf_size - out->buf_used;
        return 0;
    }
    if (!out->map.data || out->pos >= out->map.offset + out->map.len) {
        int rc = next_window(out, err);
        if (rc < 0)
            return rc;
    }
    size_t skip = (size_t)(out->pos - out->map.offset);
    *data = out->map.data + skip;
    *len = out->map.len - skip;
    return 0;
}

void mms_output_advance(mms_output *out, size_t n)
{
    out->pos += n;
    if (!out->mapped)
        out->buf_used += n;
}

int mms_output_finish(mms_output *out, mms_error *err)
{
    int rc = 0;
    if (!out->mapped) {
        rc = flush_buffer(out, err);
    } else {
        unmap_all(out);
        uint64_t end = out->pos > out->initial_size ? out->pos : out->initial_size;
        if (out->file_size > end && ftruncate(out->fd, (off_t)end) < 0)
            rc = output_error(err, errno, end);
        else if (lseek(out->fd, (off_t)out->pos, SEEK_SET) < 0)
            rc = output_error(err, errno, out->pos);
    }
    mms_output_release(out);
    return rc;
}

void mms_output_release(mms_output *out)
{
    unmap_all(out);
    free(out->buf);
    out->buf = NULL;
    out->buf_used = 0;
}
