/*
 * cmd_stats.c - mmscan stats: size, lines, words, line lengths, byte
 * histogram, entropy, special bytes and a text/UTF-8/binary verdict per
 * file, in one pass each.
 */
#include "config.h"
#include "cli/batch.h"
#include "cli/stats_format.h"

#include <string.h>

static const char stats_help[] =
    "Usage: mmscan stats [OPTIONS] [FILE...]\n"
    "Print statistics of each FILE, all measured in one pass: size, lines\n"
    "('\\n' bytes), words (as GNU wc counts them in the C locale: a word holds\n"
    "a printable ASCII byte, and bytes 0x80-0xff neither start nor end one, so\n"
    "text in other scripts has few), longest line, line lengths (min, mean, p50,\n"
    "p90, p99, max), Shannon entropy of the bytes (bits per byte, 0 to 8),\n"
    "counts of NUL, CR, CRLF, non-ASCII (0x80-0xff) and non-printable bytes\n"
    "(controls other than white space), UTF-8 validity, the most frequent\n"
    "bytes, and a verdict: text (ASCII, no NUL), utf-8 (valid UTF-8 beyond\n"
    "ASCII, no NUL) or binary.  With no FILE, or when FILE is -, read standard\n"
    "input.\n"
    "\n"
    "A line length is in bytes, without the newline; a last line without a\n"
    "newline counts.  Percentiles are nearest-rank and exact for lines under\n"
    "64 KiB; above, at most 1/128 below the true length.  A file without\n"
    "lines (empty) has every line length 0: line_length.count tells.\n"
    "\n"
    "With --json, each file is one line: {\"file\", \"size\", \"lines\", \"words\",\n"
    "\"longest_line\", \"line_length\": {\"count\" (lines measured), \"min\", \"mean\",\n"
    "\"p50\", \"p90\", \"p99\", \"max\"}, \"entropy\", \"nul\", \"cr\", \"crlf\",\n"
    "\"non_ascii\", \"non_printable\", \"utf8_valid\" (true or false), \"verdict\"\n"
    "(\"text\", \"utf-8\" or \"binary\"), \"histogram\" (256 counts, byte 0 first)}.\n"
    "\n"
    "      --histogram       print the count of every byte value that occurs\n"
    "                        (with --json the histogram is always there)\n"
    "\n";

enum { OPT_HISTOGRAM = BATCH_OPT_FIRST_FREE };

typedef struct stats_settings {
    batch_settings batch;
    bool histogram;
} stats_settings;

static int stats_one(void *ctx, mms_engine *engine, const char *path, FILE *out, mms_error *err)
{
    const stats_settings *s = ctx;
    mms_processor *proc = NULL;
    mms_stats stats;
    int rc = mms_stats_new(&proc, err);
    if (rc == 0)
        rc = mms_engine_add(engine, proc, err);
    if (rc == 0)
        rc = cli_scan_path("stats", engine, path, err);
    mms_engine_clear(engine);
    if (rc == 0)
        mms_stats_get(proc, &stats);
    mms_processor_free(proc);
    if (rc < 0)
        return CLI_ERROR;
    if (s->batch.json) {
        fputs("{\"file\":", out);
        cli_json_string(out, path);
        putc(',', out);
        stats_print_json_members(out, &stats);
        fputs("}\n", out);
    } else {
        stats_print_text(out, path, &stats, s->histogram);
    }
    return CLI_OK;
}

int cmd_stats(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"histogram", no_argument, NULL, OPT_HISTOGRAM},
        BATCH_LONG_OPTIONS,
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    stats_settings s = {.histogram = false};
    batch_settings_init(&s.batch);
    cli_engine_settings engine;
    cli_engine_settings_init(&engine);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "0", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(stats_help, stdout);
            fputs(batch_options_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return CLI_OK;
        }
        if (opt == OPT_HISTOGRAM) {
            s.histogram = true;
            continue;
        }
        int handled = batch_option("stats", opt, optarg, &s.batch);
        if (handled == 0)
            handled = cli_engine_option("stats", opt, optarg, &engine);
        if (handled == 0)
            return cli_bad_option("stats", argv);
        if (handled != 1)
            return handled;
    }
    return batch_run("stats", &engine, &s.batch, argv + optind, argc - optind, stats_one, &s);
}
