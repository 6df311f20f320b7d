/*
 * hash.h - what the parts of `mmscan hash` share: its settings and the
 * three modes (print digests, check them, block manifests).
 */
#ifndef MMSCAN_CLI_HASH_H
#define MMSCAN_CLI_HASH_H

#include "cli/cli.h"
#include "cli/hash_lines.h"

/* The options of `mmscan hash`. */
typedef struct hash_settings {
    cli_engine_settings engine;
    mms_hash_algorithm algorithm;
    hash_line_style style;  /* --tag, --little-endian */
    /* check mode (-c) */
    bool quiet;             /* no "NAME: OK" lines */
    bool status;            /* no output at all: the exit status tells */
    bool strict;            /* improperly formatted lines fail the check */
    bool warn;              /* report improperly formatted lines */
    bool ignore_missing;    /* files that cannot be opened are not failures */
    /* block manifests (--blocks) */
    uint64_t block_size;    /* 0: not a block manifest */
    bool diff;              /* compare the manifests of two files */
    bool json;              /* JSON lines instead of text */
} hash_settings;

/*
 * Hashes one input with a fresh processor: path is a file, "-" (stdin) or
 * shm:NAME.  Returns 0 or a negative MMS_E* code with err filled.
 */
int hash_input(mms_engine *engine, mms_hash_algorithm algorithm, const char *path,
               mms_hash_digest *out, mms_error *err);

/* mmscan hash -c: checks every checksum file ("-" is stdin); an exit status. */
int hash_check_files(mms_engine *engine, const hash_settings *settings, char **files,
                     int nfiles);

/* mmscan hash --blocks SIZE FILE: prints the manifest; an exit status. */
int hash_blocks_print(const hash_settings *settings, const char *path);

/* mmscan hash --blocks SIZE --diff A B: prints where they differ; an exit status. */
int hash_blocks_diff(const hash_settings *settings, const char *path_a, const char *path_b);

#endif
