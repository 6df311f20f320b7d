/* testutil.c - helpers shared by the Check suites. */
#include "config.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The temporary directory this process made, removed when it exits. */
static char temp_dir[4096];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS); /* the entries first; no links followed */
}

void tu_remove_temp_dir(void)
{
    if (temp_dir[0])
        remove_tree(temp_dir);
    temp_dir[0] = '\0';
}

/* Makes a new directory mmscan-test-XXXXXX under $TMPDIR (or /tmp) into
 * path; false if it cannot. */
static bool make_temp_dir(char *path, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, size, "%s/mmscan-test-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(path) != NULL;
}

void tu_enter_temp_dir(void)
{
    char path[sizeof temp_dir];
    ck_assert(make_temp_dir(path, sizeof path));
    ck_assert_int_eq(chdir(path), 0);
    ck_assert_ptr_nonnull(getcwd(path, sizeof path)); /* absolute, if TMPDIR was not */
    /* Each test runs in a process of its own (or, without fork, after the
     * one before it): one directory at a time. */
    static bool registered;
    if (!registered)
        registered = atexit(tu_remove_temp_dir) == 0;
    tu_remove_temp_dir();
    snprintf(temp_dir, sizeof temp_dir, "%s", path);
}

mms_wc_counts tu_wc_counts(const unsigned char *data, size_t len)
{
    mms_wc_counts c = {.bytes = len};
    bool in_word = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = data[i];
        if (b == '\n')
            c.lines++;
        if (b == ' ' || (b >= '\t' && b <= '\r'))
            in_word = false; /* white space ends a word */
        else if (b > ' ' && b < 0x7f && !in_word) {
            c.words++; /* a printable byte starts one; other bytes do neither */
            in_word = true;
        }
    }
    return c;
}

unsigned char tu_byte_at(uint64_t offset)
{
    uint64_t x = offset * 0x9E3779B97F4A7C15ull;
    return (unsigned char)(x >> 56 ^ offset);
}

void tu_write_pattern(const char *path, uint64_t at, uint64_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    unsigned char buf[65536];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = tu_byte_at(at + done + i);
        ck_assert_int_eq(pwrite(fd, buf, n, (off_t)(at + done)), (ssize_t)n);
        done += n;
    }
    ck_assert_int_eq(close(fd), 0);
}

void tu_write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

void tu_make_sparse(const char *path, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    ck_assert_int_eq(close(fd), 0);
}

static uint64_t status_field_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    uint64_t kib = 0;
    size_t flen = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            kib = strtoull(line + flen + 1, NULL, 10);
    fclose(f);
    return kib;
}

uint64_t tu_peak_rss(void)
{
    return status_field_kib("VmHWM") * 1024;
}

void tu_reset_peak_rss(void)
{
    /* Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+). */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    ck_assert_ptr_nonnull(f);
    fputs("5", f);
    fclose(f);
}

int tu_run_suite(Suite *suite)
{
    /* The tests' directories go into one made here and removed after the
     * suite, however its tests ended: a failed check ends its test's
     * process at once (_exit), before the test can remove its own. */
    char tests_dir[sizeof temp_dir];
    if (!make_temp_dir(tests_dir, sizeof tests_dir) || setenv("TMPDIR", tests_dir, 1) != 0) {
        perror("the tests' temporary directory");
        return EXIT_FAILURE;
    }
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    remove_tree(tests_dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
