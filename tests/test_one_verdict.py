"""One verdict everywhere: on every wrong implementation of the corpus (``tests/corpus/wrong/``,
each a copy of ``reference/`` with one module mutated), every front end gives each check the same
status and the same message as the full grade:

* ``grade(folder, only=X)`` for every module and every exercise X (the checks X selects), with
  the hidden checks (``nnkit grade --only X``), and for every module without them (Classroom's
  steps: ``--only MODULE``, public checks);
* the pytest plugin (``FolderGrader(folder).verdict(check)``, public checks; and a few real
  ``pytest exercises -k X`` runs);
* the nbgrader test cells' grading function (``notebook.grade_folder`` on each cell's checks).

Grading is in-process. A trial's outputs are computed once per copy and reused by every front end
(:class:`SharedRuns`), since what is compared is which checks each front end grades, blocks or
skips, not the trials. The fast variant leaves out the checks that require TensorFlow or
Fashion-MNIST and reuses the reference's breast-cancer training runs (their outcome is not what
is compared; whether they are blocked, and with which message, is); the ``slow`` variant grades
every check, running every trial on the mutated copy.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, engine, notebook, pytest_plugin
from autograder.checks import ALL_CHECKS
from autograder.engine import InProcessRunner, grade
from autograder.nbgrader_course import course_plan
from corpora import load_corpus
from test_wrong_implementations import mutated_copy, reference_copy

KIT = Path(__file__).resolve().parent.parent

# wrong code overflows, divides by zero and takes square roots of negative numbers on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

ENTRIES = load_corpus("wrong")
FAST_CHECKS = tuple(check for check in ALL_CHECKS if not check.requires)
TRAINING = "Training on breast cancer"
#: trial outputs of the reference, shared by the fast variant's copies for the training runs
REFERENCE_RUNS = {}


class SharedRuns:
    """An InProcessRunner for one folder whose trial results are computed once (per exercise and
    trial) and handed to every front end; ``borrowed`` exercises take theirs from ``shared``."""

    def __init__(self, folder, borrowed=(), shared=None):
        self.runner = InProcessRunner(folder)
        self.results = {}
        self.borrowed = set(borrowed)
        self.shared = shared

    def run(self, exercise, trials, requires=()):
        """The runner's ({trial: (outputs, error)}, output) for ``trials``, each run once."""
        store = self.shared if exercise in self.borrowed else self.results
        missing = [trial for trial in trials if (exercise, trial) not in store]
        if missing:
            outcome, _ = self.runner.run(exercise, missing, requires)
            store.update({(exercise, trial): result for trial, result in outcome.items()})
        return {trial: store[(exercise, trial)] for trial in trials}, ""


@pytest.fixture
def shared_runs(monkeypatch):
    """Patches the engine and the plugin so that each folder's trials run once; ``notebook``'s
    grading runs in-process too. Returns ``use(folder, borrowed=(), shared=None)``."""
    runners = {}

    def use(folder, borrowed=(), shared=None):
        runners[str(folder)] = SharedRuns(folder, borrowed, shared)

    def runner_for(path, *args, **kwargs):
        return runners[str(path)]

    in_process_grade = grade
    monkeypatch.setattr(engine, "InProcessRunner", runner_for)
    monkeypatch.setattr(pytest_plugin, "InProcessRunner", runner_for)
    monkeypatch.setattr(engine, "grade", lambda *a, **k: in_process_grade(*a, **{**k, "isolated": False}))
    return use


def verdicts(report):
    """{check id: (status, message)} of a Report."""
    return {r.check.id: (r.verdict.status, r.verdict.message) for r in report.results}


def disagreements(folder, universe):
    """Every front end's verdict that is not the full grade's, as readable lines."""
    found = []
    full = {hidden: verdicts(grade(folder, include_hidden=hidden, isolated=False, checks=universe))
            for hidden in (True, False)}

    def compare(front_end, got, hidden):
        found.extend(f"{front_end}: {cid}: {verdict} != full grade's {full[hidden][cid]}"
                     for cid, verdict in got.items() if verdict != full[hidden][cid])

    for only in course.MODULES + course.EXERCISES:
        for hidden in (True, False) if only in course.MODULES else (True,):  # Classroom: modules, public
            report = grade(folder, only=only, include_hidden=hidden, isolated=False, checks=universe)
            expected = {c.id for c in universe if c.exercise == only or course.module_of(c.exercise) == only}
            got = verdicts(report)
            if not set(got) >= {cid for cid in expected if cid in full[hidden]}:
                found.append(f"--only {only!r}: selected {sorted(got)}, expected {sorted(expected)}")
            compare(f"grade --only {only!r}{'' if hidden else ' --public'}", got, hidden)
    plugin = pytest_plugin.FolderGrader(str(folder))
    ids = {c.id for c in universe}
    plugin.checks = [c for c in plugin.checks if c.id in ids]
    compare("pytest plugin", {c.id: _pair(plugin.verdict(c)) for c in plugin.checks}, False)
    for cells in course_plan().values():
        for cell in cells:
            ids = [c.id for c in cell.checks if c in universe]
            if ids:
                cell_result = notebook.grade_folder(folder, ids)
                compare(f"nbgrader cell {cell.grade_id}", {cid: (cell_result["checks"][cid]["status"],
                                                                 cell_result["checks"][cid]["message"]) for cid in ids},
                        True)
    return found


def _pair(verdict):
    return verdict.status, verdict.message


def _entry_folder(tmp_path, entry):
    return mutated_copy(tmp_path / "submission", entry)


def _fast_variant_param(entry, first_of_module):
    """The first entry of each module runs in the fast suite; the rest of the corpus is slow
    (about half a second an entry, two minutes for the whole corpus)."""
    marks = [] if entry is first_of_module[entry["module"]] else [pytest.mark.slow]
    return pytest.param(entry, id=entry["id"], marks=marks)


_FIRST_OF_MODULE = {}
for _entry in ENTRIES:
    _FIRST_OF_MODULE.setdefault(_entry["module"], _entry)


@pytest.mark.parametrize("entry", [_fast_variant_param(e, _FIRST_OF_MODULE) for e in ENTRIES])
def test_every_front_end_gives_the_full_grades_verdicts(entry, tmp_path, shared_runs):
    if not REFERENCE_RUNS:
        reference = reference_copy(tmp_path / "reference")
        shared_runs(reference, borrowed={TRAINING}, shared=REFERENCE_RUNS)
        grade(reference, isolated=False, checks=FAST_CHECKS)
    folder = _entry_folder(tmp_path, entry)
    shared_runs(folder, borrowed={TRAINING}, shared=REFERENCE_RUNS)
    assert disagreements(folder, FAST_CHECKS) == []


def _slow_entries():
    """The entries the slow variant grades on every check, TensorFlow and Fashion-MNIST included:
    the first entry of each module and the first entry aimed at each check that needs them. The
    front ends' dependency logic is the one the fast variant compares on the whole corpus; what the
    slow variant adds is the heavy checks themselves (each such entry costs 10–30 s of training,
    so the whole corpus would take over an hour)."""
    heavy = {check.id for check in ALL_CHECKS if check.requires}
    chosen = {}
    for entry in ENTRIES:
        chosen.setdefault(("module", entry["module"]), entry)
        if entry["target_check"] in heavy:
            chosen.setdefault(("check", entry["target_check"]), entry)
    return list({entry["id"]: entry for entry in chosen.values()}.values())


SLOW_ENTRIES = _slow_entries()


@pytest.mark.slow
@pytest.mark.parametrize("entry", SLOW_ENTRIES, ids=[e["id"] for e in SLOW_ENTRIES])
def test_every_front_end_gives_the_full_grades_verdicts_on_every_check(entry, tmp_path, shared_runs):
    folder = _entry_folder(tmp_path, entry)
    shared_runs(folder)
    assert disagreements(folder, ALL_CHECKS) == []


def test_a_missing_penalty_grad_blocks_the_training_the_same_way_everywhere(tmp_path, shared_runs):
    """The issue's case: ``--only`` a module whose training needs an unfinished exercise of
    another module says "not graded: needs …", as the full grade does (the real training runs)."""
    folder = reference_copy(tmp_path / "submission")
    (folder / "regularization.py").write_text((KIT / "exercises" / "regularization.py").read_text())
    shared_runs(folder)
    assert disagreements(folder, FAST_CHECKS) == []
    report = grade(folder, only="minibatch", include_hidden=False, isolated=False)
    blocked = {r.check.id: r.verdict.message for r in report.results if r.verdict.status == "blocked"}
    assert blocked == {f"convergence.breast_cancer.{name}": "not graded: needs penalty_grad, which does not pass yet"
                       for name in ("dual_layer", "random_init", "minibatch")}


def test_blocked_messages_say_does_for_one_and_do_for_several():
    assert engine.blocked_verdict(["A"]).message == "not graded: needs A, which does not pass yet"
    assert engine.blocked_verdict(["A", "B"]).message == "not graded: needs A, B, which do not pass yet"


PYTEST_LINE = re.compile(r"^(PASSED|FAILED|SKIPPED) .*?test_public\[(\w+)::(.+?)::(\w+)\](?: - (.*))?$")


@pytest.mark.parametrize("selection", ["dual_layer", "Training", "multiclass and forpass"])
def test_pytest_k_gives_the_full_grades_public_verdicts(selection, tmp_path):
    """Real ``pytest exercises -k X`` runs on a copy whose regularization module is untouched
    (penalty_grad unfinished): each selected check passes or fails with the message of
    ``grade --public`` (the first line of it: pytest's summary line)."""
    folder = reference_copy(tmp_path / "exercises")
    for name in ("regularization.py", "test_exercises.py", "conftest.py", "__init__.py"):
        (folder / name).write_text((KIT / "exercises" / name).read_text())
    done = subprocess.run([sys.executable, "-m", "pytest", str(folder), "-k", selection, "-rA", "-q",
                           "-p", "no:cacheprovider", "-W", "ignore::RuntimeWarning"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "1000"})  # summary lines hold the whole message
    full = verdicts(grade(folder, include_hidden=False, isolated=False))
    by_name = {(c.exercise, c.id.split(".")[-1]): c.id for c in ALL_CHECKS}
    seen = 0
    for line in done.stdout.splitlines():
        match = PYTEST_LINE.match(line)
        if not match:
            continue
        outcome, _, exercise, name, message = match.groups()
        status, expected = full[by_name[(exercise, name)]]
        assert (outcome == "PASSED") == (status == "passed"), line
        if outcome != "PASSED":
            assert (message or "").removeprefix("Failed: ").strip() == expected.splitlines()[0].strip(), line
        seen += 1
    assert seen, done.stdout[-3000:]
