/*
 * cli.h - what the mmscan command's sources share: the command table entry,
 * messages, and the options every scanning command takes.
 */
#ifndef MMSCAN_CLI_H
#define MMSCAN_CLI_H

#include "mmscan.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

/* Exit statuses, as grep and xxhsum use them. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_ERROR = 2 };

/* A subcommand: `mmscan NAME ...` calls run(argc, argv) with argv[0] = NAME. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* ---- messages (report.c) ---- */

/* "mmscan: CMD: MESSAGE" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "mmscan: CMD: 'PATH': DETAIL" on stderr, from a library error. */
void cli_error_path(const char *cmd, const char *path, const mms_error *err);

/* Reports a bad option or operand and returns CLI_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Flushes stdout; on a write error reports it and returns CLI_ERROR, else status. */
int cli_finish_stdout(int status);

/* ---- the options every scanning command takes (engine_options.c) ---- */

/* getopt_long codes of the shared options (beyond any single character). */
enum {
    CLI_OPT_WINDOW = 0x1000,
    CLI_OPT_ADVICE,
    CLI_OPT_THREADS,
    CLI_OPT_HELP,
    CLI_OPT_FIRST_FREE, /* commands number their own long-only options from here */
};

/* The struct option entries of the shared options, to put in a command's table. */
#define CLI_ENGINE_LONG_OPTIONS                                \
    {"window", required_argument, NULL, CLI_OPT_WINDOW},       \
    {"advice", required_argument, NULL, CLI_OPT_ADVICE},       \
    {"threads", required_argument, NULL, CLI_OPT_THREADS},     \
    {"help", no_argument, NULL, CLI_OPT_HELP}

/* The help text of the shared options. */
extern const char cli_engine_options_help[];

typedef struct cli_engine_settings {
    uint64_t window;
    mms_advice advice;
    unsigned threads;
} cli_engine_settings;

void cli_engine_settings_init(cli_engine_settings *settings);

/*
 * Handles a shared option.  Returns 1 when opt was one and was applied,
 * 0 when opt is not a shared option, CLI_ERROR (after a message) when its
 * argument is bad.
 */
int cli_engine_option(const char *cmd, int opt, const char *arg, cli_engine_settings *settings);

/* Makes an engine with the settings; reports and returns NULL on failure. */
mms_engine *cli_engine_new(const char *cmd, const cli_engine_settings *settings);

/*
 * Reports the getopt_long failure just seen (opt is '?' or ':') for argv,
 * in the one message style, and returns CLI_ERROR.
 */
int cli_bad_option(const char *cmd, char **argv);

/* stat() for an input operand: "-" is stdin, "shm:NAME" a shared memory object. */
int cli_stat_input(const char *path, struct stat *st);

/* ---- the commands ---- */

int cmd_wc(int argc, char **argv);
int cmd_grep(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_replace(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_fill(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_undo(int argc, char **argv);

#endif
