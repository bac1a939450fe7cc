#!/usr/bin/env bash
# Run integration tests that need a kernel this machine may not have
# (AppArmor enabled, pure cgroup v2) inside a throwaway QEMU VM.
#
# usage: tests/vm/run-vm-lane.sh [BATS-FILE...]
#
# The files default to tests/integration/apparmor.bats. The VM sees the
# host's file system read-only (the tree, the hull binary, bats, busybox
# and apparmor_parser are used from there, nothing is written back); bats
# keeps its temporary files, bundles and state directories in the guest's
# own /tmp (a tmpfs). The bats TAP output is printed as is, and the exit
# status is bats'.
#
# When the VM cannot be had (no run-in-vm, no QEMU) the script prints one
# line "skipped: <reason>" and exits 0.
#
# Environment:
#   HULL        the binary under test (default: hull at the top of the tree)
#   RUN_IN_VM   the VM runner (default: ../shared/vm/run-in-vm next to the
#               tree, or run-in-vm in PATH)
#   VM_TIMEOUT  seconds before the VM is stopped (default 900)
set -uo pipefail

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
HULL=${HULL:-$srcdir/hull}
VM_TIMEOUT=${VM_TIMEOUT:-900}

skip() {
	echo "skipped: $*"
	exit 0
}

die() {
	echo "run-vm-lane.sh: $*" >&2
	exit 1
}

find_runner() {
	local c
	for c in "${RUN_IN_VM:-}" "$srcdir/../shared/vm/run-in-vm" "$(command -v run-in-vm 2>/dev/null)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

runner=$(find_runner) || skip "no VM runner (run-in-vm) found; set RUN_IN_VM"
command -v qemu-system-x86_64 >/dev/null || skip "QEMU (qemu-system-x86_64) is not installed"
command -v bats >/dev/null || die "bats is not installed (apt-get install bats)"
[ -x "$HULL" ] || die "no hull binary at $HULL (build it first, or set HULL)"
HULL=$(cd "$(dirname "$HULL")" && pwd)/$(basename "$HULL")

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$srcdir/tests/integration/apparmor.bats")
for i in "${!files[@]}"; do
	[ -f "${files[i]}" ] || die "no such test file: ${files[i]}"
	files[i]=$(cd "$(dirname "${files[i]}")" && pwd)/$(basename "${files[i]}")
done

# The guest hides the host's /tmp: run from the tree, with TMPDIR on the
# guest's own /tmp.
cd "$srcdir" || die "cannot enter $srcdir"
"$runner" --timeout "$VM_TIMEOUT" -- env HULL="$HULL" TMPDIR=/tmp bats --tap "${files[@]}"
rc=$?
case $rc in
124) die "the VM timed out after $VM_TIMEOUT s" ;;
125) die "the VM failed to start (run $runner --verbose -- true to see why)" ;;
esac
exit "$rc"
