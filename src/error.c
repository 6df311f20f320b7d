/* error.c - the one error convention: codes, messages and mms_error. */
#include "config.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *mms_strerror(int code)
{
    switch (code) {
    case MMS_OK:         return "success";
    case MMS_EINVAL:     return "invalid argument";
    case MMS_ENOMEM:     return "out of memory";
    case MMS_EOPEN:      return "cannot open input";
    case MMS_EISDIR:     return "is a directory";
    case MMS_EIO:        return "input/output error";
    case MMS_ETRUNCATED: return "file truncated while being scanned";
    case MMS_ETHREAD:    return "cannot start a thread";
    case MMS_EABI:       return "processor interface version not supported";
    case MMS_EPROC:      return "processor failed";
    case MMS_EBUSY:      return "already in use";
    case MMS_ECORRUPT:   return "corrupt or truncated compressed data";
    case MMS_ELOCKED:    return "another process is editing the file";
    case MMS_EREADONLY:  return "read-only file or file system";
    case MMS_ESYMLINK:   return "is a symbolic link";
    case MMS_EJOURNAL:   return "undo journal invalid, foreign or unfinished";
    case MMS_EMISMATCH:  return "the file does not hold the expected bytes";
    default:             return "unknown error";
    }
}

void mms_error_clear(mms_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->sys_errno = 0;
    err->offset = UINT64_MAX;
    err->message[0] = '\0';
}

int mms_error_set(mms_error *err, int code, int sys_errno, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->sys_errno = sys_errno;
    err->offset = UINT64_MAX;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int mms_error_sys(mms_error *err, int code, int sys_errno)
{
    return mms_error_set(err, code, sys_errno, "%s", strerror(sys_errno));
}
