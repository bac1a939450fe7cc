#!/usr/bin/env bats
# Hardening regressions: each test attacks hull the way a known container
# runtime escape did and checks that the attack fails and leaves the host
# as it was. See docs/security.md for the classes of attack.

load helpers

setup() {
	hull_setup
	hull_bundle b
}

teardown() {
	if [ -n "${RECEIVER:-}" ]; then
		kill "$RECEIVER" 2>/dev/null || true
		wait "$RECEIVER" 2>/dev/null || true
	fi
	hull_teardown
}

# file_id PATH: owner, group, mode, size and sha256 of a host file.
file_id() {
	printf '%s %s\n' "$(stat -c '%u:%g %a %s' "$1")" "$(sha256sum <"$1" | cut -d' ' -f1)"
}

# host_mounted PATH: whether PATH (or something below it) is a mount point
# in the test's own mount namespace.
host_mounted() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

# The fds of the container's shell, one a line, listed by a child (the
# directory is opened there, not in the shell).
FD_LIST='ls /proc/$$/fd; exit 0'

# ---------------------------------------------------------------------------
# Leaked file descriptors (CVE-2024-21626 class): a process.cwd through a
# runtime fd would start the process outside its root.

@test "fd leak: a cwd through an inherited fd (/proc/self/fd/N) is refused" {
	jqset '.process.cwd = "/proc/self/fd/7"'
	set_args pwd
	(
		exec 7</
		hull create -b "$BUNDLE" c1 </dev/null >"$BATS_TEST_TMPDIR/c1.log" 2>&1
	) && fail "create succeeded with cwd /proc/self/fd/7: $(cat "$BATS_TEST_TMPDIR/c1.log")"
	run cat "$BATS_TEST_TMPDIR/c1.log"
	assert_output_has "process.cwd /proc/self/fd/7"
	assert_eq "$(grep -c . "$BATS_TEST_TMPDIR/c1.log")" 1 "lines of error output"
	assert_no_state
}

@test "fd leak: a cwd through a /proc/self/fd of the runtime's own fds is refused too" {
	local n
	for n in 3 4 5 6; do
		jqset --arg cwd "/proc/self/fd/$n" '.process.cwd = $cwd'
		set_args pwd
		run --separate-stderr hull run -b "$BUNDLE" "c$n"
		[ "$status" -ne 0 ] || fail "cwd /proc/self/fd/$n: the container started in '$output'"
		assert_stderr_has "process.cwd /proc/self/fd/$n"
		assert_no_state
	done
}

@test "fd leak: only stdio reaches the container process" {
	set_args sh -c "$FD_LIST"
	exec 7</ 8>"$BATS_TEST_TMPDIR/leak" 9<"$BATS_TEST_TMPDIR"
	run --separate-stderr hull run -b "$BUNDLE" c1
	exec 7<&- 8>&- 9<&-
	assert_success
	assert_eq "$(printf '%s ' "${lines[@]}")" "0 1 2 " "fds of the container process"
}

@test "fd leak: --preserve-fds 1 passes fd 3 and nothing else" {
	set_args sh -c "readlink /proc/\$\$/fd/3; $FD_LIST"
	(
		exec 3</etc 4</ 5>"$BATS_TEST_TMPDIR/leak"
		hull run -b "$BUNDLE" --preserve-fds 1 c1 </dev/null >"$BATS_TEST_TMPDIR/c1.out" 2>&1
	) || fail "run failed: $(cat "$BATS_TEST_TMPDIR/c1.out")"
	run cat "$BATS_TEST_TMPDIR/c1.out"
	assert_eq "${lines[0]}" /etc "fd 3"
	assert_eq "$(printf '%s ' "${lines[@]:1}")" "0 1 2 3 " "fds of the container process"
}

# ---------------------------------------------------------------------------
# Overwriting the runtime through /proc/PID/exe (CVE-2019-5736 class).

@test "runtime exe: in a pid namespace every process is a container binary" {
	set_long_running
	start_detached c1
	run hull exec c1 sh -c 'for p in /proc/[0-9]*; do readlink "$p/exe"; done | sort -u'
	assert_success
	assert_output /bin/busybox
}

@test "runtime exe: another container cannot open a created init's /proc/PID/exe" {
	local copy=$BATS_TEST_TMPDIR/hull-copy before pid
	# The init of a created container is runtime code waiting for start;
	# attack a copy of the binary, not the one under test.
	cp "$HULL" "$copy"
	before=$(file_id "$copy")
	ns_del pid
	set_long_running
	HULL=$copy create_detached victim
	pid=$(container_pid victim)
	assert_eq "$(container_status victim)" created
	assert_eq "$(readlink "/proc/$pid/exe")" "$copy" "exe of the created init"

	hull_bundle attacker
	ns_del pid
	set_args sh -c "readlink /proc/$pid/exe || echo no-readlink
		echo x >>/proc/$pid/exe && echo WROTE
		dd if=/dev/zero of=/proc/$pid/exe bs=1 count=1 conv=notrunc 2>&1 && echo WROTE
		exit 0"
	run --separate-stderr hull run -b "$BUNDLE" a1
	assert_success
	assert_output_lacks WROTE
	assert_output_has no-readlink
	assert_stderr_has "Permission denied"

	# Even with CAP_SYS_PTRACE (the non-dumpable check passes) the file
	# being executed cannot be opened for writing.
	jqset '.process.capabilities |= map_values(. + ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"])'
	run --separate-stderr hull run -b "$BUNDLE" a2
	assert_success
	assert_output_lacks WROTE
	assert_eq "$(file_id "$copy")" "$before" "the runtime binary"
	HULL=$copy hull delete --force victim
}

# ---------------------------------------------------------------------------
# maskedPaths through symlinks: masking a link must not mask (or expose)
# what it points to.

@test "maskedPaths: symlinks are not followed, their targets stay readable" {
	local before
	before=$(file_id /etc/passwd)
	ln -s /etc/passwd "$BUNDLE/rootfs/etc/shadowlink"
	ln -s ../../../../../etc "$BUNDLE/rootfs/maskdir"
	jqset '.linux.maskedPaths += ["/etc/shadowlink", "/maskdir"]'
	hull_sh_ok 'head -n 1 /etc/passwd; ls /etc/hostname; readlink /etc/shadowlink; readlink /maskdir
		grep -E " /etc| /maskdir" /proc/self/mountinfo || echo no-mount'
	assert_eq "${lines[0]}" "root:x:0:0:root:/root:/bin/sh" "/etc/passwd in the container"
	assert_eq "${lines[1]}" /etc/hostname "/etc not masked"
	assert_eq "${lines[2]}" /etc/passwd "the link itself"
	assert_eq "${lines[3]}" ../../../../../etc "the directory link itself"
	assert_eq "${lines[4]}" no-mount "mounts on /etc"
	assert_eq "$(file_id /etc/passwd)" "$before" "host /etc/passwd"
	! host_mounted /etc/passwd || fail "/etc/passwd is mounted on the host"
}

# ---------------------------------------------------------------------------
# /dev/null and /dev/console swapped for something else (CVE-2025-31133,
# CVE-2025-52565 class): masking binds /dev/null, the console is bound on
# /dev/console; neither may land on another file.

@test "maskedPaths: a host file bound on /dev/null is never bound over a masked path" {
	local host=$BATS_TEST_TMPDIR/hostfile before
	echo host-data >"$host"
	chmod 0640 "$host"
	before=$(file_id "$host")
	echo top-secret >"$BUNDLE/rootfs/secret"
	jqset --arg src "$host" '.mounts += [{destination: "/dev/null", type: "bind", source: $src,
		options: ["bind", "rw"]}] | .linux.maskedPaths += ["/secret"]'
	set_args cat /secret
	hull_create -b "$BUNDLE" c1
	assert_failure
	assert_output_lacks top-secret
	assert_eq "$(file_id "$host")" "$before" "the host file"
	assert_no_state
}

@test "maskedPaths: a rootfs whose dev/null is a symlink gets the real device" {
	local before
	echo top-secret >"$BUNDLE/rootfs/secret"
	echo rootfs-hostname >"$BUNDLE/rootfs/etc/hostname"
	before=$(file_id "$BUNDLE/rootfs/etc/hostname")
	ln -s /etc/hostname "$BUNDLE/rootfs/dev/null"
	jqset '.root.readonly = false | .mounts |= map(select(.destination != "/dev"))
		| .linux.maskedPaths += ["/secret"]'
	hull_sh_ok 'stat -c "%F %t:%T" /dev/null /secret; cat /secret; echo end
		grep -c " /etc/hostname " /proc/self/mountinfo || true'
	assert_eq "${lines[0]}" "character special file 1:3" /dev/null
	assert_eq "${lines[1]}" "character special file 1:3" "what covers /secret"
	assert_eq "${lines[2]}" end "/secret reads empty"
	assert_eq "${lines[3]}" 0 "mounts on /etc/hostname"
	assert_eq "$(file_id "$BUNDLE/rootfs/etc/hostname")" "$before" "the rootfs /etc/hostname"
}

# start_receiver: accept the console master on $SOCK (terminal tests).
start_receiver() {
	SOCK=$BATS_TEST_TMPDIR/console.sock
	CONSOLE_OUT=$BATS_TEST_TMPDIR/console.out
	"$INTEGRATION_DIR/console-receiver.py" "$SOCK" "$CONSOLE_OUT" &
	RECEIVER=$!
	# Python starts slowly under emulation (the VM lane).
	local deadline=$((SECONDS + 60))
	until [ -S "$SOCK" ]; do
		[ $SECONDS -lt $deadline ] || fail "the console receiver did not start"
		sleep 0.02
	done
}

@test "terminal: a /dev/console symlink in the rootfs is not followed" {
	command -v python3 >/dev/null || skip "python3 is needed to receive the console"
	local before_host before_rootfs
	before_host=$(file_id /etc/passwd)
	before_rootfs=$(file_id "$BUNDLE/rootfs/etc/passwd")
	ln -s /etc/passwd "$BUNDLE/rootfs/dev/console"
	jqset '.root.readonly = false | .process.terminal = true
		| .mounts |= map(select(.destination != "/dev"))'
	set_args sh -c 'stat -c "%F %t" /dev/console; grep -c " /etc/passwd " /proc/self/mountinfo'
	start_receiver
	# Refusing the rootfs is fine; binding the console through the link is not.
	hull_create -b "$BUNDLE" --console-socket "$SOCK" c1
	if [ "$status" -eq 0 ]; then
		run hull start c1
		assert_success
		wait_status c1 stopped
		wait "$RECEIVER" || fail "the console receiver failed"
		RECEIVER=
		output=$(tr -d '\r' <"$CONSOLE_OUT")
		mapfile -t lines <<<"$output"
		assert_eq "${lines[0]}" "character special file 88" /dev/console
		assert_eq "${lines[1]}" 0 "mounts on /etc/passwd"
	else
		assert_error "/dev/console"
		assert_no_state
	fi
	[ -L "$BUNDLE/rootfs/dev/console" ] || fail "the rootfs /dev/console link was replaced"
	assert_eq "$(file_id "$BUNDLE/rootfs/etc/passwd")" "$before_rootfs" "the rootfs /etc/passwd"
	assert_eq "$(file_id /etc/passwd)" "$before_host" "the host /etc/passwd"
	! host_mounted /etc/passwd || fail "/etc/passwd is mounted on the host"
}

# ---------------------------------------------------------------------------
# Mount destinations through symlinks that point out of the rootfs.

@test "mounts: destinations through absolute and relative symlinks stay in the rootfs" {
	local target=$BATS_TEST_TMPDIR/hosttarget
	mkdir "$target"
	ln -s "$target" "$BUNDLE/rootfs/evil"
	ln -s "../../../../../../../../..$target" "$BUNDLE/rootfs/evil2"
	jqset '.root.readonly = false | .mounts += [
		{destination: "/evil/x", type: "tmpfs", source: "tmpfs"},
		{destination: "/evil2/y", type: "tmpfs", source: "tmpfs"}]'
	hull_sh_ok 'grep hosttarget /proc/self/mountinfo | awk "{ print \$5 }"'
	assert_output_has "$target/x"
	assert_output_has "$target/y"
	[ -d "$BUNDLE/rootfs$target/x" ] || fail "x was not created inside the rootfs"
	[ -d "$BUNDLE/rootfs$target/y" ] || fail "y was not created inside the rootfs"
	assert_eq "$(find "$target" -mindepth 1 | wc -l)" 0 "entries created in the host directory"
	! host_mounted "$target" || fail "something is mounted on the host's $target"
}

# ---------------------------------------------------------------------------
# stdio handed to the container user: only pipes, sockets and the pty may
# change owner, never a host file behind a redirection.

@test "stdio: host files on stdin, stdout and stderr keep their owner and mode" {
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err null_before out_mode
	: >"$out"
	: >"$err"
	chmod 0600 "$out" "$err"
	null_before=$(stat -c '%u:%g %a' /dev/null)
	jqset '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'id -u; echo to-stderr >&2; ls -ln /proc/self/fd/1 | awk "{ print \$3 }"'
	hull run -b "$BUNDLE" c1 </dev/null >"$out" 2>"$err" || fail "run failed: $(cat "$err")"
	run cat "$out"
	assert_eq "${lines[0]}" 1000 "uid in the container"
	assert_eq "$(cat "$err")" to-stderr stderr
	out_mode=$(stat -c '%u:%g %a' "$out" "$err" | sort -u)
	assert_eq "$out_mode" "0:0 600" "owner and mode of the stdout and stderr files"
	assert_eq "$(stat -c '%u:%g %a' /dev/null)" "$null_before" "/dev/null"
}

# ---------------------------------------------------------------------------
# The default seccomp profile of `hull spec`.

# spec_bundle [--rootless]: $BUNDLE's config.json replaced by `hull spec`,
# keeping the test's tag and cgroup.
spec_bundle() {
	local spec=$BATS_TEST_TMPDIR/spec cg
	cg=$(jq -r .linux.cgroupsPath "$BUNDLE/config.json")
	rm -rf "$spec"
	mkdir "$spec"
	"$HULL" spec -b "$spec" "$@" || fail "hull spec failed"
	jq --arg tag "$TEST_TAG" --arg cg "$cg" '.process.terminal = false | .process.env += [$tag]
		| .linux.cgroupsPath = $cg' "$spec/config.json" >"$BUNDLE/config.json"
}

@test "seccomp: hull spec's default profile runs a shell and blocks namespaces and mounts" {
	spec_bundle
	jqset '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]
		| .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
	[ "$(jq -r .linux.seccomp.defaultAction "$BUNDLE/config.json")" = SCMP_ACT_ERRNO ] ||
		fail "hull spec has no default seccomp profile"
	hull_sh 'echo ok; grep ^Seccomp: /proc/self/status
		unshare -U true 2>&1 || echo unshare-failed
		mkdir /tmp/m && mount -t tmpfs x /tmp/m 2>&1 || echo mount-failed'
	assert_success
	assert_eq "${lines[0]}" ok
	assert_eq "${lines[1]}" "$(printf 'Seccomp:\t2')" "seccomp mode"
	assert_output_has "unshare-failed"
	assert_output_has "Operation not permitted"
	assert_output_has "mount-failed"
}

@test "seccomp: the rootless spec carries the same profile" {
	local a=$BATS_TEST_TMPDIR/spec-root b=$BATS_TEST_TMPDIR/spec-rootless
	mkdir "$a" "$b"
	"$HULL" spec -b "$a"
	"$HULL" spec -b "$b" --rootless
	assert_eq "$(jq -cS .linux.seccomp "$a/config.json")" "$(jq -cS .linux.seccomp "$b/config.json")" \
		"linux.seccomp"
	[ "$(jq '.linux.seccomp.syscalls | length' "$a/config.json")" -gt 5 ] ||
		fail "no syscall rules in the profile"
}

# ---------------------------------------------------------------------------
# LSM settings on a kernel without the LSM.

@test "lsm: an AppArmor profile is refused when AppArmor is not enabled" {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		skip "AppArmor is enabled here (tests/integration/apparmor.bats covers it)"
	fi
	jqset '.process.apparmorProfile = "hull-test-profile"'
	hull_create -b "$BUNDLE" c1
	assert_error 'process.apparmorProfile "hull-test-profile"' "AppArmor is not enabled"
	assert_no_state
}

@test "lsm: an SELinux process label is refused when SELinux is not enabled" {
	if [ "$(stat -fc %T /sys/fs/selinux 2>/dev/null)" = selinuxfs ]; then
		skip "SELinux is enabled here"
	fi
	jqset '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	hull_create -b "$BUNDLE" c1
	assert_error "process.selinuxLabel" "SELinux is not enabled"
	assert_no_state
}

@test "lsm: linux.mountLabel is ignored when SELinux is not enabled" {
	if [ "$(stat -fc %T /sys/fs/selinux 2>/dev/null)" = selinuxfs ]; then
		skip "SELinux is enabled here"
	fi
	jqset '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	hull_sh_ok 'grep -c context= /proc/self/mountinfo || true'
	assert_output 0
}

@test "lsm: profile and label names with control characters are refused" {
	jqset '.process.apparmorProfile = "bad\nname"'
	hull_create -b "$BUNDLE" c1
	assert_error "process.apparmorProfile" "control character"
	jqset 'del(.process.apparmorProfile) | .linux.mountLabel = "a\"b"'
	hull_create -b "$BUNDLE" c2
	assert_error "linux.mountLabel"
	assert_no_state
}
