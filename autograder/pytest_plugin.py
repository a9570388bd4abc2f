"""nnkit's pytest plugin: ``pytest exercises`` runs the public checks in-process.

A test that asks for the ``nnkit_check`` fixture is run once per public check of the modules in
its own folder (test ids ``module::exercise::check``)::

    def test_public(nnkit_check):
        nnkit_check.run()

A failing check fails with its one-line feedback (no traceback). Every verdict is the one
``python -m autograder grade`` gives for the public checks: a check whose exercise depends on other
exercises is blocked when one of their checks does not pass, whichever tests ``-k`` selected or
ran first, because the plugin grades those exercises itself (once per folder and session). A
summary line says how many *public* checks passed: hidden checks only run when the work is graded.

The plugin is installed by the ``pytest11`` entry point ``nnkit``; it does nothing in a session
without such a test.
"""

import pytest

from .checks import EXERCISE_MODULES
from .engine import InProcessRunner, dependency_closure, grade_exercise, select_checks
from .engine.scheduling import grade_in_order

#: per session: {folder: FolderGrader}, and the node ids of the tests that ran an nnkit check
GRADERS = pytest.StashKey[dict]()
CHECK_TESTS = pytest.StashKey[set]()


def pytest_generate_tests(metafunc):
    """Run a test that asks for ``nnkit_check`` once per public check of its folder."""
    if "nnkit_check" in metafunc.fixturenames:
        checks = select_checks(metafunc.definition.path.parent, include_hidden=False)
        metafunc.parametrize("nnkit_check", checks, ids=param_id, indirect=True)


def param_id(check):
    """``module::exercise::check``, so that ``-k`` selects by any of the three."""
    return f"{EXERCISE_MODULES[check.exercise]}::{check.exercise}::{check.id.split('.')[-1]}"


@pytest.fixture
def nnkit_check(request):
    """The public check this test runs on the modules of the test's folder."""
    config = request.config
    config.stash.setdefault(CHECK_TESTS, set()).add(request.node.nodeid)
    folder = str(request.path.parent.resolve())
    graders = config.stash.setdefault(GRADERS, {})
    if folder not in graders:
        graders[folder] = FolderGrader(folder)
    return PublicCheck(request.param, graders[folder])


class PublicCheck:
    """One public check of one folder, as a test: :meth:`run` passes, fails or skips."""

    def __init__(self, check, grader):
        self.check = check
        self.grader = grader

    def __repr__(self):
        return f"<PublicCheck {self.check.id}>"

    def run(self):
        """Pass, or fail (or skip) with the check's feedback."""
        verdict = self.grader.verdict(self.check)
        if verdict.status == "skipped":
            pytest.skip(verdict.message)
        if verdict.fraction < 1:
            hint = f"\n  hint: {verdict.hint}" if verdict.hint else ""
            pytest.fail(verdict.message + hint, pytrace=False)


class FolderGrader:
    """The public verdicts of one folder, as ``autograder.engine.grade(folder,
    include_hidden=False, isolated=False)`` gives them, graded one exercise at a time when a test
    first needs it, after the exercises it depends on: the engine's :func:`dependency_closure`
    and order (:func:`grade_in_order`), as ``grade(folder, only=...)`` uses them. Trials run in
    this process's main thread, so that the in-process time limit holds."""

    def __init__(self, folder):
        self.folder = folder
        self.checks = select_checks(folder, include_hidden=False)
        self.verdicts = {}  # check id -> Verdict
        self.graded = set()
        self.failed = set()  # graded exercises with a check below full marks
        self._runner = None

    def verdict(self, check):
        """The check's verdict, grading its exercise (and what that depends on) if not done yet."""
        self.grade(check.exercise)
        return self.verdicts[check.id]

    def grade(self, exercise):
        """Grade one exercise, once, after the exercises its checks depend on (those not graded yet)."""
        mine = [c for c in self.checks if c.exercise == exercise]
        todo = [c for c in dependency_closure(mine, self.checks) if c.exercise not in self.graded]
        if not todo:
            return

        def grade_one(name, failing):
            graded = grade_exercise(self.runner, [c for c in todo if c.exercise == name], failing, figures=False)
            self.graded.add(name)
            if any(verdict.fraction < 1 for verdict, _ in graded.values()):
                self.failed.add(name)
            return graded

        graded = grade_in_order(todo, grade_one, self.failed)
        self.verdicts.update({cid: verdict for cid, (verdict, _) in graded.items()})

    @property
    def runner(self):
        """The folder's modules, loaded when a trial first needs them."""
        if self._runner is None:
            self._runner = InProcessRunner(self.folder)
        return self._runner


def pytest_terminal_summary(terminalreporter, config):
    """How many public checks passed, when nnkit checks ran in this session."""
    ran = config.stash.get(CHECK_TESTS, set())
    if not ran:
        return
    counts = {outcome: sum(report.nodeid in ran for report in terminalreporter.stats.get(outcome, []))
              for outcome in ("passed", "failed", "skipped")}
    passed, failed, skipped = counts["passed"], counts["failed"], counts["skipped"]
    total = passed + failed + skipped
    if total:
        verdict = "public checks passed" if not failed else "public checks: some do not pass yet"
        terminalreporter.write_line(
            f"{verdict}: {passed}/{total}" + (f" ({skipped} skipped)" if skipped else "")
            + ". Hidden checks run when your work is graded (python -m autograder grade).")
