/*
 * lanes.c - several processors of one scan on several threads, with the
 * input mapped once.
 *
 * A processor that needs the input in order (or cannot split its work) is
 * a lane: its own state, fed every window in input order.  The splittable
 * processors form one group whose work on each window is a part of its
 * own: part states made by split() when the window is mapped (self for
 * the first window), fed on one thread, and merged into self in input
 * order as the scan goes.  So an ordered hash and a word count share one
 * pass, and both threads share the count's work while one of them hashes.
 *
 * Window k is mapped once, by whichever thread finds room for it, and
 * unmapped when every lane has seen it and its part is merged.  A thread
 * with nothing to map or merge takes the group's next part unless it is
 * ahead of every lane that can go on, else the lane furthest behind whose
 * next window is mapped: so a thread that counts and one that hashes work
 * on the same window at about the same time, and the second finds it in
 * the CPU's cache.  Parts are taken in input order, so the earliest part
 * that has not ended is always running.  At most IN_FLIGHT windows are
 * mapped at once, so fast work waits for slow work instead of running
 * ahead: the input is read from the disk once and memory stays flat.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Windows mapped at once: one being mapped ahead, two being read, and one
 * whose part waits for the next part to end before it is merged. */
#define IN_FLIGHT 4
#define NO_LANE SIZE_MAX

typedef struct slot {
    mms_window win;
    size_t pending;   /* lanes that have yet to see it, plus its part until it ends */
    void **part;      /* the group's states for this window (nsplit entries) */
    bool part_ended;  /* part_end() was called for them */
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
    /* the lanes */
    mms_processor **lane_procs;
    size_t *lane_overlaps;
    size_t nlanes;
    size_t active;         /* lanes that want more windows */
    uint64_t *next;        /* next[i]: the window lane i sees next */
    bool *running;         /* running[i]: a thread is feeding lane i */
    /* the group of splittable processors */
    mms_processor **split_procs;
    size_t *split_overlaps;
    size_t nsplit;
    uint64_t *done_at;     /* done_at[j]: the first window whose part of split_procs[j]
                              returned MMS_PROC_DONE (UINT64_MAX: none yet) */
    uint64_t parts_wanted; /* windows whose parts matter (UINT64_MAX: all) */
    uint64_t next_part;    /* the first window whose part no thread has taken */
    uint64_t ended;        /* the parts of windows [0, ended) have ended */
    uint64_t merged;       /* the parts of windows [1, merged) are merged into self */
    bool merging;          /* a thread is merging part "merged" */
    atomic_bool stop;      /* a lane, a part, a map or a merge failed */
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

/* With the lock held, which it releases meanwhile: maps the next window
 * and makes its part.  Mapping is one thread's at a time, so split() is
 * called in input order. */
static void map_next(lanes *l)
{
    uint64_t k = l->mapped;
    slot *s = &l->slots[k % IN_FLIGHT];
    l->mapping = true;
    pthread_mutex_unlock(&l->lock);
    mms_window win;
    mms_error err;
    mms_error_clear(&err);
    int rc = mms_window_map(l->plan, l->plan->begin + k * l->plan->window, &win, l->counters,
                            &err);
    if (rc == 0) {
        l->counters->chunks++;
        l->counters->bytes += win.chunk.len - win.chunk.overlap;
        rc = mms_part_states_make(l->split_procs, l->nsplit, k == 0, s->part, &err);
        if (rc < 0)
            mms_window_unmap(&win);
    }
    pthread_mutex_lock(&l->lock);
    l->mapping = false;
    if (rc < 0) {
        lanes_fail(l, rc, &err);
        return;
    }
    s->win = win;
    s->pending = l->active + (l->nsplit > 0);
    s->part_ended = false;
    l->mapped = k + 1;
}

/* With the lock held, which it may release meanwhile: unmaps the windows,
 * in order, that every lane has seen and whose parts are merged. */
static void release_windows(lanes *l)
{
    while (l->released < l->mapped) {
        uint64_t k = l->released;
        slot *s = &l->slots[k % IN_FLIGHT];
        if (s->pending > 0 || (l->nsplit > 0 && l->merged <= k))
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
}

/* With the lock held: whether the next part to merge can be merged: it
 * has ended and so has the one after it (a processor that keeps its
 * output in order may still read a part when the next one takes over). */
static bool can_merge(const lanes *l)
{
    if (l->nsplit == 0 || l->merging)
        return false;
    uint64_t m = l->merged;
    return m < l->ended && (m + 1 < l->ended || m + 1 == l->nwindows);
}

/* With the lock held, which it releases meanwhile: merges the next part
 * into self and frees it. */
static void merge_next(lanes *l)
{
    uint64_t m = l->merged;
    slot *s = &l->slots[m % IN_FLIGHT];
    l->merging = true;
    pthread_mutex_unlock(&l->lock);
    mms_error err;
    mms_error_clear(&err);
    int rc = mms_part_states_merge(l->split_procs, l->nsplit, s->part, &err);
    mms_part_states_free(l->split_procs, l->nsplit, s->part);
    pthread_mutex_lock(&l->lock);
    l->merging = false;
    if (rc < 0) {
        lanes_fail(l, rc, &err);
        return;
    }
    l->merged = m + 1;
    release_windows(l);
}

/* With the lock held: whether the group's next part can be fed: its
 * window is mapped, and so is the next one (a part is fed only once the
 * next part is made: a processor that keeps its output in order may count
 * on meeting every later part before this one ends). */
static bool part_ready(const lanes *l)
{
    uint64_t k = l->next_part;
    return l->nsplit > 0 && k < l->mapped && (k + 1 < l->mapped || k + 1 == l->nwindows);
}

/* With the lock held: what a thread should feed next, false if nothing:
 * the group's next part (*lane = NO_LANE) unless it is ahead of every lane
 * that can go on, else the lane furthest behind that can go on. */
static bool pick_job(const lanes *l, size_t *lane)
{
    size_t best = NO_LANE;
    for (size_t i = 0; i < l->nlanes; i++)
        if (!l->running[i] && l->next[i] < l->mapped &&
            (best == NO_LANE || l->next[i] < l->next[best]))
            best = i;
    if (part_ready(l) && (best == NO_LANE || l->next_part <= l->next[best]))
        best = NO_LANE;
    else if (best == NO_LANE)
        return false;
    *lane = best;
    return true;
}

/* With the lock held: once no lane wants more windows and every processor
 * of the group is done at some window, the windows after the last of those
 * are not needed: no more are mapped. */
static void trim_windows(lanes *l)
{
    if (l->active > 0 || l->nsplit == 0 || l->parts_wanted == UINT64_MAX)
        return;
    uint64_t needed = l->parts_wanted;
    if (needed < l->mapped)
        needed = l->mapped; /* the windows mapped already go through as usual */
    if (needed < l->nwindows)
        l->nwindows = needed;
}

/* With the lock held, which it releases meanwhile: feeds lane its next
 * window, or with NO_LANE the group its next part.  done has room for a
 * flag per processor of the group, and at least one. */
static void run_job(lanes *l, bool *done, size_t lane)
{
    bool part = lane == NO_LANE;
    uint64_t k = part ? l->next_part : l->next[lane];
    slot *s = &l->slots[k % IN_FLIGHT];
    if (part)
        l->next_part = k + 1;
    else
        l->running[lane] = true;
    pthread_mutex_unlock(&l->lock);

    mms_feed feed = {.nprocs = part ? l->nsplit : 1, .done = done, .guarded = true,
                     .stop = &l->stop, .whole_windows = true};
    if (part) {
        feed.procs = l->split_procs;
        feed.states = s->part;
        feed.overlaps = l->split_overlaps;
    } else {
        feed.procs = &l->lane_procs[lane];
        feed.states = &l->lane_procs[lane]->self;
        feed.overlaps = &l->lane_overlaps[lane];
    }
    memset(done, 0, feed.nprocs * sizeof *done);
    mms_error err;
    mms_error_clear(&err);
    int rc = mms_feed_window(&feed, &s->win, &err);
    /* A part ends on the thread that fed it, failed or not: a later part
     * may be waiting inside chunk() to learn it. */
    if (part)
        mms_part_states_end(l->split_procs, l->nsplit, s->part, rc < 0 || atomic_load(&l->stop));

    pthread_mutex_lock(&l->lock);
    if (part) {
        s->part_ended = true;
        /* Windows are released only once the parts up to theirs ended: the
         * slots from "ended" on still hold their windows. */
        while (l->ended < l->mapped && l->slots[l->ended % IN_FLIGHT].part_ended)
            l->ended++;
    } else {
        l->running[lane] = false;
    }
    if (rc < 0)
        lanes_fail(l, rc, &err);
    if (rc < 0 || atomic_load(&l->stop))
        return; /* the windows are unmapped at the end */
    if (part) {
        s->pending--;
        l->parts_wanted = mms_part_states_note_done(l->done_at, l->nsplit, done, k);
    } else {
        bool finished = done[0] || k + 1 == l->nwindows;
        l->next[lane] = finished ? UINT64_MAX : k + 1;
        if (finished)
            l->active--;
        uint64_t last = finished ? l->mapped : k + 1;
        for (uint64_t w = k; w < last; w++)
            l->slots[w % IN_FLIGHT].pending--;
    }
    trim_windows(l);
    release_windows(l);
}

typedef struct worker {
    lanes *l;
    bool *done; /* the feed's flags for this thread's jobs */
    pthread_t thread;
} worker;

/* Whether the scan has work left: a lane that wants windows, or windows
 * the group has yet to see or merge. */
static bool work_left(const lanes *l)
{
    return l->active > 0 || (l->nsplit > 0 && l->released < l->nwindows);
}

static void *lanes_worker(void *arg)
{
    worker *w = arg;
    lanes *l = w->l;
    pthread_mutex_lock(&l->lock);
    while (!atomic_load(&l->stop) && work_left(l)) {
        size_t lane;
        if (!l->mapping && l->mapped < l->nwindows && l->mapped - l->released < IN_FLIGHT)
            map_next(l); /* mapping ahead first, as a prefetch thread would */
        else if (can_merge(l))
            merge_next(l);
        else if (pick_job(l, &lane))
            run_job(l, w->done, lane);
        else
            pthread_cond_wait(&l->changed, &l->lock);
        pthread_cond_broadcast(&l->changed);
    }
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

/* After the workers: unmaps what is still mapped; parts that did not end
 * are told the scan failed, and parts not merged are freed. */
static void lanes_clean_up(lanes *l)
{
    for (uint64_t k = l->released; k < l->mapped; k++) {
        slot *s = &l->slots[k % IN_FLIGHT];
        bool unmerged = l->nsplit > 0 && (k == 0 || k >= l->merged);
        if (unmerged && !s->part_ended) {
            mms_part_states_end(l->split_procs, l->nsplit, s->part, true);
            s->part_ended = true;
        }
        if (unmerged)
            mms_part_states_free(l->split_procs, l->nsplit, s->part);
        mms_window_unmap(&s->win);
    }
}

/* Puts every processor in a lane or in the group. */
static void sort_processors(lanes *l, mms_processor *const *procs, const size_t *overlaps,
                            size_t nprocs)
{
    for (size_t i = 0; i < nprocs; i++) {
        unsigned flags = procs[i]->ops->flags;
        if ((flags & MMS_PROC_SPLITTABLE) && !(flags & MMS_PROC_ORDERED)) {
            l->split_procs[l->nsplit] = procs[i];
            l->split_overlaps[l->nsplit++] = overlaps[i];
        } else {
            l->lane_procs[l->nlanes] = procs[i];
            l->lane_overlaps[l->nlanes++] = overlaps[i];
        }
    }
    l->active = l->nlanes;
}

int mms_scan_lanes(const mms_walk_plan *plan, mms_processor *const *procs,
                   const size_t *overlaps, size_t nprocs, unsigned threads,
                   mms_engine *progress, mms_walk_counters *counters, uint64_t *nparts,
                   mms_error *err)
{
    *nparts = 1;
    if (plan->begin >= plan->end || nprocs == 0)
        return 0;
    /* More threads than lanes plus windows in flight would have nothing
     * to do (a part per mapped window at most). */
    if (threads > nprocs + IN_FLIGHT)
        threads = (unsigned)(nprocs + IN_FLIGHT);
    lanes l = {.plan = plan, .counters = counters, .progress = progress,
               .nwindows = (plan->end - plan->begin + plan->window - 1) / plan->window,
               .merged = 1, .parts_wanted = UINT64_MAX};
    l.lane_procs = calloc(2 * nprocs, sizeof *l.lane_procs);
    l.lane_overlaps = calloc(2 * nprocs, sizeof *l.lane_overlaps);
    l.next = calloc(nprocs, sizeof *l.next);
    l.done_at = malloc(nprocs * sizeof *l.done_at);
    l.running = calloc(nprocs, sizeof *l.running);
    void **parts = calloc(IN_FLIGHT * nprocs, sizeof *parts);
    worker *workers = calloc(threads, sizeof *workers);
    bool *done = calloc(threads * nprocs, sizeof *done);
    int rc = 0;
    if (!l.lane_procs || !l.lane_overlaps || !l.next || !l.done_at || !l.running || !parts ||
        !workers || !done) {
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        goto out;
    }
    l.split_procs = l.lane_procs + nprocs;
    l.split_overlaps = l.lane_overlaps + nprocs;
    sort_processors(&l, procs, overlaps, nprocs);
    if (l.nsplit > 0)
        *nparts = l.nwindows; /* a part per window */
    for (size_t j = 0; j < nprocs; j++)
        l.done_at[j] = UINT64_MAX;
    for (size_t i = 0; i < IN_FLIGHT; i++)
        l.slots[i].part = parts + i * nprocs;
    /* Without a group, more threads than lanes would have nothing to do. */
    if (l.nsplit == 0 && threads > l.nlanes)
        threads = (unsigned)l.nlanes;
    for (unsigned t = 0; t < threads; t++)
        workers[t] = (worker){.l = &l, .done = done + t * nprocs};
    pthread_mutex_init(&l.lock, NULL);
    pthread_cond_init(&l.changed, NULL);

    /* A thread that cannot start is no error: the others do its share. */
    unsigned started = 1;
    while (started < threads &&
           pthread_create(&workers[started].thread, NULL, lanes_worker, &workers[started]) == 0)
        started++;
    lanes_worker(&workers[0]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(workers[t].thread, NULL);

    lanes_clean_up(&l);
    rc = l.rc;
    if (rc < 0 && err)
        *err = l.err;
    pthread_cond_destroy(&l.changed);
    pthread_mutex_destroy(&l.lock);
out:
    free(l.lane_procs);
    free(l.lane_overlaps);
    free(l.next);
    free(l.done_at);
    free(l.running);
    free(parts);
    free(workers);
    free(done);
    return rc;
}
