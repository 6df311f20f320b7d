/*
 * cmd_gen.c - mmscan gen: deterministic test data into a file or a POSIX
 * shared memory object, and a manifest of the needles planted in it.
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char gen_help[] =
    "Usage: mmscan gen --size SIZE [OPTIONS] OUTPUT\n"
    "Write exactly SIZE bytes of deterministic test data to OUTPUT, a file or\n"
    "shm:NAME (a POSIX shared memory object, to work from memory without a disk).\n"
    "The bytes depend only on the kind, the size, the seed and the kind's\n"
    "options, never on --window, --threads or the machine: the same command\n"
    "makes the same file everywhere.\n"
    "\n"
    "  -s, --size SIZE         bytes to write (K, M, G, T, P suffixes: powers of 1024)\n"
    "      --seed N            0 to 18446744073709551615 (default 0)\n"
    "  -k, --kind KIND         what to write (default random):\n"
    "                            random        uniform bytes\n"
    "                            text          lines of words from a fixed vocabulary\n"
    "                            log           timestamp, level, [component], message,\n"
    "                                          key=value pairs\n"
    "                            csv           a header, then rows of 8 typed fields\n"
    "                            compressible  zstd -3 shrinks it by --ratio\n"
    "                            zeros         zero bytes, all written\n"
    "                            sparse        holes with islands of random bytes\n"
    "      --min-line N        text: shortest line, newline excluded (default 10)\n"
    "      --max-line N        text: longest line (default 100); a 64K block's last\n"
    "                          line is padded to end the block\n"
    "      --ratio R           compressible: the ratio, 1 to 100 (default 3)\n"
    "      --island SIZE       sparse: bytes of data per island (default 4K)\n"
    "      --island-every SIZE sparse: an island starts every SIZE bytes (default 1M)\n"
    "\n"
    "Needles, for search tests:\n"
    "      --needle STR        plant STR over the data (it replaces the bytes under it)\n"
    "      --every SIZE        about one needle per SIZE bytes; every other one\n"
    "                          straddles an offset aligned to a large power of two,\n"
    "                          so it crosses window edges\n"
    "      --needle-at OFFSET  a needle at OFFSET (repeat the option for more)\n"
    "      --manifest FILE     write each needle's place to FILE, one JSON object\n"
    "                          per line: {\"offset\":N,\"length\":N,\"needle\":\"STR\"}\n"
    "\n"
    "Output:\n"
    "  -f, --force             replace OUTPUT (and the --manifest FILE) if it exists,\n"
    "                          and an OUTPUT.partial left by an earlier run; the\n"
    "                          old OUTPUT stays until the new one is complete,\n"
    "                          unless the free space needs its blocks\n"
    "      --keep-partial      after a failure or a signal (SIGINT, SIGTERM,\n"
    "                          SIGHUP), keep what was written (a file as\n"
    "                          OUTPUT.partial; a file is always written under that\n"
    "                          name and renamed when complete)\n"
    "      --mode MODE         octal permissions of a new OUTPUT, less the umask\n"
    "                          (default 0600 for shm:NAME, 0666 for a file)\n"
    "The free space is checked before anything is written.\n"
    "\n"
    "Writing (none of these changes the bytes):\n"
    "      --window SIZE       bytes per unit of work (default 64M)\n"
    "      --threads N         threads that write (default: one per CPU)\n"
    "      --write-method M    pwrite: fill a buffer and pwrite() it; map: fill\n"
    "                          writable MAP_SHARED windows and msync() them;\n"
    "                          auto (default): the faster here, pwrite\n"
    "      --progress, --no-progress\n"
    "                          a progress bar on stderr (bytes, rate, ETA): by\n"
    "                          default only when stderr is a terminal and the\n"
    "                          write has run for a second; --progress forces it\n"
    "      --help              show this help and exit\n"
    "\n"
    "Examples:\n"
    "  mmscan gen --size 1G big.bin\n"
    "  mmscan gen --size 4G --kind log --seed 7 shm:bench\n"
    "  mmscan gen -s 100M -k text --needle XYZZY --every 1M --manifest n.jsonl t.txt\n";

enum {
    OPT_SEED = CLI_OPT_FIRST_FREE,
    OPT_MIN_LINE,
    OPT_MAX_LINE,
    OPT_RATIO,
    OPT_ISLAND,
    OPT_ISLAND_EVERY,
    OPT_NEEDLE,
    OPT_EVERY,
    OPT_NEEDLE_AT,
    OPT_MANIFEST,
    OPT_KEEP_PARTIAL,
    OPT_MODE,
    OPT_WRITE_METHOD,
};

/* What the command line asked for. */
typedef struct gen_request {
    uint64_t size;
    bool has_size;
    uint64_t seed;
    mms_gen_kind kind;
    unsigned min_line, max_line;
    bool has_lines;
    double ratio;
    bool has_ratio;
    uint64_t island, island_every;
    bool has_islands;
    const char *needle;
    uint64_t every;
    uint64_t *needle_at;
    size_t needle_at_count;
    const char *manifest;
    unsigned flags;
    unsigned mode;
    cli_engine_settings engine;
    mms_write_method method;
} gen_request;

/* Parses a decimal number from 0 to max; false on junk. */
static bool parse_number(const char *arg, uint64_t max, uint64_t *out)
{
    if (arg[0] < '0' || arg[0] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (*end || errno || n > max)
        return false;
    *out = n;
    return true;
}

static int parse_size_option(const char *option, const char *arg, uint64_t *out)
{
    mms_error err;
    if (mms_parse_size(arg, out, &err) < 0)
        return cli_usage_error("gen", "%s: %s", option, err.message);
    return 0;
}

/* What apply_option() returns for an option it does not know. */
#define NOT_AN_OPTION (-1)

/* Applies one option; returns 0, CLI_ERROR after a message, or NOT_AN_OPTION. */
static int apply_option(gen_request *req, int opt, const char *arg)
{
    mms_error err;
    uint64_t n;
    switch (opt) {
    case 's':
        if (parse_size_option("--size", arg, &req->size) != 0)
            return CLI_ERROR;
        req->has_size = true;
        return 0;
    case 'k':
        if (mms_gen_kind_parse(arg, &req->kind, &err) < 0)
            return cli_usage_error("gen", "--kind: %s", err.message);
        return 0;
    case 'f':
        req->flags |= MMS_GEN_FORCE;
        return 0;
    case OPT_SEED:
        if (!parse_number(arg, UINT64_MAX, &req->seed))
            return cli_usage_error("gen", "--seed: invalid seed '%s' (0 to %" PRIu64 ")", arg,
                                   UINT64_MAX);
        return 0;
    case OPT_MIN_LINE:
    case OPT_MAX_LINE:
        if (!parse_number(arg, UINT_MAX, &n))
            return cli_usage_error("gen", "%s: invalid length '%s'",
                                   opt == OPT_MIN_LINE ? "--min-line" : "--max-line", arg);
        *(opt == OPT_MIN_LINE ? &req->min_line : &req->max_line) = (unsigned)n;
        req->has_lines = true;
        return 0;
    case OPT_RATIO: {
        char *end;
        errno = 0;
        req->ratio = strtod(arg, &end);
        if (arg[0] < '0' || arg[0] > '9' || *end || errno)
            return cli_usage_error("gen", "--ratio: invalid ratio '%s'", arg);
        req->has_ratio = true;
        return 0;
    }
    case OPT_ISLAND:
    case OPT_ISLAND_EVERY:
        req->has_islands = true;
        return parse_size_option(opt == OPT_ISLAND ? "--island" : "--island-every", arg,
                                 opt == OPT_ISLAND ? &req->island : &req->island_every);
    case OPT_NEEDLE:
        req->needle = arg;
        return 0;
    case OPT_EVERY:
        return parse_size_option("--every", arg, &req->every);
    case OPT_NEEDLE_AT: {
        if (!parse_number(arg, UINT64_MAX, &n))
            return cli_usage_error("gen", "--needle-at: invalid offset '%s'", arg);
        uint64_t *grown = realloc(req->needle_at, (req->needle_at_count + 1) * sizeof *grown);
        if (!grown) {
            cli_error("gen", "%s", strerror(ENOMEM));
            return CLI_ERROR;
        }
        req->needle_at = grown;
        req->needle_at[req->needle_at_count++] = n;
        return 0;
    }
    case OPT_MANIFEST:
        req->manifest = arg;
        return 0;
    case OPT_KEEP_PARTIAL:
        req->flags |= MMS_GEN_KEEP_PARTIAL;
        return 0;
    case OPT_MODE: {
        char *end;
        unsigned long mode = strtoul(arg, &end, 8);
        if (arg[0] < '0' || arg[0] > '7' || *end || mode > 07777 || mode == 0)
            return cli_usage_error("gen", "--mode: invalid mode '%s' (octal, e.g. 0644)", arg);
        req->mode = (unsigned)mode;
        return 0;
    }
    case OPT_WRITE_METHOD:
        if (mms_write_method_parse(arg, &req->method, &err) < 0)
            return cli_usage_error("gen", "--write-method: %s", err.message);
        return 0;
    default: {
        int handled = cli_engine_option("gen", opt, arg, &req->engine);
        return handled == 1 ? 0 : handled == 0 ? NOT_AN_OPTION : handled;
    }
    }
}

/* Makes the generator the request describes; reports and returns NULL on failure. */
static mms_gen *make_generator(const gen_request *req)
{
    mms_error err;
    mms_gen *gen = NULL;
    const char *option = "--size";
    int rc = mms_gen_new(&gen, req->kind, req->size, req->seed, &err);
    if (rc == 0 && req->has_lines) {
        option = "--min-line/--max-line";
        rc = mms_gen_set_lines(gen, req->min_line, req->max_line, &err);
    }
    if (rc == 0 && req->has_ratio) {
        option = "--ratio";
        rc = mms_gen_set_ratio(gen, req->ratio, &err);
    }
    if (rc == 0 && req->has_islands) {
        option = "--island/--island-every";
        rc = mms_gen_set_islands(gen, req->island_every, req->island, &err);
    }
    if (rc == 0 && req->needle) {
        option = "--needle";
        rc = mms_gen_set_needle(gen, req->needle, strlen(req->needle), req->every, &err);
    }
    for (size_t i = 0; rc == 0 && i < req->needle_at_count; i++) {
        option = "--needle-at";
        rc = mms_gen_add_needle_at(gen, req->needle_at[i], &err);
    }
    if (rc == 0) {
        option = "--window";
        rc = mms_gen_set_writing(gen, req->engine.window, req->engine.threads, req->method, &err);
    }
    if (rc < 0) {
        cli_usage_error("gen", "%s: %s", option, err.message);
        mms_gen_free(gen);
        return NULL;
    }
    return gen;
}

/* Closes a manifest that will not be written, and removes it if this run
 * made it. */
static void drop_manifest(FILE *out, const char *path, bool created)
{
    if (out)
        fclose(out);
    if (created)
        unlink(path);
}

/* Opens the manifest before the output is written (without emptying an
 * existing one yet): one that cannot be written then fails the run before
 * it leaves an output.  An existing file is replaced only with force, as
 * the output is; a FIFO or a device is written to.  *created says whether
 * it is new. */
static FILE *open_manifest(const char *path, bool force, bool *created)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    *created = fd >= 0;
    struct stat st;
    if (fd < 0 && errno == EEXIST) {
        if (!force && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            cli_error("gen", "'%s': already exists (use --force to replace it)", path);
            return NULL;
        }
        fd = open(path, O_WRONLY | O_CLOEXEC);
    }
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        cli_error("gen", "'%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        drop_manifest(NULL, path, *created);
    }
    return out;
}

/* Writes the manifest into out (from open_manifest()) and closes it. */
static int write_manifest(const mms_gen *gen, FILE *out, const char *path, const char *needle)
{
    /* An old manifest is emptied now; a FIFO or a device is written to. */
    struct stat st;
    if (fstat(fileno(out), &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fileno(out), 0) < 0) {
        cli_error("gen", "'%s': %s", path, strerror(errno));
        fclose(out);
        return CLI_ERROR;
    }
    uint64_t at, from = 0;
    while (mms_gen_next_needle(gen, from, &at) == 1) {
        /* (A needle that is not UTF-8 is valid JSON with U+FFFD in it.) */
        fprintf(out, "{\"offset\":%" PRIu64 ",\"length\":%zu,\"needle\":", at, strlen(needle));
        cli_json_string(out, needle);
        fputs("}\n", out);
        from = at + 1;
    }
    if (ferror(out) | (fclose(out) != 0)) {
        cli_error("gen", "'%s': %s", path, strerror(errno ? errno : EIO));
        return CLI_ERROR;
    }
    return CLI_OK;
}

/* The file mms_gen_write() writes output as until it is complete, to be
 * removed if a signal ends the command: OUTPUT.partial, or the object of
 * shm:NAME itself, a file of /dev/shm on Linux.  NULL when there is none
 * that is ours to remove: a name that is there already, or a shared memory
 * name that the library refuses ("shm:..", "shm:a/b": it writes nothing). */
static char *name_while_written(const char *output)
{
    bool shm = strncmp(output, "shm:", 4) == 0;
    char *name;
    if (asprintf(&name, shm ? "/dev/shm/%s" : "%s" MMS_GEN_PARTIAL_SUFFIX,
                 shm ? output + 4 : output) < 0)
        return NULL;
    struct stat st;
    mms_error err;
    if (mms_input_stat(shm ? output : name, &st, &err) != MMS_EOPEN || err.sys_errno != ENOENT) {
        free(name);
        return NULL;
    }
    return name;
}

/* "'PATH': MESSAGE", with what to do about an existing output, or where a
 * partial output was kept. */
static void report_write_error(const char *path, unsigned flags, const mms_error *err)
{
    if (err->code == MMS_EOPEN && err->sys_errno == EEXIST) {
        cli_error("gen", "'%s': %s (use --force to replace it)", path, err->message);
        return;
    }
    char partial[PATH_MAX + sizeof MMS_GEN_PARTIAL_SUFFIX];
    bool shm = strncmp(path, "shm:", 4) == 0;
    snprintf(partial, sizeof partial, "%s%s", path, shm ? "" : MMS_GEN_PARTIAL_SUFFIX);
    struct stat st;
    if ((flags & MMS_GEN_KEEP_PARTIAL) && mms_input_stat(partial, &st, NULL) == 0)
        cli_error("gen", "'%s': %s (partial output kept as '%s')", path, err->message, partial);
    else
        cli_error("gen", "'%s': %s", path, err->message);
}

int cmd_gen(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"size", required_argument, NULL, 's'},
        {"kind", required_argument, NULL, 'k'},
        {"force", no_argument, NULL, 'f'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"min-line", required_argument, NULL, OPT_MIN_LINE},
        {"max-line", required_argument, NULL, OPT_MAX_LINE},
        {"ratio", required_argument, NULL, OPT_RATIO},
        {"island", required_argument, NULL, OPT_ISLAND},
        {"island-every", required_argument, NULL, OPT_ISLAND_EVERY},
        {"needle", required_argument, NULL, OPT_NEEDLE},
        {"every", required_argument, NULL, OPT_EVERY},
        {"needle-at", required_argument, NULL, OPT_NEEDLE_AT},
        {"manifest", required_argument, NULL, OPT_MANIFEST},
        {"keep-partial", no_argument, NULL, OPT_KEEP_PARTIAL},
        {"mode", required_argument, NULL, OPT_MODE},
        {"write-method", required_argument, NULL, OPT_WRITE_METHOD},
        {"window", required_argument, NULL, CLI_OPT_WINDOW},
        {"threads", required_argument, NULL, CLI_OPT_THREADS},
        {"progress", no_argument, NULL, CLI_OPT_PROGRESS},
        {"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS},
        {"help", no_argument, NULL, CLI_OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    gen_request req = {.kind = MMS_GEN_RANDOM, .min_line = 10, .max_line = 100,
                       .island = 4096, .island_every = 1u << 20};
    cli_engine_settings_init(&req.engine);
    int status = CLI_ERROR;
    mms_gen *gen = NULL;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "s:k:f", long_options, NULL)) != -1) {
        if (opt == CLI_OPT_HELP) {
            fputs(gen_help, stdout);
            status = CLI_OK;
            goto done;
        }
        int rc = apply_option(&req, opt, optarg);
        if (rc == NOT_AN_OPTION) {
            cli_bad_option("gen", argv);
            goto done;
        }
        if (rc != 0)
            goto done;
    }
    if (optind != argc - 1) {
        cli_usage_error("gen", optind == argc ? "missing OUTPUT" : "one OUTPUT only, got '%s'",
                        argv[argc - 1]);
        goto done;
    }
    if (!req.has_size) {
        cli_usage_error("gen", "--size is required");
        goto done;
    }
    if (req.needle && !req.every && !req.needle_at_count) {
        cli_usage_error("gen", "--needle needs --every or --needle-at");
        goto done;
    }
    if (!req.needle && (req.every || req.needle_at_count || req.manifest)) {
        cli_usage_error("gen", "--every, --needle-at and --manifest need --needle");
        goto done;
    }
    const char *output = argv[optind];
    if (strcmp(output, "-") == 0) {
        cli_usage_error("gen", "OUTPUT must be a file or shm:NAME, not standard output");
        goto done;
    }
    if (!(gen = make_generator(&req)))
        goto done;
    cli_progress_attach_gen(gen, req.engine.progress);
    bool manifest_created = false;
    FILE *manifest = req.manifest
                         ? open_manifest(req.manifest, req.flags & MMS_GEN_FORCE, &manifest_created)
                         : NULL;
    if (req.manifest && !manifest)
        goto done;
    mms_error err;
    /* Interrupted, gen leaves nothing half-written (unless --keep-partial). */
    char *partial = req.flags & MMS_GEN_KEEP_PARTIAL ? NULL : name_while_written(output);
    cli_remove_on_signal(partial);
    int written = mms_gen_write(gen, output, req.flags, req.mode, &err);
    cli_remove_on_signal(NULL);
    free(partial);
    if (written < 0) {
        report_write_error(output, req.flags, &err);
        drop_manifest(manifest, req.manifest, manifest_created);
        goto done;
    }
    status = manifest ? write_manifest(gen, manifest, req.manifest, req.needle) : CLI_OK;
done:
    mms_gen_free(gen);
    free(req.needle_at);
    return status;
}
