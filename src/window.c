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
 *
 * A window that lies wholly in a hole of a sparse file (SEEK_DATA finds no
 * data in it) is anonymous zeros instead of a map of the file.  This moves
 * the file offset, which a mapped scan does not otherwise use; the engine
 * puts it back.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * Whether the file holds no data in [begin, end): a hole, which reads as
 * zeros.  When unsure (no SEEK_DATA on this file, or the file no longer
 * reaches end), the answer is no and the range is mapped as usual.
 */
static bool is_hole(int fd, uint64_t begin, uint64_t end)
{
    off_t data = lseek(fd, (off_t)begin, SEEK_DATA);
    if (data >= 0)
        return (uint64_t)data >= end;
    struct stat st;
    /* ENXIO: no data from begin to the end of the file. */
    return errno == ENXIO && fstat(fd, &st) == 0 && (uint64_t)st.st_size >= end;
}

/* Asks the kernel to read [begin, end) in the background, the data only:
 * asking for a hole would fill the page cache with zeros. */
static void read_ahead(int fd, uint64_t begin, uint64_t end)
{
    for (uint64_t at = begin; at < end;) {
        off_t data = lseek(fd, (off_t)at, SEEK_DATA);
        if (data < 0 && errno != ENXIO) /* no SEEK_DATA here: all of it */
            posix_fadvise(fd, (off_t)at, (off_t)(end - at), POSIX_FADV_WILLNEED);
        if (data < 0 || (uint64_t)data >= end)
            return;
        off_t hole = lseek(fd, data, SEEK_HOLE);
        uint64_t stop = hole < 0 || (uint64_t)hole > end ? end : (uint64_t)hole;
        posix_fadvise(fd, data, (off_t)(stop - (uint64_t)data), POSIX_FADV_WILLNEED);
        at = stop;
    }
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
        uint64_t next_end = plan->end - next < plan->window ? plan->end : next + plan->window;
        if (next < plan->end)
            read_ahead(plan->fd, next, next_end);
    }
    if (plan->populate)
        fault_in(win);
}

/*
 * Zeros to stand for a hole: private anonymous memory that is only read,
 * so every page of it is the kernel's shared zero page (a huge one where
 * transparent huge pages are allowed: MADV_HUGEPAGE; a kernel set not to
 * use the huge zero page allocates zeroed huge pages instead, a window's
 * worth at most).  Mapping the hole from the file instead would fill the
 * page cache with zeroed pages, one allocation per page, for nothing.
 */
static void *map_zeros(size_t len)
{
    /* MAP_NORESERVE: never written, so nothing to account for. */
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
#ifdef MADV_HUGEPAGE
    if (map != MAP_FAILED)
        madvise(map, len, MADV_HUGEPAGE);
#endif
    return map;
}

int mms_window_map(const mms_walk_plan *plan, uint64_t new_begin, mms_window *win,
                   mms_walk_counters *counters, mms_error *err)
{
    uint64_t new_end = plan->end - new_begin < plan->window ? plan->end : new_begin + plan->window;
    uint64_t first = new_begin - (new_begin < plan->overlap ? new_begin : plan->overlap);
    uint64_t map_offset = first - first % mms_page_size();
    size_t map_len = (size_t)(new_end - map_offset);
    void *map = is_hole(plan->fd, map_offset, new_end)
                    ? map_zeros(map_len)
                    : mmap(NULL, map_len, PROT_READ, MAP_SHARED, plan->fd, (off_t)map_offset);
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

/* What the helper maps ahead of the processing thread. */
typedef struct prefetch {
    const mms_walk_plan *plan;
    mms_walk_counters *counters; /* the helper counts the maps */
    uint64_t pos;                /* new bytes of the window to map next */
    mms_window next;             /* mapped by the helper */
    int next_rc;                 /* a mapping failure, reported in order */
    mms_error next_err;
    mms_window done;             /* processed, unmapped by the helper */
} prefetch;

/* The helper's job: unmap the window processed last, map the next one. */
static void prefetch_next(void *arg)
{
    prefetch *p = arg;
    mms_window_unmap(&p->done);
    mms_error_clear(&p->next_err);
    p->next_rc = mms_window_map(p->plan, p->pos, &p->next, p->counters, &p->next_err);
}

static int walk_pipelined(const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                          mms_walk_counters *counters, mms_error *err)
{
    prefetch p = {.plan = plan, .counters = counters, .pos = plan->begin};
    mms_helper helper;
    mms_helper_start(&helper);
    mms_helper_run(&helper, prefetch_next, &p);
    mms_window current = {0};
    int rc;
    for (;;) {
        mms_helper_wait(&helper);
        rc = p.next_rc;
        if (rc < 0) {
            if (err)
                *err = p.next_err;
            break;
        }
        p.done = current;
        current = p.next;
        p.next.map = NULL;
        bool last = plan->end - p.pos <= plan->window;
        if (!last) {
            p.pos += plan->window;
            mms_helper_run(&helper, prefetch_next, &p);
        }
        counters->chunks++;
        counters->bytes += current.chunk.len - current.chunk.overlap;
        rc = fn(ctx, &current, err);
        if (rc != 0 || last)
            break; /* an error, MMS_WALK_STOP or the end */
    }
    mms_helper_stop(&helper);
    mms_window_unmap(&current);
    mms_window_unmap(&p.next);
    mms_window_unmap(&p.done);
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
