"""Isolation by allow-list, tested layer by layer (bubblewrap and the kernel fallback).

* The child's view under bubblewrap holds only what :func:`autograder.isolation.readable_paths`
  lists: no kit, no other grading run, no host /tmp, no home folder, no /etc beyond the loader's.
* The kernel guards hold without the audit hook (which code in the child can switch off): each
  attack class below runs after ``sandbox._confine`` alone, under each layer, and must fail.
* The kit code a child can import is exactly :data:`autograder.job.CHILD_SIDE`.
* ``--isolation`` chooses, reports and refuses as documented.
"""
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from autograder import isolation
from autograder.files import grading_root
from autograder.job import CHILD_FLAGS, CHILD_SIDE

KIT = Path(__file__).resolve().parent.parent
LAYERS = [pytest.param(name, marks=pytest.mark.skipif(problem() is not None, reason=str(problem())))
          for name, problem in (("bwrap", isolation.bwrap_problem), ("kernel", isolation.kernel_problem))]


def confined(layer, tmp_path, script, requires=()):
    """Run ``script`` (Python source; ``{readable}`` and ``{writable}`` in it are replaced by the
    lists of paths) in this interpreter as a child of ``layer`` would run: the child-side kit
    copied into its run folder, the allow-list of readable paths, a writable scratch folder;
    returns (its standard output, the readable paths, the scratch folder)."""
    process, readable, scratch = start_confined(layer, tmp_path, script, requires)
    try:
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr[-2000:]
    return stdout, readable, scratch


def start_confined(layer, tmp_path, script, requires=()):
    """Start ``script`` as :func:`confined` runs it, with pipes for its standard input, output
    and error; returns (the process, the readable paths, the scratch folder)."""
    run = Path(os.path.realpath(tmp_path)) / "run"
    kit = isolation.lay_out_child_kit(run / "kit")
    scratch = run / "scratch"
    scratch.mkdir(parents=True)
    readable = isolation.readable_paths(requires, own=[kit])
    script = script.replace("{readable}", repr(readable)).replace("{writable}", repr([str(scratch)]))
    argv = [sys.executable, *CHILD_FLAGS, "-c", f"import sys; sys.path.insert(0, {str(kit)!r})\n" + script]
    command = isolation.Isolation(layer).command(argv, readable, [str(scratch)],
                                                  isolation.hidden_paths(readable))
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=scratch, env={"PATH": os.environ.get("PATH", ""), "HOME": str(scratch)},
                               start_new_session=True)
    return process, readable, scratch


# --------------------------------------------------------------------------- the child's view

@pytest.mark.skipif(isolation.bwrap_problem() is not None, reason="bubblewrap unavailable")
def test_bubblewrap_view_holds_only_the_allow_list(tmp_path):
    grader_root = grading_root()
    other_run = Path(grader_root) / "nnkit-grade-someone-else"
    other_run.mkdir(exist_ok=True)
    try:
        script = f"""
import json, os
paths = {json.dumps([str(KIT / "reference"), str(KIT / "tests"), str(KIT / "autograder" / "checks"),
                     str(KIT / ".git"), str(other_run), "/etc/shadow", "/etc/passwd", "/etc/hostname",
                     "/root/.ssh", "/home", "/var", "/usr/local/share", "/usr/bin/bash", "/bin/sh",
                     str(tmp_path / "secret")])}
print(json.dumps({{"exists": {{p: os.path.lexists(p) for p in paths}}, "root": sorted(os.listdir("/")),
                  "uid": os.getuid(), "gid": os.getgid(), "pids": sorted(e for e in os.listdir("/proc") if e.isdigit()),
                  "hostname": os.uname().nodename}}))
"""
        (tmp_path / "secret").write_text("secret")
        out, readable, scratch = confined("bwrap", tmp_path, script)
        seen = json.loads(out)
        assert not any(seen["exists"].values()), {p for p, e in seen["exists"].items() if e}
        # the top of the file system: only the folders leading to allowed paths
        allowed_tops = {Path(p).parts[1] for p in [*readable, str(scratch)] if len(Path(p).parts) > 1}
        assert set(seen["root"]) <= allowed_tops | {"proc", "dev"}, seen["root"]
        assert seen["uid"] == seen["gid"] == isolation.UNPRIVILEGED
        assert len(seen["pids"]) <= 3  # its own pid namespace: bubblewrap's init and the child
        assert seen["hostname"] == "nnkit"
    finally:
        other_run.rmdir()


@pytest.mark.skipif(isolation.bwrap_problem() is not None, reason="bubblewrap unavailable")
def test_kit_copy_holds_only_the_child_side(tmp_path):
    out, _, _ = confined("bwrap", tmp_path, "import autograder, os\n"
                         "print(sorted(os.listdir(os.path.dirname(autograder.__file__))))")
    assert set(eval(out)) == set(CHILD_SIDE)  # noqa: S307 — our own child's printed list


def test_child_side_is_exactly_what_the_child_imports():
    """CHILD_SIDE is the closure of the child's imports (every probe module included), and holds
    no formula, check, golden file or reference."""
    code = ("import sys, importlib, pkgutil\n"
            "import autograder.child, autograder.execution, autograder.loader, autograder.protocol\n"
            "import autograder.job, autograder.sandbox  # what child.main imports\n"
            "import autograder.data, autograder.probes as p\n"
            "for m in pkgutil.iter_modules(p.__path__): importlib.import_module('autograder.probes.' + m.name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('autograder')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=KIT, check=True)
    modules = eval(done.stdout)  # noqa: S307
    tops = {m.split(".")[1] for m in modules if "." in m}
    files = {name[:-3] if name.endswith(".py") else name for name in CHILD_SIDE} - {"__init__"}
    assert tops == files
    assert not any(m.startswith("autograder.checks") for m in modules)


# --------------------------------------------------------------------------- kernel guards

#: the scripts' way of trying one action: ``outcome[name]`` is "ESCAPED" or the exception that stopped it
ATTEMPT = """outcome = {}
def attempt(name, action):
    try:
        action()
        outcome[name] = "ESCAPED"
    except BaseException as exc:
        outcome[name] = type(exc).__name__
"""

ATTACKS = r'''
import ctypes, fcntl, json, os, signal, socket, struct
from autograder import sandbox
GRADER, PORT, SECRET, CANARY, OUTSIDE, READABLE_DIR = {grader}, {port}, {secret!r}, {canary!r}, {outside!r}, {readable_dir!r}
# descriptors the child was started with, beyond standard input, output and error
def target(fd):
    try:
        return os.readlink(f"/proc/self/fd/{{fd}}")
    except FileNotFoundError:  # the listing's own descriptor, closed since
        return None
foreign = [t for t in map(target, [fd for fd in os.listdir("/proc/self/fd") if int(fd) > 2])
           if t and not t.startswith("/proc/")]
release = sandbox.drop_privileges({{writable}}) if {drop} else None
sandbox._confine({{readable}}, {{writable}}, release)  # the kernel guards alone: no audit hook
{attempt}def relative(target):
    return os.path.relpath(target, READABLE_DIR)
r, w = os.pipe()
libc = ctypes.CDLL(None, use_errno=True)
def check(result):
    if result == -1:
        raise OSError(ctypes.get_errno(), "refused")
attempt("read a secret", lambda: open(SECRET).read())
attempt("read the kit's reference", lambda: open({reference!r}).read())
attempt("list the grading root", lambda: os.listdir({grading_root!r}))
attempt("dir_fd read", lambda: os.read(os.open(relative(SECRET), os.O_RDONLY,
                                              dir_fd=os.open(READABLE_DIR, os.O_RDONLY)), 10))
attempt("dir_fd chmod", lambda: os.chmod(relative(CANARY), 0o777, dir_fd=os.open(READABLE_DIR, os.O_RDONLY)))
attempt("chmod", lambda: os.chmod(CANARY, 0o777))
attempt("chown", lambda: os.chown(CANARY, 1234, 1234))
attempt("set xattr", lambda: os.setxattr(CANARY, "user.nnkit", b"1"))
attempt("utime", lambda: os.utime(CANARY, (0, 0)))
attempt("write outside", lambda: open(os.path.join(OUTSIDE, "planted"), "w").write("x"))
attempt("link outside", lambda: os.link(CANARY, "hardlink"))
attempt("F_SETOWN", lambda: fcntl.fcntl(r, fcntl.F_SETOWN, GRADER))
attempt("F_SETOWN_EX", lambda: fcntl.fcntl(r, 15, struct.pack("ii", 1, GRADER)))
attempt("F_SETSIG", lambda: fcntl.fcntl(r, 10, signal.SIGKILL))
attempt("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, GRADER, 19))
attempt("setpriority of the group", lambda: os.setpriority(os.PRIO_PGRP, 0, 19))
attempt("sched_setaffinity", lambda: os.sched_setaffinity(GRADER, {{0}}))
attempt("kill", lambda: os.kill(GRADER, 0))
attempt("kill every process", lambda: os.kill(-1, 0))
attempt("ptrace", lambda: check(libc.ptrace(16, GRADER, 0, 0)))
attempt("connect", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
attempt("read the grader's environment", lambda: open(f"/proc/{{GRADER}}/environ").read())
attempt("fork", lambda: os.fork() == 0 and os._exit(0))
def plant(path):
    open(path, "w").close()
    os.remove(path)  # where it worked (unguarded), leave nothing behind
attempt("write into the packages", lambda: plant(os.path.join(os.path.dirname(json.__file__), "nnkit_planted.py")))
attempt("plant bytecode in the kit", lambda: open(os.path.join(os.path.dirname(sandbox.__file__),
                                                               "__pycache__", "job.cpython-311.pyc"), "wb"))
attempt("shared memory", lambda: plant("/dev/shm/nnkit-planted"))
attempt("abstract unix socket", lambda: socket.socket(socket.AF_UNIX).connect("\0nnkit"))
def inherited():
    if foreign:
        return  # the child was handed descriptors onto the grader's files: the attack worked
    raise PermissionError("no descriptor inherited")
attempt("inherited descriptors", inherited)
print(json.dumps(outcome))
'''


def attack_outcome(layer, tmp_path, guarded=True):
    """{attack: "ESCAPED" or the exception that stopped it} of ATTACKS run as a child of
    ``layer``; unguarded (no kernel guards, the layer ``none``), the attacks aim at the script's
    own process rather than this one, and leave out replacing the program."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    canary = tmp_path / "canary.txt"
    canary.write_text("canary")
    canary.chmod(0o600)
    before = os.stat(canary)
    outside = tmp_path / "outside"
    outside.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.1)
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    priority, affinity = os.getpriority(os.PRIO_PROCESS, 0), os.sched_getaffinity(0)
    try:
        script = ATTACKS.format(attempt=ATTEMPT,
            grader=os.getpid() if guarded else "os.getpid()", port=listener.getsockname()[1],
            secret=str(secret), canary=str(canary), outside=str(outside),
            readable_dir=os.path.dirname(os.__file__),
            reference=str(KIT / "reference" / "single_layer.py"), grading_root=str(grading_root()),
            drop=layer == "kernel" and os.geteuid() == 0)
        if not guarded:
            script = script.replace("sandbox._confine(", "(lambda *paths: None)(")
            script = "\n".join(line for line in script.splitlines() if '"execute"' not in line)
        out, _, _ = confined(layer, tmp_path, script)
    finally:
        stop.set()
        thread.join()
        listener.close()
    outcome = json.loads(out.strip().splitlines()[-1])
    after = os.stat(canary)
    changed = {"connect": bool(accepted), "write outside": bool(list(outside.iterdir())),
               "canary": (after.st_mode, after.st_uid, after.st_mtime_ns) != (before.st_mode, before.st_uid,
                                                                            before.st_mtime_ns)
               or bool(os.listxattr(canary)),
               "grader": (os.getpriority(os.PRIO_PROCESS, 0), os.sched_getaffinity(0)) != (priority, affinity)}
    return outcome, changed


@pytest.mark.parametrize("layer", LAYERS)
def test_kernel_guards_refuse_every_attack_class(layer, tmp_path):
    outcome, changed = attack_outcome(layer, tmp_path)
    assert len(outcome) == ATTACKS.count("attempt(\"")
    assert not [name for name, result in outcome.items() if result == "ESCAPED"], outcome
    assert not any(changed.values()), changed


def test_the_attacks_work_where_nothing_guards(tmp_path):
    """The harness sees an escape when there is one: run unguarded (no kernel guards, no
    namespaces), the attacks succeed and change what the guarded runs must leave alone."""
    outcome, changed = attack_outcome("none", tmp_path, guarded=False)
    escaped = {name for name, result in outcome.items() if result == "ESCAPED"}
    assert {"read a secret", "read the kit's reference", "list the grading root", "dir_fd read", "chmod",
            "set xattr", "utime", "write outside", "F_SETOWN", "F_SETSIG", "setpriority", "sched_setaffinity",
            "kill", "connect", "fork", "write into the packages"} <= escaped, outcome
    assert changed["connect"] and changed["write outside"] and changed["canary"]


# --------------------------------------------------------------------------- the kernel layer as root

ROOT_KERNEL = pytest.mark.skipif(os.geteuid() != 0 or isolation.kernel_problem() is not None,
                                 reason="needs root and the kernel layer")

#: what a kernel-layer child started as root is after its first steps (as autograder.child does
#: them): its identity and capability sets, then it waits for a line on standard input, so that
#: children started together are alive together
IDENTITY = r'''
import json, os, sys
from autograder import sandbox
release = sandbox.drop_privileges({writable})
# LANDLOCK
guards = sandbox.confine({readable}, {writable}, release=release)
capabilities = {line.split(":")[0]: int(line.split()[1], 16) for line in open("/proc/self/status")
                if line.startswith("Cap")}
print(json.dumps({"pid": os.getpid(), "uid": os.getresuid(), "gid": os.getresgid(), "groups": os.getgroups(),
                  "capabilities": capabilities, "guards": guards}), flush=True)
sys.stdin.readline()
'''


def identities(tmp_path, count, script=IDENTITY):
    """What ``count`` children of the kernel layer, started together, report running IDENTITY:
    [(their report, their scratch folder)]. Each answers before any is let go, so all of them are
    alive at the same time."""
    started = [start_confined("kernel", tmp_path / f"child{i}", script) for i in range(count)]
    try:
        reports = []
        for process, _, scratch in started:
            line = process.stdout.readline()
            assert line, process.stderr.read()[-2000:]
            reports.append((json.loads(line), scratch))
        return reports
    finally:
        for process, _, _ in started:
            process.communicate("go\n", timeout=60)


@ROOT_KERNEL
def test_kernel_children_started_as_root_take_an_unprivileged_uid_each(tmp_path):
    """Two children alive together: each is uid = gid = CHILD_UID_BASE + its pid (never 0, not
    the other's), has no groups, owns its scratch folder, and holds CAP_DAC_READ_SEARCH alone
    (while Landlock restricts what it reads), nothing in the bounding, inheritable or ambient sets."""
    from autograder import sandbox
    reports = identities(tmp_path, 2)
    for seen, scratch in reports:
        uid = sandbox.CHILD_UID_BASE + seen["pid"]
        assert seen["uid"] == seen["gid"] == [uid] * 3 and uid != 0
        assert uid + sandbox.PID_MAX_LIMIT < 2 ** 32 - 2
        assert seen["groups"] == []
        assert os.stat(scratch).st_uid == os.stat(scratch).st_gid == uid
        assert seen["guards"]["landlock"] and seen["guards"]["seccomp"]
        assert seen["capabilities"] == {"CapInh": 0, "CapPrm": 1 << sandbox.CAP_DAC_READ_SEARCH,
                                        "CapEff": 1 << sandbox.CAP_DAC_READ_SEARCH, "CapBnd": 0, "CapAmb": 0}
    assert reports[0][0]["uid"] != reports[1][0]["uid"]


@ROOT_KERNEL
def test_without_landlock_the_child_gives_up_the_capability_to_read(tmp_path):
    """Landlock alone restricts what the kept capability reads: where it could not be applied,
    confine gives the capability up (every set empty), and the child can no longer read root's
    private folders, such as its own kit (the grade then fails, which is acceptable: the kernel
    layer is chosen only where Landlock is available)."""
    script = IDENTITY.replace("# LANDLOCK", "sandbox._landlock = lambda *arguments: 0")
    script = script.replace("sys.stdin.readline()", "try:\n    open(sandbox.__file__).read()\n    print('READ')\n"
                            "except PermissionError:\n    print('REFUSED')\nsys.stdin.readline()")
    process, _, _ = start_confined("kernel", tmp_path, script)
    stdout, stderr = process.communicate("go\n", timeout=60)
    assert process.returncode == 0, stderr[-2000:]
    lines = stdout.splitlines()
    seen = json.loads(lines[0])
    assert seen["guards"] == {"seccomp": True, "landlock": 0}
    assert set(seen["capabilities"].values()) == {0}
    assert lines[1] == "REFUSED"


#: what the uid alone refuses (no kernel guard installed): other processes (a root one, this
#: test), files of root in the folders the child may read, and the way back to root
UID_ALONE = r'''
import ctypes, json, os
from autograder import sandbox
GRADER, ROOT_FILE, ROOT_ONLY, KIT = {grader}, {root_file!r}, {root_only!r}, {kit!r}
own = os.path.join({{writable}}[0], "own.txt")
sandbox.drop_privileges({{writable}})  # no confine: neither seccomp nor Landlock
open(own, "w").close()
libc = ctypes.CDLL(None, use_errno=True)
def check(result):
    if result == -1:
        raise OSError(ctypes.get_errno(), "refused")
def raise_capabilities():
    Header, Data = sandbox._capability_structures(ctypes)
    data = (Data * 2)(Data(0xFFFFFFFF, 0xFFFFFFFF, 0), Data(0xFFFFFFFF, 0xFFFFFFFF, 0))
    check(libc.capset(ctypes.byref(Header(sandbox._CAPABILITY_VERSION_3, 0)), data))
{attempt}attempt("read the grader's environment", lambda: open(f"/proc/{{GRADER}}/environ", "rb").read())
attempt("open the grader's memory", lambda: open(f"/proc/{{GRADER}}/mem", "rb"))
attempt("signal the grader", lambda: os.kill(GRADER, 0))
attempt("trace the grader", lambda: check(libc.ptrace(16, GRADER, 0, 0)))
attempt("renice the grader", lambda: os.setpriority(os.PRIO_PROCESS, GRADER, 19))
attempt("write a root file it can read", lambda: open(ROOT_FILE, "a").write("planted"))
attempt("create a file in the kit", lambda: open(os.path.join(KIT, "planted.py"), "w"))
attempt("chown its own file to root", lambda: os.chown(own, 0, 0))
attempt("setuid 0", lambda: os.setuid(0))
attempt("setresuid 0", lambda: os.setresuid(0, 0, 0))
attempt("setgroups", lambda: os.setgroups([0]))
attempt("raise capabilities", raise_capabilities)
attempt("read a root-only file (the kept capability)", lambda: open(ROOT_ONLY).read())
print(json.dumps(outcome))
'''


@ROOT_KERNEL
def test_the_uid_refuses_what_the_guards_do_not_cover(tmp_path):
    """Without seccomp or Landlock, the uid drop alone stops the child from reading this root
    process's environment or memory, signalling, tracing or renicing it, writing root's files in
    readable folders and becoming root again. It still reads a root-only file: the capability it
    keeps, which Landlock restricts (and confine gives up without Landlock)."""
    root_file = tmp_path / "root.txt"
    root_file.write_text("root")
    root_file.chmod(0o644)
    root_only = tmp_path / "root-only.txt"
    root_only.write_text("root only")
    root_only.chmod(0o600)
    kit = Path(os.path.realpath(tmp_path)) / "run" / "kit" / "autograder"
    priority = os.getpriority(os.PRIO_PROCESS, 0)
    script = UID_ALONE.format(attempt=ATTEMPT, grader=os.getpid(), root_file=str(root_file),
                              root_only=str(root_only), kit=str(kit))
    out, _, _ = confined("kernel", tmp_path, script)
    outcome = json.loads(out.strip().splitlines()[-1])
    assert len(outcome) == UID_ALONE.count("attempt(\"")
    kept = "read a root-only file (the kept capability)"
    assert outcome.pop(kept) == "ESCAPED"
    assert not [name for name, result in outcome.items() if result == "ESCAPED"], outcome
    assert set(outcome.values()) == {"PermissionError"}, outcome
    assert root_file.read_text() == "root" and not (kit / "planted.py").exists()
    assert os.getpriority(os.PRIO_PROCESS, 0) == priority


#: errno of calls seccomp refuses once the child is confined, each of which works (or fails for
#: another reason) in an unconfined process: files by handle, and identity or capability calls
#: what the scripts below call to see how a call ended: 0, or the errno it failed with
ERRNO_HELPERS = r'''
def errno_of(result):
    return ctypes.get_errno() if result == -1 else 0
def call(action):
    try:
        action()
        return 0
    except OSError as exc:
        return exc.errno
'''
BY_HANDLE = r'''
import ctypes, json, os
from autograder import sandbox
release = sandbox.drop_privileges({writable})
if {guarded}:
    sandbox.confine({readable}, {writable}, release=release)
libc = ctypes.CDLL(None, use_errno=True)
'''+ERRNO_HELPERS+r'''handle = ctypes.create_string_buffer(8 + 128)
ctypes.memmove(handle, (128).to_bytes(4, "little"), 4)  # handle_bytes: the most a handle takes
mount_id = ctypes.c_int()
Header, Data = sandbox._capability_structures(ctypes)
header, current = Header(sandbox._CAPABILITY_VERSION_3, 0), (Data * 2)()
libc.capget(ctypes.byref(header), current)
print(json.dumps({
    "name_to_handle_at": errno_of(libc.name_to_handle_at(-100, b".", handle, ctypes.byref(mount_id), 0)),
    "open_by_handle_at": errno_of(libc.open_by_handle_at(os.open(".", os.O_RDONLY), handle, os.O_RDONLY)),
    "setresuid to itself": call(lambda: os.setresuid(-1, -1, -1)),
    "setresgid to itself": call(lambda: os.setresgid(-1, -1, -1)),
    "capset to the same": errno_of(libc.capset(ctypes.byref(header), current)),
}))
'''


@ROOT_KERNEL
@pytest.mark.parametrize("guarded", [True, False])
def test_files_by_handle_and_identity_calls_are_refused(guarded, tmp_path):
    """open_by_handle_at (with CAP_DAC_READ_SEARCH, any file of a mounted file system by its
    inode: the classic container escape), name_to_handle_at, and the uid, gid and capability
    calls fail with EPERM under seccomp; unconfined (the control), the same calls succeed, or
    open_by_handle_at gets past the permission check to a handle it cannot use."""
    import errno
    out, _, _ = confined("kernel", tmp_path, BY_HANDLE.replace("{guarded}", str(guarded)))
    seen = json.loads(out.strip().splitlines()[-1])
    if guarded:
        assert seen == dict.fromkeys(seen, errno.EPERM)
    else:
        assert seen.pop("open_by_handle_at") != errno.EPERM
        assert seen == dict.fromkeys(seen, 0)


# --------------------------------------------------------------------------- the seccomp filter

def test_the_seccomp_filter_is_built_from_names_only():
    """No system-call number in the kit: the rules are names, which libseccomp resolves for the
    platform it runs on; each rule's conditions are (argument, comparison, datum_a, datum_b)."""
    from autograder import sandbox
    assert not [name for name in vars(sandbox) if "SYSCALL_NUMBER" in name or "AUDIT_ARCH" in name]
    rules = sandbox._seccomp_rules(os.getpid())
    assert all(isinstance(name, str) and isinstance(action, int) for action, name, _ in rules)
    assert all(len(condition) == 4 for _, _, conditions in rules for condition in conditions)
    names = {name for _, name, _ in rules}
    assert set(sandbox._DENIED_CALLS) | {"clone", "clone3", "kill", "tgkill", "prlimit64", "ioctl", "fcntl"} <= names


#: each class of rule of the seccomp filter, tried by a child after ``sandbox._confine`` (the
#: kernel guards alone), or unconfined (the control): {attempt: 0 or the errno it failed with}
SECCOMP_RULES = r'''
import ctypes, errno, fcntl, json, os, resource, signal, threading
from autograder import sandbox
libseccomp = sandbox._load_libseccomp(ctypes)
number = {{name: libseccomp.seccomp_syscall_resolve_name(name.encode())
          for name in ("clone", "clone3", "fcntl", "ioctl")}}
release = sandbox.drop_privileges({{writable}}) if {drop} else None
if {guarded}:
    sandbox._confine({{readable}}, {{writable}}, release)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
'''+ERRNO_HELPERS+r'''def thread():
    started = []
    worker = threading.Thread(target=started.append, args=(1,))
    worker.start()
    worker.join()
    return 0 if started else -1
r, w = os.pipe()
cpu = resource.getrlimit(resource.RLIMIT_CPU)
print(json.dumps({{
    "sched_setparam (denied outright)": call(lambda: os.sched_setparam(0, os.sched_getparam(0))),
    "clone3": errno_of(libc.syscall(number["clone3"], None, 0)),
    "a thread": thread(),
    "clone into a new namespace": errno_of(libc.syscall(number["clone"], 0x00010000 | 0x40000000, 0, 0, 0, 0)),
    "kill another process": call(lambda: os.kill({other}, 0)),
    "kill its own process": call(lambda: os.kill(os.getpid(), 0)),
    "tgkill its own thread": call(lambda: signal.pthread_kill(threading.get_ident(), 0)),
    "prlimit64 read": call(lambda: resource.prlimit(0, resource.RLIMIT_CPU)),
    "prlimit64 write": call(lambda: resource.prlimit(0, resource.RLIMIT_CPU, cpu)),
    "fcntl F_GETFL": call(lambda: fcntl.fcntl(r, fcntl.F_GETFL)),
    "fcntl F_SETOWN": call(lambda: fcntl.fcntl(r, fcntl.F_SETOWN, os.getpid())),
    "fcntl F_SETOWN, upper bits set": errno_of(libc.syscall(number["fcntl"], r, (1 << 32) | 8, os.getpid())),
    "ioctl TIOCSTI": errno_of(libc.syscall(number["ioctl"], r, 0x5412, ctypes.c_char_p(b"x"))),
}}))
# setxattrat (Linux 6.13) may be newer than libseccomp: refused by its unified number
if tuple(map(int, os.uname().release.split(".")[:2])) >= (6, 13) and os.uname().machine in ("x86_64", "aarch64"):
    print(json.dumps({{"setxattrat": errno_of(libc.syscall(463, -100, None, 0, None, None, 0))}}))
'''
#: the layers under which the filter is tried, and the unconfined control
SECCOMP_RUNS = [*[pytest.param(p.values[0], True, marks=p.marks, id=p.values[0]) for p in LAYERS],
                pytest.param("none", False, id="unconfined")]


@pytest.mark.parametrize("layer, guarded", SECCOMP_RUNS)
def test_each_seccomp_rule_class_is_enforced(layer, guarded, tmp_path):
    """Under the filter: a denied call fails with EPERM, clone3 with ENOSYS, a thread still
    starts but clone into a namespace is refused, kill reaches its own process only, prlimit64
    reads but does not write, fcntl F_GETFL works but F_SETOWN (whatever the upper half of the
    command) and ioctl TIOCSTI are refused. Unconfined (the control), none of these fails with
    EPERM or ENOSYS."""
    import errno
    other = os.getpid()  # this test: another process (under bubblewrap, not even visible)
    script = SECCOMP_RULES.format(drop=layer == "kernel" and os.geteuid() == 0, guarded=guarded, other=other)
    out, _, _ = confined(layer, tmp_path, script)
    seen = {}
    for line in out.strip().splitlines()[-2:]:
        if line.startswith("{"):
            seen.update(json.loads(line))
    allowed = {"a thread", "kill its own process", "tgkill its own thread", "prlimit64 read", "fcntl F_GETFL"}
    assert {name: seen[name] for name in allowed} == dict.fromkeys(allowed, 0)
    refused = {name: result for name, result in seen.items() if name not in allowed}
    if guarded:
        assert refused.pop("clone3") == errno.ENOSYS
        assert refused == dict.fromkeys(refused, errno.EPERM)
    else:
        assert not set(refused.values()) & {errno.EPERM, errno.ENOSYS}, refused


X32_CALL = r'''
import ctypes, os
from autograder import sandbox
getpid = sandbox._load_libseccomp(ctypes).seccomp_syscall_resolve_name(b"getpid")
if {guarded}:
    sandbox._confine({{readable}}, {{writable}}, sandbox.drop_privileges({{writable}}) if {drop} else None)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.syscall(0x40000000 | getpid)  # __X32_SYSCALL_BIT: the x32 ABI
print("SURVIVED", flush=True)
'''


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the x32 ABI is x86_64's")
@pytest.mark.parametrize("layer, guarded", SECCOMP_RUNS)
def test_a_call_through_the_x32_abi_kills_the_child(layer, guarded, tmp_path):
    """The filter is the native architecture's: a call through the x32 ABI (another architecture
    to libseccomp) kills the process (SIGSYS); unconfined (the control), the same call returns."""
    import signal
    script = X32_CALL.format(guarded=guarded, drop=layer == "kernel" and os.geteuid() == 0)
    process, _, _ = start_confined(layer, tmp_path, script)
    stdout, stderr = process.communicate(timeout=120)
    if guarded:
        assert "SURVIVED" not in stdout
        assert process.returncode in (-signal.SIGSYS, 128 + signal.SIGSYS), (process.returncode, stderr[-2000:])
    else:
        assert "SURVIVED" in stdout and process.returncode == 0, stderr[-2000:]

DAC_OVERRIDE_ONLY = r'''
import ctypes, json, os
from autograder import sandbox
libc = ctypes.CDLL(None, use_errno=True)
effective, permitted, _ = sandbox._capabilities(ctypes, libc)
without = ~(1 << sandbox.CAP_DAC_READ_SEARCH)
Header, Data = sandbox._capability_structures(ctypes)
data = (Data * 2)(*[Data((effective & without) >> shift & 0xFFFFFFFF, (permitted & without) >> shift & 0xFFFFFFFF, 0)
                    for shift in (0, 32)])
assert libc.capset(ctypes.byref(Header(sandbox._CAPABILITY_VERSION_3, 0)), data) == 0  # root as in Docker
release = sandbox.drop_privileges({writable})
sandbox.confine({readable}, {writable}, release=release)
capabilities = {line.split(":")[0]: int(line.split()[1], 16) for line in open("/proc/self/status")
                if line.startswith("Cap")}
outcome = {}
for name, action in (("read the kit", lambda: open(sandbox.__file__).read()),
                     ("write the kit", lambda: open(sandbox.__file__, "a")),
                     ("write its scratch folder", lambda: open(os.path.join({writable}[0], "x"), "w"))):
    try:
        action()
        outcome[name] = "done"
    except OSError as exc:
        outcome[name] = type(exc).__name__
print(json.dumps({"uid": os.getuid(), "capabilities": capabilities, "outcome": outcome}))
'''


@ROOT_KERNEL
def test_root_without_cap_dac_read_search_keeps_cap_dac_override_under_landlock(tmp_path):
    """Docker's default capabilities lack CAP_DAC_READ_SEARCH: there the child keeps
    CAP_DAC_OVERRIDE to read root's folders; Landlock still lets it write its scratch folder
    only."""
    from autograder import sandbox
    out, _, _ = confined("kernel", tmp_path, DAC_OVERRIDE_ONLY)
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["uid"] >= sandbox.CHILD_UID_BASE
    only = 1 << sandbox.CAP_DAC_OVERRIDE
    assert seen["capabilities"] == {"CapInh": 0, "CapPrm": only, "CapEff": only, "CapBnd": 0, "CapAmb": 0}
    assert seen["outcome"] == {"read the kit": "done", "write the kit": "PermissionError",
                               "write its scratch folder": "done"}


@ROOT_KERNEL
def test_grading_children_run_as_their_own_uid(tmp_path):
    """Through the engine (autograder.child as graded), under the kernel layer as root: the
    submission's code runs as CHILD_UID_BASE + the child's pid, with no group and no capability
    beyond CAP_DAC_READ_SEARCH, and the reference still scores full marks."""
    import shutil
    from autograder import sandbox
    from autograder.checks import ALL_CHECKS
    from autograder.engine import grade
    folder = tmp_path / "submission"
    shutil.copytree(KIT / "reference", folder)
    module = folder / "single_layer.py"
    module.write_text(module.read_text() + "\n\nimport os as _os\nprint('IDENTITY', _os.getpid(), _os.getresuid(), "
                      "_os.getresgid(), _os.getgroups(), [l.split()[1] for l in open('/proc/self/status') "
                      "if l.startswith('CapEff')])\n")
    checks = [c for c in ALL_CHECKS if c.exercise == "SingleLayer.forpass"]
    report = grade(folder, checks=checks, isolation="kernel")
    assert report.score == report.max_score > 0
    words = report.outputs["SingleLayer.forpass"].split("IDENTITY ", 1)[1].splitlines()[0]
    pid, rest = words.split(" ", 1)
    uid = sandbox.CHILD_UID_BASE + int(pid)
    assert rest == f"{(uid,) * 3} {(uid,) * 3} [] ['{1 << sandbox.CAP_DAC_READ_SEARCH:016x}']"


# --------------------------------------------------------------------------- choosing a layer

def test_unknown_isolation_is_refused():
    with pytest.raises(isolation.IsolationUnavailable, match="choose one of"):
        isolation.choose("docker")


def test_none_only_when_asked():
    assert isolation.choose("none").name == "none"
    assert "not for credit" in isolation.choose("none").describe()


def test_auto_takes_the_kernel_layer_without_bubblewrap_and_refuses_with_neither(monkeypatch):
    monkeypatch.setattr(isolation, "bwrap_problem", lambda: "bubblewrap is not installed: " + isolation.INSTALL_BWRAP)
    monkeypatch.setattr(isolation, "kernel_problem", lambda: None)
    assert isolation.choose("auto").name == "kernel"
    monkeypatch.setattr(isolation, "kernel_problem", lambda: "Landlock not available: this layer needs ...")
    with pytest.raises(isolation.IsolationUnavailable) as caught:
        isolation.choose("auto")
    assert "apt-get install bubblewrap" in str(caught.value) and "--isolation none" in str(caught.value)
    with pytest.raises(isolation.IsolationUnavailable, match="--isolation bwrap: bubblewrap is not installed"):
        isolation.choose("bwrap")


def test_cli_names_what_to_install_when_bubblewrap_is_missing(tmp_path):
    """Through the CLI, with bubblewrap off PATH: --isolation bwrap is refused (exit 2, one line
    naming the package), no traceback."""
    env = {**os.environ, "PATH": str(tmp_path)}  # no bwrap anywhere on it
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(KIT / "reference"), "--only",
                           "numerical_diff", "--isolation", "bwrap"], capture_output=True, text=True, cwd=KIT, env=env)
    assert done.returncode == 2
    assert "apt-get install bubblewrap" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("layer", [*LAYERS, "none"])
def test_cli_reports_the_isolation_used(layer, tmp_path):
    results = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(KIT / "reference"), "--only",
                           "numerical_diff", "--isolation", layer, "--json", str(results)],
                          capture_output=True, text=True, cwd=KIT)
    assert done.returncode == 0, done.stderr
    assert f"Isolation: {layer} (" in done.stdout
    assert json.loads(results.read_text())["extra_data"]["isolation"].startswith(f"{layer} (")
    assert "Total: 2/2" in done.stdout


TENSORFLOW_READS = r'''
import json, os
from autograder import sandbox
release = sandbox.drop_privileges({{writable}}) if {drop} else None  # as the child started as root
sandbox.confine({{readable}}, {{writable}}, release=release)  # the kernel guards before any trusted import
import tensorflow as tf
{attempt}attempt("eager read_file", lambda: tf.io.read_file({secret!r}).numpy())
attempt("tf.data map on its own threads", lambda: list(
    tf.data.Dataset.from_tensor_slices([{secret!r}] * 4).map(tf.io.read_file, num_parallel_calls=4)))
print(json.dumps(outcome))
'''


@pytest.mark.slow
@pytest.mark.parametrize("layer", LAYERS)
def test_tensorflow_threads_are_confined_too(layer, tmp_path):
    """Landlock binds only threads started after it: the child confines itself before importing
    TensorFlow, whose runtime threads then cannot read outside the allow-list either."""
    pytest.importorskip("tensorflow")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    drop = layer == "kernel" and os.geteuid() == 0
    out, _, _ = confined(layer, tmp_path, TENSORFLOW_READS.format(attempt=ATTEMPT, secret=str(secret), drop=drop))
    outcome = json.loads(out.strip().splitlines()[-1])
    assert len(outcome) == 2 and "ESCAPED" not in outcome.values(), outcome


@pytest.mark.skipif(isolation.kernel_problem() is not None, reason="no Landlock")
def test_a_thread_started_before_the_guards_escapes_them(tmp_path):
    """Why the child confines itself before its trusted imports (TensorFlow starts threads at
    import): Landlock does not bind a thread that exists already, which still reads a file
    outside the allow-list (under the kernel layer)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    script = f"""
import queue, threading
from autograder import sandbox
paths, contents = queue.Queue(), queue.Queue()
def worker():
    try:
        contents.put(open(paths.get()).read())
    except OSError as exc:
        contents.put(type(exc).__name__)
threading.Thread(target=worker).start()
sandbox.confine({{readable}}, {{writable}})
paths.put({str(secret)!r})
print(contents.get())
"""
    out, _, _ = confined("kernel", tmp_path, script)
    assert out.strip().splitlines()[-1] == "secret"


def test_a_child_uid_is_one_the_user_namespace_maps():
    """On a machine (all ids mapped) the child's uid is CHILD_UID_BASE + pid; in a rootless
    container mapping 65,536 ids it is one of the top 4,096 of them (never 0); with no id but 0
    mapped the uid drop refuses rather than going on as root."""
    from autograder.sandbox import CHILD_UID_BASE, child_uid
    whole = "0 0 4294967295"
    assert child_uid(1234, whole, whole) == CHILD_UID_BASE + 1234
    rootless = "0 100000 65536"
    uids = {child_uid(pid, rootless, rootless) for pid in range(1, 9000)}
    assert min(uids) >= 65536 - 4096 and max(uids) < 65536 and 0 not in uids
    # the uid map and the gid map must both hold it
    assert child_uid(77, "0 0 4294967295", rootless) < 65536
    with pytest.raises(OSError):
        child_uid(5, "0 1000 1", "0 1000 1")


def test_without_libseccomp_the_seccomp_guard_is_unavailable(monkeypatch):
    """Where libseccomp cannot be loaded, seccomp is reported unavailable (and a child applies no
    filter), and the kernel layer's problem names the package to install."""
    import ctypes
    import ctypes.util
    from autograder import sandbox
    monkeypatch.setattr(sandbox, "LIBSECCOMP", "libnnkit-no-such-library.so.2")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert sandbox._load_libseccomp(ctypes) is None
    assert sandbox.available_guards()["seccomp"] is False
    assert sandbox._seccomp(ctypes, None) is False
    assert "apt-get install libseccomp2" in isolation.kernel_problem()
