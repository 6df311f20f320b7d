/* json.c - JSON text for the --json outputs. */
#include "config.h"
#include "cli/cli.h"

/* The length of the UTF-8 sequence at p (1 to 4 bytes), or 0 when the
 * bytes there are not one: a stray continuation byte, a sequence cut
 * short, an overlong form, a surrogate or a code point past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    if (n == 0 || p[0] > 0xf4 || p[0] == 0xc0 || p[0] == 0xc1)
        return 0;
    for (size_t i = 1; i < n; i++) /* a NUL ends the text: it is no continuation byte */
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    /* The second byte's range rules out overlong forms, surrogates and
     * code points past U+10FFFF. */
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

void cli_json_string(FILE *out, const char *text)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t n = utf8_sequence(p);
        if (n == 0) {
            /* JSON text is UTF-8: a byte that is not part of a character
             * (a file name need not be UTF-8) becomes U+FFFD. */
            fputs("\\ufffd", out);
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fwrite(p, 1, n, out);
        p += n;
    }
    putc('"', out);
}
