/* check_size.c - sizes with suffixes. */
#include "config.h"
#include "internal.h"
#include "testutil.h"

#include <stdlib.h>

static uint64_t parsed(const char *text)
{
    uint64_t value = 0;
    mms_error err;
    ck_assert_msg(mms_parse_size(text, &value, &err) == 0, "'%s': %s", text, err.message);
    return value;
}

START_TEST(plain_and_suffixed_sizes)
{
    ck_assert_uint_eq(parsed("0"), 0);
    ck_assert_uint_eq(parsed("4096"), 4096);
    ck_assert_uint_eq(parsed("4K"), 4096);
    ck_assert_uint_eq(parsed("4k"), 4096);
    ck_assert_uint_eq(parsed("64M"), 64ull << 20);
    ck_assert_uint_eq(parsed("64MiB"), 64ull << 20);
    ck_assert_uint_eq(parsed("2G"), 2ull << 30);
    ck_assert_uint_eq(parsed("1.5G"), 3ull << 29);
    ck_assert_uint_eq(parsed("0.25K"), 256);
    ck_assert_uint_eq(parsed("3T"), 3ull << 40);
    ck_assert_uint_eq(parsed("1P"), 1ull << 50);
    ck_assert_uint_eq(parsed("100B"), 100);
    ck_assert_uint_eq(parsed("18446744073709551615"), UINT64_MAX);
}
END_TEST

START_TEST(junk_is_refused)
{
    static const char *const bad[] = {"", " 1", "1 ", "-1", "+1", "K", "1X", "1KB2", "1..5K",
                                      "1.5", "1e3", "18446744073709551616", "20000P", "1.K",
                                      "1.5e1K", "1.5E3M", "1.0x1K"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t value = 7;
        mms_error err;
        ck_assert_msg(mms_parse_size(bad[i], &value, &err) == MMS_EINVAL, "accepted '%s'", bad[i]);
        ck_assert_int_eq(err.code, MMS_EINVAL);
        ck_assert_uint_eq(value, 7);
    }
}
END_TEST

START_TEST(error_strings)
{
    ck_assert_str_eq(mms_strerror(MMS_ETRUNCATED), "file truncated while being scanned");
    ck_assert_str_eq(mms_strerror(12345), "unknown error");
    mms_error err;
    mms_error_clear(&err);
    ck_assert_int_eq(err.code, 0);
    ck_assert_str_eq(err.message, "");
    mms_error_clear(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("size");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, plain_and_suffixed_sizes);
    tcase_add_test(tc, junk_is_refused);
    tcase_add_test(tc, error_strings);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
