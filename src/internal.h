/*
 * internal.h - declarations shared by the library's own sources.
 * Nothing here is part of the public interface (include/mmscan.h).
 */
#ifndef MMSCAN_INTERNAL_H
#define MMSCAN_INTERNAL_H

#ifndef MMSCAN_BUILDING_LIBRARY
#error "internal.h is private to libmmscan; include <mmscan.h> instead"
#endif

#include "mmscan.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>

/* ---- errors (error.c) ---- */

/* Fills err (if not NULL) and returns code. */
int mms_error_set(mms_error *err, int code, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Same, for a failed system call: the message is strerror(sys_errno). */
int mms_error_sys(mms_error *err, int code, int sys_errno);

/* ---- processors (processor.c) ---- */

struct mms_processor {
    const mms_processor_ops *ops;
    void *self;
    bool attached;
};

/* The overlap a processor asks for (0 when ops->overlap is NULL). */
size_t mms_processor_overlap(const mms_processor *proc);

/* Returns rc, what a member of proc (chunk, merge or finish) returned
 * after it was given said, cleared; on a failure, err gets what it said,
 * or rc and a message naming proc when it said nothing: no failure reaches
 * the caller without its error, and a success leaves err untouched. */
int mms_processor_outcome(const mms_processor *proc, int rc, const mms_error *said, mms_error *err);

/* ---- inputs (source.c) ---- */

/* An open input and how it must be read. */
typedef struct mms_source {
    int fd;
    bool owns_fd;
    mms_input_mode mode;
    uint64_t size;  /* bytes to map (MMS_INPUT_MAP only) */
} mms_source;

/* Opens path ("-" for stdin, "shm:NAME") and picks the input mode. */
int mms_source_open(mms_source *src, const char *path, mms_error *err);
/* Same, for a descriptor the caller keeps. */
int mms_source_from_fd(mms_source *src, int fd, mms_error *err);
void mms_source_close(mms_source *src);

/* ---- the SIGBUS guard (guard.c) ---- */

/* Installs the process-wide SIGBUS handler once.  Returns 0 or MMS_EIO. */
int mms_guard_install(mms_error *err);

/* A function run under the guard. */
typedef int (*mms_guarded_fn)(void *arg, mms_error *err);

/*
 * Calls fn(arg, err) with the mapping [base, base + len) guarded: a SIGBUS
 * for an address in it on this thread makes the call return MMS_ETRUNCATED.
 * Calls nest: fn may guard another mapping (an output it writes).
 */
int mms_guard_run(const void *base, size_t len, mms_guarded_fn fn, void *arg, mms_error *err);

/* The error a SIGBUS in a guarded call becomes: MMS_ETRUNCATED, "file
 * truncated while being scanned", for work that learns of one otherwise
 * (on another thread). */
int mms_guard_truncated(mms_error *err);

/* ---- a helper thread (helper.c) ---- */

/* A job for the helper: it reads and writes only what its owner leaves
 * alone until mms_helper_wait() returns. */
typedef void (*mms_job_fn)(void *arg);

/* A thread that runs jobs for one owner thread, one at a time. */
typedef struct mms_helper {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    mms_job_fn job;       /* handed over and not finished, or NULL */
    void *arg;
    bool started;         /* mms_helper_start() ran, mms_helper_stop() not yet */
    bool threaded;        /* jobs run on the thread (else at once, inline) */
    bool quit;
} mms_helper;

/* Starts the thread; if it cannot be made, jobs run inline instead. */
void mms_helper_start(mms_helper *h);

/* Waits for the job handed over before, then hands job(arg) over. */
void mms_helper_run(mms_helper *h, mms_job_fn job, void *arg);

/* Waits until the job handed over last has finished. */
void mms_helper_wait(mms_helper *h);

/* Lets the last job finish and ends the thread.  Accepts a zeroed helper
 * or one stopped already. */
void mms_helper_stop(mms_helper *h);

/* ---- mapped windows (window.c) ---- */

/* The settings of one walk over a mapped range. */
typedef struct mms_walk_plan {
    int fd;
    uint64_t begin, end;  /* the new bytes to deliver: [begin, end) */
    uint64_t window;      /* new bytes per window, a multiple of the page size */
    size_t overlap;       /* bytes before each window's new bytes to include */
    mms_advice advice;
    bool populate;        /* fault the whole window in before handing it out */
    bool prefetch_thread; /* map (and populate) the next window on a helper
                             thread while the current one is processed */
} mms_walk_plan;

/* One mapped window. */
typedef struct mms_window {
    void *map;            /* what mmap returned (page-aligned) */
    size_t map_len;
    mms_chunk chunk;      /* the bytes inside the map that the processors see */
} mms_window;

/* Counters of a walk, added to the scan's info. */
typedef struct mms_walk_counters {
    uint64_t map_calls;
    uint64_t bytes_mapped;
    uint64_t chunks;
    uint64_t bytes;       /* new bytes delivered */
} mms_walk_counters;

/* Called for each window in order.  A negative return stops the walk,
 * which returns it; MMS_WALK_STOP stops the walk cleanly: it returns 0. */
typedef int (*mms_window_fn)(void *ctx, const mms_window *win, mms_error *err);
#define MMS_WALK_STOP 1

/* Whether fd can be mapped at all (some files and devices refuse mmap). */
bool mms_can_map(int fd);

/* Maps [plan->begin, plan->end) window by window and calls fn on each. */
int mms_walk_mapped(const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                    mms_walk_counters *counters, mms_error *err);

/* Maps the window of plan whose new bytes start at new_begin (counted in
 * counters) and applies the plan's advice; mms_window_unmap() undoes it. */
int mms_window_map(const mms_walk_plan *plan, uint64_t new_begin, mms_window *win,
                   mms_walk_counters *counters, mms_error *err);
void mms_window_unmap(mms_window *win);

/* ---- feeding processors (feed.c) ---- */

/* What one walk feeds: a set of processor states. */
typedef struct mms_feed {
    mms_processor *const *procs;
    void **states;          /* the state each processor uses in this walk */
    const size_t *overlaps; /* the overlap each processor asked for */
    size_t nprocs;
    bool *done;             /* done[i]: states[i] returned MMS_PROC_DONE */
    size_t ndone;           /* how many are done; all: the walk stops */
    bool guarded;           /* the windows are mapped: guard against SIGBUS */
    bool whole_windows;     /* each processor (or pair) gets the whole window in turn */
    atomic_bool *stop;      /* set when another walk fails, or NULL */
    mms_engine *progress;   /* counts the new bytes of each window, or NULL */
} mms_feed;

/* Feeds two processor states, a and b, the same chunk in one pass over it.
 * Returns 0, or a failure (< 0) with *failed set to which of the two it
 * is (0: a, 1: b) and err filled. */
typedef int (*mms_pair_fn)(void *a, void *b, const mms_chunk *chunk, size_t *failed,
                           mms_error *err);

/* The function that feeds states of first and second (in this order) in
 * one pass, or NULL when they have none (proc/count_and_hash.c). */
mms_pair_fn mms_pair_for(const mms_processor *first, const mms_processor *second);

/* An mms_window_fn (ctx: an mms_feed): feeds every state that is not done
 * the window's new bytes and the overlap it asked for.  Returns
 * MMS_WALK_STOP once all are done or when *stop is set. */
int mms_feed_window(void *ctx, const mms_window *win, mms_error *err);

/* ---- the states of one part of a split scan (part_states.c) ---- */

/* Makes states[0 .. n): the processors' own for the first part of a scan
 * (first), split() ones after it.  0, or MMS_ENOMEM with none left. */
int mms_part_states_make(mms_processor *const *procs, size_t n, bool first, void **states,
                         mms_error *err);

/* Tells every processor that has asked (abi 2, part_end) that its part is
 * over; on the thread that fed the part, unless it was never fed. */
void mms_part_states_end(mms_processor *const *procs, size_t n, void *const *states,
                         bool failed);

/* Merges a later part into the processors' own states; 0 or the first
 * failure. */
int mms_part_states_merge(mms_processor *const *procs, size_t n, void *const *states,
                          mms_error *err);

/* Destroys the split() states (never a processor's own); empties states. */
void mms_part_states_free(mms_processor *const *procs, size_t n, void **states);

/* Part k ended with done[i] set for the processors done in it; done_at[i]
 * keeps each one's first such part (UINT64_MAX: none yet).  Returns how
 * many parts are wanted: one past the last done_at once every processor
 * has one (a part after it adds nothing its processor wants), else
 * UINT64_MAX. */
uint64_t mms_part_states_note_done(uint64_t *done_at, size_t n, const bool *done, uint64_t k);

/* ---- scans (engine.c, parts.c, lanes.c) ---- */

/* Adds bytes to the scan's progress and reports it (thread-safe). */
void mms_engine_count_progress(mms_engine *engine, uint64_t bytes);

/*
 * Scans [plan->begin, plan->end) of a mapped input whose processors are all
 * splittable, cut into parts of whole windows of plan->window that up to
 * threads threads take in input order, walk (in smaller windows when there
 * are more than two threads) and merge as the scan goes (see parts.c).
 * plan's prefetch_thread is ignored.  *nparts is set to the number of
 * parts; progress (or NULL) counts every window fed.
 */
int mms_scan_parts(const mms_walk_plan *plan, mms_processor *const *procs,
                   const size_t *overlaps, size_t nprocs, unsigned threads,
                   mms_engine *progress, mms_walk_counters *counters, uint64_t *nparts,
                   mms_error *err);

/*
 * Scans [plan->begin, plan->end) of a mapped input in lanes (see lanes.c):
 * each processor that needs the input in order is a lane fed its own state
 * every window in order; the splittable ones share a part per window.
 * Lanes and parts run on up to threads threads at once, and each window is
 * mapped once and unmapped when every lane is past it and its part merged.
 * plan's prefetch_thread is ignored.  *nparts is set to the number of
 * parts (1 without splittable processors); progress (or NULL) counts
 * released windows.
 */
int mms_scan_lanes(const mms_walk_plan *plan, mms_processor *const *procs,
                   const size_t *overlaps, size_t nprocs, unsigned threads,
                   mms_engine *progress, mms_walk_counters *counters, uint64_t *nparts,
                   mms_error *err);

/* ---- streamed input (stream.c) ---- */

/* Reads fd to its end in chunks of window new bytes plus overlap, calling fn. */
int mms_walk_stream(int fd, uint64_t window, size_t overlap, mms_window_fn fn, void *ctx,
                    mms_walk_counters *counters, mms_error *err);

/* ---- decompressed input (zstd_source.c) ---- */

/* Whether a scan of src decompresses it: always under MMS_DECOMPRESS_ZSTD;
 * under AUTO when its first bytes are a zstd magic number. */
bool mms_zstd_source_applies(const mms_source *src, mms_decompress how);

/* Walks the content of the zstd input src (read as src->mode says) in
 * windows of plan->window new bytes plus plan->overlap, calling fn. */
int mms_walk_zstd(const mms_source *src, const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                  mms_walk_counters *counters, mms_error *err);

/* ---- scanning kernels ---- */

/* How far ahead of the bytes a streaming kernel (word count, literal
 * search) works on it asks for its data (__builtin_prefetch): the
 * hardware prefetcher alone leaves the core waiting on memory or the
 * shared cache (wc and a literal search on one thread each ran about 15%
 * faster with it).  A hint past the end of the input is harmless. */
#define MMS_PREFETCH_AHEAD 2048

/* ---- misc (util.c) ---- */

/* The system page size. */
size_t mms_page_size(void);

/* The number of online CPUs (at least 1). */
unsigned mms_online_cpus(void);

/* one when n is 1, else many: "1 byte", "2 bytes". */
const char *mms_plural(uint64_t n, const char *one, const char *many);

/* ---- POSIX shared memory names (shm.c) ---- */

/* Turns NAME (from "shm:NAME", one optional leading '/') into the name
 * shm_open() takes, "/NAME", in out[size].  Returns 0 or MMS_EINVAL. */
int mms_shm_path(const char *name, char *out, size_t size, mms_error *err);

/* ---- writable windows of a file (writable_window.c) ---- */

/* A writable MAP_SHARED window of a file. */
typedef struct mms_writable_window {
    unsigned char *data;  /* NULL: none */
    uint64_t offset;      /* file offset of data[0] (page-aligned) */
    size_t len;
} mms_writable_window;

/* Maps [offset, offset + len) of fd (open for reading and writing) shared
 * and writable.  MMS_EIO (message strerror, err->offset: offset), win then
 * holds none. */
int mms_writable_map(mms_writable_window *win, int fd, uint64_t offset, size_t len,
                     mms_error *err);

/*
 * Calls fill(arg, err) with [data, data + len), a window or part of one,
 * guarded: a SIGBUS there (the file shrank, or its disk filled up when a
 * page was first written) makes it return MMS_ETRUNCATED, "output shrank or
 * its disk filled up while being written (near offset NEAR)".  Otherwise
 * returns what fill returns.
 */
int mms_writable_fill(const void *data, size_t len, mms_guarded_fn fill, void *arg,
                      uint64_t near, mms_error *err);

/* msync(MS_SYNC)s the window: its bytes are on the disk when it returns 0.
 * MMS_EIO (message strerror, err->offset: the window's offset). */
int mms_writable_sync(const mms_writable_window *win, mms_error *err);

/* Unmaps the window (dirty pages stay in the page cache).  Accepts none. */
void mms_writable_unmap(mms_writable_window *win);

/* ---- writing an output through windows (write_window.c) ---- */

/* Where the bytes of an output come from. */
typedef struct mms_write_source {
    void *ctx;
    /* Fills buf with the len bytes of the output at offset.  Called from
     * several threads at once, for disjoint ranges. */
    int (*fill)(void *ctx, uint64_t offset, unsigned char *buf, size_t len, mms_error *err);
    /* Optional (NULL: the output has no holes).  Sets [*begin, *end) to the
     * first range of data that ends after offset and returns true, or
     * returns false when only holes follow.  Holes are never written. */
    bool (*next_data)(void *ctx, uint64_t offset, uint64_t *begin, uint64_t *end);
} mms_write_source;

/* How one output is written. */
typedef struct mms_write_plan {
    int fd;               /* open for reading and writing, already plan->size long */
    uint64_t size;
    uint64_t window;      /* bytes per unit of work, a multiple of the page size */
    unsigned threads;     /* 0: one per online CPU */
    mms_write_method method; /* MMS_WRITE_AUTO is resolved by the caller */
} mms_write_plan;

/*
 * Writes [0, plan->size) of plan->fd from src, window by window on
 * plan->threads threads, and makes it durable: MMS_WRITE_MAP maps each
 * window MAP_SHARED and writable, fills it in place and msyncs it
 * (MS_SYNC) before unmapping it; MMS_WRITE_PWRITE fills a buffer and
 * pwrite()s it, then fdatasync()s the file.  Returns 0, the first error of
 * src->fill, MMS_EIO (write, map or sync failed; sys_errno ENOSPC on a full
 * disk), MMS_ETRUNCATED (the file shrank under a mapped window), MMS_ENOMEM
 * or MMS_ETHREAD.
 */
int mms_write_output(const mms_write_plan *plan, const mms_write_source *src, mms_error *err);
#endif /* MMSCAN_INTERNAL_H */
