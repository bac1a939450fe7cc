# shellcheck shell=bash
# shellcheck disable=SC2034
# Set-up for the real-client tests (containerd.bats, podman.bats): a busybox
# OCI image built on the spot (no registry), a private containerd daemon that
# drives hull through its runc shim, and a wrapper that records how a client
# called hull.
#
# Load after helpers.bash. Environment:
#   HULL      the binary under test (see helpers.bash)
#   BUSYBOX   the static busybox put in the image (see helpers.bash)

CLIENT_IMAGE=localhost/hull-busybox:latest

# ---------------------------------------------------------------------------
# the wrapper

# make_hull_wrapper DIR: write DIR/hull, a script that appends its argv (one
# line, words quoted) and then its exit status to DIR/hull-calls.log and runs
# $HULL. Clients are pointed at the wrapper, so that a failure can be traced
# to the exact hull command line. Prints the wrapper's path.
make_hull_wrapper() {
	local dir=$1
	mkdir -p "$dir"
	cat >"$dir/hull" <<-EOF
		#!/bin/bash
		log=$dir/hull-calls.log
		{ printf '%s' "\$\$ hull"; printf ' %q' "\$@"; printf '\n'; } >>"\$log"
		'$HULL' "\$@"
		rc=\$?
		printf '%s\n' "\$\$ exit \$rc" >>"\$log"
		exit \$rc
	EOF
	chmod 0755 "$dir/hull"
	printf '%s\n' "$dir/hull"
}

# hull_calls DIR: the calls recorded by the wrapper in DIR, as
# "hull ARGS... => exit N" lines.
hull_calls() {
	awk '
	$2 == "hull" { pid = $1; $1 = ""; sub(/^ /, ""); cmd[pid] = $0; order[++n] = pid; next }
	$2 == "exit" { rc[$1] = $3 }
	END { for (i = 1; i <= n; i++) { p = order[i]; print cmd[p] " => exit " (p in rc ? rc[p] : "?") } }
	' "$1/hull-calls.log" 2>/dev/null
}

# ---------------------------------------------------------------------------
# the image

# build_oci_image DIR: build a one-layer busybox image as an OCI image layout
# in DIR/oci and as a tarball DIR/oci.tar, named $CLIENT_IMAGE. The layer is
# the rootfs that make-bundle builds (busybox and its applet links, /etc
# files), with /etc/passwd and /etc/group extended by a user 1000.
build_oci_image() {
	local dir=$1 rootfs layer cfg manifest d_layer d_cfg d_manifest
	rootfs=$dir/rootfs
	mkdir -p "$dir"
	"$MAKE_BUNDLE" --rootfs-only -f "$rootfs" >/dev/null || fail "make-bundle failed"
	printf '%s\n' 'user:x:1000:1000:user:/tmp:/bin/sh' >>"$rootfs/etc/passwd"
	printf '%s\n' 'user:x:1000:' >>"$rootfs/etc/group"
	mkdir -p "$dir/oci/blobs/sha256"

	layer=$dir/layer.tar
	tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 \
		-C "$rootfs" -cf "$layer" . || fail "tar of the rootfs failed"
	d_layer=$(sha256sum "$layer" | cut -d' ' -f1)
	mv "$layer" "$dir/oci/blobs/sha256/$d_layer"

	cfg=$dir/config.json
	jq -n -c --arg diff "sha256:$d_layer" '{
		created: "1970-01-01T00:00:00Z",
		architecture: "amd64",
		os: "linux",
		config: {
			Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			Cmd: ["sh"],
			WorkingDir: "/"
		},
		rootfs: { type: "layers", diff_ids: [$diff] },
		history: [ { created: "1970-01-01T00:00:00Z", created_by: "build_oci_image" } ]
	}' >"$cfg" || fail "jq failed"
	d_cfg=$(sha256sum "$cfg" | cut -d' ' -f1)

	manifest=$dir/manifest.json
	jq -n -c --arg cfg "sha256:$d_cfg" --argjson cfgsize "$(stat -c %s "$cfg")" \
		--arg layer "sha256:$d_layer" \
		--argjson layersize "$(stat -c %s "$dir/oci/blobs/sha256/$d_layer")" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: { mediaType: "application/vnd.oci.image.config.v1+json",
			digest: $cfg, size: $cfgsize },
		layers: [ { mediaType: "application/vnd.oci.image.layer.v1.tar",
			digest: $layer, size: $layersize } ]
	}' >"$manifest" || fail "jq failed"
	d_manifest=$(sha256sum "$manifest" | cut -d' ' -f1)
	mv "$cfg" "$dir/oci/blobs/sha256/$d_cfg"

	jq -n -c --arg m "sha256:$d_manifest" --argjson msize "$(stat -c %s "$manifest")" \
		--arg name "$CLIENT_IMAGE" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [ {
			mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $msize,
			platform: { architecture: "amd64", os: "linux" },
			annotations: {
				"io.containerd.image.name": $name,
				"org.opencontainers.image.ref.name": $name
			}
		} ]
	}' >"$dir/oci/index.json" || fail "jq failed"
	mv "$manifest" "$dir/oci/blobs/sha256/$d_manifest"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci/oci-layout"

	tar --numeric-owner --owner=0 --group=0 -C "$dir/oci" -cf "$dir/oci.tar" \
		oci-layout index.json blobs || fail "tar of the image layout failed"
}

# ---------------------------------------------------------------------------
# containerd

CTRD_NS=${CTRD_NS:-hulltest}

requires_containerd() {
	if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
		skip "containerd and ctr are not installed (apt-get install containerd)"
	fi
	command -v containerd-shim-runc-v2 >/dev/null ||
		skip "containerd-shim-runc-v2 is not installed (apt-get install containerd)"
	[ "$(id -u)" = 0 ] || skip "containerd needs root"
	[ "$(uname -m)" = x86_64 ] || skip "the test image is built for amd64"
}

# ctrd_paths BASE: the paths of the private containerd under BASE.
ctrd_paths() {
	CTRD_DIR=$1
	CTRD_SOCK=$CTRD_DIR/ctrd.sock
	CTRD_CONFIG=$CTRD_DIR/config.toml
	CTRD_LOG=$CTRD_DIR/containerd.log
	CTRD_PIDFILE=$CTRD_DIR/containerd.pid
	# hull's --root as the shim passes it: the Root option plus the namespace.
	CTRD_HULL_ROOT=$CTRD_DIR/hull-root
	CTRD_WRAP_DIR=$CTRD_DIR/wrap
	CTRD_HULL=$CTRD_WRAP_DIR/hull
}

# ctrd_write_config: the daemon's config.toml. Only the plugins that running
# local images needs stay on: no CRI (and so no CNI or streaming server), no
# remote snapshotters, no metrics or tracing listeners. The runc shim's
# options (BinaryName, Root, SystemdCgroup) are written in the section the
# CRI plugin reads them from, for reference; with CRI off, ctr hands the same
# options to the shim with --runc-binary and --runc-root (see ctr_run).
ctrd_write_config() {
	cat >"$CTRD_CONFIG" <<-EOF
		version = 2
		root = "$CTRD_DIR/lib"
		state = "$CTRD_DIR/run"
		oom_score = 0
		disabled_plugins = [
		  "io.containerd.grpc.v1.cri",
		  "io.containerd.internal.v1.opt",
		  "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.internal.v1.tracing",
		  "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs",
		]

		[grpc]
		  address = "$CTRD_SOCK"
		  tcp_address = ""

		[ttrpc]
		  address = "$CTRD_SOCK.ttrpc"

		[debug]
		  address = ""
		  level = "debug"

		[metrics]
		  address = ""

		[plugins]
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    default_runtime_name = "hull"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull.options]
		        BinaryName = "$CTRD_HULL"
		        Root = "$CTRD_HULL_ROOT"
		        SystemdCgroup = false
	EOF
}

# ctrd_start BASE: start containerd with its state under BASE and import the
# test image. For setup_file.
ctrd_start() {
	local deadline
	ctrd_paths "$1"
	mkdir -p "$CTRD_DIR" "$CTRD_HULL_ROOT"
	# The shims put their sockets under /run/containerd whatever the
	# daemon's state directory: remember whether it was there before us.
	[ -e /run/containerd ] || : >"$CTRD_DIR/made-run-containerd"
	make_hull_wrapper "$CTRD_WRAP_DIR" >/dev/null
	# Some ctr options (--no-pivot) replace the shim's options, BinaryName
	# and Root with them, and the shim then runs "runc" from its PATH: make
	# that hull too, so that no test runs another runtime by accident.
	mkdir -p "$CTRD_WRAP_DIR/bin"
	ln -sf ../hull "$CTRD_WRAP_DIR/bin/runc"
	ctrd_write_config
	# setsid: the daemon and its shims get a session of their own, so that
	# bats does not wait on them through an inherited pipe.
	PATH=$CTRD_WRAP_DIR/bin:$PATH setsid containerd --config "$CTRD_CONFIG" </dev/null >"$CTRD_LOG" 2>&1 &
	echo $! >"$CTRD_PIDFILE"
	deadline=$((SECONDS + 30))
	until [ -S "$CTRD_SOCK" ] && ctr -a "$CTRD_SOCK" version >/dev/null 2>&1; do
		if ! kill -0 "$(cat "$CTRD_PIDFILE")" 2>/dev/null; then
			fail "containerd exited: $(tail -5 "$CTRD_LOG")"
			return 1
		fi
		if [ $SECONDS -ge $deadline ]; then
			fail "containerd did not answer on $CTRD_SOCK: $(tail -5 "$CTRD_LOG")"
			return 1
		fi
		sleep 0.1
	done
	build_oci_image "$CTRD_DIR/image" || return 1
	ctr -a "$CTRD_SOCK" -n "$CTRD_NS" images import "$CTRD_DIR/image/oci.tar" >/dev/null 2>"$CTRD_DIR/import.err" ||
		{ fail "ctr images import failed: $(cat "$CTRD_DIR/import.err")"; return 1; }
}

# ctrd_shim_pids: the shims serving our daemon (their -address is our socket).
ctrd_shim_pids() {
	local p
	for p in $(pgrep containerd-shim); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" | grep -qxF -- "$CTRD_SOCK" && printf '%s\n' "$p"
	done
	return 0
}

# ctrd_clean_tasks: kill and delete every task and container of our namespace.
ctrd_clean_tasks() {
	local id i
	for id in $(ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks ls -q 2>/dev/null); do
		ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks resume "$id" >/dev/null 2>&1 || true
		ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
		for ((i = 0; i < 100; i++)); do
			ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks delete "$id" >/dev/null 2>&1 && break
			sleep 0.1
		done
	done
	for id in $(ctr -a "$CTRD_SOCK" -n "$CTRD_NS" containers ls -q 2>/dev/null); do
		ctr -a "$CTRD_SOCK" -n "$CTRD_NS" containers delete "$id" >/dev/null 2>&1 || true
	done
}

# ctrd_leftovers: print what hull, the shims or the cgroups left behind.
ctrd_leftovers() {
	local d
	d=$(find "$CTRD_HULL_ROOT" /run/containerd/runc/"$CTRD_NS" -mindepth 1 -maxdepth 2 \
		! -name "$CTRD_NS" 2>/dev/null)
	[ -z "$d" ] || printf 'hull state left: %s\n' "$d"
	for d in /sys/fs/cgroup/*/"$CTRD_NS"/* /sys/fs/cgroup/unified/"$CTRD_NS"/*; do
		[ -d "$d" ] && printf 'cgroup left: %s\n' "$d"
	done
	d=$(ctr -a "$CTRD_SOCK" -n "$CTRD_NS" tasks ls -q 2>/dev/null)
	[ -z "$d" ] || printf 'tasks left: %s\n' "$d"
	return 0
}

# ctrd_stop: for teardown_file. Stop everything, remove the cgroup parents
# made for our namespace, unmount what is mounted under the daemon's
# directory, and fail if hull state or cgroups were left.
ctrd_stop() {
	local problems=() pid p i m d
	[ -n "${CTRD_DIR:-}" ] || return 0
	if [ -S "$CTRD_SOCK" ]; then
		ctrd_clean_tasks
		while IFS= read -r p; do
			[ -n "$p" ] && problems+=("$p")
		done < <(ctrd_leftovers)
	fi
	pid=$(cat "$CTRD_PIDFILE" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	for p in $(ctrd_shim_pids); do
		problems+=("shim $p still running")
		kill -KILL "$p" 2>/dev/null || true
	done
	while IFS= read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$CTRD_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	for d in /sys/fs/cgroup/*/"$CTRD_NS"/* /sys/fs/cgroup/unified/"$CTRD_NS"/*; do
		[ -d "$d" ] || continue
		problems+=("cgroup left: $d")
		rmdir "$d" 2>/dev/null || true
	done
	for d in /sys/fs/cgroup/*/"$CTRD_NS" /sys/fs/cgroup/unified/"$CTRD_NS"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	if [ -e "$CTRD_DIR/made-run-containerd" ]; then
		rmdir /run/containerd/runc/"$CTRD_NS" /run/containerd/runc /run/containerd/s \
			/run/containerd/fifo /run/containerd 2>/dev/null || true
	fi
	rm -rf "$CTRD_DIR" 2>/dev/null || true
	if [ ${#problems[@]} -gt 0 ]; then
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# ctrc ARGS...: ctr, talking to our daemon in our namespace.
ctrc() {
	timeout -k 5 "${HULL_TEST_TIMEOUT:-60}" ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"
}

# ctr_run [CTR-RUN-OPTION...] -- ID [ARG...]: `ctr run` of the test image
# through the runc shim with hull as its binary.
ctr_run() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	local id=$1
	shift
	ctrc run --runtime io.containerd.runc.v2 \
		--runc-binary "$CTRD_HULL" --runc-root "$CTRD_HULL_ROOT" \
		"${opts[@]}" "$CLIENT_IMAGE" "$id" "$@"
}

# ctr_task_status ID: RUNNING, PAUSED, STOPPED, ...
ctr_task_status() {
	ctrc tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_task_status ID STATUS [SECONDS]
wait_task_status() {
	local id=$1 want=$2 deadline=$((SECONDS + ${3:-10})) got
	while :; do
		got=$(ctr_task_status "$id")
		[ "$got" = "$want" ] && return 0
		[ $SECONDS -ge $deadline ] && { fail "task $id: status '$got', expected '$want'"; return 1; }
		sleep 0.05
	done
}

# ctr_bundle ID: the bundle directory the shim made for ID (its log.json is
# hull's --log).
ctr_bundle() {
	printf '%s\n' "$CTRD_DIR/run/io.containerd.runtime.v2.task/$CTRD_NS/$1"
}

# show_hull_calls: on failure, what the clients asked of hull.
show_hull_calls() {
	printf '# hull calls:\n' >&2
	hull_calls "$1" | sed 's/^/#   /' >&2
}
