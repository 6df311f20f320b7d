/* main.c - the mmscan command: global options and the table of subcommands. */
#include "config.h"
#include "cli/cli.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

static const cli_command commands[] = {
    {"wc", cmd_wc, "count lines, words and bytes (as GNU wc)"},
    {"grep", cmd_grep, "search for literals and regular expressions (as GNU grep)"},
    {"hash", cmd_hash, "print or check xxHash checksums (as xxhsum), block manifests"},
    {"compress", cmd_compress, "compress files to .zst (zstd -d reads them)"},
    {"decompress", cmd_decompress, "decompress .zst files (what zstd writes)"},
    {"stats", cmd_stats, "file statistics: lines, line lengths, bytes, entropy, UTF-8"},
    {"scan", cmd_scan, "hash, grep, wc and stats together in one pass per file"},
    {"gen", cmd_gen, "write deterministic test data to a file or shm:NAME"},
    {"shm", cmd_shm, "list or remove POSIX shared memory objects"},
    {"replace", cmd_replace, "replace matches in place by bytes of the same length"},
    {"patch", cmd_patch, "apply 'OFFSET HEXBYTES' edits in place, verified"},
    {"fill", cmd_fill, "set a range of a file to one byte, in place"},
    {"recover", cmd_recover, "roll back an in-place edit that was cut short"},
    {"undo", cmd_undo, "restore the original bytes from a kept undo journal"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *out)
{
    fprintf(out,
            "Usage: mmscan COMMAND [OPTIONS] FILE...\n"
            "       mmscan --help | --version | help [COMMAND]\n"
            "\n"
            "One pass over files of any size through a sliding window of memory maps.\n"
            "FILE may be '-' for standard input or shm:NAME for a POSIX shared memory\n"
            "object.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Run 'mmscan COMMAND --help' for a command's options.\n"
            "Exit status: 0 success, 1 nothing found or a check failed, 2 error.\n");
}

/* The command called name, or NULL after a message. */
static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    }
    fprintf(stderr, "mmscan: unknown command '%s' (see 'mmscan --help')\n", name);
    return NULL;
}

int main(int argc, char **argv)
{
    /* Byte semantics everywhere: output must not depend on the locale. */
    setlocale(LC_ALL, "C");
    /* A write past the file size limit (ulimit -f) fails with EFBIG and is
     * reported and cleaned up as any failed write, instead of SIGXFSZ
     * ending the command with a partial output left behind. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        print_usage(stderr);
        return CLI_ERROR;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        print_usage(stdout);
        return cli_finish_stdout(name, CLI_OK);
    }
    if (strcmp(name, "help") == 0) { /* help COMMAND: as COMMAND --help */
        const cli_command *command = find_command(argv[2]);
        char *help_argv[] = {argv[2], "--help", NULL};
        return command ? cli_finish_stdout(argv[2], command->run(2, help_argv)) : CLI_ERROR;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("mmscan %s (libmmscan %s)\n", PACKAGE_VERSION, mms_version());
        return cli_finish_stdout(name, CLI_OK);
    }
    const cli_command *command = find_command(name);
    return command ? cli_finish_stdout(name, command->run(argc - 1, argv + 1)) : CLI_ERROR;
}
