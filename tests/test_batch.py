"""grade-batch: one folder per student, results per student, gradebook, restartable, safe
whatever the students' names, and stopped cleanly by Ctrl-C."""
import csv
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from autograder.batch import results_path

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
    carol = json.loads(results_path(out, "carol").read_text())
    assert "SyntaxError" in carol["tests"][0]["output"]


def test_batch_restart_keeps_finished_students_and_force_regrades(tmp_path, solved_copy):
    submissions, out = _class(tmp_path, solved_copy), tmp_path / "out"
    assert _run(submissions, out).returncode == 0
    alice = results_path(out, "alice")
    before = alice.stat().st_mtime_ns
    results_path(out, "bob").unlink()          # as if interrupted before bob was written
    result = _run(submissions, out)
    assert "kept  alice" in result.stdout and "graded  bob" in result.stdout
    assert alice.stat().st_mtime_ns == before
    assert results_path(out, "bob").exists()
    result = _run(submissions, out, "--force")
    assert "graded  alice" in result.stdout and alice.stat().st_mtime_ns != before


ODD_NAMES = ("gradebook.csv", "..a", "x\ny", "=1+1", "a b", "-rf", "élève")


def test_batch_is_safe_whatever_the_students_names(tmp_path, solved_copy):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    for name in ODD_NAMES:
        shutil.copytree(solved_copy if name != "a b" else KIT / "exercises", submissions / name)
    result = _run(submissions, out)
    assert result.returncode == 0, result.stderr
    assert "x\\ny" in result.stdout and "\n  graded  y" not in result.stdout   # one line per student
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"gradebook.csv", "..a", "x\ny", "'=1+1", "a b", "'-rf", "élève"}
    totals = {name: float(row["total"]) for name, row in rows.items()}
    assert totals["a b"] == 0 and len({t for n, t in totals.items() if n != "a b"}) == 1 and totals["..a"] > 0
    folders = sorted(p.name for p in (out / "students").iterdir())
    assert len(folders) == len(ODD_NAMES) and sorted(p.name for p in out.iterdir()) == ["gradebook.csv", "index.html", "students"]
    assert not (tmp_path / "a").exists() and all(results_path(out, name).parent.parent == out / "students"
                                                    for name in ODD_NAMES)
    again = _run(submissions, out)          # a restart grades nobody twice
    assert again.stdout.count("   kept  ") == len(ODD_NAMES) and "graded" not in again.stdout


def test_ctrl_c_stops_the_batch_and_writes_the_gradebook(tmp_path, solved_copy):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    shutil.copytree(solved_copy, submissions / "alice")
    for name in ("bob", "carol", "dave"):   # each would keep a child busy for ten minutes
        shutil.copytree(solved_copy, submissions / name)
        module = submissions / name / "optimizers.py"
        module.write_text(module.read_text() + "\nimport time\nAdam.update = lambda self, p, g: time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                                "--only", "optimizers", "--jobs", "1", "--timeout", "900"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=KIT)
    first = process.stdout.readline()
    assert first.split()[:3] == ["[1/4]", "graded", "alice"]   # [k/N] status student score time
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted: 1 of 4 graded; rerun to finish" in stdout and "Traceback" not in stderr
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert float(rows["alice"]["total"]) > 0 and rows["bob"]["total"] == rows["dave"]["total"] == ""
    assert not results_path(out, "bob").exists()
