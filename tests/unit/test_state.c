/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "unit.h"
#include "utils.h"

static int make_root(char *path, size_t len)
{
    snprintf(path, len, "/tmp/hull-state-XXXXXX");
    if (mkdtemp(path) == NULL)
        return -1;
    return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static struct container_state sample(const char *id)
{
    static struct state_annotation ann[] = { { "a", "1" }, { "b\"q", "x\ny" } };
    struct container_state st = {
        .id = (char *)id, .bundle = "/b", .rootfs = "/b/rootfs", .pid = getpid(),
        .start_time = proc_start_time(getpid(), NULL), .stored = STATUS_CREATED,
        .n_annotations = 2, .annotations = ann,
    };
    strcpy(st.created, "2026-01-01T00:00:00.000000000Z");
    return st;
}

TEST(ids_are_validated)
{
    CHECK(state_validate_id("abc-1.2_x+y", NULL) == 0);
    CHECK(state_validate_id("", NULL) < 0);
    CHECK(state_validate_id(".", NULL) < 0);
    CHECK(state_validate_id("..", NULL) < 0);
    CHECK(state_validate_id("a/b", NULL) < 0);
    CHECK(state_validate_id("../x", NULL) < 0);
    CHECK(state_validate_id("a b", NULL) < 0);
    char long_id[HULL_ID_MAX + 2];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    CHECK(state_validate_id(long_id, NULL) < 0);
}

TEST(claim_write_read_round_trip)
{
    char root[64];
    int rfd = make_root(root, sizeof root);
    REQUIRE(rfd >= 0);
    struct container_state st = sample("c1");
    struct hull_error err;
    int dfd;
    REQUIRE(state_claim(rfd, &st, "{}", 2, &dfd, &err) == 0);
    struct container_state back;
    REQUIRE(state_read(dfd, &back, &err) == 0);
    CHECK_STR_EQ(back.id, "c1");
    CHECK_STR_EQ(back.bundle, "/b");
    CHECK_INT_EQ(back.pid, getpid());
    CHECK_UINT_EQ(back.n_annotations, 2);
    CHECK_STR_EQ(back.annotations[1].key, "b\"q");
    CHECK_STR_EQ(back.annotations[1].value, "x\ny");
    CHECK(state_status(dfd, &back) == STATUS_RUNNING);
    state_free(&back);
    close(dfd);
    CHECK(state_remove(rfd, "c1", &err) == 0);
    CHECK(faccessat(rfd, "c1", F_OK, 0) < 0);
    close(rfd);
    rmdir(root);
}

TEST(second_claim_loses_and_changes_nothing)
{
    char root[64];
    int rfd = make_root(root, sizeof root);
    REQUIRE(rfd >= 0);
    struct container_state a = sample("dup"), b = sample("dup");
    b.bundle = "/other";
    struct hull_error err;
    int d1, d2 = -1;
    REQUIRE(state_claim(rfd, &a, NULL, 0, &d1, &err) == 0);
    CHECK_INT_EQ(state_claim(rfd, &b, NULL, 0, &d2, &err), -EEXIST);
    CHECK(strstr(err.msg, "already exists") != NULL);
    struct container_state back;
    REQUIRE(state_read(d1, &back, &err) == 0);
    CHECK_STR_EQ(back.bundle, "/b");
    state_free(&back);
    close(d1);
    /* No temporary directories are left behind. */
    int entries = 0;
    DIR *d = fdopendir(dup(rfd));
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;)
        entries += de->d_name[0] != '.';
    closedir(d);
    CHECK_INT_EQ(entries, 1);
    state_remove(rfd, "dup", NULL);
    close(rfd);
    rmdir(root);
}

TEST(stopped_when_pid_reused_or_gone)
{
    struct container_state st = sample("x");
    st.start_time += 1;
    CHECK(!state_pid_alive(&st));
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    st.pid = p;
    CHECK(!state_pid_alive(&st));
    CHECK(state_status(AT_FDCWD, &st) == STATUS_STOPPED);
}

TEST(state_json_rejects_damage)
{
    struct container_state st;
    struct hull_error err;
    CHECK(state_parse("{", 1, &st, &err) < 0);
    CHECK(state_parse("{} x", 4, &st, &err) < 0);
    CHECK(state_parse("[]", 2, &st, &err) < 0);
    const char *bad_pid = "{\"id\":\"a\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"pid\":-1,"
                          "\"startTime\":1,\"owner\":0,\"status\":\"created\",\"created\":\"t\"}";
    CHECK(state_parse(bad_pid, strlen(bad_pid), &st, &err) < 0);
    CHECK(strstr(err.msg, "pid") != NULL);
    const char *bad_id = "{\"id\":\"../a\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"pid\":1,"
                         "\"startTime\":1,\"owner\":0,\"status\":\"created\",\"created\":\"t\"}";
    CHECK(state_parse(bad_id, strlen(bad_id), &st, &err) < 0);
    const char nul[] = "{\"id\":\"a\0\"}";
    CHECK(state_parse(nul, sizeof nul - 1, &st, &err) < 0);
}

TEST(state_json_for_hooks_has_spec_fields)
{
    struct container_state st = sample("h");
    char *j = state_to_json(&st, STATUS_CREATING, false);
    REQUIRE(j != NULL);
    CHECK(strstr(j, "\"ociVersion\":\"1.2.0\"") != NULL);
    CHECK(strstr(j, "\"id\":\"h\"") != NULL);
    CHECK(strstr(j, "\"status\":\"creating\"") != NULL);
    CHECK(strstr(j, "\"bundle\":\"/b\"") != NULL);
    CHECK(strstr(j, "\"annotations\":{\"a\":\"1\"") != NULL);
    free(j);
    j = state_to_json(&st, STATUS_STOPPED, false);
    CHECK(strstr(j, "\"pid\":0") != NULL);
    free(j);
}

UNIT_MAIN()
