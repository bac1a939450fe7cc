/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal unit-test harness, one header, no library.
 *
 *   #include "unit.h"
 *   TEST(adds) { CHECK(1 + 1 == 2); CHECK_STR_EQ(name(), "x"); }
 *   UNIT_MAIN()
 *
 * Tests run in the order they appear in the file. A failed CHECK reports
 * and carries on; a failed REQUIRE reports and leaves the test. The output
 * is TAP ("1..N", "ok N - name", "not ok N - name", "# diagnostics")
 * followed by a last line "N passed, N failed"; the exit status is 1 when
 * any test failed. An argument runs only the tests whose name contains it. */
#ifndef HULL_UNIT_H
#define HULL_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_MAX_TESTS 512

struct unit_test {
    const char *name;
    void (*fn)(void);
    int line;
};

static struct unit_test unit_tests[UNIT_MAX_TESTS];
static int unit_n_tests;
static int unit_failures; /* failed checks in the running test */

static inline void unit_register(const char *name, void (*fn)(void), int line)
{
    if (unit_n_tests == UNIT_MAX_TESTS) {
        fprintf(stderr, "unit.h: more than %d tests\n", UNIT_MAX_TESTS);
        exit(2);
    }
    unit_tests[unit_n_tests++] = (struct unit_test){ name, fn, line };
}

#define TEST(name)                                                                  \
    static void name(void);                                                         \
    __attribute__((constructor)) static void unit_register_##name(void)             \
    {                                                                               \
        unit_register(#name, name, __LINE__);                                       \
    }                                                                               \
    static void name(void)

static inline void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    unit_failures++;
    printf("#   %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static inline int unit_str_eq(const char *a, const char *b)
{
    return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

#define UNIT_SHOW(s) ((s) != NULL ? (s) : "(null)")

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond))                                                                \
            unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);               \
    } while (0)

#define REQUIRE(cond)                                                               \
    do {                                                                            \
        if (!(cond)) {                                                              \
            unit_fail(__FILE__, __LINE__, "REQUIRE(%s) failed", #cond);             \
            return;                                                                 \
        }                                                                           \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                          \
    do {                                                                            \
        const char *unit_a_ = (a), *unit_b_ = (b);                                  \
        if (!unit_str_eq(unit_a_, unit_b_))                                         \
            unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,     \
                      UNIT_SHOW(unit_a_), UNIT_SHOW(unit_b_));                      \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                          \
    do {                                                                            \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);               \
        if (unit_a_ != unit_b_)                                                     \
            unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,         \
                      unit_a_, unit_b_);                                            \
    } while (0)

#define CHECK_UINT_EQ(a, b)                                                         \
    do {                                                                            \
        unsigned long long unit_a_ = (unsigned long long)(a);                       \
        unsigned long long unit_b_ = (unsigned long long)(b);                       \
        if (unit_a_ != unit_b_)                                                     \
            unit_fail(__FILE__, __LINE__, "%s == %s: %llu != %llu", #a, #b,         \
                      unit_a_, unit_b_);                                            \
    } while (0)

static inline int unit_by_line(const void *a, const void *b)
{
    const struct unit_test *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

static inline int unit_run(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int selected = 0, passed = 0, failed = 0;

    qsort(unit_tests, (size_t)unit_n_tests, sizeof unit_tests[0], unit_by_line);
    for (int i = 0; i < unit_n_tests; i++)
        selected += filter == NULL || strstr(unit_tests[i].name, filter) != NULL;
    printf("1..%d\n", selected);
    for (int i = 0, n = 0; i < unit_n_tests; i++) {
        if (filter != NULL && strstr(unit_tests[i].name, filter) == NULL)
            continue;
        unit_failures = 0;
        unit_tests[i].fn();
        fflush(stderr);
        printf("%s %d - %s\n", unit_failures ? "not ok" : "ok", ++n, unit_tests[i].name);
        fflush(stdout);
        if (unit_failures)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}

#define UNIT_MAIN()                                                                 \
    int main(int argc, char **argv)                                                 \
    {                                                                               \
        return unit_run(argc, argv);                                                \
    }

#endif
