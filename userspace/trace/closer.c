#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "closer.h"
#include "core/util.h"

#define CLOSER_THREADS 64

struct closer {
	void (*close_fn)(void *item);
	pthread_mutex_t lock;
	pthread_cond_t idle;
	void **queue;
	size_t nqueued, cap;
	int threads; /* running workers */
};

static void *close_items(void *arg)
{
	struct closer *c = arg;
	void *item;

	pthread_mutex_lock(&c->lock);
	while (c->nqueued) {
		item = c->queue[--c->nqueued];
		pthread_mutex_unlock(&c->lock);
		c->close_fn(item);
		pthread_mutex_lock(&c->lock);
	}
	if (!--c->threads)
		pthread_cond_broadcast(&c->idle);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int closer__new(void (*close_fn)(void *item), struct closer **out)
{
	struct closer *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->close_fn = close_fn;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->idle, NULL);
	*out = c;
	return 0;
}

static bool start_worker(struct closer *c)
{
	pthread_attr_t attr;
	pthread_t t;
	bool started;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	started = !pthread_create(&t, &attr, close_items, c);
	pthread_attr_destroy(&attr);
	return started;
}

void closer__add(struct closer *c, void *item)
{
	bool here;

	pthread_mutex_lock(&c->lock);
	here = grow_array((void **)&c->queue, &c->cap, c->nqueued + 1, sizeof(*c->queue)) != 0;
	if (!here) {
		c->queue[c->nqueued++] = item;
		if (c->threads < CLOSER_THREADS && start_worker(c))
			c->threads++;
		if (!c->threads) { /* no thread to close it: it is closed here */
			c->nqueued--;
			here = true;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (here)
		c->close_fn(item);
}

void closer__wait(struct closer *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->threads)
		pthread_cond_wait(&c->idle, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

void closer__free(struct closer *c)
{
	if (!c)
		return;
	closer__wait(c);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->idle);
	free(c->queue);
	free(c);
}
