#!/usr/bin/env bats
# linux.seccomp

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

@test "seccomp: a denied syscall fails with errnoRet, the rest works" {
	jqset '.root.readonly = false | .linux.seccomp = {
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
	  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	hull_sh 'mkdir /newdir 2>&1; echo rc=$?; touch /newfile && echo touched; grep ^Seccomp: /proc/self/status'
	assert_success
	assert_output_has "Operation not permitted"
	assert_output_has "rc=1"
	assert_output_has touched
	printf '%s\n' "${lines[@]}" | grep -Eq '^Seccomp:[[:space:]]+2$' || { show_run; fail "no seccomp filter"; }
	[ ! -d "$BUNDLE/rootfs/newdir" ]
}

@test "seccomp: the default errno is EPERM" {
	jqset '.root.readonly = false | .linux.seccomp = {
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	hull_sh 'mkdir /newdir 2>&1; exit 0'
	assert_output_has "Operation not permitted"
}

@test "seccomp: argument conditions select the calls" {
	jqset '.linux.seccomp = {
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	                "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
	hull_sh 'trap "" USR1 USR2; kill -USR1 $$ 2>&1; echo usr1=$?; kill -USR2 $$ 2>&1; echo usr2=$?'
	assert_success
	assert_output_has "usr1=1"
	assert_output_has "usr2=0"
	assert_output_has "Permission denied"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the caller with SIGSYS" {
	jqset '.root.readonly = false | .linux.seccomp = {
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	hull_sh 'mkdir /newdir; echo rc=$?'
	assert_success
	assert_output "rc=$((128 + 31))"
}

@test "seccomp: noNewPrivileges false still gets the filter" {
	jqset '.process.noNewPrivileges = false | .linux.seccomp = {
	  "defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	hull_sh_ok 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	printf '%s\n' "${lines[@]}" | grep -Eq '^Seccomp:[[:space:]]+2$' || { show_run; fail "no seccomp filter"; }
	printf '%s\n' "${lines[@]}" | grep -Eq '^NoNewPrivs:[[:space:]]+0$' || { show_run; fail "NoNewPrivs set"; }
}

@test "seccomp: an unknown action is one error line" {
	jqset '.linux.seccomp = {"defaultAction": "SCMP_ACT_BOGUS"}'
	hull_create -b "$BUNDLE" c1
	assert_error SCMP_ACT_BOGUS
	assert_no_state
}

@test "seccomp: an unknown architecture is one error line" {
	jqset '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_BOGUS"]}'
	hull_create -b "$BUNDLE" c1
	assert_error SCMP_ARCH_BOGUS
	assert_no_state
}
