#!/usr/bin/env bats
# hull exec: another process in a running container.

load helpers

setup() {
	hull_setup
	hull_bundle b
	set_long_running
	jqset '.hostname = "exechost"'
	start_detached c1
	INIT_PID=$(container_pid c1)
}
teardown() { hull_teardown; }

@test "exec: joins the container's namespaces" {
	run --separate-stderr hull exec c1 sh -c 'for t in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$t; done; hostname'
	assert_success
	local i=0 t
	for t in pid net ipc uts mnt cgroup; do
		assert_eq "${lines[i]}" "$(readlink "/proc/$INIT_PID/ns/$t")" "$t namespace"
		i=$((i + 1))
	done
	assert_eq "${lines[i]}" exechost hostname
}

@test "exec: sees the container's root and processes" {
	run --separate-stderr hull exec c1 sh -c 'cat /etc/hostname; ps -o pid,comm'
	assert_success
	assert_eq "${lines[0]}" hull "/etc/hostname of the rootfs"
	printf '%s\n' "${lines[@]}" | grep -Eq '^[[:space:]]*1[[:space:]]+sleep$' || { show_run; fail "PID 1 is not the container's sleep"; }
}

@test "exec: the exit status is hull's" {
	run --separate-stderr hull exec c1 sh -c 'exit 5'
	assert_status 5
	run --separate-stderr hull exec c1 true
	assert_success
}

@test "exec: the process gets the container's process settings" {
	run --separate-stderr hull exec c1 sh -c 'cat /proc/self/status; pwd'
	assert_success
	assert_eq "$(status_field CapBnd)" "$DEFAULT_CAPS_HEX" CapBnd
	assert_eq "$(status_field NoNewPrivs)" 1 NoNewPrivs
	assert_eq "${lines[-1]}" / cwd
}

@test "exec: --env, --cwd, --user, --additional-gids" {
	run --separate-stderr hull exec --env FOO=bar -e BAZ=qux --cwd /etc --user 1000:1001 -g 20 c1 \
		sh -c 'echo "$FOO $BAZ"; pwd; id -u; id -g; cat /proc/self/status'
	assert_success
	assert_eq "${lines[0]}" "bar qux" env
	assert_eq "${lines[1]}" /etc cwd
	assert_eq "${lines[2]}" 1000 uid
	assert_eq "${lines[3]}" 1001 gid
	assert_eq "$(status_field Groups)" 20 Groups
}

@test "exec: --process reads the process from a JSON file" {
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", "echo from-file $X; pwd"],
	        env: ["X=1", "PATH=/bin"], cwd: "/tmp"}' >"$BATS_TEST_TMPDIR/process.json"
	run --separate-stderr hull exec --process "$BATS_TEST_TMPDIR/process.json" c1
	assert_success
	assert_eq "${lines[0]}" "from-file 1" output
	assert_eq "${lines[1]}" /tmp cwd
}

@test "exec: --detach with --pid-file leaves the process running" {
	run --separate-stderr hull exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" c1 \
		sh -c 'exec </dev/null >/dev/null 2>&1; exec sleep 100000'
	assert_success
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	kill -0 "$pid"
	assert_eq "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")" "pid namespace"
	run hull delete --force c1
	assert_success
	wait_gone "$pid"
}

@test "exec: a command that does not exist is one error line" {
	run --separate-stderr hull exec c1 /no/such/command
	assert_failure
	assert_stderr_has /no/such/command
}

@test "exec: a stopped container is refused" {
	run hull kill c1 KILL
	wait_status c1 stopped
	run --separate-stderr hull exec c1 true
	assert_failure
	assert_stderr_has stopped
}

@test "exec: an unknown container does not exist" {
	run --separate-stderr hull exec nosuch true
	assert_error 'container "nosuch" does not exist'
}
