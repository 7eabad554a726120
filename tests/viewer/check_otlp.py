#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks an OTLP/JSON file (JSON Lines of TracesData) with the official generated protobuf
classes (Debian's python3-opentelemetry-proto), unknown fields rejected.

  check_otlp.py LABEL FILE SPANS

OTLP/JSON differs from protobuf's canonical JSON mapping in one way: trace and span ids are
hex, not base64 (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). They are
checked as hex (lowercase, 32/16 digits, not all zero) and converted to base64 before
json_format.ParseDict, as an OTLP receiver does. Prints one PASS/FAIL line per check.
"""
import base64
import json
import re
import sys

from google.protobuf import json_format
from opentelemetry.proto.trace.v1 import trace_pb2

failures = 0


def check(label, name, ok, why=""):
    global failures
    if ok:
        print(f"PASS: {label} {name}")
    else:
        failures += 1
        why = " ".join(why.split())  # one line per check
        print(f"FAIL: {label} {name}" + (f" ({why[:300]})" if why else ""))
    return ok


def hex_id(value, digits, problems, what):
    if not isinstance(value, str) or not re.fullmatch(f"[0-9a-f]{{{digits}}}", value) \
            or set(value) == {"0"}:
        problems.append(f"{what} {value!r} is not {digits} lowercase hex digits")
        return value
    return base64.b64encode(bytes.fromhex(value)).decode()


def spans_of(doc):
    for resource_spans in doc.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            yield from scope_spans.get("spans", [])


def check_span(span, problems):
    span["traceId"] = hex_id(span.get("traceId"), 32, problems, "traceId")
    span["spanId"] = hex_id(span.get("spanId"), 16, problems, "spanId")
    if "parentSpanId" in span:
        span["parentSpanId"] = hex_id(span["parentSpanId"], 16, problems, "parentSpanId")
    for key in ("startTimeUnixNano", "endTimeUnixNano"):
        if not re.fullmatch(r"[0-9]+", str(span.get(key))) or not isinstance(span.get(key), str):
            problems.append(f"{key} {span.get(key)!r} is not a decimal string")
    if not isinstance(span.get("kind"), int) or not isinstance(span.get("status", {}).get("code"), int):
        problems.append("kind and status.code must be integer enums")
    if int(span["endTimeUnixNano"]) < int(span["startTimeUnixNano"]):
        problems.append(f"span {span.get('name')} ends before it starts")


def main():
    label, path, expected_spans = sys.argv[1], sys.argv[2], int(sys.argv[3])
    problems, spans, lines, ids, parents = [], 0, 0, set(), set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            lines += 1
            try:
                doc = json.loads(line)
            except ValueError as e:
                problems.append(f"line {number}: not JSON: {e}")
                continue
            for span in spans_of(doc):
                spans += 1
                ids.add(span.get("spanId"))
                if "parentSpanId" in span:
                    parents.add(span["parentSpanId"])
                check_span(span, problems)
            try:
                json_format.ParseDict(doc, trace_pb2.TracesData(), ignore_unknown_fields=False)
            except json_format.ParseError as e:
                problems.append(f"line {number}: {e}")
    check(label, "every line is a TracesData for the official protobuf classes", not problems
          and lines > 0, "; ".join(problems[:3]))
    check(label, f"holds every span ({expected_spans})", spans == expected_spans, f"{spans} spans")
    check(label, "every parentSpanId is an exported span", parents <= ids,
          f"{len(parents - ids)} dangling")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
