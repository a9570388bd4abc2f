"""Grading a class: one sub-folder per student, a results.json each and a gradebook.csv.

A student may be called anything (``gradebook.csv``, ``..``, a name with spaces, a newline or a
leading dash): results go to ``OUT/students/<safe name>/results.json``, where the safe name
(:func:`safe_name`) is ASCII letters, digits, ``.``, ``_`` and ``-`` with anything else
percent-encoded, so it can neither collide with the gradebook nor leave ``OUT``; the real name is
kept in the gradebook's ``student`` column. Each student's results are written atomically; a
student whose file exists is not regraded unless ``force`` is set, so an interrupted batch
restarted with the same command finishes the rest. One broken submission never stops the batch,
and Ctrl-C stops it within seconds (:class:`BatchInterrupted`).
"""
import csv
import hashlib
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .checks import ALL_CHECKS, exercises
from .files import atomic_write
from .progress import BatchProgress
from .report import gradescope_results, plain_text, write_results_json

#: longest safe name kept whole; longer ones are cut and end with a hash of the real name
MAX_SAFE_NAME = 120
#: largest report.html of a student (characters; its pictures are inline PNGs): a bigger one is
#: rendered without pictures (a full report with every picture is about 1 MB)
MAX_REPORT_CHARS = 8 * 1024 ** 2
#: characters a spreadsheet reads as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BatchInterrupted(SystemExit):
    """Ctrl-C during grade-batch: what was graded is kept (and in the gradebook); the process
    exits with code 130, as a shell does for an interrupted command."""

    def __init__(self):
        super().__init__(130)


def student_folders(submissions):
    """Sub-folders of ``submissions``, sorted by name; a tool's hidden folder (``.git``,
    ``.ipynb_checkpoints``: one leading dot) is not a student, ``..a`` is."""
    def hidden(name):
        return name.startswith(".") and not name.startswith("..")
    return sorted(p for p in Path(submissions).iterdir() if p.is_dir() and not hidden(p.name))


def safe_name(student):
    """A folder name for ``student``: ASCII letters, digits, ``_``, ``-`` and inner dots kept,
    every other byte of its UTF-8 form written ``%XX`` (a leading dot or dash too), so distinct
    names give distinct folders and the name can be read back; a very long name is cut and
    ends with a hash of the whole name."""
    encoded = "".join(
        char if (char.isascii() and (char.isalnum() or char == "_" or (char in ".-" and index)))
        else "".join(f"%{byte:02X}" for byte in _utf8(char))
        for index, char in enumerate(student))
    if len(encoded) > MAX_SAFE_NAME:
        digest = hashlib.sha256(_utf8(student)).hexdigest()[:16]
        encoded = f"{encoded[:MAX_SAFE_NAME - 17]}~{digest}"
    return encoded


def _utf8(text):
    """The bytes of ``text``, a name read from the file system (undecodable bytes come back as
    they were; any other lone surrogate as its own three bytes)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def results_path(out, student):
    """Where ``student``'s results.json is written in the batch folder ``out``."""
    return Path(out) / "students" / safe_name(student) / "results.json"


def grade_batch(submissions, out, jobs=2, force=False, limits=None, only=None, isolation="auto"):
    """Grade every student folder into ``out``; returns the gradebook path. ``isolation`` is
    chosen once, before any student (:func:`autograder.isolation.choose`; unavailable: raises
    :class:`autograder.isolation.IsolationUnavailable`); every child of every student gets only
    its own paths, so no student's run can see another's folder or the output folder.

    Beside each student's results.json (which records the grading time as Gradescope's
    ``execution_time``) goes their HTML report (report.html), and ``out``/index.html is the class
    overview (autograder/html_report.py). A line ``[k/N] status student score/max seconds`` is
    printed as each student finishes (progress.BatchProgress).

    Ctrl-C (KeyboardInterrupt) starts no new student, kills the running children, writes the
    gradebook of the students graded so far and raises :class:`BatchInterrupted`.
    """
    from .isolation import choose
    isolation = choose(isolation)
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    students = student_folders(submissions)
    names = [s.name for s in students]
    stopping = threading.Event()

    def grade_one(folder):
        target = results_path(out, folder.name)
        if target.exists() and not force:
            return "kept", read_results(out, folder.name)
        if stopping.is_set():
            return "stopped", None
        payload, html = grade_student_with_report(folder, folder.name, only=only, limits=limits,
                                                  isolation=isolation)
        if stopping.is_set():  # its children were killed: this grade is not the student's
            return "stopped", None
        write_student(out, folder.name, payload, html)
        return "graded", payload

    started = time.perf_counter()
    progress = BatchProgress(len(students))
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures = {pool.submit(grade_one, folder): folder.name for folder in students}
    try:
        for future in as_completed(futures):
            status, payload = future.result()
            progress.finished(status, futures[future], *_score_of(payload))
    except KeyboardInterrupt:
        _stop(pool, stopping)
        graded = sum(results_path(out, name).exists() for name in names)
        write_gradebook(out, names)
        _write_overview(out, names, time.perf_counter() - started)
        print(f"interrupted: {graded} of {len(names)} graded; rerun to finish", flush=True)
        raise BatchInterrupted() from None
    pool.shutdown()
    gradebook = write_gradebook(out, names)
    _write_overview(out, names, time.perf_counter() - started)
    return gradebook


def _score_of(payload):
    """(score, max score, seconds) of a results.json payload (Nones when there is none)."""
    if not payload:
        return None, None, None
    try:
        tests = payload.get("tests", [])
        return (float(payload.get("score", 0)), sum(float(t.get("max_score", 0)) for t in tests),
                payload.get("execution_time"))
    except (TypeError, ValueError, AttributeError):
        return None, None, None


def grade_student_with_report(folder, name, only=None, limits=None, isolation="auto"):
    """(results.json dict, report.html text or None) of the submission in ``folder``:
    :func:`grade_student`'s results and the student's HTML report (:func:`report_html`, titled
    ``name``). The local batch and a cluster worker both call this; the batch folder's writer
    (:func:`write_student`) writes both."""
    reports = []
    payload = grade_student(folder, only=only, limits=limits, isolation=isolation, on_report=reports.append)
    return payload, (report_html(reports[0], name) if reports else None)


def report_html(report, name):
    """The HTML report of the engine Report ``report`` titled with the student's ``name`` (a str of
    at most MAX_REPORT_CHARS: a bigger one is rendered again without its pictures, each left out
    with a note saying why), or None when it cannot be rendered (one line on stderr: the grade
    stands without it)."""
    title = plain_text(name, 200, newlines=False)
    try:
        from .html_report import render_submission
        html = render_submission(report, title)
        if len(html) > MAX_REPORT_CHARS:
            html = render_submission(report, title, omitted=(
                f"picture left out: the report with its pictures would be {len(html)} characters, "
                f"more than {MAX_REPORT_CHARS}"))
        return html if len(html) <= MAX_REPORT_CHARS else None
    except Exception as exc:  # noqa: BLE001 — a report never stops a batch
        print(f"report.html for {title} not made: {type(exc).__name__}: {plain_text(exc, 300, newlines=False)}",
              file=sys.stderr, flush=True)
        return None


def _write_overview(out, names, seconds):
    """``out``/index.html, the class overview; a failure is one line on stderr."""
    try:
        from .html_report import write_overview
        write_overview(out, names, seconds)
    except Exception as exc:  # noqa: BLE001
        print(f"index.html not written: {type(exc).__name__}: {plain_text(exc, 300, newlines=False)}",
              file=sys.stderr, flush=True)


def grade_student(folder, only=None, limits=None, isolation="auto", on_report=None):
    """The results.json dict (Gradescope's format) of the submission in ``folder``, graded in
    isolated children one exercise at a time (``engine.grade``, ``jobs=1``) under ``limits`` and
    ``isolation`` (chosen beforehand: :func:`autograder.isolation.choose`), with the seconds it
    took as Gradescope's ``execution_time``. A submission that cannot be graded (a symbolic link, a
    bug of the grader) gets :func:`failed_results`: one broken submission must not stop a batch.
    ``on_report``, if given, is called with the engine's Report (the local batch draws the
    student's report.html from it). The local batch and a cluster worker (``autograder.cluster``)
    both grade with this function."""
    from .engine import grade
    started = time.perf_counter()
    try:
        report = grade(folder, only=only, jobs=1, limits=limits, isolation=isolation,
                       figures=on_report is not None)
        payload = gradescope_results(report)
    except Exception as exc:  # a broken submission must not stop the batch
        payload, report = failed_results(exc), None
    payload["execution_time"] = round(time.perf_counter() - started, 3)
    if report is not None and on_report is not None:
        on_report(report)
    return payload


def failed_results(exc):
    """The results.json dict of a submission that could not be graded because of ``exc``:
    score 0, no tests, the exception's type and (plain, capped) message as the output."""
    return {"score": 0, "tests": [],
            "output": f"could not be graded: {type(exc).__name__}: {plain_text(exc, 600)}"}


def write_student(out, student, payload, html=None):
    """Write ``payload`` (a results.json dict) as ``student``'s results in the batch folder
    ``out``, atomically (:func:`results_path`), and ``html`` (their report, a str; None: none)
    beside it as report.html. The report is written (or a stale one removed) before the results,
    so a results.json on disk (which a rerun keeps) has its own report beside it. Returns the
    results path; a report that cannot be written is one line on stderr."""
    target = results_path(out, student)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = target.with_name("report.html")
    try:
        if html is not None:
            atomic_write(page, str(html)[:MAX_REPORT_CHARS], encoding="utf-8", permissions=0o644)
        else:
            page.unlink(missing_ok=True)
    except OSError as exc:
        print(f"report.html for {plain_text(student, 200, newlines=False)} not written: {plain_text(exc, 300)}",
              file=sys.stderr, flush=True)
    write_results_json(target, payload)
    return target


def _stop(pool, stopping):
    """Stop a batch: no new student starts, and the children of the running ones are killed
    (again and again, as a student's next exercise may start one) until the pool is idle."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the gradebook
    stopping.set()
    pool.shutdown(wait=False, cancel_futures=True)
    waiter = threading.Thread(target=pool.shutdown, daemon=True)
    waiter.start()
    while waiter.is_alive():
        _kill_children()
        waiter.join(0.05)


def _kill_children():
    """SIGKILL the process group of every child process of this one (each grading child leads
    its own group, see sandbox.set_limits)."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        if stat[stat.rfind(")") + 2:].split()[1:2] == [me]:  # the field after the state: ppid
            try:
                os.killpg(int(entry.name), signal.SIGKILL)
            except (ProcessLookupError, PermissionError, ValueError):
                pass


def write_gradebook(out, names):
    """gradebook.csv: student, total, one column per exercise (points earned), then the isolation
    the student's children ran under; a student
    not graded yet has empty cells. Names are written as they are (CSV-quoted), a name a
    spreadsheet would take for a formula behind an apostrophe."""
    columns = exercises(ALL_CHECKS)

    def write(handle):
        writer = csv.writer(handle)
        writer.writerow(["student", "total", *columns, "isolation"])
        for name in names:
            payload = read_results(out, name)
            if payload is None:
                writer.writerow([_cell(name), "", *[""] * len(columns), ""])
                continue
            per_exercise = dict.fromkeys(columns, 0.0)
            for test in payload.get("tests", []):
                exercise = test.get("tags", [None])[0]
                if exercise in per_exercise:
                    per_exercise[exercise] += float(test.get("score", 0))
            extra = payload.get("extra_data")
            isolation = extra.get("isolation", "") if isinstance(extra, dict) else ""
            writer.writerow([_cell(name), f"{float(payload.get('score', 0)):g}",
                             *[f"{per_exercise[c]:g}" for c in columns], plain_text(str(isolation), 200)])

    return atomic_write(Path(out) / "gradebook.csv", write, encoding="utf-8", newline="")


def read_results(out, name):
    """The student's results.json as a dict, or None (missing, unreadable, not an object)."""
    try:
        payload = json.loads(results_path(out, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _cell(name):
    """A student's name as a gradebook cell: unchanged (bytes that are not UTF-8 shown as U+FFFD),
    but behind an apostrophe when it starts like a spreadsheet formula (formula injection)."""
    name = _utf8(name).decode("utf-8", "replace")
    return f"'{name}" if name.startswith(FORMULA_STARTS) else name
