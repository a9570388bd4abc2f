"""``python -m autograder``: grade a submission, grade a class, regenerate the exercises."""
import argparse
import sys
from pathlib import Path

from .course import EXERCISES_DIR


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade NumPy neural-network exercises.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade one submission (a folder like exercises/, or one module)")
    grade.add_argument("path", nargs="?", default=str(EXERCISES_DIR))
    grade.add_argument("--json", metavar="RESULTS", help="write Gradescope's results.json here")
    grade.add_argument("--only", metavar="EXERCISE", help="grade one exercise or module (e.g. DualLayer.backprop)")
    grade.add_argument("--min-score", type=float, metavar="S", help="exit with code 1 below this score")
    grade.add_argument("--public", action="store_true", help="public checks only (what students run)")
    _limit_options(grade)

    batch = sub.add_parser("grade-batch", help="grade a folder of submissions, one sub-folder per student")
    batch.add_argument("submissions")
    batch.add_argument("--out", required=True, help="folder for results and gradebook.csv")
    batch.add_argument("--jobs", type=int, default=2)
    batch.add_argument("--force", action="store_true", help="regrade students already graded")
    batch.add_argument("--only", metavar="EXERCISE", help="grade one exercise or module")
    _limit_options(batch)

    make = sub.add_parser("make-exercises", help="regenerate exercises/ from reference/")
    make.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")
    return parser


def _limit_options(parser):
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per exercise")
    parser.add_argument("--memory", type=float, default=4.0, help="GiB of memory per exercise")


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "grade":
        return _grade(args)
    if args.command == "grade-batch":
        from .batch import grade_batch
        grade_batch(args.submissions, args.out, jobs=args.jobs, force=args.force, limits=_limits(args), only=args.only)
        return 0
    if args.command == "make-exercises":
        from .stubs import write_exercises, stale_exercises
        if args.check:
            stale = stale_exercises()
            print("exercises/ is up to date" if not stale else "out of date: " + ", ".join(stale))
            return 1 if stale else 0
        for path in write_exercises():
            print(f"wrote {path}")
        return 0
    return 2


def _limits(args):
    from .engine import Limits
    return Limits(timeout=args.timeout, memory=int(args.memory * 1024 ** 3))


def _grade(args):
    from .engine import grade
    from .report import format_table, write_results
    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    protected = [str(Path(args.json).resolve().parent)] if args.json else []
    report = grade(path, only=args.only, include_hidden=not args.public, limits=_limits(args), protected=protected)
    if not report.results:
        print(f"error: no check matches --only {args.only!r}", file=sys.stderr)
        return 2
    print(format_table(report))
    if args.json:
        write_results(report, args.json)
    if args.min_score is not None and report.score < args.min_score:
        print(f"score {report.score:g} is below the required {args.min_score:g}", file=sys.stderr)
        return 1
    return 0
