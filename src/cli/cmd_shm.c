/*
 * cmd_shm.c - mmscan shm: list and remove POSIX shared memory objects, such
 * as those that `mmscan gen ... shm:NAME` makes.
 */
#include "config.h"
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

static const char shm_help[] =
    "Usage: mmscan shm ls\n"
    "       mmscan shm rm [--] NAME...\n"
    "Manage POSIX shared memory objects: data kept in memory (tmpfs) under a\n"
    "name, that every mmscan command reads as shm:NAME.  They last until removed\n"
    "or until the machine restarts, and they use memory meanwhile.\n"
    "\n"
    "  ls         list the objects: size in bytes, permissions, shm:NAME\n"
    "  rm NAME    remove the objects (NAME or shm:NAME); programs that have one\n"
    "             open keep it until they close it; a NAME that starts with\n"
    "             '-' goes after --\n"
    "  --help     show this help and exit\n"
    "\n"
    "Example:\n"
    "  mmscan gen --size 1G shm:bench && mmscan wc shm:bench && mmscan shm rm bench\n";

static int print_object(void *ctx, const mms_shm_info *info)
{
    (void)ctx;
    printf("%12" PRIu64 "  %04o  shm:%s\n", info->size, info->mode, info->name);
    return 0;
}

static int list_objects(int argc)
{
    if (argc != 2)
        return cli_usage_error("shm", "ls takes no operand");
    mms_error err;
    if (mms_shm_list(print_object, NULL, &err) < 0) {
        cli_error("shm", "%s", err.message);
        return CLI_ERROR;
    }
    return CLI_OK;
}

static int remove_objects(int argc, char **argv)
{
    int first = 2;
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++; /* the names that follow may start with '-' */
    else
        for (int i = first; i < argc; i++)
            if (argv[i][0] == '-')
                return cli_usage_error("shm", "rm: unknown option '%s' (a NAME that starts "
                                              "with '-' goes after --)", argv[i]);
    if (first == argc)
        return cli_usage_error("shm", "rm needs a NAME");
    int status = CLI_OK;
    for (int i = first; i < argc; i++) {
        mms_error err;
        if (mms_shm_remove(argv[i], &err) < 0) {
            cli_error_path("shm", argv[i], &err);
            status = CLI_ERROR;
        }
    }
    return status;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cmd_shm(int argc, char **argv)
{
    /* --help after the action too, up to a "--" */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (is_help(argv[i])) {
            fputs(shm_help, stdout);
            return CLI_OK;
        }
    if (argc >= 2 && strcmp(argv[1], "ls") == 0)
        return list_objects(argc);
    if (argc >= 2 && strcmp(argv[1], "rm") == 0)
        return remove_objects(argc, argv);
    if (argc < 2)
        return cli_usage_error("shm", "missing ls or rm");
    return cli_usage_error("shm", "unknown action '%s'", argv[1]);
}
