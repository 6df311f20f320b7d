/*
 * csv.c - the csv kind: the header line
 *
 *   id,name,category,quantity,price,score,date,note
 *
 * then rows of those 8 fields: id an integer that grows through the
 * output (block * 4096 + row + 1; a block holds fewer than 4096 rows),
 * name a word, category one of 8 words, quantity an integer below 100000,
 * price a decimal with 2 places (0.01 to 9999.99), score a decimal with 4
 * places (-1.0000 to 1.0000), date a YYYY-MM-DD day of 2000 to 2030, note
 * 0 to 40 bytes of words.  No field holds a comma, quote or newline.  The
 * last row of a block has a note long enough to fill the block.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

static const char header[] = "id,name,category,quantity,price,score,date,note\n";

/* Padded to 8 bytes: each is copied with one 8-byte move. */
static const char categories[8][8] = {
    "books", "garden", "toys", "music", "sports", "tools", "food", "travel",
};

#define ROWS_PER_BLOCK_ID 4096u
#define NOTE_MAX 40
/* The longest row without its note and newline: id 20, name 14,
 * category 6, quantity 5, price 7, score 7, date 10, 7 commas. */
#define FIXED_MAX 76

/* A day of 2000 to 2030 as YYYY-MM-DD, chosen with the high bits of r: a
 * year, a month, then a day of that month. */
static unsigned char *put_date(unsigned char *out, uint64_t r)
{
    static const unsigned char month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned year = 2000 + gen_below(r, 31);
    unsigned month = 1 + gen_below(r << 5, 12);
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    unsigned day = 1 + gen_below(r << 9, month_days[month - 1] + (month == 2 && leap));
    gen_put_fixed(out, year, 4);
    out[4] = '-';
    gen_put_fixed(out + 5, month, 2);
    out[7] = '-';
    gen_put_fixed(out + 8, day, 2);
    return out + 10;
}

/* Writes a row up to and including the comma before the note. */
static size_t put_fixed_fields(unsigned char *out, gen_lines *lines)
{
    uint64_t r = gen_rng_next(&lines->rng), s = gen_rng_next(&lines->rng);
    unsigned char *p = out;
    p += gen_put_uint(p, lines->block * ROWS_PER_BLOCK_ID + lines->line + 1);
    *p++ = ',';
    size_t len;
    memcpy(p, gen_word(r, &len), 16); /* overwritten past len */
    p += len;
    *p++ = ',';
    const char *category = categories[(r >> 8) & 7];
    memcpy(p, category, 8);
    p += strnlen(category, 8);
    *p++ = ',';
    p += gen_put_uint(p, gen_below(r, 100000));
    *p++ = ',';
    uint32_t cents = 1 + gen_below(s, 999999);
    p += gen_put_uint(p, cents / 100);
    *p++ = '.';
    gen_put_fixed(p, cents % 100, 2);
    p += 2;
    *p++ = ',';
    uint32_t score = gen_below(s << 32, 20001); /* -1.0000 .. 1.0000 in 1/10000 */
    if (score < 10000)
        *p++ = '-';
    uint32_t magnitude = score < 10000 ? 10000 - score : score - 10000;
    p += gen_put_uint(p, magnitude / 10000);
    *p++ = '.';
    gen_put_fixed(p, magnitude % 10000, 4);
    p += 4;
    *p++ = ',';
    p = put_date(p, r << 32);
    *p++ = ',';
    return (size_t)(p - out);
}

static size_t csv_row(gen_lines *lines, unsigned char *out)
{
    size_t pos = put_fixed_fields(out, lines);
    size_t note = gen_below(gen_rng_next(&lines->rng), NOTE_MAX + 1);
    gen_words(&lines->rng, out + pos, note, true);
    out[pos + note] = '\n';
    return pos + note + 1;
}

static void csv_last(gen_lines *lines, unsigned char *out, size_t len)
{
    unsigned char fixed[FIXED_MAX];
    size_t n = put_fixed_fields(fixed, lines);
    size_t keep = len - 1 < n ? len - 1 : n;
    memcpy(out, fixed, keep);
    gen_words(&lines->rng, out + keep, len - 1 - keep, false);
    out[len - 1] = '\n';
}

static void csv_fill(const mms_gen *gen, uint64_t index, unsigned char *dst, size_t len)
{
    static const gen_line_kind kind = {
        .stream = GEN_STREAM_CSV,
        .max_line = FIXED_MAX + NOTE_MAX + 1,
        .min_last = FIXED_MAX + 1,
        .header = header,
        .emit = csv_row,
        .last = csv_last,
    };
    gen_fill_lines(&kind, gen, index, dst, len);
}

const gen_kind gen_kind_csv = {
    .name = "csv",
    .fill_block = csv_fill,
};
