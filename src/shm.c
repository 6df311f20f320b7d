/*
 * shm.c - POSIX shared memory objects: their names, listing and removal.
 *
 * POSIX has no call that lists shared memory objects.  On Linux, shm_open()
 * keeps them as files of the tmpfs mounted on /dev/shm, beside the named
 * semaphores ("sem.NAME"), so the listing reads that directory.
 */
#include "config.h"
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define SHM_DIRECTORY "/dev/shm"
#define SHM_PREFIX "shm:"

int mms_shm_path(const char *name, char *out, size_t size, mms_error *err)
{
    const char *bare = name + (name[0] == '/');
    if (bare[0] == '\0' || strchr(bare, '/') || strcmp(bare, ".") == 0 || strcmp(bare, "..") == 0)
        return mms_error_set(err, MMS_EINVAL, 0, "invalid shared memory name '%s'", name);
    if ((size_t)snprintf(out, size, "/%s", bare) >= size)
        return mms_error_set(err, MMS_EINVAL, 0, "shared memory name too long");
    return 0;
}

int mms_shm_remove(const char *name, mms_error *err)
{
    char path[256];
    if (strncmp(name, SHM_PREFIX, strlen(SHM_PREFIX)) == 0)
        name += strlen(SHM_PREFIX);
    int rc = mms_shm_path(name, path, sizeof path, err);
    if (rc < 0)
        return rc;
    if (shm_unlink(path) < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    return 0;
}

/* Shared memory objects only: regular files that are not semaphores. */
static int is_shm_object(const struct dirent *entry)
{
    return entry->d_name[0] != '.' && strncmp(entry->d_name, "sem.", 4) != 0 &&
           (entry->d_type == DT_REG || entry->d_type == DT_UNKNOWN);
}

int mms_shm_list(int (*fn)(void *ctx, const mms_shm_info *info), void *ctx, mms_error *err)
{
    struct dirent **entries;
    int n = scandir(SHM_DIRECTORY, &entries, is_shm_object, alphasort);
    if (n < 0)
        return mms_error_set(err, errno == ENOMEM ? MMS_ENOMEM : MMS_EIO, errno,
                             "cannot list %s: %s", SHM_DIRECTORY, strerror(errno));
    int rc = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        char path[sizeof SHM_DIRECTORY + 256];
        snprintf(path, sizeof path, "%s/%s", SHM_DIRECTORY, entries[i]->d_name);
        /* An object removed since the listing is skipped, not an error. */
        if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            mms_shm_info info = {entries[i]->d_name, (uint64_t)st.st_size,
                                 (unsigned)(st.st_mode & 07777)};
            rc = fn(ctx, &info);
        }
        free(entries[i]);
    }
    free(entries);
    return rc;
}
