"""nnkit's pytest plugin gives every public check the verdict ``autograder.engine.grade`` gives it,
whatever ``-k`` selects (the exercises a check depends on are graded even when their tests are
deselected), and stays out of sessions without nnkit checks."""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.engine import grade
from autograder.pytest_plugin import param_id

KIT = Path(__file__).resolve().parent.parent
SOLVED = ("single_layer", "dual_layer", "gradients", "minibatch", "regularization", "optimizers")
KINDS = {"failure": "failed", "skipped": "skipped", "error": "error"}  # JUnit XML tags
WRONG_LINE = "b1_grad = np.sum(err_to_hidden, axis=0) / m"


def run_pytest(folder, *args):
    """``pytest folder ARGS`` in a child, with this kit's ``autograder``."""
    return subprocess.run([sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=folder.parent,
                          env=dict(os.environ, PYTHONPATH=str(KIT)))


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    """exercises/ with most modules solved, DualLayer.backprop wrong (b1_grad not averaged), and
    multiclass and keras_model still stubs."""
    folder = tmp_path_factory.mktemp("plugin") / "exercises"
    shutil.copytree(KIT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module in SOLVED:
        shutil.copy(KIT / "reference" / f"{module}.py", folder)
    source = (folder / "dual_layer.py").read_text()
    assert WRONG_LINE in source
    (folder / "dual_layer.py").write_text(source.replace(WRONG_LINE, WRONG_LINE.removesuffix(" / m")))
    return folder


@pytest.fixture(scope="module")
def engine_outcomes(submission):
    """{test id: (outcome, message)} of the CLI's grading of the public checks."""
    report = grade(submission, include_hidden=False, isolated=False)
    return {param_id(r.check): outcome(r.verdict) for r in report.results}


def outcome(verdict):
    if verdict.status == "skipped":
        return "skipped", verdict.message
    return ("passed", "") if verdict.fraction >= 1 else ("failed", verdict.message)


def pytest_outcomes(folder, selection, xml):
    """{test id: (outcome, message)} of ``pytest folder -k selection``, read from its JUnit XML."""
    done = run_pytest(folder, "-q", "-k", selection, f"--junitxml={xml}")
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    outcomes = {}
    for case in ET.parse(xml).iter("testcase"):
        name = case.get("name").removeprefix("test_public[").removesuffix("]")
        found = [(KINDS[child.tag], child.get("message").removeprefix("Failed: "))
                 for child in case if child.tag in KINDS]
        outcomes[name] = found[0] if found else ("passed", "")
    return outcomes, done.stdout


@pytest.mark.parametrize("selection, deselected_dependency", [
    ("single_layer", None),
    ("Training", "dual_layer::DualLayer.backprop::gradient"),
    ("inputs_untouched", "dual_layer::DualLayer.backprop::gradient"),
    ("backprop", None),
    ("Keras", "multiclass::MultiClassNetwork.forpass::values"),
])
def test_verdicts_are_the_engines_whatever_k_selects(submission, engine_outcomes, tmp_path, selection,
                                                     deselected_dependency):
    outcomes, stdout = pytest_outcomes(submission, selection, tmp_path / "report.xml")
    assert outcomes
    assert deselected_dependency not in outcomes
    for name, (kind, message) in outcomes.items():
        expected_kind, expected_message = engine_outcomes[name]
        assert kind == expected_kind, (name, message, expected_message)
        assert (message or "").startswith(expected_message), name
    counts = [kind for kind, _ in outcomes.values()]
    assert f"{counts.count('passed')}/{len(counts)}" in stdout


def test_blocking_does_not_depend_on_the_tests_that_ran(submission, engine_outcomes, tmp_path):
    outcomes, _ = pytest_outcomes(submission, "breast", tmp_path / "report.xml")
    assert outcomes["minibatch::Training on breast cancer::single_layer"] == ("passed", "")
    kind, message = outcomes["minibatch::Training on breast cancer::dual_layer"]
    assert kind == "failed" and message.startswith("not graded: needs DualLayer.backprop")
    untouched, _ = pytest_outcomes(submission, "DualLayer.backprop and inputs_untouched", tmp_path / "other.xml")
    assert untouched == {"dual_layer::DualLayer.backprop::inputs_untouched":
                         ("failed", "not graded: counts once gradient passes")}


def test_the_plugin_is_inert_without_nnkit_checks(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(KIT / "exercises" / "conftest.py", folder)  # loads the plugin if not installed
    (folder / "test_plain.py").write_text("def test_one():\n    pass\n")
    done = run_pytest(folder, "-q")
    assert done.returncode == 0 and "1 passed" in done.stdout
    assert "public checks" not in done.stdout
