/*
 * lanes.c - several processors of one scan on several threads, with the
 * input mapped once.
 *
 * Every processor is a lane: its own state, fed every window in input
 * order, so that ordered processors (a hash) and splittable ones (a count)
 * share one pass and still run at the same time.  Window k is mapped once,
 * by whichever thread finds room for it, and unmapped when the last lane
 * has seen it.  A thread with nothing to map takes the lane furthest
 * behind whose next window is mapped.  At most IN_FLIGHT windows are mapped
 * at once, so a fast lane waits for the slow ones instead of running
 * ahead: the lanes stay within a few windows of each other, the input is
 * read from the disk once and memory stays flat.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Windows mapped at once: one being mapped ahead, two being read. */
#define IN_FLIGHT 3
#define NO_LANE SIZE_MAX

typedef struct slot {
    mms_window win;
    size_t pending;        /* lanes that have yet to see it */
} slot;

typedef struct lanes {
    const mms_walk_plan *plan;
    mms_walk_counters *counters;
    mms_engine *progress;
    uint64_t nwindows;
    uint64_t mapped;       /* windows [0, mapped) are or were mapped */
    uint64_t released;     /* windows [0, released) are unmapped */
    bool mapping;          /* a thread is mapping window "mapped" */
    slot slots[IN_FLIGHT]; /* window k is in slots[k % IN_FLIGHT] */
    size_t nlanes;
    size_t active;         /* lanes that want more windows */
    uint64_t *next;        /* next[i]: the window lane i sees next */
    bool *running;         /* running[i]: a thread is feeding lane i */
    mms_feed *feeds;       /* feeds[i]: lane i's processor alone */
    atomic_bool stop;      /* a lane or a map failed */
    int rc;                /* the first failure */
    mms_error err;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} lanes;

/* With the lock held: records the first failure and stops every lane. */
static void lanes_fail(lanes *l, int rc, const mms_error *err)
{
    if (l->rc == 0) {
        l->rc = rc;
        l->err = *err;
    }
    atomic_store(&l->stop, true);
}

/* With the lock held, which it releases meanwhile: maps the next window. */
static void map_next(lanes *l)
{
    uint64_t k = l->mapped;
    l->mapping = true;
    pthread_mutex_unlock(&l->lock);
    mms_window win;
    mms_error err;
    mms_error_clear(&err);
    /* Only one thread maps at a time: the counters need no lock. */
    int rc = mms_window_map(l->plan, l->plan->begin + k * l->plan->window, &win, l->counters,
                            &err);
    if (rc == 0) {
        l->counters->chunks++;
        l->counters->bytes += win.chunk.len - win.chunk.overlap;
    }
    pthread_mutex_lock(&l->lock);
    l->mapping = false;
    if (rc < 0) {
        lanes_fail(l, rc, &err);
        return;
    }
    l->slots[k % IN_FLIGHT] = (slot){.win = win, .pending = l->active};
    l->mapped = k + 1;
}

/* With the lock held, which it may release meanwhile: a lane is past
 * window k; the last one to pass it unmaps it.  Windows are released in
 * order, since every lane sees them in order. */
static void pass_window(lanes *l, uint64_t k)
{
    slot *s = &l->slots[k % IN_FLIGHT];
    if (--s->pending > 0)
        return;
    mms_window win = s->win;
    s->win.map = NULL;
    l->released = k + 1;
    pthread_mutex_unlock(&l->lock);
    if (l->progress)
        mms_engine_count_progress(l->progress, win.chunk.len - win.chunk.overlap);
    mms_window_unmap(&win);
    pthread_mutex_lock(&l->lock);
}

/* With the lock held, which it releases meanwhile: feeds lane i its next
 * window. */
static void run_lane(lanes *l, size_t i)
{
    uint64_t k = l->next[i];
    const mms_window *win = &l->slots[k % IN_FLIGHT].win;
    l->running[i] = true;
    pthread_mutex_unlock(&l->lock);
    mms_error err;
    mms_error_clear(&err);
    int rc = mms_feed_window(&l->feeds[i], win, &err);
    pthread_mutex_lock(&l->lock);
    l->running[i] = false;
    if (rc < 0)
        lanes_fail(l, rc, &err);
    if (rc < 0 || atomic_load(&l->stop))
        return; /* the windows are unmapped at the end */
    bool finished = l->feeds[i].ndone > 0 || k + 1 == l->nwindows;
    l->next[i] = finished ? UINT64_MAX : k + 1;
    if (finished)
        l->active--;
    uint64_t last = finished ? l->mapped : k + 1;
    for (uint64_t j = k; j < last; j++)
        pass_window(l, j);
}

/* With the lock held: the lane furthest behind that can go on, or NO_LANE. */
static size_t pick_lane(const lanes *l)
{
    size_t best = NO_LANE;
    for (size_t i = 0; i < l->nlanes; i++)
        if (!l->running[i] && l->next[i] < l->mapped &&
            (best == NO_LANE || l->next[i] < l->next[best]))
            best = i;
    return best;
}

static void *lanes_worker(void *arg)
{
    lanes *l = arg;
    pthread_mutex_lock(&l->lock);
    while (!atomic_load(&l->stop) && l->active > 0) {
        size_t lane;
        if (!l->mapping && l->mapped < l->nwindows && l->mapped - l->released < IN_FLIGHT)
            map_next(l); /* mapping ahead first, as a prefetch thread would */
        else if ((lane = pick_lane(l)) != NO_LANE)
            run_lane(l, lane);
        else
            pthread_cond_wait(&l->changed, &l->lock);
        pthread_cond_broadcast(&l->changed);
    }
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

int mms_scan_lanes(const mms_walk_plan *plan, mms_processor *const *procs,
                   const size_t *overlaps, size_t nprocs, unsigned threads,
                   mms_engine *progress, mms_walk_counters *counters, mms_error *err)
{
    if (plan->begin >= plan->end || nprocs == 0)
        return 0;
    lanes l = {.plan = plan, .counters = counters, .progress = progress,
               .nwindows = (plan->end - plan->begin + plan->window - 1) / plan->window,
               .nlanes = nprocs, .active = nprocs};
    void **states = calloc(nprocs, sizeof *states);
    bool *done = calloc(nprocs, sizeof *done);
    l.next = calloc(nprocs, sizeof *l.next);
    l.running = calloc(nprocs, sizeof *l.running);
    l.feeds = calloc(nprocs, sizeof *l.feeds);
    /* More threads than lanes would have nothing to do. */
    unsigned helpers = (threads < nprocs ? threads : (unsigned)nprocs) - 1;
    pthread_t *tids = calloc(helpers + 1, sizeof *tids);
    int rc = 0;
    if (!states || !done || !l.next || !l.running || !l.feeds || !tids) {
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nprocs; i++) {
        states[i] = procs[i]->self;
        l.feeds[i] = (mms_feed){.procs = &procs[i], .states = &states[i],
                                .overlaps = &overlaps[i], .nprocs = 1, .done = &done[i],
                                .guarded = true, .stop = &l.stop};
    }
    pthread_mutex_init(&l.lock, NULL);
    pthread_cond_init(&l.changed, NULL);

    /* A thread that cannot start is no error: the others do its share. */
    unsigned started = 0;
    while (started < helpers && pthread_create(&tids[started], NULL, lanes_worker, &l) == 0)
        started++;
    lanes_worker(&l);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);

    for (uint64_t k = l.released; k < l.mapped; k++)
        mms_window_unmap(&l.slots[k % IN_FLIGHT].win);
    rc = l.rc;
    if (rc < 0 && err)
        *err = l.err;
    pthread_cond_destroy(&l.changed);
    pthread_mutex_destroy(&l.lock);
out:
    free(states);
    free(done);
    free(l.next);
    free(l.running);
    free(l.feeds);
    free(tids);
    return rc;
}
