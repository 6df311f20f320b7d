/*
 * cmd_hash.c - mmscan hash: xxHash digests of files, printed byte for byte
 * as xxhsum prints them; the check mode and block manifests live in
 * hash_check.c and hash_blocks.c.
 */
#include "config.h"
#include "cli/hash.h"

#include <string.h>

static const char hash_help[] =
    "Usage: mmscan hash [-H0|-H1|-H2|-H3] [--tag] [--little-endian] [FILE...]\n"
    "       mmscan hash -c [--quiet|--status] [--strict] [--warn] [--ignore-missing]\n"
    "                   [SUMFILE...]\n"
    "       mmscan hash --blocks SIZE [-H#] [--json] [FILE]\n"
    "       mmscan hash --blocks SIZE [-H#] [--json] --diff FILE1 FILE2\n"
    "Print or check xxHash checksums, in the formats of xxhsum: each tool checks\n"
    "what the other writes.  With no FILE, or when FILE is -, read standard\n"
    "input (named 'stdin' in the output).\n"
    "\n"
    "  -H ALGORITHM          0 or 32: XXH32; 1 or 64: XXH64 (default);\n"
    "                        2 or 128: XXH128; 3: XXH3 (64 bits)\n"
    "      --tag             BSD-style lines, 'XXH64 (FILE) = HASH', instead of\n"
    "                        'HASH  FILE'; XXH3 is always printed this way\n"
    "      --little-endian   print the hash bytes in reverse order\n"
    "A FILE name with a backslash, a newline or a carriage return is escaped\n"
    "(\\\\, \\n, \\r) and its line starts with a backslash, as in xxhsum 0.8.2.\n"
    "\n"
    "Check mode:\n"
    "  -c, --check           read checksum lines from each SUMFILE (from any\n"
    "                        xxhsum 0.8 or mmscan; lines starting with # are\n"
    "                        comments), hash the files they name, print\n"
    "                        'FILE: OK' or 'FILE: FAILED'; exit 1 if any failed\n"
    "                        or if a SUMFILE cannot be read (a name shm:NAME is\n"
    "                        the file of that name if there is one, else the\n"
    "                        shared memory object)\n"
    "  -q, --quiet           do not print the OK lines\n"
    "      --status          print nothing; the exit status tells\n"
    "      --strict          fail on improperly formatted lines\n"
    "  -w, --warn            report each improperly formatted line\n"
    "      --ignore-missing  do not fail or report files that cannot be opened\n"
    "\n"
    "Block manifests:\n"
    "      --blocks SIZE     print one line per block of SIZE bytes of FILE:\n"
    "                        'OFFSET LENGTH HASH' (the last block may be\n"
    "                        shorter); blocks are hashed on all threads\n"
    "      --diff            with --blocks: hash two files by blocks and print\n"
    "                        the ranges where they differ, 'OFFSET LENGTH'\n"
    "                        (merged when they touch); exit 1 if any\n"
    "      --json            with --blocks: one JSON object per line\n"
    "On several threads, each thread hashes whole blocks (its part of FILE\n"
    "starts at a block boundary) through windows of --window, whatever SIZE;\n"
    "parts are multiples of SIZE and of the page size, so an odd SIZE (3M+1)\n"
    "leaves most files to one thread.\n"
    "\n"
    "Exit status: 0 success (all checks passed, no difference), 1 a check\n"
    "failed or the files differ, 2 error.\n"
    "\n";

enum {
    OPT_TAG = CLI_OPT_FIRST_FREE,
    OPT_LITTLE_ENDIAN,
    OPT_STATUS,
    OPT_STRICT,
    OPT_IGNORE_MISSING,
    OPT_BLOCKS,
    OPT_DIFF,
    OPT_JSON,
};

/* -H NUMBER, as xxhsum numbers the algorithms. */
static bool parse_algorithm(const char *arg, mms_hash_algorithm *out)
{
    static const struct {
        const char *name;
        mms_hash_algorithm algorithm;
    } names[] = {
        {"0", MMS_XXH32},  {"32", MMS_XXH32},   {"1", MMS_XXH64}, {"64", MMS_XXH64},
        {"2", MMS_XXH128}, {"128", MMS_XXH128}, {"3", MMS_XXH3_64},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i].name) == 0) {
            *out = names[i].algorithm;
            return true;
        }
    }
    return false;
}

int hash_input(mms_engine *engine, mms_hash_algorithm algorithm, const char *path,
               mms_hash_digest *out, mms_error *err)
{
    mms_processor *proc = NULL;
    int rc = mms_hash_new(&proc, algorithm, err);
    if (rc == 0)
        rc = mms_engine_add(engine, proc, err);
    if (rc == 0)
        rc = cli_scan_path("hash", engine, path, err);
    if (rc == 0)
        rc = mms_hash_get_digest(proc, out);
    mms_engine_clear(engine);
    mms_processor_free(proc);
    return rc;
}

/* Prints the checksum line of every input; an exit status. */
static int hash_files(mms_engine *engine, const hash_settings *settings, char **files,
                      int nfiles)
{
    int status = CLI_OK;
    for (int i = 0; i < nfiles; i++) {
        mms_error err;
        mms_hash_digest digest;
        if (hash_input(engine, settings->algorithm, files[i], &digest, &err) < 0) {
            cli_error_path("hash", files[i], &err);
            status = CLI_ERROR;
            continue;
        }
        const char *name = strcmp(files[i], "-") == 0 ? "stdin" : files[i];
        hash_line_print(stdout, &digest, name, settings->style);
    }
    return status;
}

/* Applies one option; 1 if applied, 0 if unknown, CLI_ERROR after a message. */
static int apply_option(int opt, const char *arg, hash_settings *s, bool *check)
{
    mms_error err;
    switch (opt) {
    case 'H':
        if (!parse_algorithm(arg, &s->algorithm))
            return cli_usage_error("hash", "invalid algorithm '-H%s' (0, 1, 2, 3, 32, 64 or 128)",
                                   arg);
        return 1;
    case 'c': *check = true; return 1;
    case 'q': s->quiet = true; return 1;
    case 'w': s->warn = true; return 1;
    case OPT_TAG: s->style.bsd = true; return 1;
    case OPT_LITTLE_ENDIAN: s->style.little_endian = true; return 1;
    case OPT_STATUS: s->status = true; return 1;
    case OPT_STRICT: s->strict = true; return 1;
    case OPT_IGNORE_MISSING: s->ignore_missing = true; return 1;
    case OPT_DIFF: s->diff = true; return 1;
    case OPT_JSON: s->json = true; return 1;
    case OPT_BLOCKS:
        if (mms_parse_size(arg, &s->block_size, &err) < 0)
            return cli_usage_error("hash", "--blocks: %s", err.message);
        if (s->block_size == 0)
            return cli_usage_error("hash", "--blocks: the block size must be at least 1 byte");
        return 1;
    default:
        return cli_engine_option("hash", opt, arg, &s->engine);
    }
}

/* Refuses options that do not go together; CLI_OK or CLI_ERROR. */
static int check_combination(const hash_settings *s, bool check, int nfiles)
{
    if (check && s->block_size)
        return cli_usage_error("hash", "-c and --blocks do not go together");
    if (check && s->style.bsd)
        return cli_usage_error("hash", "--tag does not apply to -c");
    if (!s->block_size && (s->diff || s->json))
        return cli_usage_error("hash", "%s needs --blocks", s->diff ? "--diff" : "--json");
    if (s->block_size && s->style.bsd)
        return cli_usage_error("hash", "--tag does not apply to --blocks");
    if (s->block_size && nfiles != (s->diff ? 2 : 1))
        return cli_usage_error("hash", "--blocks%s takes %s", s->diff ? " --diff" : "",
                               s->diff ? "two files" : "one file");
    return CLI_OK;
}

int cmd_hash(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"check", no_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"warn", no_argument, NULL, 'w'},
        {"tag", no_argument, NULL, OPT_TAG},
        {"little-endian", no_argument, NULL, OPT_LITTLE_ENDIAN},
        {"status", no_argument, NULL, OPT_STATUS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"ignore-missing", no_argument, NULL, OPT_IGNORE_MISSING},
        {"blocks", required_argument, NULL, OPT_BLOCKS},
        {"diff", no_argument, NULL, OPT_DIFF},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_ENGINE_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    hash_settings settings = {.algorithm = MMS_XXH64};
    cli_engine_settings_init(&settings.engine);
    bool check = false;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "H:cqw", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(hash_help, stdout);
            cli_print_engine_help(CLI_HELP_ENGINE);
            return CLI_OK;
        }
        int applied = apply_option(opt, optarg, &settings, &check);
        if (applied == 0)
            return cli_bad_option("hash", argv);
        if (applied != 1)
            return applied;
    }
    int nfiles;
    char **files = cli_operands(argc, argv, &nfiles);
    if (check_combination(&settings, check, nfiles) != CLI_OK)
        return CLI_ERROR;
    if (settings.block_size)
        return settings.diff ? hash_blocks_diff(&settings, files[0], files[1])
                             : hash_blocks_print(&settings, files[0]);

    mms_engine *engine = cli_engine_new("hash", &settings.engine);
    if (!engine)
        return CLI_ERROR;
    int status = check ? hash_check_files(engine, &settings, files, nfiles)
                       : hash_files(engine, &settings, files, nfiles);
    mms_engine_free(engine);
    return status;
}
