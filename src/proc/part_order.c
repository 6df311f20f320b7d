/*
 * part_order.c - keeping the output of a split scan in input order.
 *
 * head is the index of the part allowed to report.  It only moves forward,
 * under the lock, when the head has ended; taken[i] records that take() has
 * run (or is running) for part i, so that it runs exactly once whichever
 * thread gets there first.
 */
#include "config.h"
#include "proc/part_order.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct order_slot {
    void *part;
    bool taken; /* take() ran for it (the first part needs none) */
    bool ended; /* part_order_end() was called for it */
} order_slot;

struct part_order {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    part_take_fn take;
    order_slot *slots;
    int count, capacity;
    int ended;  /* parts for which part_order_end() was called */
    int refs;
    atomic_int head;
    atomic_bool stopped;
    bool failed;
};

part_order *part_order_new(part_take_fn take, void *first)
{
    part_order *order = calloc(1, sizeof *order);
    if (!order)
        return NULL;
    order->take = take;
    order->refs = 1;
    pthread_mutex_init(&order->lock, NULL);
    pthread_cond_init(&order->changed, NULL);
    if (part_order_add(order, first) < 0) {
        part_order_release(order);
        return NULL;
    }
    order->slots[0].taken = true;
    return order;
}

int part_order_add(part_order *order, void *part)
{
    pthread_mutex_lock(&order->lock);
    int index = -1;
    if (order->count == order->capacity) {
        int capacity = order->capacity ? 2 * order->capacity : 4;
        order_slot *slots = realloc(order->slots, (size_t)capacity * sizeof *slots);
        if (slots) {
            order->slots = slots;
            order->capacity = capacity;
        }
    }
    if (order->count < order->capacity) {
        index = order->count++;
        order->slots[index] = (order_slot){.part = part};
        if (index > 0)
            order->refs++;
    }
    pthread_mutex_unlock(&order->lock);
    return index;
}

int part_order_unended(part_order *order)
{
    pthread_mutex_lock(&order->lock);
    int unended = order->count - order->ended;
    pthread_mutex_unlock(&order->lock);
    return unended;
}

void part_order_retain(part_order *order)
{
    pthread_mutex_lock(&order->lock);
    order->refs++;
    pthread_mutex_unlock(&order->lock);
}

void part_order_release(part_order *order)
{
    if (!order)
        return;
    pthread_mutex_lock(&order->lock);
    bool last = --order->refs == 0;
    pthread_mutex_unlock(&order->lock);
    if (!last)
        return;
    pthread_cond_destroy(&order->changed);
    pthread_mutex_destroy(&order->lock);
    free(order->slots);
    free(order);
}

/* With the lock held, index being the head: runs take() for it unless it
 * ran already.  The lock is released while take() runs. */
static void take_locked(part_order *order, int index)
{
    order_slot *slot = &order->slots[index];
    if (slot->taken)
        return;
    slot->taken = true;
    void *part = slot->part, *pred = order->slots[index - 1].part;
    pthread_mutex_unlock(&order->lock);
    bool stop = order->take(part, pred);
    pthread_mutex_lock(&order->lock);
    if (stop && !atomic_load(&order->stopped)) {
        atomic_store(&order->stopped, true);
        pthread_cond_broadcast(&order->changed);
    }
}

bool part_order_check(part_order *order, int index)
{
    if (atomic_load_explicit(&order->head, memory_order_acquire) != index)
        return false;
    pthread_mutex_lock(&order->lock);
    bool head = !order->failed;
    if (head)
        take_locked(order, index);
    pthread_mutex_unlock(&order->lock);
    return head;
}

bool part_order_wait(part_order *order, int index)
{
    pthread_mutex_lock(&order->lock);
    while (atomic_load(&order->head) != index && !atomic_load(&order->stopped) && !order->failed)
        pthread_cond_wait(&order->changed, &order->lock);
    bool head = atomic_load(&order->head) == index && !order->failed;
    if (head)
        take_locked(order, index);
    pthread_mutex_unlock(&order->lock);
    return head;
}

void part_order_stop(part_order *order)
{
    pthread_mutex_lock(&order->lock);
    atomic_store(&order->stopped, true);
    pthread_cond_broadcast(&order->changed);
    pthread_mutex_unlock(&order->lock);
}

bool part_order_stopped(const part_order *order)
{
    return atomic_load_explicit(&order->stopped, memory_order_relaxed);
}

void part_order_end(part_order *order, int index, bool failed)
{
    pthread_mutex_lock(&order->lock);
    order->slots[index].ended = true;
    order->ended++;
    if (failed) {
        order->failed = true;
        atomic_store(&order->stopped, true);
        pthread_cond_broadcast(&order->changed);
    }
    /* Hand on while the head has ended: a running successor takes over
     * itself; one that has ended is taken over here. */
    while (!order->failed && atomic_load(&order->head) == index && order->slots[index].ended) {
        take_locked(order, index);
        if (++index == order->count)
            break;
        atomic_store_explicit(&order->head, index, memory_order_release);
        pthread_cond_broadcast(&order->changed);
    }
    pthread_mutex_unlock(&order->lock);
}
