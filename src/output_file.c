/*
 * output_file.c - the output writer: writable shared maps of a regular file,
 * or write() from a buffer for everything else.
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
        return 0;
    }
    out->buf_size = STREAM_BUFFER;
    out->buf = malloc(out->buf_size);
    if (!out->buf)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for an output buffer");
    return 0;
}

int mms_output_reserve(mms_output *out, uint64_t bytes, mms_error *err)
{
    if (!out->mapped || (out->file_size >= out->pos && out->file_size - out->pos >= bytes))
        return 0;
    uint64_t size = out->pos + bytes;
    if (size < out->pos || size > (uint64_t)INT64_MAX)
        return output_error(err, EFBIG, out->pos);
    if (ftruncate(out->fd, (off_t)size) < 0)
        return output_error(err, errno, size);
    out->file_size = size;
    return 0;
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

static void unmap_window(mms_output *out)
{
    /* The pages are the file's page cache: they stay dirty after munmap
     * and reach the disk with the rest of the file (or an fsync). */
    if (out->map)
        munmap(out->map, out->map_len);
    out->map = NULL;
}

/* Maps the window that holds out->pos, extending the file if pos is its end. */
static int map_next_window(mms_output *out, mms_error *err)
{
    unmap_window(out);
    if (out->pos >= out->file_size) {
        int rc = mms_output_reserve(out, out->window, err);
        if (rc < 0)
            return rc;
    }
    uint64_t offset = out->pos - out->pos % mms_page_size();
    uint64_t end = out->file_size - offset < out->window ? out->file_size : offset + out->window;
    size_t len = (size_t)(end - offset);
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, out->fd, (off_t)offset);
    if (map == MAP_FAILED)
        return output_error(err, errno, offset);
    /* Fault every page in for writing with one call instead of one fault
     * per page as the producer reaches it; on kernels before 5.14 the pages
     * just fault in on first write. */
    madvise(map, len, MADV_POPULATE_WRITE);
    out->map = map;
    out->map_offset = offset;
    out->map_len = len;
    return 0;
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
    if (!out->map || out->pos >= out->map_offset + out->map_len) {
        int rc = map_next_window(out, err);
        if (rc < 0)
            return rc;
    }
    size_t skip = (size_t)(out->pos - out->map_offset);
    *data = out->map + skip;
    *len = out->map_len - skip;
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
        unmap_window(out);
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
    unmap_window(out);
    free(out->buf);
    out->buf = NULL;
    out->buf_used = 0;
}
