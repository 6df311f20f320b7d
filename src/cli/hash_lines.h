/*
 * hash_lines.h - checksum lines as xxhsum writes and reads them: the GNU
 * style ("HASH  NAME"), the BSD style ("XXH64 (NAME) = HASH"), little-endian
 * variants, and the escaping of names that hold a backslash, a newline or
 * a carriage return.
 */
#ifndef MMSCAN_CLI_HASH_LINES_H
#define MMSCAN_CLI_HASH_LINES_H

#include "mmscan.h"

#include <stdbool.h>
#include <stdio.h>

/* How hash_line_print() writes a line. */
typedef struct hash_line_style {
    bool bsd;           /* --tag: "XXH64 (NAME) = HASH" */
    bool little_endian; /* --little-endian: bytes in reverse order, "_LE" tags */
} hash_line_style;

/*
 * Writes the checksum line of name as xxhsum 0.8.2 does: XXH3 always in the
 * BSD style, and a name with a backslash, a newline or a carriage return
 * escaped (\\, \n, \r) behind a backslash at the start of the line.
 */
void hash_line_print(FILE *out, const mms_hash_digest *digest, const char *name,
                     hash_line_style style);

/* Writes "NAME: RESULT" as xxhsum -c does, escaping name as above. */
void hash_result_print(FILE *out, const char *name, const char *result);

/* A parsed checksum line. */
typedef struct hash_line {
    mms_hash_digest digest; /* what the line expects; digest.algorithm says which */
    const char *name;       /* points into the parsed line */
} hash_line;

/*
 * Parses one line of a checksum file (without its newline) in any form an
 * xxhsum 0.8.x writes: GNU lines (and "XXH3_"-prefixed ones), BSD lines,
 * "_LE" BSD lines, escaped names.  GNU lines are read as little-endian when
 * little_endian is set.  The line is modified (name is unescaped in place).
 * Returns false when the line is not properly formatted.
 */
bool hash_line_parse(char *line, bool little_endian, hash_line *out);

#endif
