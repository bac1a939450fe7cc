/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json -> struct spec.
 *
 * The document is parsed with the yajl tree API and then walked field by
 * field. A small path stack (struct jp) follows the walk so that every
 * error names the JSON path it is about ("process.args[2]: expected
 * string"). Every value is type- and range-checked here; semantic checks
 * that need the host (does this capability exist, is that cgroup path
 * usable) are left to the modules that apply the setting. */
#include "spec.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <yajl/yajl_tree.h>

#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

#define SPEC_MAX_BYTES ((size_t)16 << 20)
#define SPEC_MAX_DEPTH 64
#define SPEC_MAX_ID_MAPPINGS 340          /* the kernel's limit per map */
#define SPEC_MAX_GROUPS 65536             /* NGROUPS_MAX */
#define ID_MAX ((uint64_t)UINT32_MAX - 1) /* (uid_t)-1 is not an id */
#define DEV_MAJOR_MAX 4095
#define DEV_MINOR_MAX 1048575
#define ERRNO_RET_MAX 65535               /* SECCOMP_RET_DATA is 16 bits */
#define SHOW_MAX 72

enum { OPTIONAL = false, REQUIRED = true };

/* ---- names and values ---------------------------------------------------- */

struct name_value { const char *name; int value; };

static const char *const ns_names[NS_TYPE_COUNT] = {
    [NS_PID] = "pid",   [NS_NETWORK] = "network", [NS_MOUNT] = "mount",
    [NS_IPC] = "ipc",   [NS_UTS] = "uts",         [NS_USER] = "user",
    [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

static const int ns_clone_flags[NS_TYPE_COUNT] = {
    [NS_PID] = CLONE_NEWPID,       [NS_NETWORK] = CLONE_NEWNET,
    [NS_MOUNT] = CLONE_NEWNS,      [NS_IPC] = CLONE_NEWIPC,
    [NS_UTS] = CLONE_NEWUTS,       [NS_USER] = CLONE_NEWUSER,
    [NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
};

static const char *const hook_names[HOOK_KIND_COUNT] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

static const struct name_value rlimit_names[] = {
    { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
    { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
    { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static const struct name_value sched_policies[] = {
    { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO },
    { "SCHED_RR", SCHED_RR },       { "SCHED_BATCH", SCHED_BATCH },
    { "SCHED_ISO", SCHED_ISO },     { "SCHED_IDLE", SCHED_IDLE },
    { "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flags[] = {
    { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
    { "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
    { "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
    { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

/* Values of the kernel's IOPRIO_CLASS_* (linux/ioprio.h). */
static const struct name_value ioprio_classes[] = {
    { "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
};

static const struct name_value propagations[] = {
    { "shared", 0 }, { "slave", 0 }, { "private", 0 }, { "unbindable", 0 },
    { "rshared", 0 }, { "rslave", 0 }, { "rprivate", 0 }, { "runbindable", 0 },
};

static const struct name_value seccomp_actions[] = {
    { "SCMP_ACT_KILL", 0 }, { "SCMP_ACT_KILL_PROCESS", 0 }, { "SCMP_ACT_KILL_THREAD", 0 },
    { "SCMP_ACT_TRAP", 0 }, { "SCMP_ACT_ERRNO", 0 },        { "SCMP_ACT_TRACE", 0 },
    { "SCMP_ACT_ALLOW", 0 }, { "SCMP_ACT_LOG", 0 },         { "SCMP_ACT_NOTIFY", 0 },
};

static const struct name_value seccomp_ops[] = {
    { "SCMP_CMP_NE", 0 }, { "SCMP_CMP_LT", 0 }, { "SCMP_CMP_LE", 0 }, { "SCMP_CMP_EQ", 0 },
    { "SCMP_CMP_GE", 0 }, { "SCMP_CMP_GT", 0 }, { "SCMP_CMP_MASKED_EQ", 0 },
};

static const struct name_value personality_domains[] = {
    { "LINUX", 0 }, { "LINUX32", 0 },
};

static const struct name_value *find_name(const struct name_value *t, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, s) == 0)
            return &t[i];
    return NULL;
}

#define FIND(table, s) find_name((table), HULL_ARRAY_SIZE(table), (s))

/* ---- the path stack and errors ------------------------------------------- */

struct jp {
    struct hull_error *err;
    size_t len;
    char path[256];
};

static size_t jp_push(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t jp_push(struct jp *p, const char *fmt, ...)
{
    size_t mark = p->len;
    size_t room = sizeof p->path - p->len;
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(p->path + p->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len += (size_t)n < room ? (size_t)n : room - 1;
    return mark;
}

static void jp_pop(struct jp *p, size_t mark)
{
    p->len = mark;
    p->path[mark] = '\0';
}

/* A bounded copy of an untrusted string, safe to put in a message: control
 * characters, quotes and backslashes become '?', long values are cut at a
 * character boundary and end in "...". */
static const char *show(const char *s, char buf[SHOW_MAX])
{
    size_t i = 0;

    for (; s[i] != '\0' && i < SHOW_MAX - 4; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
    }
    if (s[i] != '\0') {
        while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
            i--;
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static size_t jp_key(struct jp *p, const char *key)
{
    char b[SHOW_MAX];
    return jp_push(p, p->len != 0 ? ".%s" : "%s", show(key, b));
}

static size_t jp_map_key(struct jp *p, const char *key)
{
    char b[SHOW_MAX];
    return jp_push(p, "[\"%s\"]", show(key, b));
}

static size_t jp_index(struct jp *p, size_t i)
{
    return jp_push(p, "[%zu]", i);
}

static int jp_vfail(struct jp *p, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int jp_vfail(struct jp *p, const char *fmt, va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof msg, fmt, ap);
    if (p->len == 0)
        return hull_errx(p->err, EINVAL, "%s", msg);
    return hull_errx(p->err, EINVAL, "%s: %s", p->path, msg);
}

static int jp_fail(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int jp_fail(struct jp *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = jp_vfail(p, fmt, ap);
    va_end(ap);
    return r;
}

/* Fail about the member key of the object at the current path. */
static int jp_fail_at(struct jp *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int jp_fail_at(struct jp *p, const char *key, const char *fmt, ...)
{
    size_t mark = jp_key(p, key);
    va_list ap;
    va_start(ap, fmt);
    int r = jp_vfail(p, fmt, ap);
    va_end(ap);
    jp_pop(p, mark);
    return r;
}

static int jp_fail_index(struct jp *p, size_t i, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int jp_fail_index(struct jp *p, size_t i, const char *key, const char *fmt, ...)
{
    size_t mark = jp_index(p, i);
    jp_key(p, key);
    va_list ap;
    va_start(ap, fmt);
    int r = jp_vfail(p, fmt, ap);
    va_end(ap);
    jp_pop(p, mark);
    return r;
}

static int jp_nomem(struct jp *p)
{
    return hull_err(p->err, ENOMEM, "%s", p->len != 0 ? p->path : "config");
}

/* calloc for n parsed elements; never NULL for n == 0 on success. */
static void *array_alloc(struct jp *p, size_t n, size_t size)
{
    void *a = calloc(n != 0 ? n : 1, size);
    if (a == NULL)
        jp_nomem(p);
    return a;
}

/* ---- JSON node types ------------------------------------------------------ */

static int node_object(struct jp *p, yajl_val v)
{
    return YAJL_IS_OBJECT(v) ? 0 : jp_fail(p, "expected object");
}

static int node_array(struct jp *p, yajl_val v)
{
    return YAJL_IS_ARRAY(v) ? 0 : jp_fail(p, "expected array");
}

static int node_string(struct jp *p, yajl_val v, const char **out)
{
    if (!YAJL_IS_STRING(v))
        return jp_fail(p, "expected string");
    *out = v->u.string;
    return 0;
}

static int node_bool(struct jp *p, yajl_val v, bool *out)
{
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
        return jp_fail(p, "expected boolean");
    *out = YAJL_IS_TRUE(v);
    return 0;
}

/* A JSON integer as sign and magnitude, so that the whole uint64 range and
 * the whole int64 range can be read from the number's text. */
struct jnum { bool neg; uint64_t mag; };

/* 0, -EINVAL if the text is not a plain integer, -ERANGE if it is one but
 * does not fit in 64 bits. */
static int parse_magnitude(const char *s, struct jnum *out)
{
    int r = 0;

    out->neg = *s == '-';
    out->mag = 0;
    if (out->neg)
        s++;
    if (*s == '\0')
        return -EINVAL;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        unsigned d = (unsigned)(*s - '0');
        if (out->mag > (UINT64_MAX - d) / 10)
            r = -ERANGE;
        else
            out->mag = out->mag * 10 + d;
    }
    return r;
}

static bool in_range(const struct jnum *n, int64_t min, uint64_t max)
{
    if (!n->neg || n->mag == 0)
        return n->mag <= max && (min <= 0 || n->mag >= (uint64_t)min);
    if (min >= 0)
        return false;
    return n->mag <= (uint64_t)(-(min + 1)) + 1;
}

static int64_t jnum_i64(const struct jnum *n)
{
    if (n->neg && n->mag != 0)
        return -(int64_t)(n->mag - 1) - 1;
    return (int64_t)n->mag;
}

static int node_integer(struct jp *p, yajl_val v, int64_t min, uint64_t max, struct jnum *out)
{
    char b[SHOW_MAX];

    if (!YAJL_IS_NUMBER(v))
        return jp_fail(p, "expected integer");
    const char *raw = v->u.number.r;
    int r = parse_magnitude(raw, out);
    double d = v->u.number.d;
    if (r == -EINVAL && !(d > -9223372036854775808.0 && d < 9223372036854775808.0))
        r = -ERANGE;
    if (r == -EINVAL)
        return jp_fail(p, "expected integer, got %s", show(raw, b));
    if (r < 0 || !in_range(out, min, max))
        return jp_fail(p, "%s out of range %" PRId64 "..%" PRIu64, show(raw, b), min, max);
    return 0;
}

/* ---- fields of an object -------------------------------------------------- */

typedef int (*str_check_fn)(struct jp *p, const char *s);
typedef int (*node_fn)(struct jp *p, yajl_val v, void *out);

/* obj[key], with JSON null read as absent. */
static yajl_val obj_get(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0) {
            yajl_val v = obj->u.object.values[i];
            return YAJL_IS_NULL(v) ? NULL : v;
        }
    }
    return NULL;
}

/* Push obj.key on the path and fetch it; the caller pops *mark. */
static int enter_field(struct jp *p, yajl_val obj, const char *key, bool required,
                       yajl_val *v, size_t *mark)
{
    *mark = jp_key(p, key);
    *v = obj_get(obj, key);
    if (*v == NULL && required)
        return jp_fail(p, "missing");
    return 0;
}

static int get_str(struct jp *p, yajl_val obj, const char *key, bool required,
                   str_check_fn check, const char **out)
{
    size_t mark;
    yajl_val v;
    const char *s = NULL;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL)
        r = node_string(p, v, &s);
    if (r == 0 && s != NULL && check != NULL)
        r = check(p, s);
    if (r == 0 && s != NULL)
        *out = s;
    jp_pop(p, mark);
    return r;
}

static int get_opt_bool(struct jp *p, yajl_val obj, const char *key, bool required, opt_bool *out)
{
    size_t mark;
    yajl_val v;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL && (r = node_bool(p, v, &out->v)) == 0)
        out->set = true;
    jp_pop(p, mark);
    return r;
}

/* An optional boolean that keeps *out (false) when absent. */
static int get_bool(struct jp *p, yajl_val obj, const char *key, bool *out)
{
    opt_bool b = { false, false };
    int r = get_opt_bool(p, obj, key, OPTIONAL, &b);

    if (r == 0 && b.set)
        *out = b.v;
    return r;
}

static int get_i64(struct jp *p, yajl_val obj, const char *key, bool required,
                   int64_t min, int64_t max, opt_i64 *out)
{
    size_t mark;
    yajl_val v;
    struct jnum n;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL && (r = node_integer(p, v, min, (uint64_t)max, &n)) == 0) {
        out->set = true;
        out->v = jnum_i64(&n);
    }
    jp_pop(p, mark);
    return r;
}

static int get_u64(struct jp *p, yajl_val obj, const char *key, bool required,
                   uint64_t min, uint64_t max, opt_u64 *out)
{
    size_t mark;
    yajl_val v;
    struct jnum n;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL && (r = node_integer(p, v, (int64_t)min, max, &n)) == 0) {
        out->set = true;
        out->v = n.mag;
    }
    jp_pop(p, mark);
    return r;
}

/* A uint32 that keeps *out when absent. */
static int get_u32(struct jp *p, yajl_val obj, const char *key, bool required,
                   uint32_t min, uint64_t max, uint32_t *out)
{
    opt_u64 u = { false, 0 };
    int r = get_u64(p, obj, key, required, min, max, &u);

    if (r == 0 && u.set)
        *out = (uint32_t)u.v;
    return r;
}

/* An int64 that keeps *out when absent. */
static int get_int(struct jp *p, yajl_val obj, const char *key, bool required,
                   int64_t min, int64_t max, int64_t *out)
{
    opt_i64 i = { false, 0 };
    int r = get_i64(p, obj, key, required, min, max, &i);

    if (r == 0 && i.set)
        *out = i.v;
    return r;
}

/* obj[key] handed to fn after an optional node type check. */
static int get_node(struct jp *p, yajl_val obj, const char *key, bool required,
                    int (*expect)(struct jp *, yajl_val), node_fn fn, void *out)
{
    size_t mark;
    yajl_val v;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL && expect != NULL)
        r = expect(p, v);
    if (r == 0 && v != NULL)
        r = fn(p, v, out);
    jp_pop(p, mark);
    return r;
}

static int get_object(struct jp *p, yajl_val obj, const char *key, bool required,
                      node_fn fn, void *out)
{
    return get_node(p, obj, key, required, node_object, fn, out);
}

static int get_array(struct jp *p, yajl_val obj, const char *key, bool required,
                     node_fn fn, void *out)
{
    return get_node(p, obj, key, required, node_array, fn, out);
}

/* fn(p, item, &base[i]) for every element of an array of objects. */
static int each_object(struct jp *p, yajl_val arr, void *base, size_t size, node_fn fn)
{
    for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val item = arr->u.array.values[i];
        size_t mark = jp_index(p, i);
        int r = node_object(p, item);
        if (r == 0)
            r = fn(p, item, (char *)base + i * size);
        jp_pop(p, mark);
        if (r < 0)
            return r;
    }
    return 0;
}

static int node_str_list(struct jp *p, yajl_val v, str_check_fn check, struct str_list *out)
{
    int r = node_array(p, v);
    if (r < 0)
        return r;
    size_t n = v->u.array.len;
    if ((out->v = array_alloc(p, n, sizeof *out->v)) == NULL)
        return -ENOMEM;
    out->n = n;
    for (size_t i = 0; i < n && r == 0; i++) {
        size_t mark = jp_index(p, i);
        r = node_string(p, v->u.array.values[i], &out->v[i]);
        if (r == 0 && check != NULL)
            r = check(p, out->v[i]);
        jp_pop(p, mark);
    }
    return r;
}

static int get_str_list(struct jp *p, yajl_val obj, const char *key, bool required,
                        str_check_fn check, struct str_list *out)
{
    size_t mark;
    yajl_val v;
    int r = enter_field(p, obj, key, required, &v, &mark);

    if (r == 0 && v != NULL)
        r = node_str_list(p, v, check, out);
    jp_pop(p, mark);
    return r;
}

/* An object whose members are all strings; key_check vets every key. */
static int node_str_map(struct jp *p, yajl_val v, str_check_fn key_check, struct kv_list *out)
{
    int r = node_object(p, v);
    if (r < 0)
        return r;
    size_t n = v->u.object.len;
    if ((out->v = array_alloc(p, n, sizeof *out->v)) == NULL)
        return -ENOMEM;
    out->n = n;
    for (size_t i = 0; i < n && r == 0; i++) {
        const char *key = v->u.object.keys[i];
        size_t mark = jp_map_key(p, key);
        out->v[i].key = key;
        r = key_check != NULL ? key_check(p, key) : 0;
        if (r == 0)
            r = node_string(p, v->u.object.values[i], &out->v[i].value);
        jp_pop(p, mark);
    }
    return r;
}

static int get_str_map(struct jp *p, yajl_val obj, const char *key, str_check_fn key_check,
                       struct kv_list *out)
{
    size_t mark;
    yajl_val v;
    int r = enter_field(p, obj, key, OPTIONAL, &v, &mark);

    if (r == 0 && v != NULL)
        r = node_str_map(p, v, key_check, out);
    jp_pop(p, mark);
    return r;
}

/* ---- string checks -------------------------------------------------------- */

static int check_nonempty(struct jp *p, const char *s)
{
    return *s != '\0' ? 0 : jp_fail(p, "must not be empty");
}

static bool take_digits(const char **s)
{
    const char *start = *s;
    while (**s >= '0' && **s <= '9')
        (*s)++;
    return *s > start && (*s - start == 1 || *start != '0');
}

/* SemVer 2.0.0 "MAJOR.MINOR.PATCH[-pre][+build]" with major 1: the
 * versions of the runtime-spec this runtime implements. */
static int check_oci_version(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    const char *c = s;
    bool ok = strncmp(c, "1.", 2) == 0;
    c += 2;
    ok = ok && take_digits(&c) && *c++ == '.' && take_digits(&c);
    ok = ok && (*c == '\0' || *c == '-' || *c == '+');
    return ok ? 0 : jp_fail(p, "\"%s\" is not a supported version (want 1.x.y)", show(s, b));
}

static int check_abs_path(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    return s[0] == '/' ? 0 : jp_fail(p, "\"%s\" is not an absolute path", show(s, b));
}

static int check_env(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    const char *eq = strchr(s, '=');

    if (eq == NULL)
        return jp_fail(p, "\"%s\" is not of the form NAME=value", show(s, b));
    if (eq == s)
        return jp_fail(p, "\"%s\" has an empty variable name", show(s, b));
    return 0;
}

static int check_in_table(struct jp *p, const struct name_value *t, size_t n,
                          const char *what, const char *s)
{
    char b[SHOW_MAX];
    return find_name(t, n, s) != NULL ? 0 : jp_fail(p, "unknown %s \"%s\"", what, show(s, b));
}

#define CHECK_IN(p, table, what, s) \
    check_in_table((p), (table), HULL_ARRAY_SIZE(table), (what), (s))

static int check_rlimit_type(struct jp *p, const char *s)
{
    return CHECK_IN(p, rlimit_names, "rlimit type", s);
}

static int check_sched_policy(struct jp *p, const char *s)
{
    return CHECK_IN(p, sched_policies, "scheduler policy", s);
}

static int check_sched_flag(struct jp *p, const char *s)
{
    return CHECK_IN(p, sched_flags, "scheduler flag", s);
}

static int check_ioprio_class(struct jp *p, const char *s)
{
    return CHECK_IN(p, ioprio_classes, "I/O priority class", s);
}

static int check_propagation(struct jp *p, const char *s)
{
    return *s == '\0' ? 0 : CHECK_IN(p, propagations, "propagation", s);
}

static int check_seccomp_action(struct jp *p, const char *s)
{
    return CHECK_IN(p, seccomp_actions, "seccomp action", s);
}

static int check_seccomp_op(struct jp *p, const char *s)
{
    return CHECK_IN(p, seccomp_ops, "seccomp operator", s);
}

static int check_personality_domain(struct jp *p, const char *s)
{
    return CHECK_IN(p, personality_domains, "personality domain", s);
}

static int ns_type_of(const char *s)
{
    for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (strcmp(ns_names[t], s) == 0)
            return t;
    return -1;
}

static int check_ns_type(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    return ns_type_of(s) >= 0 ? 0 : jp_fail(p, "unknown namespace type \"%s\"", show(s, b));
}

static int check_device_type(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (s[0] != '\0' && s[1] == '\0' && strchr("cbup", s[0]) != NULL)
        return 0;
    return jp_fail(p, "unknown device type \"%s\" (expected c, b, u or p)", show(s, b));
}

static int check_rule_type(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (s[0] != '\0' && s[1] == '\0' && strchr("abc", s[0]) != NULL)
        return 0;
    return jp_fail(p, "unknown device type \"%s\" (expected a, b or c)", show(s, b));
}

static int check_access(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (s[0] != '\0' && strspn(s, "rwm") == strlen(s))
        return 0;
    return jp_fail(p, "\"%s\" is not a non-empty combination of r, w and m", show(s, b));
}

/* A network interface name as the kernel accepts it (dev_valid_name). */
static int check_ifname(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    size_t n = strlen(s);
    bool ok = n > 0 && n < 16 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;

    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        ok = c != '/' && c != ':' && c > 0x20 && c != 0x7f;
    }
    return ok ? 0 : jp_fail(p, "\"%s\" is not a valid interface name", show(s, b));
}

/* One file name: used where the value becomes a path component. */
static int check_file_name(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (*s != '\0' && strchr(s, '/') == NULL && strcmp(s, ".") != 0 && strcmp(s, "..") != 0)
        return 0;
    return jp_fail(p, "\"%s\" is not a valid file name", show(s, b));
}

static bool all_graphic(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
            return false;
    return true;
}

/* A word without blanks or control characters (written into a cgroup file). */
static int check_token(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (*s != '\0' && all_graphic(s))
        return 0;
    return jp_fail(p, "\"%s\" must be a non-empty word without blanks", show(s, b));
}

/* "net.ipv4.ip_forward" or "net/ipv4/ip_forward": no way out of /proc/sys. */
static int check_sysctl_key(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    if (*s != '\0' && *s != '.' && *s != '/' && strstr(s, "..") == NULL && all_graphic(s))
        return 0;
    return jp_fail(p, "\"%s\" is not a valid sysctl name", show(s, b));
}

/* "<digits><K|M|G|T|P>B", e.g. "2MB": it becomes part of a cgroup file name. */
static int check_page_size(struct jp *p, const char *s)
{
    char b[SHOW_MAX];
    size_t digits = strspn(s, "0123456789");

    if (digits > 0 && s[0] != '0' && s[digits] != '\0' && strchr("KMGTP", s[digits]) != NULL &&
        strcmp(s + digits + 1, "B") == 0)
        return 0;
    return jp_fail(p, "\"%s\" is not a page size like 2MB", show(s, b));
}

/* ---- mounts and id mappings ----------------------------------------------- */

static int check_id_range(struct jp *p, const char *key, uint32_t start, uint32_t size)
{
    if ((uint64_t)start + size > UINT32_MAX)
        return jp_fail_at(p, key, "range %" PRIu32 "+%" PRIu32 " goes beyond 4294967294",
                          start, size);
    return 0;
}

static int parse_id_mapping(struct jp *p, yajl_val v, void *out)
{
    struct spec_id_mapping *m = out;
    int r;

    if ((r = get_u32(p, v, "containerID", REQUIRED, 0, UINT32_MAX, &m->container_id)) < 0 ||
        (r = get_u32(p, v, "hostID", REQUIRED, 0, UINT32_MAX, &m->host_id)) < 0 ||
        (r = get_u32(p, v, "size", REQUIRED, 1, UINT32_MAX, &m->size)) < 0 ||
        (r = check_id_range(p, "containerID", m->container_id, m->size)) < 0)
        return r;
    return check_id_range(p, "hostID", m->host_id, m->size);
}

static int parse_id_mappings(struct jp *p, yajl_val arr, void *out)
{
    struct spec_id_mappings *maps = out;
    size_t n = arr->u.array.len;

    if (n > SPEC_MAX_ID_MAPPINGS)
        return jp_fail(p, "%zu entries, at most %d are allowed", n, SPEC_MAX_ID_MAPPINGS);
    if ((maps->v = array_alloc(p, n, sizeof *maps->v)) == NULL)
        return -ENOMEM;
    maps->n = n;
    return each_object(p, arr, maps->v, sizeof *maps->v, parse_id_mapping);
}

static int parse_mount(struct jp *p, yajl_val v, void *out)
{
    struct spec_mount *m = out;
    int r;

    if ((r = get_str(p, v, "destination", REQUIRED, check_nonempty, &m->destination)) < 0 ||
        (r = get_str(p, v, "type", OPTIONAL, NULL, &m->type)) < 0 ||
        (r = get_str(p, v, "source", OPTIONAL, NULL, &m->source)) < 0 ||
        (r = get_str_list(p, v, "options", OPTIONAL, NULL, &m->options)) < 0 ||
        (r = get_array(p, v, "uidMappings", OPTIONAL, parse_id_mappings, &m->uid_mappings)) < 0)
        return r;
    return get_array(p, v, "gidMappings", OPTIONAL, parse_id_mappings, &m->gid_mappings);
}

static int parse_mounts(struct jp *p, yajl_val arr, void *out)
{
    struct spec *s = out;
    size_t n = arr->u.array.len;

    if ((s->mounts = array_alloc(p, n, sizeof *s->mounts)) == NULL)
        return -ENOMEM;
    s->n_mounts = n;
    return each_object(p, arr, s->mounts, sizeof *s->mounts, parse_mount);
}

static int parse_root(struct jp *p, yajl_val v, void *out)
{
    struct spec *s = out;
    int r = get_str(p, v, "path", REQUIRED, check_nonempty, &s->root_path);

    if (r < 0)
        return r;
    return get_bool(p, v, "readonly", &s->root_readonly);
}

/* ---- process -------------------------------------------------------------- */

static int parse_console_size(struct jp *p, yajl_val v, void *out)
{
    struct spec_process *pr = out;
    int r = get_u64(p, v, "height", REQUIRED, 0, UINT16_MAX, &pr->console_height);

    if (r < 0)
        return r;
    return get_u64(p, v, "width", REQUIRED, 0, UINT16_MAX, &pr->console_width);
}

static int parse_args(struct jp *p, yajl_val v, void *out)
{
    struct spec_process *pr = out;
    int r = node_str_list(p, v, NULL, &pr->args);

    if (r == 0 && pr->args.n == 0)
        r = jp_fail(p, "must not be empty");
    return r;
}

static int parse_rlimit(struct jp *p, yajl_val v, void *out)
{
    struct spec_rlimit *rl = out;
    opt_u64 hard = { false, 0 }, soft = { false, 0 };
    int r;

    if ((r = get_str(p, v, "type", REQUIRED, check_rlimit_type, &rl->type)) < 0 ||
        (r = get_u64(p, v, "hard", REQUIRED, 0, UINT64_MAX, &hard)) < 0 ||
        (r = get_u64(p, v, "soft", REQUIRED, 0, UINT64_MAX, &soft)) < 0)
        return r;
    rl->resource = FIND(rlimit_names, rl->type)->value;
    rl->hard = hard.v;
    rl->soft = soft.v;
    if (rl->soft > rl->hard)
        return jp_fail_at(p, "soft", "%" PRIu64 " is above the hard limit %" PRIu64,
                          rl->soft, rl->hard);
    return 0;
}

static int parse_rlimits(struct jp *p, yajl_val arr, void *out)
{
    struct spec_process *pr = out;
    size_t n = arr->u.array.len;
    bool seen[RLIM_NLIMITS] = { false };
    int r;

    if ((pr->rlimits = array_alloc(p, n, sizeof *pr->rlimits)) == NULL)
        return -ENOMEM;
    pr->n_rlimits = n;
    if ((r = each_object(p, arr, pr->rlimits, sizeof *pr->rlimits, parse_rlimit)) < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        int res = pr->rlimits[i].resource;
        if (seen[res])
            return jp_fail_index(p, i, "type", "duplicate %s", pr->rlimits[i].type);
        seen[res] = true;
    }
    return 0;
}

static int parse_caps(struct jp *p, yajl_val v, void *out)
{
    struct spec_caps *c = out;
    int r;

    c->present = true;
    if ((r = get_str_list(p, v, "bounding", OPTIONAL, NULL, &c->bounding)) < 0 ||
        (r = get_str_list(p, v, "effective", OPTIONAL, NULL, &c->effective)) < 0 ||
        (r = get_str_list(p, v, "inheritable", OPTIONAL, NULL, &c->inheritable)) < 0 ||
        (r = get_str_list(p, v, "permitted", OPTIONAL, NULL, &c->permitted)) < 0)
        return r;
    return get_str_list(p, v, "ambient", OPTIONAL, NULL, &c->ambient);
}

static int parse_scheduler(struct jp *p, yajl_val v, void *out)
{
    struct spec_scheduler *sc = out;
    int r;

    sc->present = true;
    if ((r = get_str(p, v, "policy", REQUIRED, check_sched_policy, &sc->policy)) < 0 ||
        (r = get_i64(p, v, "nice", OPTIONAL, -20, 19, &sc->nice)) < 0 ||
        (r = get_i64(p, v, "priority", OPTIONAL, 0, 99, &sc->priority)) < 0 ||
        (r = get_str_list(p, v, "flags", OPTIONAL, check_sched_flag, &sc->flags)) < 0 ||
        (r = get_u64(p, v, "runtime", OPTIONAL, 0, UINT64_MAX, &sc->runtime)) < 0 ||
        (r = get_u64(p, v, "deadline", OPTIONAL, 0, UINT64_MAX, &sc->deadline)) < 0 ||
        (r = get_u64(p, v, "period", OPTIONAL, 0, UINT64_MAX, &sc->period)) < 0)
        return r;
    sc->policy_value = FIND(sched_policies, sc->policy)->value;
    return 0;
}

static int parse_io_priority(struct jp *p, yajl_val v, void *out)
{
    struct spec_io_priority *io = out;
    int r;

    io->present = true;
    if ((r = get_str(p, v, "class", REQUIRED, check_ioprio_class, &io->klass)) < 0 ||
        (r = get_int(p, v, "priority", REQUIRED, 0, 7, &io->priority)) < 0)
        return r;
    io->class_value = FIND(ioprio_classes, io->klass)->value;
    return 0;
}

static int parse_cpu_affinity(struct jp *p, yajl_val v, void *out)
{
    struct spec_process *pr = out;
    int r = get_str(p, v, "initial", OPTIONAL, NULL, &pr->exec_cpu_affinity_initial);

    if (r < 0)
        return r;
    return get_str(p, v, "final", OPTIONAL, NULL, &pr->exec_cpu_affinity_final);
}

static int parse_gids(struct jp *p, yajl_val arr, void *out)
{
    struct spec_user *u = out;
    size_t n = arr->u.array.len;
    int r = 0;

    if (n > SPEC_MAX_GROUPS)
        return jp_fail(p, "%zu groups, at most %d are allowed", n, SPEC_MAX_GROUPS);
    if ((u->additional_gids = array_alloc(p, n, sizeof *u->additional_gids)) == NULL)
        return -ENOMEM;
    u->n_additional_gids = n;
    for (size_t i = 0; i < n && r == 0; i++) {
        struct jnum num;
        size_t mark = jp_index(p, i);
        r = node_integer(p, arr->u.array.values[i], 0, ID_MAX, &num);
        if (r == 0)
            u->additional_gids[i] = (gid_t)num.mag;
        jp_pop(p, mark);
    }
    return r;
}

static int parse_user(struct jp *p, yajl_val v, void *out)
{
    struct spec_user *u = out;
    int r;

    if ((r = get_u32(p, v, "uid", OPTIONAL, 0, ID_MAX, &u->uid)) < 0 ||
        (r = get_u32(p, v, "gid", OPTIONAL, 0, ID_MAX, &u->gid)) < 0 ||
        (r = get_u64(p, v, "umask", OPTIONAL, 0, 0777, &u->umask)) < 0 ||
        (r = get_array(p, v, "additionalGids", OPTIONAL, parse_gids, u)) < 0)
        return r;
    return get_str(p, v, "username", OPTIONAL, NULL, &u->username);
}

static int parse_process_base(struct jp *p, yajl_val v, struct spec_process *pr)
{
    int r;

    if ((r = get_bool(p, v, "terminal", &pr->terminal)) < 0 ||
        (r = get_object(p, v, "consoleSize", OPTIONAL, parse_console_size, pr)) < 0 ||
        (r = get_object(p, v, "user", OPTIONAL, parse_user, &pr->user)) < 0 ||
        (r = get_array(p, v, "args", REQUIRED, parse_args, pr)) < 0 ||
        (r = get_str_list(p, v, "env", OPTIONAL, check_env, &pr->env)) < 0 ||
        (r = get_str(p, v, "cwd", REQUIRED, check_abs_path, &pr->cwd)) < 0)
        return r;
    return get_array(p, v, "rlimits", OPTIONAL, parse_rlimits, pr);
}

static int parse_process_linux(struct jp *p, yajl_val v, struct spec_process *pr)
{
    int r;

    if ((r = get_object(p, v, "capabilities", OPTIONAL, parse_caps, &pr->capabilities)) < 0 ||
        (r = get_bool(p, v, "noNewPrivileges", &pr->no_new_privileges)) < 0 ||
        (r = get_i64(p, v, "oomScoreAdj", OPTIONAL, -1000, 1000, &pr->oom_score_adj)) < 0 ||
        (r = get_object(p, v, "scheduler", OPTIONAL, parse_scheduler, &pr->scheduler)) < 0 ||
        (r = get_object(p, v, "ioPriority", OPTIONAL, parse_io_priority, &pr->io_priority)) < 0 ||
        (r = get_object(p, v, "execCPUAffinity", OPTIONAL, parse_cpu_affinity, pr)) < 0 ||
        (r = get_str(p, v, "apparmorProfile", OPTIONAL, NULL, &pr->apparmor_profile)) < 0)
        return r;
    return get_str(p, v, "selinuxLabel", OPTIONAL, NULL, &pr->selinux_label);
}

static int parse_process(struct jp *p, yajl_val v, void *out)
{
    struct spec *s = out;
    int r;

    s->has_process = true;
    if ((r = parse_process_base(p, v, &s->process)) < 0)
        return r;
    return parse_process_linux(p, v, &s->process);
}

/* ---- hooks ---------------------------------------------------------------- */

static int parse_hook(struct jp *p, yajl_val v, void *out)
{
    struct spec_hook *h = out;
    int r;

    if ((r = get_str(p, v, "path", REQUIRED, check_abs_path, &h->path)) < 0 ||
        (r = get_str_list(p, v, "args", OPTIONAL, NULL, &h->args)) < 0 ||
        (r = get_str_list(p, v, "env", OPTIONAL, check_env, &h->env)) < 0)
        return r;
    return get_i64(p, v, "timeout", OPTIONAL, 1, INT32_MAX, &h->timeout);
}

static int parse_hook_list(struct jp *p, yajl_val arr, void *out)
{
    struct spec_hook_list *l = out;
    size_t n = arr->u.array.len;

    if ((l->v = array_alloc(p, n, sizeof *l->v)) == NULL)
        return -ENOMEM;
    l->n = n;
    return each_object(p, arr, l->v, sizeof *l->v, parse_hook);
}

static int parse_hooks(struct jp *p, yajl_val v, void *out)
{
    struct spec *s = out;

    for (int k = 0; k < HOOK_KIND_COUNT; k++) {
        int r = get_array(p, v, hook_names[k], OPTIONAL, parse_hook_list, &s->hooks[k]);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- linux: namespaces, ids, time, devices -------------------------------- */

static int parse_namespace(struct jp *p, yajl_val v, void *out)
{
    struct spec_namespace *ns = out;
    const char *type = NULL;
    int r;

    if ((r = get_str(p, v, "type", REQUIRED, check_ns_type, &type)) < 0 ||
        (r = get_str(p, v, "path", OPTIONAL, check_abs_path, &ns->path)) < 0)
        return r;
    ns->type = (enum spec_ns_type)ns_type_of(type);
    return 0;
}

static int parse_namespaces(struct jp *p, yajl_val arr, void *out)
{
    struct spec_linux *l = out;
    size_t n = arr->u.array.len;
    bool seen[NS_TYPE_COUNT] = { false };
    int r;

    if ((l->namespaces = array_alloc(p, n, sizeof *l->namespaces)) == NULL)
        return -ENOMEM;
    l->n_namespaces = n;
    if ((r = each_object(p, arr, l->namespaces, sizeof *l->namespaces, parse_namespace)) < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        enum spec_ns_type t = l->namespaces[i].type;
        if (seen[t])
            return jp_fail_index(p, i, "type", "duplicate namespace type \"%s\"", ns_names[t]);
        seen[t] = true;
    }
    return 0;
}

static int parse_time_offset(struct jp *p, yajl_val v, void *out)
{
    struct spec_time_offset *o = out;
    int r = get_int(p, v, "secs", OPTIONAL, INT64_MIN, INT64_MAX, &o->secs);

    if (r == 0)
        r = get_u32(p, v, "nanosecs", OPTIONAL, 0, 999999999, &o->nanosecs);
    o->set = r == 0;
    return r;
}

static int parse_time_offsets(struct jp *p, yajl_val v, void *out)
{
    struct spec_linux *l = out;
    int r = get_object(p, v, "monotonic", OPTIONAL, parse_time_offset, &l->time_monotonic);

    if (r < 0)
        return r;
    return get_object(p, v, "boottime", OPTIONAL, parse_time_offset, &l->time_boottime);
}

/* Engines (podman, CRI-O, docker) write fileMode with the file-type bits
 * of the device (020666 for a character device). Those bits, when present,
 * must agree with type; only the permission bits are kept. */
static int check_device_mode_type(struct jp *p, struct spec_device *d)
{
    if (!d->file_mode.set)
        return 0;
    unsigned long long ifmt = d->file_mode.v & 0170000;
    unsigned long long want = d->type == 'b' ? 0060000 : d->type == 'p' ? 0010000 : 0020000;
    if (ifmt != 0 && ifmt != want) {
        return jp_fail_at(p, "fileMode", "%#llo: file type bits do not match type \"%c\"",
                          (unsigned long long)d->file_mode.v, d->type);
    }
    d->file_mode.v &= 07777;
    return 0;
}

static int parse_device(struct jp *p, yajl_val v, void *out)
{
    struct spec_device *d = out;
    const char *type = NULL;
    int r;

    if ((r = get_str(p, v, "type", REQUIRED, check_device_type, &type)) < 0)
        return r;
    d->type = type[0];
    bool numbered = d->type != 'p';
    if ((r = get_str(p, v, "path", REQUIRED, check_abs_path, &d->path)) < 0 ||
        (r = get_int(p, v, "major", numbered, 0, DEV_MAJOR_MAX, &d->major)) < 0 ||
        (r = get_int(p, v, "minor", numbered, 0, DEV_MINOR_MAX, &d->minor)) < 0 ||
        (r = get_u64(p, v, "fileMode", OPTIONAL, 0, 0177777, &d->file_mode)) < 0 ||
        (r = get_u64(p, v, "uid", OPTIONAL, 0, ID_MAX, &d->uid)) < 0)
        return r;
    if ((r = check_device_mode_type(p, d)) < 0)
        return r;
    return get_u64(p, v, "gid", OPTIONAL, 0, ID_MAX, &d->gid);
}

static int parse_devices(struct jp *p, yajl_val arr, void *out)
{
    struct spec_linux *l = out;
    size_t n = arr->u.array.len;

    if ((l->devices = array_alloc(p, n, sizeof *l->devices)) == NULL)
        return -ENOMEM;
    l->n_devices = n;
    return each_object(p, arr, l->devices, sizeof *l->devices, parse_device);
}

/* ---- linux.resources ------------------------------------------------------ */

/* A major or minor in a cgroup device rule: -1 is read as a wildcard. */
static int get_rule_number(struct jp *p, yajl_val v, const char *key, int64_t max, opt_i64 *out)
{
    int r = get_i64(p, v, key, OPTIONAL, -1, max, out);

    if (r == 0 && out->set && out->v == -1)
        out->set = false;
    return r;
}

static int parse_device_rule(struct jp *p, yajl_val v, void *out)
{
    struct spec_device_rule *rule = out;
    opt_bool allow = { false, false };
    const char *type = NULL;
    int r;

    if ((r = get_opt_bool(p, v, "allow", REQUIRED, &allow)) < 0 ||
        (r = get_str(p, v, "type", OPTIONAL, check_rule_type, &type)) < 0 ||
        (r = get_rule_number(p, v, "major", DEV_MAJOR_MAX, &rule->major)) < 0 ||
        (r = get_rule_number(p, v, "minor", DEV_MINOR_MAX, &rule->minor)) < 0 ||
        (r = get_str(p, v, "access", OPTIONAL, check_access, &rule->access)) < 0)
        return r;
    rule->allow = allow.v;
    rule->type = type != NULL ? type[0] : 'a';
    return 0;
}

static int parse_device_rules(struct jp *p, yajl_val arr, void *out)
{
    struct spec_resources *res = out;
    size_t n = arr->u.array.len;

    if ((res->devices = array_alloc(p, n, sizeof *res->devices)) == NULL)
        return -ENOMEM;
    res->n_devices = n;
    return each_object(p, arr, res->devices, sizeof *res->devices, parse_device_rule);
}

static int parse_memory(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    int r;

    res->memory.present = true;
    if ((r = get_i64(p, v, "limit", OPTIONAL, -1, INT64_MAX, &res->memory.limit)) < 0 ||
        (r = get_i64(p, v, "reservation", OPTIONAL, -1, INT64_MAX, &res->memory.reservation)) < 0 ||
        (r = get_i64(p, v, "swap", OPTIONAL, -1, INT64_MAX, &res->memory.swap)) < 0 ||
        (r = get_i64(p, v, "kernel", OPTIONAL, -1, INT64_MAX, &res->memory.kernel)) < 0 ||
        (r = get_i64(p, v, "kernelTCP", OPTIONAL, -1, INT64_MAX, &res->memory.kernel_tcp)) < 0 ||
        (r = get_u64(p, v, "swappiness", OPTIONAL, 0, 100, &res->memory.swappiness)) < 0 ||
        (r = get_opt_bool(p, v, "disableOOMKiller", OPTIONAL,
                          &res->memory.disable_oom_killer)) < 0 ||
        (r = get_opt_bool(p, v, "useHierarchy", OPTIONAL, &res->memory.use_hierarchy)) < 0)
        return r;
    return get_opt_bool(p, v, "checkBeforeUpdate", OPTIONAL, &res->memory.check_before_update);
}

static int parse_cpu(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    int r;

    res->cpu.present = true;
    if ((r = get_u64(p, v, "shares", OPTIONAL, 0, UINT64_MAX, &res->cpu.shares)) < 0 ||
        (r = get_i64(p, v, "quota", OPTIONAL, -1, INT64_MAX, &res->cpu.quota)) < 0 ||
        (r = get_u64(p, v, "burst", OPTIONAL, 0, UINT64_MAX, &res->cpu.burst)) < 0 ||
        (r = get_u64(p, v, "period", OPTIONAL, 0, UINT64_MAX, &res->cpu.period)) < 0 ||
        (r = get_i64(p, v, "realtimeRuntime", OPTIONAL, -1, INT64_MAX,
                     &res->cpu.realtime_runtime)) < 0 ||
        (r = get_u64(p, v, "realtimePeriod", OPTIONAL, 0, UINT64_MAX,
                     &res->cpu.realtime_period)) < 0 ||
        (r = get_i64(p, v, "idle", OPTIONAL, 0, 1, &res->cpu.idle)) < 0 ||
        (r = get_str(p, v, "cpus", OPTIONAL, NULL, &res->cpu.cpus)) < 0)
        return r;
    return get_str(p, v, "mems", OPTIONAL, NULL, &res->cpu.mems);
}

static int parse_pids(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;

    res->pids.present = true;
    return get_i64(p, v, "limit", OPTIONAL, -1, INT64_MAX, &res->pids.limit);
}

static int parse_weight_device(struct jp *p, yajl_val v, void *out)
{
    struct spec_weight_device *w = out;
    int r;

    if ((r = get_int(p, v, "major", REQUIRED, 0, DEV_MAJOR_MAX, &w->major)) < 0 ||
        (r = get_int(p, v, "minor", REQUIRED, 0, DEV_MINOR_MAX, &w->minor)) < 0 ||
        (r = get_u64(p, v, "weight", OPTIONAL, 0, UINT16_MAX, &w->weight)) < 0 ||
        (r = get_u64(p, v, "leafWeight", OPTIONAL, 0, UINT16_MAX, &w->leaf_weight)) < 0)
        return r;
    if (!w->weight.set && !w->leaf_weight.set)
        return jp_fail(p, "needs weight or leafWeight");
    return 0;
}

static int parse_weight_devices(struct jp *p, yajl_val arr, void *out)
{
    struct spec_resources *res = out;
    size_t n = arr->u.array.len;
    size_t size = sizeof *res->block_io.weight_device;

    if ((res->block_io.weight_device = array_alloc(p, n, size)) == NULL)
        return -ENOMEM;
    res->block_io.n_weight_device = n;
    return each_object(p, arr, res->block_io.weight_device, size, parse_weight_device);
}

static int parse_throttle(struct jp *p, yajl_val v, void *out)
{
    struct spec_throttle_device *t = out;
    opt_u64 rate = { false, 0 };
    int r;

    if ((r = get_int(p, v, "major", REQUIRED, 0, DEV_MAJOR_MAX, &t->major)) < 0 ||
        (r = get_int(p, v, "minor", REQUIRED, 0, DEV_MINOR_MAX, &t->minor)) < 0 ||
        (r = get_u64(p, v, "rate", REQUIRED, 0, UINT64_MAX, &rate)) < 0)
        return r;
    t->rate = rate.v;
    return 0;
}

static int parse_throttle_list(struct jp *p, yajl_val arr, void *out)
{
    struct spec_throttle_list *l = out;
    size_t n = arr->u.array.len;

    if ((l->v = array_alloc(p, n, sizeof *l->v)) == NULL)
        return -ENOMEM;
    l->n = n;
    return each_object(p, arr, l->v, sizeof *l->v, parse_throttle);
}

static int parse_block_io(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    int r;

    res->block_io.present = true;
    if ((r = get_u64(p, v, "weight", OPTIONAL, 0, UINT16_MAX, &res->block_io.weight)) < 0 ||
        (r = get_u64(p, v, "leafWeight", OPTIONAL, 0, UINT16_MAX,
                     &res->block_io.leaf_weight)) < 0 ||
        (r = get_array(p, v, "weightDevice", OPTIONAL, parse_weight_devices, res)) < 0 ||
        (r = get_array(p, v, "throttleReadBpsDevice", OPTIONAL, parse_throttle_list,
                       &res->block_io.throttle_read_bps)) < 0 ||
        (r = get_array(p, v, "throttleWriteBpsDevice", OPTIONAL, parse_throttle_list,
                       &res->block_io.throttle_write_bps)) < 0 ||
        (r = get_array(p, v, "throttleReadIOPSDevice", OPTIONAL, parse_throttle_list,
                       &res->block_io.throttle_read_iops)) < 0)
        return r;
    return get_array(p, v, "throttleWriteIOPSDevice", OPTIONAL, parse_throttle_list,
                     &res->block_io.throttle_write_iops);
}

static int parse_hugepage_limit(struct jp *p, yajl_val v, void *out)
{
    struct spec_hugepage_limit *h = out;
    opt_u64 limit = { false, 0 };
    int r;

    if ((r = get_str(p, v, "pageSize", REQUIRED, check_page_size, &h->page_size)) < 0 ||
        (r = get_u64(p, v, "limit", REQUIRED, 0, UINT64_MAX, &limit)) < 0)
        return r;
    h->limit = limit.v;
    return 0;
}

static int parse_hugepage_limits(struct jp *p, yajl_val arr, void *out)
{
    struct spec_resources *res = out;
    size_t n = arr->u.array.len;

    if ((res->hugepage_limits = array_alloc(p, n, sizeof *res->hugepage_limits)) == NULL)
        return -ENOMEM;
    res->n_hugepage_limits = n;
    return each_object(p, arr, res->hugepage_limits, sizeof *res->hugepage_limits,
                       parse_hugepage_limit);
}

static int parse_net_priority(struct jp *p, yajl_val v, void *out)
{
    struct spec_net_priority *np = out;
    int r = get_str(p, v, "name", REQUIRED, check_ifname, &np->name);

    if (r < 0)
        return r;
    return get_u32(p, v, "priority", REQUIRED, 0, UINT32_MAX, &np->priority);
}

static int parse_net_priorities(struct jp *p, yajl_val arr, void *out)
{
    struct spec_resources *res = out;
    size_t n = arr->u.array.len;

    if ((res->network.priorities = array_alloc(p, n, sizeof *res->network.priorities)) == NULL)
        return -ENOMEM;
    res->network.n_priorities = n;
    return each_object(p, arr, res->network.priorities, sizeof *res->network.priorities,
                       parse_net_priority);
}

static int parse_network(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    int r;

    res->network.present = true;
    if ((r = get_u64(p, v, "classID", OPTIONAL, 0, UINT32_MAX, &res->network.class_id)) < 0)
        return r;
    return get_array(p, v, "priorities", OPTIONAL, parse_net_priorities, res);
}

static int parse_rdma_entry(struct jp *p, const char *key, yajl_val v, struct spec_rdma *e)
{
    int r;

    e->device = key;
    if ((r = check_token(p, key)) < 0 || (r = node_object(p, v)) < 0 ||
        (r = get_u64(p, v, "hcaHandles", OPTIONAL, 0, UINT32_MAX, &e->hca_handles)) < 0 ||
        (r = get_u64(p, v, "hcaObjects", OPTIONAL, 0, UINT32_MAX, &e->hca_objects)) < 0)
        return r;
    if (!e->hca_handles.set && !e->hca_objects.set)
        return jp_fail(p, "needs hcaHandles or hcaObjects");
    return 0;
}

static int parse_rdma(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    size_t n = v->u.object.len;
    int r = 0;

    if ((res->rdma = array_alloc(p, n, sizeof *res->rdma)) == NULL)
        return -ENOMEM;
    res->n_rdma = n;
    for (size_t i = 0; i < n && r == 0; i++) {
        size_t mark = jp_map_key(p, v->u.object.keys[i]);
        r = parse_rdma_entry(p, v->u.object.keys[i], v->u.object.values[i], &res->rdma[i]);
        jp_pop(p, mark);
    }
    return r;
}

static int parse_resources(struct jp *p, yajl_val v, void *out)
{
    struct spec_resources *res = out;
    int r;

    res->present = true;
    if ((r = get_array(p, v, "devices", OPTIONAL, parse_device_rules, res)) < 0 ||
        (r = get_object(p, v, "memory", OPTIONAL, parse_memory, res)) < 0 ||
        (r = get_object(p, v, "cpu", OPTIONAL, parse_cpu, res)) < 0 ||
        (r = get_object(p, v, "pids", OPTIONAL, parse_pids, res)) < 0 ||
        (r = get_object(p, v, "blockIO", OPTIONAL, parse_block_io, res)) < 0 ||
        (r = get_array(p, v, "hugepageLimits", OPTIONAL, parse_hugepage_limits, res)) < 0 ||
        (r = get_object(p, v, "network", OPTIONAL, parse_network, res)) < 0 ||
        (r = get_object(p, v, "rdma", OPTIONAL, parse_rdma, res)) < 0)
        return r;
    return get_str_map(p, v, "unified", check_file_name, &res->unified);
}

/* ---- linux.seccomp -------------------------------------------------------- */

static bool action_takes_errno(const char *action)
{
    return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static int check_errno_ret(struct jp *p, const char *key, const char *action, const opt_u64 *ret)
{
    if (ret->set && !action_takes_errno(action))
        return jp_fail_at(p, key, "not allowed with %s", action);
    return 0;
}

static int parse_seccomp_arg(struct jp *p, yajl_val v, void *out)
{
    struct spec_seccomp_arg *a = out;
    opt_u64 value = { false, 0 }, value_two = { false, 0 };
    int r;

    if ((r = get_u32(p, v, "index", REQUIRED, 0, 5, &a->index)) < 0 ||
        (r = get_u64(p, v, "value", REQUIRED, 0, UINT64_MAX, &value)) < 0 ||
        (r = get_u64(p, v, "valueTwo", OPTIONAL, 0, UINT64_MAX, &value_two)) < 0 ||
        (r = get_str(p, v, "op", REQUIRED, check_seccomp_op, &a->op)) < 0)
        return r;
    a->value = value.v;
    a->value_two = value_two.v;
    return 0;
}

static int parse_seccomp_args(struct jp *p, yajl_val arr, void *out)
{
    struct spec_seccomp_syscall *sc = out;
    size_t n = arr->u.array.len;

    if ((sc->args = array_alloc(p, n, sizeof *sc->args)) == NULL)
        return -ENOMEM;
    sc->n_args = n;
    return each_object(p, arr, sc->args, sizeof *sc->args, parse_seccomp_arg);
}

static int parse_syscall_names(struct jp *p, yajl_val v, void *out)
{
    struct spec_seccomp_syscall *sc = out;
    int r = node_str_list(p, v, check_nonempty, &sc->names);

    if (r == 0 && sc->names.n == 0)
        r = jp_fail(p, "must not be empty");
    return r;
}

static int parse_syscall(struct jp *p, yajl_val v, void *out)
{
    struct spec_seccomp_syscall *sc = out;
    int r;

    if ((r = get_array(p, v, "names", REQUIRED, parse_syscall_names, sc)) < 0 ||
        (r = get_str(p, v, "action", REQUIRED, check_seccomp_action, &sc->action)) < 0 ||
        (r = get_u64(p, v, "errnoRet", OPTIONAL, 0, ERRNO_RET_MAX, &sc->errno_ret)) < 0 ||
        (r = check_errno_ret(p, "errnoRet", sc->action, &sc->errno_ret)) < 0)
        return r;
    return get_array(p, v, "args", OPTIONAL, parse_seccomp_args, sc);
}

static int parse_syscalls(struct jp *p, yajl_val arr, void *out)
{
    struct spec_seccomp *sc = out;
    size_t n = arr->u.array.len;

    if ((sc->syscalls = array_alloc(p, n, sizeof *sc->syscalls)) == NULL)
        return -ENOMEM;
    sc->n_syscalls = n;
    return each_object(p, arr, sc->syscalls, sizeof *sc->syscalls, parse_syscall);
}

/* Rules that tie seccomp fields together. */
static int check_seccomp_listener(struct jp *p, const struct spec_seccomp *sc)
{
    if (strcmp(sc->default_action, "SCMP_ACT_NOTIFY") == 0)
        return jp_fail_at(p, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (sc->listener_path != NULL)
        return 0;
    if (sc->listener_metadata != NULL)
        return jp_fail_at(p, "listenerMetadata", "set without listenerPath");
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        if (strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0) {
            size_t mark = jp_key(p, "syscalls");
            int r = jp_fail_index(p, i, "action",
                                  "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
            jp_pop(p, mark);
            return r;
        }
    }
    return 0;
}

static int parse_seccomp(struct jp *p, yajl_val v, void *out)
{
    struct spec_seccomp *sc = out;
    int r;

    sc->present = true;
    if ((r = get_str(p, v, "defaultAction", REQUIRED, check_seccomp_action,
                     &sc->default_action)) < 0 ||
        (r = get_u64(p, v, "defaultErrnoRet", OPTIONAL, 0, ERRNO_RET_MAX,
                     &sc->default_errno_ret)) < 0 ||
        (r = check_errno_ret(p, "defaultErrnoRet", sc->default_action,
                             &sc->default_errno_ret)) < 0 ||
        (r = get_str_list(p, v, "architectures", OPTIONAL, check_nonempty,
                          &sc->architectures)) < 0 ||
        (r = get_str_list(p, v, "flags", OPTIONAL, check_nonempty, &sc->flags)) < 0 ||
        (r = get_str(p, v, "listenerPath", OPTIONAL, check_nonempty, &sc->listener_path)) < 0 ||
        (r = get_str(p, v, "listenerMetadata", OPTIONAL, NULL, &sc->listener_metadata)) < 0 ||
        (r = get_array(p, v, "syscalls", OPTIONAL, parse_syscalls, sc)) < 0)
        return r;
    return check_seccomp_listener(p, sc);
}

/* ---- linux: the rest ------------------------------------------------------ */

static int parse_personality(struct jp *p, yajl_val v, void *out)
{
    struct spec_personality *pe = out;
    int r;

    pe->present = true;
    if ((r = get_str(p, v, "domain", REQUIRED, check_personality_domain, &pe->domain)) < 0)
        return r;
    return get_str_list(p, v, "flags", OPTIONAL, NULL, &pe->flags);
}

/* schemata: an array of lines, or (in older documents) one string. */
static int parse_schemata(struct jp *p, yajl_val v, void *out)
{
    struct str_list *l = out;

    if (YAJL_IS_ARRAY(v))
        return node_str_list(p, v, NULL, l);
    if (!YAJL_IS_STRING(v))
        return jp_fail(p, "expected array of strings or string");
    if ((l->v = array_alloc(p, 1, sizeof *l->v)) == NULL)
        return -ENOMEM;
    l->n = 1;
    l->v[0] = v->u.string;
    return 0;
}

static int parse_intel_rdt(struct jp *p, yajl_val v, void *out)
{
    struct spec_intel_rdt *rdt = out;
    int r;

    rdt->present = true;
    if ((r = get_str(p, v, "closID", OPTIONAL, check_file_name, &rdt->clos_id)) < 0 ||
        (r = get_str(p, v, "l3CacheSchema", OPTIONAL, NULL, &rdt->l3_cache_schema)) < 0 ||
        (r = get_str(p, v, "memBwSchema", OPTIONAL, NULL, &rdt->mem_bw_schema)) < 0 ||
        (r = get_node(p, v, "schemata", OPTIONAL, NULL, parse_schemata, &rdt->schemata)) < 0 ||
        (r = get_bool(p, v, "enableMonitoring", &rdt->enable_monitoring)) < 0 ||
        (r = get_bool(p, v, "enableCMT", &rdt->enable_cmt)) < 0)
        return r;
    return get_bool(p, v, "enableMBM", &rdt->enable_mbm);
}

static int parse_net_device(struct jp *p, const char *key, yajl_val v, struct kv *e)
{
    int r;

    e->key = key;
    if ((r = check_ifname(p, key)) < 0 || (r = node_object(p, v)) < 0)
        return r;
    return get_str(p, v, "name", OPTIONAL, check_ifname, &e->value);
}

static int parse_net_devices(struct jp *p, yajl_val v, void *out)
{
    struct kv_list *l = out;
    size_t n = v->u.object.len;
    int r = 0;

    if ((l->v = array_alloc(p, n, sizeof *l->v)) == NULL)
        return -ENOMEM;
    l->n = n;
    for (size_t i = 0; i < n && r == 0; i++) {
        size_t mark = jp_map_key(p, v->u.object.keys[i]);
        r = parse_net_device(p, v->u.object.keys[i], v->u.object.values[i], &l->v[i]);
        jp_pop(p, mark);
    }
    return r;
}

static int parse_linux_isolation(struct jp *p, yajl_val v, struct spec_linux *l)
{
    int r;

    if ((r = get_array(p, v, "namespaces", OPTIONAL, parse_namespaces, l)) < 0 ||
        (r = get_array(p, v, "uidMappings", OPTIONAL, parse_id_mappings, &l->uid_mappings)) < 0 ||
        (r = get_array(p, v, "gidMappings", OPTIONAL, parse_id_mappings, &l->gid_mappings)) < 0 ||
        (r = get_object(p, v, "timeOffsets", OPTIONAL, parse_time_offsets, l)) < 0 ||
        (r = get_array(p, v, "devices", OPTIONAL, parse_devices, l)) < 0 ||
        (r = get_str(p, v, "cgroupsPath", OPTIONAL, NULL, &l->cgroups_path)) < 0 ||
        (r = get_object(p, v, "resources", OPTIONAL, parse_resources, &l->resources)) < 0 ||
        (r = get_object(p, v, "netDevices", OPTIONAL, parse_net_devices, &l->net_devices)) < 0)
        return r;
    return get_object(p, v, "intelRdt", OPTIONAL, parse_intel_rdt, &l->intel_rdt);
}

static int parse_linux_security(struct jp *p, yajl_val v, struct spec_linux *l)
{
    int r;

    if ((r = get_str(p, v, "rootfsPropagation", OPTIONAL, check_propagation,
                     &l->rootfs_propagation)) < 0 ||
        (r = get_object(p, v, "seccomp", OPTIONAL, parse_seccomp, &l->seccomp)) < 0 ||
        (r = get_str_map(p, v, "sysctl", check_sysctl_key, &l->sysctl)) < 0 ||
        (r = get_str_list(p, v, "maskedPaths", OPTIONAL, check_abs_path, &l->masked_paths)) < 0 ||
        (r = get_str_list(p, v, "readonlyPaths", OPTIONAL, check_abs_path,
                          &l->readonly_paths)) < 0 ||
        (r = get_str(p, v, "mountLabel", OPTIONAL, NULL, &l->mount_label)) < 0)
        return r;
    if (l->rootfs_propagation != NULL && *l->rootfs_propagation == '\0')
        l->rootfs_propagation = NULL;
    return get_object(p, v, "personality", OPTIONAL, parse_personality, &l->personality);
}

static int parse_linux(struct jp *p, yajl_val v, void *out)
{
    struct spec *s = out;
    int r;

    s->has_linux = true;
    if ((r = parse_linux_isolation(p, v, &s->linux_)) < 0)
        return r;
    return parse_linux_security(p, v, &s->linux_);
}

/* ---- the document --------------------------------------------------------- */

static int parse_document(struct jp *p, yajl_val root, struct spec *s)
{
    int r;

    if ((r = get_str(p, root, "ociVersion", REQUIRED, check_oci_version, &s->oci_version)) < 0 ||
        (r = get_object(p, root, "root", REQUIRED, parse_root, s)) < 0 ||
        (r = get_array(p, root, "mounts", OPTIONAL, parse_mounts, s)) < 0 ||
        (r = get_object(p, root, "process", OPTIONAL, parse_process, s)) < 0 ||
        (r = get_str(p, root, "hostname", OPTIONAL, NULL, &s->hostname)) < 0 ||
        (r = get_str(p, root, "domainname", OPTIONAL, NULL, &s->domainname)) < 0 ||
        (r = get_object(p, root, "hooks", OPTIONAL, parse_hooks, s)) < 0 ||
        (r = get_str_map(p, root, "annotations", NULL, &s->annotations)) < 0)
        return r;
    return get_object(p, root, "linux", OPTIONAL, parse_linux, s);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* JSON allows a key twice, and readers disagree on which one wins: refuse. */
static int check_object_keys(struct jp *p, yajl_val obj)
{
    size_t n = obj->u.object.len;
    char b[SHOW_MAX];
    int r = 0;

    if (n < 2)
        return 0;
    const char **keys = malloc(n * sizeof *keys);
    if (keys == NULL)
        return jp_nomem(p);
    memcpy(keys, obj->u.object.keys, n * sizeof *keys);
    qsort(keys, n, sizeof *keys, cmp_str_ptr);
    for (size_t i = 1; i < n && r == 0; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            r = jp_fail(p, "duplicate key \"%s\"", show(keys[i], b));
    free(keys);
    return r;
}

/* Recursion is bounded by the nesting limit enforced before parsing. */
static int check_duplicate_keys(struct jp *p, yajl_val v)
{
    int r = 0;

    if (YAJL_IS_OBJECT(v)) {
        r = check_object_keys(p, v);
        for (size_t i = 0; i < v->u.object.len && r == 0; i++) {
            size_t mark = jp_key(p, v->u.object.keys[i]);
            r = check_duplicate_keys(p, v->u.object.values[i]);
            jp_pop(p, mark);
        }
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len && r == 0; i++) {
            size_t mark = jp_index(p, i);
            r = check_duplicate_keys(p, v->u.array.values[i]);
            jp_pop(p, mark);
        }
    }
    return r;
}

/* What yajl would accept but we refuse, found on the raw text: NUL bytes,
 * "\u0000" escapes (they would cut C strings short), comments, and nesting
 * deep enough to exhaust the stack of a recursive walk. */
static int check_raw_text(const char *json, size_t len, struct hull_error *err)
{
    const char *nul = memchr(json, '\0', len);
    bool in_string = false;
    unsigned depth = 0;

    if (len > SPEC_MAX_BYTES)
        return hull_errx(err, EFBIG, "larger than %zu bytes", SPEC_MAX_BYTES);
    if (nul != NULL)
        return hull_errx(err, EINVAL, "byte %zu: NUL byte in JSON text", (size_t)(nul - json));
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (c == '"')
                in_string = false;
            else if (c == '\\' && i + 1 < len && json[++i] == 'u' && i + 4 < len &&
                     memcmp(json + i + 1, "0000", 4) == 0)
                return hull_errx(err, EINVAL, "byte %zu: \\u0000 in a string", i - 1);
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > SPEC_MAX_DEPTH)
                return hull_errx(err, EINVAL, "byte %zu: nested deeper than %d levels", i,
                                 SPEC_MAX_DEPTH);
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == '/') {
            return hull_errx(err, EINVAL, "byte %zu: comments are not allowed", i);
        }
    }
    return 0;
}

/* yajl's message is several lines long with a text excerpt: keep the first. */
static int yajl_failure(const char *msg, struct hull_error *err)
{
    size_t n = strcspn(msg, "\n");

    while (n > 0 && msg[n - 1] == ' ')
        n--;
    if (n == 0)
        return hull_errx(err, EINVAL, "invalid JSON");
    return hull_errx(err, EINVAL, "invalid JSON: %.*s", (int)n, msg);
}

static int parse_tree(const char *json, size_t len, yajl_val *tree, struct hull_error *err)
{
    char msg[256] = "";
    char *text = malloc(len + 1);

    if (text == NULL)
        return hull_err(err, ENOMEM, "config");
    memcpy(text, json, len);
    text[len] = '\0';
    *tree = yajl_tree_parse(text, msg, sizeof msg);
    free(text);
    if (*tree == NULL)
        return yajl_failure(msg, err);
    if (!YAJL_IS_OBJECT(*tree))
        return hull_errx(err, EINVAL, "the top-level value is not an object");
    return 0;
}

int spec_parse(const char *json, size_t len, struct spec *out, struct hull_error *err)
{
    struct jp p = { .err = err, .len = 0, .path = "" };
    yajl_val tree = NULL;
    int r;

    memset(out, 0, sizeof *out);
    if (json == NULL)
        json = "", len = 0;
    if ((r = check_raw_text(json, len, err)) < 0)
        return r;
    r = parse_tree(json, len, &tree, err);
    out->tree = tree;
    if (r == 0)
        r = check_duplicate_keys(&p, tree);
    if (r == 0)
        r = parse_document(&p, tree, out);
    if (r < 0)
        spec_free(out);
    return r;
}

/* A config fragment: one object parsed by fn into target, with errors
 * named from path ("process.args[0]: ..."). The tree is owned by out. */
static int parse_fragment(const char *json, size_t len, struct spec *out, const char *path,
                          int (*fn)(struct jp *, yajl_val, void *), void *target,
                          struct hull_error *err)
{
    struct jp p = { .err = err, .len = 0, .path = "" };
    yajl_val tree = NULL;
    int r;

    if ((r = check_raw_text(json, len, err)) < 0)
        return r;
    r = parse_tree(json, len, &tree, err);
    out->tree = tree;
    if (r == 0)
        r = check_duplicate_keys(&p, tree);
    if (r == 0 && !YAJL_IS_OBJECT(tree))
        r = hull_errx(err, EINVAL, "%s: expected object", path);
    if (r == 0) {
        jp_push(&p, "%s", path);
        r = fn(&p, tree, target);
    }
    if (r < 0)
        spec_free(out);
    return r;
}

int spec_parse_process(const char *json, size_t len, struct spec *out, struct hull_error *err)
{
    memset(out, 0, sizeof *out);
    return parse_fragment(json, len, out, "process", parse_process, out, err);
}

int spec_parse_resources(const char *json, size_t len, struct spec *out, struct hull_error *err)
{
    memset(out, 0, sizeof *out);
    return parse_fragment(json, len, out, "linux.resources", parse_resources, &out->linux_.resources,
                          err);
}

int spec_load(int bundle_dirfd, struct spec *out, struct hull_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int r;

    memset(out, 0, sizeof *out);
    if ((r = read_file_at(bundle_dirfd, "config.json", SPEC_MAX_BYTES, &buf, &len, err)) < 0)
        return r;
    r = spec_parse(buf, len, out, err);
    free(buf);
    if (r < 0)
        return hull_err_prefix(err, "config.json");
    return 0;
}

/* ---- freeing -------------------------------------------------------------- */

static void free_process(struct spec_process *pr)
{
    struct spec_caps *c = &pr->capabilities;

    free(pr->env.v);
    free(pr->args.v);
    free(pr->rlimits);
    free(c->bounding.v);
    free(c->effective.v);
    free(c->inheritable.v);
    free(c->permitted.v);
    free(c->ambient.v);
    free(pr->scheduler.flags.v);
    free(pr->user.additional_gids);
}

static void free_hook_list(struct spec_hook_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].args.v);
        free(l->v[i].env.v);
    }
    free(l->v);
}

static void free_resources(struct spec_resources *res)
{
    free(res->devices);
    free(res->block_io.weight_device);
    free(res->block_io.throttle_read_bps.v);
    free(res->block_io.throttle_write_bps.v);
    free(res->block_io.throttle_read_iops.v);
    free(res->block_io.throttle_write_iops.v);
    free(res->hugepage_limits);
    free(res->network.priorities);
    free(res->rdma);
    free(res->unified.v);
}

static void free_seccomp(struct spec_seccomp *sc)
{
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        free(sc->syscalls[i].names.v);
        free(sc->syscalls[i].args);
    }
    free(sc->syscalls);
    free(sc->architectures.v);
    free(sc->flags.v);
}

static void free_linux(struct spec_linux *l)
{
    free(l->namespaces);
    free(l->uid_mappings.v);
    free(l->gid_mappings.v);
    free(l->devices);
    free_resources(&l->resources);
    free_seccomp(&l->seccomp);
    free(l->sysctl.v);
    free(l->masked_paths.v);
    free(l->readonly_paths.v);
    free(l->personality.flags.v);
    free(l->intel_rdt.schemata.v);
    free(l->net_devices.v);
}

void spec_free(struct spec *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_mounts; i++) {
        free(s->mounts[i].options.v);
        free(s->mounts[i].uid_mappings.v);
        free(s->mounts[i].gid_mappings.v);
    }
    free(s->mounts);
    free_process(&s->process);
    for (int k = 0; k < HOOK_KIND_COUNT; k++)
        free_hook_list(&s->hooks[k]);
    free(s->annotations.v);
    free_linux(&s->linux_);
    if (s->tree != NULL)
        yajl_tree_free(s->tree);
    memset(s, 0, sizeof *s);
}

/* ---- lookups -------------------------------------------------------------- */

const struct spec_namespace *spec_find_namespace(const struct spec *s, enum spec_ns_type t)
{
    for (size_t i = 0; i < s->linux_.n_namespaces; i++)
        if (s->linux_.namespaces[i].type == t)
            return &s->linux_.namespaces[i];
    return NULL;
}

const char *spec_ns_name(enum spec_ns_type t)
{
    return (unsigned)t < NS_TYPE_COUNT ? ns_names[t] : NULL;
}

int spec_ns_clone_flag(enum spec_ns_type t)
{
    return (unsigned)t < NS_TYPE_COUNT ? ns_clone_flags[t] : 0;
}

const char *spec_hook_kind_name(enum spec_hook_kind k)
{
    return (unsigned)k < HOOK_KIND_COUNT ? hook_names[k] : NULL;
}
