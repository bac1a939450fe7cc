/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unit.h"

/* JSON in this file is written with single quotes; q() turns them into
 * double quotes so that the documents stay readable. */
static char *q(const char *text)
{
    char *s = strdup(text);
    if (s == NULL)
        abort();
    for (char *c = s; *c != '\0'; c++)
        if (*c == '\'')
            *c = '"';
    return s;
}

static int parse_q(const char *text, struct spec *s, struct hull_error *err)
{
    char *json = q(text);
    int r = spec_parse(json, strlen(json), s, err);
    free(json);
    return r;
}

static const struct spec zero_spec;

/* Parse a document that must be rejected with exactly msg, and check that
 * the failure left the spec empty. */
static void expect_error_at(int line, const char *text, const char *msg)
{
    struct spec s;
    struct hull_error err = { 0, "" };
    int r = parse_q(text, &s, &err);

    if (r >= 0) {
        unit_fail(__FILE__, line, "parse succeeded, expected \"%s\"", msg);
        spec_free(&s);
        return;
    }
    if (strcmp(err.msg, msg) != 0)
        unit_fail(__FILE__, line, "error \"%s\", expected \"%s\"", err.msg, msg);
    if (r != -err.code || r != -EINVAL)
        unit_fail(__FILE__, line, "returned %d with code %d", r, err.code);
    if (memcmp(&s, &zero_spec, sizeof s) != 0)
        unit_fail(__FILE__, line, "spec not cleared after failure");
}

#define EXPECT_ERROR(text, msg) expect_error_at(__LINE__, (text), (msg))

static void expect_ok_at(int line, const char *text, struct spec *s)
{
    struct hull_error err = { 0, "" };
    if (parse_q(text, s, &err) < 0)
        unit_fail(__FILE__, line, "parse failed: %s", err.msg);
}

#define EXPECT_OK(text, s) expect_ok_at(__LINE__, (text), (s))

/* Small documents around the part under test. */
#define DOC(rest) "{'ociVersion':'1.2.0','root':{'path':'rootfs'}," rest "}"
#define PROC(rest) DOC("'process':{'cwd':'/','args':['sh']," rest "}")
#define LINUX(rest) DOC("'linux':{" rest "}")
#define RES(rest) LINUX("'resources':{" rest "}")
#define SECCOMP(rest) LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'," rest "}")

static const char full_config[] =
    "{"
    " 'ociVersion': '1.2.0',"
    " 'process': {"
    "  'terminal': true,"
    "  'consoleSize': {'height': 25, 'width': 80},"
    "  'user': {'uid': 1000, 'gid': 100, 'umask': 18, 'additionalGids': [5, 6, 4294967294],"
    "           'username': 'me'},"
    "  'args': ['sh', '-c', 'echo hi'],"
    "  'env': ['PATH=/usr/bin:/bin', 'TERM=xterm', 'EMPTY='],"
    "  'cwd': '/home/me',"
    "  'capabilities': {"
    "   'bounding': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
    "   'effective': ['CAP_KILL'],"
    "   'inheritable': [],"
    "   'permitted': ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],"
    "   'ambient': ['CAP_NET_BIND_SERVICE']"
    "  },"
    "  'rlimits': ["
    "   {'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 512},"
    "   {'type': 'RLIMIT_CORE', 'hard': 18446744073709551615, 'soft': 0}"
    "  ],"
    "  'noNewPrivileges': true,"
    "  'apparmorProfile': 'hull-default',"
    "  'oomScoreAdj': -1000,"
    "  'scheduler': {'policy': 'SCHED_DEADLINE', 'nice': -20, 'priority': 0,"
    "                'flags': ['SCHED_FLAG_RESET_ON_FORK'], 'runtime': 10000000,"
    "                'deadline': 20000000, 'period': 30000000},"
    "  'selinuxLabel': 'system_u:system_r:container_t:s0',"
    "  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 7},"
    "  'execCPUAffinity': {'initial': '0', 'final': '0-3,7'}"
    " },"
    " 'root': {'path': 'rootfs', 'readonly': true},"
    " 'hostname': 'box',"
    " 'domainname': 'example.org',"
    " 'mounts': ["
    "  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
    "  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
    "  {'destination': '/data', 'source': '/srv/data', 'options': ['rbind', 'idmap'],"
    "   'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
    "   'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 1000}]}"
    " ],"
    " 'hooks': {"
    "  'prestart': [{'path': '/usr/bin/netns-setup', 'args': ['netns-setup', 'up'],"
    "                'env': ['A=1'], 'timeout': 5}],"
    "  'createRuntime': [{'path': '/bin/cr1'}, {'path': '/bin/cr2'}],"
    "  'createContainer': [{'path': '/bin/cc'}],"
    "  'startContainer': [{'path': '/bin/sc'}],"
    "  'poststart': [{'path': '/bin/ps'}],"
    "  'poststop': [{'path': '/bin/pst', 'timeout': 2147483647}]"
    " },"
    " 'annotations': {'org.example.key': 'value', 'empty': ''},"
    " 'linux': {"
    "  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/var/run/netns/x'},"
    "                 {'type': 'mount'}, {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'},"
    "                 {'type': 'cgroup'}, {'type': 'time'}],"
    "  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1},"
    "                  {'containerID': 1, 'hostID': 100000, 'size': 65535}],"
    "  'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 32000}],"
    "  'timeOffsets': {'monotonic': {'secs': -9223372036854775808, 'nanosecs': 999999999},"
    "                  'boottime': {'secs': 86400}},"
    "  'devices': ["
    "   {'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229, 'fileMode': 438,"
    "    'uid': 0, 'gid': 0},"
    "   {'type': 'b', 'path': '/dev/sda', 'major': 4095, 'minor': 1048575},"
    "   {'type': 'p', 'path': '/dev/fifo'}"
    "  ],"
    "  'cgroupsPath': '/hull/box',"
    "  'resources': {"
    "   'devices': [{'allow': false, 'access': 'rwm'},"
    "               {'allow': true, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'},"
    "               {'allow': true, 'type': 'b', 'major': -1, 'minor': 3}],"
    "   'memory': {'limit': 536870912, 'reservation': 268435456, 'swap': -1, 'kernel': -1,"
    "              'kernelTCP': 0, 'swappiness': 60, 'disableOOMKiller': false,"
    "              'useHierarchy': true, 'checkBeforeUpdate': true},"
    "   'cpu': {'shares': 1024, 'quota': 100000, 'burst': 5000, 'period': 100000,"
    "           'realtimeRuntime': 950000, 'realtimePeriod': 1000000, 'cpus': '0-3',"
    "           'mems': '0', 'idle': 1},"
    "   'pids': {'limit': 32771},"
    "   'blockIO': {'weight': 500, 'leafWeight': 300,"
    "               'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 100},"
    "                                {'major': 8, 'minor': 16, 'leafWeight': 50}],"
    "               'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 600}],"
    "               'throttleWriteBpsDevice': [{'major': 8, 'minor': 1, 'rate': 700}],"
    "               'throttleReadIOPSDevice': [{'major': 8, 'minor': 2, 'rate': 800}],"
    "               'throttleWriteIOPSDevice': [{'major': 8, 'minor': 3, 'rate': 900},"
    "                                           {'major': 8, 'minor': 4, 'rate': 901}]},"
    "   'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200},"
    "                      {'pageSize': '1GB', 'limit': 0}],"
    "   'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', 'priority': 500}]},"
    "   'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000}, 'rxe3': {'hcaObjects': 7}},"
    "   'unified': {'memory.high': '1G', 'io.max': '8:0 rbps=1024'}"
    "  },"
    "  'rootfsPropagation': 'rslave',"
    "  'seccomp': {"
    "   'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
    "   'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],"
    "   'flags': ['SECCOMP_FILTER_FLAG_LOG'],"
    "   'listenerPath': '/run/agent.sock', 'listenerMetadata': 'meta',"
    "   'syscalls': ["
    "    {'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'},"
    "    {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
    "     'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'},"
    "              {'index': 5, 'value': 18446744073709551615, 'valueTwo': 4,"
    "               'op': 'SCMP_CMP_MASKED_EQ'}]},"
    "    {'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1},"
    "    {'names': ['mount'], 'action': 'SCMP_ACT_NOTIFY'}"
    "   ]"
    "  },"
    "  'sysctl': {'net.ipv4.ip_forward': '1', 'net/core/somaxconn': '256'},"
    "  'maskedPaths': ['/proc/kcore', '/sys/firmware'],"
    "  'readonlyPaths': ['/proc/sys'],"
    "  'mountLabel': 'system_u:object_r:container_file_t:s0',"
    "  'personality': {'domain': 'LINUX32', 'flags': []},"
    "  'intelRdt': {'closID': 'guaranteed', 'l3CacheSchema': 'L3:0=7f0', 'memBwSchema': 'MB:0=20',"
    "               'schemata': ['L2:0=f'], 'enableMonitoring': true, 'enableCMT': true,"
    "               'enableMBM': false},"
    "  'netDevices': {'eth1': {'name': 'ctr0'}, 'dummy0': {}}"
    " }"
    "}";

static void check_process(const struct spec_process *p)
{
    CHECK(p->terminal);
    CHECK(p->console_height.set && p->console_height.v == 25);
    CHECK(p->console_width.set && p->console_width.v == 80);
    CHECK_UINT_EQ(p->user.uid, 1000);
    CHECK_UINT_EQ(p->user.gid, 100);
    CHECK(p->user.umask.set && p->user.umask.v == 022);
    REQUIRE(p->user.n_additional_gids == 3);
    CHECK_UINT_EQ(p->user.additional_gids[0], 5);
    CHECK_UINT_EQ(p->user.additional_gids[2], 4294967294u);
    CHECK_STR_EQ(p->user.username, "me");
    REQUIRE(p->args.n == 3);
    CHECK_STR_EQ(p->args.v[0], "sh");
    CHECK_STR_EQ(p->args.v[2], "echo hi");
    REQUIRE(p->env.n == 3);
    CHECK_STR_EQ(p->env.v[2], "EMPTY=");
    CHECK_STR_EQ(p->cwd, "/home/me");
    CHECK(p->capabilities.present);
    CHECK_UINT_EQ(p->capabilities.bounding.n, 3);
    CHECK_STR_EQ(p->capabilities.bounding.v[2], "CAP_NET_BIND_SERVICE");
    CHECK_UINT_EQ(p->capabilities.inheritable.n, 0);
    CHECK_STR_EQ(p->capabilities.ambient.v[0], "CAP_NET_BIND_SERVICE");
    REQUIRE(p->n_rlimits == 2);
    CHECK_INT_EQ(p->rlimits[0].resource, RLIMIT_NOFILE);
    CHECK_STR_EQ(p->rlimits[0].type, "RLIMIT_NOFILE");
    CHECK_UINT_EQ(p->rlimits[0].hard, 1024);
    CHECK_UINT_EQ(p->rlimits[0].soft, 512);
    CHECK_INT_EQ(p->rlimits[1].resource, RLIMIT_CORE);
    CHECK_UINT_EQ(p->rlimits[1].hard, UINT64_MAX);
    CHECK(p->no_new_privileges);
    CHECK_STR_EQ(p->apparmor_profile, "hull-default");
    CHECK(p->oom_score_adj.set && p->oom_score_adj.v == -1000);
    CHECK_STR_EQ(p->selinux_label, "system_u:system_r:container_t:s0");
    CHECK_STR_EQ(p->exec_cpu_affinity_initial, "0");
    CHECK_STR_EQ(p->exec_cpu_affinity_final, "0-3,7");
}

static void check_process_sched(const struct spec_process *p)
{
    const struct spec_scheduler *sc = &p->scheduler;

    CHECK(sc->present);
    CHECK_STR_EQ(sc->policy, "SCHED_DEADLINE");
    CHECK_INT_EQ(sc->policy_value, 6);
    CHECK(sc->nice.set && sc->nice.v == -20);
    CHECK(sc->priority.set && sc->priority.v == 0);
    REQUIRE(sc->flags.n == 1);
    CHECK_STR_EQ(sc->flags.v[0], "SCHED_FLAG_RESET_ON_FORK");
    CHECK(sc->runtime.set && sc->runtime.v == 10000000);
    CHECK(sc->deadline.set && sc->deadline.v == 20000000);
    CHECK(sc->period.set && sc->period.v == 30000000);
    CHECK(p->io_priority.present);
    CHECK_STR_EQ(p->io_priority.klass, "IOPRIO_CLASS_BE");
    CHECK_INT_EQ(p->io_priority.class_value, 2);
    CHECK_INT_EQ(p->io_priority.priority, 7);
}

static void check_top(const struct spec *s)
{
    CHECK_STR_EQ(s->oci_version, "1.2.0");
    CHECK_STR_EQ(s->root_path, "rootfs");
    CHECK(s->root_readonly);
    CHECK_STR_EQ(s->hostname, "box");
    CHECK_STR_EQ(s->domainname, "example.org");
    REQUIRE(s->n_mounts == 3);
    CHECK_STR_EQ(s->mounts[0].destination, "/proc");
    CHECK_STR_EQ(s->mounts[0].type, "proc");
    CHECK_UINT_EQ(s->mounts[0].options.n, 0);
    CHECK_UINT_EQ(s->mounts[1].options.n, 4);
    CHECK_STR_EQ(s->mounts[1].options.v[3], "size=65536k");
    CHECK(s->mounts[2].type == NULL);
    CHECK_STR_EQ(s->mounts[2].source, "/srv/data");
    REQUIRE(s->mounts[2].uid_mappings.n == 1 && s->mounts[2].gid_mappings.n == 1);
    CHECK_UINT_EQ(s->mounts[2].uid_mappings.v[0].host_id, 100000);
    CHECK_UINT_EQ(s->mounts[2].uid_mappings.v[0].size, 65536);
    CHECK_UINT_EQ(s->mounts[2].gid_mappings.v[0].host_id, 200000);
    REQUIRE(s->annotations.n == 2);
    CHECK_STR_EQ(s->annotations.v[0].key, "org.example.key");
    CHECK_STR_EQ(s->annotations.v[0].value, "value");
    CHECK_STR_EQ(s->annotations.v[1].value, "");
}

static void check_hooks(const struct spec *s)
{
    const struct spec_hook_list *pre = &s->hooks[HOOK_PRESTART];

    REQUIRE(pre->n == 1);
    CHECK_STR_EQ(pre->v[0].path, "/usr/bin/netns-setup");
    REQUIRE(pre->v[0].args.n == 2);
    CHECK_STR_EQ(pre->v[0].args.v[1], "up");
    CHECK_STR_EQ(pre->v[0].env.v[0], "A=1");
    CHECK(pre->v[0].timeout.set && pre->v[0].timeout.v == 5);
    REQUIRE(s->hooks[HOOK_CREATE_RUNTIME].n == 2);
    CHECK_STR_EQ(s->hooks[HOOK_CREATE_RUNTIME].v[1].path, "/bin/cr2");
    CHECK(!s->hooks[HOOK_CREATE_RUNTIME].v[1].timeout.set);
    CHECK_UINT_EQ(s->hooks[HOOK_CREATE_CONTAINER].n, 1);
    CHECK_UINT_EQ(s->hooks[HOOK_START_CONTAINER].n, 1);
    CHECK_UINT_EQ(s->hooks[HOOK_POSTSTART].n, 1);
    REQUIRE(s->hooks[HOOK_POSTSTOP].n == 1);
    CHECK_INT_EQ(s->hooks[HOOK_POSTSTOP].v[0].timeout.v, 2147483647);
}

static void check_linux_isolation(const struct spec_linux *l)
{
    REQUIRE(l->n_namespaces == 8);
    CHECK_INT_EQ(l->namespaces[0].type, NS_PID);
    CHECK(l->namespaces[0].path == NULL);
    CHECK_INT_EQ(l->namespaces[1].type, NS_NETWORK);
    CHECK_STR_EQ(l->namespaces[1].path, "/var/run/netns/x");
    CHECK_INT_EQ(l->namespaces[7].type, NS_TIME);
    REQUIRE(l->uid_mappings.n == 2 && l->gid_mappings.n == 1);
    CHECK_UINT_EQ(l->uid_mappings.v[1].container_id, 1);
    CHECK_UINT_EQ(l->uid_mappings.v[1].host_id, 100000);
    CHECK_UINT_EQ(l->uid_mappings.v[1].size, 65535);
    CHECK_UINT_EQ(l->gid_mappings.v[0].size, 32000);
    CHECK(l->time_monotonic.set);
    CHECK(l->time_monotonic.secs == INT64_MIN);
    CHECK_UINT_EQ(l->time_monotonic.nanosecs, 999999999);
    CHECK(l->time_boottime.set && l->time_boottime.secs == 86400 && l->time_boottime.nanosecs == 0);
    REQUIRE(l->n_devices == 3);
    CHECK(l->devices[0].type == 'c');
    CHECK_STR_EQ(l->devices[0].path, "/dev/fuse");
    CHECK_INT_EQ(l->devices[0].major, 10);
    CHECK_INT_EQ(l->devices[0].minor, 229);
    CHECK(l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666);
    CHECK(l->devices[0].uid.set && l->devices[0].gid.set);
    CHECK(l->devices[1].type == 'b' && l->devices[1].major == 4095 && l->devices[1].minor == 1048575);
    CHECK(!l->devices[1].file_mode.set);
    CHECK(l->devices[2].type == 'p');
    CHECK_STR_EQ(l->cgroups_path, "/hull/box");
    CHECK_STR_EQ(l->rootfs_propagation, "rslave");
    REQUIRE(l->net_devices.n == 2);
    CHECK_STR_EQ(l->net_devices.v[0].key, "eth1");
    CHECK_STR_EQ(l->net_devices.v[0].value, "ctr0");
    CHECK_STR_EQ(l->net_devices.v[1].key, "dummy0");
    CHECK(l->net_devices.v[1].value == NULL);
}

static void check_resources_a(const struct spec_resources *r)
{
    CHECK(r->present);
    REQUIRE(r->n_devices == 3);
    CHECK(!r->devices[0].allow);
    CHECK(r->devices[0].type == 'a');
    CHECK(!r->devices[0].major.set && !r->devices[0].minor.set);
    CHECK_STR_EQ(r->devices[0].access, "rwm");
    CHECK(r->devices[1].allow && r->devices[1].type == 'c');
    CHECK(r->devices[1].major.set && r->devices[1].major.v == 10);
    CHECK(r->devices[1].minor.set && r->devices[1].minor.v == 229);
    CHECK(!r->devices[2].major.set);
    CHECK(r->devices[2].minor.set && r->devices[2].minor.v == 3);
    CHECK(r->devices[2].access == NULL);
    CHECK(r->memory.present);
    CHECK(r->memory.limit.set && r->memory.limit.v == 536870912);
    CHECK(r->memory.swap.set && r->memory.swap.v == -1);
    CHECK(r->memory.kernel_tcp.set && r->memory.kernel_tcp.v == 0);
    CHECK(r->memory.swappiness.set && r->memory.swappiness.v == 60);
    CHECK(r->memory.disable_oom_killer.set && !r->memory.disable_oom_killer.v);
    CHECK(r->memory.use_hierarchy.set && r->memory.use_hierarchy.v);
    CHECK(r->memory.check_before_update.set && r->memory.check_before_update.v);
    CHECK(r->cpu.present);
    CHECK(r->cpu.shares.v == 1024 && r->cpu.quota.v == 100000 && r->cpu.burst.v == 5000);
    CHECK(r->cpu.period.v == 100000 && r->cpu.realtime_runtime.v == 950000);
    CHECK(r->cpu.realtime_period.v == 1000000 && r->cpu.idle.set && r->cpu.idle.v == 1);
    CHECK_STR_EQ(r->cpu.cpus, "0-3");
    CHECK_STR_EQ(r->cpu.mems, "0");
    CHECK(r->pids.present && r->pids.limit.set && r->pids.limit.v == 32771);
}

static void check_resources_b(const struct spec_resources *r)
{
    CHECK(r->block_io.present);
    CHECK(r->block_io.weight.v == 500 && r->block_io.leaf_weight.v == 300);
    REQUIRE(r->block_io.n_weight_device == 2);
    CHECK(r->block_io.weight_device[0].weight.v == 600);
    CHECK(!r->block_io.weight_device[1].weight.set);
    CHECK(r->block_io.weight_device[1].minor == 16 && r->block_io.weight_device[1].leaf_weight.v == 50);
    REQUIRE(r->block_io.throttle_read_bps.n == 1 && r->block_io.throttle_write_iops.n == 2);
    CHECK(r->block_io.throttle_read_bps.v[0].rate == 600);
    CHECK(r->block_io.throttle_write_bps.v[0].rate == 700);
    CHECK(r->block_io.throttle_read_iops.v[0].minor == 2);
    CHECK(r->block_io.throttle_write_iops.v[1].rate == 901);
    REQUIRE(r->n_hugepage_limits == 2);
    CHECK_STR_EQ(r->hugepage_limits[0].page_size, "2MB");
    CHECK_UINT_EQ(r->hugepage_limits[0].limit, 209715200);
    CHECK_STR_EQ(r->hugepage_limits[1].page_size, "1GB");
    CHECK(r->network.present && r->network.class_id.v == 1048577);
    REQUIRE(r->network.n_priorities == 1);
    CHECK_STR_EQ(r->network.priorities[0].name, "eth0");
    CHECK_UINT_EQ(r->network.priorities[0].priority, 500);
    REQUIRE(r->n_rdma == 2);
    CHECK_STR_EQ(r->rdma[0].device, "mlx5_1");
    CHECK(r->rdma[0].hca_handles.v == 3 && r->rdma[0].hca_objects.v == 10000);
    CHECK(!r->rdma[1].hca_handles.set && r->rdma[1].hca_objects.v == 7);
    REQUIRE(r->unified.n == 2);
    CHECK_STR_EQ(r->unified.v[1].key, "io.max");
    CHECK_STR_EQ(r->unified.v[1].value, "8:0 rbps=1024");
}

static void check_seccomp(const struct spec_seccomp *sc)
{
    CHECK(sc->present);
    CHECK_STR_EQ(sc->default_action, "SCMP_ACT_ERRNO");
    CHECK(sc->default_errno_ret.set && sc->default_errno_ret.v == 38);
    REQUIRE(sc->architectures.n == 2 && sc->flags.n == 1);
    CHECK_STR_EQ(sc->architectures.v[1], "SCMP_ARCH_X86");
    CHECK_STR_EQ(sc->flags.v[0], "SECCOMP_FILTER_FLAG_LOG");
    CHECK_STR_EQ(sc->listener_path, "/run/agent.sock");
    CHECK_STR_EQ(sc->listener_metadata, "meta");
    REQUIRE(sc->n_syscalls == 4);
    CHECK(sc->syscalls[0].names.n == 2 && sc->syscalls[0].n_args == 0);
    CHECK(!sc->syscalls[0].errno_ret.set);
    REQUIRE(sc->syscalls[1].n_args == 2);
    CHECK(sc->syscalls[1].args[0].index == 0 && sc->syscalls[1].args[0].value == 8);
    CHECK(sc->syscalls[1].args[0].value_two == 0);
    CHECK_STR_EQ(sc->syscalls[1].args[0].op, "SCMP_CMP_EQ");
    CHECK(sc->syscalls[1].args[1].index == 5 && sc->syscalls[1].args[1].value == UINT64_MAX);
    CHECK(sc->syscalls[1].args[1].value_two == 4);
    CHECK(sc->syscalls[2].errno_ret.set && sc->syscalls[2].errno_ret.v == 1);
    CHECK_STR_EQ(sc->syscalls[3].action, "SCMP_ACT_NOTIFY");
}

static void check_linux_misc(const struct spec_linux *l)
{
    REQUIRE(l->sysctl.n == 2);
    CHECK_STR_EQ(l->sysctl.v[0].key, "net.ipv4.ip_forward");
    CHECK_STR_EQ(l->sysctl.v[1].value, "256");
    REQUIRE(l->masked_paths.n == 2 && l->readonly_paths.n == 1);
    CHECK_STR_EQ(l->masked_paths.v[1], "/sys/firmware");
    CHECK_STR_EQ(l->readonly_paths.v[0], "/proc/sys");
    CHECK_STR_EQ(l->mount_label, "system_u:object_r:container_file_t:s0");
    CHECK(l->personality.present);
    CHECK_STR_EQ(l->personality.domain, "LINUX32");
    CHECK_UINT_EQ(l->personality.flags.n, 0);
    CHECK(l->intel_rdt.present);
    CHECK_STR_EQ(l->intel_rdt.clos_id, "guaranteed");
    CHECK_STR_EQ(l->intel_rdt.l3_cache_schema, "L3:0=7f0");
    CHECK_STR_EQ(l->intel_rdt.mem_bw_schema, "MB:0=20");
    REQUIRE(l->intel_rdt.schemata.n == 1);
    CHECK_STR_EQ(l->intel_rdt.schemata.v[0], "L2:0=f");
    CHECK(l->intel_rdt.enable_monitoring && l->intel_rdt.enable_cmt && !l->intel_rdt.enable_mbm);
}

TEST(full_config_is_parsed)
{
    struct spec s;
    struct hull_error err = { 0, "" };
    int r = parse_q(full_config, &s, &err);

    if (r < 0)
        unit_fail(__FILE__, __LINE__, "parse failed: %s", err.msg);
    REQUIRE(r == 0);
    CHECK(s.tree != NULL);
    CHECK(s.has_process && s.has_linux);
    check_top(&s);
    check_process(&s.process);
    check_process_sched(&s.process);
    check_hooks(&s);
    check_linux_isolation(&s.linux_);
    check_resources_a(&s.linux_.resources);
    check_resources_b(&s.linux_.resources);
    check_seccomp(&s.linux_.seccomp);
    check_linux_misc(&s.linux_);
    spec_free(&s);
    CHECK(memcmp(&s, &zero_spec, sizeof s) == 0);
}

TEST(runc_spec_output_is_parsed)
{
    static const char runc_spec[] =
        "{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"process\": {\n\t\t\"terminal\": true,\n"
        "\t\t\"user\": {\"uid\": 0, \"gid\": 0},\n\t\t\"args\": [\"sh\"],\n"
        "\t\t\"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
        " \"TERM=xterm\"],\n\t\t\"cwd\": \"/\",\n"
        "\t\t\"capabilities\": {\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\"],"
        " \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]},\n"
        "\t\t\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
        "\t\t\"noNewPrivileges\": true\n\t},\n"
        "\t\"root\": {\"path\": \"rootfs\", \"readonly\": true},\n\t\"hostname\": \"runc\",\n"
        "\t\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],\n"
        "\t\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
        "\t\t\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
        " {\"type\": \"uts\"}, {\"type\": \"mount\"}],\n"
        "\t\t\"maskedPaths\": [\"/proc/acpi\"], \"readonlyPaths\": [\"/proc/bus\"]\n\t}\n}\n";
    struct spec s;
    struct hull_error err = { 0, "" };

    REQUIRE(spec_parse(runc_spec, strlen(runc_spec), &s, &err) == 0);
    CHECK_STR_EQ(s.oci_version, "1.0.2-dev");
    CHECK_UINT_EQ(s.linux_.n_namespaces, 5);
    CHECK(spec_find_namespace(&s, NS_USER) == NULL);
    CHECK(spec_find_namespace(&s, NS_MOUNT) == &s.linux_.namespaces[4]);
    CHECK(s.process.capabilities.present && s.process.capabilities.inheritable.n == 0);
    spec_free(&s);
}

TEST(minimal_config_has_defaults)
{
    struct spec s;

    EXPECT_OK("{'ociVersion':'1.2.0','root':{'path':'rootfs'}}", &s);
    CHECK(!s.has_process && !s.has_linux && !s.root_readonly);
    CHECK(s.n_mounts == 0 && s.mounts == NULL && s.hostname == NULL);
    CHECK(s.linux_.seccomp.present == false && s.linux_.resources.present == false);
    for (int k = 0; k < HOOK_KIND_COUNT; k++)
        CHECK(s.hooks[k].n == 0);
    spec_free(&s);
}

TEST(process_defaults)
{
    struct spec s;

    EXPECT_OK(DOC("'process':{'cwd':'/','args':['true']}"), &s);
    CHECK(s.has_process);
    CHECK(!s.process.terminal && !s.process.no_new_privileges);
    CHECK(s.process.user.uid == 0 && s.process.user.gid == 0 && !s.process.user.umask.set);
    CHECK(!s.process.capabilities.present && !s.process.scheduler.present);
    CHECK(!s.process.io_priority.present && !s.process.oom_score_adj.set);
    CHECK(!s.process.console_height.set && s.process.n_rlimits == 0);
    spec_free(&s);
}

TEST(null_is_absent)
{
    struct spec s;

    EXPECT_OK(DOC("'process':null,'hostname':null,'mounts':null,'hooks':{'prestart':null},"
                  "'linux':{'seccomp':null,'resources':{'memory':{'limit':null,'swap':null}},"
                  "'namespaces':[{'type':'pid','path':null}],'rootfsPropagation':null}"),
              &s);
    CHECK(!s.has_process && s.hostname == NULL && s.n_mounts == 0);
    CHECK(s.hooks[HOOK_PRESTART].n == 0);
    CHECK(s.has_linux && !s.linux_.seccomp.present);
    CHECK(s.linux_.resources.memory.present && !s.linux_.resources.memory.limit.set);
    CHECK(s.linux_.n_namespaces == 1 && s.linux_.namespaces[0].path == NULL);
    CHECK(s.linux_.rootfs_propagation == NULL);
    spec_free(&s);
    EXPECT_ERROR("{'ociVersion':null,'root':{'path':'rootfs'}}", "ociVersion: missing");
    EXPECT_ERROR("{'ociVersion':'invalid','root':{'path':'rootfs'}}",
                 "ociVersion: \"invalid\" is not a supported version (want 1.x.y)");
    EXPECT_ERROR("{'ociVersion':'2.0.0','root':{'path':'rootfs'}}",
                 "ociVersion: \"2.0.0\" is not a supported version (want 1.x.y)");
    EXPECT_ERROR("{'ociVersion':'1.01.0','root':{'path':'rootfs'}}",
                 "ociVersion: \"1.01.0\" is not a supported version (want 1.x.y)");
    EXPECT_ERROR(DOC("'process':{'cwd':null,'args':['sh']}"), "process.cwd: missing");
    EXPECT_ERROR(LINUX("'seccomp':{'defaultAction':null}"), "linux.seccomp.defaultAction: missing");
}

TEST(unknown_fields_are_ignored)
{
    struct spec s;

    EXPECT_OK(DOC("'x-vendor':{'deep':[1,2,{'a':[true,null]}]},'windows':{'layerFolders':[]},"
                  "'process':{'cwd':'/','args':['sh'],'commandLine':'sh','future':7},"
                  "'linux':{'memoryPolicy':{'mode':'MPOL_BIND'},'timeOffsets':{'realtime':{}}}"),
              &s);
    CHECK(s.has_process && s.has_linux);
    CHECK(!s.linux_.time_monotonic.set && !s.linux_.time_boottime.set);
    spec_free(&s);
}

TEST(raw_text_errors)
{
    EXPECT_ERROR("{} x", "invalid JSON: parse error: trailing garbage");
    EXPECT_ERROR("{}{}", "invalid JSON: parse error: trailing garbage");
    EXPECT_ERROR("", "invalid JSON: parse error: premature EOF");
    EXPECT_ERROR("{'ociVersion':", "invalid JSON: parse error: premature EOF");
    EXPECT_ERROR("{'a':tru}", "invalid JSON: lexical error: invalid string in json text.");
    EXPECT_ERROR("[]", "the top-level value is not an object");
    EXPECT_ERROR("1", "the top-level value is not an object");
    EXPECT_ERROR("'str'", "the top-level value is not an object");
    EXPECT_ERROR("null", "the top-level value is not an object");
    EXPECT_ERROR("{} // c", "byte 3: comments are not allowed");
    EXPECT_ERROR("{/* c */}", "byte 1: comments are not allowed");
    EXPECT_ERROR("{'a':'x\\u0000y'}", "byte 7: \\u0000 in a string");
    /* an escaped backslash before u0000 is plain text, and '/' in strings is fine */
    struct spec s;
    EXPECT_OK(DOC("'hostname':'a\\\\u0000/b'"), &s);
    CHECK_STR_EQ(s.hostname, "a\\u0000/b");
    spec_free(&s);
}

TEST(embedded_nul_is_rejected)
{
    static const char doc[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}\0{}";
    struct spec s;
    struct hull_error err = { 0, "" };

    CHECK_INT_EQ(spec_parse(doc, sizeof doc - 1, &s, &err), -EINVAL);
    CHECK_STR_EQ(err.msg, "byte 42: NUL byte in JSON text");
    CHECK_INT_EQ(spec_parse(doc, strlen(doc), &s, &err), 0);
    spec_free(&s);
}

TEST(input_need_not_be_nul_terminated)
{
    static const char doc[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}GARBAGE";
    struct spec s;
    struct hull_error err = { 0, "" };

    CHECK_INT_EQ(spec_parse(doc, strlen(doc) - 7, &s, &err), 0);
    CHECK_STR_EQ(s.root_path, "r");
    spec_free(&s);
}

TEST(deep_nesting_is_rejected)
{
    size_t n = 100000;
    char *doc = malloc(2 * n + 1);
    struct spec s;
    struct hull_error err = { 0, "" };

    REQUIRE(doc != NULL);
    memset(doc, '[', n);
    memset(doc + n, ']', n);
    doc[2 * n] = '\0';
    CHECK_INT_EQ(spec_parse(doc, 2 * n, &s, &err), -EINVAL);
    CHECK_STR_EQ(err.msg, "byte 64: nested deeper than 64 levels");
    free(doc);
}

/* The top-level object is level 1; nest arrays under it up to total levels. */
static int parse_nested(int total, struct hull_error *err)
{
    char doc[512];
    struct spec s;
    int n = snprintf(doc, sizeof doc, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"x\":");
    for (int i = 1; i < total; i++)
        doc[n++] = '[';
    for (int i = 1; i < total; i++)
        doc[n++] = ']';
    doc[n++] = '}';
    int r = spec_parse(doc, (size_t)n, &s, err);
    if (r == 0)
        spec_free(&s);
    return r;
}

TEST(nesting_limit)
{
    struct hull_error err = { 0, "" };

    CHECK_INT_EQ(parse_nested(64, &err), 0);
    CHECK_INT_EQ(parse_nested(65, &err), -EINVAL);
    CHECK_STR_EQ(err.msg, "byte 109: nested deeper than 64 levels");
}

TEST(oversized_input_is_rejected)
{
    size_t n = ((size_t)16 << 20) + 1;
    char *doc = malloc(n);
    struct spec s;
    struct hull_error err = { 0, "" };

    REQUIRE(doc != NULL);
    memset(doc, ' ', n);
    CHECK_INT_EQ(spec_parse(doc, n, &s, &err), -EFBIG);
    CHECK_STR_EQ(err.msg, "larger than 16777216 bytes");
    free(doc);
}

TEST(duplicate_keys_are_rejected)
{
    EXPECT_ERROR("{'ociVersion':'1.0.0','ociVersion':'2','root':{'path':'r'}}",
                 "duplicate key \"ociVersion\"");
    EXPECT_ERROR(PROC("'x':{'b':1,'a':2,'b':3}"), "process.x: duplicate key \"b\"");
    EXPECT_ERROR(LINUX("'sysctl':{'k':'1','k':'2'}"), "linux.sysctl: duplicate key \"k\"");
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'pid'},{'type':'ipc','type':'uts'}]"),
                 "linux.namespaces[1]: duplicate key \"type\"");
    EXPECT_ERROR(DOC("'x\\u001b':{'a':1,'a':2}"), "x?: duplicate key \"a\"");
}

TEST(missing_required_fields)
{
    EXPECT_ERROR("{'root':{'path':'rootfs'}}", "ociVersion: missing");
    EXPECT_ERROR("{'ociVersion':'1.2.0'}", "root: missing");
    EXPECT_ERROR("{'ociVersion':'1.2.0','root':{}}", "root.path: missing");
    EXPECT_ERROR("{'ociVersion':'1.2.0','root':{'path':''}}", "root.path: must not be empty");
    EXPECT_ERROR(DOC("'process':{'args':['sh']}"), "process.cwd: missing");
    EXPECT_ERROR(DOC("'process':{'cwd':'/'}"), "process.args: missing");
    EXPECT_ERROR(DOC("'mounts':[{'destination':'/a'},{'type':'tmpfs'}]"),
                 "mounts[1].destination: missing");
    EXPECT_ERROR(DOC("'hooks':{'poststop':[{'args':[]}]}"), "hooks.poststop[0].path: missing");
    EXPECT_ERROR(LINUX("'namespaces':[{}]"), "linux.namespaces[0].type: missing");
    EXPECT_ERROR(LINUX("'seccomp':{}"), "linux.seccomp.defaultAction: missing");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'action':'SCMP_ACT_ALLOW'}]"),
                 "linux.seccomp.syscalls[0].names: missing");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read']}]"),
                 "linux.seccomp.syscalls[0].action: missing");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW',"
                         "'args':[{'index':1,'op':'SCMP_CMP_EQ'}]}]"),
                 "linux.seccomp.syscalls[0].args[0].value: missing");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]"),
                 "process.rlimits[0].soft: missing");
    EXPECT_ERROR(RES("'devices':[{'access':'rwm'}]"), "linux.resources.devices[0].allow: missing");
    EXPECT_ERROR(LINUX("'devices':[{'type':'c','path':'/dev/x','minor':1}]"),
                 "linux.devices[0].major: missing");
    EXPECT_ERROR(LINUX("'devices':[{'path':'/dev/x'}]"), "linux.devices[0].type: missing");
    EXPECT_ERROR(LINUX("'uidMappings':[{'containerID':0,'hostID':1}]"),
                 "linux.uidMappings[0].size: missing");
    EXPECT_ERROR(RES("'hugepageLimits':[{'limit':1}]"),
                 "linux.resources.hugepageLimits[0].pageSize: missing");
    EXPECT_ERROR(RES("'blockIO':{'throttleReadIOPSDevice':[{'major':8,'minor':0}]}"),
                 "linux.resources.blockIO.throttleReadIOPSDevice[0].rate: missing");
    EXPECT_ERROR(LINUX("'personality':{'flags':[]}"), "linux.personality.domain: missing");
    EXPECT_ERROR(PROC("'scheduler':{'nice':1}"), "process.scheduler.policy: missing");
    EXPECT_ERROR(PROC("'ioPriority':{'priority':1}"), "process.ioPriority.class: missing");
    EXPECT_ERROR(PROC("'consoleSize':{'height':1}"), "process.consoleSize.width: missing");
    EXPECT_ERROR(RES("'network':{'priorities':[{'name':'eth0'}]}"),
                 "linux.resources.network.priorities[0].priority: missing");
}

TEST(fifo_devices_need_no_numbers)
{
    struct spec s;

    EXPECT_OK(LINUX("'devices':[{'type':'p','path':'/dev/f'}]"), &s);
    CHECK(s.linux_.n_devices == 1 && s.linux_.devices[0].major == 0);
    spec_free(&s);
}


TEST(wrong_types)
{
    EXPECT_ERROR("{'ociVersion':1,'root':{'path':'r'}}", "ociVersion: expected string");
    EXPECT_ERROR("{'ociVersion':'1.0.0','root':'r'}", "root: expected object");
    EXPECT_ERROR("{'ociVersion':'1.0.0','root':{'path':'r','readonly':'yes'}}",
                 "root.readonly: expected boolean");
    EXPECT_ERROR(DOC("'process':{'cwd':'/','args':['a','b',3]}"), "process.args[2]: expected string");
    EXPECT_ERROR(DOC("'process':{'cwd':'/','args':'sh'}"), "process.args: expected array");
    EXPECT_ERROR(DOC("'process':[]"), "process: expected object");
    EXPECT_ERROR(DOC("'mounts':{}"), "mounts: expected array");
    EXPECT_ERROR(DOC("'mounts':['/proc']"), "mounts[0]: expected object");
    EXPECT_ERROR(DOC("'mounts':[{'destination':'/a','options':[1]}]"),
                 "mounts[0].options[0]: expected string");
    EXPECT_ERROR(PROC("'terminal':1"), "process.terminal: expected boolean");
    EXPECT_ERROR(PROC("'terminal':'true'"), "process.terminal: expected boolean");
    EXPECT_ERROR(PROC("'noNewPrivileges':null,'oomScoreAdj':'5'"),
                 "process.oomScoreAdj: expected integer");
    EXPECT_ERROR(PROC("'user':{'uid':true}"), "process.user.uid: expected integer");
    EXPECT_ERROR(PROC("'user':{'additionalGids':[1,'2']}"),
                 "process.user.additionalGids[1]: expected integer");
    EXPECT_ERROR(PROC("'capabilities':{'bounding':[null]}"),
                 "process.capabilities.bounding[0]: expected string");
    EXPECT_ERROR(PROC("'capabilities':['CAP_KILL']"), "process.capabilities: expected object");
    EXPECT_ERROR(PROC("'env':['A=1',{}]"), "process.env[1]: expected string");
    EXPECT_ERROR(DOC("'hostname':5"), "hostname: expected string");
    EXPECT_ERROR(DOC("'annotations':{'a':1}"), "annotations[\"a\"]: expected string");
    EXPECT_ERROR(DOC("'annotations':['a']"), "annotations: expected object");
    EXPECT_ERROR(DOC("'hooks':{'prestart':{}}"), "hooks.prestart: expected array");
    EXPECT_ERROR(DOC("'hooks':{'prestart':[{'path':'/x','timeout':'5'}]}"),
                 "hooks.prestart[0].timeout: expected integer");
    EXPECT_ERROR(DOC("'linux':true"), "linux: expected object");
    EXPECT_ERROR(LINUX("'devices':[{'type':'c','path':'/dev/x','major':'5','minor':1}]"),
                 "linux.devices[0].major: expected integer");
    EXPECT_ERROR(LINUX("'namespaces':[{'type':1}]"), "linux.namespaces[0].type: expected string");
    EXPECT_ERROR(LINUX("'sysctl':{'a.b':1}"), "linux.sysctl[\"a.b\"]: expected string");
    EXPECT_ERROR(LINUX("'maskedPaths':'/proc'"), "linux.maskedPaths: expected array");
    EXPECT_ERROR(RES("'memory':{'disableOOMKiller':0}"),
                 "linux.resources.memory.disableOOMKiller: expected boolean");
    EXPECT_ERROR(RES("'cpu':{'cpus':[0]}"), "linux.resources.cpu.cpus: expected string");
    EXPECT_ERROR(RES("'rdma':{'mlx':5}"), "linux.resources.rdma[\"mlx\"]: expected object");
    EXPECT_ERROR(RES("'unified':{'memory.max':5}"),
                 "linux.resources.unified[\"memory.max\"]: expected string");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':'read','action':'SCMP_ACT_ALLOW'}]"),
                 "linux.seccomp.syscalls[0].names: expected array");
    EXPECT_ERROR(LINUX("'intelRdt':{'schemata':5}"),
                 "linux.intelRdt.schemata: expected array of strings or string");
    EXPECT_ERROR(LINUX("'netDevices':{'eth0':'ctr0'}"),
                 "linux.netDevices[\"eth0\"]: expected object");
    EXPECT_ERROR(LINUX("'timeOffsets':{'boottime':{'secs':'1'}}"),
                 "linux.timeOffsets.boottime.secs: expected integer");
}

TEST(integers_are_strict)
{
    EXPECT_ERROR(PROC("'oomScoreAdj':1.5"), "process.oomScoreAdj: expected integer, got 1.5");
    EXPECT_ERROR(PROC("'oomScoreAdj':1.0"), "process.oomScoreAdj: expected integer, got 1.0");
    EXPECT_ERROR(PROC("'oomScoreAdj':1e2"), "process.oomScoreAdj: expected integer, got 1e2");
    EXPECT_ERROR(PROC("'oomScoreAdj':1e30"), "process.oomScoreAdj: 1e30 out of range -1000..1000");
    EXPECT_ERROR(PROC("'oomScoreAdj':-1E400"), "process.oomScoreAdj: -1E400 out of range -1000..1000");
    EXPECT_ERROR(PROC("'oomScoreAdj':99999999999999999999"),
                 "process.oomScoreAdj: 99999999999999999999 out of range -1000..1000");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_CPU','hard':18446744073709551616,'soft':0}]"),
                 "process.rlimits[0].hard: 18446744073709551616 out of range 0..18446744073709551615");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_CPU','hard':-1,'soft':0}]"),
                 "process.rlimits[0].hard: -1 out of range 0..18446744073709551615");
    EXPECT_ERROR(LINUX("'timeOffsets':{'monotonic':{'secs':-9223372036854775809}}"),
                 "linux.timeOffsets.monotonic.secs: -9223372036854775809 out of range "
                 "-9223372036854775808..9223372036854775807");
    EXPECT_ERROR(LINUX("'timeOffsets':{'monotonic':{'secs':9223372036854775808}}"),
                 "linux.timeOffsets.monotonic.secs: 9223372036854775808 out of range "
                 "-9223372036854775808..9223372036854775807");
    struct spec s;
    EXPECT_OK(PROC("'oomScoreAdj':-0"), &s);
    CHECK(s.process.oom_score_adj.set && s.process.oom_score_adj.v == 0);
    spec_free(&s);
    EXPECT_OK(LINUX("'timeOffsets':{'boottime':{'secs':9223372036854775807}}"), &s);
    CHECK(s.linux_.time_boottime.secs == INT64_MAX);
    spec_free(&s);
}

TEST(out_of_range)
{
    EXPECT_ERROR(LINUX("'devices':[{'type':'c','path':'/dev/x','major':5000,'minor':1}]"),
                 "linux.devices[0].major: 5000 out of range 0..4095");
    EXPECT_ERROR(LINUX("'devices':[{'type':'b','path':'/dev/x','major':1,'minor':1048576}]"),
                 "linux.devices[0].minor: 1048576 out of range 0..1048575");
    EXPECT_ERROR(LINUX("'devices':[{'type':'u','path':'/dev/x','major':1,'minor':-1}]"),
                 "linux.devices[0].minor: -1 out of range 0..1048575");
    EXPECT_ERROR(LINUX("'devices':[{'type':'p','path':'/dev/x','fileMode':65536}]"),
                 "linux.devices[0].fileMode: 65536 out of range 0..65535");
    /* The file-type bits engines write must match the device type. */
    EXPECT_ERROR(LINUX("'devices':[{'type':'b','path':'/dev/x','major':1,'minor':1,'fileMode':8630}]"),
                 "linux.devices[0].fileMode: 020666: file type bits do not match type \"b\"");
    EXPECT_ERROR(LINUX("'devices':[{'type':'p','path':'/dev/x','uid':4294967295}]"),
                 "linux.devices[0].uid: 4294967295 out of range 0..4294967294");
    EXPECT_ERROR(PROC("'oomScoreAdj':1001"), "process.oomScoreAdj: 1001 out of range -1000..1000");
    EXPECT_ERROR(PROC("'oomScoreAdj':-1001"), "process.oomScoreAdj: -1001 out of range -1000..1000");
    EXPECT_ERROR(PROC("'user':{'uid':-1}"), "process.user.uid: -1 out of range 0..4294967294");
    EXPECT_ERROR(PROC("'user':{'gid':4294967295}"),
                 "process.user.gid: 4294967295 out of range 0..4294967294");
    EXPECT_ERROR(PROC("'user':{'umask':512}"), "process.user.umask: 512 out of range 0..511");
    EXPECT_ERROR(PROC("'user':{'additionalGids':[0,4294967295]}"),
                 "process.user.additionalGids[1]: 4294967295 out of range 0..4294967294");
    EXPECT_ERROR(PROC("'scheduler':{'policy':'SCHED_OTHER','nice':-21}"),
                 "process.scheduler.nice: -21 out of range -20..19");
    EXPECT_ERROR(PROC("'scheduler':{'policy':'SCHED_FIFO','priority':100}"),
                 "process.scheduler.priority: 100 out of range 0..99");
    EXPECT_ERROR(PROC("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
                 "process.ioPriority.priority: 8 out of range 0..7");
    EXPECT_ERROR(PROC("'consoleSize':{'height':65536,'width':1}"),
                 "process.consoleSize.height: 65536 out of range 0..65535");
    EXPECT_ERROR(DOC("'hooks':{'prestart':[{'path':'/x','timeout':0}]}"),
                 "hooks.prestart[0].timeout: 0 out of range 1..2147483647");
    EXPECT_ERROR(DOC("'hooks':{'prestart':[{'path':'/x','timeout':-5}]}"),
                 "hooks.prestart[0].timeout: -5 out of range 1..2147483647");
    EXPECT_ERROR(LINUX("'timeOffsets':{'monotonic':{'nanosecs':1000000000}}"),
                 "linux.timeOffsets.monotonic.nanosecs: 1000000000 out of range 0..999999999");
    EXPECT_ERROR(LINUX("'uidMappings':[{'containerID':0,'hostID':1,'size':0}]"),
                 "linux.uidMappings[0].size: 0 out of range 1..4294967295");
    EXPECT_ERROR(LINUX("'gidMappings':[{'containerID':4294967296,'hostID':1,'size':1}]"),
                 "linux.gidMappings[0].containerID: 4294967296 out of range 0..4294967295");
    EXPECT_ERROR(LINUX("'uidMappings':[{'containerID':4294967000,'hostID':1,'size':1000}]"),
                 "linux.uidMappings[0].containerID: range 4294967000+1000 goes beyond 4294967294");
    EXPECT_ERROR(DOC("'mounts':[{'destination':'/a','uidMappings':"
                     "[{'containerID':0,'hostID':4294967295,'size':1}]}]"),
                 "mounts[0].uidMappings[0].hostID: range 4294967295+1 goes beyond 4294967294");
    EXPECT_ERROR(RES("'memory':{'limit':-2}"),
                 "linux.resources.memory.limit: -2 out of range -1..9223372036854775807");
    EXPECT_ERROR(RES("'memory':{'swappiness':101}"),
                 "linux.resources.memory.swappiness: 101 out of range 0..100");
    EXPECT_ERROR(RES("'cpu':{'quota':-2}"),
                 "linux.resources.cpu.quota: -2 out of range -1..9223372036854775807");
    EXPECT_ERROR(RES("'cpu':{'idle':2}"), "linux.resources.cpu.idle: 2 out of range 0..1");
    EXPECT_ERROR(RES("'pids':{'limit':-2}"),
                 "linux.resources.pids.limit: -2 out of range -1..9223372036854775807");
    EXPECT_ERROR(RES("'blockIO':{'weight':65536}"),
                 "linux.resources.blockIO.weight: 65536 out of range 0..65535");
    EXPECT_ERROR(RES("'blockIO':{'weightDevice':[{'major':4096,'minor':0,'weight':1}]}"),
                 "linux.resources.blockIO.weightDevice[0].major: 4096 out of range 0..4095");
    EXPECT_ERROR(RES("'devices':[{'allow':true,'major':-2}]"),
                 "linux.resources.devices[0].major: -2 out of range -1..4095");
    EXPECT_ERROR(RES("'network':{'classID':4294967296}"),
                 "linux.resources.network.classID: 4294967296 out of range 0..4294967295");
    EXPECT_ERROR(RES("'rdma':{'mlx':{'hcaHandles':4294967296}}"),
                 "linux.resources.rdma[\"mlx\"].hcaHandles: 4294967296 out of range 0..4294967295");
    EXPECT_ERROR(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':65536}"),
                 "linux.seccomp.defaultErrnoRet: 65536 out of range 0..65535");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW',"
                         "'args':[{'index':6,'value':0,'op':'SCMP_CMP_EQ'}]}]"),
                 "linux.seccomp.syscalls[0].args[0].index: 6 out of range 0..5");
}

TEST(unknown_enum_values)
{
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'pid'},{'type':'foo'}]"),
                 "linux.namespaces[1].type: unknown namespace type \"foo\"");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_FOO','hard':1,'soft':1}]"),
                 "process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'nofile','hard':1,'soft':1}]"),
                 "process.rlimits[0].type: unknown rlimit type \"nofile\"");
    EXPECT_ERROR(PROC("'scheduler':{'policy':'SCHED_FAST'}"),
                 "process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\"");
    EXPECT_ERROR(PROC("'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_X']}"),
                 "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"");
    EXPECT_ERROR(PROC("'ioPriority':{'class':'IOPRIO_CLASS_NONE','priority':0}"),
                 "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\"");
    EXPECT_ERROR(LINUX("'rootfsPropagation':'recursive'"),
                 "linux.rootfsPropagation: unknown propagation \"recursive\"");
    EXPECT_ERROR(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_MAYBE'}"),
                 "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\"");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read'],'action':'allow'}]"),
                 "linux.seccomp.syscalls[0].action: unknown seccomp action \"allow\"");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW',"
                         "'args':[{'index':0,'value':1,'op':'SCMP_CMP_XX'}]}]"),
                 "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\"");
    EXPECT_ERROR(LINUX("'personality':{'domain':'LINUX64'}"),
                 "linux.personality.domain: unknown personality domain \"LINUX64\"");
    EXPECT_ERROR(LINUX("'devices':[{'type':'cb','path':'/dev/x','major':1,'minor':1}]"),
                 "linux.devices[0].type: unknown device type \"cb\" (expected c, b, u or p)");
    EXPECT_ERROR(LINUX("'devices':[{'type':'','path':'/dev/x'}]"),
                 "linux.devices[0].type: unknown device type \"\" (expected c, b, u or p)");
    EXPECT_ERROR(RES("'devices':[{'allow':true,'type':'u'}]"),
                 "linux.resources.devices[0].type: unknown device type \"u\" (expected a, b or c)");
    EXPECT_ERROR(RES("'devices':[{'allow':true,'access':'rwx'}]"),
                 "linux.resources.devices[0].access: \"rwx\" is not a non-empty combination of r, w and m");
    EXPECT_ERROR(RES("'devices':[{'allow':true,'access':''}]"),
                 "linux.resources.devices[0].access: \"\" is not a non-empty combination of r, w and m");
}

TEST(duplicates_in_lists)
{
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'pid'},{'type':'uts'},{'type':'pid','path':'/x'}]"),
                 "linux.namespaces[2].type: duplicate namespace type \"pid\"");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,'soft':1},"
                      "{'type':'RLIMIT_CORE','hard':1,'soft':1},"
                      "{'type':'RLIMIT_NOFILE','hard':2,'soft':2}]"),
                 "process.rlimits[2].type: duplicate RLIMIT_NOFILE");
}

TEST(paths_must_be_absolute)
{
    EXPECT_ERROR(DOC("'process':{'cwd':'home','args':['sh']}"),
                 "process.cwd: \"home\" is not an absolute path");
    EXPECT_ERROR(DOC("'process':{'cwd':'','args':['sh']}"),
                 "process.cwd: \"\" is not an absolute path");
    /* runtime-spec 1.2 still allows relative mount destinations (relative to "/"). */
    EXPECT_ERROR(DOC("'mounts':[{'destination':'/a'},{'destination':''}]"),
                 "mounts[1].destination: must not be empty");
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'net','path':'x'}]"),
                 "linux.namespaces[0].type: unknown namespace type \"net\"");
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'network','path':'proc/1/ns/net'}]"),
                 "linux.namespaces[0].path: \"proc/1/ns/net\" is not an absolute path");
    EXPECT_ERROR(DOC("'hooks':{'createRuntime':[{'path':'hook'}]}"),
                 "hooks.createRuntime[0].path: \"hook\" is not an absolute path");
    EXPECT_ERROR(LINUX("'devices':[{'type':'p','path':'dev/f'}]"),
                 "linux.devices[0].path: \"dev/f\" is not an absolute path");
    EXPECT_ERROR(LINUX("'maskedPaths':['/proc/kcore','proc/keys']"),
                 "linux.maskedPaths[1]: \"proc/keys\" is not an absolute path");
    EXPECT_ERROR(LINUX("'readonlyPaths':['']"), "linux.readonlyPaths[0]: \"\" is not an absolute path");
}

TEST(env_needs_equals)
{
    EXPECT_ERROR(PROC("'env':['PATH=/bin','TERM']"),
                 "process.env[1]: \"TERM\" is not of the form NAME=value");
    EXPECT_ERROR(PROC("'env':['=x']"), "process.env[0]: \"=x\" has an empty variable name");
    EXPECT_ERROR(DOC("'hooks':{'poststart':[{'path':'/h','env':['A=1','B']}]}"),
                 "hooks.poststart[0].env[1]: \"B\" is not of the form NAME=value");
}

TEST(process_rules)
{
    EXPECT_ERROR(DOC("'process':{'cwd':'/','args':[]}"), "process.args: must not be empty");
    EXPECT_ERROR(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':10,'soft':11}]"),
                 "process.rlimits[0].soft: 11 is above the hard limit 10");
    struct spec s;
    EXPECT_OK(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':10,'soft':10}]"), &s);
    spec_free(&s);
}

TEST(seccomp_rules)
{
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]"),
                 "linux.seccomp.syscalls[0].names: must not be empty");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':[''],'action':'SCMP_ACT_ALLOW'}]"),
                 "linux.seccomp.syscalls[0].names[0]: must not be empty");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW','errnoRet':1}]"),
                 "linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_ALLOW");
    EXPECT_ERROR(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_KILL','defaultErrnoRet':1}"),
                 "linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_KILL");
    EXPECT_ERROR(SECCOMP("'syscalls':[{'names':['a'],'action':'SCMP_ACT_ALLOW'},"
                         "{'names':['b'],'action':'SCMP_ACT_NOTIFY'}]"),
                 "linux.seccomp.syscalls[1].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    EXPECT_ERROR(SECCOMP("'listenerMetadata':'m'"),
                 "linux.seccomp.listenerMetadata: set without listenerPath");
    EXPECT_ERROR(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/s'}"),
                 "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    struct spec s;
    EXPECT_OK(SECCOMP("'syscalls':[{'names':['a'],'action':'SCMP_ACT_TRACE','errnoRet':3}]"), &s);
    CHECK(s.linux_.seccomp.syscalls[0].errno_ret.v == 3);
    spec_free(&s);
}

TEST(values_that_become_file_names)
{
    EXPECT_ERROR(RES("'unified':{'../../etc/passwd':'x'}"),
                 "linux.resources.unified[\"../../etc/passwd\"]: \"../../etc/passwd\" is not a valid file name");
    EXPECT_ERROR(RES("'unified':{'..':'x'}"),
                 "linux.resources.unified[\"..\"]: \"..\" is not a valid file name");
    EXPECT_ERROR(LINUX("'sysctl':{'net/../../x':'1'}"),
                 "linux.sysctl[\"net/../../x\"]: \"net/../../x\" is not a valid sysctl name");
    EXPECT_ERROR(LINUX("'sysctl':{'/etc/x':'1'}"),
                 "linux.sysctl[\"/etc/x\"]: \"/etc/x\" is not a valid sysctl name");
    EXPECT_ERROR(LINUX("'sysctl':{'a b':'1'}"),
                 "linux.sysctl[\"a b\"]: \"a b\" is not a valid sysctl name");
    EXPECT_ERROR(RES("'hugepageLimits':[{'pageSize':'../2MB','limit':1}]"),
                 "linux.resources.hugepageLimits[0].pageSize: \"../2MB\" is not a page size like 2MB");
    EXPECT_ERROR(RES("'hugepageLimits':[{'pageSize':'2M','limit':1}]"),
                 "linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a page size like 2MB");
    EXPECT_ERROR(LINUX("'intelRdt':{'closID':'../x'}"),
                 "linux.intelRdt.closID: \"../x\" is not a valid file name");
    EXPECT_ERROR(LINUX("'netDevices':{'eth0':{'name':'a/b'}}"),
                 "linux.netDevices[\"eth0\"].name: \"a/b\" is not a valid interface name");
    EXPECT_ERROR(LINUX("'netDevices':{'averyveryverylongname':{}}"),
                 "linux.netDevices[\"averyveryverylongname\"]: \"averyveryverylongname\" is not a valid interface name");
    EXPECT_ERROR(RES("'network':{'priorities':[{'name':'eth0 9\\n','priority':1}]}"),
                 "linux.resources.network.priorities[0].name: \"eth0 9?\" is not a valid interface name");
    EXPECT_ERROR(RES("'rdma':{'mlx 1':{'hcaHandles':1}}"),
                 "linux.resources.rdma[\"mlx 1\"]: \"mlx 1\" must be a non-empty word without blanks");
    EXPECT_ERROR(RES("'rdma':{'mlx':{}}"),
                 "linux.resources.rdma[\"mlx\"]: needs hcaHandles or hcaObjects");
    EXPECT_ERROR(RES("'blockIO':{'weightDevice':[{'major':8,'minor':0}]}"),
                 "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight");
}

TEST(messages_are_sanitized)
{
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'p\\u001b[31m\\\"'}]"),
                 "linux.namespaces[0].type: unknown namespace type \"p?[31m?\"");
    EXPECT_ERROR(LINUX("'namespaces':[{'type':'"
                       "0123456789012345678901234567890123456789012345678901234567890123456789'}]"),
                 "linux.namespaces[0].type: unknown namespace type "
                 "\"01234567890123456789012345678901234567890123456789012345678901234567...\"");
    /* a long key path is cut, not overflowed */
    struct spec s;
    struct hull_error err = { 0, "" };
    char *key = malloc(4096), *doc = malloc(8192);
    REQUIRE(key != NULL && doc != NULL);
    memset(key, 'k', 4095);
    key[4095] = '\0';
    snprintf(doc, 8192, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                        "\"annotations\":{\"%s\":1}}", key);
    CHECK_INT_EQ(spec_parse(doc, strlen(doc), &s, &err), -EINVAL);
    CHECK(strncmp(err.msg, "annotations[\"kkkk", 17) == 0);
    CHECK(strstr(err.msg, "...\"]: expected string") != NULL);
    free(key);
    free(doc);
}

TEST(device_rule_wildcards)
{
    struct spec s;

    EXPECT_OK(RES("'devices':[{'allow':true,'type':'a','major':-1,'minor':-1,'access':'m'}]"), &s);
    REQUIRE(s.linux_.resources.n_devices == 1);
    CHECK(!s.linux_.resources.devices[0].major.set && !s.linux_.resources.devices[0].minor.set);
    CHECK(s.linux_.resources.devices[0].type == 'a');
    spec_free(&s);
}

TEST(rootfs_propagation_empty_is_absent)
{
    struct spec s;

    EXPECT_OK(LINUX("'rootfsPropagation':''"), &s);
    CHECK(s.linux_.rootfs_propagation == NULL);
    spec_free(&s);
    EXPECT_OK(LINUX("'rootfsPropagation':'runbindable'"), &s);
    CHECK_STR_EQ(s.linux_.rootfs_propagation, "runbindable");
    spec_free(&s);
}

TEST(schemata_as_string)
{
    struct spec s;

    EXPECT_OK(LINUX("'intelRdt':{'schemata':'L3:0=7f0\\nMB:0=20'}"), &s);
    REQUIRE(s.linux_.intel_rdt.schemata.n == 1);
    CHECK_STR_EQ(s.linux_.intel_rdt.schemata.v[0], "L3:0=7f0\nMB:0=20");
    CHECK(s.linux_.intel_rdt.clos_id == NULL && !s.linux_.intel_rdt.enable_cmt);
    spec_free(&s);
}

TEST(names_and_flags)
{
    CHECK_STR_EQ(spec_ns_name(NS_PID), "pid");
    CHECK_STR_EQ(spec_ns_name(NS_NETWORK), "network");
    CHECK_STR_EQ(spec_ns_name(NS_MOUNT), "mount");
    CHECK_STR_EQ(spec_ns_name(NS_IPC), "ipc");
    CHECK_STR_EQ(spec_ns_name(NS_UTS), "uts");
    CHECK_STR_EQ(spec_ns_name(NS_USER), "user");
    CHECK_STR_EQ(spec_ns_name(NS_CGROUP), "cgroup");
    CHECK_STR_EQ(spec_ns_name(NS_TIME), "time");
    CHECK(spec_ns_name(NS_TYPE_COUNT) == NULL);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_PID), CLONE_NEWPID);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_NETWORK), CLONE_NEWNET);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_MOUNT), CLONE_NEWNS);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_IPC), CLONE_NEWIPC);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_UTS), CLONE_NEWUTS);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_USER), CLONE_NEWUSER);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_CGROUP), CLONE_NEWCGROUP);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_TIME), 0x80);
    CHECK_INT_EQ(spec_ns_clone_flag(NS_TYPE_COUNT), 0);
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_PRESTART), "prestart");
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_CREATE_RUNTIME), "createRuntime");
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_CREATE_CONTAINER), "createContainer");
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_START_CONTAINER), "startContainer");
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_POSTSTART), "poststart");
    CHECK_STR_EQ(spec_hook_kind_name(HOOK_POSTSTOP), "poststop");
    CHECK(spec_hook_kind_name(HOOK_KIND_COUNT) == NULL);
}

TEST(find_namespace)
{
    struct spec s;

    EXPECT_OK(LINUX("'namespaces':[{'type':'user'},{'type':'time','path':'/proc/1/ns/time'}]"), &s);
    const struct spec_namespace *ns = spec_find_namespace(&s, NS_TIME);
    REQUIRE(ns != NULL);
    CHECK_STR_EQ(ns->path, "/proc/1/ns/time");
    CHECK(spec_find_namespace(&s, NS_USER) == &s.linux_.namespaces[0]);
    CHECK(spec_find_namespace(&s, NS_PID) == NULL);
    spec_free(&s);
    CHECK(spec_find_namespace(&s, NS_USER) == NULL);
}

TEST(free_is_safe_on_empty_and_twice)
{
    struct spec s;

    memset(&s, 0, sizeof s);
    spec_free(&s);
    spec_free(NULL);
    EXPECT_OK(full_config, &s);
    spec_free(&s);
    spec_free(&s);
    CHECK(s.tree == NULL);
}

/* full_config with one piece of text replaced. */
static char *full_config_with(const char *from, const char *to)
{
    const char *at = strstr(full_config, from);
    size_t head = (size_t)(at - full_config), n = strlen(full_config) - strlen(from) + strlen(to);
    char *doc = malloc(n + 1);

    if (at == NULL || doc == NULL)
        abort();
    memcpy(doc, full_config, head);
    strcpy(doc + head, to);
    strcat(doc, at + strlen(from));
    return doc;
}

/* Failures after many allocations: valgrind proves nothing leaks. */
TEST(failure_late_in_document_frees_everything)
{
    static const char *const edits[][3] = {
        { "'enableMBM': false", "'enableMBM': 0", "linux.intelRdt.enableMBM: expected boolean" },
        { "{'name': 'ctr0'}", "{'name': 5}", "linux.netDevices[\"eth1\"].name: expected string" },
        { "'SCMP_CMP_MASKED_EQ'", "'SCMP_CMP_MASKED'",
          "linux.seccomp.syscalls[1].args[1].op: unknown seccomp operator \"SCMP_CMP_MASKED\"" },
        { "'rate': 901", "'rate': -901",
          "linux.resources.blockIO.throttleWriteIOPSDevice[1].rate: -901 out of range "
          "0..18446744073709551615" },
        { "'size': 1000}", "'size': 0}", "mounts[2].gidMappings[0].size: 0 out of range 1..4294967295" },
        { "'/bin/pst'", "'bin/pst'", "hooks.poststop[0].path: \"bin/pst\" is not an absolute path" },
        { "'mems': '0'", "'mems': 0", "linux.resources.cpu.mems: expected string" },
        { "'ioPriority'", "'x': 1, 'ioPriority'", "" },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *doc = full_config_with(edits[i][0], edits[i][1]);
        if (edits[i][2][0] == '\0') {
            struct spec s;
            EXPECT_OK(doc, &s);
            spec_free(&s);
        } else {
            EXPECT_ERROR(doc, edits[i][2]);
        }
        free(doc);
    }
}

static int write_bundle(const char *dir, const char *config)
{
    char path[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, config, strlen(config));
    close(fd);
    return n == (ssize_t)strlen(config) ? 0 : -1;
}

TEST(load_from_bundle)
{
    char dir[] = "/tmp/hull-test-spec-XXXXXX";
    char path[256];
    struct spec s;
    struct hull_error err = { 0, "" };

    REQUIRE(mkdtemp(dir) != NULL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(dfd >= 0);
    CHECK_INT_EQ(spec_load(dfd, &s, &err), -ENOENT);
    CHECK_STR_EQ(err.msg, "open config.json: No such file or directory");
    char *good = q(DOC("'hostname':'h'"));
    REQUIRE(write_bundle(dir, good) == 0);
    free(good);
    CHECK_INT_EQ(spec_load(dfd, &s, &err), 0);
    CHECK_STR_EQ(s.hostname, "h");
    spec_free(&s);
    REQUIRE(write_bundle(dir, "{\"ociVersion\":\"1.0.0\",\"root\":{}}") == 0);
    CHECK_INT_EQ(spec_load(dfd, &s, &err), -EINVAL);
    CHECK_STR_EQ(err.msg, "config.json: root.path: missing");
    CHECK(memcmp(&s, &zero_spec, sizeof s) == 0);
    snprintf(path, sizeof path, "%s/config.json", dir);
    unlink(path);
    REQUIRE(symlink("/etc/passwd", path) == 0);
    CHECK(spec_load(dfd, &s, &err) < 0);
    unlink(path);
    close(dfd);
    rmdir(dir);
}

UNIT_MAIN()
