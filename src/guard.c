/*
 * guard.c - turning a SIGBUS inside a mapped window into MMS_ETRUNCATED.
 *
 * Reading a page of a MAP_SHARED mapping that lies past the end of the file
 * (the file was truncated after it was mapped) raises SIGBUS.  Around the
 * processor calls on each window the engine arms a thread-local jump
 * buffer together with the address range of the window; the handler jumps
 * back only when the fault is inside that range on the armed thread.
 * Guarded calls nest (a processor reading a mapped input may write a
 * mapped output under a guard of its own): the handler jumps to the
 * innermost frame whose range holds the address.  Any other SIGBUS goes to
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
    struct guard_frame *outer; /* the frame armed before this one, or NULL */
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
    const unsigned char *addr = info ? (const unsigned char *)info->si_addr : NULL;
    for (guard_frame *frame = armed_frame; frame; frame = frame->outer) {
        if (addr >= frame->lo && addr < frame->hi) {
            armed_frame = frame->outer;
            siglongjmp(frame->jump, 1);
        }
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

int mms_guard_truncated(mms_error *err)
{
    return mms_error_set(err, MMS_ETRUNCATED, EFAULT, "file truncated while being scanned");
}

int mms_guard_run(const void *base, size_t len, mms_guarded_fn fn, void *arg, mms_error *err)
{
    guard_frame frame;
    frame.lo = base;
    frame.hi = frame.lo + len;
    frame.outer = armed_frame;
    if (sigsetjmp(frame.jump, 1))
        return mms_guard_truncated(err);
    armed_frame = &frame;
    int rc = fn(arg, err);
    armed_frame = frame.outer;
    return rc;
}
