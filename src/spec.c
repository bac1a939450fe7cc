/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull spec`: write a starting config.json into the bundle directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "default_seccomp.h"
#include "utils.h"

static const char base_spec[] =
"{\n"
"  \"ociVersion\": \"1.2.0\",\n"
"  \"process\": {\n"
"    \"terminal\": true,\n"
"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
"    \"args\": [ \"sh\" ],\n"
"    \"env\": [\n"
"      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
"      \"TERM=xterm\"\n"
"    ],\n"
"    \"cwd\": \"/\",\n"
"    \"capabilities\": {\n"
"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"ambient\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
"    },\n"
"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
"    \"noNewPrivileges\": true\n"
"  },\n"
"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"  \"hostname\": \"hull\",\n"
"  \"mounts\": [\n"
"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s ] },\n"
"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
"    { \"destination\": \"/sys\", %s },\n"
"    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
"  ],\n"
"  \"linux\": {\n"
"%s"
"    \"seccomp\": %s,\n"
"    \"maskedPaths\": [\n"
"      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
"      \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\",\n"
"      \"/sys/devices/virtual/powercap\", \"/proc/scsi\"\n"
"    ],\n"
"    \"readonlyPaths\": [\n"
"      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
"    ]\n"
"  }\n"
"}\n";

static const char root_linux[] =
"    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
"    \"namespaces\": [\n"
"      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
"      { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }\n"
"    ],\n";

static const char rootless_linux_fmt[] =
"    \"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
"    \"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
"    \"namespaces\": [\n"
"      { \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" },\n"
"      { \"type\": \"mount\" }, { \"type\": \"cgroup\" }, { \"type\": \"user\" }\n"
"    ],\n";

static const char sys_root[] =
    "\"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ]";
static const char sys_rootless[] =
    "\"type\": \"none\", \"source\": \"/sys\", \"options\": [ \"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\" ]";

/* The whole config.json; linux.seccomp is the default profile
 * (contrib/seccomp/default.json) for root and rootless specs alike. */
static char *render_spec(bool rootless)
{
    char linux_part[1024];
    if (rootless)
        snprintf(linux_part, sizeof linux_part, rootless_linux_fmt, (unsigned)geteuid(), (unsigned)getegid());
    else
        snprintf(linux_part, sizeof linux_part, "%s", root_linux);
    char *text;
    if (asprintf(&text, base_spec, rootless ? "" : ", \"gid=5\"", rootless ? sys_rootless : sys_root,
                 linux_part, default_seccomp_json) < 0)
        return NULL;
    return text;
}

static int write_config(const char *bundle, const char *text)
{
    int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return cli_error("spec: bundle %s: %s", bundle, strerror(errno));
    int fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    int e = errno;
    close(dfd);
    if (fd < 0)
        return cli_error("spec: %s/config.json: %s", bundle, e == EEXIST ? "already exists" : strerror(e));
    int r = write_all(fd, text, strlen(text));
    close(fd);
    return r < 0 ? cli_error("spec: write config.json: %s", strerror(-r)) : 0;
}

int cmd_spec(int argc, char **argv)
{
    const char *bundle = ".";
    bool rootless = false;
    const struct cli_option opts[] = {
        { "bundle", 'b', OPT_STRING, &bundle },
        { "rootless", 0, OPT_FLAG, &rootless },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("spec", argc, next, 0, 0, "[--bundle DIR] [--rootless]") < 0)
        return 1;
    char *text = render_spec(rootless);
    if (text == NULL)
        return cli_error("spec: out of memory");
    int r = write_config(bundle, text);
    free(text);
    return r;
}
