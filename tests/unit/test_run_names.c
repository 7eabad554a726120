/*
 * cmd/run_names against a fixture database naming tests/progs' rebuilt programs: the
 * name a module with the recorded build-id gives now is shown, by the span reader and
 * by run_query; a module with another build-id keeps the recorded names, said once.
 */
#include "check.h"
#include "cmd/run_names.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"
#include "store/run_query.h"
#include "store/store.h"

static char db_path[] = "/tmp/ferret-run-names.XXXXXX";

#define NAMED_ID "1234567890abcdef1234567890abcdef12345678"

struct fixture {
	int64_t same, same_known, replaced, no_id; /* function keys */
};

/* One run: work() recorded as sub_1139 in a module with its build-id, as work, in a
 * module recorded with another build-id, and in one recorded without any. */
static int write_fixture(const char *db, uint64_t work_offset, struct fixture *fx)
{
	struct run_info info = { .run_id = "r", .mode = "command", .pid = 1, .start_mono_ns = 1000,
				 .start_real_ns = 1 };
	struct run_end end = { .end_mono_ns = 5000 };
	struct stored_span span = { .start_ns = 1100, .end_ns = 1300 };
	struct store *s = NULL;
	int64_t a, b, c;

	unlink(db);
	if (store__open(db, STORE_WRITE, &s) || store__begin_run(s, &info))
		return -1;
	a = store__add_module(s, prog("rebuilt_named"), NAMED_ID);
	b = store__add_module(s, prog("rebuilt_other"), NAMED_ID); /* replaced since */
	c = store__add_module(s, prog("rebuilt_unnamed"), NULL);
	fx->same = store__add_function(s, a, "sub_1139", NULL, work_offset);
	fx->same_known = store__add_function(s, a, "main", NULL, 0);
	fx->replaced = store__add_function(s, b, "sub_1139", NULL, work_offset);
	fx->no_id = store__add_function(s, c, "sub_1139", NULL, work_offset);
	span.thread_key = store__add_thread(s, 1, 1, "t");
	span.function_key = fx->same;
	span.span_id = store__next_span_id(s);
	if (store__append_span(s, &span) || store__end_run(s, &end))
		return -1;
	store__free(s);
	return 0;
}

static void test_names_from_the_files_on_disk(void)
{
	struct func_names *names = NULL;
	struct elf_syms *syms = NULL;
	struct run_row run;
	struct fixture fx = { 0 };
	struct store *s = NULL;
	const char *err;
	int rc;

	EXPECT_EQ(elf_syms__open(prog("rebuilt_named"), &syms), 0);
	if (!syms || !elf_syms__find(syms, "work"))
		return;
	EXPECT_STR(elf_syms__build_id(syms), NAMED_ID);
	EXPECT_EQ(write_fixture(db_path, elf_syms__find(syms, "work")->offset, &fx), 0);
	elf_syms__free(syms);
	EXPECT_EQ(store__open(db_path, STORE_READ, &s), 0);
	if (!s || store__find_run(s, "r", &run))
		return;
	capture_begin();
	rc = run_names__find(s, &run, &names);
	err = capture_end();
	EXPECT_EQ(rc, 0);
	EXPECT_STR(func_names__get(names, fx.same), "work");
	EXPECT(func_names__get(names, fx.same_known) == NULL); /* main is main */
	EXPECT(func_names__get(names, fx.replaced) == NULL);
	EXPECT(func_names__get(names, fx.no_id) == NULL); /* nothing proves it the same file */
	EXPECT_EQ(func_names__count(names), 1);
	EXPECT(strchr(err, '\n') && !strchr(strchr(err, '\n') + 1, '\n')); /* one line */
	EXPECT(strstr(err, "rebuilt_other changed on disk since the run (build-id " NAMED_ID
			   ", now fedcba0987654321fedcba0987654321fedcba09): names as recorded"));

	/* the readers show it: export's span reader and analyze's run_query */
	{
		struct named_span row;
		struct span_reader *it;
		struct run_query *q = NULL;
		char *name = NULL, *path = NULL;

		store__show_names(s, names);
		it = store__spans(s, run.run_key, NULL);
		EXPECT(it && span_reader__next(it, &row) == 1);
		if (it)
			EXPECT_STR(row.function, "work");
		span_reader__free(it);
		EXPECT_EQ(run_query__open(db_path, &q), 0);
		run_query__show_names(q, names);
		EXPECT_EQ(run_query__function(q, fx.same, &name, &path), 0);
		EXPECT_STR(name, "work");
		free(name);
		free(path);
		EXPECT_EQ(run_query__function(q, fx.replaced, &name, &path), 0);
		EXPECT_STR(name, "sub_1139");
		free(name);
		free(path);
		run_query__free(q);
	}
	func_names__free(names);
	store__free(s);
}

int main(void)
{
	int fd = mkstemp(db_path);

	if (fd < 0)
		return 1;
	close(fd);
	RUN(test_names_from_the_files_on_disk);
	unlink(db_path);
	CHECK_EXIT();
}
