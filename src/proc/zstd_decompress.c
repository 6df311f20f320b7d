/*
 * zstd_decompress.c - the decompressor: an ordered processor that decodes
 * the zstd frames it is given and writes their content to a descriptor.
 *
 * Each frame header that records a content size extends the output file by
 * that much before the frame is decoded, so a regular file is written
 * through writable maps of exactly the right size.  A header can straddle
 * two chunks: the processor asks for an overlap of a maximal header, so the
 * next chunk holds it whole.
 */
#include "config.h"

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader, ZSTD_FRAMEHEADERSIZE_MAX */
#include "output_file.h"
#include "proc/zstd_totals.h"
#include "zstd_decode.h"

#include <errno.h>
#include <stdlib.h>

#define NO_HEADER UINT64_MAX

typedef struct decompress_state {
    mms_zstd_decoder dec;
    int fd;
    uint64_t window;
    mms_output out;
    bool out_open;
    uint64_t header_at;  /* input offset of a frame header not read yet, or NO_HEADER */
    mms_zstd_totals totals;
} decompress_state;

static size_t decompress_overlap(const void *self)
{
    (void)self;
    return ZSTD_FRAMEHEADERSIZE_MAX;
}

/* Starts a scan (or forgets one): no output yet; the first frame header is at offset 0. */
static void begin_scan(decompress_state *s)
{
    mms_output_release(&s->out);
    s->out_open = false;
    s->header_at = 0;
    mms_zstd_decoder_reset(&s->dec);
}

/*
 * Reads the frame header at s->header_at if the chunk holds all of it, and
 * makes room in the output for the frame's content: the first header picks
 * maps (content size known) or write().  A header that is not one is left
 * to the decoder to report.
 */
static int read_frame_header(decompress_state *s, const mms_chunk *chunk, mms_error *err)
{
    const unsigned char *at = chunk->data + (s->header_at - chunk->offset);
    ZSTD_frameHeader header;
    size_t rc = ZSTD_getFrameHeader(&header, at, chunk->offset + chunk->len - s->header_at);
    if (rc > 0 && !ZSTD_isError(rc))
        return 0; /* the header goes on in the next chunk */
    s->header_at = NO_HEADER;
    uint64_t size = ZSTD_isError(rc) ? ZSTD_CONTENTSIZE_UNKNOWN
                    : header.frameType == ZSTD_skippableFrame ? 0
                                                              : header.frameContentSize;
    bool known = size != ZSTD_CONTENTSIZE_UNKNOWN;
    if (!s->out_open) {
        int orc = mms_output_open(&s->out, s->fd, known, s->window, err);
        if (orc < 0)
            return orc;
        s->out_open = true;
    }
    return known ? mms_output_reserve(&s->out, size, err) : 0;
}

/* One decoding step into the output, as the guard runs it. */
typedef struct decode_step {
    mms_zstd_decoder *dec;
    ZSTD_inBuffer *in;
    ZSTD_outBuffer *out;
} decode_step;

static int run_decode_step(void *arg, mms_error *err)
{
    decode_step *step = arg;
    return mms_zstd_decoder_step(step->dec, step->in, step->out, err);
}

/* Decodes into room, which may be a map of the output file: a SIGBUS
 * there (the file shrank under the map, or its disk or tmpfs filled up
 * when a page was first written) becomes an error, not a crash. */
static int decode_into(decompress_state *s, ZSTD_inBuffer *in, ZSTD_outBuffer *out,
                       mms_error *err)
{
    decode_step step = {&s->dec, in, out};
    return mms_writable_fill(out->dst, out->size, run_decode_step, &step, s->out.pos, err);
}

static int decompress_chunk(void *self, const mms_chunk *chunk, mms_error *err)
{
    decompress_state *s = self;
    int rc = 0;
    if (chunk->offset == 0)
        begin_scan(s);
    uint64_t new_begin = chunk->offset + chunk->overlap;
    ZSTD_inBuffer in = {chunk->data + chunk->overlap, chunk->len - chunk->overlap, 0};
    s->totals.bytes_in += in.size;
    while (rc == 0) {
        if (s->header_at != NO_HEADER)
            rc = read_frame_header(s, chunk, err);
        if (rc == 0 && !s->out_open) {
            /* The first header is cut short: the decoder will say so. */
            rc = mms_output_open(&s->out, s->fd, false, 0, err);
            s->out_open = rc == 0;
        }
        unsigned char *room;
        size_t room_len;
        if (rc == 0)
            rc = mms_output_room(&s->out, &room, &room_len, err);
        if (rc < 0)
            break;
        ZSTD_outBuffer out = {room, room_len, 0};
        int event = decode_into(s, &in, &out, err);
        mms_output_advance(&s->out, out.pos);
        s->totals.bytes_out += out.pos;
        if (event < 0) {
            rc = event;
        } else if (event == MMS_ZSTD_FRAME_END) {
            s->totals.frames++;
            s->header_at = new_begin + in.pos;
            if (in.pos == in.size)
                break;
        } else if (event == MMS_ZSTD_NEED_INPUT) {
            break;
        }
    }
    return rc;
}

static int decompress_finish(void *self, mms_error *err)
{
    decompress_state *s = self;
    int rc = mms_zstd_decoder_end(&s->dec, err);
    if (rc == 0 && s->out_open)
        rc = mms_output_finish(&s->out, err);
    begin_scan(s); /* an empty next scan must not see this one's frames */
    return rc;
}

static void decompress_destroy(void *self)
{
    decompress_state *s = self;
    mms_output_release(&s->out);
    mms_zstd_decoder_release(&s->dec);
    free(s);
}

static const mms_processor_ops decompress_ops = {
    .abi = MMS_PROCESSOR_ABI,
    .name = "unzstd",
    .flags = MMS_PROC_ORDERED,
    .overlap = decompress_overlap,
    .chunk = decompress_chunk,
    .finish = decompress_finish,
    .destroy = decompress_destroy,
};

void mms_zstd_decompress_options_init(mms_zstd_decompress_options *opts)
{
    *opts = (mms_zstd_decompress_options){.verify_checksum = true, .window = MMS_ZSTD_OUTPUT_WINDOW};
}

int mms_zstd_decompress_new(mms_processor **out, int fd, const mms_zstd_decompress_options *opts,
                            mms_error *err)
{
    mms_zstd_decompress_options defaults;
    if (!opts) {
        mms_zstd_decompress_options_init(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    if (opts->window == 0 || opts->window > ((uint64_t)1 << 40))
        return mms_error_set(err, MMS_EINVAL, 0, "output window of %llu bytes out of range",
                             (unsigned long long)opts->window);
    decompress_state *s = calloc(1, sizeof *s);
    if (!s)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    s->fd = fd;
    s->window = opts->window;
    s->header_at = 0;
    int rc = mms_zstd_decoder_init(&s->dec, opts->verify_checksum, err);
    if (rc < 0) {
        free(s);
        return rc;
    }
    return mms_processor_new(out, &decompress_ops, s, err);
}

int mms_zstd_get_totals(const mms_processor *proc, mms_zstd_totals *out)
{
    const mms_zstd_totals *totals = mms_zstd_compress_totals(proc);
    if (!totals && proc && proc->ops == &decompress_ops)
        totals = &((const decompress_state *)proc->self)->totals;
    if (!totals)
        return MMS_EINVAL;
    *out = *totals;
    return 0;
}
