#!/usr/bin/env bats
# linux.sysctl

load helpers

setup() {
	hull_setup
	hull_bundle b
	# A runtime that wrongly writes these on the host must not leave the
	# host changed: they are put back after every test.
	HOST_IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
	HOST_SWAPPINESS=$(cat /proc/sys/vm/swappiness)
}

teardown() {
	local changed=
	if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$HOST_IP_FORWARD" ]; then
		echo "$HOST_IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
		changed="net.ipv4.ip_forward "
	fi
	if [ "$(cat /proc/sys/vm/swappiness)" != "$HOST_SWAPPINESS" ]; then
		echo "$HOST_SWAPPINESS" >/proc/sys/vm/swappiness
		changed+="vm.swappiness"
	fi
	hull_teardown
	[ -z "$changed" ] || fail "the host's sysctl changed: $changed"
}

@test "sysctl: net.* in the container's network namespace" {
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	jqset '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.ping_group_range": "0 0"}'
	hull_sh_ok 'cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ping_group_range'
	assert_eq "${lines[0]}" 1 ip_forward
	assert_eq "$(echo "${lines[1]}" | tr -s '\t ' ' ')" "0 0" ping_group_range
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "host ip_forward"
}

@test "sysctl: kernel.* IPC keys in the container's ipc namespace" {
	local host
	host=$(cat /proc/sys/kernel/shm_rmid_forced)
	jqset '.linux.sysctl = {"kernel.shm_rmid_forced": "1", "kernel.msgmax": "4096", "fs.mqueue.queues_max": "17"}'
	hull_sh_ok 'cat /proc/sys/kernel/shm_rmid_forced /proc/sys/kernel/msgmax /proc/sys/fs/mqueue/queues_max'
	assert_eq "${lines[0]}" 1 shm_rmid_forced
	assert_eq "${lines[1]}" 4096 msgmax
	assert_eq "${lines[2]}" 17 queues_max
	assert_eq "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host" "host shm_rmid_forced"
}

@test "sysctl: slashes are accepted as separators" {
	jqset '.linux.sysctl = {"net/ipv4/ip_forward": "1"}'
	hull_sh_ok 'cat /proc/sys/net/ipv4/ip_forward'
	assert_output 1
}

@test "sysctl: /proc/sys stays read-only afterwards" {
	jqset '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	hull_sh 'echo 0 > /proc/sys/net/ipv4/ip_forward 2>/dev/null && echo writable; cat /proc/sys/net/ipv4/ip_forward'
	assert_output 1
}

@test "sysctl: net.* without a network namespace is refused" {
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	ns_del network
	jqset --arg v "$((1 - host))" '.linux.sysctl = {"net.ipv4.ip_forward": $v}'
	hull_create -b "$BUNDLE" c1
	assert_error net.ipv4.ip_forward
	assert_no_state
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "host ip_forward"
}

@test "sysctl: a host-wide key is refused" {
	jqset --arg v "$((HOST_SWAPPINESS == 10 ? 11 : 10))" '.linux.sysctl = {"vm.swappiness": $v}'
	hull_create -b "$BUNDLE" c1
	assert_error vm.swappiness
	assert_no_state
}

@test "sysctl: a key that does not exist is one error line" {
	jqset '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
	hull_create -b "$BUNDLE" c1
	assert_error no_such_key
	assert_no_state
}

@test "sysctl: a key cannot climb out of /proc/sys" {
	jqset '.linux.sysctl = {"net/../../../../etc/x": "1", "net.ipv4/../../kernel/x": "1"}'
	hull_create -b "$BUNDLE" c1
	assert_failure
	assert_no_state
}
