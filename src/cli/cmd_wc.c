/*
 * cmd_wc.c - mmscan wc: lines, words and bytes, output byte for byte as
 * GNU wc prints it in the C locale (column widths included).
 */
#include "config.h"
#include "cli/wc_format.h"

#include <string.h>

static const char wc_help[] =
    "Usage: mmscan wc [OPTIONS] [FILE...]\n"
    "Print newline, word and byte counts for each FILE, and a total line if\n"
    "more than one FILE is given, exactly as GNU wc does in the C locale.\n"
    "With no FILE, or when FILE is -, read standard input.  A word is a run of\n"
    "printable ASCII characters between white space.  A name that holds a\n"
    "newline is printed quoted for the shell ('a'$'\\n''b'), as GNU wc does.\n"
    "\n"
    "  -l, --lines           print the newline counts\n"
    "  -w, --words           print the word counts\n"
    "  -m, --chars           print the character counts (bytes in the C locale)\n"
    "  -c, --bytes           print the byte counts\n"
    "With none of -l, -w, -m, -c: -l -w -c.\n"
    "\n";

static unsigned processor_flags(const wc_columns *cols)
{
    return (cols->lines ? MMS_WC_LINES : 0) | (cols->words ? MMS_WC_WORDS : 0) | MMS_WC_BYTES;
}

/* Counts one input; reports and returns false on failure.  *counted says
 * whether out holds counts to print, as GNU wc prints them for an input it
 * opened: zeros for a directory, what was counted before a read failed. */
static bool count_input(mms_engine *engine, const wc_columns *cols, const char *path,
                        mms_wc_counts *out, bool *counted)
{
    mms_error err;
    mms_processor *proc = NULL;
    bool ok = mms_wc_new(&proc, processor_flags(cols), &err) == 0 &&
              mms_engine_add(engine, proc, &err) == 0 &&
              cli_scan_path("wc", engine, path, &err) == 0 &&
              mms_wc_get_counts(proc, out) == 0;
    *counted = ok;
    if (!ok) {
        cli_error_path("wc", path, &err);
        *counted = err.code == MMS_EISDIR || err.code == MMS_EIO || err.code == MMS_ETRUNCATED;
        if (err.code == MMS_EISDIR || mms_wc_get_counts(proc, out) != 0)
            *out = (mms_wc_counts){0};
    }
    mms_engine_clear(engine);
    mms_processor_free(proc);
    return ok;
}

int cmd_wc(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"lines", no_argument, NULL, 'l'},
        {"words", no_argument, NULL, 'w'},
        {"chars", no_argument, NULL, 'm'},
        {"bytes", no_argument, NULL, 'c'},
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    wc_columns cols = {0};
    cli_engine_settings settings;
    cli_engine_settings_init(&settings);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "lwmc", long_options, NULL)) != -1) {
        switch (opt) {
        case 'l': cols.lines = true; break;
        case 'w': cols.words = true; break;
        case 'm': cols.chars = true; break;
        case 'c': cols.bytes = true; break;
        case CLI_OPT_HELP:
            fputs(wc_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return CLI_OK;
        default: {
            int handled = cli_engine_option("wc", opt, optarg, &settings);
            if (handled == 0)
                return cli_bad_option("wc", argv);
            if (handled != 1)
                return handled;
        }
        }
    }
    if (wc_column_count(&cols) == 0)
        cols.lines = cols.words = cols.bytes = true;

    bool named = optind < argc;
    int nfiles;
    char **files = cli_operands(argc, argv, &nfiles);

    mms_engine *engine = cli_engine_new("wc", &settings);
    if (!engine)
        return CLI_ERROR;
    int width = wc_number_width(files, nfiles, &cols, settings.decompress != MMS_DECOMPRESS_NONE);
    mms_wc_counts total = {0};
    int status = CLI_OK;
    for (int i = 0; i < nfiles; i++) {
        mms_wc_counts counts;
        bool counted;
        if (!count_input(engine, &cols, files[i], &counts, &counted))
            status = CLI_ERROR;
        if (!counted)
            continue;
        wc_print_counts(stdout, &counts, &cols, width, named ? files[i] : NULL);
        total.lines += counts.lines;
        total.words += counts.words;
        total.bytes += counts.bytes;
    }
    if (nfiles > 1)
        wc_print_counts(stdout, &total, &cols, width, "total");
    mms_engine_free(engine);
    return status;
}
