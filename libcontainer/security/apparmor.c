/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procattr.h"

#define AA_ENABLED_PARAM "/sys/module/apparmor/parameters/enabled"
#define AA_SECURITYFS_DIR "/sys/kernel/security/apparmor"
#define WHAT "process.apparmorProfile"

static bool module_says_enabled(void)
{
    int fd = open(AA_ENABLED_PARAM, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    char c = 0;
    ssize_t n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n == 1 && c == 'Y';
}

static bool securityfs_present(void)
{
    struct stat st;
    return stat(AA_SECURITYFS_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

bool apparmor_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0)
        enabled = securityfs_present() && module_says_enabled();
    return enabled == 1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int apparmor_check_profile(const char *profile, struct hull_error *err)
{
    size_t len = strlen(profile);
    if (len == 0 || len > APPARMOR_PROFILE_MAX)
        return hull_errx(err, EINVAL, WHAT ": must be 1 to %d bytes long", APPARMOR_PROFILE_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)profile[i] < 0x20 || profile[i] == 0x7f)
            return hull_errx(err, EINVAL, WHAT ": control character at byte %zu", i);
    if (is_blank(profile[0]) || is_blank(profile[len - 1]))
        return hull_errx(err, EINVAL, WHAT " \"%s\": leading or trailing blank", profile);
    return 0;
}

/* The kernel answers ENOENT to a write naming a profile it has not loaded. */
static int write_exec_attr(const char *profile, struct hull_error *err)
{
    char value[APPARMOR_PROFILE_MAX + sizeof "exec "];
    char path[PROCATTR_PATH_MAX];
    snprintf(value, sizeof value, "exec %s", profile);
    int fd = procattr_open("apparmor", "exec", O_WRONLY, path, WHAT, err);
    if (fd < 0)
        return fd;
    int r = procattr_write_fd(fd, path, value, WHAT, err);
    close(fd);
    if (r == -ENOENT)
        return hull_errx(err, ENOENT, WHAT " \"%s\": no such profile is loaded in the kernel",
                         profile);
    return r;
}

int apparmor_check_usable(const char *profile, struct hull_error *err)
{
    if (profile == NULL || profile[0] == '\0')
        return 0;
    int r = apparmor_check_profile(profile, err);
    if (r == 0 && !apparmor_enabled())
        r = hull_errx(err, EOPNOTSUPP, WHAT " \"%s\": AppArmor is not enabled on this kernel",
                      profile);
    return r;
}

int apparmor_exec_profile(const char *profile, struct hull_error *err)
{
    int r = apparmor_check_usable(profile, err);
    if (r < 0 || profile == NULL || profile[0] == '\0')
        return r;
    return write_exec_attr(profile, err);
}
