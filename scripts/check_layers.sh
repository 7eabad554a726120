#!/usr/bin/env bash
# The layer check of `make check` and `make test`: every folder of userspace/ says in its
# README.md what it may include, and this script holds each #include to it.
#   May include: `core/`, `store/`              folders of userspace/ it may use (its own always)
#   Libraries: sqlite3                          restricted libraries it may use
#   Libraries: libbpf (loader.c), libelf        ... "(a.c b.c)": in those files only
#   Event layout: loader.c ingest.c             the files that may include bpf/events.h
# A folder not in a README, an include of a folder or library not allowed, a same-folder
# include of a header that is not there, or a cycle between folders fails the check.
# Prints a FAIL line per violation, or one PASS line (tests/run.sh counts them); exits 1 or 0.
set -u
cd "$(dirname "$0")/../userspace" || exit 1

# Restricted library: the include prefixes that mean it.
declare -A LIB_PREFIX=(
	[libbpf]='<bpf/|"ferret.skel.h"'
	[sqlite3]='<sqlite3.h>'
	[libelf]='<libelf.h>|<gelf.h>|<elfutils/'
	[cjson]='<cjson/'
	[capstone]='<capstone/'
	[libiberty]='<libiberty/'
)
violations=0
declare -A EDGES=() # "from to" -> 1: folder include graph, for the cycle check

bad() {
	printf 'FAIL: layers: %s\n' "$*"
	violations=$((violations + 1))
}

# readme_field FOLDER FIELD: the text after "FIELD:" in FOLDER/README.md, markup removed.
readme_field() {
	sed -n "s/^[-* ]*\*\{0,2\}$2:\*\{0,2\} *//p" "$1/README.md" | tr -d '`*' | head -1
}

# allowed_lib FOLDER LIB FILE: 0 when FOLDER's README lets FILE use LIB. Entries are separated
# by commas; "lib (a.c b.c)" limits one to those files.
allowed_lib() {
	local entry files
	while IFS= read -r entry; do
		entry=$(printf '%s' "$entry" | sed 's/^ *//; s/ *$//')
		case "$entry" in
		"$2") return 0 ;;
		"$2 ("*")")
			files=${entry#*(}
			files=" ${files%)} "
			[[ "$files" == *" $3 "* ]] && return 0
			;;
		esac
	done < <(readme_field "$1" Libraries | tr ',' '\n')
	return 1
}

# check_file FOLDER FILE: every include of FILE against FOLDER's rules.
check_file() {
	local folder=$1 file=$2 base inc target lib pattern may events
	base=$(basename "$file")
	may=" $(readme_field "$folder" 'May include' | tr -d ',/') "
	events=" $(readme_field "$folder" 'Event layout') "
	# One sed a file for its includes, and bash's own matching after (a process a line made
	# the check take minutes).
	while IFS= read -r inc; do
		for lib in "${!LIB_PREFIX[@]}"; do
			pattern="^(${LIB_PREFIX[$lib]})"
			if [[ "$inc" =~ $pattern ]]; then
				allowed_lib "$folder" "$lib" "$base" || bad "$file includes $inc: $lib is not for this file (see $folder/README.md)"
			fi
		done
		case "$inc" in
		'"bpf/events.h"')
			[[ "$events" == *" $base "* ]] || bad "$file includes bpf/events.h: only the loader and the event decoder may"
			;;
		'"bpf/'*) ;; # the other headers of bpf/ are code shared with the BPF side
		\"*/*\")
			target=${inc#\"}
			target=${target%%/*}
			if [ "$target" = "$folder" ]; then
				bad "$file includes $inc: a header of its own folder is included by its bare name"
			elif [ ! -d "$target" ]; then
				bad "$file includes $inc: no folder userspace/$target"
			elif [[ "$may" != *" $target "* ]]; then
				bad "$file includes $inc: $folder/ may not include $target/ (see $folder/README.md)"
			else
				EDGES["$folder $target"]=1
			fi
			;;
		'"ferret.skel.h"') ;;
		\"*\")
			target=${inc//\"/}
			[ -f "$folder/$target" ] || bad "$file includes $inc: not a header of $folder/"
			;;
		esac
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$file")
}

# A cycle between folders, by depth-first search over EDGES: prints it and fails.
declare -A COLOR=()
visit() {
	local from=$1 edge to
	COLOR[$from]=grey
	for edge in "${!EDGES[@]}"; do
		[ "${edge% *}" = "$from" ] || continue
		to=${edge#* }
		case "${COLOR[$to]:-white}" in
		grey) bad "include cycle between folders: $from/ -> $to/ -> ... -> $from/" ;;
		white) visit "$to" ;;
		esac
	done
	COLOR[$from]=black
}

for folder in */; do
	folder=${folder%/}
	if [ ! -f "$folder/README.md" ]; then
		bad "$folder/ has no README.md saying what it holds and may include"
		continue
	fi
	[ -n "$(readme_field "$folder" 'May include')" ] || bad "$folder/README.md has no 'May include:' line"
	for file in "$folder"/*.[ch]; do
		[ -f "$file" ] && check_file "$folder" "$file"
	done
done
# main.c dispatches to the subcommands and uses nothing else but core/.
while IFS= read -r inc; do
	case "$inc" in
	cmd/* | core/*) EDGES["main ${inc%%/*}"]=1 ;;
	*) bad "main.c includes \"$inc\": main.c may include cmd/ and core/ only" ;;
	esac
done < <(sed -n 's/^#include "\(.*\)"/\1/p' main.c)
for folder in */ main; do
	folder=${folder%/}
	[ "${COLOR[$folder]:-white}" = white ] && visit "$folder"
done

if [ "$violations" -eq 0 ]; then
	echo "PASS: layers: every include follows its folder's README, no cycle between folders"
else
	exit 1
fi
