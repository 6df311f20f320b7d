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

/* one when n is 1, else many: "1 file", "2 files". */
const char *cli_plural(uint64_t n, const char *one, const char *many);

/* Reports a bad option or operand and returns CLI_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Flushes stdout; on a write error, now or at an earlier cli_check_stdout(),
 * reports the first one and returns CLI_ERROR, else status. */
int cli_finish_stdout(const char *cmd, int status);

/* Flushes stdout, keeping the errno of its first failure for
 * cli_finish_stdout() (later calls may change errno before it runs). */
void cli_check_stdout(void);

/* Sends this thread's messages (cli_error() and the rest) to the stream
 * to instead of stderr, or to stderr again when to is NULL: a job of many
 * (--jobs) keeps them with its results, to be printed in their turn. */
void cli_defer_messages(FILE *to);

/* ---- file names (name_quote.c) ---- */

/* Prints name as it is or, when it holds a newline, quoted for the shell
 * as GNU wc 9.1 prints such a name (so that the line stays one line). */
void cli_print_name(FILE *out, const char *name);

/* ---- JSON (json.c) ---- */

/* Writes text as a JSON string, quotes included: UTF-8 characters as they
 * are, a byte that is not part of one (a name need not be UTF-8) as U+FFFD. */
void cli_json_string(FILE *out, const char *text);

/* ---- pattern lists (pattern_list.c) ---- */

/* Patterns as grep takes them: bytes, a NUL byte among them too. */
typedef struct cli_patterns {
    char **texts;     /* each a copy, NUL-terminated besides */
    size_t *lengths;
    size_t count;
} cli_patterns;

/* Appends the patterns of text[0 .. len) to p: as in grep, a newline
 * separates patterns (a final one is followed by an empty pattern), and
 * text without one is one pattern (the empty text too).  false when out of
 * memory. */
bool cli_add_patterns(cli_patterns *p, const char *text, size_t len);

/* Frees what cli_add_patterns() made, and empties p. */
void cli_free_patterns(cli_patterns *p);

/* Applies -G, -E or -F (option) of cmd to *syntax, *given keeping the one
 * given first (0: none yet): as in grep, two different ones are an error.
 * Returns CLI_OK, or CLI_ERROR after a message. */
int cli_set_syntax(const char *cmd, int option, int *given, mms_search_syntax *syntax);

/* ---- the options every scanning command takes (engine_options.c) ---- */

/* getopt_long codes of the shared options (beyond any single character). */
enum {
    CLI_OPT_WINDOW = 0x1000,
    CLI_OPT_ADVICE,
    CLI_OPT_THREADS,
    CLI_OPT_HELP,
    CLI_OPT_ZSTD,
    CLI_OPT_PROGRESS,
    CLI_OPT_NO_PROGRESS,
    CLI_OPT_FIRST_FREE, /* commands number their own long-only options from here */
};

/* The struct option entries of the shared options, to put in a command's
 * table: every scanning command takes them all; the edit commands take
 * --window and --help, and replace the scan options besides. */
#define CLI_WINDOW_HELP_LONG_OPTIONS                           \
    {"window", required_argument, NULL, CLI_OPT_WINDOW},       \
    {"help", no_argument, NULL, CLI_OPT_HELP}
#define CLI_SCAN_LONG_OPTIONS                                  \
    {"advice", required_argument, NULL, CLI_OPT_ADVICE},       \
    {"threads", required_argument, NULL, CLI_OPT_THREADS},     \
    {"progress", no_argument, NULL, CLI_OPT_PROGRESS},         \
    {"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS}
#define CLI_ENGINE_LONG_OPTIONS                                \
    CLI_WINDOW_HELP_LONG_OPTIONS,                              \
    CLI_SCAN_LONG_OPTIONS,                                     \
    {"zstd", optional_argument, NULL, CLI_OPT_ZSTD}

/* Which shared options a command's help shows (--help always). */
enum {
    CLI_HELP_WINDOW = 1u << 0,
    CLI_HELP_ADVICE = 1u << 1,
    CLI_HELP_THREADS = 1u << 2,
    CLI_HELP_ZSTD = 1u << 3,
    CLI_HELP_PROGRESS = 1u << 4,
    CLI_HELP_ENGINE = (1u << 5) - 1, /* all of them */
};

/* Prints the help of the shared options in which, then of --help. */
void cli_print_engine_help(unsigned which);

/* When the progress bar is drawn. */
typedef enum cli_progress_mode {
    CLI_PROGRESS_AUTO = 0, /* when stderr is a terminal */
    CLI_PROGRESS_ALWAYS,   /* --progress */
    CLI_PROGRESS_NEVER,    /* --no-progress */
} cli_progress_mode;

typedef struct cli_engine_settings {
    uint64_t window;
    mms_advice advice;
    unsigned threads;
    mms_decompress decompress;
    cli_progress_mode progress;
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

/* The operands after the options (argv from optind on), or "-" alone
 * (standard input) when there are none; *count receives how many. */
char **cli_operands(int argc, char **argv, int *count);

/* mms_engine_scan_path(), after a warning on stderr when an edit of the
 * file is under way or was cut short (its journal is there). */
int cli_scan_path(const char *cmd, mms_engine *engine, const char *path, mms_error *err);

/* ---- output files (output_path.c) ---- */

/* Where a command writes: standard output, or a temporary file that
 * becomes path when all of it is written, or a device or FIFO at path
 * itself (one cannot be replaced by a file). */
typedef struct cli_output {
    const char *path;  /* the final name, or NULL for standard output */
    char *temp_path;   /* the temporary file beside it, if any */
    bool in_place;     /* path is a device or a FIFO, written to directly */
    int fd;            /* where to write */
} cli_output;

/* Whether something is at path that an output must not overwrite without
 * force: a file, a directory, a link, a block device (written to in place,
 * but it holds data); not a character device or a FIFO (/dev/null, a
 * pipe), which are simply written to. */
bool cli_output_exists(const char *path);

/* Opens standard output (path NULL), the device or FIFO at path, or a
 * temporary file with mode beside path.  Reports and returns CLI_ERROR on
 * failure. */
int cli_output_open(const char *cmd, cli_output *out, const char *path, mode_t mode);

/* Syncs the temporary file and renames it to its final name (replacing a
 * file there only when force), or closes the device or FIFO.  Reports,
 * removes the temporary file and returns CLI_ERROR on failure. */
int cli_output_commit(const char *cmd, cli_output *out, bool force);

/* Closes and removes the temporary file (after a failure). */
void cli_output_abandon(cli_output *out);

/* Until called again (NULL: nothing), path is a file to remove if a signal
 * (SIGINT, SIGTERM, SIGHUP) ends the command: an output being written
 * under its own name.  path must stay valid that long. */
void cli_remove_on_signal(char *path);

/* ---- one output per input (transcode.c) ---- */

typedef struct cli_transcode {
    const char *cmd;
    const char *output;  /* -o FILE ("-": standard output), or NULL */
    bool to_stdout;      /* -c */
    bool force;          /* -f: replace an existing output */
    bool refuse_terminal; /* compressed output: never to a terminal without -f */
    /* The output name of an input without -o (malloc'ed), or NULL after a message. */
    char *(*default_name)(const char *cmd, const char *input);
    /* Makes the processor that writes the output of an input to fd;
     * input_size: how many bytes a scan of it reads, or MMS_SIZE_UNKNOWN. */
    int (*make)(void *ctx, int fd, uint64_t input_size, mms_processor **proc, mms_error *err);
    void *ctx;
} cli_transcode;

/* Applies -o, -c, -f or a shared engine option (into settings); returns 1
 * when opt was one of them, else the exit status after a message (a bad
 * value, or an option the command does not know). */
int cli_transcode_option(cli_transcode *t, cli_engine_settings *settings, int opt,
                         const char *arg, char **argv);

/* Turns each operand (standard input when none) into its output with an
 * engine made from settings; returns CLI_OK or CLI_ERROR (after messages;
 * the other files are still done). */
int cli_transcode_run(const cli_transcode *t, const cli_engine_settings *settings, int argc,
                      char **argv);

/* ---- the progress bar (progress.c) ---- */

/*
 * Makes the engine draw the one progress bar of the process on stderr
 * during its scans (bytes done, rate, ETA), at most five times a second:
 * under CLI_PROGRESS_AUTO when stderr is a terminal and a scan has run for
 * a second, under CLI_PROGRESS_ALWAYS from the start of every scan.  On a
 * terminal the bar is erased at the end of each scan; elsewhere each update
 * is a line.
 */
void cli_progress_attach(mms_engine *engine, cli_progress_mode mode);

/* The same bar for what gen writes. */
void cli_progress_attach_gen(mms_gen *gen, cli_progress_mode mode);

/* ---- the commands ---- */

int cmd_wc(int argc, char **argv);
int cmd_grep(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_compress(int argc, char **argv);
int cmd_decompress(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_shm(int argc, char **argv);
int cmd_replace(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_fill(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_undo(int argc, char **argv);

#endif
