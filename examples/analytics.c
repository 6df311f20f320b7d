/*
 * analytics.c - statistics, a checksum and a search in one pass over a file,
 * with the built-in processors.
 *
 *     analytics FILE WORD
 *
 * prints the file's size, lines, longest line, entropy and verdict, its
 * XXH3 checksum, the number of lines holding WORD, and how many times the
 * file was mapped (once per window: one pass, whatever the questions).
 */
#include <mmscan.h>

#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: analytics FILE WORD\n");
        return 2;
    }
    const char *path = argv[1];
    mms_error err;
    mms_engine *engine = NULL;
    mms_processor *stats = NULL, *hash = NULL, *grep = NULL;
    mms_pattern *word = NULL;
    const char *patterns[] = {argv[2]};
    mms_search_spec spec = {.patterns = patterns, .count = 1, .syntax = MMS_SEARCH_FIXED};
    mms_grep_options count = {.output = MMS_GREP_COUNT, .max_lines = MMS_GREP_UNLIMITED};

    int rc = mms_engine_new(&engine, &err);
    if (rc == 0)
        rc = mms_pattern_new(&word, &spec, &err);
    if (rc == 0)
        rc = mms_stats_new(&stats, &err);
    if (rc == 0)
        rc = mms_hash_new(&hash, MMS_XXH3_64, &err);
    if (rc == 0)
        rc = mms_grep_new(&grep, word, &count, NULL, NULL, &err);
    if (rc == 0)
        rc = mms_engine_add(engine, stats, &err);
    if (rc == 0)
        rc = mms_engine_add(engine, hash, &err);
    if (rc == 0)
        rc = mms_engine_add(engine, grep, &err);
    if (rc == 0)
        rc = mms_engine_scan_path(engine, path, &err);

    if (rc < 0) {
        fprintf(stderr, "analytics: %s: %s\n", path, err.message);
    } else {
        mms_stats s;
        mms_hash_digest digest;
        mms_grep_result found;
        mms_scan_info info;
        char hex[MMS_HASH_HEX_SIZE];
        mms_stats_get(stats, &s);
        mms_hash_get_digest(hash, &digest);
        mms_hash_to_hex(&digest, false, hex);
        mms_grep_get_result(grep, &found);
        mms_engine_get_info(engine, &info);
        printf("size: %" PRIu64 "\n", s.bytes);
        printf("lines: %" PRIu64 "\n", s.lines);
        printf("longest line: %" PRIu64 "\n", s.line_length.max);
        printf("entropy: %.3f\n", s.entropy);
        printf("verdict: %s\n", mms_stats_verdict_name(s.verdict));
        printf("xxh3: %s\n", hex);
        printf("lines with '%s': %" PRIu64 "\n", argv[2], found.selected);
        printf("maps: %" PRIu64 " for %" PRIu64 " bytes\n", info.map_calls, info.bytes_mapped);
    }
    mms_engine_free(engine);
    mms_processor_free(stats);
    mms_processor_free(hash);
    mms_processor_free(grep);
    mms_pattern_free(word);
    return rc < 0 ? 2 : 0;
}
