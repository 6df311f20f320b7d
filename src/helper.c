/*
 * helper.c - a thread that runs jobs for one other thread, one at a time,
 * so that the other goes on with its own work meanwhile: the next window
 * of a walk or of an output is mapped and faulted in while the current
 * one is used.
 *
 * A job is handed over under the lock and run outside it; the owner waits
 * for it before it reads what the job wrote or hands another one over.
 * Without a thread (pthread_create failed), each job runs at once on the
 * owner's thread: slower, but the same results.
 */
#include "config.h"
#include "internal.h"

static void *helper_main(void *arg)
{
    mms_helper *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->job && !h->quit)
            pthread_cond_wait(&h->changed, &h->lock);
        if (!h->job)
            break;
        pthread_mutex_unlock(&h->lock);
        h->job(h->arg);
        pthread_mutex_lock(&h->lock);
        h->job = NULL;
        pthread_cond_broadcast(&h->changed);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

void mms_helper_start(mms_helper *h)
{
    *h = (mms_helper){.started = true};
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->changed, NULL);
    h->threaded = pthread_create(&h->thread, NULL, helper_main, h) == 0;
}

void mms_helper_wait(mms_helper *h)
{
    if (!h->threaded)
        return;
    pthread_mutex_lock(&h->lock);
    while (h->job)
        pthread_cond_wait(&h->changed, &h->lock);
    pthread_mutex_unlock(&h->lock);
}

void mms_helper_run(mms_helper *h, mms_job_fn job, void *arg)
{
    if (!h->threaded) {
        job(arg);
        return;
    }
    mms_helper_wait(h);
    pthread_mutex_lock(&h->lock);
    h->job = job;
    h->arg = arg;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
}

void mms_helper_stop(mms_helper *h)
{
    if (!h->started)
        return;
    if (h->threaded) {
        pthread_mutex_lock(&h->lock);
        h->quit = true; /* after the job handed over, if any */
        pthread_cond_broadcast(&h->changed);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->thread, NULL);
    }
    pthread_cond_destroy(&h->changed);
    pthread_mutex_destroy(&h->lock);
    h->started = h->threaded = false;
}
