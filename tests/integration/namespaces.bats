#!/usr/bin/env bats
# Namespaces, checked from inside the container.

load helpers

setup() {
	hull_setup
	hull_bundle b
}
teardown() { hull_teardown; }

# ns_inode TYPE: the host's namespace link for TYPE (e.g. "net:[4026531840]").
host_ns() { readlink "/proc/self/ns/$1"; }

@test "pid: the process is PID 1 and alone in a new pid namespace" {
	set_args ps -o pid,comm
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	[ "${#lines[@]}" -eq 2 ] || { show_run; fail "expected ps to see one process"; }
	[[ ${lines[1]} =~ ^[[:space:]]*1[[:space:]]+ps$ ]] || { show_run; fail "PID 1 is not ps"; }
	hull_sh_ok 'echo $$; readlink /proc/self/ns/pid'
	assert_eq "${lines[0]}" 1 '$$'
	[ "${lines[1]}" != "$(host_ns pid)" ] || fail "same pid namespace as the host"
}

@test "pid: without a pid namespace the host's is shared" {
	ns_del pid
	hull_sh_ok 'readlink /proc/self/ns/pid; echo $$'
	assert_eq "${lines[0]}" "$(host_ns pid)" "pid namespace"
	[ "${lines[1]}" -gt 1 ]
}

@test "uts: hostname and domainname" {
	jqset '.hostname = "box1" | .domainname = "example.org"'
	hull_sh_ok 'hostname; cat /proc/sys/kernel/domainname; uname -n; readlink /proc/self/ns/uts'
	assert_eq "${lines[0]}" box1 hostname
	assert_eq "${lines[1]}" example.org domainname
	assert_eq "${lines[2]}" box1 "uname -n"
	[ "${lines[3]}" != "$(host_ns uts)" ]
	[ "$(hostname)" != box1 ]
}

@test "uts: a hostname without a uts namespace is refused" {
	ns_del uts
	jqset '.hostname = "box1"'
	hull_create -b "$BUNDLE" c1
	assert_error hostname
	assert_no_state
	[ "$(hostname)" != box1 ]
}

@test "ipc: a new ipc namespace, or the host's without one" {
	hull_sh_ok 'readlink /proc/self/ns/ipc'
	[ "$output" != "$(host_ns ipc)" ]
	ns_del ipc
	jqset '.mounts |= map(select(.type != "mqueue"))'
	hull_sh_ok 'readlink /proc/self/ns/ipc'
	assert_eq "$output" "$(host_ns ipc)" "ipc namespace"
}

@test "net: only the loopback interface" {
	hull_sh_ok 'awk -F: "NR > 2 { print \$1 }" /proc/net/dev | tr -d " " | tr "\n" " "; echo; ls /sys/class/net; readlink /proc/self/ns/net'
	assert_eq "${lines[0]}" "lo " "interfaces in /proc/net/dev"
	assert_eq "${lines[1]}" lo "/sys/class/net"
	[ "${lines[2]}" != "$(host_ns net)" ]
}

@test "net: without a network namespace the host's is shared" {
	ns_del network
	hull_sh_ok 'readlink /proc/self/ns/net'
	assert_eq "$output" "$(host_ns net)" "net namespace"
}

@test "mount: a new mount namespace" {
	hull_sh_ok 'readlink /proc/self/ns/mnt'
	[ "$output" != "$(host_ns mnt)" ]
}

@test "cgroup: a new cgroup namespace rooted at the container's cgroup" {
	hull_sh_ok 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
	[ "${lines[0]}" != "$(host_ns cgroup)" ]
	local l
	for l in "${lines[@]:1}"; do
		[[ $l == *:/ ]] || { show_run; fail "cgroup line not at the namespace root: $l"; }
	done
}

@test "cgroup: without a cgroup namespace the container's cgroup path is visible" {
	ns_del cgroup
	hull_sh_ok 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
	assert_eq "${lines[0]}" "$(host_ns cgroup)" "cgroup namespace"
}

@test "user: uidMappings and gidMappings" {
	requires_userns
	make_traversable "$BUNDLE"
	ns_add user
	jqset '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	     | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]'
	hull_sh_ok 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; readlink /proc/self/ns/user; stat -c %u:%g /bin/busybox'
	assert_eq "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" uid_map
	assert_eq "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" "0 200000 1000" gid_map
	assert_eq "${lines[2]}" 0 "id -u"
	[ "${lines[3]}" != "$(host_ns user)" ]
	assert_eq "${lines[4]}" 65534:65534 "owner of a host-root file"
}

@test "user: the container's root is an unprivileged uid on the host" {
	requires_userns
	make_traversable "$BUNDLE"
	ns_add user
	jqset '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" 100000 "host uid"
	assert_eq "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" 100000 "host gid"
}

@test "user: a user namespace without mappings is refused" {
	requires_userns
	ns_add user
	jqset 'del(.linux.uidMappings) | del(.linux.gidMappings)'
	hull_create -b "$BUNDLE" c1
	assert_error uidMappings
	assert_no_state
}

@test "time: timeOffsets in a new time namespace" {
	requires_timens
	ns_add time
	jqset '.linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 7200, "nanosecs": 500}}'
	hull_sh_ok 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	assert_output_has "monotonic"
	printf '%s\n' "${lines[@]}" | grep -Eq '^monotonic[[:space:]]+86400[[:space:]]+0$' || { show_run; fail "monotonic offset"; }
	printf '%s\n' "${lines[@]}" | grep -Eq '^boottime[[:space:]]+7200[[:space:]]+500$' || { show_run; fail "boottime offset"; }
	local host_up
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[2]}" -ge $((host_up + 7200 - 5)) ] || fail "uptime ${lines[2]} does not include the offset (host $host_up)"
	[ "${lines[3]}" != "$(host_ns time)" ]
}

@test "time: timeOffsets without a time namespace are refused" {
	requires_timens
	jqset '.linux.timeOffsets = {"monotonic": {"secs": 10, "nanosecs": 0}}'
	hull_create -b "$BUNDLE" c1
	assert_error timeOffsets
	assert_no_state
}

@test "join: a namespace given by path is joined" {
	set_long_running
	start_detached first
	local pid
	pid=$(container_pid first)
	hull_bundle second
	ns_add network "/proc/$pid/ns/net"
	ns_add uts "/proc/$pid/ns/uts"
	ns_add ipc "/proc/$pid/ns/ipc"
	jqset 'del(.hostname)'
	jqset '.mounts |= map(select(.type != "mqueue"))'
	hull_sh_ok 'for t in net uts ipc; do readlink /proc/self/ns/$t; done; hostname'
	assert_eq "${lines[0]}" "$(readlink "/proc/$pid/ns/net")" "net namespace"
	assert_eq "${lines[1]}" "$(readlink "/proc/$pid/ns/uts")" "uts namespace"
	assert_eq "${lines[2]}" "$(readlink "/proc/$pid/ns/ipc")" "ipc namespace"
	assert_eq "${lines[3]}" hull hostname
}

@test "join: a pid namespace given by path is joined" {
	set_long_running
	start_detached first
	local pid
	pid=$(container_pid first)
	hull_bundle second
	ns_add pid "/proc/$pid/ns/pid"
	hull_sh_ok 'readlink /proc/self/ns/pid; ps -o pid,comm'
	assert_eq "${lines[0]}" "$(readlink "/proc/$pid/ns/pid")" "pid namespace"
	printf '%s\n' "${lines[@]}" | grep -Eq '^[[:space:]]*1[[:space:]]+sleep$' || { show_run; fail "the first container's PID 1 is not visible"; }
}

@test "join: a namespace path that does not exist is refused" {
	ns_add network /proc/999999999/ns/net
	hull_create -b "$BUNDLE" c1
	assert_error /proc/999999999/ns/net
	assert_no_state
}

@test "join: a path to a namespace of the wrong type is refused" {
	ns_add network /proc/self/ns/uts
	hull_create -b "$BUNDLE" c1
	assert_failure
	assert_no_state
}
