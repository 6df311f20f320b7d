/*
 * zstd_decode.h - decoding zstd frames piece by piece, as the input comes:
 * the one decoding loop of the decompressor processor and of the
 * decompressing input.  Private to the library.
 */
#ifndef MMSCAN_ZSTD_DECODE_H
#define MMSCAN_ZSTD_DECODE_H

#include "internal.h"

#include <zstd.h>

typedef struct mms_zstd_decoder {
    ZSTD_DCtx *dctx;
    uint64_t in_bytes;  /* compressed bytes consumed */
    uint64_t out_bytes; /* content bytes produced */
    uint64_t frames;    /* frames decoded to their end (skippable ones too) */
    bool in_frame;      /* a frame has begun and not ended */
} mms_zstd_decoder;

/* What mms_zstd_decoder_step() stopped for. */
enum {
    MMS_ZSTD_NEED_INPUT = 0, /* in is used up; every byte decoded so far is in out */
    MMS_ZSTD_OUTPUT_FULL,    /* out is full: give room and call again, even without input */
    MMS_ZSTD_FRAME_END,      /* a frame ended; in->pos is where the next one would begin */
};

/* Makes the decoder; verify_checksum: check the frames' checksums. */
int mms_zstd_decoder_init(mms_zstd_decoder *dec, bool verify_checksum, mms_error *err);

/* Forgets the input so far: the next step starts a new input. */
void mms_zstd_decoder_reset(mms_zstd_decoder *dec);

/* Frees what init made.  Accepts a decoder that init failed on. */
void mms_zstd_decoder_release(mms_zstd_decoder *dec);

/*
 * Decodes from in into out until one of the MMS_ZSTD_* events above, and
 * returns it; or returns MMS_ECORRUPT (err->offset: the compressed offset
 * reached) or MMS_ENOMEM.
 */
int mms_zstd_decoder_step(mms_zstd_decoder *dec, ZSTD_inBuffer *in, ZSTD_outBuffer *out,
                          mms_error *err);

/* The compressed input ended: MMS_ECORRUPT unless it ended between frames
 * after at least one frame (zstd refuses an empty input too). */
int mms_zstd_decoder_end(const mms_zstd_decoder *dec, mms_error *err);

/* Whether the 4 bytes at p begin a zstd frame or a skippable frame. */
bool mms_zstd_is_magic(const unsigned char p[4]);

#endif
