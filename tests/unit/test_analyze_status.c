/* ferret analyze's table under --status and --where (analyze_args.h's filter), on the
 * synthetic runs of analyze_fixture.h: rows of the calls that pass, the recursion of
 * run "recerr", the stored figures not read, the command line. */
#include "analyze_fixture.h"

static void test_status_table(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.status = "ok";
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	EXPECT_STR(str(j, "status"), "ok");
	EXPECT_STR(str(j, "percentiles"), "exact");
	/* bad is incomplete: no row; main's self still subtracts bad's 100 ns */
	EXPECT(row_named(j, "bad") == NULL);
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")), 7);
	expect_row(j, "main", (int64_t[]){ 2, 1100, 440, 100, 550, 100, 1000, 1000, 1000, 0 });
	expect_row(j, "rec", (int64_t[]){ 3, 400, 340, 80, 257, 290, 400, 400, 400, 0 });
	cJSON_Delete(j);

	o = defaults();
	o.status = "incomplete";
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")), 1);
	expect_row(j, "bad", (int64_t[]){ 1, 100, 100, 100, 100, 100, 100, 100, 100, 0 });
	EXPECT_EQ(num(row_named(j, "bad"), "incomplete"), 1);
	cJSON_Delete(j);
}

static void test_status_recursion(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	view_run = "recerr";
	o.status = "error";
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	/* the two error activations: total counts the outer one (80), self each's own */
	expect_row(j, "rec", (int64_t[]){ 2, 80, 80, 30, 55, 30, 80, 80, 80, 2 });
	expect_row(j, "leaf", (int64_t[]){ 1, 10, 10, 10, 10, 10, 10, 10, 10, 1 });
	cJSON_Delete(j);
	o = defaults();
	o.status = "ok";
	j = json_view(&o);
	if (j) /* the ok outer call alone: its self subtracts its error child */
		expect_row(j, "rec", (int64_t[]){ 1, 100, 20, 100, 100, 100, 100, 100, 100, 0 });
	EXPECT(j && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")) == 1);
	cJSON_Delete(j);
	view_run = "synthetic";
}

/* Figures stored when the run ended count every call: a filter reads the spans. */
static void test_status_not_stored(void)
{
	struct store *s = NULL;
	struct analyze_opts o = defaults();
	cJSON *j;

	if (store__open(db_path, STORE_WRITE, &s) || analyze__store_figures(s, db_path, "recerr")) {
		store__free(s);
		GIVE_UP();
	}
	store__free(s);
	view_run = "recerr";
	j = json_view(&o);
	if (j)
		expect_row(j, "rec", (int64_t[]){ 3, 100, 100, 30, 70, 80, 100, 100, 100, 2 });
	cJSON_Delete(j);
	o.status = "error";
	j = json_view(&o);
	if (j)
		expect_row(j, "rec", (int64_t[]){ 2, 80, 80, 30, 55, 30, 80, 80, 80, 2 });
	cJSON_Delete(j);
	view_run = "synthetic";
}

static void test_status_command(void)
{
	expect_cmd(0, NULL, db_path, "--status", "incomplete", "--run-id=synthetic");
	expect_cmd(0, NULL, db_path, "--tree", "--status=ok", "--run-id=synthetic");
	expect_cmd(2, "--status: 'oops' is not ok, error, incomplete, no_return_probe or lost", db_path,
		   "--status", "oops", NULL);
	expect_cmd(2, "--where 'arg1': expected NAME OP VALUE", db_path, "--where", "arg1", NULL);
	expect_cmd(2, "a string compares with == or != only", db_path, "--where", "arg1<\"x\"", NULL);
	expect_cmd(2, "--by name is a table of its own", db_path, "--by", "name", "--status=ok");
	expect_cmd(1, "no call of run synthetic matches --status lost", db_path, "--status=lost",
		   "--run-id=synthetic", NULL);
	expect_cmd(1, "no call of run synthetic matches -f 'a' --status incomplete", db_path, "-fa",
		   "--status=incomplete", "--run-id=synthetic");
	/* no value is stored: no call has arg1 */
	expect_cmd(1, "matches --where 'arg1==1'", db_path, "--where=arg1==1", "--run-id=synthetic", NULL);
}

int main(void)
{
	if (fixture_setup() || write_recerr())
		return 1;
	RUN(test_status_table);
	RUN(test_status_recursion);
	RUN(test_status_not_stored);
	RUN(test_status_command);
	fixture_teardown();
	CHECK_EXIT();
}
