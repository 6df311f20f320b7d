/*
 * file_list.h - the inputs of a command that takes many files: its
 * operands, then the names read from --files-from, handed out one at a
 * time as they are read, so that scans start before a long list ends.
 */
#ifndef MMSCAN_CLI_FILE_LIST_H
#define MMSCAN_CLI_FILE_LIST_H

#include "cli/cli.h"

typedef struct file_list {
    char **operands;
    int noperands, next_operand;
    const char *list_path; /* --files-from, or NULL */
    FILE *list;            /* open while names are left in it */
    char delimiter;        /* '\n', or '\0' with -0 */
    char *line;            /* getdelim()'s buffer */
    size_t cap;
    bool unopened;         /* the list could not be opened: error says why */
    char error[512];       /* why file_list_next() failed */
} file_list;

/*
 * Opens the inputs: the operands and, when list_path is not NULL, the
 * names in the file list_path ("-" for standard input), one per line or,
 * with nul, each ended by a NUL byte.  With neither, the one input is
 * standard input ("-").  Returns CLI_OK, or CLI_ERROR after a message when
 * both the list and an operand are standard input.  A list that cannot be
 * opened fails file_list_next() once the operands are handed out.
 */
int file_list_open(const char *cmd, char **operands, int noperands, const char *list_path, bool nul,
                   file_list *out);

/*
 * The next input's name in *name (the caller frees it): returns 1, 0 when
 * there is none left, or -1 when the list cannot be opened or read
 * further, with list->error saying why, for the caller to report after the
 * inputs before it.  With 1, *refusal is NULL, or says why the name is not
 * to be scanned (it holds a NUL byte, or it is "-" in a list read from
 * standard input): the caller reports it in its turn, as a scan that
 * failed, and goes on.  An empty name is handed out as it is: it names no
 * file, and its scan fails.
 */
int file_list_next(file_list *list, char **name, const char **refusal);

void file_list_close(file_list *list);

#endif
