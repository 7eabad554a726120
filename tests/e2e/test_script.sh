#!/usr/bin/env bash
# A script given as the program (a pyenv shim found in PATH): named as a script, with its
# interpreter, and nothing launched.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/shims"
printf '#!/usr/bin/env bash\ntouch "%s/ran"\n' "$TMP" >"$TMP/shims/python3.99"
chmod +x "$TMP/shims/python3.99"
PATH="$TMP/shims:$PATH" "$FERRET" trace --db "$DB" -- python3.99 2>"$TMP/shim.err"
expect_eq "script: ferret exits 1" "$?" 1
expect_eq "script: one line, naming it a script and its interpreter" "$(cat "$TMP/shim.err")" \
	"ferret: $TMP/shims/python3.99 is a script run by /usr/bin/env bash, not an ELF file: trace the interpreter or the program it runs"
expect_eq "script: not run, nothing stored" "$([ -e "$TMP/ran" ] && echo ran)$([ -e "$DB" ] && echo db)" ""
printf '#!/bin/sh -e\ntrue\n' >"$TMP/plain.sh"
chmod +x "$TMP/plain.sh"
expect_match "script: its interpreter's argument shown too" \
	"$("$FERRET" trace --db "$DB" -- "$TMP/plain.sh" 2>&1)" "plain\.sh is a script run by /bin/sh -e, not an ELF file"
