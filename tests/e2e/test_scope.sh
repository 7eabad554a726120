#!/usr/bin/env bash
# Which processes get breakpoints: a launched command and its descendants only, followed at
# fork with exact counts; an unrelated process, and ferret itself, get none.
. "$(dirname "$0")/lib.sh"

# The kernel maps "[uprobes]" (the page return probes go through) into a process once one
# of its calls hits a breakpoint: a process with no breakpoint has none.
uprobes_page() { grep -c '\[uprobes\]' "/proc/$1/maps"; }

# An unrelated shell: 30000 loop turns, each mallocing; prints its [uprobes] count, ms, pid.
unrelated() {
	bash -c 's=$(date +%s%N); for i in $(seq 30000); do x="$x$i"; x=${x:0:50}; done
		echo "$(grep -c "\[uprobes\]" /proc/$$/maps) $(( ($(date +%s%N) - s) / 1000000 )) $$"'
}

# --- while a launched command is traced on libc:malloc, others run untouched ---
read -r control_page control_ms _ < <(unrelated)
go="$TMP/go"
"$FERRET" trace --db "$DB" --run-id scope --no-calibrate -f 'libc:malloc' -- \
	bash -c "while [ ! -e $go ]; do sleep 0.05; done; grep -c '\[uprobes\]' /proc/\$\$/maps >$TMP/traced" \
	>"$TMP/scope.log" 2>&1 &
fpid=$!
for _ in $(seq 600); do grep -q "tracing" "$TMP/scope.log" && break; sleep 0.05; done
read -r page ms upid < <(unrelated)
ferret_page=$(uprobes_page "$fpid")
touch "$go"
wait "$fpid"
expect_eq "the traced command exits 0" "$?" 0
read -r _ control2_ms _ < <(unrelated)
expect_eq "the traced command's malloc had a breakpoint" "$(cat "$TMP/traced" 2>/dev/null)" 1
expect_eq "a process ferret did not launch has no breakpoint (no [uprobes] page)" "$page" 0
expect_eq "control: the same process untraced has none either" "$control_page" 0
expect_eq "ferret's own mallocs (SQLite's) hit no breakpoint" "$ferret_page" 0
[ "$control2_ms" -gt "$control_ms" ] && control_ms=$control2_ms
if [ "$ms" -le $((control_ms * 5 + 200)) ]; then
	pass "the unrelated process ran at its untraced speed (${ms} ms, untraced ${control_ms} ms)"
else
	fail "the unrelated process ran at its untraced speed" "${ms} ms, untraced ${control_ms} ms"
fi
expect_eq "the unrelated process's calls are not in the run" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='scope' AND pid=${upid:-0}")" 0

# --- a shell's children are followed from their first call (getpid right after fork) ---
cmd="for i in 1 2 3; do ( : \$BASHPID ); done; : \$BASHPID; $PROGS/forks"
"$FERRET" trace --db "$DB" --run-id shell --no-calibrate -f 'libc:getpid' -- bash -c "$cmd" >"$TMP/shell.log" 2>&1
expect_eq "a shell as the command: ferret exits 0" "$?" 0
expect_eq "four processes called getpid: the shell and its three subshells" \
	"$(q "SELECT count(DISTINCT pid) FROM span_view WHERE run_id='shell'")" 4
expect_eq "every subshell called it as often (none lost its first calls)" \
	"$(q "SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM span_view WHERE run_id='shell' AND pid <> (SELECT pid FROM run_view WHERE run_id='shell') GROUP BY pid)")" 1
if command -v strace >/dev/null; then
	expect_eq "getpid counted as strace -f counts its system calls" "$(calls getpid shell)" \
		"$(strace -f -qq -e trace=getpid bash -c "$cmd" 2>&1 >/dev/null | grep -c 'getpid()')"
fi
expect_match "the forked processes are followed" "$(cat "$TMP/shell.log")" "followed [0-9]+ processes"

# --- stopped and continued children (job control) behave as without ferret ---
out=$("$FERRET" trace --db "$DB" --run-id jobs --no-calibrate -f 'libc:getpid' -- bash -c \
	'sleep 1 & p=$!; kill -STOP $p; sleep 0.2; kill -CONT $p; wait $p; echo "cont $?"
	 sleep 5 & p=$!; kill -TSTP $p; sleep 0.2; kill -TERM $p; kill -CONT $p; wait $p; echo "term $?"' 2>/dev/null)
expect_eq "a stopped child continues, a stopped child is killed: as without ferret" "$(echo $out)" "cont 0 term 143"

# --- forked children and grandchildren: exact counts in each ---
"$FERRET" trace --db "$DB" --run-id kids --no-calibrate -- "$PROGS/forks" >/dev/null 2>&1
expect_eq "child_work 3 times in each of the child and the grandchild" \
	"$(q "SELECT group_concat(n) FROM (SELECT count(*) n FROM span_view WHERE run_id='kids' AND function='child_work' GROUP BY pid)")" "3,3"

# --- --no-ptrace: a command that ptraces its own children works, and they are followed ---
if [ -x /usr/bin/strace ]; then
	"$FERRET" trace --db "$DB" --run-id strace --no-calibrate --no-ptrace -f 'libc:_exit' -- \
		/usr/bin/strace -f -qq -o /dev/null "$PROGS/forks" >"$TMP/strace.log" 2>&1
	expect_eq "--no-ptrace: strace as the command exits 0" "$?" 0
	expect_eq "--no-ptrace: no warning" "$(grep -c warning "$TMP/strace.log")" 0
	expect_eq "--no-ptrace: strace's children followed (forks and its 2 children end in _exit)" \
		"$(q "SELECT count(DISTINCT pid) >= 3 FROM span_view WHERE run_id='strace'")" 1
fi

# --- ptrace refused (here by seccomp): one warning, today's breakpoints everywhere, counts kept ---
cat >"$TMP/noptrace.py" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
def insn(code, jt, jf, k): return struct.pack("HBBI", code, jt, jf, k)
# ptrace (101 on x86_64) fails with EPERM; every other system call is allowed
prog = insn(0x20, 0, 0, 0) + insn(0x15, 0, 1, 101) + insn(0x06, 0, 0, 0x50001) + insn(0x06, 0, 0, 0x7fff0000)
buf = ctypes.create_string_buffer(prog)
class Fprog(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(4, ctypes.cast(buf, ctypes.c_void_p))
if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0):
    sys.exit(99)
os.execv(sys.argv[1], sys.argv[1:])
PY
if [ "$(uname -m)" = x86_64 ] && [ -x /usr/bin/python3 ]; then
	# LeakSanitizer (make asan) stops threads with ptrace, which this seccomp filter refuses
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	/usr/bin/python3 "$TMP/noptrace.py" "$FERRET" trace --db "$DB" --run-id noptrace --no-calibrate \
		-- "$PROGS/forks" >"$TMP/noptrace.log" 2>&1
	expect_eq "ptrace refused: ferret still exits 0" "$?" 0
	expect_match "ptrace refused: one warning says what it costs" "$(cat "$TMP/noptrace.log")" \
		"cannot follow the command with ptrace .*every process that maps a traced file"
	expect_eq "ptrace refused: the children's calls still counted exactly" "$(calls child_work noptrace)" 6
fi
exit 0
