/*
 * hash_check.c - mmscan hash -c: verifies checksum files written by xxhsum
 * or mmscan, with xxhsum's output on stdout (result lines, unreadable
 * files, the summary) so that scripts see the same text.
 */
#include "config.h"
#include "cli/hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What one checksum file gave. */
typedef struct check_report {
    unsigned long well_formed;
    unsigned long improper;
    unsigned long matched;
    unsigned long mismatched;
    unsigned long unreadable;
} check_report;

/* The input to hash for a name in a checksum file, in *owned (to free)
 * when it is made here; NULL when out of memory. */
static const char *input_of(const char *name, char **owned)
{
    *owned = NULL;
    if (strcmp(name, "stdin") == 0)
        return "-"; /* what xxhsum writes for standard input */
    /* A file named "-", not standard input; a file named "shm:NAME" (as
     * xxhsum lists it) when there is one, else that shared memory object
     * (as mmscan hash lists it). */
    if (strcmp(name, "-") == 0 || (strncmp(name, "shm:", 4) == 0 && access(name, F_OK) == 0)) {
        *owned = malloc(strlen(name) + 3);
        if (*owned)
            sprintf(*owned, "./%s", name);
        return *owned;
    }
    return name;
}

/* Hashes the file of one well-formed line and reports the result. */
static void check_line(mms_engine *engine, const hash_settings *s, const char *sumfile,
                       unsigned long line_number, const hash_line *line, check_report *report)
{
    mms_error err = {.code = MMS_ENOMEM, .message = "out of memory"};
    mms_hash_digest digest;
    char *owned;
    const char *input = input_of(line->name, &owned);
    int rc = input ? hash_input(engine, line->digest.algorithm, input, &digest, &err) : MMS_ENOMEM;
    free(owned);
    if (rc < 0) {
        if (s->ignore_missing && err.code == MMS_EOPEN)
            return;
        report->unreadable++;
        if (!s->status)
            printf("%s:%lu: Could not open or read '%s': %s.\n", sumfile, line_number, line->name,
                   err.message);
        return;
    }
    bool ok = memcmp(digest.bytes, line->digest.bytes, digest.size) == 0;
    if (ok)
        report->matched++;
    else
        report->mismatched++;
    if (!s->status && !(ok && s->quiet))
        hash_result_print(stdout, line->name, ok ? "OK" : "FAILED");
}

static void check_stream(mms_engine *engine, const hash_settings *s, FILE *in,
                         const char *sumfile, check_report *report)
{
    char *text = NULL;
    size_t capacity = 0;
    ssize_t len;
    for (unsigned long line_number = 1; (len = getline(&text, &capacity, in)) >= 0; line_number++) {
        if (len > 0 && text[len - 1] == '\n')
            text[len - 1] = '\0';
        if (text[0] == '#')
            continue; /* a comment */
        hash_line line;
        if (!hash_line_parse(text, s->style.little_endian, &line)) {
            report->improper++;
            if (s->warn)
                cli_error("hash", "'%s': line %lu: improperly formatted checksum line", sumfile,
                          line_number);
            continue;
        }
        report->well_formed++;
        check_line(engine, s, sumfile, line_number, &line, report);
    }
    free(text);
}

/* Prints xxhsum's summary of one checksum file; true if it passed. */
static bool check_summary(const hash_settings *s, const char *sumfile, const check_report *r)
{
    if (r->well_formed == 0) {
        cli_error("hash", "'%s': no properly formatted xxHash checksum lines found", sumfile);
    } else if (!s->status) {
        if (r->improper)
            printf("%lu %s improperly formatted\n", r->improper,
                   cli_plural(r->improper, "line is", "lines are"));
        if (r->unreadable)
            printf("%lu listed %s could not be read\n", r->unreadable,
                   cli_plural(r->unreadable, "file", "files"));
        if (r->mismatched)
            printf("%lu computed %s did NOT match\n", r->mismatched,
                   cli_plural(r->mismatched, "checksum", "checksums"));
    }
    bool passed = r->well_formed > 0 && r->mismatched == 0 && r->unreadable == 0 &&
                  !(s->strict && r->improper > 0);
    if (s->ignore_missing && r->matched == 0) {
        printf("%s: no file was verified\n", sumfile);
        passed = false;
    }
    return passed;
}

int hash_check_files(mms_engine *engine, const hash_settings *settings, char **files,
                     int nfiles)
{
    bool all_passed = true;
    for (int i = 0; i < nfiles; i++) {
        bool is_stdin = strcmp(files[i], "-") == 0;
        const char *sumfile = is_stdin ? "stdin" : files[i];
        FILE *in = is_stdin ? stdin : fopen(files[i], "r");
        if (!in) {
            cli_error("hash", "'%s': %s", sumfile, strerror(errno));
            all_passed = false;
            continue;
        }
        check_report report = {0};
        check_stream(engine, settings, in, sumfile, &report);
        bool unreadable = ferror(in); /* a directory, a read error: its summary says nothing more */
        if (unreadable)
            cli_error("hash", "'%s': %s", sumfile, strerror(errno));
        if (!is_stdin)
            fclose(in);
        all_passed &= !unreadable && check_summary(settings, sumfile, &report);
    }
    return all_passed ? CLI_OK : CLI_FAIL;
}
