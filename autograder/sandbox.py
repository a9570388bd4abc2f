"""Guards a child installs in itself before the submission is imported: the layers that work
from inside one process. The outer layer, the child's view of the file system (bubblewrap), is
set up by the grader when it starts the child (:mod:`autograder.isolation`).

Two layers, both installed by :func:`install`, both irreversible, both allow-lists:

* Kernel guards, which no code in the process can undo: a seccomp filter (no new processes or
  programs, no signals to other processes and no signal ownership through fcntl, no ptrace, no
  changing other processes' priority or CPUs, no raising limits, no mounts or namespaces, no
  sockets, no terminal injection, no change of uid, gid or capabilities, no file opened by
  handle; built by libseccomp, :data:`LIBSECCOMP`, from the calls' names) and, where the
  kernel has Landlock, the file rules (read only the paths the child needs, write only in its
  scratch folder; with Landlock ABI 6 also no signal out of the sandbox). They are applied
  when the platform offers them (Linux); :data:`GUARDS` records which ones are active.
* An audit hook (PEP 578: it cannot be removed once added) with the same file rules, which also
  refuses to start processes, raise limits and call native code through ctypes. It gives clear
  error messages, but it lives in the child's memory: code that corrupts that memory can switch
  it off; the kernel guards and the file-system view are what hold.

Resource limits (memory, CPU time, file size) are set by the child itself, first thing
(:func:`set_limits`). A child started as root without namespaces (the kernel layer) then becomes
an unprivileged user of its own (:func:`drop_privileges`), before the kernel guards.
"""
import os
import stat
import sys

BLOCKED_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill",
    "os.killpg", "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "ctypes.call_function", "socket.connect", "socket.bind", "os.chdir", "os.setuid", "sys.setprofile",
    "sys.settrace", "shutil.rmtree", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "sys._current_frames", "resource.setrlimit", "resource.prlimit",
}
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.copyfile", "shutil.move"}
#: ioctl requests that push input into a terminal (TIOCSTI, TIOCLINUX)
TERMINAL_INJECTION = (0x5412, 0x541C)
#: fcntl commands that make the kernel send signals to a process of one's choice
#: (F_SETOWN, F_SETSIG, F_SETOWN_EX)
SIGNAL_OWNERSHIP = (8, 10, 15)

#: which kernel guards :func:`install` applied in this process: {"seccomp": bool, "landlock": ABI or 0}
GUARDS = {"seccomp": False, "landlock": 0}


class SandboxViolation(PermissionError):
    """The submission tried something the grader does not allow."""


def confine(readable, writable, hidden=(), release=None):
    """Install the kernel guards (where available), for this process and every thread it starts
    from now on: the child calls it before its trusted imports, since Landlock does not reach
    threads that exist already (TensorFlow starts some at import). Arguments as :func:`install`;
    ``release`` is what :func:`drop_privileges` returned (the capability it kept for reading is
    given up unless both guards hold). Once only; returns :data:`GUARDS`."""
    if not _CONFINED:
        realpath = os.path.realpath
        writable = tuple(realpath(p) for p in writable) + ("/dev/null",)
        readable = tuple(realpath(p) for p in readable) + writable + ("/proc/" + str(os.getpid()),)
        _confine(_split_around(readable, tuple(realpath(p) for p in hidden)), writable, release)
        _CONFINED.append(True)
    return GUARDS


_CONFINED = []


def install(readable, writable, hidden=()):
    """Install the kernel guards (unless :func:`confine` did already), then the audit hook. The arguments are lists
    of paths, allow-lists: nothing may be read except under ``readable`` or ``writable`` (and the
    process's own /proc entry), nothing written except under ``writable``; nothing under
    ``hidden`` (paths inside readable folders, e.g. the kit installed in site-packages) is read.

    Everything the hook uses is bound now, as immutable locals, so that a submission patching
    os.path, builtins or the lists afterwards cannot loosen it.
    """
    realpath, fsdecode, sep = os.path.realpath, os.fsdecode, os.sep
    str_type, int_type, bytes_type, pathlike = str, int, bytes, os.PathLike
    is_instance = isinstance
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    own_proc = "/proc/" + str(os.getpid())
    writable = tuple(realpath(p) for p in writable) + ("/dev/null",)
    readable = tuple(realpath(p) for p in readable) + writable + (own_proc,)
    hidden = tuple(realpath(p) for p in hidden)
    blocked, write_events = frozenset(BLOCKED_EVENTS), frozenset(WRITE_EVENTS)
    injection, listing = frozenset(TERMINAL_INJECTION), frozenset(("os.listdir", "os.scandir"))

    confine(readable, writable, hidden)

    def inside(path, roots):
        for root in roots:
            if path == root or path.startswith(root + sep) or root == sep:
                return True
        return False

    def resolved(path):
        if not is_instance(path, (str_type, bytes_type, pathlike)):
            return None
        try:
            return realpath(fsdecode(path))
        except (TypeError, ValueError):
            return None

    def hook(event, args):
        if event in blocked:
            raise SandboxViolation("not allowed while grading: " + event)
        if event == "open":
            path = resolved(args[0])
            if path is None:
                return
            mode = args[1] if len(args) > 1 and is_instance(args[1], str_type) else ""
            flags = args[2] if len(args) > 2 and is_instance(args[2], int_type) else 0
            writing = "w" in mode or "a" in mode or "x" in mode or "+" in mode or (flags & write_flags)
            if writing and not inside(path, writable):
                raise SandboxViolation("not allowed while grading: writing " + path)
            if not inside(path, readable) or inside(path, hidden):
                raise SandboxViolation("not allowed while grading: reading " + path)
        elif event in write_events:
            for arg in args[:2]:
                path = resolved(arg)
                if path is not None and not inside(path, writable):
                    raise SandboxViolation("not allowed while grading: " + event + " " + path)
        elif event in listing and args:
            path = resolved(args[0])
            if path is not None and (not inside(path, readable) or inside(path, hidden)):
                raise SandboxViolation("not allowed while grading: listing " + path)
        elif event == "fcntl.ioctl" and len(args) > 1 and args[1] in injection:
            raise SandboxViolation("not allowed while grading: terminal ioctl")
        elif event == "fcntl.fcntl" and len(args) > 1 and args[1] in signal_owner:
            raise SandboxViolation("not allowed while grading: fcntl signal ownership")

    signal_owner = frozenset(SIGNAL_OWNERSHIP)
    sys.addaudithook(hook)


def set_limits(memory_bytes, cpu_seconds, file_bytes=256 * 1024 * 1024):
    """Cap this process's address space, CPU time and written file size; no core dumps. Called
    by the child itself, first thing (never as a ``preexec_fn``: forking a threaded grader with
    one can deadlock in a library's fork handler)."""
    import resource
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, file_bytes), (resource.RLIMIT_CORE, 0)):
        if value is not None:
            resource.setrlimit(limit, (int(value), int(value)))


#: uid (and gid) of the children of the kernel layer started as root: each child takes
#: ``CHILD_UID_BASE + its own pid`` (:func:`child_uid`). Pids are unique among live processes, so
#: two children running at the same time (two students of a batch) never share a uid: neither can
#: signal, trace or write the other's files through ordinary permissions. Far above ordinary users
#: and system ranges, and CHILD_UID_BASE + PID_MAX_LIMIT stays below 2**32 - 2 (-1 and -2 are
#: reserved). No /etc/passwd entry is needed: the kernel knows uids by number only.
CHILD_UID_BASE = 0x60000000
#: the largest pid_max Linux allows (2**22)
PID_MAX_LIMIT = 4194304
#: capabilities (linux/capability.h): the one a child may keep to read root's files
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
#: prctl options
_PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _PR_SET_KEEPCAPS, _PR_CAP_AMBIENT = 4, 24, 8, 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522


def child_uid(pid=None, uid_map=None, gid_map=None):
    """The unprivileged uid (and gid) of a kernel-layer child started as root whose pid is
    ``pid`` (default: this process): ``CHILD_UID_BASE + pid`` where this user namespace maps it
    (the whole range on a machine or an ordinary container). A rootless container maps few ids
    (often 65,536 from 0): there the uid is taken in the top 4,096 ids (above 0) of the largest
    range that both the uid and the gid maps hold (``/proc/self/uid_map``, ``gid_map``: lines
    "inside outside count"), away from ordinary users, as ``start + pid mod size``; two
    children running at once then share a uid only when their pids are equal modulo that size
    (seccomp and Landlock still keep them apart). Raises OSError when no id but 0 is mapped."""
    pid = os.getpid() if pid is None else pid
    ranges = _common_ranges(_id_map(uid_map, "/proc/self/uid_map"), _id_map(gid_map, "/proc/self/gid_map"))
    wanted = CHILD_UID_BASE + pid
    if any(start <= wanted < end for start, end in ranges):
        return wanted
    start, end = max(ranges, key=lambda r: r[1] - r[0], default=(0, 0))
    start = max(start, 1, end - 4096)
    if end <= start:
        raise OSError("no unprivileged user id is mapped in this user namespace")
    return start + pid % (end - start)


def _id_map(text, path):
    """[(first id, end)] of an id map's text ("inside outside count" lines), read from ``path``
    when ``text`` is None; the identity map of all ids where the file is missing."""
    if text is None:
        try:
            with open(path) as handle:
                text = handle.read()
        except OSError:
            return [(0, 2 ** 32 - 1)]
    ranges = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3:
            ranges.append((int(fields[0]), int(fields[0]) + int(fields[2])))
    return ranges


def _common_ranges(first, second):
    """The intersections of two lists of [start, end) ranges; -1 and -2 (reserved ids) left out."""
    common = []
    for a, b in first:
        for c, d in second:
            start, end = max(a, c), min(b, d, 2 ** 32 - 2)
            if start < end:
                common.append((start, end))
    return common


def drop_privileges(writable):
    """Turn this process, started as root, into an unprivileged user of its own
    (:func:`child_uid`): called by the child first thing, in its only thread, before
    :func:`confine` (the uid and capability calls below apply to the calling thread; and seccomp
    refuses them afterwards).

    1. The ``writable`` folders (its scratch folder and results folder, created by the grader as
       root) and everything in them are given to the new uid, so that it can write there.
    2. Every capability leaves the bounding set; the groups go; uid and gid become
       :func:`child_uid` (real, effective and saved: there is no way back to 0).
    3. One capability is kept, effective: CAP_DAC_READ_SEARCH (or, where root does not hold it,
       as in Docker's default set, CAP_DAC_OVERRIDE), because the interpreter may live in a
       folder only root reads (/root/.pyenv) and the grading folders are root's private
       ``mkdtemp`` folders. It lets the process read any file as far as permissions go: what it
       reads is restricted by Landlock's allow-list alone, so :func:`confine` gives it up (with
       the function returned here) when Landlock (or seccomp, which refuses open_by_handle_at)
       could not be applied. None inheritable, none ambient.

    Raises OSError (RuntimeError if other threads run) when a step fails: the child must not go
    on as root. Returns the function that gives up the kept capability (for :func:`confine`'s
    ``release``), or None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    _require_single_thread()
    uid = child_uid()
    kept = _reading_capability(ctypes, libc)
    _give_folders(writable, uid)
    _empty_bounding_set(ctypes, libc)
    _prctl(ctypes, libc, _PR_SET_KEEPCAPS, 1)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _prctl(ctypes, libc, _PR_SET_KEEPCAPS, 0)
    _set_capabilities(ctypes, libc, kept)
    _prctl(ctypes, libc, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    # a uid change makes the process non-dumpable, which hands its /proc entry (/proc/self/fd...)
    # to root; it holds no one else's secret, and RLIMIT_CORE is 0: back to an ordinary process
    _prctl(ctypes, libc, _PR_SET_DUMPABLE, 1)

    def release():
        """Give up the capability kept for reading (every capability is then gone)."""
        _set_capabilities(ctypes, libc, None)

    return release


def _require_single_thread():
    """Raise unless this process has one thread: capabilities are per thread, and Landlock binds
    only the threads started after it."""
    threads = os.listdir("/proc/self/task")
    if len(threads) != 1:
        raise RuntimeError(f"drop_privileges needs a single-threaded process ({len(threads)} threads)")


def _reading_capability(ctypes, libc):
    """The capability to keep for reading root's files: CAP_DAC_READ_SEARCH if this process holds
    it, else CAP_DAC_OVERRIDE if it holds that (a container's root often lacks the first; the
    second also lets it write, which Landlock's allow-list restricts as it restricts reading),
    else None."""
    permitted = _capabilities(ctypes, libc)[1]
    for capability in (CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE):
        if permitted >> capability & 1:
            return capability
    return None


def _give_folders(folders, uid):
    """chown each folder of ``folders`` and everything inside (symbolic links themselves, never
    their targets) to ``uid``/``uid``."""
    for folder in folders:
        os.chown(folder, uid, uid, follow_symlinks=False)
        for root, folder_names, file_names in os.walk(folder):
            for name in folder_names + file_names:
                os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def _empty_bounding_set(ctypes, libc):
    """Remove every capability from the bounding set (needs CAP_SETPCAP, still held): no program
    could gain one, and none can be put back. Kept capabilities stay in the permitted set, which
    the bounding set does not limit (only what execve grants)."""
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last = int(handle.read())
    for capability in range(last + 1):
        _prctl(ctypes, libc, _PR_CAPBSET_DROP, capability)


def _prctl(ctypes, libc, option, argument):
    """prctl(option, argument, 0, 0, 0); OSError if it fails."""
    if libc.prctl(option, argument, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl({option}, {argument}): {os.strerror(errno)}")


def _capability_structures(ctypes):
    """The ctypes structures of capget/capset: (header, data); version 3 takes two data words."""
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    return Header, Data


def _capabilities(ctypes, libc):
    """This thread's (effective, permitted, inheritable) capability sets, as 64-bit masks."""
    Header, Data = _capability_structures(ctypes)
    header, data = Header(_CAPABILITY_VERSION_3, 0), (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"capget: {os.strerror(errno)}")
    return tuple(getattr(data[0], name) | getattr(data[1], name) << 32
                 for name in ("effective", "permitted", "inheritable"))


def _set_capabilities(ctypes, libc, capability):
    """Make ``capability`` (a number, or None) this thread's only effective and permitted
    capability, with nothing inheritable; OSError if the kernel refuses."""
    Header, Data = _capability_structures(ctypes)
    mask = 0 if capability is None else 1 << capability
    header, data = Header(_CAPABILITY_VERSION_3, 0), (Data * 2)()
    for word in (0, 1):
        data[word].effective = data[word].permitted = mask >> (32 * word) & 0xFFFFFFFF
    if libc.capset(ctypes.byref(header), data) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"capset: {os.strerror(errno)}")


# --------------------------------------------------------------------------- kernel guards

def available_guards():
    """The kernel guards :func:`install` can apply on this machine (probed, not installed):
    {"seccomp": bool, "landlock": ABI version or 0}. seccomp needs the kernel's support and
    libseccomp (:data:`LIBSECCOMP`), which builds the filter."""
    guards = {"seccomp": False, "landlock": 0}
    if not sys.platform.startswith("linux"):
        return guards
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        guards["seccomp"] = (_load_libseccomp(ctypes) is not None
                             and libc.prctl(21, 0, 0, 0, 0) >= 0)  # PR_GET_SECCOMP
        guards["landlock"] = max(0, int(libc.syscall(444, None, 0, 1)))
    except (OSError, AttributeError):
        pass
    return guards


def _confine(readable, writable, release=None):
    """Apply the kernel guards this platform offers; record them in GUARDS. Where a guard is
    missing the audit hook still stands (and GUARDS says so). ``release`` (from
    :func:`drop_privileges`, or None) is called if Landlock, which alone restricts what the kept
    capability reads, could not be applied (before seccomp, which refuses capset), or if seccomp,
    which refuses open_by_handle_at, could not; only it may raise (OSError): a child that cannot
    give up that capability must not run the submission."""
    if not sys.platform.startswith("linux"):
        return  # drop_privileges returned no release there
    try:
        import ctypes
        import platform
        # now, for _seccomp: after release the standard library (ctypes.util, platform) and
        # libseccomp may no longer be readable, so every import and the library's loading happen here
        seccomp = _load_libseccomp(ctypes)
        machine = platform.machine().lower()
        clone_flags = _CLONE_FLAGS_ARGUMENT.get(machine, 0)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: needed by both guards
            raise OSError("PR_SET_NO_NEW_PRIVS refused")
    except (OSError, AttributeError):
        if release is not None:
            release()
        return
    try:
        GUARDS["landlock"] = _landlock(ctypes, libc, readable, writable)
    except (OSError, ValueError):
        GUARDS["landlock"] = 0
    if release is not None and not GUARDS["landlock"]:
        release()
    try:
        GUARDS["seccomp"] = _seccomp(ctypes, seccomp, clone_flags, machine)
    except (OSError, ValueError):
        GUARDS["seccomp"] = False
    if release is not None and GUARDS["landlock"] and not GUARDS["seccomp"]:
        release()


#: system calls the seccomp filter refuses outright (EPERM): new processes and programs, other
#: processes (signals, ptrace, memory, file descriptors), raising limits, mounts and namespaces,
#: sockets, io_uring (which bypasses seccomp), what only an administrator should do, changing
#: identity or capabilities (done, if at all, by :func:`drop_privileges` before the filter), and
#: opening files by handle (with CAP_DAC_READ_SEARCH, open_by_handle_at reaches any file of a
#: mounted file system by its inode number: the classic container escape). Names, as libseccomp
#: knows them: a name this platform lacks (fork on aarch64) is skipped, and so is a name newer
#: than the installed libseccomp (libseccomp 2.5.4 does not know setxattrat or removexattrat).
_DENIED_CALLS = (
    "fork", "vfork", "execve", "execveat", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "ptrace", "process_vm_readv", "process_vm_writev",
    "process_madvise", "kcmp", "setrlimit", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "mount_setattr", "socket", "io_uring_setup",
    "bpf", "perf_event_open", "userfaultfd", "init_module", "finit_module", "delete_module", "kexec_load",
    "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "quotactl", "keyctl", "add_key", "request_key",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "setpriority", "sched_setaffinity",
    "sched_setscheduler", "sched_setparam", "sched_setattr", "ioprio_set", "migrate_pages", "move_pages",
    "mbind", "set_mempolicy",
    # metadata of files (Landlock does not cover it): a child started as root owns the host's files
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "setxattr",
    "lsetxattr", "fsetxattr", "setxattrat", "removexattr", "lremovexattr", "fremovexattr", "removexattrat",
    "utime", "utimes", "futimesat", "utimensat", "mknod", "mknodat",
    # identity and capabilities
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "setfsuid",
    "setfsgid", "capset",
    # files by handle
    "name_to_handle_at", "open_by_handle_at",
    # the same calls under their names on 32-bit platforms (none of them exists on x86_64 or aarch64)
    "chown32", "fchown32", "lchown32", "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32",
    "setresgid32", "setgroups32", "setfsuid32", "setfsgid32", "utimensat_time64", "clock_settime64",
    "clock_adjtime64",
)
CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x7E020000  # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
#: which argument of clone holds the flags where it is not the first (libseccomp compares the
#: arguments as the kernel receives them, in the platform's order)
_CLONE_FLAGS_ARGUMENT = {"s390": 1, "s390x": 1}

#: calls newer than some libseccomp still installed (2.5.4 in Debian 12 knows neither), by their
#: number: since Linux 5.1 a new system call has one number on every platform of
#: _UNIFIED_NUMBERING (asm-generic/unistd.h and x86_64's table agree from 424 on)
_NEWER_CALLS = {"setxattrat": 463, "removexattrat": 466}
_UNIFIED_NUMBERING = ("x86_64", "aarch64", "riscv64")

#: the shared library of libseccomp, which builds the filter (Debian/Ubuntu package libseccomp2)
LIBSECCOMP = "libseccomp.so.2"
#: libseccomp's constants (seccomp.h): actions, comparisons, filter attributes
_SCMP_ACT_ALLOW, _SCMP_ACT_KILL_PROCESS, _SCMP_ACT_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_SCMP_CMP_NE, _SCMP_CMP_MASKED_EQ = 1, 7
_SCMP_FLTATR_ACT_BADARCH, _SCMP_FLTATR_CTL_TSYNC = 2, 4
_NR_SCMP_ERROR = -1
_EPERM, _ENOSYS = 1, 38
#: the low 32 bits: the kernel takes ioctl's request and fcntl's command as 32-bit numbers,
#: whatever the upper half of the register holds
_LOW_32_BITS = 0xFFFFFFFF


def _seccomp_rules(pid, clone_flags=0):
    """The seccomp filter's rules as data: [(action, system call name, ((argument, comparison,
    datum_a, datum_b), ...))], every condition of a rule to hold for its action (refusing) to be
    taken; every call no rule takes is allowed. ``pid``: this process's, the only one kill and
    tgkill may reach; ``clone_flags``: which argument of clone holds its flags.

    libseccomp compares one (masked) value per argument per rule, so "clone only makes threads,
    in no new namespace" becomes refusals: clone without CLONE_THREAD, and clone with any one
    namespace flag. MASKED_EQ: (argument & datum_a) == datum_b."""
    eperm, enosys = _SCMP_ACT_ERRNO | _EPERM, _SCMP_ACT_ERRNO | _ENOSYS
    masked = _SCMP_CMP_MASKED_EQ
    rules = [(eperm, name, ()) for name in _DENIED_CALLS]
    rules.append((enosys, "clone3", ()))  # ENOSYS: the C library falls back to clone for threads
    rules.append((eperm, "clone", ((clone_flags, masked, CLONE_THREAD, 0),)))
    rules += [(eperm, "clone", ((clone_flags, masked, flag, flag),)) for flag in _bits(CLONE_NAMESPACES)]
    rules += [(eperm, name, ((0, _SCMP_CMP_NE, pid, 0),)) for name in ("kill", "tgkill")]
    rules.append((eperm, "prlimit64", ((2, _SCMP_CMP_NE, 0, 0),)))  # reading limits only (new_limit NULL)
    rules += [(eperm, "ioctl", ((1, masked, _LOW_32_BITS, request),)) for request in TERMINAL_INJECTION]
    # fcntl: no signal ownership (the kernel would signal a process of the caller's choice)
    rules += [(eperm, name, ((1, masked, _LOW_32_BITS, command),))
              for name in ("fcntl", "fcntl64") for command in SIGNAL_OWNERSHIP]
    return rules


def _bits(mask):
    """The single-bit values set in ``mask``, lowest first."""
    return [1 << bit for bit in range(mask.bit_length()) if mask >> bit & 1]


def _load_libseccomp(ctypes):
    """libseccomp (:data:`LIBSECCOMP`, else where ctypes.util finds it), with the prototypes of
    the functions :func:`_seccomp` calls, or None where it is not installed (the seccomp guard
    is then unavailable). The variadic seccomp_rule_add is not used: ctypes cannot pass
    structures through varargs reliably; seccomp_rule_add_array takes them as an array."""
    try:
        library = ctypes.CDLL(LIBSECCOMP)
    except OSError:
        from ctypes.util import find_library
        try:
            found = find_library("seccomp")
            library = ctypes.CDLL(found) if found else None
        except OSError:
            library = None
    if library is None:
        return None
    context = ctypes.c_void_p
    try:
        for name, restype, argtypes in (
                ("seccomp_init", context, [ctypes.c_uint32]),
                ("seccomp_release", None, [context]),
                ("seccomp_attr_set", ctypes.c_int, [context, ctypes.c_int, ctypes.c_uint32]),
                ("seccomp_syscall_resolve_name", ctypes.c_int, [ctypes.c_char_p]),
                ("seccomp_rule_add_array", ctypes.c_int,
                 [context, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_comparison_type(ctypes))]),
                ("seccomp_load", ctypes.c_int, [context])):
            function = getattr(library, name)
            function.restype, function.argtypes = restype, argtypes
    except AttributeError:
        return None
    return library


_COMPARISON = []


def _comparison_type(ctypes):
    """libseccomp's ``struct scmp_arg_cmp`` as a ctypes structure (one class, made once)."""
    if not _COMPARISON:
        class Comparison(ctypes.Structure):
            _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                        ("datum_b", ctypes.c_uint64)]
        _COMPARISON.append(Comparison)
    return _COMPARISON[0]


def _seccomp(ctypes, library, clone_flags=0, machine=""):
    """A seccomp filter on every thread, built by libseccomp (``library``, from
    :func:`_load_libseccomp`; None: no filter) from :func:`_seccomp_rules`: the calls of
    _DENIED_CALLS are refused (among them setpriority and sched_setaffinity on any process,
    changing files' metadata, changing uid, gid or capabilities, opening files by handle), clone
    only makes threads (in no new namespace), kill/tgkill only reach this process, prlimit64
    only reads, ioctl cannot inject terminal input, fcntl cannot take signal ownership
    (F_SETOWN, F_SETOWN_EX, F_SETSIG). Refused calls fail with EPERM (clone3 with ENOSYS, so that
    the C library falls back to clone for threads). The filter holds for the native architecture
    only: a call through another ABI (i386's int 0x80, x32) kills the process. ``machine``
    (``platform.machine()``) says whether the calls newer than the library may be given by their
    unified numbers (_NEWER_CALLS). Returns whether it was loaded."""
    if library is None:
        return False
    context = library.seccomp_init(_SCMP_ACT_ALLOW)
    if not context:
        return False
    try:
        if library.seccomp_attr_set(context, _SCMP_FLTATR_ACT_BADARCH, _SCMP_ACT_KILL_PROCESS) != 0:
            return False
        Comparison = _comparison_type(ctypes)
        for action, name, conditions in _seccomp_rules(os.getpid(), clone_flags):
            number = library.seccomp_syscall_resolve_name(name.encode())
            if number == _NR_SCMP_ERROR:
                number = _NEWER_CALLS.get(name) if machine in _UNIFIED_NUMBERING else None
            if number is None:
                continue  # not a call of this platform
            array = (Comparison * len(conditions))(*[Comparison(*c) for c in conditions])
            if library.seccomp_rule_add_array(context, action, number, len(conditions), array) != 0:
                raise OSError(f"libseccomp refused the rule for {name}")
        # every thread, including any that a trusted import (TensorFlow) started; where the
        # kernel cannot synchronise them, this thread (and those it starts) only
        for tsync in (1, 0):
            if library.seccomp_attr_set(context, _SCMP_FLTATR_CTL_TSYNC, tsync) == 0 \
                    and library.seccomp_load(context) == 0:
                return True
        return False
    finally:
        library.seccomp_release(context)


# Landlock (Linux ≥ 5.13): file-system access rights
_LL_EXECUTE, _LL_WRITE_FILE, _LL_READ_FILE, _LL_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_LL_MAKE_AND_REMOVE = sum(1 << bit for bit in range(4, 13))  # remove dir/file, make char/dir/reg/sock/fifo/block/sym
_LL_MAKE_DEVICES = (1 << 6) | (1 << 11)  # character and block devices: never, not even in the sandbox
_LL_REFER, _LL_TRUNCATE = 1 << 13, 1 << 14
_LL_FILE_RIGHTS = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_TRUNCATE
_LL_NET_BIND_TCP, _LL_NET_CONNECT_TCP = 1 << 0, 1 << 1
_LL_SCOPE_ABSTRACT_UNIX_SOCKET, _LL_SCOPE_SIGNAL = 1 << 0, 1 << 1


def _landlock(ctypes, libc, readable, writable):
    """Restrict this thread (and what it starts) to an allow-list at the kernel level: read only
    under ``readable``, write only under ``writable`` (no device nodes even there), execute
    nothing; where the kernel has Landlock ABI 6, no signal to a process outside this sandbox
    and no abstract unix socket out of it (Landlock's scoping). Landlock binds the calling thread
    and the threads it starts: the child installs it before starting any thread (its trusted
    imports start none). Returns the Landlock ABI used, 0 if none."""
    abi = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if abi < 1:
        return 0
    handled = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_READ_DIR | _LL_MAKE_AND_REMOVE
    handled |= (_LL_REFER if abi >= 2 else 0) | (_LL_TRUNCATE if abi >= 3 else 0)
    read = _LL_READ_FILE | _LL_READ_DIR

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                    ("scoped", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    # ABI 4: TCP bind and connect handled (so refused: no rule grants them); ABI 6: scoping
    net = _LL_NET_BIND_TCP | _LL_NET_CONNECT_TCP if abi >= 4 else 0
    scoped = _LL_SCOPE_ABSTRACT_UNIX_SOCKET | _LL_SCOPE_SIGNAL if abi >= 6 else 0
    attr = RulesetAttr(handled, net, scoped)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(444, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return 0
    try:
        rules = [(path, read) for path in readable] + [(path, handled & ~_LL_MAKE_DEVICES) for path in writable]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    access &= _LL_FILE_RIGHTS
                access &= handled
                rule = PathBeneath(access, fd)
                if libc.syscall(445, ruleset, 1, ctypes.byref(rule), 0) != 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        if libc.syscall(446, ruleset, 0) != 0:
            return 0
        return abi
    finally:
        os.close(ruleset)


def _split_around(readable, hidden):
    """``readable`` with every folder that holds a ``hidden`` path replaced by its entries (down
    to the hidden path, which is left out): Landlock grants whole trees, so a tree with a hole is
    granted as the pieces around the hole. Symbolic links among the entries are left out."""
    hidden = {os.path.realpath(h) for h in hidden}
    pending, grants = list(readable), []
    while pending:
        path = pending.pop()
        if path in hidden:
            continue
        if not any(h.startswith(path.rstrip(os.sep) + os.sep) for h in hidden):
            grants.append(path)
            continue
        try:
            with os.scandir(path) as entries:
                pending += [e.path for e in entries if not e.is_symlink()]
        except OSError:
            continue
    return grants
