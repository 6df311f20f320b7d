/*
 * writable_window.c - a writable MAP_SHARED window of a file: mapping it,
 * filling it under the SIGBUS guard, syncing it, unmapping it.
 *
 * The generator's windows, the decompressor's output and in-place edits
 * all write a file this way.  Each caller keeps its own plan (which
 * windows, what advice, whether and when to sync); the system calls, the
 * guard and the project's wording of their failures are here.  A caller
 * that words a failure its own way rewrites the message from the error
 * filled here (sys_errno is kept).
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <sys/mman.h>

/* A failed mmap or msync of the window at offset: MMS_EIO, strerror. */
static int window_error(mms_error *err, int sys_errno, uint64_t offset)
{
    int rc = mms_error_sys(err, MMS_EIO, sys_errno);
    if (err)
        err->offset = offset;
    return rc;
}

int mms_writable_map(mms_writable_window *win, int fd, uint64_t offset, size_t len,
                     mms_error *err)
{
    void *data = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
    if (data == MAP_FAILED) {
        *win = (mms_writable_window){0};
        return window_error(err, errno, offset);
    }
    *win = (mms_writable_window){.data = data, .offset = offset, .len = len};
    return 0;
}

int mms_writable_fill(const void *data, size_t len, mms_guarded_fn fill, void *arg,
                      uint64_t near, mms_error *err)
{
    int rc = mms_guard_run(data, len, fill, arg, err);
    if (rc == MMS_ETRUNCATED)
        rc = mms_error_set(err, MMS_ETRUNCATED, EFAULT,
                           "output shrank or its disk filled up while being written "
                           "(near offset %llu)", (unsigned long long)near);
    return rc;
}

int mms_writable_sync(const mms_writable_window *win, mms_error *err)
{
    /* MS_SYNC: return only once the window is on the disk, so that a write
     * error is reported here and not lost at munmap, and so that the caller
     * goes on (to the next step of an edit) only after the device has the
     * bytes. */
    if (msync(win->data, win->len, MS_SYNC) < 0)
        return window_error(err, errno, win->offset);
    return 0;
}

void mms_writable_unmap(mms_writable_window *win)
{
    if (win->data)
        munmap(win->data, win->len);
    win->data = NULL;
}
