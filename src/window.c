/*
 * window.c - walking a file through a sliding window of memory maps.
 *
 * Window k delivers the new bytes [begin + k*window, begin + (k+1)*window)
 * and is mapped from the page boundary at or below (its first new byte -
 * overlap), so that the bytes just before the new ones are in the same map.
 * A window is unmapped as soon as it is processed, so resident memory stays
 * near two windows whatever the size of the file.
 *
 * With a prefetch thread, window k+1 is mapped and faulted in while window k
 * is processed: the processors never wait for a page fault on hot data, and
 * on cold data the disk works while the CPU does.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

bool mms_can_map(int fd)
{
    void *probe = mmap(NULL, mms_page_size(), PROT_READ, MAP_SHARED, fd, 0);
    if (probe == MAP_FAILED)
        return false;
    munmap(probe, mms_page_size());
    return true;
}

/* Fault-around (the kernel's fault_around_bytes, 64 KiB by default) maps up
 * to this many bytes of page cache on each page fault. */
#define FAULT_AROUND_BYTES 65536

static int touch_window(void *arg, mms_error *err)
{
    (void)err;
    const mms_window *win = arg;
    volatile const unsigned char *p = win->map;
    for (size_t i = 0; i < win->map_len; i += FAULT_AROUND_BYTES)
        (void)p[i];
    return 0;
}

/*
 * Faults the window in before the processors see it: one read per 64 KiB,
 * each of which maps a whole fault-around block and, on cold data, starts
 * the kernel's read-ahead (MADV_POPULATE_READ, tried first, faults page by
 * page and was slower here; scripts/bench-advice compares the modes).  A
 * SIGBUS here (the file shrank) is harmless: the processors' guarded reads
 * report it.
 */
static void fault_in(const mms_window *win)
{
    mms_guard_run(win->map, win->map_len, touch_window, (void *)win, NULL);
}

/* Applies the plan's advice to a freshly mapped window. */
static void advise_window(const mms_walk_plan *plan, const mms_window *win)
{
    switch (plan->advice) {
    case MMS_ADVICE_AUTO:
    case MMS_ADVICE_SEQUENTIAL:
    case MMS_ADVICE_WILLNEED:
        /* Read ahead aggressively and let the pages go early once read. */
        madvise(win->map, win->map_len, MADV_SEQUENTIAL);
        break;
    case MMS_ADVICE_RANDOM:
        /* No read-ahead: only the pages touched are read. */
        madvise(win->map, win->map_len, MADV_RANDOM);
        break;
    case MMS_ADVICE_NONE:
        break;
    }
    if (plan->advice == MMS_ADVICE_WILLNEED) {
        /* Start reading the window after this one in the background. */
        uint64_t next = win->chunk.offset + win->chunk.len;
        if (next < plan->end)
            posix_fadvise(plan->fd, (off_t)next, (off_t)plan->window, POSIX_FADV_WILLNEED);
    }
    if (plan->populate)
        fault_in(win);
}

int mms_window_map(const mms_walk_plan *plan, uint64_t new_begin, mms_window *win,
                      mms_walk_counters *counters, mms_error *err)
{
    uint64_t new_end = plan->end - new_begin < plan->window ? plan->end : new_begin + plan->window;
    uint64_t first = new_begin - (new_begin < plan->overlap ? new_begin : plan->overlap);
    uint64_t map_offset = first - first % mms_page_size();
    size_t map_len = (size_t)(new_end - map_offset);
    void *map = mmap(NULL, map_len, PROT_READ, MAP_SHARED, plan->fd, (off_t)map_offset);
    if (map == MAP_FAILED) {
        int rc = mms_error_sys(err, MMS_EIO, errno);
        err->offset = map_offset;
        return rc;
    }
    counters->map_calls++;
    counters->bytes_mapped += map_len;
    win->map = map;
    win->map_len = map_len;
    win->chunk.data = (const unsigned char *)map + (first - map_offset);
    win->chunk.len = (size_t)(new_end - first);
    win->chunk.offset = first;
    win->chunk.overlap = (size_t)(new_begin - first);
    advise_window(plan, win);
    return 0;
}

void mms_window_unmap(mms_window *win)
{
    if (win->map)
        munmap(win->map, win->map_len);
    win->map = NULL;
}

/* The walk on the calling thread alone. */
static int walk_inline(const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                       mms_walk_counters *counters, mms_error *err)
{
    for (uint64_t pos = plan->begin; pos < plan->end; pos += plan->window) {
        mms_window win;
        int rc = mms_window_map(plan, pos, &win, counters, err);
        if (rc < 0)
            return rc;
        counters->chunks++;
        counters->bytes += win.chunk.len - win.chunk.overlap;
        rc = fn(ctx, &win, err);
        mms_window_unmap(&win);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        if (plan->end - pos <= plan->window)
            break;
    }
    return 0;
}

/* The hand-over between the prefetch thread and the processing thread. */
typedef struct pipeline {
    const mms_walk_plan *plan;
    mms_walk_counters *counters;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    mms_window ready;    /* mapped, waiting to be processed */
    bool has_ready;
    bool at_end;         /* no window will follow "ready" */
    int ready_rc;        /* a mapping failure, reported in order */
    mms_error ready_err;
    mms_window done;     /* processed, waiting to be unmapped */
    bool stop;           /* the processing thread gave up */
} pipeline;

static void *prefetch_main(void *arg)
{
    pipeline *pl = arg;
    const mms_walk_plan *plan = pl->plan;
    uint64_t pos = plan->begin;
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        while (pl->has_ready && !pl->stop)
            pthread_cond_wait(&pl->changed, &pl->lock);
        mms_window old = pl->done;
        pl->done.map = NULL;
        bool stop = pl->stop;
        pthread_mutex_unlock(&pl->lock);
        mms_window_unmap(&old);
        if (stop)
            break;

        mms_window win = {0};
        mms_error err;
        mms_error_clear(&err);
        bool at_end = pos >= plan->end;
        int rc = at_end ? 0 : mms_window_map(plan, pos, &win, pl->counters, &err);

        pthread_mutex_lock(&pl->lock);
        pl->ready = win;
        pl->ready_rc = rc;
        pl->ready_err = err;
        pl->at_end = at_end;
        pl->has_ready = true;
        pthread_cond_broadcast(&pl->changed);
        pthread_mutex_unlock(&pl->lock);
        if (at_end || rc < 0)
            break;
        pos += plan->end - pos < plan->window ? plan->end - pos : plan->window;
    }
    return NULL;
}

static int walk_pipelined(const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                          mms_walk_counters *counters, mms_error *err)
{
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.plan = plan;
    pl.counters = counters;
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.changed, NULL);
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, prefetch_main, &pl);
    if (rc != 0) {
        pthread_cond_destroy(&pl.changed);
        pthread_mutex_destroy(&pl.lock);
        return walk_inline(plan, fn, ctx, counters, err);
    }

    mms_window current = {0};
    for (;;) {
        pthread_mutex_lock(&pl.lock);
        while (!pl.has_ready)
            pthread_cond_wait(&pl.changed, &pl.lock);
        pl.done = current;           /* the prefetch thread unmaps it */
        current = pl.ready;
        pl.has_ready = false;
        bool at_end = pl.at_end;
        rc = pl.ready_rc;
        if (rc < 0 && err)
            *err = pl.ready_err;
        pthread_cond_broadcast(&pl.changed);
        pthread_mutex_unlock(&pl.lock);
        if (at_end || rc < 0)
            break;
        counters->chunks++;
        counters->bytes += current.chunk.len - current.chunk.overlap;
        rc = fn(ctx, &current, err);
        if (rc != 0)
            break; /* an error, or MMS_WALK_STOP */
    }

    pthread_mutex_lock(&pl.lock);
    pl.stop = true;
    pthread_cond_broadcast(&pl.changed);
    pthread_mutex_unlock(&pl.lock);
    pthread_join(thread, NULL);
    mms_window_unmap(&current);
    mms_window_unmap(&pl.done);
    if (pl.has_ready)
        mms_window_unmap(&pl.ready);
    pthread_cond_destroy(&pl.changed);
    pthread_mutex_destroy(&pl.lock);
    return rc < 0 ? rc : 0;
}

int mms_walk_mapped(const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                    mms_walk_counters *counters, mms_error *err)
{
    if (plan->begin >= plan->end)
        return 0;
    if (plan->prefetch_thread && plan->end - plan->begin > plan->window)
        return walk_pipelined(plan, fn, ctx, counters, err);
    return walk_inline(plan, fn, ctx, counters, err);
}
