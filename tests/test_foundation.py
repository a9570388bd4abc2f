"""The kit's foundation: exercises/ in sync with reference/, stubs fail, the reference passes."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.checks import ALL_CHECKS, EXERCISE_MODULES, exercises
from autograder.course import MODULES
from autograder.engine import grade
from autograder.stubs import StubError, expected_exercises, solution_regions, stale_exercises, stub_source

KIT = Path(__file__).resolve().parent.parent


def test_exercises_in_sync_with_reference():
    assert stale_exercises() == [], "run: python -m autograder make-exercises"


def test_every_module_has_solution_regions_and_stubs_have_none():
    for name, text in expected_exercises().items():
        source = (KIT / "reference" / name).read_text()
        regions = solution_regions(source)
        assert regions, f"{name} has no exercise"
        assert "### BEGIN SOLUTION" not in text
        assert text.count("raise NotImplementedError(\"") == len(regions)


def test_stub_generator_rejects_unbalanced_markers():
    with pytest.raises(StubError):
        stub_source("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(StubError):
        stub_source("def f():\n    pass\n    ### END SOLUTION\n")


def test_stub_names_the_method():
    text = stub_source("class A:\n    def go(self):\n        ### BEGIN SOLUTION\n        return 1\n"
                       "        ### END SOLUTION\n")
    assert 'raise NotImplementedError("not implemented yet: A.go")' in text


def test_every_exercise_maps_to_a_module():
    for exercise in exercises():
        assert EXERCISE_MODULES[exercise] in MODULES


@pytest.mark.slow  # ~12 s: trains on Fashion-MNIST and runs Keras in this process
def test_reference_gets_full_marks_in_process():
    report = grade(KIT / "reference", isolated=False)
    failing = [(r.check.id, r.verdict.message) for r in report.results
               if r.verdict.fraction < 1 and r.verdict.status != "skipped"]
    assert failing == []


def test_stubs_score_zero_with_not_implemented_messages():
    report = grade(KIT / "exercises", isolated=False)
    assert report.score == 0
    for result in report.results:
        assert result.verdict.status in ("not_implemented", "blocked", "skipped"), result.check.id
        if result.verdict.status == "not_implemented":
            assert result.verdict.message == f"not implemented yet: {result.check.exercise}"
        if result.verdict.status == "blocked":
            assert "not graded: needs" in result.verdict.message


def _pytest(folder, *args):
    """``pytest folder`` with this kit's ``autograder`` (not one installed elsewhere)."""
    env = dict(os.environ, PYTHONPATH=str(KIT))
    return subprocess.run([sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=folder.parent, env=env)


def test_pytest_exercises_on_stubs_gives_one_line_per_check(tmp_path):
    result = _pytest(KIT / "exercises", "-k", "backprop")
    assert result.returncode == 1
    assert "not implemented yet: DualLayer.backprop" in result.stdout
    assert "Traceback" not in result.stdout and "raise NotImplementedError" not in result.stdout
    assert "public checks" in result.stdout and "all tests passed" not in result.stdout.lower()


@pytest.mark.slow  # ~11 s: every public check, training included, in a pytest subprocess
def test_pytest_exercises_passes_on_solved_copy(solved_copy):
    result = _pytest(solved_copy, "-m", "not slow")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "public checks passed" in result.stdout


def test_single_module_submission_grades_that_module_only(tmp_path):
    report = grade(KIT / "reference" / "optimizers.py", isolated=False)
    assert {r.check.exercise for r in report.results} == {"Momentum.update", "RMSProp.update", "Adam.update"}
    assert report.score == report.max_score


def test_cli_grades_reference_with_full_marks_and_writes_results(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(KIT / "reference"), "--json", str(out),
                             "--only", "single_layer"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import json
    payload = json.loads(out.read_text())
    assert payload["score"] == sum(t["max_score"] for t in payload["tests"]) > 0
    assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(payload["tests"][0])
    assert "Total:" in result.stdout


def test_cli_min_score_fails_below_threshold(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(KIT / "exercises"), "--only",
                             "penalty_grad", "--min-score", "1"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "not implemented yet: penalty_grad" in result.stdout


def test_checks_have_unique_ids_and_positive_points():
    ids = [c.id for c in ALL_CHECKS]
    assert len(ids) == len(set(ids))
    assert all(c.points > 0 for c in ALL_CHECKS)


def test_property_checks_count_only_once_the_values_are_right(tmp_path):
    """Code that computes nothing useful earns no 'inputs untouched' point."""
    import shutil
    folder = tmp_path / "zeros"
    shutil.copytree(KIT / "reference", folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "single_layer.py"
    path.write_text(path.read_text().replace("z = np.dot(x, self.w) + self.b", "z = np.zeros((len(x), 1))"))
    report = grade(folder, only="SingleLayer.forpass", isolated=False)
    verdicts = {r.check.id: r.verdict for r in report.results}
    assert verdicts["single_layer.forpass.values"].status == "failed"
    untouched = verdicts["single_layer.forpass.inputs_untouched"]
    assert untouched.status == "blocked" and untouched.fraction == 0
    assert "counts once values passes" in untouched.message


def test_in_process_endless_loop_fails_its_check_instead_of_hanging(tmp_path):
    """pytest runs student code in its own process: an endless loop (even one that swallows
    Exception) becomes a timeout verdict for that exercise."""
    import shutil
    from autograder.engine import InProcessRunner
    from autograder.checks import ALL_CHECKS
    from autograder.engine import verify
    folder = tmp_path / "loop"
    shutil.copytree(KIT / "reference", folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "single_layer.py"
    path.write_text(path.read_text().replace(
        "z = np.dot(x, self.w) + self.b",
        "while True:\n            try:\n                pass\n            except Exception:\n                pass"))
    check = next(c for c in ALL_CHECKS if c.id == "single_layer.forpass.values")
    outcome, _ = InProcessRunner(folder, timeout=0.5).run(check.exercise, [check.trial])
    verdict = verify(check, check.trial.cases(), *outcome[check.trial])
    assert verdict.status == "error" and "time limit" in verdict.message
