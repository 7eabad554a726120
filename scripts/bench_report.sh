#!/usr/bin/env bash
# The last step of `make bench`: turns the samples (one "key<TAB>value" line per
# measurement, several runs per key) into medians and side-by-side ratios, prints one
# table (Markdown, so it pastes into the README) and writes the same figures as JSON.
#
#   bash scripts/bench_report.sh SAMPLES.tsv RESULTS.json
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench_report.sh SAMPLES.tsv RESULTS.json" >&2; exit 2; }

python3 - "$1" "$2" <<'PY'
import json, math, os, re, statistics, sys

RAW = {}


def values(key):
    out = []
    for v in RAW.get(key, []):
        try:
            x = float(v)
        except ValueError:
            x = None  # a failed run ("NA"): keeps the runs of one figure aligned
        out.append(x if x is not None and math.isfinite(x) else None)
    return out


def med(key):
    v = [x for x in values(key) if x is not None]
    return statistics.median(v) if v else None


def extreme(key, fn):
    v = [x for x in values(key) if x is not None]
    return fn(v) if v else None


def paired(fn, *keys):
    """Median of fn over the runs where every key was measured: ratios taken side by side."""
    v = [fn(*r) for r in zip(*(values(k) for k in keys)) if None not in r]
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def first(key, default=""):
    return RAW.get(key, [default])[0]


def div(a, b):
    return a / b if a is not None and b else None


def ns(x):
    return "n/a" if x is None else f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"


def secs(x):
    if x is None:
        return "n/a"
    if x < 0.01:
        return f"{x * 1000:.1f} ms"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.1f} s"


def ratio(x):
    return "n/a" if x is None else f"{x:.2f}"


def count(x):
    return "n/a" if x is None else f"{x:,.0f}"


def mb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.0f} MB"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def placement(text):
    """ferret's "probes: ..." line, for one function: where its entry probe went."""
    m = re.match(r"(\d+) on 5-byte nops, (\d+) on push, (\d+) on jumps or 1-byte nops, (\d+) single-stepped; "
                 r"(\d+) moved past", text)
    if not m:
        return text or "n/a"
    nop, push, jump, stepped, moved = (int(g) for g in m.groups())
    kinds = [(nop, "5-byte nop"), (push, "push"), (jump, "jump or 1-byte nop"), (stepped, "single-stepped")]
    where = ", ".join(name if n == 1 else f"{n} {name}" for n, name in kinds if n)
    return where + (f" ({'' if moved == 1 else f'{moved} '}moved past the first instruction)" if moved else "")


def per_call_row(kind):
    k = f"calls.{kind}"
    n = med(k + ".calls")
    added = lambda traced, untraced: traced - untraced
    return {
        "entry": kind, "first_instructions": first(k + ".entry"), "calls": n,
        "ferret_probe": placement(first(k + ".ferret_probes")),
        "untraced_ns": med(k + ".untraced_ns"), "ferret_ns": med(k + ".ferret_ns"),
        "bpftrace_ns": med(k + ".bpftrace_ns"), "uftrace_ns": med(k + ".uftrace_ns"),
        "ferret_added_ns": paired(added, k + ".ferret_ns", k + ".untraced_ns"),
        "bpftrace_added_ns": paired(added, k + ".bpftrace_ns", k + ".untraced_ns"),
        "uftrace_added_ns": paired(added, k + ".uftrace_ns", k + ".untraced_ns"),
        "ferret_vs_bpftrace": paired(lambda f, b, u: div(f - u, b - u),
                                     k + ".ferret_ns", k + ".bpftrace_ns", k + ".untraced_ns"),
        "ferret_spans_min": extreme(k + ".ferret_spans", min), "ferret_lost_max": extreme(k + ".ferret_lost", max),
        "ferret_db_bytes_per_span": div(med(k + ".ferret_db_bytes"), n),
        "uftrace_bytes_per_call": div(med(k + ".uftrace_bytes"), n),
        "ferret_peak_rss_kb": med(k + ".ferret_rss_kb"),
    }


def per_call_section(result, out):
    rows = []
    for kind in ("nop5", "push", "endbr64"):
        if f"calls.{kind}.untraced_ns" not in RAW:
            continue
        r = per_call_row(kind)
        result["per_call"].append(r)
        rows.append([kind, f"`{r['first_instructions']}`", r["ferret_probe"], count(r["calls"]), ns(r["untraced_ns"]),
                     ns(r["ferret_ns"]), ns(r["bpftrace_ns"]), ns(r["uftrace_ns"]), ns(r["ferret_added_ns"]),
                     ns(r["bpftrace_added_ns"]), ns(r["uftrace_added_ns"]), ratio(r["ferret_vs_bpftrace"]),
                     f"{count(r['ferret_spans_min'])} / {count(r['calls'])}", count(r["ferret_lost_max"])])
    if not rows:
        return
    out += ["", "### 1. Cost per call of one traced hot function (ns per call, timed inside the loop)", ""]
    out.append(table(["entry", "starts with", "ferret's probe", "calls/run", "untraced", "ferret", "bpftrace", "uftrace",
                      "ferret +", "bpftrace +", "uftrace +", "ferret+ / bpftrace+", "ferret spans stored (min)",
                      "lost (max)"], rows))
    out += ["", "`+`: added cost, traced minus untraced. bpftrace: `uprobe { @s[tid] = nsecs } uretprobe "
            "{ @t = sum(nsecs - @s[tid]) }` on the same binary; uftrace: `uftrace record` on a `-pg` (mcount) build "
            "with the same flags (its `+` is against the same untraced build without `-pg`). nop5: `-pg -mfentry "
            "-mnop-mcount -O2`; push: `-O0 -fcf-protection=none`; endbr64: `-O0 -fcf-protection=full`."]
    r = result["per_call"][0]
    if r["ferret_db_bytes_per_span"] is not None:
        out.append(f"Storage in the {r['entry']} runs: ferret {r['ferret_db_bytes_per_span']:.1f} bytes per span in SQLite, "
                   f"uftrace {r['uftrace_bytes_per_call'] or 0:.1f} bytes per call; ferret's peak RSS "
                   f"{mb(r['ferret_peak_rss_kb'])}.")


def attach_row(c):
    k = f"attach.{c}"
    total = lambda attach, detach: attach + detach
    r = {
        "functions": int(c), "ferret_functions": med(k + ".ferret_functions"), "ferret_probes": med(k + ".ferret_probes"),
        "ferret_mode": first(k + ".ferret_mode"), "ferret_attach_s": med(k + ".ferret_attach_s"),
        "ferret_detach_s": med(k + ".ferret_detach_s"),
        "ferret_total_s": paired(total, k + ".ferret_attach_s", k + ".ferret_detach_s"),
        "ferret_wall_s": med(k + ".ferret_wall_s"), "ferret_spans_min": extreme(k + ".ferret_spans", min),
        "bpftrace_runs": len(values(k + ".bpftrace_attach_s")), "bpftrace_probes": med(k + ".bpftrace_probes"),
        "bpftrace_startup_s": med(k + ".bpftrace_startup_s"), "bpftrace_attach_s": med(k + ".bpftrace_attach_s"),
        "bpftrace_detach_s": med(k + ".bpftrace_detach_s"),
        "bpftrace_total_s": paired(total, k + ".bpftrace_attach_s", k + ".bpftrace_detach_s"),
        "bpftrace_wall_s": med(k + ".bpftrace_wall_s"), "bpftrace_skipped_est_s": med(k + ".bpftrace_skipped_est_s"),
    }
    r["bpftrace_vs_ferret"] = div(r["bpftrace_total_s"], r["ferret_total_s"])
    return r


def attach_section(result, out):
    rows = []
    for c in ("10", "100", "1000", "10000"):
        if f"attach.{c}.ferret_attach_s" not in RAW and f"attach.{c}.bpftrace_attach_s" not in RAW:
            continue
        r = attach_row(c)
        result["attach"].append(r)
        if r["bpftrace_skipped_est_s"] is not None:
            bt = [f"skipped (est. {r['bpftrace_skipped_est_s']:.0f} s)", "", "", "", "", ""]
        else:
            bt = [count(r["bpftrace_probes"]), secs(r["bpftrace_startup_s"]), secs(r["bpftrace_attach_s"]),
                  secs(r["bpftrace_detach_s"]), secs(r["bpftrace_total_s"]), str(r["bpftrace_runs"])]
        vs = "n/a" if r["bpftrace_vs_ferret"] is None else f"{r['bpftrace_vs_ferret']:.0f}x"
        rows.append([f"{int(c):,}", count(r["ferret_probes"]), secs(r["ferret_attach_s"]), secs(r["ferret_detach_s"]),
                     secs(r["ferret_total_s"]), secs(r["ferret_wall_s"])] + bt + [vs])
    if not rows:
        return
    out += ["", f"### 2. Attach + detach, entry and return probe on every function "
            f"(ferret: {result['attach'][0]['ferret_mode']})", ""]
    out.append(table(["functions", "ferret probes", "attach", "detach", "attach+detach", "ferret wall",
                      "bpftrace probes", "bpftrace start-up", "attach", "detach", "attach+detach", "bpftrace runs",
                      "bpftrace / ferret"], rows))
    out += ["", "ferret: the timings `ferret trace -v` prints; wall: the whole `ferret trace -- many_funcs` (ELF, BPF "
            "load, run, store). bpftrace: start-up = start to `Attaching N probes...`, attach = that to its `BEGIN` "
            "output, detach = SIGINT to exit. Large bpftrace runs are estimated from the previous size, not run."]


def ingest_section(result, out):
    rows = []
    for n in ("1000000", "5000000"):
        k = f"ingest.{n}"
        if k + ".spans_per_s" not in RAW:
            continue
        stored = extreme(k + ".stored", min)
        r = {"spans": int(n), "spans_per_s": med(k + ".spans_per_s"), "stored_min": stored,
             "missing": None if stored is None else int(n) - stored, "bytes_per_span": med(k + ".bytes_per_span"),
             "peak_rss_kb": med(k + ".peak_rss_kb"), "seconds": med(k + ".seconds"),
             "close_seconds": med(k + ".close_seconds"), "peak_rss_before_close_kb": med(k + ".feed_rss_kb")}
        # While tracing, spans stream in; closing writes the last window and checkpoints the WAL.
        r["streaming_spans_per_s"] = (int(n) / (r["seconds"] - r["close_seconds"])
                                      if r["seconds"] and r["close_seconds"] is not None
                                      and r["seconds"] > r["close_seconds"] else None)
        result["ingest"].append(r)
        rows.append([f"{int(n):,}", count(r["streaming_spans_per_s"]), count(r["spans_per_s"]), secs(r["seconds"]),
                     secs(r["close_seconds"]), count(stored),
                     count(r["missing"]), "n/a" if r["bytes_per_span"] is None else f"{r['bytes_per_span']:.1f}",
                     mb(r["peak_rss_kb"]), mb(r["peak_rss_before_close_kb"])])
    if not rows:
        return
    out += ["", "### 3. Userspace ingest: synthetic ring-buffer records -> span builder -> SQLite, one core", ""]
    out.append(table(["spans", "spans/s while tracing", "spans/s incl. closing", "time", "of which closing the run",
                      "stored (min)", "missing",
                      "DB bytes/span", "peak RSS", "peak RSS before closing"], rows))
    out += ["", "`tests/bench/bench_ingest`: 4 threads, call trees 1-4 deep, 200 functions; timed from the first record "
            "to the closed database (closing: `store__end_run`, which writes the last window of calls and each "
            "thread's span range, and `store__free`, which checkpoints the WAL into the file); bytes include the WAL."]


def e2e_section(result, out):
    if "e2e.calls" not in RAW:
        return
    r = {"calls": med("e2e.calls"), "spans_min": extreme("e2e.spans", min), "lost_max": extreme("e2e.lost", max),
         "untraced_ns": med("e2e.untraced_ns"), "ferret_ns": med("e2e.ferret_ns"),
         "ferret_peak_rss_kb": med("e2e.ferret_rss_kb"), "runs": len(values("e2e.calls"))}
    r["calls_per_s_per_thread"] = div(1e9, r["ferret_ns"])
    result["end_to_end"] = r
    out += ["", "### 4. End to end: 2 threads calling nop5-entry functions in a tight loop, traced by ferret", ""]
    out.append(table(["calls made", "spans stored (min)", "lost events (max)", "ns/call traced", "untraced",
                      "calls/s per thread", "ferret peak RSS"],
                     [[count(r["calls"]), count(r["spans_min"]), count(r["lost_max"]), ns(r["ferret_ns"]),
                       ns(r["untraced_ns"]), count(r["calls_per_s_per_thread"]), mb(r["ferret_peak_rss_kb"])]]))


def spans_section(result, out):
    if "spans.untraced_pair_ns" not in RAW:
        return
    r = {"untraced_pair_ns": med("spans.untraced_pair_ns"), "traced_pair_ns": med("spans.traced_pair_ns"),
         "runs": len(values("spans.untraced_pair_ns"))}
    result["explicit_spans"] = r
    out += ["", "### 6. Explicit spans: a FERRET_BEGIN/FERRET_END pair (ferret.h), ns per pair", ""]
    u = r["untraced_pair_ns"]
    out.append(table(["untraced (semaphores 0)", "traced by ferret"],
                     [["n/a" if u is None else f"{u:.2f}", ns(r["traced_pair_ns"])]]))


def floor_row(kind):
    k = f"calls.{kind}"
    over = lambda f, fl, u: div(f - u, fl - u)
    r = {"entry": kind, "untraced_ns": med(k + ".untraced_ns"), "floor_ns": med(k + ".floor_ns"),
         "ferret_ns": med(k + ".ferret_ns"), "untraced_cpu_ns": med(k + ".untraced_cpu_ns"),
         "floor_cpu_ns": med(k + ".floor_cpu_ns"), "ferret_cpu_ns": med(k + ".ferret_cpu_ns"),
         "ferret_vs_floor": paired(over, k + ".ferret_ns", k + ".floor_ns", k + ".untraced_ns"),
         "ferret_vs_floor_cpu": paired(over, k + ".ferret_cpu_ns", k + ".floor_cpu_ns", k + ".untraced_cpu_ns"),
         "record_floor_cpu_ns": med(k + ".floor_rec_cpu_ns"),
         "record_floor_vs_floor_cpu": paired(over, k + ".floor_rec_cpu_ns", k + ".floor_cpu_ns",
                                             k + ".untraced_cpu_ns"),
         "ferret_vs_record_floor_cpu": paired(over, k + ".ferret_cpu_ns", k + ".floor_rec_cpu_ns",
                                              k + ".untraced_cpu_ns"),
         "ferret_spans_min": extreme(k + ".ferret_spans", min), "calls": med(k + ".calls"),
         "ferret_lost_max": extreme(k + ".ferret_lost", max)}
    # The profile run (BPF run-time statistics on): where a call's CPU time goes.
    p = {n: med(f"{k}.prof_{n}") for n in ("untraced_cpu_ns", "floor_cpu_ns", "ferret_cpu_ns", "floor_entry",
                                           "floor_exit", "ferret_entry", "ferret_exit")}
    if None not in p.values():
        r["profile"] = {
            "floor_cpu_ns": p["floor_cpu_ns"], "ferret_cpu_ns": p["ferret_cpu_ns"],
            "floor_prog_entry_ns": p["floor_entry"], "floor_prog_exit_ns": p["floor_exit"],
            "ferret_prog_entry_ns": p["ferret_entry"], "ferret_prog_exit_ns": p["ferret_exit"],
            "uprobe_machinery_ns": p["floor_cpu_ns"] - p["untraced_cpu_ns"] - p["floor_entry"] - p["floor_exit"],
            "ferret_programs_over_floor_ns": p["ferret_entry"] + p["ferret_exit"] - p["floor_entry"] - p["floor_exit"],
            "ferret_over_floor_ns": p["ferret_cpu_ns"] - p["floor_cpu_ns"]}
    return r


def floor_section(result, out):
    rows, prof = [], []
    for kind in ("nop5", "push"):
        if f"calls.{kind}.floor_ns" not in RAW:
            continue
        r = floor_row(kind)
        result["floor"].append(r)
        rows.append([kind, ns(r["untraced_ns"]), ns(r["floor_ns"]), ns(r["ferret_ns"]), ratio(r["ferret_vs_floor"]),
                     ns(r["untraced_cpu_ns"]), ns(r["floor_cpu_ns"]), ns(r["ferret_cpu_ns"]),
                     ratio(r["ferret_vs_floor_cpu"]), f"{count(r['ferret_spans_min'])} / {count(r['calls'])}",
                     ns(r["record_floor_cpu_ns"]), ratio(r["record_floor_vs_floor_cpu"]),
                     ratio(r["ferret_vs_record_floor_cpu"])])
        p = r.get("profile")
        if p:
            prof.append([kind, ns(p["floor_cpu_ns"]), ns(p["uprobe_machinery_ns"]),
                         f"{ns(p['floor_prog_entry_ns'])} + {ns(p['floor_prog_exit_ns'])}", ns(p["ferret_cpu_ns"]),
                         f"{ns(p['ferret_prog_entry_ns'])} + {ns(p['ferret_prog_exit_ns'])}",
                         ns(p["ferret_programs_over_floor_ns"]), ns(p["ferret_over_floor_ns"])])
    if not rows:
        return
    out += ["", "### 1b. The kernel floor: the same probe pair with empty BPF programs (ns per call)", ""]
    out.append(table(["entry", "untraced", "floor", "ferret", "ferret+ / floor+", "untraced CPU", "floor CPU",
                      "ferret CPU", "ferret+ / floor+ (CPU)", "ferret spans stored (min)", "record floor CPU",
                      "record floor+ / floor+ (CPU)", "ferret+ / record floor+ (CPU)"], rows))
    out += ["", "floor: `tests/bench/floor_probe` attaches `bpf/floor.bpf.c` (an entry and a return program that "
            "return 0) through uprobe_multi on the same `hot`, as ferret does; `+`: traced minus untraced, the ratio "
            "taken run by run. CPU: the traced thread's CPU time (the kernel's probe handling included), which leaves "
            "out the time other processes took the CPU away; wall-clock figures on a busy machine include it. "
            "record floor: the same programs reading the clock and sending a 24-byte record each (time, thread, "
            "cookie), drained by a thread of `floor_probe`: the least a tracer that records each entry and "
            "return with its time costs."]
    if prof:
        out += ["", "Where a call's CPU time goes (one run each with `kernel.bpf_stats_enabled=1`, which adds two "
                "clock reads to every program run):", ""]
        out.append(table(["entry", "floor CPU/call", "of it: uprobe machinery", "floor programs entry + exit",
                          "ferret CPU/call", "ferret programs entry + exit", "ferret programs over the floor's",
                          "ferret over the floor, in all"], prof))


def real_section(result, out):
    progs = [("sqlite3", "`sqlite3` < 20,000 inserts in a transaction + 4 queries", "`-f 'libsqlite3:sqlite3_*'`"),
             ("python", "`python3.11` fixed script (calls, dicts, strings, JSON)", "default (the interpreter)"),
             ("redis", f"`redis-benchmark -t get,set -n {first('real.redis.requests', '100000')} -q`, server traced "
              "by PID", "default (redis-server)")]
    variants = sorted({k.split(".")[2] for k in RAW if k.startswith("real.") and k.split(".")[2].startswith("ferret")})
    rows = []
    for prog, workload, sel in progs:
        k = f"real.{prog}"
        base = med(k + ".untraced.wall_s")
        if base is None:
            continue
        slow = lambda t: div(t, base)
        r = {"program": prog, "untraced_s": base, "tools": {}}
        for v in variants:
            t = med(f"{k}.{v}.wall_s")
            if t is None:
                continue
            stepped, of = med(f"{k}.{v}.stepped_calls"), med(f"{k}.{v}.stepped_of")
            r["tools"][v] = {"wall_s": t, "slowdown": paired(lambda a, b: a / b, f"{k}.{v}.wall_s",
                                                             k + ".untraced.wall_s"),
                             "run_s": med(f"{k}.{v}.run_s"), "functions": med(f"{k}.{v}.functions"),
                             "spans_min": extreme(f"{k}.{v}.spans", min), "lost_max": extreme(f"{k}.{v}.lost", max),
                             "stepped_share": div(stepped, of)}
            x = r["tools"][v]
            name = "ferret " + v[len("ferret"):].replace("_overhead", "--overhead ").strip() + ("%" if "_overhead" in v else "")
            rows.append([prog, workload, sel, name.strip(), count(x["functions"]), secs(base), secs(t),
                         f"{x['slowdown']:.1f}x" if x["slowdown"] else "n/a", count(x["spans_min"]),
                         count(x["lost_max"]), "n/a" if x["stepped_share"] is None else f"{100 * x['stepped_share']:.1f} %"])
        bt_skip = med(k + ".bpftrace_skipped_probes")
        bt = med(k + ".bpftrace.wall_s")
        if bt_skip is not None:
            rows.append([prog, workload, sel, "bpftrace", "", secs(base), f"skipped ({bt_skip:.0f} probes)", "", "", "", ""])
        elif bt is not None:
            r["tools"]["bpftrace"] = {"wall_s": bt, "slowdown": slow(bt), "probes": med(k + ".bpftrace.probes"),
                                      "calls": med(k + ".bpftrace.calls")}
            rows.append([prog, workload, sel, "bpftrace", f"{count(r['tools']['bpftrace']['probes'])} probes", secs(base),
                         secs(bt), f"{slow(bt):.1f}x", f"{count(r['tools']['bpftrace']['calls'])} calls counted", "", ""])
        uf = med(k + ".uftrace.wall_s")
        if uf is not None:
            r["tools"]["uftrace"] = {"wall_s": uf, "slowdown": paired(lambda a, b: a / b, k + ".uftrace.wall_s",
                                                                      k + ".untraced.wall_s"),
                                     "calls": med(k + ".uftrace.calls")}
            x = r["tools"]["uftrace"]
            rows.append([prog, workload, sel, "uftrace -P .", "", secs(base), secs(uf),
                         f"{x['slowdown']:.1f}x" if x["slowdown"] else "n/a", f"{count(x['calls'])} calls recorded", "", ""])
        result["real"].append(r)
    if not rows:
        return
    out += ["", "### 5. Real programs (wall clock; slowdown = traced / untraced, run by run)", ""]
    out.append(table(["program", "workload", "ferret's selection", "tool", "functions", "untraced", "traced",
                      "slowdown", "spans stored (min)", "lost events (max)", "calls on single-stepped probes"], rows))
    out += ["", "sqlite3 and python3.11: the whole command (ferret's includes reading the ELF files, attaching and "
            "closing the database; bpftrace's starts once it is attached). redis: the seconds redis-benchmark's GET "
            "and SET took (requests / requests per second). bpftrace: `uprobe` + `uretprobe` counting calls on the same "
            "glob, run once, skipped when it would need more than 600 probes (it detaches ~8 a second). uftrace: "
            "`uftrace record -P . --force` on the unmodified binary: the functions it can patch (symbols of the main "
            "binary) and the calls through the PLT, so not the same set for sqlite3 (only the shell's calls into "
            "libsqlite3)."]


def targets_section(result, out):
    rows = []

    def target(name, value, text, met):
        result["targets"].append({"target": name, "value": value, "met": met})
        rows.append([name, text, "n/a" if met is None else ("met" if met else "missed")])

    pc = {r["entry"]: r for r in result["per_call"]}
    ratios = [(e, r["ferret_vs_bpftrace"]) for e, r in pc.items() if r["ferret_vs_bpftrace"] is not None]
    if ratios:
        target("ferret added cost <= 1.1 x bpftrace's", dict(ratios), ", ".join(f"{e} {x:.2f}" for e, x in ratios),
               all(x <= 1.1 for _, x in ratios))
    if "nop5" in pc and pc["nop5"]["ferret_lost_max"] is not None:
        p = pc["nop5"]
        target("zero lost events, one thread at full rate on nop5", p["ferret_lost_max"],
               f"lost {count(p['ferret_lost_max'])}, spans {count(p['ferret_spans_min'])} / {count(p['calls'])}",
               p["ferret_lost_max"] == 0 and p["ferret_spans_min"] == p["calls"])
    for r in result["floor"]:
        if r["ferret_vs_floor"] is not None:
            cpu = "n/a" if r["ferret_vs_floor_cpu"] is None else f"{r['ferret_vs_floor_cpu']:.2f}"
            target(f"ferret added cost <= 1.1 x the kernel floor's, {r['entry']}", r["ferret_vs_floor"],
                   f"{r['ferret_vs_floor']:.2f} wall clock, {cpu} CPU; spans {count(r['ferret_spans_min'])} / "
                   f"{count(r['calls'])}; the record floor: {ratio(r['record_floor_vs_floor_cpu'])} CPU", max(r["ferret_vs_floor"], r["ferret_vs_floor_cpu"] or 0) <= 1.1
                   and r["ferret_spans_min"] == r["calls"])
    e2e = result["end_to_end"]
    if e2e:
        target("2 threads: spans stored = calls made, 0 lost", e2e["lost_max"],
               f"{count(e2e['spans_min'])} / {count(e2e['calls'])}, lost {count(e2e['lost_max'])}",
               e2e["lost_max"] == 0 and e2e["spans_min"] == e2e["calls"])
    at = {r["functions"]: r for r in result["attach"]}
    if 10000 in at and at[10000]["ferret_total_s"] is not None:
        x = at[10000]["ferret_total_s"]
        target("attach + detach 10,000 functions < 1 s", x, secs(x), x < 1)
    if result["ingest"]:
        low = min(r["spans_per_s"] for r in result["ingest"])
        rates = [r["streaming_spans_per_s"] for r in result["ingest"] if r["streaming_spans_per_s"]]
        stream = min(rates) if rates else 0
        target(">= 2 M spans/s ingest", low,
               f"{low / 1e6:.2f} M/s including closing the run (lowest); {stream / 1e6:.2f} M/s while tracing",
               low >= 2e6)
        big = max(r["bytes_per_span"] for r in result["ingest"])
        traced = pc["nop5"]["ferret_db_bytes_per_span"] if "nop5" in pc else None
        also = "" if traced is None else f"; {traced:.1f} in the nop5 hot-loop traces"
        target("<= 32 bytes per span on disk", big, f"{big:.1f} (ingest mix, highest){also}", big <= 32)
    if "push" in pc and "endbr64" in pc and pc["push"]["ferret_added_ns"] and pc["endbr64"]["ferret_added_ns"]:
        x = pc["endbr64"]["ferret_added_ns"] / pc["push"]["ferret_added_ns"]
        target("endbr64 entry <= 1.5 x push entry (ferret added cost)", x, f"{x:.2f}", x <= 1.5)
    if rows:
        out += ["", "### Targets (issue 5)", "", table(["target", "measured", ""], rows)]


def args_section(result, out):
    """-A/-R: the cost a capture adds over a plain traced call, and span_args' bytes per span."""
    if "args.int.capture_ns" not in RAW:
        return
    rows, result["args"] = [], []
    for mode, what in (("int", "2 integers + return value"), ("str", "a 64-byte string")):
        base, plain, cap = (med(f"args.{mode}.{k}") for k in ("untraced_ns", "plain_ns", "capture_ns"))
        over = paired(lambda u, p, c: (c - p) / (p - u) if p and u is not None and p > u else None,
                      f"args.{mode}.untraced_ns", f"args.{mode}.plain_ns", f"args.{mode}.capture_ns")
        r = {"capture": what, "untraced_ns": base, "plain_ns": plain, "captured_ns": cap,
             "added_over_plain": over, "bytes_per_span": med(f"args.{mode}.bytes_per_span")}
        result["args"].append(r)
        rows.append([what, ns(base), ns(plain), ns(cap),
                     "-" if over is None else f"{100 * over:+.1f} %",
                     "-" if r["bytes_per_span"] is None else f"{r['bytes_per_span']:.1f}"])
    out += ["", "### Arguments and return values (-A, -R): CPU ns per call, 5-byte-nop entry", "",
            table(["captured", "untraced", "traced (-f)", "captured", "added over a traced call",
                   "span_args bytes/span"], rows)]


def main(samples_path, json_path):
    for line in open(samples_path):
        key, _, value = line.rstrip("\n").partition("\t")
        RAW.setdefault(key, []).append(value)
    machine = {k.split(".", 1)[1]: v[0] for k, v in RAW.items() if k.startswith("machine.")}
    result = {"machine": machine, "per_call": [], "attach": [], "ingest": [], "end_to_end": None, "targets": [],
              "floor": [], "real": []}
    out = ["## ferret benchmark", "",
           f"Machine: {machine.get('cpu', '?')}, {machine.get('cpus', '?')} CPUs, Linux {machine.get('kernel', '?')}; "
           f"{machine.get('ferret', '')}, {machine.get('bpftrace', '')}, uftrace "
           f"{machine.get('uftrace', '').split(' ')[-1]}, {machine.get('cc', '')}, SQLite {machine.get('sqlite', '')}. "
           f"{machine.get('date', '')}.",
           f"Medians of {machine.get('reps', '?')} runs; ratios are taken run by run, side by side, then their median."]
    for section in (per_call_section, floor_section, attach_section, ingest_section, e2e_section, spans_section,
                    real_section, targets_section, args_section):
        section(result, out)
    out += ["", f"Benchmark time: {float(machine.get('bench_seconds', 0)):.0f} s. JSON: {json_path}"]
    result["samples"] = RAW
    with open(json_path + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(json_path + ".tmp", json_path)
    print("\n".join(out))


main(sys.argv[1], sys.argv[2])
PY
