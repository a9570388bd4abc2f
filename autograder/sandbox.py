"""Guards installed in the child process before the submission is imported.

Two layers, both installed by :func:`install` and both irreversible:

* An audit hook (PEP 578: it cannot be removed once added) refuses to read protected paths (the
  reference, the grader, the kit's tests, other students' folders, every grading run's temporary
  folders, the grader's output, other processes' /proc entries), to write anywhere but the child's
  own sandbox directory, to list protected folders, to start processes, to raise resource
  limits and to call native code through ctypes. It gives clear error messages, but it lives in
  the child's memory: code that corrupts that memory (numpy's ``__array_interface__`` can view
  any address) can switch it off.
* Kernel guards, which no code in the process can undo: a seccomp filter (no new processes or
  programs, no signals to other processes, no ptrace, no raising limits, no mounts or namespaces,
  no sockets, no terminal injection) and, where the kernel has Landlock, the same file rules as the hook
  (read nothing protected, write only in the sandbox). They are applied when the platform offers
  them (Linux); :data:`GUARDS` records which ones are active.

Resource limits (memory, CPU time, file size) are set by the parent before exec.
"""
import os
import stat
import sys

BLOCKED_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill",
    "os.killpg", "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "ctypes.call_function", "socket.connect", "socket.bind", "os.chdir", "os.setuid", "sys.setprofile",
    "sys.settrace", "os.putenv", "os.unsetenv", "shutil.rmtree", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "sys._current_frames", "resource.setrlimit", "resource.prlimit",
}
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.copyfile", "shutil.move"}
#: ioctl requests that push input into a terminal (TIOCSTI, TIOCLINUX)
TERMINAL_INJECTION = (0x5412, 0x541C)

#: which kernel guards :func:`install` applied in this process: {"seccomp": bool, "landlock": ABI or 0}
GUARDS = {"seccomp": False, "landlock": 0}


class SandboxViolation(PermissionError):
    """The submission tried something the grader does not allow."""


def install(protected, allowed_read, writable):
    """Install the kernel guards (where available), then the audit hook. All arguments are lists
    of folder paths: nothing under ``protected`` may be read except under ``allowed_read`` and
    ``writable``; nothing may be written except under ``writable``.

    Everything the hook uses is bound now, as immutable locals, so that a submission patching
    os.path, builtins or the lists afterwards cannot loosen it.
    """
    realpath, fsdecode, sep = os.path.realpath, os.fsdecode, os.sep
    str_type, int_type, bytes_type, pathlike = str, int, bytes, os.PathLike
    is_instance = isinstance
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    protected = tuple(realpath(p) for p in protected)
    readable = tuple(realpath(p) for p in allowed_read) + tuple(realpath(p) for p in writable)
    writable = tuple(realpath(p) for p in writable) + ("/dev/null",)
    blocked, write_events = frozenset(BLOCKED_EVENTS), frozenset(WRITE_EVENTS)
    injection, listing = frozenset(TERMINAL_INJECTION), frozenset(("os.listdir", "os.scandir"))
    proc_prefix, own_proc = "/proc/", "/proc/" + str(os.getpid())

    _confine(protected, readable, writable)

    def inside(path, roots):
        for root in roots:
            if path == root or path.startswith(root + sep):
                return True
        return False

    def resolved(path):
        if not is_instance(path, (str_type, bytes_type, pathlike)):
            return None
        try:
            return realpath(fsdecode(path))
        except (TypeError, ValueError):
            return None

    def other_process(path):
        if not path.startswith(proc_prefix):
            return False
        entry = path[len(proc_prefix):].partition(sep)[0]
        return entry.isdigit() and not (path == own_proc or path.startswith(own_proc + sep))

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
            if (inside(path, protected) or other_process(path)) and not inside(path, readable):
                raise SandboxViolation("not allowed while grading: reading " + path)
        elif event in write_events:
            for arg in args[:2]:
                path = resolved(arg)
                if path is not None and not inside(path, writable):
                    raise SandboxViolation("not allowed while grading: " + event + " " + path)
        elif event in listing and args:
            path = resolved(args[0])
            if path is not None and (inside(path, protected) or other_process(path)) and not inside(path, readable):
                raise SandboxViolation("not allowed while grading: listing " + path)
        elif event == "fcntl.ioctl" and len(args) > 1 and args[1] in injection:
            raise SandboxViolation("not allowed while grading: terminal ioctl")

    sys.addaudithook(hook)


def set_limits(memory_bytes, cpu_seconds, file_bytes=256 * 1024 * 1024):
    """preexec: cap address space, CPU time and written file size; no core dumps; own session."""
    import resource
    os.setsid()
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, file_bytes), (resource.RLIMIT_CORE, 0)):
        if value is not None:
            resource.setrlimit(limit, (int(value), int(value)))


def kit_paths():
    """The grader's own folders, which submissions may never read."""
    from .course_folder import IMPORT_ROOT, PACKAGE_DIR, find
    roots = {IMPORT_ROOT, *([find()] if find() else [])}
    return sorted({str(root / name) for root in roots
                   for name in ("reference", "autograder", "tests", ".git", "benchmarks")} | {str(PACKAGE_DIR)})


# --------------------------------------------------------------------------- kernel guards

def available_guards():
    """The kernel guards :func:`install` can apply on this machine (probed, not installed):
    {"seccomp": bool, "landlock": ABI version or 0}."""
    import platform
    guards = {"seccomp": False, "landlock": 0}
    if not sys.platform.startswith("linux"):
        return guards
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        guards["seccomp"] = (_MACHINES.get(platform.machine().lower()) in _SYSCALL_NUMBERS
                             and libc.prctl(21, 0, 0, 0, 0) >= 0)  # PR_GET_SECCOMP
        guards["landlock"] = max(0, int(libc.syscall(444, None, 0, 1)))
    except (OSError, AttributeError):
        pass
    return guards


def _confine(protected, readable, writable):
    """Apply the kernel guards this platform offers; record them in GUARDS. Never raises: where a
    guard is missing the audit hook still stands (and GUARDS says so)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: needed by both guards
            return
    except (OSError, AttributeError):
        return
    try:
        GUARDS["landlock"] = _landlock(ctypes, libc, protected, readable, writable)
    except (OSError, ValueError):
        GUARDS["landlock"] = 0
    try:
        GUARDS["seccomp"] = _seccomp(ctypes, libc)
    except (OSError, ValueError):
        GUARDS["seccomp"] = False


#: system calls the seccomp filter refuses outright (EPERM): new processes and programs, other
#: processes (signals, ptrace, memory, file descriptors), raising limits, mounts and namespaces,
#: sockets, io_uring (which bypasses seccomp), and what only an administrator should do
_DENIED_CALLS = (
    "fork", "vfork", "execve", "execveat", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "ptrace", "process_vm_readv", "process_vm_writev",
    "process_madvise", "kcmp", "setrlimit", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "mount_setattr", "socket", "io_uring_setup",
    "bpf", "perf_event_open", "userfaultfd", "init_module", "finit_module", "delete_module", "kexec_load",
    "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "quotactl", "keyctl", "add_key", "request_key",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
)
_SYSCALL_NUMBERS = {
    "x86_64": dict(
        ioctl=16, socket=41, clone=56, fork=57, vfork=58, execve=59, kill=62, ptrace=101, rt_sigqueueinfo=129,
        pivot_root=155, adjtimex=159, setrlimit=160, chroot=161, acct=163, settimeofday=164, mount=165,
        umount2=166, swapon=167, swapoff=168, reboot=169, init_module=175, delete_module=176, quotactl=179,
        tkill=200, clock_settime=227, tgkill=234, kexec_load=246, add_key=248, request_key=249, keyctl=250,
        unshare=272, rt_tgsigqueueinfo=297, perf_event_open=298, prlimit64=302, clock_adjtime=305, setns=308,
        process_vm_readv=310, process_vm_writev=311, kcmp=312, finit_module=313, seccomp=317,
        kexec_file_load=320, bpf=321, execveat=322, userfaultfd=323, pidfd_send_signal=424, io_uring_setup=425,
        open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, pidfd_open=434, clone3=435,
        pidfd_getfd=438, process_madvise=440, mount_setattr=442),
    "aarch64": dict(
        ioctl=29, umount2=39, mount=40, pivot_root=41, chroot=51, quotactl=60, acct=89, unshare=97,
        kexec_load=104, init_module=105, delete_module=106, clock_settime=112, ptrace=117, kill=129, tkill=130,
        tgkill=131, rt_sigqueueinfo=138, reboot=142, setrlimit=164, settimeofday=170, adjtimex=171, socket=198,
        add_key=217, request_key=218, keyctl=219, clone=220, execve=221, swapon=224, swapoff=225,
        rt_tgsigqueueinfo=240, perf_event_open=241, prlimit64=261, clock_adjtime=266, setns=268,
        process_vm_readv=270, process_vm_writev=271, kcmp=272, finit_module=273, seccomp=277, bpf=280,
        execveat=281, userfaultfd=282, kexec_file_load=294, pidfd_send_signal=424, io_uring_setup=425,
        open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, pidfd_open=434, clone3=435,
        pidfd_getfd=438, process_madvise=440, mount_setattr=442),
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x7E020000  # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


def _seccomp(ctypes, libc):
    """A seccomp filter on every thread: the calls of _DENIED_CALLS are refused, clone only makes
    threads (in no new namespace), kill/tgkill only reach this process, prlimit64 only reads,
    ioctl cannot inject terminal input. Refused calls fail with EPERM (clone3 with ENOSYS, so that
    the C library falls back to clone for threads); a call through another architecture's ABI
    kills the process."""
    import platform
    machine = _MACHINES.get(platform.machine().lower())
    if machine is None:
        return False
    table = _SYSCALL_NUMBERS[machine]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, kill_process, eperm, enosys = 0x7FFF0000, 0x80000000, 0x00050001, 0x00050026
    pid = os.getpid()

    def arg(index, high=False):
        return (ld, 0, 0, 16 + 8 * index + (4 if high else 0))

    program = [(ld, 0, 0, 4), (jeq, 1, 0, _AUDIT_ARCH[machine]), (ret, 0, 0, kill_process), (ld, 0, 0, 0)]
    if machine == "x86_64":
        program += [(jge, 0, 1, 0x40000000), (ret, 0, 0, eperm)]  # the x32 ABI
    for name in _DENIED_CALLS:
        if name in table:
            program += [(jeq, 0, 1, table[name]), (ret, 0, 0, eperm)]
    program += [(jeq, 0, 1, table["clone3"]), (ret, 0, 0, enosys)]
    program += [(jeq, 0, 5, table["clone"]), arg(0), (jset, 2, 0, CLONE_NAMESPACES),
                (jset, 0, 1, CLONE_THREAD), (ret, 0, 0, allow), (ret, 0, 0, eperm)]
    for name in ("kill", "tgkill"):
        program += [(jeq, 0, 4, table[name]), arg(0), (jeq, 0, 1, pid), (ret, 0, 0, allow), (ret, 0, 0, eperm)]
    program += [(jeq, 0, 6, table["prlimit64"]), arg(2), (jeq, 0, 3, 0), arg(2, high=True), (jeq, 0, 1, 0),
                (ret, 0, 0, allow), (ret, 0, 0, eperm)]  # reading limits only (new_limit NULL)
    program += [(jeq, 0, 5, table["ioctl"]), arg(1), (jeq, 2, 0, TERMINAL_INJECTION[0]),
                (jeq, 1, 0, TERMINAL_INJECTION[1]), (ret, 0, 0, allow), (ret, 0, 0, eperm)]
    program += [(ret, 0, 0, allow)]

    class Instruction(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Instruction))]

    instructions = (Instruction * len(program))(*[Instruction(*i) for i in program])
    fprog = Program(len(program), instructions)
    # SECCOMP_SET_MODE_FILTER with SECCOMP_FILTER_FLAG_TSYNC: every thread, including any that a
    # trusted import (TensorFlow) started, gets the filter.
    for flags in (1, 0):
        if libc.syscall(table["seccomp"], 1, flags, ctypes.byref(fprog)) == 0:
            return True
    return False


# Landlock (Linux ≥ 5.13): file-system access rights
_LL_EXECUTE, _LL_WRITE_FILE, _LL_READ_FILE, _LL_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_LL_MAKE_AND_REMOVE = sum(1 << bit for bit in range(4, 13))  # remove dir/file, make char/dir/reg/sock/fifo/block/sym
_LL_MAKE_DEVICES = (1 << 6) | (1 << 11)  # character and block devices: never, not even in the sandbox
_LL_REFER, _LL_TRUNCATE = 1 << 13, 1 << 14
_LL_FILE_RIGHTS = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_TRUNCATE


def _landlock(ctypes, libc, protected, readable, writable):
    """Restrict this thread (and what it starts) to the hook's file rules at the kernel level:
    read anything but ``protected`` (except ``readable``) and other processes' /proc entries;
    write only under ``writable`` (no device nodes even there); execute nothing. Landlock binds the
    calling thread and the threads it starts: the child installs it before starting any thread
    (its trusted imports start none). Returns the Landlock ABI used, 0 if none."""
    abi = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if abi < 1:
        return 0
    handled = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_READ_DIR | _LL_MAKE_AND_REMOVE
    handled |= (_LL_REFER if abi >= 2 else 0) | (_LL_TRUNCATE if abi >= 3 else 0)
    read = _LL_READ_FILE | _LL_READ_DIR

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("handled_access_fs", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    attr = RulesetAttr(handled)
    ruleset = libc.syscall(444, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        return 0
    try:
        denied = set(protected)
        own = str(os.getpid())
        try:
            denied.update(f"/proc/{entry}" for entry in os.listdir("/proc") if entry.isdigit() and entry != own)
        except OSError:
            pass
        rules = [(path, read) for path in _readable_beneath(denied)]
        rules += [(path, read) for path in readable]
        rules += [(path, handled & ~_LL_MAKE_DEVICES) for path in writable]
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


def _readable_beneath(denied, root="/"):
    """Paths under which reading may be granted so that every path is readable except those
    under ``denied``: the whole tree, split along the way down to each denied path."""
    denied = {os.path.realpath(d) for d in denied}
    above = set()  # every folder that holds a denied path somewhere below it
    for path in denied:
        parent = os.path.dirname(path)
        while parent not in above:
            above.add(parent)
            if parent == os.path.dirname(parent):
                break
            parent = os.path.dirname(parent)

    def is_denied(path):
        while True:
            if path in denied:
                return True
            parent = os.path.dirname(path)
            if parent == path:
                return False
            path = parent

    def above_denied(path):
        return path in above

    if not denied:
        return [root]
    grants = []

    pending = [root]  # real folders (no symbolic link on the way) above some denied path
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                entries = list(entries)
        except OSError:
            continue
        for entry in entries:
            path = entry.path
            if is_denied(path):
                continue
            try:
                link = entry.is_symlink()
                folder = not link and entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if above_denied(path):
                if folder:
                    pending.append(path)
                continue
            if link:  # a symbolic link is granted as its target
                target = os.path.realpath(path)
                if is_denied(target) or above_denied(target):
                    continue
            grants.append(path)
    return grants
