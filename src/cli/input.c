/* input.c - a command's input operands. */
#include "config.h"
#include "cli/cli.h"

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
