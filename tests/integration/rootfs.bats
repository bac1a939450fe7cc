#!/usr/bin/env bats
# The root filesystem: read-only root, pivot_root or not, propagation.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

@test "rootfs: a read-only root cannot be written" {
	hull_sh 'touch /x 2>&1; echo rc=$?; grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
	assert_success
	assert_output_has "Read-only file system"
	assert_output_has "rc=1"
	[ ! -e "$BUNDLE/rootfs/x" ]
	output=${lines[-1]}
	has_opt "$(mnt_opts /)" ro || fail "/ is not mounted ro: $output"
}

@test "rootfs: a writable root is the bundle's rootfs directory" {
	jqset '.root.readonly = false'
	hull_sh_ok 'echo written > /x; cat /etc/hostname'
	assert_eq "$(cat "$BUNDLE/rootfs/x")" written "file written in the container"
}

@test "rootfs: the host's files are not visible" {
	echo inside >"$BUNDLE/rootfs/marker"
	hull_sh_ok "cat /marker; ls '$BATS_TEST_TMPDIR' 2>&1 || echo absent"
	assert_eq "${lines[0]}" inside marker
	assert_eq "${lines[-1]}" absent "host test directory"
}

@test "rootfs: the old root is not reachable after pivot_root" {
	hull_sh_ok 'cat /proc/self/mountinfo'
	local n
	n=$(printf '%s\n' "${lines[@]}" | awk '$5 == "/" { n++ } END { print n + 0 }')
	assert_eq "$n" 1 "mounts at /"
	if printf '%s\n' "${lines[@]}" | awk '{ print $5 }' | grep -qF "$BATS_TEST_TMPDIR"; then
		show_run
		fail "a host path is mounted in the container"
	fi
}

@test "rootfs: an absolute root.path works" {
	jqset --arg r "$BUNDLE/rootfs" '.root.path = $r'
	hull_sh_ok 'echo ok'
	assert_output ok
}

@test "rootfs: --no-pivot runs in the bundle's rootfs" {
	echo inside >"$BUNDLE/rootfs/marker"
	set_args sh -c "cat /marker; ls '$BATS_TEST_TMPDIR' >/dev/null 2>&1 || echo absent; touch /x 2>/dev/null || echo ro"
	run --separate-stderr hull run --no-pivot -b "$BUNDLE" c1
	assert_success
	assert_eq "${lines[0]}" inside marker
	assert_eq "${lines[1]}" absent "host test directory"
	assert_eq "${lines[2]}" ro "read-only root"
}

@test "rootfs: --no-pivot with create and start" {
	set_args sh -c 'echo started > /proc/1/fd/1'
	create_detached c1 "$BUNDLE" --no-pivot
	run hull start c1
	assert_success
	wait_status c1 stopped
	grep -q started "$BATS_TEST_TMPDIR/c1.log"
}

@test "rootfsPropagation: private gives a root without peers" {
	jqset '.linux.rootfsPropagation = "private"'
	hull_sh_ok 'cat /proc/self/mountinfo'
	local tags
	tags=$(mnt_tags /)
	[[ $tags != *shared:* && $tags != *master:* ]] || { show_run; fail "/ has peers: $tags"; }
}

@test "rootfsPropagation: rslave, a host mount under an rslave bind reaches the container" {
	mkdir -p "$BATS_TEST_TMPDIR/prop"
	mount --bind "$BATS_TEST_TMPDIR/prop" "$BATS_TEST_TMPDIR/prop"
	HOST_MOUNTS+=("$BATS_TEST_TMPDIR/prop")
	mount --make-shared "$BATS_TEST_TMPDIR/prop"
	mkdir "$BATS_TEST_TMPDIR/prop/sub"
	jqset --arg s "$BATS_TEST_TMPDIR/prop" \
		'.linux.rootfsPropagation = "rslave" | .mounts += [{destination: "/prop", type: "bind", source: $s, options: ["rbind", "rslave"]}]'
	bind_dir out /out
	set_args sh -c 'exec </dev/null >/dev/null 2>&1; echo ready > /out/ready; while [ ! -e /prop/sub/seen ]; do sleep 0.02; done; echo yes > /out/seen; sleep 100000'
	start_detached c1
	wait_file "$BATS_TEST_TMPDIR/out/ready"
	mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/prop/sub"
	HOST_MOUNTS+=("$BATS_TEST_TMPDIR/prop/sub")
	touch "$BATS_TEST_TMPDIR/prop/sub/seen"
	wait_file "$BATS_TEST_TMPDIR/out/seen" 5
}

@test "rootfsPropagation: an unknown value is refused" {
	jqset '.linux.rootfsPropagation = "sideways"'
	hull_create -b "$BUNDLE" c1
	assert_error rootfsPropagation
	assert_no_state
}

@test "rootfs: /proc/self/exe of the container is its own program" {
	hull_sh_ok 'readlink /proc/self/exe; readlink /proc/1/exe'
	assert_eq "${lines[1]}" /bin/busybox "exe of PID 1"
}
