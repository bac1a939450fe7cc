/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/apparmor.h"
#include "security/procattr.h"
#include "security/selinux.h"
#include "unit.h"

#define LABEL "system_u:object_r:container_file_t:s0:c1,c2"

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    if (s != NULL) {
        memset(s, c, n);
        s[n] = '\0';
    }
    return s;
}

TEST(apparmor_profile_names)
{
    CHECK_INT_EQ(apparmor_check_profile("docker-default", NULL), 0);
    CHECK_INT_EQ(apparmor_check_profile("unconfined", NULL), 0);
    CHECK_INT_EQ(apparmor_check_profile("parent//hat", NULL), 0);
    CHECK_INT_EQ(apparmor_check_profile(":ns:profile name", NULL), 0);
    CHECK_INT_EQ(apparmor_check_profile("", NULL), -EINVAL);
    CHECK_INT_EQ(apparmor_check_profile("bad\nname", NULL), -EINVAL);
    CHECK_INT_EQ(apparmor_check_profile("tab\tname", NULL), -EINVAL);
    CHECK_INT_EQ(apparmor_check_profile(" leading", NULL), -EINVAL);
    CHECK_INT_EQ(apparmor_check_profile("trailing ", NULL), -EINVAL);
    char *longest = repeat('a', APPARMOR_PROFILE_MAX);
    char *too_long = repeat('a', APPARMOR_PROFILE_MAX + 1);
    REQUIRE(longest != NULL && too_long != NULL);
    CHECK_INT_EQ(apparmor_check_profile(longest, NULL), 0);
    CHECK_INT_EQ(apparmor_check_profile(too_long, NULL), -EINVAL);
    free(longest);
    free(too_long);
}

TEST(apparmor_error_names_the_field)
{
    struct hull_error err = {0};
    CHECK_INT_EQ(apparmor_check_profile("x\x01y", &err), -EINVAL);
    CHECK(strstr(err.msg, "process.apparmorProfile") != NULL);
    CHECK(strstr(err.msg, "byte 1") != NULL);
}

TEST(apparmor_profile_needs_apparmor)
{
    CHECK_INT_EQ(apparmor_exec_profile(NULL, NULL), 0);
    CHECK_INT_EQ(apparmor_exec_profile("", NULL), 0);
    if (apparmor_enabled())
        return;
    struct hull_error err = {0};
    CHECK_INT_EQ(apparmor_exec_profile("some-profile", &err), -EOPNOTSUPP);
    CHECK(strstr(err.msg, "AppArmor is not enabled") != NULL);
    CHECK_INT_EQ(apparmor_check_usable("some-profile", NULL), -EOPNOTSUPP);
    CHECK_INT_EQ(apparmor_check_usable(NULL, NULL), 0);
}

TEST(selinux_labels)
{
    CHECK_INT_EQ(selinux_check_label(LABEL, "x", NULL), 0);
    CHECK_INT_EQ(selinux_check_label("", "x", NULL), -EINVAL);
    CHECK_INT_EQ(selinux_check_label("a b", "x", NULL), -EINVAL);
    CHECK_INT_EQ(selinux_check_label("a\"b", "x", NULL), -EINVAL);
    CHECK_INT_EQ(selinux_check_label("a\nb", "x", NULL), -EINVAL);
    struct hull_error err = {0};
    CHECK_INT_EQ(selinux_check_label("a b", "linux.mountLabel", &err), -EINVAL);
    CHECK(strstr(err.msg, "linux.mountLabel") != NULL);
}

TEST(selinux_mount_option_format)
{
    char buf[128];
    CHECK_INT_EQ(selinux_format_mount_option(LABEL, "tmpfs", buf, sizeof buf),
                 (int)strlen("context=\"" LABEL "\""));
    CHECK_STR_EQ(buf, "context=\"" LABEL "\"");
    CHECK_INT_EQ(selinux_format_mount_option(LABEL, "devpts", buf, sizeof buf) > 0, 1);
    for (const char *const *t = (const char *const[]){ "proc", "sysfs", "cgroup", "cgroup2",
                                                       "mqueue", "bind", "", NULL };
         *t != NULL; t++) {
        CHECK_INT_EQ(selinux_format_mount_option(LABEL, *t, buf, sizeof buf), 0);
        CHECK_STR_EQ(buf, "");
    }
    CHECK_INT_EQ(selinux_format_mount_option(NULL, "tmpfs", buf, sizeof buf), 0);
    CHECK_INT_EQ(selinux_format_mount_option("", "tmpfs", buf, sizeof buf), 0);
    CHECK_INT_EQ(selinux_format_mount_option("a\"b", "tmpfs", buf, sizeof buf), -EINVAL);
    CHECK_INT_EQ(selinux_format_mount_option(LABEL, "tmpfs", buf, 10), -ENAMETOOLONG);
    CHECK_STR_EQ(buf, "");
}

TEST(selinux_mount_option_is_empty_without_selinux)
{
    if (selinux_enabled())
        return;
    char buf[128] = "junk";
    CHECK_INT_EQ(selinux_mount_option(LABEL, "tmpfs", buf, sizeof buf), 0);
    CHECK_STR_EQ(buf, "");
    CHECK_INT_EQ(selinux_exec_label(LABEL, NULL), -EOPNOTSUPP);
    CHECK_INT_EQ(selinux_exec_label(NULL, NULL), 0);
    CHECK_INT_EQ(selinux_key_label(LABEL, NULL), 0);
    CHECK_INT_EQ(selinux_label_mount(AT_FDCWD, LABEL, "/x", NULL), 0);
}

TEST(selinux_context_options)
{
    CHECK(selinux_is_context_option("context=\"a\""));
    CHECK(selinux_is_context_option("fscontext=a"));
    CHECK(selinux_is_context_option("defcontext=a"));
    CHECK(selinux_is_context_option("rootcontext=a"));
    CHECK(!selinux_is_context_option("mode=755"));
    CHECK(!selinux_is_context_option("contextx=a"));
}

static bool on_procfs(int fd)
{
    struct statfs sfs;
    return fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == PROC_SUPER_MAGIC;
}

TEST(procattr_opens_the_thread_attribute)
{
    char path[PROCATTR_PATH_MAX];
    int fd = procattr_open(NULL, "exec", O_RDONLY, path, "test", NULL);
    REQUIRE(fd >= 0);
    CHECK(on_procfs(fd));
    CHECK_STR_EQ(path, "thread-self/attr/exec");
    close(fd);
    /* An LSM without its own directory falls back to the shared file. */
    fd = procattr_open("no-such-lsm", "exec", O_RDONLY, path, "test", NULL);
    REQUIRE(fd >= 0);
    CHECK_STR_EQ(path, "thread-self/attr/exec");
    close(fd);
}

TEST(procattr_value_length_is_checked)
{
    char *big = repeat('x', PROCATTR_VALUE_MAX + 1);
    REQUIRE(big != NULL);
    CHECK_INT_EQ(procattr_write(NULL, "exec", big, "test", NULL), -EINVAL);
    CHECK_INT_EQ(procattr_write(NULL, "exec", "", "test", NULL), -EINVAL);
    free(big);
}

static int drop_sys_admin(void)
{
    cap_t c = cap_get_proc();
    cap_value_t v = CAP_SYS_ADMIN;
    int r = c != NULL && cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) == 0 ? cap_set_proc(c) : -1;
    cap_free(c);
    return r;
}

/* In a private mount namespace, cover this thread's attr/exec with a
 * regular file: the attribute must still be reached on procfs (through a
 * private clone of /proc) and, without the right to clone /proc, the
 * covered file must be refused rather than opened. */
static int overmount_child(const char *file)
{
    char target[96];
    snprintf(target, sizeof target, "/proc/%d/task/%d/attr/exec", (int)getpid(), (int)gettid());
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount(file, target, NULL, MS_BIND, NULL) < 0)
        return 77;
    char path[PROCATTR_PATH_MAX];
    int fd = procattr_open(NULL, "exec", O_WRONLY, path, "test", NULL);
    if (fd < 0 || !on_procfs(fd))
        return 1;
    close(fd);
    if (drop_sys_admin() < 0)
        return 77;
    struct hull_error err = {0};
    fd = procattr_open(NULL, "exec", O_WRONLY, path, "test", &err);
    if (fd >= 0)
        return 2;
    if (fd != -EXDEV || strstr(err.msg, "covered by another mount") == NULL)
        return 3;
    return 0;
}

TEST(procattr_is_not_redirected_by_an_over_mount)
{
    char file[] = "/tmp/hull-unit-attr-XXXXXX";
    int tfd = mkstemp(file);
    REQUIRE(tfd >= 0);
    close(tfd);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(overmount_child(file));
    int status = 0;
    waitpid(pid, &status, 0);
    struct stat st;
    CHECK(stat(file, &st) == 0 && st.st_size == 0);
    unlink(file);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        printf("# skipped: cannot make a private mount namespace here\n");
    else
        CHECK_INT_EQ(WEXITSTATUS(status), 0);
}

UNIT_MAIN()
