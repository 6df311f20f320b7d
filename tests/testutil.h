/* testutil.h - helpers shared by the Check suites. */
#ifndef MMSCAN_TESTUTIL_H
#define MMSCAN_TESTUTIL_H

#include "mmscan.h"

#include <check.h>

#include <stddef.h>
#include <stdint.h>

/* Makes a fresh empty directory for this test and chdir()s into it; it is
 * removed at the next call or when the process exits normally (a child
 * that is not to remove it ends with _exit(); a failing test ends so too,
 * and keeps its directory to look at). */
void tu_enter_temp_dir(void);

/* Removes that directory now: for a test that ends by a signal. */
void tu_remove_temp_dir(void);

/* What GNU wc counts in data[0 .. len) in the C locale, one byte at a
 * time: the reference the project's counts are checked against. */
mms_wc_counts tu_wc_counts(const unsigned char *data, size_t len);

/* The deterministic test byte at offset (a function of the offset only). */
unsigned char tu_byte_at(uint64_t offset);

/* Writes len bytes of tu_byte_at() content starting at file offset 'at'. */
void tu_write_pattern(const char *path, uint64_t at, uint64_t len);

/* Writes exactly len bytes from data to path (created or truncated). */
void tu_write_file(const char *path, const void *data, size_t len);

/* Makes path a sparse file of size bytes (holes only). */
void tu_make_sparse(const char *path, uint64_t size);

/* The peak resident set size of this process so far, in bytes (VmHWM). */
uint64_t tu_peak_rss(void);

/* Resets the peak RSS counter so that tu_peak_rss() measures from now on. */
void tu_reset_peak_rss(void);

/* Runs a suite and returns the exit status for main(). */
int tu_run_suite(Suite *suite);

#endif
