"""The one command line, ``nnkit`` (``python -m autograder``): its version, ``--course``, what
``grade PATH`` grades (a module folder, a folder holding ``exercises/``, neither) and the commands
folded in from other modules (``gradescope-collect``, ``gradescope-fail``)."""
import argparse
import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import __version__, course_folder
from autograder.cli import build_parser, main
from autograder.course import MODULES
from autograder.loader import NoSubmission, submission_path

KIT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture(autouse=True)
def no_chosen_course(monkeypatch):
    """``--course`` sets a process-wide choice: forget it after each test."""
    monkeypatch.setattr(course_folder, "_chosen", [])


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"nnkit {__version__}"


def test_python_m_autograder_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "autograder", "--version"], cwd=KIT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"nnkit {__version__}"


def test_every_command_is_a_subcommand_of_one_parser():
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    assert {"grade", "grade-batch", "make-exercises", "student-repo", "gradescope", "gradescope-collect",
            "gradescope-fail", "nbgrader-course", "nbgrader-extract", "notebook-grade", "keras-golden",
            "fetch-data", "train"} == set(commands.choices)


def test_no_module_parses_its_own_command_line():
    """Only cli.py builds a parser or reads sys.argv; the one other reader is the isolated child's
    entry (child.main, whose only argument is its job folder), and no module but the package's
    __main__.py has a __main__ block."""
    for path in (KIT / "autograder").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        if path.name != "cli.py":
            assert "ArgumentParser" not in names, path
            assert "argv" not in names or path.name == "child.py", path
        mains = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)
                 and isinstance(node.left, ast.Name) and node.left.id == "__name__"]
        assert not mains or path.name == "__main__.py", path


# --------------------------------------------------------------------------- what grade PATH grades

def test_a_module_folder_is_graded_as_is(tmp_path):
    shutil.copy(KIT / "reference" / "single_layer.py", tmp_path)
    lines = []
    assert submission_path(tmp_path, log=lines.append) == tmp_path and not lines
    module = tmp_path / "single_layer.py"
    assert submission_path(module, log=lines.append) == module and not lines


def test_a_folder_holding_exercises_is_graded_there(tmp_path):
    (tmp_path / "exercises").mkdir()
    shutil.copy(KIT / "reference" / "single_layer.py", tmp_path / "exercises")
    lines = []
    assert submission_path(tmp_path, log=lines.append) == tmp_path / "exercises"
    assert len(lines) == 1 and "exercises" in lines[0]


def test_a_folder_with_neither_says_where_modules_are_expected(tmp_path):
    (tmp_path / "exercises").mkdir()
    with pytest.raises(NoSubmission) as error:
        submission_path(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "exercises") in message and all(f"{m}.py" in message for m in MODULES)
    with pytest.raises(NoSubmission, match="does not exist"):
        submission_path(tmp_path / "missing")


def test_cli_grades_a_student_clone_in_its_exercises_folder(tmp_path, capsys):
    """``nnkit grade CLONE``: a copy of the student repository (modules in exercises/)."""
    clone = tmp_path / "clone"
    shutil.copytree(KIT / "exercises", clone / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(KIT / "reference" / "single_layer.py", clone / "exercises")
    assert main(["grade", str(clone), "--only", "single_layer", "--min-score", "1"]) == 0
    out, err = capsys.readouterr()
    assert f"grading {clone / 'exercises'}" in err
    assert "Total:" in out and "ModuleNotFoundError" not in out


def test_cli_refuses_a_folder_without_course_modules(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["grade", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "exercises" in err and "single_layer.py" in err


# --------------------------------------------------------------------------- --course

def test_course_option_names_the_course_folder(tmp_path, capsys):
    course = tmp_path / "course"
    for side in ("reference", "exercises"):
        shutil.copytree(KIT / side, course / side, ignore=shutil.ignore_patterns("__pycache__"))
    assert main(["--course", str(course), "make-exercises", "--check"]) == 0
    assert course_folder.find() == course.resolve()
    stub = course / "exercises" / "single_layer.py"
    stub.write_text(stub.read_text() + "\n# edited\n")
    capsys.readouterr()
    assert main(["make-exercises", "--check", "--course", str(course)]) == 1   # after the command too
    assert "single_layer.py" in capsys.readouterr().out


# --------------------------------------------------------------------------- Gradescope's commands

def test_gradescope_collect_and_fail(tmp_path, capsys):
    submission = tmp_path / "submission" / "my-repo" / "exercises"
    submission.mkdir(parents=True)
    shutil.copy(KIT / "reference" / "dual_layer.py", submission)
    results = tmp_path / "results.json"
    assert main(["gradescope-collect", str(tmp_path / "submission"), str(tmp_path / "dest"),
                 "--results", str(results)]) == 0
    assert "graded modules: dual_layer" in capsys.readouterr().out
    assert (tmp_path / "dest" / "dual_layer.py").read_text() == (KIT / "reference" / "dual_layer.py").read_text()
    assert not results.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["gradescope-collect", str(empty), str(tmp_path / "dest2"), "--results", str(results)]) == 1
    assert "Nothing to grade" in json.loads(results.read_text())["output"]
    assert main(["gradescope-fail", str(results), "it broke"]) == 0
    assert json.loads(results.read_text())["output"] == "it broke"
