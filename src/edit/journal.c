/*
 * journal.c - the undo journal of an in-place edit: writing it, reading it
 * back, and the hashes that tie it to the file.
 *
 * Format (integers little-endian):
 *
 *   journal  := magic record*
 *   magic    := "MMSUNDO" 0x01, or 0x02 with a KEEP record      (8 bytes)
 *   record   := tag:u32 size:u32 payload[size] check:u64
 *               check = XXH64(tag, size and payload; seed 0)
 *
 *   tag "HEAD": dev:u64 ino:u64 size:u64 mtime_sec:i64 mtime_nsec:u32,
 *               then the edited file's absolute path (no NUL)
 *   tag "KEEP": the absolute path where the journal is kept once the edit
 *               is final (no NUL); only in a journal to keep
 *   tag "OLDB": raw_size:u32, then one zstd frame of raw_size bytes:
 *               piece*, piece := offset:u64 length:u32 old_bytes[length]
 *   tag "SEAL": pieces:u64 bytes:u64 old_hash:u64 new_hash:u64
 *   tag "DONE": empty: the commit record; the edit is final
 *   tag "UNDO": empty: an undo of the committed edit has begun
 *
 * A journal is HEAD, maybe KEEP, OLDB records (each at most 1 MiB of raw pieces), SEAL,
 * then the marks DONE and UNDO.  old_hash and new_hash are XXH64 over every
 * piece in order as (offset:u64 length:u32 bytes), with the old bytes and
 * with the new bytes: the original and the edited state of the targets.
 *
 * The journal is synced after its SEAL and before the first byte of the
 * file changes, and each mark is synced as it is appended.  Reading stops
 * at the first record that is cut short or fails its check: a crash can
 * only tear the tail, and a journal without a valid SEAL was never followed
 * by a change to the file.
 */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

/* Version 2 is a journal with a KEEP record, which a version-1 reader
 * would stop at, take for unsealed and remove without a rollback: it
 * refuses a version it does not know instead. */
#define MAGIC "MMSUNDO\1"
#define MAGIC_KEEP "MMSUNDO\2"
#define MAGIC_SIZE 8
#define RECORD_HEADER 8
#define RECORD_CHECK 8
#define PIECE_HEADER 12
#define RAW_MAX ((size_t)1 << 20)
#define ZSTD_LEVEL 1
/* The largest payload a reader accepts: a full OLDB record, or a HEAD with a long path. */
#define PAYLOAD_MAX (4 + RAW_MAX + RAW_MAX / 64 + 65536)

#define TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
enum {
    TAG_HEAD = TAG('H', 'E', 'A', 'D'),
    TAG_KEEP = TAG('K', 'E', 'E', 'P'),
    TAG_OLDB = TAG('O', 'L', 'D', 'B'),
    TAG_SEAL = TAG('S', 'E', 'A', 'L'),
    TAG_DONE = TAG('D', 'O', 'N', 'E'),
    TAG_UNDO = TAG('U', 'N', 'D', 'O'),
};

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Hashes a piece's place, as both journal hashes include it. */
static void hash_piece_header(XXH64_state_t *h, uint64_t offset, size_t len)
{
    unsigned char header[PIECE_HEADER];
    put64(header, offset);
    put32(header + 8, (uint32_t)len);
    XXH64_update(h, header, sizeof header);
}

void journal_identity_of(const struct stat *st, journal_identity *out)
{
    out->dev = (uint64_t)st->st_dev;
    out->ino = (uint64_t)st->st_ino;
    out->size = (uint64_t)st->st_size;
    out->mtime_sec = (int64_t)st->st_mtim.tv_sec;
    out->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
}

/* ---- writing ---- */

struct journal_writer {
    int fd;
    uint64_t size;          /* bytes written so far */
    ZSTD_CCtx *cctx;
    unsigned char *raw;     /* pieces not yet written */
    size_t raw_used;
    unsigned char *record;  /* one record being assembled */
    size_t record_capacity;
    XXH64_state_t *old_hash, *new_hash;
    uint64_t pieces, bytes;
    mms_edit_step_fn on_step;
    void *step_ctx;
};

/* Appends the record whose payload is already at w->record + RECORD_HEADER. */
static int write_record(journal_writer *w, uint32_t tag, size_t payload_size, mms_error *err)
{
    unsigned char *r = w->record;
    put32(r, tag);
    put32(r + 4, (uint32_t)payload_size);
    put64(r + RECORD_HEADER + payload_size, XXH64(r, RECORD_HEADER + payload_size, 0));
    size_t total = RECORD_HEADER + payload_size + RECORD_CHECK;
    int rc = edit_pwrite(w->fd, r, total, w->size, err);
    if (rc < 0)
        return rc;
    w->size += total;
    if (w->on_step)
        w->on_step(w->step_ctx, MMS_STEP_JOURNAL_RECORD);
    return 0;
}

static int flush_pieces(journal_writer *w, mms_error *err)
{
    if (w->raw_used == 0)
        return 0;
    unsigned char *payload = w->record + RECORD_HEADER;
    size_t frame = ZSTD_compressCCtx(w->cctx, payload + 4, w->record_capacity - RECORD_HEADER - 4 -
                                     RECORD_CHECK, w->raw, w->raw_used, ZSTD_LEVEL);
    if (ZSTD_isError(frame))
        return mms_error_set(err, MMS_EJOURNAL, 0, "cannot compress the journal: %s",
                             ZSTD_getErrorName(frame));
    put32(payload, (uint32_t)w->raw_used);
    w->raw_used = 0;
    return write_record(w, TAG_OLDB, 4 + frame, err);
}

int journal_create(journal_writer **out, const char *path, const journal_identity *id,
                   const char *file_path, const char *keep_path, mms_edit_step_fn on_step,
                   void *step_ctx, mms_error *err)
{
    *out = NULL;
    size_t path_len = strlen(file_path), keep_len = keep_path ? strlen(keep_path) : 0;
    if (path_len > 65536 || keep_len > 65536)
        return mms_error_set(err, MMS_EINVAL, 0, "path too long for the journal");
    journal_writer *w = calloc(1, sizeof *w);
    if (!w)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    w->fd = -1;
    w->on_step = on_step;
    w->step_ctx = step_ctx;
    w->record_capacity = RECORD_HEADER + 4 + ZSTD_compressBound(RAW_MAX) + RECORD_CHECK + path_len +
                         keep_len + 64;
    w->record = malloc(w->record_capacity);
    w->raw = malloc(RAW_MAX);
    w->cctx = ZSTD_createCCtx();
    w->old_hash = XXH64_createState();
    w->new_hash = XXH64_createState();
    if (!w->record || !w->raw || !w->cctx || !w->old_hash || !w->new_hash) {
        journal_writer_free(w);
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    }
    XXH64_reset(w->old_hash, 0);
    XXH64_reset(w->new_hash, 0);
    /* O_EXCL: never reuse or clobber a journal that is already there.
     * O_NOFOLLOW: a symbolic link planted at the journal's name is refused
     * rather than followed to some other file.  0600: old bytes of the
     * file are private to its editor. */
    w->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        int e = errno;
        journal_writer_free(w);
        return mms_error_set(err, e == EROFS ? MMS_EREADONLY : MMS_EJOURNAL, e,
                             "cannot create the undo journal '%s': %s", path, strerror(e));
    }
    int rc = edit_pwrite(w->fd, keep_path ? MAGIC_KEEP : MAGIC, MAGIC_SIZE, 0, err);
    w->size = MAGIC_SIZE;
    unsigned char *p = w->record + RECORD_HEADER;
    put64(p, id->dev);
    put64(p + 8, id->ino);
    put64(p + 16, id->size);
    put64(p + 24, (uint64_t)id->mtime_sec);
    put32(p + 32, id->mtime_nsec);
    memcpy(p + 36, file_path, path_len);
    if (rc == 0)
        rc = write_record(w, TAG_HEAD, 36 + path_len, err);
    if (rc == 0 && keep_path) {
        memcpy(p, keep_path, keep_len);
        rc = write_record(w, TAG_KEEP, keep_len, err);
    }
    if (rc < 0) {
        journal_writer_free(w);
        unlink(path);
        return rc;
    }
    *out = w;
    return 0;
}

int journal_add(journal_writer *w, uint64_t offset, const unsigned char *old_bytes,
                const unsigned char *new_bytes, size_t len, mms_error *err)
{
    if (w->raw_used + PIECE_HEADER + len > RAW_MAX) {
        int rc = flush_pieces(w, err);
        if (rc < 0)
            return rc;
    }
    unsigned char *p = w->raw + w->raw_used;
    put64(p, offset);
    put32(p + 8, (uint32_t)len);
    memcpy(p + PIECE_HEADER, old_bytes, len);
    w->raw_used += PIECE_HEADER + len;
    hash_piece_header(w->old_hash, offset, len);
    XXH64_update(w->old_hash, old_bytes, len);
    hash_piece_header(w->new_hash, offset, len);
    XXH64_update(w->new_hash, new_bytes, len);
    w->pieces++;
    w->bytes += len;
    return 0;
}

int journal_seal(journal_writer *w, mms_error *err)
{
    int rc = flush_pieces(w, err);
    if (rc < 0)
        return rc;
    unsigned char *p = w->record + RECORD_HEADER;
    put64(p, w->pieces);
    put64(p + 8, w->bytes);
    put64(p + 16, XXH64_digest(w->old_hash));
    put64(p + 24, XXH64_digest(w->new_hash));
    rc = write_record(w, TAG_SEAL, 32, err);
    /* The old bytes must be on disk before the file may change. */
    return rc < 0 ? rc : journal_sync(w->fd, err);
}

int journal_writer_fd(const journal_writer *w)
{
    return w->fd;
}

uint64_t journal_writer_size(const journal_writer *w)
{
    return w->size;
}

void journal_writer_free(journal_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    ZSTD_freeCCtx(w->cctx);
    XXH64_freeState(w->old_hash);
    XXH64_freeState(w->new_hash);
    free(w->raw);
    free(w->record);
    free(w);
}

int journal_append_mark(int fd, uint64_t at, journal_mark mark, mms_error *err)
{
    unsigned char r[RECORD_HEADER + RECORD_CHECK];
    put32(r, mark == JOURNAL_COMMIT ? TAG_DONE : TAG_UNDO);
    put32(r + 4, 0);
    put64(r + RECORD_HEADER, XXH64(r, RECORD_HEADER, 0));
    /* Written where the valid records end, over any torn tail. */
    int rc = edit_pwrite(fd, r, sizeof r, at, err);
    if (rc == 0 && ftruncate(fd, (off_t)(at + sizeof r)) < 0)
        rc = mms_error_sys(err, MMS_EIO, errno);
    return rc;
}

int journal_sync(int fd, mms_error *err)
{
    /* fdatasync: the records' bytes and the journal's size, not its times. */
    if (fdatasync(fd) < 0)
        return mms_error_set(err, MMS_EIO, errno, "cannot sync the undo journal: %s",
                             strerror(errno));
    return 0;
}

/* ---- reading ---- */

/* Walks the records of a journal from its start. */
typedef struct record_reader {
    int fd;
    uint64_t pos;
    unsigned char *buf; /* header, payload and check of the current record */
} record_reader;

/* Reads the next record: 1 and its tag and payload, 0 at the end of the
 * valid records, or a negative code. */
static int next_record(record_reader *r, uint32_t *tag, const unsigned char **payload,
                       size_t *size, mms_error *err)
{
    unsigned char header[RECORD_HEADER];
    ssize_t n = pread(r->fd, header, sizeof header, (off_t)r->pos);
    if (n < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    if (n < (ssize_t)sizeof header)
        return 0;
    *tag = get32(header);
    *size = get32(header + 4);
    if (*size > PAYLOAD_MAX)
        return 0;
    size_t total = RECORD_HEADER + *size + RECORD_CHECK;
    n = pread(r->fd, r->buf, total, (off_t)r->pos);
    if (n < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    if ((size_t)n < total ||
        get64(r->buf + RECORD_HEADER + *size) != XXH64(r->buf, RECORD_HEADER + *size, 0))
        return 0;
    *payload = r->buf + RECORD_HEADER;
    r->pos += total;
    return 1;
}

int journal_open(int dir, const char *name, int flags)
{
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISLNK(st.st_mode) ? ELOOP : EINVAL;
        return -1;
    }
    /* O_NONBLOCK: should a FIFO take the name from now to the open, the
     * open does not wait for a writer (the check below refuses it). */
    int fd = openat(dir, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

/* Positions r after the magic; 1 if the journal starts with it, 0 if it is
 * shorter than the magic (cut short at its creation). */
static int reader_open(record_reader *r, int fd, mms_error *err)
{
    unsigned char magic[MAGIC_SIZE];
    r->fd = fd;
    r->pos = MAGIC_SIZE;
    r->buf = malloc(RECORD_HEADER + PAYLOAD_MAX + RECORD_CHECK);
    if (!r->buf)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    ssize_t n = pread(fd, magic, sizeof magic, 0);
    int rc = 1;
    if (n < 0)
        rc = mms_error_sys(err, MMS_EIO, errno);
    else if (memcmp(magic, MAGIC, (size_t)n) != 0 && memcmp(magic, MAGIC_KEEP, (size_t)n) != 0)
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "not an mmscan undo journal");
    else if (n < MAGIC_SIZE)
        rc = 0;
    if (rc <= 0)
        free(r->buf);
    return rc;
}

int journal_read(int fd, journal_info *info, mms_error *err)
{
    memset(info, 0, sizeof *info);
    record_reader r;
    int rc = reader_open(&r, fd, err);
    if (rc <= 0)
        return rc;
    uint32_t tag;
    const unsigned char *p;
    size_t size;
    bool has_head = false;
    while ((rc = next_record(&r, &tag, &p, &size, err)) > 0) {
        if (!has_head) {
            if (tag != TAG_HEAD || size < 36)
                break;
            info->id.dev = get64(p);
            info->id.ino = get64(p + 8);
            info->id.size = get64(p + 16);
            info->id.mtime_sec = (int64_t)get64(p + 24);
            info->id.mtime_nsec = get32(p + 32);
            info->path = strndup((const char *)p + 36, size - 36);
            if (!info->path) {
                rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
                break;
            }
            has_head = true;
        } else if (!info->sealed && tag == TAG_KEEP && !info->keep_path) {
            info->keep_path = strndup((const char *)p, size);
            if (!info->keep_path) {
                rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
                break;
            }
        } else if (!info->sealed && tag == TAG_OLDB) {
            /* old bytes: read by journal_for_each_piece() */
        } else if (!info->sealed && tag == TAG_SEAL && size == 32) {
            info->sealed = true;
            info->pieces = get64(p);
            info->bytes = get64(p + 8);
            info->old_hash = get64(p + 16);
            info->new_hash = get64(p + 24);
            info->records_end = r.pos;
        } else if (info->sealed && tag == TAG_DONE) {
            info->committed = true;
        } else if (info->sealed && tag == TAG_UNDO) {
            info->rolling_back = true;
        } else {
            break;
        }
        info->valid_end = r.pos;
    }
    free(r.buf);
    if (rc < 0)
        journal_info_release(info);
    return rc < 0 ? rc : 0;
}

void journal_info_release(journal_info *info)
{
    free(info->path);
    info->path = NULL;
    free(info->keep_path);
    info->keep_path = NULL;
}

int journal_for_each_piece(int fd, const journal_info *info, journal_piece_fn fn, void *ctx,
                           mms_error *err)
{
    record_reader r;
    int rc = reader_open(&r, fd, err);
    if (rc <= 0)
        return rc < 0 ? rc : mms_error_set(err, MMS_EJOURNAL, 0, "the undo journal is empty");
    unsigned char *raw = malloc(RAW_MAX);
    if (!raw)
        rc = mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    uint32_t tag;
    const unsigned char *p;
    size_t size;
    uint64_t pieces = 0;
    while (rc >= 0 && r.pos < info->records_end &&
           (rc = next_record(&r, &tag, &p, &size, err)) > 0) {
        if (tag != TAG_OLDB)
            continue;
        size_t raw_size = size >= 4 ? get32(p) : RAW_MAX + 1;
        size_t got = raw_size <= RAW_MAX ? ZSTD_decompress(raw, RAW_MAX, p + 4, size - 4) : 0;
        if (raw_size > RAW_MAX || ZSTD_isError(got) || got != raw_size) {
            rc = mms_error_set(err, MMS_EJOURNAL, 0, "the undo journal has a damaged record");
            break;
        }
        for (size_t at = 0; rc >= 0 && at < raw_size;) {
            if (raw_size - at < PIECE_HEADER ||
                raw_size - at - PIECE_HEADER < get32(raw + at + 8)) {
                rc = mms_error_set(err, MMS_EJOURNAL, 0, "the undo journal has a damaged record");
                break;
            }
            size_t len = get32(raw + at + 8);
            rc = fn(ctx, get64(raw + at), raw + at + PIECE_HEADER, len, err);
            at += PIECE_HEADER + len;
            pieces++;
        }
    }
    if (rc >= 0 && pieces != info->pieces)
        rc = mms_error_set(err, MMS_EJOURNAL, 0, "the undo journal holds %llu pieces, not %llu",
                           (unsigned long long)pieces, (unsigned long long)info->pieces);
    free(raw);
    free(r.buf);
    return rc < 0 ? rc : 0;
}

typedef struct file_hasher {
    int fd;
    XXH64_state_t *hash;
    unsigned char *buf;
} file_hasher;

static int hash_file_piece(void *ctx, uint64_t offset, const unsigned char *bytes, size_t len,
                           mms_error *err)
{
    (void)bytes;
    file_hasher *h = ctx;
    int rc = edit_pread(h->fd, h->buf, len, offset, err);
    if (rc < 0)
        return rc;
    hash_piece_header(h->hash, offset, len);
    XXH64_update(h->hash, h->buf, len);
    return 0;
}

int journal_hash_file(int journal_fd, const journal_info *info, int file_fd, uint64_t *out,
                      mms_error *err)
{
    file_hasher h = {.fd = file_fd, .hash = XXH64_createState(), .buf = malloc(RAW_MAX)};
    int rc = h.hash && h.buf ? 0 : mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    if (rc == 0) {
        XXH64_reset(h.hash, 0);
        rc = journal_for_each_piece(journal_fd, info, hash_file_piece, &h, err);
    }
    if (rc == 0)
        *out = XXH64_digest(h.hash);
    XXH64_freeState(h.hash);
    free(h.buf);
    return rc;
}
