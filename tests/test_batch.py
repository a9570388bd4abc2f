"""grade-batch: one folder per student, results per student, gradebook, restartable."""
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent


def _run(submissions, out, *extra):
    return subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                           "--only", "optimizers", *extra], capture_output=True, text=True, cwd=KIT)


def _class(tmp_path, solved_copy):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copytree(solved_copy, submissions / "alice")
    shutil.copytree(KIT / "exercises", submissions / "bob")
    shutil.copytree(solved_copy, submissions / "carol")
    (submissions / "carol" / "optimizers.py").write_text("def broken(:\n")  # syntax error
    return submissions


def test_batch_grades_everyone_and_writes_gradebook(tmp_path, solved_copy):
    submissions, out = _class(tmp_path, solved_copy), tmp_path / "out"
    result = _run(submissions, out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert set(rows) == {"alice", "bob", "carol"}
    from autograder.checks import ALL_CHECKS
    adam = sum(c.points for c in ALL_CHECKS if c.exercise == "Adam.update")
    optimizers = sum(c.points for c in ALL_CHECKS if c.exercise in ("Momentum.update", "RMSProp.update", "Adam.update"))
    assert float(rows["alice"]["total"]) == optimizers and float(rows["alice"]["Adam.update"]) == adam
    assert float(rows["bob"]["total"]) == 0 and float(rows["carol"]["total"]) == 0
    carol = json.loads((out / "carol" / "results.json").read_text())
    assert "SyntaxError" in carol["tests"][0]["output"]


def test_batch_restart_keeps_finished_students_and_force_regrades(tmp_path, solved_copy):
    submissions, out = _class(tmp_path, solved_copy), tmp_path / "out"
    assert _run(submissions, out).returncode == 0
    alice = out / "alice" / "results.json"
    before = alice.stat().st_mtime_ns
    (out / "bob" / "results.json").unlink()          # as if interrupted before bob was written
    result = _run(submissions, out)
    assert "kept  alice" in result.stdout and "graded  bob" in result.stdout
    assert alice.stat().st_mtime_ns == before
    assert (out / "bob" / "results.json").exists()
    result = _run(submissions, out, "--force")
    assert "graded  alice" in result.stdout and alice.stat().st_mtime_ns != before
