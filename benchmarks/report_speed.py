"""How long the visual reports take to make (not a test: tests never time anything).

* A full submission's report.html: every picture of a full grade drawn and the page rendered,
  for the reference (every check passes) and a wrong submission (tests/corpus/wrong mistakes
  in five modules). Target: ≤ 2 s a report.
* The class overview (index.html) of 300 students, synthesized from real results.json: each
  student takes the results of the reference, the exercise stubs or the wrong submission, with
  a random part of its passed checks replaced by the wrong submission's failures of the same
  check (output and hint included). Target: ≤ 10 s.

Grading itself is not timed (benchmarks/grade_speed.py does that). Run:

    python benchmarks/report_speed.py [--students 300] [--repeat 3]

Measured 2026-12-01 on a shared 2-CPU machine (load average 6–9, so wall-clock is ~2.5× the CPU
time): reference report, 20 pictures: 1.77 s CPU (4.4 s wall); wrong submission, 15 pictures:
1.39 s CPU; class overview of 300 students: 0.26 s CPU (0.61 s wall).
"""
import argparse
import copy
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from autograder import html_report  # noqa: E402
from autograder.batch import results_path  # noqa: E402
from autograder.engine import grade  # noqa: E402
from autograder.report import gradescope_results  # noqa: E402


def solved(folder):
    """exercises/ with the reference modules copied in (tests/conftest.py's solved_copy)."""
    shutil.copytree(ROOT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module in (ROOT / "reference").glob("*.py"):
        if module.name != "__init__.py":
            shutil.copy(module, folder / module.name)
    return folder


def timed(make, repeat):
    """(first run's wall-clock seconds, median wall-clock and median CPU seconds of this process
    over the next ``repeat``): on a shared machine the CPU time is what the drawing costs."""
    started = time.perf_counter()
    make()
    first = time.perf_counter() - started
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        make()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return first, statistics.median(walls), statistics.median(cpus)


def synthesize(payloads, wrong, count, out, rng):
    """``count`` students' results.json in ``out``, each from one of ``payloads`` with some passed
    checks turned into the ``wrong`` payload's failure of the same check."""
    failures = {t["number"]: t for t in wrong["tests"] if t["score"] < t["max_score"]}
    names = [f"student{i:03d}" for i in range(count)]
    for name in names:
        payload = copy.deepcopy(payloads[rng.integers(len(payloads))])
        share = rng.uniform(0, 0.5)
        for index, test in enumerate(payload["tests"]):
            if test["number"] in failures and rng.uniform() < share:
                payload["tests"][index] = copy.deepcopy(failures[test["number"]])
        payload["score"] = round(sum(t["score"] for t in payload["tests"]), 6)
        payload["execution_time"] = float(rng.uniform(20, 60))
        path = results_path(out, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload))
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from test_html_report import wrong_copy
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reports = {"reference": grade(solved(tmp / "reference"), isolated=False),
                   "wrong": grade(wrong_copy(solved(tmp / "wrong")), isolated=False),
                   "stubs": grade(ROOT / "exercises", isolated=False)}
        for name in ("reference", "wrong"):
            report = reports[name]
            pictures = sum(len(r.verdict.figures) for r in report.results)
            numbers = len(json.dumps([r.verdict.figures for r in report.results]))
            first, median, cpu = timed(lambda: html_report.render_submission(report, name), args.repeat)
            size = len(html_report.render_submission(report, name).encode())
            print(f"report.html of {name}: {pictures} pictures (figures data {numbers / 1000:.0f} kB as JSON), "
                  f"first {first:.2f} s, then median {median:.2f} s wall / {cpu:.2f} s CPU; page {size / 1e6:.2f} MB")
        payloads = [gradescope_results(reports[name]) for name in ("reference", "wrong", "stubs")]
        names = synthesize(payloads, payloads[1], args.students, tmp / "class", np.random.default_rng(0))
        first, median, cpu = timed(lambda: html_report.write_overview(tmp / "class", names, 1.0), args.repeat)
        size = (tmp / "class" / "index.html").stat().st_size
        print(f"index.html of {args.students} students: first {first:.2f} s, then median {median:.2f} s wall / "
              f"{cpu:.2f} s CPU; page {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
