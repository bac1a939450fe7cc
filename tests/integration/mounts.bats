#!/usr/bin/env bats
# config.json mounts, checked in the container's /proc/self/mountinfo.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

add_mount() {
	jqset --argjson m "$1" '.mounts += [$m]'
}

@test "mounts: the default mounts have the right types and flags" {
	hull_sh_ok 'stat -c %a /dev/shm; cat /proc/self/mountinfo'
	assert_eq "${lines[0]}" 1777 "mode of /dev/shm"
	assert_eq "$(mnt_fstype /proc)" proc /proc
	assert_eq "$(mnt_fstype /dev)" tmpfs /dev
	has_opt "$(mnt_opts /dev)" nosuid || fail "/dev: $(mnt_line /dev)"
	has_opt "$(mnt_super /dev)" mode=755 || fail "/dev: $(mnt_line /dev)"
	assert_eq "$(mnt_fstype /dev/pts)" devpts /dev/pts
	has_opt "$(mnt_opts /dev/pts)" noexec || fail "/dev/pts: $(mnt_line /dev/pts)"
	has_opt "$(mnt_super /dev/pts)" ptmxmode=666 || fail "/dev/pts: $(mnt_line /dev/pts)"
	has_opt "$(mnt_super /dev/pts)" gid=5 || fail "/dev/pts: $(mnt_line /dev/pts)"
	assert_eq "$(mnt_fstype /dev/shm)" tmpfs /dev/shm
	has_opt "$(mnt_opts /dev/shm)" nodev || fail "/dev/shm: $(mnt_line /dev/shm)"
	assert_eq "$(mnt_fstype /dev/mqueue)" mqueue /dev/mqueue
	assert_eq "$(mnt_fstype /sys)" sysfs /sys
	has_opt "$(mnt_opts /sys)" ro || fail "/sys: $(mnt_line /sys)"
	[ -n "$(mnt_line /sys/fs/cgroup)" ] || fail "/sys/fs/cgroup is not mounted"
}

@test "mounts: /sys and /sys/fs/cgroup are read-only" {
	hull_sh 'touch /sys/x 2>/dev/null && echo sys-writable; mkdir /sys/fs/cgroup/x 2>/dev/null && echo cgroup-writable; ls /sys/fs/cgroup | head -1'
	assert_success
	assert_output_lacks writable
	[ -n "${lines[0]}" ] || fail "/sys/fs/cgroup is empty"
}

@test "mounts: tmpfs with mode, size, nosuid, nodev, noexec" {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
	            "options": ["nosuid", "nodev", "noexec", "mode=750", "size=1m"]}'
	hull_sh_ok 'stat -c %a /data; cat /proc/self/mountinfo'
	assert_eq "${lines[0]}" 750 "mode of /data"
	assert_eq "$(mnt_fstype /data)" tmpfs fstype
	local o
	o=$(mnt_opts /data)
	has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec || fail "/data: $(mnt_line /data)"
	has_opt "$(mnt_super /data)" size=1024k || fail "/data: $(mnt_line /data)"
}

@test "mounts: noexec really forbids exec" {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "mode=755"]}'
	jqset '.root.readonly = false'
	hull_sh 'cp /bin/busybox /data/bb && /data/bb true && echo executed; exit 0'
	assert_success
	assert_output_lacks executed
}

@test "mounts: a destination missing from the rootfs is created" {
	add_mount '{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"}'
	hull_sh_ok 'cat /proc/self/mountinfo'
	assert_eq "$(mnt_fstype /new/deep/dir)" tmpfs fstype
}

@test "mounts: bind rw, written from the container, seen on the host" {
	bind_dir shared /shared bind rw
	echo from-host >"$BATS_TEST_TMPDIR/shared/in"
	hull_sh_ok 'cat /shared/in; echo from-container > /shared/out'
	assert_output from-host
	assert_eq "$(cat "$BATS_TEST_TMPDIR/shared/out")" from-container "written file"
}

@test "mounts: bind ro cannot be written" {
	bind_dir shared /shared bind ro
	echo from-host >"$BATS_TEST_TMPDIR/shared/in"
	hull_sh 'cat /shared/in; touch /shared/new 2>&1; echo rc=$?; cat /proc/self/mountinfo'
	assert_success
	assert_eq "${lines[0]}" from-host content
	assert_output_has "Read-only file system"
	[ ! -e "$BATS_TEST_TMPDIR/shared/new" ]
	has_opt "$(mnt_opts /shared)" ro || fail "/shared: $(mnt_line /shared)"
}

@test "mounts: bind ro with nosuid,nodev,noexec" {
	bind_dir shared /shared bind ro nosuid nodev noexec
	hull_sh_ok 'cat /proc/self/mountinfo'
	local o
	o=$(mnt_opts /shared)
	has_opt "$o" ro && has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec ||
		fail "/shared: $(mnt_line /shared)"
}

@test "mounts: rbind brings submounts, bind does not" {
	mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
	mount -t tmpfs -o size=1m tmpfs "$BATS_TEST_TMPDIR/tree/sub"
	HOST_MOUNTS+=("$BATS_TEST_TMPDIR/tree/sub")
	echo in-submount >"$BATS_TEST_TMPDIR/tree/sub/f"
	jqset --arg s "$BATS_TEST_TMPDIR/tree" \
		'.mounts += [{destination: "/r", type: "bind", source: $s, options: ["rbind", "ro"]},
		             {destination: "/b", type: "bind", source: $s, options: ["bind", "ro"]}]'
	hull_sh_ok 'cat /r/sub/f; cat /b/sub/f 2>/dev/null || echo empty; cat /proc/self/mountinfo'
	assert_eq "${lines[0]}" in-submount "file through rbind"
	assert_eq "${lines[1]}" empty "file through bind"
	assert_eq "$(mnt_fstype /r/sub)" tmpfs "/r/sub"
	has_opt "$(mnt_opts /r)" ro || fail "/r: $(mnt_line /r)"
}

@test "mounts: rbind with rro makes the submounts read-only too" {
	mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
	mount -t tmpfs -o size=1m tmpfs "$BATS_TEST_TMPDIR/tree/sub"
	HOST_MOUNTS+=("$BATS_TEST_TMPDIR/tree/sub")
	jqset --arg s "$BATS_TEST_TMPDIR/tree" \
		'.mounts += [{destination: "/r", type: "bind", source: $s, options: ["rbind", "rro"]}]'
	hull_sh 'touch /r/sub/x 2>/dev/null && echo writable; cat /proc/self/mountinfo'
	assert_success
	assert_output_lacks writable
	has_opt "$(mnt_opts /r/sub)" ro || fail "/r/sub: $(mnt_line /r/sub)"
	[ ! -e "$BATS_TEST_TMPDIR/tree/sub/x" ]
}

@test "mounts: bind of a single file, the destination file is created" {
	echo file-content >"$BATS_TEST_TMPDIR/onefile"
	jqset --arg s "$BATS_TEST_TMPDIR/onefile" \
		'.mounts += [{destination: "/etc/deep/onefile", type: "bind", source: $s, options: ["bind", "ro"]}]'
	hull_sh_ok 'cat /etc/deep/onefile; [ -f /etc/deep/onefile ] && echo regular'
	assert_eq "${lines[0]}" file-content content
	assert_eq "${lines[1]}" regular type
}

@test "mounts: a relative bind source is relative to the bundle" {
	mkdir "$BUNDLE/data"
	echo relative >"$BUNDLE/data/f"
	add_mount '{"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro"]}'
	hull_sh_ok 'cat /data/f'
	assert_output relative
}

@test "mounts: a bind source that does not exist is one error line" {
	add_mount '{"destination": "/data", "type": "bind", "source": "/nonexistent/source", "options": ["rbind"]}'
	hull_create -b "$BUNDLE" c1
	assert_error /nonexistent/source
	assert_no_state
}

@test "mounts: an unknown filesystem type is one error line" {
	add_mount '{"destination": "/data", "type": "nosuchfs", "source": "none"}'
	hull_create -b "$BUNDLE" c1
	assert_error /data
	assert_no_state
}

@test "mounts: later mounts stack on earlier ones" {
	bind_dir shared /a/b
	echo stacked >"$BATS_TEST_TMPDIR/shared/f"
	jqset '.mounts |= [.[0:1][], {destination: "/a", type: "tmpfs", source: "tmpfs"}, .[1:][]]'
	jqset '.mounts |= (map(select(.destination != "/a/b")) + map(select(.destination == "/a/b")))'
	hull_sh_ok 'cat /a/b/f; cat /proc/self/mountinfo'
	assert_eq "${lines[0]}" stacked content
	assert_eq "$(mnt_fstype /a)" tmpfs "/a"
}

@test "mounts: a proc mount at another place" {
	add_mount '{"destination": "/proc2", "type": "proc", "source": "proc"}'
	hull_sh_ok 'cat /proc2/self/comm; cat /proc/self/mountinfo'
	assert_eq "${lines[0]}" cat comm
	assert_eq "$(mnt_fstype /proc2)" proc fstype
}

@test "mounts: a destination that is a symlink out of the rootfs stays inside" {
	mkdir "$BATS_TEST_TMPDIR/victim"
	ln -s "$BATS_TEST_TMPDIR/victim" "$BUNDLE/rootfs/escape"
	jqset '.root.readonly = false'
	add_mount '{"destination": "/escape", "type": "tmpfs", "source": "tmpfs"}'
	run --separate-stderr hull run -b "$BUNDLE" c1
	# Whatever hull decides (follow the link inside the rootfs, or refuse),
	# the host directory the link names must not be covered.
	if grep -qF " $BATS_TEST_TMPDIR/victim " /proc/self/mountinfo; then
		umount -l "$BATS_TEST_TMPDIR/victim"
		fail "the tmpfs was mounted on the host's $BATS_TEST_TMPDIR/victim"
	fi
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/victim")" ]
}
