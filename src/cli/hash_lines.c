/*
 * hash_lines.c - writing and reading checksum lines exactly as xxhsum does,
 * so that each tool checks what the other writes.
 */
#include "config.h"
#include "cli/hash_lines.h"

#include <string.h>

static bool name_needs_escape(const char *name)
{
    return strpbrk(name, "\\\n\r") != NULL;
}

static void name_print(FILE *out, const char *name, bool escape)
{
    if (!escape) {
        fputs(name, out);
        return;
    }
    for (const char *p = name; *p; p++) {
        switch (*p) {
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        default:   putc(*p, out); break;
        }
    }
}

void hash_line_print(FILE *out, const mms_hash_digest *digest, const char *name,
                     hash_line_style style)
{
    char hex[MMS_HASH_HEX_SIZE];
    mms_hash_to_hex(digest, style.little_endian, hex);
    bool escape = name_needs_escape(name);
    if (escape)
        putc('\\', out);
    /* xxhsum 0.8.1 and 0.8.2 print XXH3 in the BSD style only: older
     * versions could not tell its GNU lines from XXH64's. */
    if (style.bsd || digest->algorithm == MMS_XXH3_64) {
        fprintf(out, "%s%s (", mms_hash_name(digest->algorithm), style.little_endian ? "_LE" : "");
        name_print(out, name, escape);
        fprintf(out, ") = %s\n", hex);
    } else {
        fprintf(out, "%s  ", hex);
        name_print(out, name, escape);
        putc('\n', out);
    }
}

void hash_result_print(FILE *out, const char *name, const char *result)
{
    bool escape = name_needs_escape(name);
    if (escape)
        putc('\\', out);
    name_print(out, name, escape);
    fprintf(out, ": %s\n", result);
}

/* Undoes name_print() in place; false for any other backslash sequence. */
static bool name_unescape(char *name)
{
    char *to = name;
    for (const char *p = name; *p; p++) {
        if (*p != '\\') {
            *to++ = *p;
            continue;
        }
        switch (*++p) {
        case '\\': *to++ = '\\'; break;
        case 'n':  *to++ = '\n'; break;
        case 'r':  *to++ = '\r'; break;
        default:   return false; /* includes a backslash at the end */
        }
    }
    *to = '\0';
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads len hex digits (exactly the algorithm's digest size) into out. */
static bool digest_from_hex(const char *hex, size_t len, bool reverse, mms_hash_digest *out)
{
    static const unsigned sizes[] = {[MMS_XXH32] = 4, [MMS_XXH64] = 8, [MMS_XXH128] = 16,
                                     [MMS_XXH3_64] = 8};
    out->size = sizes[out->algorithm];
    if (len != 2 * out->size)
        return false;
    for (unsigned i = 0; i < out->size; i++) {
        int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return false;
        out->bytes[reverse ? out->size - 1 - i : i] = (unsigned char)(high << 4 | low);
    }
    return true;
}

/*
 * The algorithm of a BSD tag, decided by its prefix as xxhsum decides it
 * ("XXH3_LE" is XXH3, "XXH32" is not); xxhsum reads unknown tags as XXH64.
 */
static mms_hash_algorithm algorithm_of_tag(const char *tag)
{
    if (strncmp(tag, "XXH32", 5) == 0)
        return MMS_XXH32;
    if (strncmp(tag, "XXH64", 5) == 0)
        return MMS_XXH64;
    if (strncmp(tag, "XXH128", 6) == 0)
        return MMS_XXH128;
    if (strncmp(tag, "XXH3", 4) == 0)
        return MMS_XXH3_64;
    return MMS_XXH64;
}

bool hash_line_parse(char *line, bool little_endian, hash_line *out)
{
    memset(out, 0, sizeof *out);
    bool escaped = line[0] == '\\';
    line += escaped;
    char *space = strchr(line, ' ');
    if (!space || space[1] == '\0')
        return false;
    const char *hex;
    size_t hex_len;
    bool reverse = little_endian;
    if (space[1] == '(') {
        /* BSD: TAG (NAME) = HASH; the name may hold anything, even ") = ". */
        char *last = strrchr(line, ' ');
        if (last - space < 5 || strncmp(last - 3, ") =", 3) != 0)
            return false;
        *space = '\0';
        last[-3] = '\0';
        out->digest.algorithm = algorithm_of_tag(line);
        reverse = strstr(line, "_LE") != NULL;
        hex = last + 1;
        hex_len = strlen(hex);
    } else {
        /* GNU: HASH, a space, one more character (' ' or '*'), NAME. */
        hex = line;
        hex_len = (size_t)(space - line);
        if (hex_len == 21 && strncmp(hex, "XXH3_", 5) == 0) {
            out->digest.algorithm = MMS_XXH3_64;
            hex += 5;
            hex_len -= 5;
        } else if (hex_len == 8) {
            out->digest.algorithm = MMS_XXH32;
        } else if (hex_len == 32) {
            out->digest.algorithm = MMS_XXH128;
        } else {
            out->digest.algorithm = MMS_XXH64;
        }
    }
    char *name = space + 2;
    if (!digest_from_hex(hex, hex_len, reverse, &out->digest) || (escaped && !name_unescape(name)))
        return false;
    out->name = name;
    return true;
}
