/*
 * feed.c - handing each mapped window to the processors of one walk.
 *
 * A walk (a whole scan, one part of a split scan or one lane of a lane
 * scan) feeds a set of processor states.  Each processor sees the window's
 * new bytes preceded by the overlap it asked for, under the SIGBUS guard
 * when the window is mapped.  With several processors, the window goes
 * through them a cache-sized slice at a time, and two next to each other
 * that have a loop for the pair (mms_pair_for) go through it together.
 */
#include "config.h"
#include "internal.h"

/* Bytes fed to each processor in turn: about what a core's L2 cache holds. */
#define FEED_SLICE ((size_t)256 << 10)

/* The chunk that processor i is fed for the new bytes [from, to) of win
 * (offsets into the window's new bytes): them, preceded by as much of the
 * overlap it asked for as the map holds. */
static mms_chunk chunk_for(const mms_feed *f, size_t i, const mms_window *win, size_t from,
                           size_t to)
{
    size_t before = win->chunk.overlap + from; /* bytes of the map before the new ones */
    size_t overlap = f->overlaps[i] < before ? f->overlaps[i] : before;
    return (mms_chunk){
        .data = win->chunk.data + win->chunk.overlap + from - overlap,
        .len = to - from + overlap,
        .offset = win->chunk.offset + win->chunk.overlap + from - overlap,
        .overlap = overlap,
    };
}

/* Feeds processor i its chunk of the new bytes [from, to) of win.  *at
 * receives the chunk's offset in the input before the call, for an error
 * report. */
static int feed_one(mms_feed *f, size_t i, const mms_window *win, size_t from, size_t to,
                    uint64_t *at, mms_error *err)
{
    mms_chunk chunk = chunk_for(f, i, win, from, to);
    *at = chunk.offset;
    mms_error said;
    mms_error_clear(&said);
    const mms_processor *proc = f->procs[i];
    int rc = mms_processor_outcome(proc, proc->ops->chunk(f->states[i], &chunk, &said), &said, err);
    if (rc == MMS_PROC_DONE) {
        f->done[i] = true;
        f->ndone++;
    }
    return rc < 0 ? rc : 0;
}

/* The function that feeds processors i and i + 1 together, or NULL: both
 * still fed and asking for the same overlap, and a pair that has one. */
static mms_pair_fn pair_at(const mms_feed *f, size_t i)
{
    if (i + 1 >= f->nprocs || f->done[i] || f->done[i + 1] || f->overlaps[i] != f->overlaps[i + 1])
        return NULL;
    return mms_pair_for(f->procs[i], f->procs[i + 1]);
}

/* Feeds processors i and i + 1 their chunk with pair. */
static int feed_pair(mms_feed *f, size_t i, mms_pair_fn pair, const mms_window *win, size_t from,
                     size_t to, uint64_t *at, mms_error *err)
{
    mms_chunk chunk = chunk_for(f, i, win, from, to);
    *at = chunk.offset;
    mms_error said;
    mms_error_clear(&said);
    size_t failed = 0;
    int rc = pair(f->states[i], f->states[i + 1], &chunk, &failed, &said);
    return rc < 0 ? mms_processor_outcome(f->procs[i + failed], rc, &said, err) : 0;
}

/* One window through the processors, as the guard runs it. */
typedef struct window_call {
    mms_feed *f;
    const mms_window *win;
    uint64_t at; /* the offset of the chunk being fed */
} window_call;

static int feed_slices(void *arg, mms_error *err)
{
    window_call *call = arg;
    mms_feed *f = call->f;
    size_t fresh = call->win->chunk.len - call->win->chunk.overlap;
    /* With several processors, each slice goes through all of them while it
     * is in the cache, so that the window is read from memory once.  (A
     * lane scan's windows are small and read by another thread at about
     * the same time: there, whole windows in turn measured faster.) */
    size_t slice = f->nprocs > 1 && !f->whole_windows ? FEED_SLICE : fresh;
    for (size_t from = 0; from < fresh && f->ndone < f->nprocs; from += slice) {
        size_t to = fresh - from < slice ? fresh : from + slice;
        for (size_t i = 0; i < f->nprocs; i++) {
            mms_pair_fn pair = pair_at(f, i);
            int rc = 0;
            if (pair) {
                rc = feed_pair(f, i, pair, call->win, from, to, &call->at, err);
                i++; /* fed with i */
            } else if (!f->done[i]) {
                rc = feed_one(f, i, call->win, from, to, &call->at, err);
            }
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int mms_feed_window(void *ctx, const mms_window *win, mms_error *err)
{
    mms_feed *f = ctx;
    if (f->stop && atomic_load_explicit(f->stop, memory_order_relaxed))
        return MMS_WALK_STOP; /* another walk failed; its error is the one reported */
    /* One guard for the whole window: arming one saves the signal mask, a
     * system call, too slow to make for every slice and processor. */
    window_call call = {f, win, win->chunk.offset};
    int rc = f->guarded ? mms_guard_run(win->map, win->map_len, feed_slices, &call, err)
                        : feed_slices(&call, err);
    if (rc == MMS_ETRUNCATED && err)
        err->offset = call.at;
    if (rc < 0)
        return rc;
    size_t fresh = win->chunk.len - win->chunk.overlap;
    if (f->progress)
        mms_engine_count_progress(f->progress, fresh);
    return f->nprocs > 0 && f->ndone == f->nprocs ? MMS_WALK_STOP : 0;
}
