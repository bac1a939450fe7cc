/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"

#define MOUNTINFO_MAX (64u << 20)

static int is_octal(char c)
{
    return c >= '0' && c <= '7';
}

/* Decode the kernel's "\ooo" escapes in place. */
static void unescape(char *s)
{
    char *out = s;
    for (char *p = s; *p != '\0';) {
        if (p[0] == '\\' && is_octal(p[1]) && is_octal(p[2]) && is_octal(p[3])) {
            *out++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
            p += 4;
        } else {
            *out++ = *p++;
        }
    }
    *out = '\0';
}

static char *next_field(char **cursor)
{
    char *s = *cursor;
    if (s == NULL || *s == '\0')
        return NULL;
    char *sp = strchr(s, ' ');
    if (sp != NULL) {
        *sp = '\0';
        *cursor = sp + 1;
    } else {
        *cursor = NULL;
    }
    return s;
}

int mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
    char *cursor = line, *f[6] = { 0 };
    for (int i = 0; i < 6; i++)
        if ((f[i] = next_field(&cursor)) == NULL)
            return -EINVAL;
    char *opt;
    while ((opt = next_field(&cursor)) != NULL && strcmp(opt, "-") != 0)
        ;
    if (opt == NULL)
        return -EINVAL;
    char *fstype = next_field(&cursor), *source = next_field(&cursor);
    char *super = next_field(&cursor);
    if (fstype == NULL || source == NULL || super == NULL)
        return -EINVAL;
    char *all[] = { f[3], f[4], f[5], fstype, source, super };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        unescape(all[i]);
    *e = (struct mountinfo_entry){ .root = f[3], .mountpoint = f[4], .mount_opts = f[5],
                                   .fstype = fstype, .source = source, .super_opts = super };
    return 0;
}

static int walk_lines(char *buf, mountinfo_fn fn, void *arg, struct hull_error *err)
{
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        struct mountinfo_entry e;
        if (mountinfo_parse_line(line, &e) < 0)
            return hull_errx(err, EINVAL, "/proc/self/mountinfo: malformed line");
        int r = fn(&e, arg, err);
        if (r != 0)
            return r;
    }
    return 0;
}

int mountinfo_foreach(mountinfo_fn fn, void *arg, struct hull_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", MOUNTINFO_MAX, &buf, &len, err);
    if (r < 0)
        return r;
    r = walk_lines(buf, fn, arg, err);
    free(buf);
    return r;
}

bool mountinfo_has_opt(const char *opts, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = opts; p != NULL && *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}
