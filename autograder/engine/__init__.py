"""Grading: select checks, run their probes (in-process or in isolated children), verify the
outputs in this trusted process, and score.

``grade(path)`` is the single entry point of every front end. The package's modules, one job each:
:mod:`.results` (CheckResult, Report), :mod:`.selection` (which checks run), :mod:`.verification`
(outputs to verdicts), :mod:`.scheduling` (order of the exercises), :mod:`.inprocess` and
:mod:`.isolated` (the two runners), :mod:`.sharing` (exercises that share a child), :mod:`.limits`; the contract with an isolated child is
:mod:`autograder.job`, the file-system helpers :mod:`autograder.files`.
"""
from ..checks import ALL_CHECKS
from ..files import disk_usage as _disk_usage, grading_root as _grading_root, remove_tree as _remove_tree
from ..job import CHILD_FLAGS
from ..loader import LinkedSubmission, RefusedSubmission, refuse_links
from .inprocess import InProcessRunner, TrialTimeout
from .isolated import (MAX_ERROR_BYTES, MAX_JOB_RESULT_BYTES, MAX_SANDBOX_DEPTH, OUTPUT_LIMIT, WATCH_INTERVAL,
                       IsolatedRunner, _plain_error, _text)
from .limits import DEFAULT_DISK, DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits
from .results import CheckResult, Report, Verdict
from .scheduling import schedule
from .selection import dependency_closure, missing_requirements, select_checks
from .sharing import SharedChildren
from .verification import after_prerequisites, error_verdict, verify

__all__ = ["grade", "grade_exercise", "blocked_verdict", "dependency_closure", "Limits", "Report", "CheckResult", "Verdict", "InProcessRunner", "IsolatedRunner",
           "TrialTimeout", "select_checks", "missing_requirements", "verify", "error_verdict",
           "after_prerequisites", "schedule", "CHILD_FLAGS", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY",
           "DEFAULT_DISK", "OUTPUT_LIMIT", "WATCH_INTERVAL", "MAX_SANDBOX_DEPTH", "MAX_JOB_RESULT_BYTES",
           "MAX_ERROR_BYTES", "LinkedSubmission", "RefusedSubmission", "_disk_usage", "_grading_root", "_remove_tree", "_plain_error", "_text"]


def grade(path, only=None, include_hidden=True, isolated=True, jobs=2, limits=None, isolation="auto",
          checks=ALL_CHECKS, progress=None, figures=True):
    """Grade the submission at ``path`` (a folder like exercises/, or one module): a Report.

    ``only`` picks an exercise, a module or a check id prefix (or names exact check ids; see
    select_checks): the report holds those checks only, with the verdicts of a full grade, since
    the exercises they depend on are graded too (:func:`dependency_closure`) without being
    reported. ``checks`` are the checks a full grade runs (hidden ones only with
    ``include_hidden``). ``isolated`` runs the probes in sandboxed children (``jobs`` at once,
    each under ``limits`` and ``isolation``: a name of :data:`autograder.isolation.LEVELS` or an
    :class:`autograder.isolation.Isolation`; an unavailable one raises
    :class:`autograder.isolation.IsolationUnavailable` before anything runs) rather than in
    this process. The report says which isolation graded it (``Report.isolation``).
    ``progress(exercise, done, total)``, if given, is called as each exercise starts (``done`` of
    the ``total`` exercises finished so far). ``figures``: whether the verdicts carry the data of
    their pictures (only an HTML report needs it; see :func:`verify`).

    A symbolic link in the submission (the path or a folder on it, a module, its exercises/)
    raises :class:`autograder.loader.LinkedSubmission` before anything is resolved or imported:
    submissions are graded by content (front ends print its message).
    """
    refuse_links(path)
    candidates = select_checks(path, None, include_hidden, checks)
    selected = select_checks(path, only, include_hidden, checks) if only else candidates
    graded = dependency_closure(selected, candidates)
    if isolated:
        from ..isolation import Isolation, choose
        isolation = isolation if isinstance(isolation, Isolation) else choose(isolation)
        # the exercises needing TensorFlow share one child (one import per submission)
        runner = SharedChildren(IsolatedRunner(path, limits, isolation), graded)
    else:
        runner = InProcessRunner(path)
    report = Report(isolation=isolation.describe() if isolated else "none (in-process)")
    try:
        counter = _Counter(graded, progress)
        verdicts = schedule(graded, lambda exercise, failing: counter.run(exercise, lambda: grade_exercise(
            runner, [c for c in graded if c.exercise == exercise], failing, figures)),
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


class _Counter:
    """Calls ``progress(exercise, done, total)`` as each exercise of ``checks`` starts (if given)."""

    def __init__(self, checks, progress):
        import threading
        self.total, self.done, self.progress = len({c.exercise for c in checks}), 0, progress
        self.lock = threading.Lock()

    def run(self, exercise, work):
        if self.progress is not None:
            with self.lock:
                self.progress(exercise, self.done, self.total)
        try:
            return work()
        finally:
            with self.lock:
                self.done += 1


def grade_exercise(runner, checks, failing, figures=True):
    """{check id: (verdict, output)} for ``checks``, the checks of one exercise: skipped when this
    machine lacks what they require, blocked when an exercise they depend on is in ``failing``,
    else run (one runner call for the exercise) and verified (with the figures data when
    ``figures``). Every front end grades an exercise
    with this function (the pytest plugin too), so that a check has one verdict everywhere.

    It lives here, and calls ``verify`` and ``after_prerequisites`` as this package's names, so
    that what is patched on ``autograder.engine`` is what grading uses (as it was when the engine
    was one module).
    """
    results = {}
    runnable = []
    for check in checks:
        reason = missing_requirements(check)
        blocked = [d for d in check.depends_on if d in failing]
        if reason:
            results[check.id] = (Verdict(0.0, reason, None, "skipped"), "")
        elif blocked:
            results[check.id] = (blocked_verdict(blocked), "")
        else:
            runnable.append(check)
    if runnable:
        exercise = runnable[0].exercise
        trials = list(dict.fromkeys(c.trial for c in runnable))
        requires = {need for c in runnable for need in c.requires}
        results.update(_verified(runnable, *runner.run(exercise, trials, requires), figures))
        if not settled(results[c.id][0] for c in runnable) and getattr(runner, "shares", None) is not None \
                and runner.shares(exercise):
            # graded with other exercises in one child, it lost points: what another exercise did
            # in that child must not cost it any, so its verdicts are those of a child of its own
            results.update(_verified(runnable, *runner.run_alone(exercise, trials, requires), figures))
        for check in runnable:
            verdict, output = results[check.id]
            results[check.id] = (after_prerequisites(check, verdict, {k: v for k, (v, _) in results.items()}),
                                 output)
    return results


def _verified(checks, outcome, output, figures):
    """{check id: (verdict, output)} of ``checks`` from a runner's outcome ({trial: (outputs,
    error)}) and the exercise's captured output."""
    return {check.id: (verify(check, check.trial.cases(), *outcome[check.trial], figures), output)
            for check in checks}


def settled(verdicts):
    """Whether verdicts from a shared child stand as they are: every check passed, or says the
    exercise is not implemented yet (what a stub raises). Any other verdict is taken again from a
    child of the exercise's own (see :mod:`.sharing`)."""
    return all(v.fraction >= 1 or v.status == "not_implemented" for v in verdicts)


def blocked_verdict(blocked):
    """The verdict of a check not graded because the exercises ``blocked`` (names, at least one)
    it depends on do not pass yet: "not graded: needs A, which does not pass yet" (one) or
    "needs A, B, which do not pass yet" (several)."""
    verb = "does" if len(blocked) == 1 else "do"
    return Verdict(0.0, f"not graded: needs {', '.join(blocked)}, which {verb} not pass yet", None, "blocked")
