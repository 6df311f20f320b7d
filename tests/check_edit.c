/*
 * check_edit.c - in-place edits through the library: random edits against
 * a copy edited in memory, maps of one page, previews that write nothing,
 * the replace processor, and a crash at every durable step (a child
 * process that dies there) followed by recovery.
 */
#include "config.h"
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_SIZE (5 * 4096 + 123)

static unsigned char *read_all(const char *path, size_t *len)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return buf;
}

static void assert_file_is(const char *path, const unsigned char *want, size_t len)
{
    size_t got_len;
    unsigned char *got = read_all(path, &got_len);
    ck_assert_uint_eq(got_len, len);
    for (size_t i = 0; i < len; i++) {
        if (got[i] != want[i])
            ck_abort_msg("byte %zu is 0x%02x, want 0x%02x", i, got[i], want[i]);
    }
    free(got);
}

/* Adds edits of random places and kinds to list and applies them to mem. */
static void random_edits(mms_edits *list, unsigned char *mem, size_t size, unsigned seed)
{
    srand(seed);
    size_t at = (size_t)rand() % 7;
    while (at < size) {
        size_t len = 1 + (size_t)rand() % (rand() % 4 ? 9 : 6000);
        if (at + len > size)
            len = size - at;
        if (rand() % 3 == 0) {
            unsigned char byte = (unsigned char)rand();
            ck_assert_int_eq(mms_edits_add_fill(list, at, len, byte, NULL), 0);
            memset(mem + at, byte, len);
        } else {
            unsigned char *bytes = malloc(len);
            for (size_t i = 0; i < len; i++)
                bytes[i] = (unsigned char)rand();
            ck_assert_int_eq(mms_edits_add(list, at, bytes, len, NULL, NULL), 0);
            memcpy(mem + at, bytes, len);
            free(bytes);
        }
        at += len + (size_t)rand() % 5000;
    }
}

START_TEST(random_edits_match_a_copy_edited_in_memory)
{
    tu_enter_temp_dir();
    for (unsigned seed = 1; seed <= 12; seed++) {
        tu_write_pattern("f", 0, FILE_SIZE);
        size_t len;
        unsigned char *mem = read_all("f", &len);
        mms_edits *list;
        ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
        random_edits(list, mem, len, seed);
        /* one page per map for half the seeds: edits cut across maps */
        mms_edit_options options = {.max_map = seed % 2 ? 4096 : 0};
        mms_edit_file *file;
        mms_error err;
        ck_assert_int_eq(mms_edit_open(&file, "f", &options, &err), 0);
        mms_edit_result result;
        ck_assert_msg(mms_edit_apply(file, list, &result, &err) == 0, "%s", err.message);
        ck_assert_uint_gt(result.maps, 0);
        mms_edit_close(file);
        assert_file_is("f", mem, len);
        ck_assert_int_eq(access(".f.mmscan-undo", F_OK), -1);
        mms_edits_free(list);
        free(mem);
    }
}
END_TEST

START_TEST(preview_writes_nothing_and_counts_pages)
{
    tu_enter_temp_dir();
    tu_write_pattern("f", 0, FILE_SIZE);
    size_t len;
    unsigned char *before = read_all("f", &len);
    mms_edits *list;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_edits_add(list, 4095, "xy", 2, NULL, NULL), 0);     /* pages 0 and 1 */
    ck_assert_int_eq(mms_edits_add_fill(list, 0, 3, 0xee, NULL), 0);         /* page 0 */
    ck_assert_int_eq(mms_edits_add(list, len - 1, "z", 1, NULL, NULL), 0);   /* the last byte */
    unsigned char same = tu_byte_at(9000);
    ck_assert_int_eq(mms_edits_add(list, 9000, &same, 1, NULL, NULL), 0);    /* no change */
    mms_edit_options options = {.read_only = true};
    mms_edit_file *file;
    mms_error err;
    ck_assert_int_eq(mms_edit_open(&file, "f", &options, &err), 0);
    mms_edit_result result;
    ck_assert_int_eq(mms_edit_preview(file, list, NULL, NULL, &result, &err), 0);
    ck_assert_uint_eq(result.edits, 3);
    ck_assert_uint_eq(result.unchanged, 1);
    ck_assert_uint_eq(result.bytes, 6);
    ck_assert_uint_eq(result.pages, 3);
    ck_assert_int_eq(mms_edit_apply(file, list, &result, &err), MMS_EREADONLY);
    mms_edit_close(file);
    assert_file_is("f", before, len);
    mms_edits_free(list);
    free(before);
}
END_TEST

START_TEST(bad_edit_lists_are_refused_before_any_write)
{
    tu_enter_temp_dir();
    tu_write_pattern("f", 0, 100);
    mms_edits *list;
    mms_error err;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_edits_add(list, 0, "a", 0, NULL, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_edits_add_fill(list, UINT64_MAX - 1, 5, 0, &err), MMS_EINVAL);
    ck_assert_int_eq(mms_edits_count(list), 0);
    unsigned char wrong = (unsigned char)(tu_byte_at(50) + 1);
    ck_assert_int_eq(mms_edits_add(list, 50, "q", 1, &wrong, NULL), 0);
    mms_edit_file *file;
    ck_assert_int_eq(mms_edit_open(&file, "f", NULL, &err), 0);
    ck_assert_int_eq(mms_edit_apply(file, list, NULL, &err), MMS_EMISMATCH);
    ck_assert_uint_eq(err.offset, 50);
    mms_edits_free(list);
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_edits_add(list, 10, "abc", 3, NULL, NULL), 0);
    ck_assert_int_eq(mms_edits_add(list, 12, "d", 1, NULL, NULL), 0);
    ck_assert_int_eq(mms_edit_apply(file, list, NULL, &err), MMS_EINVAL);
    mms_edits_free(list);
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_edits_add(list, 99, "ab", 2, NULL, NULL), 0);
    ck_assert_int_eq(mms_edit_apply(file, list, NULL, &err), MMS_EINVAL);
    mms_edit_close(file);
    mms_edits_free(list);
    unsigned char want[100];
    for (int i = 0; i < 100; i++)
        want[i] = tu_byte_at((uint64_t)i);
    assert_file_is("f", want, 100);
    ck_assert_int_eq(access(".f.mmscan-undo", F_OK), -1);
}
END_TEST

START_TEST(replace_processor_pads_and_refuses_other_lengths)
{
    tu_enter_temp_dir();
    tu_write_file("f", "one two three two", 17);
    const char *pat = "t[a-z]+";
    mms_search_spec spec = {.patterns = &pat, .count = 1, .syntax = MMS_SEARCH_EXTENDED};
    mms_pattern *pattern;
    mms_error err;
    ck_assert_int_eq(mms_pattern_new(&pattern, &spec, &err), 0);
    mms_replace_options options = {.replacement = "X", .length = 1, .pad = true,
                                   .pad_byte = '.', .max_edits = MMS_REPLACE_UNLIMITED};
    mms_edits *list;
    mms_processor *proc;
    mms_engine *engine;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_replace_new(&proc, pattern, &options, list, &err), 0);
    ck_assert_int_eq(mms_engine_new(&engine, &err), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, &err), 0);
    ck_assert_int_eq(mms_engine_scan_path(engine, "f", &err), 0);
    ck_assert_uint_eq(mms_edits_count(list), 3);
    mms_edit_file *file;
    ck_assert_int_eq(mms_edit_open(&file, "f", NULL, &err), 0);
    ck_assert_int_eq(mms_edit_apply(file, list, NULL, &err), 0);
    mms_edit_close(file);
    assert_file_is("f", (const unsigned char *)"one X.. X.... X..", 17);
    mms_engine_clear(engine);
    mms_processor_free(proc);
    mms_edits_free(list);

    options.pad = false;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_replace_new(&proc, pattern, &options, list, &err), 0);
    ck_assert_int_eq(mms_engine_add(engine, proc, &err), 0);
    tu_write_file("g", "a tee", 5);
    ck_assert_int_eq(mms_engine_scan_path(engine, "g", &err), MMS_EINVAL);
    ck_assert_uint_eq(err.offset, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "keep the file's length"));
    mms_engine_free(engine);
    mms_processor_free(proc);
    mms_edits_free(list);
    mms_pattern_free(pattern);
}
END_TEST

/* Writes "f" (FILE_SIZE bytes) and makes random edits of it: *orig gets
 * its bytes, *edited the same with the edits applied. */
static mms_edits *random_edit_case(unsigned seed, unsigned char **orig, unsigned char **edited,
                                   size_t *len)
{
    tu_write_pattern("f", 0, FILE_SIZE);
    *orig = read_all("f", len);
    *edited = malloc(*len);
    memcpy(*edited, *orig, *len);
    mms_edits *list;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    random_edits(list, *edited, *len, seed);
    return list;
}

/* ---- a crash at every step ---- */

static int die_at, steps;

static void die_at_step(void *ctx, mms_edit_step step)
{
    (void)ctx;
    (void)step;
    if (++steps == die_at)
        _exit(42); /* no cleanup, no flush: as a kill */
}

/* Runs the edit in a child that dies at step n; returns whether it died. */
static bool edit_dying_at(int n, const mms_edits *list)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        die_at = n;
        mms_edit_options options = {.max_map = 4096, .on_step = die_at_step};
        mms_edit_file *file;
        if (mms_edit_open(&file, "f", &options, NULL) < 0 ||
            mms_edit_apply(file, (mms_edits *)list, NULL, NULL) < 0)
            _exit(1);
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_ne(WEXITSTATUS(status), 1);
    return WEXITSTATUS(status) == 42;
}

START_TEST(a_crash_at_any_step_recovers_to_the_original_or_the_edit)
{
    tu_enter_temp_dir();
    size_t len;
    unsigned char *orig, *edited;
    mms_edits *list = random_edit_case(99, &orig, &edited, &len);
    int n = 1;
    bool committed = false;
    while (edit_dying_at(n, list)) {
        mms_recovery done;
        mms_error err;
        ck_assert_msg(mms_edit_recover("f", NULL, &done, &err) == 0, "%s", err.message);
        if (done == MMS_RECOVERY_COMMITTED || (committed && done == MMS_RECOVERY_NONE))
            committed = true;
        ck_assert_msg(!committed || done != MMS_RECOVERY_ROLLED_BACK, "rolled back after commit");
        assert_file_is("f", committed ? edited : orig, len);
        tu_write_file("f", orig, len);
        n++;
    }
    ck_assert_msg(committed, "no step after the commit");
    ck_assert_int_ge(n, 10);
    assert_file_is("f", edited, len);
    mms_edits_free(list);
    free(orig);
    free(edited);
}
END_TEST

/* Another program cuts the file to 8 KiB once the first map of the edit is
 * on disk. */
static void cut_after_first_map(void *ctx, mms_edit_step step)
{
    bool *cut = ctx;
    if (step == MMS_STEP_PAGES_SYNCED && !*cut) {
        *cut = true;
        ck_assert_int_eq(truncate("f", 8192), 0);
    }
}

START_TEST(a_file_cut_during_the_edit_keeps_its_old_bytes_and_its_new_size)
{
    tu_enter_temp_dir();
    size_t len;
    unsigned char *orig, *edited;
    mms_edits *list = random_edit_case(7, &orig, &edited, &len);
    bool cut = false;
    mms_edit_options options = {.max_map = 4096, .on_step = cut_after_first_map, .step_ctx = &cut};
    mms_edit_file *file;
    mms_error err;
    ck_assert_int_eq(mms_edit_open(&file, "f", &options, NULL), 0);
    ck_assert_int_eq(mms_edit_apply(file, list, NULL, &err), MMS_ETRUNCATED);
    mms_edit_close(file);
    ck_assert(cut);
    ck_assert_msg(strstr(err.message, "cut the file to 8192 bytes") != NULL, "%s", err.message);
    /* Not grown back with zeros: the old bytes, as far as the file reaches. */
    assert_file_is("f", orig, 8192);
    ck_assert_int_eq(access(".f.mmscan-undo", F_OK), -1);
    mms_edits_free(list);
    free(orig);
    free(edited);
}
END_TEST

START_TEST(a_journal_torn_before_its_seal_is_discarded)
{
    tu_enter_temp_dir();
    tu_write_pattern("f", 0, 8192);
    size_t len;
    unsigned char *orig = read_all("f", &len);
    mms_edits *list;
    ck_assert_int_eq(mms_edits_new(&list, NULL), 0);
    ck_assert_int_eq(mms_edits_add_fill(list, 100, 5000, 0, NULL), 0);
    ck_assert(edit_dying_at(2, list)); /* after the record of old bytes, before the seal */
    struct stat st;
    ck_assert_int_eq(stat(".f.mmscan-undo", &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(truncate(".f.mmscan-undo", st.st_size - 3), 0); /* torn tail */
    mms_recovery done;
    ck_assert_int_eq(mms_edit_recover("f", NULL, &done, NULL), 0);
    ck_assert_int_eq(done, MMS_RECOVERY_DISCARDED);
    assert_file_is("f", orig, len);
    ck_assert_int_eq(access(".f.mmscan-undo", F_OK), -1);
    mms_edits_free(list);
    free(orig);
}
END_TEST

static Suite *edit_suite(void)
{
    Suite *s = suite_create("edit");
    TCase *tc = tcase_create("edit");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_edits_match_a_copy_edited_in_memory);
    tcase_add_test(tc, preview_writes_nothing_and_counts_pages);
    tcase_add_test(tc, bad_edit_lists_are_refused_before_any_write);
    tcase_add_test(tc, replace_processor_pads_and_refuses_other_lengths);
    tcase_add_test(tc, a_crash_at_any_step_recovers_to_the_original_or_the_edit);
    tcase_add_test(tc, a_journal_torn_before_its_seal_is_discarded);
    tcase_add_test(tc, a_file_cut_during_the_edit_keeps_its_old_bytes_and_its_new_size);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(edit_suite());
}
