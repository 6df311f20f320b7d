/*
 * guard.c - turning a SIGBUS inside a mapped window into MMS_ETRUNCATED.
 *
 * Reading a page of a MAP_SHARED mapping that lies past the end of the file
 * (the file was truncated after it was mapped) raises SIGBUS.  Around each
 * processor call the engine arms a thread-local jump buffer together with
 * the address range of the window; the handler jumps back only when the
 * fault is inside that range on the armed thread.  Any other SIGBUS goes to
 * the handler that was installed before ours, or gets the default action.
 */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

typedef struct guard_frame {
    sigjmp_buf jump;
    const unsigned char *lo, *hi;
} guard_frame;

static _Thread_local guard_frame *volatile armed_frame;
static struct sigaction previous_action;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_errno;

static void chain_to_previous(int sig, siginfo_t *info, void *uctx)
{
    if (previous_action.sa_flags & SA_SIGINFO) {
        previous_action.sa_sigaction(sig, info, uctx);
        return;
    }
    if (previous_action.sa_handler == SIG_IGN)
        return;
    if (previous_action.sa_handler != SIG_DFL) {
        previous_action.sa_handler(sig);
        return;
    }
    /* Default action: restore it and raise the signal again (SA_NODEFER
     * leaves it unblocked, so it is delivered, with its default action, at
     * once). */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
    guard_frame *frame = armed_frame;
    const unsigned char *addr = info ? (const unsigned char *)info->si_addr : NULL;
    if (frame && addr >= frame->lo && addr < frame->hi) {
        armed_frame = NULL;
        siglongjmp(frame->jump, 1);
    }
    chain_to_previous(sig, info, uctx);
}

static void install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sigemptyset(&sa.sa_mask);
    /* SA_SIGINFO: we need si_addr.  SA_NODEFER: a jump out of the handler
     * must not leave SIGBUS blocked (siglongjmp also restores the mask).
     * SA_ONSTACK: use the alternate stack if the program set one up. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    if (sigaction(SIGBUS, &sa, &previous_action) < 0)
        install_errno = errno;
}

int mms_guard_install(mms_error *err)
{
    pthread_once(&install_once, install);
    if (install_errno)
        return mms_error_sys(err, MMS_EIO, install_errno);
    return 0;
}

int mms_guard_call(int (*fn)(void *ctx, mms_error *err), void *ctx, const void *base,
                   size_t len, mms_error *err)
{
    guard_frame frame;
    frame.lo = base;
    frame.hi = frame.lo + len;
    if (sigsetjmp(frame.jump, 1))
        return MMS_GUARD_FAULT;
    armed_frame = &frame;
    int rc = fn(ctx, err);
    armed_frame = NULL;
    return rc;
}

/* The arguments of one processor call, for mms_guard_call(). */
typedef struct chunk_call {
    const mms_processor_ops *ops;
    void *self;
    const mms_chunk *chunk;
} chunk_call;

static int call_chunk(void *ctx, mms_error *err)
{
    const chunk_call *call = ctx;
    return call->ops->chunk(call->self, call->chunk, err);
}

int mms_guard_chunk(const mms_processor_ops *ops, void *self, const mms_chunk *chunk,
                    const void *base, size_t len, mms_error *err)
{
    chunk_call call = {ops, self, chunk};
    int rc = mms_guard_call(call_chunk, &call, base, len, err);
    if (rc == MMS_GUARD_FAULT)
        return mms_error_set(err, MMS_ETRUNCATED, EFAULT,
                             "file truncated while being scanned (near offset %llu)",
                             (unsigned long long)chunk->offset);
    return rc;
}
