"""A check that cannot fail is a defect: every grading check rejects at least one realistic wrong
implementation, and the reference passes it.

The wrong implementations live in ``tests/corpus/wrong/entries.py``: each entry is an exact text
substitution in one reference module and names the check that must reject it. Grading runs
in-process (``isolated=False``) on a copy of ``reference/`` in ``tmp_path``, for speed. Entries
whose check needs TensorFlow or Fashion-MNIST are marked ``slow``, as are the reference runs of
those checks.
"""
import shutil
from pathlib import Path

import pytest

from autograder.checks import ALL_CHECKS
from autograder.engine import grade, missing_requirements
from corpora import load_corpus

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"

# wrong code overflows, divides by zero and takes square roots of negative numbers on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


ENTRIES = load_corpus("wrong")
CHECKS = {check.id: check for check in ALL_CHECKS}
ENTRY_KEYS = {"id", "module", "find", "replace", "target_check", "why"}
#: optional keys: the expected status, the substring the feedback must contain, and the gaps the
#: current grader is known to have (strict xfails: a fixed check turns them into failures to clean up)
OPTIONAL_KEYS = {"outcome", "hint", "known_gap", "known_hint_gap"}
OUTCOMES = ("failed", "error")


def is_slow(check):
    """Checks that need TensorFlow (a few seconds to import) or train on Fashion-MNIST."""
    return bool(check.requires)


FAST_CHECKS = tuple(check for check in ALL_CHECKS if not is_slow(check))


def skip_unless_runnable(check):
    reason = missing_requirements(check)
    if reason:
        pytest.skip(f"{check.id}: {reason}")


def reference_copy(folder):
    """The reference modules copied into ``folder`` (never graded in place: no __pycache__ there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for module in REFERENCE.glob("*.py"):
        shutil.copy(module, folder / module.name)
    return folder


def mutate(source, entry):
    """The entry's substitution applied to ``source``; its ``find`` must occur exactly once."""
    count = source.count(entry["find"])
    assert count == 1, (f"stale corpus entry {entry['id']}: its `find` text occurs {count} times in "
                        f"reference/{entry['module']}.py (must be exactly once)")
    return source.replace(entry["find"], entry["replace"])


def mutated_copy(folder, entry):
    reference_copy(folder)
    path = folder / f"{entry['module']}.py"
    path.write_text(mutate(path.read_text(), entry))
    return folder


def selection(check):
    """grade() arguments that run ``check``: its whole exercise, except for a check that needs
    other exercises, which runs alone (a convergence check trains a network; ``only`` would grade
    the exercises it needs too, and the mutation may block it: alone, it is graded)."""
    if check.depends_on:
        return {"checks": (check,)}
    return {"only": check.exercise}


def result_of(report, check_id):
    found = [result for result in report.results if result.check.id == check_id]
    assert len(found) == 1, f"{check_id} was not graded (selected: {[r.check.id for r in report.results]})"
    return found[0]


def describe(result):
    verdict = result.verdict
    return f"{verdict.status}, {result.score}/{result.check.points}: {verdict.message}"


def entry_param(entry, gap_keys=("known_gap",)):
    """The entry as a pytest parameter: ``slow`` when its check needs TensorFlow or Fashion-MNIST,
    a strict xfail when one of ``gap_keys`` records a known gap of the current grader."""
    check = CHECKS.get(entry["target_check"])
    marks = [pytest.mark.slow] if check is not None and is_slow(check) else []
    gaps = [entry[key] for key in gap_keys if key in entry]
    if gaps:
        marks.append(pytest.mark.xfail(strict=True, reason=f"known gap: {'; '.join(gaps)}"))
    return pytest.param(entry, id=entry["id"], marks=marks)


def check_param(check):
    return pytest.param(check, id=check.id, marks=[pytest.mark.slow] if is_slow(check) else [])


# --------------------------------------------------------------------------- the corpus itself

def test_corpus_entries_are_well_formed():
    ids = [entry["id"] for entry in ENTRIES]
    assert len(ids) == len(set(ids)), f"duplicate entry ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for entry in ENTRIES:
        missing = ENTRY_KEYS - set(entry)
        assert not missing, f"{entry.get('id')}: missing {sorted(missing)}"
        assert set(entry) <= ENTRY_KEYS | OPTIONAL_KEYS, f"{entry['id']}: unknown keys {set(entry) - ENTRY_KEYS}"
        assert entry.get("outcome", "failed") in OUTCOMES, entry["id"]
        if "hint" in entry:
            assert entry["hint"].strip() and entry["hint"] == entry["hint"].lower(), entry["id"]
        if "known_hint_gap" in entry:
            assert "hint" in entry, f"{entry['id']}: a known_hint_gap needs the hint it misses"
        for key in ("known_gap", "known_hint_gap"):
            assert entry.get(key, "x").strip(), f"{entry['id']}: {key} must say what the check misses"
        assert entry["target_check"] in CHECKS, f"{entry['id']}: no check {entry['target_check']!r}"
        assert entry["find"] != entry["replace"], entry["id"]
        assert entry["why"].strip(), entry["id"]
        path = REFERENCE / f"{entry['module']}.py"
        assert path.is_file(), f"{entry['id']}: no reference module {path.name}"
        compile(mutate(path.read_text(), entry), str(path), "exec")  # a typo must not pass as a "catch"


def test_every_check_is_the_target_of_a_wrong_implementation():
    targeted = {entry["target_check"] for entry in ENTRIES}
    untested = [check.id for check in ALL_CHECKS if check.id not in targeted]
    assert not untested, f"checks no wrong implementation is shown to fail: {untested}"


def test_corpus_is_large_and_covers_every_module():
    assert len(ENTRIES) >= 40
    modules = {path.stem for path in REFERENCE.glob("*.py")} - {"__init__"}
    assert modules <= {entry["module"] for entry in ENTRIES}


# --------------------------------------------------------------------------- the reference passes

@pytest.fixture(scope="module")
def reference_report(tmp_path_factory):
    """The reference graded in-process on every check that needs neither TensorFlow nor
    Fashion-MNIST (about a second, mostly the breast-cancer training runs)."""
    folder = reference_copy(tmp_path_factory.mktemp("reference"))
    return grade(folder, isolated=False, checks=FAST_CHECKS)


@pytest.mark.parametrize("check", [check_param(c) for c in ALL_CHECKS])
def test_reference_passes(check, reference_report, tmp_path):
    skip_unless_runnable(check)
    if is_slow(check):
        report = grade(reference_copy(tmp_path / "reference"), isolated=False, checks=(check,))
    else:
        report = reference_report
    result = result_of(report, check.id)
    assert result.score == check.points, f"the reference fails {check.id}: {describe(result)}"


# --------------------------------------------------------------------------- wrong ones fail

@pytest.mark.parametrize("entry", [entry_param(e) for e in ENTRIES])
def test_wrong_implementation_is_rejected(entry, tmp_path):
    check = CHECKS[entry["target_check"]]
    skip_unless_runnable(check)
    report = grade(mutated_copy(tmp_path / "submission", entry), isolated=False, **selection(check))
    result = result_of(report, check.id)
    assert result.score < check.points, (
        f"{check.id} gives full marks to a wrong implementation ({entry['id']}: {entry['why']})")
    expected = entry.get("outcome", "failed")
    assert result.verdict.status == expected, (
        f"{entry['id']}: expected {check.id} to report '{expected}', got {describe(result)}")


HINTED = [entry for entry in ENTRIES if "hint" in entry]


@pytest.mark.parametrize("entry", [entry_param(e, ("known_gap", "known_hint_gap")) for e in HINTED])
def test_hint_names_the_mistake(entry, tmp_path):
    """A classic mistake is named: the target check's feedback (message and hint) contains the
    entry's ``hint`` (case-insensitive), so the student learns what to fix, not only that it is wrong."""
    check = CHECKS[entry["target_check"]]
    skip_unless_runnable(check)
    report = grade(mutated_copy(tmp_path / "submission", entry), isolated=False, **selection(check))
    result = result_of(report, check.id)
    assert result.score < check.points, f"{check.id} gives full marks to {entry['id']}"
    feedback = f"{result.verdict.message}\n{result.verdict.hint or ''}"
    assert entry["hint"].lower() in feedback.lower(), (
        f"{entry['id']}: the feedback of {check.id} does not name the mistake ({entry['hint']!r}): {feedback!r}")


def test_hinted_entries_exist():
    assert len(HINTED) >= 10


# --------------------------------------------------------------------------- and only there

def affected_checks(exercise):
    """Ids of the checks a mistake in ``exercise`` may fail: its own, and those that depend on it
    (directly, or through an exercise that depends on it)."""
    exercises = {exercise}
    while True:
        grown = exercises | {c.exercise for c in ALL_CHECKS if exercises & set(c.depends_on)}
        if grown == exercises:
            break
        exercises = grown
    return {c.id for c in ALL_CHECKS if c.exercise == exercise or exercises & set(c.depends_on)}


#: one mistake per module (Keras aside: it needs TensorFlow), graded on every fast check
ISOLATION_ENTRIES = [
    "single_layer.backprop.missing_m",
    "dual_layer.backprop.no_sigmoid_derivative",
    "minibatch.gen_batch.drops_remainder",
    "multiclass.softmax.no_max_subtraction",
    "optimizers.adam.t_never_incremented",
    "regularization.penalty_grad.l2_without_m",
    "gradients.numerical_gradient.not_restored",
]
ENTRY_BY_ID = {entry["id"]: entry for entry in ENTRIES}


@pytest.mark.parametrize("entry_id", ISOLATION_ENTRIES)
def test_mistake_costs_only_the_checks_that_depend_on_it(entry_id, tmp_path):
    entry = ENTRY_BY_ID[entry_id]
    target = CHECKS[entry["target_check"]]
    affected = affected_checks(target.exercise)
    report = grade(mutated_copy(tmp_path / "submission", entry), isolated=False, checks=FAST_CHECKS)
    assert result_of(report, target.id).score < target.points
    collateral = [f"{r.check.id} ({describe(r)})" for r in report.results
                  if r.check.id not in affected and r.score < r.check.points]
    assert not collateral, f"{entry_id} also costs checks that do not depend on {target.exercise}: {collateral}"


def test_affected_checks_follow_dependencies():
    affected = affected_checks("penalty_grad")
    assert "regularization.penalty_grad.values" in affected
    assert "multiclass.cross_entropy_gradient.step" in affected       # depends on penalty_grad
    assert "convergence.fashion_mnist.multiclass" in affected          # directly and via training
    assert "convergence.breast_cancer.single_layer" not in affected    # SingleLayer has its own penalty
    assert "single_layer.forpass.values" not in affected
