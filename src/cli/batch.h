/*
 * batch.h - running a per-file scan over many files, for `mmscan stats`
 * and `mmscan scan`: --files-from, -0, --jobs and --json, and output in
 * the order of the inputs whatever the order the scans end in.
 */
#ifndef MMSCAN_CLI_BATCH_H
#define MMSCAN_CLI_BATCH_H

#include "cli/cli.h"

typedef struct batch_settings {
    const char *files_from; /* --files-from LIST, or NULL */
    bool nul;               /* -0: the list is NUL-separated */
    unsigned jobs;          /* --jobs N: files scanned at once */
    bool json;              /* --json: one JSON object per file per line */
} batch_settings;

/* getopt_long codes of the batch options; commands number theirs from
 * BATCH_OPT_FIRST_FREE. */
enum {
    BATCH_OPT_FILES_FROM = CLI_OPT_FIRST_FREE,
    BATCH_OPT_JOBS,
    BATCH_OPT_JSON,
    BATCH_OPT_FIRST_FREE,
};

#define BATCH_LONG_OPTIONS                                          \
    {"files-from", required_argument, NULL, BATCH_OPT_FILES_FROM},  \
    {"null", no_argument, NULL, '0'},                               \
    {"jobs", required_argument, NULL, BATCH_OPT_JOBS},              \
    {"json", no_argument, NULL, BATCH_OPT_JSON}

/* The help text of the batch options. */
extern const char batch_options_help[];

void batch_settings_init(batch_settings *settings);

/* Like cli_engine_option(), for the batch options ('0' included). */
int batch_option(const char *cmd, int opt, const char *arg, batch_settings *settings);

/*
 * Scans one input and writes its results to out; returns CLI_OK, or
 * CLI_ERROR with err telling why (batch_run() reports it, in the input's
 * turn).  Runs on several threads at once under --jobs, each with its own
 * engine.
 */
typedef int (*batch_scan_fn)(void *ctx, mms_engine *engine, const char *path, FILE *out,
                             mms_error *err);

/*
 * Scans every input (the operands, then the names of --files-from as they
 * are read) with scan and prints each one's results, or its error (on
 * stderr, and with --json as {"file":...,"error":...} on stdout), in input
 * order, stdout flushed after each.  A failing input does not stop the
 * others.  Returns CLI_OK, or CLI_ERROR if any input failed or the list
 * could not be read.
 */
int batch_run(const char *cmd, const cli_engine_settings *engine, const batch_settings *batch,
              char **operands, int noperands, batch_scan_fn scan, void *ctx);

#endif
