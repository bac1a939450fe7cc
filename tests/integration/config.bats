#!/usr/bin/env bats
# Broken bundles: one clear error line, a non-zero exit, nothing left behind.

load helpers

setup() {
	hull_setup
	hull_bundle b true
}
teardown() { hull_teardown; }

# create_fails TEXT...: hull create must fail with one line naming every TEXT
# and leave no state behind; so must hull run.
create_fails() {
	hull_create -b "$BUNDLE" c1
	assert_error "$@"
	assert_no_state
	run --separate-stderr hull run -b "$BUNDLE" c2
	assert_error "$@"
	assert_no_state
}

@test "config: trailing garbage after the JSON document" {
	echo '}' >>"$BUNDLE/config.json"
	create_fails config.json
}

@test "config: not JSON at all" {
	echo 'this is not json' >"$BUNDLE/config.json"
	create_fails config.json
}

@test "config: empty file" {
	: >"$BUNDLE/config.json"
	create_fails config.json
}

@test "config: a top-level array" {
	echo '[]' >"$BUNDLE/config.json"
	create_fails config.json
}

@test "config: missing config.json" {
	rm "$BUNDLE/config.json"
	create_fails config.json
}

@test "config: process.args[0] of the wrong type" {
	jqset '.process.args = [5]'
	create_fails "process.args[0]" "expected string"
}

@test "config: process.args[2] of the wrong type" {
	jqset '.process.args = ["sh", "-c", {"a": 1}]'
	create_fails "process.args[2]"
}

@test "config: process.args missing" {
	jqset 'del(.process.args)'
	create_fails "process.args"
}

@test "config: process.args empty" {
	jqset '.process.args = []'
	create_fails "process.args"
}

@test "config: process.terminal not a boolean" {
	jqset '.process.terminal = "yes"'
	create_fails "process.terminal"
}

@test "config: process.user.uid not a number" {
	jqset '.process.user.uid = "root"'
	create_fails "process.user.uid"
}

@test "config: process.env not an array" {
	jqset '.process.env = "PATH=/bin"'
	create_fails "process.env"
}

@test "config: process.cwd relative" {
	jqset '.process.cwd = "tmp"'
	create_fails "process.cwd"
}

@test "config: hostname not a string" {
	jqset '.hostname = 3'
	create_fails "hostname"
}

@test "config: mounts[1].destination missing" {
	jqset 'del(.mounts[1].destination)'
	create_fails "mounts[1].destination"
}

@test "config: linux.namespaces[0].type unknown" {
	jqset '.linux.namespaces[0].type = "bogus"'
	create_fails "linux.namespaces[0].type"
}

@test "config: the same namespace twice" {
	jqset '.linux.namespaces += [{"type": "uts"}]'
	create_fails "uts"
}

@test "config: an unknown rlimit" {
	jqset '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_fails "RLIMIT_BOGUS"
}

@test "config: root missing" {
	jqset 'del(.root)'
	create_fails "root"
}

@test "config: root.path missing from the bundle" {
	jqset '.root.path = "nonexistent"'
	create_fails "nonexistent"
}

@test "config: root.path is a file" {
	touch "$BUNDLE/afile"
	jqset '.root.path = "afile"'
	create_fails "afile"
}

@test "config: --bundle that does not exist" {
	hull_create -b "$BATS_TEST_TMPDIR/nosuch" c1
	assert_error nosuch
	assert_no_state
}

@test "config: a wrong type in a deep field names its path" {
	jqset '.linux.resources.devices[0].allow = "no"'
	create_fails "linux.resources.devices[0].allow"
}

@test "config: unknown fields are ignored" {
	jqset '.unknownTopLevel = {"x": 1} | .process.unknownField = true'
	run --separate-stderr hull run -b "$BUNDLE" c1
	assert_success
}
