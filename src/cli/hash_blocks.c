/*
 * hash_blocks.c - mmscan hash --blocks: a manifest of one digest per block,
 * and the ranges where the manifests of two files differ.
 */
#include "config.h"
#include "cli/hash.h"

#include <inttypes.h>
#include <unistd.h>

/* Blocks above this size are hashed on one thread (see blocks_engine()). */
#define MAX_ALIGNED_WINDOW ((uint64_t)1 << 30)
#define LARGEST_WINDOW ((uint64_t)1 << 40) /* what mms_engine_set_window() takes */

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/*
 * An engine for block manifests.  The engine cuts the input into parts at
 * multiples of the window, so a window that is a multiple of the block size
 * (and of the page size, as every window is) puts every block inside one
 * part: no part has to copy the start of a block that straddles a seam.
 * When that multiple would be too large, one thread walks the input and
 * there are no seams; on one thread, the window stays as it is.
 */
static mms_engine *blocks_engine(const hash_settings *s)
{
    cli_engine_settings settings = s->engine;
    if (settings.threads == 1)
        return cli_engine_new("hash", &settings);
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t unit = s->block_size / gcd(s->block_size, page) * page; /* their lcm */
    uint64_t aligned = (settings.window + unit - 1) / unit * unit;
    if (s->block_size <= MAX_ALIGNED_WINDOW && unit <= MAX_ALIGNED_WINDOW)
        /* Rounded up, unless that passes the largest window: down. */
        settings.window = aligned > LARGEST_WINDOW ? aligned - unit : aligned;
    else
        settings.threads = 1;
    return cli_engine_new("hash", &settings);
}

/* Scans path into a new block manifest processor; NULL after a message. */
static mms_processor *manifest_of(mms_engine *engine, const hash_settings *s, const char *path)
{
    mms_error err;
    mms_processor *proc = NULL;
    if (mms_blocks_new(&proc, s->algorithm, s->block_size, &err) < 0 ||
        mms_engine_add(engine, proc, &err) < 0 || cli_scan_path("hash", engine, path, &err) < 0) {
        cli_error_path("hash", path, &err);
        mms_engine_clear(engine); /* before the processor it holds is freed */
        mms_processor_free(proc);
        return NULL;
    }
    mms_engine_clear(engine);
    return proc;
}

int hash_blocks_print(const hash_settings *s, const char *path)
{
    mms_engine *engine = blocks_engine(s);
    if (!engine)
        return CLI_ERROR;
    mms_processor *proc = manifest_of(engine, s, path);
    mms_engine_free(engine);
    if (!proc)
        return CLI_ERROR;
    const mms_block_hash *blocks;
    size_t count;
    mms_blocks_get(proc, &blocks, &count);
    const char *name = mms_hash_name(s->algorithm);
    for (size_t i = 0; i < count; i++) {
        char hex[MMS_HASH_HEX_SIZE];
        mms_hash_to_hex(&blocks[i].digest, s->style.little_endian, hex);
        if (s->json)
            printf("{\"offset\":%" PRIu64 ",\"length\":%" PRIu64 ",\"algorithm\":\"%s\","
                   "\"hash\":\"%s\"}\n",
                   blocks[i].offset, blocks[i].length, name, hex);
        else
            printf("%" PRIu64 " %" PRIu64 " %s\n", blocks[i].offset, blocks[i].length, hex);
    }
    mms_processor_free(proc);
    return CLI_OK;
}

int hash_blocks_diff(const hash_settings *s, const char *path_a, const char *path_b)
{
    mms_engine *engine = blocks_engine(s);
    if (!engine)
        return CLI_ERROR;
    mms_processor *a = manifest_of(engine, s, path_a);
    mms_processor *b = a ? manifest_of(engine, s, path_b) : NULL;
    mms_engine_free(engine);
    int status = a && b ? CLI_OK : CLI_ERROR;
    mms_range range = {0, 0};
    while (status != CLI_ERROR && mms_blocks_next_difference(a, b, range.end, &range) == 1) {
        status = CLI_FAIL;
        uint64_t length = range.end - range.begin;
        if (s->json)
            printf("{\"offset\":%" PRIu64 ",\"length\":%" PRIu64 "}\n", range.begin, length);
        else
            printf("%" PRIu64 " %" PRIu64 "\n", range.begin, length);
    }
    mms_processor_free(a);
    mms_processor_free(b);
    return status;
}
