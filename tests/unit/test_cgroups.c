/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parts of the cgroup manager: paths, value conversions, v1 device
 * lines and the v2 device filter (run by a small BPF interpreter below). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "unit.h"
#include "utils.h"

/* ---- paths ------------------------------------------------------------------ */

static const char *clean(const char *in, bool *abs_out)
{
    static char out[CG_PATH_MAX];
    bool absolute = false;
    struct hull_error err;

    if (cg_path_clean(in, out, sizeof out, &absolute, &err) < 0)
        return NULL;
    if (abs_out != NULL)
        *abs_out = absolute;
    return out;
}

TEST(path_clean_normalises)
{
    bool a;

    CHECK_STR_EQ(clean("/a//b/./c/", &a), "/a/b/c");
    CHECK(a);
    CHECK_STR_EQ(clean("a/b", &a), "a/b");
    CHECK(!a);
    CHECK_STR_EQ(clean("./a/", &a), "a");
    CHECK_STR_EQ(clean("/kubepods/burstable/pod1/abc", NULL), "/kubepods/burstable/pod1/abc");
    CHECK_STR_EQ(clean("/a:b/c-d.scope", NULL), "/a:b/c-d.scope");
}

TEST(path_clean_refuses)
{
    char big[300];

    CHECK(clean("../x", NULL) == NULL);
    CHECK(clean("/a/../b", NULL) == NULL);
    CHECK(clean("/a/..", NULL) == NULL);
    CHECK(clean("/", NULL) == NULL);
    CHECK(clean("//./", NULL) == NULL);
    CHECK(clean(".", NULL) == NULL);
    CHECK(clean("a;b", NULL) == NULL);
    CHECK(clean("a\nb", NULL) == NULL);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(clean(big, NULL) == NULL);
    CHECK_STR_EQ(clean("/a/...", NULL), "/a/...");
}

static const char *systemd(const char *spec, const char *id)
{
    static char out[CG_PATH_MAX];
    struct hull_error err;

    return cg_systemd_path(spec, id, out, sizeof out, &err) < 0 ? NULL : out;
}

TEST(systemd_paths)
{
    CHECK_STR_EQ(systemd(NULL, "c1"), "/system.slice/hull-c1.scope");
    CHECK_STR_EQ(systemd("", "c1"), "/system.slice/hull-c1.scope");
    CHECK_STR_EQ(systemd("machine.slice:libpod:abc", "x"), "/machine.slice/libpod-abc.scope");
    CHECK_STR_EQ(systemd("a-b-c.slice:p:n", NULL), "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
    CHECK_STR_EQ(systemd("-.slice:p:n", NULL), "/p-n.scope");
    CHECK_STR_EQ(systemd(":p:n", NULL), "/system.slice/p-n.scope");
    CHECK_STR_EQ(systemd("x.slice::n", NULL), "/x.slice/n.scope");
    CHECK_STR_EQ(systemd("x.slice:p:n.slice", NULL), "/x.slice/n.slice");
    CHECK_STR_EQ(systemd("kubepods-burstable-pod1.slice:cri-containerd:abc", NULL),
                 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
                 "cri-containerd-abc.scope");
}

TEST(systemd_paths_refused)
{
    CHECK(systemd("a:b", NULL) == NULL);
    CHECK(systemd("a.slice:b:c:d", NULL) == NULL);
    CHECK(systemd("foo:p:n", NULL) == NULL);
    CHECK(systemd("a--b.slice:p:n", NULL) == NULL);
    CHECK(systemd("-a.slice:p:n", NULL) == NULL);
    CHECK(systemd("a-.slice:p:n", NULL) == NULL);
    CHECK(systemd("x.slice:p:../n", NULL) == NULL);
    CHECK(systemd("x.slice:p:", NULL) == NULL);
    CHECK(systemd("x.slice:p:..", NULL) == NULL);
    CHECK(systemd("a/b.slice:p:n", NULL) == NULL);
    CHECK(systemd(NULL, NULL) == NULL);
}

static const char *base(const char *own, const char *root, bool sibling)
{
    static char out[CG_PATH_MAX];
    struct hull_error err;

    return cg_relative_base(own, root, sibling, out, sizeof out, &err) < 0 ? NULL : out;
}

TEST(relative_base)
{
    CHECK_STR_EQ(base("/user.slice/user-0.slice/session-1.scope", "/", true),
                 "/user.slice/user-0.slice");
    CHECK_STR_EQ(base("/user.slice/user-0.slice/session-1.scope", "/", false),
                 "/user.slice/user-0.slice/session-1.scope");
    CHECK_STR_EQ(base("/system.slice", "/", true), "/system.slice");
    CHECK_STR_EQ(base("/", "/", true), "/");
    CHECK_STR_EQ(base("/a", "/", true), "/");
    CHECK_STR_EQ(base("/docker/abc/x", "/docker/abc", false), "/x");
    CHECK_STR_EQ(base("/docker/abc", "/docker/abc", false), "/");
    CHECK(base("/docker/abcd", "/docker/abc", false) == NULL);
    CHECK(base("/other", "/docker/abc", false) == NULL);
    CHECK(base("relative", "/", false) == NULL);
}

TEST(path_join)
{
    char out[CG_PATH_MAX];
    struct hull_error err;

    REQUIRE(cg_path_join("/", "a/b", out, sizeof out, &err) == 0);
    CHECK_STR_EQ(out, "/a/b");
    REQUIRE(cg_path_join("/x/y", "a", out, sizeof out, &err) == 0);
    CHECK_STR_EQ(out, "/x/y/a");
    CHECK(cg_path_join("/x", "a", out, 4, &err) < 0);
}

static void set_hier(struct cg_hier *h, const char *key, const char *path, bool v2)
{
    *h = (struct cg_hier){ .key = (char *)key, .path = (char *)path, .v2 = v2, .fd = -1 };
}

TEST(serialize_round_trip)
{
    struct cgroup cg = { .mode = CGROUP_V1, .n = 3 };
    struct hull_error err;
    size_t len;
    const char *p;

    set_hier(&cg.h[0], "cpu,cpuacct", "/a/b", false);
    set_hier(&cg.h[1], "memory", "/a/b", false);
    set_hier(&cg.h[2], "", "/a/b", true);
    REQUIRE(cg_serialize(&cg, &err) == 0);
    CHECK_STR_EQ(cg.serial, "/a/b");
    p = cg_serial_lookup(cg.serial, "memory", &len);
    REQUIRE(p != NULL);
    CHECK(len == 4 && strncmp(p, "/a/b", len) == 0);

    set_hier(&cg.h[1], "memory", "/process_api/x/a/b", false);
    REQUIRE(cg_serialize(&cg, &err) == 0);
    CHECK_STR_EQ(cg.serial, "cpu,cpuacct:/a/b;memory:/process_api/x/a/b;:/a/b");
    p = cg_serial_lookup(cg.serial, "memory", &len);
    REQUIRE(p != NULL);
    CHECK(len == strlen("/process_api/x/a/b") && strncmp(p, "/process_api/x/a/b", len) == 0);
    p = cg_serial_lookup(cg.serial, "", &len);
    REQUIRE(p != NULL);
    CHECK(len == 4 && strncmp(p, "/a/b", len) == 0);
    p = cg_serial_lookup(cg.serial, "cpu,cpuacct", &len);
    REQUIRE(p != NULL);
    CHECK(len == 4);
    CHECK(cg_serial_lookup(cg.serial, "pids", &len) == NULL);
    CHECK(cg_serial_lookup(cg.serial, "cpu", &len) == NULL);
    free(cg.serial);
}

/* ---- conversions -------------------------------------------------------------- */

TEST(shares_to_weight)
{
    CHECK_UINT_EQ(cg_shares_to_weight(0), 0);
    CHECK_UINT_EQ(cg_shares_to_weight(1), 1);
    CHECK_UINT_EQ(cg_shares_to_weight(2), 1);
    CHECK_UINT_EQ(cg_shares_to_weight(1024), 39);
    CHECK_UINT_EQ(cg_shares_to_weight(262144), 10000);
    CHECK_UINT_EQ(cg_shares_to_weight(1000000), 10000);
}

TEST(blkio_weight_to_io_weight)
{
    CHECK_UINT_EQ(cg_blkio_to_io_weight(0), 0);
    CHECK_UINT_EQ(cg_blkio_to_io_weight(10), 1);
    CHECK_UINT_EQ(cg_blkio_to_io_weight(500), 4950);
    CHECK_UINT_EQ(cg_blkio_to_io_weight(1000), 10000);
    CHECK_UINT_EQ(cg_blkio_to_io_weight(5), 1);
}

static int swap(int64_t sw, int64_t limit, bool *write, int64_t *out)
{
    struct hull_error err;

    return cg_swap_v2(sw, limit, write, out, &err);
}

TEST(swap_v2)
{
    bool w;
    int64_t v;

    REQUIRE(swap(0, -1, &w, &v) == 0);
    CHECK(w && v == -1);
    REQUIRE(swap(-1, 100, &w, &v) == 0);
    CHECK(w && v == -1);
    REQUIRE(swap(0, 100, &w, &v) == 0);
    CHECK(!w);
    REQUIRE(swap(300, 100, &w, &v) == 0);
    CHECK(w && v == 200);
    REQUIRE(swap(100, 100, &w, &v) == 0);
    CHECK(w && v == 0);
    CHECK(swap(50, 100, &w, &v) == -EINVAL);
    CHECK(swap(100, 0, &w, &v) == -EINVAL);
    CHECK(swap(100, -1, &w, &v) == -EINVAL);
}

TEST(fmt_max)
{
    char buf[32];

    REQUIRE(cg_fmt_max(-1, buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "max");
    REQUIRE(cg_fmt_max(4096, buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "4096");
    CHECK(cg_fmt_max(-2, buf, sizeof buf) < 0);
}

static const char *cpu_max(bool qs, int64_t q, bool ps, uint64_t p)
{
    static char buf[64];
    struct hull_error err;
    opt_i64 quota = { qs, q };
    opt_u64 period = { ps, p };

    return cg_fmt_cpu_max(quota, period, buf, sizeof buf, &err) < 0 ? NULL : buf;
}

TEST(cpu_max_strings)
{
    CHECK_STR_EQ(cpu_max(true, 50000, false, 0), "50000 100000");
    CHECK_STR_EQ(cpu_max(true, 50000, true, 200000), "50000 200000");
    CHECK_STR_EQ(cpu_max(true, -1, true, 20000), "max 20000");
    CHECK_STR_EQ(cpu_max(false, 0, true, 20000), "max 20000");
    CHECK_STR_EQ(cpu_max(false, 0, false, 0), "");
    CHECK_STR_EQ(cpu_max(true, 0, true, 0), "");
    CHECK(cpu_max(true, -5, false, 0) == NULL);
}

static struct spec_device_rule rule(bool allow, char type, int64_t maj, int64_t min,
                                    const char *access)
{
    return (struct spec_device_rule){ .allow = allow, .type = type,
                                      .major = { maj >= 0, maj }, .minor = { min >= 0, min },
                                      .access = access };
}

TEST(v1_device_lines)
{
    char lines[2][64];
    struct hull_error err;
    struct spec_device_rule r;

    r = rule(false, 'a', -1, -1, NULL);
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 1);
    CHECK_STR_EQ(lines[0], "a");
    r = rule(false, 'a', -1, -1, "rwm");
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 1);
    CHECK_STR_EQ(lines[0], "a");
    r = rule(true, 'c', 1, 3, "rw");
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 1);
    CHECK_STR_EQ(lines[0], "c 1:3 rw");
    r = rule(true, 'c', 136, -1, NULL);
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 1);
    CHECK_STR_EQ(lines[0], "c 136:* rwm");
    r = rule(true, 'b', -1, -1, "m");
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 1);
    CHECK_STR_EQ(lines[0], "b *:* m");
    r = rule(false, 'a', 5, -1, "r");
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 2);
    CHECK_STR_EQ(lines[0], "c 5:* r");
    CHECK_STR_EQ(lines[1], "b 5:* r");
    r = rule(true, 'a', -1, -1, "rw");
    REQUIRE(cg_v1_device_lines(&r, lines, &err) == 2);
    CHECK_STR_EQ(lines[0], "c *:* rw");
    r = rule(true, 'x', 1, 1, NULL);
    CHECK(cg_v1_device_lines(&r, lines, &err) < 0);
    r = rule(true, 'c', 1, 1, "rx");
    CHECK(cg_v1_device_lines(&r, lines, &err) < 0);
}

TEST(io_max_and_rdma_lines)
{
    char buf[128];
    struct hull_error err;
    struct spec_throttle_device t = { .major = 8, .minor = 0, .rate = 1048576 };
    struct spec_rdma r = { .device = "mlx5_0", .hca_handles = { true, 2 } };

    REQUIRE(cg_fmt_io_max(&t, "rbps", buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "8:0 rbps=1048576");
    t.rate = 0;
    REQUIRE(cg_fmt_io_max(&t, "wiops", buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "8:0 wiops=max");
    REQUIRE(cg_fmt_rdma(&r, buf, sizeof buf, &err) == 0);
    CHECK_STR_EQ(buf, "mlx5_0 hca_handle=2");
    r.hca_objects = (opt_u64){ true, 1000 };
    REQUIRE(cg_fmt_rdma(&r, buf, sizeof buf, &err) == 0);
    CHECK_STR_EQ(buf, "mlx5_0 hca_handle=2 hca_object=1000");
    r.device = "a b";
    CHECK(cg_fmt_rdma(&r, buf, sizeof buf, &err) < 0);
    r.device = "../x";
    CHECK(cg_fmt_rdma(&r, buf, sizeof buf, &err) < 0);
}

TEST(page_sizes)
{
    CHECK(cg_page_size_valid("2MB"));
    CHECK(cg_page_size_valid("1GB"));
    CHECK(cg_page_size_valid("64KB"));
    CHECK(!cg_page_size_valid("2mb"));
    CHECK(!cg_page_size_valid("MB"));
    CHECK(!cg_page_size_valid("02MB"));
    CHECK(!cg_page_size_valid("2MB/../x"));
    CHECK(!cg_page_size_valid("2TB"));
}

TEST(unified_keys)
{
    char ctrl[32];
    struct hull_error err;

    REQUIRE(cg_unified_key("memory.high", ctrl, sizeof ctrl, &err) == 0);
    CHECK_STR_EQ(ctrl, "memory");
    REQUIRE(cg_unified_key("hugetlb.2MB.max", ctrl, sizeof ctrl, &err) == 0);
    CHECK_STR_EQ(ctrl, "hugetlb");
    REQUIRE(cg_unified_key("cgroup.max.depth", ctrl, sizeof ctrl, &err) == 0);
    CHECK_STR_EQ(ctrl, "cgroup");
    CHECK(cg_unified_key("../memory.max", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key("a/memory.max", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key("memory..max", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key("memory", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key(".max", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key("cgroup.procs", ctrl, sizeof ctrl, &err) < 0);
    CHECK(cg_unified_key("cgroup.subtree_control", ctrl, sizeof ctrl, &err) < 0);
    CHECK(strstr(err.msg, "linux.resources.unified.cgroup.subtree_control") != NULL);
}

TEST(controller_masks)
{
    unsigned m = cg_ctrl_mask("cpuset cpu io memory hugetlb pids rdma misc", " ", true);

    CHECK(m & CG_BIT(CG_BLKIO));
    CHECK(m & CG_BIT(CG_MEMORY));
    CHECK(!(m & CG_BIT(CG_DEVICES)));
    m = cg_ctrl_mask("rw,cpu,cpuacct,nsroot=/", ",", false);
    CHECK_UINT_EQ(m, CG_BIT(CG_CPU) | CG_BIT(CG_CPUACCT));
    CHECK_INT_EQ(cg_ctrl_from_name("io", true), CG_BLKIO);
    CHECK_INT_EQ(cg_ctrl_from_name("io", false), -1);
    CHECK_INT_EQ(cg_ctrl_from_name("blkio", false), CG_BLKIO);
}

TEST(default_device_rules)
{
    struct spec_device_rule deny = rule(false, 'a', -1, -1, "rwm"), *v = NULL;
    struct spec_resources res = { .n_devices = 1, .devices = &deny };
    struct spec_device dev = { .type = 'c', .path = "/dev/fuse", .major = 10, .minor = 229 };
    struct hull_error err;
    size_t n = 0;

    REQUIRE(cgroup_device_rules_with_defaults(&res, &dev, 1, &v, &n, &err) == 0);
    REQUIRE(n > 3);
    CHECK(!v[0].allow && v[0].type == 'a');
    CHECK(v[1].allow && v[1].type == 'c' && v[1].major.v == 10 && v[1].minor.v == 229);
    CHECK(v[n - 1].allow && v[n - 1].major.v == 136 && !v[n - 1].minor.set);
    free(v);
}

/* ---- the v2 device filter -------------------------------------------------------- */

/* Runs the instructions the generator emits; -1 on anything else, on a
 * backward or out-of-range jump, or on falling off the end. */
static int run_bpf(const struct bpf_insn *p, size_t n, uint32_t type, uint32_t access,
                   uint32_t major, uint32_t minor)
{
    uint32_t ctx[3] = { (access << 16) | type, major, minor };
    uint64_t reg[11] = { 0 };

    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_insn *i = &p[pc];
        uint64_t imm = (uint64_t)(int64_t)i->imm;
        long jump = -1;
        switch (i->code) {
        case BPF_LDX | BPF_MEM | BPF_W:
            if (i->src_reg != 1 || i->off < 0 || i->off > 8 || i->off % 4 != 0)
                return -1;
            reg[i->dst_reg] = ctx[i->off / 4];
            break;
        case BPF_ALU64 | BPF_MOV | BPF_X: reg[i->dst_reg] = reg[i->src_reg]; break;
        case BPF_ALU64 | BPF_MOV | BPF_K: reg[i->dst_reg] = imm; break;
        case BPF_ALU64 | BPF_AND | BPF_K: reg[i->dst_reg] &= imm; break;
        case BPF_ALU64 | BPF_RSH | BPF_K: reg[i->dst_reg] >>= i->imm; break;
        case BPF_JMP32 | BPF_JNE | BPF_K:
            jump = (uint32_t)reg[i->dst_reg] != (uint32_t)i->imm;
            break;
        case BPF_JMP | BPF_JNE | BPF_K: jump = reg[i->dst_reg] != imm; break;
        case BPF_JMP | BPF_JEQ | BPF_K: jump = reg[i->dst_reg] == imm; break;
        case BPF_JMP | BPF_EXIT: return (int)reg[0];
        default: return -1;
        }
        if (jump == 1) {
            if (i->off < 0 || pc + 1 + (size_t)i->off >= n)
                return -1;
            pc += (size_t)i->off;
        }
    }
    return -1;
}

#define C BPF_DEVCG_DEV_CHAR
#define B BPF_DEVCG_DEV_BLOCK
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

static struct bpf_insn *program(const struct spec_device_rule *rules, size_t n, size_t *len)
{
    struct bpf_insn *p = NULL;
    struct hull_error err;

    return cg_devices_program(rules, n, &p, len, &err) < 0 ? NULL : p;
}

TEST(bpf_program_shape)
{
    struct spec_device_rule rules[] = { rule(false, 'a', -1, -1, NULL),
                                        rule(true, 'c', 1, 3, "rwm") };
    size_t n = 0;
    struct bpf_insn *p = program(rules, 2, &n);

    REQUIRE(p != NULL);
    CHECK(n > 6);
    CHECK(p[n - 1].code == (BPF_JMP | BPF_EXIT));
    for (size_t i = 0; i < n; i++) {
        uint8_t cls = BPF_CLASS(p[i].code);
        if ((cls == BPF_JMP || cls == BPF_JMP32) && p[i].code != (BPF_JMP | BPF_EXIT)) {
            CHECK(p[i].off >= 0);
            CHECK(i + 1 + (size_t)p[i].off < n);
        }
    }
    free(p);
}

TEST(bpf_empty_rules_allow_everything)
{
    size_t n = 0;
    struct bpf_insn *p = program(NULL, 0, &n);

    REQUIRE(p != NULL);
    CHECK_INT_EQ(run_bpf(p, n, C, R | W, 1, 3), 1);
    CHECK_INT_EQ(run_bpf(p, n, B, M, 8, 0), 1);
    free(p);
}

TEST(bpf_allowlist_decisions)
{
    struct spec_device_rule rules[] = {
        rule(false, 'a', -1, -1, "rwm"),  rule(true, 'c', -1, -1, "m"),
        rule(true, 'c', 1, 3, "rwm"),     rule(true, 'c', 136, -1, "rw"),
        rule(false, 'c', 1, 3, "w"),      rule(true, 'c', 1, 5, "r"),
        rule(true, 'c', 1, 5, "w"),
    };
    size_t n = 0;
    struct bpf_insn *p = program(rules, HULL_ARRAY_SIZE(rules), &n);

    REQUIRE(p != NULL);
    CHECK_INT_EQ(run_bpf(p, n, C, R, 1, 3), 1);
    CHECK_INT_EQ(run_bpf(p, n, C, W, 1, 3), 0);       /* later deny of w wins */
    CHECK_INT_EQ(run_bpf(p, n, C, R | W, 1, 3), 0);
    CHECK_INT_EQ(run_bpf(p, n, C, M, 1, 3), 1);
    CHECK_INT_EQ(run_bpf(p, n, C, R | W, 1, 5), 1);   /* r and w from two rules */
    CHECK_INT_EQ(run_bpf(p, n, C, R, 1, 7), 0);
    CHECK_INT_EQ(run_bpf(p, n, C, M, 1, 7), 1);       /* mknod of any char device */
    CHECK_INT_EQ(run_bpf(p, n, B, M, 1, 7), 0);
    CHECK_INT_EQ(run_bpf(p, n, B, R, 1, 3), 0);
    CHECK_INT_EQ(run_bpf(p, n, C, R | W, 136, 7), 1);
    CHECK_INT_EQ(run_bpf(p, n, C, M, 136, 7), 1);
    CHECK_INT_EQ(run_bpf(p, n, C, R, 137, 7), 0);
    free(p);
}

TEST(bpf_denylist_decisions)
{
    struct spec_device_rule rules[] = { rule(false, 'b', 8, -1, "w"),
                                        rule(false, 'c', 10, 200, NULL) };
    size_t n = 0;
    struct bpf_insn *p = program(rules, 2, &n);

    REQUIRE(p != NULL);
    CHECK_INT_EQ(run_bpf(p, n, B, R, 8, 1), 1);
    CHECK_INT_EQ(run_bpf(p, n, B, W, 8, 1), 0);
    CHECK_INT_EQ(run_bpf(p, n, C, W, 8, 1), 1);
    CHECK_INT_EQ(run_bpf(p, n, C, R, 10, 200), 0);
    CHECK_INT_EQ(run_bpf(p, n, C, R, 10, 201), 1);
    free(p);
}

TEST(bpf_wildcard_cuts_earlier_rules)
{
    struct spec_device_rule rules[] = { rule(true, 'c', 1, 3, NULL), rule(false, 'a', -1, -1, NULL),
                                        rule(true, 'c', 1, 5, NULL) };
    size_t n_all = 0, n_one = 0;
    struct bpf_insn *all = program(rules, 3, &n_all), *one = program(rules + 1, 2, &n_one);

    REQUIRE(all != NULL && one != NULL);
    CHECK_UINT_EQ(n_all, n_one);
    CHECK_INT_EQ(run_bpf(all, n_all, C, R, 1, 3), 0);
    CHECK_INT_EQ(run_bpf(all, n_all, C, R, 1, 5), 1);
    free(all);
    free(one);
}

TEST(bpf_bad_rules_refused)
{
    struct spec_device_rule bad[] = { rule(true, 'c', 1, 3, "rx") };
    struct spec_device_rule big[] = { rule(true, 'c', (int64_t)UINT32_MAX + 1, 3, NULL) };
    size_t n;

    CHECK(program(bad, 1, &n) == NULL);
    CHECK(program(big, 1, &n) == NULL);
}

UNIT_MAIN()
