"""Guards installed in the child process before the submission is imported.

An audit hook (PEP 578: it cannot be removed once added) refuses to read protected paths (the
reference, the grader, the kit's tests, other students' folders, the grader's output), to write
anywhere but the child's own sandbox directory, to start processes, and to load native code
through ctypes. Resource limits (memory, CPU time, file size) are set by the parent before exec.
"""
import os
import sys
from pathlib import Path

BLOCKED_EVENTS = {
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill",
    "os.killpg", "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata",
    "socket.connect", "socket.bind", "os.chdir", "os.setuid", "sys.setprofile", "sys.settrace",
    "os.putenv", "os.unsetenv", "shutil.rmtree", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "sys._current_frames",
}
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.copyfile", "shutil.move"}


class SandboxViolation(PermissionError):
    """The submission tried something the grader does not allow."""


def install(protected, allowed_read, writable):
    """Install the audit hook. All arguments are lists of folder paths.

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
            if inside(path, protected) and not inside(path, readable):
                raise SandboxViolation("not allowed while grading: reading " + path)
        elif event in write_events:
            for arg in args[:2]:
                path = resolved(arg)
                if path is not None and not inside(path, writable):
                    raise SandboxViolation("not allowed while grading: " + event + " " + path)

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
    from .course import KIT_ROOT
    return [str(KIT_ROOT / name) for name in ("reference", "autograder", "tests", ".git", "benchmarks")] \
        + [str(Path(__file__).resolve().parent)]
