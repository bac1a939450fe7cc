#!/usr/bin/env bash
# Run hull's test suites against an already built tree.
#
# usage: tests/run-tests.sh [LANE...] [-- BATS-ARG...]
#
# Lanes:
#   unit          the C unit tests (tests/unit/test_*, built by `make check`)
#   integration   the bats tests in tests/integration against ./hull
#   all           unit, integration, then vm (the default)
#   vm            the tests that need a cgroup v2 / LSM kernel, in a VM
#
# Anything after `--` goes to bats, e.g. `-- --filter kill` or
# `-- tests/integration/hooks.bats` (a file there replaces the whole directory).
#
# Environment:
#   BUILDDIR   where hull and tests/unit/test_* were built (default: the top
#              of this tree)
#   HULL       the binary under test (default: $BUILDDIR/hull)
#
# Every lane's results are added up; the last line printed is
# "N passed, N failed, N skipped" and the exit status is 1 if anything failed.
set -uo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${BUILDDIR:-$srcdir}
BUILDDIR=$(cd "$BUILDDIR" && pwd)
HULL=${HULL:-$BUILDDIR/hull}
export HULL

passed=0
failed=0
skipped=0
bats_args=()
lanes=()

while [ $# -gt 0 ]; do
	case $1 in
	--) shift; bats_args=("$@"); break ;;
	-h | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	unit | integration | all | vm) lanes+=("$1") ;;
	*) echo "run-tests.sh: unknown lane '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#lanes[@]} -gt 0 ] || lanes=(all)

note() { printf '### %s\n' "$*"; }

# count_tap FILE: add the TAP results in FILE to the totals.
count_tap() {
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$1")
	s=$(grep -ciE '^ok [0-9]+.*# skip' "$1")
	f=$(grep -cE '^not ok [0-9]+' "$1")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

lane_unit() {
	local t out rc found=0 summary p f s
	note "unit tests"
	out=$(mktemp)
	for t in "$BUILDDIR"/tests/unit/test_*; do
		case $t in *.c | *.o | *.log | *.trs | *.h) continue ;; esac
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
		found=1
		note "${t#"$BUILDDIR"/}"
		rc=0
		(cd "$BUILDDIR" && "$t") >"$out" 2>&1 || rc=$?
		cat "$out"
		summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
		if [ -n "$summary" ]; then
			p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")
			f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")
			s=0
			[[ $summary =~ ([0-9]+)\ skipped ]] && s=${BASH_REMATCH[1]}
			passed=$((passed + p))
			failed=$((failed + f))
			skipped=$((skipped + s))
		else
			count_tap "$out"
		fi
		# A crash, or a failure the summary did not count, is one more failure.
		if [ "$rc" -ne 0 ] && ! grep -qE '^not ok|^[0-9]+ passed, [1-9][0-9]* failed' "$out"; then
			echo "not ok - ${t##*/} exited with status $rc"
			failed=$((failed + 1))
		fi
	done
	rm -f "$out"
	if [ "$found" = 0 ]; then
		echo "not ok - no unit test binaries in $BUILDDIR/tests/unit (run 'make check' first)"
		failed=$((failed + 1))
	fi
}

lane_integration() {
	local out
	note "integration tests (hull: $HULL)"
	if [ ! -x "$HULL" ]; then
		echo "not ok - no hull binary at $HULL (build it first)"
		failed=$((failed + 1))
		return
	fi
	if ! command -v bats >/dev/null; then
		echo "not ok - bats is not installed (apt-get install bats)"
		failed=$((failed + 1))
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "not ok - the integration tests must run as root"
		failed=$((failed + 1))
		return
	fi
	local rc
	out=$(mktemp)
	if [ ${#bats_args[@]} -gt 0 ] && [[ " ${bats_args[*]} " == *.bats* ]]; then
		bats --tap "${bats_args[@]}" | tee "$out"
		rc=${PIPESTATUS[0]}
	else
		bats --tap "${bats_args[@]}" "$srcdir/tests/integration" | tee "$out"
		rc=${PIPESTATUS[0]}
	fi
	count_tap "$out"
	# bats exits non-zero without a "not ok" line when a file fails to load.
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok' "$out"; then
		echo "not ok - bats failed before running the tests"
		failed=$((failed + 1))
	fi
	rm -f "$out"
}

# ---------------------------------------------------------------------------
# The VM lane: tests that need cgroup v2 with controllers, AppArmor or
# SELinux, run in a virtual machine whose kernel has them. Not wired up yet:
# this is where it will boot the VM, run the lanes above inside it and add
# its counts to the totals.
# The tests that need pure cgroup v2 or AppArmor, in a VM
# (tests/vm/run-vm-lane.sh); a VM that cannot be had counts as one skip.
lane_vm() {
	local out
	note "vm tests (cgroup v2, AppArmor)"
	out=$(mktemp)
	"$srcdir/tests/vm/run-vm-lane.sh" "$srcdir/tests/integration/cgroups.bats" \
		"$srcdir/tests/integration/apparmor.bats" >"$out" 2>&1
	local rc=$?
	cat "$out"
	if grep -q '^skipped: ' "$out"; then
		skipped=$((skipped + 1))
	elif ! grep -qE '^(not )?ok [0-9]+' "$out"; then
		echo "not ok - the vm lane ran no test (exit status $rc)"
		failed=$((failed + 1))
	else
		count_tap "$out"
	fi
	rm -f "$out"
}
# ---------------------------------------------------------------------------

for lane in "${lanes[@]}"; do
	case $lane in
	unit) lane_unit ;;
	integration) lane_integration ;;
	all) lane_unit; lane_integration; lane_vm ;;
	vm) lane_vm ;;
	esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
