/* report.c - the one style of every message the command prints. */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static void vreport(const char *cmd, const char *fmt, va_list ap)
{
    fflush(stdout); /* keep stdout and stderr in order on a shared terminal */
    fprintf(stderr, "mmscan: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
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

int cli_finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mmscan: write error: %s\n", strerror(errno ? errno : EIO));
        return CLI_ERROR;
    }
    return status;
}
