#!/usr/bin/env bats
# The process: user, umask, cwd, env, rlimits, oom score, no_new_privs,
# capabilities, file descriptors.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

@test "process.user: uid, gid and additionalGids" {
	jqset '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20, 10, 30]}'
	hull_sh_ok 'cat /proc/self/status; id -u; id -g'
	assert_eq "$(status_field Uid)" "1000 1000 1000 1000" Uid
	assert_eq "$(status_field Gid)" "1001 1001 1001 1001" Gid
	assert_eq "$(status_field Groups | tr ' ' '\n' | sort -n | tr '\n' ' ')" "10 20 30 " Groups
	assert_eq "${lines[-2]}" 1000 "id -u"
	assert_eq "${lines[-1]}" 1001 "id -g"
}

@test "process.user: without additionalGids the host's groups are dropped" {
	jqset '.process.user = {"uid": 1000, "gid": 1000}'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field Groups)" "" Groups
}

@test "process.user: root keeps uid 0 and no extra groups" {
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field Uid)" "0 0 0 0" Uid
	assert_eq "$(status_field Groups)" "" Groups
}

@test "process.user.umask: applied, 0022 when not set" {
	jqset '.process.user.umask = 23'
	hull_sh_ok 'umask'
	assert_output 0027
	jqset 'del(.process.user.umask)'
	hull_sh_ok 'umask'
	assert_output 0022
}

@test "process.cwd: the process starts there" {
	jqset '.process.cwd = "/etc"'
	hull_sh_ok 'pwd'
	assert_output /etc
}

@test "process.cwd: a missing cwd is created" {
	jqset '.root.readonly = false | .process.cwd = "/work/dir"'
	hull_sh_ok 'pwd'
	assert_output /work/dir
	[ -d "$BUNDLE/rootfs/work/dir" ]
}

@test "process.cwd: a symlink cwd resolves inside the rootfs" {
	ln -s / "$BUNDLE/rootfs/uplink"
	jqset '.process.cwd = "/uplink/etc"'
	hull_sh_ok 'cat hostname'
	assert_output hull
}

@test "process.env: exactly the configured environment" {
	jqset --arg tag "$TEST_TAG" '.process.env = ["FOO=bar", "EMPTY=", "WITH_EQ=a=b", "PATH=/bin:/usr/bin", $tag]'
	export HULL_LEAK_CHECK=leaked
	set_args env
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_output_has "FOO=bar"
	printf '%s\n' "${lines[@]}" | grep -qx 'EMPTY=' || { show_run; fail "EMPTY= missing"; }
	assert_output_has "WITH_EQ=a=b"
	assert_output_has "PATH=/bin:/usr/bin"
	assert_output_lacks HULL_LEAK_CHECK
	assert_output_lacks BATS_
}

@test "process.env: HOME is set from /etc/passwd when not given" {
	jqset --arg tag "$TEST_TAG" '.process.env = ["PATH=/bin", $tag]'
	hull_sh_ok 'echo "home=$HOME"'
	assert_output home=/root
}

@test "process.rlimits: soft and hard limits" {
	jqset '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 2000},
	                           {"type": "RLIMIT_NPROC", "soft": 500, "hard": 600},
	                           {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	hull_sh_ok 'ulimit -n; ulimit -Hn; cat /proc/self/limits'
	assert_eq "${lines[0]}" 1000 "ulimit -n"
	assert_eq "${lines[1]}" 2000 "ulimit -Hn"
	printf '%s\n' "${lines[@]}" | grep -Eq '^Max open files +1000 +2000 +files' || { show_run; fail "Max open files"; }
	printf '%s\n' "${lines[@]}" | grep -Eq '^Max processes +500 +600 +processes' || { show_run; fail "Max processes"; }
	printf '%s\n' "${lines[@]}" | grep -Eq '^Max core file size +0 +0 +bytes' || { show_run; fail "Max core file size"; }
}

@test "process.oomScoreAdj" {
	jqset '.process.oomScoreAdj = 500'
	hull_sh_ok 'cat /proc/self/oom_score_adj'
	assert_output 500
	# Going below the current value needs CAP_SYS_RESOURCE on the host.
	(($(grep ^CapEff /proc/self/status | cut -f2 | sed 's/^/0x/') & (1 << 24))) ||
		skip "this host denies CAP_SYS_RESOURCE, so oom_score_adj cannot be lowered"
	jqset '.process.oomScoreAdj = -300'
	hull_sh_ok 'cat /proc/self/oom_score_adj'
	assert_output -300
}

@test "process.noNewPrivileges: true and false" {
	jqset '.process.noNewPrivileges = true'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field NoNewPrivs)" 1 "NoNewPrivs with true"
	jqset '.process.noNewPrivileges = false'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field NoNewPrivs)" 0 "NoNewPrivs with false"
}

@test "process.capabilities: the default sets for root" {
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field CapBnd)" "$DEFAULT_CAPS_HEX" CapBnd
	assert_eq "$(status_field CapEff)" "$DEFAULT_CAPS_HEX" CapEff
	assert_eq "$(status_field CapPrm)" "$DEFAULT_CAPS_HEX" CapPrm
}

@test "process.capabilities: ambient capabilities of a non-root user" {
	jqset '.process.user = {"uid": 1000, "gid": 1000}
	     | .process.capabilities = {
	         "bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
	         "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	         "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	         "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	         "ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field CapBnd)" 0000000000000421 CapBnd
	assert_eq "$(status_field CapInh)" 0000000000000420 CapInh
	assert_eq "$(status_field CapPrm)" 0000000000000420 CapPrm
	assert_eq "$(status_field CapEff)" 0000000000000420 CapEff
	assert_eq "$(status_field CapAmb)" 0000000000000420 CapAmb
}

@test "process.capabilities: a non-root user without ambient ones has none" {
	jqset '.process.user = {"uid": 1000, "gid": 1000}
	     | .process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field CapBnd)" 0000000000000020 CapBnd
	assert_eq "$(status_field CapEff)" 0000000000000000 CapEff
	assert_eq "$(status_field CapAmb)" 0000000000000000 CapAmb
}

@test "process.capabilities: none at all" {
	jqset 'del(.process.capabilities)'
	hull_sh_ok 'cat /proc/self/status'
	assert_eq "$(status_field CapBnd)" 0000000000000000 CapBnd
	assert_eq "$(status_field CapEff)" 0000000000000000 CapEff
}

@test "process.capabilities: a dropped capability is enforced" {
	jqset '.root.readonly = false'
	jqset '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"] | .process.capabilities.permitted += ["CAP_CHOWN"]'
	hull_sh 'touch /f && chown 1000 /f && echo chown-ok'
	assert_output chown-ok
	jqset '.process.capabilities |= map_values(map(select(. != "CAP_CHOWN")))'
	hull_sh 'touch /g && chown 1000 /g 2>/dev/null && echo chown-ok; echo done'
	assert_output "done"
}

@test "fds: only stdio reaches the process" {
	exec 7>"$BATS_TEST_TMPDIR/leak"
	set_args ls /proc/self/fd
	run --separate-stderr hull run -b "$BUNDLE" c1
	exec 7>&-
	assert_success
	# 0, 1 and 2, and 3: the directory ls itself is reading.
	assert_eq "$(printf '%s ' "${lines[@]}")" "0 1 2 3 " "open fds"
}

@test "create --preserve-fds: extra fds are passed on" {
	echo passed-fd >"$BATS_TEST_TMPDIR/fd3"
	echo passed-fd4 >"$BATS_TEST_TMPDIR/fd4"
	set_args sh -c 'cat <&3; cat <&4'
	(
		exec 3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4"
		hull create -b "$BUNDLE" --preserve-fds 2 c1 </dev/null >"$BATS_TEST_TMPDIR/c1.log" 2>&1
	) || fail "create failed: $(cat "$BATS_TEST_TMPDIR/c1.log")"
	run hull start c1
	assert_success
	wait_status c1 stopped
	run cat "$BATS_TEST_TMPDIR/c1.log"
	assert_output_has passed-fd
	assert_output_has passed-fd4
}

@test "process: the container runs its own program, not hull" {
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	assert_eq "$(readlink "/proc/$pid/exe")" /bin/busybox "exe of the container process"
}
