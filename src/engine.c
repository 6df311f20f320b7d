/*
 * engine.c - the single pass: every attached processor sees every window.
 *
 * Three ways to walk a mapped input, chosen per scan:
 * - parts (parts.c): when every processor is splittable and several
 *   threads are allowed, the input is cut into contiguous parts of whole
 *   windows that the threads take in input order, each walked by one thread
 *   with its own processor states, and merged in input order as the scan
 *   goes;
 * - lanes (lanes.c): when some processor needs the input in order and there
 *   are several processors and threads, each ordered processor walks the
 *   shared windows in order, and the splittable ones take each window as a
 *   part, on whichever thread is free;
 * - whole: otherwise, the calling thread walks the input once (with a
 *   prefetch thread under MMS_ADVICE_AUTO).  Streams and compressed inputs
 *   are always walked whole.
 * A walk stops early, cleanly, once every state it feeds has returned
 * MMS_PROC_DONE (feed.c hands each window to the states).
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WINDOW ((uint64_t)1 << 40)
/* The largest window of a scan with lanes. */
#define LANE_WINDOW ((uint64_t)4 << 20)

struct mms_engine {
    uint64_t window;
    mms_advice advice;
    unsigned threads;       /* 0: one per online CPU */
    mms_decompress decompress;
    mms_processor **procs;
    size_t *overlaps;       /* overlaps[i]: what procs[i] asks for, this scan */
    size_t nprocs;
    mms_scan_info info;
    mms_progress_fn progress;  /* NULL: no progress reports */
    void *progress_ctx;
    uint64_t progress_total;   /* this scan's size, 0 when unknown */
    atomic_uint_least64_t progress_done;
};

void mms_engine_count_progress(mms_engine *engine, uint64_t bytes)
{
    /* Scan threads count at once: the sum is atomic. */
    uint64_t done = atomic_fetch_add_explicit(&engine->progress_done, bytes, memory_order_relaxed) + bytes;
    engine->progress(engine->progress_ctx, MMS_PROGRESS_WINDOW, done, engine->progress_total);
}

int mms_advice_parse(const char *name, mms_advice *out, mms_error *err)
{
    static const char *const names[] = {
        [MMS_ADVICE_AUTO] = "auto",         [MMS_ADVICE_SEQUENTIAL] = "sequential",
        [MMS_ADVICE_WILLNEED] = "willneed", [MMS_ADVICE_RANDOM] = "random",
        [MMS_ADVICE_NONE] = "none",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (mms_advice)i;
            return 0;
        }
    }
    return mms_error_set(err, MMS_EINVAL, 0,
                         "invalid advice '%s' (auto, sequential, willneed, random or none)", name);
}

int mms_engine_new(mms_engine **out, mms_error *err)
{
    mms_engine *engine = calloc(1, sizeof *engine);
    *out = engine;
    if (!engine)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    engine->window = MMS_DEFAULT_WINDOW;
    engine->advice = MMS_ADVICE_AUTO;
    return 0;
}

void mms_engine_free(mms_engine *engine)
{
    if (!engine)
        return;
    mms_engine_clear(engine);
    free(engine->procs);
    free(engine->overlaps);
    free(engine);
}

int mms_engine_set_window(mms_engine *engine, uint64_t bytes, mms_error *err)
{
    size_t page = mms_page_size();
    if (bytes < page || bytes > MAX_WINDOW)
        return mms_error_set(err, MMS_EINVAL, 0,
                             "window of %llu bytes out of range (%zu bytes to 1 TiB)",
                             (unsigned long long)bytes, page);
    engine->window = (bytes + page - 1) / page * page;
    return 0;
}

uint64_t mms_engine_get_window(const mms_engine *engine)
{
    return engine->window;
}

void mms_engine_set_advice(mms_engine *engine, mms_advice advice)
{
    engine->advice = advice;
}

void mms_engine_set_threads(mms_engine *engine, unsigned threads)
{
    engine->threads = threads;
}

void mms_engine_set_decompress(mms_engine *engine, mms_decompress how)
{
    engine->decompress = how;
}

int mms_engine_add(mms_engine *engine, mms_processor *proc, mms_error *err)
{
    if (proc->attached)
        return mms_error_set(err, MMS_EBUSY, 0, "processor '%s' is already attached",
                             proc->ops->name ? proc->ops->name : "?");
    size_t n = engine->nprocs + 1;
    mms_processor **procs = realloc(engine->procs, n * sizeof *procs);
    if (procs)
        engine->procs = procs;
    size_t *overlaps = realloc(engine->overlaps, n * sizeof *overlaps);
    if (overlaps)
        engine->overlaps = overlaps;
    if (!procs || !overlaps)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    engine->procs[engine->nprocs++] = proc;
    proc->attached = true;
    return 0;
}

void mms_engine_clear(mms_engine *engine)
{
    for (size_t i = 0; i < engine->nprocs; i++)
        engine->procs[i]->attached = false;
    engine->nprocs = 0;
}

void mms_engine_get_info(const mms_engine *engine, mms_scan_info *out)
{
    *out = engine->info;
}

void mms_engine_set_progress(mms_engine *engine, mms_progress_fn fn, void *ctx)
{
    engine->progress = fn;
    engine->progress_ctx = ctx;
}

/* Asks every processor for its overlap; returns the largest. */
static size_t engine_overlap(mms_engine *engine)
{
    size_t overlap = 0;
    for (size_t i = 0; i < engine->nprocs; i++) {
        engine->overlaps[i] = mms_processor_overlap(engine->procs[i]);
        if (engine->overlaps[i] > overlap)
            overlap = engine->overlaps[i];
    }
    return overlap;
}

static unsigned engine_threads(const mms_engine *engine)
{
    return engine->threads ? engine->threads : mms_online_cpus();
}

static void counters_add(mms_scan_info *info, const mms_walk_counters *c)
{
    info->map_calls += c->map_calls;
    info->bytes_mapped += c->bytes_mapped;
    info->chunks += c->chunks;
    info->bytes += c->bytes;
}

/* Whether a mapped input of size bytes is cut into parts: every processor
 * is splittable, and there are threads and windows for more than one. */
static bool engine_splits(const mms_engine *engine, uint64_t size)
{
    for (size_t i = 0; i < engine->nprocs; i++)
        if (!(engine->procs[i]->ops->flags & MMS_PROC_SPLITTABLE) ||
            (engine->procs[i]->ops->flags & MMS_PROC_ORDERED))
            return false;
    return engine->nprocs > 0 && engine_threads(engine) > 1 && size > engine->window;
}

/*
 * Scans the whole input on the calling thread with the processors' own
 * states: a mapped input through plan (plus its prefetch thread), a stream
 * through read(), a compressed input through its decoder.
 */
static int scan_whole(mms_engine *engine, const mms_source *src, const mms_walk_plan *plan,
                      bool decompress, mms_error *err)
{
    size_t n = engine->nprocs ? engine->nprocs : 1;
    void **states = calloc(n, sizeof *states);
    bool *done = calloc(n, sizeof *done);
    if (!states || !done) {
        free(states);
        free(done);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < engine->nprocs; i++)
        states[i] = engine->procs[i]->self;
    bool mapped = src->mode == MMS_INPUT_MAP;
    mms_feed f = {.procs = engine->procs, .states = states, .overlaps = engine->overlaps,
              .nprocs = engine->nprocs, .done = done,
              .guarded = mapped && !decompress, .stop = NULL,
              .progress = engine->progress ? engine : NULL};
    mms_walk_counters counters = {0};
    int rc = decompress ? mms_walk_zstd(src, plan, mms_feed_window, &f, &counters, err)
             : mapped   ? mms_walk_mapped(plan, mms_feed_window, &f, &counters, err)
                        : mms_walk_stream(src->fd, plan->window, plan->overlap, mms_feed_window, &f,
                                          &counters, err);
    counters_add(&engine->info, &counters);
    free(states);
    free(done);
    return rc;
}

/* Tells every processor that has asked (abi 3, spare_threads) how many of
 * the engine's threads stay idle during the coming scan: all but one when a
 * single processor is fed on one thread, else none. */
static void offer_spare_threads(const mms_engine *engine, bool split)
{
    unsigned spare = !split && engine->nprocs == 1 ? engine_threads(engine) - 1 : 0;
    for (size_t i = 0; i < engine->nprocs; i++) {
        const mms_processor_ops *ops = engine->procs[i]->ops;
        if (ops->abi >= 3 && ops->spare_threads)
            ops->spare_threads(engine->procs[i]->self, spare);
    }
}

static int finish_all(mms_engine *engine, mms_error *err)
{
    for (size_t i = 0; i < engine->nprocs; i++) {
        mms_processor *proc = engine->procs[i];
        if (proc->ops->finish) {
            mms_error said;
            mms_error_clear(&said);
            int rc = mms_processor_outcome(proc, proc->ops->finish(proc->self, &said), &said, err);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/*
 * Whether a mapped regular file shrank during the scan.  A SIGBUS tells of
 * it where a window maps the file, but a window inside a hole is zeros
 * that no longer depend on the file (see window.c): the end of the scan
 * checks the size instead.
 */
static int check_not_shrunk(const mms_source *src, mms_error *err)
{
    struct stat st;
    if (fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < src->size)
        return mms_guard_truncated(err);
    return 0;
}

static int scan_source(mms_engine *engine, mms_source *src, mms_error *err)
{
    size_t overlap = engine_overlap(engine);
    memset(&engine->info, 0, sizeof engine->info);
    engine->info.parts = 1;

    if (src->mode == MMS_INPUT_MAP && !mms_can_map(src->fd)) {
        /* mmap refused (ENODEV, EINVAL, ...): read the file instead. */
        if (lseek(src->fd, 0, SEEK_SET) < 0)
            return mms_error_sys(err, MMS_EIO, errno);
        src->mode = MMS_INPUT_STREAM;
    }
    /* Looking for holes moves the offset of a mapped file (see window.c):
     * the caller's descriptor gets it back. */
    off_t caller_offset = src->mode == MMS_INPUT_MAP ? lseek(src->fd, 0, SEEK_CUR) : -1;
    bool decompress = mms_zstd_source_applies(src, engine->decompress);
    engine->info.mode = decompress ? MMS_INPUT_ZSTD : src->mode;
    if (engine->progress) {
        /* Done counts the bytes fed: decompressed ones have no size known
         * beforehand, as a pipe's have not. */
        engine->progress_total = src->mode == MMS_INPUT_MAP && !decompress ? src->size : 0;
        atomic_store(&engine->progress_done, 0);
        engine->progress(engine->progress_ctx, MMS_PROGRESS_START, 0, engine->progress_total);
    }

    mms_walk_plan plan = {
        .fd = src->fd, .begin = 0, .end = src->size, .window = engine->window,
        .overlap = overlap, .advice = engine->advice,
        .populate = engine->advice == MMS_ADVICE_AUTO,
        .prefetch_thread = engine->advice == MMS_ADVICE_AUTO,
    };
    bool mapped = src->mode == MMS_INPUT_MAP && !decompress;
    bool split = mapped && engine_splits(engine, src->size);
    offer_spare_threads(engine, split);
    int rc = src->mode == MMS_INPUT_MAP ? mms_guard_install(err) : 0;
    bool lanes = mapped && !split && engine->nprocs > 1 && engine_threads(engine) > 1;
    mms_walk_counters counters = {0};
    uint64_t nparts = 1;
    if (rc == 0 && split) {
        rc = mms_scan_parts(&plan, engine->procs, engine->overlaps, engine->nprocs,
                            engine_threads(engine), engine->progress ? engine : NULL, &counters,
                            &nparts, err);
    } else if (rc == 0 && lanes) {
        /* Some processor needs the input in order: lanes.  Threads read each
         * window one after the other: windows small enough that the ones in
         * flight stay in the CPU's last-level cache make every read after
         * the first come from there, not from memory. */
        if (plan.window > LANE_WINDOW)
            plan.window = LANE_WINDOW;
        rc = mms_scan_lanes(&plan, engine->procs, engine->overlaps, engine->nprocs,
                            engine_threads(engine), engine->progress ? engine : NULL, &counters,
                            &nparts, err);
    } else if (rc == 0) {
        rc = scan_whole(engine, src, &plan, decompress, err);
    }
    engine->info.parts = nparts > UINT_MAX ? UINT_MAX : (unsigned)nparts;
    counters_add(&engine->info, &counters);
    if (caller_offset >= 0)
        lseek(src->fd, caller_offset, SEEK_SET);
    if (rc == 0 && src->mode == MMS_INPUT_MAP)
        rc = check_not_shrunk(src, err);
    if (rc == 0)
        rc = finish_all(engine, err);
    if (engine->progress)
        engine->progress(engine->progress_ctx, MMS_PROGRESS_END, atomic_load(&engine->progress_done),
                         engine->progress_total);
    return rc;
}

int mms_engine_scan_fd(mms_engine *engine, int fd, mms_error *err)
{
    /* A caller may pass no error; the engine's parts and the processors
     * always get one to fill. */
    mms_error ignored;
    if (!err)
        err = &ignored;
    mms_source src;
    int rc = mms_source_from_fd(&src, fd, err);
    if (rc == 0)
        rc = scan_source(engine, &src, err);
    return rc;
}

int mms_engine_scan_path(mms_engine *engine, const char *path, mms_error *err)
{
    mms_error ignored; /* as in mms_engine_scan_fd() */
    if (!err)
        err = &ignored;
    mms_source src;
    int rc = mms_source_open(&src, path, err);
    if (rc < 0)
        return rc;
    rc = scan_source(engine, &src, err);
    /* Standard input is read to its end, as by any reader, also when it
     * is a mapped file: what reads it next gets what follows. */
    if (rc == 0 && strcmp(path, "-") == 0 && src.mode == MMS_INPUT_MAP)
        lseek(src.fd, (off_t)src.size, SEEK_SET);
    mms_source_close(&src);
    return rc;
}
