/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull features`: what this build supports, as runtime-spec features JSON. */
#include <stdio.h>

#include "cli.h"
#include "state.h"

#ifdef HAVE_APPARMOR
#define APPARMOR_BUILT "true"
#else
#define APPARMOR_BUILT "false"
#endif
#ifdef HAVE_SELINUX
#define SELINUX_BUILT "true"
#else
#define SELINUX_BUILT "false"
#endif

static const char features_json[] =
"{\n"
"  \"ociVersionMin\": \"1.0.0\",\n"
"  \"ociVersionMax\": \"" HULL_OCI_VERSION "\",\n"
"  \"hooks\": [ \"prestart\", \"createRuntime\", \"createContainer\", \"startContainer\", \"poststart\", \"poststop\" ],\n"
"  \"mountOptions\": [ \"async\", \"atime\", \"bind\", \"defaults\", \"dev\", \"diratime\", \"dirsync\", \"exec\",\n"
"    \"lazytime\", \"mand\", \"noatime\", \"nodev\", \"nodiratime\", \"noexec\", \"nolazytime\", \"nomand\",\n"
"    \"norelatime\", \"nostrictatime\", \"nosuid\", \"private\", \"rbind\", \"relatime\", \"remount\", \"ro\",\n"
"    \"rprivate\", \"rshared\", \"rslave\", \"runbindable\", \"rw\", \"shared\", \"slave\", \"strictatime\",\n"
"    \"suid\", \"sync\", \"unbindable\" ],\n"
"  \"linux\": {\n"
"    \"namespaces\": [ \"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"time\", \"user\", \"uts\" ],\n"
"    \"capabilities\": [ \"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\",\n"
"      \"CAP_FSETID\", \"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", \"CAP_LINUX_IMMUTABLE\",\n"
"      \"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\", \"CAP_NET_ADMIN\", \"CAP_NET_RAW\", \"CAP_IPC_LOCK\",\n"
"      \"CAP_IPC_OWNER\", \"CAP_SYS_MODULE\", \"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\",\n"
"      \"CAP_SYS_PACCT\", \"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", \"CAP_SYS_NICE\", \"CAP_SYS_RESOURCE\",\n"
"      \"CAP_SYS_TIME\", \"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\", \"CAP_LEASE\", \"CAP_AUDIT_WRITE\",\n"
"      \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\", \"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\",\n"
"      \"CAP_WAKE_ALARM\", \"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", \"CAP_PERFMON\", \"CAP_BPF\",\n"
"      \"CAP_CHECKPOINT_RESTORE\" ],\n"
"    \"cgroup\": { \"v1\": true, \"v2\": true, \"systemd\": false, \"systemdUser\": false, \"rdma\": true },\n"
"    \"seccomp\": {\n"
"      \"enabled\": true,\n"
"      \"actions\": [ \"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\",\n"
"        \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", \"SCMP_ACT_NOTIFY\", \"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\" ],\n"
"      \"operators\": [ \"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", \"SCMP_CMP_LT\",\n"
"        \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\" ],\n"
"      \"archs\": [ \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\", \"SCMP_ARCH_MIPS\", \"SCMP_ARCH_MIPS64\",\n"
"        \"SCMP_ARCH_MIPS64N32\", \"SCMP_ARCH_MIPSEL\", \"SCMP_ARCH_MIPSEL64\", \"SCMP_ARCH_MIPSEL64N32\",\n"
"        \"SCMP_ARCH_PPC\", \"SCMP_ARCH_PPC64\", \"SCMP_ARCH_PPC64LE\", \"SCMP_ARCH_RISCV64\", \"SCMP_ARCH_S390\",\n"
"        \"SCMP_ARCH_S390X\", \"SCMP_ARCH_X32\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X86_64\" ],\n"
"      \"knownFlags\": [ \"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", \"SECCOMP_FILTER_FLAG_LOG\",\n"
"        \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\" ],\n"
"      \"supportedFlags\": [ \"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", \"SECCOMP_FILTER_FLAG_LOG\",\n"
"        \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\" ]\n"
"    },\n"
"    \"apparmor\": { \"enabled\": " APPARMOR_BUILT " },\n"
"    \"selinux\": { \"enabled\": " SELINUX_BUILT " },\n"
"    \"intelRdt\": { \"enabled\": false },\n"
"    \"mountExtensions\": { \"idmap\": { \"enabled\": false } }\n"
"  },\n"
"  \"annotations\": {\n"
"    \"org.opencontainers.runtime-spec.features.version\": \"" PACKAGE_VERSION "\"\n"
"  }\n"
"}\n";

int cmd_features(int argc, char **argv)
{
    int next;
    if (cli_parse(argc, argv, NULL, 0, &next) < 0 || cli_want_args("features", argc, next, 0, 0, "") < 0)
        return 1;
    fputs(features_json, stdout);
    return 0;
}
