/*
 * check_gen_write.c - writing outputs: writable windows (writable_window.c)
 * and the writer that fills them on several threads (write_window.c), and
 * mms_gen_write() into files and shared memory (sizes, holes, existing
 * outputs, free space, failures and what they leave).
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB 1024ull
#define MIB (1024ull * 1024)

static mms_gen *new_gen(mms_gen_kind kind, uint64_t size, uint64_t seed)
{
    mms_gen *gen = NULL;
    mms_error err;
    ck_assert_msg(mms_gen_new(&gen, kind, size, seed, &err) == 0, "%s", err.message);
    return gen;
}

/* Reads a whole file (the caller frees it); its size must be size. */
static unsigned char *read_all(int fd, uint64_t size)
{
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, size);
    unsigned char *buf = malloc(size);
    ck_assert_int_eq(pread(fd, buf, size, 0), (ssize_t)size);
    return buf;
}

static unsigned char *read_path(const char *path, uint64_t size)
{
    int fd = open(path, O_RDONLY);
    ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
    unsigned char *buf = read_all(fd, size);
    close(fd);
    return buf;
}

static void assert_gen_bytes(const mms_gen *gen, const unsigned char *got, uint64_t size)
{
    unsigned char *want = malloc(size);
    mms_error err;
    ck_assert_int_eq(mms_gen_fill(gen, 0, want, size, &err), 0);
    uint64_t i = 0;
    while (i < size && got[i] == want[i])
        i++;
    ck_assert_msg(i == size, "byte %llu differs", (unsigned long long)i);
    free(want);
}

START_TEST(every_method_thread_count_and_window_writes_the_same_bytes)
{
    /* Into shared memory: the bytes are the point here, not the disk. */
    char name[64], path[80];
    snprintf(name, sizeof name, "/mmscan-matrix-%d", (int)getpid());
    snprintf(path, sizeof path, "shm:%s", name + 1);
    static const mms_gen_kind kinds[] = {MMS_GEN_RANDOM, MMS_GEN_LOG, MMS_GEN_SPARSE};
    static const uint64_t windows[] = {4 * KIB, 64 * KIB + 4 * KIB, 64 * MIB};
    static const mms_write_method methods[] = {MMS_WRITE_PWRITE, MMS_WRITE_MAP};
    const uint64_t size = MIB + 12345;
    for (size_t k = 0; k < 3; k++) {
        mms_gen *gen = new_gen(kinds[k], size, 8);
        mms_error err;
        ck_assert_int_eq(mms_gen_set_islands(gen, 64 * KIB, 100, &err),
                         kinds[k] == MMS_GEN_SPARSE ? 0 : MMS_EINVAL);
        for (size_t w = 0; w < 3; w++)
            for (unsigned threads = 1; threads <= 3; threads += 2)
                for (size_t m = 0; m < 2; m++) {
                    ck_assert_int_eq(mms_gen_set_writing(gen, windows[w], threads, methods[m],
                                                         &err), 0);
                    ck_assert_msg(mms_gen_write(gen, path, MMS_GEN_FORCE, 0, &err) == 0, "%s",
                                  err.message);
                    int fd = shm_open(name, O_RDONLY, 0);
                    ck_assert_int_ge(fd, 0);
                    unsigned char *got = read_all(fd, size);
                    close(fd);
                    assert_gen_bytes(gen, got, size);
                    free(got);
                }
        mms_gen_free(gen);
    }
    mms_error err;
    ck_assert_int_eq(mms_shm_remove(path, &err), 0);
}
END_TEST

START_TEST(sparse_outputs_keep_their_holes)
{
    tu_enter_temp_dir();
    const uint64_t size = 256 * MIB;
    mms_gen *gen = new_gen(MMS_GEN_SPARSE, size, 1);
    mms_error err;
    ck_assert_int_eq(mms_gen_set_islands(gen, 8 * MIB, 4 * KIB, &err), 0);
    ck_assert_int_eq(mms_gen_set_needle(gen, "deep in a hole", 14, 0, &err), 0);
    ck_assert_int_eq(mms_gen_add_needle_at(gen, 100 * MIB + 3, &err), 0);
    for (int m = MMS_WRITE_PWRITE; m <= MMS_WRITE_MAP; m++) {
        ck_assert_int_eq(mms_gen_set_writing(gen, MIB, 2, (mms_write_method)m, &err), 0);
        ck_assert_int_eq(mms_gen_write(gen, "sparse", MMS_GEN_FORCE, 0, &err), 0);
        struct stat st;
        ck_assert_int_eq(stat("sparse", &st), 0);
        ck_assert_uint_eq((uint64_t)st.st_size, size);
        /* 32 islands and one needle: well under 1 MiB on the disk. */
        ck_assert_uint_lt((uint64_t)st.st_blocks * 512, MIB);
        int fd = open("sparse", O_RDONLY);
        char got[14];
        ck_assert_int_eq(pread(fd, got, 14, (off_t)(100 * MIB + 3)), 14);
        ck_assert(memcmp(got, "deep in a hole", 14) == 0);
        unsigned char island[8];
        ck_assert_int_eq(pread(fd, island, 8, (off_t)(16 * MIB)), 8);
        ck_assert(memcmp(island, "\0\0\0\0\0\0\0\0", 8) != 0);
        close(fd);
    }
    mms_gen_free(gen);
}
END_TEST

/* What the progress reports of one write said. */
typedef struct progress_log {
    pthread_mutex_t lock;
    unsigned starts, ends;
    uint64_t windows, last_done, total, done_at_end, max_done;
    bool window_outside_write; /* a window report before START or after END */
} progress_log;

static void log_progress(void *ctx, mms_progress_event event, uint64_t done, uint64_t total)
{
    progress_log *log = ctx;
    pthread_mutex_lock(&log->lock);
    log->total = total;
    if (event == MMS_PROGRESS_START) {
        log->starts++;
    } else if (event == MMS_PROGRESS_END) {
        log->ends++;
        log->done_at_end = done;
    } else {
        log->windows++;
        log->window_outside_write |= log->starts != 1 || log->ends != 0;
        if (done > log->max_done)
            log->max_done = done;
    }
    pthread_mutex_unlock(&log->lock);
}

START_TEST(writes_report_their_progress)
{
    tu_enter_temp_dir();
    const uint64_t size = 8 * MIB + 123;
    mms_gen *gen = new_gen(MMS_GEN_LOG, size, 3);
    mms_error err;
    for (unsigned threads = 1; threads <= 3; threads++) {
        progress_log log = {.lock = PTHREAD_MUTEX_INITIALIZER};
        ck_assert_int_eq(mms_gen_set_writing(gen, 256 * KIB, threads, MMS_WRITE_PWRITE, &err), 0);
        mms_gen_set_progress(gen, log_progress, &log);
        ck_assert_int_eq(mms_gen_write(gen, "out", MMS_GEN_FORCE, 0, &err), 0);
        ck_assert_uint_eq(log.starts, 1);
        ck_assert_uint_eq(log.ends, 1);
        ck_assert(!log.window_outside_write);
        /* One report per unit of work, the last of them at the whole size. */
        ck_assert_uint_ge(log.windows, size / (256 * KIB));
        ck_assert_uint_eq(log.max_done, size);
        ck_assert_uint_eq(log.done_at_end, size);
        ck_assert_uint_eq(log.total, size);
    }
    /* NULL stops the reports. */
    progress_log quiet = {.lock = PTHREAD_MUTEX_INITIALIZER};
    mms_gen_set_progress(gen, log_progress, &quiet);
    mms_gen_set_progress(gen, NULL, NULL);
    ck_assert_int_eq(mms_gen_write(gen, "out", MMS_GEN_FORCE, 0, &err), 0);
    ck_assert_uint_eq(quiet.starts + quiet.windows + quiet.ends, 0);
    mms_gen_free(gen);
}
END_TEST

START_TEST(an_existing_output_needs_force)
{
    tu_enter_temp_dir();
    tu_write_file("out", "old", 3);
    mms_gen *gen = new_gen(MMS_GEN_TEXT, 100 * KIB, 1);
    mms_error err;
    ck_assert_int_eq(mms_gen_write(gen, "out", 0, 0, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, EEXIST);
    unsigned char *kept = read_path("out", 3);
    ck_assert(memcmp(kept, "old", 3) == 0);
    free(kept);
    ck_assert_int_eq(mms_gen_write(gen, "out", MMS_GEN_FORCE, 0600, &err), 0);
    unsigned char *got = read_path("out", 100 * KIB);
    assert_gen_bytes(gen, got, 100 * KIB);
    free(got);
    struct stat st;
    ck_assert_int_eq(stat("out", &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);

    ck_assert_int_eq(mkdir("dir", 0755), 0);
    ck_assert_int_eq(mms_gen_write(gen, "dir", MMS_GEN_FORCE, 0, &err), MMS_EISDIR);
    ck_assert_int_eq(mms_gen_write(gen, "missing/out", 0, 0, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_str_eq(err.message, "No such file or directory");
    mms_gen_free(gen);
}
END_TEST

START_TEST(not_enough_space_fails_before_writing)
{
    tu_enter_temp_dir();
    mms_gen *gen = new_gen(MMS_GEN_RANDOM, 100ull << 40, 1); /* 100 TiB */
    mms_error err;
    ck_assert_int_eq(mms_gen_write(gen, "huge", MMS_GEN_KEEP_PARTIAL, 0, &err), MMS_EIO);
    ck_assert_int_eq(err.sys_errno, ENOSPC);
    ck_assert_msg(strstr(err.message, "not enough free space: 100.0 TiB needed, ") &&
                      strstr(err.message, " missing)"),
                  "%s", err.message);
    ck_assert_int_eq(access("huge", F_OK), -1);
    ck_assert_int_eq(access("huge" MMS_GEN_PARTIAL_SUFFIX, F_OK), -1);
    mms_gen_free(gen);

    /* Holes need no space: a sparse 100 TiB output fits. */
    gen = new_gen(MMS_GEN_SPARSE, 100ull << 40, 1);
    ck_assert_int_eq(mms_gen_set_islands(gen, 1ull << 40, 4096, &err), 0);
    int rc = mms_gen_write(gen, "huge", 0, 0, &err);
    /* Some file systems cap file sizes below 100 TiB (EFBIG); none may
     * report a lack of space. */
    ck_assert_msg(rc == 0 || err.sys_errno == EFBIG, "%s", err.message);
    mms_gen_free(gen);
}
END_TEST

/* A failure after the output was created: the file size limit makes
 * ftruncate() fail with EFBIG (SIGXFSZ ignored, as the shell's ulimit -f
 * users do). */
START_TEST(a_failure_removes_or_keeps_the_partial_output)
{
    tu_enter_temp_dir();
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {MIB, MIB};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &limit), 0);
    mms_gen *gen = new_gen(MMS_GEN_RANDOM, 2 * MIB, 1);
    mms_error err;
    ck_assert_int_eq(mms_gen_write(gen, "big", 0, 0, &err), MMS_EIO);
    ck_assert_int_eq(err.sys_errno, EFBIG);
    ck_assert_int_eq(access("big", F_OK), -1);
    ck_assert_int_eq(access("big" MMS_GEN_PARTIAL_SUFFIX, F_OK), -1);
    ck_assert_int_eq(mms_gen_write(gen, "big", MMS_GEN_KEEP_PARTIAL, 0, &err), MMS_EIO);
    ck_assert_int_eq(access("big", F_OK), -1);
    ck_assert_int_eq(access("big" MMS_GEN_PARTIAL_SUFFIX, F_OK), 0);
    mms_gen_free(gen);
}
END_TEST

START_TEST(shared_memory_round_trip)
{
    char name[64], path[80];
    snprintf(name, sizeof name, "mmscan-check-%d", (int)getpid());
    snprintf(path, sizeof path, "shm:%s", name);
    const uint64_t size = 5 * MIB + 3;
    mms_gen *gen = new_gen(MMS_GEN_CSV, size, 4);
    mms_error err;
    ck_assert_msg(mms_gen_write(gen, path, 0, 0, &err) == 0, "%s", err.message);
    ck_assert_int_eq(mms_gen_write(gen, path, 0, 0, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, EEXIST);
    char shm_name[80];
    snprintf(shm_name, sizeof shm_name, "/%s", name);
    int fd = shm_open(shm_name, O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    unsigned char *got = read_all(fd, size);
    close(fd);
    assert_gen_bytes(gen, got, size);
    free(got);

    /* The engine reads it back as shm:NAME. */
    mms_engine *engine = NULL;
    mms_processor *wc = NULL;
    mms_wc_counts counts;
    ck_assert_int_eq(mms_engine_new(&engine, &err), 0);
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_ALL, &err), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, &err), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, path, &err), 0);
    ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
    ck_assert_uint_eq(counts.bytes, size);
    mms_engine_free(engine);
    mms_processor_free(wc);

    ck_assert_int_eq(mms_gen_write(gen, path, MMS_GEN_FORCE, 0640, &err), 0);
    ck_assert_int_eq(mms_shm_remove(path, &err), 0);
    ck_assert_int_eq(mms_shm_remove(name, &err), MMS_EOPEN);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_int_eq(mms_shm_remove("a/b", &err), MMS_EINVAL);
    mms_gen_free(gen);
}
END_TEST

typedef struct listing {
    const char *want;
    uint64_t size;
    unsigned mode;
    bool found;
} listing;

static int find_object(void *ctx, const mms_shm_info *info)
{
    listing *l = ctx;
    if (strcmp(info->name, l->want) == 0) {
        l->found = true;
        l->size = info->size;
        l->mode = info->mode;
    }
    return 0;
}

START_TEST(shared_memory_listing)
{
    char name[64], path[80];
    snprintf(name, sizeof name, "mmscan-list-%d", (int)getpid());
    snprintf(path, sizeof path, "shm:%s", name);
    mms_gen *gen = new_gen(MMS_GEN_ZEROS, 12345, 0);
    mms_error err;
    ck_assert_int_eq(mms_gen_write(gen, path, 0, 0, &err), 0);
    listing l = {name, 0, 0, false};
    ck_assert_int_eq(mms_shm_list(find_object, &l, &err), 0);
    ck_assert(l.found);
    ck_assert_uint_eq(l.size, 12345);
    ck_assert_uint_eq(l.mode, 0600);
    ck_assert_int_eq(mms_shm_remove(name, &err), 0);
    l.found = false;
    ck_assert_int_eq(mms_shm_list(find_object, &l, &err), 0);
    ck_assert(!l.found);
    mms_gen_free(gen);
}
END_TEST

/* ---- the windows themselves (write_window.c) ---- */

typedef struct failing_source {
    uint64_t fail_at;   /* the fill that covers this offset fails */
    int truncate_fd;    /* >= 0: truncate it to 0 in the first fill */
    atomic_bool failed; /* the failing fill ran */
    atomic_int late;    /* windows (of 1 MiB) whose first fill came after it */
} failing_source;

static int failing_fill(void *ctx, uint64_t offset, unsigned char *buf, size_t len,
                        mms_error *err)
{
    failing_source *src = ctx;
    if (src->truncate_fd >= 0) {
        ck_assert_int_eq(ftruncate(src->truncate_fd, 0), 0);
        src->truncate_fd = -1;
    }
    if (offset <= src->fail_at && src->fail_at < offset + len) {
        atomic_store(&src->failed, true);
        return mms_error_set(err, MMS_EPROC, 0, "failed on purpose at %llu",
                             (unsigned long long)src->fail_at);
    }
    if (atomic_load(&src->failed)) {
        /* Time for the failing thread to stop the others, however busy
         * the machine: a window begun before that is no fault. */
        if (offset % MIB == 0)
            atomic_fetch_add(&src->late, 1);
        usleep(20000);
    }
    memset(buf, 'a', len);
    return 0;
}

static int open_sized(const char *path, uint64_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    return fd;
}

START_TEST(a_failing_fill_stops_every_thread)
{
    tu_enter_temp_dir();
    for (int m = MMS_WRITE_PWRITE; m <= MMS_WRITE_MAP; m++) {
        int fd = open_sized("out", 64 * MIB);
        failing_source src = {.fail_at = 40 * MIB + 5, .truncate_fd = -1};
        mms_write_source source = {&src, failing_fill, NULL};
        mms_write_plan plan = {fd, 64 * MIB, MIB, 3, (mms_write_method)m};
        mms_error err;
        ck_assert_int_eq(mms_write_output(&plan, &source, &err), MMS_EPROC);
        ck_assert_str_eq(err.message, "failed on purpose at 41943045");
        /* The other two threads may each have begun a window as the fill
         * failed, and a few more when the failing thread waits for a CPU
         * before it says stop; not most of the 23 after it. */
        int late = atomic_load(&src.late);
        ck_assert_int_le(late, 8);
        close(fd);
    }
}
END_TEST

START_TEST(a_mapped_output_that_shrinks_is_an_error_not_a_crash)
{
    tu_enter_temp_dir();
    int fd = open_sized("out", 8 * MIB);
    failing_source src = {.fail_at = UINT64_MAX, .truncate_fd = fd};
    mms_write_source source = {&src, failing_fill, NULL};
    mms_write_plan plan = {fd, 8 * MIB, 8 * MIB, 1, MMS_WRITE_MAP};
    mms_error err;
    ck_assert_int_eq(mms_write_output(&plan, &source, &err), MMS_ETRUNCATED);
    ck_assert_msg(strstr(err.message, "while being written"), "%s", err.message);
    close(fd);
}
END_TEST

START_TEST(a_read_only_output_is_an_error)
{
    tu_enter_temp_dir();
    close(open_sized("out", MIB));
    int fd = open("out", O_RDONLY);
    failing_source src = {.fail_at = UINT64_MAX, .truncate_fd = -1};
    mms_write_source source = {&src, failing_fill, NULL};
    for (int m = MMS_WRITE_PWRITE; m <= MMS_WRITE_MAP; m++) {
        mms_write_plan plan = {fd, MIB, 64 * KIB, 2, (mms_write_method)m};
        mms_error err;
        ck_assert_int_eq(mms_write_output(&plan, &source, &err), MMS_EIO);
        ck_assert_int_ne(err.sys_errno, 0);
    }
    close(fd);
}
END_TEST

/* Writes the first byte of a writable window (run under the guard). */
static int touch_first_byte(void *arg, mms_error *err)
{
    (void)err;
    const mms_writable_window *win = arg;
    win->data[0] = 1;
    return 0;
}

START_TEST(a_writable_window_reports_its_failures)
{
    tu_enter_temp_dir();
    close(open_sized("out", MIB));
    int ro = open("out", O_RDONLY);
    mms_writable_window win;
    mms_error err;
    ck_assert_int_eq(mms_writable_map(&win, ro, 64 * KIB, 64 * KIB, &err), MMS_EIO);
    ck_assert_int_eq(err.sys_errno, EACCES);
    ck_assert_uint_eq(err.offset, 64 * KIB);
    ck_assert_ptr_null(win.data);
    mms_writable_unmap(&win); /* none: nothing to do */
    close(ro);

    int fd = open("out", O_RDWR);
    ck_assert_int_eq(mms_guard_install(&err), 0);
    ck_assert_int_eq(mms_writable_map(&win, fd, 64 * KIB, 64 * KIB, &err), 0);
    ck_assert_int_eq(mms_writable_fill(win.data, win.len, touch_first_byte, &win, 70000, &err), 0);
    ck_assert_int_eq(mms_writable_sync(&win, &err), 0);
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    ck_assert_int_eq(mms_writable_fill(win.data, win.len, touch_first_byte, &win, 70000, &err),
                     MMS_ETRUNCATED);
    ck_assert_str_eq(err.message,
                     "output shrank or its disk filled up while being written (near offset 70000)");
    mms_writable_unmap(&win);
    ck_assert_ptr_null(win.data);
    close(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gen_write");
    TCase *tc = tcase_create("outputs");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_method_thread_count_and_window_writes_the_same_bytes);
    tcase_add_test(tc, sparse_outputs_keep_their_holes);
    tcase_add_test(tc, writes_report_their_progress);
    tcase_add_test(tc, an_existing_output_needs_force);
    tcase_add_test(tc, not_enough_space_fails_before_writing);
    tcase_add_test(tc, a_failure_removes_or_keeps_the_partial_output);
    tcase_add_test(tc, shared_memory_round_trip);
    tcase_add_test(tc, shared_memory_listing);
    tcase_add_test(tc, a_failing_fill_stops_every_thread);
    tcase_add_test(tc, a_mapped_output_that_shrinks_is_an_error_not_a_crash);
    tcase_add_test(tc, a_read_only_output_is_an_error);
    tcase_add_test(tc, a_writable_window_reports_its_failures);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
