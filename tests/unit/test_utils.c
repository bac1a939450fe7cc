/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "utils.h"

TEST(signal_names_and_numbers)
{
    CHECK_INT_EQ(parse_signal("KILL"), SIGKILL);
    CHECK_INT_EQ(parse_signal("SIGKILL"), SIGKILL);
    CHECK_INT_EQ(parse_signal("sigterm"), SIGTERM);
    CHECK_INT_EQ(parse_signal("9"), 9);
    CHECK_INT_EQ(parse_signal("64"), 64);
    CHECK_INT_EQ(parse_signal("RTMIN+1"), SIGRTMIN + 1);
    CHECK_INT_EQ(parse_signal("SIGRTMAX-2"), SIGRTMAX - 2);
}

TEST(signal_rejects_out_of_range_and_junk)
{
    CHECK_INT_EQ(parse_signal("0"), -EINVAL);
    CHECK_INT_EQ(parse_signal("65"), -EINVAL);
    CHECK_INT_EQ(parse_signal("-9"), -EINVAL);
    CHECK_INT_EQ(parse_signal("9x"), -EINVAL);
    CHECK_INT_EQ(parse_signal("FOO"), -EINVAL);
    CHECK_INT_EQ(parse_signal(""), -EINVAL);
    CHECK_INT_EQ(parse_signal("99999999999999999999999"), -EINVAL);
    CHECK_INT_EQ(parse_signal("RTMIN+99"), -EINVAL);
}

TEST(numbers_are_range_checked)
{
    unsigned long long u;
    long long i;
    CHECK_INT_EQ(parse_u64("42", 100, &u), 0);
    CHECK_UINT_EQ(u, 42);
    CHECK_INT_EQ(parse_u64("101", 100, &u), -ERANGE);
    CHECK_INT_EQ(parse_u64(" 1", 100, &u), -EINVAL);
    CHECK_INT_EQ(parse_u64("+1", 100, &u), -EINVAL);
    CHECK_INT_EQ(parse_i64("-5", -10, 10, &i), 0);
    CHECK_INT_EQ(i, -5);
    CHECK_INT_EQ(parse_i64("-11", -10, 10, &i), -ERANGE);
    CHECK_INT_EQ(parse_i64("1e3", -10, 10000, &i), -EINVAL);
}

static char *tmpdir(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/hull-unit-XXXXXX");
    return mkdtemp(path);
}

TEST(read_file_refuses_fifo_symlink_and_large)
{
    char *d = tmpdir();
    REQUIRE(d != NULL);
    int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(dfd >= 0);
    struct hull_error err;
    char *buf;
    size_t len;
    CHECK(mkfifoat(dfd, "fifo", 0600) == 0);
    CHECK(read_file_at(dfd, "fifo", 100, &buf, &len, &err) == -EINVAL);
    CHECK(symlinkat("/etc/hostname", dfd, "link") == 0);
    CHECK(read_file_at(dfd, "link", 100, &buf, &len, &err) == -ELOOP);
    CHECK(write_file_atomic(dfd, "f", "hello", 5, &err) == 0);
    CHECK(read_file_at(dfd, "f", 4, &buf, &len, &err) == -EFBIG);
    REQUIRE(read_file_at(dfd, "f", 5, &buf, &len, &err) == 0);
    CHECK_UINT_EQ(len, 5);
    CHECK_STR_EQ(buf, "hello");
    free(buf);
    CHECK(remove_tree_at(AT_FDCWD, d, &err) == 0);
    CHECK(access(d, F_OK) < 0);
    close(dfd);
}

TEST(remove_tree_does_not_follow_symlinks)
{
    char *d = tmpdir();
    REQUIRE(d != NULL);
    char victim[128], sub[128], link[160];
    snprintf(victim, sizeof victim, "%s.victim", d);
    REQUIRE(mkdir(victim, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/a", d);
    REQUIRE(mkdir(sub, 0700) == 0);
    snprintf(link, sizeof link, "%s/a/out", d);
    REQUIRE(symlink(victim, link) == 0);
    struct hull_error err;
    CHECK(remove_tree_at(AT_FDCWD, d, &err) == 0);
    CHECK(access(victim, F_OK) == 0);
    rmdir(victim);
}

TEST(proc_start_time_of_self_and_missing)
{
    bool z = true;
    CHECK(proc_start_time(getpid(), &z) > 0);
    CHECK(!z);
    CHECK(proc_start_time(0x3fffffff, NULL) == 0);
}

TEST(error_messages_carry_context)
{
    struct hull_error err;
    CHECK_INT_EQ(hull_err(&err, ENOENT, "open %s", "/x"), -ENOENT);
    CHECK_STR_EQ(err.msg, "open /x: No such file or directory");
    CHECK_INT_EQ(hull_errx(&err, 0, "bad %d", 1), -EINVAL);
    CHECK_STR_EQ(err.msg, "bad 1");
    hull_errx(&err, EPERM, "inner");
    CHECK_INT_EQ(hull_err_prefix(&err, "outer"), -EPERM);
    CHECK_STR_EQ(err.msg, "outer: inner");
}

UNIT_MAIN()
