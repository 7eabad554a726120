/* ferret analyze --tree on the synthetic runs of analyze_fixture.h: merged paths,
 * pruning, --function focus, --calls, text drawing. */
#include "analyze_fixture.h"

/* "name:calls:total:self[children]", "!errors" when any; --calls: "name@start:duration:self". */
static void shape(const cJSON *node, bool calls, char *buf, size_t len)
{
	const cJSON *kids = cJSON_GetObjectItemCaseSensitive(node, "children"), *c;
	size_t used;
	bool first = true;

	if (calls)
		used = (size_t)snprintf(buf, len, "%s@%.0f:%.0f:%.0f%s", str(node, "function"),
					num(node, "start_ns"), num(node, "duration_ns"), num(node, "self_ns"),
					strcmp(str(node, "status"), "ok") ? "!incomplete" : "");
	else
		used = (size_t)snprintf(buf, len, "%s:%.0f:%.0f:%.0f", str(node, "function"), num(node, "calls"),
					num(node, "total_ns"), num(node, "self_ns"));
	if (!calls && num(node, "errors") > 0)
		used += (size_t)snprintf(buf + used, len - used, "!%.0f", num(node, "errors"));
	cJSON_ArrayForEach(c, kids) {
		used += (size_t)snprintf(buf + used, len - used, "%s", first ? "[" : ",");
		shape(c, calls, buf + used, len - used);
		used += strlen(buf + used);
		first = false;
	}
	if (!first)
		snprintf(buf + used, len - used, "]");
}

/* thread i of a --tree --json: its one root's shape, total and hidden figures */
static void expect_thread(const cJSON *j, int i, const char *want, int64_t total, int64_t hidden_nodes,
			  int64_t hidden_ns)
{
	const cJSON *th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), i);
	const cJSON *kids = cJSON_GetObjectItemCaseSensitive(th, "children");
	bool calls = !strcmp(str(j, "tree"), "calls");
	char got[2048] = "";

	EXPECT(th != NULL);
	if (!th)
		return;
	EXPECT_EQ(cJSON_GetArraySize(kids), 1);
	if (cJSON_GetArraySize(kids) > 0)
		shape(cJSON_GetArrayItem(kids, 0), calls, got, sizeof(got));
	EXPECT_STR(got, want);
	EXPECT_EQ(num(th, "total_ns"), total);
	EXPECT_EQ(num(th, "hidden_nodes"), hidden_nodes);
	EXPECT_EQ(num(th, "hidden_ns"), hidden_ns);
}

#define T1_TREE                                                                                   \
	"main:1:1000:340[rec:1:400:110[rec:1:290:160[rec:1:80:70[leaf:1:10:10],leaf:1:50:50]],"  \
	"a:2:160:70[leaf:3:90:90],bad:1:100:100!1]"

static void test_tree_merged(void)
{
	struct analyze_opts o = defaults();
	const cJSON *th;
	cJSON *j;

	o.tree = true;
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_STR(str(j, "tree"), "merged");
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "threads")), 5);
	th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), 4);
	EXPECT_EQ(num(th, "pid"), 200);
	EXPECT_EQ(num(th, "tid"), 202);
	EXPECT_STR(str(th, "comm"), "odd\x01comm");
	expect_thread(j, 0, T1_TREE, 1000, 0, 0);
	expect_thread(j, 1, "worker_main:1:500:300[a:1:200:100[leaf:1:100:100]]", 500, 0, 0);
	expect_thread(j, 2, "main:1:100:100", 100, 0, 0);
	expect_thread(j, 3, "many:20:1050:1050", 1050, 0, 0);
	expect_thread(j, 4, "we\"ird\\name\n\xef\xbf\xbd:1:7:7", 7, 0, 0);
	cJSON_Delete(j);
}

static void test_tree_prune(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.tree = true;
	o.max_depth = 2;
	o.tid = 100;
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "threads")), 1);
	expect_thread(j, 0, "main:1:1000:340[rec:1:400:110,a:2:160:70,bad:1:100:100!1]", 1000, 5, 380);
	cJSON_Delete(j);

	o = defaults();
	o.tree = true;
	o.min_percent = 15; /* of the thread's 1000 ns: under 150 ns goes */
	if (!(j = json_view(&o)))
		GIVE_UP();
	expect_thread(j, 0, "main:1:1000:340[rec:1:400:110[rec:1:290:160],a:2:160:70]", 1000, 5, 320);
	expect_thread(j, 1, "worker_main:1:500:300[a:1:200:100[leaf:1:100:100]]", 500, 0, 0);
	cJSON_Delete(j);
}

static void test_tree_focus(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.tree = true;
	o.function_glob = "rec";
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "threads")), 1);
	expect_thread(j, 0, "rec:1:400:110[rec:1:290:160[rec:1:80:70[leaf:1:10:10],leaf:1:50:50]]", 400, 0, 0);
	cJSON_Delete(j);

	o.function_glob = "leaf"; /* every outermost leaf call becomes a root */
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "threads")), 2);
	expect_thread(j, 0, "leaf:5:150:150", 150, 0, 0);
	expect_thread(j, 1, "leaf:1:100:100", 100, 0, 0);
	cJSON_Delete(j);
}

static void test_tree_calls(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.tree = o.calls = true;
	o.tid = 100;
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_STR(str(j, "tree"), "calls");
	expect_thread(j, 0,
		      "main@0:1000:340[a@10:100:30[leaf@20:30:30,leaf@60:40:40],a@200:60:40[leaf@210:20:20],"
		      "rec@300:400:110[rec@310:290:160[rec@320:80:70[leaf@330:10:10],leaf@450:50:50]],"
		      "bad@800:100:100!incomplete]", 1000, 0, 0);
	cJSON_Delete(j);

	o.max_depth = 2; /* level 3: leaf, leaf, leaf, rec (380 ns); below them 3 more calls */
	if (!(j = json_view(&o)))
		GIVE_UP();
	expect_thread(j, 0, "main@0:1000:340[a@10:100:30,a@200:60:40,rec@300:400:110,bad@800:100:100!incomplete]",
		      1000, 7, 380);
	cJSON_Delete(j);

	o.max_depth = 0;
	o.min_percent = 30; /* under 300 ns: both a, bad; rec@310 (290) and its 3 calls */
	if (!(j = json_view(&o)))
		GIVE_UP();
	expect_thread(j, 0, "main@0:1000:340[rec@300:400:110]", 1000, 10, 550);
	cJSON_Delete(j);
}

/* --status: the merged paths to the calls that pass, each node counting the calls along
 * them; --calls: those calls alone, as roots. */
static void test_tree_status(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.tree = true;
	o.status = "incomplete";
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_STR(str(j, "status"), "incomplete");
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "threads")), 1);
	expect_thread(j, 0, "main:1:1000:340[bad:1:100:100!1]", 1000, 0, 0);
	cJSON_Delete(j);

	view_run = "recerr";
	o.status = "error";
	o.function_glob = "rec"; /* the error leaf, a root of its own, out of focus */
	if (!(j = json_view(&o)))
		GIVE_UP();
	expect_thread(j, 0, "rec:1:100:20[rec:1:80:50!1[rec:1:30:30!1]]", 100, 0, 0);
	cJSON_Delete(j);
	o.status = "ok"; /* the outer call alone: its error children lead to no ok call */
	if (!(j = json_view(&o)))
		GIVE_UP();
	expect_thread(j, 0, "rec:1:100:20", 100, 0, 0);
	cJSON_Delete(j);
	o.calls = true;
	o.status = "error";
	o.function_glob = NULL;
	if ((j = json_view(&o))) {
		const cJSON *th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), 0);

		EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(th, "children")), 3);
	}
	EXPECT(j != NULL);
	cJSON_Delete(j);
	view_run = "synthetic";
}

static void test_tree_text(void)
{
	struct analyze_opts o = defaults();
	char *text;
	int ret;

	o.tree = true;
	o.tid = 101;
	text = run_view(&o, false, &ret);
	EXPECT_EQ(ret, 0);
	EXPECT_STR(text, "run synthetic | ./prog --x | 20.00 us | 37 spans | 5 threads | 12 lost events\n"
			 "WARNING: 12 events lost: the figures below miss those calls\n"
			 "durations as measured: the run has no probe calibration (traced with "
			 "--no-calibrate or --min-duration/--aggregate/--max-rate)\n"
			 "\n"
			 "pid 100 tid 101 worker\n"
			 "`-- worker_main   500 ns  x1    100%  self 300 ns\n"
			 "    `-- a         200 ns  x1   40.0%  self 100 ns\n"
			 "        `-- leaf  100 ns  x1   50.0%\n");
	free(text);

	o.tid = 100;
	text = run_view(&o, true, &ret);
	EXPECT_EQ(ret, 0);
	EXPECT(text && strstr(text, "\npid 100 tid 100 prog\n"
				    "└── main                  1.000 µs  ×1    100%  self 340 ns\n"
				    "    ├── rec                 400 ns  ×1   40.0%  self 110 ns\n"
				    "    │   └── rec             290 ns  ×1   72.5%  self 160 ns\n"
				    "    │       ├── rec          80 ns  ×1   27.6%  self 70 ns\n"
				    "    │       │   └── leaf     10 ns  ×1   12.5%\n"
				    "    │       └── leaf         50 ns  ×1   17.2%\n"
				    "    ├── a                   160 ns  ×2   16.0%  self 70 ns\n"
				    "    │   └── leaf             90 ns  ×3   56.2%\n"
				    "    └── bad                 100 ns  ×1   10.0%  1 error\n"));
	if (text && !strstr(text, "└── bad"))
		printf("%s", text);
	free(text);

	o.max_depth = 1;
	text = run_view(&o, false, &ret);
	EXPECT(text && strstr(text, "`-- main  1.000 us  x1    100%  self 340 ns\n"
				    "(8 nodes hidden by --max-depth/--min-percent: 660 ns, 66.0% of the thread)\n"));
	free(text);
}


int main(void)
{
	if (fixture_setup() || write_recerr())
		return 1;
	RUN(test_tree_merged);
	RUN(test_tree_prune);
	RUN(test_tree_focus);
	RUN(test_tree_calls);
	RUN(test_tree_text);
	RUN(test_tree_status);
	fixture_teardown();
	CHECK_EXIT();
}
