#!/usr/bin/env bats
# containerd drives hull through its runc shim (io.containerd.runc.v2 with
# hull as the runc binary), as it would drive runc.
#
# A private containerd runs for this file only: its own config, root, state
# and socket under $BATS_FILE_TMPDIR, no CRI plugin and no network. The
# image is a busybox image built here and imported with `ctr images import`.
# Every hull call goes through a wrapper that records its command line in
# $CTRD_WRAP_DIR/hull-calls.log; a failing test prints the calls it made.

load helpers
load containerd-helpers

setup_file() {
	requires_containerd
	command -v jq >/dev/null || skip "jq is not installed"
	export CTRD_BASE=$BATS_FILE_TMPDIR/ctrd
	# The namespace names the cgroup parent too: one per run.
	export CTRD_NS=hulltest-$$
	ctrd_start "$CTRD_BASE"
}

teardown_file() {
	[ -n "${CTRD_BASE:-}" ] || return 0
	ctrd_paths "$CTRD_BASE"
	ctrd_stop
}

setup() {
	ctrd_paths "$CTRD_BASE"
	CALLS_BEFORE=0
	[ ! -e "$CTRD_WRAP_DIR/hull-calls.log" ] || CALLS_BEFORE=$(wc -l <"$CTRD_WRAP_DIR/hull-calls.log")
}

teardown() {
	local left
	if [ "${BATS_TEST_COMPLETED:-}" != 1 ]; then
		printf '# hull calls of this test:\n' >&2
		tail -n +"$((CALLS_BEFORE + 1))" "$CTRD_WRAP_DIR/hull-calls.log" >"$BATS_TEST_TMPDIR/calls" 2>/dev/null
		hull_calls_file "$BATS_TEST_TMPDIR/calls" | sed 's/^/#   /' >&2
	fi
	ctrd_clean_tasks
	left=$(ctrd_leftovers)
	if [ -n "$left" ]; then
		printf 'teardown: %s\n' "$left" >&2
		return 1
	fi
}

# hull_calls_file FILE: like hull_calls, on a part of the log.
hull_calls_file() {
	local d=$BATS_TEST_TMPDIR/calls.d
	mkdir -p "$d"
	cp "$1" "$d/hull-calls.log"
	hull_calls "$d"
}

# recorded_calls: the hull calls made by this test so far.
recorded_calls() {
	tail -n +"$((CALLS_BEFORE + 1))" "$CTRD_WRAP_DIR/hull-calls.log" >"$BATS_TEST_TMPDIR/calls"
	hull_calls_file "$BATS_TEST_TMPDIR/calls"
}

# in_pty COMMAND: run the shell COMMAND with a pseudo-terminal on its stdio
# (ctr -t wants one); $output is what it printed, without \r and NUL.
in_pty() {
	local script_out=$BATS_TEST_TMPDIR/pty.out
	status=0
	# script(1) makes the pty. timeout --foreground keeps ctr in the
	# terminal's foreground process group.
	CTRD_SOCK=$CTRD_SOCK CTRD_NS=$CTRD_NS CTRD_HULL=$CTRD_HULL CTRD_HULL_ROOT=$CTRD_HULL_ROOT \
		CLIENT_IMAGE=$CLIENT_IMAGE \
		script -qec "timeout --foreground -k 5 ${HULL_TEST_TIMEOUT:-60} $1" /dev/null \
		</dev/null >"$script_out" 2>&1 || status=$?
	output=$(tr -d '\r\000' <"$script_out")
	mapfile -t lines <<<"$output"
}

@test "containerd: ctr run --rm prints the task's output and leaves nothing behind" {
	run --separate-stderr ctr_run --rm -- run1 sh -c 'echo hello from the task; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_eq "${lines[0]}" "hello from the task" "first line"
	assert_eq "${lines[1]}" "sh -c echo hello from the task; cat /proc/1/cmdline | tr \"\\0\" \" \" " "pid 1"
	run ctrc containers ls -q
	assert_output ""
	[ -z "$(find "$CTRD_HULL_ROOT" -mindepth 2 -maxdepth 2)" ] || fail "hull state left"
	[ ! -d "/sys/fs/cgroup/memory/$CTRD_NS/run1" ] || fail "cgroup left"
	# The shim called hull the way it calls runc.
	recorded_calls >"$BATS_TEST_TMPDIR/c"
	grep -q -- "--log-format json create --bundle .*/run1 --pid-file .*/run1/init.pid run1 => exit 0" "$BATS_TEST_TMPDIR/c" ||
		fail "no create call: $(cat "$BATS_TEST_TMPDIR/c")"
	grep -q -- " start run1 => exit 0" "$BATS_TEST_TMPDIR/c" || fail "no start call"
	grep -q -- " delete run1 => exit 0" "$BATS_TEST_TMPDIR/c" || fail "no delete call"
}

@test "containerd: the task's exit code is ctr's exit code" {
	run ctr_run --rm -- exit1 sh -c 'exit 3'
	assert_status 3
	run ctr_run --rm -- exit2 false
	assert_status 1
	run ctr_run --rm -- exit3 sh -c 'exit 0'
	assert_status 0
	run ctr_run --rm -- exit4 sh -c 'exit 255'
	assert_status 255
}

@test "containerd: the environment, working directory and arguments reach the task" {
	run --separate-stderr ctr_run --rm --env FOO=bar --cwd /tmp -- env1 sh -c 'echo "$FOO $(pwd) $0 $1"' zero one
	assert_success
	assert_output "bar /tmp zero one"
}

@test "containerd: detached task with exec, ps, pause, resume, kill and delete" {
	local pid st
	run --separate-stderr ctr_run -d -- det1 sh -c 'exec sleep 100000'
	assert_success
	wait_task_status det1 RUNNING
	pid=$(ctrc tasks ls | awk '$1 == "det1" { print $2 }')
	[[ $pid =~ ^[0-9]+$ ]] || fail "no pid for det1"
	kill -0 "$pid" || fail "task pid $pid is not alive"

	# hull's own view of the container, under the Root given to the shim.
	run --separate-stderr "$HULL" --root "$CTRD_HULL_ROOT/$CTRD_NS" state det1
	assert_success
	st=$output
	assert_eq "$(jq -r .status <<<"$st")" running "hull state .status"
	assert_eq "$(jq -r .pid <<<"$st")" "$pid" "hull state .pid"
	assert_eq "$(jq -r .bundle <<<"$st")" "$(ctr_bundle det1)" "hull state .bundle"
	assert_eq "$(jq -r .id <<<"$st")" det1 "hull state .id"

	run --separate-stderr ctrc tasks exec --exec-id e1 det1 sh -c 'echo exec says hi; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_eq "${lines[0]}" "exec says hi"
	assert_eq "${lines[1]}" "sleep 100000 "

	run --separate-stderr ctrc tasks exec --exec-id e2 det1 sh -c 'exit 7'
	assert_status 7

	# ps goes through `hull ps --format json`.
	ctrc tasks exec --exec-id e3 det1 sleep 100000 >/dev/null 2>&1 &
	local bg=$!
	local deadline=$((SECONDS + 10))
	until [ "$(ctrc tasks ps det1 | awk 'NR > 1' | wc -l)" -ge 2 ]; do
		[ $SECONDS -lt $deadline ] || fail "ctr tasks ps never showed the exec'd process: $(ctrc tasks ps det1)"
		sleep 0.1
	done
	run --separate-stderr ctrc tasks ps det1
	assert_success
	assert_output_has "$pid"
	assert_output_has "ExecID:e3"

	run --separate-stderr ctrc tasks pause det1
	assert_success
	wait_task_status det1 PAUSED
	assert_eq "$(cat "/sys/fs/cgroup/freezer/$CTRD_NS/det1/freezer.state")" FROZEN freezer.state
	run --separate-stderr ctrc tasks resume det1
	assert_success
	wait_task_status det1 RUNNING
	assert_eq "$(cat "/sys/fs/cgroup/freezer/$CTRD_NS/det1/freezer.state")" THAWED freezer.state

	run --separate-stderr ctrc tasks kill -s SIGKILL det1
	assert_success
	wait "$bg" || true
	wait_task_status det1 STOPPED
	run --separate-stderr ctrc tasks delete det1
	assert_success
	run --separate-stderr ctrc containers delete det1
	assert_success
	[ -z "$(find "$CTRD_HULL_ROOT" -mindepth 2 -maxdepth 2)" ] || fail "hull state left"
	local c
	for c in memory pids freezer cpu devices; do
		[ ! -d "/sys/fs/cgroup/$c/$CTRD_NS/det1" ] || fail "cgroup $c/$CTRD_NS/det1 left"
	done
}

@test "containerd: ctr tasks kill --all signals every process of the task" {
	run --separate-stderr ctr_run -d -- kall1 sh -c 'exec sleep 100000'
	assert_success
	wait_task_status kall1 RUNNING
	ctrc tasks exec --exec-id e1 kall1 sleep 100000 >/dev/null 2>&1 &
	local bg=$!
	local deadline=$((SECONDS + 10))
	until [ "$(ctrc tasks ps kall1 | awk 'NR > 1' | wc -l)" -ge 2 ]; do
		[ $SECONDS -lt $deadline ] || fail "the exec'd process did not show up"
		sleep 0.1
	done
	run --separate-stderr ctrc tasks kill --all -s SIGKILL kall1
	assert_success
	wait "$bg" || true
	wait_task_status kall1 STOPPED
}

@test "containerd: the pid files the shim reads hold only the pid" {
	local pid
	run --separate-stderr ctr_run -d -- pidf1 sleep 100000
	assert_success
	wait_task_status pidf1 RUNNING
	pid=$(ctrc tasks ls | awk '$1 == "pidf1" { print $2 }')
	run cat "$(ctr_bundle pidf1)/init.pid"
	assert_success
	[[ $output =~ ^[0-9]+$ ]] || fail "init.pid holds '$output'"
	assert_eq "$output" "$pid" "init.pid"
	# No trailing newline either: the shim parses the whole file.
	assert_eq "$(od -An -c "$(ctr_bundle pidf1)/init.pid" | tr -d ' \n')" "$pid" "init.pid bytes"
}

@test "containerd: hull logs JSON lines for the shim, and its error reaches ctr" {
	local log
	run --separate-stderr ctr_run -d -- log1 sleep 100000
	assert_success
	wait_task_status log1 RUNNING
	run --separate-stderr ctrc tasks exec --exec-id bad log1 /no/such/binary
	assert_failure
	# containerd reports the last error line of hull's log.
	assert_stderr_has "/no/such/binary"
	log=$(ctr_bundle log1)/log.json
	[ -s "$log" ] || fail "hull wrote nothing to $log"
	# Every line is a JSON object with level, msg and time.
	run jq -e -c 'select((.level | type) == "string" and (.msg | type) == "string" and (.time | type) == "string") | 1' "$log"
	assert_success
	assert_eq "$(jq -c . "$log" | wc -l)" "$(wc -l <"$log")" "JSON lines in log.json"
	assert_eq "$(tail -n 1 "$log" | jq -r .level)" error "last level"
	tail -n 1 "$log" | jq -r .msg | grep -q "/no/such/binary" || fail "last msg: $(tail -n 1 "$log")"
	# The failure was an exec with --process, --detach and --pid-file.
	recorded_calls | grep -q -- "exec --process .* --detach --pid-file .*/bad.pid log1 => exit 1" ||
		fail "no failed exec call: $(recorded_calls)"
	# The task is still fine.
	run --separate-stderr ctrc tasks exec --exec-id good log1 echo still here
	assert_success
	assert_output "still here"
}

@test "containerd: a task with a terminal (ctr run -t)" {
	command -v script >/dev/null || skip "script(1) is not installed (bsdutils)"
	in_pty 'ctr -a "$CTRD_SOCK" -n "$CTRD_NS" run --rm -t --runc-binary "$CTRD_HULL" --runc-root "$CTRD_HULL_ROOT" "$CLIENT_IMAGE" tty1 sh -c "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo isatty; exit 4"'
	assert_status 4
	assert_output_has "/dev/pts/0"
	assert_output_has "isatty"
	recorded_calls | grep -q -- "create --bundle .* --pid-file .* --console-socket .* tty1 => exit 0" ||
		fail "no create with --console-socket: $(recorded_calls)"
}

@test "containerd: ctr tasks exec -t gives the process a terminal" {
	command -v script >/dev/null || skip "script(1) is not installed (bsdutils)"
	run --separate-stderr ctr_run -d -- tty2 sleep 100000
	assert_success
	wait_task_status tty2 RUNNING
	in_pty 'ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks exec -t --exec-id t1 tty2 sh -c "tty; [ -t 0 ] && [ -t 1 ] && echo isatty; exit 5"'
	assert_status 5
	assert_output_has "/dev/pts/"
	assert_output_has "isatty"
	recorded_calls | grep -q -- "exec --process .* --console-socket .* --detach --pid-file .* tty2 => exit 0" ||
		fail "no exec with --console-socket: $(recorded_calls)"
}

@test "containerd: --memory-limit is set on the task's cgroup and seen inside" {
	local limit=67108864
	run --separate-stderr ctr_run -d --memory-limit $limit \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec -- mem1 sleep 100000
	assert_success
	wait_task_status mem1 RUNNING
	assert_eq "$(cat "/sys/fs/cgroup/memory/$CTRD_NS/mem1/memory.limit_in_bytes")" $limit "host memory.limit_in_bytes"
	run --separate-stderr ctrc tasks exec --exec-id e1 mem1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_success
	assert_output $limit
	# The task's own cgroup, as the kernel reports it.
	run --separate-stderr ctrc tasks exec --exec-id e2 mem1 cat /proc/self/cgroup
	assert_success
	assert_output_has "memory:/$CTRD_NS/mem1"
}

@test "containerd: a task over its memory limit is killed" {
	# 16 MiB limit; the shell builds a 64 MiB string.
	run --separate-stderr ctr_run --rm --memory-limit 16777216 -- oom1 \
		sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
	assert_failure
	assert_output_lacks survived
}

@test "containerd: --read-only makes the rootfs read-only" {
	run --separate-stderr ctr_run --rm --read-only -- ro1 sh -c 'touch /x 2>&1; echo touch=$?; grep " / / " /proc/self/mountinfo'
	assert_success
	assert_output_has "Read-only file system"
	assert_output_has "touch=1"
	has_opt "$(printf '%s\n' "$output" | awk '$5 == "/" { print $6 }')" ro || fail "/ is not mounted ro: $output"
	run --separate-stderr ctr_run --rm -- rw1 sh -c 'touch /x && echo touched'
	assert_success
	assert_output touched
}

@test "containerd: --null-io gives the task a usable /dev/null for its stdio" {
	run --separate-stderr ctr_run -d --null-io -- null1 sh -c \
		'echo to-stdout; o=$?; echo to-stderr >&2; e=$?; echo "$o $e" >/result; exec sleep 100000'
	assert_success
	wait_task_status null1 RUNNING
	local deadline=$((SECONDS + 10))
	until ctrc tasks exec --exec-id r"$SECONDS" null1 test -e /result 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || fail "the task never wrote /result"
		sleep 0.1
	done
	run --separate-stderr ctrc tasks exec --exec-id e1 null1 cat /result
	assert_success
	assert_output "0 0"
}

@test "containerd: security options (--no-pivot, --seccomp, --privileged, --cap-drop)" {
	run --separate-stderr ctr_run --rm --no-pivot -- sec1 echo no-pivot-ok
	assert_success
	assert_output no-pivot-ok
	recorded_calls | grep -q -- " create .*--no-pivot.* sec1 => exit 0" ||
		fail "no create --no-pivot: $(recorded_calls)"

	run --separate-stderr ctr_run --rm -- sec2 grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status
	assert_success
	assert_output_has "Seccomp:	0"
	assert_output_has "NoNewPrivs:	1"
	assert_output_has "CapEff:	00000000a80425fb"

	run --separate-stderr ctr_run --rm --seccomp -- sec3 sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true 2>&1; echo unshare=$?'
	assert_success
	assert_output_has "Seccomp:	2"
	assert_output_has "unshare=1"

	run --separate-stderr ctr_run --rm --cap-drop CAP_CHOWN --cap-drop CAP_KILL -- sec4 grep ^CapEff: /proc/self/status
	assert_success
	# a80425fb without CAP_CHOWN (bit 0) and CAP_KILL (bit 5)
	assert_output "CapEff:	00000000a80425da"

	run --separate-stderr ctr_run --rm --privileged -- sec5 sh -c 'grep ^CapEff: /proc/self/status; test -c /dev/kmsg && echo has-host-devices'
	assert_success
	assert_output_lacks "CapEff:	00000000a80425fb"
	assert_output_has has-host-devices
}

@test "containerd: checkpoint of a running task (the daemon pauses it first)" {
	command -v criu >/dev/null || skip "criu is not installed"
	criu check >/dev/null 2>&1 || skip "criu does not work on this kernel ($(criu check 2>&1 | tail -n 1))"
	run --separate-stderr ctr_run -d --null-io -- ckpt1 sleep 100000
	assert_success
	wait_task_status ckpt1 RUNNING
	mkdir -p "$BATS_TEST_TMPDIR/img" "$BATS_TEST_TMPDIR/work"
	run --separate-stderr ctrc tasks checkpoint --image-path "$BATS_TEST_TMPDIR/img" \
		--work-path "$BATS_TEST_TMPDIR/work" ckpt1
	assert_success
	[ -e "$BATS_TEST_TMPDIR/img/inventory.img" ] || fail "no criu images"
	wait_task_status ckpt1 RUNNING
}

@test "containerd: a command that cannot be executed makes create fail, as under runc" {
	# runc resolves process.args[0] before `create` returns, and the shim
	# reports "OCI runtime create failed" with the runtime's error.
	run --separate-stderr ctr_run --rm -- noexec1 /no/such/binary
	assert_failure
	assert_stderr_has "OCI runtime create failed"
	assert_stderr_has "/no/such/binary"
	run --separate-stderr ctr_run --rm -- noexec2 /etc/passwd
	assert_failure
	assert_stderr_has "OCI runtime create failed"
	assert_stderr_has "/etc/passwd"
}
