/*
 * check_engine.c - the engine: windows, overlap, strategies, threads,
 * one pass, errors, SIGBUS, memory.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define GIB (1024ull * 1024 * 1024)

/* ---- a processor that checks every promise the engine makes ---- */

typedef struct recorder {
    size_t want_overlap;
    bool check_bytes;          /* compare with tu_byte_at() */
    int truncate_fd;           /* >= 0: truncate it to 0 during the first chunk */
    uint64_t truncate_from;    /* ... whose new bytes begin here or later */
    uint64_t done_after;       /* > 0: return MMS_PROC_DONE after this many chunks */
    uint64_t done_on;          /* > 0: return MMS_PROC_DONE on the chunk whose new bytes hold it */
    bool is_part;              /* made by split() */
    uint64_t fail_after;       /* > 0: fail with MMS_EPROC after this many chunks */
    uint64_t fail_at;          /* > 0: fail with MMS_EPROC when new bytes begin here */
    bool one_thread;           /* a part: every chunk must come from one thread */
    atomic_bool busy;          /* inside chunk(): a second call at once is a fault */
    bool done;                 /* it returned MMS_PROC_DONE */
    uint64_t begin, end;       /* the new bytes seen, contiguous */
    bool started, finished;
    uint64_t chunks;
    pthread_t thread;          /* the thread of the chunks, once started */
    unsigned ends;             /* part_end() calls */
    bool end_failed;           /* what the last part_end() said */
    uint64_t part_unit;        /* what part_unit() asks for: parts begin at its multiples */
    unsigned offers;           /* spare_threads() calls */
    unsigned spare;            /* what the last one offered */
    char fault[160];           /* the first broken promise, or "" */
} recorder;

static void note_fault(recorder *r, const char *what, uint64_t offset)
{
    if (!r->fault[0])
        snprintf(r->fault, sizeof r->fault, "%s at offset %llu", what, (unsigned long long)offset);
}

static size_t rec_overlap(const void *self)
{
    return ((const recorder *)self)->want_overlap;
}

static int rec_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    recorder *r = self;
    uint64_t new_begin = c->offset + c->overlap;
    if (atomic_exchange(&r->busy, true))
        note_fault(r, "two chunks at once", new_begin);
    uint64_t expect_overlap = new_begin < r->want_overlap ? new_begin : r->want_overlap;
    if (c->overlap != expect_overlap)
        note_fault(r, "wrong overlap", new_begin);
    if (c->overlap >= c->len)
        note_fault(r, "chunk without new bytes", new_begin);
    if (r->started && new_begin != r->end)
        note_fault(r, "gap or repeat", new_begin);
    if (r->started && r->one_thread && !pthread_equal(r->thread, pthread_self()))
        note_fault(r, "a part's chunks on two threads", new_begin);
    if (r->ends)
        note_fault(r, "chunk after part_end", new_begin);
    if (r->done)
        note_fault(r, "chunk after MMS_PROC_DONE", new_begin);
    if (!r->started && r->part_unit > 1 && new_begin % r->part_unit != 0)
        note_fault(r, "a part begins off its unit", new_begin);
    if (!r->started) {
        r->begin = new_begin;
        r->thread = pthread_self();
        r->started = true;
    }
    r->end = c->offset + c->len;
    r->chunks++;
    if (r->truncate_fd >= 0 && new_begin >= r->truncate_from) {
        ck_assert_int_eq(ftruncate(r->truncate_fd, 0), 0);
        r->truncate_fd = -1;
    }
    if (r->check_bytes) {
        for (size_t i = 0; i < c->len; i++) {
            if (c->data[i] != tu_byte_at(c->offset + i)) {
                note_fault(r, "wrong byte", c->offset + i);
                break;
            }
        }
    } else {
        volatile unsigned char sink = 0;
        for (size_t i = 0; i < c->len; i += 4096)
            sink ^= c->data[i];
        (void)sink;
    }
    r->done = (r->done_after > 0 && r->chunks >= r->done_after) ||
              (r->done_on > 0 && new_begin <= r->done_on && r->done_on < c->offset + c->len);
    atomic_store(&r->busy, false);
    if ((r->fail_after > 0 && r->chunks >= r->fail_after) ||
        (r->fail_at > 0 && new_begin == r->fail_at))
        return mms_error_set(err, MMS_EPROC, 0, "recorder fails at offset %llu",
                             (unsigned long long)new_begin);
    return r->done ? MMS_PROC_DONE : 0;
}

/* split() states that exist, and the most that existed at once. */
static atomic_uint live_parts, most_live_parts;

static void *rec_split(const void *self)
{
    const recorder *model = self;
    recorder *r = calloc(1, sizeof *r);
    r->want_overlap = model->want_overlap;
    r->check_bytes = model->check_bytes;
    r->truncate_fd = -1;
    r->done_after = model->done_after;
    r->done_on = model->done_on;
    r->fail_at = model->fail_at;
    r->part_unit = model->part_unit;
    r->one_thread = true;
    r->is_part = true;
    unsigned now = atomic_fetch_add(&live_parts, 1) + 1;
    for (unsigned most = atomic_load(&most_live_parts);
         now > most && !atomic_compare_exchange_weak(&most_live_parts, &most, now);)
        ;
    return r;
}

static void rec_destroy(void *self)
{
    recorder *r = self;
    if (r->is_part)
        atomic_fetch_sub(&live_parts, 1);
    free(r);
}

static int rec_merge(void *self, void *other, mms_error *err)
{
    (void)err;
    recorder *r = self, *part = other;
    if (part->fault[0] && !r->fault[0])
        memcpy(r->fault, part->fault, sizeof r->fault);
    if (r->ends != 1 || part->ends != 1 || part->end_failed)
        note_fault(r, "merge without one successful part_end", part->begin);
    if (!part->started)
        return 0;
    if (r->started && part->begin != r->end && !r->done)
        note_fault(r, "parts not adjacent", part->begin);
    if (!r->started)
        r->begin = part->begin;
    r->started = true;
    r->end = part->end;
    r->chunks += part->chunks;
    return 0;
}

static void rec_part_end(void *self, bool failed)
{
    recorder *r = self;
    if (r->started && !pthread_equal(r->thread, pthread_self()))
        note_fault(r, "part_end on another thread than the chunks", r->end);
    r->ends++;
    r->end_failed = failed;
}

static int rec_finish(void *self, mms_error *err)
{
    (void)err;
    ((recorder *)self)->finished = true;
    return 0;
}

static uint64_t rec_part_unit(const void *self)
{
    return ((const recorder *)self)->part_unit;
}

static void rec_spare_threads(void *self, unsigned count)
{
    recorder *r = self;
    r->offers++;
    r->spare = count;
}

static const mms_processor_ops ordered_recorder_ops = {
    .abi = MMS_PROCESSOR_ABI, .name = "recorder", .flags = MMS_PROC_ORDERED,
    .overlap = rec_overlap, .chunk = rec_chunk, .finish = rec_finish, .destroy = free,
    .spare_threads = rec_spare_threads,
};

static const mms_processor_ops split_recorder_ops = {
    .abi = MMS_PROCESSOR_ABI, .name = "recorder", .flags = MMS_PROC_SPLITTABLE,
    .overlap = rec_overlap, .chunk = rec_chunk, .split = rec_split, .merge = rec_merge,
    .finish = rec_finish, .destroy = rec_destroy, .part_end = rec_part_end,
    .spare_threads = rec_spare_threads, .part_unit = rec_part_unit,
};

static mms_processor *recorder_new(bool splittable, size_t overlap, bool check_bytes)
{
    recorder *r = calloc(1, sizeof *r);
    r->want_overlap = overlap;
    r->check_bytes = check_bytes;
    r->truncate_fd = -1;
    r->one_thread = splittable;
    mms_processor *proc;
    ck_assert_int_eq(mms_processor_new(&proc, splittable ? &split_recorder_ops : &ordered_recorder_ops,
                                       r, NULL), 0);
    return proc;
}

static recorder *rec_of(mms_processor *proc)
{
    return mms_processor_state(proc);
}

static mms_engine *engine_with(uint64_t window, unsigned threads, mms_advice advice)
{
    mms_engine *engine;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_threads(engine, threads);
    mms_engine_set_advice(engine, advice);
    return engine;
}

/* Scans path with one recorder and checks it saw [0, size) exactly once. */
static void check_coverage(const char *path, uint64_t size, uint64_t window, size_t overlap,
                           unsigned threads, mms_advice advice, bool splittable)
{
    mms_engine *engine = engine_with(window, threads, advice);
    mms_processor *proc = recorder_new(splittable, overlap, true);
    mms_error err;
    ck_assert_int_eq(mms_engine_add(engine, proc, &err), 0);
    int rc = mms_engine_scan_path(engine, path, &err);
    ck_assert_msg(rc == 0, "scan failed: %s", err.message);
    recorder *r = rec_of(proc);
    ck_assert_msg(r->fault[0] == '\0', "size %llu window %llu overlap %zu threads %u: %s",
                  (unsigned long long)size, (unsigned long long)window, overlap, threads, r->fault);
    ck_assert(r->finished);
    if (size == 0) {
        ck_assert(!r->started);
    } else {
        ck_assert_uint_eq(r->begin, 0);
        ck_assert_uint_eq(r->end, size);
    }
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_uint_eq(info.bytes, size);
    /* part_end: once per part in a split scan (merge checks the others). */
    ck_assert_uint_eq(r->ends, info.parts > 1 ? 1 : 0);
    ck_assert(!r->end_failed);
    mms_engine_free(engine);
    mms_processor_free(proc);
}

/* ---- tests ---- */

START_TEST(every_byte_once_at_every_edge)
{
    tu_enter_temp_dir();
    const uint64_t page = mms_page_size(), window = 4 * page;
    const uint64_t sizes[] = {0, 1, page - 1, page, page + 1, window - 1, window, window + 1,
                              3 * window + 5, 17 * window};
    const size_t overlaps[] = {0, 1, 100, (size_t)page + 3, (size_t)window * 2 + 1};
    const mms_advice advices[] = {MMS_ADVICE_AUTO, MMS_ADVICE_NONE, MMS_ADVICE_WILLNEED};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        char path[64];
        snprintf(path, sizeof path, "f%zu", s);
        tu_make_sparse(path, 0);
        tu_write_pattern(path, 0, sizes[s]);
        for (size_t o = 0; o < sizeof overlaps / sizeof overlaps[0]; o++)
            for (unsigned threads = 1; threads <= 3; threads++)
                for (size_t a = 0; a < sizeof advices / sizeof advices[0]; a++)
                    for (int split = 0; split < 2; split++)
                        check_coverage(path, sizes[s], window, overlaps[o], threads, advices[a],
                                       split);
    }
}
END_TEST

/* Feeds the engine through a pipe: the read() strategy, same promises. */
START_TEST(pipe_is_streamed_with_the_same_promises)
{
    const uint64_t page = mms_page_size();
    const uint64_t sizes[] = {0, 1, 4 * page - 1, 4 * page, 4 * page + 1, 40 * page + 7};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int fds[2];
        ck_assert_int_eq(pipe(fds), 0);
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
            close(fds[0]);
            for (uint64_t i = 0; i < sizes[s]; i++) {
                unsigned char b = tu_byte_at(i);
                if (write(fds[1], &b, 1) != 1)
                    _exit(1);
            }
            _exit(0);
        }
        close(fds[1]);
        mms_engine *engine = engine_with(4 * page, 2, MMS_ADVICE_AUTO);
        mms_processor *proc = recorder_new(true, 10, true);
        ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
        mms_error err;
        ck_assert_int_eq(mms_engine_scan_fd(engine, fds[0], &err), 0);
        recorder *r = rec_of(proc);
        ck_assert_msg(r->fault[0] == '\0', "%s", r->fault);
        ck_assert_uint_eq(r->started ? r->end : 0, sizes[s]);
        mms_scan_info info;
        mms_engine_get_info(engine, &info);
        ck_assert_int_eq(info.mode, MMS_INPUT_STREAM);
        ck_assert_uint_eq(info.map_calls, 0);
        ck_assert_uint_eq(info.bytes, sizes[s]);
        close(fds[0]);
        waitpid(child, NULL, 0);
        mms_engine_free(engine);
        mms_processor_free(proc);
    }
}
END_TEST

START_TEST(proc_files_of_size_zero_are_streamed)
{
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_AUTO);
    mms_processor *wc;
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "/proc/self/status", NULL), 0);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_int_eq(info.mode, MMS_INPUT_STREAM);
    mms_wc_counts counts;
    ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
    ck_assert_uint_gt(counts.lines, 5);
    ck_assert_uint_eq(counts.bytes, info.bytes);
    mms_engine_free(engine);
    mms_processor_free(wc);
}
END_TEST

/* Two processors attached: one pass, each window mapped once. */
START_TEST(two_processors_one_pass)
{
    tu_enter_temp_dir();
    const uint64_t window = 64 * KIB, size = 10 * window + 123;
    tu_write_pattern("data", 0, size);
    for (unsigned threads = 1; threads <= 2; threads++) {
        mms_engine *engine = engine_with(window, threads, MMS_ADVICE_AUTO);
        mms_processor *rec = recorder_new(true, 0, true), *wc;
        ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, rec, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, wc, NULL), MMS_EBUSY);
        ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
        mms_scan_info info;
        mms_engine_get_info(engine, &info);
        ck_assert_int_eq(info.mode, MMS_INPUT_MAP);
        ck_assert_uint_eq(info.parts, threads);
        ck_assert_uint_eq(info.map_calls, 11);
        ck_assert_uint_eq(info.bytes_mapped, size);
        ck_assert_uint_eq(info.chunks, 11);
        mms_wc_counts counts;
        ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
        ck_assert_uint_eq(counts.bytes, size);
        ck_assert_uint_eq(rec_of(rec)->end, size);
        mms_engine_free(engine);
        mms_processor_free(rec);
        mms_processor_free(wc);
    }
}
END_TEST

/* Scans "data" (10 windows) with a recorder done after one chunk and,
 * when other, a second recorder that is never done. */
static void scan_until_done(unsigned threads, mms_advice advice, bool splittable, bool other,
                            mms_scan_info *info)
{
    mms_engine *engine = engine_with(64 * KIB, threads, advice);
    mms_processor *done = recorder_new(splittable, 10, true);
    mms_processor *rest = other ? recorder_new(splittable, 0, true) : NULL;
    rec_of(done)->done_after = 1;
    ck_assert_int_eq(mms_engine_add(engine, done, NULL), 0);
    if (rest)
        ck_assert_int_eq(mms_engine_add(engine, rest, NULL), 0);
    mms_error err;
    int rc = mms_engine_scan_path(engine, "data", &err);
    ck_assert_msg(rc == 0, "scan failed: %s", err.message);
    mms_engine_get_info(engine, info);
    recorder *r = rec_of(done);
    ck_assert_msg(r->fault[0] == '\0', "%s", r->fault);
    ck_assert(r->finished);
    ck_assert_uint_eq(r->chunks, info->parts); /* one per part */
    ck_assert_uint_eq(r->ends, info->parts > 1 ? 1 : 0);
    ck_assert(!r->end_failed);
    if (rest) {
        ck_assert_msg(rec_of(rest)->fault[0] == '\0', "%s", rec_of(rest)->fault);
        ck_assert(rec_of(rest)->finished);
        ck_assert_uint_eq(rec_of(rest)->end, 10 * 64 * KIB);
    }
    mms_engine_free(engine);
    mms_processor_free(done);
    mms_processor_free(rest);
}

/* MMS_PROC_DONE from every processor stops the scan; it still succeeds. */
START_TEST(done_processors_stop_the_scan)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 10 * 64 * KIB);
    mms_scan_info info;
    /* The mapped walk, inline and with its prefetch thread (one window ahead). */
    scan_until_done(1, MMS_ADVICE_SEQUENTIAL, false, false, &info);
    ck_assert_uint_eq(info.chunks, 1);
    ck_assert_uint_eq(info.map_calls, 1);
    ck_assert_uint_eq(info.bytes, 64 * KIB);
    scan_until_done(1, MMS_ADVICE_AUTO, false, false, &info);
    ck_assert_uint_eq(info.chunks, 1);
    ck_assert_uint_le(info.map_calls, 2);
    ck_assert_uint_eq(info.bytes, 64 * KIB);
    /* Split: each part stops after its first window. */
    scan_until_done(2, MMS_ADVICE_AUTO, true, false, &info);
    ck_assert_uint_eq(info.parts, 2);
    ck_assert_uint_eq(info.chunks, 2);
    ck_assert_uint_eq(info.map_calls, 2);
    ck_assert_uint_eq(info.bytes, 2 * 64 * KIB);
}
END_TEST

/* A split scan of a large input takes its parts in order and merges them as
 * it goes: every byte once, parts adjacent, and only a few parts at once,
 * however many the input has.  Once a part is done, later parts are not
 * read. */
START_TEST(split_scans_stream_a_few_parts_at_a_time)
{
    tu_enter_temp_dir();
    const uint64_t size = GIB + 12345;
    tu_make_sparse("sparse", size);
    for (unsigned threads = 2; threads <= 4; threads++) {
        mms_engine *engine = engine_with(MIB, threads, MMS_ADVICE_AUTO);
        mms_processor *proc = recorder_new(true, 100, false);
        ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
        atomic_store(&most_live_parts, 0);
        mms_error err;
        ck_assert_msg(mms_engine_scan_path(engine, "sparse", &err) == 0, "%s", err.message);
        recorder *r = rec_of(proc);
        ck_assert_msg(r->fault[0] == '\0', "%u threads: %s", threads, r->fault);
        ck_assert_uint_eq(r->begin, 0);
        ck_assert_uint_eq(r->end, size);
        mms_scan_info info;
        mms_engine_get_info(engine, &info);
        ck_assert_uint_eq(info.bytes, size);
        ck_assert_uint_ge(info.parts, size / (32 * MIB));
        ck_assert_uint_eq(atomic_load(&live_parts), 0);
        ck_assert_uint_le(atomic_load(&most_live_parts), 2 * threads + 1);
        ck_assert_uint_ge(atomic_load(&most_live_parts), 1);

        /* Done in the part that holds byte 100 MiB: parts made by then
         * still go through, no others. */
        r->done_on = 100 * MIB;
        ck_assert_msg(mms_engine_scan_path(engine, "sparse", &err) == 0, "%s", err.message);
        mms_engine_get_info(engine, &info);
        ck_assert_uint_le(info.bytes, 100 * MIB + (2 * threads + 2) * 32 * MIB);
        ck_assert_uint_eq(atomic_load(&live_parts), 0);
        mms_engine_free(engine);
        mms_processor_free(proc);
    }
}
END_TEST

/* Processors that ask for a part unit: every part begins at a multiple of
 * each one's unit, whether the unit divides the window or not (the last
 * window of a part is then shorter), and every byte is seen once.  A unit
 * as large as the input makes one part. */
START_TEST(parts_begin_at_every_processors_unit)
{
    tu_enter_temp_dir();
    const uint64_t size = 100 * MIB + 12345;
    tu_make_sparse("sparse", size);
    static const struct {
        uint64_t window, unit_a, unit_b;
        bool several_parts;
    } cases[] = {
        {MIB, 3 * MIB + 4096, 0, true},   /* does not divide the window */
        {4 * MIB, MIB, 0, true},          /* divides it: parts of whole windows */
        {MIB, 5000, 0, true},             /* not a page multiple */
        {MIB, 3 * MIB, 2 * MIB, true},    /* two processors: 6 MiB */
        {MIB, 48 * MIB, 7 * MIB, false},  /* lcm 336 MiB: more than the input */
        {MIB, 256 * MIB, 0, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (unsigned threads = 2; threads <= 3; threads++) {
            mms_engine *engine = engine_with(cases[k].window, threads, MMS_ADVICE_AUTO);
            mms_processor *a = recorder_new(true, 0, false), *b = recorder_new(true, 0, false);
            rec_of(a)->part_unit = cases[k].unit_a;
            rec_of(b)->part_unit = cases[k].unit_b;
            ck_assert_int_eq(mms_engine_add(engine, a, NULL), 0);
            ck_assert_int_eq(mms_engine_add(engine, b, NULL), 0);
            mms_error err;
            ck_assert_msg(mms_engine_scan_path(engine, "sparse", &err) == 0, "%s", err.message);
            mms_scan_info info;
            mms_engine_get_info(engine, &info);
            for (recorder *r = rec_of(a); r; r = r == rec_of(a) ? rec_of(b) : NULL) {
                ck_assert_msg(r->fault[0] == '\0', "case %zu, %u threads: %s", k, threads, r->fault);
                ck_assert_uint_eq(r->begin, 0);
                ck_assert_uint_eq(r->end, size);
            }
            ck_assert_uint_eq(info.bytes, size);
            ck_assert_msg(cases[k].several_parts ? info.parts > 1 : info.parts == 1,
                          "case %zu, %u threads: %u parts", k, threads, info.parts);
            mms_engine_free(engine);
            mms_processor_free(a);
            mms_processor_free(b);
        }
    }
}
END_TEST

/* Two processors done in different parts: the scan reads up to the later
 * one's part (and the parts made by then), whichever was attached first. */
START_TEST(split_scans_stop_after_every_processor_is_done)
{
    tu_enter_temp_dir();
    tu_make_sparse("sparse", GIB);
    for (int later_first = 0; later_first <= 1; later_first++) {
        mms_engine *engine = engine_with(MIB, 2, MMS_ADVICE_AUTO);
        mms_processor *early = recorder_new(true, 0, false), *late = recorder_new(true, 0, false);
        rec_of(early)->done_on = 40 * MIB;
        rec_of(late)->done_on = 170 * MIB;
        ck_assert_int_eq(mms_engine_add(engine, later_first ? late : early, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, later_first ? early : late, NULL), 0);
        mms_error err;
        ck_assert_msg(mms_engine_scan_path(engine, "sparse", &err) == 0, "%s", err.message);
        mms_scan_info info;
        mms_engine_get_info(engine, &info);
        ck_assert_uint_ge(info.bytes, 170 * MIB);
        ck_assert_msg(info.bytes <= 170 * MIB + 6 * 32 * MIB, "%s first: read %llu MiB",
                      later_first ? "the later" : "the earlier",
                      (unsigned long long)(info.bytes / MIB));
        mms_engine_free(engine);
        mms_processor_free(early);
        mms_processor_free(late);
    }
}
END_TEST

/* Beside a lane, the splittable processors are done window by window: once
 * the lane and every one of them are done, no more windows are mapped. */
START_TEST(done_lanes_and_parts_stop_the_scan)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 40 * 64 * KIB);
    mms_engine *engine = engine_with(64 * KIB, 2, MMS_ADVICE_AUTO);
    mms_processor *lane = recorder_new(false, 0, true), *part = recorder_new(true, 0, true);
    rec_of(lane)->done_after = 1;
    rec_of(part)->done_after = 1;
    ck_assert_int_eq(mms_engine_add(engine, lane, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, part, NULL), 0);
    mms_error err;
    ck_assert_msg(mms_engine_scan_path(engine, "data", &err) == 0, "%s", err.message);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    /* The windows mapped ahead before both were done, at most: not 40. */
    ck_assert_uint_le(info.bytes, 8 * 64 * KIB);
    ck_assert_msg(rec_of(part)->fault[0] == '\0', "%s", rec_of(part)->fault);
    ck_assert(rec_of(lane)->finished && rec_of(part)->finished);
    mms_engine_free(engine);
    mms_processor_free(lane);
    mms_processor_free(part);
}
END_TEST

START_TEST(a_done_pipe_is_read_no_further)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) { /* writes until the reader goes away */
        close(fds[0]);
        signal(SIGPIPE, SIG_DFL);
        unsigned char buf[4096];
        for (uint64_t at = 0;; at += sizeof buf) {
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = tu_byte_at(at + i);
            if (write(fds[1], buf, sizeof buf) != (ssize_t)sizeof buf)
                _exit(0);
        }
    }
    close(fds[1]);
    mms_engine *engine = engine_with(64 * KIB, 2, MMS_ADVICE_AUTO);
    mms_processor *proc = recorder_new(true, 10, true);
    rec_of(proc)->done_after = 3;
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_fd(engine, fds[0], &err), 0);
    close(fds[0]);
    waitpid(child, NULL, 0);
    recorder *r = rec_of(proc);
    ck_assert_msg(r->fault[0] == '\0', "%s", r->fault);
    ck_assert(r->finished);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_int_eq(info.mode, MMS_INPUT_STREAM);
    ck_assert_uint_eq(info.chunks, 3);
    ck_assert_uint_eq(info.bytes, 3 * 64 * KIB);
    ck_assert_uint_eq(r->end, 3 * 64 * KIB);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* A processor that is done does not stop one that is not. */
START_TEST(one_done_processor_of_two_does_not_stop_the_scan)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 10 * 64 * KIB);
    mms_scan_info info;
    scan_until_done(1, MMS_ADVICE_AUTO, false, true, &info);
    ck_assert_uint_eq(info.chunks, 10);
    ck_assert_uint_eq(info.bytes, 10 * 64 * KIB);
    scan_until_done(2, MMS_ADVICE_AUTO, true, true, &info);
    ck_assert_uint_eq(info.parts, 2);
    ck_assert_uint_eq(info.chunks, 10);
    ck_assert_uint_eq(info.bytes, 10 * 64 * KIB);
    scan_until_done(2, MMS_ADVICE_AUTO, false, true, &info); /* lanes */
    ck_assert_uint_eq(info.parts, 1);
    ck_assert_uint_eq(info.chunks, 10);
    ck_assert_uint_eq(info.bytes, 10 * 64 * KIB);
}
END_TEST

/* Scans path with an ordered recorder (a lane) and a splittable one (cut
 * into a part per window) and checks that each saw [0, size) exactly
 * once, in order, one chunk at a time (the parts merged in order, each on
 * one thread), and that each window was mapped once for both. */
static void check_lanes(const char *path, uint64_t size, uint64_t window, size_t overlap,
                        unsigned threads)
{
    mms_engine *engine = engine_with(window, threads, MMS_ADVICE_AUTO);
    mms_processor *procs[2] = {recorder_new(false, overlap, true), recorder_new(true, 7, true)};
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(mms_engine_add(engine, procs[i], NULL), 0);
    mms_error err;
    int rc = mms_engine_scan_path(engine, path, &err);
    ck_assert_msg(rc == 0, "scan failed: %s", err.message);
    uint64_t windows = (size + window - 1) / window;
    for (int i = 0; i < 2; i++) {
        recorder *r = rec_of(procs[i]);
        ck_assert_msg(!r->fault[0], "size %llu overlap %zu threads %u: %s",
                      (unsigned long long)size, overlap, threads, r->fault);
        ck_assert(r->finished);
        ck_assert_uint_eq(r->begin, 0);
        ck_assert_uint_eq(r->end, size);
        ck_assert_uint_eq(r->chunks, windows);
    }
    ck_assert_uint_eq(rec_of(procs[0])->ends, 0); /* a lane has no parts */
    ck_assert_uint_eq(rec_of(procs[1])->ends, threads > 1 ? 1 : 0);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_uint_eq(info.parts, threads > 1 ? windows : 1); /* one thread: no lanes */
    ck_assert_uint_eq(info.map_calls, windows);
    ck_assert_uint_eq(info.bytes, size);
    mms_engine_free(engine);
    for (int i = 0; i < 2; i++)
        mms_processor_free(procs[i]);
}

/* An ordered processor among others is a lane; the splittable ones are
 * cut into a part per window. */
START_TEST(an_ordered_processor_makes_lanes)
{
    tu_enter_temp_dir();
    const uint64_t page = mms_page_size(), window = 4 * page;
    const uint64_t sizes[] = {1, window - 1, window, window + 1, 3 * window + 5, 40 * window};
    const size_t overlaps[] = {0, 300, (size_t)window * 2 + 1};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        tu_write_pattern("data", 0, sizes[s]);
        for (size_t o = 0; o < sizeof overlaps / sizeof overlaps[0]; o++)
            for (unsigned threads = 1; threads <= 3; threads++)
                check_lanes("data", sizes[s], window, overlaps[o], threads);
        unlink("data");
    }
}
END_TEST

/* Scans data, or a pipe that reads it, with nprocs recorders and checks
 * that each was offered spare threads once, want of them. */
static void check_offer(bool splittable, size_t nprocs, unsigned threads, bool pipe,
                        unsigned want)
{
    mms_engine *engine = engine_with(65536, threads, MMS_ADVICE_AUTO);
    mms_processor *procs[2];
    for (size_t i = 0; i < nprocs; i++) {
        procs[i] = recorder_new(splittable, 0, false);
        ck_assert_int_eq(mms_engine_add(engine, procs[i], NULL), 0);
    }
    FILE *cat = pipe ? popen("cat data", "r") : NULL;
    int rc = pipe ? mms_engine_scan_fd(engine, fileno(cat), NULL)
                  : mms_engine_scan_path(engine, "data", NULL);
    ck_assert_int_eq(rc, 0);
    for (size_t i = 0; i < nprocs; i++) {
        ck_assert_uint_eq(rec_of(procs[i])->offers, 1);
        ck_assert_msg(rec_of(procs[i])->spare == want,
                      "%s x%zu, %u threads%s: offered %u, want %u",
                      splittable ? "splittable" : "ordered", nprocs, threads,
                      pipe ? ", pipe" : "", rec_of(procs[i])->spare, want);
    }
    if (cat)
        pclose(cat);
    mms_engine_free(engine);
    for (size_t i = 0; i < nprocs; i++)
        mms_processor_free(procs[i]);
}

/* A lone processor fed on one thread is offered the engine's other
 * threads; processors that share the threads (parts, lanes) get none. */
START_TEST(idle_threads_are_offered_to_a_lone_processor)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 1 << 20);
    check_offer(false, 1, 3, false, 2);
    check_offer(false, 1, 1, false, 0);
    check_offer(true, 1, 3, false, 0); /* cut into parts */
    check_offer(true, 1, 3, true, 2);  /* a stream is not cut */
    check_offer(false, 2, 3, false, 0); /* lanes */
}
END_TEST

/* Scans "data" with recorders a and b, checks that neither saw a broken
 * promise, and gives the scan's info. */
static void scan_pair(mms_engine *engine, mms_processor *a, mms_processor *b, mms_scan_info *info)
{
    ck_assert_int_eq(mms_engine_add(engine, a, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, b, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    mms_engine_get_info(engine, info);
    ck_assert_msg(!rec_of(a)->fault[0] && !rec_of(b)->fault[0], "%s%s", rec_of(a)->fault,
                  rec_of(b)->fault);
}

/* Lanes map windows of at most 4 MiB, whatever the engine's window. */
START_TEST(lane_windows_stay_small)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 10 * MIB);
    mms_engine *engine = engine_with(64 * MIB, 2, MMS_ADVICE_AUTO);
    mms_processor *a = recorder_new(false, 0, true), *b = recorder_new(true, 0, true);
    mms_scan_info info;
    scan_pair(engine, a, b, &info);
    ck_assert_uint_eq(info.map_calls, 3);
    ck_assert_uint_eq(rec_of(a)->end, 10 * MIB);
    ck_assert_uint_eq(rec_of(b)->end, 10 * MIB);
    mms_engine_free(engine);
    mms_processor_free(a);
    mms_processor_free(b);
}
END_TEST

/* Scans 40 windows of 64 KiB on two threads with an ordered recorder done
 * after a_done chunks and a recorder b (splittable or not) done after
 * b_done; gives the chunks each saw and the scan's map calls. */
static void scan_done_pair(bool b_splittable, uint64_t a_done, uint64_t b_done,
                           uint64_t chunks[2], uint64_t *map_calls)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 40 * 64 * KIB);
    mms_engine *engine = engine_with(64 * KIB, 2, MMS_ADVICE_AUTO);
    mms_processor *a = recorder_new(false, 0, true), *b = recorder_new(b_splittable, 0, true);
    rec_of(a)->done_after = a_done;
    rec_of(b)->done_after = b_done;
    mms_scan_info info;
    scan_pair(engine, a, b, &info);
    ck_assert(rec_of(a)->finished && rec_of(b)->finished);
    ck_assert_uint_eq(rec_of(b)->begin, 0);
    chunks[0] = rec_of(a)->chunks;
    chunks[1] = rec_of(b)->chunks;
    *map_calls = info.map_calls;
    mms_engine_free(engine);
    mms_processor_free(a);
    mms_processor_free(b);
}

/* Lanes that are all done stop the scan within the windows mapped ahead. */
START_TEST(done_lanes_stop_the_scan)
{
    uint64_t chunks[2], map_calls;
    scan_done_pair(false, 1, 2, chunks, &map_calls);
    ck_assert_uint_eq(chunks[0], 1);
    ck_assert_uint_eq(chunks[1], 2);
    ck_assert_uint_le(map_calls, 6); /* window 1 and up to four ahead */
}
END_TEST

/* Beside a lane that wants every window, a splittable processor's part
 * that is done stops only its own window: every window's part gets its
 * first chunk. */
START_TEST(a_done_part_beside_a_lane_stops_its_window_only)
{
    uint64_t chunks[2], map_calls;
    scan_done_pair(true, 0, 1, chunks, &map_calls);
    ck_assert_uint_eq(chunks[0], 40);
    ck_assert_uint_eq(chunks[1], 40);
    ck_assert_uint_eq(map_calls, 40);
}
END_TEST

/* A lane that fails stops the others, and so does a part that fails
 * beside a lane; the failure's error is the one reported, nothing is
 * finished, and the other work stops within the windows mapped ahead. */
START_TEST(a_failing_lane_or_part_fails_the_scan)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 40 * 64 * KIB);
    for (int part_fails = 0; part_fails <= 1; part_fails++) {
        for (unsigned threads = 1 + part_fails; threads <= 3; threads++) {
            mms_engine *engine = engine_with(64 * KIB, threads, MMS_ADVICE_AUTO);
            mms_processor *split = recorder_new(true, 0, true), *lane = recorder_new(false, 0, true);
            if (part_fails)
                rec_of(split)->fail_at = 7 * 64 * KIB;
            else
                rec_of(lane)->fail_after = 5;
            ck_assert_int_eq(mms_engine_add(engine, split, NULL), 0);
            ck_assert_int_eq(mms_engine_add(engine, lane, NULL), 0);
            mms_error err;
            ck_assert_int_eq(mms_engine_scan_path(engine, "data", &err), MMS_EPROC);
            ck_assert_str_eq(err.message, part_fails ? "recorder fails at offset 458752"
                                                     : "recorder fails at offset 262144");
            ck_assert(!rec_of(split)->finished && !rec_of(lane)->finished);
            ck_assert_msg(!rec_of(split)->fault[0] && !rec_of(lane)->fault[0], "%s%s",
                          rec_of(split)->fault, rec_of(lane)->fault);
            /* at most four windows ahead; merged parts stop before the failure */
            ck_assert_uint_le(rec_of(part_fails ? lane : split)->end, 12 * 64 * KIB);
            ck_assert_uint_le(rec_of(split)->end, (part_fails ? 7 : 9) * 64 * KIB);
            /* With threads, the first part (self) is ended once. */
            ck_assert_uint_eq(rec_of(split)->ends, threads > 1 ? 1 : 0);
            mms_engine_free(engine);
            mms_processor_free(split);
            mms_processor_free(lane);
        }
    }
}
END_TEST

/* Scans "data" (8 windows) on threads threads with procs[0] and procs[1],
 * procs[cutter] truncating the file in its first chunk from truncate_from
 * on; the scan must fail with MMS_ETRUNCATED.  Frees the processors and
 * gives the error. */
static mms_error scan_cut_short(mms_processor *procs[2], size_t cutter, uint64_t truncate_from,
                                uint64_t window, unsigned threads)
{
    tu_write_pattern("data", 0, 8 * window);
    int fd = open("data", O_RDWR);
    ck_assert_int_ge(fd, 0);
    mms_engine *engine = engine_with(window, threads, MMS_ADVICE_NONE);
    rec_of(procs[cutter])->truncate_fd = fd;
    rec_of(procs[cutter])->truncate_from = truncate_from;
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(mms_engine_add(engine, procs[i], NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", &err), MMS_ETRUNCATED);
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    close(fd);
    mms_engine_free(engine);
    for (int i = 0; i < 2; i++)
        mms_processor_free(procs[i]);
    return err;
}

START_TEST(truncated_during_scan_is_an_error_not_a_crash)
{
    tu_enter_temp_dir();
    const uint64_t window = 1 * MIB;
    tu_write_pattern("data", 0, 8 * window);
    const mms_advice advices[] = {MMS_ADVICE_AUTO, MMS_ADVICE_NONE};
    for (size_t a = 0; a < 2; a++) {
        for (unsigned threads = 1; threads <= 2; threads++) {
            tu_write_pattern("data", 0, 8 * window);
            int fd = open("data", O_RDWR);
            ck_assert_int_ge(fd, 0);
            mms_engine *engine = engine_with(window, threads, advices[a]);
            mms_processor *proc = recorder_new(threads > 1, 0, false);
            rec_of(proc)->truncate_fd = fd;
            ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
            mms_error err;
            ck_assert_int_eq(mms_engine_scan_path(engine, "data", &err), MMS_ETRUNCATED);
            ck_assert_int_eq(err.code, MMS_ETRUNCATED);
            ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
            /* In a split scan, the failing part is told so. */
            ck_assert_uint_eq(rec_of(proc)->ends, threads > 1 ? 1 : 0);
            ck_assert(rec_of(proc)->end_failed == (threads > 1));
            close(fd);
            mms_engine_free(engine);
            mms_processor_free(proc);
        }
    }
    /* Two processors on one thread, fed a slice at a time under one guard
     * per window: the error names the chunk that was being read. */
    for (size_t from = 0; from <= 3 * window / 2; from += window / 2) {
        mms_processor *procs[2] = {recorder_new(false, 0, false), recorder_new(false, 0, false)};
        ck_assert_uint_eq(scan_cut_short(procs, 1, from, window, 1).offset, from);
    }
    /* Lanes: an ordered processor that truncates, a splittable one beside it. */
    mms_processor *lanes[2] = {recorder_new(false, 0, false), recorder_new(true, 0, false)};
    scan_cut_short(lanes, 0, 0, window, 2);
}
END_TEST

static volatile sig_atomic_t user_handler_calls;
static void user_sigbus_handler(int sig)
{
    (void)sig;
    user_handler_calls++;
}

/* A SIGBUS outside a guarded window reaches the handler installed before. */
START_TEST(foreign_sigbus_is_chained)
{
    tu_enter_temp_dir();
    signal(SIGBUS, user_sigbus_handler);
    tu_write_pattern("data", 0, 100);
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_AUTO);
    mms_processor *proc = recorder_new(false, 0, true);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    raise(SIGBUS);
    ck_assert_int_eq(user_handler_calls, 1);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* With no handler before ours, a foreign SIGBUS still kills the process. */
START_TEST(foreign_sigbus_keeps_its_default_action)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 100);
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_AUTO);
    mms_processor *proc = recorder_new(false, 0, true);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), 0);
    tu_remove_temp_dir(); /* the signal ends the process: no exit handlers */
    raise(SIGBUS);
}
END_TEST

#define COLD_WINDOW ((uint64_t)1 << 20)

static size_t cached_pages(const char *path, uint64_t begin, uint64_t end);

/* Drops path (four windows) from the page cache, maps its first window
 * with advice and nothing else, and tells whether the last page of the
 * second window was read within wait_ms, and whether any of the last
 * window was. */
static bool next_window_read(const char *path, mms_advice advice, int wait_ms, bool *last_read)
{
    const uint64_t page = mms_page_size(), second_end = 2 * COLD_WINDOW;
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    ck_assert_msg(cached_pages(path, 0, 4 * COLD_WINDOW) == 0,
                  "the page cache of this directory's file system cannot be emptied");
    mms_walk_plan plan = {.fd = fd, .begin = 0, .end = 4 * COLD_WINDOW, .window = COLD_WINDOW,
                          .advice = advice};
    mms_window win;
    mms_walk_counters counters = {0};
    ck_assert_int_eq(mms_window_map(&plan, 0, &win, &counters, NULL), 0);
    bool read = cached_pages(path, second_end - page, second_end) == 1;
    for (int waited = 0; !read && waited < wait_ms; waited += 10) {
        usleep(10000);
        read = cached_pages(path, second_end - page, second_end) == 1;
    }
    *last_read = cached_pages(path, 3 * COLD_WINDOW, 4 * COLD_WINDOW) > 0;
    mms_window_unmap(&win);
    close(fd);
    return read;
}

START_TEST(willneed_advice_asks_for_the_next_window_of_a_cold_file)
{
    /* In the directory the tests run in, not a temporary one: /tmp may be
     * a tmpfs, whose pages cannot leave the cache. */
    char name[] = "cold-XXXXXX";
    int fd = mkstemp(name);
    ck_assert_int_ge(fd, 0);
    tu_write_pattern(name, 0, 4 * COLD_WINDOW);
    ck_assert_int_eq(fsync(fd), 0); /* only clean pages can be dropped */
    /* Unlinked at once, so that a failing check leaves nothing behind;
     * the descriptor names it from here on. */
    ck_assert_int_eq(unlink(name), 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    bool last_read;
    ck_assert(next_window_read(path, MMS_ADVICE_WILLNEED, 2000, &last_read));
    ck_assert_msg(!last_read, "willneed read further than the next window");
    /* The same map under sequential advice asks for nothing. */
    ck_assert(!next_window_read(path, MMS_ADVICE_SEQUENTIAL, 200, &last_read));
    close(fd);
}
END_TEST

START_TEST(bad_inputs_give_clear_errors)
{
    tu_enter_temp_dir();
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_AUTO);
    mms_error err;
    ck_assert_int_eq(mkdir("dir", 0755), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "dir", &err), MMS_EISDIR);
    ck_assert_int_eq(err.sys_errno, EISDIR);
    ck_assert_str_eq(err.message, "Is a directory");
    ck_assert_int_eq(mms_engine_scan_path(engine, "missing", &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_str_eq(err.message, "No such file or directory");
    ck_assert_int_eq(mms_engine_scan_path(engine, "shm:no-such-object-here", &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_int_eq(mms_engine_scan_path(engine, "shm:a/b", &err), MMS_EINVAL);
    mms_engine_free(engine);
}
END_TEST

/* A processor that fills err itself, as the ops contract lets it: it must
 * get an error to fill even when the caller of the scan passed none. */
static int fill_err_and_fail(void *self, const mms_chunk *chunk, mms_error *err)
{
    (void)self;
    (void)chunk;
    err->code = MMS_EPROC;
    snprintf(err->message, sizeof err->message, "bad record");
    return MMS_EPROC;
}

START_TEST(scans_without_an_error_to_fill_do_not_crash)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 100000);
    static const mms_processor_ops failing_ops = {
        .abi = MMS_PROCESSOR_ABI, .name = "failing", .flags = MMS_PROC_ORDERED,
        .chunk = fill_err_and_fail,
    };
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_NONE);
    mms_processor *proc;
    ck_assert_int_eq(mms_processor_new(&proc, &failing_ops, NULL, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "data", NULL), MMS_EPROC);
    /* A descriptor that cannot be read: the stream's read error. */
    int fd = open("data", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(mms_engine_scan_fd(engine, fd, NULL), MMS_EIO);
    close(fd);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* A splittable processor that fails without a word in its chunk, merge or
 * finish, as silent_member says, and succeeds elsewhere. */
enum { SILENT_CHUNK, SILENT_MERGE, SILENT_FINISH, SILENT_NONE };
static int silent_member = SILENT_NONE;

static int silent_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    (void)self, (void)c, (void)err;
    return silent_member == SILENT_CHUNK ? MMS_EPROC : 0;
}

static void *silent_split(const void *self)
{
    static int part;
    (void)self;
    return &part;
}

static int silent_merge(void *self, void *part, mms_error *err)
{
    (void)self, (void)part, (void)err;
    return silent_member == SILENT_MERGE ? MMS_EPROC : 0;
}

static int silent_finish(void *self, mms_error *err)
{
    (void)self, (void)err;
    return silent_member == SILENT_FINISH ? MMS_EPROC : 0;
}

START_TEST(a_processor_that_fails_without_a_word_still_fills_the_error)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 40 * 64 * KIB);
    static const mms_processor_ops silent_ops = {
        .abi = MMS_PROCESSOR_ABI, .name = "silent", .flags = MMS_PROC_SPLITTABLE,
        .chunk = silent_chunk, .split = silent_split, .merge = silent_merge,
        .finish = silent_finish,
    };
    mms_engine *engine = engine_with(64 * KIB, 3, MMS_ADVICE_NONE);
    static int self;
    mms_processor *proc;
    ck_assert_int_eq(mms_processor_new(&proc, &silent_ops, &self, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err, garbage;
    memset(&garbage, 0xaa, sizeof garbage);
    for (silent_member = SILENT_CHUNK; silent_member <= SILENT_NONE; silent_member++) {
        err = garbage;
        int rc = mms_engine_scan_path(engine, "data", &err);
        if (silent_member == SILENT_NONE) {
            /* A scan that succeeds leaves the error as it was. */
            ck_assert_int_eq(rc, 0);
            ck_assert(memcmp(&err, &garbage, sizeof err) == 0);
            continue;
        }
        ck_assert_int_eq(rc, MMS_EPROC);
        ck_assert_int_eq(err.code, MMS_EPROC);
        ck_assert_int_eq(err.sys_errno, 0);
        ck_assert_str_eq(err.message, "processor 'silent' failed and gave no reason");
    }
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

START_TEST(input_stat_names_inputs_as_scans_do)
{
    tu_enter_temp_dir();
    tu_write_pattern("data", 0, 12345);
    struct stat st;
    mms_error err;
    ck_assert_int_eq(mms_input_stat("data", &st, &err), 0);
    ck_assert_int_eq(st.st_size, 12345);
    ck_assert_int_eq(mms_input_stat("missing", &st, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    /* ".." would be the directory above the objects' own. */
    ck_assert_int_eq(mms_input_stat("shm:..", &st, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_input_stat("shm:a/b", &st, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_input_stat("shm:no-such-object-here", &st, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    int fd = open("data", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    int saved = dup(STDIN_FILENO);
    ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    ck_assert_int_eq(mms_input_stat("-", &st, NULL), 0);
    ck_assert_int_eq(st.st_size, 12345);
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(fd);
}
END_TEST

START_TEST(unreadable_file_is_refused)
{
    tu_enter_temp_dir();
    tu_write_pattern("secret", 0, 10);
    ck_assert_int_eq(chmod("secret", 0), 0);
    /* root reads anything: drop to an unprivileged user for this check
     * (who owns the directory, to remove it at the end). */
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(".", 65534, 65534), 0);
        ck_assert_int_eq(setgid(65534), 0);
        ck_assert_int_eq(setuid(65534), 0);
    }
    mms_engine *engine = engine_with(MMS_DEFAULT_WINDOW, 1, MMS_ADVICE_AUTO);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "secret", &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, EACCES);
    ck_assert_str_eq(err.message, "Permission denied");
    mms_engine_free(engine);
}
END_TEST

START_TEST(window_settings)
{
    mms_engine *engine;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_uint_eq(mms_engine_get_window(engine), MMS_DEFAULT_WINDOW);
    mms_error err;
    ck_assert_int_eq(mms_engine_set_window(engine, mms_page_size() - 1, &err), MMS_EINVAL);
    ck_assert_uint_eq(mms_engine_get_window(engine), MMS_DEFAULT_WINDOW);
    ck_assert_int_eq(mms_engine_set_window(engine, mms_page_size() + 1, NULL), 0);
    ck_assert_uint_eq(mms_engine_get_window(engine), 2 * mms_page_size());
    mms_advice advice;
    ck_assert_int_eq(mms_advice_parse("willneed", &advice, NULL), 0);
    ck_assert_int_eq(advice, MMS_ADVICE_WILLNEED);
    ck_assert_int_eq(mms_advice_parse("fast", &advice, &err), MMS_EINVAL);
    mms_engine_free(engine);
}
END_TEST

static int destroyed;
static void count_destroy(void *self)
{
    (void)self;
    destroyed++;
}

START_TEST(processor_tables_are_validated)
{
    mms_processor_ops ops = {.abi = 0, .name = "bad", .chunk = rec_chunk, .destroy = count_destroy};
    mms_processor *proc;
    int dummy;
    destroyed = 0;
    ck_assert_int_eq(mms_processor_new(&proc, &ops, &dummy, NULL), MMS_EABI);
    ops.abi = MMS_PROCESSOR_ABI + 1;
    ck_assert_int_eq(mms_processor_new(&proc, &ops, &dummy, NULL), MMS_EABI);
    ops.abi = MMS_PROCESSOR_ABI;
    ops.flags = MMS_PROC_SPLITTABLE;
    ck_assert_int_eq(mms_processor_new(&proc, &ops, &dummy, NULL), MMS_EINVAL);
    ck_assert_ptr_null(proc);
    ck_assert_int_eq(destroyed, 3);
    /* A splittable processor's self is its first part: not NULL. */
    ops.split = rec_split;
    ops.merge = rec_merge;
    mms_error err;
    ck_assert_int_eq(mms_processor_new(&proc, &ops, NULL, &err), MMS_EINVAL);
    ck_assert_str_eq(err.message, "splittable processor 'bad' without a state (self is its first part)");
    ck_assert_ptr_null(proc);
    ops.flags = MMS_PROC_ORDERED;
    ck_assert_int_eq(mms_processor_new(&proc, &ops, &dummy, NULL), 0);
    ck_assert_ptr_eq(mms_processor_state(proc), &dummy);
    mms_processor_free(proc);
    mms_processor_free(NULL);
    ck_assert_int_eq(destroyed, 4);
}
END_TEST

/* A 6 GiB sparse file with data past 4 GiB: 64-bit offsets, flat memory. */
START_TEST(sparse_6g_past_4g_in_flat_memory)
{
    tu_enter_temp_dir();
    tu_make_sparse("sparse", 6 * GIB);
    const char *island = "hello world\n";
    int fd = open("sparse", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, island, strlen(island), (off_t)(4 * GIB + 123)), (ssize_t)strlen(island));
    /* "xyzzy" straddles the 1 MiB window edge at 5 GiB. */
    ck_assert_int_eq(pwrite(fd, " xyzzy\n", 7, (off_t)(5 * GIB - 3)), 7);
    close(fd);
    for (unsigned threads = 1; threads <= 2; threads++) {
        tu_reset_peak_rss();
        mms_engine *engine = engine_with(1 * MIB, threads, MMS_ADVICE_AUTO);
        mms_processor *wc;
        ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
        mms_error err;
        ck_assert_msg(mms_engine_scan_path(engine, "sparse", &err) == 0, "%s", err.message);
        mms_wc_counts counts;
        ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
        ck_assert_uint_eq(counts.bytes, 6 * GIB);
        ck_assert_uint_eq(counts.lines, 2);
        ck_assert_uint_eq(counts.words, 3);
        uint64_t peak = tu_peak_rss();
        ck_assert_msg(peak < 64 * MIB, "peak RSS %llu MiB", (unsigned long long)(peak / MIB));
        mms_engine_free(engine);
        mms_processor_free(wc);
    }
}
END_TEST

/* XXH64 and word counts of path, with a wc alone (parts on two threads)
 * and a hash beside a wc (lanes), whose counts must agree; the
 * descriptor's offset comes back. */
static void digest_and_counts(const char *path, unsigned threads, mms_hash_digest *digest,
                              mms_wc_counts *counts)
{
    for (int with_hash = 0; with_hash <= 1; with_hash++) {
        mms_engine *engine = engine_with(1 * MIB, threads, MMS_ADVICE_AUTO);
        mms_processor *wc, *hash = NULL;
        ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
        if (with_hash) {
            ck_assert_int_eq(mms_hash_new(&hash, MMS_XXH64, NULL), 0);
            ck_assert_int_eq(mms_engine_add(engine, hash, NULL), 0);
        }
        int fd = open(path, O_RDONLY);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(lseek(fd, 12345, SEEK_SET), 12345);
        mms_error err;
        ck_assert_msg(mms_engine_scan_fd(engine, fd, &err) == 0, "%s", err.message);
        ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 12345);
        close(fd);
        mms_wc_counts got;
        ck_assert_int_eq(mms_wc_get_counts(wc, &got), 0);
        if (with_hash) {
            ck_assert_uint_eq(got.lines, counts->lines);
            ck_assert_uint_eq(got.words, counts->words);
            ck_assert_uint_eq(got.bytes, counts->bytes);
            ck_assert_int_eq(mms_hash_get_digest(hash, digest), 0);
        }
        *counts = got;
        mms_engine_free(engine);
        mms_processor_free(wc);
        mms_processor_free(hash);
    }
}

/* Pages of path's [begin, end) in the page cache. */
static size_t cached_pages(const char *path, uint64_t begin, uint64_t end)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    size_t len = (size_t)(end - begin), page = (size_t)mms_page_size();
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)begin);
    ck_assert(map != MAP_FAILED);
    unsigned char *resident = malloc(len / page);
    ck_assert_int_eq(mincore(map, len, resident), 0);
    size_t n = 0;
    for (size_t i = 0; i < len / page; i++)
        n += resident[i] & 1;
    free(resident);
    munmap(map, len);
    close(fd);
    return n;
}

/* Windows wholly inside holes are read as zeros without filling the page
 * cache; windows with data in them are mapped from the file.  The results
 * equal those of the same bytes written out in full. */
START_TEST(holes_read_as_zeros_without_the_page_cache)
{
    tu_enter_temp_dir();
    const uint64_t size = 128 * MIB;
    static const struct {
        uint64_t offset;
        const char *text;
    } islands[] = {{0, "first words\n"}, {5 * MIB - 3, " across an edge\n"},
                   {20 * MIB + 100, "middle\n"}, {128 * MIB - 5, "end\n"}};
    tu_make_sparse("sparse", size);
    unsigned char *dense = calloc(1, size);
    int fd = open("sparse", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    for (size_t i = 0; i < sizeof islands / sizeof islands[0]; i++) {
        size_t len = strlen(islands[i].text);
        ck_assert_int_eq(pwrite(fd, islands[i].text, len, (off_t)islands[i].offset), (ssize_t)len);
        memcpy(dense + islands[i].offset, islands[i].text, len);
    }
    close(fd);
    tu_write_file("dense", dense, size);
    free(dense);
    for (unsigned threads = 1; threads <= 2; threads++) {
        mms_hash_digest want_digest, got_digest;
        mms_wc_counts want, got;
        digest_and_counts("dense", threads, &want_digest, &want);
        digest_and_counts("sparse", threads, &got_digest, &got);
        ck_assert_uint_eq(got.bytes, size);
        ck_assert_uint_eq(got.lines, want.lines);
        ck_assert_uint_eq(got.words, want.words);
        ck_assert_uint_eq(want.lines, 4);
        ck_assert_mem_eq(got_digest.bytes, want_digest.bytes, want_digest.size);
    }
    /* Hole pages read through the file would be in the page cache.  (The
     * kernel's read-ahead after a window with data may cache a few MiB of
     * the hole after it: look far from any data.) */
    ck_assert_uint_eq(cached_pages("sparse", 64 * MIB, 120 * MIB), 0);
}
END_TEST

/* Truncates the file to 1 MiB once the scan has done 15 MiB of 16: the
 * last window is already mapped by then (as zeros: it lies in a hole). */
static void cut_near_the_end(void *ctx, mms_progress_event event, uint64_t done, uint64_t total)
{
    (void)total;
    int *fd = ctx;
    if (event == MMS_PROGRESS_WINDOW && done >= 15 * MIB && *fd >= 0) {
        ck_assert_int_eq(ftruncate(*fd, (off_t)MIB), 0);
        *fd = -1;
    }
}

/* A file cut short where the scan reads holes as zeros (no SIGBUS comes
 * from those windows) is still an error: the end of the scan checks. */
START_TEST(a_file_cut_short_in_its_holes_is_an_error)
{
    tu_enter_temp_dir();
    for (int round = 0; round < 5; round++) {
        tu_make_sparse("sparse", 16 * MIB);
        int fd = open("sparse", O_RDWR);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(pwrite(fd, "data\n", 5, 0), 5);
        int cut_fd = fd;
        mms_engine *engine = engine_with(1 * MIB, 1, MMS_ADVICE_AUTO);
        mms_engine_set_progress(engine, cut_near_the_end, &cut_fd);
        mms_processor *wc;
        ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, NULL), 0);
        ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
        mms_error err;
        ck_assert_int_eq(mms_engine_scan_path(engine, "sparse", &err), MMS_ETRUNCATED);
        ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
        close(fd);
        mms_engine_free(engine);
        mms_processor_free(wc);
    }
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("windows");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_byte_once_at_every_edge);
    tcase_add_test(tc, pipe_is_streamed_with_the_same_promises);
    tcase_add_test(tc, proc_files_of_size_zero_are_streamed);
    tcase_add_test(tc, two_processors_one_pass);
    tcase_add_test(tc, an_ordered_processor_makes_lanes);
    tcase_add_test(tc, idle_threads_are_offered_to_a_lone_processor);
    tcase_add_test(tc, lane_windows_stay_small);
    tcase_add_test(tc, done_lanes_stop_the_scan);
    tcase_add_test(tc, a_done_part_beside_a_lane_stops_its_window_only);
    tcase_add_test(tc, a_failing_lane_or_part_fails_the_scan);
    tcase_add_test(tc, a_processor_that_fails_without_a_word_still_fills_the_error);
    tcase_add_test(tc, done_processors_stop_the_scan);
    tcase_add_test(tc, done_lanes_and_parts_stop_the_scan);
    tcase_add_test(tc, a_done_pipe_is_read_no_further);
    tcase_add_test(tc, one_done_processor_of_two_does_not_stop_the_scan);
    tcase_add_test(tc, sparse_6g_past_4g_in_flat_memory);
    tcase_add_test(tc, split_scans_stream_a_few_parts_at_a_time);
    tcase_add_test(tc, parts_begin_at_every_processors_unit);
    tcase_add_test(tc, split_scans_stop_after_every_processor_is_done);
    tcase_add_test(tc, holes_read_as_zeros_without_the_page_cache);
    tcase_add_test(tc, a_file_cut_short_in_its_holes_is_an_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, truncated_during_scan_is_an_error_not_a_crash);
    tcase_add_test(tc, foreign_sigbus_is_chained);
    tcase_add_test_raise_signal(tc, foreign_sigbus_keeps_its_default_action, SIGBUS);
    tcase_add_test(tc, bad_inputs_give_clear_errors);
    tcase_add_test(tc, willneed_advice_asks_for_the_next_window_of_a_cold_file);
    tcase_add_test(tc, input_stat_names_inputs_as_scans_do);
    tcase_add_test(tc, scans_without_an_error_to_fill_do_not_crash);
    tcase_add_test(tc, unreadable_file_is_refused);
    tcase_add_test(tc, window_settings);
    tcase_add_test(tc, processor_tables_are_validated);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(engine_suite());
}
