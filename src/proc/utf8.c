/*
 * utf8.c - a careful scalar UTF-8 validator with an ASCII fast path.
 *
 * Valid means what RFC 3629 and Unicode's table of well-formed byte
 * sequences say: no overlong forms (C0, C1, E0 80-9F, F0 80-8F), no
 * surrogates (ED A0-BF), nothing above U+10FFFF (F4 90-BF, F5-FF), and no
 * character cut short or continuation byte without a lead.
 *
 * While no character is open, sixteen bytes at a time are tested for a
 * high bit, so ASCII runs cost a load and a test per sixteen bytes; the
 * stats processor skips even that for slices its histogram shows to be
 * ASCII (utf8_part_feed_ascii).  Other bytes go through a small state
 * machine, one byte at a time.
 */
#include "config.h"
#include "utf8.h"

#include <string.h>

void utf8_part_init(utf8_part *part)
{
    *part = (utf8_part){.valid = true};
}

static bool is_continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* Begins a character at byte c; false if c cannot begin one. */
static bool begin_character(utf8_part *p, unsigned char c)
{
    if (c < 0x80)
        return true;
    if (c < 0xc2 || c > 0xf4)
        return false;
    p->lo = 0x80;
    p->hi = 0xbf;
    if (c < 0xe0) {
        p->need = 1;
    } else if (c < 0xf0) {
        p->need = 2;
        if (c == 0xe0)
            p->lo = 0xa0; /* overlong below */
        else if (c == 0xed)
            p->hi = 0x9f; /* surrogates above */
    } else {
        p->need = 3;
        if (c == 0xf0)
            p->lo = 0x90; /* overlong below */
        else if (c == 0xf4)
            p->hi = 0x8f; /* beyond U+10FFFF above */
    }
    return true;
}

/* Takes one byte once the part has started; false if it is invalid there. */
static bool take(utf8_part *p, unsigned char c)
{
    if (p->need == 0)
        return begin_character(p, c);
    if (c < p->lo || c > p->hi)
        return false;
    p->need--;
    p->lo = 0x80;
    p->hi = 0xbf;
    return true;
}

/* Whether data[0 .. 16) are all ASCII. */
static bool ascii16(const unsigned char *data)
{
    uint64_t a, b;
    memcpy(&a, data, sizeof a);
    memcpy(&b, data + 8, sizeof b);
    return ((a | b) & 0x8080808080808080ull) == 0;
}

void utf8_part_feed(utf8_part *part, const unsigned char *data, size_t len)
{
    size_t i = 0;
    for (; part->valid && !part->started && i < len; i++) {
        if (!is_continuation(data[i])) {
            part->started = true;
            break;
        }
        if (part->head_len == sizeof part->head)
            part->valid = false; /* four continuation bytes in a row */
        else
            part->head[part->head_len++] = data[i];
    }
    while (part->valid && i < len) {
        if (part->need == 0) {
            while (i + 16 <= len && ascii16(data + i))
                i += 16;
            if (i == len)
                break;
        }
        part->valid = take(part, data[i++]);
    }
}

void utf8_part_feed_ascii(utf8_part *part)
{
    if (part->need > 0)
        part->valid = false; /* a character cut short by an ASCII byte */
    part->started = true;
}

void utf8_part_merge(utf8_part *self, const utf8_part *part)
{
    self->valid = self->valid && part->valid;
    if (!self->valid)
        return;
    if (!self->started) {
        /* Still at the start of what self covers: the heads join. */
        for (unsigned i = 0; i < part->head_len && self->valid; i++) {
            if (self->head_len == sizeof self->head)
                self->valid = false;
            else
                self->head[self->head_len++] = part->head[i];
        }
    } else {
        /* part's head continues self's last character. */
        for (unsigned i = 0; i < part->head_len && self->valid; i++)
            self->valid = take(self, part->head[i]);
        if (part->started && self->need > 0)
            self->valid = false;
    }
    if (part->started) {
        self->started = true;
        self->need = part->need;
        self->lo = part->lo;
        self->hi = part->hi;
    }
}

bool utf8_part_complete(const utf8_part *part)
{
    return part->valid && part->head_len == 0 && part->need == 0;
}
