/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process.h"
#include "security/caps.h"
#include "unit.h"

TEST(cap_names_map_to_numbers)
{
    CHECK_INT_EQ(process_cap_from_name("CAP_CHOWN"), 0);
    CHECK_INT_EQ(process_cap_from_name("CAP_NET_BIND_SERVICE"), 10);
    CHECK_INT_EQ(process_cap_from_name("CAP_SYS_ADMIN"), 21);
    CHECK_INT_EQ(process_cap_from_name("CAP_AUDIT_READ"), 37);
}

TEST(cap_names_unknown_or_misspelled_are_rejected)
{
    CHECK_INT_EQ(process_cap_from_name("CAP_FOO"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("cap_chown"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("CHOWN"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("CAP_"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("CAP_0"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("CAP_CHOWN "), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name("21"), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name(""), -EINVAL);
    CHECK_INT_EQ(process_cap_from_name(NULL), -EINVAL);
}

TEST(cap_numbers_map_back_to_names)
{
    char buf[64];
    caps_to_name(21, buf, sizeof buf);
    CHECK_STR_EQ(buf, "CAP_SYS_ADMIN");
    caps_to_name(63, buf, sizeof buf);
    CHECK_STR_EQ(buf, "CAP_63");
    CHECK(caps_last_cap() >= 36 && caps_last_cap() < 64);
}

static int cpus_in(const cpu_set_t *set)
{
    return CPU_COUNT(set);
}

TEST(cpu_list_single_ranges_and_mixes)
{
    cpu_set_t s;
    CHECK_INT_EQ(process_parse_cpu_list("0", &s), 0);
    CHECK(CPU_ISSET(0, &s) && cpus_in(&s) == 1);
    CHECK_INT_EQ(process_parse_cpu_list("0-3,5", &s), 0);
    CHECK(CPU_ISSET(0, &s) && CPU_ISSET(3, &s) && CPU_ISSET(5, &s) && !CPU_ISSET(4, &s));
    CHECK_INT_EQ(cpus_in(&s), 5);
    CHECK_INT_EQ(process_parse_cpu_list("7,2-2,1", &s), 0);
    CHECK_INT_EQ(cpus_in(&s), 3);
    CHECK_INT_EQ(process_parse_cpu_list("1023", &s), 0);
    CHECK(CPU_ISSET(1023, &s));
}

TEST(cpu_list_bad_syntax_and_range)
{
    cpu_set_t s;
    CHECK_INT_EQ(process_parse_cpu_list("", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list(NULL, &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("3-1", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("1,", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list(",1", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("1-", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("-1", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("a", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("1 ", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("0-8:2", &s), -EINVAL);
    CHECK_INT_EQ(process_parse_cpu_list("1024", &s), -ERANGE);
    CHECK_INT_EQ(process_parse_cpu_list("0-99999999999999999999", &s), -ERANGE);
}

TEST(sysctl_keys_become_paths)
{
    char out[256];
    CHECK_INT_EQ(process_sysctl_path("net.ipv4.ip_forward", out, sizeof out), 0);
    CHECK_STR_EQ(out, "net/ipv4/ip_forward");
    CHECK_INT_EQ(process_sysctl_path("net/ipv4/conf/eth0.1/rp_filter", out, sizeof out), 0);
    CHECK_STR_EQ(out, "net/ipv4/conf/eth0.1/rp_filter");
    CHECK_INT_EQ(process_sysctl_path("net.ipv4.conf.eth0/1.rp_filter", out, sizeof out), 0);
    CHECK_STR_EQ(out, "net/ipv4/conf/eth0.1/rp_filter");
    CHECK_INT_EQ(process_sysctl_path("kernel", out, sizeof out), 0);
    CHECK_STR_EQ(out, "kernel");
}

TEST(sysctl_keys_that_could_escape_are_rejected)
{
    char out[256], small[8];
    CHECK_INT_EQ(process_sysctl_path("", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("/etc/passwd", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path(".net", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net/../../etc", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net/./ipv4", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net..ipv4", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net.ipv4.", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net.ipv4/..", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net.ip\nv4", out, sizeof out), -EINVAL);
    CHECK_INT_EQ(process_sysctl_path("net.ipv4.ip_forward", small, sizeof small), -ENAMETOOLONG);
}

/* A temp dir with an executable "prog", a non-executable "data" and a
 * directory "sub" that is executable but not a file. */
static char tmp[64];

static void make_file(const char *name, mode_t mode)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd >= 0)
        close(fd);
    chmod(path, mode);
}

static int find(const char *arg0, const char *env0, char *out, size_t len, struct hull_error *err)
{
    const char *args[] = { arg0 };
    const char *env[] = { "HOME=/", env0 };
    struct spec_process p = {0};
    p.args = (struct str_list){ 1, args };
    p.env = (struct str_list){ env0 != NULL ? 2 : 1, env };
    return process_find_executable(&p, out, len, err);
}

TEST(path_search_in_a_temp_dir)
{
    char out[PATH_MAX], envp[256], want[128];
    struct hull_error err = {0};
    snprintf(tmp, sizeof tmp, "/tmp/hull-test-process-XXXXXX");
    REQUIRE(mkdtemp(tmp) != NULL);
    make_file("prog", 0755);
    make_file("data", 0644);
    snprintf(want, sizeof want, "%s/sub", tmp);
    mkdir(want, 0755);

    snprintf(envp, sizeof envp, "PATH=/nonexistent::relative:%s", tmp);
    CHECK_INT_EQ(find("prog", envp, out, sizeof out, &err), 0);
    snprintf(want, sizeof want, "%s/prog", tmp);
    CHECK_STR_EQ(out, want);

    CHECK_INT_EQ(find("data", envp, out, sizeof out, &err), -ENOENT);
    CHECK_STR_EQ(err.msg, "exec: \"data\": executable file not found in $PATH");
    CHECK_INT_EQ(find("sub", envp, out, sizeof out, &err), -ENOENT);

    char named[300];
    snprintf(named, sizeof named, "%s/prog", tmp);
    CHECK_INT_EQ(find(named, envp, out, sizeof out, &err), 0);
    CHECK_STR_EQ(out, named);
    /* A program named by path is checked at once: create fails, not start. */
    CHECK_INT_EQ(find("/nonexistent/prog", envp, out, sizeof out, &err), -ENOENT);
    CHECK(strstr(err.msg, "stat /nonexistent/prog") != NULL);
    snprintf(named, sizeof named, "%s/data", tmp);
    CHECK_INT_EQ(find(named, envp, out, sizeof out, &err), -EACCES);
    CHECK_INT_EQ(find("prog", envp, out, 8, &err), -ENOENT);

    CHECK_INT_EQ(find("sh", NULL, out, sizeof out, &err), 0);
    CHECK(strcmp(out, "/usr/bin/sh") == 0 || strcmp(out, "/bin/sh") == 0 ||
          strcmp(out, "/usr/local/bin/sh") == 0);
    CHECK_INT_EQ(find("", envp, out, sizeof out, &err), -EINVAL);

    char path[128];
    snprintf(path, sizeof path, "%s/prog", tmp);
    unlink(path);
    snprintf(path, sizeof path, "%s/data", tmp);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", tmp);
    rmdir(path);
    rmdir(tmp);
}

UNIT_MAIN()
