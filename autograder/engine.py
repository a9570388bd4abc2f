"""Grading: select checks, run their probes (in-process or in isolated children), verify the
outputs in this trusted process, and score.

``grade(path)`` is the single entry point of every front end.
"""
import contextlib
import importlib.util
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .checks import ALL_CHECKS, EXERCISE_MODULES, exercises
from .checks.base import Failure, Verdict
from .course_folder import IMPORT_ROOT
from .loader import load_submission, single_module_folder, submitted_modules
from .probes import probe_name
from .protocol import MAX_RESULT_BYTES, ProtocolError, read_arrays, read_json, write_arrays, write_json

DEFAULT_MEMORY = 4 * 1024 ** 3
DEFAULT_TIMEOUT = 60.0
DEFAULT_DISK = 1024 ** 3
OUTPUT_LIMIT = 4000
#: interpreter flags of the child: no user site-packages, no script folder on sys.path. Not -I:
#: it implies -E, which would ignore PYTHONHASHSEED (string hashes, hence set order, would change
#: from run to run); the child's environment is built from scratch, so -E protects nothing.
CHILD_FLAGS = ("-s", "-P") if sys.version_info >= (3, 11) else ("-s",)
#: the child's disk use is checked this often (seconds) while it runs
WATCH_INTERVAL = 0.25
#: folders nested deeper than this in a sandbox count as over the disk limit
MAX_SANDBOX_DEPTH = 32
#: most bytes of results read back from one child, and largest error report
MAX_JOB_RESULT_BYTES = 256 * 1024 ** 2
MAX_ERROR_BYTES = 1024 ** 2


@dataclass
class Limits:
    """Per-exercise limits of an isolated child."""

    timeout: float = DEFAULT_TIMEOUT          # wall-clock seconds
    cpu: float = None                          # CPU seconds (default: 2 × timeout)
    memory: int = DEFAULT_MEMORY               # bytes of address space
    disk: int = DEFAULT_DISK                   # bytes the child may keep on disk


@dataclass
class CheckResult:
    check: object
    verdict: Verdict

    @property
    def score(self):
        return round(self.check.points * self.verdict.fraction, 6)


@dataclass
class Report:
    results: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)  # exercise -> captured output of its child

    @property
    def score(self):
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self):
        return round(sum(r.check.points for r in self.results), 6)

    def by_exercise(self):
        grouped = {}
        for result in self.results:
            grouped.setdefault(result.check.exercise, []).append(result)
        return grouped


# --------------------------------------------------------------------------- selection

def select_checks(path=None, only=None, include_hidden=True, checks=ALL_CHECKS):
    """Checks to run: hidden ones only when asked, one exercise (or module) with ``only``,
    and for a single-module submission only the exercises of that module."""
    modules = set(submitted_modules(path)) if path is not None else None
    chosen = []
    for check in checks:
        if check.hidden and not include_hidden:
            continue
        if only and not _matches(check, only):
            continue
        if modules is not None and EXERCISE_MODULES[check.exercise] not in modules:
            continue
        chosen.append(check)
    return chosen


def _matches(check, only):
    only = only.lower()
    return (check.exercise.lower() == only or check.id.lower().startswith(only)
            or EXERCISE_MODULES[check.exercise] == only or only in check.exercise.lower())


def missing_requirements(check):
    """Why a check cannot run here (missing TensorFlow or data), or None."""
    for need in check.requires:
        if need == "tensorflow" and importlib.util.find_spec("keras") is None:
            return "skipped: TensorFlow/Keras is not installed (pip install '.[keras]')"
        if need == "fashion_mnist":
            if not _fashion_mnist_available():
                return "skipped: Fashion-MNIST files not found (see datasets/README.md)"
    return None


def _fashion_mnist_available():
    from .data.fashion_mnist import find_dir
    from .data.idx import DatasetError
    try:
        find_dir(download=False)
        return True
    except DatasetError:
        return False


# --------------------------------------------------------------------------- verification

def verify(check, cases, outputs, error):
    """Turn a trial's outputs (or its error) into the check's verdict."""
    if error is not None:
        return error_verdict(check, error)
    try:
        verdict = check.verify(cases, outputs)
    except Failure as failure:
        return Verdict(0.0, failure.message, failure.hint, "failed", failure.artifacts)
    except (KeyError, IndexError) as exc:
        return Verdict(0.0, f"an expected output is missing ({exc})", None, "failed")
    except (TypeError, ValueError, ArithmeticError) as exc:
        return Verdict(0.0, f"the values returned could not be checked: {exc}", None, "failed")
    if verdict is None:
        return Verdict(1.0, "")
    verdict.fraction = min(1.0, max(0.0, float(verdict.fraction)))
    return verdict


def error_verdict(check, error):
    if error.get("not_implemented"):
        return Verdict(0.0, f"not implemented yet: {check.exercise}", None, "not_implemented")
    if error.get("type") == "Timeout":
        return Verdict(0.0, error["message"], "look for a loop that never ends", "error")
    where = f" ({error['where']})" if error.get("where") else ""
    return Verdict(0.0, f"{check.exercise} raised {error['type']}: {error['message']}{where}", None, "error")


# --------------------------------------------------------------------------- running

class InProcessRunner:
    """Runs probes in this process (pytest front end): fast, not isolated. A trial that runs
    longer than ``timeout`` seconds is interrupted (SIGALRM, main thread on POSIX only) so that a
    student's endless loop fails its check instead of hanging pytest."""

    def __init__(self, path, timeout=DEFAULT_TIMEOUT):
        self.submission = load_submission(path)
        self.timeout = timeout

    def run(self, exercise, trials, requires=()):
        from .execution import run_case
        results = {}
        for trial in trials:
            outputs, error = [], None
            with _alarm(self.timeout):
                for case in trial.cases():
                    out, error = run_case(self.submission, trial.probe, case)
                    if error:
                        break
                    outputs.append(out)
            if error and error.get("type") == "TrialTimeout":
                error = {"type": "Timeout", "message": f"did not finish within the time limit ({self.timeout:g} s)"}
            results[trial] = (outputs, error)
        return results, ""


class TrialTimeout(BaseException):
    """Raised in the main thread when an in-process trial overruns its time limit (a
    BaseException, and raised again every second, so ``except Exception`` cannot swallow it)."""


@contextlib.contextmanager
def _alarm(seconds):
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds:
        yield
        return

    def expire(signum, frame):
        raise TrialTimeout(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class IsolatedRunner:
    """Runs each exercise's probes in a fresh child process under limits and the sandbox.

    Everything the child leaves behind is untrusted: results are read through a folder handle
    opened before the child starts (no symbolic link, FIFO or swapped folder is followed), within
    a byte budget, and any file that cannot be read is that check's error, never the grader's.
    """

    def __init__(self, path, limits=None, protected=()):
        path = Path(path).resolve()
        root = _grading_root()
        self.tmp = Path(tempfile.mkdtemp(prefix="nnkit-grade-", dir=root))
        # every grading run of this user lives under one root, which children may never read:
        # a submission cannot look into another student's run (their results, their code)
        self.shared = root or self.tmp
        self.folder = single_module_folder(path, self._mkdir("submission")) if path.is_file() else path
        self.limits = limits or Limits()
        self.protected = [*protected]
        self.lock = threading.Lock()
        self.counter = 0

    def _mkdir(self, name):
        folder = self.tmp / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def close(self):
        _remove_tree(self.tmp)

    def run(self, exercise, trials, requires=()):
        with self.lock:
            self.counter += 1
            number = self.counter
        jobdir = self._mkdir(f"job{number}")
        sandbox = self._mkdir(f"sandbox{number}")
        results = sandbox / "results"
        results.mkdir()
        job_trials = []
        for key, trial in enumerate(trials):
            cases = trial.cases()
            arrays = {f"{i}.{name}": value for i, case in enumerate(cases) for name, value in case.items()}
            write_arrays(jobdir / f"cases{key}.npz", arrays)
            job_trials.append({"key": key, "probe": probe_name(trial.probe), "cases": f"cases{key}.npz", "n_cases": len(cases)})
        from .sandbox import kit_paths
        write_json(jobdir / "job.json", {
            "submission": str(self.folder), "package": f"_nnkit_submission_{number}",
            "sandbox": str(sandbox), "results": str(results), "trials": job_trials,
            "requires": sorted(requires),
            "protected": kit_paths() + [str(self.shared), str(self.tmp)] + self.protected,
        })
        results_fd = os.open(results, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        try:
            ended, output = self._spawn(jobdir, sandbox, requires)
            return self._collect(trials, results_fd, ended), output
        finally:
            os.close(results_fd)

    def _spawn(self, jobdir, sandbox, requires):
        """Run the child; returns (why it was stopped: None, "timeout" or "disk"; its output)."""
        limits = self.limits
        memory = limits.memory * (4 if "tensorflow" in requires else 1)
        cpu = limits.cpu or 2 * limits.timeout
        env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "KERAS_HOME", "FASHION_MNIST_DIR",
                                                "NNKIT_CACHE", "TF_CPP_MIN_LOG_LEVEL") if key in os.environ}
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   MPLCONFIGDIR=str(sandbox), PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3",
                   PYTHONDONTWRITEBYTECODE="1", KERAS_BACKEND="tensorflow")
        bootstrap = (f"import sys; sys.path[:] = [{str(IMPORT_ROOT)!r}] + [p for p in sys.path if p]; "
                     "from autograder.child import main; main(sys.argv[1])")
        # the output is read back through this same handle: the child may delete or replace the
        # file's name, never what this handle points to
        with open(sandbox / "output.txt", "w+b") as out:
            process = subprocess.Popen(
                [sys.executable, *CHILD_FLAGS, "-c", bootstrap, str(jobdir)], stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, cwd=sandbox, env=env,
                preexec_fn=lambda: _limits(memory, cpu))
            try:
                ended = self._watch(process, sandbox)
            finally:
                _kill_group(process)
            out.seek(0)
            output = out.read(OUTPUT_LIMIT + 1).decode("utf-8", "replace")
        if len(output) > OUTPUT_LIMIT:
            output = output[:OUTPUT_LIMIT] + "\n… (output truncated)"
        if process.returncode not in (0, None) and ended is None:
            output += f"\n[grading process ended with code {process.returncode}]"
        return ended, output

    def _watch(self, process, sandbox):
        """Wait for the child within the wall-clock limit, stopping it early if what it keeps on
        disk (files in its sandbox, and files it deleted but still holds open) exceeds the limit."""
        deadline = time.monotonic() + self.limits.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            try:
                process.wait(timeout=min(WATCH_INTERVAL, remaining))
                return None
            except subprocess.TimeoutExpired:
                pass
            if _disk_usage(sandbox, process.pid) > self.limits.disk:
                return "disk"

    def _collect(self, trials, results_fd, ended):
        budget = [MAX_JOB_RESULT_BYTES]

        def read(name, reader, limit):
            """The parsed file, or None if the child left no such file."""
            try:
                size = os.stat(name, dir_fd=results_fd, follow_symlinks=False).st_size
            except FileNotFoundError:
                return None
            if size > budget[0]:
                raise ProtocolError(f"the results of this exercise exceed {MAX_JOB_RESULT_BYTES} bytes")
            budget[0] -= size
            try:
                return reader(name, min(limit, budget[0] + size), dir_fd=results_fd)
            except FileNotFoundError:
                return None

        stopped = {
            "timeout": {"type": "Timeout",
                        "message": f"did not finish within the time limit ({self.limits.timeout:g} s)"},
            "disk": {"type": "DiskLimit", "message": "stopped: wrote more than "
                     f"{self.limits.disk / 1024 ** 2:g} MB to disk (or nested folders more than "
                     f"{MAX_SANDBOX_DEPTH} deep)"},
        }
        collected = {}
        for key, trial in enumerate(trials):
            outputs, error = [], None
            for index in range(len(trial.cases())):
                try:
                    payload = read(f"{key}-{index}.error.json", read_json, MAX_ERROR_BYTES)
                    if payload is not None:
                        error = _plain_error(payload)
                        break
                    arrays = read(f"{key}-{index}.npz", read_arrays, MAX_RESULT_BYTES)
                    if arrays is not None:
                        outputs.append(arrays)
                        continue
                    payload = read("fatal.error.json", read_json, MAX_ERROR_BYTES)
                    if payload is not None:
                        error = _plain_error(payload)
                    elif ended in stopped:
                        error = dict(stopped[ended])
                    else:
                        error = {"type": "Crash", "message": "the grading process ended before this check "
                                 "finished (did the submission exit, crash or run out of memory?)"}
                except Exception as exc:  # noqa: BLE001 — whatever the child left, it is this check's error
                    error = {"type": "InvalidResult", "message": _text(exc, 600) or type(exc).__name__}
                break
            collected[trial] = (outputs, error)
        return collected


def _grading_root():
    """This user's folder for grading runs (created private), or None if it cannot be trusted."""
    root = Path(tempfile.gettempdir()) / f"nnkit-grading-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return root


def _disk_usage(folder, pid):
    """Bytes the child keeps on disk: its sandbox's files (each counted as at least a block, so
    that millions of empty files count too) and deleted files it still holds open or mapped.
    Folders nested deeper than MAX_SANDBOX_DEPTH count as unlimited. Walks with folder handles,
    without recursion, so no depth or path length the child creates can break it."""
    total = 0
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        top = os.open(folder, flags)
    except OSError:
        return 0
    stack = []
    try:
        stack.append((top, os.scandir(top)))
        while stack:
            handle, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                entries.close()
                os.close(stack.pop()[0])
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += max(info.st_blocks * 512, 4096)
            if stat.S_ISDIR(info.st_mode):
                if len(stack) >= MAX_SANDBOX_DEPTH:
                    return float("inf")
                try:
                    inner = os.open(entry.name, flags, dir_fd=handle)
                except OSError:
                    continue
                try:
                    stack.append((inner, os.scandir(inner)))
                except OSError:
                    os.close(inner)
    except OSError:
        pass
    finally:
        for handle, entries in stack:
            entries.close()
            os.close(handle)
    seen = set()
    for kind in ("fd", "map_files"):
        try:
            names = os.listdir(f"/proc/{pid}/{kind}")
        except OSError:
            continue
        for name in names:
            try:
                info = os.stat(f"/proc/{pid}/{kind}/{name}")
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 0 and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total


def _remove_tree(folder):
    """Delete a run's folder, whatever a child left in it (any depth, any permissions), without
    recursion: sub-folders are moved up to the top, emptied and removed one at a time."""
    try:
        shutil.rmtree(folder)
        return
    except FileNotFoundError:
        return
    except (OSError, RecursionError):
        pass
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        top = os.open(folder, flags)
    except OSError:
        return
    try:
        pending, moved = os.listdir(top), 0
        while pending:
            name = pending.pop()
            try:
                if not stat.S_ISDIR(os.stat(name, dir_fd=top, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=top)
                    continue
                os.chmod(name, 0o700, dir_fd=top)
                inner = os.open(name, flags, dir_fd=top)
            except OSError:
                continue
            try:
                for entry in os.listdir(inner):
                    try:
                        if stat.S_ISDIR(os.stat(entry, dir_fd=inner, follow_symlinks=False).st_mode):
                            moved += 1
                            os.rename(entry, f".removed-{moved}", src_dir_fd=inner, dst_dir_fd=top)
                            pending.append(f".removed-{moved}")
                        else:
                            os.unlink(entry, dir_fd=inner)
                    except OSError:
                        pass
            finally:
                os.close(inner)
            try:
                os.rmdir(name, dir_fd=top)
            except OSError:
                pass
    finally:
        os.close(top)
    try:
        os.rmdir(folder)
    except OSError:
        pass


def _text(value, limit):
    """A plain string of at most ``limit`` characters, from a value that should be one."""
    if isinstance(value, BaseException):
        value = str(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value)[:limit]


def _plain_error(payload):
    """Keep only the expected string fields of an error written by the child."""
    if not isinstance(payload, dict):
        return {"type": "InvalidResult", "message": "malformed error report"}
    return {"type": _text(payload.get("type", "Error"), 100) or "Error",
            "message": _text(payload.get("message", ""), 600), "where": _text(payload.get("where", ""), 300),
            "not_implemented": payload.get("not_implemented") is True}


def _limits(memory, cpu):
    from .sandbox import set_limits
    set_limits(memory, cpu)


def _kill_group(process):
    import signal
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


# --------------------------------------------------------------------------- grading

def grade(path, only=None, include_hidden=True, isolated=True, jobs=2, limits=None, protected=(),
          checks=ALL_CHECKS):
    """Grade the submission at ``path`` (a folder like exercises/, or one module): a Report."""
    selected = select_checks(path, only, include_hidden, checks)
    runner = IsolatedRunner(path, limits, protected) if isolated else InProcessRunner(path)
    report = Report()
    verdicts = {}
    try:
        _schedule(selected, lambda e: _grade_exercise(runner, e, selected, verdicts), verdicts,
                  max(1, jobs if isolated else 1))
        for check in selected:
            report.results.append(CheckResult(check, verdicts[check.id][0]))
        for check in selected:
            output = verdicts[check.id][1]
            if output:
                report.outputs[check.exercise] = output
    finally:
        if isolated:
            runner.close()
    return report


def _schedule(selected, grade_exercise, verdicts, jobs):
    """Grade every exercise once the exercises it depends on are graded, as soon as a worker is
    free, the costly ones (TensorFlow, Fashion-MNIST) first so they do not end up last."""
    pending = exercises(selected)
    costly = {c.exercise for c in selected if c.requires}
    running = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while pending or running:
            ready = [e for e in pending if not _waiting_on(selected, e, pending + list(running.values()))]
            if not ready and not running:
                ready = pending[:1]  # a dependency cycle: grade in order rather than hang
            for exercise in sorted(ready, key=lambda e: e not in costly):
                running[pool.submit(grade_exercise, exercise)] = exercise
                pending.remove(exercise)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.pop(future)
                verdicts.update(future.result())


def _waiting_on(selected, exercise, pending):
    """True while an exercise this one depends on is still to be graded."""
    return any(dep in pending and dep != exercise
               for c in selected if c.exercise == exercise for dep in c.depends_on)


def _grade_exercise(runner, exercise, selected, verdicts):
    checks = [c for c in selected if c.exercise == exercise]
    results = {}
    runnable = []
    for check in checks:
        reason = missing_requirements(check)
        blocked = [d for d in check.depends_on if _failed(d, verdicts)]
        if reason:
            results[check.id] = (Verdict(0.0, reason, None, "skipped"), "")
        elif blocked:
            results[check.id] = (Verdict(0.0, f"not graded: needs {', '.join(blocked)}, which does not pass yet",
                                         None, "blocked"), "")
        else:
            runnable.append(check)
    if runnable:
        trials = list(dict.fromkeys(c.trial for c in runnable))
        requires = {need for c in runnable for need in c.requires}
        outcome, output = runner.run(exercise, trials, requires)
        for check in runnable:
            outputs, error = outcome[check.trial]
            cases = check.trial.cases()
            results[check.id] = (verify(check, cases, outputs, error), output)
        for check in runnable:
            verdict, output = results[check.id]
            results[check.id] = (after_prerequisites(check, verdict, {k: v for k, (v, _) in results.items()}),
                                 output)
    return results


def after_prerequisites(check, verdict, verdicts):
    """The check's verdict, or 'not graded' when a check it comes after did not pass. Errors and
    not-implemented verdicts are kept: they say more than the prerequisite does."""
    if verdict.status not in ("passed", "failed"):
        return verdict
    failing = [cid for cid in check.after if cid in verdicts and verdicts[cid].fraction < 1]
    if not failing:
        return verdict
    names = ", ".join(cid.split(".")[-1] for cid in failing)
    return Verdict(0.0, f"not graded: counts once {names} passes", None, "blocked")


def _failed(exercise, verdicts):
    relevant = [v for cid, (v, _) in verdicts.items() if _exercise_of(cid) == exercise]
    return any(v.fraction < 1 for v in relevant)


_CHECK_EXERCISE = {c.id: c.exercise for c in ALL_CHECKS}


def _exercise_of(check_id):
    return _CHECK_EXERCISE.get(check_id)
