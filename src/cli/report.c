/* report.c - the one style of every message the command prints. */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

/* Appends text to line[*len .. size - 2] with control bytes as C escapes,
 * so that the message stays one line whatever a file name holds. */
static void append_escaped(char *line, size_t size, size_t *len, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p && *len + 5 < size; p++) {
        if (*p == '\n')
            *len += (size_t)snprintf(line + *len, size - *len, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            *len += (size_t)snprintf(line + *len, size - *len, "\\%03o", *p);
        else
            line[(*len)++] = (char)*p;
    }
}

/* Where this thread's messages go instead of stderr, or NULL. */
static __thread FILE *deferred_messages;

/* The first error of a write to stdout, or 0. */
static int stdout_errno;

void cli_defer_messages(FILE *to)
{
    deferred_messages = to;
}

void cli_check_stdout(void)
{
    if (fflush(stdout) != 0 && stdout_errno == 0)
        stdout_errno = errno ? errno : EIO;
}

__attribute__((format(printf, 2, 0))) static void vreport(const char *cmd, const char *fmt,
                                                          va_list ap)
{
    char message[8192], line[4 * sizeof message];
    vsnprintf(message, sizeof message, fmt, ap);
    int prefix = snprintf(line, sizeof line, "mmscan: %s: ", cmd);
    size_t len = prefix > 0 ? (size_t)prefix : 0;
    append_escaped(line, sizeof line, &len, message);
    line[len++] = '\n';
    if (deferred_messages) {
        fwrite(line, 1, len, deferred_messages);
        return;
    }
    cli_check_stdout(); /* keep stdout and stderr in order on a shared terminal */
    /* One write for the whole line (stderr is unbuffered): a line that
     * another thread (--jobs) or stdout writes cannot split it. */
    fwrite(line, 1, len, stderr);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
}

void cli_error_path(const char *cmd, const char *path, const mms_error *err)
{
    cli_error(cmd, "'%s': %s", path, err->message[0] ? err->message : mms_strerror(err->code));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cli_error(cmd, "%s (see 'mmscan %s --help')", detail, cmd);
    return CLI_ERROR;
}

int cli_finish_stdout(const char *cmd, int status)
{
    cli_check_stdout();
    if (stdout_errno || ferror(stdout)) {
        cli_error(cmd, "standard output: %s", strerror(stdout_errno ? stdout_errno : EIO));
        return CLI_ERROR;
    }
    return status;
}

const char *cli_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
