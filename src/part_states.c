/*
 * part_states.c - the processor states of one part of a split scan, made,
 * ended, merged and freed together (by parts.c and lanes.c).
 */
#include "config.h"
#include "internal.h"

#include <errno.h>

int mms_part_states_make(mms_processor *const *procs, size_t n, bool first, void **states,
                         mms_error *err)
{
    for (size_t i = 0; i < n; i++) {
        states[i] = first ? procs[i]->self : procs[i]->ops->split(procs[i]->self);
        if (!states[i]) {
            mms_part_states_free(procs, n, states);
            return mms_error_set(err, MMS_ENOMEM, ENOMEM, "out of memory");
        }
    }
    return 0;
}

void mms_part_states_end(mms_processor *const *procs, size_t n, void *const *states,
                         bool failed)
{
    for (size_t i = 0; i < n; i++) {
        const mms_processor_ops *ops = procs[i]->ops;
        if (ops->abi >= 2 && ops->part_end)
            ops->part_end(states[i], failed);
    }
}

int mms_part_states_merge(mms_processor *const *procs, size_t n, void *const *states,
                          mms_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        mms_error said;
        mms_error_clear(&said);
        rc = mms_processor_outcome(procs[i], procs[i]->ops->merge(procs[i]->self, states[i], &said),
                                   &said, err);
    }
    return rc;
}

void mms_part_states_free(mms_processor *const *procs, size_t n, void **states)
{
    for (size_t i = 0; i < n; i++) {
        if (states[i] && states[i] != procs[i]->self && procs[i]->ops->destroy)
            procs[i]->ops->destroy(states[i]);
        states[i] = NULL;
    }
}

uint64_t mms_part_states_note_done(uint64_t *done_at, size_t n, const bool *done, uint64_t k)
{
    for (size_t i = 0; i < n; i++)
        if (done[i] && k < done_at[i])
            done_at[i] = k;
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (done_at[i] == UINT64_MAX)
            return UINT64_MAX;
        if (done_at[i] > last)
            last = done_at[i];
    }
    return last + 1;
}
