#!/usr/bin/env bats
# Robustness: churn with one --root, racing creates, hull killed part-way
# through create, and damaged state files.

load helpers

setup() { hull_setup; }

# Besides the usual checks: a container init that never exec'd (its command
# line is still `hull --root ROOT create ...`) is invisible to
# tagged_pids, and it holds every fd of the create call, bats' pipes
# included. Kill and report it here, or the whole run would wait for it.
teardown() {
	local rc=0 p left=() cg d
	hull_teardown || rc=1
	for p in $(pids_matching "--root $HULL_ROOT "); do
		left+=("$p: $( { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)")
		kill -KILL "$p" 2>/dev/null || true
	done
	[ ${#left[@]} -eq 0 ] && return $rc
	printf 'teardown: hull process left: %s\n' "${left[@]}" >&2
	sleep 0.2
	for cg in "${CGROUP_PATHS[@]}"; do
		for d in /sys/fs/cgroup/"$cg" /sys/fs/cgroup/*/"$cg"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
	return 1
}

# ---------------------------------------------------------------------------
# helpers of this file

# root_entries: every entry of --root, the hidden ones (.new-*, .del-*)
# included.
root_entries() {
	find "$HULL_ROOT" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null || true
}

# pids_matching TEXT: processes whose command line contains TEXT.
pids_matching() {
	local f c
	for f in /proc/[0-9]*/cmdline; do
		c=$( { tr '\0' ' ' <"$f"; } 2>/dev/null) || continue
		case $c in
		*"$1"*)
			f=${f#/proc/}
			f=${f%/cmdline}
			[ "$f" != "$$" ] && [ "$f" != "$BASHPID" ] && printf '%s\n' "$f"
			;;
		esac
	done
}

# wait_no_pids TEXT [SECONDS]: until no process has TEXT in its command
# line; prints what is left (and fails) on timeout.
wait_no_pids() {
	local deadline=$((SECONDS + ${2:-5})) left p
	while :; do
		left=$(pids_matching "$1")
		[ -z "$left" ] && return 0
		if [ $SECONDS -ge $deadline ]; then
			for p in $left; do
				printf 'process %s: %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
			done
			return 1
		fi
		sleep 0.05
	done
}

# mounts_under DIR: mount points of this mount namespace at or below DIR.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# A container that stays up, with MARKER in its command line once started.
set_marker_args() {
	set_args sh -c "exec </dev/null >/dev/null 2>&1; exec sleep $1"
}

# ---------------------------------------------------------------------------
# (a) many create/start/delete cycles at once with one --root

# churn_bundles N: N bundles that share $BUNDLE/rootfs, each with its own
# cgroup, as $BATS_TEST_TMPDIR/churn/bN.
churn_bundles() {
	local i cg base
	base=hulltest-$RANDOM$RANDOM-churn
	mkdir -p "$BATS_TEST_TMPDIR/churn"
	for ((i = 0; i < $1; i++)); do
		cg=$base-$i
		CGROUP_PATHS+=("$cg")
		mkdir -p "$BATS_TEST_TMPDIR/churn/b$i"
		jq --arg r "$BUNDLE/rootfs" --arg cg "/$cg" '.root.path = $r | .linux.cgroupsPath = $cg' \
			"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/churn/b$i/config.json"
	done
}

# The worker: one full cycle for container bN, problems appended to
# $ERRS. Runs under xargs, so it is a script, not a function.
write_churn_worker() {
	cat >"$BATS_TEST_TMPDIR/churn/cycle" <<'EOF'
#!/usr/bin/env bash
i=$1 id=churn-$1 b=$CHURN/b$1
h() { timeout -k 5 60 "$HULL" --root "$HULL_ROOT" "$@" </dev/null; }
err() { printf '%s\n' "$*" >>"$ERRS"; }
# The init inherits create's stdio: a file, never a pipe of this script.
log=$CHURN/$id.log
h create -b "$b" "$id" >"$log" 2>&1 || { err "create $id: $(cat "$log")"; exit 0; }
h start "$id" >"$log" 2>&1 || err "start $id: $(cat "$log")"
for ((k = 0; k < 500; k++)); do
	st=$(h state "$id" 2>&1) || { err "state $id: $st"; break; }
	s=$(jq -r .status <<<"$st" 2>&1) || { err "state $id: not JSON: $st"; break; }
	[ "$s" = stopped ] && break
	sleep 0.02
done
[ "$s" = stopped ] || err "$id never stopped (status $s)"
out=$(h delete "$id" 2>&1) || {
	err "delete $id: $out"
	h delete --force "$id" >/dev/null 2>&1
}
exit 0
EOF
	chmod +x "$BATS_TEST_TMPDIR/churn/cycle"
}

# check_list_output FILE: a `hull list` table, header and one row per
# container with its six columns.
check_list_table() {
	awk 'NR == 1 { if ($1 != "ID" || $2 != "PID" || $3 != "STATUS") { print "bad header: " $0; bad = 1 }; next }
		NF != 6 || $2 !~ /^[0-9]+$/ || $3 !~ /^(creating|created|running|paused|stopped)$/ ||
		$1 !~ /^churn-[0-9]+$/ || $4 !~ /^\// { print "bad row: " $0; bad = 1 }
		END { exit bad }' "$1"
}

check_list_json() {
	jq -e 'type == "array" and all(.[];
		(.id | test("^churn-[0-9]+$")) and (.pid | type == "number") and
		(.status | IN("creating", "created", "running", "paused", "stopped")) and
		(.bundle | startswith("/")))' "$1" >/dev/null
}

# The lister: `hull list` (table, JSON, -q) in a loop until $1 exists.
# Every call that fails or prints something unparsable is copied to $ERRS;
# the number of rounds goes to $2.
lister() {
	local stop=$1 count=$2 n=0 o=$BATS_TEST_TMPDIR/churn/list.out e=$BATS_TEST_TMPDIR/churn/list.err
	while [ ! -e "$stop" ]; do
		hull list >"$o" 2>"$e" || echo "list failed ($?): $(cat "$e")" >>"$ERRS"
		[ ! -s "$e" ] || echo "list wrote on stderr: $(cat "$e")" >>"$ERRS"
		check_list_table "$o" >>"$ERRS" || echo "list: unparsable table: $(cat "$o")" >>"$ERRS"
		hull list -f json >"$o" 2>"$e" || echo "list -f json failed: $(cat "$e")" >>"$ERRS"
		check_list_json "$o" || echo "list -f json: unparsable: $(cat "$o")" >>"$ERRS"
		hull list -q >"$o" 2>"$e" || echo "list -q failed: $(cat "$e")" >>"$ERRS"
		grep -vqE '^churn-[0-9]+$' "$o" && echo "list -q: bad line: $(cat "$o")" >>"$ERRS"
		n=$((n + 1))
	done
	echo "$n" >"$count"
}

@test "robustness: 100 create/start/delete cycles, 8 at a time, one --root; list never fails" {
	local n=100 rounds
	hull_bundle b /bin/true
	churn_bundles "$n"
	write_churn_worker
	local CHURN=$BATS_TEST_TMPDIR/churn ERRS=$BATS_TEST_TMPDIR/churn/errors
	: >"$ERRS"

	lister "$CHURN/stop" "$CHURN/rounds" &
	local lister_pid=$!
	# Not exported from this shell: teardown looks for processes whose
	# environment names the root.
	seq 0 $((n - 1)) | env HULL="$HULL" HULL_ROOT="$HULL_ROOT" CHURN="$CHURN" ERRS="$ERRS" \
		xargs -P 8 -n 1 "$CHURN/cycle"
	touch "$CHURN/stop"
	wait "$lister_pid"

	rounds=$(cat "$CHURN/rounds")
	if [ -s "$ERRS" ]; then
		sort "$ERRS" | uniq -c | sort -rn | head -n 40 >&2
		fail "$(wc -l <"$ERRS") problems during the churn ($rounds list rounds)"
	fi
	[ "$rounds" -ge 3 ] || fail "hull list ran only $rounds times during the churn"
	assert_eq "$(root_entries)" "" "entries left in --root"
	assert_eq "$(hull list -q)" "" "hull list after the churn"
}

# ---------------------------------------------------------------------------
# (b) two creates of one id at the same time

@test "robustness: two concurrent creates of one id: one wins, its container works" {
	local round marker a b pid wins
	hull_bundle b
	bind_dir out /out
	for round in 1 2 3 4 5 6 7 8 9 10; do
		marker=$((1234000 + round))
		set_args sh -c "echo up >/out/r$round; exec </dev/null >/dev/null 2>&1; exec sleep $marker"
		"$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" same </dev/null >"$BATS_TEST_TMPDIR/a.log" 2>&1 &
		a=$!
		"$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" same </dev/null >"$BATS_TEST_TMPDIR/b.log" 2>&1 &
		b=$!
		wins=0
		wait "$a" && wins=$((wins + 1))
		wait "$b" && wins=$((wins + 1))
		[ "$wins" -eq 1 ] || fail "round $round: $wins of 2 creates succeeded: a: $(cat "$BATS_TEST_TMPDIR/a.log") b: $(cat "$BATS_TEST_TMPDIR/b.log")"
		grep -qh 'already exists' "$BATS_TEST_TMPDIR/a.log" "$BATS_TEST_TMPDIR/b.log" ||
			fail "round $round: the loser did not say why: a: $(cat "$BATS_TEST_TMPDIR/a.log") b: $(cat "$BATS_TEST_TMPDIR/b.log")"

		run --separate-stderr hull state same
		assert_success
		echo "$output" | jq -e '.id == "same" and .status == "created" and .pid > 0' >/dev/null ||
			fail "round $round: state after the race: $output"
		pid=$(echo "$output" | jq -r .pid)
		[ -d "/proc/$pid" ] || fail "round $round: the winner's init $pid is gone"
		assert_eq "$(root_entries)" "same " "round $round: --root"

		run hull start same
		assert_success
		wait_file "$BATS_TEST_TMPDIR/out/r$round"
		wait_status same running
		assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep $marker " "round $round: the container's process"

		run hull delete --force same
		assert_success
		wait_gone "$pid"
		assert_eq "$(root_entries)" "" "round $round: --root after delete"
	done
}

# ---------------------------------------------------------------------------
# (c) hull create killed part-way

# after_kill ID MARKER: what must hold once `hull delete --force ID` ran
# after a create that was killed. Prints the problems; fails if any.
check_after_kill() {
	local id=$1 marker=$2 problems=() out left
	if ! out=$(hull delete --force "$id" 2>&1); then
		case $out in
		*"does not exist"*) ;;
		*) problems+=("delete --force failed: $out") ;;
		esac
	fi
	[ ! -e "$HULL_ROOT/$id" ] || problems+=("state dir $HULL_ROOT/$id left")
	left=$(root_entries)
	[ -z "$left" ] || problems+=("entries left in --root: $left")
	# Before start the init is a copy of `hull create` (its command line
	# names the id); after start it runs the marker.
	wait_no_pids "create -b $BUNDLE $id " 3 2>"$BATS_TEST_TMPDIR/left" ||
		problems+=("init left: $(cat "$BATS_TEST_TMPDIR/left")")
	wait_no_pids "sleep $marker" 1 2>"$BATS_TEST_TMPDIR/left" ||
		problems+=("container process left: $(cat "$BATS_TEST_TMPDIR/left")")
	left=$(mounts_under "$BUNDLE/rootfs")
	[ -z "$left" ] || problems+=("mounts left: $left")
	out=$(hull list 2>&1) || problems+=("hull list failed: $out")
	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s\n' "${problems[@]}"
		return 1
	fi
}

# kill_create_after MS: SIGKILL `hull create` MS milliseconds after it
# was started (only hull, not its children: timeout --foreground).
kill_create_after() {
	local ms=$1 id=$2
	timeout --foreground -s KILL "$(awk -v m="$ms" 'BEGIN { printf "%.4f", m / 1000 }')" \
		"$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 || true
}

@test "robustness: hull create killed after 0.2 to 30 ms leaves nothing after delete --force" {
	local ms id marker report=() out round
	hull_bundle b
	for round in 1 2 3; do
		for ms in 0.2 1 2 3 5 7 10 15 20 30; do
			id=k$round-${ms/./_}
			marker=$((1234000 + RANDOM))
			set_marker_args "$marker"
			kill_create_after "$ms" "$id"
			if ! out=$(check_after_kill "$id" "$marker"); then
				report+=("killed after ${ms} ms: $out")
				hull delete --force "$id" >/dev/null 2>&1 || true
			fi
		done
	done
	if [ ${#report[@]} -gt 0 ]; then
		printf '%s\n' "${report[@]}" >&2
		fail "${#report[@]} of 30 killed creates left something behind"
	fi
}

# The same at exact points: strace delivers SIGKILL to `hull create` when
# it enters the Nth call of a syscall (and the call is not made). Only the
# hull process is traced, not the container init it clones.
#   mkdirat:1    before the temporary state directory exists
#   renameat2:1  the claim: the temporary directory is complete, not yet ROOT/ID
#   clone3:1     claimed, exec.fifo made, no init yet
#   renameat:4   init cloned and init.pid written, state.json about to get the pid
#   sendto:1     first message to the init
#   recvmsg:1    waiting for the init's report
#   renameat:5   the init is ready and waits on exec.fifo; the final
#                state.json ("created") is about to be written
@test "robustness: hull create killed at chosen syscalls (strace) leaves nothing after delete --force" {
	local point sc n id marker out report=()
	command -v strace >/dev/null || skip "strace is not installed"
	hull_bundle b
	for point in mkdirat:1 renameat2:1 clone3:1 renameat:4 sendto:1 recvmsg:1 renameat:5; do
		sc=${point%:*} n=${point#*:}
		id=s-$sc-$n
		marker=$((1234000 + RANDOM))
		set_marker_args "$marker"
		# In a subshell whose stderr is /dev/null: bash reports "Killed" there.
		(
			exec 2>/dev/null
			strace -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
				"$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" "$id" </dev/null >/dev/null || true
		)
		if ! out=$(check_after_kill "$id" "$marker"); then
			report+=("killed at $point: $out")
			rm -rf "$HULL_ROOT"/.new-* "$HULL_ROOT"/.del-*
		fi
	done
	if [ ${#report[@]} -gt 0 ]; then
		printf '%s\n' "${report[@]}" >&2
		fail "${#report[@]} of 7 injected kills left something behind"
	fi
}

# A hook of KIND that SIGKILLs its parent (hull) and notes who that was.
add_killer_hook() {
	local kind=$1
	jqset --arg k "$kind" --arg bb "$BUSYBOX" --arg d "$BATS_TEST_TMPDIR" \
		'.hooks[$k] = [{path: $bb, args: ["sh", "-c",
			"cat >/dev/null; p=$PPID; echo \"$p $(cat /proc/$p/comm)\" >\"$0/killed\"; kill -9 $p", $d]}]'
}

@test "robustness: a prestart hook that SIGKILLs hull create leaves nothing after delete --force" {
	local marker=$((1234000 + RANDOM)) out
	hull_bundle b
	set_marker_args "$marker"
	add_killer_hook prestart
	hull_create -b "$BUNDLE" pk
	assert_status 137
	wait_file "$BATS_TEST_TMPDIR/killed"
	[[ $(cat "$BATS_TEST_TMPDIR/killed") == *" hull" ]] ||
		fail "the hook's parent was not hull: $(cat "$BATS_TEST_TMPDIR/killed")"
	out=$(check_after_kill pk "$marker") || fail "$out"
}

@test "robustness: a createRuntime hook that SIGKILLs hull create leaves nothing after delete --force" {
	local marker=$((1234000 + RANDOM)) out
	hull_bundle b
	set_marker_args "$marker"
	add_killer_hook createRuntime
	hull_create -b "$BUNDLE" ck
	assert_status 137
	wait_file "$BATS_TEST_TMPDIR/killed"
	out=$(check_after_kill ck "$marker") || fail "$out"
}

@test "robustness: list and state right after a killed create" {
	local marker=$((1234000 + RANDOM))
	hull_bundle b
	set_marker_args "$marker"
	add_killer_hook prestart
	hull_create -b "$BUNDLE" lk
	assert_status 137
	run --separate-stderr hull list
	assert_success
	run --separate-stderr hull list -f json
	assert_success
	echo "$output" | jq -e 'type == "array"' >/dev/null || fail "list -f json: $output"
	# Whatever it reports, `state` must either work or fail with one line.
	run --separate-stderr hull state lk
	if [ "$status" -eq 0 ]; then
		echo "$output" | jq -e '.id == "lk"' >/dev/null || fail "state: $output"
	else
		assert_error lk
	fi
	run hull delete --force lk
	assert_success
}

# ---------------------------------------------------------------------------
# (d) damaged state.json

# damage ID HOW: overwrite ROOT/ID/state.json.
damage() {
	local f=$HULL_ROOT/$1/state.json size
	case $2 in
	truncated)
		size=$(stat -c %s "$f")
		truncate -s $((size / 2)) "$f"
		;;
	empty) : >"$f" ;;
	garbage) head -c 300 /dev/urandom >"$f" ;;
	text) printf 'not json at all\n' >"$f" ;;
	wrong-shape) printf '{"id": 5, "pid": "x"}' >"$f" ;;
	missing) rm -f "$f" ;;
	*) fail "damage: unknown '$2'" ;;
	esac
}

# damaged_case HOW START: create (and start if START=1) a container, damage
# its state.json, then check state, list and delete --force.
damaged_case() {
	local how=$1 start=$2 id=d-$1-$2 marker=$((1234000 + RANDOM)) pid
	set_marker_args "$marker"
	create_detached "$id"
	pid=$(container_pid "$id")
	if [ "$start" = 1 ]; then
		hull start "$id" || fail "start $id failed"
		wait_status "$id" running
	fi
	damage "$id" "$how"

	run --separate-stderr hull state "$id"
	assert_error "$id"
	case $stderr in
	*$'\n'* | *"{"*) fail "state $id ($how): not one clear line: $stderr" ;;
	esac

	run --separate-stderr hull list
	assert_success

	run --separate-stderr hull delete --force "$id"
	assert_success
	[ ! -e "$HULL_ROOT/$id" ] || fail "$how: state dir left"
	wait_gone "$pid" 5
	wait_no_pids "sleep $marker" 2 || fail "$how: container process left"
	assert_eq "$(root_entries)" "" "$how: --root"
}

@test "robustness: damaged state.json (truncated) of a running container" {
	hull_bundle b
	damaged_case truncated 1
}

@test "robustness: damaged state.json (empty) of a running container" {
	hull_bundle b
	damaged_case empty 1
}

@test "robustness: damaged state.json (garbage) of a running container" {
	hull_bundle b
	damaged_case garbage 1
}

@test "robustness: damaged state.json (text) of a running container" {
	hull_bundle b
	damaged_case text 1
}

@test "robustness: damaged state.json (wrong-shape) of a running container" {
	hull_bundle b
	damaged_case wrong-shape 1
}

@test "robustness: damaged state.json (missing) of a running container" {
	hull_bundle b
	damaged_case missing 1
}

@test "robustness: damaged state.json (truncated) of a created container" {
	hull_bundle b
	damaged_case truncated 0
}

@test "robustness: damaged state.json (garbage) of a created container" {
	hull_bundle b
	damaged_case garbage 0
}

@test "robustness: damaged state.json (missing) of a created container" {
	hull_bundle b
	damaged_case missing 0
}

@test "robustness: state.json and init.pid both damaged: delete --force still removes the process" {
	local id=both marker=$((1234000 + RANDOM)) pid
	hull_bundle b
	set_marker_args "$marker"
	start_detached "$id"
	pid=$(container_pid "$id")
	wait_status "$id" running
	damage "$id" garbage
	rm -f "$HULL_ROOT/$id/init.pid"

	run --separate-stderr hull delete --force "$id"
	assert_success
	[ ! -e "$HULL_ROOT/$id" ] || fail "state dir left"
	if ! wait_no_pids "sleep $marker" 3; then
		kill -9 "$pid" 2>/dev/null || true
		fail "the container process $pid outlived delete --force"
	fi
}
