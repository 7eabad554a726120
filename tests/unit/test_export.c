/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the exporters (userspace/export/): the run of export_fixture.h exported
 * in every format and compared byte for byte with what was worked out by hand.
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
#include "export_fixture.h"

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

int main(void)
{
	if (export_fixture__setup("test-export"))
		return 1;
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
	remove_tree(tmpdir);
	CHECK_EXIT();
}
