/*
 * apply.c - writing edits through writable MAP_SHARED maps of the pages
 * they change.
 *
 * Only the pages that hold changed bytes are written: a map runs from the
 * page of its first edit to the page of the last edit that starts less than
 * max_map bytes after it (the pages between edits are mapped but never
 * touched, so they stay clean); an edit longer than that takes several
 * maps.  Each map is msync()ed before it is unmapped: few maps, so few
 * synchronous writes, each of many pages.  A SIGBUS while copying (the file shrank,
 * or a page in a hole could not be allocated on a full disk) becomes an
 * error, not a crash.  The maps are writable windows (writable_window.c);
 * their failures keep the words of an edit.
 */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* The bytes [begin, end) of the edits from first on, into one map. */
typedef struct map_job {
    const mms_edits *edits;
    size_t first;
    uint64_t begin, end;
    unsigned char *map;
    uint64_t map_offset;
} map_job;

/* Copies the job's new bytes into its map (run under the SIGBUS guard). */
static int copy_into_map(void *arg, mms_error *err)
{
    (void)err;
    const map_job *job = arg;
    for (size_t i = job->first; i < job->edits->count; i++) {
        const edit_entry *e = &job->edits->entries[i];
        if (e->offset >= job->end)
            break;
        if (e->unchanged)
            continue;
        uint64_t lo = e->offset > job->begin ? e->offset : job->begin;
        uint64_t hi = e->offset + e->length < job->end ? e->offset + e->length : job->end;
        edit_new_bytes(job->edits, e, lo - e->offset, job->map + (lo - job->map_offset),
                       (size_t)(hi - lo));
    }
    return 0;
}

static size_t next_changed(const mms_edits *edits, size_t i)
{
    while (i < edits->count && edits->entries[i].unchanged)
        i++;
    return i;
}

/* Maps [job->map_offset, map_end), copies the job's bytes in, syncs, unmaps.
 * Failures are worded for the file being edited. */
static int write_map(int fd, map_job *job, uint64_t map_end, mms_edit_step_fn on_step,
                     void *step_ctx, mms_error *err)
{
    mms_writable_window win;
    mms_error why;
    if (mms_writable_map(&win, fd, job->map_offset, (size_t)(map_end - job->map_offset), &why) < 0)
        return mms_error_set(err, MMS_EIO, why.sys_errno, "cannot map offset %llu for writing: %s",
                             (unsigned long long)job->map_offset, strerror(why.sys_errno));
    /* No read-around: a write fault reads only the page it touches. */
    madvise(win.data, win.len, MADV_RANDOM);
    job->map = win.data;
    int rc = mms_guard_run(win.data, win.len, copy_into_map, job, err);
    if (rc == MMS_ETRUNCATED)
        rc = mms_error_set(err, MMS_ETRUNCATED, EFAULT,
                           "cannot write the page near offset %llu (the file shrank, or no "
                           "space left for a page of a sparse file)",
                           (unsigned long long)job->begin);
    if (rc == 0 && on_step)
        on_step(step_ctx, MMS_STEP_PAGES_CHANGED);
    if (rc == 0 && mms_writable_sync(&win, &why) < 0)
        rc = mms_error_set(err, MMS_EIO, why.sys_errno, "cannot write the pages at offset %llu: %s",
                           (unsigned long long)job->map_offset, strerror(why.sys_errno));
    mms_writable_unmap(&win);
    if (rc == 0 && on_step)
        on_step(step_ctx, MMS_STEP_PAGES_SYNCED);
    return rc;
}

int apply_edits(int fd, const mms_edits *edits, uint64_t max_map, mms_edit_step_fn on_step,
                void *step_ctx, apply_counters *counters, mms_error *err)
{
    uint64_t page = mms_page_size();
    max_map = max_map / page * page;
    if (max_map < page)
        max_map = page;
    int rc = mms_guard_install(err);
    size_t i = next_changed(edits, 0);
    uint64_t pos = i < edits->count ? edits->entries[i].offset : 0;
    while (rc == 0 && i < edits->count) {
        map_job job = {.edits = edits, .first = i, .begin = pos,
                       .map_offset = pos / page * page};
        uint64_t limit = job.map_offset + max_map;
        size_t j = i;
        for (;;) {
            const edit_entry *e = &edits->entries[j];
            uint64_t e_end = e->offset + e->length;
            job.end = e_end < limit ? e_end : limit;
            if (job.end < e_end)
                break; /* the edit goes on in the next map */
            size_t k = next_changed(edits, j + 1);
            if (k == edits->count || edits->entries[k].offset >= limit)
                break;
            j = k;
        }
        rc = write_map(fd, &job, (job.end + page - 1) / page * page, on_step, step_ctx, err);
        counters->maps++;
        const edit_entry *last = &edits->entries[j];
        if (job.end < last->offset + last->length) {
            i = j;
            pos = job.end;
        } else {
            i = next_changed(edits, j + 1);
            pos = i < edits->count ? edits->entries[i].offset : 0;
        }
    }
    return rc;
}
