/*
 * write_window.c - writing an output window by window on several threads.
 *
 * The output, already at its final size, is cut into windows; the threads
 * take the next unwritten window from a shared counter until none is left,
 * so a slow window never holds the others up.  Only the data ranges that
 * the source reports are written; holes are left alone (no page of them is
 * touched, so they use no space).
 *
 * Two ways to put the bytes in:
 * - MMS_WRITE_MAP: the window is mapped MAP_SHARED and writable, the source
 *   fills it in place (guarded: a SIGBUS, when the file shrinks or the disk
 *   fills up under the map, becomes an error), then msync(MS_SYNC) writes
 *   it back before munmap: the writable windows of writable_window.c, which
 *   in-place edits and the decompressor's output use too.
 * - MMS_WRITE_PWRITE: the source fills a buffer small enough to stay in the
 *   cache, which pwrite() copies into the file; fdatasync() at the end.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* The pwrite() buffer of each thread: small enough to stay in the L2 cache
 * between filling and copying, large enough to make few system calls. */
#define PWRITE_BUFFER (256u << 10)

typedef struct writer {
    const mms_write_plan *plan;
    const mms_write_source *src;
    uint64_t nwindows;
    atomic_uint_fast64_t next_window;
    atomic_bool stop;
    pthread_mutex_t lock;
    int rc;               /* the first failure */
    mms_error err;
} writer;

/* Records a failure (the first one wins) and tells every thread to stop. */
static void writer_fail(writer *w, int rc, const mms_error *err)
{
    pthread_mutex_lock(&w->lock);
    if (w->rc == 0) {
        w->rc = rc;
        w->err = *err;
    }
    pthread_mutex_unlock(&w->lock);
    atomic_store(&w->stop, true);
}

/* The next data range inside [pos, end), or false when only holes remain. */
static bool next_range(const writer *w, uint64_t pos, uint64_t end, uint64_t *begin,
                       uint64_t *stop)
{
    if (!w->src->next_data) {
        *begin = pos;
        *stop = end;
        return pos < end;
    }
    uint64_t b, e;
    if (!w->src->next_data(w->src->ctx, pos, &b, &e) || b >= end)
        return false;
    *begin = b > pos ? b : pos;
    *stop = e < end ? e : end;
    return true;
}

/* ---- MMS_WRITE_PWRITE ---- */

static int pwrite_all(int fd, const unsigned char *buf, size_t len, uint64_t offset,
                      mms_error *err)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int rc = mms_error_sys(err, MMS_EIO, n < 0 ? errno : ENOSPC);
            err->offset = offset;
            return rc;
        }
        buf += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

static int pwrite_window(writer *w, uint64_t begin, uint64_t end, unsigned char *buf,
                         mms_error *err)
{
    uint64_t from, to;
    for (uint64_t pos = begin; next_range(w, pos, end, &from, &to); pos = to) {
        for (uint64_t at = from; at < to; at += PWRITE_BUFFER) {
            size_t len = to - at < PWRITE_BUFFER ? (size_t)(to - at) : PWRITE_BUFFER;
            int rc = w->src->fill(w->src->ctx, at, buf, len, err);
            if (rc == 0)
                rc = pwrite_all(w->plan->fd, buf, len, at, err);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* ---- MMS_WRITE_MAP ---- */

/* One mapped window being filled, for the guarded call. */
typedef struct map_fill {
    writer *w;
    unsigned char *map;
    uint64_t begin, end;  /* the window's offsets; map holds byte begin */
} map_fill;

static int fill_mapped(void *ctx, mms_error *err)
{
    map_fill *mf = ctx;
    uint64_t from, to;
    uint64_t page = mms_page_size();
    for (uint64_t pos = mf->begin; next_range(mf->w, pos, mf->end, &from, &to); pos = to) {
        /* Fault the range's pages in, writable, with one call rather than one
         * page fault per page (holes stay untouched).  Where the kernel lacks
         * it (EINVAL), the pages fault in as they are written. */
        uint64_t first = (from - mf->begin) / page * page;
        madvise(mf->map + first, (size_t)(to - mf->begin - first), MADV_POPULATE_WRITE);
        int rc = mf->w->src->fill(mf->w->src->ctx, from, mf->map + (from - mf->begin),
                                  (size_t)(to - from), err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int map_window(writer *w, uint64_t begin, uint64_t end, mms_error *err)
{
    mms_writable_window win;
    int rc = mms_writable_map(&win, w->plan->fd, begin, (size_t)(end - begin), err);
    if (rc < 0)
        return rc;
    map_fill mf = {w, win.data, begin, end};
    rc = mms_writable_fill(win.data, win.len, fill_mapped, &mf, begin, err);
    if (rc == 0)
        rc = mms_writable_sync(&win, err);
    mms_writable_unmap(&win);
    return rc;
}

/* ---- the threads ---- */

static void *writer_main(void *arg)
{
    writer *w = arg;
    const mms_write_plan *plan = w->plan;
    unsigned char *buf = NULL;
    mms_error err;
    mms_error_clear(&err);
    if (plan->method == MMS_WRITE_PWRITE && !(buf = malloc(PWRITE_BUFFER))) {
        writer_fail(w, mms_error_set(&err, MMS_ENOMEM, ENOMEM, "out of memory"), &err);
        return NULL;
    }
    while (!atomic_load(&w->stop)) {
        uint64_t k = atomic_fetch_add(&w->next_window, 1);
        if (k >= w->nwindows)
            break;
        uint64_t begin = k * plan->window;
        uint64_t end = plan->size - begin < plan->window ? plan->size : begin + plan->window;
        int rc = plan->method == MMS_WRITE_MAP ? map_window(w, begin, end, &err)
                                               : pwrite_window(w, begin, end, buf, &err);
        if (rc < 0)
            writer_fail(w, rc, &err);
    }
    free(buf);
    return NULL;
}

int mms_write_output(const mms_write_plan *plan, const mms_write_source *src, mms_error *err)
{
    if (plan->method == MMS_WRITE_MAP) {
        int rc = mms_guard_install(err);
        if (rc < 0)
            return rc;
    }
    writer w;
    memset(&w, 0, sizeof w);
    w.plan = plan;
    w.src = src;
    w.nwindows = plan->size / plan->window + (plan->size % plan->window != 0);
    atomic_init(&w.next_window, 0);
    atomic_init(&w.stop, false);
    pthread_mutex_init(&w.lock, NULL);

    uint64_t nthreads = plan->threads ? plan->threads : mms_online_cpus();
    if (nthreads > w.nwindows)
        nthreads = w.nwindows ? w.nwindows : 1;
    pthread_t *helpers = calloc(nthreads, sizeof *helpers);
    if (!helpers) {
        pthread_mutex_destroy(&w.lock);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    /* The calling thread is one of the writers; the others are helpers. */
    uint64_t started = 0;
    for (; started + 1 < nthreads; started++) {
        int rc = pthread_create(&helpers[started], NULL, writer_main, &w);
        if (rc != 0) {
            mms_error thread_err;
            writer_fail(&w, mms_error_set(&thread_err, MMS_ETHREAD, rc,
                                          "cannot start a writer thread"), &thread_err);
            break;
        }
    }
    writer_main(&w);
    for (uint64_t i = 0; i < started; i++)
        pthread_join(helpers[i], NULL);
    free(helpers);
    pthread_mutex_destroy(&w.lock);

    if (w.rc == 0 && plan->method == MMS_WRITE_PWRITE && fdatasync(plan->fd) < 0 &&
        errno != EINVAL) /* EINVAL: the file cannot be synced (nothing to do) */
        w.rc = mms_error_sys(&w.err, MMS_EIO, errno);
    if (w.rc < 0 && err)
        *err = w.err;
    return w.rc;
}
