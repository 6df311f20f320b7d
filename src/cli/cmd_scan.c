/*
 * cmd_scan.c - mmscan scan: any set of wc, hashes, grep counts and stats
 * over each file in one pass, printed together: each part as its own
 * command prints it, or one JSON object per file.
 */
#include "config.h"
#include "cli/batch.h"
#include "cli/hash_lines.h"
#include "cli/stats_format.h"
#include "cli/wc_format.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char scan_help[] =
    "Usage: mmscan scan [--wc] [--hash ALG]... [--grep PATTERN]... [--stats]\n"
    "                   [OPTIONS] [FILE...]\n"
    "Run every processor asked for over each FILE in one pass: the file is\n"
    "read once, whatever the number of questions.  Each result is printed as\n"
    "its own command prints it, in this order: wc (as 'mmscan wc FILE'),\n"
    "hashes (as 'mmscan hash'), grep counts (as 'mmscan grep -H -c'), stats\n"
    "(as 'mmscan stats').  With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "      --wc              newline, word and byte counts\n"
    "      --hash ALG        a checksum: xxh32, xxh64, xxh3 or xxh128\n"
    "                        (repeat for several)\n"
    "      --grep PATTERN    count the lines that match PATTERN, a basic regular\n"
    "                        expression as in grep (repeat for several; as in\n"
    "                        grep, a newline in PATTERN separates patterns, and\n"
    "                        a line counts once if any of them matches)\n"
    "  -E, --extended-regexp the --grep patterns are extended regular expressions\n"
    "  -F, --fixed-strings   the --grep patterns are plain strings (not with -E)\n"
    "  -i, --ignore-case     the --grep patterns ignore ASCII case\n"
    "      --stats           the statistics of 'mmscan stats'\n"
    "      --histogram       with --stats, print the count of every byte value\n"
    "                        that occurs (with --json it is always there)\n"
    "With --json, each file is one line: {\"file\":..., \"wc\":{...},\n"
    "\"hash\":{\"xxh3\":\"...\"}, \"grep\":[{\"pattern\":..., \"count\":...}],\n"
    "\"stats\":{...}} with the parts asked for (\"stats\" holds the members of\n"
    "'mmscan stats --json' but \"file\").\n"
    "\n"
    "The scan of one file uses every thread; an xxh32 or xxh64 hash takes the\n"
    "windows in order, one thread at a time, beside the rest.\n"
    "\n"
    "Exit status: 0 when every file was scanned, whatever the counts (a --grep\n"
    "count of 0 is a result, not a failure), 2 if one could not be.\n"
    "\n";

enum {
    OPT_WC = BATCH_OPT_FIRST_FREE,
    OPT_HASH,
    OPT_GREP,
    OPT_STATS,
    OPT_HISTOGRAM,
};

#define MAX_EACH 16 /* hashes, and grep patterns, per scan */

typedef struct scan_settings {
    batch_settings batch;
    bool wc, stats, histogram;
    mms_hash_algorithm hashes[MAX_EACH];
    size_t nhashes;
    const char *patterns[MAX_EACH];
    mms_pattern *compiled[MAX_EACH];
    size_t npatterns;
    mms_search_syntax syntax;
    int syntax_option;        /* -E or -F, or 0 */
    unsigned search_flags;
    bool decompressing;       /* --zstd: wc widths as for a pipe */
    bool stdin_unnamed;       /* no FILE and no list: wc prints no name for stdin */
} scan_settings;

/* The processors of one file's scan. */
typedef struct scan_procs {
    mms_processor *wc;
    mms_processor *hashes[MAX_EACH];
    mms_processor *greps[MAX_EACH];
    mms_processor *stats;
} scan_procs;

static const struct {
    const char *name;
    mms_hash_algorithm algorithm;
} hash_names[] = {
    {"xxh32", MMS_XXH32}, {"xxh64", MMS_XXH64}, {"xxh3", MMS_XXH3_64}, {"xxh128", MMS_XXH128},
};

static const char *hash_option_name(mms_hash_algorithm algorithm)
{
    for (size_t i = 0; i < sizeof hash_names / sizeof hash_names[0]; i++)
        if (hash_names[i].algorithm == algorithm)
            return hash_names[i].name;
    return "?";
}

static int add_hash(scan_settings *s, const char *name)
{
    for (size_t i = 0; i < sizeof hash_names / sizeof hash_names[0]; i++) {
        if (strcmp(name, hash_names[i].name) == 0) {
            /* An algorithm asked for twice is one hash (one JSON key); so
             * there are at most four, fewer than MAX_EACH. */
            for (size_t k = 0; k < s->nhashes; k++)
                if (s->hashes[k] == hash_names[i].algorithm)
                    return CLI_OK;
            s->hashes[s->nhashes++] = hash_names[i].algorithm;
            return CLI_OK;
        }
    }
    return cli_usage_error("scan", "--hash: unknown algorithm '%s' (xxh32, xxh64, xxh3 or xxh128)",
                           name);
}

/* Makes and attaches the processors asked for; 0 or an MMS_E* code. */
static int attach(const scan_settings *s, mms_engine *engine, scan_procs *p, mms_error *err)
{
    static const mms_grep_options count_only = {.output = MMS_GREP_COUNT,
                                                .max_lines = MMS_GREP_UNLIMITED};
    int rc = 0;
    if (s->wc && (rc = mms_wc_new(&p->wc, MMS_WC_ALL, err)) == 0)
        rc = mms_engine_add(engine, p->wc, err);
    for (size_t i = 0; rc == 0 && i < s->nhashes; i++)
        if ((rc = mms_hash_new(&p->hashes[i], s->hashes[i], err)) == 0)
            rc = mms_engine_add(engine, p->hashes[i], err);
    for (size_t i = 0; rc == 0 && i < s->npatterns; i++)
        if ((rc = mms_grep_new(&p->greps[i], s->compiled[i], &count_only, NULL, NULL, err)) == 0)
            rc = mms_engine_add(engine, p->greps[i], err);
    if (rc == 0 && s->stats && (rc = mms_stats_new(&p->stats, err)) == 0)
        rc = mms_engine_add(engine, p->stats, err);
    return rc;
}

static void release(scan_procs *p)
{
    mms_processor_free(p->wc);
    for (size_t i = 0; i < MAX_EACH; i++) {
        mms_processor_free(p->hashes[i]);
        mms_processor_free(p->greps[i]);
    }
    mms_processor_free(p->stats);
}

static void print_text(const scan_settings *s, const scan_procs *p, const char *path, FILE *out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    if (s->wc) {
        static const wc_columns all = {.lines = true, .words = true, .bytes = true};
        char *files[] = {(char *)path};
        mms_wc_counts counts;
        mms_wc_get_counts(p->wc, &counts);
        wc_print_counts(out, &counts, &all, wc_number_width(files, 1, &all, s->decompressing),
                        is_stdin && s->stdin_unnamed ? NULL : path);
    }
    for (size_t i = 0; i < s->nhashes; i++) {
        mms_hash_digest digest;
        mms_hash_get_digest(p->hashes[i], &digest);
        hash_line_print(out, &digest, is_stdin ? "stdin" : path, (hash_line_style){0});
    }
    for (size_t i = 0; i < s->npatterns; i++) {
        mms_grep_result result;
        mms_grep_get_result(p->greps[i], &result);
        fprintf(out, "%s:%" PRIu64 "\n", is_stdin ? "(standard input)" : path, result.selected);
    }
    if (s->stats) {
        mms_stats stats;
        mms_stats_get(p->stats, &stats);
        stats_print_text(out, path, &stats, s->histogram);
    }
}

static void print_json(const scan_settings *s, const scan_procs *p, const char *path, FILE *out)
{
    fputs("{\"file\":", out);
    cli_json_string(out, path);
    if (s->wc) {
        mms_wc_counts c;
        mms_wc_get_counts(p->wc, &c);
        fprintf(out, ",\"wc\":{\"lines\":%" PRIu64 ",\"words\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
                c.lines, c.words, c.bytes);
    }
    for (size_t i = 0; i < s->nhashes; i++) {
        mms_hash_digest digest;
        char hex[MMS_HASH_HEX_SIZE];
        mms_hash_get_digest(p->hashes[i], &digest);
        mms_hash_to_hex(&digest, false, hex);
        fprintf(out, "%s\"%s\":\"%s\"", i ? "," : ",\"hash\":{", hash_option_name(s->hashes[i]),
                hex);
    }
    fputs(s->nhashes ? "}" : "", out);
    for (size_t i = 0; i < s->npatterns; i++) {
        mms_grep_result result;
        mms_grep_get_result(p->greps[i], &result);
        fputs(i ? ",{\"pattern\":" : ",\"grep\":[{\"pattern\":", out);
        cli_json_string(out, s->patterns[i]);
        fprintf(out, ",\"count\":%" PRIu64 "}", result.selected);
    }
    fputs(s->npatterns ? "]" : "", out);
    if (s->stats) {
        mms_stats stats;
        mms_stats_get(p->stats, &stats);
        fputs(",\"stats\":{", out);
        stats_print_json_members(out, &stats);
        putc('}', out);
    }
    fputs("}\n", out);
}

static int scan_one(void *ctx, mms_engine *engine, const char *path, FILE *out, mms_error *err)
{
    const scan_settings *s = ctx;
    scan_procs procs = {0};
    int rc = attach(s, engine, &procs, err);
    if (rc == 0)
        rc = cli_scan_path("scan", engine, path, err);
    mms_engine_clear(engine);
    if (rc == 0 && s->batch.json)
        print_json(s, &procs, path, out);
    else if (rc == 0)
        print_text(s, &procs, path, out);
    release(&procs);
    return rc < 0 ? CLI_ERROR : CLI_OK;
}

static int apply_option(int opt, const char *arg, scan_settings *s, cli_engine_settings *engine)
{
    switch (opt) {
    case OPT_WC: s->wc = true; return 1;
    case OPT_STATS: s->stats = true; return 1;
    case OPT_HISTOGRAM: s->histogram = true; return 1;
    case OPT_HASH: return add_hash(s, arg) == CLI_OK ? 1 : CLI_ERROR;
    case OPT_GREP:
        if (s->npatterns == MAX_EACH)
            return cli_usage_error("scan", "at most %d --grep", MAX_EACH);
        s->patterns[s->npatterns++] = arg;
        return 1;
    case 'E':
    case 'F':
        return cli_set_syntax("scan", opt, &s->syntax_option, &s->syntax) == CLI_OK ? 1 : CLI_ERROR;
    case 'i': s->search_flags |= MMS_SEARCH_CASELESS; return 1;
    default: {
        int handled = batch_option("scan", opt, arg, &s->batch);
        return handled ? handled : cli_engine_option("scan", opt, arg, engine);
    }
    }
}

/* Compiles the --grep patterns, one pattern set each (as in grep, a
 * newline in one separates patterns: a line matches if one of them
 * matches); CLI_OK or CLI_ERROR. */
static int compile_patterns(scan_settings *s)
{
    int status = CLI_OK;
    for (size_t i = 0; status == CLI_OK && i < s->npatterns; i++) {
        cli_patterns split = {0};
        if (!cli_add_patterns(&split, s->patterns[i], strlen(s->patterns[i]))) {
            cli_error("scan", "out of memory");
            status = CLI_ERROR;
        } else {
            mms_search_spec spec = {.patterns = (const char *const *)split.texts,
                                    .lengths = split.lengths, .count = split.count,
                                    .syntax = s->syntax, .flags = s->search_flags};
            mms_error err;
            if (mms_pattern_new(&s->compiled[i], &spec, &err) < 0) {
                cli_error("scan", "--grep: %s", err.message);
                status = CLI_ERROR;
            }
        }
        cli_free_patterns(&split);
    }
    return status;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"wc", no_argument, NULL, OPT_WC},
        {"hash", required_argument, NULL, OPT_HASH},
        {"grep", required_argument, NULL, OPT_GREP},
        {"stats", no_argument, NULL, OPT_STATS},
        {"histogram", no_argument, NULL, OPT_HISTOGRAM},
        {"extended-regexp", no_argument, NULL, 'E'},
        {"fixed-strings", no_argument, NULL, 'F'},
        {"ignore-case", no_argument, NULL, 'i'},
        BATCH_LONG_OPTIONS,
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    scan_settings s = {.syntax = MMS_SEARCH_BASIC};
    batch_settings_init(&s.batch);
    cli_engine_settings engine;
    cli_engine_settings_init(&engine);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "0EFi", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(scan_help, stdout);
            fputs(batch_options_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return CLI_OK;
        }
        int handled = apply_option(opt, optarg, &s, &engine);
        if (handled == 0)
            return cli_bad_option("scan", argv);
        if (handled != 1)
            return handled;
    }
    if (!s.wc && !s.stats && s.nhashes == 0 && s.npatterns == 0)
        return cli_usage_error("scan", "nothing to do: give --wc, --hash, --grep or --stats");
    if (s.histogram && !s.stats)
        return cli_usage_error("scan", "--histogram is for --stats: give --stats");
    if (s.npatterns == 0 && (s.syntax_option || s.search_flags))
        return cli_usage_error("scan", "-E, -F and -i are for --grep patterns: give --grep");
    s.decompressing = engine.decompress != MMS_DECOMPRESS_NONE;
    s.stdin_unnamed = optind == argc && !s.batch.files_from;
    int status = compile_patterns(&s);
    if (status == CLI_OK)
        status = batch_run("scan", &engine, &s.batch, argv + optind, argc - optind, scan_one, &s);
    for (size_t i = 0; i < s.npatterns; i++)
        mms_pattern_free(s.compiled[i]);
    return status;
}
