/*
 * transcode.c - the loop of the commands that turn each input into one
 * output (compress, decompress): choose the output, refuse to overwrite,
 * scan the input into a processor that writes the output, and keep the
 * output only when all of it was written.
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The mode of a new output: the input's permissions, as zstd keeps them. */
static mode_t output_mode(const struct stat *input)
{
    if (S_ISREG(input->st_mode))
        return input->st_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID);
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Whether path names the same file as input (refused: the input would be
 * replaced by its own output). */
static bool same_file(const char *path, const struct stat *input)
{
    struct stat st;
    return S_ISREG(input->st_mode) && stat(path, &st) == 0 && st.st_dev == input->st_dev &&
           st.st_ino == input->st_ino;
}

/* The final name of the output of input: NULL (standard output) or a path
 * in *owned or t->output.  Reports and returns false when there is none. */
static bool output_name(const cli_transcode *t, const char *input, const char **path, char **owned)
{
    *path = NULL;
    *owned = NULL;
    if (t->to_stdout || (t->output && strcmp(t->output, "-") == 0))
        return true;
    if (t->output) {
        *path = t->output;
        return true;
    }
    if (strcmp(input, "-") == 0)
        return true;
    if (strncmp(input, "shm:", 4) == 0) {
        /* "shm:NAME.zst" in the working directory would read back as an
         * object, not as the file. */
        cli_error(t->cmd, "'%s': name the output of a shared memory object (-o FILE or -c)",
                  input);
        return false;
    }
    *owned = t->default_name(t->cmd, input);
    *path = *owned;
    return *owned != NULL;
}

/* How many bytes a scan of input reads, when its stat says so: a regular
 * file that can be mapped, from where standard input stands to its end.
 * Files of /proc and /sys, which cannot, say 0 or a page whatever they
 * hold: MMS_SIZE_UNKNOWN. */
static uint64_t input_size(const char *input, const struct stat *st)
{
    if (!S_ISREG(st->st_mode))
        return MMS_SIZE_UNKNOWN;
    if (strncmp(input, "shm:", 4) == 0) /* shared memory objects map */
        return (uint64_t)st->st_size;
    bool is_stdin = strcmp(input, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(input, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MMS_SIZE_UNKNOWN; /* the scan reports why */
    void *probe = mmap(NULL, 1, PROT_READ, MAP_SHARED, fd, 0);
    if (probe != MAP_FAILED)
        munmap(probe, 1);
    if (!is_stdin)
        close(fd);
    if (probe == MAP_FAILED)
        return MMS_SIZE_UNKNOWN;
    off_t at = is_stdin ? lseek(fd, 0, SEEK_CUR) : 0;
    if (at < 0)
        return MMS_SIZE_UNKNOWN;
    return at < st->st_size ? (uint64_t)(st->st_size - at) : 0;
}

/* Whether fd is a terminal that this command must not write to. */
static bool refused_terminal(const cli_transcode *t, int fd)
{
    return t->refuse_terminal && !t->force && isatty(fd);
}

static int transcode_one(const cli_transcode *t, mms_engine *engine, const char *input)
{
    struct stat st;
    mms_error err;
    if (mms_input_stat(input, &st, &err) < 0) {
        cli_error_path(t->cmd, input, &err);
        return CLI_ERROR;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error(t->cmd, "'%s': %s", input, strerror(EISDIR));
        return CLI_ERROR;
    }
    const char *path;
    char *owned;
    if (!output_name(t, input, &path, &owned))
        return CLI_ERROR;
    int status = CLI_OK;
    if (path && !t->force && cli_output_exists(path)) {
        cli_error(t->cmd, "'%s': already exists (use -f to overwrite)", path);
        status = CLI_ERROR;
    } else if (path && same_file(path, &st)) {
        cli_error(t->cmd, "'%s': is the input itself", path);
        status = CLI_ERROR;
    }
    cli_output out;
    if (status == CLI_OK)
        status = cli_output_open(t->cmd, &out, path, output_mode(&st));
    if (status == CLI_OK && out.in_place && refused_terminal(t, out.fd)) {
        cli_error(t->cmd, "'%s': not writing compressed data to a terminal (use -f)", path);
        cli_output_abandon(&out);
        status = CLI_ERROR;
    }
    if (status != CLI_OK) {
        free(owned);
        return status;
    }
    mms_processor *proc = NULL;
    bool ok = t->make(t->ctx, out.fd, input_size(input, &st), &proc, &err) == 0 &&
              mms_engine_add(engine, proc, &err) == 0 &&
              cli_scan_path(t->cmd, engine, input, &err) == 0;
    if (!ok)
        cli_error_path(t->cmd, input, &err);
    mms_engine_clear(engine);
    mms_processor_free(proc);
    if (ok)
        status = cli_output_commit(t->cmd, &out, t->force);
    else
        cli_output_abandon(&out);
    free(owned);
    return ok ? status : CLI_ERROR;
}

int cli_transcode_option(cli_transcode *t, cli_engine_settings *settings, int opt,
                         const char *arg, char **argv)
{
    switch (opt) {
    case 'o':
        /* A file named so would read back as an object, not as the file. */
        if (strncmp(arg, "shm:", 4) == 0)
            return cli_usage_error(t->cmd, "-o '%s': the output is a file, not a shared "
                                           "memory object (a file of that name: -o './%s')",
                                   arg, arg);
        t->output = arg;
        return 1;
    case 'c': t->to_stdout = true; return 1;
    case 'f': t->force = true; return 1;
    default: {
        int handled = cli_engine_option(t->cmd, opt, arg, settings);
        return handled == 0 ? cli_bad_option(t->cmd, argv) : handled;
    }
    }
}

int cli_transcode_run(const cli_transcode *t, const cli_engine_settings *settings, int argc,
                      char **argv)
{
    int nfiles;
    char **files = cli_operands(argc, argv, &nfiles);
    if (t->output && nfiles > 1)
        return cli_usage_error(t->cmd, "-o takes one input, not %d", nfiles);
    bool to_stdout = t->to_stdout || (t->output && strcmp(t->output, "-") == 0) ||
                     (!t->output && strcmp(files[0], "-") == 0);
    if (to_stdout && refused_terminal(t, STDOUT_FILENO))
        return cli_usage_error(t->cmd, "not writing compressed data to a terminal (use -f)");
    mms_engine *engine = cli_engine_new(t->cmd, settings);
    if (!engine)
        return CLI_ERROR;
    int status = CLI_OK;
    for (int i = 0; i < nfiles; i++)
        if (transcode_one(t, engine, files[i]) != CLI_OK)
            status = CLI_ERROR;
    mms_engine_free(engine);
    return status;
}
