#!/usr/bin/env bats
# /dev: default devices, linux.devices, the standard symlinks.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

@test "devices: the default devices exist with the right numbers and modes" {
	hull_sh_ok 'for d in null zero full random urandom tty; do stat -c "%n %F %t %T %a" /dev/$d; done'
	assert_eq "${lines[0]}" "/dev/null character special file 1 3 666" /dev/null
	assert_eq "${lines[1]}" "/dev/zero character special file 1 5 666" /dev/zero
	assert_eq "${lines[2]}" "/dev/full character special file 1 7 666" /dev/full
	assert_eq "${lines[3]}" "/dev/random character special file 1 8 666" /dev/random
	assert_eq "${lines[4]}" "/dev/urandom character special file 1 9 666" /dev/urandom
	assert_eq "${lines[5]}" "/dev/tty character special file 5 0 666" /dev/tty
}

@test "devices: the default devices work" {
	hull_sh_ok 'echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c; echo x > /dev/full 2>/dev/null || echo full-ok'
	assert_eq "${lines[0]}" null-ok /dev/null
	assert_eq "${lines[1]}" 4 /dev/zero
	assert_eq "${lines[2]}" 4 /dev/urandom
	assert_eq "${lines[3]}" full-ok /dev/full
}

@test "devices: no host device leaks into /dev" {
	hull_sh_ok 'ls /dev'
	local d
	for d in ${output}; do
		case $d in
		null | zero | full | random | urandom | tty | console | pts | shm | mqueue | ptmx | fd | stdin | stdout | stderr | core) ;;
		*) show_run; fail "unexpected /dev/$d" ;;
		esac
	done
}

@test "devices: the /dev symlinks" {
	hull_sh_ok 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	assert_eq "${lines[0]}" "fd -> /proc/self/fd" /dev/fd
	assert_eq "${lines[1]}" "stdin -> /proc/self/fd/0" /dev/stdin
	assert_eq "${lines[2]}" "stdout -> /proc/self/fd/1" /dev/stdout
	assert_eq "${lines[3]}" "stderr -> /proc/self/fd/2" /dev/stderr
	assert_eq "${lines[4]}" "ptmx -> pts/ptmx" /dev/ptmx
}

@test "devices: /dev/stdout works through the symlink" {
	hull_sh_ok 'echo through > /dev/stdout'
	assert_output through
}

@test "linux.devices: a char device with fileMode, uid and gid, usable by its owner" {
	jqset '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3,
	                         "fileMode": 432, "uid": 1000, "gid": 1001}]
	     | .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]
	     | .process.user = {"uid": 1000, "gid": 1001}'
	hull_sh_ok 'stat -c "%F %t %T %a %u %g" /dev/mynull; echo data > /dev/mynull && echo written'
	assert_eq "${lines[0]}" "character special file 1 3 660 1000 1001" /dev/mynull
	assert_eq "${lines[1]}" written write
}

@test "linux.devices: a device in a new subdirectory" {
	jqset '.linux.devices = [{"path": "/dev/sub/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 420}]
	     | .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"}]'
	hull_sh_ok 'stat -c "%F %t %T %a" /dev/sub/zero; head -c 3 /dev/sub/zero | wc -c'
	assert_eq "${lines[0]}" "character special file 1 5 644" /dev/sub/zero
	assert_eq "${lines[1]}" 3 read
}

@test "linux.devices: an unknown device type is refused" {
	jqset '.linux.devices = [{"path": "/dev/x", "type": "q", "major": 1, "minor": 3}]'
	hull_create -b "$BUNDLE" c1
	assert_error "linux.devices[0].type"
	assert_no_state
}
