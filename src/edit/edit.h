/*
 * edit.h - what the sources of in-place edits share (private): the edit
 * list, the undo journal, the writable maps.
 */
#ifndef MMSCAN_EDIT_H
#define MMSCAN_EDIT_H

#include "internal.h"

#include <sys/stat.h>

/* ---- the edit list (edits.c) ---- */

#define EDIT_NO_BYTES SIZE_MAX

typedef struct edit_entry {
    uint64_t offset;
    uint64_t length;
    size_t bytes;        /* index of the new bytes in the pool, or EDIT_NO_BYTES for a fill */
    size_t expected;     /* index of the expected old bytes, or EDIT_NO_BYTES */
    unsigned char fill;  /* the byte of a fill */
    bool unchanged;      /* the file already holds the new bytes (set by edit_prepare) */
} edit_entry;

struct mms_edits {
    edit_entry *entries;
    size_t count, capacity;
    unsigned char *pool; /* new and expected bytes of every edit */
    size_t pool_used, pool_capacity;
};

/* Sorts the edits by offset; refuses overlaps and edits past size. */
int edits_sort_and_check(mms_edits *edits, uint64_t size, mms_error *err);

/* Copies n new bytes of entry e, from position pos within it, to out. */
void edit_new_bytes(const mms_edits *edits, const edit_entry *e, uint64_t pos,
                    unsigned char *out, size_t n);

/* The n expected bytes of e from pos, or NULL when e expects nothing. */
const unsigned char *edit_expected_bytes(const mms_edits *edits, const edit_entry *e, uint64_t pos);

/* ---- files and directories (fileops.c) ---- */

/* Reads exactly len bytes at offset; MMS_EIO (or MMS_ETRUNCATED at end of file). */
int edit_pread(int fd, void *buf, size_t len, uint64_t offset, mms_error *err);

/* path made absolute (from the working directory), malloc'ed; NULL when
 * out of memory. */
char *edit_absolute_path(const char *path);

/* The directory part of path ("." when it has none), malloc'ed; NULL when
 * out of memory. */
char *edit_dir_of(const char *path);

/* Writes exactly len bytes at offset; MMS_EIO. */
int edit_pwrite(int fd, const void *buf, size_t len, uint64_t offset, mms_error *err);

/* fsync()s the directory that holds path, so that a new or removed name in
 * it survives a crash. */
int edit_sync_dir(const char *path, mms_error *err);

/* ---- the undo journal (journal.c) ---- */

/* The identity of the edited file, as the journal records it. */
typedef struct journal_identity {
    uint64_t dev, ino, size;
    int64_t mtime_sec;
    uint32_t mtime_nsec;
} journal_identity;

void journal_identity_of(const struct stat *st, journal_identity *out);

/* A journal being written. */
typedef struct journal_writer journal_writer;

/* Removes the journal of a final edit, after giving it the name keep (when
 * not NULL) unless it has it already, and making that name durable.  Its
 * removal is not durable yet: the caller syncs the journal's directory. */
int edit_finish_journal(const char *journal_path, const char *keep, mms_error *err);

/* Creates the journal at path (0600, O_EXCL, O_NOFOLLOW) and writes its header
 * (with keep_path, if not NULL: where the journal goes once the edit is final). */
int journal_create(journal_writer **out, const char *path, const journal_identity *id,
                   const char *file_path, const char *keep_path, mms_edit_step_fn on_step,
                   void *step_ctx, mms_error *err);

/* Records len old bytes at offset and the new bytes that replace them. */
int journal_add(journal_writer *w, uint64_t offset, const unsigned char *old_bytes,
                const unsigned char *new_bytes, size_t len, mms_error *err);

/* Writes the last record of old bytes and the seal, and syncs the journal
 * and its directory: from then on the file may change. */
int journal_seal(journal_writer *w, mms_error *err);

/* The journal's descriptor and its size so far. */
int journal_writer_fd(const journal_writer *w);
uint64_t journal_writer_size(const journal_writer *w);

/* Closes the descriptor and frees the writer (the file stays).  Accepts NULL. */
void journal_writer_free(journal_writer *w);

/* What a journal holds, as read back. */
typedef struct journal_info {
    journal_identity id;
    char *path;            /* the edited file's absolute path (malloc'ed) */
    char *keep_path;       /* NULL, or where the journal is kept once final (malloc'ed) */
    bool sealed;           /* complete: the file may have been changed */
    bool committed;        /* the edit is final */
    bool rolling_back;     /* an undo began */
    uint64_t pieces, bytes;
    uint64_t old_hash;     /* XXH64 of the old bytes of every piece, with their places */
    uint64_t new_hash;     /* the same for the new bytes */
    uint64_t records_end;  /* offset just after the seal */
    uint64_t valid_end;    /* offset just after the last valid record */
} journal_info;

/*
 * Opens the journal name (relative to directory dir, or AT_FDCWD) with
 * flags (O_RDONLY or O_RDWR), only if it is a regular file: never through
 * a symbolic link (ELOOP), never a FIFO, device or socket (EINVAL: one
 * would block the open or do what its driver does).  Returns the
 * descriptor, or -1 with errno set.
 */
int journal_open(int dir, const char *name, int flags);

/*
 * Reads a journal's header and checks its records up to the seal and the
 * marks after it.  A journal cut short before its seal reads as not sealed.
 * MMS_EJOURNAL when the file is not a journal at all.
 */
int journal_read(int fd, journal_info *info, mms_error *err);
void journal_info_release(journal_info *info);

/* Called with each piece of old bytes a journal holds, in file order. */
typedef int (*journal_piece_fn)(void *ctx, uint64_t offset, const unsigned char *bytes,
                                size_t len, mms_error *err);

/* Calls fn for every piece of a sealed journal. */
int journal_for_each_piece(int fd, const journal_info *info, journal_piece_fn fn, void *ctx,
                           mms_error *err);

/* The hash the journal keeps of pieces, computed over what fd holds at
 * their places now (to compare with old_hash or new_hash). */
int journal_hash_file(int journal_fd, const journal_info *info, int file_fd, uint64_t *out,
                      mms_error *err);

/* Writes a mark at offset at (the end of the valid records, after the
 * seal) and cuts anything after it; journal_sync() makes it durable. */
typedef enum journal_mark { JOURNAL_COMMIT, JOURNAL_ROLLBACK } journal_mark;
int journal_append_mark(int fd, uint64_t at, journal_mark mark, mms_error *err);

/* fdatasync()s a journal. */
int journal_sync(int fd, mms_error *err);

/* ---- writing pages (apply.c) ---- */

typedef struct apply_counters {
    uint64_t maps;
} apply_counters;

/*
 * Copies the new bytes of the sorted, checked edits that change bytes into
 * writable MAP_SHARED maps of the pages they touch (at most max_map bytes
 * each), msync()ing each map before unmapping it.
 */
int apply_edits(int fd, const mms_edits *edits, uint64_t max_map, mms_edit_step_fn on_step,
                void *step_ctx, apply_counters *counters, mms_error *err);

/* ---- an open file (session.c) ---- */

struct mms_edit_file {
    int fd;
    struct stat st;        /* at open, refreshed before each edit */
    char *real_path;       /* absolute: what the journal records */
    char *journal_path;    /* the pending journal's place, next to the file */
    char *keep_journal;    /* NULL, or where a committed journal goes */
    mms_edit_options options;
    mms_recovery recovered;
};

/* Calls the step callback of the options, if any. */
void edit_step(const mms_edit_options *options, mms_edit_step step);

/*
 * Writes the old bytes of a sealed journal back into the file (where it
 * does not hold them), syncs it, checks that the targets hold their
 * original bytes again, and removes the journal at journal_path.  A file
 * that another program cut short meanwhile gets its old bytes as far as it
 * reaches, loses the journal and fails with MMS_ETRUNCATED; *cut (if not
 * NULL) tells that case from others.
 */
int edit_rollback(mms_edit_file *file, int journal_fd, const journal_info *info,
                  const char *journal_path, bool *cut, mms_error *err);

#endif
