#!/usr/bin/env bash
# Writes a C program with N functions fn_00000 .. fn_(N-1), each called once from main
# (argv[1] repeats the whole sweep that many times). For attach/detach tests and benchmarks.
set -euo pipefail
n=${1:-10000}
echo '#include <stdlib.h>'
echo 'volatile long sink;'
for ((i = 0; i < n; i++)); do printf 'void fn_%05d(void) { sink += %d; }\n' "$i" "$i"; done
echo 'int main(int argc, char **argv) {'
echo '  int rounds = argc > 1 ? atoi(argv[1]) : 1;'
echo '  for (int r = 0; r < rounds; r++) {'
for ((i = 0; i < n; i++)); do printf '    fn_%05d();\n' "$i"; done
echo '  }'
echo '  return 0;'
echo '}'
