/*
 * part_order.h - keeping the output of a split scan in input order
 * (private).
 *
 * The parts of a split scan run at once, each on its own thread.  The
 * earliest part that has not handed on yet is the head: it reports what it
 * finds at once.  Every later part keeps what it finds until it becomes the
 * head.  A part becomes the head when the part before it has ended as the
 * head: the order then calls take(part, pred), which joins what crosses the
 * seam between them and reports what part kept.  take() runs on part's own
 * thread when part is still running (at part_order_check() or in
 * part_order_wait()), or on the thread that hands on when part has already
 * ended.  No lock is held while take() runs.
 */
#ifndef MMSCAN_PROC_PART_ORDER_H
#define MMSCAN_PROC_PART_ORDER_H

#include <stdbool.h>

typedef struct part_order part_order;

/* Makes part the head, after pred (which is done reporting).  Returns true
 * when nothing more is to be reported at all (a limit was reached). */
typedef bool (*part_take_fn)(void *part, void *pred);

/* An order whose head, part 0, is first; NULL when out of memory.  The
 * caller holds one reference. */
part_order *part_order_new(part_take_fn take, void *first);

/* Adds the next part in input order and takes a reference for it.  Returns
 * its index, or -1 when out of memory. */
int part_order_add(part_order *order, void *part);

/* The number of parts added that have not ended.  Zero: every part has
 * ended, and no part will be added any more (see grep_split()). */
int part_order_unended(part_order *order);

/* Takes one more reference. */
void part_order_retain(part_order *order);

/* Drops a reference; the last one frees the order. */
void part_order_release(part_order *order);

/* At a point where part index may take over: makes it the head if the parts
 * before it are done (calling take).  Returns whether it is the head. */
bool part_order_check(part_order *order, int index);

/* Blocks until part index is the head (true, after take), or until nothing
 * more will be reported or the scan failed (false). */
bool part_order_wait(part_order *order, int index);

/* The head will report nothing more (a limit): later parts may stop. */
void part_order_stop(part_order *order);

/* Whether later parts may stop: part_order_stop() or a failed scan. */
bool part_order_stopped(const part_order *order);

/*
 * Part index has ended (it gets no more input).  If it is the head, the
 * order hands on, taking over every following part that has ended too, on
 * this thread.  failed: the scan is failing; every waiting part is woken
 * and nothing is taken over any more.
 */
void part_order_end(part_order *order, int index, bool failed);

#endif
