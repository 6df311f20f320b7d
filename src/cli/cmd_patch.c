/*
 * cmd_patch.c - mmscan patch: byte edits listed in a patch file, applied in
 * place, all or nothing, refused before anything is written when a line's
 * expected old bytes are not in the file.
 */
#include "config.h"
#include "cli/edit.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char patch_help[] =
    "Usage: mmscan patch [OPTIONS] FILE PATCHFILE\n"
    "Apply the byte edits listed in PATCHFILE ('-' for standard input) to FILE,\n"
    "in place, all or nothing.  Each line of PATCHFILE is\n"
    "\n"
    "  OFFSET HEXBYTES [--verify OLDHEX]\n"
    "\n"
    "OFFSET is decimal or 0xHEX; HEXBYTES are the new bytes as pairs of hex\n"
    "digits.  With --verify, FILE must hold OLDHEX (as many bytes) at OFFSET, or\n"
    "the whole patch is refused before anything is written: a patch made for\n"
    "another file or version never applies (an edit whose new bytes are all\n"
    "there already passes: a patch applied again changes nothing; a mix of old\n"
    "and new bytes does not).  Blank lines and everything from a '#' on are\n"
    "ignored.  Lines may come in any order; edits must not overlap and must lie\n"
    "inside FILE.  'mmscan replace --dry-run' prints patches in this form.\n"
    "\n"
    "Example PATCHFILE:\n"
    "  # fix the header's version field\n"
    "  0x10 0200 --verify 0100\n"
    "  4096 deadbeef\n"
    "\n"
    "Exit status: 0 if FILE was patched, 1 if PATCHFILE has no edit, 2 on an\n"
    "error (FILE is then unchanged).\n"
    "\n";

typedef struct patch_source {
    const char *name;      /* PATCHFILE as given */
    char *text;      /* the whole patch, NUL-terminated */
    size_t text_len;
    unsigned char *bytes, *expected;
    size_t capacity;
} patch_source;

/* Decodes pairs of hex digits into out; returns the count, or 0 if invalid. */
static size_t decode_hex(const char *text, unsigned char *out)
{
    size_t n = strlen(text);
    if (n == 0 || n % 2)
        return 0;
    for (size_t i = 0; i < n; i += 2) {
        if (!isxdigit((unsigned char)text[i]) || !isxdigit((unsigned char)text[i + 1]))
            return 0;
        char pair[3] = {text[i], text[i + 1], 0};
        out[i / 2] = (unsigned char)strtoul(pair, NULL, 16);
    }
    return n / 2;
}

static int line_error(const patch_source *p, size_t line, const char *what, const char *text)
{
    cli_error("patch", "'%s': line %zu: %s '%s'", p->name, line, what, text);
    return CLI_ERROR;
}

/* Adds the edit of one line (without its comment); blank lines add nothing. */
static int parse_line(patch_source *p, size_t line_no, char *line, mms_edits *edits)
{
    char *words[5];
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n"))
        words[n < 5 ? n++ : 4] = w;
    if (n == 0)
        return CLI_OK;
    if (n != 2 && !(n == 4 && strcmp(words[2], "--verify") == 0))
        return line_error(p, line_no, "expected 'OFFSET HEXBYTES [--verify OLDHEX]', got", words[0]);
    size_t need = strlen(words[1]) / 2 + 1;
    if (need > p->capacity) {
        unsigned char *b = realloc(p->bytes, need), *e = b ? realloc(p->expected, need) : NULL;
        if (b)
            p->bytes = b;
        if (e)
            p->expected = e;
        if (!b || !e) {
            cli_error("patch", "out of memory");
            return CLI_ERROR;
        }
        p->capacity = need;
    }
    uint64_t offset;
    char *end;
    errno = 0;
    bool hex = strncmp(words[0], "0x", 2) == 0 || strncmp(words[0], "0X", 2) == 0;
    offset = strtoull(hex ? words[0] + 2 : words[0], &end, hex ? 16 : 10);
    if (!isxdigit((unsigned char)words[0][hex ? 2 : 0]) || *end || errno)
        return line_error(p, line_no, "invalid offset", words[0]);
    size_t len = decode_hex(words[1], p->bytes);
    if (len == 0)
        return line_error(p, line_no, "invalid hex bytes", words[1]);
    if (n == 4 && (strlen(words[3]) != strlen(words[1]) || decode_hex(words[3], p->expected) != len))
        return line_error(p, line_no, "--verify needs as many hex bytes as the edit, not", words[3]);
    mms_error err;
    if (mms_edits_add(edits, offset, p->bytes, len, n == 4 ? p->expected : NULL, &err) < 0) {
        cli_error("patch", "'%s': line %zu: %s", p->name, line_no, err.message);
        return CLI_ERROR;
    }
    return CLI_OK;
}

/* Reads the whole patch into p->text before FILE is opened: a patch piped
 * from a dry run of the same file ('mmscan replace --dry-run ... FILE |
 * mmscan patch FILE -') is complete only once that run has ended and let
 * go of the file's lock. */
static int read_text(patch_source *p)
{
    FILE *in = strcmp(p->name, "-") == 0 ? stdin : fopen(p->name, "r");
    if (!in) {
        cli_error("patch", "'%s': %s", p->name, strerror(errno));
        return CLI_ERROR;
    }
    FILE *text = open_memstream(&p->text, &p->text_len);
    char piece[65536];
    size_t n;
    int read_errno = 0;
    bool stored = text != NULL;
    while (stored && (n = fread(piece, 1, sizeof piece, in)) > 0)
        stored = fwrite(piece, 1, n, text) == n;
    if (ferror(in))
        read_errno = errno;
    if (text && fclose(text) != 0)
        stored = false;
    if (in != stdin)
        fclose(in);
    if (read_errno || !stored) {
        cli_error("patch", "'%s': %s", p->name, strerror(read_errno ? read_errno : ENOMEM));
        return CLI_ERROR;
    }
    return CLI_OK;
}

static int read_patch(void *ctx, const char *path, mms_edit_file *file, mms_edits *edits)
{
    (void)path;
    (void)file;
    patch_source *p = ctx;
    int status = CLI_OK;
    size_t line_no = 0;
    for (char *line = p->text, *end = p->text + p->text_len; status == CLI_OK && line < end;) {
        char *newline = memchr(line, '\n', (size_t)(end - line));
        char *next = newline ? newline + 1 : end;
        if (newline)
            *newline = '\0'; /* the text ends with a NUL byte too (open_memstream) */
        line_no++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        status = parse_line(p, line_no, line, edits);
        line = next;
    }
    return status;
}

int cmd_patch(int argc, char **argv)
{
    edit_settings s;
    bool done;
    int status = edit_parse_options("patch", patch_help, argc, argv, &s, &done);
    if (done)
        return status;
    if (argc - optind != 2)
        return cli_usage_error("patch", "FILE and PATCHFILE are needed");
    patch_source p = {.name = argv[optind + 1]};
    status = read_text(&p);
    if (status == CLI_OK)
        status = edit_run("patch", argv[optind], &s, read_patch, &p);
    free(p.text);
    free(p.bytes);
    free(p.expected);
    return status;
}
