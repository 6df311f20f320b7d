/*
 * grep_lines.h - grep's line logic over a stream of chunks (private):
 * lines across windows, line numbers, -v, -m, -o, binary inputs.
 */
#ifndef MMSCAN_PROC_GREP_LINES_H
#define MMSCAN_PROC_GREP_LINES_H

#include "mmscan.h"
#include "proc/part_order.h"
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
    int failure;           /* MMS_ENOMEM: a line could not be kept; MMS_EPROC:
                              the pattern's engine gave up on a line */
    uint64_t gave_up_at;   /* MMS_EPROC: the input offset of that line */
    char gave_up[REGEX_GAVE_UP_SIZE]; /* MMS_EPROC: why, in the engine's words */
    mms_grep_result result;
    /* A part of a split scan reports only once it is the head of its order
     * (part_order.h); until then it keeps its selected lines (counting, only
     * their number), their line numbers counted from the end of its head,
     * and waits when they fill keep_limit bytes.  result and line_number
     * then cover this part alone. */
    bool reporting;
    part_order *order;     /* NULL outside a split scan, and once the part ended */
    int order_index;
    /* The first part only: the order that later parts of its scan join
     * (a reference of its own, kept after the first part ends). */
    part_order *split_order;
    bytebuf kept;          /* kept lines, each a kept_line and its text */
    size_t keep_limit;
    bool head_binary;      /* result.binary when the head got its newline */
} grep_lines;

/* Initialises g (worker made from pattern).  Returns 0 or -1 (memory). */
int grep_lines_init(grep_lines *g, const mms_pattern *pattern, const mms_grep_options *options,
                    mms_match_fn on_line, void *ctx, bool starts_inside_a_line);
void grep_lines_release(grep_lines *g);

/* Part g of a split scan gets no more input (see part_order_end()). */
void grep_lines_end_part(grep_lines *g, bool failed);

/* The new bytes p[0 .. n) at input offset.  Returns 0, MMS_ENOMEM, or
 * MMS_EPROC when the pattern's engine gave up on a line (see
 * grep_lines_error()). */
int grep_lines_feed(grep_lines *g, const unsigned char *p, size_t n, uint64_t offset);

/*
 * Makes g, a part that kept its output, report from now on, after pred,
 * which covers the input right before g and has reported all it will: g
 * continues pred's results and line numbers, searches the line that
 * crosses the seam, and reports what it kept.  Returns whether g has
 * stopped (nothing more is to be reported).  (A part_take_fn.)
 */
bool grep_lines_take(void *g, void *pred);

/*
 * Folds part, which covers the input right after g, into g (taking part
 * over first if it has not reported yet): g ends as part ended.  Returns as
 * grep_lines_feed().
 */
int grep_lines_join(grep_lines *g, grep_lines *part);

/* End of input: the last line may lack its newline.  Then g is ready for
 * another input (results kept).  Returns as grep_lines_feed(). */
int grep_lines_end(grep_lines *g);

/* Fills err for rc, what a grep_lines function above returned, and
 * returns it (0 as it is). */
int grep_lines_error(const grep_lines *g, int rc, mms_error *err);

#endif
