#!/usr/bin/env bats
# process.terminal with --console-socket.

load helpers

setup() {
	hull_setup
	command -v python3 >/dev/null || skip "python3 is needed to receive the console"
	hull_bundle b
	jqset '.process.terminal = true'
	SOCK=$BATS_TEST_TMPDIR/console.sock
	CONSOLE_OUT=$BATS_TEST_TMPDIR/console.out
}

teardown() {
	if [ -n "${RECEIVER:-}" ]; then
		kill "$RECEIVER" 2>/dev/null || true
		wait "$RECEIVER" 2>/dev/null || true
	fi
	hull_teardown
}

# start_receiver [--input TEXT]
start_receiver() {
	"$INTEGRATION_DIR/console-receiver.py" "$SOCK" "$CONSOLE_OUT" "$@" &
	RECEIVER=$!
	local deadline=$((SECONDS + 10))
	until [ -S "$SOCK" ]; do
		[ $SECONDS -lt $deadline ] || fail "the console receiver did not start"
		sleep 0.02
	done
}

# console_run ID: create with the console socket, start, wait until stopped
# and until the receiver is done; $output is the console text without \r.
console_run() {
	create_detached "$1" "$BUNDLE" --console-socket "$SOCK"
	run hull start "$1"
	assert_success
	wait_status "$1" stopped
	wait "$RECEIVER" || fail "the console receiver failed"
	RECEIVER=
	output=$(tr -d '\r' <"$CONSOLE_OUT")
	mapfile -t lines <<<"$output"
}

@test "terminal: the process has a pty on stdin, stdout and stderr" {
	set_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo isatty; readlink /proc/self/fd/2'
	start_receiver
	console_run c1
	assert_eq "${lines[0]}" /dev/pts/0 tty
	assert_eq "${lines[1]}" isatty "[ -t ]"
	assert_eq "${lines[2]}" /dev/pts/0 "stderr"
}

@test "terminal: /dev/console is the container's terminal" {
	set_args sh -c 'stat -c "%F %t" /dev/console; echo via-console > /dev/console'
	start_receiver
	console_run c1
	assert_eq "${lines[0]}" "character special file 88" /dev/console
	assert_output_has via-console
}

@test "terminal: input written to the master reaches the process" {
	set_args sh -c 'read line; echo "got:$line"'
	start_receiver --input $'hello\n'
	console_run c1
	assert_output_has "got:hello"
}

@test "terminal: consoleSize sets the window size" {
	jqset '.process.consoleSize = {"height": 30, "width": 100}'
	set_args stty size
	start_receiver
	console_run c1
	assert_eq "${lines[0]}" "30 100" "stty size"
}

@test "terminal: the process is a session leader with a controlling tty" {
	set_args sh -c 'cat /proc/self/stat'
	start_receiver
	console_run c1
	# Fields: pid (comm) state ppid pgrp session tty_nr ...
	local f
	read -r -a f <<<"${lines[0]}"
	assert_eq "${f[5]}" "${f[0]}" "session id"
	[ "${f[6]}" -ne 0 ] || fail "no controlling terminal"
}

@test "terminal: run --detach with a console socket" {
	set_args sh -c 'echo detached-tty; tty'
	start_receiver
	run hull run -d --console-socket "$SOCK" -b "$BUNDLE" c1
	assert_success
	wait_status c1 stopped
	wait "$RECEIVER" || fail "the console receiver failed"
	RECEIVER=
	grep -q detached-tty "$CONSOLE_OUT"
	grep -q /dev/pts/0 "$CONSOLE_OUT"
}

@test "terminal: create without --console-socket is refused" {
	hull_create -b "$BUNDLE" c1
	assert_error console
	assert_no_state
}

@test "terminal: a console socket nobody listens on is one error line" {
	hull_create -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" c1
	assert_error nobody.sock
	assert_no_state
}
