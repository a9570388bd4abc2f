"""The Gradescope autograder (``python -m autograder gradescope OUT.zip``), run the way Gradescope
runs it: the zip unpacked into ``ROOT/source``, ``run_autograder`` copied to ``ROOT``, the
submission in ``ROOT/submission``, the result in ``ROOT/results/results.json``. ``GRADESCOPE_ROOT``
points ``run_autograder`` at a temporary ROOT; ``NNKIT_PYTHON`` at this environment's Python
(setup.sh's virtual environment is tested by the slow test); ``NNKIT_GRADE_ARGS`` limits the fast
tests to one module.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.checks import ALL_CHECKS
from autograder.distribute import ALONE
from autograder.engine import missing_requirements
from autograder.stubs import expected_exercises

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    done = subprocess.run([sys.executable, "-m", "autograder", "gradescope", str(out)], cwd=KIT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def gradescope_root(tmp_path, autograder_zip):
    """A folder laid out like Gradescope's /autograder after the image is built."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(autograder_zip) as archive:
        for info in archive.infolist():
            archive.extract(info, root / "source")
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, stat.S_IMODE(mode))
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_autograder(root, python=sys.executable, grade_args="--only single_layer"):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NNKIT_GRADE_ARGS")}
    env.update(GRADESCOPE_ROOT=str(root), TF_CPP_MIN_LOG_LEVEL="3")
    if python:
        env["NNKIT_PYTHON"] = python
    if grade_args:
        env["NNKIT_GRADE_ARGS"] = grade_args
    done = subprocess.run([str(root / "run_autograder")], cwd="/", capture_output=True, text=True, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text()), done


def submit_modules(root, folder, subfolder=None):
    target = root / "submission" / subfolder if subfolder else root / "submission"
    target.mkdir(parents=True, exist_ok=True)
    for module in Path(folder).glob("*.py"):
        if module.name != "__init__.py":
            shutil.copyfile(module, target / module.name)


def by_id(results):
    return {test["number"]: test for test in results["tests"]}


# --------------------------------------------------------------------------- the zip

def test_zip_holds_the_kit_with_hidden_checks_and_no_solution(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()}
        stubs = {name: archive.read(f"exercises/{name}").decode() for name in expected_exercises()}
    assert {"setup.sh", "run_autograder", "pyproject.toml", "autograder/checks/math.py",
            "autograder/gradescope.py", "exercises/__init__.py"} <= names
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert not [n for n in names if n.startswith(("reference/", "tests/", ".git", "benchmarks/"))
                or n.endswith((".pyc", ".ipynb"))]
    assert stubs == expected_exercises()
    root = gradescope_root(tmp_path, autograder_zip)
    done = subprocess.run([sys.executable, "-c", ALONE + "\nimport json, autograder.checks as c\n"
                           "print(json.dumps([k.id for k in c.ALL_CHECKS if k.hidden]))"],
                          cwd=root / "source", capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(root / "source")))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [check.id for check in ALL_CHECKS if check.hidden]


# --------------------------------------------------------------------------- run_autograder

def test_correct_submission_gets_full_marks(autograder_zip, tmp_path):
    root = gradescope_root(tmp_path, autograder_zip)
    submit_modules(root, REFERENCE)
    results, done = run_autograder(root)
    tests = by_id(results)
    assert "single_layer.backprop.values" in tests          # hidden checks are graded here
    assert tests["single_layer.backprop.values"]["visibility"] == "after_published"
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
    assert "graded modules: single_layer, regularization, dual_layer, minibatch" in done.stdout


def test_stub_submission_scores_zero(autograder_zip, tmp_path):
    """Submitted as the student repository's folder (exercises/ inside), untouched."""
    root = gradescope_root(tmp_path, autograder_zip)
    (root / "submission" / "my-repo" / "exercises").mkdir(parents=True)
    for name, text in expected_exercises().items():
        (root / "submission" / "my-repo" / "exercises" / name).write_text(text)
    results, _ = run_autograder(root)
    assert results["score"] == 0 and results["tests"]
    assert all(t["status"] == "failed" for t in results["tests"])
    assert "not implemented yet: SingleLayer.forpass" in by_id(results)["single_layer.forpass.values"]["output"]


def test_wrong_submission_loses_the_points_of_its_mistake(autograder_zip, tmp_path):
    root = gradescope_root(tmp_path, autograder_zip)
    submit_modules(root, REFERENCE)
    path = root / "submission" / "single_layer.py"
    path.write_text(path.read_text().replace("w_grad = np.dot(x.T, err) / m", "w_grad = np.dot(x.T, err)"))
    results, _ = run_autograder(root)
    tests = by_id(results)
    assert tests["single_layer.backprop.gradient"]["status"] == "failed"
    assert "factor of m" in tests["single_layer.backprop.gradient"]["output"]
    assert tests["single_layer.backprop.values"]["status"] == "failed"   # the hidden check too
    assert tests["single_layer.forpass.values"]["status"] == "passed"
    assert 0 < results["score"] < sum(t["max_score"] for t in results["tests"])


def test_results_have_execution_time_and_a_visible_summary_of_visible_checks(autograder_zip, tmp_path):
    root = gradescope_root(tmp_path, autograder_zip)
    submit_modules(root, REFERENCE)
    results, _ = run_autograder(root)
    assert isinstance(results["execution_time"], (int, float)) and results["execution_time"] >= 0
    assert results["visibility"] == "visible" and results["stdout_visibility"] == "hidden"
    visible = [t for t in results["tests"] if t["visibility"] == "visible"]
    later = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert visible and later
    shown = sum(t["max_score"] for t in visible)
    assert results["output"].startswith(f"Checks shown now: {shown:g}/{shown:g} points.")
    assert f"{len(later)} more check" in results["output"]
    assert f"worth {sum(t['max_score'] for t in later):g} point" in results["output"]


def _visible_part(results):
    """What a student sees before grades are published: the top level and the visible tests."""
    return (results["output"], results["visibility"],
            [test for test in results["tests"] if test["visibility"] != "after_published"])


def test_nothing_visible_before_publication_tells_a_hidden_result():
    """The same submission with its hidden checks passed or failed (and the checks they can block
    blocked): what Gradescope shows before publication is the same."""
    from autograder.checks.base import Verdict
    from autograder.engine import grade
    from autograder.engine.results import CheckResult, Report
    from autograder.report import after_publication, gradescope_results
    only = frozenset(c.id for c in ALL_CHECKS if c.id.startswith("single_layer.")) | {
        "convergence.breast_cancer.single_layer"}   # a public check that a hidden one can block
    passed = grade(REFERENCE, only=only, isolated=False)
    hidden = [r for r in passed.results if r.check.hidden]
    blocked = [r for r in passed.results if not r.check.hidden and after_publication(r.check)]
    assert hidden and blocked and all(r.verdict.fraction == 1 for r in passed.results)
    failed = Report(outputs=dict(passed.outputs))
    for result in passed.results:
        verdict = result.verdict
        if result in hidden:
            verdict = Verdict(0.0, "w_grad differs from xᵀ·err/m", status="failed")
        elif result in blocked:
            verdict = Verdict(0.0, "not graded: needs SingleLayer.backprop, which does not pass yet", status="blocked")
        failed.results.append(CheckResult(result.check, verdict))
    assert failed.score < passed.score
    assert _visible_part(gradescope_results(failed)) == _visible_part(gradescope_results(passed))
    # after publication everything is there, hidden failures included
    tests = {t["number"]: t for t in gradescope_results(failed)["tests"]}
    assert "xᵀ·err/m" in tests["single_layer.backprop.values"]["output"]


def test_a_submission_without_modules_gets_a_message(autograder_zip, tmp_path):
    root = gradescope_root(tmp_path, autograder_zip)
    (root / "submission" / "notes.txt").write_text("hello")
    results, _ = run_autograder(root)
    assert results["score"] == 0 and results["tests"] == []
    assert "Nothing to grade" in results["output"]


@pytest.mark.slow
def test_correct_submission_gets_every_point(autograder_zip, tmp_path):
    """Every check, hidden ones, Keras and Fashion-MNIST included (those this machine can run)."""
    root = gradescope_root(tmp_path, autograder_zip)
    submit_modules(root, REFERENCE)
    results, _ = run_autograder(root, grade_args=None)
    runnable = [check for check in ALL_CHECKS if not missing_requirements(check)]
    assert {t["number"] for t in results["tests"]} == {check.id for check in ALL_CHECKS}
    assert results["score"] == sum(check.points for check in runnable)


@pytest.mark.slow
def test_setup_sh_builds_a_working_environment(autograder_zip, tmp_path):
    """setup.sh as Gradescope runs it (root, its own folder), into a fresh virtual environment
    (without TensorFlow: NNKIT_EXTRAS=""), then run_autograder with that environment's Python."""
    root = gradescope_root(tmp_path, autograder_zip)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(GRADESCOPE_ROOT=str(root), NNKIT_EXTRAS="")
    done = subprocess.run(["bash", "setup.sh"], cwd=root / "source", capture_output=True, text=True, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Fashion-MNIST:" in done.stdout
    # quiet: no packaging warnings (pip's root-user and version-check notices, deprecations)
    # (but pip's notices about this machine's own pip.conf: index folders that do not exist here)
    noise = [line for line in (done.stdout + done.stderr).splitlines()
             if re.search(r"WARNING|DEPRECATION|notice", line, re.IGNORECASE) and "Location 'file:" not in line]
    assert not noise, "\n".join(noise[:20])
    assert (root / "venv" / "bin" / "python").exists()
    submit_modules(root, REFERENCE)
    results, _ = run_autograder(root, python=None)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


def _readme_gradescope_blocks():
    text = (KIT / "README.md").read_text()
    section = text[text.index("### Gradescope (uploads graded with the hidden checks)"):]
    section = section[:section.index("\n## ")]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


@pytest.mark.slow
def test_readme_gradescope_commands_run_verbatim(tmp_path):
    """README's Gradescope commands, verbatim and in order, from the kit's folder; only setup.sh is
    left out (it installs TensorFlow from PyPI: test_setup_sh_builds_a_working_environment runs
    it), and run_autograder uses this environment's Python (NNKIT_PYTHON) instead of its venv."""
    if not shutil.which("unzip"):
        pytest.skip("needs unzip")
    lines = [line for block in _readme_gradescope_blocks() for line in block.splitlines() if line.strip()]
    assert any("setup.sh" in line for line in lines) and any("run_autograder" in line for line in lines)
    script = "\n".join(["set -euo pipefail", *[line for line in lines if "setup.sh" not in line]])
    zip_file = KIT / "nnkit-autograder.zip"
    assert not zip_file.exists()
    shutil.rmtree("/tmp/gs", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in ("NNKIT_GRADE_ARGS",)}
    env.update(NNKIT_PYTHON=sys.executable, PYTHONPATH=str(KIT), TF_CPP_MIN_LOG_LEVEL="3")
    try:
        done = subprocess.run(["bash", "-c", script], cwd=KIT, env=env, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        results = json.loads(Path("/tmp/gs/results/results.json").read_text())
    finally:
        zip_file.unlink(missing_ok=True)
        shutil.rmtree("/tmp/gs", ignore_errors=True)
    runnable = [check for check in ALL_CHECKS if not missing_requirements(check)]
    assert results["score"] == pytest.approx(sum(check.points for check in runnable))
    assert results["output"].startswith("Checks shown now:") and "execution_time" in results
