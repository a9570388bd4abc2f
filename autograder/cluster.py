"""grade-batch beyond one machine, on Dask distributed (the optional extra ``[cluster]``; nothing
else in the kit imports Dask, and this module imports it only when a batch starts).

The client (``nnkit grade-batch SUBMISSIONS --out OUT --scheduler tcp://HOST:8786``, or
``--cluster local:N`` for N single-threaded worker processes on this machine, loopback only):

* checks every worker before it gets work (:func:`refusal`, run there): the worker's
  :func:`autograder.fingerprint.kit_fingerprint` must equal the client's and the isolation asked
  for must be available there, otherwise the worker is refused with a message naming it and
  what differs (grades must not depend on where they were computed); workers that join later
  are checked when they appear;
* reads each student's modules by content (:func:`autograder.loader.read_submission`: no
  symbolic link, each file capped, the whole capped at :data:`MAX_TASK_BYTES`) and sends the
  texts in the task, restricted to the accepted workers, a bounded number at a time;
* writes each student's results.json and report.html (rendered on the worker, returned as
  text) as they arrive, with the local batch's writer, so no shared file system is needed; students already graded are kept, so an interrupted batch finishes
  with the same command. A task whose worker died is run again by Dask on another worker; its
  student is written once, when the result arrives.

The worker (:func:`grade_on_worker`) checks the fingerprint the task carries against its own,
writes the texts into a fresh private folder and grades them with the local batch's function
(:func:`autograder.batch.grade_student_with_report`: the same engine, isolation, limits and report),
then deletes it.
"""
import contextlib
import logging
import signal
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path

from . import course_folder
from .batch import (MAX_REPORT_CHARS, BatchInterrupted, _kill_children, _write_overview, failed_results,
                    grade_student_with_report, results_path, student_folders, write_gradebook, write_student)
from .files import remove_tree, run_folder
from .fingerprint import differences, kit_fingerprint
from .isolation import IsolationUnavailable, choose
from .loader import RefusedSubmission, lay_out, read_submission
from .report import plain_text

#: most bytes of module text one task may carry (each module is also capped by the loader)
MAX_TASK_BYTES = 16 * 1024 ** 2
#: seconds to wait for a first worker
WORKER_WAIT = 60.0
#: seconds to reach the scheduler
CONNECT_TIMEOUT = 20.0
#: seconds between two looks at the workers and the tasks
POLL = 0.5
#: tasks queued per accepted worker thread (one running, one ready)
QUEUE_PER_THREAD = 2


class ClusterError(RuntimeError):
    """The cluster cannot grade: Dask missing, no scheduler, or no worker whose kit matches."""


class WorkerRefused(RuntimeError):
    """Raised on a worker that must not grade: its kit differs from the client's, or the isolation
    asked for is not available there. The task is not graded there; ``address`` is the
    worker's, ``reason`` says why."""

    def __init__(self, address, reason):
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def __str__(self):
        return f"worker {self.address}: {self.reason}"


def parse_local(spec):
    """The number of workers of ``--cluster local:N`` (N ≥ 1); ValueError otherwise."""
    kind, _, count = str(spec).partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise ValueError(f"--cluster takes local:N (N workers on this machine, N ≥ 1), not {spec!r}")
    return int(count)


def grade_batch_on_cluster(submissions, out, scheduler=None, local_workers=None, force=False, limits=None,
                           only=None, isolation="auto", log=print, warn=None):
    """Grade every student folder of ``submissions`` on a Dask cluster into ``out``, as
    :func:`autograder.batch.grade_batch` does locally (same folder layout, results and gradebook).

    The cluster is the scheduler at ``scheduler`` ("tcp://HOST:8786") or, with ``local_workers``
    = N, a LocalCluster of N single-threaded worker processes on 127.0.0.1. Each worker grades
    under ``isolation`` as chosen there (:func:`autograder.isolation.choose`; a worker where it
    is not available is refused; results.json and the gradebook say which layer graded each
    student). ``log`` gets one line
    per student ("graded", "kept" or "failed" and the name), ``warn`` (default: stderr) the
    refused workers. Returns (gradebook path, names of the students whose task failed, e.g. the
    workers grading them kept dying; they are not written, a rerun grades them). Raises
    :class:`ClusterError` when nothing can be graded, :class:`BatchInterrupted` on Ctrl-C (the
    gradebook of the students graded so far is written first).
    """
    warn = warn or (lambda line: print(line, file=sys.stderr, flush=True))
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    students = student_folders(submissions)
    names = [s.name for s in students]
    todo = []
    for folder in students:
        if results_path(out, folder.name).exists() and not force:
            log(_line("kept", folder.name))
        else:
            todo.append(folder)
    failed = []
    if todo:
        client, cluster = _connect(scheduler, local_workers)
        batch = _Batch(client, out, only, limits, isolation, log, warn)
        try:
            failed = batch.run(todo)
        except KeyboardInterrupt:
            batch.stop(kill_children=cluster is not None)
            graded = sum(results_path(out, name).exists() for name in names)
            write_gradebook(out, names)
            log(f"interrupted: {graded} of {len(names)} graded; rerun to finish")
            raise BatchInterrupted() from None
        finally:
            _close(client, cluster)
    gradebook = write_gradebook(out, names)
    _write_overview(out, names, None)  # the class overview (index.html)
    return gradebook, failed


def grade_on_worker(texts, fingerprint, only=None, limits=None, isolation="auto", name=""):
    """Run on a worker: ``{"results": the results.json dict, "report_html": the student's
    report.html text or None}`` of the submission whose modules are ``texts`` ({module name:
    bytes}), graded by :func:`autograder.batch.grade_student_with_report` (as the local batch
    does; the report is titled ``name`` and at most batch.MAX_REPORT_CHARS long) under
    ``isolation`` in a fresh folder under this user's private grading root (deleted afterwards). Raises
    :class:`WorkerRefused` when this worker's kit fingerprint differs from ``fingerprint``, the
    client's, or ``isolation`` is not available here."""
    why = refusal(fingerprint, kit_fingerprint(), isolation)
    if why:
        raise WorkerRefused(_worker_address(), why)
    isolation = choose(isolation)
    staging = run_folder("nnkit-cluster-")
    try:
        for module in texts:
            if not module or "/" in module or "\0" in module:
                return {"results": failed_results(RefusedSubmission(f"{module!r} is not a module name")),
                        "report_html": None}
        folder = lay_out(staging / "submission", texts)
        payload, html = grade_student_with_report(folder, name, only=only, limits=limits, isolation=isolation)
        return {"results": payload, "report_html": html}
    finally:
        remove_tree(staging)


def _answer(answer):
    """(results dict, report.html text or None) of what :func:`grade_on_worker` returned; an
    answer of another form is results saying so (and no report); a report longer than
    batch.MAX_REPORT_CHARS is dropped."""
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, dict):
        return failed_results(TypeError(f"the worker returned {type(answer).__name__}, not results")), None
    html = answer.get("report_html")
    return results, html if isinstance(html, str) and len(html) <= MAX_REPORT_CHARS else None


def refusal(mine, theirs, isolation):
    """Why a worker whose fingerprint is ``theirs`` may not grade for a client whose fingerprint is
    ``mine`` with ``isolation``: "its kit differs from this one's: PARTS" (with both values for
    the version and the libraries), or why the isolation is not available (checked where this
    runs); None when it may."""
    parts = differences(mine, theirs)
    if parts:
        details = [f"{part} {mine.get(part)!r} here, {theirs.get(part)!r} there" if part in ("version", "libraries")
                   else part for part in parts]
        return f"its kit differs from this one's: {'; '.join(details)}"
    try:
        choose(isolation)
    except IsolationUnavailable as exc:
        return f"cannot isolate submissions there: {plain_text(exc, 400)}"
    return None


def check_workers(client, addresses, fingerprint, isolation="auto"):
    """Ask the workers at ``addresses`` whether they may grade (:func:`refusal`, run on each):
    ({accepted addresses}, {refused address: why}). A worker that cannot answer (the kit is not
    installed there) is refused too."""
    answers = client.run(_refusal_here, fingerprint, isolation, workers=list(addresses),
                         on_error="return") if addresses else {}
    accepted, refused = set(), {}
    for address in addresses:
        answer = answers.get(address, KeyError(address))
        if isinstance(answer, BaseException):
            refused[address] = (f"cannot check its kit (is the kit installed there?): "
                                f"{type(answer).__name__}: {plain_text(answer, 300)}")
        elif answer:
            refused[address] = str(answer)
        else:
            accepted.add(address)
    return accepted, refused


def _refusal_here(fingerprint, isolation):
    """:func:`refusal` of the machine this runs on (a worker) for a client's ``fingerprint``."""
    return refusal(fingerprint, kit_fingerprint(), isolation)


class _Batch:
    """The client's loop: check workers as they come, keep a bounded number of tasks in flight on
    the accepted ones, write results as they arrive."""

    def __init__(self, client, out, only, limits, isolation, log, warn):
        self.client, self.out, self.only, self.limits, self.log, self.warn = client, out, only, limits, log, warn
        self.isolation = isolation
        self.fingerprint = kit_fingerprint()
        self.verdicts = {}      # worker address -> accepted (bool)
        self.running = {}       # future -> (student folder, addresses it may run on)
        self.failed = []

    def run(self, todo):
        """Grade the student folders ``todo``; returns the names whose task failed."""
        from distributed import wait
        from distributed.client import FuturesCancelledError
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError as exc:
            raise ClusterError(f"no worker joined the scheduler within {WORKER_WAIT:g} s") from exc
        if not self._accepted():
            raise ClusterError("no worker can grade: every worker was refused (see above)")
        pending = deque(todo)
        waiting_said = False
        while pending or self.running:
            accepted = self._accepted()
            if not accepted and not waiting_said:
                self.warn("no accepted worker is left: waiting for one (Ctrl-C stops; a rerun finishes the rest)")
            waiting_said = not accepted
            for future, (folder, allowed) in list(self.running.items()):
                if not allowed & accepted and not future.done():   # its workers are all gone
                    future.cancel()
                    del self.running[future]
                    pending.appendleft(folder)
            capacity = QUEUE_PER_THREAD * sum(self.client.nthreads(list(accepted)).values()) if accepted else 0
            while pending and len(self.running) < capacity:
                self._submit(pending.popleft(), accepted)
            if not self.running:
                time.sleep(POLL)
                continue
            try:
                wait(list(self.running), timeout=POLL, return_when="FIRST_COMPLETED")
            except (TimeoutError, FuturesCancelledError):   # nothing done yet; cancelled ones are sent again
                pass
            for future in [f for f in self.running if f.done()]:
                folder, _ = self.running.pop(future)
                self._collect(future, folder, pending)
        return self.failed

    def stop(self, kill_children):
        """Ctrl-C: no new task; the queued ones are cancelled. A task already running goes on
        until its grading ends (Dask cannot interrupt it; its result is dropped), unless
        ``kill_children`` (the workers are this batch's own LocalCluster): then the grading
        children of every worker are killed, as the local batch kills its own."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not skip the gradebook
        with contextlib.suppress(Exception):
            self.client.cancel(list(self.running))
            if kill_children:
                self.client.run(_kill_children)

    def _accepted(self):
        """The addresses of the connected workers whose kit matches, checking new ones."""
        present = set(self.client.nthreads())
        new = present - set(self.verdicts)
        if new:
            try:
                accepted, refused = check_workers(self.client, new, self.fingerprint, self.isolation)
            except Exception:   # a worker left while being asked: ask again next time
                accepted, refused = set(), {}
            self.verdicts.update(dict.fromkeys(accepted, True))
            self.verdicts.update(dict.fromkeys(refused, False))
            for address, why in sorted(refused.items()):
                self.warn(f"refused worker {address}: {why}")
        return {address for address in present if self.verdicts.get(address)}

    def _submit(self, folder, accepted):
        """Read ``folder``'s modules and send them to the accepted workers; a submission that
        cannot be read is written as not gradable here, as the local batch does."""
        try:
            texts = read_submission(folder)
            size = sum(len(text) for text in texts.values())
            if size > MAX_TASK_BYTES:
                raise RefusedSubmission(f"{folder} holds {size} bytes of modules, more than {MAX_TASK_BYTES}")
        except Exception as exc:
            write_student(self.out, folder.name, failed_results(exc))
            self.log(_line("graded", folder.name))
            return
        future = self.client.submit(grade_on_worker, texts, self.fingerprint, self.only, self.limits, self.isolation,
                                    folder.name, key=f"nnkit-grade-{uuid.uuid4().hex}", workers=sorted(accepted),
                                    allow_other_workers=False, pure=False)
        self.running[future] = (folder, frozenset(accepted))

    def _collect(self, future, folder, pending):
        """Write a finished task's results; send again one refused by its worker; record a failure."""
        if future.status == "finished":
            payload, html = _answer(future.result())
            write_student(self.out, folder.name, payload, html)
            self.log(_line("graded", folder.name))
            return
        error = future.exception() if future.status == "error" else None
        if error is None or isinstance(error, WorkerRefused):   # cancelled, or a worker that changed
            if error is not None:
                self.warn(f"refused {error}")
                self.verdicts[error.address] = False
            pending.append(folder)
            return
        self.failed.append(folder.name)
        self.log(_line("failed", folder.name) + f"  ({type(error).__name__}: {plain_text(error, 300, newlines=False)})")


def _connect(scheduler, local_workers):
    """(Dask client, the LocalCluster it owns or None) for ``scheduler`` or ``local_workers``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("grading on a cluster needs Dask distributed: "
                           "pip install 'nnkit-autograder[cluster]'") from exc
    if local_workers:
        course = course_folder.find()
        env = {course_folder.ENV_COURSE: str(course)} if course else {}
        # the workers start with Ctrl-C ignored (inherited through exec): the terminal sends it to
        # them too, and it is this process that stops the batch and then the cluster
        with _sigint_ignored():
            cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, env=env, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore SIGINT (Ctrl-C) in this block, when in the main thread (where signals are handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _close(client, cluster):
    """Disconnect (and stop the LocalCluster this batch started)."""
    client.close()
    if cluster is not None:
        cluster.close()


def _worker_address():
    """The address of the Dask worker running this task ("?" outside one)."""
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return "?"


def _line(status, name):
    """One line of the batch's log, as the local batch prints it."""
    return f"{status:>7}  {plain_text(name, 200, newlines=False)}"
