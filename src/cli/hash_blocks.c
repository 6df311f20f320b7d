/*
 * hash_blocks.c - mmscan hash --blocks: a manifest of one digest per block,
 * and the ranges where the manifests of two files differ.
 */
#include "config.h"
#include "cli/hash.h"

#include <inttypes.h>

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
    mms_engine *engine = cli_engine_new("hash", &s->engine);
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
    mms_engine *engine = cli_engine_new("hash", &s->engine);
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
