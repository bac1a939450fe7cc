#!/usr/bin/env bash
# Build and run hull's libFuzzer targets for a bounded time each.
#
# usage: tests/fuzz/run-fuzzers.sh [TARGET...]
#
#   TARGET   spec, state (default: both)
#
# Environment:
#   FUZZ_SECONDS   time per target, in seconds (default 30)
#   FUZZ_JOBS      parallel fuzzing processes per target (default 1)
#   FUZZ_OUT       where binaries, the working corpora and crash files go
#                  (default: a new directory under ${TMPDIR:-/tmp})
#   CC             a clang with libFuzzer (default: clang, then clang-14)
#
# The seed corpora in tests/fuzz/corpus/TARGET are never written to; new
# inputs go to FUZZ_OUT/corpus-TARGET. A crash, leak or sanitizer report
# makes the script exit 1 and leaves the reproducer as FUZZ_OUT/crash-*
# (rerun it with FUZZ_OUT/fuzz_TARGET FILE).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
lib=$top/libcontainer
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_JOBS=${FUZZ_JOBS:-1}

die() { printf 'run-fuzzers.sh: %s\n' "$*" >&2; exit 2; }

pick_cc() {
	local c
	for c in ${CC:-} clang clang-14; do
		command -v "$c" >/dev/null 2>&1 || continue
		if echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
			"$c" -x c -fsanitize=fuzzer - -o "$FUZZ_OUT/.probe" 2>/dev/null; then
			rm -f "$FUZZ_OUT/.probe"
			printf '%s\n' "$c"
			return 0
		fi
	done
	return 1
}

# The libcontainer sources each target needs (parsers and what they call).
sources_for() {
	case $1 in
	spec) echo "$lib/spec.c $lib/utils.c $lib/error.c" ;;
	state) echo "$lib/state.c $lib/utils.c $lib/error.c" ;;
	*) return 1 ;;
	esac
}

build() {
	local t=$1 srcs
	srcs=$(sources_for "$t") || die "unknown target '$t' (spec, state)"
	# shellcheck disable=SC2086
	"$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
		-D_GNU_SOURCE -I"$lib" $yajl_cflags \
		"$here/fuzz_$t.c" $srcs $yajl_libs -o "$FUZZ_OUT/fuzz_$t"
}

run_one() {
	local t=$1
	local corpus=$FUZZ_OUT/corpus-$t log=$FUZZ_OUT/fuzz_$t.log rc par=()
	mkdir -p "$corpus"
	[ "$FUZZ_JOBS" -le 1 ] || par=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
	printf '### fuzz_%s: %ss, seeds from %s\n' "$t" "$FUZZ_SECONDS" "$here/corpus/$t"
	(
		cd "$FUZZ_OUT" &&
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
				ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
				"./fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
				-max_len=65536 -print_final_stats=1 "${par[@]}" \
				-artifact_prefix="$FUZZ_OUT/" "$corpus" "$here/corpus/$t"
	) >"$log" 2>&1
	rc=$?
	# With -jobs the output of each job is in fuzz-N.log.
	cat "$FUZZ_OUT"/fuzz-[0-9]*.log >>"$log" 2>/dev/null && rm -f "$FUZZ_OUT"/fuzz-[0-9]*.log
	grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::new_units_added)' "$log" | tail -n 3
	if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
		grep -E -m 5 -A 12 'ERROR: |runtime error:' "$log" >&2
		printf 'fuzz_%s: FAILED (exit %s); log %s; reproducers:\n' "$t" "$rc" "$log" >&2
		ls -1 "$FUZZ_OUT"/crash-* "$FUZZ_OUT"/leak-* "$FUZZ_OUT"/timeout-* "$FUZZ_OUT"/oom-* 2>/dev/null |
			sed 's/^/  /' >&2
		return 1
	fi
	printf 'fuzz_%s: ok (%s new corpus files in %s)\n' "$t" "$(find "$corpus" -type f | wc -l)" "$corpus"
}

if [ -z "${FUZZ_OUT:-}" ]; then
	FUZZ_OUT=$(mktemp -d "${TMPDIR:-/tmp}/hull-fuzz.XXXXXX") || die "mktemp failed"
fi
mkdir -p "$FUZZ_OUT" || die "cannot create $FUZZ_OUT"
FUZZ_OUT=$(cd "$FUZZ_OUT" && pwd)

cc=$(pick_cc) || die "no clang with libFuzzer found (apt-get install clang libclang-rt-14-dev, or set CC)"
yajl_cflags=$(pkg-config --cflags yajl 2>/dev/null) || die "yajl development files not found (pkg-config yajl)"
yajl_libs=$(pkg-config --libs yajl)

[ $# -gt 0 ] || set -- spec state
failed=0
for t in "$@"; do
	build "$t" || die "building fuzz_$t failed"
done
for t in "$@"; do
	run_one "$t" || failed=1
done
printf 'fuzz output in %s\n' "$FUZZ_OUT"
exit $failed
