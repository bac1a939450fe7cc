#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

@test "maskedPaths: the masked files of /proc read as empty" {
	local f checked=0
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
		[ -e "$f" ] || continue
		checked=$((checked + 1))
		hull_sh_ok "wc -c < $f"
		assert_eq "$output" 0 "bytes read from $f"
	done
	[ "$checked" -gt 0 ] || skip "none of the masked /proc files exists on this kernel"
}

@test "maskedPaths: a masked file cannot be written through" {
	echo secret >"$BUNDLE/rootfs/etc/secret"
	jqset '.root.readonly = false | .linux.maskedPaths += ["/etc/secret"]'
	hull_sh 'echo x > /etc/secret; wc -c < /etc/secret'
	assert_eq "${lines[-1]}" 0 "/etc/secret"
	assert_eq "$(cat "$BUNDLE/rootfs/etc/secret")" secret "the host's file"
}

@test "maskedPaths: a masked file of the rootfs hides its content" {
	echo secret >"$BUNDLE/rootfs/etc/secret"
	jqset '.linux.maskedPaths += ["/etc/secret"]'
	hull_sh_ok 'cat /etc/secret; echo end'
	assert_output end
}

@test "maskedPaths: a masked directory is an empty read-only tmpfs" {
	mkdir "$BUNDLE/rootfs/secretdir"
	echo secret >"$BUNDLE/rootfs/secretdir/file"
	jqset '.root.readonly = false | .linux.maskedPaths += ["/secretdir"]'
	hull_sh 'ls -A /secretdir | wc -l; touch /secretdir/x 2>/dev/null && echo writable; cat /proc/self/mountinfo'
	assert_success
	assert_eq "${lines[0]}" 0 "entries in /secretdir"
	assert_output_lacks writable
	assert_eq "$(mnt_fstype /secretdir)" tmpfs fstype
	has_opt "$(mnt_opts /secretdir)" ro || fail "/secretdir: $(mnt_line /secretdir)"
	assert_eq "$(cat "$BUNDLE/rootfs/secretdir/file")" secret "the host's file"
}

@test "maskedPaths: /sys/firmware is masked" {
	[ -d /sys/firmware ] || skip "no /sys/firmware on this host"
	hull_sh_ok 'ls -A /sys/firmware | wc -l'
	assert_eq "$output" 0 "entries in /sys/firmware"
}

@test "maskedPaths: a path missing from the container is ignored" {
	jqset '.linux.maskedPaths += ["/no/such/path", "/proc/no_such_file"]'
	hull_sh_ok 'echo ran'
	assert_output ran
}

@test "maskedPaths: a masked symlink does not mask its target" {
	mkdir "$BUNDLE/rootfs/keep"
	echo kept >"$BUNDLE/rootfs/keep/file"
	ln -s /keep/file "$BUNDLE/rootfs/masklink"
	jqset '.linux.maskedPaths += ["/masklink"]'
	hull_sh_ok 'cat /keep/file'
	assert_output kept
}

@test "maskedPaths: a masked symlink to a host path masks nothing on the host" {
	echo hostfile >"$BATS_TEST_TMPDIR/hostfile"
	ln -s "$BATS_TEST_TMPDIR/hostfile" "$BUNDLE/rootfs/evil"
	jqset '.linux.maskedPaths += ["/evil"]'
	run --separate-stderr hull run -b "$BUNDLE" c1
	grep -qF " $BATS_TEST_TMPDIR/hostfile " /proc/self/mountinfo && fail "a host file was masked"
	assert_eq "$(cat "$BATS_TEST_TMPDIR/hostfile")" hostfile "host file"
}

@test "readonlyPaths: /proc/sys is read-only, /proc is not" {
	hull_sh 'echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo sys-writable; cat /proc/self/mountinfo'
	assert_success
	assert_output_lacks sys-writable
	has_opt "$(mnt_opts /proc/sys)" ro || fail "/proc/sys: $(mnt_line /proc/sys)"
	has_opt "$(mnt_opts /proc)" rw || fail "/proc: $(mnt_line /proc)"
	if [ -e /proc/sysrq-trigger ]; then
		has_opt "$(mnt_opts /proc/sysrq-trigger)" ro || fail "/proc/sysrq-trigger: $(mnt_line /proc/sysrq-trigger)"
	fi
}

@test "readonlyPaths: a directory of a writable rootfs" {
	mkdir "$BUNDLE/rootfs/rodir"
	echo content >"$BUNDLE/rootfs/rodir/f"
	jqset '.root.readonly = false | .linux.readonlyPaths += ["/rodir"]'
	hull_sh 'cat /rodir/f; touch /rodir/new 2>/dev/null && echo rodir-writable; touch /rw && echo root-writable'
	assert_success
	assert_eq "${lines[0]}" content content
	assert_output_lacks rodir-writable
	assert_output_has root-writable
	[ ! -e "$BUNDLE/rootfs/rodir/new" ]
}

@test "readonlyPaths: a path missing from the container is ignored" {
	jqset '.linux.readonlyPaths += ["/no/such/path"]'
	hull_sh_ok 'echo ran'
	assert_output ran
}
