/* input.c - what the command needs to know about an input operand. */
#include "config.h"
#include "cli/cli.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

char **cli_operands(int argc, char **argv, int *count)
{
    static char *stdin_only[] = {"-", NULL};
    if (optind < argc) {
        *count = argc - optind;
        return argv + optind;
    }
    *count = 1;
    return stdin_only;
}

/* A stat, not an open: a FIFO operand must not block here.  shm:NAME is
 * resolved here because the library's resolver is private to the library;
 * names that it rejects ("", "a/b") go to shm_open() as they are, and the
 * callers report its errno. */
int cli_stat_input(const char *path, struct stat *st)
{
    if (strcmp(path, "-") == 0)
        return fstat(STDIN_FILENO, st);
    if (strncmp(path, "shm:", 4) == 0) {
        char name[256];
        snprintf(name, sizeof name, "/%s", path + 4 + (path[4] == '/'));
        int fd = shm_open(name, O_RDONLY, 0);
        if (fd < 0)
            return -1;
        int rc = fstat(fd, st);
        close(fd);
        return rc;
    }
    return stat(path, st);
}
