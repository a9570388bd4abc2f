"""Wall-clock time of grading (a benchmark, not a test): full grade of the reference, one
exercise, and the stubs, through the isolated CLI path. Run: python benchmarks/grade_speed.py"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.engine import grade  # noqa: E402

KIT = Path(__file__).resolve().parent.parent

for label, path, only in (("full grade of reference/", KIT / "reference", None),
                          ("one exercise (DualLayer.backprop)", KIT / "reference", "DualLayer.backprop"),
                          ("full grade of exercises/ (stubs)", KIT / "exercises", None)):
    start = time.perf_counter()
    report = grade(path, only=only)
    print(f"{label:<40} {time.perf_counter() - start:6.1f} s   {report.score:g}/{report.max_score:g}")
