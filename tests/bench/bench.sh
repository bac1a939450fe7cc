#!/usr/bin/env bash
# Compare hull with runc and crun (and with a bare clone+pivot_root+exec).
#
# usage: tests/bench/bench.sh          (or: make bench)
#
# Environment:
#   HULL          the hull binary (default: the one at the top of the tree)
#   RUNC, CRUN    the runtimes to compare with (default: runc, crun; set one
#                 to an empty string to skip it)
#   BENCH_N       iterations per measurement (default 50)
#   BENCH_PAR     containers in the parallel test (default 100)
#   BENCH_JOBS    parallel workers in the parallel test (default 8)
#   BENCH_SECCOMP set to 0 to run without the default seccomp profile
#   BUSYBOX       static busybox for the bundle (default /bin/busybox)
#   CC            compiler for the helpers (default cc)
#   BENCH_KEEP    set to 1 to keep the work directory
#
# Every runtime gets its own --root in a temporary directory and runs the
# same busybox bundle (/bin/true). The runtimes are measured round-robin,
# one call each per iteration (the order rotates), so that drift in the
# machine's load hits all of them alike. Wall time and peak RSS come from
# wait4() in tests/bench/peakrss.c; the floor is tests/bench/bare.c.
#
# crun cannot handle this host's hybrid cgroup layout as it is, so it runs
# in a private mount namespace in which /sys/fs/cgroup/unified is unmounted
# (peakrss joins that namespace with setns() before exec'ing crun). If crun
# still fails it is skipped with a message.
#
# This is a benchmark, not a test: it only reports, and exits non-zero only
# when it could not measure hull.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
HULL=${HULL:-$top/hull}
RUNC=${RUNC-runc}
CRUN=${CRUN-crun}
BENCH_N=${BENCH_N:-50}
BENCH_PAR=${BENCH_PAR:-100}
BENCH_JOBS=${BENCH_JOBS:-8}
CC=${CC:-cc}

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# set-up

work=
nsholder=
cleanup() {
	local rt
	set +e
	for rt in "${runtimes[@]:-}"; do
		[ -n "$rt" ] && [ "$rt" != bare ] || continue
		for id in $(rt_cmd "$rt" list -q 2>/dev/null); do
			rt_cmd "$rt" delete --force "$id" >/dev/null 2>&1
		done
	done
	[ -z "$nsholder" ] || kill "$nsholder" 2>/dev/null
	[ -z "$nsholder" ] || wait "$nsholder" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		note "work directory kept: $work"
	elif [ -n "$work" ]; then
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_helpers() {
	local f
	for f in peakrss bare; do
		"$CC" -std=gnu11 -O2 -Wall -Wextra -static "$here/$f.c" -o "$work/$f" 2>/dev/null ||
			"$CC" -std=gnu11 -O2 -Wall -Wextra "$here/$f.c" -o "$work/$f" ||
			die "cannot compile $here/$f.c"
	done
}

# The test suite's bundle (runc spec defaults, a cgroup namespace and the
# default seccomp profile; BENCH_SECCOMP=0 leaves the profile out), with
# ociVersion 1.0.2 because crun 1.8 refuses newer versions.
make_bundle() {
	local opts=()
	[ "${BENCH_SECCOMP:-1}" = 1 ] || opts=(--no-seccomp)
	"$top/tests/integration/make-bundle" "${opts[@]}" "$work/bundle" /bin/true >/dev/null ||
		die "make-bundle failed"
	bundle=$work/bundle
	jq '.ociVersion = "1.0.2"' "$bundle/config.json" >"$bundle/config.new" &&
		mv "$bundle/config.new" "$bundle/config.json" || die "cannot edit $bundle/config.json"
}

# A process holding a private mount namespace without the cgroup2 mount
# of the hybrid layout, for crun.
start_crun_ns() {
	local i
	unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; : >"$1"; exec sleep 1000000' \
		sh "$work/ns-ready" </dev/null >/dev/null 2>&1 &
	nsholder=$!
	for ((i = 0; i < 500; i++)); do
		[ -e "$work/ns-ready" ] && break
		sleep 0.01
	done
	[ -e "$work/ns-ready" ] || return 1
	crun_ns=/proc/$nsholder/ns/mnt
}

# rt_cmd RUNTIME ARG...: run a runtime verb with its own --root (untimed).
rt_cmd() {
	local rt=$1
	shift
	case $rt in
	hull) "$HULL" --root "$work/root-hull" "$@" ;;
	runc) "$RUNC" --root "$work/root-runc" "$@" ;;
	crun) "$work/peakrss" -o /dev/null -n "$crun_ns" -- "$CRUN" --root "$work/root-crun" "$@" ;;
	esac
}

# timed LABEL RUNTIME ARG...: one timed call, its record appended to $log.
timed() {
	local label=$1 rt=$2 ns=()
	shift 2
	case $rt in
	hull) set -- "$HULL" --root "$work/root-hull" "$@" ;;
	runc) set -- "$RUNC" --root "$work/root-runc" "$@" ;;
	crun) set -- "$CRUN" --root "$work/root-crun" "$@"; ns=(-n "$crun_ns") ;;
	bare) set -- "$work/bare" "$bundle/rootfs" /bin/true ;;
	esac
	"$work/peakrss" -o "$log" -l "$label" "${ns[@]}" -q -- "$@"
}

check_runtime() {
	local rt=$1 out
	if [ "$rt" = bare ]; then
		out=$("$work/bare" "$bundle/rootfs" /bin/true 2>&1 </dev/null) && return 0
	else
		out=$(rt_cmd "$rt" run -b "$bundle" "check-$rt" 2>&1 </dev/null) && return 0
	fi
	note "skipping $rt: 'run' of the benchmark bundle failed: ${out:-no message}"
	[ "$rt" = bare ] || rt_cmd "$rt" delete --force "check-$rt" >/dev/null 2>&1 || true
	return 1
}

setup_runtimes() {
	[ -x "$HULL" ] || die "no hull binary at $HULL (build it first, or set HULL)"
	runtimes=(hull)
	if [ -n "$RUNC" ] && command -v "$RUNC" >/dev/null; then
		check_runtime runc && runtimes+=(runc)
	else
		note "skipping runc: not installed"
	fi
	if [ -n "$CRUN" ] && command -v "$CRUN" >/dev/null; then
		if start_crun_ns; then
			check_runtime crun && runtimes+=(crun)
		else
			note "skipping crun: could not set up its private mount namespace"
		fi
	else
		note "skipping crun: not installed"
	fi
	check_runtime hull || die "hull cannot run the benchmark bundle"
	check_runtime bare || die "the bare clone+pivot_root helper failed"
}

# rotate ITERATION NAME...: print the names rotated by ITERATION.
rotate() {
	local i=$1 n
	shift
	n=$#
	local names=("$@") k
	for ((k = 0; k < n; k++)); do
		printf '%s\n' "${names[(i + k) % n]}"
	done
}

# ---------------------------------------------------------------------------
# measurements

# `run` of /bin/true, end to end.
bench_run() {
	local i rt
	for ((i = 0; i < BENCH_N; i++)); do
		for rt in $(rotate "$i" "${runtimes[@]}" bare); do
			timed "run.$rt" "$rt" run -b "$bundle" "r$i" || note "$rt run r$i failed"
		done
	done
}

# wait_exit PID: until PID is gone or a zombie.
wait_exit() {
	local pid=$1 st k
	for ((k = 0; k < 2000; k++)); do
		st=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
		case ${st##*) } in Z* | X*) return 0 ;; esac
		sleep 0.002
	done
	note "container process $pid did not exit"
}

# create, start and delete timed one by one.
split_one() {
	local rt=$1 id=$2 pid
	timed "create.$rt" "$rt" create -b "$bundle" "$id" || { note "$rt create $id failed"; return 0; }
	pid=$(rt_cmd "$rt" state "$id" | jq -r .pid)
	timed "start.$rt" "$rt" start "$id" || note "$rt start $id failed"
	wait_exit "$pid"
	timed "delete.$rt" "$rt" delete "$id" || {
		note "$rt delete $id failed"
		rt_cmd "$rt" delete --force "$id" >/dev/null 2>&1 || true
	}
}

bench_split() {
	local i rt
	for ((i = 0; i < BENCH_N; i++)); do
		for rt in $(rotate "$i" "${runtimes[@]}"); do
			split_one "$rt" "s$i"
		done
	done
}

# BENCH_PAR containers, BENCH_JOBS at a time; prints containers per second.
bench_parallel_one() {
	local rt=$1 t0 t1 ns=() cmd id=()
	[ "$rt" = bare ] || id=("p@")
	case $rt in
	hull) cmd=("$HULL" --root "$work/root-hull" run -b "$bundle") ;;
	runc) cmd=("$RUNC" --root "$work/root-runc" run -b "$bundle") ;;
	crun) cmd=("$CRUN" --root "$work/root-crun" run -b "$bundle"); ns=(-n "$crun_ns") ;;
	bare) cmd=("$work/bare" "$bundle/rootfs" /bin/true) ;;
	esac
	t0=$(date +%s%N)
	seq 1 "$BENCH_PAR" | xargs -P "$BENCH_JOBS" -I@ \
		"$work/peakrss" -o "$log" -l "par.$rt" "${ns[@]}" -q -- "${cmd[@]}" "${id[@]}" ||
		note "some parallel runs of $rt failed"
	t1=$(date +%s%N)
	printf 'parrate.%s %s\n' "$rt" "$(awk -v n="$BENCH_PAR" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", n / (ns / 1e9) }')" >>"$summary"
}

bench_parallel() {
	local rt
	for rt in "${runtimes[@]}" bare; do
		bench_parallel_one "$rt"
	done
}

# ---------------------------------------------------------------------------
# reporting

# median_mean: of the numbers on stdin, one per line.
median_mean() {
	sort -n | awk '{ v[NR] = $1; s += $1 }
		END {
			if (NR == 0) { print "0 0 0"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m, s / NR, v[NR]
		}'
}

# Per label: calls, median and mean wall ms, median and max peak RSS KiB,
# failed calls.
summarise() {
	local label n bad tmed tmean rmed rmax
	awk '{ print $1 }' "$log" | sort -u | while read -r label; do
		read -r tmed tmean _ < <(awk -v l="$label" '$1 == l { print $2 / 1000 }' "$log" | median_mean)
		read -r rmed _ rmax < <(awk -v l="$label" '$1 == l { print $3 }' "$log" | median_mean)
		n=$(awk -v l="$label" '$1 == l { n++ } END { print n + 0 }' "$log")
		bad=$(awk -v l="$label" '$1 == l && $4 != 0 { n++ } END { print n + 0 }' "$log")
		printf '%s %d %.2f %.2f %d %d %d\n' "$label" "$n" "$tmed" "$tmean" "$rmed" "$rmax" "$bad"
	done >>"$summary"
}

# get KEY FIELD: from the summary (fields: 1 n, 2 median ms, 3 mean ms,
# 4 median RSS, 5 max RSS, 6 failures; parrate/size lines have one field).
get() {
	awk -v k="$1" -v f="$2" '$1 == k { print $(f + 1); found = 1 } END { if (!found) print "" }' "$summary"
}

ratio() {
	[ -n "$1" ] && [ -n "$2" ] || { printf '%10s' -; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) printf "%10s", "-"; else printf "%10.2f", a / b }'
}

row() {
	local what=$1 key=$2 field=$3 rt v h
	printf '%-26s' "$what"
	for rt in "${runtimes[@]}"; do
		v=$(get "$key.$rt" "$field")
		printf '%10s' "${v:--}"
	done
	h=$(get "$key.hull" "$field")
	for rt in runc crun; do
		printf '%s' "$(ratio "$h" "$(get "$key.$rt" "$field")")"
	done
	printf '\n'
}

rt_binary() {
	case $1 in
	hull) readlink -f "$HULL" ;;
	runc) readlink -f "$(command -v "$RUNC")" ;;
	crun) readlink -f "$(command -v "$CRUN")" ;;
	esac
}

rt_libs() {
	ldd "$1" 2>/dev/null | awk '/=>/ { n = $1; sub(/\.so.*/, "", n); printf "%s ", n }'
}

# File size, size without symbols (strip -o; the packaged runc and crun
# are stripped already) and number of shared libraries.
binary_sizes() {
	local rt bin stripped
	for rt in "${runtimes[@]}"; do
		bin=$(rt_binary "$rt")
		stripped=$(stat -c %s "$bin")
		if command -v strip >/dev/null && strip -o "$work/stripped" "$bin" 2>/dev/null; then
			stripped=$(stat -c %s "$work/stripped")
		fi
		printf 'size.%s %d\n' "$rt" $(($(stat -c %s "$bin") / 1024))
		printf 'ssize.%s %d\n' "$rt" $((stripped / 1024))
		printf 'nlibs.%s %d\n' "$rt" "$(rt_libs "$bin" | wc -w)"
	done >>"$summary"
}

binary_info() {
	local rt bin libs
	for rt in "${runtimes[@]}"; do
		bin=$(rt_binary "$rt")
		libs=$(rt_libs "$bin")
		printf '  %-5s %s: %s\n' "$rt" "$bin" "${libs:-static}"
	done
}

# target NAME OK-EXPRESSION-VALUES...: print one verdict.
target() {
	local what=$1 a=$2 op=$3 b=$4
	if [ -z "$a" ] || [ -z "$b" ]; then
		printf '  %-58s not measured\n' "$what"
	elif awk -v a="$a" -v b="$b" "BEGIN { exit !(a $op b) }"; then
		printf '  %-58s MET     (%s vs %s)\n' "$what" "$a" "$b"
	else
		printf '  %-58s NOT MET (%s vs %s)\n' "$what" "$a" "$b"
	fi
}

report() {
	local rt crun_run bare_run
	printf '\n== hull benchmark: %s iterations, round-robin; %s containers %s-way parallel ==\n' \
		"$BENCH_N" "$BENCH_PAR" "$BENCH_JOBS"
	printf 'host: %s, %s CPUs, load average %s; bundle: busybox /bin/true from tests/integration/make-bundle, seccomp %s\n' \
		"$(uname -r)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
		"$([ "${BENCH_SECCOMP:-1}" = 1 ] && echo on || echo off)"
	printf '\n%-26s' "metric"
	for rt in "${runtimes[@]}"; do printf '%10s' "$rt"; done
	printf '%10s%10s\n' "hull/runc" "hull/crun"
	row "run median (ms)" run 2
	row "run mean (ms)" run 3
	row "create median (ms)" create 2
	row "start median (ms)" start 2
	row "delete median (ms)" delete 2
	row "create+start+delete (ms)" split 1
	row "create peak RSS (KiB)" create 4
	row "create peak RSS max (KiB)" create 5
	row "run peak RSS (KiB)" run 4
	row "parallel run (ctr/s)" parrate 1
	row "binary size (KiB)" size 1
	row "binary size stripped (KiB)" ssize 1
	row "shared libraries" nlibs 1
	printf '\n(ratios are hull/other: below 1 is better for times and sizes, above 1 for ctr/s)\n'
	printf '\nfloor (bare clone+pivot_root+exec): run median %s ms, mean %s ms, peak RSS %s KiB, parallel %s ctr/s\n' \
		"$(get run.bare 2)" "$(get run.bare 3)" "$(get run.bare 4)" "$(get parrate.bare 1)"
	printf 'hull run / bare: %s (median)\n' "$(ratio "$(get run.hull 2)" "$(get run.bare 2)" | tr -d ' ')"
	printf '\nbinaries and their shared libraries:\n'
	binary_info
	failures
	crun_run=$(get run.crun 2)
	bare_run=$(get run.bare 2)
	printf '\ntargets:\n'
	target "run median <= 0.8 x crun's" "$(get run.hull 2)" "<=" \
		"$([ -n "$crun_run" ] && awk -v c="$crun_run" 'BEGIN { printf "%.2f", 0.8 * c }')"
	target "create peak RSS <= crun's (KiB)" "$(get create.hull 4)" "<=" "$(get create.crun 4)"
	target "run median <= 3 x bare clone+pivot_root+exec" "$(get run.hull 2)" "<=" \
		"$(awk -v c="$bare_run" 'BEGIN { printf "%.2f", 3 * c }')"
}

failures() {
	local bad
	bad=$(awk '$1 !~ /^check/ && $4 != 0 { n[$1]++ } END { for (k in n) printf "%s: %d  ", k, n[k] }' "$log")
	[ -z "$bad" ] || printf '\nfailed calls (not counted as a failure of the benchmark): %s\n' "$bad"
}

# The sum of the medians of create, start and delete, as one more row.
split_totals() {
	local rt c s d
	for rt in "${runtimes[@]}"; do
		c=$(get "create.$rt" 2) s=$(get "start.$rt" 2) d=$(get "delete.$rt" 2)
		[ -n "$c" ] && [ -n "$s" ] && [ -n "$d" ] || continue
		printf 'split.%s %s\n' "$rt" "$(awk -v a="$c" -v b="$s" -v c="$d" 'BEGIN { printf "%.2f", a + b + c }')"
	done >>"$summary"
}

main() {
	local t0=$SECONDS
	command -v jq >/dev/null || die "jq is required"
	work=$(mktemp -d "${TMPDIR:-/tmp}/hull-bench.XXXXXX")
	chmod 0755 "$work"
	log=$work/calls.log
	summary=$work/summary
	: >"$log"
	: >"$summary"
	build_helpers
	make_bundle
	setup_runtimes
	note "measuring ${runtimes[*]} + bare: run x$BENCH_N ..."
	bench_run
	note "create/start/delete x$BENCH_N ..."
	bench_split
	note "parallel: $BENCH_PAR containers, $BENCH_JOBS at a time ..."
	bench_parallel
	summarise
	split_totals
	binary_sizes
	report
	printf '\n(%d s; raw per-call records: LABEL WALL_US MAXRSS_KB STATUS in %s)\n' \
		$((SECONDS - t0)) "$( [ "${BENCH_KEEP:-0}" = 1 ] && echo "$log" || echo "BENCH_KEEP=1 keeps them")"
}

main "$@"
