"""Running each exercise's probes in a fresh child process, under limits and the sandbox, and
reading back what it leaves behind as untrusted data."""
import os
import re
import secrets
import subprocess
import threading
import time

from ..files import MAX_SANDBOX_DEPTH, disk_usage, process_tree, remove_tree, run_folder
from ..isolation import choose, data_paths, hidden_paths, lay_out_child_kit, readable_paths
from ..job import CHILD_ENVIRONMENT, Job, Trial as JobTrial, child_command, child_environment
from ..loader import copy_submission
from ..probes import probe_name
from ..protocol import MAX_RESULT_BYTES, ProtocolError, read_arrays, read_json, write_arrays
from .limits import Limits

OUTPUT_LIMIT = 4000
#: largest file a child may write (bytes)
FILE_LIMIT = 256 * 1024 ** 2
#: the child's disk use is checked this often (seconds) while it runs
WATCH_INTERVAL = 0.25
#: most bytes of results read back from one child, and largest error report
MAX_JOB_RESULT_BYTES = 256 * 1024 ** 2
MAX_ERROR_BYTES = 1024 ** 2


class IsolatedRunner:
    """Runs each exercise's probes in a fresh child process under limits and the sandbox.

    The submission is copied by content into this run's own folder first
    (:func:`autograder.loader.copy_submission`; a symbolic link in it raises
    :class:`autograder.loader.LinkedSubmission`), and the children import that copy, with the
    kit's child-side code copied beside it, under ``isolation`` (an
    :class:`autograder.isolation.Isolation`; default: the best available, see
    :func:`autograder.isolation.choose`), which gives each child only the paths it needs.
    Everything the child leaves behind is untrusted: results are read through a folder handle
    opened before the child starts (no symbolic link, FIFO or swapped folder is followed), within
    a byte budget, and any file that cannot be read is that check's error, never the grader's.
    """

    def __init__(self, path, limits=None, isolation=None):
        self.isolation = isolation or choose("auto")
        self.tmp = run_folder("nnkit-grade-")
        # the children import a copy taken by content (no link followed), never the submission in
        # place: a folder or module linked into the kit cannot be graded as the kit's own files
        try:
            self.folder = copy_submission(path, self._mkdir("submission"))
            self.kit = lay_out_child_kit(self._mkdir("kit"))
        except BaseException:
            remove_tree(self.tmp)
            raise
        self.limits = limits or Limits()
        self.lock = threading.Lock()
        self.counter = 0

    def _mkdir(self, name):
        folder = self.tmp / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def close(self):
        """Delete this run's folder, whatever the children left in it."""
        remove_tree(self.tmp)

    def run(self, exercise, trials, requires=()):
        """Run the trials in one child: ({trial: (outputs, error)}, the child's captured output),
        as :meth:`InProcessRunner.run`. Safe to call from several threads at once."""
        return self.run_segments([(exercise, trials)], requires)[exercise]

    def run_segments(self, segments, requires=()):
        """Run several exercises' trials in one child: ``segments`` is a list of (exercise,
        trials), run in that order, each from a fresh import of the submission and the same random
        state (see :mod:`autograder.child`). Returns {exercise: ({trial: (outputs, error)}, that
        exercise's output)}: what the submission printed while that exercise's trials ran, after
        what it printed on import."""
        with self.lock:
            self.counter += 1
            number = self.counter
        jobdir = self._mkdir(f"job{number}")
        sandbox = self._mkdir(f"sandbox{number}")
        results = sandbox / "results"
        results.mkdir()
        job_trials = []
        for segment, (exercise, trials) in enumerate(segments):
            for trial in trials:
                key = len(job_trials)
                cases = trial.cases()
                arrays = {f"{i}.{name}": value for i, case in enumerate(cases) for name, value in case.items()}
                write_arrays(jobdir / f"cases{key}.npz", arrays)
                job_trials.append(JobTrial(key=key, probe=probe_name(trial.probe), cases=f"cases{key}.npz",
                                           n_cases=len(cases), segment=segment))
        readable = readable_paths(requires, own=[jobdir, self.folder, self.kit])
        limits = self.limits
        memory = limits.memory * (4 if "tensorflow" in requires else 1)
        job = Job(submission=str(self.folder), package=f"_nnkit_submission_{number}", sandbox=str(sandbox),
                  results=str(results), trials=tuple(job_trials), requires=tuple(sorted(requires)),
                  readable=tuple(readable), hidden=tuple(hidden_paths(readable)),
                  limits={"memory": memory, "cpu": limits.cpu or 2 * limits.timeout, "file": FILE_LIMIT},
                  drop_privileges=self.isolation.name == "kernel" and os.geteuid() == 0,
                  marker=secrets.token_hex(12))
        job.write(jobdir)
        results_fd = os.open(results, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        try:
            ended, output = self._spawn(jobdir, sandbox, job, len(segments))
            collected = self._collect([t for _, trials in segments for t in trials], results_fd, ended)
        finally:
            os.close(results_fd)
        prelude, parts = split_output(output, job.marker, len(segments))
        return {exercise: ({trial: collected[trial] for trial in trials}, prelude + parts[segment])
                for segment, (exercise, trials) in enumerate(segments)}

    def _spawn(self, jobdir, sandbox, job, segments=1):
        """Run the child; returns (why it was stopped: None, "timeout" or "disk"; its output, at
        most OUTPUT_LIMIT characters per segment and for what comes before them)."""
        env = child_environment(dict(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                                     HOME=str(sandbox), TMPDIR=str(sandbox), KERAS_HOME=str(sandbox / ".keras"),
                                     MPLCONFIGDIR=str(sandbox), PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3",
                                     PYTHONDONTWRITEBYTECODE="1", KERAS_BACKEND="tensorflow",
                                     **data_paths(job.requires)[0]),
                                kept=CHILD_ENVIRONMENT)
        command = self.isolation.command(child_command(jobdir, self.kit), job.readable, [str(sandbox)], job.hidden)
        # the output is read back through this same handle: the child may delete or replace the
        # file's name, never what this handle points to. No preexec_fn: the child limits itself,
        # and forking a threaded grader with one can deadlock in a library's fork handler.
        with open(sandbox / "output.txt", "w+b") as out:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                       cwd=sandbox, env=env, start_new_session=True)
            try:
                ended = self._watch(process, sandbox)
            finally:
                _kill_group(process)
            out.seek(0)
            output = out.read((OUTPUT_LIMIT + 1) * (segments + 1) + 40 * segments).decode("utf-8", "replace")
        if process.returncode not in (0, None) and ended is None:
            output += f"\n{job.marker} end\n[grading process ended with code {process.returncode}]"
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
            if disk_usage(sandbox, process_tree(process.pid)) > self.limits.disk:
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


def split_output(output, marker, segments):
    """(what the child printed before its first segment, [what it printed during each segment]):
    ``output`` cut at the child's lines ``"{marker} {segment}"`` (see :mod:`autograder.child`),
    each part capped at OUTPUT_LIMIT characters. A line ``"{marker} end"`` (written by the grader
    after the child's output) starts a note that belongs to every segment. Text that imitates a
    marker can only move a submission's own output between its own exercises."""
    pattern = re.compile(rf"\n?{re.escape(marker)} (\d+|end)\n")
    pieces = pattern.split(output)
    prelude, parts, note = pieces[0], [""] * segments, ""
    for label, text in zip(pieces[1::2], pieces[2::2]):
        if label == "end":
            note += "\n" + text
        elif int(label) < segments:
            parts[int(label)] += text
    return _capped(prelude), [_capped(part) + note for part in parts]


def _capped(text):
    return text[:OUTPUT_LIMIT] + "\n… (output truncated)" if len(text) > OUTPUT_LIMIT else text


def _text(value, limit):
    """A plain string of at most ``limit`` characters, from a value that should be one: made
    safe to print and store by report.plain_text (no lone surrogates, escape sequences or
    control characters)."""
    from ..report import plain_text
    if isinstance(value, BaseException):
        value = str(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return plain_text(value, limit)


def _plain_error(payload):
    """Keep only the expected string fields of an error written by the child."""
    if not isinstance(payload, dict):
        return {"type": "InvalidResult", "message": "malformed error report"}
    return {"type": _text(payload.get("type", "Error"), 100) or "Error",
            "message": _text(payload.get("message", ""), 600), "where": _text(payload.get("where", ""), 300),
            "not_implemented": payload.get("not_implemented") is True}


def _kill_group(process):
    import signal
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
