/*
 * log.c - the log kind: lines such as
 *
 *   2024-01-01T00:00:01.234Z INFO  [db.pool] slow query duration_ms=412 shard=7
 *
 * a UTC timestamp with milliseconds, a level padded to 5 columns, a
 * component in brackets, a message of lowercase words, then 1 to 4
 * key=value pairs (values without spaces).  Block k starts at 2024-01-01
 * plus k minutes and each line is 13 ms after the one before it, give or
 * take 7 ms, so timestamps grow through the whole output.  The last line
 * of a block is "... INFO  [gen] end of block pad=xxx" padded to fit.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <string.h>

#define EPOCH_2024_MS 1704067200000ull
#define MS_PER_MINUTE 60000u
#define LINE_STEP_MS 13u
#define MS_PER_DAY 86400000u

/* The longest line: timestamp 24, level 6, component 17, message 26, and
 * 4 pairs of at most 40 bytes with their spaces, plus the newline. */
#define LOG_MAX_LINE 240

/* A piece of a line, padded so that it is copied with one fixed-size move
 * (the padding lands past the piece and is overwritten or, at the end of a
 * line, stays inside the room LOG_MAX_LINE leaves). */
typedef struct text {
    char s[32];
    size_t len;
} text;

#define T(s) {s, sizeof(s) - 1}

static const text components[16] = {
    T("http.server"), T("http.client"), T("db.pool"), T("db.query"),
    T("cache"), T("auth"), T("scheduler"), T("worker"),
    T("queue.consumer"), T("queue.producer"), T("storage"), T("config"),
    T("metrics"), T("mailer"), T("billing"), T("search"),
};

static const text messages[32] = {
    T("request completed"), T("request failed"), T("connection opened"),
    T("connection closed"), T("cache miss"), T("cache hit"), T("user logged in"),
    T("user logged out"), T("token refreshed"), T("job started"), T("job finished"),
    T("job retried"), T("query executed"), T("slow query"), T("message published"),
    T("message consumed"), T("file uploaded"), T("file deleted"), T("index rebuilt"),
    T("config reloaded"), T("payment accepted"), T("payment declined"), T("email sent"),
    T("rate limit reached"), T("health check passed"), T("disk usage high"),
    T("session expired"), T("lock acquired"), T("lock released"), T("batch flushed"),
    T("retry scheduled"), T("timeout waiting for reply"),
};

static const text methods[8] = {
    T("GET"), T("GET"), T("GET"), T("POST"), T("POST"), T("PUT"), T("DELETE"), T("PATCH"),
};

static const unsigned short statuses[16] = {
    200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 429, 500, 503,
};

static unsigned char *put_text(unsigned char *out, const text *t)
{
    memcpy(out, t->s, sizeof t->s);
    return out + t->len;
}

/* A word of the vocabulary (16 bytes copied). */
static unsigned char *put_word(unsigned char *out, uint64_t r)
{
    size_t len;
    memcpy(out, gen_word(r, &len), 16);
    return out + len;
}

static inline unsigned char *put_bytes(unsigned char *out, const char *s, size_t len)
{
    memcpy(out, s, len);
    return out + len;
}

/* A string literal: a copy of a known size, inlined. */
#define PUT(out, literal) put_bytes(out, literal, sizeof(literal) - 1)

/* Block k covers the minute 2024-01-01T00:00 + k minutes: its lines are
 * LINE_STEP_MS apart, plus up to 7 ms, and a block holds fewer than 4600
 * lines (128 KiB of lines of at least 56 bytes), so they all fall within
 * the block's minute.  The start of a block writes "2024-01-01T00:03:"
 * once, into lines->prefix. */
static void log_start(gen_lines *lines)
{
    uint64_t ms = EPOCH_2024_MS + lines->block * MS_PER_MINUTE;
    uint32_t minute_of_day = (uint32_t)(ms % MS_PER_DAY / MS_PER_MINUTE);
    gen_put_date(lines->prefix, (int64_t)(ms / MS_PER_DAY));
    lines->prefix[10] = 'T';
    gen_put_fixed(lines->prefix + 11, minute_of_day / 60, 2);
    lines->prefix[13] = ':';
    gen_put_fixed(lines->prefix + 14, minute_of_day % 60, 2);
    lines->prefix[16] = ':';
}

/* "2024-01-01T00:00:01.234Z" (24 bytes): the time of the current line,
 * with r picking its jitter. */
static unsigned char *put_timestamp(unsigned char *out, const gen_lines *lines, uint64_t r)
{
    uint32_t in_minute = (uint32_t)(lines->line * LINE_STEP_MS + gen_below(r, 8));
    memcpy(out, lines->prefix, 17);
    gen_put_fixed(out + 17, in_minute / 1000, 2);
    out[19] = '.';
    gen_put_fixed(out + 20, in_minute % 1000, 3);
    out[23] = 'Z';
    return out + 24;
}

/* 8 lowercase hex digits of the low 32 bits of v, as the 8 bytes of the
 * result (lowest nibble first): each nibble moves to a byte of its own,
 * then '0' is added, and 'a' - '0' - 10 more where the nibble is 10 or
 * above (adding 6 carries into bit 4 exactly there). */
static uint64_t hex_digits(uint64_t v)
{
    uint64_t x = v & 0xFFFFFFFFull;
    x = (x | x << 16) & 0x0000FFFF0000FFFFull;
    x = (x | x << 8) & 0x00FF00FF00FF00FFull;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full;
    uint64_t letters = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
    return x + 0x3030303030303030ull + letters * ('a' - '0' - 10);
}

/* One " key=value" pair (at most 40 bytes), chosen with r. */
static unsigned char *put_pair(unsigned char *out, uint64_t r)
{
    uint64_t v = r >> 8;
    switch (r & 15) {
    case 0:
    case 1: {
        out = PUT(out, " request_id=");
        uint64_t digits = gen_mix(r);
        gen_store_le64(out, hex_digits(digits));
        gen_store_le64(out + 8, hex_digits(digits >> 32));
        return out + 16;
    }
    case 2:
    case 3: {
        out = PUT(out, " user=");
        return put_word(out, v);
    }
    case 4:
    case 5:
        out = PUT(out, " status=");
        return out + gen_put_uint(out, statuses[v & 15]);
    case 6:
    case 7:
        out = PUT(out, " duration_ms=");
        return out + gen_put_uint(out, v % 10000);
    case 8:
        out = PUT(out, " bytes=");
        return out + gen_put_uint(out, v % 10000000);
    case 9:
        out = PUT(out, " ip=10.");
        out += gen_put_uint(out, v & 255);
        *out++ = '.';
        out += gen_put_uint(out, (v >> 8) & 255);
        *out++ = '.';
        return out + gen_put_uint(out, (v >> 16) & 255);
    case 10:
    case 11: {
        out = PUT(out, " method=");
        return put_text(out, &methods[v & 7]);
    }
    case 12: {
        out = PUT(out, " path=/api/v1/");
        out = put_word(out, v);
        *out++ = '/';
        return out + gen_put_uint(out, (v >> 8) % 100000);
    }
    case 13:
        out = PUT(out, " retries=");
        return out + gen_put_uint(out, v % 10);
    default:
        out = PUT(out, " shard=");
        return out + gen_put_uint(out, v % 64);
    }
}

static size_t log_line(gen_lines *lines, unsigned char *out)
{
    uint64_t r = gen_rng_next(&lines->rng);
    unsigned char *p = put_timestamp(out, lines, r);
    unsigned level = (r >> 8) & 255;
    if (level < 38)
        p = PUT(p, " DEBUG [");
    else if (level < 204)
        p = PUT(p, " INFO  [");
    else if (level < 237)
        p = PUT(p, " WARN  [");
    else
        p = PUT(p, " ERROR [");
    p = put_text(p, &components[(r >> 16) & 15]);
    p = PUT(p, "] ");
    p = put_text(p, &messages[(r >> 20) & 31]);
    unsigned pairs = 1 + ((r >> 25) & 3);
    for (unsigned i = 0; i < pairs; i++)
        p = put_pair(p, gen_rng_next(&lines->rng));
    *p++ = '\n';
    return (size_t)(p - out);
}

/* The last line of a block, before its padding. */
#define LAST_PREFIX_LEN (24 + sizeof(" INFO  [gen] end of block pad=") - 1)

static void log_last(gen_lines *lines, unsigned char *out, size_t len)
{
    unsigned char prefix[LAST_PREFIX_LEN];
    PUT(put_timestamp(prefix, lines, gen_rng_next(&lines->rng)),
        " INFO  [gen] end of block pad=");
    size_t keep = len - 1 < LAST_PREFIX_LEN ? len - 1 : LAST_PREFIX_LEN;
    memcpy(out, prefix, keep);
    memset(out + keep, 'x', len - 1 - keep);
    out[len - 1] = '\n';
}

static void log_fill(const mms_gen *gen, uint64_t index, unsigned char *dst, size_t len)
{
    static const gen_line_kind kind = {
        .stream = GEN_STREAM_LOG,
        .max_line = LOG_MAX_LINE,
        .min_last = LAST_PREFIX_LEN + 2, /* a padding of at least one 'x' */
        .start = log_start,
        .emit = log_line,
        .last = log_last,
    };
    gen_fill_lines(&kind, gen, index, dst, len);
}

const gen_kind gen_kind_log = {
    .name = "log",
    .fill_block = log_fill,
};
