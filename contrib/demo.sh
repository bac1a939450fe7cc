#!/usr/bin/env bash
# demo.sh: run one small busybox container with the hull built in this tree.
#
# usage: contrib/demo.sh        (as root, after `make`)
#
# Builds a bundle with tests/integration/make-bundle in a temporary directory,
# runs it with `hull run` and removes everything afterwards. HULL=/path/to/hull
# picks another binary.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
HULL=${HULL:-$top/hull}
[ -x "$HULL" ] || { echo "demo.sh: no hull binary at $HULL (run make first)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run me as root" >&2; exit 1; }

work=$(mktemp -d /tmp/hull-demo.XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	"$HULL" --root "$work/state" delete --force demo >/dev/null 2>&1 || true
	rm -rf -- "$work"
}
trap cleanup EXIT

# The script runs in the container, so its $(...) are expanded there.
# shellcheck disable=SC2016
"$top/tests/integration/make-bundle" "$work/bundle" sh -c '
	echo "hostname:  $(hostname)"
	echo "id:        $(id)"
	echo "pid:       $$ (PID 1 of its own pid namespace)"
	echo "network:   $(ls /sys/class/net | tr "\n" " ")"
	grep -E "Cap|NoNewPrivs" /proc/self/status
' >/dev/null
jq '.hostname = "hull-demo"' "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

echo "\$ hull run -b $work/bundle demo"
rc=0
"$HULL" --root "$work/state" run -b "$work/bundle" demo || rc=$?
echo "container exited with status $rc"
exit "$rc"
