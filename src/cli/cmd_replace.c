/*
 * cmd_replace.c - mmscan replace: every match of a pattern replaced in
 * place by bytes of the same length, all or nothing per file.
 */
#include "config.h"
#include "cli/edit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char replace_help[] =
    "Usage: mmscan replace [OPTIONS] PATTERN REPLACEMENT FILE...\n"
    "Replace every match of PATTERN in each FILE by REPLACEMENT, in place.\n"
    "In place means the same length: a match and its replacement must have as\n"
    "many bytes, or --pad fills a shorter replacement up to the match's length.\n"
    "Matches are found first with a read-only scan (leftmost, then longest, not\n"
    "overlapping, never across a newline, as 'mmscan grep -o' finds them; a\n"
    "PATTERN that holds a newline is refused); then only the pages that hold\n"
    "them are written.  Each FILE is edited on its own.\n"
    "Options may come anywhere; after --, none: a PATTERN or REPLACEMENT that\n"
    "starts with '-' goes after -- (mmscan replace -F -- -1 +1 FILE).\n"
    "\n"
    "  -G, --basic-regexp    PATTERN is a POSIX basic regular expression (default)\n"
    "  -E, --extended-regexp\n"
    "                        PATTERN is a POSIX extended regular expression\n"
    "  -F, --fixed-strings   PATTERN is a plain string of bytes\n"
    "  -i, --ignore-case     ASCII letters match either case\n"
    "  -w, --word-regexp     a match must not touch a letter, digit or _\n"
    "  -x, --line-regexp     a match must be a whole line\n"
    "  -m, --max-count=NUM   replace the first NUM matches of each FILE only\n"
    "      --pad BYTE        pad a shorter replacement with BYTE (a number 0-255,\n"
    "                        0xHH, or one character: --pad ' ')\n"
    "\n"
    "Examples:\n"
    "  mmscan replace -F 2023 2024 big.log\n"
    "  mmscan replace -E --pad ' ' 'user=[a-z]+' 'user=x' big.log\n"
    "  mmscan replace --dry-run -F secret XXXXXX dump.bin >changes.patch\n"
    "\n"
    "Exit status: 0 if a match was replaced, 1 if none was found, 2 on an error\n"
    "(nothing is changed in a file whose edit fails).\n"
    "\n";

enum { OPT_PAD = EDIT_OPT_FIRST_FREE };

typedef struct replace_settings {
    edit_settings edit;
    mms_search_spec spec;
    const char *pattern, *replacement;
    mms_replace_options options;
    mms_pattern *compiled;
    mms_engine *engine;
} replace_settings;

static int parse_max(const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end || errno || n == 0)
        return cli_usage_error("replace", "invalid max count '%s' (1 or more)", arg);
    *out = n;
    return CLI_OK;
}

/* Returns CLI_OK, CLI_ERROR, or -1 after --help. */
static int parse_options(int argc, char **argv, replace_settings *s)
{
    static const struct option long_options[] = {
        {"basic-regexp", no_argument, NULL, 'G'},
        {"extended-regexp", no_argument, NULL, 'E'},
        {"fixed-strings", no_argument, NULL, 'F'},
        {"ignore-case", no_argument, NULL, 'i'},
        {"word-regexp", no_argument, NULL, 'w'},
        {"line-regexp", no_argument, NULL, 'x'},
        {"max-count", required_argument, NULL, 'm'},
        {"pad", required_argument, NULL, OPT_PAD},
        EDIT_LONG_OPTIONS,
        CLI_SCAN_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK && (opt = getopt_long(argc, argv, "GEFiwxm:", long_options, NULL)) != -1) {
        switch (opt) {
        case 'G': s->spec.syntax = MMS_SEARCH_BASIC; break;
        case 'E': s->spec.syntax = MMS_SEARCH_EXTENDED; break;
        case 'F': s->spec.syntax = MMS_SEARCH_FIXED; break;
        case 'i': s->spec.flags |= MMS_SEARCH_CASELESS; break;
        case 'w': s->spec.flags |= MMS_SEARCH_WORD; break;
        case 'x': s->spec.flags |= MMS_SEARCH_LINE; break;
        case 'm': rc = parse_max(optarg, &s->options.max_edits); break;
        case OPT_PAD:
            s->options.pad = true;
            rc = edit_parse_byte("replace", "--pad", optarg, &s->options.pad_byte);
            break;
        case CLI_OPT_HELP:
            fputs(replace_help, stdout);
            fputs(edit_options_help, stdout);
            cli_print_engine_help(CLI_HELP_WINDOW | CLI_HELP_ADVICE | CLI_HELP_THREADS | CLI_HELP_PROGRESS);
            return -1;
        default: {
            int handled = edit_option("replace", opt, optarg, &s->edit);
            if (handled == 0)
                return cli_bad_option("replace", argv);
            if (handled != 1)
                return handled;
        }
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (argc - optind < 3)
        return cli_usage_error("replace", "PATTERN, REPLACEMENT and at least one FILE are needed");
    s->pattern = argv[optind++];
    s->replacement = argv[optind++];
    if (s->edit.keep_undo && argc - optind > 1)
        return cli_usage_error("replace", "--keep-undo keeps the journal of one FILE only");
    return CLI_OK;
}

/* Matches never cross a newline, so a PATTERN that holds one matches
 * nothing: say so instead of reporting nothing to change. */
static int check_single_line(const replace_settings *s)
{
    if (!strchr(s->pattern, '\n'))
        return CLI_OK;
    cli_error("replace", "PATTERN holds a newline, and a match never spans lines (mmscan patch "
              "edits any bytes)");
    return CLI_ERROR;
}

/* A fixed string's matches all have its length: check the replacement first. */
static int check_fixed_length(const replace_settings *s)
{
    size_t p = strlen(s->pattern), r = s->options.length;
    if (s->spec.syntax != MMS_SEARCH_FIXED || p == r || (s->options.pad && r < p))
        return CLI_OK;
    cli_error("replace", "the replacement is %zu %s and PATTERN %zu: in-place edits keep the "
              "file's length%s", r, cli_plural(r, "byte", "bytes"), p,
              r < p ? " (pad a shorter replacement with --pad BYTE)" : "");
    return CLI_ERROR;
}

/* Finds the matches of one open file with a read-only scan. */
static int find_matches(void *ctx, const char *path, mms_edit_file *file, mms_edits *edits)
{
    replace_settings *s = ctx;
    mms_error err;
    mms_processor *proc = NULL;
    int rc = mms_replace_new(&proc, s->compiled, &s->options, edits, &err);
    if (rc == 0)
        rc = mms_engine_add(s->engine, proc, &err);
    if (rc == 0)
        rc = mms_engine_scan_fd(s->engine, mms_edit_fd(file), &err);
    mms_engine_clear(s->engine);
    mms_processor_free(proc);
    if (rc == 0)
        return CLI_OK;
    cli_error_path("replace", path, &err);
    return CLI_ERROR;
}

int cmd_replace(int argc, char **argv)
{
    replace_settings s = {.spec.syntax = MMS_SEARCH_BASIC,
                          .options.max_edits = MMS_REPLACE_UNLIMITED};
    edit_settings_init(&s.edit);
    int status = parse_options(argc, argv, &s);
    if (status < 0)
        return CLI_OK; /* --help */
    if (status != CLI_OK)
        return status;
    s.options.replacement = s.replacement;
    s.options.length = strlen(s.replacement);
    s.spec.patterns = &s.pattern;
    s.spec.count = 1;
    mms_error err;
    if ((status = check_single_line(&s)) != CLI_OK || (status = check_fixed_length(&s)) != CLI_OK)
        return status;
    if (mms_pattern_new(&s.compiled, &s.spec, &err) < 0) {
        cli_error("replace", "%s", err.message);
        return CLI_ERROR;
    }
    s.engine = cli_engine_new("replace", &s.edit.engine);
    status = s.engine ? CLI_FAIL : CLI_ERROR;
    for (int i = optind; s.engine && i < argc; i++) {
        int one = edit_run("replace", argv[i], &s.edit, find_matches, &s);
        if (one == CLI_ERROR || (one == CLI_OK && status == CLI_FAIL))
            status = one;
    }
    mms_engine_free(s.engine);
    mms_pattern_free(s.compiled);
    return status;
}
