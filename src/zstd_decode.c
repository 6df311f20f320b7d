/* zstd_decode.c - one decoding loop for every reader of zstd frames. */
#include "config.h"

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_forceIgnoreChecksum, ZSTD_MAGIC_SKIPPABLE_* */
#include "zstd_decode.h"

#include <errno.h>
#include <zstd_errors.h>

/* Frames declare their window; accept every window zstd can write (its
 * --long=31), as memory allows, instead of libzstd's default cap of 2^27. */
#define MAX_WINDOW_LOG ZSTD_WINDOWLOG_MAX_64
/* Compressed bytes given to libzstd per call.  It tells nothing of where
 * in its input an error lies, so where the failing call's input ends is the
 * bound an error message gives (a block that runs past a piece is copied
 * into libzstd's buffer: a small cost next to decoding it). */
#define DECODE_PIECE ((size_t)256 << 10)

int mms_zstd_decoder_init(mms_zstd_decoder *dec, bool verify_checksum, mms_error *err)
{
    *dec = (mms_zstd_decoder){0};
    dec->dctx = ZSTD_createDCtx();
    if (!dec->dctx)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a zstd decoder");
    size_t rc = ZSTD_DCtx_setParameter(dec->dctx, ZSTD_d_windowLogMax, MAX_WINDOW_LOG);
    if (!ZSTD_isError(rc) && !verify_checksum)
        rc = ZSTD_DCtx_setParameter(dec->dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
    if (ZSTD_isError(rc)) {
        mms_zstd_decoder_release(dec);
        return mms_error_set(err, MMS_EINVAL, 0, "zstd decoder: %s", ZSTD_getErrorName(rc));
    }
    return 0;
}

void mms_zstd_decoder_reset(mms_zstd_decoder *dec)
{
    ZSTD_DCtx_reset(dec->dctx, ZSTD_reset_session_only);
    dec->in_bytes = dec->out_bytes = dec->frames = 0;
    dec->in_frame = false;
}

void mms_zstd_decoder_release(mms_zstd_decoder *dec)
{
    ZSTD_freeDCtx(dec->dctx);
    dec->dctx = NULL;
}

/* Turns a libzstd error into our code and a message that says what is wrong;
 * given: the compressed bytes libzstd had been given when it failed. */
static int decode_error(const mms_zstd_decoder *dec, size_t code, uint64_t given, mms_error *err)
{
    int rc;
    uint64_t found_at = dec->in_bytes;
    switch (ZSTD_getErrorCode(code)) {
    case ZSTD_error_memory_allocation:
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory for a zstd frame");
        break;
    case ZSTD_error_prefix_unknown:
        rc = dec->frames == 0
                 ? mms_error_set(err, MMS_ECORRUPT, 0, "not in zstd format")
                 : mms_error_set(err, MMS_ECORRUPT, 0,
                                 "not in zstd format after frame %llu (at byte %llu)",
                                 (unsigned long long)dec->frames, (unsigned long long)dec->in_bytes);
        break;
    case ZSTD_error_checksum_wrong:
        rc = mms_error_set(err, MMS_ECORRUPT, 0, "checksum mismatch in frame %llu: corrupt data",
                           (unsigned long long)dec->frames + 1);
        break;
    default:
        rc = mms_error_set(err, MMS_ECORRUPT, 0,
                           "corrupt zstd data in frame %llu, found before byte %llu: %s",
                           (unsigned long long)dec->frames + 1, (unsigned long long)given,
                           ZSTD_getErrorName(code));
        found_at = given;
        break;
    }
    if (err)
        err->offset = found_at;
    return rc;
}

int mms_zstd_decoder_step(mms_zstd_decoder *dec, ZSTD_inBuffer *in, ZSTD_outBuffer *out,
                          mms_error *err)
{
    for (;;) {
        size_t in_before = in->pos, out_before = out->pos;
        ZSTD_inBuffer piece = {in->src, in->size - in->pos > DECODE_PIECE ? in->pos + DECODE_PIECE
                                                                          : in->size, in->pos};
        size_t hint = ZSTD_decompressStream(dec->dctx, out, &piece);
        if (ZSTD_isError(hint))
            return decode_error(dec, hint, dec->in_bytes + (piece.size - in_before), err);
        in->pos = piece.pos;
        dec->in_bytes += in->pos - in_before;
        dec->out_bytes += out->pos - out_before;
        if (hint == 0) {
            /* 0: the frame is decoded and all of it is in out. */
            dec->in_frame = false;
            dec->frames++;
            return MMS_ZSTD_FRAME_END;
        }
        dec->in_frame = true;
        if (out->pos == out->size)
            return MMS_ZSTD_OUTPUT_FULL;
        if (in->pos == in->size)
            return MMS_ZSTD_NEED_INPUT;
    }
}

int mms_zstd_decoder_end(const mms_zstd_decoder *dec, mms_error *err)
{
    int rc = 0;
    if (dec->in_frame)
        rc = mms_error_set(err, MMS_ECORRUPT, 0, "truncated zstd data: frame %llu is cut short",
                           (unsigned long long)dec->frames + 1);
    else if (dec->frames == 0)
        rc = mms_error_set(err, MMS_ECORRUPT, 0, "not in zstd format: empty input");
    if (rc < 0 && err)
        err->offset = dec->in_bytes;
    return rc;
}

bool mms_zstd_is_magic(const unsigned char p[4])
{
    uint32_t magic = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
    return magic == ZSTD_MAGICNUMBER ||
           (magic & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}
