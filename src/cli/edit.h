/*
 * edit.h - what the in-place edit commands share (replace, patch, fill):
 * their options, argument parsers, and the run of one file's edits with
 * its dry-run listing and summary line.
 */
#ifndef MMSCAN_CLI_EDIT_H
#define MMSCAN_CLI_EDIT_H

#include "cli/cli.h"

/* The options every edit command takes (replace takes the scan options too). */
typedef struct edit_settings {
    cli_engine_settings engine; /* --window also caps a writable map */
    bool dry_run;
    bool follow_symlinks;
    const char *keep_undo;      /* --keep-undo JOURNAL, or NULL */
} edit_settings;

enum {
    EDIT_OPT_DRY_RUN = CLI_OPT_FIRST_FREE,
    EDIT_OPT_KEEP_UNDO,
    EDIT_OPT_FOLLOW_SYMLINKS,
    EDIT_OPT_FIRST_FREE, /* each command numbers its own long options from here */
};

#define EDIT_LONG_OPTIONS                                                  \
    {"dry-run", no_argument, NULL, EDIT_OPT_DRY_RUN},                      \
    {"keep-undo", required_argument, NULL, EDIT_OPT_KEEP_UNDO},            \
    {"follow-symlinks", no_argument, NULL, EDIT_OPT_FOLLOW_SYMLINKS},      \
    CLI_WINDOW_HELP_LONG_OPTIONS

/* The help text of the shared edit options, and how edits stay safe. */
extern const char edit_options_help[];

void edit_settings_init(edit_settings *s);

/* As cli_engine_option(), for the edit options and the engine options. */
int edit_option(const char *cmd, int opt, const char *arg, edit_settings *s);

/*
 * The option loop of an edit command that takes only the shared edit
 * options and --window (fill, patch): initializes s and parses argv.  Sets *done
 * when the command must end now (after --help, or a message for a bad
 * option) with the status returned; otherwise returns CLI_OK and the
 * operands start at optind.
 */
int edit_parse_options(const char *cmd, const char *help, int argc, char **argv,
                       edit_settings *s, bool *done);

/* Fills the library's options from the settings (and the test hook). */
void edit_options_from(const edit_settings *s, mms_edit_options *out);

/* A byte: a number 0-255 (decimal or 0xHH) or one non-digit character. */
int edit_parse_byte(const char *cmd, const char *what, const char *arg, unsigned char *out);

/* An offset or a length: decimal, 0xHEX, or a size with a K, M, G, T or P suffix. */
int edit_parse_offset(const char *cmd, const char *what, const char *arg, uint64_t *out);

/* Fills edits for the open file at path; returns CLI_OK or CLI_ERROR after a message. */
typedef int (*edit_builder)(void *ctx, const char *path, mms_edit_file *file, mms_edits *edits);

/*
 * Edits one file: opens it (an edit of it that was cut short is rolled
 * back first, with a note on stderr), lets build fill the edit list, then
 * lists the changes (--dry-run) or applies them, and prints a summary line.
 * Returns CLI_OK, CLI_FAIL when no edit was found, or CLI_ERROR.
 */
int edit_run(const char *cmd, const char *path, const edit_settings *s, edit_builder build,
             void *ctx);

#endif
