"""Grading a class: one sub-folder per student, a results.json each and a gradebook.csv.

Each student's results are written atomically as ``OUT/<student>/results.json``; a student whose
file exists is not regraded unless ``force`` is set, so an interrupted batch restarted with the
same command finishes the rest. One broken submission never stops the batch.
"""
import csv
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .checks import ALL_CHECKS, exercises
from .files import atomic_write
from .report import gradescope_results, write_results_json


def student_folders(submissions):
    """Sub-folders of ``submissions`` (hidden ones excluded), sorted by name."""
    return sorted(p for p in Path(submissions).iterdir() if p.is_dir() and not p.name.startswith("."))


def grade_batch(submissions, out, jobs=2, force=False, limits=None, only=None):
    """Grade every student folder into ``out``; returns the gradebook path."""
    from .engine import grade
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    students = student_folders(submissions)

    def grade_one(folder):
        target = out / folder.name / "results.json"
        if target.exists() and not force:
            return folder.name, "kept"
        target.parent.mkdir(exist_ok=True)
        try:
            # other students' folders and the output folder are off limits to this submission
            protected = [str(submissions), str(out)]
            report = grade(folder, only=only, jobs=1, limits=limits, protected=protected)
            payload = gradescope_results(report)
        except Exception as exc:  # a broken submission must not stop the batch
            payload = {"score": 0, "tests": [], "output": f"could not be graded: {type(exc).__name__}: {exc}"}
        write_results_json(target, payload)
        return folder.name, "graded"

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, status in pool.map(grade_one, students):
            print(f"{status:>7}  {name}", flush=True)
    return write_gradebook(out, [s.name for s in students])


def write_gradebook(out, names):
    """gradebook.csv: student, total, then one column per exercise (points earned)."""
    columns = exercises(ALL_CHECKS)

    def write(handle):
        writer = csv.writer(handle)
        writer.writerow(["student", "total", *columns])
        for name in names:
            results = Path(out) / name / "results.json"
            if not results.exists():
                writer.writerow([name, "", *[""] * len(columns)])
                continue
            payload = json.loads(results.read_text(encoding="utf-8"))
            per_exercise = dict.fromkeys(columns, 0.0)
            for test in payload.get("tests", []):
                exercise = test.get("tags", [None])[0]
                if exercise in per_exercise:
                    per_exercise[exercise] += float(test.get("score", 0))
            writer.writerow([name, f"{float(payload.get('score', 0)):g}",
                             *[f"{per_exercise[c]:g}" for c in columns]])

    return atomic_write(Path(out) / "gradebook.csv", write, encoding="utf-8", newline="")
