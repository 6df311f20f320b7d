/*
 * batch.c - many files, one scan each: in order on one engine, or under
 * --jobs N on N threads with an engine each.  Each job writes its file's
 * results to a buffer; the main thread prints the buffers in input order
 * as soon as each one's turn comes.
 */
#include "config.h"
#include "cli/batch.h"
#include "cli/file_list.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 256

const char batch_options_help[] =
    "Many files:\n"
    "      --files-from LIST  also scan the files named in LIST, one per line\n"
    "                        ('-': standard input, and then no name in it\n"
    "                        may be '-')\n"
    "  -0, --null            names in LIST end with a NUL byte, not a newline\n"
    "      --jobs N          scan N files at once (default 1); each scan then\n"
    "                        uses one thread unless --threads is given, and no\n"
    "                        progress bar is drawn; results keep the input order\n"
    "      --json            one JSON object per file, on one line\n"
    "A file that cannot be scanned is reported and the others go on; the exit\n"
    "status is then 2.\n"
    "\n";

void batch_settings_init(batch_settings *settings)
{
    *settings = (batch_settings){.jobs = 1};
}

int batch_option(const char *cmd, int opt, const char *arg, batch_settings *settings)
{
    switch (opt) {
    case BATCH_OPT_FILES_FROM:
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

/* The result of one file, written by a job, printed by the main thread. */
typedef struct result {
    char *text;
    size_t len;
    int status;
    bool done;
} result;

typedef struct jobs {
    const char *cmd;
    const file_list *files;
    batch_scan_fn scan;
    void *ctx;
    atomic_size_t next;      /* the next file to take */
    result *results;
    pthread_mutex_t lock;
    pthread_cond_t done;     /* a result is done */
} jobs;

typedef struct job {
    jobs *shared;
    mms_engine *engine;
    pthread_t thread;
} job;

static void *job_main(void *arg)
{
    job *self = arg;
    jobs *j = self->shared;
    size_t i;
    while ((i = atomic_fetch_add(&j->next, 1)) < j->files->count) {
        result r = {.status = CLI_ERROR};
        FILE *out = open_memstream(&r.text, &r.len);
        if (!out) {
            cli_error_path(j->cmd, j->files->paths[i],
                           &(mms_error){.code = MMS_ENOMEM, .message = "out of memory"});
        } else {
            r.status = j->scan(j->ctx, self->engine, j->files->paths[i], out);
            if (fclose(out) != 0)
                r.status = CLI_ERROR;
        }
        r.done = true;
        pthread_mutex_lock(&j->lock);
        j->results[i] = r;
        pthread_cond_broadcast(&j->done);
        pthread_mutex_unlock(&j->lock);
    }
    return NULL;
}

/* Runs the scans on njobs threads; prints in input order. */
static int run_jobs(const char *cmd, const cli_engine_settings *engine_settings, unsigned njobs,
                    const file_list *files, batch_scan_fn scan, void *ctx)
{
    cli_engine_settings settings = *engine_settings;
    settings.progress = CLI_PROGRESS_NEVER; /* one bar cannot show several files */
    if (settings.threads == 0)
        settings.threads = 1;
    jobs j = {.cmd = cmd, .files = files, .scan = scan, .ctx = ctx,
              .results = calloc(files->count, sizeof *j.results)};
    job *workers = calloc(njobs, sizeof *workers);
    atomic_init(&j.next, 0);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.done, NULL);
    int status = j.results && workers ? CLI_OK : CLI_ERROR;
    if (status != CLI_OK)
        cli_error(cmd, "out of memory");
    unsigned started = 0;
    for (; status == CLI_OK && started < njobs; started++) {
        workers[started] = (job){.shared = &j, .engine = cli_engine_new(cmd, &settings)};
        if (!workers[started].engine) {
            status = CLI_ERROR;
            break;
        }
        if (pthread_create(&workers[started].thread, NULL, job_main, &workers[started]) != 0) {
            cli_error(cmd, "cannot start a job thread");
            mms_engine_free(workers[started].engine);
            status = CLI_ERROR;
            break;
        }
    }
    if (started == 0)
        atomic_store(&j.next, files->count);
    for (size_t i = 0; started > 0 && i < files->count; i++) {
        pthread_mutex_lock(&j.lock);
        while (!j.results[i].done)
            pthread_cond_wait(&j.done, &j.lock);
        pthread_mutex_unlock(&j.lock);
        fwrite(j.results[i].text, 1, j.results[i].len, stdout);
        free(j.results[i].text);
        if (j.results[i].status != CLI_OK)
            status = CLI_ERROR;
    }
    for (unsigned w = 0; w < started; w++) {
        pthread_join(workers[w].thread, NULL);
        mms_engine_free(workers[w].engine);
    }
    pthread_cond_destroy(&j.done);
    pthread_mutex_destroy(&j.lock);
    free(workers);
    free(j.results);
    return status;
}

int batch_run(const char *cmd, const cli_engine_settings *engine, const batch_settings *batch,
              char **operands, int noperands, batch_scan_fn scan, void *ctx)
{
    file_list files;
    if (file_list_collect(cmd, operands, noperands, batch->files_from, batch->nul, &files) != CLI_OK)
        return CLI_ERROR;
    int status = CLI_OK;
    if (batch->jobs > 1 && files.count > 1) {
        unsigned njobs = files.count < batch->jobs ? (unsigned)files.count : batch->jobs;
        status = run_jobs(cmd, engine, njobs, &files, scan, ctx);
    } else {
        mms_engine *e = cli_engine_new(cmd, engine);
        if (!e)
            status = CLI_ERROR;
        for (size_t i = 0; e && i < files.count; i++)
            if (scan(ctx, e, files.paths[i], stdout) != CLI_OK)
                status = CLI_ERROR;
        mms_engine_free(e);
    }
    file_list_release(&files);
    return status;
}
