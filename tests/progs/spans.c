/* Explicit spans (ferret.h) with every macro, and USDT probes of its own (provider "demo"),
 * with exact counts for test_usdt.sh:
 *   main:   batch > 5 x handle_request > process_user_data > db_fetch > fetch_row,
 *           process_user_data > render (renamed render:ID); one FERRET_END with nothing open
 *   worker: 3 x handle_request (ids 100..102), then "left_open", never ended (thread exits)
 *   tags:   db_fetch: table=users, shard_id=ID%5, status=warning for ID 3;
 *           handle_request (a traced call innermost): kind=web
 *   demo:request_start(id) / demo:request_done(id) around each request, demo:cache_hit(id, id*10)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ferret.h>

/* sys/sdt.h's semaphores are on (ferret.h): the program's own probes have one each too. */
#define DEMO_SEMAPHORE(n) unsigned short demo_##n##_semaphore __attribute__((section(".probes")))
DEMO_SEMAPHORE(request_start);
DEMO_SEMAPHORE(request_done);
DEMO_SEMAPHORE(cache_hit);

static volatile int sink;

int fetch_row(int id)
{
	return id * 2;
}

int process_user_data(int id)
{
	int r;

	FERRET_BEGIN("db_fetch");
	FERRET_TAG("table", "users");
	FERRET_TAG_INT("shard_id", id % 5);
	if (id == 3)
		FERRET_STATUS("warning");
	r = fetch_row(id);
	FERRET_END();
	{
		FERRET_SCOPE("render");
		FERRET_NAME("render:%d", id);
		r += id;
	}
	return r;
}

void handle_request(int id)
{
	STAP_PROBE1(demo, request_start, id);
	FERRET_TAG("kind", "web");
	sink += process_user_data(id);
	STAP_PROBE2(demo, cache_hit, id, id * 10);
	STAP_PROBE1(demo, request_done, id);
}

static void *worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 100; i < 103; i++)
		handle_request(i);
	FERRET_BEGIN("left_open"); /* the thread exits with it open: incomplete */
	return NULL;
}

int main(void)
{
	pthread_t t;
	int i;

	FERRET_BEGIN("batch");
	for (i = 0; i < 5; i++)
		handle_request(i);
	FERRET_END();
	FERRET_END(); /* nothing open: ignored with a warning */
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	pthread_join(t, NULL);
	printf("%d\n", sink);
	return 0;
}
