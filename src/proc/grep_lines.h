/*
 * grep_lines.h - grep's line logic over a stream of chunks (private):
 * lines across windows, line numbers, -v, -m, -o, binary inputs.
 */
#ifndef MMSCAN_PROC_GREP_LINES_H
#define MMSCAN_PROC_GREP_LINES_H

#include "mmscan.h"
#include "search/bytebuf.h"
#include "search/pattern.h"

typedef struct grep_lines {
    /* settings */
    mms_grep_options options;
    mms_match_fn on_line;
    void *ctx;
    pattern_worker *worker;
    /* the input so far */
    uint64_t line_number;  /* lines that ended before the bytes being looked at */
    bytebuf carry;         /* the line in progress, as far as earlier chunks held it */
    uint64_t carry_offset; /* input offset of carry.data[0] */
    /* The line in progress grew long and only whether it matches matters:
     * it goes through the pattern's stream instead of carry. */
    bool streaming;
    /* A part of a split scan starts inside a line whose start it has not
     * seen: while head_open, the bytes up to the first newline (the head)
     * go to carry, and then to head, for merge to join. */
    bool head_open;
    bytebuf head;
    uint64_t head_offset;
    bool stopped;          /* nothing more to report: -m, a callback, binary */
    mms_grep_result result;
} grep_lines;

/* Initialises g (worker made from pattern).  Returns 0 or -1 (memory). */
int grep_lines_init(grep_lines *g, const mms_pattern *pattern, const mms_grep_options *options,
                    mms_match_fn on_line, void *ctx, bool starts_inside_a_line);
void grep_lines_release(grep_lines *g);

/* The new bytes p[0 .. n) at input offset.  Returns 0 or MMS_ENOMEM. */
int grep_lines_feed(grep_lines *g, const unsigned char *p, size_t n, uint64_t offset);

/*
 * Folds part, which covers the input right after g, into g: joins g's line
 * in progress with part's head.  Returns 0 or MMS_ENOMEM.
 */
int grep_lines_join(grep_lines *g, grep_lines *part);

/* End of input: the last line may lack its newline.  Then g is ready for
 * another input (results kept).  Returns 0 or MMS_ENOMEM. */
int grep_lines_end(grep_lines *g);

#endif
