/* fileops.c - whole reads and writes at an offset, syncing a directory, and
 * absolute paths. */
#include "config.h"
#include "edit/edit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int edit_pread(int fd, void *buf, size_t len, uint64_t offset, mms_error *err)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mms_error_sys(err, MMS_EIO, errno);
        if (n == 0)
            return mms_error_set(err, MMS_ETRUNCATED, 0, "file shrank below offset %llu",
                                 (unsigned long long)offset);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

int edit_pwrite(int fd, const void *buf, size_t len, uint64_t offset, mms_error *err)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return mms_error_sys(err, MMS_EIO, errno);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

char *edit_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

int edit_sync_dir(const char *path, mms_error *err)
{
    char *dir = edit_dir_of(path);
    if (!dir)
        return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    /* A directory's fsync makes the names created or removed in it durable. */
    if (fd < 0 || fsync(fd) < 0)
        rc = mms_error_set(err, MMS_EIO, errno, "cannot sync directory '%s': %s", dir,
                           strerror(errno));
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

char *edit_absolute_path(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char *cwd = getcwd(NULL, 0);
    char *out = cwd ? malloc(strlen(cwd) + strlen(path) + 2) : NULL;
    if (out)
        sprintf(out, "%s/%s", cwd, path); /* room counted above */
    free(cwd);
    return out;
}
