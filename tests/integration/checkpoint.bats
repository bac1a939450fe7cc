#!/usr/bin/env bats
# hull checkpoint and hull restore.
#
# Tests that need a working criu skip when `criu check` fails (or criu is
# missing). The others run everywhere: they check hull's side (errors, the
# arguments given to criu, the state it records) with a stand-in criu that
# records its arguments and imitates the effects hull relies on.

load helpers

setup() {
	hull_setup
	FAKE_CRIU_DIR=$BATS_TEST_TMPDIR/fake-criu
	IMAGES=$BATS_TEST_TMPDIR/images
}
teardown() { hull_teardown; }

criu_works() { command -v criu >/dev/null 2>&1 && criu check >/dev/null 2>&1; }

requires_criu() {
	if ! criu_works; then
		skip "criu cannot work here: criu check fails"
	fi
}

# use_fake_criu: put the stand-in criu first in PATH. It writes its
# arguments, one a line, to $FAKE_CRIU_DIR/args (not for `check`), what
# its stdio is to stdio, each --inherit-fd with what the fd is to
# inherited, and
# obeys FAKE_CRIU_CHECK_STATUS (exit status of `check`) and FAKE_CRIU_FAIL
# (fail with that message in the log; a restore fails after starting its
# process, so that hull has to kill it).
use_fake_criu() {
	mkdir -p "$FAKE_CRIU_DIR"
	cat >"$FAKE_CRIU_DIR/criu" <<'EOF'
#!/bin/sh
[ "$1" = check ] && exit "${FAKE_CRIU_CHECK_STATUS:-0}"
printf '%s\n' "$@" >"$FAKE_CRIU_DIR/args"
stdio=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)
echo "$stdio" >"$FAKE_CRIU_DIR/stdio"
: >"$FAKE_CRIU_DIR/inherited"
verb=$1
shift
imgs= work= log= tree= pidfile= root= leave=0 closes=
while [ $# -gt 0 ]; do
	case $1 in
	--images-dir) imgs=$2; shift ;;
	--work-dir) work=$2; shift ;;
	--log-file) log=$2; shift ;;
	--tree) tree=$2; shift ;;
	--pidfile) pidfile=$2; shift ;;
	--root) root=$2; shift ;;
	--leave-running) leave=1 ;;
	--inherit-fd)
		n=${2#fd[}
		n=${n%%]*}
		echo "$2 $(readlink "/proc/$$/fd/$n")" >>"$FAKE_CRIU_DIR/inherited"
		closes="$closes $n>&-"
		shift ;;
	esac
	shift
done
fail() {
	echo "(00.000042) Error (criu/fake.c:1): $FAKE_CRIU_FAIL" >"$work/$log"
	exit 1
}
case $verb in
dump)
	[ -z "${FAKE_CRIU_FAIL:-}" ] || fail
	: >"$imgs/inventory.img"
	[ $leave = 1 ] || kill -KILL "$tree" ;;
pre-dump)
	[ -z "${FAKE_CRIU_FAIL:-}" ] || fail ;;
restore)
	{ mountpoint -q "$root" && echo mountpoint; ls "$root"; } >"$FAKE_CRIU_DIR/root"
	# Real criu would hand the inherited fds to the process as its stdio.
	eval "env \"HULL_TEST_TAG=\$FAKE_CRIU_TAG_DIR\" sleep 100000 </dev/null >/dev/null 2>&1 $closes &"
	echo $! >"$pidfile"
	[ -z "${FAKE_CRIU_FAIL:-}" ] || fail ;;
esac
EOF
	chmod +x "$FAKE_CRIU_DIR/criu"
	# The restored process carries the test's tag, so that teardown finds it
	# if hull leaks it; the tag itself must not be in our own environment.
	export PATH=$FAKE_CRIU_DIR:$PATH FAKE_CRIU_DIR FAKE_CRIU_TAG_DIR=$BATS_TEST_TMPDIR
}

# criu_has ARG...: the last criu call got these arguments, in this order
# and next to each other.
criu_has() {
	local want got
	want=$(printf '%s\n' "$@")
	got=$(cat "$FAKE_CRIU_DIR/args")
	case $got in
	"$want" | "$want"$'\n'* | *$'\n'"$want" | *$'\n'"$want"$'\n'*) ;;
	*) fail "criu was not called with: $* (arguments: $(tr '\n' ' ' <"$FAKE_CRIU_DIR/args"))" ;;
	esac
}

criu_lacks() {
	if grep -qxF -- "$1" "$FAKE_CRIU_DIR/args"; then
		fail "criu was called with $1 (arguments: $(tr '\n' ' ' <"$FAKE_CRIU_DIR/args"))"
	fi
}

# A container writing an increasing counter to /tmp/counter, a tmpfs.
counter_bundle() {
	hull_bundle b
	jqset '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]'
	set_args sh -c 'exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i + 1)); echo $i >/tmp/counter; sleep 0.1; done'
}

read_counter() { hull exec "$1" cat /tmp/counter; }

# fake_images DIR: what restore looks for in an image directory.
fake_images() {
	mkdir -p "$1"
	: >"$1/inventory.img"
}

# ---------------------------------------------------------------------------
# errors that need no criu

@test "checkpoint: a failing criu check is one error line and the container keeps running" {
	hull_bundle b
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	# Where criu works, a stand-in whose check fails plays its part.
	if criu_works; then
		use_fake_criu
		export FAKE_CRIU_CHECK_STATUS=1
	fi
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_error criu "criu check failed"
	assert_eq "$(container_status c1)" running status
	assert_eq "$(container_pid c1)" "$pid" pid
	[ ! -e "$IMAGES/inventory.img" ]
}

@test "checkpoint: without criu in PATH the error names criu" {
	hull_bundle b
	set_long_running
	start_detached c1
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/empty" "$HULL" --root "$HULL_ROOT" \
		checkpoint --image-path "$IMAGES" c1
	assert_error "criu not found"
	assert_eq "$(container_status c1)" running status
}

@test "restore: a failing criu check is one error line and leaves no state" {
	hull_bundle b
	fake_images "$IMAGES"
	# Where criu works, a stand-in whose check fails plays its part.
	if criu_works; then
		use_fake_criu
		export FAKE_CRIU_CHECK_STATUS=1
	fi
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_error "criu check failed"
	assert_no_state
}

@test "checkpoint: an unknown or stopped container is one error line" {
	run --separate-stderr hull checkpoint --image-path "$IMAGES" nosuch
	assert_error "does not exist"

	hull_bundle b true
	start_detached c1
	wait_status c1 stopped
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_error "stopped"
	[ ! -e "$IMAGES/inventory.img" ]

	set_long_running
	create_detached c2
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c2
	assert_error "created"
}

@test "checkpoint and restore: bad options are one error line" {
	run --separate-stderr hull checkpoint --manage-cgroups-mode bogus c1
	assert_error "--manage-cgroups-mode" bogus
	run --separate-stderr hull checkpoint --empty-ns mount c1
	assert_error "--empty-ns" network
	run --separate-stderr hull restore --manage-cgroups-mode=bogus c1
	assert_error "--manage-cgroups-mode"
	run --separate-stderr hull restore --image-path "$IMAGES" c1 extra
	assert_error usage
	assert_no_state
}

@test "restore: an image directory without a checkpoint is one error line" {
	hull_bundle b
	mkdir -p "$IMAGES"
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_error "no checkpoint" "$IMAGES"
	run --separate-stderr hull restore -d --image-path "$BATS_TEST_TMPDIR/missing" -b "$BUNDLE" c1
	assert_error "image path"
	assert_no_state
}

@test "restore: containers with a terminal are refused" {
	hull_bundle b
	jqset '.process.terminal = true'
	fake_images "$IMAGES"
	use_fake_criu
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_error terminal
	assert_no_state
}

# ---------------------------------------------------------------------------
# hull's side, with the stand-in criu

@test "checkpoint: criu dump gets the container, its mounts and the options" {
	use_fake_criu
	hull_bundle b
	bind_dir data /data
	set_long_running
	start_detached c1
	local pid rootfs
	pid=$(container_pid c1)
	rootfs=$(hull state c1 | jq -r .rootfs)
	run --separate-stderr hull checkpoint --image-path "$IMAGES" --work-path "$BATS_TEST_TMPDIR/work" \
		--leave-running --tcp-established --ext-unix-sk --shell-job --file-locks \
		--manage-cgroups-mode=full --auto-dedup --empty-ns network c1
	assert_success
	assert_eq "$(head -n 1 "$FAKE_CRIU_DIR/args")" dump "criu verb"
	criu_has --tree "$pid"
	criu_has --root "$rootfs"
	criu_has --images-dir "$IMAGES"
	criu_has --work-dir "$BATS_TEST_TMPDIR/work"
	criu_has --log-file dump.log
	criu_has -v4
	criu_has --manage-cgroups=full
	criu_has --leave-running
	criu_has --tcp-established
	criu_has --ext-unix-sk
	criu_has --shell-job
	criu_has --file-locks
	criu_has --auto-dedup
	criu_has --empty-ns net
	criu_has --ext-mount-map /data:/data
	# Masked files (not directories, not missing ones) are /dev/null binds.
	criu_has --ext-mount-map /proc/timer_list:/dev/null
	criu_lacks /sys/firmware:/dev/null
	criu_lacks /proc/scsi:/dev/null
	criu_has --ext-mount-map /dev/null:/dev/null
	criu_lacks pre-dump
	criu_lacks --track-mem
	# The init's stdio, for restore.
	jq -e 'length == 3 and .[0] == "/dev/null"' "$IMAGES/descriptors.json"
	assert_eq "$(container_status c1)" running status
	assert_eq "$(container_pid c1)" "$pid" pid
}

@test "checkpoint: the defaults, --pre-dump, --parent-path and --page-server" {
	use_fake_criu
	hull_bundle b
	set_long_running
	start_detached c1
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr hull checkpoint --leave-running c1
	assert_success
	criu_has --images-dir "$BATS_TEST_TMPDIR/checkpoint"
	criu_has --work-dir "$BATS_TEST_TMPDIR/checkpoint"
	criu_has -v4 --manage-cgroups

	run --separate-stderr hull checkpoint --pre-dump --image-path "$IMAGES/1" c1
	assert_success
	assert_eq "$(head -n 1 "$FAKE_CRIU_DIR/args")" pre-dump "criu verb"
	criu_has --track-mem
	criu_lacks --leave-running
	criu_lacks --ext-mount-map
	[ ! -e "$IMAGES/1/descriptors.json" ]

	run --separate-stderr hull checkpoint --parent-path=../1 --image-path="$IMAGES/2" \
		--page-server 192.0.2.1:8000 --tcp-skip-in-flight --link-remap --lazy-pages --leave-running c1
	assert_success
	criu_has --prev-images-dir ../1
	criu_has --track-mem
	criu_has --page-server --address 192.0.2.1 --port 8000
	criu_has --skip-in-flight
	criu_has --link-remap
	criu_has --lazy-pages
	assert_eq "$(container_status c1)" running status
}

@test "checkpoint: without --leave-running the container is stopped but not deleted" {
	use_fake_criu
	hull_bundle b
	set_long_running
	start_detached c1
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_success
	criu_lacks --leave-running
	wait_status c1 stopped
	[ -e "$IMAGES/inventory.img" ]
	run hull delete c1
	assert_success
}

@test "checkpoint: a failing dump is one line quoting criu's log" {
	use_fake_criu
	hull_bundle b
	set_long_running
	start_detached c1
	FAKE_CRIU_FAIL="something broke" run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_error "criu dump failed" "Error (criu/fake.c:1): something broke" "$IMAGES/dump.log"
	assert_eq "$(container_status c1)" running status
}

@test "restore: --detach records the restored process as a running container" {
	use_fake_criu
	hull_bundle b
	bind_dir data /data
	jqset '.annotations = {"org.example.key": "value"}'
	fake_images "$IMAGES"
	echo '["/dev/null", "pipe:[4242]", "/dev/null"]' >"$IMAGES/descriptors.json"
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" \
		--pid-file "$BATS_TEST_TMPDIR/pid" c1 </dev/null
	assert_success
	assert_eq "$(head -n 1 "$FAKE_CRIU_DIR/args")" restore "criu verb"
	criu_has --images-dir "$IMAGES"
	criu_has --work-dir "$IMAGES"
	criu_has --root "$HULL_ROOT/c1/criu-root"
	criu_has --restore-detached
	criu_has --restore-sibling
	criu_has --pidfile "$IMAGES/restore.pid"
	criu_has --log-file restore.log
	criu_has -v4 --manage-cgroups
	criu_has --ext-mount-map "/data:$BATS_TEST_TMPDIR/data"
	criu_has --ext-mount-map /dev/null:/dev/null
	# Our stdout (a pipe here) replaces the old one; criu's stdio is quiet.
	grep -qE '^fd\[[0-9]+\]:pipe:\[4242\] pipe:\[[0-9]+\]$' "$FAKE_CRIU_DIR/inherited" ||
		fail "stdout pipe not inherited: $(cat "$FAKE_CRIU_DIR/inherited")"
	assert_eq "$(wc -l <"$FAKE_CRIU_DIR/inherited")" 1 "inherited fds"
	assert_eq "$(sort -u "$FAKE_CRIU_DIR/stdio")" /dev/null "criu's stdio"
	# The container's cgroup is made, criu runs in it and roots the tree there.
	local cg
	cg=$(jq -r .linux.cgroupsPath "$BUNDLE/config.json")
	criu_has --cgroup-root "$cg"
	grep -qE "^[0-9]+:[^:]*:$cg\$" "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/cgroup" ||
		fail "restored process not in $cg: $(cat "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/cgroup")"
	# criu saw the rootfs bound on its --root; it is gone afterwards.
	assert_eq "$(head -n 1 "$FAKE_CRIU_DIR/root")" mountpoint "criu root"
	grep -qx bin "$FAKE_CRIU_DIR/root"
	[ ! -e "$HULL_ROOT/c1/criu-root" ]
	[ ! -e "$IMAGES/restore.pid" ]

	run --separate-stderr hull state c1
	assert_success
	echo "$output" | jq -e '.status == "running"'
	echo "$output" | jq -e --arg b "$BUNDLE" '.bundle == $b'
	echo "$output" | jq -e '.annotations["org.example.key"] == "value"'
	assert_eq "$(echo "$output" | jq -r .pid)" "$(cat "$BATS_TEST_TMPDIR/pid")" pid

	run hull start c1
	assert_failure
	run --separate-stderr hull delete c1
	assert_failure
	run hull delete --force c1
	assert_success
}

@test "restore: the options reach criu" {
	use_fake_criu
	hull_bundle b
	fake_images "$IMAGES"
	run --separate-stderr hull restore --detach --image-path="$IMAGES" --work-path "$BATS_TEST_TMPDIR/w" \
		--bundle "$BUNDLE" --tcp-established --ext-unix-sk --shell-job --file-locks \
		--manage-cgroups-mode ignore --no-subreaper --no-pivot --lazy-pages --auto-dedup \
		--empty-ns network --lsm-profile apparmor:p c1
	assert_success
	criu_has --work-dir "$BATS_TEST_TMPDIR/w"
	criu_has --pidfile "$BATS_TEST_TMPDIR/w/restore.pid"
	criu_has --manage-cgroups=ignore
	criu_has --tcp-established
	criu_has --ext-unix-sk
	criu_has --shell-job
	criu_has --file-locks
	criu_has --lazy-pages
	criu_has --auto-dedup
	criu_has --empty-ns net
	criu_has --lsm-profile apparmor:p
	# A shell job's terminal is criu's stdio: ours (stdout is a pipe here).
	grep -q '^pipe:' "$FAKE_CRIU_DIR/stdio" || fail "criu's stdio: $(cat "$FAKE_CRIU_DIR/stdio")"
	assert_eq "$(container_status c1)" running status
}

@test "restore: runc's single-dash -no-subreaper is accepted" {
	use_fake_criu
	hull_bundle b
	fake_images "$IMAGES"
	run --separate-stderr hull restore -d -no-subreaper --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_success
	assert_eq "$(container_status c1)" running status
}

@test "restore: namespaces given by path are inherited or joined" {
	use_fake_criu
	hull_bundle b
	ns_add network /proc/self/ns/net
	ns_add uts /proc/self/ns/uts
	fake_images "$IMAGES"
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_success
	grep -qE '^fd\[[0-9]+\]:extRootNetNS net:\[[0-9]+\]$' "$FAKE_CRIU_DIR/inherited" ||
		fail "network namespace not inherited: $(cat "$FAKE_CRIU_DIR/inherited")"
	criu_has --join-ns uts:/proc/self/ns/uts
}

@test "restore: in the foreground hull waits for the process and deletes the container" {
	use_fake_criu
	hull_bundle b
	fake_images "$IMAGES"
	local log=$BATS_TEST_TMPDIR/restore.log hpid pid
	hull restore --image-path "$IMAGES" -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" c1 \
		</dev/null >"$log" 2>&1 &
	hpid=$!
	wait_file "$BATS_TEST_TMPDIR/pid"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	wait_status c1 running
	kill -KILL "$pid"
	status=0
	wait "$hpid" || status=$?
	assert_status 137
	run hull state c1
	assert_failure
	assert_no_state
}

@test "restore: a failing criu restore is one line, kills the process and leaves no state" {
	use_fake_criu
	hull_bundle b
	fake_images "$IMAGES"
	FAKE_CRIU_FAIL="cannot restore" run --separate-stderr hull restore -d --image-path "$IMAGES" \
		-b "$BUNDLE" c1
	assert_error "criu restore failed" "Error (criu/fake.c:1): cannot restore" "$IMAGES/restore.log"
	assert_no_state
}

@test "restore: an id in use is refused and the container is untouched" {
	use_fake_criu
	hull_bundle b
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	fake_images "$IMAGES"
	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1
	assert_failure
	assert_stderr_has c1
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_eq "$(container_pid c1)" "$pid" pid
	assert_eq "$(container_status c1)" running status
}

# ---------------------------------------------------------------------------
# with a working criu

@test "checkpoint (criu): --leave-running keeps the container running and writes images" {
	requires_criu
	counter_bundle
	start_detached c1
	local pid
	pid=$(container_pid c1)
	run --separate-stderr hull checkpoint --leave-running --image-path "$IMAGES" c1
	assert_success
	[ -s "$IMAGES/inventory.img" ]
	[ -s "$IMAGES/descriptors.json" ]
	[ -s "$IMAGES/dump.log" ]
	assert_eq "$(container_status c1)" running status
	assert_eq "$(container_pid c1)" "$pid" pid
}

@test "checkpoint and restore (criu): the process goes on where it stopped" {
	requires_criu
	counter_bundle
	start_detached c1
	sleep 0.5
	local before after later
	before=$(read_counter c1)
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_success
	wait_status c1 stopped
	run hull delete c1
	assert_success

	run --separate-stderr hull restore -d --image-path "$IMAGES" -b "$BUNDLE" c1 </dev/null
	assert_success
	assert_eq "$(container_status c1)" running status
	after=$(read_counter c1)
	[ "$after" -ge "$before" ] || fail "counter went back from $before to $after"
	sleep 0.5
	later=$(read_counter c1)
	[ "$later" -gt "$after" ] || fail "counter stuck at $after"
	run hull delete --force c1
	assert_success
}

@test "restore (criu): in the foreground hull waits and deletes the container" {
	requires_criu
	counter_bundle
	start_detached c1
	run --separate-stderr hull checkpoint --image-path "$IMAGES" c1
	assert_success
	wait_status c1 stopped
	run hull delete c1
	assert_success
	local hpid
	hull restore --image-path "$IMAGES" -b "$BUNDLE" c1 </dev/null >"$BATS_TEST_TMPDIR/r.log" 2>&1 &
	hpid=$!
	wait_status c1 running 30
	run hull kill c1 KILL
	assert_success
	status=0
	wait "$hpid" || status=$?
	assert_status 137
	assert_no_state
}
