/*
 * cmd_decompress.c - mmscan decompress: the content of zstd files, written
 * through writable maps of the output when the frames record their size.
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char decompress_help[] =
    "Usage: mmscan decompress [OPTIONS] [FILE.zst...]\n"
    "Decompress each FILE.zst to FILE; with no FILE, or when FILE is -,\n"
    "decompress standard input to standard output.  Reads every file zstd\n"
    "writes: several frames, skippable frames, with or without checksums and\n"
    "content sizes, any --long window.  The output is written to a temporary\n"
    "file beside it, synced and renamed into place when complete: a corrupt or\n"
    "truncated input is an error (exit status 2) that leaves no output (a\n"
    "device or FIFO named with -o is written to directly).\n"
    "\n"
    "      --check           verify the frames' checksums (default)\n"
    "      --no-check        do not verify them\n"
    "  -o FILE               write to FILE (one input only; - for standard output)\n"
    "  -c, --stdout          write to standard output\n"
    "  -f, --force           replace an existing output\n"
    "\n"
    "Example: mmscan decompress big.log.zst   (makes big.log)\n"
    "\n";

enum { OPT_CHECK = CLI_OPT_FIRST_FREE, OPT_NO_CHECK };

static char *decompressed_name(const char *cmd, const char *input)
{
    size_t len = strlen(input);
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    if (len <= 4 || strcmp(input + len - 4, ".zst") != 0 || strcmp(base, ".zst") == 0) {
        cli_error(cmd, "'%s': unknown suffix, expected .zst (use -o or -c)", input);
        return NULL;
    }
    char *name = strndup(input, len - 4);
    if (!name)
        cli_error(cmd, "'%s': %s", input, strerror(ENOMEM));
    return name;
}

static int make_decompressor(void *ctx, int fd, uint64_t input_size, mms_processor **proc,
                             mms_error *err)
{
    (void)input_size;
    return mms_zstd_decompress_new(proc, fd, ctx, err);
}

int cmd_decompress(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"check", no_argument, NULL, OPT_CHECK},
        {"no-check", no_argument, NULL, OPT_NO_CHECK},
        {"stdout", no_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'},
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    mms_zstd_decompress_options opts;
    mms_zstd_decompress_options_init(&opts);
    cli_transcode t = {.cmd = "decompress", .default_name = decompressed_name,
                       .make = make_decompressor, .ctx = &opts};
    cli_engine_settings settings;
    cli_engine_settings_init(&settings);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:cf", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_CHECK: opts.verify_checksum = true; break;
        case OPT_NO_CHECK: opts.verify_checksum = false; break;
        case CLI_OPT_HELP:
            fputs(decompress_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return CLI_OK;
        default: {
            int handled = cli_transcode_option(&t, &settings, opt, optarg, argv);
            if (handled != 1)
                return handled;
        }
        }
    }
    return cli_transcode_run(&t, &settings, argc, argv);
}
