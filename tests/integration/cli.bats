#!/usr/bin/env bats
# The command line: spec, features, --version, --help, logging flags.

load helpers

setup() { hull_setup; }
teardown() { hull_teardown; }

@test "spec: writes the default config.json" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr hull spec
	assert_success
	local c=$BATS_TEST_TMPDIR/config.json
	jq -e '.ociVersion | test("^1\\.")' "$c"
	jq -e '.process.args == ["sh"]' "$c"
	jq -e '.process.terminal == true' "$c"
	jq -e '.process.cwd == "/"' "$c"
	jq -e '.process.user.uid == 0 and .process.user.gid == 0' "$c"
	jq -e '.process.noNewPrivileges == true' "$c"
	jq -e '.process.env | index("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") != null' "$c"
	jq -e '.process.capabilities.bounding | sort == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]' "$c"
	jq -e '.root.path == "rootfs" and .root.readonly == true' "$c"
	jq -e '[.linux.namespaces[].type] | contains(["pid", "network", "ipc", "uts", "mount"])' "$c"
	jq -e '[.mounts[].destination] | contains(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"])' "$c"
	jq -e '.mounts[] | select(.destination == "/proc") | .type == "proc"' "$c"
	jq -e '.linux.maskedPaths | contains(["/proc/kcore", "/proc/keys", "/sys/firmware"])' "$c"
	jq -e '.linux.readonlyPaths | contains(["/proc/sys", "/proc/sysrq-trigger"])' "$c"
}

@test "spec --bundle: writes into the bundle, which then runs" {
	mkdir "$BATS_TEST_TMPDIR/b"
	run --separate-stderr hull spec --bundle "$BATS_TEST_TMPDIR/b"
	assert_success
	"$MAKE_BUNDLE" --rootfs-only "$BATS_TEST_TMPDIR/b/rootfs" >/dev/null
	BUNDLE=$BATS_TEST_TMPDIR/b
	jqset '.process.terminal = false'
	set_args sh -c 'echo $(hostname) ok'
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
	assert_output_has " ok"
}

@test "spec: does not overwrite an existing config.json" {
	cd "$BATS_TEST_TMPDIR"
	echo '{"mine": true}' >config.json
	run --separate-stderr hull spec
	assert_failure
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_eq "$(cat config.json)" '{"mine": true}' config.json
}

@test "spec --rootless: a user namespace mapped to the caller" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr hull spec --rootless
	assert_success
	jq -e '[.linux.namespaces[].type] | index("user") != null' config.json
	jq -e --argjson u "$(id -u)" '.linux.uidMappings[0] == {"containerID": 0, "hostID": $u, "size": 1}' config.json
	jq -e --argjson g "$(id -g)" '.linux.gidMappings[0] == {"containerID": 0, "hostID": $g, "size": 1}' config.json
}

@test "features: describes what this hull supports" {
	run --separate-stderr hull features
	assert_success
	echo "$output" | jq -e '.ociVersionMin | test("^1\\.")'
	echo "$output" | jq -e '.ociVersionMax | test("^1\\.")'
	echo "$output" | jq -e '.hooks | contains(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"])'
	echo "$output" | jq -e '.mountOptions | contains(["ro", "nosuid", "nodev", "noexec", "bind", "rbind"])'
	echo "$output" | jq -e '.linux.namespaces | contains(["pid", "network", "ipc", "uts", "mount", "user", "cgroup"])'
	echo "$output" | jq -e '.linux.capabilities | contains(["CAP_SYS_ADMIN", "CAP_KILL"])'
}

@test "--version: names hull and its version" {
	run --separate-stderr "$HULL" --version
	assert_success
	[[ ${lines[0]} =~ ^hull\ version\ [0-9]+\.[0-9]+ ]] || fail "first line: ${lines[0]}"
	assert_output_has "spec: 1."
}

@test "--help: lists the verbs" {
	run --separate-stderr "$HULL" --help
	assert_success
	local verb
	for verb in create start state kill delete run list spec features; do
		assert_output_has "$verb"
	done
}

@test "cli: an unknown verb is one error line" {
	run --separate-stderr "$HULL" --root "$HULL_ROOT" frobnicate
	assert_error frobnicate
}

@test "cli: an unknown option is one error line" {
	run --separate-stderr hull state --no-such-option c1
	assert_error "no-such-option"
}

@test "cli: a verb without its container id is refused" {
	local verb
	for verb in start state kill delete; do
		run --separate-stderr hull "$verb"
		assert_failure
	done
}

@test "--log --log-format json: errors are written as JSON lines" {
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr "$HULL" --root "$HULL_ROOT" --log "$log" --log-format json state nosuch
	assert_failure
	[ -s "$log" ] || fail "no log written"
	jq -e -s 'all(.[]; has("msg") and has("level") and has("time"))' "$log"
	jq -e -s 'any(.[]; .level == "error" and (.msg | contains("does not exist")))' "$log"
}

@test "--log: text errors go to the file" {
	local log=$BATS_TEST_TMPDIR/log.txt
	run --separate-stderr "$HULL" --root "$HULL_ROOT" --log="$log" state nosuch
	assert_failure
	grep -q "does not exist" "$log"
}

@test "--debug: a normal run still works" {
	hull_bundle b echo fine
	run --separate-stderr "$HULL" --debug --root "$HULL_ROOT" run -b "$BUNDLE" c1
	assert_success
	assert_output_has fine
}

@test "--root: a root that does not exist yet is created" {
	hull_bundle b true
	run --separate-stderr "$HULL" --root "$HULL_ROOT/sub/dir" run -b "$BUNDLE" c1
	assert_success
	[ -d "$HULL_ROOT/sub/dir" ]
	rm -rf "$HULL_ROOT/sub"
}
