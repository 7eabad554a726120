/*
 * closer: closes things in background threads, several at once. Closing a uprobe link
 * waits for the kernel's RCU grace periods (30-100 ms here); closed together, links
 * share them, and the thread that asked does not wait.
 */
#ifndef FERRET_CLOSER_H
#define FERRET_CLOSER_H

struct closer;

int closer__new(void (*close_fn)(void *item), struct closer **out);
/* close_fn(item) soon, in a thread of its own (at most CLOSER_THREADS at once: the more
 * close together, the fewer grace periods each waits for). */
void closer__add(struct closer *c, void *item);
/* Returns once every item added has been closed. */
void closer__wait(struct closer *c);
void closer__free(struct closer *c); /* waits first; NULL is a no-op */

#endif
