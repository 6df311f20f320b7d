/*
 * zstd_compress.c - the compressor: an ordered processor that turns each
 * scan into one zstd frame on a descriptor.
 *
 * The new bytes of every chunk go to ZSTD_compressStream2(), which copies
 * what it needs (the chunk's window is unmapped after the call); with
 * workers, libzstd compresses jobs on its own threads while the engine's
 * thread hands over input and writes what comes out.
 */
#include "config.h"
#include "internal.h"
#include "output_file.h"
#include "proc/zstd_totals.h"

#include <errno.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

typedef struct compress_state {
    ZSTD_CCtx *cctx;
    int fd;
    uint64_t next_size;  /* the size of the next scan's input, or MMS_SIZE_UNKNOWN */
    uint64_t frame_size; /* the declared size of this scan's input, or MMS_SIZE_UNKNOWN */
    uint64_t frame_in;   /* bytes of this scan's input so far */
    mms_output out;
    bool in_frame;       /* this scan's frame has begun */
    bool frame_ended;    /* and its last bytes were given with ZSTD_e_end */
    mms_zstd_totals totals;
} compress_state;

static int size_mismatch(mms_error *err)
{
    return mms_error_set(err, MMS_EINVAL, 0, "the input's size is not the size declared");
}

static int zstd_failure(size_t code, mms_error *err)
{
    if (ZSTD_getErrorCode(code) == ZSTD_error_srcSize_wrong)
        return size_mismatch(err);
    if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for zstd compression");
    return mms_error_set(err, MMS_EPROC, 0, "zstd compression: %s", ZSTD_getErrorName(code));
}

/* Starts this scan's frame (also after a scan that failed half way). */
static int begin_frame(compress_state *s, mms_error *err)
{
    mms_output_release(&s->out);
    ZSTD_CCtx_reset(s->cctx, ZSTD_reset_session_only);
    s->frame_size = s->next_size;
    s->next_size = MMS_SIZE_UNKNOWN;
    s->frame_in = 0;
    s->frame_ended = false;
    if (s->frame_size != MMS_SIZE_UNKNOWN) {
        size_t rc = ZSTD_CCtx_setPledgedSrcSize(s->cctx, s->frame_size);
        if (ZSTD_isError(rc))
            return zstd_failure(rc, err);
    }
    int rc = mms_output_open(&s->out, s->fd, false, 0, err);
    if (rc == 0)
        s->in_frame = true;
    return rc;
}

/* Feeds in (all of it) to the frame, or ends the frame when mode is ZSTD_e_end. */
static int compress_some(compress_state *s, ZSTD_inBuffer *in, ZSTD_EndDirective mode,
                         mms_error *err)
{
    for (;;) {
        unsigned char *room;
        size_t room_len;
        int rc = mms_output_room(&s->out, &room, &room_len, err);
        if (rc < 0)
            return rc;
        ZSTD_outBuffer out = {room, room_len, 0};
        size_t left = ZSTD_compressStream2(s->cctx, &out, in, mode);
        mms_output_advance(&s->out, out.pos);
        s->totals.bytes_out += out.pos;
        if (ZSTD_isError(left))
            return zstd_failure(left, err);
        /* e_continue is done once the input is taken; e_end once nothing
         * is left to flush. */
        if (mode == ZSTD_e_end ? left == 0 : in->pos == in->size)
            return 0;
    }
}

static int compress_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    compress_state *s = self;
    if (chunk->offset == 0 || !s->in_frame) {
        int rc = begin_frame(s, err);
        if (rc < 0)
            return rc;
    }
    if (s->frame_ended) /* more input than declared */
        return size_mismatch(err);
    ZSTD_inBuffer in = {chunk->data + chunk->overlap, chunk->len - chunk->overlap, 0};
    s->totals.bytes_in += in.size;
    s->frame_in += in.size;
    /* The declared size tells which chunk is the last: ending the frame
     * with it saves the empty last block that ending it later costs (and
     * makes the same bytes as zstd, which knows its last read). */
    s->frame_ended = s->frame_in == s->frame_size;
    return compress_some(s, &in, s->frame_ended ? ZSTD_e_end : ZSTD_e_continue, err);
}

static int compress_finish(void *self, mms_error *err)
{
    compress_state *s = self;
    int rc = s->in_frame ? 0 : begin_frame(s, err); /* an empty input is an empty frame */
    /* Less input than declared: checked here, as libzstd with worker
     * threads does not, and the frame header would promise bytes it lacks. */
    if (rc == 0 && s->frame_size != MMS_SIZE_UNKNOWN && s->frame_in != s->frame_size)
        rc = size_mismatch(err);
    ZSTD_inBuffer none = {NULL, 0, 0};
    if (rc == 0 && !s->frame_ended)
        rc = compress_some(s, &none, ZSTD_e_end, err);
    if (rc == 0)
        rc = mms_output_finish(&s->out, err);
    s->in_frame = false;
    if (rc == 0)
        s->totals.frames++;
    return rc;
}

static void compress_destroy(void *self)
{
    compress_state *s = self;
    mms_output_release(&s->out);
    ZSTD_freeCCtx(s->cctx);
    free(s);
}

static const mms_processor_ops compress_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "zstd",
    .flags = MMS_PROC_ORDERED,
    .chunk = compress_chunk,
    .finish = compress_finish,
    .destroy = compress_destroy,
};

void mms_zstd_compress_options_init(mms_zstd_compress_options *opts)
{
    *opts = (mms_zstd_compress_options){.level = ZSTD_CLEVEL_DEFAULT, .checksum = true};
}

/* Applies one setting; on failure says which, with its valid range. */
static int set_param(ZSTD_CCtx *cctx, ZSTD_cParameter param, int value, const char *what,
                     mms_error *err)
{
    size_t rc = ZSTD_CCtx_setParameter(cctx, param, value);
    if (!ZSTD_isError(rc))
        return 0;
    ZSTD_bounds bounds = ZSTD_cParam_getBounds(param);
    if (ZSTD_isError(bounds.error))
        return mms_error_set(err, MMS_EINVAL, 0, "%s: not supported by this libzstd", what);
    return mms_error_set(err, MMS_EINVAL, 0, "%s %d out of range (%d to %d)", what, value,
                         bounds.lowerBound, bounds.upperBound);
}

int mms_zstd_compress_new(mms_processor **out, int fd, const mms_zstd_compress_options *opts,
                          mms_error *err)
{
    mms_zstd_compress_options defaults;
    if (!opts) {
        mms_zstd_compress_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    compress_state *s = calloc(1, sizeof *s);
    if (!s || !(s->cctx = ZSTD_createCCtx())) {
        free(s);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    s->fd = fd;
    s->next_size = MMS_SIZE_UNKNOWN;
    int level = opts->level ? opts->level : ZSTD_CLEVEL_DEFAULT;
    int rc = 0;
    /* libzstd clamps a level out of range instead of refusing it. */
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        rc = mms_error_set(err, MMS_EINVAL, 0, "compression level %d out of range (%d to %d)",
                           level, ZSTD_minCLevel(), ZSTD_maxCLevel());
    if (rc == 0)
        rc = set_param(s->cctx, ZSTD_c_compressionLevel, level, "compression level", err);
    if (rc == 0)
        rc = set_param(s->cctx, ZSTD_c_checksumFlag, opts->checksum, "checksum", err);
    if (rc == 0 && opts->workers)
        rc = set_param(s->cctx, ZSTD_c_nbWorkers, (int)opts->workers, "worker threads", err);
    if (rc == 0 && opts->long_window_log) {
        rc = set_param(s->cctx, ZSTD_c_enableLongDistanceMatching, 1, "long mode", err);
        if (rc == 0)
            rc = set_param(s->cctx, ZSTD_c_windowLog, (int)opts->long_window_log,
                           "long window log", err);
    }
    if (rc < 0) {
        compress_destroy(s);
        return rc;
    }
    return mms_processor_new(out, &compress_ops, s, err);
}

int mms_zstd_compress_set_size(mms_processor *proc, uint64_t bytes)
{
    if (!proc || proc->ops != &compress_ops)
        return MMS_EINVAL;
    ((compress_state *)proc->self)->next_size = bytes;
    return 0;
}

const mms_zstd_totals *mms_zstd_compress_totals(const mms_processor *proc)
{
    return proc && proc->ops == &compress_ops ? &((const compress_state *)proc->self)->totals : NULL;
}
