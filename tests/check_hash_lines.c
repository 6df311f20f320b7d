/*
 * check_hash_lines.c - checksum lines as xxhsum writes and reads them:
 * every style, escaped names, and the lines xxhsum refuses.
 */
#include "config.h"
#include "cli/hash_lines.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static mms_hash_digest digest_of(mms_hash_algorithm algorithm)
{
    mms_hash_digest d = {.algorithm = algorithm};
    d.size = algorithm == MMS_XXH32 ? 4 : algorithm == MMS_XXH128 ? 16 : 8;
    for (unsigned i = 0; i < d.size; i++)
        d.bytes[i] = (unsigned char)(0x11 * (i + 1));
    return d;
}

/* The line hash_line_print() writes, in a static buffer. */
static const char *printed(mms_hash_algorithm algorithm, const char *name, bool bsd, bool le)
{
    static char text[512];
    FILE *f = fmemopen(text, sizeof text, "w");
    ck_assert_ptr_nonnull(f);
    mms_hash_digest d = digest_of(algorithm);
    hash_line_print(f, &d, name, (hash_line_style){.bsd = bsd, .little_endian = le});
    fclose(f);
    return text;
}

START_TEST(lines_are_printed_as_xxhsum_prints_them)
{
    ck_assert_str_eq(printed(MMS_XXH32, "f", false, false), "11223344  f\n");
    ck_assert_str_eq(printed(MMS_XXH64, "a b", false, false), "1122334455667788  a b\n");
    ck_assert_str_eq(printed(MMS_XXH64, "f", false, true), "8877665544332211  f\n");
    ck_assert_str_eq(printed(MMS_XXH64, "f", true, false), "XXH64 (f) = 1122334455667788\n");
    ck_assert_str_eq(printed(MMS_XXH32, "f", true, true), "XXH32_LE (f) = 44332211\n");
    ck_assert_str_eq(printed(MMS_XXH128, "f", false, false),
                     "112233445566778899aabbccddeeff10  f\n");
    ck_assert_str_eq(printed(MMS_XXH128, "f", true, true),
                     "XXH128_LE (f) = 10ffeeddccbbaa998877665544332211\n");
    /* XXH3 is always BSD-style. */
    ck_assert_str_eq(printed(MMS_XXH3_64, "f", false, false), "XXH3 (f) = 1122334455667788\n");
    ck_assert_str_eq(printed(MMS_XXH3_64, "f", false, true), "XXH3_LE (f) = 8877665544332211\n");
    /* Escaped names (xxhsum 0.8.2): a backslash first, then \\, \n, \r. */
    ck_assert_str_eq(printed(MMS_XXH32, "a\\b", false, false), "\\11223344  a\\\\b\n");
    ck_assert_str_eq(printed(MMS_XXH32, "a\nb\rc", false, false), "\\11223344  a\\nb\\rc\n");
    ck_assert_str_eq(printed(MMS_XXH64, "x\\n", true, false),
                     "\\XXH64 (x\\\\n) = 1122334455667788\n");
}
END_TEST

START_TEST(results_escape_names_too)
{
    char text[128];
    FILE *f = fmemopen(text, sizeof text, "w");
    hash_result_print(f, "plain", "OK");
    hash_result_print(f, "new\nline", "FAILED");
    fclose(f);
    ck_assert_str_eq(text, "plain: OK\n\\new\\nline: FAILED\n");
}
END_TEST

/* Parses a copy of text; returns whether it was well formed. */
static bool parse(const char *text, bool little_endian, hash_line *out, char *buf)
{
    strcpy(buf, text);
    return hash_line_parse(buf, little_endian, out);
}

static void assert_parsed(const char *text, bool little_endian, mms_hash_algorithm algorithm,
                          const char *name, const char *hex)
{
    char buf[256], got[MMS_HASH_HEX_SIZE];
    hash_line line;
    ck_assert_msg(parse(text, little_endian, &line, buf), "refused: %s", text);
    ck_assert_int_eq(line.digest.algorithm, algorithm);
    ck_assert_str_eq(line.name, name);
    mms_hash_to_hex(&line.digest, false, got);
    ck_assert_str_eq(got, hex);
}

START_TEST(every_form_of_xxhsum_is_read)
{
    assert_parsed("44bc2cf5ad770999  abc", false, MMS_XXH64, "abc", "44bc2cf5ad770999");
    assert_parsed("44BC2CF5AD770999  abc", false, MMS_XXH64, "abc", "44bc2cf5ad770999");
    assert_parsed("44bc2cf5ad770999 *abc", false, MMS_XXH64, "abc", "44bc2cf5ad770999");
    assert_parsed("32d153ff  a  b ", false, MMS_XXH32, "a  b ", "32d153ff");
    assert_parsed("ff53d132  abc", true, MMS_XXH32, "abc", "32d153ff");
    assert_parsed("06b05ab6733a618578af5f94892f3950  abc", false, MMS_XXH128, "abc",
                  "06b05ab6733a618578af5f94892f3950");
    assert_parsed("XXH3_78af5f94892f3950  abc", false, MMS_XXH3_64, "abc", "78af5f94892f3950");
    assert_parsed("XXH3 (abc) = 78af5f94892f3950", false, MMS_XXH3_64, "abc", "78af5f94892f3950");
    assert_parsed("XXH3_LE (abc) = 50392f89945faf78", false, MMS_XXH3_64, "abc",
                  "78af5f94892f3950");
    assert_parsed("XXH32 (abc) = 32d153ff", true, MMS_XXH32, "abc", "32d153ff");
    assert_parsed("XXH64_LE (abc) = 990977adf52cbc44", false, MMS_XXH64, "abc",
                  "44bc2cf5ad770999");
    assert_parsed("XXH128 (p(q) = r) = 06b05ab6733a618578af5f94892f3950", false, MMS_XXH128,
                  "p(q) = r", "06b05ab6733a618578af5f94892f3950");
    assert_parsed("XXH64 () = 44bc2cf5ad770999", false, MMS_XXH64, "", "44bc2cf5ad770999");
    /* xxhsum reads an unknown tag as XXH64. */
    assert_parsed("FOO (abc) = 44bc2cf5ad770999", false, MMS_XXH64, "abc", "44bc2cf5ad770999");
    /* Only the first space separates: the next character is skipped. */
    assert_parsed("44bc2cf5ad770999 abc", false, MMS_XXH64, "bc", "44bc2cf5ad770999");
    /* Escaped names. */
    assert_parsed("\\32d153ff  a\\\\b\\nc\\rd", false, MMS_XXH32, "a\\b\nc\rd", "32d153ff");
    assert_parsed("\\XXH64 (x\\\\n) = 44bc2cf5ad770999", false, MMS_XXH64, "x\\n",
                  "44bc2cf5ad770999");
    /* Without the leading backslash a backslash is part of the name (0.8.1). */
    assert_parsed("32d153ff  a\\nb", false, MMS_XXH32, "a\\nb", "32d153ff");
}
END_TEST

START_TEST(improper_lines_are_refused)
{
    static const char *const bad[] = {
        "",
        "garbage",
        "# a comment is the caller's business",
        " 44bc2cf5ad770999  abc",             /* leading space */
        "44bc2cf5ad770999",                   /* no name */
        "44bc2cf5ad770999 ",                  /* nothing after the space */
        "44bc2cf5ad770999x  abc",             /* 17 digits */
        "44bc2cf5ad77099g  abc",              /* not hexadecimal */
        "44bc2cf5ad7709  abc",                /* 14 digits */
        "XXH4_78af5f94892f3950  abc",         /* a prefix other than XXH3_ */
        "XXH64 (abc) =  44bc2cf5ad770999",    /* two spaces before the hash */
        "XXH64 (abc)= 44bc2cf5ad770999",
        "XXH64  (abc) = 44bc2cf5ad770999",
        "XXH32 (abc) = 44bc2cf5ad770999",     /* 16 digits for XXH32 */
        "XXH128_LE (abc) = 78af5f94892f3950", /* 16 digits for XXH128 */
        "XXH64 (abc) = ",
        "\\32d153ff  a\\qb",                  /* an unknown escape */
        "\\32d153ff  ab\\",                   /* a backslash at the end */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[256];
        hash_line line;
        ck_assert_msg(!parse(bad[i], false, &line, buf), "accepted: '%s'", bad[i]);
    }
}
END_TEST

/* Whatever the name, reading a printed line gives the name and the digest back. */
START_TEST(printed_lines_read_back)
{
    static const char *const names[] = {"plain", "a b", "back\\slash", "new\nline", "cr\rlf",
                                        "\\\\n", "p(q) = r", "stdin"};
    static const mms_hash_algorithm algorithms[] = {MMS_XXH32, MMS_XXH64, MMS_XXH128,
                                                    MMS_XXH3_64};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        for (size_t a = 0; a < 4; a++) {
            for (int style = 0; style < 4; style++) {
                bool bsd = style & 1, le = style & 2;
                char buf[512];
                strcpy(buf, printed(algorithms[a], names[n], bsd, le));
                buf[strlen(buf) - 1] = '\0'; /* the newline */
                hash_line line;
                ck_assert_msg(hash_line_parse(buf, le, &line), "refused its own line %s", buf);
                ck_assert_str_eq(line.name, names[n]);
                mms_hash_digest want = digest_of(algorithms[a]);
                ck_assert_int_eq(line.digest.algorithm, algorithms[a]);
                ck_assert_uint_eq(line.digest.size, want.size);
                ck_assert(memcmp(line.digest.bytes, want.bytes, want.size) == 0);
            }
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hash_lines");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, lines_are_printed_as_xxhsum_prints_them);
    tcase_add_test(tc, results_escape_names_too);
    tcase_add_test(tc, every_form_of_xxhsum_is_read);
    tcase_add_test(tc, improper_lines_are_refused);
    tcase_add_test(tc, printed_lines_read_back);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
