/*
 * grep_lines.c - grep's line logic over a stream of chunks.
 *
 * Whole lines are searched where they lie in the window; only the line
 * that crosses a window edge is copied, into carry, and searched once its
 * newline arrives.  When such a line grows long and its text will not be
 * printed (counts, -l, -q, binary input), it goes through the pattern's
 * streaming matcher instead, so memory stays bounded whatever its length
 * (a part of a split scan that starts inside such a line waits for the
 * parts before it, then takes the line over).
 * Each window is looked at in slices of whole lines that fit in the CPU
 * caches: a slice is checked for NUL bytes (binary input, as GNU grep
 * checks each buffer it reads; not when only counting) and then searched
 * while it is hot.
 *
 * In a split scan, a part that is not the head keeps its selected lines
 * (kept) and hands them to the output when it becomes the head
 * (grep_lines_take); parts that only count keep nothing but a number.
 */
#include "config.h"
#include "internal.h"
#include "proc/grep_lines.h"
#include "proc/wc_scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Bytes per slice: about what a core's L2 cache holds. */
#define SLICE (256u << 10)
/* A line in progress longer than this is streamed when it can be. */
#define STREAM_AFTER (1u << 20)
/* A part that starts inside a line copies this much of it before it waits
 * to take the line over: shorter lines keep the parts working at once. */
#define WAIT_AFTER (4u << 20)
/* Bytes of kept lines that all the parts waiting to report hold at most
 * (plus one line each). */
#define KEPT_TOTAL (8u << 20)
#define KEPT_MIN (64u << 10)

/* A line kept by a part that does not report yet; its text follows it. */
typedef struct kept_line {
    uint64_t offset;
    uint64_t line_number; /* lines of the part that ended before it, after the head */
    size_t length;
    bool binary;          /* the part had seen a NUL byte */
} kept_line;

int grep_lines_init(grep_lines *g, const mms_pattern *pattern, const mms_grep_options *options,
                    mms_match_fn on_line, void *ctx, bool starts_inside_a_line)
{
    memset(g, 0, sizeof *g);
    g->options = *options;
    g->on_line = on_line;
    g->ctx = ctx;
    g->head_open = starts_inside_a_line;
    g->reporting = !starts_inside_a_line;
    g->worker = pattern_worker_new(pattern);
    g->stopped = options->max_lines == 0;
    return g->worker ? 0 : -1;
}

void grep_lines_release(grep_lines *g)
{
    if (g->order) { /* a part freed before its end: the scan is failing */
        part_order_end(g->order, g->order_index, true);
        part_order_release(g->order);
    }
    part_order_release(g->split_order);
    pattern_worker_free(g->worker);
    bytebuf_release(&g->carry);
    bytebuf_release(&g->head);
    bytebuf_release(&g->kept);
}

void grep_lines_end_part(grep_lines *g, bool failed)
{
    part_order *order = g->order;
    if (!order)
        return;
    /* Cleared first: once ended, the part may be taken over on another
     * thread, which reads g->order. */
    g->order = NULL;
    part_order_end(order, g->order_index, failed);
    part_order_release(order);
}

/* Nothing more is to be reported from this part on; when it is the head,
 * from no later part either. */
static void stop_output(grep_lines *g)
{
    g->stopped = true;
    if (g->reporting && g->order)
        part_order_stop(g->order);
}

/* Nothing more is searched in g: a line could not be kept (MMS_ENOMEM). */
static void run_out_of_memory(grep_lines *g)
{
    g->failure = MMS_ENOMEM;
    g->stopped = true;
}

/* Nothing more is searched in g: the pattern's engine gave up on the line
 * at offset, which may or may not match. */
static void give_up(grep_lines *g, uint64_t offset)
{
    g->failure = MMS_EPROC;
    g->gave_up_at = offset;
    snprintf(g->gave_up, sizeof g->gave_up, "%s", pattern_worker_gave_up(g->worker));
    g->stopped = true;
}

/* A part that does not report yet, at a point where it may take over. */
static void check_order(grep_lines *g)
{
    if (part_order_stopped(g->order))
        g->stopped = true; /* the head has reported all there is */
    else
        part_order_check(g->order, g->order_index);
}

/* Counting skips the NUL check, a pass over every byte: a binary input is
 * counted like a text one (see mms_grep_result.binary). */
static void note_binary(grep_lines *g, const unsigned char *p, size_t n)
{
    if (!g->options.binary_text && g->options.output != MMS_GREP_COUNT && !g->result.binary &&
        memchr(p, 0, n))
        g->result.binary = true;
}

/* Reports one match or line; a non-zero answer stops the reporting. */
static void report(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset)
{
    mms_match m = {.offset = offset, .length = len, .text = text,
                   .line_number = g->options.line_numbers ? g->line_number + 1 : 0};
    if (g->on_line(g->ctx, &m) != 0)
        stop_output(g);
}

/* Reports a selected line text[0 .. len) (no newline) at input offset;
 * binary: a NUL byte came before it. */
static void report_line(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset,
                        bool binary)
{
    if (g->stopped)
        return;
    g->result.selected++;
    bool limit_reached = g->result.selected >= g->options.max_lines;
    if (g->options.output != MMS_GREP_COUNT && binary) {
        g->result.binary_suppressed = true;
        limit_reached = true; /* as grep: the first such line is enough to say so */
    } else if (g->options.output == MMS_GREP_LINES) {
        report(g, text, len, offset);
    } else if (g->options.output == MMS_GREP_MATCHES && !g->options.invert) {
        /* (A line that -v selects holds no match to print.) */
        size_t pos = 0, start, end;
        int found = 0;
        while (pos <= len && !g->stopped &&
               (found = pattern_next_match(g->worker, text, len, pos, &start, &end)) == 1) {
            if (end > start) /* grep -o prints no empty match */
                report(g, text + start, end - start, offset + start);
            pos = end > start ? end : start + 1;
        }
        if (found == PATTERN_GAVE_UP)
            give_up(g, offset);
    }
    if (limit_reached)
        stop_output(g);
}

/* Counts n selected lines that are not reported one by one (counting). */
static void count_selected(grep_lines *g, uint64_t n)
{
    uint64_t room = g->options.max_lines - g->result.selected;
    g->result.selected += n < room ? n : room;
    if (n >= room)
        stop_output(g);
}

/* A part that does not report yet keeps a selected line. */
static void keep_line(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset)
{
    if (g->options.output == MMS_GREP_COUNT) {
        count_selected(g, 1);
        return;
    }
    kept_line k = {.offset = offset, .line_number = g->line_number, .length = len,
                   .binary = g->result.binary};
    if (bytebuf_append(&g->kept, &k, sizeof k) < 0 || bytebuf_append(&g->kept, text, len) < 0) {
        run_out_of_memory(g);
        return;
    }
    /* Later lines of this part cannot be reported after max_lines lines
     * or after a line of a binary input (see report_line). */
    if (++g->result.selected >= g->options.max_lines || k.binary) {
        g->stopped = true;
        return;
    }
    if (g->keep_limit == 0) {
        /* The parts that may be waiting to report: this one and the other
         * unended ones but the head. */
        int unended = part_order_unended(g->order);
        size_t waiting = unended > 2 ? (size_t)unended - 1 : 1;
        g->keep_limit = KEPT_TOTAL / waiting > KEPT_MIN ? KEPT_TOTAL / waiting : KEPT_MIN;
    }
    if (g->kept.len >= g->keep_limit && !part_order_wait(g->order, g->order_index))
        g->stopped = true;
}

/* A selected line text[0 .. len) (no newline) at input offset. */
static void select_line(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset)
{
    if (g->stopped)
        return;
    if (!g->reporting && g->order)
        check_order(g);
    if (g->reporting)
        report_line(g, text, len, offset, g->result.binary);
    else if (!g->stopped)
        keep_line(g, text, len, offset);
}

/* Selects every line of buf[from .. to), whole lines (grep -v). */
static void select_all(grep_lines *g, const unsigned char *buf, size_t from, size_t to,
                       uint64_t base)
{
    if (g->stopped)
        return;
    if (g->options.output == MMS_GREP_COUNT && !g->options.line_numbers) {
        count_selected(g, wc_count_lines(buf + from, to - from));
        return;
    }
    while (from < to && !g->stopped) {
        const unsigned char *nl = memchr(buf + from, '\n', to - from);
        size_t end = (size_t)(nl - buf);
        select_line(g, buf + from, end - from, base + from);
        g->line_number++;
        from = end + 1;
    }
}

/* buf[0 .. len): whole lines, each ending in '\n', at input offset base. */
static void search_lines(grep_lines *g, const unsigned char *buf, size_t len, uint64_t base)
{
    bool numbers = g->options.line_numbers;
    size_t pos = 0, hit;
    int found = 0;
    while (pos < len && !g->stopped &&
           (found = pattern_find_line(g->worker, buf, len, pos, &hit)) == 1) {
        const unsigned char *nl = memrchr(buf + pos, '\n', hit - pos);
        size_t line_start = nl ? (size_t)(nl - buf) + 1 : pos;
        size_t line_end = (size_t)((const unsigned char *)memchr(buf + hit, '\n', len - hit) - buf);
        if (g->options.invert) {
            select_all(g, buf, pos, line_start, base);
        } else {
            if (numbers)
                g->line_number += wc_count_lines(buf + pos, line_start - pos);
            select_line(g, buf + line_start, line_end - line_start, base + line_start);
        }
        g->line_number++;
        pos = line_end + 1;
    }
    if (found == PATTERN_GAVE_UP)
        give_up(g, base + hit);
    if (g->stopped)
        return;
    if (g->options.invert)
        select_all(g, buf, pos, len, base);
    else if (numbers)
        g->line_number += wc_count_lines(buf + pos, len - pos);
}

/* Whether a selected line's text would be reported. */
static bool needs_text(const grep_lines *g)
{
    return g->options.output != MMS_GREP_COUNT && !g->result.binary;
}

/* A streamed line at offset got its newline; worker holds its stream. */
static void close_stream(grep_lines *g, pattern_worker *worker, uint64_t offset)
{
    if (pattern_stream_close(worker) != g->options.invert)
        select_line(g, NULL, 0, offset);
    g->line_number++;
}

/* The line in progress got its newline: search it, or keep it as the head. */
static int close_carry(grep_lines *g)
{
    if (g->head_open) {
        bytebuf swap = g->head;
        g->head = g->carry;
        g->head_offset = g->carry_offset;
        g->carry = swap;
        g->head_open = false;
        g->head_binary = g->result.binary;
    } else {
        search_lines(g, g->carry.data, g->carry.len, g->carry_offset);
    }
    g->carry.len = 0;
    return 0;
}

/* The line in progress grew long and its text is not needed: it goes
 * through the pattern's streaming matcher from here on, when the pattern
 * has one.  A part whose first line began in an earlier part cannot search
 * it alone: it first waits for its turn and takes over that line. */
static void start_stream(grep_lines *g)
{
    if (!pattern_can_stream(g->worker))
        return; /* the line is copied whole, waiting or not */
    if (g->head_open && !part_order_wait(g->order, g->order_index))
        g->stopped = true; /* the head has reported all there is, or the scan failed */
    if (g->stopped || g->streaming || !pattern_stream_open(g->worker))
        return; /* nothing more to search, the line taken over is streamed already, or no memory */
    pattern_stream_feed(g->worker, g->carry.data, g->carry.len);
    g->carry.len = 0;
    g->streaming = true;
}

static int feed(grep_lines *g, const unsigned char *p, size_t n, uint64_t offset)
{
    size_t pos = 0;
    if (g->carry.len > 0 || g->head_open || g->streaming) {
        const unsigned char *nl = memchr(p, '\n', n);
        pos = nl ? (size_t)(nl - p) + 1 : n;
        note_binary(g, p, pos);
        if (!g->streaming && g->carry.len + pos > (g->head_open ? WAIT_AFTER : STREAM_AFTER) &&
            !needs_text(g))
            start_stream(g);
        if (g->stopped)
            return 0;
        if (g->streaming) {
            pattern_stream_feed(g->worker, p, nl ? pos - 1 : pos);
            if (!nl)
                return 0;
            g->streaming = false;
            close_stream(g, g->worker, g->carry_offset);
        } else {
            if (g->carry.len == 0)
                g->carry_offset = offset;
            if (bytebuf_append(&g->carry, p, pos) < 0)
                return MMS_ENOMEM;
            if (!nl)
                return 0;
            close_carry(g);
        }
    }
    const unsigned char *last_nl = pos < n ? memrchr(p + pos, '\n', n - pos) : NULL;
    size_t end = last_nl ? (size_t)(last_nl - p) + 1 : pos;
    while (pos < end && !g->stopped) {
        if (!g->reporting && g->order)
            check_order(g);
        size_t slice_end = end;
        if (end - pos > SLICE) {
            const unsigned char *nl = memrchr(p + pos, '\n', SLICE);
            if (!nl)
                nl = memchr(p + pos + SLICE, '\n', end - pos - SLICE);
            slice_end = (size_t)(nl - p) + 1;
        }
        note_binary(g, p + pos, slice_end - pos);
        search_lines(g, p + pos, slice_end - pos, offset + pos);
        pos = slice_end;
    }
    if (g->stopped || end == n)
        return 0;
    note_binary(g, p + end, n - end);
    g->carry_offset = offset + end;
    return bytebuf_append(&g->carry, p + end, n - end) < 0 ? MMS_ENOMEM : 0;
}

/* The failure to return now.  A part that does not report yet keeps a
 * give-up until the parts before it are done: their lines come first, and
 * they may end the search before its line (-q, -l, -m), as one thread
 * reading in order would (see grep_lines_take() and grep_lines_join()). */
static int failure_now(const grep_lines *g)
{
    return g->failure == MMS_EPROC && !g->reporting ? 0 : g->failure;
}

int grep_lines_feed(grep_lines *g, const unsigned char *p, size_t n, uint64_t offset)
{
    if (!g->reporting && g->order && !g->stopped)
        check_order(g);
    int rc = g->stopped ? 0 : feed(g, p, n, offset);
    int failure = failure_now(g);
    return failure ? failure : rc;
}

/* g, whose input has no newline so far, continues pred's line in progress. */
static void continue_line(grep_lines *g, grep_lines *pred)
{
    if (pred->streaming) {
        pattern_stream_move(g->worker, pred->worker);
        pattern_stream_feed(g->worker, g->carry.data, g->carry.len);
        g->carry.len = 0;
        g->carry_offset = pred->carry_offset;
        g->streaming = true;
        pred->streaming = false;
    } else if (pred->carry.len > 0) {
        if (bytebuf_append(&pred->carry, g->carry.data, g->carry.len) < 0) {
            run_out_of_memory(g);
            return;
        }
        bytebuf swap = g->carry;
        g->carry = pred->carry;
        g->carry_offset = pred->carry_offset;
        pred->carry = swap;
    }
    pred->carry.len = 0;
    g->head_open = false;
}

/* The line that crosses the seam: pred's line in progress, then g's head. */
static void search_seam(grep_lines *g, grep_lines *pred)
{
    if (pred->streaming) {
        pattern_stream_feed(pred->worker, g->head.data, g->head.len - 1);
        pred->streaming = false;
        close_stream(g, pred->worker, pred->carry_offset);
        return;
    }
    uint64_t line_offset = pred->carry.len > 0 ? pred->carry_offset : g->head_offset;
    if (bytebuf_append(&pred->carry, g->head.data, g->head.len) < 0) {
        run_out_of_memory(g);
        return;
    }
    search_lines(g, pred->carry.data, pred->carry.len, line_offset);
    pred->carry.len = 0;
}

bool grep_lines_take(void *part, void *before)
{
    grep_lines *g = part, *pred = before;
    uint64_t kept_count = g->result.selected, own_lines = g->line_number;
    bool own_binary = g->result.binary, stopped_early = g->stopped;
    g->reporting = true;
    g->result = pred->result;
    g->stopped = pred->stopped;
    g->line_number = pred->line_number;
    if (g->stopped) {
        if (g->failure == MMS_EPROC)
            g->failure = 0; /* its line is never reached */
        bytebuf_release(&g->kept);
        return true;
    }
    if (g->head_open) {
        continue_line(g, pred);
    } else {
        g->result.binary = pred->result.binary || g->head_binary;
        search_seam(g, pred);
        uint64_t base = g->line_number;
        for (size_t at = 0; at < g->kept.len && !g->stopped;) {
            kept_line k;
            memcpy(&k, g->kept.data + at, sizeof k);
            g->line_number = base + k.line_number;
            report_line(g, g->kept.data + at + sizeof k, k.length, k.offset,
                        pred->result.binary || k.binary);
            at += sizeof k + k.length;
        }
        if (g->options.output == MMS_GREP_COUNT && !g->stopped)
            count_selected(g, kept_count);
        g->line_number = base + own_lines;
    }
    bytebuf_release(&g->kept);
    g->result.binary = pred->result.binary || own_binary;
    if (stopped_early)
        stop_output(g);
    return g->stopped;
}

int grep_lines_join(grep_lines *g, grep_lines *part)
{
    if (!part->reporting)
        grep_lines_take(part, g);
    bytebuf swap = g->carry;
    g->carry = part->carry;
    g->carry_offset = part->carry_offset;
    part->carry = swap;
    if (part->streaming)
        pattern_stream_move(g->worker, part->worker);
    g->streaming = part->streaming;
    part->streaming = false;
    g->line_number = part->line_number;
    g->result = part->result;
    g->stopped = part->stopped;
    if (!g->failure && part->failure) {
        g->failure = part->failure;
        g->gave_up_at = part->gave_up_at;
        memcpy(g->gave_up, part->gave_up, sizeof g->gave_up);
    }
    return g->failure;
}

int grep_lines_end(grep_lines *g)
{
    int rc = 0;
    if (g->streaming) {
        g->streaming = false;
        close_stream(g, g->worker, g->carry_offset);
    }
    if (g->carry.len > 0 && !g->stopped) {
        rc = bytebuf_append(&g->carry, "\n", 1) < 0 ? MMS_ENOMEM : 0;
        if (rc == 0)
            search_lines(g, g->carry.data, g->carry.len, g->carry_offset);
    }
    g->carry.len = 0;
    g->line_number = 0;
    g->stopped = g->options.max_lines == 0;
    return g->failure ? g->failure : rc;
}

int grep_lines_error(const grep_lines *g, int rc, mms_error *err)
{
    if (rc == MMS_EPROC)
        return mms_error_set(err, rc, 0, "gave up on the line at byte %llu (%s)",
                             (unsigned long long)g->gave_up_at, g->gave_up);
    return rc < 0 ? mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory") : 0;
}
