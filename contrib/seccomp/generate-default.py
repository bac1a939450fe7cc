#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write contrib/seccomp/default.json, hull's default linux.seccomp object.

usage: contrib/seccomp/generate-default.py [OUTPUT]   (default: stdout)

The policy is an allow list: every system call not named here fails with
EPERM. It matches in effect what the container engines apply to a container
holding the default capability set (no CAP_SYS_ADMIN, CAP_SYS_PTRACE, ...):

  - the system calls of ordinary programs are allowed, grouped below by
    what they do;
  - clone is allowed only without namespace flags, so no new namespace can
    be made; clone3 (whose flags live in memory a filter cannot read) fails
    with ENOSYS, which makes the C library fall back to clone;
  - personality is allowed for the harmless execution domains only;
  - socket is allowed for every address family but AF_ALG and AF_VSOCK;
  - mounting, namespaces, keyrings, kernel modules, BPF, perf, clock
    setting, swap, reboot, kexec, ptrace-like access to other processes'
    memory beyond ptrace itself, and the other administrative calls stay
    denied.

Names a given architecture does not have are skipped when the filter is
compiled, so one list serves every architecture named below. s390 and
s390x are left out: clone takes its flags in the second argument there,
which a single architecture-independent rule cannot express.
"""

import json
import sys

ARCHITECTURES = [
    "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
]

EPERM = 1
ENOSYS = 38

# Namespace flags of clone(2): NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER,
# NEWPID, NEWNET. clone is allowed when none of them is set.
CLONE_NAMESPACE_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 |
                         0x10000000 | 0x20000000 | 0x40000000)

# personality(2) values that do not weaken anything: PER_LINUX,
# PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and 0xffffffff (query).
PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff]

AF_ALG = 38
AF_VSOCK = 40

GROUPS = {
    "process life and identity": """
        execve execveat exit exit_group fork vfork wait4 waitid waitpid
        getpid getppid gettid getpgid getpgrp getsid setpgid setsid
        getuid getuid32 geteuid geteuid32 getgid getgid32 getegid getegid32
        getresuid getresuid32 getresgid getresgid32 getgroups getgroups32
        setuid setuid32 setgid setgid32 setreuid setreuid32 setregid setregid32
        setresuid setresuid32 setresgid setresgid32 setgroups setgroups32
        setfsuid setfsuid32 setfsgid setfsgid32 capget capset prctl
        set_tid_address set_robust_list get_robust_list rseq
        restart_syscall seccomp uname
        pidfd_open pidfd_send_signal process_mrelease
        landlock_create_ruleset landlock_add_rule landlock_restrict_self
        ptrace process_vm_readv process_vm_writev
    """,
    "threads and thread-local storage": """
        get_thread_area set_thread_area arch_prctl modify_ldt set_tls
        futex futex_time64 futex_waitv futex_wait futex_wake futex_requeue
        membarrier
    """,
    "signals": """
        kill tkill tgkill pause sigaltstack sigprocmask sigreturn
        rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo
        rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
        rt_tgsigqueueinfo signalfd signalfd4
    """,
    "scheduling and resource limits": """
        sched_yield sched_getaffinity sched_setaffinity sched_getattr
        sched_setattr sched_getparam sched_setparam sched_getscheduler
        sched_setscheduler sched_get_priority_max sched_get_priority_min
        sched_rr_get_interval sched_rr_get_interval_time64
        getpriority setpriority ioprio_get ioprio_set getcpu
        getrlimit setrlimit ugetrlimit prlimit64 getrusage times sysinfo
    """,
    "time and timers": """
        time gettimeofday clock_gettime clock_gettime64 clock_getres
        clock_getres_time64 clock_nanosleep clock_nanosleep_time64 nanosleep
        adjtimex clock_adjtime clock_adjtime64 alarm getitimer setitimer
        timer_create timer_delete timer_getoverrun timer_gettime
        timer_gettime64 timer_settime timer_settime64 timerfd_create
        timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64
    """,
    "memory": """
        brk mmap mmap2 munmap mremap mprotect madvise mincore msync
        mlock mlock2 mlockall munlock munlockall remap_file_pages
        memfd_create memfd_secret mseal map_shadow_stack
        pkey_alloc pkey_free pkey_mprotect
        cacheflush breakpoint riscv_flush_icache riscv_hwprobe uretprobe
        swapcontext
    """,
    "file descriptors and I/O": """
        read write readv writev pread64 pwrite64 preadv preadv2 pwritev
        pwritev2 lseek _llseek close close_range dup dup2 dup3 fcntl fcntl64
        ioctl flock pipe pipe2 splice tee vmsplice sendfile sendfile64
        copy_file_range readahead fadvise64 fadvise64_64 arm_fadvise64_64
        fallocate fsync fdatasync sync syncfs sync_file_range
        sync_file_range2 arm_sync_file_range cachestat
    """,
    "asynchronous I/O": """
        io_setup io_destroy io_submit io_cancel io_getevents io_pgetevents
        io_pgetevents_time64
    """,
    "waiting on descriptors": """
        select _newselect pselect6 pselect6_time64 poll ppoll ppoll_time64
        epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_wait
        epoll_wait_old epoll_pwait epoll_pwait2 eventfd eventfd2
        inotify_init inotify_init1 inotify_add_watch inotify_rm_watch
        fanotify_mark
    """,
    "paths and file metadata": """
        open openat openat2 creat access faccessat faccessat2
        stat stat64 lstat lstat64 fstat fstat64 fstatat64 newfstatat statx
        statfs statfs64 fstatfs fstatfs64 getcwd chdir fchdir
        mkdir mkdirat rmdir mknod mknodat link linkat symlink symlinkat
        unlink unlinkat rename renameat renameat2 readlink readlinkat
        chmod fchmod fchmodat fchmodat2 chown chown32 fchown fchown32
        fchownat lchown lchown32 umask truncate truncate64 ftruncate
        ftruncate64 utime utimes utimensat utimensat_time64 futimesat
        getdents getdents64 name_to_handle_at statmount listmount
    """,
    "extended attributes": """
        getxattr lgetxattr fgetxattr getxattrat setxattr lsetxattr fsetxattr
        setxattrat listxattr llistxattr flistxattr listxattrat removexattr
        lremovexattr fremovexattr removexattrat
    """,
    "sockets (socket itself is below)": """
        socketpair bind connect listen accept accept4 getsockname
        getpeername getsockopt setsockopt shutdown send sendto sendmsg
        sendmmsg recv recvfrom recvmsg recvmmsg recvmmsg_time64 socketcall
    """,
    "System V and POSIX IPC": """
        ipc msgget msgsnd msgrcv msgctl semget semop semtimedop
        semtimedop_time64 semctl shmget shmat shmdt shmctl
        mq_open mq_unlink mq_timedsend mq_timedsend_time64 mq_timedreceive
        mq_timedreceive_time64 mq_notify mq_getsetattr
    """,
    "random numbers": """
        getrandom
    """,
}


def allowed_names():
    names = set()
    for group in GROUPS.values():
        names.update(group.split())
    return sorted(names)


def rule(names, action="SCMP_ACT_ALLOW", args=None, errno_ret=None):
    r = {"names": names, "action": action}
    if errno_ret is not None:
        r["errnoRet"] = errno_ret
    if args is not None:
        r["args"] = args
    return r


def arg(index, value, op, value_two=None):
    a = {"index": index, "value": value}
    if value_two is not None:
        a["valueTwo"] = value_two
    a["op"] = op
    return a


def profile():
    syscalls = [rule(allowed_names())]
    syscalls.append(rule(["clone"], args=[
        arg(0, CLONE_NAMESPACE_FLAGS, "SCMP_CMP_MASKED_EQ", 0)]))
    syscalls.append(rule(["clone3"], action="SCMP_ACT_ERRNO", errno_ret=ENOSYS))
    for value in PERSONALITIES:
        syscalls.append(rule(["personality"], args=[arg(0, value, "SCMP_CMP_EQ")]))
    # Every family but AF_ALG and AF_VSOCK (conditions on one argument
    # index in one rule are alternatives, hence three rules).
    syscalls.append(rule(["socket"], args=[arg(0, AF_ALG, "SCMP_CMP_LT")]))
    syscalls.append(rule(["socket"], args=[arg(0, AF_ALG + 1, "SCMP_CMP_EQ")]))
    syscalls.append(rule(["socket"], args=[arg(0, AF_VSOCK, "SCMP_CMP_GT")]))
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": EPERM,
        "architectures": ARCHITECTURES,
        "syscalls": syscalls,
    }


def render(p):
    """JSON with one line per rule and the long name list wrapped."""
    out = ["{"]
    out.append('  "defaultAction": %s,' % json.dumps(p["defaultAction"]))
    out.append('  "defaultErrnoRet": %d,' % p["defaultErrnoRet"])
    out.append('  "architectures": %s,' % json.dumps(p["architectures"]))
    out.append('  "syscalls": [')
    rules = p["syscalls"]
    for i, r in enumerate(rules):
        sep = "," if i + 1 < len(rules) else ""
        if len(r["names"]) > 8:
            out.append('    { "names": [')
            out.extend(wrap_names(r["names"], "        "))
            rest = {k: v for k, v in r.items() if k != "names"}
            tail = json.dumps(rest, separators=(", ", ": "))[1:-1]
            out.append("      ], %s }%s" % (tail, sep))
        else:
            out.append("    %s%s" % (json.dumps(r, separators=(", ", ": "))
                                     .replace("{", "{ ", 1)[:-1] + " }", sep))
    out.append("  ]")
    out.append("}")
    return "\n".join(out) + "\n"


def wrap_names(names, indent, width=78):
    lines, line = [], indent
    for i, n in enumerate(names):
        item = json.dumps(n) + ("," if i + 1 < len(names) else "")
        if len(line) + len(item) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += item + " "
    lines.append(line.rstrip())
    return lines


def main():
    text = render(profile())
    json.loads(text)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="ascii") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
