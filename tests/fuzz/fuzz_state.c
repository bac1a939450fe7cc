/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: arbitrary bytes as a container's state.json.
 *
 * state.json is read with read_file_at(), which NUL-terminates what it
 * read, so the input is handed over the same way. A parsed state is
 * printed back as `hull state` would print it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static size_t sink;

static void print_back(const struct container_state *st)
{
    for (int s = STATUS_CREATING; s <= STATUS_STOPPED; s++) {
        char *json = state_to_json(st, (enum container_status)s, s & 1);
        if (json == NULL)
            abort();
        sink += strlen(json);
        free(json);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    struct container_state st;
    struct hull_error err;

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    memset(&err, 0, sizeof err);
    if (state_parse(buf, size, &st, &err) == 0) {
        if (st.id == NULL || st.bundle == NULL || st.rootfs == NULL)
            abort();
        print_back(&st);
        state_free(&st);
    } else if (err.msg[0] == '\0') {
        abort(); /* every failure must say why */
    }
    free(buf);
    return 0;
}
