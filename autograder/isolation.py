"""How an isolated child is confined: which layer (:func:`choose`), what it may read
(:func:`readable_paths`) and the command line that starts it (:meth:`Isolation.command`).

Everything here is an allow-list. A child needs the Python installation and the packages it
imports (read-only), the kit's child-side code (:data:`autograder.job.CHILD_SIDE`, copied into
the run's folder: no formulas, hidden checks, golden files or reference), the data sets its job
requires (read-only), its job folder and the copy of the submission (read-only) and its scratch
folder (writable). It is given exactly that, by one of two layers:

``bwrap``
    bubblewrap starts the child in new user, pid, mount, ipc, uts, cgroup and network namespaces
    as uid/gid 65534, with no capability, in its own session, dying with the grader, in a file
    system that holds only the paths above (plus a private /proc and a minimal /dev): nothing else
    exists for it. Inside, the child also installs the kernel guards below.
``kernel``
    where namespaces are not available (many containers): the child applies Landlock (the same
    paths as its only readable and writable ones; signal scoping where the kernel has it) and
    seccomp itself; started as root, it first becomes an unprivileged user of its own
    (uid = gid = ``sandbox.CHILD_UID_BASE`` + its pid, no groups, distinct from every other child
    running), keeping only the capability to read root's files, which Landlock's allow-list
    restricts (given up where Landlock could not be applied): see
    :func:`autograder.sandbox.drop_privileges`.
``none``
    only the audit hook, which code in the child can switch off: never chosen by ``auto``, only
    on explicit request (not for credit).
"""
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from .job import CHILD_SIDE

LEVELS = ("auto", "bwrap", "kernel", "none")
#: the unprivileged user and group a bubblewrap child runs as (nobody/nogroup); a kernel-layer
#: child started as root takes a uid of its own instead (``sandbox.CHILD_UID_BASE`` + its pid)
UNPRIVILEGED = 65534
#: system files and folders the interpreter and its libraries read (shared libraries, their
#: cache, time zones, CPU topology); those missing on a machine are skipped
SYSTEM_PATHS = ("/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64",
                "/usr/libx32", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                "/usr/share/zoneinfo", "/sys/devices/system/cpu")
#: device files a child may open (bubblewrap gives it a minimal /dev holding these)
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
#: /proc entries of the machine a child may read under Landlock (its own entry is added by the child)
PROC_FILES = ("/proc/cpuinfo", "/proc/meminfo", "/proc/stat")
INSTALL_BWRAP = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"
INSTALL_LIBSECCOMP = "install libseccomp2 (Debian/Ubuntu: apt-get install libseccomp2)"
NEED_KERNEL = ("a Linux kernel with Landlock (5.13 or later, enabled) and seccomp, not blocked by the "
               "container's seccomp profile, and libseccomp, which builds the seccomp filter "
               f"({INSTALL_LIBSECCOMP})")


class IsolationUnavailable(RuntimeError):
    """The isolation asked for cannot be set up on this machine (the message says what to install)."""


@dataclass(frozen=True)
class Isolation:
    """One confinement layer (``name``: ``"bwrap"``, ``"kernel"`` or ``"none"``)."""

    name: str

    def describe(self):
        """One line for reports: the layer and the kernel guards the children get."""
        from .sandbox import available_guards
        guards = available_guards()
        inner = [g for g, on in (("seccomp", guards["seccomp"]),
                                 (f"Landlock ABI {guards['landlock']}", guards["landlock"])) if on]
        if self.name == "none":
            return "none (audit hook only; not for credit)"
        outer = "bubblewrap namespaces, allow-list view" if self.name == "bwrap" else "no namespaces"
        return f"{self.name} ({', '.join([outer, *inner])})"

    def command(self, argv, readable, writable, hidden=()):
        """The command line starting ``argv`` (the child's interpreter command) under this layer:
        ``readable`` and ``writable`` are the only paths the child gets (read-only and writable),
        ``hidden`` paths inside them are masked (empty) in its view."""
        if self.name != "bwrap":
            return list(argv)
        command = [bwrap_path(), "--unshare-all", "--unshare-user", "--uid", str(UNPRIVILEGED),
                   "--gid", str(UNPRIVILEGED), "--hostname", "nnkit", "--die-with-parent", "--new-session",
                   "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev"]
        for path in readable:
            if not (path.startswith("/dev/") or path.startswith("/proc/")):
                command += ["--ro-bind-try", path, path]
        for path in writable:
            command += ["--bind", path, path]
        for path in hidden:
            command += ["--tmpfs", path, "--remount-ro", path]
        if writable:
            command += ["--chdir", str(writable[0])]
        return [*command, "--", *argv]


def bwrap_path():
    """Where bubblewrap is, or None."""
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=None)
def bwrap_problem():
    """None if bubblewrap can start a sandboxed process here, else why not (one line)."""
    if not sys.platform.startswith("linux"):
        return "bubblewrap runs on Linux only"
    if bwrap_path() is None:
        return f"bubblewrap is not installed: {INSTALL_BWRAP}"
    true = shutil.which("true") or "/bin/true"
    probe = Isolation("bwrap").command([true], [p for p in SYSTEM_PATHS if os.path.exists(p)] + [true], [])
    try:
        done = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap cannot start: {exc}"
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason given"]
        return (f"bubblewrap cannot create namespaces here ({reason[0][:200]}); in a container allow user "
                "namespaces, or use --isolation kernel")
    return None


def kernel_problem():
    """None if the kernel guards (seccomp and Landlock) can be applied here, else why not."""
    from .sandbox import available_guards
    guards = available_guards()
    missing = [name for name, on in (("seccomp", guards["seccomp"]), ("Landlock", guards["landlock"])) if not on]
    if missing:
        return f"{' and '.join(missing)} not available: this layer needs {NEED_KERNEL}"
    return None


def choose(requested="auto"):
    """The :class:`Isolation` to grade with. ``auto``: bubblewrap where it works, else the kernel
    guards; neither available raises :class:`IsolationUnavailable` naming what to install (no
    grade for credit without isolation unless ``none`` is asked for explicitly)."""
    if requested not in LEVELS:
        raise IsolationUnavailable(f"unknown isolation {requested!r}: choose one of {', '.join(LEVELS)}")
    if requested == "none":
        return Isolation("none")
    problems = {"bwrap": bwrap_problem, "kernel": kernel_problem}
    if requested != "auto":
        problem = problems[requested]()
        if problem:
            raise IsolationUnavailable(f"--isolation {requested}: {problem}")
        return Isolation(requested)
    found = {}
    for name, problem in problems.items():
        found[name] = problem()
        if found[name] is None:
            return Isolation(name)
    raise IsolationUnavailable(
        "no isolation layer is available to grade submissions safely: "
        f"bubblewrap: {found['bwrap']}; kernel guards: {found['kernel']}. "
        f"{INSTALL_BWRAP.capitalize()}, or run on {NEED_KERNEL}; --isolation none grades without "
        "isolation (never for credit)")


# --------------------------------------------------------------------------- what a child reads

def python_paths():
    """The interpreter's own files: the executable (and the links leading to it), pyvenv.cfg of a
    virtual environment, the standard library, the shared libpython, and the package folders."""
    paths = []
    executable = sys.executable
    while executable and executable not in paths:
        paths.append(executable)
        if not os.path.islink(executable):
            break
        executable = os.path.join(os.path.dirname(executable), os.readlink(executable))
    paths.append(os.path.realpath(sys.executable))
    venv_config = os.path.join(sys.prefix, "pyvenv.cfg")
    if os.path.exists(venv_config):
        paths.append(venv_config)
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.append(sysconfig.get_paths()[key])
    libdir, library = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDLIBRARY")
    if libdir and library and os.path.exists(os.path.join(libdir, library)):
        paths.append(os.path.join(libdir, library))
        paths.append(os.path.realpath(os.path.join(libdir, library)))
    import site
    paths += site.getsitepackages()
    paths += _site_path_entries()
    paths += _link_targets(paths)
    return [p for p in dict.fromkeys(os.path.normpath(p) for p in paths) if os.path.exists(p)]


def _site_path_entries():
    """Folders on this interpreter's ``sys.path`` that the child's interpreter finds as well
    (added by ``.pth`` files of its site-packages), not those of PYTHONPATH or the working folder."""
    from .course_folder import IMPORT_ROOT, find
    own = {os.path.realpath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
    try:
        own.add(os.path.realpath(os.getcwd()))
    except OSError:  # the working folder was removed: nothing of it is on the child's path
        pass
    courses = [str(root) for root in (IMPORT_ROOT, find()) if root and (root / "reference").is_dir()]

    def in_course(path):
        return any(path == c or path.startswith(c.rstrip("/") + "/") for c in courses)

    return [p for p in sys.path if p and os.path.isdir(p) and os.path.realpath(p) not in own
            and not in_course(os.path.realpath(p))]


def _link_targets(folders):
    """Where the symbolic links directly inside ``folders`` lead (a package folder made of links,
    as some environments are): the targets must be in the view for the links to work."""
    targets = []
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                targets += [os.path.realpath(e.path) for e in entries if e.is_symlink()]
        except OSError:
            continue
    return targets


def data_paths(requires):
    """What a child needs to load the data sets its job requires, prepared on the grader's side
    (never downloaded here): ({environment variable: value} pointing the child at them, [folders
    it reads]). Fashion-MNIST: the verified files' folder and the prepared split's cache entry
    (:func:`autograder.data.child_read_paths`), with the cache's base, so that the child memory-maps
    the entry instead of decoding the files."""
    env, folders = {}, []
    if "fashion_mnist" in requires:
        from .data import child_read_paths
        from .data.cache import ENV_CACHE, kit_cache_dir
        from .data.fashion_mnist import ENV_DIR, find_dir
        try:
            env[ENV_DIR] = str(Path(find_dir(download=False)).resolve())
            env[ENV_CACHE] = str(kit_cache_dir().resolve())
            folders = [env[ENV_DIR], *map(str, child_read_paths("fashion_mnist"))]
        except Exception:  # noqa: BLE001 — the child reports the missing data set as the check's error
            pass
    return env, folders


def readable_paths(requires, own):
    """Every path a child may read, in order: the interpreter and packages, system libraries,
    devices and CPU information, the data sets its job requires, and ``own`` (its job folder,
    submission copy and child-side kit)."""
    paths = python_paths() + [p for p in SYSTEM_PATHS + DEVICES + PROC_FILES if os.path.exists(p)]
    paths += data_paths(requires)[1]
    return list(dict.fromkeys([*paths, *map(str, own)]))


def hidden_paths(readable):
    """The kit's own folders (its package, and a course folder: one holding ``reference/``) where
    they lie inside a readable path (a kit installed into site-packages, a course inside an allowed
    folder): a child must not see its checks, formulas or reference. Outermost paths only."""
    from .course_folder import IMPORT_ROOT, PACKAGE_DIR, find
    kit = {str(PACKAGE_DIR), *(str(root) for root in (IMPORT_ROOT, find()) if root and (root / "reference").is_dir())}
    inside = sorted({k for k in kit for r in readable if k != r and k.startswith(r.rstrip("/") + "/")})
    return [k for k in inside if not any(k.startswith(o + "/") for o in inside if o != k)]


def lay_out_child_kit(folder):
    """Copy the kit's child-side code (:data:`autograder.job.CHILD_SIDE`) into ``folder`` /
    ``autograder``: the only kit code a child can import or read. Returns ``folder``."""
    from .course_folder import PACKAGE_DIR
    target = Path(folder) / "autograder"
    target.mkdir(parents=True, exist_ok=True)
    for name in CHILD_SIDE:
        source = PACKAGE_DIR / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target / name)
    return Path(folder)
