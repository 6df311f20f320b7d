/*
 * lines.c - filling a block with whole lines, for the text, log and csv
 * kinds, and writing numbers and dates as text.
 *
 * A block is filled with the kind's lines while a line still fits with
 * room for a well-formed last line after it; the last line then takes the
 * bytes left, exactly.  So every block ends with a newline and no line
 * crosses a block edge.  Far from the block's end, lines are written in
 * place; near it, each one is made in a buffer first to see if it fits.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

/* Room for the longest line of any kind, plus the slack a kind may write. */
#define LINE_BUFFER (4096 + 64)

void gen_fill_lines(const gen_line_kind *kind, const mms_gen *gen, uint64_t index,
                    unsigned char *dst, size_t len)
{
    gen_lines lines = {.gen = gen, .block = index, .line = 0};
    gen_rng_init(&lines.rng, gen_key(gen->seed, kind->stream, index));
    if (kind->start)
        kind->start(&lines);
    size_t pos = 0;
    size_t header_len = kind->header ? strlen(kind->header) : 0;
    if (index == 0 && header_len && header_len + kind->min_last <= len) {
        memcpy(dst, kind->header, header_len);
        pos = header_len;
    }
    size_t safe_room = kind->max_line + 16 + kind->min_last;
    for (; len - pos >= safe_room; lines.line++)
        pos += kind->emit(&lines, dst + pos);
    unsigned char buffer[LINE_BUFFER];
    while (pos < len) {
        size_t room = len - pos;
        if (room >= kind->min_last) {
            size_t n = kind->emit(&lines, buffer);
            if (n + kind->min_last <= room) {
                memcpy(dst + pos, buffer, n);
                pos += n;
                lines.line++;
                continue;
            }
        }
        kind->last(&lines, dst + pos, room);
        break;
    }
}

/* "00" to "99": two digits per division. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

size_t gen_put_uint(unsigned char *out, uint64_t v)
{
    size_t n = 1;
    for (uint64_t bound = 10; n < 20 && v >= bound; bound *= 10)
        n++;
    unsigned char *p = out + n;
    for (; v >= 100; v /= 100) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * (v % 100), 2);
    }
    if (v >= 10)
        memcpy(p - 2, digit_pairs + 2 * v, 2);
    else
        p[-1] = (unsigned char)('0' + v);
    return n;
}

void gen_put_date(unsigned char *out, int64_t day)
{
    /* The proleptic Gregorian calendar in 400-year eras of 146097 days,
     * each era counted from March 1st so that leap days come last. */
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t day_of_era = z - era * 146097;
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    int64_t mday = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    int64_t year = year_of_era + era * 400 + (month <= 2);
    gen_put_fixed(out, (uint64_t)year, 4);
    out[4] = '-';
    gen_put_fixed(out + 5, (uint64_t)month, 2);
    out[7] = '-';
    gen_put_fixed(out + 8, (uint64_t)mday, 2);
}
