/*
 * edits.c - the edit list: where bytes change and what they become.  New
 * and expected bytes live in one pool, so that a hundred thousand small
 * edits cost two allocations that grow, not two hundred thousand.
 */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mms_edits_new(mms_edits **out, mms_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
}

void mms_edits_free(mms_edits *edits)
{
    if (!edits)
        return;
    free(edits->entries);
    free(edits->pool);
    free(edits);
}

size_t mms_edits_count(const mms_edits *edits)
{
    return edits->count;
}

/* Room for one more entry and extra pool bytes. */
static int reserve(mms_edits *edits, size_t extra, mms_error *err)
{
    if (edits->count == edits->capacity) {
        size_t n = edits->capacity ? 2 * edits->capacity : 64;
        edit_entry *grown = realloc(edits->entries, n * sizeof *grown);
        if (!grown)
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        edits->entries = grown;
        edits->capacity = n;
    }
    if (extra > SIZE_MAX / 2 - edits->pool_used)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    if (edits->pool_used + extra > edits->pool_capacity) {
        size_t n = edits->pool_capacity ? edits->pool_capacity : 4096;
        while (n < edits->pool_used + extra)
            n *= 2;
        unsigned char *grown = realloc(edits->pool, n);
        if (!grown)
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        edits->pool = grown;
        edits->pool_capacity = n;
    }
    return 0;
}

static int check_range(uint64_t offset, uint64_t length, mms_error *err)
{
    if (length == 0)
        return mms_error_set(err, MMS_EINVAL, 0, "an edit of 0 bytes at offset %llu",
                             (unsigned long long)offset);
    if (offset > UINT64_MAX - length || offset + length > (uint64_t)INT64_MAX)
        return mms_error_set(err, MMS_EINVAL, 0, "an edit at offset %llu is out of range",
                             (unsigned long long)offset);
    return 0;
}

static size_t pool_add(mms_edits *edits, const void *bytes, size_t length)
{
    size_t at = edits->pool_used;
    memcpy(edits->pool + at, bytes, length);
    edits->pool_used += length;
    return at;
}

int mms_edits_add(mms_edits *edits, uint64_t offset, const void *bytes, size_t length,
                  const void *expected, mms_error *err)
{
    int rc = check_range(offset, length, err);
    if (rc == 0)
        rc = reserve(edits, expected ? 2 * length : length, err);
    if (rc < 0)
        return rc;
    edit_entry *e = &edits->entries[edits->count++];
    *e = (edit_entry){.offset = offset, .length = length, .expected = EDIT_NO_BYTES};
    e->bytes = pool_add(edits, bytes, length);
    if (expected)
        e->expected = pool_add(edits, expected, length);
    return 0;
}

int mms_edits_add_fill(mms_edits *edits, uint64_t offset, uint64_t length, unsigned char byte,
                       mms_error *err)
{
    int rc = check_range(offset, length, err);
    if (rc == 0)
        rc = reserve(edits, 0, err);
    if (rc < 0)
        return rc;
    edits->entries[edits->count++] = (edit_entry){
        .offset = offset, .length = length, .bytes = EDIT_NO_BYTES,
        .expected = EDIT_NO_BYTES, .fill = byte};
    return 0;
}

static int by_offset(const void *a, const void *b)
{
    const edit_entry *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

int edits_sort_and_check(mms_edits *edits, uint64_t size, mms_error *err)
{
    if (edits->count > 1)
        qsort(edits->entries, edits->count, sizeof *edits->entries, by_offset);
    for (size_t i = 0; i < edits->count; i++) {
        const edit_entry *e = &edits->entries[i];
        if (e->offset + e->length > size) {
            int rc = mms_error_set(err, MMS_EINVAL, 0,
                                   "the edit of %llu %s at offset %llu reaches past the end "
                                   "of the file (%llu %s); in-place edits keep the length",
                                   (unsigned long long)e->length,
                                   mms_plural(e->length, "byte", "bytes"),
                                   (unsigned long long)e->offset, (unsigned long long)size,
                                   mms_plural(size, "byte", "bytes"));
            if (err)
                err->offset = e->offset;
            return rc;
        }
        if (i > 0 && e[-1].offset + e[-1].length > e->offset) {
            int rc = mms_error_set(err, MMS_EINVAL, 0, "edits at offsets %llu and %llu overlap",
                                   (unsigned long long)e[-1].offset,
                                   (unsigned long long)e->offset);
            if (err)
                err->offset = e->offset;
            return rc;
        }
    }
    return 0;
}

void edit_new_bytes(const mms_edits *edits, const edit_entry *e, uint64_t pos,
                    unsigned char *out, size_t n)
{
    if (e->bytes == EDIT_NO_BYTES)
        memset(out, e->fill, n);
    else
        memcpy(out, edits->pool + e->bytes + pos, n);
}

const unsigned char *edit_expected_bytes(const mms_edits *edits, const edit_entry *e, uint64_t pos)
{
    return e->expected == EDIT_NO_BYTES ? NULL : edits->pool + e->expected + pos;
}
