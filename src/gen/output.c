/*
 * output.c - mms_gen_write(): creating the output (a file or a shared
 * memory object), checking the free space, writing it, and cleaning up
 * after a failure.
 */
#include "config.h"
#include "gen/gen_internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define SHM_PREFIX "shm:"

/* An output being made. */
typedef struct output {
    bool shm;
    char *name;      /* what is created: "PATH.partial" or "/NAME" for shm_open() */
    const char *final; /* the file's final path (files only) */
    bool replaces;   /* a file at final is to be replaced */
    uint64_t freed;  /* bytes that replacing it frees */
    bool remove_first; /* the new output needs the old one's blocks: it goes
                          before the writing (else the rename replaces it) */
    int fd;
} output;

/* ---- the bytes: the generator as a write source ---- */

/* One write of the generator's output: what the writing threads share. */
typedef struct generating {
    const mms_gen *gen;
    atomic_uint_least64_t done; /* bytes generated, for progress reports */
} generating;

static int source_fill(void *ctx, uint64_t offset, unsigned char *buf, size_t len,
                       mms_error *err)
{
    generating *g = ctx;
    int rc = mms_gen_fill(g->gen, offset, buf, len, err);
    if (rc == 0 && g->gen->progress) {
        uint64_t done = atomic_fetch_add_explicit(&g->done, len, memory_order_relaxed) + len;
        g->gen->progress(g->gen->progress_ctx, MMS_PROGRESS_WINDOW, done, g->gen->size);
    }
    return rc;
}

/* The kind's data ranges, and the needles planted in its holes. */
static bool source_next_data(void *ctx, uint64_t offset, uint64_t *begin, uint64_t *end)
{
    const mms_gen *gen = ((generating *)ctx)->gen;
    bool found = gen->ops->next_data(gen, offset, begin, end);
    uint64_t at, from = offset >= gen->needle_len ? offset - gen->needle_len + 1 : 0;
    if (mms_gen_next_needle(gen, from, &at) && (!found || at < *begin)) {
        *begin = at;
        *end = at + gen->needle_len;
        found = true;
    }
    return found;
}

/* ---- free space ---- */

/* "1.5 GiB", "512 bytes": a size for a message. */
static void format_size(uint64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(out, size, "%llu bytes", (unsigned long long)bytes);
        return;
    }
    double value = (double)bytes / 1024;
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        unit++;
    }
    snprintf(out, size, "%.1f %s", value, units[unit]);
}

static int check_space(const mms_gen *gen, output *out, mms_error *err)
{
    struct statvfs vfs;
    if (fstatvfs(out->fd, &vfs) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    uint64_t need = gen->ops->data_bytes ? gen->ops->data_bytes(gen) : gen->size;
    uint64_t free_now = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    uint64_t available = free_now + out->freed;
    out->remove_first = need > free_now;
    if (need <= available)
        return 0;
    char need_text[32], available_text[32], missing_text[32];
    format_size(need, need_text, sizeof need_text);
    format_size(available, available_text, sizeof available_text);
    format_size(need - available, missing_text, sizeof missing_text);
    return mms_error_set(err, MMS_EIO, ENOSPC,
                         "not enough free space: %s needed, %s available (%s missing)",
                         need_text, available_text, missing_text);
}

/* ---- creating and removing the output ---- */

static int create_shm(output *out, const char *name, unsigned flags, unsigned mode,
                      mms_error *err)
{
    char path[256];
    int rc = mms_shm_path(name, path, sizeof path, err);
    if (rc < 0)
        return rc;
    if (!(out->name = strdup(path)))
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    out->fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, mode ? mode : 0600);
    if (out->fd < 0 && errno == EEXIST && (flags & MMS_GEN_FORCE)) {
        shm_unlink(path);
        out->fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, mode ? mode : 0600);
    }
    if (out->fd < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    return 0;
}

static int create_file(output *out, const char *path, unsigned flags, unsigned mode,
                       mms_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return mms_error_set(err, MMS_EISDIR, EISDIR, "%s", strerror(EISDIR));
        if (!S_ISREG(st.st_mode))
            return mms_error_set(err, MMS_EOPEN, 0, "exists and is not a regular file");
        if (!(flags & MMS_GEN_FORCE))
            return mms_error_sys(err, MMS_EOPEN, EEXIST);
        out->replaces = true;
        /* Its blocks come back only if no other name holds them. */
        out->freed = st.st_nlink == 1 ? (uint64_t)st.st_blocks * 512 : 0;
    }
    out->final = path;
    size_t len = strlen(path);
    if (!(out->name = malloc(len + sizeof MMS_GEN_PARTIAL_SUFFIX)))
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    memcpy(out->name, path, len);
    memcpy(out->name + len, MMS_GEN_PARTIAL_SUFFIX, sizeof MMS_GEN_PARTIAL_SUFFIX);
    /* O_EXCL: never into a file that is at that name already, nor through
     * a link there (O_CREAT | O_EXCL fails on any link); a partial output
     * of an earlier run is replaced only when the output may be. */
    int open_flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY;
    out->fd = open(out->name, open_flags, mode ? mode : 0666);
    if (out->fd < 0 && errno == EEXIST && (flags & MMS_GEN_FORCE) && unlink(out->name) == 0)
        out->fd = open(out->name, open_flags, mode ? mode : 0666);
    if (out->fd < 0 && errno == EEXIST)
        return mms_error_set(err, MMS_EOPEN, EEXIST, "'%s' is in the way (left by an earlier run?)",
                             out->name);
    if (out->fd < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    return 0;
}

/* Removes what was created, unless it is to be kept. */
static void abandon(output *out, bool keep)
{
    if (out->fd >= 0)
        close(out->fd);
    out->fd = -1;
    if (keep)
        return;
    if (out->shm)
        shm_unlink(out->name);
    else
        unlink(out->name);
}

/* Sizes the output and writes every byte of it. */
static int fill_output(const mms_gen *gen, output *out, mms_error *err)
{
    if (out->replaces && out->remove_first && unlink(out->final) < 0 && errno != ENOENT)
        return mms_error_sys(err, MMS_EOPEN, errno);
    /* ftruncate: the output gets its size at once, as holes; the writers
     * then fill it in any order. */
    if (ftruncate(out->fd, (off_t)gen->size) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    generating g = {.gen = gen};
    atomic_init(&g.done, 0);
    mms_write_source src = {
        .ctx = &g,
        .fill = source_fill,
        .next_data = gen->ops->next_data ? source_next_data : NULL,
    };
    /* MMS_WRITE_AUTO is pwrite, measured with scripts/bench-gen (see the
     * README): into a file, pwrite() from a buffer that stays in the cache
     * was 1.7x to 3x faster than filling MAP_SHARED windows and
     * msync()ing them; into tmpfs it was as fast or up to 1.6x faster (the
     * kernel's page allocation is the limit there; pwrite() skips zeroing
     * the new pages).  pwrite also keeps the resident memory at one small
     * buffer per thread. */
    mms_write_plan plan = {
        .fd = out->fd,
        .size = gen->size,
        .window = gen->window,
        .threads = gen->threads,
        .method = gen->method == MMS_WRITE_MAP ? MMS_WRITE_MAP : MMS_WRITE_PWRITE,
    };
    if (gen->progress)
        gen->progress(gen->progress_ctx, MMS_PROGRESS_START, 0, gen->size);
    int rc = mms_write_output(&plan, &src, err);
    if (gen->progress)
        gen->progress(gen->progress_ctx, MMS_PROGRESS_END, rc == 0 ? gen->size : atomic_load(&g.done),
                      gen->size);
    if (rc < 0)
        return rc;
    int fd = out->fd;
    out->fd = -1;
    if (close(fd) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    if (!out->shm && rename(out->name, out->final) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    return 0;
}

int mms_gen_write(const mms_gen *gen, const char *path, unsigned flags, unsigned mode,
                  mms_error *err)
{
    output out = {.fd = -1};
    out.shm = strncmp(path, SHM_PREFIX, strlen(SHM_PREFIX)) == 0;
    int rc = out.shm ? create_shm(&out, path + strlen(SHM_PREFIX), flags, mode, err)
                     : create_file(&out, path, flags, mode, err);
    if (rc == 0 && (rc = check_space(gen, &out, err)) < 0) {
        abandon(&out, false); /* nothing was written: nothing to keep */
    } else if (rc == 0 && (rc = fill_output(gen, &out, err)) < 0) {
        abandon(&out, (flags & MMS_GEN_KEEP_PARTIAL) != 0);
    }
    free(out.name);
    return rc;
}
