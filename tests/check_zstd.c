/*
 * check_zstd.c - the compressor, the decompressor, and the decompressing
 * input, against frames that libzstd itself writes and reads.
 */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_findDecompressedSize */
#include <zstd.h>

#define KIB 1024ull
#define GIB (1024ull * 1024 * 1024)

/* ---- making zstd files with libzstd alone ---- */

/* Appends to fd one frame of the test bytes [at, at + len). */
static void append_frame(int fd, uint64_t at, uint64_t len, bool content_size, bool checksum)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ck_assert_ptr_nonnull(cctx);
    ck_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum)));
    ck_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, content_size)));
    if (content_size)
        ck_assert(!ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cctx, len)));
    unsigned char in_buf[16384], out_buf[16384];
    uint64_t done = 0;
    for (;;) {
        size_t n = len - done < sizeof in_buf ? (size_t)(len - done) : sizeof in_buf;
        for (size_t i = 0; i < n; i++)
            in_buf[i] = tu_byte_at(at + done + i);
        done += n;
        ZSTD_EndDirective mode = done == len ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer in = {in_buf, n, 0};
        size_t left;
        do {
            ZSTD_outBuffer out = {out_buf, sizeof out_buf, 0};
            left = ZSTD_compressStream2(cctx, &out, &in, mode);
            ck_assert_msg(!ZSTD_isError(left), "%s", ZSTD_getErrorName(left));
            ck_assert_int_eq(write(fd, out_buf, out.pos), (ssize_t)out.pos);
        } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
        if (mode == ZSTD_e_end)
            break;
    }
    ZSTD_freeCCtx(cctx);
}

/* Appends a skippable frame with a payload of len bytes. */
static void append_skippable(int fd, uint32_t len)
{
    unsigned char header[8] = {0x5e, 0x2a, 0x4d, 0x18, (unsigned char)len, (unsigned char)(len >> 8),
                               (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
    ck_assert_int_eq(write(fd, header, sizeof header), 8);
    for (uint32_t i = 0; i < len; i++)
        ck_assert_int_eq(write(fd, "s", 1), 1);
}

/* Writes path: the test bytes [0, size) in `frames` frames, preceded by a
 * skippable frame when skippable; frame 2 has no content size, frame 3 no
 * checksum. */
static void make_zstd_file(const char *path, uint64_t size, unsigned frames, bool skippable)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    if (skippable)
        append_skippable(fd, 100);
    uint64_t at = 0;
    for (unsigned f = 0; f < frames; f++) {
        uint64_t len = f + 1 == frames ? size - at : size / frames;
        append_frame(fd, at, len, f != 1, f != 2);
        at += len;
    }
    ck_assert_int_eq(close(fd), 0);
}

/* Reads a whole small file into a malloc'ed buffer. */
static unsigned char *slurp(const char *path, size_t *len)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    *len = (size_t)st.st_size;
    unsigned char *buf = malloc(*len + 1);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(read(fd, buf, *len), (ssize_t)*len);
    close(fd);
    return buf;
}

/* Whether path holds exactly the test bytes [0, size). */
static void assert_pattern_file(const char *path, uint64_t size)
{
    size_t len;
    unsigned char *buf = slurp(path, &len);
    ck_assert_uint_eq(len, size);
    for (size_t i = 0; i < len; i++)
        if (buf[i] != tu_byte_at(i))
            ck_abort_msg("%s: byte %zu differs", path, i);
    free(buf);
}

/* ---- a processor that checks what a scan delivers ---- */

typedef struct checker {
    size_t want_overlap;
    uint64_t end;          /* end of the new bytes so far */
    uint64_t chunks;
    char fault[160];
} checker;

static size_t checker_overlap(const void *self)
{
    return ((const checker *)self)->want_overlap;
}

static int checker_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    (void)err;
    checker *k = self;
    uint64_t new_begin = c->offset + c->overlap;
    uint64_t want = new_begin < k->want_overlap ? new_begin : k->want_overlap;
    if (k->fault[0])
        return 0;
    if (c->overlap != want || c->overlap >= c->len || new_begin != k->end)
        snprintf(k->fault, sizeof k->fault, "bad chunk: offset %llu overlap %zu len %zu",
                 (unsigned long long)c->offset, c->overlap, c->len);
    for (size_t i = 0; i < c->len && !k->fault[0]; i++)
        if (c->data[i] != tu_byte_at(c->offset + i))
            snprintf(k->fault, sizeof k->fault, "wrong byte at %llu",
                     (unsigned long long)(c->offset + i));
    k->end = c->offset + c->len;
    k->chunks++;
    return 0;
}

static const mms_processor_ops checker_ops = {
    .abi = MMS_PROCESSOR_ABI, .name = "checker", .flags = MMS_PROC_ORDERED,
    .overlap = checker_overlap, .chunk = checker_chunk, .destroy = free,
};

static mms_processor *checker_new(size_t overlap)
{
    checker *k = calloc(1, sizeof *k);
    k->want_overlap = overlap;
    mms_processor *proc;
    ck_assert_int_eq(mms_processor_new(&proc, &checker_ops, k, NULL), 0);
    return proc;
}

static mms_engine *engine_with(uint64_t window, mms_decompress how)
{
    mms_engine *engine;
    ck_assert_int_eq(mms_engine_new(&engine, NULL), 0);
    ck_assert_int_eq(mms_engine_set_window(engine, window, NULL), 0);
    mms_engine_set_decompress(engine, how);
    return engine;
}

/* Scans path with a checker; returns the scan's info after checking it. */
static mms_scan_info scan_checked(mms_engine *engine, const char *path, size_t overlap,
                                  uint64_t size)
{
    mms_processor *proc = checker_new(overlap);
    mms_error err;
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_msg(mms_engine_scan_path(engine, path, &err) == 0, "%s: %s", path, err.message);
    checker *k = mms_processor_state(proc);
    ck_assert_msg(!k->fault[0], "%s, size %llu, overlap %zu: %s", path, (unsigned long long)size,
                  overlap, k->fault);
    ck_assert_uint_eq(k->end, size);
    mms_engine_clear(engine);
    mms_processor_free(proc);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    return info;
}

/* ---- the decompressing input ---- */

START_TEST(decompressed_scan_sees_the_content_at_every_edge)
{
    tu_enter_temp_dir();
    const uint64_t page = mms_page_size(), window = 4 * page;
    const uint64_t sizes[] = {1, page - 1, page, page + 1, window - 1, window, window + 1,
                              5 * window + 3};
    const size_t overlaps[] = {0, 1, (size_t)page + 3};
    mms_engine *engine = engine_with(window, MMS_DECOMPRESS_ZSTD);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (unsigned frames = 1; frames <= 3; frames += 2) {
            make_zstd_file("in.zst", sizes[s], frames, frames > 1);
            for (size_t o = 0; o < sizeof overlaps / sizeof overlaps[0]; o++) {
                mms_scan_info info = scan_checked(engine, "in.zst", overlaps[o], sizes[s]);
                ck_assert_int_eq(info.mode, MMS_INPUT_ZSTD);
                ck_assert_uint_eq(info.bytes, sizes[s]);
                ck_assert_uint_eq(info.chunks, (sizes[s] + window - 1) / window);
                ck_assert_uint_eq(info.parts, 1);
                ck_assert_uint_ge(info.map_calls, 1);
            }
        }
    }
    mms_engine_free(engine);
}
END_TEST

/* The compressed bytes come through a pipe: read() under the decoder. */
START_TEST(decompressed_scan_of_a_pipe)
{
    tu_enter_temp_dir();
    const uint64_t size = 300 * KIB + 5;
    make_zstd_file("in.zst", size, 3, true);
    int fd = open("in.zst", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        close(fds[0]);
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            if (write(fds[1], buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    mms_engine *engine = engine_with(64 * KIB, MMS_DECOMPRESS_ZSTD);
    mms_processor *proc = checker_new(100);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_msg(mms_engine_scan_fd(engine, fds[0], &err) == 0, "%s", err.message);
    checker *k = mms_processor_state(proc);
    ck_assert_msg(!k->fault[0], "%s", k->fault);
    ck_assert_uint_eq(k->end, size);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_int_eq(info.mode, MMS_INPUT_ZSTD);
    ck_assert_uint_eq(info.map_calls, 0);
    close(fds[0]);
    close(fd);
    waitpid(child, NULL, 0);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

START_TEST(auto_decompresses_only_what_starts_with_a_magic_number)
{
    tu_enter_temp_dir();
    const uint64_t size = 50 * KIB;
    tu_write_pattern("plain", 0, size);
    make_zstd_file("frame.zst", size, 1, false);
    make_zstd_file("skippable.zst", size, 2, true);
    mms_engine *engine = engine_with(16 * KIB, MMS_DECOMPRESS_AUTO);
    ck_assert_int_eq(scan_checked(engine, "plain", 3, size).mode, MMS_INPUT_MAP);
    ck_assert_int_eq(scan_checked(engine, "frame.zst", 3, size).mode, MMS_INPUT_ZSTD);
    ck_assert_int_eq(scan_checked(engine, "skippable.zst", 3, size).mode, MMS_INPUT_ZSTD);

    /* Without decompression the same file is scanned as its bytes. */
    mms_engine_set_decompress(engine, MMS_DECOMPRESS_NONE);
    mms_processor *wc;
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_BYTES, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, wc, NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "frame.zst", NULL), 0);
    mms_wc_counts counts;
    ck_assert_int_eq(mms_wc_get_counts(wc, &counts), 0);
    struct stat st;
    ck_assert_int_eq(stat("frame.zst", &st), 0);
    ck_assert_uint_eq(counts.bytes, (uint64_t)st.st_size);

    /* A pipe cannot be peeked at: AUTO scans it as it is. */
    mms_engine_set_decompress(engine, MMS_DECOMPRESS_AUTO);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    size_t len;
    unsigned char *data = slurp("frame.zst", &len);
    ck_assert_uint_lt(len, 60000); /* fits in the pipe */
    ck_assert_int_eq(write(fds[1], data, len), (ssize_t)len);
    close(fds[1]);
    ck_assert_int_eq(mms_engine_scan_fd(engine, fds[0], NULL), 0);
    mms_scan_info info;
    mms_engine_get_info(engine, &info);
    ck_assert_int_eq(info.mode, MMS_INPUT_STREAM);
    ck_assert_uint_eq(info.bytes, len);
    close(fds[0]);
    free(data);
    mms_engine_free(engine);
    mms_processor_free(wc);
}
END_TEST

/* Scans path under MMS_DECOMPRESS_ZSTD and expects MMS_ECORRUPT with a message containing what. */
static void expect_corrupt(const char *path, const char *what)
{
    mms_engine *engine = engine_with(16 * KIB, MMS_DECOMPRESS_ZSTD);
    mms_processor *proc = checker_new(0);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, path, &err), MMS_ECORRUPT);
    ck_assert_msg(strstr(err.message, what), "%s: '%s' lacks '%s'", path, err.message, what);
    ck_assert_str_eq(mms_strerror(MMS_ECORRUPT), "corrupt or truncated compressed data");
    mms_engine_free(engine);
    mms_processor_free(proc);
}

START_TEST(corrupt_truncated_and_foreign_inputs_are_errors)
{
    tu_enter_temp_dir();
    const uint64_t size = 200 * KIB;
    make_zstd_file("good.zst", size, 1, false);
    size_t len;
    unsigned char *data = slurp("good.zst", &len);

    tu_write_file("truncated.zst", data, len - 5);
    expect_corrupt("truncated.zst", "truncated zstd data");
    data[len - 1] ^= 0x40; /* the last byte belongs to the checksum */
    tu_write_file("checksum.zst", data, len);
    expect_corrupt("checksum.zst", "checksum mismatch");
    data[len - 1] ^= 0x40;
    data[len / 2] ^= 0xff;
    tu_write_file("flipped.zst", data, len);
    expect_corrupt("flipped.zst", "");
    data[len / 2] ^= 0xff;
    tu_write_pattern("plain", 0, 1000);
    expect_corrupt("plain", "not in zstd format");
    tu_write_file("empty", "", 0);
    expect_corrupt("empty", "empty input");
    int fd = open("good.zst", O_WRONLY | O_APPEND);
    ck_assert_int_eq(write(fd, "garbage!", 8), 8);
    close(fd);
    expect_corrupt("good.zst", "after frame 1");
    free(data);
}
END_TEST

/* ---- the compressor and the decompressor ---- */

/* Compresses path with our compressor; workers and whether to declare the size. */
static void compress_file(const char *path, const char *out_path, uint64_t window,
                          unsigned workers, bool declare_size)
{
    int out = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(out, 0);
    mms_zstd_compress_options opts;
    mms_zstd_compress_options_init(&opts);
    opts.level = 1;
    opts.workers = workers;
    mms_processor *proc;
    mms_error err;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, out, &opts, &err), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    if (declare_size)
        ck_assert_int_eq(mms_zstd_compress_set_size(proc, (uint64_t)st.st_size), 0);
    mms_engine *engine = engine_with(window, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_msg(mms_engine_scan_path(engine, path, &err) == 0, "%s", err.message);
    mms_zstd_totals totals;
    ck_assert_int_eq(mms_zstd_get_totals(proc, &totals), 0);
    ck_assert_uint_eq(totals.bytes_in, (uint64_t)st.st_size);
    ck_assert_uint_eq(totals.frames, 1);
    ck_assert_int_eq(fstat(out, &st), 0);
    ck_assert_uint_eq(totals.bytes_out, (uint64_t)st.st_size);
    mms_engine_free(engine);
    mms_processor_free(proc);
    close(out);
}

/* ---- a processor that measures the maps of the output ---- */

typedef struct map_meter {
    struct stat file;      /* the output */
    uint64_t most;         /* the most bytes of it mapped at once */
} map_meter;

/* The bytes of the file st that this process maps now (/proc/self/maps). */
static uint64_t mapped_bytes(const struct stat *st)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(maps);
    char line[8192];
    uint64_t total = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long long begin, end, inode;
        unsigned dev_major, dev_minor;
        if (sscanf(line, "%llx-%llx %*s %*s %x:%x %llu", &begin, &end, &dev_major, &dev_minor,
                   &inode) == 5 &&
            inode == st->st_ino && dev_major == major(st->st_dev) && dev_minor == minor(st->st_dev))
            total += end - begin;
    }
    fclose(maps);
    return total;
}

/* Runs after the decompressor on each chunk, while its helper may be
 * mapping the next output window. */
static int map_meter_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    (void)c;
    (void)err;
    map_meter *m = self;
    uint64_t now = mapped_bytes(&m->file);
    if (now > m->most)
        m->most = now;
    return 0;
}

static const mms_processor_ops map_meter_ops = {
    .abi = MMS_PROCESSOR_ABI, .name = "map meter", .flags = MMS_PROC_ORDERED,
    .chunk = map_meter_chunk, .destroy = free,
};

/* Decompresses path with our decompressor into out_path (opened with
 * flags), output windows of out_window bytes; returns the totals.  Checks
 * that no more than three output windows were ever mapped at once. */
static mms_zstd_totals decompress_file(const char *path, const char *out_path, int flags,
                                       uint64_t out_window)
{
    int out = open(out_path, flags | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(out, 0);
    mms_zstd_decompress_options opts;
    mms_zstd_decompress_options_init(&opts);
    opts.window = out_window;
    mms_processor *proc, *meter;
    ck_assert_int_eq(mms_zstd_decompress_new(&proc, out, &opts, NULL), 0);
    map_meter *m = calloc(1, sizeof *m);
    ck_assert_int_eq(fstat(out, &m->file), 0);
    ck_assert_int_eq(mms_processor_new(&meter, &map_meter_ops, m, NULL), 0);
    mms_engine *engine = engine_with(16 * KIB, MMS_DECOMPRESS_NONE);
    /* One thread: the meter looks between the decompressor's calls (as
     * lanes, it would see the maps in the middle of a hand-over). */
    mms_engine_set_threads(engine, 1);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, meter, NULL), 0);
    mms_error err;
    ck_assert_msg(mms_engine_scan_path(engine, path, &err) == 0, "%s", err.message);
    mms_zstd_totals totals;
    ck_assert_int_eq(mms_zstd_get_totals(proc, &totals), 0);
    ck_assert_int_eq(lseek(out, 0, SEEK_CUR), (off_t)totals.bytes_out);
    uint64_t page = mms_page_size(), window = (out_window + page - 1) / page * page;
    ck_assert_msg(m->most <= 3 * window, "%llu bytes of the output mapped at once",
                  (unsigned long long)m->most);
    ck_assert_uint_eq(mapped_bytes(&m->file), 0);
    mms_engine_free(engine);
    mms_processor_free(meter);
    mms_processor_free(proc);
    close(out);
    return totals;
}

START_TEST(round_trips_at_every_edge)
{
    tu_enter_temp_dir();
    const uint64_t page = mms_page_size(), window = 4 * page;
    const uint64_t sizes[] = {0, 1, page - 1, page, page + 1, window - 1, window, window + 1,
                              7 * window + 5};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        tu_make_sparse("in", 0);
        tu_write_pattern("in", 0, sizes[s]);
        for (unsigned workers = 0; workers <= 2; workers += 2) {
            for (int declare = 0; declare < 2; declare++) {
                compress_file("in", "in.zst", window, workers, declare);
                /* libzstd reads it, and sees the declared size or none (an
                 * empty input is one call that ends the frame: its size is
                 * known then). */
                size_t len;
                unsigned char *frame = slurp("in.zst", &len);
                unsigned long long content = ZSTD_getFrameContentSize(frame, len);
                ck_assert_uint_eq(content, declare || sizes[s] == 0 ? sizes[s] : ZSTD_CONTENTSIZE_UNKNOWN);
                unsigned char *back = malloc(sizes[s] + 1);
                size_t got = ZSTD_decompress(back, sizes[s] + 1, frame, len);
                ck_assert_msg(!ZSTD_isError(got), "%s", ZSTD_getErrorName(got));
                ck_assert_uint_eq(got, sizes[s]);
                for (size_t i = 0; i < got; i++)
                    ck_assert_int_eq(back[i], tu_byte_at(i));
                free(back);
                free(frame);
                /* Our decompressor: through maps (growing by small windows
                 * when the size is not declared), and through write(). */
                mms_zstd_totals t = decompress_file("in.zst", "out", O_RDWR, page);
                ck_assert_uint_eq(t.bytes_out, sizes[s]);
                ck_assert_uint_eq(t.frames, 1);
                assert_pattern_file("out", sizes[s]);
                decompress_file("in.zst", "out", O_WRONLY, page);
                assert_pattern_file("out", sizes[s]);
            }
        }
    }
}
END_TEST

START_TEST(frames_written_by_libzstd_are_read)
{
    tu_enter_temp_dir();
    const uint64_t size = 100 * KIB + 17;
    make_zstd_file("multi.zst", size, 3, true);
    mms_zstd_totals t = decompress_file("multi.zst", "out", O_RDWR, 8 * KIB);
    ck_assert_uint_eq(t.frames, 4); /* the skippable frame counts */
    ck_assert_uint_eq(t.bytes_out, size);
    assert_pattern_file("out", size);
}
END_TEST

/* Frames without a content size after one with it: the mapped output grows
 * a window ahead of the writes, and ends exactly at the end of the content
 * whether the last frame has a size or not. */
START_TEST(frames_of_unknown_size_grow_the_mapped_output)
{
    tu_enter_temp_dir();
    const uint64_t window = 8 * KIB;
    const struct {
        uint64_t len;
        bool content_size;
    } frames[] = {{1000, true}, {10 * window + 123, false}, {3 * window, false}, {77, true},
                  {5 * window + 5, false}};
    const size_t nframes = sizeof frames / sizeof frames[0];
    /* The frames but the last one (which has a size), then all of them. */
    for (size_t n = nframes - 1; n <= nframes; n++) {
        int fd = open("grow.zst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ck_assert_int_ge(fd, 0);
        uint64_t size = 0;
        for (size_t f = 0; f < n; f++) {
            append_frame(fd, size, frames[f].len, frames[f].content_size, true);
            size += frames[f].len;
        }
        close(fd);
        ck_assert_uint_eq(decompress_file("grow.zst", "out", O_RDWR, window).frames, n);
        assert_pattern_file("out", size);
    }
}
END_TEST

/* Writes almost cap bytes of text, compressed in one frame, to good.zst
 * and, with a corrupt block in the middle, to bad.zst; returns the text. */
static char *write_text_frames(size_t cap, size_t *size)
{
    char *text = malloc(cap);
    *size = 0;
    for (unsigned i = 0; *size + 64 < cap; i++)
        *size += (size_t)sprintf(text + *size, "line %u of a text that compresses %u\n", i, i % 97);
    size_t bound = ZSTD_compressBound(*size);
    unsigned char *frame = malloc(bound);
    size_t len = ZSTD_compress(frame, bound, text, *size, 1);
    ck_assert(!ZSTD_isError(len));
    tu_write_file("good.zst", frame, len);
    memset(frame + len / 2, 0xff, 16);
    tu_write_file("bad.zst", frame, len);
    free(frame);
    return text;
}

/* A corrupt block met after several output windows fails the scan while
 * the helper maps ahead; the same decompressor then writes a whole file. */
START_TEST(an_error_midway_stops_the_mapped_output)
{
    tu_enter_temp_dir();
    const uint64_t window = 8 * KIB;
    size_t size;
    char *text = write_text_frames(64 * window, &size);

    int out = open("out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(out, 0);
    mms_zstd_decompress_options opts;
    mms_zstd_decompress_options_init(&opts);
    opts.window = window;
    mms_processor *proc;
    ck_assert_int_eq(mms_zstd_decompress_new(&proc, out, &opts, NULL), 0);
    mms_engine *engine = engine_with(4 * KIB, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "bad.zst", &err), MMS_ECORRUPT);
    mms_zstd_totals totals;
    ck_assert_int_eq(mms_zstd_get_totals(proc, &totals), 0);
    ck_assert_uint_gt(totals.bytes_out, 2 * window);
    ck_assert_uint_lt(totals.bytes_out, size);

    ck_assert_int_eq(ftruncate(out, 0), 0);
    ck_assert_int_eq(lseek(out, 0, SEEK_SET), 0);
    ck_assert_msg(mms_engine_scan_path(engine, "good.zst", &err) == 0, "%s", err.message);
    char *back = malloc(size + 1);
    ck_assert_int_eq(pread(out, back, size + 1, 0), (ssize_t)size);
    ck_assert(memcmp(back, text, size) == 0);
    free(back);
    close(out);
    mms_engine_free(engine);
    mms_processor_free(proc);
    free(text);
}
END_TEST

/* A processor that truncates the file fd to 0 after its first chunk. */
static int shrinker_chunk(void *self, const mms_chunk *c, mms_error *err)
{
    (void)c;
    (void)err;
    int *fd = self;
    if (*fd >= 0)
        ck_assert_int_eq(ftruncate(*fd, 0), 0);
    *fd = -1;
    return 0;
}

static const mms_processor_ops shrinker_ops = {
    .abi = MMS_PROCESSOR_ABI, .name = "shrinker", .flags = MMS_PROC_ORDERED,
    .chunk = shrinker_chunk, .destroy = free,
};

/* The output shrinking under its maps (as when its disk fills up) is an
 * error, not a crash. */
START_TEST(an_output_that_shrinks_under_its_maps_is_an_error)
{
    tu_enter_temp_dir();
    size_t size;
    free(write_text_frames(4 << 20, &size));
    int out = open("out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(out, 0);
    mms_zstd_decompress_options opts;
    mms_zstd_decompress_options_init(&opts);
    opts.window = 64 * KIB;
    mms_processor *proc, *shrinker;
    ck_assert_int_eq(mms_zstd_decompress_new(&proc, out, &opts, NULL), 0);
    int *shrink_fd = malloc(sizeof *shrink_fd);
    *shrink_fd = out;
    ck_assert_int_eq(mms_processor_new(&shrinker, &shrinker_ops, shrink_fd, NULL), 0);
    mms_engine *engine = engine_with(4 * KIB, MMS_DECOMPRESS_NONE);
    mms_engine_set_threads(engine, 1); /* the shrinker runs right after the first chunk */
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_engine_add(engine, shrinker, NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "good.zst", &err), MMS_ETRUNCATED);
    ck_assert_msg(strstr(err.message, "output shrank or its disk filled up") != NULL, "%s",
                  err.message);
    close(out);
    mms_engine_free(engine);
    mms_processor_free(shrinker);
    mms_processor_free(proc);
}
END_TEST

/* A frame header split across two chunks still sizes the output. */
START_TEST(frame_headers_across_chunk_edges)
{
    tu_enter_temp_dir();
    const uint64_t window = 16 * KIB; /* the engine window of decompress_file() */
    for (uint64_t first = window - 20; first <= window + 2; first++) {
        /* An incompressible first frame whose end falls near the window edge. */
        int fd = open("edge.zst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ck_assert_int_ge(fd, 0);
        append_skippable(fd, (uint32_t)(first - 8));
        append_frame(fd, 0, 3000, true, true);
        close(fd);
        decompress_file("edge.zst", "out", O_RDWR, 4 * KIB);
        assert_pattern_file("out", 3000);
    }
}
END_TEST

START_TEST(several_scans_make_several_frames)
{
    tu_enter_temp_dir();
    tu_write_pattern("in", 0, 10 * KIB);
    int out = open("two.zst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    mms_processor *proc;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, out, NULL, NULL), 0);
    mms_engine *engine = engine_with(4 * KIB, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_zstd_compress_set_size(proc, 10 * KIB), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "in", NULL), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "in", NULL), 0);
    mms_zstd_totals totals;
    ck_assert_int_eq(mms_zstd_get_totals(proc, &totals), 0);
    ck_assert_uint_eq(totals.frames, 2);
    ck_assert_uint_eq(totals.bytes_in, 20 * KIB);
    close(out);
    size_t len;
    unsigned char *data = slurp("two.zst", &len);
    ck_assert_uint_eq(ZSTD_findDecompressedSize(data, len), ZSTD_CONTENTSIZE_UNKNOWN);
    size_t first = ZSTD_findFrameCompressedSize(data, len);
    ck_assert_uint_eq(ZSTD_getFrameContentSize(data, len), 10 * KIB);
    ck_assert_uint_eq(ZSTD_getFrameContentSize(data + first, len - first), ZSTD_CONTENTSIZE_UNKNOWN);
    free(data);

    /* A declared size that is wrong fails the scan. */
    ck_assert_int_eq(mms_zstd_compress_set_size(proc, 10 * KIB + 1), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "in", &err), MMS_EINVAL);
    ck_assert_str_eq(err.message, "the input's size is not the size declared");
    /* Smaller, and met exactly at a window edge: the next window is refused. */
    ck_assert_int_eq(mms_zstd_compress_set_size(proc, 4 * KIB), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "in", &err), MMS_EINVAL);
    ck_assert_str_eq(err.message, "the input's size is not the size declared");
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* Less input than declared, with libzstd's worker threads, which do not
 * check it themselves: still a failed scan, never a frame that promises
 * bytes it lacks. */
START_TEST(declared_size_checked_with_workers)
{
    tu_enter_temp_dir();
    /* (Larger than a worker's job: a smaller input is compressed in one
     * go, which checks the size.) */
    tu_write_pattern("in", 0, 16 * KIB * KIB);
    int out = open("w.zst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    mms_zstd_compress_options options;
    mms_zstd_compress_options_init(&options);
    options.workers = 1;
    mms_processor *proc;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, out, &options, NULL), 0);
    mms_engine *engine = engine_with(KIB * KIB, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    ck_assert_int_eq(mms_zstd_compress_set_size(proc, 16 * KIB * KIB + 1000), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "in", &err), MMS_EINVAL);
    ck_assert_str_eq(err.message, "the input's size is not the size declared");
    close(out);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

/* Output through maps at file offsets past 4 GiB (a sparse file). */
START_TEST(mapped_output_past_4g)
{
    tu_enter_temp_dir();
    const uint64_t size = 5 * 64 * KIB + 3, start = 4 * GIB + 123;
    make_zstd_file("in.zst", size, 1, false);
    int out = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(out, 0);
    ck_assert_int_eq(lseek(out, (off_t)start, SEEK_SET), (off_t)start);
    mms_zstd_decompress_options opts;
    mms_zstd_decompress_options_init(&opts);
    opts.window = 64 * KIB;
    mms_processor *proc;
    ck_assert_int_eq(mms_zstd_decompress_new(&proc, out, &opts, NULL), 0);
    mms_engine *engine = engine_with(8 * KIB, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_msg(mms_engine_scan_path(engine, "in.zst", &err) == 0, "%s", err.message);
    ck_assert_int_eq(lseek(out, 0, SEEK_CUR), (off_t)(start + size));
    struct stat st;
    ck_assert_int_eq(fstat(out, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, start + size);
    unsigned char *back = malloc(size);
    ck_assert_int_eq(pread(out, back, size, (off_t)start), (ssize_t)size);
    for (size_t i = 0; i < size; i++)
        ck_assert_int_eq(back[i], tu_byte_at(i));
    free(back);
    close(out);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

START_TEST(settings_are_validated)
{
    mms_zstd_compress_options opts;
    mms_zstd_compress_options_init(&opts);
    ck_assert_int_eq(opts.level, 3);
    ck_assert(opts.checksum);
    mms_processor *proc;
    mms_error err;
    opts.level = 99;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, 1, &opts, &err), MMS_EINVAL);
    ck_assert_ptr_null(proc);
    ck_assert_msg(strstr(err.message, "compression level 99 out of range"), "%s", err.message);
    opts.level = 1;
    opts.long_window_log = 40;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, 1, &opts, &err), MMS_EINVAL);
    ck_assert_msg(strstr(err.message, "long window log 40"), "%s", err.message);

    mms_zstd_decompress_options dopts;
    mms_zstd_decompress_options_init(&dopts);
    dopts.window = 0;
    ck_assert_int_eq(mms_zstd_decompress_new(&proc, 1, &dopts, NULL), MMS_EINVAL);

    mms_processor *wc;
    ck_assert_int_eq(mms_wc_new(&wc, MMS_WC_LINES, NULL), 0);
    mms_zstd_totals totals;
    ck_assert_int_eq(mms_zstd_get_totals(wc, &totals), MMS_EINVAL);
    ck_assert_int_eq(mms_zstd_compress_set_size(wc, 1), MMS_EINVAL);
    mms_processor_free(wc);
}
END_TEST

START_TEST(write_errors_are_reported)
{
    int out = open("/dev/full", O_WRONLY);
    ck_assert_int_ge(out, 0);
    mms_processor *proc;
    ck_assert_int_eq(mms_zstd_compress_new(&proc, out, NULL, NULL), 0);
    mms_engine *engine = engine_with(4 * KIB, MMS_DECOMPRESS_NONE);
    ck_assert_int_eq(mms_engine_add(engine, proc, NULL), 0);
    mms_error err;
    ck_assert_int_eq(mms_engine_scan_path(engine, "/proc/self/status", &err), MMS_EIO);
    ck_assert_int_eq(err.sys_errno, ENOSPC);
    ck_assert_str_eq(err.message, "cannot write the output: No space left on device");
    close(out);
    mms_engine_free(engine);
    mms_processor_free(proc);
}
END_TEST

static Suite *zstd_suite(void)
{
    Suite *s = suite_create("zstd");
    TCase *tc = tcase_create("decompressing input");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, decompressed_scan_sees_the_content_at_every_edge);
    tcase_add_test(tc, decompressed_scan_of_a_pipe);
    tcase_add_test(tc, auto_decompresses_only_what_starts_with_a_magic_number);
    tcase_add_test(tc, corrupt_truncated_and_foreign_inputs_are_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("processors");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, round_trips_at_every_edge);
    tcase_add_test(tc, frames_written_by_libzstd_are_read);
    tcase_add_test(tc, frames_of_unknown_size_grow_the_mapped_output);
    tcase_add_test(tc, an_error_midway_stops_the_mapped_output);
    tcase_add_test(tc, an_output_that_shrinks_under_its_maps_is_an_error);
    tcase_add_test(tc, frame_headers_across_chunk_edges);
    tcase_add_test(tc, several_scans_make_several_frames);
    tcase_add_test(tc, declared_size_checked_with_workers);
    tcase_add_test(tc, mapped_output_past_4g);
    tcase_add_test(tc, settings_are_validated);
    tcase_add_test(tc, write_errors_are_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(zstd_suite());
}
