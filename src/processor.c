/* processor.c - wrapping an ops table and its state into a processor. */
#include "config.h"
#include "internal.h"

#include <stdlib.h>

int mms_processor_new(mms_processor **out, const mms_processor_ops *ops, void *self,
                      mms_error *err)
{
    int rc = 0;
    *out = NULL;
    if (!ops || !ops->chunk)
        rc = mms_error_set(err, MMS_EINVAL, 0, "processor table without a chunk function");
    else if (ops->abi == 0 || ops->abi > MMS_PROCESSOR_ABI)
        rc = mms_error_set(err, MMS_EABI, 0, "processor '%s' has abi %u; this library knows 1 to %d",
                           ops->name ? ops->name : "?", ops->abi, MMS_PROCESSOR_ABI);
    else if ((ops->flags & MMS_PROC_SPLITTABLE) && (!ops->split || !ops->merge))
        rc = mms_error_set(err, MMS_EINVAL, 0, "splittable processor '%s' without split and merge",
                           ops->name ? ops->name : "?");
    else if ((ops->flags & MMS_PROC_SPLITTABLE) && !self)
        rc = mms_error_set(err, MMS_EINVAL, 0,
                           "splittable processor '%s' without a state (self is its first part)",
                           ops->name ? ops->name : "?");
    if (rc == 0) {
        mms_processor *proc = calloc(1, sizeof *proc);
        if (proc) {
            proc->ops = ops;
            proc->self = self;
            *out = proc;
            return 0;
        }
        rc = mms_error_set(err, MMS_ENOMEM, 0, "out of memory");
    }
    if (ops && ops->destroy && self)
        ops->destroy(self);
    return rc;
}

void mms_processor_free(mms_processor *proc)
{
    if (!proc)
        return;
    if (proc->ops->destroy && proc->self)
        proc->ops->destroy(proc->self);
    free(proc);
}

void *mms_processor_state(const mms_processor *proc)
{
    return proc->self;
}

const mms_processor_ops *mms_processor_get_ops(const mms_processor *proc)
{
    return proc->ops;
}

size_t mms_processor_overlap(const mms_processor *proc)
{
    return proc->ops->overlap ? proc->ops->overlap(proc->self) : 0;
}

int mms_processor_outcome(const mms_processor *proc, int rc, const mms_error *said, mms_error *err)
{
    if (rc >= 0)
        return rc;
    if (said->code != 0)
        *err = *said;
    else
        mms_error_set(err, rc, 0, "processor '%s' failed and gave no reason",
                      proc->ops->name ? proc->ops->name : "?");
    return rc;
}
