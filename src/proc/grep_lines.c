/*
 * grep_lines.c - grep's line logic over a stream of chunks.
 *
 * Whole lines are searched where they lie in the window; only the line
 * that crosses a window edge is copied, into carry, and searched once its
 * newline arrives.  When such a line grows long and its text will not be
 * printed (counts, -l, -q, binary input), it goes through the pattern's
 * streaming matcher instead, so memory stays bounded whatever its length.  Each window is looked at in slices of whole lines that fit in
 * the CPU caches: a slice is checked for NUL bytes (binary input, as GNU
 * grep checks each buffer it reads) and then searched while it is hot.
 */
#include "config.h"
#include "internal.h"
#include "proc/grep_lines.h"
#include "proc/wc_scan.h"

#include <string.h>

/* Bytes per slice: about what a core's L2 cache holds. */
#define SLICE (256u << 10)
/* A line in progress longer than this is streamed when it can be. */
#define STREAM_AFTER (1u << 20)

int grep_lines_init(grep_lines *g, const mms_pattern *pattern, const mms_grep_options *options,
                    mms_match_fn on_line, void *ctx, bool starts_inside_a_line)
{
    memset(g, 0, sizeof *g);
    g->options = *options;
    g->on_line = on_line;
    g->ctx = ctx;
    g->head_open = starts_inside_a_line;
    g->worker = pattern_worker_new(pattern);
    g->stopped = options->max_lines == 0;
    return g->worker ? 0 : -1;
}

void grep_lines_release(grep_lines *g)
{
    pattern_worker_free(g->worker);
    bytebuf_release(&g->carry);
    bytebuf_release(&g->head);
}

static void note_binary(grep_lines *g, const unsigned char *p, size_t n)
{
    if (!g->options.binary_text && !g->result.binary && memchr(p, 0, n))
        g->result.binary = true;
}

/* Reports one match or line; a non-zero answer stops the reporting. */
static void report(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset)
{
    mms_match m = {.offset = offset, .length = len, .text = text,
                   .line_number = g->options.line_numbers ? g->line_number + 1 : 0};
    if (g->on_line(g->ctx, &m) != 0)
        g->stopped = true;
}

/* A selected line text[0 .. len) (no newline) at input offset. */
static void select_line(grep_lines *g, const unsigned char *text, size_t len, uint64_t offset)
{
    if (g->stopped)
        return;
    g->result.selected++;
    bool limit_reached = g->result.selected >= g->options.max_lines;
    if (g->options.output != MMS_GREP_COUNT && g->result.binary) {
        g->result.binary_suppressed = true;
        limit_reached = true; /* as grep: the first such line is enough to say so */
    } else if (g->options.output == MMS_GREP_LINES) {
        report(g, text, len, offset);
    } else if (g->options.output == MMS_GREP_MATCHES) {
        size_t pos = 0, start, end;
        while (pos <= len && !g->stopped &&
               pattern_next_match(g->worker, text, len, pos, &start, &end)) {
            if (end > start) /* grep -o prints no empty match */
                report(g, text + start, end - start, offset + start);
            pos = end > start ? end : start + 1;
        }
    }
    if (limit_reached)
        g->stopped = true;
}

/* Selects every line of buf[from .. to), whole lines (grep -v). */
static void select_all(grep_lines *g, const unsigned char *buf, size_t from, size_t to,
                       uint64_t base)
{
    if (g->stopped)
        return;
    if (g->options.output == MMS_GREP_COUNT && !g->options.line_numbers) {
        uint64_t lines = wc_count_lines(buf + from, to - from);
        uint64_t room = g->options.max_lines - g->result.selected;
        g->result.selected += lines < room ? lines : room;
        if (lines >= room)
            g->stopped = true;
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
    while (pos < len && !g->stopped && pattern_find_line(g->worker, buf, len, pos, &hit)) {
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

/* The streamed line in progress got its newline. */
static void close_stream(grep_lines *g)
{
    g->streaming = false;
    if (pattern_stream_close(g->worker) != g->options.invert)
        select_line(g, NULL, 0, g->carry_offset);
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
    } else {
        search_lines(g, g->carry.data, g->carry.len, g->carry_offset);
    }
    g->carry.len = 0;
    return 0;
}

int grep_lines_feed(grep_lines *g, const unsigned char *p, size_t n, uint64_t offset)
{
    if (g->stopped)
        return 0;
    size_t pos = 0;
    if (g->carry.len > 0 || g->head_open || g->streaming) {
        const unsigned char *nl = memchr(p, '\n', n);
        pos = nl ? (size_t)(nl - p) + 1 : n;
        note_binary(g, p, pos);
        if (!g->streaming && !g->head_open && g->carry.len + pos > STREAM_AFTER && !needs_text(g) &&
            pattern_stream_open(g->worker)) {
            pattern_stream_feed(g->worker, g->carry.data, g->carry.len);
            g->carry.len = 0;
            g->streaming = true;
        }
        if (g->streaming) {
            pattern_stream_feed(g->worker, p, nl ? pos - 1 : pos);
            if (!nl)
                return 0;
            close_stream(g);
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

int grep_lines_join(grep_lines *g, grep_lines *part)
{
    g->result.selected += part->result.selected;
    g->result.binary |= part->result.binary;
    if (part->head_open) { /* no newline in the whole part: the line goes on */
        if (g->carry.len == 0)
            g->carry_offset = part->carry_offset;
        return bytebuf_append(&g->carry, part->carry.data, part->carry.len) < 0 ? MMS_ENOMEM : 0;
    }
    if (g->carry.len == 0)
        g->carry_offset = part->head_offset;
    if (bytebuf_append(&g->carry, part->head.data, part->head.len) < 0)
        return MMS_ENOMEM;
    search_lines(g, g->carry.data, g->carry.len, g->carry_offset);
    g->carry.len = 0;
    if (part->carry.len > 0) {
        g->carry_offset = part->carry_offset;
        if (bytebuf_append(&g->carry, part->carry.data, part->carry.len) < 0)
            return MMS_ENOMEM;
    }
    return 0;
}

int grep_lines_end(grep_lines *g)
{
    int rc = 0;
    if (g->streaming)
        close_stream(g);
    if (g->carry.len > 0 && !g->stopped) {
        rc = bytebuf_append(&g->carry, "\n", 1) < 0 ? MMS_ENOMEM : 0;
        if (rc == 0)
            search_lines(g, g->carry.data, g->carry.len, g->carry_offset);
    }
    g->carry.len = 0;
    g->line_number = 0;
    g->stopped = g->options.max_lines == 0;
    return rc;
}
