"""The student repository (``python -m autograder student-repo``): self-contained, without any
solution or hidden check in any form, and its public checks — which read recorded expected values
instead of computing them with the formulas — pass on solved modules and reject stubs and wrong
implementations.

Every command runs the student copy's own ``autograder`` package alone: ``PYTHONPATH`` and the
working folder are the student repository, and setuptools' editable finder of the instructor's kit
(installed in this environment) is dropped, so a module the copy lacked would fail to import.
"""
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograder.checks
from autograder.checks import ALL_CHECKS, EXERCISE_MODULES
from autograder.checks import expectation
from autograder.distribute import ALONE, DistributionError, build_student_repo
from autograder.stubs import expected_exercises, solution_regions
from corpora import load_corpus

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"
PUBLIC_IDS = {check.id for check in ALL_CHECKS if not check.hidden}

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def run(args, cwd, **kwargs):
    """``python ARGS`` (``-m MODULE …`` or ``-c CODE …``) in ``cwd`` with only ``cwd``'s kit."""
    if args[0] == "-m":
        args = ["-c", ALONE + "; import runpy; sys.argv = sys.argv[1:]; "
                "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)", *args[1:]]
    elif args[0] == "-c":
        args = ["-c", ALONE + "\n" + args[1], *args[2:]]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(cwd), PYTHONDONTWRITEBYTECODE="1", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env, **kwargs)


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "repo"
    done = run(["-m", "autograder", "student-repo", str(out)], cwd=KIT)
    assert done.returncode == 0, done.stderr
    assert "wrote the student repository" in done.stdout
    return out


def solved_copy(student_repo, folder):
    """The student repository with the reference modules in exercises/ (a student who solved all)."""
    shutil.copytree(student_repo, folder, ignore=shutil.ignore_patterns(".git"))
    for module in REFERENCE.glob("*.py"):
        if module.name != "__init__.py":
            shutil.copyfile(module, folder / "exercises" / module.name)
    return folder


def normalise(text):
    return re.sub(r"\s+", "", text)


def solution_lines():
    """Every non-trivial line of every solution region, whitespace removed: at least 10
    characters, not a bare ``return name``, and not a line the stubs give anyway."""
    given = normalise("".join(expected_exercises().values()))
    lines = set()
    for module in REFERENCE.glob("*.py"):
        for region in solution_regions(module.read_text()):
            for line in region.splitlines():
                text = normalise(line)
                if (len(text) >= 10 and not line.strip().startswith("#") and not re.fullmatch(r"return\w+", text)
                        and text not in given):
                    lines.add(text)
    return lines


def everything_in(repo):
    """{name: text} of every file of the repository and of every object of its git history."""
    texts = {}
    for path in repo.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(repo).parts:
            data = path.read_bytes()
            if path.suffix == ".npz":  # the recorded values: only numbers and short strings
                with np.load(path, allow_pickle=False) as arrays:
                    data = "\n".join(str(arrays[k]) for k in arrays.files if arrays[k].dtype.kind == "U").encode()
            texts[str(path.relative_to(repo))] = data.decode("utf-8", "replace")
    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repo, capture_output=True)
    assert objects.returncode == 0
    texts["<git objects>"] = objects.stdout.decode("utf-8", "replace")
    return texts


# --------------------------------------------------------------------------- what is in it

def test_layout(student_repo):
    for name in ("README.md", "pyproject.toml", ".gitignore", ".github/workflows/classroom.yml",
                 "datasets/README.md", "exercises/conftest.py", "exercises/test_exercises.py",
                 "autograder/checks/recorded.npz", "autograder/data/fashion_mnist.py",
                 "autograder/data/breast_cancer.py"):
        assert (student_repo / name).is_file(), name
    for module in EXERCISE_MODULES.values():
        assert (student_repo / "exercises" / f"{module}.py").is_file()
    assert not (student_repo / "reference").exists() and not (student_repo / "tests").exists()
    assert not (student_repo / "autograder" / "checks" / "math.py").exists()
    readme = (student_repo / "README.md").read_text()
    for needed in ("python -m pip install -e", "python -m pytest exercises -k SingleLayer.forpass",
                   "python -m autograder grade exercises", "not implemented yet", "hint:"):
        assert needed in readme


def test_stubs_are_generated_from_the_reference(student_repo):
    for name, text in expected_exercises().items():
        assert (student_repo / "exercises" / name).read_text() == text


def test_no_solution_in_any_form(student_repo):
    """Every non-trivial solution line (whitespace ignored) is absent from every file and from the
    git history; no file is a reference file; nothing compiled, no notebook, one commit only."""
    texts = everything_in(student_repo)
    haystacks = {name: normalise(text) for name, text in texts.items()}
    lines = solution_lines()
    assert len(lines) > 50
    leaks = [(line, name) for line in sorted(lines) for name, text in haystacks.items() if line in text]
    assert not leaks, f"solution code in the student repository: {leaks[:10]}"
    references = {normalise(p.read_text()) for p in REFERENCE.glob("*.py") if p.name != "__init__.py"}
    assert not [name for name, text in haystacks.items() if text in references]
    files = [p for p in student_repo.rglob("*") if ".git" not in p.relative_to(student_repo).parts]
    assert not [p for p in files if p.suffix in (".pyc", ".pyo", ".ipynb") or p.name == "__pycache__"]
    assert "### BEGIN SOLUTION" not in "".join(texts.values())
    log = subprocess.run(["git", "log", "--all", "--format=%H"], cwd=student_repo, capture_output=True, text=True)
    assert len(log.stdout.split()) == 1


def test_no_hidden_check_in_any_form(student_repo):
    """The student copy's checks are exactly the public ones; no hidden check's verify function,
    description or the formulas file, and no instructor-only region, is in it."""
    done = run(["-c", "import json, autograder.checks as c; "
                "print(json.dumps([k.id for k in c.ALL_CHECKS]))"], cwd=student_repo)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == PUBLIC_IDS
    text = "".join(everything_in(student_repo).values())
    hidden = [check for check in ALL_CHECKS if check.hidden]
    assert hidden
    for check in hidden:
        assert check.verify.__name__ not in text, check.id
        assert check.description not in text, check.id
    assert not (student_repo / "autograder" / "checks" / "hidden").exists()
    for name in ("two_layer_forward", "adam_steps", "linear_functional_gradients", "early_stopping_flags"):
        assert f"def {name}(" not in text  # the formulas of checks/math.py


def test_the_student_copy_runs_its_own_kit_without_formulas(student_repo):
    done = run(["-c", "import autograder, autograder.checks.expectation as e, importlib.util as u; "
                "print(autograder.__file__, e.RECORDED, u.find_spec('autograder.checks.math'))"], cwd=student_repo)
    path, recorded, spec = done.stdout.split()
    assert Path(path).resolve().is_relative_to(student_repo.resolve())
    assert (recorded, spec) == ("True", "None")


def test_instructor_commands_are_refused_in_the_student_copy(student_repo):
    done = run(["-m", "autograder", "make-exercises"], cwd=student_repo)
    assert done.returncode == 2 and "instructor's kit" in done.stderr


# --------------------------------------------------------------------------- it grades

def test_public_checks_pass_on_a_solved_copy(student_repo, tmp_path):
    """pytest in the student copy (without the Keras and Fashion-MNIST runs: see the slow test)."""
    folder = solved_copy(student_repo, tmp_path / "solved")
    done = run(["-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider",
                "-k", "not keras_model and not Fashion"], cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "public checks passed" in done.stdout


def test_public_checks_fail_on_the_stubs(student_repo):
    done = run(["-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider"], cwd=student_repo)
    assert done.returncode == 1
    assert "not implemented yet: DualLayer.backprop" in done.stdout
    assert " passed" not in done.stdout.splitlines()[-1]


def test_isolated_grade_of_one_module_in_the_student_copy(student_repo, tmp_path):
    folder = solved_copy(student_repo, tmp_path / "solved")
    results, html = tmp_path / "results.json", tmp_path / "report.html"
    done = run(["-m", "autograder", "grade", "exercises", "--only", "minibatch", "--json",
                str(results), "--html", str(html)], cwd=folder)
    assert done.returncode == 0, done.stderr
    payload = json.loads(results.read_text())
    assert payload["score"] == sum(t["max_score"] for t in payload["tests"]) > 0
    assert any(t["number"].startswith("convergence.breast_cancer") for t in payload["tests"])
    assert all(t["visibility"] == "visible" for t in payload["tests"])
    # the HTML report works in the student copy: its templates are handed out, and the pictures of
    # the gen_batch map and the four training runs are drawn from recorded values
    page = html.read_text()
    assert page.count('<img src="data:image/png;base64,') == 5 and 'class="note"' not in page


#: wrong implementations (tests/corpus/wrong) whose public check uses recorded values or, for the
#: training, the student's own forward pass
WRONG = ["single_layer.forpass.no_bias", "dual_layer.backprop.no_sigmoid_derivative",
         "dual_layer.xavier.fan_in_only", "multiclass.softmax.axis0", "multiclass.training.divided_by_m_twice",
         "optimizers.adam.t_never_incremented", "regularization.penalty_grad.l2_without_m",
         "regularization.early_stopping.ties_improve", "gradients.numerical_diff.one_sided",
         "dual_layer.training.err_y_minus_a"]

DRIVER = """
import json, sys
from autograder.checks import ALL_CHECKS
from autograder.engine import grade
jobs = json.loads(open(sys.argv[1]).read())
found = {}
for folder, check_id in jobs:
    check = next(c for c in ALL_CHECKS if c.id == check_id)
    only = {"checks": (check,)} if check.exercise.startswith("Training") else {"only": check.exercise}
    result = next(r for r in grade(folder, isolated=False, **only).results if r.check.id == check_id)
    found[folder] = [result.score, check.points, result.verdict.status, result.verdict.message]
print(json.dumps(found))
"""


def _corpus():
    return {entry["id"]: entry for entry in load_corpus("wrong")}


def test_wrong_implementations_fail_in_the_student_copy(student_repo, tmp_path):
    entries = _corpus()
    jobs = []
    solved = solved_copy(student_repo, tmp_path / "solved")
    for name in WRONG:
        entry = entries[name]
        assert entry["target_check"] in PUBLIC_IDS, name
        folder = tmp_path / name / "exercises"
        shutil.copytree(solved / "exercises", folder)
        path = folder / f"{entry['module']}.py"
        source = path.read_text()
        assert source.count(entry["find"]) == 1, name
        path.write_text(source.replace(entry["find"], entry["replace"]))
        jobs.append((str(folder), entry["target_check"]))
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    done = run(["-c", DRIVER, str(tmp_path / "jobs.json")], cwd=solved)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for (folder, check_id), name in zip(jobs, WRONG):
        score, points, status, message = found[folder]
        assert score < points, f"the student copy's {check_id} accepts {name}"
        assert status == entries[name].get("outcome", "failed"), (name, status, message)
        assert "no recorded expected value" not in message


@pytest.mark.slow
def test_full_grade_of_a_solved_copy_is_the_public_total(student_repo, tmp_path):
    """The CLI in the student copy, isolated, every public check (Keras and Fashion-MNIST too)."""
    folder = solved_copy(student_repo, tmp_path / "solved")
    results = tmp_path / "results.json"
    done = run(["-m", "autograder", "grade", "exercises", "--json", str(results)], cwd=folder)
    assert done.returncode == 0, done.stderr
    payload = json.loads(results.read_text())
    failing = [(t["number"], t["output"]) for t in payload["tests"] if t["status"] != "passed"]
    assert not failing
    assert {t["number"] for t in payload["tests"]} == PUBLIC_IDS
    assert payload["score"] == sum(c.points for c in ALL_CHECKS if not c.hidden)


@pytest.mark.slow
def test_pytest_passes_every_public_check_on_a_solved_copy(student_repo, tmp_path):
    folder = solved_copy(student_repo, tmp_path / "solved")
    done = run(["-m", "pytest", "exercises", "-q", "-p", "no:cacheprovider"], cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"public checks passed: {len(PUBLIC_IDS)}/{len(PUBLIC_IDS)}" in done.stdout


# --------------------------------------------------------------------------- regeneration

def test_regenerating_after_an_edit_of_the_reference_gives_the_new_stubs(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference, ignore=shutil.ignore_patterns("__pycache__"))
    path = reference / "single_layer.py"
    source = path.read_text()
    edited = source.replace('"""Linear output z = x · w + b.', '"""Linear output z = x · w + b (edited docstring).')
    edited = edited.replace("z = np.dot(x, self.w) + self.b\n", "z = x @ self.w + self.b  # edited solution\n")
    assert edited.count("edited") == 2
    path.write_text(edited)
    out = tmp_path / "repo"
    build_student_repo(out, reference_dir=reference, log=lambda _: None)
    stub = (out / "exercises" / "single_layer.py").read_text()
    assert "(edited docstring)" in stub and "edited solution" not in stub
    with pytest.raises(DistributionError, match="not empty"):
        build_student_repo(out, reference_dir=reference, log=lambda _: None)
    with pytest.raises(DistributionError, match="does not look like"):
        build_student_repo(reference, reference_dir=reference, force=True, log=lambda _: None)
    path.write_text(source)
    build_student_repo(out, reference_dir=reference, force=True, git=False, log=lambda _: None)
    assert "(edited docstring)" not in (out / "exercises" / "single_layer.py").read_text()
    assert not (out / ".git").exists()


def test_a_reference_that_fails_a_public_check_is_refused(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference, ignore=shutil.ignore_patterns("__pycache__"))
    path = reference / "regularization.py"
    path.write_text(path.read_text().replace("return (l1 * np.sign(w) + l2 * w) / m", "return (l1 * np.sign(w) + l2 * w)"))
    with pytest.raises(DistributionError, match="penalty_grad"):
        build_student_repo(tmp_path / "repo", reference_dir=reference, log=lambda _: None)


# --------------------------------------------------------------------------- the mechanism

def test_hidden_checks_sit_in_files_of_their_own():
    """What the student copy leaves out is a folder, not text cut out of files: each hidden check
    is declared in checks/hidden/<module>.py, with its verify function there too."""
    hidden_folder = Path(autograder.checks.__file__).resolve().parent / "hidden"
    hidden = [check for check in ALL_CHECKS if check.hidden]
    assert hidden
    for check in hidden:
        source = Path(inspect.getsourcefile(check.verify)).resolve()
        assert source.is_relative_to(hidden_folder), check.id
    for check in ALL_CHECKS:
        if not check.hidden:
            assert not Path(inspect.getsourcefile(check.verify)).resolve().is_relative_to(hidden_folder)


def test_expectation_keys_ignore_platform_integer_widths():
    args = {"w": np.arange(6.0).reshape(2, 3), "m": np.array(7, dtype=np.int32), "label": "x"}
    same = dict(args, m=np.int64(7))
    assert expectation.digest(args) == expectation.digest(same)
    assert expectation.digest(args) != expectation.digest(dict(args, m=8))
    assert expectation.digest(args) != expectation.digest(dict(args, w=args["w"].T))


def test_recorded_table_covers_the_formula_checks(student_repo):
    with np.load(student_repo / "autograder" / "checks" / "recorded.npz", allow_pickle=False) as data:
        keys = {k.split("/")[1] for k in data.files if k.startswith("expect/")}
        meta = json.loads(str(data["meta"]))
    assert meta["values"] > 40 and len(meta["trials"]) > 10
    assert {"two_layer_numerical_gradients", "softmax", "adam_steps", "penalty_grad", "central_difference",
            "early_stopping_flags", "glorot_uniform_limit", "softmax_two_layer"} <= keys
