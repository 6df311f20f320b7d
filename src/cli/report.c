/* report.c - the one style of every message the command prints. */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

__attribute__((format(printf, 2, 0))) static void vreport(const char *cmd, const char *fmt,
                                                          va_list ap)
{
    char message[8192];
    vsnprintf(message, sizeof message, fmt, ap);
    fflush(stdout); /* keep stdout and stderr in order on a shared terminal */
    flockfile(stderr); /* one line, whatever other threads print (--jobs) */
    fprintf(stderr, "mmscan: %s: ", cmd);
    /* One line whatever a file name holds: control bytes as C escapes. */
    for (const unsigned char *p = (const unsigned char *)message; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stderr);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(stderr, "\\%03o", *p);
        else
            fputc(*p, stderr);
    }
    fputc('\n', stderr);
    funlockfile(stderr);
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
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error(cmd, "standard output: %s", strerror(errno ? errno : EIO));
        return CLI_ERROR;
    }
    return status;
}
