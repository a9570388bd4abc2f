"""The students' kit of the nbgrader course: the student copy (``nnkit student-repo DIR``)
installed into a fresh virtual environment as README's Install step says, in place of this kit.

Through the real tools (slow): the installed copy holds and imports no solution, hidden check,
formula or course generator; a released chapter notebook (``nbgrader generate_assignment``) run
by that environment's kernel, with the reference solutions pasted into its solution cells, earns
every public point of each test cell and runs its experiment; ``nbgrader validate`` of that
environment passes it, and shows the untouched release's failing test cells as one line each,
without a traceback; its ``nnkit train`` and ``nnkit nbgrader-exchange`` work in a student's home.

Offline-friendly like ``tests/test_packaging.py`` (whose fresh environments this reuses): the copy
is installed ``--no-deps --no-build-isolation`` into an environment that sees this environment's
packages (numpy, nbgrader, ipykernel…; not its own kit) through a ``.pth`` line.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import test_packaging
from test_packaging import fresh_venv, run
from test_student_repo import normalise, solution_lines

nbformat = pytest.importorskip("nbformat")

KIT = Path(__file__).resolve().parent.parent
CHAPTER = "ch1_single_layer"

#: a folder of links to this environment's packages but its own kit (a fixture)
dependencies = test_packaging.dependencies

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::RuntimeWarning")]


def readme_student_kit_command():
    """README's command that writes the student kit (the students' side of the nbgrader course's
    Install), as its words: ``python -m autograder student-repo /opt/nnkit-student …``."""
    text = (KIT / "README.md").read_text()
    section = text[text.index("## For instructors: an nbgrader course"):]
    (line,) = [line for block in re.findall(r"```bash\n(.*?)```", section, re.S) for line in block.splitlines()
               if " student-repo " in line]
    return line.partition("#")[0].split()


@pytest.fixture(scope="module")
def student_kit(tmp_path_factory):
    """The student copy, written by README's command (into a folder of this test, not /opt)."""
    folder = tmp_path_factory.mktemp("student") / "nnkit-student"
    command = readme_student_kit_command()
    assert command[:4] == ["python", "-m", "autograder", "student-repo"] and command[4] == "/opt/nnkit-student"
    run(sys.executable, *command[1:4], folder, *command[5:], cwd=KIT)
    return folder


@pytest.fixture(scope="module")
def student_venv(student_kit, dependencies, tmp_path_factory):
    """A fresh environment with the student copy installed (editable, as README says), and only it."""
    venv = fresh_venv(tmp_path_factory.mktemp("student-venv") / "venv", dependencies)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e",
        student_kit)
    return venv


def student_env(home, venv):
    """A student's shell: their home, the students' environment ``venv`` first on PATH, nothing of
    this kit (no PYTHONPATH, no Jupyter or nbgrader settings of this process)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER_", "NNKIT_", "PYTHON", "VIRTUAL_ENV", "NBGRADER"))}
    env.pop("MPLBACKEND", None)  # the kernel's inline backend shows the curves
    env.update(HOME=str(home), TF_CPP_MIN_LOG_LEVEL="3",
               PATH=os.pathsep.join([str(venv / "bin"), os.environ.get("PATH", "")]))
    return env


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The chapter's source and release notebooks: the course generated and released by the
    instructor's kit (this one) and nbgrader."""
    pytest.importorskip("nbgrader")
    course = tmp_path_factory.mktemp("course")
    run(sys.executable, "-m", "autograder", "nbgrader-course", course, cwd=KIT)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    run(sys.executable, "-m", "nbgrader", "generate_assignment", CHAPTER, "--log-level=WARN", cwd=course,
        env=dict(os.environ, PATH=path, JUPYTER_CONFIG_DIR=str(course / ".jupyter-config")))
    read = lambda kind: nbformat.read(str(course / kind / CHAPTER / f"{CHAPTER}.ipynb"), as_version=4)  # noqa: E731
    return read("source"), read("release")


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _solved(source, release):
    """The release with the reference solution pasted into each solution cell, as a student would."""
    solutions = {_meta(cell)["grade_id"]: cell.source for cell in source.cells if _meta(cell).get("solution")}
    solved = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in solved.cells:
        if _meta(cell).get("solution"):
            cell.source = solutions[_meta(cell)["grade_id"]]
    return solved


def _public_points(cell):
    """The points a test cell's (released, public) checks are worth, from its code."""
    return sum(float(points) for points in re.findall(r"^\s*'[\w.]+': ([\d.]+),$", cell.source, re.M))


PROBE = ("import importlib.util, json, sys, autograder, autograder.checks as c\n"
         "print('PROBE ' + json.dumps({'prefix': sys.prefix, 'kit': autograder.__file__, "
         "'hidden': [k.id for k in c.ALL_CHECKS if k.hidden], "
         "'importable': [n for n in ('autograder.checks.math', 'autograder.checks.hidden', 'autograder.distribute', "
         "'autograder.nbgrader_course', 'autograder.stubs', 'reference') if importlib.util.find_spec(n)]}))")


def test_the_student_kit_holds_no_solution_hidden_check_or_formula(student_kit, student_venv, tmp_path):
    names = {path.relative_to(student_kit).as_posix() for path in student_kit.rglob("*") if path.is_file()}
    assert not [name for name in names if name.startswith(("reference/", "autograder/checks/hidden/"))]
    for name in ("autograder/checks/math.py", "autograder/distribute.py", "autograder/nbgrader_course.py",
                 "autograder/stubs.py", "autograder/templates/nbgrader_config.py.j2"):
        assert name not in names
    assert "autograder/notebook.py" in names and "autograder/checks/recorded.npz" in names
    # golden files: only those public checks read (the recorded Keras runs of the public
    # multiclass.keras.* and optimizers.*.keras checks; the reference curves the public training
    # checks' figures draw) and their README
    from autograder import keras_golden, reference_curves
    from autograder.checks import ALL_CHECKS
    readers = [check for check in ALL_CHECKS if check.id.startswith("multiclass.keras.")
               or (check.id.startswith("optimizers.") and check.id.endswith(".keras"))]
    assert readers and not [check for check in readers if check.hidden]
    golden = {name.removeprefix("autograder/golden/") for name in names if name.startswith("autograder/golden/")}
    assert golden == {keras_golden.MANIFEST_FILE, keras_golden.NETWORK_FILE, keras_golden.OPTIMIZERS_FILE,
                      reference_curves.GOLDEN_FILE.name, "README.md"}
    # no solution line in the copy, its git history or what the install put into the environment
    texts = {str(path): path.read_text(errors="replace") for path in student_kit.rglob("*")
             if path.is_file() and path.suffix != ".npz"}   # recorded.npz: tests/test_student_repo.py
    texts.update({str(path): path.read_text(errors="replace") for path in student_venv.rglob("*")
                  if path.is_file() and not path.is_symlink() and "nnkit" in path.name.lower()})
    assert any(name.endswith(".pth") or name.endswith("finder.py") for name in texts)   # the editable install's
    lines = solution_lines()
    assert len(lines) > 50
    leaks = [(line, name) for line in sorted(lines) for name, text in texts.items() if line in normalise(text)]
    assert not leaks, leaks[:10]
    assert "### BEGIN SOLUTION" not in "".join(texts.values())
    done = run(student_venv / "bin" / "python", "-c", PROBE, cwd=tmp_path, env=student_env(tmp_path, student_venv))
    probe = json.loads(done.stdout.split("PROBE ", 1)[1])
    assert Path(probe["kit"]).resolve().is_relative_to(student_kit.resolve())
    assert probe["hidden"] == [] and probe["importable"] == []


def test_a_released_notebook_runs_on_the_student_kit(student_kit, student_venv, release, tmp_path):
    """The students' kernel (the fresh environment's) runs the released notebook with the reference
    pasted in: the modules, each test cell's public checks in full, the experiment, on the student
    copy only."""
    source, released = release
    solved = _solved(source, released)
    solved.cells.append(nbformat.v4.new_code_cell(PROBE))
    home = tmp_path / "home"
    (home / CHAPTER).mkdir(parents=True)
    notebook = home / CHAPTER / f"{CHAPTER}.ipynb"
    nbformat.write(solved, str(notebook))
    script = ("import nbclient, nbformat, sys\n"
              "nb = nbformat.read(sys.argv[1], as_version=4)\n"
              "nbclient.NotebookClient(nb, timeout=900, kernel_name='python3', allow_errors=True,\n"
              "                        resources={'metadata': {'path': str(sys.argv[2])}}).execute()\n"
              "nbformat.write(nb, sys.argv[1])\n")
    run(student_venv / "bin" / "python", "-c", script, notebook, notebook.parent, cwd=home,
        env=student_env(home, student_venv))
    executed = nbformat.read(str(notebook), as_version=4)
    outputs = {id(cell): [o for o in cell.get("outputs", ())] for cell in executed.cells if cell.cell_type == "code"}
    errors = [o for cell_outputs in outputs.values() for o in cell_outputs
              if o.output_type == "error" or o.get("name") == "stderr" and o.text.strip()]
    assert not errors, errors
    text = lambda cell: "".join(o.get("text", "") for o in outputs[id(cell)])  # noqa: E731
    probe = json.loads(text(executed.cells[-1]).split("PROBE ", 1)[1])
    assert Path(probe["prefix"]).resolve() == student_venv.resolve()       # the students' kernel …
    assert Path(probe["kit"]).resolve().is_relative_to(student_kit.resolve())   # … with the student kit
    assert probe["hidden"] == [] and probe["importable"] == []
    tests = [cell for cell in executed.cells if _meta(cell).get("grade")]
    public = [cell for cell in tests if _public_points(cell)]
    assert public
    for cell in public:
        points = _public_points(cell)
        assert f"Total: {points:g}/{points:g}" in text(cell), text(cell)
    assert re.search(r"validation accuracy: [\d.]+", "".join(text(cell) for cell in executed.cells
                                                              if cell.cell_type == "code"))


def test_nbgrader_validate_in_the_students_environment(student_venv, release, tmp_path):
    """``nbgrader validate`` of the students' environment: the solved release passes; the untouched
    release's failing cells show one line each (the points and the first reason), no traceback."""
    source, released = release
    home = tmp_path / "home"
    (home / CHAPTER).mkdir(parents=True)
    env = student_env(home, student_venv)
    for name, notebook in (("solved", _solved(source, released)), ("stub", released)):
        nbformat.write(notebook, str(home / CHAPTER / f"{CHAPTER}.ipynb"))
        done = subprocess.run([student_venv / "bin" / "python", "-m", "nbgrader", "validate",
                               f"{CHAPTER}/{CHAPTER}.ipynb"], cwd=home, env=env, capture_output=True, text=True,
                              timeout=1800)
        log = done.stdout + done.stderr
        assert "Traceback" not in log and "site-packages" not in log, log[-4000:]
        if name == "solved":
            assert "Success! Your notebook passes all the tests." in log, log[-4000:]
        else:   # one failing cell per test cell with public checks, its error one line
            public = [cell for cell in released.cells if _meta(cell).get("grade") and _public_points(cell)]
            assert f"VALIDATION FAILED ON {len(public)} CELL(S)!" in log, log[-4000:]
            errors = [error.strip() for error in re.findall(r"The error was:\n\n(.*?)\n\s*\n", log, re.S)]
            assert len(errors) == len(public) and not [error for error in errors if "\n" in error], errors
            points = [f"0 of {_public_points(cell):g} points in this cell (" for cell in public]
            assert [error[:len(start)] for error, start in zip(errors, points)] == points, errors
            assert errors[0].startswith("0 of 4 points in this cell (not implemented yet: SingleLayer.forpass)")


def test_nnkit_train_in_the_students_environment(student_venv, tmp_path):
    """``nnkit train`` of the students' environment, run in a student's home (no course folder):
    the student's module, the kit's stubs of the others, the learning curves saved."""
    home = tmp_path / "home"
    (home / "mine").mkdir(parents=True)
    (home / "mine" / "single_layer.py").write_text((KIT / "reference" / "single_layer.py").read_text())
    done = run(student_venv / "bin" / "nnkit", "train", "single_layer", "mine", "--epochs", "2",
               "--save", "curves.png", cwd=home, env=student_env(home, student_venv))
    assert re.search(r"validation accuracy: [\d.]+", done.stdout) and "epoch 2/2" in done.stdout, done.stdout
    assert (home / "curves.png").stat().st_size > 0


def test_nbgrader_exchange_in_the_students_environment(student_venv, tmp_path):
    """``nnkit nbgrader-exchange`` of the students' environment (as in a JupyterHub image): the
    exchange folder (mode 1777) and the students' nbgrader configuration."""
    home = tmp_path / "home"
    home.mkdir()
    run(student_venv / "bin" / "nnkit", "nbgrader-exchange", "--root", tmp_path / "exchange", "--config-dir",
        tmp_path / "etc-jupyter", cwd=home, env=student_env(home, student_venv))
    assert (tmp_path / "exchange").stat().st_mode & 0o7777 == 0o1777
    config = (tmp_path / "etc-jupyter" / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {str(tmp_path / 'exchange')!r}" in config and "course_id = 'nnkit'" in config
