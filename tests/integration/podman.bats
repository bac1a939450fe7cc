#!/usr/bin/env bats
# podman (through conmon) drives hull as its OCI runtime, as it would drive
# runc.
#
# podman runs isolated: its own containers.conf and storage.conf, --root,
# --runroot and --tmpdir under $BATS_FILE_TMPDIR, cgroupfs, file events, and
# --network none for every container (no CNI or netavark). The image is the
# busybox image that containerd-helpers.bash builds, loaded with
# `podman load`. Every hull call goes through a wrapper that records its
# command line; a failing test prints the calls it made. podman gives the
# runtime no --root, so hull keeps its state in its default root,
# /run/hull; the tests check that their containers leave nothing there.

load helpers
load containerd-helpers

requires_podman() {
	command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
	command -v conmon >/dev/null || skip "conmon is not installed (apt-get install conmon)"
	[ "$(id -u)" = 0 ] || skip "these tests run podman as root"
	[ "$(uname -m)" = x86_64 ] || skip "the test image is built for amd64"
}

# pm_paths BASE: the paths of the private podman set-up under BASE.
pm_paths() {
	PM_DIR=$1
	PM_WRAP_DIR=$PM_DIR/wrap
	PM_HULL=$PM_WRAP_DIR/hull
	PM_DRIVER=$(cat "$PM_DIR/driver" 2>/dev/null || echo overlay)
	export CONTAINERS_CONF=$PM_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf
}

# pm_write_config: containers.conf, storage.conf and registries.conf.
# default_ulimits: podman asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576
# by default, which fails (for runc as well) where the caller lacks
# CAP_SYS_RESOURCE to raise its hard limits; ask for what any root has.
pm_write_config() {
	mkdir -p "$PM_DIR/root" "$PM_DIR/runroot" "$PM_DIR/tmp" "$PM_DIR/net" "$PM_DIR/volumes"
	cat >"$PM_DIR/containers.conf" <<-EOF
		[containers]
		netns = "none"
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		log_driver = "k8s-file"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PM_DIR/events.log"
		runtime = "hull"
		runtime_supports_json = ["hull"]
		tmp_dir = "$PM_DIR/tmp"
		volume_path = "$PM_DIR/volumes"
		[engine.runtimes]
		hull = ["$PM_HULL"]

		[network]
		network_config_dir = "$PM_DIR/net"
	EOF
	cat >"$PM_DIR/storage.conf" <<-EOF
		[storage]
		driver = "$PM_DRIVER"
		graphroot = "$PM_DIR/root"
		runroot = "$PM_DIR/runroot"
	EOF
	: >"$PM_DIR/registries.conf"
}

# pm ARGS...: podman with the private set-up.
pm() {
	timeout -k 5 "${HULL_TEST_TIMEOUT:-60}" podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" \
		--tmpdir "$PM_DIR/tmp" --storage-driver "$PM_DRIVER" --cgroup-manager cgroupfs \
		--events-backend file --runtime "$PM_HULL" "$@"
}

# pm_run [OPTION...] -- ARG...: a foreground `podman run --rm` of the image.
pm_run() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	pm run --rm --network none "${opts[@]}" "$CLIENT_IMAGE" "$@"
}

# The conmon processes of our podman (their command line names our root).
pm_conmon_pids() {
	local p
	for p in $(pgrep -x conmon); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$PM_DIR/" && printf '%s\n' "$p"
	done
	return 0
}

# The cgroup directories that exist for container ID.
pm_cgroups_of() {
	local d
	for d in /sys/fs/cgroup/*/libpod_parent/libpod-"$1" /sys/fs/cgroup/unified/libpod_parent/libpod-"$1"; do
		[ -d "$d" ] && printf '%s\n' "$d"
	done
	return 0
}

setup_file() {
	requires_podman
	command -v jq >/dev/null || skip "jq is not installed"
	export PM_BASE=$BATS_FILE_TMPDIR/pm
	pm_paths "$PM_BASE"
	mkdir -p "$PM_DIR"
	# Host paths podman uses whatever its configuration: remove them at the
	# end if they are ours.
	[ -e /var/lib/containers ] || : >"$PM_DIR/made-var-lib-containers"
	[ -e /sys/fs/cgroup/memory/libpod_parent ] || : >"$PM_DIR/made-libpod-parent"
	[ -e /run/hull ] || : >"$PM_DIR/made-run-hull"
	[ -e /run/containers ] || : >"$PM_DIR/made-run-containers"
	make_hull_wrapper "$PM_WRAP_DIR" >/dev/null
	build_oci_image "$PM_DIR/image" || return 1
	pm_write_config
	if ! pm load -q -i "$PM_DIR/image/oci.tar" >"$PM_DIR/load.out" 2>&1; then
		# overlay over a filesystem that cannot carry it: fall back to vfs.
		pm system reset -f >/dev/null 2>&1 || true
		rm -rf "${PM_DIR:?}/root" "${PM_DIR:?}/runroot"
		echo vfs >"$PM_DIR/driver"
		pm_paths "$PM_BASE"
		pm_write_config
		pm load -q -i "$PM_DIR/image/oci.tar" >"$PM_DIR/load.out" 2>&1 ||
			{ fail "podman load failed: $(cat "$PM_DIR/load.out")"; return 1; }
	fi
}

teardown_file() {
	local problems=() p m d i
	[ -n "${PM_BASE:-}" ] || return 0
	pm_paths "$PM_BASE"
	[ -d "$PM_DIR" ] || return 0
	pm rm -af -t 0 >/dev/null 2>&1 || true
	pm rmi -af >/dev/null 2>&1 || true
	for p in $(pm_conmon_pids); do
		problems+=("conmon $p still running")
		kill -KILL "$p" 2>/dev/null || true
	done
	while IFS= read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$PM_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	# conmon's exit command (podman container cleanup) may still be running
	# in conmon's cgroup.
	for ((i = 0; i < 100; i++)); do
		[ -z "$(cat /sys/fs/cgroup/pids/libpod_parent/conmon/cgroup.procs 2>/dev/null)" ] && break
		sleep 0.1
	done
	if [ -e "$PM_DIR/made-libpod-parent" ]; then
		for d in /sys/fs/cgroup/*/libpod_parent; do
			rmdir "$d/conmon" "$d" 2>/dev/null || true
		done
	fi
	if [ -e "$PM_DIR/made-run-hull" ]; then
		rmdir /run/hull 2>/dev/null || true
	fi
	if [ -e "$PM_DIR/made-run-containers" ]; then
		rmdir /run/containers/networks /run/containers 2>/dev/null || true
	fi
	if [ -e "$PM_DIR/made-var-lib-containers" ]; then
		rm -rf /var/lib/containers
	fi
	rm -rf "$PM_DIR" 2>/dev/null || true
	if [ ${#problems[@]} -gt 0 ]; then
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

setup() {
	pm_paths "$PM_BASE"
	CALLS_BEFORE=0
	[ ! -e "$PM_WRAP_DIR/hull-calls.log" ] || CALLS_BEFORE=$(wc -l <"$PM_WRAP_DIR/hull-calls.log")
}

# recorded_calls: the hull calls made by this test so far.
recorded_calls() {
	local d=$BATS_TEST_TMPDIR/calls.d
	mkdir -p "$d"
	tail -n +"$((CALLS_BEFORE + 1))" "$PM_WRAP_DIR/hull-calls.log" >"$d/hull-calls.log" 2>/dev/null
	hull_calls "$d"
}

teardown() {
	local problems=() ids id p i
	if [ "${BATS_TEST_COMPLETED:-}" != 1 ]; then
		printf '# hull calls of this test:\n' >&2
		recorded_calls | sed 's/^/#   /' >&2
	fi
	ids=$(pm ps -aq --no-trunc 2>/dev/null)
	pm rm -af -t 0 >/dev/null 2>&1 || problems+=("podman rm -af failed")
	for ((i = 0; i < 50; i++)); do
		[ -z "$(pm_conmon_pids)" ] && break
		sleep 0.1
	done
	for p in $(pm_conmon_pids); do
		problems+=("conmon $p left running")
		kill -KILL "$p" 2>/dev/null || true
	done
	# Every container this test made, whether podman still listed it or
	# not: the ids hull was called with.
	ids="$ids $(recorded_calls | grep -oE '\b[0-9a-f]{64}\b' | sort -u)"
	for id in $ids; do
		[ -e "/run/hull/$id" ] && problems+=("hull state left: /run/hull/$id")
		for p in $(pm_cgroups_of "$id"); do
			problems+=("cgroup left: $p")
			rmdir "$p" 2>/dev/null || true
		done
	done
	if [ ${#problems[@]} -gt 0 ]; then
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

@test "podman: run prints the container's output and exits with its code" {
	run --separate-stderr pm_run -- sh -c 'echo hello from podman; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_eq "${lines[0]}" "hello from podman"
	assert_eq "${lines[1]}" "sh -c echo hello from podman; cat /proc/1/cmdline | tr \"\\0\" \" \" "
	run --separate-stderr pm_run -- sh -c 'exit 42'
	assert_status 42
	run pm ps -aq
	assert_output ""
	# conmon called hull the way it calls runc, with a JSON log.
	recorded_calls | grep -qE -- "^hull --log-format=json --log [^ ]*/oci-log create --bundle [^ ]+ --pid-file [^ ]*/pidfile [0-9a-f]{64} => exit 0" ||
		fail "no create call: $(recorded_calls)"
	recorded_calls | grep -qE -- "^hull start [0-9a-f]{64} => exit 0" || fail "no start call"
}

@test "podman: a detached container, exec, stop and rm -f" {
	local id pid
	run --separate-stderr pm run -d --name det1 --network none "$CLIENT_IMAGE" sleep 100000
	assert_success
	id=$output
	[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "podman run -d printed '$id'"
	assert_eq "$(pm inspect -f '{{.State.Status}}' det1)" running "status"
	pid=$(pm inspect -f '{{.State.Pid}}' det1)
	kill -0 "$pid" || fail "container pid $pid is not alive"

	# hull's own view.
	run --separate-stderr "$HULL" state "$id"
	assert_success
	assert_eq "$(jq -r .status <<<"$output")" running "hull state .status"
	assert_eq "$(jq -r .pid <<<"$output")" "$pid" "hull state .pid"

	run --separate-stderr pm exec det1 sh -c 'echo exec says hi; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_eq "${lines[0]}" "exec says hi"
	assert_eq "${lines[1]}" "sleep 100000 "
	run --separate-stderr pm exec det1 sh -c 'exit 9'
	assert_status 9
	run --separate-stderr pm exec --user 1000:1000 --workdir /tmp det1 sh -c 'id; pwd'
	assert_success
	# podman gives an exec no supplementary groups (under runc too).
	assert_eq "${lines[0]% groups=*}" "uid=1000(user) gid=1000(user)"
	assert_eq "${lines[1]}" /tmp
	recorded_calls | grep -qE -- " exec --pid-file [^ ]+ --process [^ ]+ --detach $id => exit 0" ||
		fail "no exec --process --detach call: $(recorded_calls)"

	run --separate-stderr pm pause det1
	assert_success
	assert_eq "$(pm inspect -f '{{.State.Status}}' det1)" paused "status"
	assert_eq "$(cat "/sys/fs/cgroup/freezer/libpod_parent/libpod-$id/freezer.state")" FROZEN freezer.state
	run --separate-stderr pm unpause det1
	assert_success
	assert_eq "$(pm inspect -f '{{.State.Status}}' det1)" running "status"

	# sleep as pid 1 ignores SIGTERM: stop escalates to SIGKILL.
	run --separate-stderr pm stop -t 1 det1
	assert_success
	assert_eq "$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' det1)" "exited 137" "after stop"
	recorded_calls | grep -qE -- "^hull kill $id 15 => exit 0" || fail "no kill 15: $(recorded_calls)"
	recorded_calls | grep -qE -- "^hull kill $id 9 => exit 0" || fail "no kill 9: $(recorded_calls)"

	run --separate-stderr pm start det1
	assert_success
	assert_eq "$(pm inspect -f '{{.State.Status}}' det1)" running "status after start"
	run --separate-stderr pm rm -f -t 0 det1
	assert_success
	run pm ps -aq
	assert_output ""
	[ ! -e "/run/hull/$id" ] || fail "hull state left for $id"
	[ -z "$(pm_cgroups_of "$id")" ] || fail "cgroups left: $(pm_cgroups_of "$id")"
}

@test "podman: run -t and exec -t give the process a terminal" {
	command -v script >/dev/null || skip "script(1) is not installed (bsdutils)"
	local out=$BATS_TEST_TMPDIR/pty.out
	status=0
	PM_DIR=$PM_DIR PM_DRIVER=$PM_DRIVER PM_HULL=$PM_HULL CLIENT_IMAGE=$CLIENT_IMAGE \
		script -qec 'timeout --foreground -k 5 60 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" --storage-driver "$PM_DRIVER" --cgroup-manager cgroupfs --events-backend file --runtime "$PM_HULL" run --rm -t --network none "$CLIENT_IMAGE" sh -c "tty; [ -t 0 ] && [ -t 1 ] && echo isatty; exit 6"' \
		/dev/null </dev/null >"$out" 2>&1 || status=$?
	output=$(tr -d '\r\000' <"$out")
	assert_status 6
	assert_output_has /dev/pts/0
	assert_output_has isatty
	recorded_calls | grep -qE -- " create --bundle [^ ]+ --pid-file [^ ]+ --console-socket [^ ]+ [0-9a-f]{64} => exit 0" ||
		fail "no create with --console-socket: $(recorded_calls)"

	run --separate-stderr pm run -d --name tty2 --network none "$CLIENT_IMAGE" sleep 100000
	assert_success
	status=0
	PM_DIR=$PM_DIR PM_DRIVER=$PM_DRIVER PM_HULL=$PM_HULL \
		script -qec 'timeout --foreground -k 5 60 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" --storage-driver "$PM_DRIVER" --cgroup-manager cgroupfs --events-backend file --runtime "$PM_HULL" exec -t tty2 sh -c "tty; [ -t 0 ] && echo isatty; exit 7"' \
		/dev/null </dev/null >"$out" 2>&1 || status=$?
	output=$(tr -d '\r\000' <"$out")
	assert_status 7
	assert_output_has /dev/pts/
	assert_output_has isatty
	recorded_calls | grep -qE -- " exec .*--tty --console-socket [^ ]+ [0-9a-f]{64} => exit 0" ||
		fail "no exec --tty --console-socket: $(recorded_calls)"
}

@test "podman: --user 1000:1000" {
	run --separate-stderr pm_run --user 1000:1000 -- id
	assert_success
	assert_output "uid=1000(user) gid=1000(user) groups=1000(user)"
	run --separate-stderr pm_run --user 1000:1000 -- sh -c 'grep -E "^(Uid|Gid|CapEff):" /proc/self/status'
	assert_success
	assert_output_has "Uid:	1000	1000	1000	1000"
	assert_output_has "Gid:	1000	1000	1000	1000"
	assert_output_has "CapEff:	0000000000000000"
}

@test "podman: --cap-drop all leaves no capabilities" {
	run --separate-stderr pm_run -- grep -E '^Cap(Eff|Bnd):' /proc/self/status
	assert_success
	assert_output_lacks "CapEff:	0000000000000000"
	run --separate-stderr pm_run --cap-drop all -- grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	assert_success
	assert_output "$(printf 'CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000')"
	run --separate-stderr pm_run --cap-drop all -- sh -c 'chown 1000 /tmp && echo chowned'
	assert_failure
	assert_output_lacks chowned
}

@test "podman: --read-only" {
	run --separate-stderr pm_run --read-only -- sh -c 'touch /x 2>&1; echo touch=$?; touch /tmp/y && echo tmp-ok; grep " / / " /proc/self/mountinfo'
	assert_success
	assert_output_has "Read-only file system"
	assert_output_has "touch=1"
	# podman mounts a tmpfs on /tmp of a read-only container.
	assert_output_has tmp-ok
	has_opt "$(printf '%s\n' "$output" | awk '$5 == "/" { print $6 }')" ro || fail "/ is not mounted ro: $output"
}

@test "podman: --pids-limit 50 and --memory 64m reach the container's cgroup" {
	local id
	run --separate-stderr pm run -d --name lim1 --network none --pids-limit 50 --memory 64m "$CLIENT_IMAGE" sleep 100000
	assert_success
	id=$output
	assert_eq "$(cat "/sys/fs/cgroup/pids/libpod_parent/libpod-$id/pids.max")" 50 "host pids.max"
	assert_eq "$(cat "/sys/fs/cgroup/memory/libpod_parent/libpod-$id/memory.limit_in_bytes")" 67108864 "host memory.limit_in_bytes"
	run --separate-stderr pm exec lim1 sh -c 'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes; grep -E ":(pids|memory):" /proc/self/cgroup'
	assert_success
	assert_eq "${lines[0]}" 50 "pids.max inside"
	assert_eq "${lines[1]}" 67108864 "memory.limit_in_bytes inside"
	assert_output_has "pids:/libpod_parent/libpod-$id"
	# The limit holds: a 60th process cannot be made.
	run --separate-stderr pm exec lim1 sh -c 'for i in $(seq 60); do sleep 30 </dev/null >/dev/null 2>&1 & done; echo done'
	assert_stderr_has "Resource temporarily unavailable"
}

@test "podman: podman update changes the limits through hull update" {
	local id
	run --separate-stderr pm run -d --name upd1 --network none --memory 64m "$CLIENT_IMAGE" sleep 100000
	assert_success
	id=$output
	run --separate-stderr pm update --memory 32m upd1
	assert_success
	assert_eq "$(cat "/sys/fs/cgroup/memory/libpod_parent/libpod-$id/memory.limit_in_bytes")" 33554432 "memory.limit_in_bytes"
	recorded_calls | grep -qE -- "^hull update --resources[= ][^ ]+ $id => exit 0" || fail "no update call: $(recorded_calls)"
}

@test "podman: the default seccomp profile, and seccomp=unconfined" {
	# sethostname inside a new user and UTS namespace is allowed by the
	# kernel but refused by podman's profile without CAP_SYS_ADMIN.
	local probe='grep "^Seccomp:" /proc/self/status; unshare -U -r -u hostname inner 2>&1; echo hostname=$?'
	run --separate-stderr pm_run -- sh -c "$probe"
	assert_success
	assert_output_has "Seccomp:	2"
	assert_output_has "Operation not permitted"
	assert_output_has "hostname=1"
	run --separate-stderr pm_run --security-opt seccomp=unconfined -- sh -c "$probe"
	assert_success
	assert_output_has "Seccomp:	0"
	assert_output_has "hostname=0"
}

@test "podman: --security-opt no-new-privileges" {
	run --separate-stderr pm_run -- grep '^NoNewPrivs:' /proc/self/status
	assert_success
	assert_output "NoNewPrivs:	0"
	run --separate-stderr pm_run --security-opt no-new-privileges -- grep '^NoNewPrivs:' /proc/self/status
	assert_success
	assert_output "NoNewPrivs:	1"
}

@test "podman: --tmpfs /scratch" {
	run --separate-stderr pm_run --tmpfs /scratch -- sh -c 'grep " /scratch " /proc/self/mountinfo; echo x >/scratch/f && cat /scratch/f'
	assert_success
	assert_eq "$(printf '%s\n' "${lines[0]}" | awk '{ for (i = 7; i < NF; i++) if ($i == "-") { print $(i + 1); exit } }')" tmpfs "fstype of /scratch"
	assert_eq "${lines[1]}" x
}

@test "podman: -v HOSTDIR:/data" {
	local dir=$BATS_TEST_TMPDIR/data
	mkdir -p "$dir"
	echo from-the-host >"$dir/in"
	run --separate-stderr pm_run -v "$dir:/data" -- sh -c 'cat /data/in; echo from-the-container >/data/out'
	assert_success
	assert_output from-the-host
	assert_eq "$(cat "$dir/out")" from-the-container "file written in the container"
	run --separate-stderr pm_run -v "$dir:/data:ro" -- sh -c 'touch /data/new 2>&1; echo rc=$?'
	assert_output_has "Read-only file system"
	[ ! -e "$dir/new" ] || fail "a :ro volume was written"
}

@test "podman: a command that cannot be executed fails like under runc" {
	run -127 --separate-stderr pm_run -- /no/such/binary
	run --separate-stderr pm_run -- /etc/passwd
	# runc refuses a non-executable file in create; podman then exits 126
	# ("OCI permission denied").
	assert_status 126
}

@test "podman: exec of a missing command or into a missing directory fails like under runc" {
	run --separate-stderr pm run -d --name ex1 --network none "$CLIENT_IMAGE" sleep 100000
	assert_success
	run -127 --separate-stderr pm exec ex1 /no/such/binary
	assert_stderr_has "/no/such/binary"
	run --separate-stderr pm exec ex1 /etc/passwd
	assert_status 126
	run --separate-stderr pm exec --workdir /no/such/dir ex1 pwd
	assert_failure
	run --separate-stderr pm exec ex1 test -e /no/such/dir
	assert_failure
}

@test "podman: --device adds a device node (fileMode carries the file type)" {
	# podman writes linux.devices[].fileMode as a full st_mode (020666 for
	# a character device), as CRI-O and docker do; runc accepts it.
	run --separate-stderr pm_run --device /dev/null:/dev/mynull -- sh -c 'echo x >/dev/mynull && stat -c "%F %t:%T %a" /dev/mynull'
	assert_success
	assert_output "character special file 1:3 666"
}

@test "podman: --privileged gets every capability and the host's devices" {
	run --separate-stderr pm_run --privileged -- sh -c 'grep -E "^CapEff:" /proc/self/status; test -c /dev/kmsg && echo has-kmsg; grep -E "^Seccomp:" /proc/self/status'
	assert_success
	assert_output_lacks "CapEff:	00000000a80425fb"
	assert_output_has has-kmsg
	assert_output_has "Seccomp:	0"
}
