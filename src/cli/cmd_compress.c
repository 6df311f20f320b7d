/*
 * cmd_compress.c - mmscan compress: zstd frames that `zstd -d` reads, made
 * from the engine's windows, with libzstd's own worker threads.
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char compress_help[] =
    "Usage: mmscan compress [-LEVEL] [-T N] [--long[=WLOG]] [OPTIONS] [FILE...]\n"
    "Compress each FILE to FILE.zst in the zstd format (zstd -d reads it); with\n"
    "no FILE, or when FILE is -, compress standard input to standard output.\n"
    "The output is written to a temporary file beside it, synced and renamed\n"
    "into place when complete: an interrupted or failed run leaves no part of\n"
    "it (a device or FIFO named with -o is written to directly).  The input\n"
    "file is kept.\n"
    "\n"
    "  -1 ... -22            compression level (default 3; 20 and more use much\n"
    "                        more memory)\n"
    "  -T, --threads N       compress on N threads beside the one that reads and\n"
    "                        writes (default 1; 0: one per CPU), as zstd -T\n"
    "      --long[=WLOG]     long-distance matching with a 2^WLOG-byte window\n"
    "                        (default 27, 128 MiB); zstd -d needs --long=WLOG\n"
    "                        above 27\n"
    "      --check           end the frame with a checksum of the content (default)\n"
    "      --no-check        leave it out\n"
    "  -o FILE               write to FILE (one input only; - for standard output)\n"
    "  -c, --stdout          write to standard output\n"
    "  -f, --force           replace an existing output; write to a terminal\n"
    "\n"
    "Example: mmscan compress -T2 -19 --long big.log   (makes big.log.zst)\n"
    "\n";

enum { OPT_CHECK = CLI_OPT_FIRST_FREE, OPT_NO_CHECK, OPT_LONG };

/* Parses a count of 0 to max; returns false if text is not one. */
static bool parse_count(const char *text, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end || errno || n > max)
        return false;
    *out = (unsigned)n;
    return true;
}

/*
 * Whether the option word arg leaves its value to the next word, as getopt
 * reads it: a cluster of short options that ends with one of with_value
 * (after such a letter, the rest of the cluster is its value), or a long
 * option (or an abbreviation of one) that requires a value, without "=".
 */
static bool value_in_next_word(const char *arg, const char *with_value,
                               const struct option *long_options)
{
    if (arg[0] != '-' || arg[1] == '\0')
        return false;
    if (arg[1] == '-') {
        if (strchr(arg, '='))
            return false;
        for (const struct option *o = long_options; o->name; o++)
            if (strncmp(o->name, arg + 2, strlen(arg + 2)) == 0 && o->has_arg == required_argument)
                return true;
        return false;
    }
    for (const char *c = arg + 1; *c; c++)
        if (strchr(with_value, *c))
            return c[1] == '\0';
    return false;
}

/*
 * Takes the -LEVEL arguments (-1 to -22, as zstd writes them) out of argv,
 * up to a "--", so that getopt sees the rest; the value of an option is
 * left alone ("-o -3" names the output -3).  with_value and long_options
 * are getopt's.  Returns the new argc, or -1 (after a message) for a level
 * out of range.
 */
static int take_levels(int argc, char **argv, const char *with_value,
                       const struct option *long_options, int *level)
{
    int kept = 1;
    bool options = true, value_next = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        unsigned n;
        if (value_next) {
            argv[kept++] = argv[i];
            value_next = false;
            continue;
        }
        if (strcmp(arg, "--") == 0)
            options = false;
        value_next = options && value_in_next_word(arg, with_value, long_options);
        if (options && arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9') {
            if (!parse_count(arg + 1, 22, &n) || n == 0) {
                cli_usage_error("compress", "invalid level '%s' (-1 to -22)", arg);
                return -1;
            }
            *level = (int)n;
            continue;
        }
        argv[kept++] = argv[i];
    }
    argv[kept] = NULL;
    return kept;
}

static char *compressed_name(const char *cmd, const char *input)
{
    size_t len = strlen(input);
    char *name = malloc(len + sizeof ".zst");
    if (!name) {
        cli_error(cmd, "'%s': %s", input, strerror(ENOMEM));
        return NULL;
    }
    memcpy(name, input, len);
    memcpy(name + len, ".zst", sizeof ".zst");
    return name;
}

typedef struct compress_job {
    mms_zstd_compress_options opts;
    bool sizes_known;  /* the input is read as it is (no --zstd): its size is the content's */
} compress_job;

static int make_compressor(void *ctx, int fd, uint64_t input_size, mms_processor **proc,
                           mms_error *err)
{
    const compress_job *job = ctx;
    int rc = mms_zstd_compress_new(proc, fd, &job->opts, err);
    /* A file's size goes into the frame header, as zstd writes it. */
    if (rc == 0 && job->sizes_known && input_size != MMS_SIZE_UNKNOWN)
        rc = mms_zstd_compress_set_size(*proc, input_size);
    return rc;
}

int cmd_compress(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"long", optional_argument, NULL, OPT_LONG},
        {"check", no_argument, NULL, OPT_CHECK},
        {"no-check", no_argument, NULL, OPT_NO_CHECK},
        {"stdout", no_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'},
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    compress_job job;
    mms_zstd_compress_options_init(&job.opts);
    job.opts.workers = 1;
    mms_zstd_compress_options *opts = &job.opts;
    cli_transcode t = {.cmd = "compress", .default_name = compressed_name,
                       .refuse_terminal = true, .make = make_compressor, .ctx = &job};
    cli_engine_settings settings;
    cli_engine_settings_init(&settings);
    argc = take_levels(argc, argv, "To", long_options, &opts->level);
    if (argc < 0)
        return CLI_ERROR;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "T:o:cf", long_options, NULL)) != -1) {
        switch (opt) {
        case 'T':
        case CLI_OPT_THREADS: /* the shared --threads means the same here */
            if (!parse_count(optarg, 256, &opts->workers))
                return cli_usage_error("compress", "invalid thread count '%s' (0 to 256)", optarg);
            if (opts->workers == 0) {
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                opts->workers = cpus > 0 ? (unsigned)cpus : 1;
            }
            break;
        case OPT_LONG:
            opts->long_window_log = 27;
            if (optarg && (!parse_count(optarg, 31, &opts->long_window_log) ||
                           opts->long_window_log < 10))
                return cli_usage_error("compress", "--long: invalid window log '%s' (10 to 31)", optarg);
            break;
        case OPT_CHECK: opts->checksum = true; break;
        case OPT_NO_CHECK: opts->checksum = false; break;
        case CLI_OPT_HELP:
            fputs(compress_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE & ~CLI_HELP_THREADS);
            return CLI_OK;
        default: {
            int handled = cli_transcode_option(&t, &settings, opt, optarg, argv);
            if (handled != 1)
                return handled;
        }
        }
    }
    job.sizes_known = settings.decompress == MMS_DECOMPRESS_NONE;
    return cli_transcode_run(&t, &settings, argc, argv);
}
