/*
 * floor_probe: the kernel floor of a traced call, for `make bench`. Attaches the empty
 * programs of bpf/floor.bpf.c as an entry and a return probe (uprobe_multi, every process,
 * as `ferret trace -- CMD` does) on the functions of BIN matching PATTERN, runs CMD, and
 * detaches when it has exited. What CMD's calls cost then is the uprobe machinery alone.
 *
 *   floor_probe [--record] BIN PATTERN -- CMD [ARGS...]
 *
 * --record: each program reads the clock and sends a 24-byte record, which a thread of
 * floor_probe drains as ferret's consumer does (records counted: "floor: records N").
 *
 * With kernel.bpf_stats_enabled=1, it also prints what the kernel counted for each
 * program on stderr: "floor: entry runs N run_ns T" and "floor: exit runs N run_ns T".
 */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "floor.skel.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static struct bpf_link *attach(struct bpf_program *prog, const char *bin, const char *pattern, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_multi_opts, opts, .retprobe = ret);
	struct bpf_link *link = bpf_program__attach_uprobe_multi(prog, -1, bin, pattern, &opts);

	if (!link)
		fprintf(stderr, "floor_probe: cannot attach %s to %s:%s: %s\n", ret ? "uretprobes" : "uprobes", bin,
			pattern, strerror(errno));
	return link;
}

static void print_stats(const char *which, struct bpf_program *prog)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0 && info.run_cnt)
		fprintf(stderr, "floor: %s runs %llu run_ns %llu\n", which, (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns);
}

/* --record: the consumer thread, draining until the command has ended. */
struct drain {
	struct ring_buffer *rb;
	volatile bool done;
	unsigned long long records;
};

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	((struct drain *)ctx)->records++;
	return 0;
}

static void *drain_records(void *arg)
{
	struct drain *d = arg;

	/* The programs send no wakeups (as ferret's, mostly): read every 2 ms. */
	while (!d->done) {
		ring_buffer__consume(d->rb);
		usleep(2000);
	}
	ring_buffer__consume(d->rb);
	return NULL;
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("floor_probe: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "floor_probe: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct drain drain = { 0 };
	struct floor_bpf *skel;
	pthread_t drainer;
	bool record = argc > 1 && strcmp(argv[1], "--record") == 0;
	int rc = 1;

	argv += record;
	argc -= record;
	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: floor_probe [--record] BIN PATTERN -- CMD [ARGS...]\n");
		return 2;
	}
	libbpf_set_print(silent);
	skel = floor_bpf__open();
	if (skel)
		skel->rodata->record = record;
	if (!skel || floor_bpf__load(skel)) {
		fprintf(stderr, "floor_probe: cannot load the floor programs: %s\n", strerror(errno));
		floor_bpf__destroy(skel);
		return 1;
	}
	drain.rb = ring_buffer__new(bpf_map__fd(skel->maps.floor_records), count_record, &drain, NULL);
	if (!drain.rb || pthread_create(&drainer, NULL, drain_records, &drain)) {
		fprintf(stderr, "floor_probe: cannot read the records\n");
		ring_buffer__free(drain.rb);
		floor_bpf__destroy(skel);
		return 1;
	}
	skel->links.floor_entry = attach(skel->progs.floor_entry, argv[1], argv[2], false);
	skel->links.floor_exit = attach(skel->progs.floor_exit, argv[1], argv[2], true);
	if (skel->links.floor_entry && skel->links.floor_exit) {
		rc = run(argv + 4);
		print_stats("entry", skel->progs.floor_entry);
		print_stats("exit", skel->progs.floor_exit);
	}
	floor_bpf__detach(skel); /* no record after this */
	drain.done = true;
	pthread_join(drainer, NULL);
	ring_buffer__free(drain.rb);
	floor_bpf__destroy(skel);
	if (record)
		fprintf(stderr, "floor: records %llu\n", drain.records);
	return rc;
}
