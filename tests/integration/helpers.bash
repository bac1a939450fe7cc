# shellcheck shell=bash
# jq programs are single-quoted on purpose; bats reads the globals set here.
# shellcheck disable=SC2016,SC2034
# Common set-up, tear-down and assertions for the integration tests.
#
# Every test gets a private state directory ($HULL_ROOT) and makes its
# bundles under $BATS_TEST_TMPDIR; teardown force-deletes whatever is left
# and fails the test if hull leaked state, processes, mounts or cgroups.
#
# Environment:
#   HULL      the binary under test (default: the hull at the top of the tree)
#   BUSYBOX   the static busybox to put in the bundles (default /bin/busybox)
#   HULL_TEST_TIMEOUT   seconds a single hull call may take (default 60)

bats_require_minimum_version 1.5.0

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_SRCDIR=$(cd "$INTEGRATION_DIR/../.." && pwd)
HULL=${HULL:-$TOP_SRCDIR/hull}
MAKE_BUNDLE=$INTEGRATION_DIR/make-bundle
BUSYBOX=${BUSYBOX:-/bin/busybox}
export BUSYBOX

# The capability sets of the default bundle: CAP_AUDIT_WRITE (29), CAP_KILL (5)
# and CAP_NET_BIND_SERVICE (10), as they read in /proc/PID/status.
DEFAULT_CAPS_HEX=0000000020000420

# ---------------------------------------------------------------------------
# set-up and tear-down

hull_setup() {
	case $HULL in
	*/*) ;;
	*) HULL=$(command -v "$HULL") || true ;;
	esac
	[ -x "$HULL" ] || fail "hull binary not found at '$HULL' (build it, or set HULL=/path/to/hull)"
	HULL_ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$HULL_ROOT"
	chmod 0700 "$HULL_ROOT"
	HOST_MOUNTS=()
	CGROUP_PATHS=()
	BUNDLE=
	TEST_TAG=HULL_TEST_TAG=$BATS_TEST_TMPDIR
}

# Processes this test left: container processes (their environment carries
# the test's tag, set by hull_bundle) and hull processes or container inits
# that have not yet executed the user's program (their command line names
# this test's --root).
tagged_pids() {
	local f self_exe exe
	self_exe=$(readlink /proc/$$/exe)
	grep -lasE -e "$(selfless_re "$TEST_TAG")" -e "$(selfless_re "$HULL_ROOT")" \
		/proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | while IFS= read -r f; do
		f=${f#/proc/}
		f=${f%/*}
		# Skip processes already gone, and the shells of this test, whose
		# command lines may name the root.
		exe=$(readlink "/proc/$f/exe" 2>/dev/null) || continue
		[ "$exe" = "$self_exe" ] || printf '%s\n' "$f"
	done | sort -u
}

# selfless_re TEXT: an extended regex matching TEXT but not its own text (the
# last character goes in brackets), for grep to search /proc/*/cmdline with
# without finding itself.
selfless_re() {
	local re
	re=$(printf '%s' "${1%?}" | sed 's/[][\.*^$+?(){}|]/\\&/g')
	printf '%s[%s]\n' "$re" "${1: -1}"
}

hull_teardown() {
	local problems=() id ids pids left i m cg d out
	[ -n "${HULL_ROOT:-}" ] || return 0

	# Delete every container the test left, whatever its state.
	ids=$(
		{
			hull list -q 2>/dev/null || true
			find "$HULL_ROOT" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' 2>/dev/null
		} | sort -u
	)
	for id in $ids; do
		case $id in -*) set -- -- "$id" ;; *) set -- "$id" ;; esac
		if ! out=$(hull delete --force "$@" 2>&1); then
			case $out in
			*"does not exist"*) ;;
			*) problems+=("delete --force $id failed: $out") ;;
			esac
		fi
	done

	# No container process may survive its deletion.
	pids=
	for ((i = 0; i < 100; i++)); do
		pids=$(tagged_pids)
		[ -z "$pids" ] && break
		sleep 0.05
	done
	if [ -n "$pids" ]; then
		for i in $pids; do
			problems+=("process $i left behind: $(tr '\0' ' ' <"/proc/$i/cmdline" 2>/dev/null)")
			kill -KILL "$i" 2>/dev/null || true
		done
	fi

	# No state may be left in --root.
	left=$(find "$HULL_ROOT" -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%f ' 2>/dev/null || true)
	if [ -n "$left" ]; then
		problems+=("state left in $HULL_ROOT: $left")
	fi

	# Host mounts the test made on purpose.
	for ((i = ${#HOST_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${HOST_MOUNTS[i]}" 2>/dev/null || true
	done
	# Anything else mounted under the test directory leaked out of a
	# container's mount namespace.
	while IFS= read -r m; do
		problems+=("mount left on the host: $m")
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)

	# Cgroups named in the bundles must be gone.
	for cg in "${CGROUP_PATHS[@]}"; do
		for d in /sys/fs/cgroup/"$cg" /sys/fs/cgroup/*/"$cg"; do
			[ -d "$d" ] || continue
			problems+=("cgroup left: $d")
			rmdir "$d" 2>/dev/null || true
		done
	done

	if [ ${#problems[@]} -gt 0 ]; then
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# running hull

# hull ARGS...: the binary under test with this test's private --root.
hull() {
	timeout -k 5 "${HULL_TEST_TIMEOUT:-60}" "$HULL" --root "$HULL_ROOT" "$@"
}

# hull_bundle NAME [ARG...]: make a busybox bundle at $BATS_TEST_TMPDIR/NAME
# running ARGs (default: sh) and point $BUNDLE at it. The rootfs is copied
# from one built once per test run.
hull_bundle() {
	local name=$1 template=$BATS_RUN_TMPDIR/rootfs-template cg
	shift
	if [ ! -x "$template/bin/busybox" ]; then
		"$MAKE_BUNDLE" --rootfs-only -f "$template.tmp" >/dev/null || fail "make-bundle failed"
		mv "$template.tmp" "$template"
	fi
	BUNDLE=$("$MAKE_BUNDLE" -t "$template" "$BATS_TEST_TMPDIR/$name" "$@") || fail "make-bundle $name failed"
	cg=hulltest-$RANDOM$RANDOM-$name
	CGROUP_PATHS+=("$cg")
	jqset --arg tag "$TEST_TAG" --arg cg "/$cg" \
		'.process.env += [$tag] | .linux.cgroupsPath = $cg'
}

# jqset [JQ-OPTION...] FILTER: rewrite $BUNDLE/config.json through a jq filter.
jqset() {
	local filter=${!#} cfg=$BUNDLE/config.json
	[ -n "$BUNDLE" ] || fail "jqset: no bundle (call hull_bundle first)"
	jq "${@:1:$#-1}" "$filter" "$cfg" >"$cfg.new" || fail "jqset: jq failed on: $filter"
	mv "$cfg.new" "$cfg"
}

# set_args ARG...: set process.args (ARGs may start with '-').
set_args() {
	local argv=() i=0 arg
	for arg in "$@"; do
		argv+=(--arg "a$i" "$arg")
		i=$((i + 1))
	done
	jqset --argjson argc "$#" "${argv[@]}" \
		'.process.args = [range(0; $argc) as $i | $ARGS.named["a\($i)"]]'
}

# hull_sh SCRIPT [ID]: run `sh -c SCRIPT` in $BUNDLE in the foreground.
# Sets $status, $output/$lines (the container's stdout) and $stderr.
hull_sh() {
	set_args sh -c "$1"
	run --separate-stderr hull run -b "$BUNDLE" "${2:-ctr}"
}

# hull_sh_ok SCRIPT [ID]: hull_sh and require exit status 0.
hull_sh_ok() {
	hull_sh "$@"
	assert_success
}

# hull_create ARG...: like `run --separate-stderr hull create ARG...`, but
# with stdio on files, so that a container created by mistake cannot hold a
# pipe of the test open. Sets $status, $output, $lines, $stderr, $stderr_lines.
hull_create() {
	local o=$BATS_TEST_TMPDIR/.create.out e=$BATS_TEST_TMPDIR/.create.err
	status=0
	hull create "$@" </dev/null >"$o" 2>"$e" || status=$?
	output=$(cat "$o")
	stderr=$(cat "$e")
	lines=()
	stderr_lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	rm -f "$o" "$e"
}

# start_detached ID [BUNDLE]: create and start ID; its stdio goes to
# $BATS_TEST_TMPDIR/ID.log so that no pipe of the test is held open.
start_detached() {
	local id=$1 bundle=${2:-$BUNDLE} log=$BATS_TEST_TMPDIR/$1.log
	hull create -b "$bundle" "$id" </dev/null >"$log" 2>&1 ||
		fail "create $id failed: $(cat "$log")"
	hull start "$id" </dev/null >>"$log" 2>&1 ||
		fail "start $id failed: $(cat "$log")"
}

# create_detached ID [BUNDLE [CREATE-OPTION...]]: create only, stdio as above.
create_detached() {
	local id=$1 bundle=${2:-$BUNDLE} log=$BATS_TEST_TMPDIR/$1.log
	shift $(($# < 2 ? $# : 2))
	hull create -b "$bundle" "$@" "$id" </dev/null >"$log" 2>&1 ||
		fail "create $id failed: $(cat "$log")"
}

# A process that keeps running until killed, holding no pipe of the test.
set_long_running() {
	set_args sh -c 'exec </dev/null >/dev/null 2>&1; exec sleep 100000'
}

container_state() { hull state "$1"; }
container_pid() { hull state "$1" | jq -r .pid; }
container_status() { hull state "$1" 2>/dev/null | jq -r .status; }

# wait_status ID STATUS [SECONDS]
wait_status() {
	local id=$1 want=$2 deadline=$((SECONDS + ${3:-10})) got
	while :; do
		got=$(container_status "$id")
		[ "$got" = "$want" ] && return 0
		[ $SECONDS -ge $deadline ] && fail "container $id: status '$got', expected '$want'"
		sleep 0.02
	done
}

# wait_file FILE [SECONDS]: wait until FILE exists and is not empty.
wait_file() {
	local deadline=$((SECONDS + ${2:-10}))
	until [ -s "$1" ]; do
		[ $SECONDS -ge $deadline ] && fail "timed out waiting for $1"
		sleep 0.02
	done
}

# wait_gone PID [SECONDS]
wait_gone() {
	local deadline=$((SECONDS + ${2:-10}))
	while kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		[ $SECONDS -ge $deadline ] && fail "process $1 still alive"
		sleep 0.02
	done
}

# ---------------------------------------------------------------------------
# bundle edits

# bind_dir NAME DEST [OPTION...]: make host dir $BATS_TEST_TMPDIR/NAME and
# bind it at DEST (options default to rbind,rw). Prints nothing; the host
# path is $BATS_TEST_TMPDIR/NAME.
bind_dir() {
	local name=$1 dest=$2 opts
	shift 2
	mkdir -p "$BATS_TEST_TMPDIR/$name"
	chmod 0777 "$BATS_TEST_TMPDIR/$name"
	if [ $# -eq 0 ]; then set -- rbind rw; fi
	opts=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jqset --arg src "$BATS_TEST_TMPDIR/$name" --arg dst "$dest" --argjson o "$opts" \
		'.mounts += [{destination: $dst, type: "bind", source: $src, options: $o}]'
}

# ns_del TYPE / ns_add TYPE [PATH]
ns_del() { jqset --arg t "$1" '.linux.namespaces |= map(select(.type != $t))'; }
ns_add() {
	ns_del "$1"
	if [ $# -ge 2 ]; then
		jqset --arg t "$1" --arg p "$2" '.linux.namespaces += [{type: $t, path: $p}]'
	else
		jqset --arg t "$1" '.linux.namespaces += [{type: $t}]'
	fi
}

# The path components from DIR up to / get o+x, so that a container root
# mapped to an unprivileged host uid can reach a bundle under DIR.
make_traversable() {
	local d=$1
	while [ -n "$d" ] && [ "$d" != / ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# ---------------------------------------------------------------------------
# mountinfo (as printed inside the container, in $output)

# mnt_line MOUNTPOINT: the last mountinfo line in $output mounted at MOUNTPOINT.
mnt_line() {
	printf '%s\n' "$output" | awk -v mp="$1" '$5 == mp { l = $0 } END { print l }'
}
# mnt_opts MOUNTPOINT: per-mount options (rw,nosuid,...).
mnt_opts() { mnt_line "$1" | awk '{ print $6 }'; }
# mnt_fstype MOUNTPOINT / mnt_super MOUNTPOINT: filesystem type / super options.
mnt_fstype() { mnt_line "$1" | awk '{ for (i = 7; i < NF; i++) if ($i == "-") { print $(i + 1); exit } }'; }
mnt_super() { mnt_line "$1" | awk '{ for (i = 7; i < NF; i++) if ($i == "-") { print $(i + 3); exit } }'; }
# mnt_tags MOUNTPOINT: the optional fields (shared:N master:N ...).
mnt_tags() { mnt_line "$1" | awk '{ s = ""; for (i = 7; i <= NF && $i != "-"; i++) s = s " " $i; print s }'; }

# has_opt LIST OPT: LIST is comma separated.
has_opt() { case ",$1," in *",$2,"*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------------------
# assertions

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

show_run() {
	printf '# status: %s\n' "${status:-}" >&2
	printf '# stdout: %s\n' "${output:-}" >&2
	printf '# stderr: %s\n' "${stderr:-}" >&2
}

assert_success() {
	if [ "$status" -ne 0 ]; then
		show_run
		fail "expected exit status 0"
	fi
}

# assert_failure [STATUS]
assert_failure() {
	if [ $# -ge 1 ] && [ "$status" -ne "$1" ]; then
		show_run
		fail "expected exit status $1"
	elif [ "$status" -eq 0 ]; then
		show_run
		fail "expected a non-zero exit status"
	fi
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		show_run
		fail "expected exit status $1"
	fi
}

# assert_output TEXT: stdout is exactly TEXT.
assert_output() {
	if [ "$output" != "$1" ]; then
		show_run
		fail "expected output: $1"
	fi
}

assert_output_has() {
	case $output in
	*"$1"*) ;;
	*) show_run; fail "expected output to contain: $1" ;;
	esac
}

assert_output_lacks() {
	case $output in
	*"$1"*) show_run; fail "expected output not to contain: $1" ;;
	esac
}

assert_stderr_has() {
	case $stderr in
	*"$1"*) ;;
	*) show_run; fail "expected stderr to contain: $1" ;;
	esac
}

# assert_error TEXT...: a failed call that printed exactly one line on
# stderr, mentioning every TEXT.
assert_error() {
	local t
	if [ "$status" -eq 0 ]; then
		show_run
		fail "expected a failure"
	fi
	if [ "${#stderr_lines[@]}" -ne 1 ] || [ -z "${stderr_lines[0]}" ]; then
		show_run
		fail "expected exactly one line on stderr, got ${#stderr_lines[@]}"
	fi
	for t in "$@"; do
		assert_stderr_has "$t"
	done
}

# assert_eq GOT WANT [WHAT]
assert_eq() {
	if [ "$1" != "$2" ]; then
		fail "${3:-value}: got '$1', expected '$2'"
	fi
}

# assert_no_state: --root holds no container (used after a failed create).
assert_no_state() {
	local left
	left=$(find "$HULL_ROOT" -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%f ' 2>/dev/null || true)
	[ -z "$left" ] || fail "state left in $HULL_ROOT: $left"
	[ -z "$(tagged_pids)" ] || fail "container processes left: $(tagged_pids)"
}

# status_field NAME: the value of NAME: in /proc/self/status printed in $output.
status_field() {
	printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^[ \t]+/, ""); print; exit }'
}

requires_userns() {
	if [ ! -e /proc/self/ns/user ] || [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -eq 0 ]; then
		skip "user namespaces are not available on this kernel"
	fi
}

requires_timens() {
	[ -e /proc/self/ns/time ] || skip "time namespaces are not available on this kernel"
}
