#!/usr/bin/env bats
# hull kill: signal names and numbers, --all, invalid signals.

load helpers

setup() { hull_setup; }
teardown() { hull_teardown; }

# A container that writes the name of every signal it catches to
# $BATS_TEST_TMPDIR/out/log and says it is ready in .../out/ready.
start_trapper() {
	hull_bundle b
	bind_dir out /out
	set_args sh -c '
		exec </dev/null >/dev/null 2>&1
		for s in HUP INT USR1 USR2 TERM; do trap "echo $s >> /out/log" $s; done
		echo ready > /out/ready
		while :; do sleep 0.02; done'
	start_detached c1
	wait_file "$BATS_TEST_TMPDIR/out/ready"
}

# send_and_expect SIGNAL-ARG NAME: hull kill c1 SIGNAL-ARG, then NAME must be
# the last line of the container's log.
send_and_expect() {
	local log=$BATS_TEST_TMPDIR/out/log before=0 deadline=$((SECONDS + 10))
	[ -f "$log" ] && before=$(wc -l <"$log")
	run --separate-stderr hull kill c1 "$1"
	assert_success
	until [ -f "$log" ] && [ "$(wc -l <"$log")" -gt "$before" ]; do
		[ $SECONDS -lt $deadline ] || fail "signal $1 did not arrive"
		sleep 0.02
	done
	assert_eq "$(tail -n 1 "$log")" "$2" "signal received for '$1'"
}

@test "kill: signals by name, SIG-name and number reach the process" {
	start_trapper
	send_and_expect USR1 USR1
	send_and_expect SIGUSR2 USR2
	send_and_expect 1 HUP
	send_and_expect SIGINT INT
	send_and_expect 15 TERM
	assert_eq "$(container_status c1)" running status
}

@test "kill: the default signal is TERM" {
	start_trapper
	run hull kill c1
	assert_success
	wait_file "$BATS_TEST_TMPDIR/out/log"
	assert_eq "$(cat "$BATS_TEST_TMPDIR/out/log")" TERM signal
}

@test "kill: lower-case names are accepted, as runc does" {
	start_trapper
	send_and_expect usr1 USR1
	send_and_expect sighup HUP
}

@test "kill: KILL, SIGKILL and 9 stop the container" {
	local sig n=0
	hull_bundle b
	set_long_running
	for sig in KILL SIGKILL 9; do
		n=$((n + 1))
		start_detached "k$n"
		run --separate-stderr hull kill "k$n" "$sig"
		assert_success
		wait_status "k$n" stopped
	done
}

@test "kill: invalid signals are refused and the container keeps running" {
	hull_bundle b
	set_long_running
	start_detached c1
	local sig
	for sig in 0 65 -1 FOO SIGFOO 9x ""; do
		run --separate-stderr hull kill c1 "$sig"
		assert_failure
		[ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "signal '$sig': expected one error line"; }
	done
	assert_eq "$(container_status c1)" running status
}

@test "kill: a created container can be killed" {
	hull_bundle b
	set_long_running
	create_detached c1
	local pid
	pid=$(container_pid c1)
	run hull kill c1 KILL
	assert_success
	wait_gone "$pid"
	wait_status c1 stopped
}

@test "kill: a stopped container cannot be signalled" {
	hull_bundle b true
	start_detached c1
	wait_status c1 stopped
	run --separate-stderr hull kill c1 KILL
	assert_failure
}

@test "kill --all: every process of the container gets the signal" {
	hull_bundle b
	bind_dir out /out
	set_args sh -c '
		exec </dev/null >/dev/null 2>&1
		sleep 100000 & echo $! > /out/child
		echo ready > /out/ready
		wait'
	start_detached c1
	wait_file "$BATS_TEST_TMPDIR/out/ready"
	run --separate-stderr hull kill --all c1 KILL
	assert_success
	wait_status c1 stopped
}
