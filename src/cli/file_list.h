/*
 * file_list.h - the inputs of a command that takes many files: its
 * operands, then the names read from --files-from.
 */
#ifndef MMSCAN_CLI_FILE_LIST_H
#define MMSCAN_CLI_FILE_LIST_H

#include "cli/cli.h"

typedef struct file_list {
    char **paths;  /* count names */
    size_t count;
    char **owned;  /* the names read from a list, freed by file_list_release() */
    size_t nowned;
} file_list;

/*
 * Collects the operands and, when list_path is not NULL, the names in the
 * file list_path ("-" for standard input), one per line or, with nul, each
 * ended by a NUL byte; empty names are skipped.  With neither, the one
 * input is standard input ("-").  Returns CLI_OK, or CLI_ERROR after a
 * message when the list cannot be read.
 */
int file_list_collect(const char *cmd, char **operands, int noperands, const char *list_path,
                      bool nul, file_list *out);

void file_list_release(file_list *list);

#endif
