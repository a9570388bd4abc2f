"""``python -m autograder``: grade a submission, grade a class, regenerate the exercises."""
import argparse
import sys
from pathlib import Path

from . import course_folder


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade NumPy neural-network exercises.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade one submission (a folder like exercises/, or one module)")
    grade.add_argument("path", nargs="?", default=None)
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

    course = sub.add_parser("nbgrader-course", help="write an nbgrader course (one notebook per chapter) to DIR")
    course.add_argument("directory", metavar="DIR")
    course.add_argument("--course-id", default="nnkit", help="nbgrader's course id (default: nnkit)")
    course.add_argument("--force", action="store_true", help="overwrite files that exist and differ")

    student = sub.add_parser("student-repo", help="write the students' repository (stubs, public checks, "
                             "README, GitHub Classroom workflow; no solution, no hidden check) to OUTDIR")
    student.add_argument("outdir", metavar="OUTDIR")
    student.add_argument("--force", action="store_true", help="replace OUTDIR if it is not empty")
    student.add_argument("--no-git", action="store_true", help="no git repository (default: git init, one commit)")

    gradescope = sub.add_parser("gradescope", help="write Gradescope's autograder zip (setup.sh, run_autograder, "
                                "the kit with its hidden checks)")
    gradescope.add_argument("out", metavar="OUT.zip")

    fetch = sub.add_parser("fetch-data", help="find Fashion-MNIST, or download it (into Keras's cache, "
                           "~/.keras/datasets/fashion-mnist, or $NNKIT_CACHE/fashion-mnist when set)")
    fetch.add_argument("--into", metavar="DIR", help="download into DIR (the loader looks there via $FASHION_MNIST_DIR)")
    return parser


#: subcommands of the instructor's kit only (the student repository lacks their modules)
INSTRUCTOR_COMMANDS = {"grade-batch": "batch", "make-exercises": "stubs", "nbgrader-course": "nbgrader_course",
                       "student-repo": "distribute", "gradescope": "distribute"}


def _limit_options(parser):
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per exercise")
    parser.add_argument("--memory", type=float, default=4.0, help="GiB of memory per exercise")
    parser.add_argument("--disk", type=float, default=1.0, help="GiB a submission may write per exercise")


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command in INSTRUCTOR_COMMANDS:
        import importlib.util
        if importlib.util.find_spec(f"{__package__}.{INSTRUCTOR_COMMANDS[args.command]}") is None:
            print(f"error: `{args.command}` is a command of the instructor's kit, not of this copy", file=sys.stderr)
            return 2
    if args.command == "grade":
        return _grade(args)
    if args.command == "student-repo":
        return _student_repo(args)
    if args.command == "gradescope":
        return _gradescope(args)
    if args.command == "fetch-data":
        return _fetch_data(args)
    if args.command == "grade-batch":
        from .batch import grade_batch
        grade_batch(args.submissions, args.out, jobs=args.jobs, force=args.force, limits=_limits(args), only=args.only)
        return 0
    if args.command == "nbgrader-course":
        return _nbgrader_course(args)
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
    return Limits(timeout=args.timeout, memory=int(args.memory * 1024 ** 3), disk=int(args.disk * 1024 ** 3))


def _grade(args):
    from .engine import grade
    from .report import format_table, write_results
    path = Path(args.path) if args.path else course_folder.exercises_dir()
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


def _nbgrader_course(args):
    from .nbgrader_course import write_course
    try:
        written = write_course(args.directory, course_id=args.course_id, force=args.force)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"{args.directory} is up to date")
    return 0


def _student_repo(args):
    from .distribute import DistributionError, build_student_repo
    try:
        build_student_repo(args.outdir, force=args.force, git=not args.no_git)
    except DistributionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student repository to {args.outdir}")
    return 0


def _gradescope(args):
    from .distribute import build_gradescope_zip
    names = build_gradescope_zip(args.out)
    print(f"wrote {args.out} ({len(names)} files): upload it as the assignment's autograder on Gradescope")
    return 0


def _fetch_data(args):
    import os
    from .data import fashion_mnist
    from .data.idx import DatasetError
    try:
        if args.into:
            where = fashion_mnist.download_fashion_mnist(args.into)
        else:
            try:
                where = fashion_mnist.find_dir(download=False)
            except DatasetError:
                target = (fashion_mnist.download_cache_dir() if os.environ.get(fashion_mnist.ENV_CACHE)
                          else fashion_mnist.keras_cache_dir())
                where = fashion_mnist.download_fashion_mnist(target)
        fashion_mnist.load_fashion_mnist(where, download=False)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Fashion-MNIST: {where}")
    return 0
