/*
 * batch.c - many files, one scan each: in order on one engine, or under
 * --jobs N on N threads with an engine each.  Each job takes the next name
 * from the list (read as the jobs need it) and writes its file's results
 * to a buffer; the main thread prints the buffers, and the errors, in
 * input order as soon as each one's turn comes.
 */
#include "config.h"
#include "cli/batch.h"
#include "cli/file_list.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 256

const char batch_options_help[] =
    "Many files:\n"
    "      --files-from LIST  also scan the files named in LIST, one per line,\n"
    "                        after the FILE operands, each as soon as its name\n"
    "                        is read ('-': standard input, which then is no\n"
    "                        input to scan); an empty name is a file that\n"
    "                        cannot be scanned\n"
    "  -0, --null            names in LIST end with a NUL byte, not a newline\n"
    "      --jobs N          scan up to N files at once (1 to 256, default 1);\n"
    "                        with more than one file, each scan then uses one\n"
    "                        thread unless --threads is given, and no progress\n"
    "                        bar is drawn; results keep the input order\n"
    "      --json            one JSON object per file, on one line; a file that\n"
    "                        cannot be scanned gets {\"file\":...,\"error\":...}\n"
    "A file that cannot be scanned is reported on stderr, in its turn, and the\n"
    "others go on; the exit status is then 2.  Each file's results are written\n"
    "out as soon as it and the files before it are done.\n"
    "\n";

void batch_settings_init(batch_settings *settings)
{
    *settings = (batch_settings){.jobs = 1};
}

int batch_option(const char *cmd, int opt, const char *arg, batch_settings *settings)
{
    switch (opt) {
    case BATCH_OPT_FILES_FROM:
        if (settings->files_from)
            return cli_usage_error(cmd, "--files-from: one list only ('%s', then '%s')",
                                   settings->files_from, arg);
        settings->files_from = arg;
        return 1;
    case '0':
        settings->nul = true;
        return 1;
    case BATCH_OPT_JSON:
        settings->json = true;
        return 1;
    case BATCH_OPT_JOBS: {
        char *end;
        errno = 0;
        unsigned long n = strtoul(arg, &end, 10);
        if (arg[0] < '0' || arg[0] > '9' || *end || errno || n < 1 || n > MAX_JOBS)
            return cli_usage_error(cmd, "--jobs: invalid job count '%s' (1 to %d)", arg, MAX_JOBS);
        settings->jobs = (unsigned)n;
        return 1;
    }
    default:
        return 0;
    }
}

/* One file's outcome: its results, or why it failed. */
typedef struct result {
    char *name;
    char *text; /* under --jobs: the results, written to a buffer */
    size_t len;
    char *messages; /* under --jobs: what the scan said on the way (warnings) */
    size_t messages_len;
    int status;
    mms_error err; /* when status is CLI_ERROR */
    bool done;     /* under --jobs: its slot holds it, to print */
} result;

typedef struct batch {
    const char *cmd;
    const batch_settings *settings;
    batch_scan_fn scan;
    void *ctx;
} batch;

/* Prints r's messages, results and error, and frees them; returns r's
 * status. */
static int print_result(const batch *b, result *r)
{
    if (r->messages_len) {
        cli_check_stdout(); /* what came before first */
        fwrite(r->messages, 1, r->messages_len, stderr);
    }
    if (r->len)
        fwrite(r->text, 1, r->len, stdout);
    if (r->status != CLI_OK) {
        cli_error_path(b->cmd, r->name, &r->err);
        if (b->settings->json) {
            fputs("{\"file\":", stdout);
            cli_json_string(stdout, r->name);
            fputs(",\"error\":", stdout);
            cli_json_string(stdout, r->err.message[0] ? r->err.message : mms_strerror(r->err.code));
            fputs("}\n", stdout);
        }
    }
    cli_check_stdout(); /* a reader of a pipe sees each file as it is done */
    free(r->messages);
    free(r->text);
    free(r->name);
    return r->status;
}

static void set_out_of_memory(result *r)
{
    r->status = CLI_ERROR;
    r->err = (mms_error){.code = MMS_ENOMEM, .message = "out of memory"};
}

/* Fails r with why (a name not to be scanned). */
static void refuse(result *r, const char *why)
{
    r->status = CLI_ERROR;
    r->err = (mms_error){.code = MMS_EINVAL};
    snprintf(r->err.message, sizeof r->err.message, "%s", why);
}

/* Scans r->name, its results and messages into buffers (a job's work). */
static void scan_to_buffer(const batch *b, mms_engine *engine, result *r)
{
    FILE *out = open_memstream(&r->text, &r->len);
    FILE *messages = open_memstream(&r->messages, &r->messages_len);
    if (!out || !messages) {
        if (out)
            fclose(out);
        if (messages)
            fclose(messages);
        set_out_of_memory(r);
        return;
    }
    cli_defer_messages(messages);
    r->status = b->scan(b->ctx, engine, r->name, out, &r->err);
    cli_defer_messages(NULL);
    bool written = fclose(out) == 0;
    written &= fclose(messages) == 0;
    if (!written && r->status == CLI_OK)
        set_out_of_memory(r);
}

/* Results kept ahead of the one to print next, at most: beyond, the jobs
 * wait (else a slow file early in a long list would let them keep the
 * results of all the rest). */
#define MAX_AHEAD 256

/* What the jobs share. */
typedef struct jobs {
    const batch *b;
    file_list *files;
    pthread_mutex_t source;    /* guards files, taken, no_more, list_failed */
    size_t taken;              /* names handed out: final once no_more */
    size_t stdin_taken;        /* of them, names of standard input ("-") */
    bool no_more;              /* no name is to be taken any more */
    bool list_failed;          /* the list could not be read to its end */
    pthread_mutex_t lock;      /* guards the rest */
    pthread_cond_t changed;    /* a result is done or printed, or the names ran out */
    result *slots;             /* MAX_AHEAD: the i-th input's result at i % MAX_AHEAD */
    size_t claimed;            /* names the jobs set out to take */
    size_t printed;            /* results printed */
    size_t stdin_done;         /* scans of standard input that ended */
    bool stop;                 /* stdout failed: scan no more */
    bool ended;                /* total is known */
    size_t total;
} jobs;

typedef struct job {
    jobs *shared;
    mms_engine *engine;
    pthread_t thread;
} job;

/* Takes the next name for slot *i, and why it is not to be scanned
 * (NULL: it is); false when there is none to take (stop: the printer wants
 * no more).  A name of standard input to scan gets in *stdin_turn how many
 * such names came before it. */
static bool take_name(jobs *j, bool stop, char **name, const char **refusal, size_t *i,
                      size_t *stdin_turn)
{
    pthread_mutex_lock(&j->source);
    j->no_more |= stop;
    if (!j->no_more) {
        int got = file_list_next(j->files, name, refusal);
        j->list_failed |= got < 0;
        j->no_more = got != 1;
    }
    *i = j->taken;
    j->taken += !j->no_more;
    bool took = !j->no_more;
    if (took && !*refusal && strcmp(*name, "-") == 0)
        *stdin_turn = j->stdin_taken++;
    pthread_mutex_unlock(&j->source);
    return took;
}

static void *job_main(void *arg)
{
    job *self = arg;
    jobs *j = self->shared;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        while (j->claimed - j->printed >= MAX_AHEAD && !j->ended)
            pthread_cond_wait(&j->changed, &j->lock);
        bool stop = j->stop || j->ended;
        j->claimed++;
        pthread_mutex_unlock(&j->lock);
        char *name = NULL;
        const char *refusal = NULL;
        size_t i, stdin_turn = SIZE_MAX;
        if (!take_name(j, stop, &name, &refusal, &i, &stdin_turn)) {
            pthread_mutex_lock(&j->lock);
            j->ended = true;
            j->total = i;
            pthread_cond_broadcast(&j->changed);
            pthread_mutex_unlock(&j->lock);
            return NULL;
        }
        if (stdin_turn != SIZE_MAX) {
            /* Standard input is read by one scan at a time, in input order:
             * the first takes what it holds, the later ones what is left. */
            pthread_mutex_lock(&j->lock);
            while (j->stdin_done != stdin_turn)
                pthread_cond_wait(&j->changed, &j->lock);
            pthread_mutex_unlock(&j->lock);
        }
        result r = {.name = name};
        if (refusal)
            refuse(&r, refusal);
        else
            scan_to_buffer(j->b, self->engine, &r);
        r.done = true;
        pthread_mutex_lock(&j->lock);
        j->stdin_done += stdin_turn != SIZE_MAX;
        j->slots[i % MAX_AHEAD] = r;
        pthread_cond_broadcast(&j->changed);
        pthread_mutex_unlock(&j->lock);
    }
}

/* Prints the results in input order as they come; returns CLI_ERROR if
 * any failed. */
static int print_in_order(jobs *j)
{
    int status = CLI_OK;
    for (size_t i = 0;; i++) {
        pthread_mutex_lock(&j->lock);
        j->printed = i;
        j->stop = ferror(stdout) != 0;
        pthread_cond_broadcast(&j->changed);
        result *slot = &j->slots[i % MAX_AHEAD];
        while (!slot->done && !(j->ended && i >= j->total))
            pthread_cond_wait(&j->changed, &j->lock);
        result r = *slot;
        *slot = (result){0};
        pthread_mutex_unlock(&j->lock);
        if (!r.done)
            return status;
        if (print_result(j->b, &r) != CLI_OK)
            status = CLI_ERROR;
    }
}

/* Runs the scans on njobs threads; prints in input order. */
static int run_jobs(const batch *b, const cli_engine_settings *engine_settings, unsigned njobs,
                    file_list *files)
{
    cli_engine_settings settings = *engine_settings;
    settings.progress = CLI_PROGRESS_NEVER; /* one bar cannot show several files */
    if (settings.threads == 0)
        settings.threads = 1;
    jobs j = {.b = b, .files = files, .slots = calloc(MAX_AHEAD, sizeof *j.slots)};
    job *workers = calloc(njobs, sizeof *workers);
    pthread_mutex_init(&j.source, NULL);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.changed, NULL);
    int status = workers && j.slots ? CLI_OK : CLI_ERROR;
    if (status != CLI_OK)
        cli_error(b->cmd, "out of memory");
    unsigned started = 0;
    for (; status == CLI_OK && started < njobs; started++) {
        workers[started] = (job){.shared = &j, .engine = cli_engine_new(b->cmd, &settings)};
        if (!workers[started].engine) {
            status = CLI_ERROR;
            break;
        }
        if (pthread_create(&workers[started].thread, NULL, job_main, &workers[started]) != 0) {
            cli_error(b->cmd, "cannot start a job thread");
            mms_engine_free(workers[started].engine);
            status = CLI_ERROR;
            break;
        }
    }
    if (started > 0 && print_in_order(&j) != CLI_OK)
        status = CLI_ERROR;
    for (unsigned w = 0; w < started; w++) {
        pthread_join(workers[w].thread, NULL);
        mms_engine_free(workers[w].engine);
    }
    if (j.list_failed) {
        cli_error(b->cmd, "%s", files->error);
        status = CLI_ERROR;
    }
    pthread_cond_destroy(&j.changed);
    pthread_mutex_destroy(&j.lock);
    pthread_mutex_destroy(&j.source);
    free(workers);
    free(j.slots);
    return status;
}

/* Scans the inputs one after another on one engine, straight to stdout;
 * once stdout fails, no more. */
static int run_in_turn(const batch *b, const cli_engine_settings *settings, file_list *files)
{
    mms_engine *engine = cli_engine_new(b->cmd, settings);
    if (!engine)
        return CLI_ERROR;
    int status = CLI_OK, got = 0;
    char *name;
    const char *refusal;
    while (!ferror(stdout) && (got = file_list_next(files, &name, &refusal)) == 1) {
        result r = {.name = name};
        if (refusal)
            refuse(&r, refusal);
        else
            r.status = b->scan(b->ctx, engine, name, stdout, &r.err);
        if (print_result(b, &r) != CLI_OK)
            status = CLI_ERROR;
    }
    mms_engine_free(engine);
    if (got < 0) {
        cli_error(b->cmd, "%s", files->error);
        status = CLI_ERROR;
    }
    return status;
}

int batch_run(const char *cmd, const cli_engine_settings *engine, const batch_settings *settings,
              char **operands, int noperands, batch_scan_fn scan, void *ctx)
{
    if (settings->nul && !settings->files_from)
        return cli_usage_error(cmd, "-0 is for a --files-from list: give --files-from");
    file_list files;
    if (file_list_open(cmd, operands, noperands, settings->files_from, settings->nul, &files) !=
        CLI_OK)
        return CLI_ERROR;
    batch b = {.cmd = cmd, .settings = settings, .scan = scan, .ctx = ctx};
    /* Without a list, no more jobs than files. */
    unsigned njobs = settings->jobs;
    if (!settings->files_from && (unsigned)files.noperands < njobs)
        njobs = (unsigned)files.noperands;
    int status = njobs > 1 ? run_jobs(&b, engine, njobs, &files) : run_in_turn(&b, engine, &files);
    file_list_close(&files);
    return status;
}
