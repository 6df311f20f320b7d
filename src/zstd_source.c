/*
 * zstd_source.c - the third way to read an input, next to mapped windows
 * and read(): the input is zstd, and the processors get its content.
 *
 * The compressed bytes are read the usual way (mapped windows, or read()
 * for a stream) and decoded on the scanning thread into a buffer of one
 * window of new bytes plus the overlap; each time the buffer is full it is
 * handed out as a window, exactly as stream.c does, so no processor can
 * tell the difference.  Reading the compressed bytes is itself a guarded
 * ordered "processor" of the compressed windows, so a compressed file that
 * shrinks under the scan gives MMS_ETRUNCATED, not a crash.
 */
#include "config.h"
#include "zstd_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct zstd_walk {
    mms_zstd_decoder dec;
    mms_window_fn fn;      /* where the content windows go */
    void *ctx;
    mms_walk_counters *counters;
    unsigned char *buf;    /* kept overlap bytes, then new content bytes */
    size_t window, overlap;
    size_t kept;           /* bytes at buf carried over from the last window */
    size_t used;           /* bytes at buf */
    uint64_t handed_out;   /* content bytes before buf[kept] */
    bool stopped;          /* fn returned MMS_WALK_STOP: decode no more */
} zstd_walk;

bool mms_zstd_source_applies(const mms_source *src, mms_decompress how)
{
    if (how != MMS_DECOMPRESS_AUTO)
        return how == MMS_DECOMPRESS_ZSTD;
    /* Peek without consuming: pread() at the position a scan starts from.
     * A pipe refuses pread (ESPIPE) and is scanned as it is. */
    off_t at = src->mode == MMS_INPUT_MAP ? 0 : lseek(src->fd, 0, SEEK_CUR);
    unsigned char magic[4];
    return at >= 0 && pread(src->fd, magic, sizeof magic, at) == (ssize_t)sizeof magic &&
           mms_zstd_is_magic(magic);
}

/* Hands the buffer out as one window and keeps its last overlap bytes. */
static int hand_out(zstd_walk *w, mms_error *err)
{
    size_t fresh = w->used - w->kept;
    mms_window win = {
        .map = NULL,
        .map_len = 0,
        .chunk = {.data = w->buf, .len = w->used, .offset = w->handed_out - w->kept,
                  .overlap = w->kept},
    };
    w->counters->chunks++;
    w->counters->bytes += fresh;
    int rc = w->fn(w->ctx, &win, err);
    w->stopped = rc == MMS_WALK_STOP;
    w->handed_out += fresh;
    size_t keep = w->overlap < w->used ? w->overlap : w->used;
    memmove(w->buf, w->buf + w->used - keep, keep);
    w->kept = w->used = keep;
    return rc;
}

/* Decodes the new bytes of one compressed chunk, handing out full windows. */
static int decode_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    zstd_walk *w = self;
    ZSTD_inBuffer in = {chunk->data + chunk->overlap, chunk->len - chunk->overlap, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->buf, w->kept + w->window, w->used};
        int event = mms_zstd_decoder_step(&w->dec, &in, &out, err);
        w->used = out.pos;
        if (event < 0)
            return event;
        if (out.pos == out.size) {
            int rc = hand_out(w, err);
            if (rc != 0)
                return rc; /* an error, or MMS_WALK_STOP for the compressed walk */
        }
        if (event == MMS_ZSTD_NEED_INPUT || (event == MMS_ZSTD_FRAME_END && in.pos == in.size))
            return 0;
    }
}

/* One compressed window, as the SIGBUS guard runs it. */
typedef struct compressed_window {
    zstd_walk *walk;
    const mms_chunk *chunk;
} compressed_window;

static int decode_compressed_window(void *arg, mms_error *err)
{
    const compressed_window *cw = arg;
    return decode_chunk(cw->walk, cw->chunk, err);
}

static int on_compressed_window(void *ctx, const mms_window *win, mms_error *err)
{
    compressed_window cw = {ctx, &win->chunk};
    if (!win->map)
        return decode_compressed_window(&cw, err);
    return mms_guard_run(win->map, win->map_len, decode_compressed_window, &cw, err);
}

int mms_walk_zstd(const mms_source *src, const mms_walk_plan *plan, mms_window_fn fn, void *ctx,
                  mms_walk_counters *counters, mms_error *err)
{
    zstd_walk w = {.fn = fn, .ctx = ctx, .counters = counters, .window = (size_t)plan->window,
                   .overlap = plan->overlap};
    size_t capacity = w.overlap + w.window;
    if (capacity < w.overlap || posix_memalign((void **)&w.buf, mms_page_size(), capacity) != 0)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a %zu-byte buffer", capacity);
    int rc = mms_zstd_decoder_init(&w.dec, true, err);
    if (rc == 0) {
        /* The compressed side: the same walk as a plain input, without overlap. */
        mms_walk_plan compressed = *plan;
        compressed.overlap = 0;
        mms_walk_counters reads = {0};
        rc = src->mode == MMS_INPUT_MAP
                 ? mms_walk_mapped(&compressed, on_compressed_window, &w, &reads, err)
                 : mms_walk_stream(src->fd, plan->window, 0, on_compressed_window, &w, &reads, err);
        counters->map_calls += reads.map_calls;
        counters->bytes_mapped += reads.bytes_mapped;
    }
    if (rc == 0 && !w.stopped)
        rc = mms_zstd_decoder_end(&w.dec, err);
    if (rc == 0 && !w.stopped && w.used > w.kept)
        rc = hand_out(&w, err);
    mms_zstd_decoder_release(&w.dec);
    free(w.buf);
    return rc < 0 ? rc : 0;
}
