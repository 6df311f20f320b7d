/*
 * syntax.c - grep's pattern syntaxes in PCRE's syntax, which Hyperscan and
 * PCRE2 both read, and the literal that every match of a pattern contains.
 *
 * The translation keeps grep's meaning where the syntaxes differ: in a
 * bracket expression a backslash is an ordinary byte; at the start of an
 * expression '*' is literal in a basic one, and a repetition operator is
 * dropped in an extended one (GNU grep warns of it; a '^' it may repeat
 * zero times goes with it); "{,n}" is "{0,n}"; "\<" and "\>" are word
 * starts and ends; a backslash before another letter is that letter.  Since
 * grep matches lines, negated classes, \s and \W are kept from matching a
 * newline (PCRE's "." already does not).
 */
#include "config.h"
#include "search/syntax.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct translator {
    const unsigned char *p, *end;
    mms_search_syntax syntax;
    bytebuf *out;
    int depth;           /* open groups */
    bool at_start;       /* at the start of an expression (see translate_operator) */
    bool after_caret;    /* the last thing written is a '^' at the start */
    bool after_quantifier;
    bool oom;
    char *why;
    size_t why_size;
} translator;

static void emit(translator *t, const char *text)
{
    if (bytebuf_puts(t->out, text) < 0)
        t->oom = true;
}

/* Whether byte c is one of set (a NUL byte of a pattern never is: strchr()
 * would find set's own terminator). */
static bool is_one_of(unsigned char c, const char *set)
{
    return c != 0 && strchr(set, c) != NULL;
}

/* A byte that stands for itself. */
static void emit_literal(translator *t, unsigned char c)
{
    char text[8];
    if (c >= 0x20 && c < 0x7f && !strchr("\\^$.[]|()?*+{}", c))
        snprintf(text, sizeof text, "%c", c);
    else
        snprintf(text, sizeof text, "\\x%02x", c);
    emit(t, text);
}

static int fail(translator *t, const char *why)
{
    snprintf(t->why, t->why_size, "%s", why);
    return -1;
}

/* A bracket expression; t->p is just past '['. */
static int translate_bracket(translator *t)
{
    emit(t, "[");
    bool negated = t->p < t->end && *t->p == '^';
    if (negated) {
        emit(t, "^");
        t->p++;
    }
    bool first = true;
    while (t->p < t->end && (first || *t->p != ']')) {
        unsigned char c = *t->p;
        if (c == '[' && t->p + 1 < t->end && is_one_of(t->p[1], ":=.")) {
            /* [:class:], [=c=], [.c.]: copied as they are. */
            const unsigned char *close = t->p + 2;
            while (close + 1 < t->end && !(close[0] == t->p[1] && close[1] == ']'))
                close++;
            if (close + 1 >= t->end)
                return fail(t, "unmatched [");
            if (bytebuf_append(t->out, t->p, (size_t)(close + 2 - t->p)) < 0)
                t->oom = true;
            t->p = close + 2;
        } else if (c == '-' && !first && t->p + 1 < t->end && t->p[1] != ']') {
            emit(t, "-");
            t->p++;
        } else {
            emit_literal(t, c);
            t->p++;
        }
        first = false;
    }
    if (t->p >= t->end)
        return fail(t, "unmatched [");
    t->p++; /* ']' */
    emit(t, negated ? "\\n]" : "]");
    return 0;
}

/* Whether an interval "m}", "m,}", "m,n}" or ",n}" starts at p (past '{'),
 * closed by close ("}" or "\}"); sets *len to its length with the closer. */
static bool interval_at(const unsigned char *p, const unsigned char *end, const char *close,
                        size_t *len)
{
    const unsigned char *q = p;
    while (q < end && isdigit(*q))
        q++;
    bool has_min = q > p;
    if (q < end && *q == ',') {
        q++;
        while (q < end && isdigit(*q))
            q++;
    } else if (!has_min) {
        return false;
    }
    size_t n = strlen(close);
    if ((size_t)(end - q) < n || memcmp(q, close, n) != 0)
        return false;
    *len = (size_t)(q + n - p);
    return true;
}

/* An interval; t->p is just past the opener. */
static int translate_interval(translator *t, const char *close)
{
    size_t len;
    if (!interval_at(t->p, t->end, close, &len)) {
        if (t->syntax == MMS_SEARCH_BASIC)
            return fail(t, "unmatched \\{");
        emit_literal(t, '{'); /* as GNU grep -E: a brace that opens no interval */
        return 0;
    }
    emit(t, *t->p == ',' ? "{0" : "{");
    for (size_t i = 0; i < len - strlen(close); i++)
        emit_literal(t, t->p[i]);
    emit(t, "}");
    t->p += len;
    return 1;
}

/* An EXTENDED repetition operator at the start of an expression repeats
 * nothing, and is dropped as GNU grep drops it ("*b" is "b"); after a '^'
 * it repeats the '^', which goes too when it may be repeated zero times
 * ("^*b" is "b", "^+b" is "^b"). */
static void drop_leading_repetition(translator *t, bool after_caret, bool may_repeat_zero_times)
{
    if (after_caret && may_repeat_zero_times)
        t->out->len--; /* the "^" just written */
    t->after_caret = after_caret && !may_repeat_zero_times; /* "^+*b" is "b" */
}

/* The operators that BASIC writes with a backslash and EXTENDED without. */
static int translate_operator(translator *t, unsigned char op)
{
    bool basic = t->syntax == MMS_SEARCH_BASIC;
    bool after_caret = t->after_caret;
    t->after_caret = false;
    switch (op) {
    case '(':
        emit(t, "(");
        t->depth++;
        t->at_start = true;
        return 0;
    case ')':
        if (t->depth == 0) {
            if (basic)
                return fail(t, "unmatched ) or \\)");
            emit_literal(t, ')');
            break;
        }
        emit(t, ")");
        t->depth--;
        break;
    case '|':
        emit(t, "|");
        t->at_start = true;
        return 0;
    case '{': {
        size_t len;
        if (t->at_start && !basic && interval_at(t->p, t->end, "}", &len)) {
            const unsigned char *digit = t->p; /* a minimum of 0 is all zeros or none */
            while (*digit == '0')
                digit++;
            drop_leading_repetition(t, after_caret, *digit == ',' || *digit == '}');
            t->p += len;
            return 0;
        }
        if (t->at_start) {
            emit_literal(t, '{');
            break;
        }
        int rc = translate_interval(t, basic ? "\\}" : "}");
        if (rc < 0)
            return rc;
        if (rc == 1)
            t->after_quantifier = true;
        t->at_start = false;
        return 0;
    }
    default: /* '*', '+', '?' */
        if (t->at_start && !basic) {
            drop_leading_repetition(t, after_caret, op != '+');
            return 0;
        }
        if (t->at_start)
            emit_literal(t, op);
        else if (!t->after_quantifier) { /* "a**" is "a*" */
            char text[2] = {(char)op, 0};
            emit(t, text);
            t->after_quantifier = true;
            t->at_start = false;
            return 0;
        }
        break;
    }
    t->at_start = false;
    t->after_quantifier = false;
    return 0;
}

static void translate_escape(translator *t, unsigned char c)
{
    static const char *const classes[][2] = {
        {"w", "\\w"},        {"W", "[^\\w\\n]"},      {"s", "[^\\S\\n]"}, {"S", "\\S"},
        {"b", "\\b"},        {"B", "\\B"},            {"<", "\\b(?=\\w)"}, {">", "\\b(?<=\\w)"},
        {"`", "(?<![\\s\\S])"}, {"'", "(?![\\s\\S])"},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (c == (unsigned char)classes[i][0][0]) {
            emit(t, classes[i][1]);
            return;
        }
    }
    if (c >= '1' && c <= '9') {
        char text[3] = {'\\', (char)c, 0};
        emit(t, text);
    } else {
        emit_literal(t, c);
    }
}

/* An atom was written: what follows it is no longer at a start. */
static int atom_done(translator *t)
{
    t->at_start = false;
    t->after_quantifier = false;
    return 0;
}

/* Whether a '$' just read ends a BASIC expression (end, "\)" or "\|"). */
static bool at_basic_end(const translator *t)
{
    return t->p == t->end || (t->end - t->p >= 2 && t->p[0] == '\\' && is_one_of(t->p[1], ")|"));
}

static int translate_regex(translator *t)
{
    bool basic = t->syntax == MMS_SEARCH_BASIC;
    while (t->p < t->end && !t->oom) {
        unsigned char c = *t->p++;
        int rc;
        bool caret = false; /* this is a '^' at the start */
        if (c == '\\') {
            if (t->p >= t->end)
                return fail(t, "trailing backslash (\\)");
            unsigned char d = *t->p++;
            if (basic && is_one_of(d, "(){}|+?"))
                rc = translate_operator(t, d);
            else
            {
                translate_escape(t, d);
                rc = atom_done(t);
            }
        } else if (c == '*' || (!basic && is_one_of(c, "(){}|+?"))) {
            rc = translate_operator(t, c);
            caret = t->after_caret; /* a '^' that a dropped repetition kept */
        } else if (c == '^' && (!basic || t->at_start)) {
            emit(t, "^"); /* what follows is still at the start: "^*" */
            caret = t->at_start;
            rc = 0;
        } else if (c == '$' && (!basic || at_basic_end(t))) {
            emit(t, "$");
            rc = atom_done(t);
        } else if (c == '[') {
            rc = translate_bracket(t) < 0 ? -1 : atom_done(t);
        } else {
            if (c == '.')
                emit(t, ".");
            else
                emit_literal(t, c);
            rc = atom_done(t);
        }
        if (rc < 0)
            return rc;
        t->after_caret = caret;
    }
    if (t->depth > 0)
        return fail(t, "unmatched ( or \\(");
    return 0;
}

int syntax_translate(const char *pattern, size_t len, mms_search_syntax syntax, bytebuf *out,
                     char *why, size_t why_size)
{
    translator t = {
        .p = (const unsigned char *)pattern, .end = (const unsigned char *)pattern + len,
        .syntax = syntax, .out = out, .at_start = true, .why = why, .why_size = why_size,
    };
    int rc = 0;
    if (syntax == MMS_SEARCH_FIXED) {
        for (size_t i = 0; i < len; i++)
            emit_literal(&t, t.p[i]);
    } else {
        rc = translate_regex(&t);
    }
    if (t.oom)
        return fail(&t, "out of memory");
    return rc;
}

/* ---- the literal every match contains ---- */

typedef enum atom_kind { ATOM_BYTE, ATOM_EMPTY, ATOM_OTHER } atom_kind;

/* Skips a class or group that starts at p; returns the end, or NULL. */
static const unsigned char *skip_nested(const unsigned char *p, const unsigned char *end)
{
    int depth = 0;
    bool in_class = false;
    for (; p < end; p++) {
        if (*p == '\\') {
            p++;
        } else if (in_class) {
            if (*p == '[' && p + 1 < end && p[1] == ':') {
                const unsigned char *close = memchr(p + 2, ']', (size_t)(end - p - 2));
                if (!close)
                    return NULL;
                p = close;
            } else if (*p == ']') {
                in_class = false;
                if (depth == 0)
                    return p + 1;
            }
        } else if (*p == '[') {
            in_class = true;
            if (p + 1 < end && p[1] == '^')
                p++;
            if (p + 1 < end && p[1] == ']')
                p++;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* Reads one atom of regex at *p; returns its kind (and its byte). */
static atom_kind read_atom(const unsigned char **p, const unsigned char *end, unsigned char *byte)
{
    const unsigned char *q = *p;
    if (*q == '\\' && q + 1 < end) {
        *p = q + 2;
        if (q[1] == 'x' && end - q >= 4 && isxdigit(q[2]) && isxdigit(q[3])) {
            char hex[3] = {(char)q[2], (char)q[3], 0};
            *byte = (unsigned char)strtol(hex, NULL, 16);
            *p = q + 4;
            return ATOM_BYTE;
        }
        return q[1] == 'b' || q[1] == 'B' ? ATOM_EMPTY : ATOM_OTHER;
    }
    if (*q == '[' || *q == '(') {
        const unsigned char *after = skip_nested(q, end);
        *p = after ? after : end;
        return ATOM_OTHER;
    }
    *p = q + 1;
    if (*q == '^' || *q == '$')
        return ATOM_EMPTY;
    if (*q == '.' || is_one_of(*q, "*+?{|)"))
        return ATOM_OTHER;
    *byte = *q;
    return ATOM_BYTE;
}

/* Reads a quantifier at *p, if any; returns its minimum (1 with none) and
 * sets *any when there is one. */
static unsigned long read_quantifier(const unsigned char **p, const unsigned char *end, bool *any)
{
    const unsigned char *q = *p;
    unsigned long minimum = 1;
    *any = q < end && is_one_of(*q, "*+?{");
    if (!*any)
        return 1;
    if (*q == '{') {
        minimum = strtoul((const char *)q + 1, NULL, 10);
        const unsigned char *close = memchr(q, '}', (size_t)(end - q));
        q = close ? close + 1 : end;
    } else {
        minimum = *q == '+' ? 1 : 0;
        q++;
    }
    if (q < end && (*q == '?' || *q == '+')) /* lazy or possessive */
        q++;
    *p = q;
    return minimum;
}

int syntax_required_literal(const unsigned char *regex, size_t len, bytebuf *out, bool *whole)
{
    const unsigned char *p = regex, *end = regex + len;
    bytebuf run = {0};
    int rc = 0;
    *whole = true;
    out->len = 0;
    for (const unsigned char *q = p; q < end; q++) {
        if (*q == '\\')
            q++;
        else if (*q == '|' || *q == '[' || *q == '(') {
            const unsigned char *after = *q == '|' ? NULL : skip_nested(q, end);
            if (!after) { /* an alternative at the top: nothing is required */
                *whole = false;
                return 0;
            }
            q = after - 1;
        }
    }
    while (p < end && rc == 0) {
        unsigned char byte = 0;
        atom_kind kind = read_atom(&p, end, &byte);
        bool quantified;
        unsigned long minimum = read_quantifier(&p, end, &quantified);
        if (kind != ATOM_BYTE || quantified)
            *whole = false;
        if (kind == ATOM_BYTE && minimum > 0)
            rc = bytebuf_append(&run, &byte, 1);
        if (kind == ATOM_OTHER || quantified || p == end) {
            if (run.len > out->len) {
                out->len = 0;
                rc |= bytebuf_append(out, run.data, run.len);
            }
            run.len = 0;
        }
    }
    bytebuf_release(&run);
    return rc;
}
