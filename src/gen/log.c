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
#define BLOCK_SPAN_MS 60000u
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

/* "2024-01-01T00:03:" for the minute of the line before: a block's lines
 * fall in one or two minutes, so the date is rarely worked out again. */
typedef struct minute_text {
    uint64_t minute;
    unsigned char text[17];
} minute_text;

static _Thread_local minute_text last_minute = {UINT64_MAX, {0}};

/* "2024-01-01T00:00:01.234Z" (24 bytes) for a time in ms since 1970. */
static unsigned char *put_timestamp(unsigned char *out, uint64_t ms)
{
    uint64_t minute = ms / 60000;
    if (minute != last_minute.minute) {
        uint32_t minute_of_day = (uint32_t)(minute % (MS_PER_DAY / 60000));
        gen_put_date(last_minute.text, (int64_t)(ms / MS_PER_DAY));
        last_minute.text[10] = 'T';
        gen_put_fixed(last_minute.text + 11, minute_of_day / 60, 2);
        last_minute.text[13] = ':';
        gen_put_fixed(last_minute.text + 14, minute_of_day % 60, 2);
        last_minute.text[16] = ':';
        last_minute.minute = minute;
    }
    memcpy(out, last_minute.text, sizeof last_minute.text);
    uint32_t in_minute = (uint32_t)(ms % 60000);
    gen_put_fixed(out + 17, in_minute / 1000, 2);
    out[19] = '.';
    gen_put_fixed(out + 20, in_minute % 1000, 3);
    out[23] = 'Z';
    return out + 24;
}

static uint64_t line_time(uint64_t block, uint64_t line, uint64_t r)
{
    return EPOCH_2024_MS + block * BLOCK_SPAN_MS + line * LINE_STEP_MS + gen_below(r, 8);
}

/* One " key=value" pair (at most 40 bytes), chosen with r. */
static unsigned char *put_pair(unsigned char *out, uint64_t r)
{
    uint64_t v = r >> 8;
    switch (r & 15) {
    case 0:
    case 1: {
        out = PUT(out, " request_id=");
        static const char hex[] = "0123456789abcdef";
        for (int i = 0; i < 16; i++)
            *out++ = (unsigned char)hex[(v >> (i * 3)) & 15];
        return out;
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

static size_t log_line(const mms_gen *gen, gen_rng *rng, uint64_t block, uint64_t line,
                       unsigned char *out)
{
    (void)gen;
    uint64_t r = gen_rng_next(rng);
    unsigned char *p = put_timestamp(out, line_time(block, line, r));
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
        p = put_pair(p, gen_rng_next(rng));
    *p++ = '\n';
    return (size_t)(p - out);
}

/* The last line of a block, before its padding. */
#define LAST_PREFIX_LEN (24 + sizeof(" INFO  [gen] end of block pad=") - 1)

static void log_last(const mms_gen *gen, gen_rng *rng, uint64_t block, uint64_t line,
                     unsigned char *out, size_t len)
{
    (void)gen;
    unsigned char prefix[LAST_PREFIX_LEN];
    PUT(put_timestamp(prefix, line_time(block, line, gen_rng_next(rng))),
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
        .emit = log_line,
        .last = log_last,
    };
    gen_fill_lines(&kind, gen, index, dst, len);
}

const gen_kind gen_kind_log = {
    .name = "log",
    .fill_block = log_fill,
};
