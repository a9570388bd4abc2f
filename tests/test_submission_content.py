"""Issue 11: submissions are taken by content. A symbolic link anywhere in a submission is
refused before anything is resolved or imported; the isolated runner grades a copy taken by
content, never the submission in place; ``--json`` protects no folder of its own."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import engine, loader
from autograder.engine import IsolatedRunner

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"
LINK_MESSAGE = "is a symbolic link: submissions are graded by content; copy the files instead"


def _grade_cli(*args):
    """``python -m autograder grade ARGS`` with this kit on PYTHONPATH: the completed process."""
    env = dict(os.environ, PYTHONPATH=str(KIT))
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args)],
                          capture_output=True, text=True, cwd=KIT, env=env, timeout=300)


def _assert_refused(result, link):
    """The CLI refused the link ``link``: exit code 2, the message, no grading table."""
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"error: {link} {LINK_MESSAGE}" in result.stderr
    assert "Total:" not in result.stdout


# --------------------------------------------------------------------------- links are refused

def test_cli_refuses_a_folder_linked_to_the_reference(tmp_path):
    """A submission folder that is a symbolic link to the kit's reference/ is never graded as it."""
    link = tmp_path / "submission"
    link.symlink_to(REFERENCE, target_is_directory=True)
    _assert_refused(_grade_cli(link, "--only", "single_layer"), link)


def test_cli_refuses_a_module_linked_to_the_reference(tmp_path):
    """One module file that is a symbolic link to reference/dual_layer.py is refused."""
    link = tmp_path / "dual_layer.py"
    link.symlink_to(REFERENCE / "dual_layer.py")
    _assert_refused(_grade_cli(link, "--only", "dual_layer"), link)


def test_cli_refuses_a_folder_holding_a_linked_module(tmp_path):
    """A real folder whose dual_layer.py is a symbolic link to the reference is refused."""
    folder = tmp_path / "submission"
    shutil.copytree(KIT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "dual_layer.py").unlink()
    (folder / "dual_layer.py").symlink_to(REFERENCE / "dual_layer.py")
    _assert_refused(_grade_cli(folder, "--only", "dual_layer"), folder / "dual_layer.py")


def _stub_folder(folder):
    """A submission folder holding copies of the kit's stubs; returns it."""
    folder.mkdir(parents=True)
    for module in loader.MODULES:
        shutil.copy(KIT / "exercises" / f"{module}.py", folder / f"{module}.py")
    return folder


def test_cli_refuses_a_folder_named_like_a_module(tmp_path):
    """Anything but a regular file where a module is expected (here a folder ``dual_layer.py``)
    is refused with a message and exit code 2, never a traceback."""
    folder = _stub_folder(tmp_path / "submission")
    (folder / "dual_layer.py").unlink()
    (folder / "dual_layer.py").mkdir()
    result = _grade_cli(folder, "--only", "dual_layer")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "dual_layer.py is not a regular file" in result.stderr
    assert "Traceback" not in result.stderr and "Total:" not in result.stdout


def test_a_linked_parent_folder_or_exercises_folder_is_refused(tmp_path):
    """A link on the path given (a parent folder) or a clone whose exercises/ is a link: refused
    by submission_path and by engine.grade, with the link named."""
    _stub_folder(tmp_path / "real" / "student")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "exercises").symlink_to(tmp_path / "real" / "student", target_is_directory=True)
    for path, link in ((tmp_path / "alias" / "student", tmp_path / "alias"), (clone, clone / "exercises")):
        for refuse in (loader.submission_path, engine.grade):
            with pytest.raises(loader.LinkedSubmission) as caught:
                refuse(path)
            assert str(caught.value) == f"{link} {LINK_MESSAGE}"


def test_batch_records_a_linked_student_folder_and_goes_on(tmp_path, solved_copy):
    """grade-batch: a student folder that is a link scores 0 with the message in results.json;
    the next student is graded."""
    from autograder.batch import grade_batch, results_path
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    submissions.mkdir()
    (submissions / "alice").symlink_to(REFERENCE, target_is_directory=True)
    shutil.copytree(solved_copy, submissions / "bob")
    grade_batch(submissions, out, jobs=1, only="single_layer")
    alice = json.loads(results_path(out, "alice").read_text())
    assert alice["score"] == 0 and alice["tests"] == [] and LINK_MESSAGE in alice["output"]
    assert json.loads(results_path(out, "bob").read_text())["score"] > 0


# --------------------------------------------------------------------------- a copy by content

def test_runner_grades_a_copy_taken_by_content(tmp_path):
    """The runner's folder is its own copy: course modules and helpers by content, no tests, no
    __init__.py; changing the submission afterwards does not change what is graded."""
    folder = _stub_folder(tmp_path / "submission")
    (folder / "helpers.py").write_text("HELP = 1\n")
    (folder / "test_mine.py").write_text("raise SystemExit\n")
    (folder / "__init__.py").write_text("raise SystemExit\n")
    runner = IsolatedRunner(folder)
    try:
        copy = runner.folder
        assert copy.resolve().is_relative_to(runner.tmp.resolve())
        assert sorted(p.name for p in copy.iterdir()) == sorted(
            [f"{m}.py" for m in loader.MODULES] + ["helpers.py"])
        (folder / "single_layer.py").write_text("CHANGED = True\n")
        assert (copy / "single_layer.py").read_bytes() == (KIT / "exercises" / "single_layer.py").read_bytes()
        assert (copy / "helpers.py").read_text() == "HELP = 1\n"
    finally:
        runner.close()
    assert not runner.tmp.exists()


def test_runner_refuses_links_fifos_and_huge_modules_and_cleans_up(tmp_path):
    """IsolatedRunner (as engine.grade builds it) refuses a linked module, a FIFO (without
    blocking) and a module over the size cap, each a RefusedSubmission, leaving no run folder."""
    cases = {"link": loader.LinkedSubmission, "fifo": loader.RefusedSubmission, "huge": loader.RefusedSubmission}
    for kind, error in cases.items():
        folder = _stub_folder(tmp_path / kind)
        target = folder / "dual_layer.py"
        target.unlink()
        if kind == "link":
            target.symlink_to(REFERENCE / "dual_layer.py")
        elif kind == "fifo":
            os.mkfifo(target)
        else:
            target.write_bytes(b"#" * (loader.MAX_MODULE_BYTES + 1))
        before = set(Path(engine._grading_root() or "/nonexistent").glob("nnkit-grade-*"))
        with pytest.raises(error):
            IsolatedRunner(folder)
        assert set(Path(engine._grading_root() or "/nonexistent").glob("nnkit-grade-*")) == before


def test_read_module_refuses_a_link(tmp_path):
    """read_module never follows a link, whatever it points to."""
    link = tmp_path / "single_layer.py"
    link.symlink_to(REFERENCE / "single_layer.py")
    with pytest.raises(loader.LinkedSubmission):
        loader.read_module(link, loader.MAX_MODULE_BYTES)


# --------------------------------------------------------------------------- --json protects no folder

def test_json_protects_no_folder(tmp_path, monkeypatch):
    """``grade --json DIR/results.json`` passes nothing extra to protect: a results.json written
    where the kit's packages live (.venv) must not hide them from the children."""
    seen = {}

    def fake_grade(path, **kwargs):
        seen.update(kwargs)
        raise KeyboardInterrupt  # stop before anything is graded

    monkeypatch.setattr(engine, "grade", fake_grade)
    from autograder.cli import main
    folder = _stub_folder(tmp_path / "submission")
    with pytest.raises(KeyboardInterrupt):
        main(["grade", str(folder), "--json", str(tmp_path / ".venv" / "results.json")])
    assert not seen.get("protected")
