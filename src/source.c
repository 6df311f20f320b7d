/* source.c - opening an input and choosing between mapped windows and read(). */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_PREFIX "shm:"

/* Opens the POSIX shared memory object named after "shm:". */
static int open_shm(const char *name, mms_error *err)
{
    char shm_name[256];
    int rc = mms_shm_path(name, shm_name, sizeof shm_name, err);
    if (rc < 0)
        return rc;
    int fd = shm_open(shm_name, O_RDONLY, 0);
    if (fd < 0)
        return mms_error_sys(err, MMS_EOPEN, errno);
    return fd;
}

int mms_source_from_fd(mms_source *src, int fd, mms_error *err)
{
    struct stat st;
    src->fd = fd;
    src->owns_fd = false;
    src->mode = MMS_INPUT_STREAM;
    src->size = 0;
    if (fstat(fd, &st) < 0)
        return mms_error_sys(err, MMS_EIO, errno);
    if (S_ISDIR(st.st_mode))
        return mms_error_set(err, MMS_EISDIR, EISDIR, "%s", strerror(EISDIR));
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        src->mode = MMS_INPUT_MAP;
        src->size = (uint64_t)st.st_size;
    } else if (S_ISBLK(st.st_mode)) {
        uint64_t bytes = 0;
        if (ioctl(fd, BLKGETSIZE64, &bytes) == 0 && bytes > 0) {
            src->mode = MMS_INPUT_MAP;
            src->size = bytes;
        }
    }
    /* Everything else (pipes, sockets, character devices, regular files that
     * report size 0 such as those in /proc) is read as a stream. */
    return 0;
}

int mms_source_open(mms_source *src, const char *path, mms_error *err)
{
    int fd;
    if (strcmp(path, "-") == 0) {
        int rc = mms_source_from_fd(src, STDIN_FILENO, err);
        /* Standard input read from a position (a shell's "(read l; cmd)
         * <file") goes on from there, as any reader would: as a stream. */
        if (rc == 0 && src->mode == MMS_INPUT_MAP && lseek(STDIN_FILENO, 0, SEEK_CUR) > 0) {
            src->mode = MMS_INPUT_STREAM;
            src->size = 0;
        }
        return rc;
    }
    if (strncmp(path, SHM_PREFIX, strlen(SHM_PREFIX)) == 0) {
        fd = open_shm(path + strlen(SHM_PREFIX), err);
    } else {
        /* O_NOCTTY: opening a terminal device must not make it ours. */
        fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            fd = mms_error_sys(err, MMS_EOPEN, errno);
    }
    if (fd < 0)
        return fd;
    int rc = mms_source_from_fd(src, fd, err);
    src->owns_fd = true;
    if (rc < 0)
        mms_source_close(src);
    return rc;
}

int mms_input_stat(const char *path, struct stat *st, mms_error *err)
{
    int rc;
    if (strcmp(path, "-") == 0) {
        rc = fstat(STDIN_FILENO, st);
    } else if (strncmp(path, SHM_PREFIX, strlen(SHM_PREFIX)) == 0) {
        int fd = open_shm(path + strlen(SHM_PREFIX), err);
        if (fd < 0)
            return fd;
        rc = fstat(fd, st);
        close(fd);
    } else {
        rc = stat(path, st);
    }
    return rc < 0 ? mms_error_sys(err, MMS_EOPEN, errno) : 0;
}

void mms_source_close(mms_source *src)
{
    if (src->owns_fd && src->fd >= 0)
        close(src->fd);
    src->fd = -1;
    src->owns_fd = false;
}
