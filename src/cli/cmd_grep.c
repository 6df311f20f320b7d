/*
 * cmd_grep.c - mmscan grep: GNU grep's options and output (C locale) for
 * the common cases, and --offsets, every match as "offset length".
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char grep_help[] =
    "Usage: mmscan grep [OPTIONS] PATTERN [FILE...]\n"
    "       mmscan grep [OPTIONS] -e PATTERN... | -f FILE... [FILE...]\n"
    "Print the lines of each FILE that match PATTERN, as GNU grep does in the C\n"
    "locale.  With no FILE, or when FILE is -, read standard input.  PATTERN may\n"
    "hold several patterns, one per line; a line is selected when any matches.\n"
    "\n"
    "Pattern syntax (default -G, as grep):\n"
    "  -G, --basic-regexp        POSIX basic regular expressions: \\( \\) \\{ \\} \\| \\+ \\?\n"
    "  -E, --extended-regexp     POSIX extended regular expressions: ( ) { } | + ?\n"
    "  -F, --fixed-strings       patterns are plain strings of bytes\n"
    "  -e, --regexp=PATTERN      a pattern (repeat for several, all in one pass)\n"
    "  -f, --file=FILE           patterns from FILE, one per line\n"
    "  -i, --ignore-case         ASCII letters match either case\n"
    "  -w, --word-regexp         a match must not touch a letter, digit or _\n"
    "  -x, --line-regexp         a match must be the whole line\n"
    "Both regular expression syntaxes know [[:class:]], \\w \\W \\s \\S \\b \\B \\< \\>\n"
    "and back-references \\1 to \\9.  Matching is byte by byte; no match spans a\n"
    "newline.  Hyperscan runs the expressions it accepts; PCRE2 runs the others\n"
    "(back-references, look-around), and tells where matches are (-o, -b -o,\n"
    "--offsets): a set too large for PCRE2 (thousands of strings) selects lines\n"
    "but refuses -o and --offsets.  A line that needs more backtracking than\n"
    "PCRE2 allows is an error for its file, never taken for one without a match.\n"
    "\n"
    "What is printed:\n"
    "  -v, --invert-match        select the lines that do not match\n"
    "  -c, --count               print the number of selected lines per file\n"
    "  -l, --files-with-matches  print the names of files with a selected line\n"
    "  -L, --files-without-match print the names of files without one\n"
    "  -o, --only-matching       print each match (leftmost, then longest) alone\n"
    "  -q, --quiet, --silent     print nothing; exit 0 at the first match\n"
    "  -m, --max-count=NUM       stop a file after NUM selected lines\n"
    "  -n, --line-number         prefix lines with their 1-based line number\n"
    "  -b, --byte-offset         prefix lines (or matches, with -o) with their offset\n"
    "  -H, --with-filename       prefix lines with the file name (the default with\n"
    "                            more than one file)\n"
    "  -h, --no-filename         never prefix the file name\n"
    "  -a, --text                treat binary files as text; otherwise a file with a\n"
    "                            NUL byte gets 'binary file matches' on stderr\n"
    "                            instead of its lines\n"
    "  -s, --no-messages         no message for a file that cannot be read (it\n"
    "                            still makes the exit status 2, unless -q found\n"
    "                            a line)\n"
    "      --offsets             print every match as 'OFFSET LENGTH' (bytes), with\n"
    "                            no line output and no binary file check\n"
    "      --json                with --offsets: one JSON object per match\n"
    "\n"
    "Every thread searches its own part of a file; lines are printed in order.\n"
    "Exit status: 0 if a line was selected, 1 if none was, 2 on an error.\n"
    "\n";

enum { OPT_OFFSETS = CLI_OPT_FIRST_FREE, OPT_JSON };

/* What the user asked for. */
typedef struct grep_settings {
    mms_search_spec spec;
    cli_patterns patterns; /* what -e, -f and PATTERN gave, split at newlines */
    /* Later ones in this order win over earlier ones, whatever the order
     * of the options, as in GNU grep (-l beats -c, -q beats -l). */
    enum { SHOW_LINES, SHOW_OFFSETS, SHOW_COUNT, SHOW_FILES_WITH, SHOW_FILES_WITHOUT,
           SHOW_NOTHING } show;
    bool only_matching, invert, numbers, offsets, text, json;
    bool no_messages;      /* -s: no message for a file that cannot be read */
    int with_filename;     /* -1: decided by the number of files */
    uint64_t max_count;
    bool got_pattern;      /* -e or -f was given */
    int syntax_option;     /* the first of -G, -E, -F given, or 0 */
} grep_settings;

/* What the line callback needs. */
typedef struct output_context {
    const grep_settings *settings;
    const char *name;      /* the input's name */
    const char *prefix;    /* the file name to print before lines, or NULL */
} output_context;

static int add_patterns(grep_settings *s, const char *text, size_t len)
{
    if (cli_add_patterns(&s->patterns, text, len))
        return CLI_OK;
    cli_error("grep", "out of memory");
    return CLI_ERROR;
}

/* Sets what to show, unless an option that wins over it was given: -l
 * and -L each win over the other when given last. */
static void show(grep_settings *s, int what)
{
    bool files = what == SHOW_FILES_WITH || what == SHOW_FILES_WITHOUT;
    bool showing_files = s->show == SHOW_FILES_WITH || s->show == SHOW_FILES_WITHOUT;
    if (what > (int)s->show || (files && showing_files))
        s->show = what;
}

static int read_pattern_file(grep_settings *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error("grep", "'%s': %s", path, strerror(errno));
        return CLI_ERROR;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = CLI_OK;
    while (rc == CLI_OK && (n = getline(&line, &cap, f)) >= 0)
        rc = add_patterns(s, line, (size_t)n - (n > 0 && line[n - 1] == '\n'));
    if (rc == CLI_OK && ferror(f)) { /* a directory, a read error */
        cli_error("grep", "'%s': %s", path, strerror(errno));
        rc = CLI_ERROR;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static void print_prefix(const output_context *out, const mms_match *m)
{
    const grep_settings *s = out->settings;
    if (out->prefix)
        printf("%s:", out->prefix);
    if (s->numbers)
        printf("%" PRIu64 ":", m->line_number);
    if (s->offsets)
        printf("%" PRIu64 ":", m->offset);
}

static int print_line(void *ctx, const mms_match *m)
{
    print_prefix(ctx, m);
    fwrite(m->text, 1, m->length, stdout);
    putchar('\n');
    return 0;
}

static int print_offset(void *ctx, const mms_match *m)
{
    const output_context *out = ctx;
    if (out->settings->json) {
        fputs("{\"file\":", stdout);
        cli_json_string(stdout, out->name);
        printf(",\"offset\":%" PRIu64 ",\"length\":%" PRIu64 "}\n", m->offset, m->length);
        return 0;
    }
    if (out->prefix)
        printf("%s:", out->prefix);
    printf("%" PRIu64 " %" PRIu64 "\n", m->offset, m->length);
    return 0;
}

static mms_grep_options grep_options(const grep_settings *s)
{
    mms_grep_options o = {
        .output = s->show == SHOW_LINES
                      ? (s->only_matching ? MMS_GREP_MATCHES : MMS_GREP_LINES)
                      : MMS_GREP_COUNT,
        .invert = s->invert,
        .line_numbers = s->numbers && s->show == SHOW_LINES,
        .binary_text = s->text,
        .max_lines = s->max_count,
    };
    if (s->show == SHOW_FILES_WITH || s->show == SHOW_FILES_WITHOUT || s->show == SHOW_NOTHING)
        o.max_lines = s->max_count < 1 ? s->max_count : 1; /* the first line decides */
    return o;
}

/* Prints what -c, -l and -L show for an input once it is searched. */
static void print_result(const output_context *out, const mms_grep_result *result)
{
    const grep_settings *s = out->settings;
    if (s->show == SHOW_COUNT) {
        if (out->prefix)
            printf("%s:", out->prefix);
        printf("%" PRIu64 "\n", result->selected);
    } else if ((s->show == SHOW_FILES_WITH && result->selected > 0) ||
               (s->show == SHOW_FILES_WITHOUT && result->selected == 0)) {
        printf("%s\n", out->name);
    } else if (result->binary_suppressed) {
        cli_error("grep", "'%s': binary file matches", out->name);
    }
}

/* The processor that searches an input for what s asks, printing to out. */
static int new_processor(mms_processor **proc, const mms_pattern *pattern, const grep_settings *s,
                         output_context *out, mms_error *err)
{
    mms_grep_options options = grep_options(s);
    return s->show == SHOW_OFFSETS ? mms_search_new(proc, pattern, print_offset, out, err)
                                   : mms_grep_new(proc, pattern, &options, print_line, out, err);
}

/* Whether the patterns can do what s asks (a set that only selects lines
 * cannot say where it matches): refused once, before any input is read. */
static bool patterns_serve(const mms_pattern *pattern, const grep_settings *s)
{
    output_context out = {.settings = s};
    mms_processor *proc;
    mms_error err;
    if (new_processor(&proc, pattern, s, &out, &err) < 0) {
        cli_error("grep", "%s", err.message);
        return false;
    }
    mms_processor_free(proc);
    return true;
}

/* Searches one input and prints what it asks for; returns the number of
 * selected lines, or -1 after reporting an error. */
static int64_t grep_input(mms_engine *engine, const mms_pattern *pattern, const grep_settings *s,
                          const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    output_context out = {.settings = s, .name = name, .prefix = s->with_filename == 1 ? name : NULL};
    mms_error err;
    mms_processor *proc = NULL;
    int rc = new_processor(&proc, pattern, s, &out, &err);
    if (rc == 0)
        rc = mms_engine_add(engine, proc, &err);
    if (rc == 0)
        rc = cli_scan_path("grep", engine, path, &err);
    mms_engine_clear(engine);
    if (rc < 0) {
        if (!s->no_messages)
            cli_error_path("grep", path, &err);
        mms_processor_free(proc);
        /* As GNU grep: a directory is an error, and an input with no lines
         * for -c and -L. */
        if (err.code == MMS_EISDIR)
            print_result(&out, &(mms_grep_result){0});
        return -1;
    }
    mms_grep_result result;
    mms_grep_get_result(proc, &result);
    mms_processor_free(proc);
    print_result(&out, &result);
    return (int64_t)result.selected;
}

static int parse_max_count(const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(arg, &end, 10);
    if (*arg == 0 || *end || (errno && errno != ERANGE))
        return cli_usage_error("grep", "invalid max count '%s'", arg);
    /* As grep: negative is no limit, and so is one too large to hold. */
    *out = n < 0 || errno == ERANGE ? MMS_GREP_UNLIMITED : (uint64_t)n;
    return CLI_OK;
}

static int parse_options(int argc, char **argv, grep_settings *s, cli_engine_settings *engine)
{
    static const struct option long_options[] = {
        {"basic-regexp", no_argument, NULL, 'G'},
        {"extended-regexp", no_argument, NULL, 'E'},
        {"fixed-strings", no_argument, NULL, 'F'},
        {"regexp", required_argument, NULL, 'e'},
        {"file", required_argument, NULL, 'f'},
        {"ignore-case", no_argument, NULL, 'i'},
        {"word-regexp", no_argument, NULL, 'w'},
        {"line-regexp", no_argument, NULL, 'x'},
        {"invert-match", no_argument, NULL, 'v'},
        {"count", no_argument, NULL, 'c'},
        {"files-with-matches", no_argument, NULL, 'l'},
        {"files-without-match", no_argument, NULL, 'L'},
        {"only-matching", no_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"silent", no_argument, NULL, 'q'},
        {"max-count", required_argument, NULL, 'm'},
        {"line-number", no_argument, NULL, 'n'},
        {"byte-offset", no_argument, NULL, 'b'},
        {"with-filename", no_argument, NULL, 'H'},
        {"no-filename", no_argument, NULL, 'h'},
        {"text", no_argument, NULL, 'a'},
        {"no-messages", no_argument, NULL, 's'},
        {"offsets", no_argument, NULL, OPT_OFFSETS},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK &&
           (opt = getopt_long(argc, argv, "GEFe:f:iwxvclLoqm:nbHhas", long_options, NULL)) != -1) {
        switch (opt) {
        case 'G': case 'E': case 'F': rc = cli_set_syntax("grep", opt, &s->syntax_option, &s->spec.syntax); break;
        case 'e': rc = add_patterns(s, optarg, strlen(optarg)); s->got_pattern = true; break;
        case 'f': rc = read_pattern_file(s, optarg); s->got_pattern = true; break;
        case 'i': s->spec.flags |= MMS_SEARCH_CASELESS; break;
        case 'w': s->spec.flags |= MMS_SEARCH_WORD; break;
        case 'x': s->spec.flags |= MMS_SEARCH_LINE; break;
        case 'v': s->invert = true; break;
        case 'c': show(s, SHOW_COUNT); break;
        case 'l': show(s, SHOW_FILES_WITH); break;
        case 'L': show(s, SHOW_FILES_WITHOUT); break;
        case 'o': s->only_matching = true; break;
        case 'q': show(s, SHOW_NOTHING); break;
        case 'm': rc = parse_max_count(optarg, &s->max_count); break;
        case 'n': s->numbers = true; break;
        case 'b': s->offsets = true; break;
        case 'H': s->with_filename = 1; break;
        case 'h': s->with_filename = 0; break;
        case 'a': s->text = true; break;
        case 's': s->no_messages = true; break;
        case OPT_OFFSETS: show(s, SHOW_OFFSETS); break;
        case OPT_JSON: s->json = true; break;
        case CLI_OPT_HELP:
            fputs(grep_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return -1;
        default: {
            int handled = cli_engine_option("grep", opt, optarg, engine);
            if (handled == 0)
                return cli_bad_option("grep", argv);
            if (handled != 1)
                return handled;
        }
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (!s->got_pattern) {
        if (optind >= argc)
            return cli_usage_error("grep", "no pattern given");
        rc = add_patterns(s, argv[optind], strlen(argv[optind]));
        optind++;
    }
    if (s->json && s->show != SHOW_OFFSETS)
        return cli_usage_error("grep", "--json works with --offsets only");
    return rc;
}

int cmd_grep(int argc, char **argv)
{
    grep_settings s = {.spec.syntax = MMS_SEARCH_BASIC, .with_filename = -1,
                       .max_count = MMS_GREP_UNLIMITED};
    cli_engine_settings engine_settings;
    cli_engine_settings_init(&engine_settings);
    int status = parse_options(argc, argv, &s, &engine_settings);
    mms_pattern *pattern = NULL;
    mms_engine *engine = NULL;
    if (status == CLI_OK && s.max_count == 0 && s.show != SHOW_FILES_WITHOUT) {
        /* As grep: -m 0 selects no line, so no file is read (nor the
         * patterns compiled), unless -L is to name the files. */
        status = CLI_FAIL;
    } else if (status == CLI_OK && s.patterns.count == 0 && !s.invert) {
        /* As grep: no pattern selects no line, no file is read, and -L
         * names every file. */
        int nfiles;
        char **files = cli_operands(argc, argv, &nfiles);
        for (int i = 0; s.show == SHOW_FILES_WITHOUT && i < nfiles; i++)
            printf("%s\n", strcmp(files[i], "-") == 0 ? "(standard input)" : files[i]);
        status = CLI_FAIL;
    } else if (status == CLI_OK) {
        mms_error err;
        s.spec.patterns = (const char *const *)s.patterns.texts;
        s.spec.lengths = s.patterns.lengths;
        s.spec.count = s.patterns.count;
        if (mms_pattern_new(&pattern, &s.spec, &err) < 0) {
            cli_error("grep", "%s", err.message);
            status = CLI_ERROR;
        } else if (!patterns_serve(pattern, &s)) {
            status = CLI_ERROR;
        } else if (!(engine = cli_engine_new("grep", &engine_settings))) {
            status = CLI_ERROR;
        }
    }
    if (status == CLI_OK && pattern) {
        int nfiles;
        char **files = cli_operands(argc, argv, &nfiles);
        if (s.with_filename < 0)
            s.with_filename = nfiles > 1;
        bool selected = false, failed = false;
        for (int i = 0; i < nfiles; i++) {
            int64_t n = grep_input(engine, pattern, &s, files[i]);
            failed |= n < 0;
            selected |= n > 0;
            if (selected && s.show == SHOW_NOTHING)
                break; /* as grep -q: the first match decides */
        }
        status = failed && !(selected && s.show == SHOW_NOTHING) ? CLI_ERROR
                 : selected                                       ? CLI_OK
                                                                  : CLI_FAIL;
    } else if (status < 0) {
        status = CLI_OK; /* --help */
    }
    mms_engine_free(engine);
    mms_pattern_free(pattern);
    cli_free_patterns(&s.patterns);
    return status;
}
