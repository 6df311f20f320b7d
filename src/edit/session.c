/*
 * session.c - opening a file for in-place edits (the refusals and the
 * lock), recovering it from the journal of an edit that was cut short,
 * and undoing a committed edit from a kept journal.
 *
 * Recovery rules, for the journal found next to the file:
 * - no valid seal: the file was never changed; the journal is removed;
 * - sealed, for another file (inode or size differ): refused;
 * - sealed and committed: the edit is final; the journal is removed;
 * - sealed, not committed (or an undo had begun): the old bytes are written
 *   back, the file is synced and checked against the journal's hash of the
 *   original bytes, and the journal is removed.
 * Writing old bytes back is idempotent, so a recovery cut short is simply
 * run again.
 */
#include "config.h"
#include "edit/edit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <xxhash.h>

static const char *const step_names[] = {
    [MMS_STEP_JOURNAL_RECORD] = "journal-record",
    [MMS_STEP_JOURNAL_SYNCED] = "journal-synced",
    [MMS_STEP_PAGES_CHANGED] = "pages-changed",
    [MMS_STEP_PAGES_SYNCED] = "pages-synced",
    [MMS_STEP_FILE_SYNCED] = "file-synced",
    [MMS_STEP_COMMIT_WRITTEN] = "commit-written",
    [MMS_STEP_COMMIT_SYNCED] = "commit-synced",
    [MMS_STEP_JOURNAL_DONE] = "journal-done",
    [MMS_STEP_ROLLBACK_MARKED] = "rollback-marked",
    [MMS_STEP_ROLLBACK_WRITTEN] = "rollback-written",
    [MMS_STEP_ROLLBACK_SYNCED] = "rollback-synced",
};

const char *mms_edit_step_name(mms_edit_step step)
{
    return (unsigned)step < sizeof step_names / sizeof step_names[0] ? step_names[step] : "?";
}

void edit_step(const mms_edit_options *options, mms_edit_step step)
{
    if (options->on_step)
        options->on_step(options->step_ctx, step);
}

/* The longest file name whose journal name is ".NAME.mmscan-undo" within
 * a file name's 255 bytes; a longer NAME keeps its first JOURNAL_NAME_KEEP
 * bytes and gets the XXH64 of all of it, in hex, after them. */
#define JOURNAL_NAME_MAX (255 - (sizeof "..mmscan-undo" - 1))
#define JOURNAL_NAME_KEEP 200

char *mms_edit_journal_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    size_t size = strlen(path) + sizeof "/..mmscan-undo";
    char *out = malloc(size);
    if (!out)
        return NULL;
    if (strlen(base) <= JOURNAL_NAME_MAX)
        snprintf(out, size, "%.*s.%s.mmscan-undo", dir_len, path, base);
    else
        snprintf(out, size, "%.*s.%.*s-%016llx.mmscan-undo", dir_len, path, JOURNAL_NAME_KEEP,
                 base, (unsigned long long)XXH64(base, strlen(base), 0));
    return out;
}

/* Makes a journal's removal durable. */
static int remove_journal_done(const mms_edit_options *options, const char *path,
                               mms_error *err)
{
    int rc = edit_sync_dir(path, err);
    if (rc == 0)
        edit_step(options, MMS_STEP_JOURNAL_DONE);
    return rc;
}

/* Removes a journal and makes its removal durable. */
static int remove_journal(const mms_edit_options *options, const char *path, mms_error *err)
{
    if (unlink(path) < 0)
        return mms_error_set(err, MMS_EJOURNAL, errno, "cannot remove the undo journal '%s': %s",
                             path, strerror(errno));
    return remove_journal_done(options, path, err);
}

/* Whether a and b are the same file (inode). */
static bool same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* Whether the name at path (a link there not followed) is the file st. */
static bool names_file(const char *path, const struct stat *st)
{
    struct stat there;
    return lstat(path, &there) == 0 && same_inode(&there, st);
}

/* Gives the journal the name keep and makes that name durable.  link, not
 * rename: it never replaces a file at keep; the journal may have that name
 * already (a crash between the link and the unlink of the old name). */
static bool link_kept(const char *journal_path, const char *keep)
{
    struct stat journal;
    bool linked = link(journal_path, keep) == 0 ||
                  (errno == EEXIST && stat(journal_path, &journal) == 0 &&
                   names_file(keep, &journal));
    return linked && edit_sync_dir(keep, NULL) == 0;
}

int edit_finish_journal(const char *journal_path, const char *keep, mms_error *err)
{
    if (keep && !link_kept(journal_path, keep))
        return mms_error_set(err, MMS_EJOURNAL, errno, "the edit is complete, but its journal "
                             "stays at '%s' ('%s': %s): move it away, or remove it, to edit "
                             "the file again", journal_path, keep, strerror(errno));
    if (unlink(journal_path) < 0)
        return mms_error_set(err, MMS_EJOURNAL, errno, "the edit is complete, but its journal "
                             "stays at '%s': %s", journal_path, strerror(errno));
    return 0;
}

typedef struct restorer {
    int fd;
    uint64_t size;          /* the file's size now: nothing is written past it */
    bool cut;               /* a piece lay past it: the file was cut short */
    unsigned char *current; /* room for what a piece's bytes hold now */
    size_t room;
} restorer;

/* The stretch of bytes written back or skipped at once: a page, the unit
 * in which an edit that ran out of space left some written, some not. */
#define RESTORE_STEP 4096

/* Writes a piece's old bytes back where the file does not hold them:
 * pages that never changed (a hole of a sparse file, say) are not written,
 * so a rollback does not need free space that the edit did not use. */
static int restore_piece(void *ctx, uint64_t offset, const unsigned char *bytes, size_t len,
                         mms_error *err)
{
    restorer *r = ctx;
    if (offset >= r->size || len > r->size - offset) {
        r->cut = true;
        if (offset >= r->size)
            return 0;
        len = (size_t)(r->size - offset);
    }
    if (len > r->room) {
        unsigned char *room = realloc(r->current, len);
        if (!room)
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        r->current = room;
        r->room = len;
    }
    int rc = edit_pread(r->fd, r->current, len, offset, err);
    /* Each run of steps that differ is written with one call. */
    size_t run = 0; /* start of the run of differing steps before at */
    for (size_t at = 0, step; rc == 0 && at < len; at += step) {
        /* Steps end on the file's page boundaries. */
        step = RESTORE_STEP - (size_t)((offset + at) % RESTORE_STEP);
        if (step > len - at)
            step = len - at;
        bool same = memcmp(r->current + at, bytes + at, step) == 0;
        if (same && run < at)
            rc = edit_pwrite(r->fd, bytes + run, at - run, offset + run, err);
        if (same)
            run = at + step;
    }
    if (rc == 0 && run < len)
        rc = edit_pwrite(r->fd, bytes + run, len - run, offset + run, err);
    return rc;
}

int edit_rollback(mms_edit_file *file, int journal_fd, const journal_info *info,
                  const char *journal_path, bool *cut, mms_error *err)
{
    struct stat st;
    if (fstat(file->fd, &st) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    /* Another program may have cut the file during the edit: growing it
     * back to its old size would fill it with zeros. */
    restorer r = {.fd = file->fd, .size = (uint64_t)st.st_size};
    if (r.size > (uint64_t)file->st.st_size)
        r.size = (uint64_t)file->st.st_size;
    int rc = journal_for_each_piece(journal_fd, info, restore_piece, &r, err);
    free(r.current);
    if (rc < 0)
        return rc;
    edit_step(&file->options, MMS_STEP_ROLLBACK_WRITTEN);
    if (fsync(file->fd) < 0)
        return mms_error_set(err, MMS_EIO, errno, "cannot sync the file: %s", strerror(errno));
    edit_step(&file->options, MMS_STEP_ROLLBACK_SYNCED);
    if (cut)
        *cut = r.cut;
    if (r.cut) {
        /* Its old bytes are back as far as it reaches; the journal, made
         * for a longer file, can do no more. */
        rc = remove_journal(&file->options, journal_path, err);
        return rc < 0 ? rc : mms_error_set(err, MMS_ETRUNCATED, 0,
                                           "another program cut the file to %llu bytes during "
                                           "the edit; the old bytes it still has were put back",
                                           (unsigned long long)r.size);
    }
    uint64_t hash;
    rc = journal_hash_file(journal_fd, info, file->fd, &hash, err);
    if (rc == 0 && hash != info->old_hash)
        rc = mms_error_set(err, MMS_EIO, 0,
                           "the restored bytes differ from the journal's record of them");
    return rc < 0 ? rc : remove_journal(&file->options, journal_path, err);
}

/* Whether the journal was made for this file.  Not its device: the
 * journal lies in the file's own directory, so on its file system, and a
 * device number can change from one boot to the next (loop, USB, LVM). */
static bool same_identity(const journal_identity *id, const struct stat *st)
{
    return id->ino == (uint64_t)st->st_ino && id->size == (uint64_t)st->st_size;
}

/* Refuses the journal at journal_path of an edit of identity id, cut
 * short, for the file now st. */
static int foreign_journal(const char *journal_path, const journal_identity *id,
                           const struct stat *st, mms_error *err)
{
    if (id->ino != (uint64_t)st->st_ino)
        return mms_error_set(err, MMS_EJOURNAL, 0,
                             "the undo journal '%s' belongs to another file (another inode: "
                             "the file was replaced since); remove it if it is stale",
                             journal_path);
    /* The same file, grown or shrunk since: its old bytes may no longer
     * be where the journal says, so they are not put back. */
    return mms_error_set(err, MMS_EJOURNAL, 0,
                         "the undo journal '%s' is of an edit cut short when the file had %llu "
                         "bytes; it has %llu now, so its bytes may be half-edited and are left "
                         "as they are (at %llu bytes again, recover puts the old ones back)",
                         journal_path, (unsigned long long)id->size,
                         (unsigned long long)st->st_size, (unsigned long long)id->size);
}

/* Whether the journal jfd was made by this user. */
static bool own_journal(int jfd)
{
    struct stat js;
    return fstat(jfd, &js) == 0 && js.st_uid == geteuid();
}

/* Fails for the journal at path, which journal_open() could not open. */
static int journal_open_error(const char *path, mms_error *err)
{
    if (errno == EINVAL)
        return mms_error_set(err, MMS_EJOURNAL, 0, "'%s', where the undo journal goes, is not a "
                             "regular file: move it away", path);
    return mms_error_set(err, MMS_EJOURNAL, errno, "cannot open the undo journal '%s': %s", path,
                         strerror(errno));
}

/* Puts the name of the journal at path before the message in err (what
 * journal_read() found wrong with it); returns err's code. */
static int name_journal(const char *path, mms_error *err)
{
    if (!err)
        return MMS_EJOURNAL;
    char why[sizeof err->message];
    memcpy(why, err->message, sizeof why);
    return mms_error_set(err, err->code, err->sys_errno, "undo journal '%s': %s", path, why);
}

/* Deals with the journal of an earlier edit, if there is one, unless it
 * is the journal undoing (the file of an undo: see undo_with). */
static int recover_pending(mms_edit_file *file, const struct stat *undoing, mms_error *err)
{
    /* A symbolic link at the journal's name is not ours. */
    int jfd = journal_open(AT_FDCWD, file->journal_path, O_RDWR);
    if (jfd < 0 && errno == ENOENT)
        return 0;
    if (jfd < 0)
        return journal_open_error(file->journal_path, err);
    struct stat js;
    if (undoing && fstat(jfd, &js) == 0 && same_inode(&js, undoing)) {
        close(jfd);
        return 0;
    }
    journal_info info;
    int rc = journal_read(jfd, &info, err);
    if (rc == MMS_EJOURNAL)
        rc = name_journal(file->journal_path, err);
    if (rc == 0 && file->options.read_only) {
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "an edit of this file was cut short (undo "
                           "journal '%s'); recover it first", file->journal_path);
    } else if (rc == 0 && !info.sealed) {
        rc = remove_journal(&file->options, file->journal_path, err);
        file->recovered = MMS_RECOVERY_DISCARDED;
    } else if (rc == 0 && !same_identity(&info.id, &file->st)) {
        rc = foreign_journal(file->journal_path, &info.id, &file->st, err);
    } else if (rc == 0 && info.committed && !info.rolling_back) {
        /* Final: where it was to be kept, it is kept now, if the journal
         * is this user's own (a journal planted by another user must not
         * make a link anywhere; link() itself keeps to its file system). */
        const char *keep = info.keep_path && own_journal(jfd) ? info.keep_path : NULL;
        rc = edit_finish_journal(file->journal_path, keep, err);
        if (rc == 0)
            rc = remove_journal_done(&file->options, file->journal_path, err);
        file->recovered = MMS_RECOVERY_COMMITTED;
    } else if (rc == 0) {
        rc = edit_rollback(file, jfd, &info, file->journal_path, NULL, err);
        file->recovered = MMS_RECOVERY_ROLLED_BACK;
    }
    journal_info_release(&info);
    close(jfd);
    return rc;
}

/* Opens path as the options say and refuses what must not be edited. */
static int open_checked(mms_edit_file *file, const char *path, mms_error *err)
{
    bool follow = file->options.follow_symlinks, read_only = file->options.read_only;
    struct stat st;
    if (lstat(path, &st) < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    if (S_ISLNK(st.st_mode) && !follow)
        return mms_error_set(err, MMS_ESYMLINK, ELOOP,
                             "is a symbolic link; edits do not follow links unless asked to");
    if (follow && stat(path, &st) < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    if (S_ISDIR(st.st_mode))
        return mms_error_set(err, MMS_EISDIR, EISDIR, "%s", strerror(EISDIR));
    if (!S_ISREG(st.st_mode))
        return mms_error_set(err, MMS_EINVAL, 0, "not a regular file; only files are edited in place");
    if (!read_only && !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
        return mms_error_set(err, MMS_EREADONLY, EACCES, "the file is read-only (no write "
                             "permission); nothing was changed");
    /* O_NOFOLLOW: the path was checked above; a link swapped in since is refused. */
    file->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_NOCTTY | O_CLOEXEC |
                              (follow ? 0 : O_NOFOLLOW));
    if (file->fd < 0) {
        int e = errno;
        if (e == EROFS)
            return mms_error_set(err, MMS_EREADONLY, e, "the file system is read-only; nothing "
                                 "was changed");
        if (e == ELOOP)
            return mms_error_set(err, MMS_ESYMLINK, e, "is a symbolic link");
        return mms_error_sys(err, e == EISDIR ? MMS_EISDIR : MMS_EOPEN, e);
    }
    if (fstat(file->fd, &file->st) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    if (!S_ISREG(file->st.st_mode))
        return mms_error_set(err, MMS_EINVAL, 0, "not a regular file");
    /* flock: an advisory lock that every mmscan editor takes on the file
     * itself (exclusive to edit, shared to preview); LOCK_NB: refuse at
     * once rather than wait for another editor. */
    if (flock(file->fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
        return errno == EWOULDBLOCK
                   ? mms_error_set(err, MMS_ELOCKED, errno,
                                   "another mmscan is editing this file; try again when it is done")
                   : mms_error_sys(err, MMS_EIO, errno);
    return 0;
}

/* Whether name is a journal's name (".NAME.mmscan-undo"). */
static bool looks_like_journal(const char *name)
{
    size_t len = strlen(name), suffix = sizeof ".mmscan-undo" - 1;
    return name[0] == '.' && len > suffix + 1 && strcmp(name + len - suffix, ".mmscan-undo") == 0;
}

/*
 * A file with other hard links may have an unfinished edit under another
 * name: its journal is named after that name.  Returns that name (the
 * path the journal records, or the journal's own name; free() it), or
 * NULL when there is none, or no memory.  The journals beside the file
 * (own_journal is its own) are looked at: hard links in other directories
 * are not.
 */
static char *pending_under_another_name(const struct stat *st, const char *own_journal)
{
    if (st->st_nlink < 2)
        return NULL;
    const char *own_name = strrchr(own_journal, '/') + 1; /* an absolute path */
    char *dir = edit_dir_of(own_journal);
    DIR *d = dir ? opendir(dir) : NULL;
    char *other = NULL;
    for (struct dirent *e; !other && d && (e = readdir(d)) != NULL;) {
        if (!looks_like_journal(e->d_name) || strcmp(e->d_name, own_name) == 0)
            continue;
        /* Neither a link nor a FIFO planted at a journal's name is read. */
        int jfd = journal_open(dirfd(d), e->d_name, O_RDONLY);
        journal_info info;
        if (jfd >= 0 && journal_read(jfd, &info, NULL) == 0) {
            if (info.sealed && !info.committed && info.id.ino == (uint64_t)st->st_ino)
                other = strdup(info.path ? info.path : e->d_name);
            journal_info_release(&info);
        }
        if (jfd >= 0)
            close(jfd);
    }
    if (d)
        closedir(d);
    free(dir);
    return other;
}

/* Editing the file now, then recovering the other name of an unfinished
 * edit, would undo this edit: refused. */
static int refuse_pending_under_another_name(const struct stat *st, const char *journal_path,
                                             mms_error *err)
{
    char *other = pending_under_another_name(st, journal_path);
    if (!other)
        return 0;
    int rc = mms_error_set(err, MMS_EJOURNAL, 0, "an edit of this file through another name "
                           "('%s') was cut short; recover that name first", other);
    free(other);
    return rc;
}

char *mms_edit_pending_elsewhere(const char *path)
{
    char *real = realpath(path, NULL);
    char *journal = real ? mms_edit_journal_path(real) : NULL;
    struct stat st;
    char *other = journal && stat(real, &st) == 0 ? pending_under_another_name(&st, journal) : NULL;
    free(real);
    free(journal);
    return other;
}

/* mms_edit_open(), leaving alone the journal undoing (NULL: none) if it is
 * the file's own. */
static int open_file(mms_edit_file **out, const char *path, const mms_edit_options *options,
                     const struct stat *undoing, mms_error *err)
{
    static const mms_edit_options defaults;
    mms_edit_file *file = calloc(1, sizeof *file);
    *out = NULL;
    if (!file)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    file->fd = -1;
    file->options = options ? *options : defaults;
    int rc = open_checked(file, path, err);
    if (rc == 0) {
        file->real_path = realpath(path, NULL);
        if (!file->real_path)
            rc = mms_error_sys(err, MMS_EOPEN, errno);
    }
    if (rc == 0) {
        file->journal_path = mms_edit_journal_path(file->real_path);
        if (file->options.keep_journal)
            file->keep_journal = strdup(file->options.keep_journal);
        file->options.keep_journal = file->keep_journal;
        if (!file->journal_path || (options && options->keep_journal && !file->keep_journal))
            rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    if (rc == 0)
        rc = recover_pending(file, undoing, err);
    if (rc == 0)
        rc = refuse_pending_under_another_name(&file->st, file->journal_path, err);
    if (rc < 0) {
        mms_edit_close(file);
        return rc;
    }
    *out = file;
    return 0;
}

int mms_edit_open(mms_edit_file **out, const char *path, const mms_edit_options *options,
                  mms_error *err)
{
    return open_file(out, path, options, NULL, err);
}

void mms_edit_close(mms_edit_file *file)
{
    if (!file)
        return;
    if (file->fd >= 0)
        close(file->fd); /* also releases the lock */
    free(file->real_path);
    free(file->journal_path);
    free(file->keep_journal);
    free(file);
}

int mms_edit_fd(const mms_edit_file *file)
{
    return file->fd;
}

mms_recovery mms_edit_recovered(const mms_edit_file *file)
{
    return file->recovered;
}

int mms_edit_recover(const char *path, const mms_edit_options *options, mms_recovery *out,
                     mms_error *err)
{
    /* Without a journal there is nothing to do, even to a file that could
     * not be edited (read-only, say). */
    char *real = realpath(path, NULL);
    char *journal = real ? mms_edit_journal_path(real) : NULL;
    struct stat st;
    bool none = journal && lstat(journal, &st) < 0 && errno == ENOENT;
    free(real);
    *out = MMS_RECOVERY_NONE;
    int rc = 0;
    if (none && stat(path, &st) == 0) {
        /* Nothing here, but an edit through another hard link may wait. */
        rc = refuse_pending_under_another_name(&st, journal, err);
    } else if (!none) {
        mms_edit_options recovering = options ? *options : (mms_edit_options){0};
        recovering.read_only = false;
        mms_edit_file *file;
        rc = mms_edit_open(&file, path, &recovering, err);
        *out = rc == 0 ? file->recovered : MMS_RECOVERY_NONE;
        mms_edit_close(file);
    }
    if (rc == MMS_EREADONLY && journal && err)
        /* Say what waits, not only why it cannot be done now. */
        mms_error_set(err, rc, err->sys_errno, "an edit of this file was cut short and its "
                      "undo journal '%s' waits, but the file is read-only; make it writable "
                      "to recover it", journal);
    free(journal);
    return rc;
}

/*
 * Gives the kept journal (js) the file's own journal name too, for as long
 * as the undo runs: an undo cut short then stays in sight of every later
 * edit and recover of the file, which finish it first, and of the reads,
 * which warn.  A resumed undo finds that name still on its journal, so
 * nothing else touched the file since (a resumed undo cannot check the
 * bytes, some of them old already).
 */
static int hold_journal_name(const mms_edit_file *file, const char *journal, mms_error *err)
{
    if (link(journal, file->journal_path) < 0)
        return mms_error_set(err, MMS_EJOURNAL, errno, "cannot give the journal the name '%s' "
                             "beside the file while the undo runs (it must be on the file's file "
                             "system); nothing was changed: %s", file->journal_path,
                             strerror(errno));
    return edit_sync_dir(file->journal_path, err);
}

/* Undoes a committed edit with the kept journal jfd. */
static int undo_with(int jfd, const journal_info *info, const char *journal,
                     const mms_edit_options *options, mms_error *err)
{
    mms_edit_options editing = *options;
    editing.read_only = false;
    editing.keep_journal = NULL;
    /* The journal may be the file's own (an edit that ended without
     * removing it, or an undo cut short that holds that name): opening
     * the file must not finish it first. */
    struct stat js;
    if (fstat(jfd, &js) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    mms_edit_file *file;
    int rc = open_file(&file, info->path, &editing, &js, err);
    if (rc < 0)
        return rc;
    if (!same_identity(&info->id, &file->st))
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "the journal belongs to another file at '%s' "
                           "(inode or size differ)", info->path);
    /* The file's own journal name is on this journal: it is that name, or
     * holds it for an undo cut short (see hold_journal_name). */
    bool named = names_file(file->journal_path, &js);
    uint64_t hash;
    if (rc == 0 && !info->rolling_back) {
        rc = journal_hash_file(jfd, info, file->fd, &hash, err);
        if (rc == 0 && hash != info->new_hash)
            rc = mms_error_set(err, MMS_EMISMATCH, 0, "the file changed since the edit, so "
                               "the old bytes no longer fit; nothing was changed");
        if (rc == 0 && !named)
            rc = hold_journal_name(file, journal, err);
        if (rc == 0)
            rc = journal_append_mark(jfd, info->valid_end, JOURNAL_ROLLBACK, err);
        if (rc == 0)
            rc = journal_sync(jfd, err);
        if (rc == 0)
            edit_step(&file->options, MMS_STEP_ROLLBACK_MARKED);
    } else if (rc == 0 && !named) {
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "this undo was cut short, then finished by "
                           "a recovery of the file, which may have changed since; nothing was "
                           "written");
    }
    if (rc == 0)
        rc = edit_rollback(file, jfd, info, journal, NULL, err);
    /* The held name, unless journal was that name itself (removed now). */
    if (rc == 0 && names_file(file->journal_path, &js))
        rc = remove_journal(&file->options, file->journal_path, err);
    mms_edit_close(file);
    return rc;
}

int mms_edit_undo(const char *journal, const mms_edit_options *options, char **path_out,
                  mms_error *err)
{
    static const mms_edit_options defaults;
    if (path_out)
        *path_out = NULL;
    int jfd = journal_open(AT_FDCWD, journal, O_RDWR);
    if (jfd < 0 && errno == EINVAL)
        return mms_error_set(err, MMS_EJOURNAL, 0, "not a regular file, so not an undo journal");
    if (jfd < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    journal_info info;
    int rc = journal_read(jfd, &info, err);
    if (rc == 0 && !info.path)
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "an empty undo journal");
    if (rc == 0 && !info.committed && !info.rolling_back)
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "the journal of an edit that did not finish: "
                           "recover '%s' instead", info.path);
    if (rc == 0)
        rc = undo_with(jfd, &info, journal, options ? options : &defaults, err);
    if (path_out && info.path) {
        *path_out = info.path;
        info.path = NULL;
    }
    journal_info_release(&info);
    close(jfd);
    return rc;
}
