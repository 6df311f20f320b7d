/*
 * output_path.c - where a command writes a file: standard output, or a
 * temporary file in the directory of the final name that is synced and
 * renamed into place only when all of it is written, so that the final
 * name never holds a part of an output.  An interrupted command removes
 * its temporary file.
 */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file to remove if a signal ends the command. */
static char *volatile pending_temp;

static void remove_pending_and_die(int sig)
{
    char *path = pending_temp;
    if (path)
        unlink(path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void watch_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_pending_and_die;
        sigemptyset(&sa.sa_mask);
        /* Leave a signal that was ignored when we started ignored. */
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(signals[i], &sa, NULL);
    }
}

void cli_remove_on_signal(char *path)
{
    watch_signals();
    pending_temp = path;
}

/* Whether path is, or links to, a device or a FIFO: written in place. */
static bool is_device(const char *path, bool block_too)
{
    struct stat st;
    return stat(path, &st) == 0 &&
           (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || (block_too && S_ISBLK(st.st_mode)));
}

bool cli_output_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && !is_device(path, false);
}

/* Bytes of the final name kept in the temporary one: with ".", ".tmp-" and
 * six random characters it stays within a file name's 255 bytes. */
#define TEMP_NAME_KEEP 200

int cli_output_open(const char *cmd, cli_output *out, const char *path, mode_t mode)
{
    *out = (cli_output){.path = path, .fd = STDOUT_FILENO};
    if (!path)
        return 0;
    if (is_device(path, true)) {
        /* O_NOCTTY: a terminal named as the output must not become ours. */
        out->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (out->fd < 0) {
            cli_error(cmd, "'%s': %s", path, strerror(errno));
            return CLI_ERROR;
        }
        out->in_place = true;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    size_t size = strlen(path) + sizeof "/.tmp-XXXXXX";
    out->temp_path = malloc(size);
    if (!out->temp_path) {
        cli_error(cmd, "'%s': %s", path, strerror(ENOMEM));
        return CLI_ERROR;
    }
    snprintf(out->temp_path, size, "%.*s.%.*s.tmp-XXXXXX", dir_len, path, TEMP_NAME_KEEP,
             path + dir_len);
    watch_signals();
    /* mkostemp opens with O_CREAT | O_EXCL | O_RDWR: ours alone, and open for
     * reading too, so that it can be mapped for writing. */
    out->fd = mkostemp(out->temp_path, O_CLOEXEC);
    if (out->fd < 0) {
        cli_error(cmd, "'%s': %s", path, strerror(errno));
        free(out->temp_path);
        out->temp_path = NULL;
        return CLI_ERROR;
    }
    pending_temp = out->temp_path;
    if (fchmod(out->fd, mode) < 0) {
        cli_error(cmd, "'%s': %s", path, strerror(errno));
        cli_output_abandon(out);
        return CLI_ERROR;
    }
    return 0;
}

/* Renames from to to; without force, fails with EEXIST if to exists. */
static int place_file(const char *from, const char *to, bool force)
{
    /* RENAME_NOREPLACE: a file created under the final name while we
     * worked is not replaced either. */
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, force ? 0 : RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL)
        return -1;
    /* A file system without RENAME_NOREPLACE: check, then rename. */
    if (!force && cli_output_exists(to)) {
        errno = EEXIST;
        return -1;
    }
    return rename(from, to);
}

int cli_output_commit(const char *cmd, cli_output *out, bool force)
{
    if (out->in_place) {
        int rc = close(out->fd);
        out->fd = -1;
        if (rc < 0) {
            cli_error(cmd, "'%s': %s", out->path, strerror(errno));
            return CLI_ERROR;
        }
        return 0;
    }
    if (!out->temp_path)
        return 0;
    int rc = 0;
    /* The data must be on disk before the name points at it: after a crash
     * the name then holds the old file or all of the new one. */
    if (fsync(out->fd) < 0 || close(out->fd) < 0) {
        cli_error(cmd, "'%s': %s", out->path, strerror(errno));
        rc = CLI_ERROR;
    }
    out->fd = -1;
    if (rc == 0 && place_file(out->temp_path, out->path, force) < 0) {
        cli_error(cmd, "'%s': %s", out->path,
                  errno == EEXIST ? "already exists (use -f to overwrite)" : strerror(errno));
        rc = CLI_ERROR;
    }
    if (rc != 0) {
        cli_output_abandon(out);
        return CLI_ERROR;
    }
    pending_temp = NULL;
    free(out->temp_path);
    out->temp_path = NULL;
    return 0;
}

void cli_output_abandon(cli_output *out)
{
    if (out->fd >= 0 && (out->temp_path || out->in_place))
        close(out->fd);
    out->fd = -1;
    if (out->temp_path) {
        unlink(out->temp_path);
        pending_temp = NULL;
        free(out->temp_path);
        out->temp_path = NULL;
    }
}
