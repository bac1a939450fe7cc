#!/usr/bin/env bats
# The six kinds of hooks: order, the state on stdin, failures and timeouts.

load helpers

setup() {
	hull_setup
	hull_bundle b
	HOOKS=$BATS_TEST_TMPDIR/hooks
	# The same directory at the same path on the host and in the container,
	# so that a hook writes to it wherever it runs.
	bind_dir hooks "$HOOKS"
}
teardown() { hull_teardown; }

# recorder KIND NAME: a hook that saves its stdin as $HOOKS/NAME.json and
# appends NAME to $HOOKS/order. startContainer hooks resolve in the
# container, the others on the host.
recorder() {
	local path=$BUSYBOX
	[ "$1" = startContainer ] && path=/bin/busybox
	jq -n -c --arg p "$path" --arg d "$HOOKS" --arg n "$2" \
		'{path: $p, args: ["sh", "-c", "cat > \"$0/$1.json\" && echo \"$1\" >> \"$0/order\"", $d, $n]}'
}

# hook_order: the names the recorders wrote, on one line.
hook_order() { tr '\n' ' ' <"$HOOKS/order"; }

# add_hook KIND HOOK-JSON
add_hook() {
	jqset --arg k "$1" --argjson h "$2" '.hooks[$k] += [$h]'
}

@test "hooks: all six run in order, each with the state on stdin" {
	local kind
	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$kind" "$(recorder "$kind" "$kind")"
	done
	jqset '.annotations = {"org.example.hook": "yes"}'
	set_long_running
	create_detached c1
	local pid
	pid=$(container_pid c1)
	assert_eq "$(hook_order)" "prestart createRuntime createContainer " "hooks after create"
	run hull start c1
	assert_success
	assert_eq "$(hook_order)" "prestart createRuntime createContainer startContainer poststart " "hooks after start"
	run hull kill c1 KILL
	assert_success
	wait_status c1 stopped
	run hull delete c1
	assert_success
	assert_eq "$(hook_order)" \
		"prestart createRuntime createContainer startContainer poststart poststop " "hooks after delete"

	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg b "$BUNDLE" '.id == "c1" and .bundle == $b and (.ociVersion | length > 0)' "$HOOKS/$kind.json" ||
			fail "$kind: bad state: $(cat "$HOOKS/$kind.json")"
		jq -e '.annotations["org.example.hook"] == "yes"' "$HOOKS/$kind.json" ||
			fail "$kind: no annotations: $(cat "$HOOKS/$kind.json")"
	done
	for kind in prestart createRuntime createContainer startContainer poststart; do
		jq -e --argjson p "$pid" '.pid == $p' "$HOOKS/$kind.json" ||
			fail "$kind: pid is not $pid: $(cat "$HOOKS/$kind.json")"
	done
	jq -e '.status == "creating" or .status == "created"' "$HOOKS/prestart.json"
	jq -e '.status == "creating" or .status == "created"' "$HOOKS/createRuntime.json"
	jq -e '.status == "created"' "$HOOKS/startContainer.json"
	jq -e '.status == "running"' "$HOOKS/poststart.json"
	jq -e '.status == "stopped"' "$HOOKS/poststop.json"
}

@test "hooks: hull run runs every hook too" {
	local kind
	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$kind" "$(recorder "$kind" "$kind")"
	done
	set_args true
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_eq "$(hook_order)" \
		"prestart createRuntime createContainer startContainer poststart poststop " "hooks of run"
}

@test "hooks: several hooks of one kind run in the given order" {
	add_hook prestart "$(recorder prestart first)"
	add_hook prestart "$(recorder prestart second)"
	add_hook prestart "$(recorder prestart third)"
	set_args true
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_eq "$(hook_order)" "first second third " order
}

@test "hooks: args and env are the hook's own" {
	add_hook prestart "$(jq -n -c --arg p "$BUSYBOX" --arg d "$HOOKS" \
		'{path: $p, args: ["sh", "-c", "echo \"$0 $1 $HOOKVAR\" > \"$0/args\"; env > \"$0/env\"", $d, "second"], env: ["HOOKVAR=val", "PATH=/bin"]}')"
	export HULL_LEAK_CHECK=leaked
	set_args true
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_eq "$(cat "$HOOKS/args")" "$HOOKS second val" "hook args and env"
	run cat "$HOOKS/env"
	assert_output_lacks HULL_LEAK_CHECK
}

@test "hooks: a prestart hook sees the container's namespaces through its pid" {
	add_hook prestart "$(jq -n -c --arg p "$BUSYBOX" --arg d "$HOOKS" \
		'{path: $p, args: ["sh", "-c", "pid=$(sed -n \"s/.*\\\"pid\\\": *\\([0-9][0-9]*\\).*/\\1/p\"); readlink /proc/$pid/ns/net > \"$0/netns\"", $d]}')"
	set_args readlink /proc/self/ns/net
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_eq "$(cat "$HOOKS/netns")" "$output" "network namespace seen by the hook"
}

@test "hooks: a failing prestart hook fails create and leaves nothing behind" {
	add_hook prestart "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["sh", "-c", "exit 7"]}')"
	set_long_running
	hull_create -b "$BUNDLE" c1
	assert_error prestart
	assert_no_state
	run --separate-stderr hull run -b "$BUNDLE" c2
	assert_error prestart
	assert_no_state
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing behind" {
	add_hook createRuntime "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["sh", "-c", "exit 1"]}')"
	set_long_running
	hull_create -b "$BUNDLE" c1
	assert_error createRuntime
	assert_no_state
}

@test "hooks: a failing createContainer hook fails create and leaves nothing behind" {
	add_hook createContainer "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["sh", "-c", "exit 1"]}')"
	set_long_running
	hull_create -b "$BUNDLE" c1
	assert_error createContainer
	assert_no_state
}

@test "hooks: a failing startContainer hook fails start and stops the container" {
	add_hook startContainer '{"path": "/bin/busybox", "args": ["sh", "-c", "exit 1"]}'
	bind_dir out /out
	set_args sh -c 'echo ran > /out/ran'
	create_detached c1
	run --separate-stderr hull start c1
	assert_failure
	assert_stderr_has startContainer
	[ ! -e "$BATS_TEST_TMPDIR/out/ran" ] || fail "the process ran after a failed startContainer hook"
	[ "$(container_status c1)" != running ] || fail "the container still runs"
}

@test "hooks: a failing poststart hook does not stop the container" {
	add_hook poststart "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["sh", "-c", "exit 1"]}')"
	set_long_running
	create_detached c1
	run --separate-stderr hull start c1
	assert_eq "$(container_status c1)" running status
}

@test "hooks: a failing poststop hook does not stop delete" {
	add_hook poststop "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["sh", "-c", "exit 1"]}')"
	set_args true
	start_detached c1
	wait_status c1 stopped
	run --separate-stderr hull delete c1
	assert_success
	assert_no_state
}

@test "hooks: a hook that outlives its timeout is killed and fails create" {
	add_hook prestart "$(jq -n -c --arg p "$BUSYBOX" --arg d "$HOOKS" \
		'{path: $p, args: ["sh", "-c", "echo $$ > \"$0/hookpid\"; exec sleep 30", $d], timeout: 1}')"
	set_long_running
	local start=$SECONDS
	hull_create -b "$BUNDLE" c1
	assert_failure
	[ $((SECONDS - start)) -lt 10 ] || fail "create took $((SECONDS - start)) s with a 1 s hook timeout"
	assert_stderr_has prestart
	assert_no_state
	[ -s "$HOOKS/hookpid" ] || fail "the hook never ran"
	wait_gone "$(cat "$HOOKS/hookpid")" 5
}

@test "hooks: a hook path that does not exist fails create" {
	add_hook prestart '{"path": "/no/such/hook"}'
	set_long_running
	hull_create -b "$BUNDLE" c1
	assert_error /no/such/hook
	assert_no_state
}

@test "hooks: a relative hook path is refused" {
	add_hook prestart '{"path": "bin/true"}'
	hull_create -b "$BUNDLE" c1
	assert_error "hooks.prestart[0].path"
	assert_no_state
}

@test "hooks: a zero or negative timeout is refused" {
	add_hook prestart "$(jq -n -c --arg p "$BUSYBOX" '{path: $p, args: ["true"], timeout: 0}')"
	hull_create -b "$BUNDLE" c1
	assert_error "hooks.prestart[0].timeout"
	assert_no_state
}
