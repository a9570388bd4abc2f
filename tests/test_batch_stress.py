"""A class batch under stress: 30 submissions (correct, blank, partial and hostile, mixed) graded
with ``--jobs 1, 2, 4``, killed at random moments (SIGKILL and Ctrl-C) and resumed until done,
must end with the gradebook of an uninterrupted run, every student graded exactly once, and no
grading process left behind. A watchdog bounds every run, so a deadlock fails the test instead
of hanging it."""
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.files import process_tree

KIT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
#: seconds one batch command may take before the watchdog calls it a hang
WATCHDOG = 600
ONLY = "gradients"  # two cheap exercises: the stress is in the batch, not in the checks

WRONG_NUMERICAL_DIFF = '''
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h
'''
#: hostile endings of gradients.py (tokens: __OUT__ the batch's output folder, __SUBMISSIONS__)
HOSTILE = {
    "forges_classmates": (
        "import os as _os, glob as _glob\n"
        "for _p in _glob.glob('__OUT__/students/*/results.json') + _glob.glob('__SUBMISSIONS__/*/gradients.py'):\n"
        "    try:\n        open(_p, 'w').write('{\"score\": 999}')\n    except OSError:\n        pass\n"),
    "hangs": "while True:\n    pass\n",
    "exits": "import os as _os\n_os._exit(3)\n",
    "forks": "import os as _os\ntry:\n    _os.fork()\nexcept OSError:\n    pass\n",
    "fills_memory": "_hog = [bytearray(1 << 20) for _ in range(100000)]\n",
    "signals_the_grader": ("import os as _os, signal as _signal\n"
                           "for _pid in range(2, 40000):\n"
                           "    try:\n        _os.kill(_pid, _signal.SIGKILL)\n    except OSError:\n        pass\n"),
}


def make_class(folder):
    """30 student folders: 10 correct, 8 blank, 6 partial, 6 hostile."""
    kinds = ["correct"] * 10 + ["blank"] * 8 + ["partial"] * 6 + list(HOSTILE)
    random.Random(7).shuffle(kinds)
    for number, kind in enumerate(kinds):
        student = folder / f"student{number:02d}-{kind}"
        shutil.copytree(KIT / ("exercises" if kind == "blank" else "reference"), student,
                        ignore=shutil.ignore_patterns("__pycache__", "test_*", "conftest.py"))
        module = student / "gradients.py"
        if kind == "partial":
            module.write_text(module.read_text() + WRONG_NUMERICAL_DIFF)
        elif kind in HOSTILE:
            module.write_text(module.read_text() + "\n" + HOSTILE[kind])
    return kinds


def batch(submissions, out, jobs):
    return [sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
            "--jobs", str(jobs), "--only", ONLY, "--timeout", "5", "--memory", "1"]


def fill_tokens(submissions, out):
    for module in submissions.glob("*/gradients.py"):
        module.write_text(module.read_text().replace("__OUT__", str(out)).replace("__SUBMISSIONS__", str(submissions)))


def gradebook(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def run_to_completion(submissions, out, jobs, rng):
    """Start the batch, kill it at a random moment (SIGKILL or SIGINT), and rerun, until a run
    finishes on its own; returns the number of interrupted runs."""
    interrupted = 0
    while True:
        process = subprocess.Popen(batch(submissions, out, jobs), cwd=KIT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + WATCHDOG
        kill_at = time.monotonic() + rng.uniform(0.5, 6.0) if interrupted < 3 else None
        while process.poll() is None:
            assert time.monotonic() < deadline, "grade-batch did not finish: deadlock or hang"
            if kill_at is not None and time.monotonic() >= kill_at:
                tree = process_tree(process.pid)
                how = rng.choice([signal.SIGKILL, signal.SIGINT])
                os.kill(process.pid, how)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pytest.fail(f"grade-batch ignored {how.name} for 30 s")
                time.sleep(1)  # children die with their parent
                left = [pid for pid in tree if pid != process.pid and _alive(pid)]
                assert not left, f"grading processes outlived the batch after {how.name}: {left}"
                interrupted += 1
                break
            time.sleep(0.05)
        output = process.stdout.read().decode("utf-8", "replace")
        process.stdout.close()
        if kill_at is None or process.returncode == 0 and "interrupted" not in output:
            assert process.returncode == 0, output[-2000:]
            return interrupted


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    submissions, out = folder / "submissions", folder / "out"
    kinds = make_class(submissions)
    fill_tokens(submissions, out)
    done = subprocess.run(batch(submissions, out, 2), cwd=KIT, capture_output=True, text=True, timeout=WATCHDOG)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return kinds, gradebook(out)


def test_uninterrupted_batch_scores_every_kind_as_honest_code(uninterrupted):
    kinds, rows = uninterrupted
    header, rows = rows[0], rows[1:]
    assert len(rows) == 30
    total = {row[0]: float(row[1]) for row in rows}
    full = max(total.values())
    assert full > 0
    for name, score in total.items():
        kind = name.split("-", 1)[1]
        if kind == "correct":
            assert score == full, name
        elif kind == "partial":
            assert 0 < score < full, name
        elif kind == "blank":
            assert score == 0, name
        elif kind in ("forges_classmates", "forks", "signals_the_grader"):
            assert score == full, name  # refused, so its honest score; classmates untouched (above)
        else:
            assert score < full, name
    assert header[-1] == "isolation" and all(row[-1] for row in rows)


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_killed_and_resumed_batch_ends_with_the_same_gradebook(jobs, uninterrupted, tmp_path):
    _, expected = uninterrupted
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    make_class(submissions)
    fill_tokens(submissions, out)
    interrupted = run_to_completion(submissions, out, jobs, random.Random(jobs))
    assert interrupted >= 1
    assert gradebook(out) == expected
    results = sorted(p.parent.name for p in (out / "students").glob("*/results.json"))
    assert len(results) == len(set(results)) == 30
