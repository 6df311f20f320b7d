/* stats_format.c - file statistics as text for people and as JSON. */
#include "config.h"
#include "cli/stats_format.h"

#include <inttypes.h>
#include <string.h>

#define TOP_BYTES 6

/* A byte as a C character constant ('A', '\n', '\''), or "" when it has
 * none (0xc3). */
static const char *byte_char(unsigned b, char out[8])
{
    static const char escapes[] = "0\0t\tn\nr\rv\vf\f\\\\''";
    for (const char *e = escapes; e < escapes + sizeof escapes - 1; e += 2)
        if ((unsigned char)e[1] == b) {
            snprintf(out, 8, "'\\%c'", e[0]);
            return out;
        }
    if (b >= 0x20 && b < 0x7f)
        snprintf(out, 8, "'%c'", b);
    else
        out[0] = '\0';
    return out;
}

/* A byte as people read it: its character, else its value (0xc3). */
static const char *byte_label(unsigned b, char out[8])
{
    if (!*byte_char(b, out))
        snprintf(out, 8, "0x%02x", b & 0xffu);
    return out;
}

static double percent_of(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void print_top_bytes(FILE *out, const mms_stats *s)
{
    bool taken[256] = {false};
    fputs(s->bytes ? "  top bytes      " : "  top bytes      (none)", out);
    for (int k = 0; k < TOP_BYTES; k++) {
        int best = -1;
        for (int b = 0; b < 256; b++)
            if (!taken[b] && s->histogram[b] && (best < 0 || s->histogram[b] > s->histogram[best]))
                best = b;
        if (best < 0)
            break;
        taken[best] = true;
        char label[8];
        fprintf(out, "%s%s %.1f%%", k ? ", " : "", byte_label((unsigned)best, label),
                percent_of(s->histogram[best], s->bytes));
    }
    putc('\n', out);
}

void stats_print_text(FILE *out, const char *name, const mms_stats *s, bool histogram)
{
    const mms_line_stats *l = &s->line_length;
    cli_print_name(out, name);
    fputs(":\n", out);
    fprintf(out, "  size           %" PRIu64 " %s\n", s->bytes,
            cli_plural(s->bytes, "byte", "bytes"));
    fprintf(out, "  lines          %" PRIu64 "\n", s->lines);
    fprintf(out, "  words          %" PRIu64 "\n", s->words);
    fprintf(out, "  longest line   %" PRIu64 " %s\n", l->max, cli_plural(l->max, "byte", "bytes"));
    fprintf(out, "  line length    min %" PRIu64 ", mean %.2f, p50 %" PRIu64 ", p90 %" PRIu64
                 ", p99 %" PRIu64 ", max %" PRIu64 " (%" PRIu64 " %s)\n",
            l->min, l->mean, l->p50, l->p90, l->p99, l->max, l->count,
            cli_plural(l->count, "line", "lines"));
    fprintf(out, "  entropy        %.4f bits per byte\n", s->entropy);
    fprintf(out, "  NUL            %" PRIu64 "\n", s->nul);
    fprintf(out, "  CR             %" PRIu64 " (CRLF %" PRIu64 ")\n", s->cr, s->crlf);
    fprintf(out, "  non-ASCII      %" PRIu64 "\n", s->non_ascii);
    fprintf(out, "  non-printable  %" PRIu64 "\n", s->non_printable);
    fprintf(out, "  UTF-8          %s\n", s->utf8_valid ? "valid" : "invalid");
    fprintf(out, "  verdict        %s\n", mms_stats_verdict_name(s->verdict));
    if (!histogram) {
        print_top_bytes(out, s);
        return;
    }
    fputs("  histogram\n", out);
    for (unsigned b = 0; b < 256; b++) {
        if (!s->histogram[b])
            continue;
        char label[8];
        fprintf(out, "    0x%02x %-5s %14" PRIu64 " %6.2f%%\n", b, byte_char(b, label),
                s->histogram[b], percent_of(s->histogram[b], s->bytes));
    }
}

void stats_print_json_members(FILE *out, const mms_stats *s)
{
    const mms_line_stats *l = &s->line_length;
    fprintf(out, "\"size\":%" PRIu64 ",\"lines\":%" PRIu64 ",\"words\":%" PRIu64
                 ",\"longest_line\":%" PRIu64 ",",
            s->bytes, s->lines, s->words, l->max);
    fprintf(out, "\"line_length\":{\"count\":%" PRIu64 ",\"min\":%" PRIu64 ",\"mean\":%.6f"
                 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64 "},",
            l->count, l->min, l->mean, l->p50, l->p90, l->p99, l->max);
    fprintf(out, "\"entropy\":%.6f,\"nul\":%" PRIu64 ",\"cr\":%" PRIu64 ",\"crlf\":%" PRIu64
                 ",\"non_ascii\":%" PRIu64 ",\"non_printable\":%" PRIu64
                 ",\"utf8_valid\":%s,\"verdict\":\"%s\",\"histogram\":[",
            s->entropy, s->nul, s->cr, s->crlf, s->non_ascii, s->non_printable,
            s->utf8_valid ? "true" : "false", mms_stats_verdict_name(s->verdict));
    for (unsigned b = 0; b < 256; b++)
        fprintf(out, b ? ",%" PRIu64 : "%" PRIu64, s->histogram[b]);
    putc(']', out);
}
