/*
 * output_file.h - writing a stream of bytes to a descriptor, either through
 * writable shared maps of a regular file, one window at a time (the file
 * is extended ahead of the writes and cut to the exact length at the end;
 * a helper thread maps the next window while this one is written), or with
 * write() from a buffer.  The writer hands out room to write into
 * (so that a producer such as a decoder writes straight into the page
 * cache) instead of taking bytes to copy.  Private to the library.
 */
#ifndef MMSCAN_OUTPUT_FILE_H
#define MMSCAN_OUTPUT_FILE_H

#include "internal.h"

#include <stdatomic.h>

typedef struct mms_output {
    int fd;
    bool mapped;            /* writes go through maps; else through write() */
    uint64_t pos;           /* file offset of the next byte */
    /* mapped */
    uint64_t window;        /* bytes per map, a multiple of the page size */
    uint64_t file_size;     /* the file's size now (extended ahead of pos) */
    uint64_t initial_size;  /* its size when opened: never cut below it */
    bool grows;             /* the writes outran the reserved size: the file
                               is extended a window ahead of them */
    mms_writable_window map; /* the one written now */
    /* While "map" is written, the helper faults in "next" and unmaps
     * "done", the one written before. */
    mms_helper helper;
    mms_writable_window next;
    atomic_size_t slices_claimed; /* of next, by the helper or the writer */
    mms_writable_window done;
    /* streamed */
    unsigned char *buf;
    size_t buf_size, buf_used;
} mms_output;

/*
 * Starts writing at fd's position.  map: use maps when fd is a regular file
 * (otherwise write() is used anyway); window: bytes per map.
 */
int mms_output_open(mms_output *out, int fd, bool map, uint64_t window, mms_error *err);

/* A mapped output extends the file now so that bytes more bytes fit after
 * what is written (nothing for a streamed one). */
int mms_output_reserve(mms_output *out, uint64_t bytes, mms_error *err);

/* Room for the next bytes: *len >= 1 bytes at *data (mapping, extending
 * the file by a window, or flushing the buffer as needed). */
int mms_output_room(mms_output *out, unsigned char **data, size_t *len, mms_error *err);

/* Records that the first n bytes of the last room were written. */
void mms_output_advance(mms_output *out, size_t n);

/* Writes what is buffered, unmaps, cuts an extended file to the end of the
 * output and leaves fd's position there.  The writer is then released. */
int mms_output_finish(mms_output *out, mms_error *err);

/* Frees the map and buffer without finishing (after a failure).  Accepts a
 * writer that is released already. */
void mms_output_release(mms_output *out);

#endif
