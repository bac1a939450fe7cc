#!/usr/bin/env bats
# linux.cgroupsPath and linux.resources on this host's cgroup hierarchies.

load helpers

setup() {
	hull_setup
	hull_bundle b
	CG=$(jq -r .linux.cgroupsPath "$BUNDLE/config.json")
}
teardown() { hull_teardown; }

# v1_dir CONTROLLER: set $DIR to the container's directory in the v1
# hierarchy of CONTROLLER, or skip the test.
v1_dir() {
	if [ ! -d "/sys/fs/cgroup/$1" ] || [ "$(stat -f -c %T "/sys/fs/cgroup/$1")" != cgroupfs ]; then
		skip "no cgroup v1 $1 hierarchy on this host"
	fi
	DIR=/sys/fs/cgroup/$1$CG
}

is_v2_only() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

@test "cgroups: the process is born in cgroupsPath" {
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	if is_v2_only; then
		grep -qx "0::$CG" "/proc/$pid/cgroup" || fail "$(cat "/proc/$pid/cgroup")"
	else
		local c
		for c in memory pids cpu devices; do
			[ -d "/sys/fs/cgroup/$c" ] || continue
			grep -Eq "^[0-9]+:([^:]*,)?$c(,[^:]*)?:$CG\$" "/proc/$pid/cgroup" ||
				fail "$c: $(cat "/proc/$pid/cgroup")"
		done
	fi
}

@test "cgroups: the directories are removed by delete" {
	set_args true
	start_detached c1
	wait_status c1 stopped
	run hull delete c1
	assert_success
	local d
	for d in /sys/fs/cgroup/"$CG" /sys/fs/cgroup/*/"$CG"; do
		[ ! -d "$d" ] || fail "$d is left"
	done
}

@test "cgroups: memory.limit" {
	if is_v2_only; then skip "checked in the cgroup v2 lane"; fi
	v1_dir memory
	jqset '.linux.resources.memory = {"limit": 67108864}'
	set_long_running
	start_detached c1
	assert_eq "$(cat "$DIR/memory.limit_in_bytes")" 67108864 memory.limit_in_bytes
}

@test "cgroups: memory.limit seen from inside the container" {
	if is_v2_only; then skip "checked in the cgroup v2 lane"; fi
	v1_dir memory
	jqset '.linux.resources.memory = {"limit": 67108864}'
	hull_sh_ok 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
	assert_output 67108864
}

@test "cgroups: pids.limit is enforced" {
	if is_v2_only; then skip "checked in the cgroup v2 lane"; fi
	v1_dir pids
	jqset '.linux.resources.pids = {"limit": 10}'
	bind_dir out /out
	set_args sh -c 'exec </dev/null >/dev/null 2>/out/err
		sh -c "i=0; while [ \$i -lt 20 ]; do sleep 100000 & i=\$((i + 1)); done"
		echo done > /out/done
		exec sleep 100000'
	start_detached c1
	wait_file "$BATS_TEST_TMPDIR/out/done"
	assert_eq "$(cat "$DIR/pids.max")" 10 pids.max
	[ "$(cat "$DIR/pids.current")" -le 10 ] || fail "pids.current: $(cat "$DIR/pids.current")"
	grep -q "fork\|Resource temporarily unavailable\|can't" "$BATS_TEST_TMPDIR/out/err" ||
		fail "no fork failed: $(cat "$BATS_TEST_TMPDIR/out/err")"
}

@test "cgroups: cpu shares, quota and period" {
	if is_v2_only; then skip "checked in the cgroup v2 lane"; fi
	v1_dir cpu
	jqset '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	set_long_running
	start_detached c1
	assert_eq "$(cat "$DIR/cpu.shares")" 512 cpu.shares
	assert_eq "$(cat "$DIR/cpu.cfs_quota_us")" 50000 cpu.cfs_quota_us
	assert_eq "$(cat "$DIR/cpu.cfs_period_us")" 100000 cpu.cfs_period_us
}

@test "cgroups: the device allowlist denies what it does not list" {
	if is_v2_only; then skip "checked in the cgroup v2 lane"; fi
	v1_dir devices
	jqset '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
	     | .process.capabilities.permitted += ["CAP_MKNOD"]'
	hull_sh 'mknod /dev/sda1 b 8 1 && head -c 1 /dev/sda1 >/dev/null 2>&1 && echo opened; echo x > /dev/null && echo null-ok'
	assert_output_lacks opened
	assert_output_has null-ok
}

@test "cgroups: a relative cgroupsPath is accepted" {
	jqset --arg p "${CG#/}" '.linux.cgroupsPath = $p'
	hull_sh_ok 'echo ran'
	assert_output ran
}
