/*
 * transaction.c - previewing and applying a list of edits, all or nothing:
 * check the edits against the file, journal the old bytes, write the pages,
 * sync, commit, and remove (or keep) the journal.
 */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Edits are read, compared and journaled in pieces of this size. */
#define PIECE ((size_t)64 << 10)

/* Buffers for one piece of old and new bytes. */
typedef struct piece_buffers {
    unsigned char *old_bytes, *new_bytes;
} piece_buffers;

static int buffers_init(piece_buffers *b, mms_error *err)
{
    b->old_bytes = malloc(PIECE);
    b->new_bytes = malloc(PIECE);
    if (b->old_bytes && b->new_bytes)
        return 0;
    free(b->old_bytes);
    free(b->new_bytes);
    return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
}

static void buffers_release(piece_buffers *b)
{
    free(b->old_bytes);
    free(b->new_bytes);
}

/* Called for each piece of an edit, with its old and new bytes. */
typedef int (*piece_fn)(void *ctx, const edit_entry *e, uint64_t pos, size_t n,
                        const piece_buffers *b, mms_error *err);

/* Reads every piece of e and calls fn on it. */
static int for_each_piece(int fd, const mms_edits *edits, const edit_entry *e, piece_buffers *b,
                          piece_fn fn, void *ctx, mms_error *err)
{
    for (uint64_t pos = 0; pos < e->length; pos += PIECE) {
        size_t n = e->length - pos < PIECE ? (size_t)(e->length - pos) : PIECE;
        int rc = edit_pread(fd, b->old_bytes, n, e->offset + pos, err);
        if (rc < 0)
            return rc;
        edit_new_bytes(edits, e, pos, b->new_bytes, n);
        rc = fn(ctx, e, pos, n, b, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* What checking an edit finds out. */
typedef struct edit_check {
    const mms_edits *edits;
    bool changes;
    bool some_expected;    /* a byte is the expected one, not the new one */
    bool some_new;         /* a byte is the new one, not the expected one */
    uint64_t new_at;       /* the first such byte's offset, */
    unsigned char new_byte, expected_byte; /* what it is and what was expected */
} edit_check;

/* Refuses the byte at offset, which is neither the expected one nor the
 * new one, or (mixed) the new one where the edit's others are expected. */
static int refuse_byte(mms_error *err, uint64_t offset, unsigned char byte,
                       unsigned char expected, bool mixed)
{
    int rc = mms_error_set(err, MMS_EMISMATCH, 0,
                           "the byte at offset %llu is 0x%02x, not the expected 0x%02x%s; "
                           "nothing was changed",
                           (unsigned long long)offset, byte, expected,
                           mixed ? " (some of the edit's other bytes are the expected ones)" : "");
    if (err)
        err->offset = offset;
    return rc;
}

static int check_piece(void *ctx, const edit_entry *e, uint64_t pos, size_t n,
                       const piece_buffers *b, mms_error *err)
{
    edit_check *c = ctx;
    const unsigned char *expected = edit_expected_bytes(c->edits, e, pos);
    /* An edit whose bytes are all the new ones already passes too: applied
     * again, it changes nothing, and is not refused.  A mix of expected and
     * new bytes is refused (see check_edit). */
    for (size_t i = 0; expected && i < n; i++) {
        unsigned char byte = b->old_bytes[i];
        if (byte != expected[i] && byte != b->new_bytes[i])
            return refuse_byte(err, e->offset + pos + i, byte, expected[i], false);
        if (byte != b->new_bytes[i])
            c->some_expected = true;
        if (byte != expected[i] && !c->some_new) {
            c->some_new = true;
            c->new_at = e->offset + pos + i;
            c->new_byte = byte;
            c->expected_byte = expected[i];
        }
    }
    if (!c->changes && memcmp(b->old_bytes, b->new_bytes, n) != 0)
        c->changes = true;
    return 0;
}

/* Checks edit e against the file: the bytes it expects, or all its new
 * bytes (a patch applied again), nothing in between. */
static int check_edit(int fd, mms_edits *edits, edit_entry *e, piece_buffers *b,
                      edit_check *check, mms_error *err)
{
    int rc = for_each_piece(fd, edits, e, b, check_piece, check, err);
    if (rc == 0 && check->some_expected && check->some_new)
        rc = refuse_byte(err, check->new_at, check->new_byte, check->expected_byte, true);
    return rc;
}

/* Counts the pages of [offset, offset + length) not counted yet. */
static uint64_t new_pages(uint64_t offset, uint64_t length, uint64_t *last_counted)
{
    uint64_t page = mms_page_size();
    uint64_t first = offset / page, last = (offset + length - 1) / page;
    if (*last_counted != UINT64_MAX && first <= *last_counted)
        first = *last_counted + 1;
    *last_counted = last;
    return last >= first ? last - first + 1 : 0;
}

/*
 * Sorts and checks the edits against the file (bounds, overlaps, expected
 * bytes), marks those whose new bytes are already in place, and counts
 * what the others change.
 */
static int prepare(mms_edit_file *file, mms_edits *edits, piece_buffers *b,
                   mms_edit_result *result, mms_error *err)
{
    memset(result, 0, sizeof *result);
    if (fstat(file->fd, &file->st) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    int rc = edits_sort_and_check(edits, (uint64_t)file->st.st_size, err);
    uint64_t last_page = UINT64_MAX;
    for (size_t i = 0; rc == 0 && i < edits->count; i++) {
        edit_entry *e = &edits->entries[i];
        edit_check check = {.edits = edits};
        rc = check_edit(file->fd, edits, e, b, &check, err);
        e->unchanged = !check.changes;
        if (check.changes) {
            result->edits++;
            result->bytes += e->length;
            result->pages += new_pages(e->offset, e->length, &last_page);
        } else {
            result->unchanged++;
        }
    }
    return rc;
}

typedef struct preview_ctx {
    mms_edit_change_fn on_change;
    void *ctx;
} preview_ctx;

static int show_piece(void *ctx, const edit_entry *e, uint64_t pos, size_t n,
                      const piece_buffers *b, mms_error *err)
{
    const preview_ctx *p = ctx;
    mms_edit_change change = {.offset = e->offset, .length = e->length, .piece = pos,
                              .piece_length = n, .old_bytes = b->old_bytes,
                              .new_bytes = b->new_bytes};
    return p->on_change(p->ctx, &change) ? mms_error_set(err, MMS_EPROC, 0, "preview stopped") : 0;
}

int mms_edit_preview(mms_edit_file *file, mms_edits *edits, mms_edit_change_fn on_change,
                     void *ctx, mms_edit_result *out, mms_error *err)
{
    piece_buffers b;
    mms_edit_result result;
    int rc = buffers_init(&b, err);
    if (rc < 0)
        return rc;
    rc = prepare(file, edits, &b, &result, err);
    preview_ctx p = {.on_change = on_change, .ctx = ctx};
    for (size_t i = 0; rc == 0 && on_change && i < edits->count; i++) {
        if (!edits->entries[i].unchanged)
            rc = for_each_piece(file->fd, edits, &edits->entries[i], &b, show_piece, &p, err);
    }
    if (rc == MMS_EPROC)
        rc = 0; /* the callback asked to stop */
    buffers_release(&b);
    if (rc == 0 && out)
        *out = result;
    return rc;
}

static int journal_piece(void *ctx, const edit_entry *e, uint64_t pos, size_t n,
                         const piece_buffers *b, mms_error *err)
{
    return journal_add(ctx, e->offset + pos, b->old_bytes, b->new_bytes, n, err);
}

/* Writes the journal of the edits that change bytes, sealed and synced. */
static int write_journal(mms_edit_file *file, const mms_edits *edits, piece_buffers *b,
                         journal_writer **out, mms_error *err)
{
    journal_identity id;
    journal_identity_of(&file->st, &id);
    /* Absolute: a recovery may run from another directory. */
    char *keep = file->keep_journal ? edit_absolute_path(file->keep_journal) : NULL;
    if (file->keep_journal && !keep)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    int rc = journal_create(out, file->journal_path, &id, file->real_path, keep,
                            file->options.on_step, file->options.step_ctx, err);
    free(keep);
    for (size_t i = 0; rc == 0 && i < edits->count; i++) {
        if (!edits->entries[i].unchanged)
            rc = for_each_piece(file->fd, edits, &edits->entries[i], b, journal_piece, *out, err);
    }
    if (rc == 0)
        rc = journal_seal(*out, err);
    /* The journal's name must be durable too before the file changes. */
    if (rc == 0)
        rc = edit_sync_dir(file->journal_path, err);
    if (rc == 0)
        edit_step(&file->options, MMS_STEP_JOURNAL_SYNCED);
    if (rc < 0 && *out)
        unlink(file->journal_path); /* the file is untouched: the journal is of no use */
    return rc;
}

/* Whether the entry base of the directory dir_st is the journal's. */
static bool is_journal_name(const struct stat *dir_st, const char *base, const char *journal_path)
{
    char *dir = edit_dir_of(journal_path);
    struct stat st;
    bool same = dir && strcmp(base, strrchr(journal_path, '/') + 1) == 0 &&
                stat(dir, &st) == 0 && st.st_dev == dir_st->st_dev && st.st_ino == dir_st->st_ino;
    free(dir);
    return same;
}

/* A place for a kept journal: new, on the file's file system (so that a
 * link can move the journal there), and not the journal's own name. */
static int check_keep_path(const mms_edit_file *file, mms_error *err)
{
    const char *keep = file->keep_journal;
    struct stat st;
    if (lstat(keep, &st) == 0)
        return mms_error_set(err, MMS_EJOURNAL, EEXIST, "'%s' exists; a kept journal needs a "
                             "new name", keep);
    const char *slash = strrchr(keep, '/');
    char *dir = edit_dir_of(keep);
    int rc = 0;
    if (!dir)
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    else if (stat(dir, &st) < 0)
        rc = mms_error_set(err, MMS_EJOURNAL, errno, "cannot keep the journal in '%s': %s", dir,
                           strerror(errno));
    else if (st.st_dev != file->st.st_dev)
        rc = mms_error_set(err, MMS_EJOURNAL, EXDEV, "a kept journal must be on the file's file "
                           "system ('%s' is not)", dir);
    else if (is_journal_name(&st, slash ? slash + 1 : keep, file->journal_path))
        rc = mms_error_set(err, MMS_EJOURNAL, EEXIST, "'%s' is the journal's own name; a kept "
                           "journal needs another", keep);
    free(dir);
    return rc;
}

/* After the commit: removes the journal, or moves it to the kept place. */
static int finish_journal(mms_edit_file *file, mms_error *err)
{
    int rc = edit_finish_journal(file->journal_path, file->keep_journal, err);
    if (rc == 0)
        rc = edit_sync_dir(file->journal_path, err);
    if (rc == 0)
        edit_step(&file->options, MMS_STEP_JOURNAL_DONE);
    return rc;
}

/* Writes the pages, syncs the file and commits. */
static int write_and_commit(mms_edit_file *file, const mms_edits *edits, journal_writer *w,
                            mms_edit_result *result, mms_error *err)
{
    apply_counters counters = {0};
    uint64_t max_map = file->options.max_map ? file->options.max_map : MMS_DEFAULT_WINDOW;
    int rc = apply_edits(file->fd, edits, max_map, file->options.on_step,
                         file->options.step_ctx, &counters, err);
    result->maps = counters.maps;
    /* fsync after the msyncs: the file's size, times and newly allocated
     * blocks (pages of holes) reach the disk too. */
    if (rc == 0 && fsync(file->fd) < 0)
        rc = mms_error_set(err, MMS_EIO, errno, "cannot sync the file: %s", strerror(errno));
    if (rc == 0)
        edit_step(&file->options, MMS_STEP_FILE_SYNCED);
    if (rc == 0)
        rc = journal_append_mark(journal_writer_fd(w), journal_writer_size(w), JOURNAL_COMMIT, err);
    if (rc == 0)
        edit_step(&file->options, MMS_STEP_COMMIT_WRITTEN);
    if (rc == 0)
        rc = journal_sync(journal_writer_fd(w), err);
    if (rc == 0)
        edit_step(&file->options, MMS_STEP_COMMIT_SYNCED);
    return rc;
}

/* After a failure (err) between the seal and the commit: puts the old
 * bytes back now if possible.  Otherwise the journal stays for the next
 * open, and err says so; a file that another program cut meanwhile gets
 * the rollback's own error, which tells what is left of it. */
static void roll_back_now(mms_edit_file *file, journal_writer *w, mms_error *err)
{
    journal_info info;
    mms_error rollback;
    bool cut = false;
    int rc = journal_read(journal_writer_fd(w), &info, &rollback);
    if (rc == 0 && info.sealed && !info.committed)
        rc = edit_rollback(file, journal_writer_fd(w), &info, file->journal_path, &cut,
                           &rollback);
    journal_info_release(&info);
    if (cut && err) {
        *err = rollback;
    } else if (rc < 0 && err) {
        char cause[sizeof err->message];
        snprintf(cause, sizeof cause, "%s", err->message);
        mms_error_set(err, err->code, err->sys_errno, "%s; the undo journal '%s' keeps the old "
                      "bytes until the file is recovered", cause, file->journal_path);
    }
}

int mms_edit_apply(mms_edit_file *file, mms_edits *edits, mms_edit_result *out, mms_error *err)
{
    if (file->options.read_only)
        return mms_error_set(err, MMS_EREADONLY, EBADF, "the file was opened for a preview only");
    piece_buffers b;
    mms_edit_result result;
    journal_writer *w = NULL;
    int rc = buffers_init(&b, err);
    if (rc < 0)
        return rc;
    rc = prepare(file, edits, &b, &result, err);
    if (rc == 0 && result.edits > 0) {
        if (file->keep_journal)
            rc = check_keep_path(file, err);
        if (rc == 0)
            rc = write_journal(file, edits, &b, &w, err);
        if (rc == 0) {
            result.journal_bytes = journal_writer_size(w);
            rc = write_and_commit(file, edits, w, &result, err);
            if (rc < 0)
                roll_back_now(file, w, err);
            else
                rc = finish_journal(file, err);
        }
    }
    journal_writer_free(w);
    buffers_release(&b);
    if (rc == 0 && out)
        *out = result;
    return rc;
}
