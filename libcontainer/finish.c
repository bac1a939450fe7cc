/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "finish.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "process.h"
#include "security/caps.h"
#include "security/lsm.h"
#include "sync.h"
#include "utils.h"

/* With a notify listener the fd must reach the agent before the runtime
 * leaves; without no_new_privs the filter needs CAP_SYS_ADMIN, so it is
 * loaded before the capabilities drop (the filter then must allow capset,
 * as every engine profile does). Otherwise it waits until just before exec. */
static bool seccomp_early(const struct finish_ctx *f)
{
    return f->seccomp != NULL && (f->seccomp->notify || !f->process->no_new_privileges);
}

static int load_seccomp(const struct finish_ctx *f, struct hull_error *err)
{
    int listener;
    cap_t saved = NULL;
    /* After the uid change the effective set is empty; loading a filter
     * without no_new_privs needs CAP_SYS_ADMIN, still in the permitted set. */
    int r = f->process->no_new_privileges ? 0 : caps_raise_effective(&saved, err);
    if (r < 0)
        return r;
    r = seccomp_load_prog(f->seccomp, &listener, err);
    if (saved != NULL)
        caps_restore(saved);
    if (r < 0 || listener < 0)
        return r;
    r = sync_send_fd(f->sync_fd, SYNC_SECCOMP_FD, listener);
    close(listener);
    if (r < 0)
        return hull_err(err, -r, "send seccomp listener");
    return sync_expect(f->sync_fd, SYNC_SECCOMP_DONE, NULL, err);
}

/* The AppArmor profile and SELinux label the program is executed with. */
static int set_exec_labels(const struct finish_ctx *f, struct hull_error *err)
{
    struct lsm_labels lsm = lsm_labels_of(f->spec, f->process);
    return lsm_set_exec_labels(&lsm, err);
}

/* The last steps in the order the security model needs: no_new_privs,
 * then the LSM labels for the exec, then the capabilities; the seccomp
 * filter comes last (in finish_exec) unless it must be loaded earlier. */
int finish_setup(struct finish_ctx *f, struct hull_error *err)
{
    const struct spec_process *p = f->process;
    int r;
    if ((r = process_apply_rlimits(p, err)) < 0 ||
        (r = process_setup_terminal(p, f->console_fd, err)) < 0 ||
        (r = process_reopen_dev_null(err)) < 0 ||
        (r = process_set_oom_score_adj(p, err)) < 0 ||
        (r = process_apply_scheduling(f->spec, err)) < 0 ||
        (r = process_prepare_env(p, &f->envp, err)) < 0 ||
        (r = process_set_identity(p, f->new_userns, err)) < 0 ||
        (r = process_chdir(p, f->create_cwd, err)) < 0 ||
        (r = process_find_executable(p, f->exe, sizeof f->exe, err)) < 0 ||
        (r = process_set_no_new_privs(p, err)) < 0 ||
        (r = set_exec_labels(f, err)) < 0 ||
        (seccomp_early(f) && (r = load_seccomp(f, err)) < 0))
        return r;
    return process_apply_caps(p, err);
}

int finish_exec(struct finish_ctx *f, int notify_fd, struct hull_error *err)
{
    int r = 0;
    if (f->seccomp != NULL && !seccomp_early(f))
        r = load_seccomp(f, err);
    if (notify_fd >= 0) {
        const char *msg = r < 0 ? err->msg : "0";
        write_all(notify_fd, msg, strlen(msg));
    }
    if (r < 0)
        return r;
    return process_exec(f->process, f->exe, f->envp, err);
}
