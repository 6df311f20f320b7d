/*
 * cmd_recover.c - mmscan recover: put back a file whose edit was cut short;
 * mmscan undo: restore the original bytes from a kept journal.
 */
#include "config.h"
#include "cli/edit.h"

#include <stdlib.h>
#include <string.h>

static const char recover_help[] =
    "Usage: mmscan recover [--follow-symlinks] FILE...\n"
    "Finish what an in-place edit of FILE (replace, patch, fill) left undone\n"
    "when it was cut short by a crash or a kill, using the undo journal next to\n"
    "FILE ('.NAME.mmscan-undo'):\n"
    "  - an edit stopped before its commit record: the original bytes are\n"
    "    written back, so FILE is exactly as it was before the edit;\n"
    "  - an edit stopped after it: the edit is final; the journal is removed\n"
    "    (or kept where its --keep-undo said);\n"
    "  - no journal: nothing to do.\n"
    "Any later edit of FILE does the same first; until then, the commands that\n"
    "read FILE warn that its bytes may be half-edited.  A journal that belongs\n"
    "to another file (another inode or size) is refused and left in place.\n"
    "\n"
    "      --follow-symlinks recover the file a symbolic link points to\n"
    "      --help            show this help and exit\n"
    "\n"
    "Exit status: 0 on success (also with nothing to do), 2 on an error.\n";

static const char undo_help[] =
    "Usage: mmscan undo [--follow-symlinks] JOURNAL\n"
    "Restore the bytes that an edit made with '--keep-undo JOURNAL' replaced, in\n"
    "the file the journal names, then remove JOURNAL.  The undo is refused, and\n"
    "nothing is written, when the edited bytes are no longer as the edit left\n"
    "them (the journal holds a hash of them).  While the undo runs, JOURNAL also\n"
    "has the name of the file's own journal ('.NAME.mmscan-undo'; a link, so it\n"
    "must be on the file's file system): an undo cut short is finished by running\n"
    "it again, or by the next edit or recover of the file; run again after that,\n"
    "it writes nothing.\n"
    "\n"
    "      --follow-symlinks the file may be reached through a symbolic link\n"
    "      --help            show this help and exit\n"
    "\n"
    "Exit status: 0 on success, 2 on an error.\n";

static const char *recovery_outcome(mms_recovery r)
{
    switch (r) {
    case MMS_RECOVERY_NONE: return "nothing to recover";
    case MMS_RECOVERY_DISCARDED: return "the edit had not started; journal removed";
    case MMS_RECOVERY_ROLLED_BACK: return "the edit was cut short; original bytes restored";
    case MMS_RECOVERY_COMMITTED: return "the edit had finished; journal removed";
    }
    return "?";
}

/* Parses --follow-symlinks and --help; returns CLI_OK, CLI_ERROR, or -1 after --help. */
static int parse_options(const char *cmd, const char *help, int argc, char **argv,
                         mms_edit_options *options)
{
    static const struct option long_options[] = {
        {"follow-symlinks", no_argument, NULL, EDIT_OPT_FOLLOW_SYMLINKS},
        {"help", no_argument, NULL, CLI_OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    edit_settings s;
    edit_settings_init(&s);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(help, stdout);
            return -1;
        }
        if (opt != EDIT_OPT_FOLLOW_SYMLINKS)
            return cli_bad_option(cmd, argv);
        s.follow_symlinks = true;
    }
    edit_options_from(&s, options);
    return CLI_OK;
}

int cmd_recover(int argc, char **argv)
{
    mms_edit_options options;
    int status = parse_options("recover", recover_help, argc, argv, &options);
    if (status != CLI_OK)
        return status < 0 ? CLI_OK : status;
    if (optind >= argc)
        return cli_usage_error("recover", "no FILE given");
    for (int i = optind; i < argc; i++) {
        mms_error err;
        mms_recovery done;
        if (mms_edit_recover(argv[i], &options, &done, &err) < 0) {
            cli_error_path("recover", argv[i], &err);
            status = CLI_ERROR;
        } else {
            printf("%s: %s\n", argv[i], recovery_outcome(done));
        }
    }
    return status;
}

int cmd_undo(int argc, char **argv)
{
    mms_edit_options options;
    int status = parse_options("undo", undo_help, argc, argv, &options);
    if (status != CLI_OK)
        return status < 0 ? CLI_OK : status;
    if (argc - optind != 1)
        return cli_usage_error("undo", "one JOURNAL is needed");
    const char *journal = argv[optind];
    mms_error err;
    char *path = NULL;
    if (mms_edit_undo(journal, &options, &path, &err) < 0) {
        cli_error_path("undo", path ? path : journal, &err);
        status = CLI_ERROR;
    } else {
        printf("%s: original bytes restored from '%s'\n", path, journal);
    }
    free(path);
    return status;
}
