/* engine_options.c - the options every scanning command shares. */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The help of each shared option, in the order it is shown. */
static const struct {
    unsigned which;
    const char *text;
} engine_help[] = {
    {CLI_HELP_WINDOW,
     "      --window SIZE     new bytes mapped per window (default 64M; K, M, G, T\n"
     "                        suffixes are powers of 1024; one page to 1T)\n"},
    {CLI_HELP_ADVICE,
     "      --advice MODE     auto: read the next window ahead on a helper thread\n"
     "                        (default); sequential, willneed, random: that madvise\n"
     "                        hint only; none: no hint\n"},
    {CLI_HELP_THREADS,
     "      --threads N       threads per file (default: one per CPU): parts of it\n"
     "                        for work that can be split (all but compression and\n"
     "                        XXH32 and XXH64 hashes; beside such a hash, one part\n"
     "                        per window while the hash sees every window in\n"
     "                        order); 1 scans in order on one thread\n"},
    {CLI_HELP_ZSTD,
     "      --zstd[=WHEN]     scan the content of zstd-compressed input instead of\n"
     "                        its bytes: always (the default WHEN), auto (inputs\n"
     "                        that start with a zstd frame or skippable-frame magic\n"
     "                        number; not pipes) or never (without --zstd)\n"},
    {CLI_HELP_PROGRESS,
     "      --progress        draw a progress bar on stderr (bytes, rate, ETA),\n"
     "                        even when stderr is not a terminal\n"
     "      --no-progress     never draw it (by default it is drawn when stderr is\n"
     "                        a terminal and a scan takes more than a second)\n"},
};

void cli_print_engine_help(unsigned which)
{
    fputs(which ? "Scan options:\n" : "Other options:\n", stdout);
    for (size_t i = 0; i < sizeof engine_help / sizeof engine_help[0]; i++)
        if (which & engine_help[i].which)
            fputs(engine_help[i].text, stdout);
    fputs("      --help            show this help and exit\n", stdout);
}

void cli_engine_settings_init(cli_engine_settings *settings)
{
    settings->window = MMS_DEFAULT_WINDOW;
    settings->advice = MMS_ADVICE_AUTO;
    settings->threads = 0;
    settings->decompress = MMS_DECOMPRESS_NONE;
    settings->progress = CLI_PROGRESS_AUTO;
}

int cli_engine_option(const char *cmd, int opt, const char *arg, cli_engine_settings *settings)
{
    mms_error err;
    switch (opt) {
    case CLI_OPT_WINDOW:
        if (mms_parse_size(arg, &settings->window, &err) < 0)
            return cli_usage_error(cmd, "--window: %s", err.message);
        return 1;
    case CLI_OPT_ADVICE:
        if (mms_advice_parse(arg, &settings->advice, &err) < 0)
            return cli_usage_error(cmd, "--advice: %s", err.message);
        return 1;
    case CLI_OPT_THREADS: {
        char *end;
        errno = 0;
        unsigned long n = strtoul(arg, &end, 10);
        if (arg[0] < '0' || arg[0] > '9' || *end || errno || n < 1 || n > 1024)
            return cli_usage_error(cmd, "--threads: invalid thread count '%s' (1 to 1024)", arg);
        settings->threads = (unsigned)n;
        return 1;
    }
    case CLI_OPT_ZSTD:
        if (!arg || strcmp(arg, "always") == 0)
            settings->decompress = MMS_DECOMPRESS_ZSTD;
        else if (strcmp(arg, "auto") == 0)
            settings->decompress = MMS_DECOMPRESS_AUTO;
        else if (strcmp(arg, "never") == 0)
            settings->decompress = MMS_DECOMPRESS_NONE;
        else
            return cli_usage_error(cmd, "--zstd: invalid value '%s' (always, auto or never)", arg);
        return 1;
    case CLI_OPT_PROGRESS:
        settings->progress = CLI_PROGRESS_ALWAYS;
        return 1;
    case CLI_OPT_NO_PROGRESS:
        settings->progress = CLI_PROGRESS_NEVER;
        return 1;
    default:
        return 0;
    }
}

mms_engine *cli_engine_new(const char *cmd, const cli_engine_settings *settings)
{
    mms_error err;
    mms_engine *engine = NULL;
    if (mms_engine_new(&engine, &err) < 0) {
        cli_error(cmd, "%s", err.message);
        return NULL;
    }
    if (mms_engine_set_window(engine, settings->window, &err) < 0) {
        cli_usage_error(cmd, "--window: %s", err.message);
        mms_engine_free(engine);
        return NULL;
    }
    mms_engine_set_advice(engine, settings->advice);
    mms_engine_set_threads(engine, settings->threads);
    mms_engine_set_decompress(engine, settings->decompress);
    cli_progress_attach(engine, settings->progress);
    return engine;
}

/* Whether word is a cluster of short options ("-nA3") holding c. */
static bool short_cluster_with(const char *word, int c)
{
    return word && word[0] == '-' && word[1] != '-' && strchr(word + 1, c) != NULL;
}

int cli_bad_option(const char *cmd, char **argv)
{
    /* getopt moves optind past a word once it is done with it: a bad
     * letter inside a cluster leaves optind at that cluster; a bad long
     * option, or a letter that ends its word, past it. */
    const char *word = argv[optind - 1];
    bool letter = optopt && optopt < CLI_OPT_WINDOW;
    if (letter && (short_cluster_with(argv[optind], optopt) || short_cluster_with(word, optopt)))
        return cli_usage_error(cmd, "invalid option or missing argument for '-%c'", optopt);
    return cli_usage_error(cmd, "invalid option or missing argument '%s'", word);
}
