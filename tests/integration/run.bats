#!/usr/bin/env bats
# hull run: foreground and detached runs, exit codes.

load helpers

setup() { hull_setup; }
teardown() { hull_teardown; }

@test "run: /bin/true exits 0 and leaves nothing behind" {
	hull_bundle b true
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_output ""
	run hull state c1
	assert_failure
	assert_no_state
}

@test "run: the container's output reaches hull's stdout" {
	hull_bundle b
	hull_sh_ok 'echo hello from $(hostname)'
	assert_output "hello from hull"
}

@test "run: the bundle defaults to the current directory" {
	hull_bundle b echo in-cwd
	cd "$BUNDLE"
	run --separate-stderr hull run c1
	assert_success
	assert_output in-cwd
}

@test "run: the exit code of the container is hull's exit code" {
	hull_bundle b
	hull_sh 'exit 3'
	assert_status 3
	hull_sh 'exit 255'
	assert_status 255
	set_args false
	run hull run -b "$BUNDLE" c2
	assert_status 1
}

@test "run: a container killed by a signal gives 128+signal" {
	hull_bundle b
	set_long_running
	hull run -b "$BUNDLE" c1 </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local runner=$!
	wait_status c1 running
	hull kill c1 KILL
	local rc=0
	wait "$runner" || rc=$?
	assert_eq "$rc" 137 "exit code of hull run"
}

@test "run: a process killing itself outside a pid namespace gives 128+signal" {
	hull_bundle b
	ns_del pid
	hull_sh 'kill -USR1 $$; sleep 10'
	assert_status $((128 + 10))
}

@test "run: a missing program fails create with one error line" {
	hull_bundle b /no/such/binary
	run -1 --separate-stderr hull run -b "$BUNDLE" c1
	assert_error "/no/such/binary"
	assert_no_state
}

@test "run: process.args[0] is looked up in the container's PATH" {
	hull_bundle b
	set_args busybox echo found
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_output found
}

@test "run --detach: returns at once, the container keeps running" {
	hull_bundle b
	set_long_running
	run hull run -d -b "$BUNDLE" c1
	assert_success
	assert_eq "$(container_status c1)" running status
	local pid
	pid=$(container_pid c1)
	[ -d "/proc/$pid" ]
	run hull kill c1 KILL
	assert_success
	wait_status c1 stopped
	run hull delete c1
	assert_success
}

@test "run --pid-file: the file names the container's process" {
	hull_bundle b
	set_long_running
	run hull run --detach --pid-file "$BATS_TEST_TMPDIR/pid" -b "$BUNDLE" c1
	assert_success
	assert_eq "$(cat "$BATS_TEST_TMPDIR/pid")" "$(container_pid c1)" pid
}

@test "run: a second run with the same id fails while the first is there" {
	hull_bundle b
	set_long_running
	run hull run -d -b "$BUNDLE" c1
	assert_success
	run --separate-stderr hull run -d -b "$BUNDLE" c1
	assert_error 'container with id "c1" already exists'
	assert_eq "$(container_status c1)" running status
}
