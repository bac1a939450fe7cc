#!/usr/bin/env bats
# hull list

load helpers

setup() { hull_setup; }
teardown() { hull_teardown; }

@test "list: an empty root prints only the header, json prints []" {
	run --separate-stderr hull list
	assert_success
	[ "${#lines[@]}" -eq 1 ] || { show_run; fail "expected the header only"; }
	[[ ${lines[0]} =~ ^ID[[:space:]]+PID[[:space:]]+STATUS[[:space:]]+BUNDLE[[:space:]]+CREATED[[:space:]]+OWNER ]] ||
		fail "unexpected header: ${lines[0]}"
	run --separate-stderr hull list --format json
	assert_success
	echo "$output" | jq -e 'type == "array" and length == 0'
	run --separate-stderr hull list -q
	assert_success
	assert_output ""
}

@test "list: table, json and quiet show every container" {
	hull_bundle b1
	set_long_running
	create_detached one
	hull_bundle b2
	set_long_running
	start_detached two
	local pid1 pid2
	pid1=$(container_pid one)
	pid2=$(container_pid two)

	run --separate-stderr hull list
	assert_success
	[ "${#lines[@]}" -eq 3 ] || { show_run; fail "expected a header and two rows"; }
	[[ ${lines[0]} == ID* ]]
	printf '%s\n' "${lines[@]}" | grep -E "^one[[:space:]]+${pid1}[[:space:]]+created[[:space:]]+${BATS_TEST_TMPDIR}/b1[[:space:]]"
	printf '%s\n' "${lines[@]}" | grep -E "^two[[:space:]]+${pid2}[[:space:]]+running[[:space:]]+${BATS_TEST_TMPDIR}/b2[[:space:]]"

	run --separate-stderr hull list -f json
	assert_success
	echo "$output" | jq -e 'length == 2'
	echo "$output" | jq -e --argjson p "$pid1" '.[] | select(.id == "one") | .status == "created" and .pid == $p'
	echo "$output" | jq -e --argjson p "$pid2" '.[] | select(.id == "two") | .status == "running" and .pid == $p'
	echo "$output" | jq -e --arg b "$BATS_TEST_TMPDIR/b2" '.[] | select(.id == "two") | .bundle == $b'
	echo "$output" | jq -e '.[] | select(.id == "two") | (.created | type == "string") and (.owner | type == "string")'

	run --separate-stderr hull list --quiet
	assert_success
	assert_eq "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "one two " "list -q"
}

@test "list: stopped containers are listed as stopped" {
	hull_bundle b true
	start_detached c1
	wait_status c1 stopped
	run --separate-stderr hull list --format=json
	assert_success
	echo "$output" | jq -e '.[0].id == "c1" and .[0].status == "stopped"'
}

@test "list: an unknown format is refused" {
	run --separate-stderr hull list --format yaml
	assert_failure
	[ "${#stderr_lines[@]}" -eq 1 ]
}
