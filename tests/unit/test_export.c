/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the exporters (userspace/export*.c, cmd_export.c): a small run
 * written through the store API into a temp DB, then every format's output
 * compared byte for byte with what was worked out by hand.
 *
 * The run (R = the run's start; times below are ns after R):
 *   demo 100/100:   main [10,110] > f [20,50] > g [30,50]   g ends with f
 *                   main > h [50,60]                        opens as f, g close
 *                   main > z [60,60]                        zero-length, as h closes
 *                   main > k [110,110]                      zero-length, at main's end
 *   worker 100/101: w [5,80] incomplete > d [10,20]         an incomplete caller
 *                   w > c [70,90]                           c clamped to 80
 *   child 200/200:  main [200,300] > WEIRD [210,220]        a name that needs escaping
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cmd/commands.h"
#include "export/export.h"
#include "store/store.h"

#define R 1000000000LL		       /* the run's CLOCK_MONOTONIC start */
#define REAL 1700000000000000000LL     /* CLOCK_REALTIME at R */
#define FFFD "\xef\xbf\xbd"
/* A quote, a backslash, control characters, invalid UTF-8 (a stray 0xff, a lead byte
 * cut short, an encoded surrogate, a truncated sequence at the end), ';' and a valid é. */
#define WEIRD "we\"ird\\na\x01me\n\xff\xc3(\xc3\xa9;x\xed\xa0\x80\xe2\x82"
#define WEIRD_JSON "we\\\"ird\\\\na\\u0001me\\u000a" FFFD FFFD "(\xc3\xa9;x" FFFD FFFD FFFD FFFD
#define WEIRD_FOLDED "we\"ird\\name" FFFD FFFD "(\xc3\xa9x" FFFD FFFD FFFD FFFD

static char tmpdir[256];
static char db_path[300];

static int64_t add_span(struct store *s, int64_t parent, int64_t thread, int64_t fn,
			int64_t start, int64_t end, int depth, int status)
{
	struct stored_span rec = {
		.span_id = store__next_span_id(s),
		.parent_id = parent,
		.thread_key = thread,
		.function_key = fn,
		.start_ns = R + start,
		.end_ns = R + end,
		.depth = depth,
		.status = status,
	};

	if (store__append_span(s, &rec))
		return -1;
	return rec.span_id;
}

static int make_db(void)
{
	struct run_info info = { .run_id = "test-run", .command = "demo --x", .mode = "command",
				 .pid = 100, .start_mono_ns = R, .start_real_ns = REAL };
	struct run_end end = { .end_mono_ns = R + 400 };
	const char *names[] = { "main", "f", "g", "h", "z", "k", "w", "d", "c", WEIRD };
	int64_t fn[10], t1, t2, t3, mod, main1, f, w, main3;
	struct store *s;
	size_t i;

	snprintf(db_path, sizeof(db_path), "%s/test.db", tmpdir);
	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		return -1;
	mod = store__add_module(s, "/opt/demo/bin/demo", NULL);
	for (i = 0; i < 10; i++)
		fn[i] = store__add_function(s, mod, names[i], NULL, 0x1000 + i * 16);
	t1 = store__add_thread(s, 100, 100, "demo");
	t2 = store__add_thread(s, 100, 101, "worker");
	t3 = store__add_thread(s, 200, 200, "child");
	main1 = add_span(s, 0, t1, fn[0], 10, 110, 0, SPAN_OK);
	f = add_span(s, main1, t1, fn[1], 20, 50, 1, SPAN_OK);
	add_span(s, f, t1, fn[2], 30, 50, 2, SPAN_OK);
	add_span(s, main1, t1, fn[3], 50, 60, 1, SPAN_OK);
	add_span(s, main1, t1, fn[4], 60, 60, 1, SPAN_OK);
	add_span(s, main1, t1, fn[5], 110, 110, 1, SPAN_OK);
	w = add_span(s, 0, t2, fn[6], 5, 80, 0, SPAN_INCOMPLETE);
	add_span(s, w, t2, fn[7], 10, 20, 1, SPAN_OK);
	add_span(s, w, t2, fn[8], 70, 90, 1, SPAN_OK);
	main3 = add_span(s, 0, t3, fn[0], 200, 300, 0, SPAN_OK);
	add_span(s, main3, t3, fn[9], 210, 220, 1, SPAN_OK);
	if (store__end_run(s, &end))
		return -1;
	store__free(s);
	return 0;
}

/* Exports the test run with ex into a string (malloc'ed; "" on failure, *err set). */
static char *export_string(const struct exporter *ex, const struct span_filter *filter, int *err)
{
	struct store *s = NULL;
	struct run_row run;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	*err = store__open(db_path, STORE_READ, &s);
	if (!*err)
		*err = store__find_run(s, NULL, &run);
	if (!*err) {
		struct export_target to = { out, "memory" };

		*err = export__run(ex, s, &run, filter, &to, NULL);
	}
	fclose(out);
	store__free(s);
	return text;
}

/* The part of text after marker (exclusive), or the whole text. */
static const char *after(const char *text, const char *marker)
{
	const char *p = strstr(text, marker);

	return p ? p + strlen(marker) : text;
}

#define PROFILE_DEMO                                                                   \
	"{\"type\":\"evented\",\"name\":\"demo 100/100\",\"unit\":\"nanoseconds\","       \
	"\"startValue\":10,\"events\":[\n"                                             \
	"{\"type\":\"O\",\"frame\":0,\"at\":10},\n{\"type\":\"O\",\"frame\":1,\"at\":20},\n" \
	"{\"type\":\"O\",\"frame\":2,\"at\":30},\n{\"type\":\"C\",\"frame\":2,\"at\":50},\n" \
	"{\"type\":\"C\",\"frame\":1,\"at\":50},\n{\"type\":\"O\",\"frame\":3,\"at\":50},\n" \
	"{\"type\":\"C\",\"frame\":3,\"at\":60},\n{\"type\":\"O\",\"frame\":4,\"at\":60},\n" \
	"{\"type\":\"C\",\"frame\":4,\"at\":60},\n{\"type\":\"O\",\"frame\":5,\"at\":110},\n" \
	"{\"type\":\"C\",\"frame\":5,\"at\":110},\n{\"type\":\"C\",\"frame\":0,\"at\":110}]," \
	"\"endValue\":110}"

static void test_speedscope_exact(void)
{
	int err;
	char *text = export_string(&exporter_speedscope, NULL, &err);

	EXPECT_EQ(err, 0);
	EXPECT_STR(text,
		   "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
		   "\"exporter\":\"ferret " FERRET_VERSION "\",\"name\":\"test-run\","
		   "\"activeProfileIndex\":0,\"profiles\":[\n" PROFILE_DEMO ",\n"
		   "{\"type\":\"evented\",\"name\":\"worker 100/101\",\"unit\":\"nanoseconds\","
		   "\"startValue\":5,\"events\":[\n"
		   "{\"type\":\"O\",\"frame\":6,\"at\":5},\n{\"type\":\"O\",\"frame\":7,\"at\":10},\n"
		   "{\"type\":\"C\",\"frame\":7,\"at\":20},\n{\"type\":\"O\",\"frame\":8,\"at\":70},\n"
		   "{\"type\":\"C\",\"frame\":8,\"at\":80},\n{\"type\":\"C\",\"frame\":6,\"at\":80}],"
		   "\"endValue\":80},\n"
		   "{\"type\":\"evented\",\"name\":\"child 200/200\",\"unit\":\"nanoseconds\","
		   "\"startValue\":200,\"events\":[\n"
		   "{\"type\":\"O\",\"frame\":0,\"at\":200},\n{\"type\":\"O\",\"frame\":9,\"at\":210},\n"
		   "{\"type\":\"C\",\"frame\":9,\"at\":220},\n{\"type\":\"C\",\"frame\":0,\"at\":300}],"
		   "\"endValue\":300}],"
		   "\"shared\":{\"frames\":[\n"
		   "{\"name\":\"main\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"f\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"g\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"h\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"z\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"k\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"w\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"d\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"c\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"" WEIRD_JSON "\",\"file\":\"/opt/demo/bin/demo\"}]}}\n");
	free(text);
}

/* Every profile must be a valid event sequence: at never goes back, closes match the
 * top frame by index, nothing stays open, endValue is the last at. */
static void test_speedscope_sequence_valid(void)
{
	int err, i, j;
	char *text = export_string(&exporter_speedscope, NULL, &err);
	cJSON *doc = cJSON_Parse(text), *profiles, *p, *e;

	EXPECT(doc != NULL);
	profiles = cJSON_GetObjectItem(doc, "profiles");
	EXPECT_EQ(cJSON_GetArraySize(profiles), 3);
	for (i = 0; i < cJSON_GetArraySize(profiles); i++) {
		double last;
		int stack[16], depth = 0;

		p = cJSON_GetArrayItem(profiles, i);
		last = cJSON_GetObjectItem(p, "startValue")->valuedouble;
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "events")) {
			double at = cJSON_GetObjectItem(e, "at")->valuedouble;
			int frame = cJSON_GetObjectItem(e, "frame")->valueint;

			EXPECT(at >= last);
			last = at;
			if (!strcmp(cJSON_GetObjectItem(e, "type")->valuestring, "O")) {
				EXPECT(depth < 16);
				stack[depth++] = frame;
			} else {
				EXPECT(depth > 0);
				j = depth > 0 ? stack[--depth] : -1;
				EXPECT_EQ(frame, j);
			}
		}
		EXPECT_EQ(depth, 0);
		EXPECT(cJSON_GetObjectItem(p, "endValue")->valuedouble == last);
	}
	/* The escaped name reads back as the name with U+FFFD for the invalid bytes. */
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "shared"), "frames"), 9);
	EXPECT_STR(cJSON_GetObjectItem(e, "name")->valuestring,
		   "we\"ird\\na\x01me\n" FFFD FFFD "(\xc3\xa9;x" FFFD FFFD FFFD FFFD);
	cJSON_Delete(doc);
	free(text);
}

/* Filtering out f keeps g nested under main; filtering out main leaves h, g as roots. */
static void test_speedscope_function_filter(void)
{
	struct span_filter filter = { .tid = 100, .function_glob = "[mg]*" };
	int err;
	char *text = export_string(&exporter_speedscope, &filter, &err);

	EXPECT_EQ(err, 0);
	EXPECT_STR(after(text, "\"events\":["),
		   "\n{\"type\":\"O\",\"frame\":0,\"at\":10},\n{\"type\":\"O\",\"frame\":1,\"at\":30},\n"
		   "{\"type\":\"C\",\"frame\":1,\"at\":50},\n{\"type\":\"C\",\"frame\":0,\"at\":110}],"
		   "\"endValue\":110}],\"shared\":{\"frames\":[\n"
		   "{\"name\":\"main\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"g\",\"file\":\"/opt/demo/bin/demo\"}]}}\n");
	free(text);
	filter.function_glob = "[gh]";
	text = export_string(&exporter_speedscope, &filter, &err);
	EXPECT_STR(after(text, "\"events\":["),
		   "\n{\"type\":\"O\",\"frame\":0,\"at\":30},\n{\"type\":\"C\",\"frame\":0,\"at\":50},\n"
		   "{\"type\":\"O\",\"frame\":1,\"at\":50},\n{\"type\":\"C\",\"frame\":1,\"at\":60}],"
		   "\"endValue\":60}],\"shared\":{\"frames\":[\n"
		   "{\"name\":\"g\",\"file\":\"/opt/demo/bin/demo\"},\n"
		   "{\"name\":\"h\",\"file\":\"/opt/demo/bin/demo\"}]}}\n");
	free(text);
}

static void test_chrome_exact(void)
{
	cJSON *doc;
	int err;
	char *text = export_string(&exporter_chrome, NULL, &err);

	EXPECT_EQ(err, 0);
	EXPECT(!strncmp(text, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"exporter\":\"ferret ", 56));
#define X(name, ts, dur, pid, tid) \
	"{\"name\":\"" name "\",\"cat\":\"demo\",\"ph\":\"X\",\"ts\":" ts ",\"dur\":" dur \
	",\"pid\":" #pid ",\"tid\":" #tid "}"
#define BE(name, ph, ts, args) \
	"{\"name\":\"" name "\",\"cat\":\"demo\",\"ph\":\"" ph "\",\"ts\":" ts ",\"pid\":100,\"tid\":101" args "}"
#define INCOMPLETE ",\"args\":{\"status\":\"incomplete\"}"
#define M(what, pid, tid, name) \
	"{\"name\":\"" what "\",\"ph\":\"M\",\"pid\":" #pid ",\"tid\":" #tid ",\"args\":{\"name\":\"" name "\"}}"
	EXPECT_STR(after(text, "\"traceEvents\":["),
		   "\n" M("process_name", 100, 100, "demo") ",\n" M("thread_name", 100, 100, "demo") ",\n"
		   X("main", "0.010", "0.100", 100, 100) ",\n" X("f", "0.020", "0.030", 100, 100) ",\n"
		   X("g", "0.030", "0.020", 100, 100) ",\n" X("h", "0.050", "0.010", 100, 100) ",\n"
		   X("z", "0.060", "0.000", 100, 100) ",\n" X("k", "0.110", "0.000", 100, 100) ",\n"
		   M("thread_name", 100, 101, "worker") ",\n"
		   BE("w", "B", "0.005", INCOMPLETE) ",\n" X("d", "0.010", "0.010", 100, 101) ",\n"
		   BE("c", "B", "0.070", "") ",\n" BE("c", "E", "0.080", "") ",\n"
		   BE("w", "E", "0.080", INCOMPLETE) ",\n"
		   M("process_name", 200, 200, "child") ",\n" M("thread_name", 200, 200, "child") ",\n"
		   X("main", "0.200", "0.100", 200, 200) ",\n" X(WEIRD_JSON, "0.210", "0.010", 200, 200)
		   "\n]}\n");
#undef X
#undef M
#undef BE
#undef INCOMPLETE
	doc = cJSON_Parse(text);
	EXPECT(doc != NULL);
	cJSON_Delete(doc);
	free(text);
}

static void test_chrome_microseconds(void)
{
	char buf[32];

	EXPECT_STR(format_us(1, buf, sizeof(buf)), "0.001");
	EXPECT_STR(format_us(0, buf, sizeof(buf)), "0.000");
	EXPECT_STR(format_us(999, buf, sizeof(buf)), "0.999");
	EXPECT_STR(format_us(1000, buf, sizeof(buf)), "1.000");
	EXPECT_STR(format_us(1234567, buf, sizeof(buf)), "1234.567");
	EXPECT_STR(format_us(-1500, buf, sizeof(buf)), "-1.500");
	EXPECT_STR(format_us(INT64_MAX, buf, sizeof(buf)), "9223372036854775.807");
	EXPECT_STR(format_us(INT64_MIN, buf, sizeof(buf)), "-9223372036854775.808");
}

static void test_folded_exact_and_sums(void)
{
	struct span_filter filter = { .function_glob = "[mg]*" };
	int err;
	char *text = export_string(&exporter_folded, NULL, &err);
	long long sum = 0, v;
	const char *line;

	EXPECT_EQ(err, 0);
	EXPECT_STR(text, "demo;main 60\n"
			 "demo;main;f 10\n"
			 "demo;main;f;g 20\n"
			 "demo;main;h 10\n"
			 "worker;w 55\n"
			 "worker;w;d 10\n"
			 "worker;w;c 10\n"
			 "child;main 90\n"
			 "child;main;" WEIRD_FOLDED " 10\n");
	/* The values add up to the traced time: the roots' durations (w clamped at 80). */
	for (line = text; (line = strchr(line, ' ')); line++)
		if (sscanf(line, " %lld", &v) == 1)
			sum += v;
	EXPECT_EQ(sum, 100 + 75 + 100);
	free(text);
	/* Without f, g is main's child: main 80 + g 20 is still main's 100. */
	text = export_string(&exporter_folded, &filter, &err);
	EXPECT_STR(text, "demo;main 80\n"
			 "demo;main;g 20\n"
			 "child;main 100\n");
	free(text);
}

static cJSON *attribute(cJSON *span, const char *key)
{
	cJSON *kv;

	cJSON_ArrayForEach(kv, cJSON_GetObjectItem(span, "attributes"))
		if (!strcmp(cJSON_GetObjectItem(kv, "key")->valuestring, key))
			return cJSON_GetObjectItem(kv, "value");
	return NULL;
}

static int is_lower_hex(const char *s, size_t len)
{
	return strlen(s) == len && strspn(s, "0123456789abcdef") == len;
}

static void test_otlp_lines(void)
{
	int err, lines = 0;
	char *text = export_string(&exporter_otlp, NULL, &err), *line, *save = NULL;
	const char *trace_main = NULL, *id_main = NULL;
	cJSON *docs[4] = { 0 }, *spans, *span;

	EXPECT_EQ(err, 0);
	for (line = strtok_r(text, "\n", &save); line && lines < 4; line = strtok_r(NULL, "\n", &save))
		docs[lines++] = cJSON_Parse(line);
	EXPECT_EQ(lines, 2); /* one per process */
	EXPECT(docs[0] && docs[1]);
	if (!docs[0] || !docs[1])
		goto cleanup;
	spans = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
			cJSON_GetObjectItem(docs[0], "resourceSpans"), 0), "scopeSpans"), 0), "spans");
	EXPECT_EQ(cJSON_GetArraySize(spans), 9);
	cJSON_ArrayForEach(span, spans) {
		const char *name = cJSON_GetObjectItem(span, "name")->valuestring;
		const char *trace = cJSON_GetObjectItem(span, "traceId")->valuestring;
		cJSON *parent = cJSON_GetObjectItem(span, "parentSpanId");

		EXPECT(is_lower_hex(trace, 32));
		EXPECT(is_lower_hex(cJSON_GetObjectItem(span, "spanId")->valuestring, 16));
		EXPECT_EQ(cJSON_GetObjectItem(span, "kind")->valueint, 1);
		if (!strcmp(name, "main")) {
			trace_main = trace;
			id_main = cJSON_GetObjectItem(span, "spanId")->valuestring;
			EXPECT(parent == NULL);
			EXPECT_STR(cJSON_GetObjectItem(span, "startTimeUnixNano")->valuestring,
				   "1700000000000000010");
			EXPECT_STR(cJSON_GetObjectItem(span, "endTimeUnixNano")->valuestring,
				   "1700000000000000110");
		} else if (!strcmp(name, "h")) {
			EXPECT_STR(trace, trace_main);
			EXPECT_STR(parent ? parent->valuestring : "", id_main);
			EXPECT_STR(cJSON_GetObjectItem(attribute(span, "thread.id"), "intValue")->valuestring,
				   "100");
			EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(span, "status"), "code")->valueint, 1);
		} else if (!strcmp(name, "w")) {
			EXPECT(strcmp(trace, trace_main) != 0); /* another root, another trace */
			EXPECT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(span, "status"), "code")->valueint, 2);
			EXPECT_STR(cJSON_GetObjectItem(attribute(span, "ferret.status"), "stringValue")->valuestring,
				   "incomplete");
		}
	}
	span = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
			cJSON_GetArrayItem(cJSON_GetObjectItem(docs[1], "resourceSpans"), 0), "scopeSpans"), 0),
			"spans"), 1);
	EXPECT_STR(cJSON_GetObjectItem(attribute(span, "code.function"), "stringValue")->valuestring,
		   "we\"ird\\na\x01me\n" FFFD FFFD "(\xc3\xa9;x" FFFD FFFD FFFD FFFD);
	span = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(docs[1], "resourceSpans"), 0),
				   "resource");
	EXPECT_STR(cJSON_GetObjectItem(attribute(span, "service.name"), "stringValue")->valuestring, "child");
	EXPECT_STR(cJSON_GetObjectItem(attribute(span, "process.pid"), "intValue")->valuestring, "200");
cleanup:
	while (lines--)
		cJSON_Delete(docs[lines]);
	free(text);
}

static void test_nothing_to_export(void)
{
	struct span_filter filter = { .function_glob = "no_such_function" };
	const struct exporter *const *ex;
	int err;

	for (ex = exporters; *ex; ex++) {
		char *text = export_string(*ex, &filter, &err);

		EXPECT(err != 0);
		EXPECT_STR(text, ""); /* fails before writing a byte */
		free(text);
	}
}

/* A 1 MB function name is cut in every format: each event repeats it (a 50 MB symbol
 * made chrome and otlp exports run for minutes). */
static void test_long_name_capped(void)
{
	struct run_info info = { .run_id = "long", .command = "demo", .mode = "command",
				 .pid = 100, .start_mono_ns = R, .start_real_ns = REAL };
	size_t len = 1 << 20, i;
	char saved[sizeof(db_path)], *name = malloc(len + 1), *text;
	struct store *s = NULL;
	int64_t fn, thread, root;
	int err;

	EXPECT(name != NULL);
	if (!name)
		return;
	memset(name, 'x', len);
	name[len] = '\0';
	memcpy(saved, db_path, sizeof(saved));
	snprintf(db_path, sizeof(db_path), "%s/long.db", tmpdir);
	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	fn = store__add_function(s, store__add_module(s, "/opt/demo/bin/demo", NULL), name, NULL, 0x1000);
	thread = store__add_thread(s, 100, 100, "demo");
	root = add_span(s, 0, thread, fn, 10, 100, 0, SPAN_OK);
	add_span(s, root, thread, fn, 20, 30, 1, SPAN_OK);
	add_span(s, root, thread, fn, 40, 50, 1, SPAN_INCOMPLETE);
	if (store__end_run(s, &(struct run_end){ .end_mono_ns = R + 200 }))
		goto cleanup;
	store__free(s);
	s = NULL;
	for (i = 0; exporters[i]; i++) {
		text = export_string(exporters[i], NULL, &err);
		EXPECT_EQ(err, 0);
		EXPECT(text && strlen(text) < 64 * 1024 && strstr(text, "xxxx\xe2\x80\xa6"));
		free(text);
	}
cleanup:
	store__free(s);
	memcpy(db_path, saved, sizeof(saved));
	free(name);
}

static void test_format_registry(void)
{
	char names[128];

	EXPECT(exporter__find("speedscope") == &exporter_speedscope);
	EXPECT(exporter__find("otlp") == &exporter_otlp);
	EXPECT(exporter__find("json") == NULL);
	EXPECT(exporters[0] == &exporter_speedscope);
	exporter__list_names(names, sizeof(names));
	EXPECT_STR(names, "speedscope, chrome, folded, otlp");
}

/* ---- ferret export, the command: file names, and nothing left behind on failure ---- */

static int run_cmd(const char *const *args)
{
	char *argv[16];
	int argc = 0;

	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return cmd_export(argc, argv);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *out;

	if (!f)
		return NULL;
	out = open_memstream(&text, &len);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
	fclose(out);
	return text;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void remove_tree(const char *dir)
{
	char path[600];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void test_cmd_default_names(void)
{
	char dir[300], path[400], slash[310];
	char *expected, *got;
	struct stat st;
	mode_t mask = umask(022);
	int err;

	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	mkdir(dir, 0755);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", dir, NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.speedscope.json", dir);
	expected = export_string(&exporter_speedscope, NULL, &err);
	got = read_file(path);
	EXPECT_STR(got, expected);
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	free(got);
	free(expected);
	/* A trailing slash names a directory too; each format has its suffix. */
	snprintf(slash, sizeof(slash), "%s/", dir);
	EXPECT_EQ(run_cmd((const char *[]){ "export", "--db", db_path, "--format", "folded", "-o",
					    slash, "--run-id", "test-run", NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.folded", dir);
	EXPECT(access(path, R_OK) == 0);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "chrome", "--pid", "200",
					    "--min-duration", "50ns", "-o", dir, NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.json", dir);
	got = read_file(path);
	EXPECT(got && strstr(got, "\"main\"") && !strstr(got, "\"w\""));
	free(got);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "otlp", "-o", dir, NULL }), 0);
	EXPECT_EQ(count_entries(dir), 4); /* the four files, no temporary left */
	umask(mask);
}

static void test_cmd_failures_leave_nothing(void)
{
	char dir[300], path[400];
	char *got;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/fail", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/keep.json", dir);
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	/* A failing export (no span matches) keeps the old file and leaves no temporary. */
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--function", "nope*", "-o", path,
					    NULL }), 1);
	got = read_file(path);
	EXPECT_STR(got, "old");
	free(got);
	EXPECT_EQ(count_entries(dir), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "json", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--thread", "x1", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--min-duration", "5 parsecs", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--run-id", "nightly-9", "-o", dir,
					    NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", "/nonexistent/ferret.db", NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", "/nonexistent/dir/x.json", NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", "", NULL }), 2);
	EXPECT_EQ(count_entries(dir), 1);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-test-export.XXXXXX");
	if (!mkdtemp(tmpdir) || make_db()) {
		printf("FAIL: test_export setup (cannot write %s)\n", tmpdir);
		return 1;
	}
	RUN(test_speedscope_exact);
	RUN(test_speedscope_sequence_valid);
	RUN(test_speedscope_function_filter);
	RUN(test_chrome_exact);
	RUN(test_chrome_microseconds);
	RUN(test_folded_exact_and_sums);
	RUN(test_otlp_lines);
	RUN(test_nothing_to_export);
	RUN(test_long_name_capped);
	RUN(test_format_registry);
	RUN(test_cmd_default_names);
	RUN(test_cmd_failures_leave_nothing);
	remove_tree(tmpdir);
	CHECK_EXIT();
}
