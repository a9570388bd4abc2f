"""The pytest front end: ``pytest exercises`` runs the public checks in-process.

Test files call :func:`public_checks` for their module and :func:`run_check` per check; a failing
check fails with its one-line feedback (no traceback). A summary line says how many *public*
checks passed: hidden checks only run when the submission is graded.
"""
from pathlib import Path

import pytest

from .checks import ALL_CHECKS, EXERCISE_MODULES
from .engine import InProcessRunner, after_prerequisites, missing_requirements, verify

_runners = {}
_outcomes = {}
_verdicts = {}


def public_checks(module):
    """The public checks of one course module's exercises, as pytest parameters."""
    checks = [c for c in ALL_CHECKS if not c.hidden and EXERCISE_MODULES[c.exercise] == module]
    return [pytest.param(c, id=f"{c.exercise}::{c.id.split('.')[-1]}") for c in checks]


def _runner(folder):
    folder = str(Path(folder).resolve())
    if folder not in _runners:
        _runners[folder] = InProcessRunner(folder)
    return _runners[folder]


def run_check(check, folder):
    """Run one check against the modules in ``folder``; fail or skip with its feedback."""
    reason = missing_requirements(check)
    if reason:
        pytest.skip(reason)
    blocked = [d for d in check.depends_on if _verdicts.get(d) is False]
    if blocked:
        pytest.fail(f"not graded: needs {', '.join(blocked)}, which does not pass yet", pytrace=False)
    verdict = _verdict(check, folder)
    prerequisites = {cid: _verdict(_BY_ID[cid], folder) for cid in check.after if cid in _BY_ID}
    verdict = after_prerequisites(check, verdict, prerequisites)
    if verdict.status == "skipped":
        pytest.skip(verdict.message)
    passed = verdict.fraction >= 1
    _verdicts[check.exercise] = _verdicts.get(check.exercise, True) and passed
    if not passed:
        message = verdict.message + (f"\n  hint: {verdict.hint}" if verdict.hint else "")
        pytest.fail(message, pytrace=False)


_BY_ID = {c.id: c for c in ALL_CHECKS}


def _verdict(check, folder):
    """The check's own verdict (its trial is run once per folder)."""
    key = (str(folder), check.trial)
    if key not in _outcomes:
        outcome, _ = _runner(folder).run(check.exercise, [check.trial])
        _outcomes[key] = outcome[check.trial]
    outputs, error = _outcomes[key]
    return verify(check, check.trial.cases(), outputs, error)


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", []))
    skipped = len(stats.get("skipped", []))
    total = passed + failed + skipped
    if total:
        verdict = "public checks passed" if not failed else "public checks: some do not pass yet"
        terminalreporter.write_line(
            f"{verdict}: {passed}/{total}" + (f" ({skipped} skipped)" if skipped else "")
            + ". Hidden checks run when your work is graded (python -m autograder grade).")
