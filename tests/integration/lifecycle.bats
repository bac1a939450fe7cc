#!/usr/bin/env bats
# create, start, state, delete and the errors around them.

load helpers

setup() { hull_setup; }
teardown() { hull_teardown; }

@test "lifecycle: created -> running -> stopped -> deleted" {
	hull_bundle b
	jqset '.annotations = {"org.example.key": "value"}'
	set_long_running
	create_detached c1

	run --separate-stderr hull state c1
	assert_success
	echo "$output" | jq -e '.status == "created"'
	echo "$output" | jq -e '.id == "c1"'
	echo "$output" | jq -e '.pid | type == "number" and . > 0'
	echo "$output" | jq -e --arg b "$BUNDLE" '.bundle == $b'
	echo "$output" | jq -e --arg r "$BUNDLE/rootfs" '.rootfs == $r'
	echo "$output" | jq -e '.ociVersion | type == "string" and length > 0'
	echo "$output" | jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")'
	echo "$output" | jq -e '.owner | type == "string"'
	echo "$output" | jq -e '.annotations["org.example.key"] == "value"'
	local pid
	pid=$(echo "$output" | jq -r .pid)
	[ -d "/proc/$pid" ]

	run hull start c1
	assert_success
	assert_eq "$(container_status c1)" running status
	assert_eq "$(container_pid c1)" "$pid" pid

	run hull kill c1 KILL
	assert_success
	wait_status c1 stopped
	wait_gone "$pid"

	run hull delete c1
	assert_success
	run --separate-stderr hull state c1
	assert_failure
	assert_stderr_has "does not exist"
	assert_no_state
}

@test "lifecycle: the process does not run before start" {
	hull_bundle b
	bind_dir out /out
	set_args sh -c 'echo started > /out/mark'
	create_detached c1
	sleep 0.2
	[ ! -e "$BATS_TEST_TMPDIR/out/mark" ]
	run hull start c1
	assert_success
	wait_file "$BATS_TEST_TMPDIR/out/mark"
	wait_status c1 stopped
}

@test "lifecycle: a container whose process exits is stopped and can be deleted" {
	hull_bundle b true
	create_detached c1
	run hull start c1
	assert_success
	wait_status c1 stopped
	run hull state c1
	assert_success
	echo "$output" | jq -e '.status == "stopped"'
	run hull delete c1
	assert_success
	assert_no_state
}

@test "lifecycle: a created container is not stopped: delete needs --force" {
	hull_bundle b
	create_detached c1
	local pid
	pid=$(container_pid c1)
	run --separate-stderr hull delete c1
	assert_error 'that is not stopped: created'
	assert_eq "$(container_status c1)" created status
	run --separate-stderr hull delete --force c1
	assert_success
	wait_gone "$pid"
	assert_no_state
}

@test "create --pid-file: only digits, the pid of the container" {
	hull_bundle b
	set_long_running
	create_detached c1 "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/c1.pid"
	local content
	content=$(cat "$BATS_TEST_TMPDIR/c1.pid"; echo x)
	content=${content%x}
	[[ $content =~ ^[0-9]+$ ]] || fail "pid file holds '$content'"
	assert_eq "$content" "$(container_pid c1)" "pid file"
}

@test "create --pid-file: a relative path is relative to the caller's directory" {
	hull_bundle b
	cd "$BATS_TEST_TMPDIR"
	create_detached c1 "$BUNDLE" --pid-file rel.pid
	[ -s "$BATS_TEST_TMPDIR/rel.pid" ]
}

@test "create: a duplicate id is refused and the first container is untouched" {
	hull_bundle b1
	local b1=$BUNDLE
	set_long_running
	create_detached c1
	local pid
	pid=$(container_pid c1)
	hull_bundle b2
	hull_create -b "$BUNDLE" c1
	assert_error 'container with id "c1" already exists'
	run hull state c1
	assert_success
	echo "$output" | jq -e --arg b "$b1" --argjson p "$pid" \
		'.status == "created" and .bundle == $b and .pid == $p'
	run hull start c1
	assert_success
	assert_eq "$(container_status c1)" running status
}

@test "unknown id: state, start, kill and delete say it does not exist" {
	local verb
	for verb in state start kill delete; do
		run --separate-stderr hull "$verb" nosuch
		assert_error 'container "nosuch" does not exist'
	done
	# As with runc, --force makes deleting a missing container a success, so
	# that a caller cleaning up after a failed create need not check first.
	run --separate-stderr hull delete --force nosuch
	assert_success
}

@test "start: refused on a running container" {
	hull_bundle b
	set_long_running
	start_detached c1
	run --separate-stderr hull start c1
	assert_error "cannot start a container that is not in the created state" "running"
	assert_eq "$(container_status c1)" running status
}

@test "start: refused on a stopped container" {
	hull_bundle b true
	start_detached c1
	wait_status c1 stopped
	run --separate-stderr hull start c1
	assert_error "not in the created state" "stopped"
}

@test "delete: refused on a running container without --force" {
	hull_bundle b
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	run --separate-stderr hull delete c1
	assert_failure
	assert_stderr_has "running"
	assert_eq "$(container_status c1)" running status
	kill -0 "$pid"
}

@test "delete --force: kills and removes a running container" {
	hull_bundle b
	set_long_running
	start_detached c1
	local pid
	pid=$(container_pid c1)
	run --separate-stderr hull delete --force c1
	assert_success
	wait_gone "$pid"
	run hull state c1
	assert_failure
	assert_no_state
}

@test "delete -f: also removes a created container" {
	hull_bundle b
	create_detached c1
	run hull delete -f c1
	assert_success
	assert_no_state
}

@test "state: a container whose process was killed from outside is stopped" {
	hull_bundle b
	set_long_running
	start_detached c1
	kill -KILL "$(container_pid c1)"
	wait_status c1 stopped
}

@test "ids: invalid container ids are refused and nothing is created" {
	hull_bundle b
	local id
	for id in "../x" "" "a/b" "." ".." "/abs" "$(printf 'a\nb')"; do
		hull_create -b "$BUNDLE" -- "$id"
		assert_failure
		[ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "id '$id': expected one error line"; }
		assert_no_state
	done
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	hull_create -b "$BUNDLE"
	assert_failure
	assert_no_state
}

@test "ids: long and punctuated valid ids work" {
	hull_bundle b true
	local id
	id=a-b_c.d+e$(printf 'x%.0s' {1..100})
	run --separate-stderr hull run -b "$BUNDLE" "$id"
	assert_success
}

@test "global flags: --root=DIR and --root DIR are the same" {
	hull_bundle b
	create_detached c1
	run "$HULL" --root="$HULL_ROOT" state c1
	assert_success
	echo "$output" | jq -e '.id == "c1"'
}
