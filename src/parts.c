/*
 * parts.c - a scan whose processors are all splittable, cut into parts
 * that several threads scan at once.
 *
 * The input is cut into parts of whole windows: one per thread when that
 * makes them PART_MAX bytes or less, else parts of about PART_MAX, or of
 * one window when windows are larger (see cut_parts()).  Each thread takes
 * the next part in input order, walks it (mapping its own windows), ends
 * it, and merges the parts that may be, in input order.  So parts are
 * made, fed and merged as the scan goes, and a thread takes no part while
 * SLOTS_PER_THREAD parts per thread are made and not merged: few parts
 * exist at once whatever the size of the input, and a part may hold
 * something for every byte it saw (the XXH3 hash keeps a sum per 1 KiB
 * block until its merge).
 *
 * States are made one part ahead: part k+1's by split() when part k is
 * taken, so split() runs in input order and a part is made before the part
 * just before it is fed; split() may then run while other parts, the first
 * one included, are fed or merged on other threads.  Every part made is
 * ended: fed first, unless the scan failed before a thread took it (it
 * then ends as failed).  Unless the scan fails, a part is merged once it
 * and the part after it have ended (the later part may still read the
 * earlier one's state until it ends).  Once every processor has had a part
 * done (MMS_PROC_DONE), no part after the last of those is made.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The largest part when the input is larger than one per thread. */
#define PART_MAX ((uint64_t)32 << 20)
/* Parts that may exist at once, per thread. */
#define SLOTS_PER_THREAD 2
/* The most threads a split scan starts. */
#define MAX_THREADS 64

typedef struct part_slot {
    void **states; /* one per processor: the processors' own for part 0 */
    bool *done;    /* done[i]: states[i] returned MMS_PROC_DONE */
    bool ended;
} part_slot;

typedef struct parts {
    mms_walk_plan plan;           /* begin and end of the whole scan */
    mms_processor *const *procs;
    const size_t *overlaps;
    size_t nprocs;
    mms_engine *progress;
    uint64_t part_len, nparts;
    uint64_t made;                /* parts [0, made) have states */
    uint64_t taken;               /* parts [0, taken) went to a thread */
    uint64_t merged;              /* parts [0, merged) are merged into the first */
    uint64_t make_limit;          /* no part from here on is made */
    uint64_t *done_at;            /* per processor: its first part done, or UINT64_MAX */
    bool merging;                 /* a thread is merging part "merged" */
    part_slot *slots;             /* part k is in slots[k % nslots] */
    size_t nslots;
    atomic_bool stop;             /* a part, a split or a merge failed */
    int rc;                       /* the failure of the earliest part */
    uint64_t failed_part;
    mms_error err;
    mms_walk_counters *counters;  /* the caller's: every part's walk adds to them */
    pthread_mutex_t lock;
    pthread_cond_t changed;
} parts;

/* With the lock held: records a failure of part k; the earliest part's is
 * the one reported, as it caused the others. */
static void parts_fail(parts *p, uint64_t k, int rc, const mms_error *err)
{
    if (p->rc == 0 || k < p->failed_part) {
        p->rc = rc;
        p->failed_part = k;
        p->err = *err;
    }
    atomic_store(&p->stop, true);
}

/* With the lock held: makes part k's states (the processors' own for part
 * 0).  On failure none is left and the scan fails. */
static void make_part(parts *p, uint64_t k)
{
    part_slot *slot = &p->slots[k % p->nslots];
    memset(slot->done, 0, p->nprocs * sizeof *slot->done);
    slot->ended = false;
    mms_error err;
    int rc = mms_part_states_make(p->procs, p->nprocs, k == 0, slot->states, &err);
    if (rc < 0)
        parts_fail(p, k, rc, &err);
    else
        p->made = k + 1;
}

/* Whether part k, not made yet, is to be made: parts are made in order
 * until the last one or the limit. */
static bool to_make(const parts *p, uint64_t k)
{
    return k < p->nparts && k < p->make_limit;
}

/* Whether part k exists or will. */
static bool part_exists(const parts *p, uint64_t k)
{
    return k < p->made || to_make(p, k);
}

/* Whether part k (made, not merged) may be merged: it has ended, and so
 * has the part after it, if any, which may still read k's state to join
 * what crosses the seam between them (see part_end in mmscan.h). */
static bool mergeable(const parts *p, uint64_t k)
{
    return p->slots[k % p->nslots].ended &&
           (!part_exists(p, k + 1) || (k + 1 < p->made && p->slots[(k + 1) % p->nslots].ended));
}

/* With the lock held, which it releases meanwhile: merges the parts that
 * may be, in order, one thread at a time. */
static void merge_ended(parts *p)
{
    while (!p->merging && !atomic_load(&p->stop) && p->merged < p->taken &&
           mergeable(p, p->merged)) {
        uint64_t k = p->merged;
        part_slot *slot = &p->slots[k % p->nslots];
        p->merging = true;
        pthread_mutex_unlock(&p->lock);
        mms_error err;
        mms_error_clear(&err);
        int rc = k > 0 ? mms_part_states_merge(p->procs, p->nprocs, slot->states, &err) : 0;
        mms_part_states_free(p->procs, p->nprocs, slot->states);
        pthread_mutex_lock(&p->lock);
        p->merging = false;
        p->merged = k + 1;
        if (rc < 0)
            parts_fail(p, k, rc, &err);
        pthread_cond_broadcast(&p->changed);
    }
}

/* With the lock held, which it releases meanwhile: feeds part k its
 * windows, then ends it. */
static void run_part(parts *p, uint64_t k)
{
    part_slot *slot = &p->slots[k % p->nslots];
    mms_walk_plan plan = p->plan;
    plan.begin = p->plan.begin + k * p->part_len;
    if (p->plan.end - plan.begin > p->part_len)
        plan.end = plan.begin + p->part_len;
    mms_feed feed = {.procs = p->procs, .states = slot->states, .overlaps = p->overlaps,
                     .nprocs = p->nprocs, .done = slot->done, .guarded = true,
                     .stop = &p->stop, .progress = p->progress};
    mms_walk_counters counters = {0};
    mms_error err;
    mms_error_clear(&err);
    pthread_mutex_unlock(&p->lock);
    int rc = mms_walk_mapped(&plan, mms_feed_window, &feed, &counters, &err);
    if (rc < 0)
        atomic_store(&p->stop, true);
    /* On this thread, failed or not: a later part may wait inside chunk()
     * to learn that this one is over. */
    mms_part_states_end(p->procs, p->nprocs, slot->states, atomic_load(&p->stop));
    pthread_mutex_lock(&p->lock);
    if (rc < 0)
        parts_fail(p, k, rc, &err);
    p->counters->map_calls += counters.map_calls;
    p->counters->bytes_mapped += counters.bytes_mapped;
    p->counters->chunks += counters.chunks;
    p->counters->bytes += counters.bytes;
    uint64_t wanted = mms_part_states_note_done(p->done_at, p->nprocs, slot->done, k);
    if (wanted < p->make_limit)
        p->make_limit = wanted; /* no part after the last one that was done */
    slot->ended = true;
    merge_ended(p);
    pthread_cond_broadcast(&p->changed);
}

/* Whether the next part may be taken now: it is made, and the part after
 * it (when there is one to make) has a free slot. */
static bool can_take(const parts *p)
{
    uint64_t k = p->taken;
    return k < p->made && (!to_make(p, k + 1) || k + 2 <= p->merged + p->nslots);
}

/* Whether no part is left to take, nor will be. */
static bool nothing_left(const parts *p)
{
    return atomic_load(&p->stop) || (p->taken == p->made && !to_make(p, p->made));
}

static void *worker(void *arg)
{
    parts *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!nothing_left(p) && !can_take(p))
            pthread_cond_wait(&p->changed, &p->lock);
        if (nothing_left(p))
            break;
        uint64_t k = p->taken++;
        if (to_make(p, k + 1))
            make_part(p, k + 1);
        run_part(p, k);
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* What every part's length must be a multiple of: the page and every
 * processor's part_unit (abi 4); UINT64_MAX when that passes 2^62 (one
 * part then). */
static uint64_t part_unit(mms_processor *const *procs, size_t nprocs)
{
    const uint64_t most = (uint64_t)1 << 62;
    uint64_t unit = mms_page_size();
    for (size_t i = 0; i < nprocs; i++) {
        const mms_processor_ops *ops = procs[i]->ops;
        uint64_t want = ops->abi >= 4 && ops->part_unit ? ops->part_unit(procs[i]->self) : 0;
        if (want <= 1)
            continue;
        uint64_t factor = want / gcd(unit, want);
        if (factor > most / unit)
            return UINT64_MAX;
        unit *= factor;
    }
    return unit;
}

/* Cuts the input into parts of whole steps: windows of plan.window, or
 * units of the processors' part_unit when that does not divide the window
 * (the last window of each part is then shorter).  One part per thread, or
 * parts of at most PART_MAX bytes (one step when a step is larger) when
 * that makes more. */
static void cut_parts(parts *p, unsigned threads, uint64_t unit)
{
    uint64_t len = p->plan.end - p->plan.begin;
    uint64_t step = p->plan.window % unit == 0 ? p->plan.window : unit;
    uint64_t steps = step >= len ? 1 : (len + step - 1) / step;
    uint64_t per_part = (steps + threads - 1) / threads;
    uint64_t most = PART_MAX / step > 0 ? PART_MAX / step : 1;
    if (per_part > most)
        per_part = most;
    if (per_part == 0)
        per_part = 1;
    p->nparts = (steps + per_part - 1) / per_part;
    p->part_len = p->nparts == 1 ? len : per_part * step;
}

/* The parts are walked in the same windows, but with more than two threads
 * at work in windows of 2 * window / threads (at least a page), so that all
 * threads together map about two windows at a time, as an ordered scan
 * does. */
static void set_walk_window(parts *p, unsigned threads)
{
    if (threads > 2) {
        uint64_t page = mms_page_size();
        uint64_t walk = 2 * p->plan.window / threads / page * page;
        p->plan.window = walk < page ? page : walk;
    }
}

static bool alloc_slots(parts *p)
{
    p->slots = calloc(p->nslots, sizeof *p->slots);
    p->done_at = malloc(p->nprocs * sizeof *p->done_at);
    if (!p->slots || !p->done_at)
        return false;
    for (size_t i = 0; i < p->nprocs; i++)
        p->done_at[i] = UINT64_MAX;
    for (size_t j = 0; j < p->nslots; j++) {
        p->slots[j].states = calloc(p->nprocs, sizeof *p->slots[j].states);
        p->slots[j].done = calloc(p->nprocs, sizeof *p->slots[j].done);
        if (!p->slots[j].states || !p->slots[j].done)
            return false;
    }
    return true;
}

static void free_slots(parts *p)
{
    for (size_t j = 0; p->slots && j < p->nslots; j++) {
        if (p->slots[j].states)
            mms_part_states_free(p->procs, p->nprocs, p->slots[j].states);
        free(p->slots[j].states);
        free(p->slots[j].done);
    }
    free(p->slots);
    free(p->done_at);
}

int mms_scan_parts(const mms_walk_plan *plan, mms_processor *const *procs,
                   const size_t *overlaps, size_t nprocs, unsigned threads,
                   mms_engine *progress, mms_walk_counters *counters, uint64_t *nparts,
                   mms_error *err)
{
    parts p = {.plan = *plan, .procs = procs, .overlaps = overlaps, .nprocs = nprocs,
               .progress = progress, .make_limit = UINT64_MAX, .counters = counters};
    p.plan.prefetch_thread = false; /* each thread maps its own windows */
    *nparts = 0;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (p.plan.end <= p.plan.begin)
        return 0;
    cut_parts(&p, threads, part_unit(procs, nprocs));
    if (threads > p.nparts)
        threads = (unsigned)p.nparts;
    set_walk_window(&p, threads);
    *nparts = p.nparts;
    p.nslots = (size_t)threads * SLOTS_PER_THREAD + 1;
    atomic_init(&p.stop, false);
    if (!alloc_slots(&p)) {
        free_slots(&p);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    pthread_mutex_lock(&p.lock);
    make_part(&p, 0);
    pthread_mutex_unlock(&p.lock);

    /* A thread that cannot be started leaves its parts to the others. */
    pthread_t helpers[MAX_THREADS];
    unsigned started = 0;
    while (started + 1 < threads && pthread_create(&helpers[started], NULL, worker, &p) == 0)
        started++;
    worker(&p);
    for (unsigned i = 0; i < started; i++)
        pthread_join(helpers[i], NULL);
    /* Parts made but not fed, after a failure: failed parts. */
    for (uint64_t k = p.taken; k < p.made; k++)
        mms_part_states_end(procs, nprocs, p.slots[k % p.nslots].states, true);

    if (p.rc < 0 && err)
        *err = p.err;
    free_slots(&p);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.lock);
    return p.rc;
}
