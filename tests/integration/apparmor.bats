#!/usr/bin/env bats
# process.apparmorProfile on a kernel with AppArmor. These tests skip on a
# host without it; tests/vm/run-vm-lane.sh runs them in a VM that has it.

load helpers

PROFILE=hull-test-deny-tmp

aa_enabled() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
		[ -d /sys/kernel/security/apparmor ]
}

requires_apparmor() {
	aa_enabled || skip "AppArmor not enabled on this kernel"
	command -v apparmor_parser >/dev/null || skip "apparmor_parser is not installed (apt-get install apparmor)"
	grep -q "^$PROFILE " /sys/kernel/security/apparmor/profiles ||
		fail "the test profile $PROFILE was not loaded"
}

# A profile that allows everything but writing below /tmp.
setup_file() {
	aa_enabled && command -v apparmor_parser >/dev/null || return 0
	cat >"$BATS_FILE_TMPDIR/profile" <<-EOF
		profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  signal,
		  ptrace,
		  unix,
		  deny /tmp/** w,
		}
	EOF
	apparmor_parser -r "$BATS_FILE_TMPDIR/profile"
}

teardown_file() {
	if aa_enabled && command -v apparmor_parser >/dev/null; then
		apparmor_parser -R "$BATS_FILE_TMPDIR/profile" 2>/dev/null || true
	fi
}

setup() {
	hull_setup
	hull_bundle b
	jqset '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"},
		{destination: "/scratch", type: "tmpfs", source: "tmpfs"}]'
}

teardown() {
	hull_teardown
}

@test "apparmor: the process runs confined by process.apparmorProfile" {
	requires_apparmor
	jqset --arg p "$PROFILE" '.process.apparmorProfile = $p'
	hull_sh 'cat /proc/self/attr/current
		touch /scratch/ok && echo scratch-written
		touch /tmp/denied 2>&1 || echo tmp-denied'
	assert_success
	assert_eq "${lines[0]}" "$PROFILE (enforce)" "/proc/self/attr/current"
	assert_eq "${lines[1]}" scratch-written "write outside /tmp"
	assert_output_has "Permission denied"
	assert_output_has tmp-denied
}

@test "apparmor: the profile applies with noNewPrivileges off too" {
	requires_apparmor
	jqset --arg p "$PROFILE" '.process.apparmorProfile = $p | .process.noNewPrivileges = false'
	hull_sh_ok 'cat /proc/self/attr/current; touch /tmp/denied 2>/dev/null || echo tmp-denied'
	assert_eq "${lines[0]}" "$PROFILE (enforce)" "/proc/self/attr/current"
	assert_eq "${lines[1]}" tmp-denied "write to /tmp"
}

@test "apparmor: without a profile the process is unconfined" {
	requires_apparmor
	hull_sh_ok 'cat /proc/self/attr/current; touch /tmp/allowed && echo tmp-written'
	assert_eq "${lines[0]}" unconfined "/proc/self/attr/current"
	assert_eq "${lines[1]}" tmp-written "write to /tmp"
}

@test "apparmor: a process started by exec gets the container's profile" {
	requires_apparmor
	jqset --arg p "$PROFILE" '.process.apparmorProfile = $p'
	set_long_running
	start_detached c1
	run --separate-stderr hull exec c1 sh -c 'cat /proc/self/attr/current; touch /tmp/x 2>/dev/null || echo tmp-denied'
	assert_success
	assert_eq "${lines[0]}" "$PROFILE (enforce)" "/proc/self/attr/current of the exec'd process"
	assert_eq "${lines[1]}" tmp-denied "write to /tmp"
}

@test "apparmor: a profile that is not loaded is a clear error" {
	requires_apparmor
	jqset '.process.apparmorProfile = "hull-test-no-such-profile"'
	set_args true
	hull_create -b "$BUNDLE" c1
	assert_error 'process.apparmorProfile "hull-test-no-such-profile"' "no such profile is loaded"
	assert_no_state
}

@test "apparmor: a profile is refused on a kernel without AppArmor" {
	if aa_enabled; then
		skip "AppArmor is enabled on this kernel"
	fi
	jqset '.process.apparmorProfile = "hull-test-any"'
	hull_create -b "$BUNDLE" c1
	assert_error 'process.apparmorProfile "hull-test-any"' "AppArmor is not enabled"
	assert_no_state
}
