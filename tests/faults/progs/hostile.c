/* Threads with hostile names (ESC sequences, newline, quotes, HTML, bytes that are not
 * UTF-8; a thread name holds 15 bytes), each calling named_work() once. */
#include <pthread.h>
#include <sys/prctl.h>

static const char *names[] = {
	"\x1b[2J\x1b[31mred",
	"a\nb\"c'd\\e\tf",
	"<img src=x one",
	"\xff\xfe\xc3(\x80ok",
};
volatile long sink;

void named_work(int i) { sink += i; }

static void *named(void *arg)
{
	prctl(PR_SET_NAME, (const char *)arg);
	named_work(1);
	return NULL;
}

int main(void)
{
	pthread_t t;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pthread_create(&t, NULL, named, (void *)names[i]);
		pthread_join(t, NULL);
	}
	return 0;
}
