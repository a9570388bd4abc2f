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
