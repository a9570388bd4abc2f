"""The kit's one command line, ``nnkit`` (or ``python -m autograder``): grade a submission or a
class, regenerate the exercises, hand out the course (student repository, Gradescope, nbgrader),
and the commands that those run (``gradescope-collect``, ``notebook-grade``, …).

Every subcommand is a parser built by one ``_add_*`` function and a handler ``_run_*(args)``
returning the exit code; the modules keep the work, this module only parses and reports.
"""
import argparse
import contextlib
import sys
import time

from . import __version__, course_folder


def build_parser():
    """The ``nnkit`` parser: global options, then one subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", metavar="DIR", default=argparse.SUPPRESS,
                        help="the course folder (holding exercises/, reference/); default: found from the "
                        f"working folder or ${course_folder.ENV_COURSE}")
    parser = argparse.ArgumentParser(prog="nnkit", parents=[common],
                                     description="Grade NumPy neural-network exercises.")
    parser.add_argument("--version", action="version", version=f"nnkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_grade, _add_grade_batch, _add_make_exercises, _add_student_repo, _add_gradescope,
                _add_gradescope_collect, _add_gradescope_fail, _add_nbgrader_course, _add_nbgrader_extract,
                _add_nbgrader_exchange, _add_nbgrader_hand_in, _add_notebook_grade, _add_keras_golden,
                _add_fetch_data, _add_train):
        add(sub, common)
    return parser


#: subcommands of the instructor's kit only (the student repository lacks their modules)
INSTRUCTOR_COMMANDS = {"grade-batch": "batch", "make-exercises": "stubs", "nbgrader-course": "nbgrader_course",
                       "nbgrader-extract": "nbgrader_course", "notebook-grade": "notebook",
                       "nbgrader-exchange": "nbgrader_exchange", "nbgrader-hand-in": "nbgrader_exchange",
                       "student-repo": "distribute", "gradescope": "distribute",
                       "gradescope-collect": "gradescope", "gradescope-fail": "gradescope"}


def main(argv=None):
    """Run ``nnkit ARGV``; returns the exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "course", None):
        course_folder.use(args.course)
    if args.command in INSTRUCTOR_COMMANDS:
        import importlib.util
        if importlib.util.find_spec(f"{__package__}.{INSTRUCTOR_COMMANDS[args.command]}") is None:
            print(f"error: `{args.command}` is a command of the instructor's kit, not of this copy", file=sys.stderr)
            return 2
    try:
        return args.run(args)
    except course_folder.CourseFolderNotFound as exc:
        return _error(exc)
    except CommandFailed as exc:
        return _error(exc, exc.code)


def _command(sub, common, name, run, summary, *positionals):
    """The subcommand ``name`` (run by ``run(args)``) with the common options and ``positionals``
    (``"dest"`` or ``"dest:METAVAR"``)."""
    parser = sub.add_parser(name, parents=[common], help=summary, description=summary)
    parser.set_defaults(run=run)
    for positional in positionals:
        dest, _, metavar = positional.partition(":")
        parser.add_argument(dest, metavar=metavar or None)
    return parser


def _limit_options(parser):
    parser.add_argument("--timeout", type=float, default=60.0, help="wall-clock seconds per exercise")
    parser.add_argument("--memory", type=float, default=4.0, help="GiB of memory per exercise")
    parser.add_argument("--disk", type=float, default=1.0, help="GiB a submission may write per exercise")
    parser.add_argument("--isolation", choices=("auto", "bwrap", "kernel", "none"), default="auto",
                        help="how each submission's children are confined: bubblewrap namespaces, kernel guards "
                             "(Landlock and seccomp) where namespaces are not available, or none (not for "
                             "credit); auto picks the strongest available and refuses to grade without one")


def _force_option(parser, meaning):
    parser.add_argument("--force", action="store_true", help=meaning)


def _limits(args):
    from .engine import Limits
    return Limits(timeout=args.timeout, memory=int(args.memory * 1024 ** 3), disk=int(args.disk * 1024 ** 3))


def _error(message, code=2):
    print(f"error: {message}", file=sys.stderr)
    return code


class CommandFailed(Exception):
    """A command that cannot do its work: ``error: MESSAGE`` on stderr, exit code ``code``."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


@contextlib.contextmanager
def _failing_on(*errors, code=2):
    """Turn the listed exceptions (a user's mistake, not a bug) into :class:`CommandFailed`."""
    try:
        yield
    except errors as exc:
        raise CommandFailed(str(exc), code) from exc


def _print_written(paths, nothing):
    for path in paths:
        print(f"wrote {path}")
    if not paths:
        print(nothing)


# --------------------------------------------------------------------------- grading

def _add_grade(sub, common):
    grade = _command(sub, common, "grade", _run_grade, "grade one submission (a folder like exercises/, "
                     "a folder holding exercises/, or one module)")
    grade.add_argument("path", nargs="?", default=None)
    grade.add_argument("--json", metavar="RESULTS", help="write Gradescope's results.json here")
    grade.add_argument("--only", metavar="EXERCISE", help="grade one exercise or module (e.g. DualLayer.backprop)")
    grade.add_argument("--assignment", metavar="NAME", help="only the checks of one nbgrader assignment "
                       "(e.g. ch1_single_layer): that notebook's table and total")
    grade.add_argument("--min-score", type=float, metavar="S", help="exit with code 1 below this score")
    grade.add_argument("--public", action="store_true", help="public checks only (what students run)")
    grade.add_argument("--html", metavar="REPORT", help="write a self-contained HTML report with pictures here")
    _limit_options(grade)


def _run_grade(args):
    from . import progress
    from .engine import grade
    from .isolation import IsolationUnavailable
    from .loader import NoSubmission, RefusedSubmission, submission_path
    from .report import format_table, write_results
    only = _assignment_only(args) if args.assignment else args.only
    with _failing_on(NoSubmission, RefusedSubmission, IsolationUnavailable):
        path = submission_path(args.path or course_folder.exercises_dir(),
                               log=lambda line: print(line, file=sys.stderr))
        # nothing extra is protected for --json: the grader writes it after grading, atomically,
        # and children write only in their sandbox (protecting its folder once hid .venv)
        started = time.monotonic()
        with progress.exercise_line(sys.stderr) as running:
            report = grade(path, only=only, include_hidden=not args.public, limits=_limits(args),
                           isolation=args.isolation, progress=running, figures=bool(args.html))
        execution_time = time.monotonic() - started
    if not report.results:
        return _error(f"no check matches --only {args.only!r}" if args.only
                      else f"no check of {args.assignment} applies to {path}")
    print(format_table(report))
    if args.json:
        write_results(report, args.json, execution_time=execution_time)
    if args.html:
        from .html_report import write_submission
        write_submission(report, args.html, title=str(args.path or ""))
    if args.min_score is not None and report.score < args.min_score:
        print(f"score {report.score:g} is below the required {args.min_score:g}", file=sys.stderr)
        return 1
    return 0


def _assignment_only(args):
    """The check ids of ``--assignment NAME`` (the instructor's kit only)."""
    import importlib.util
    if args.only:
        raise CommandFailed("--only and --assignment cannot be combined")
    if importlib.util.find_spec(f"{__package__}.nbgrader_course") is None:
        raise CommandFailed("--assignment needs the instructor's kit (the nbgrader course)")
    from .nbgrader_course import assignment_checks
    with _failing_on(ValueError):
        return assignment_checks(args.assignment)


def _add_grade_batch(sub, common):
    batch = _command(sub, common, "grade-batch", _run_grade_batch,
                     "grade a folder of submissions, one sub-folder per student")
    batch.add_argument("submissions")
    batch.add_argument("--out", required=True, help="folder for results and gradebook.csv")
    batch.add_argument("--jobs", type=int, default=2)
    _force_option(batch, "regrade students already graded")
    batch.add_argument("--only", metavar="EXERCISE", help="grade one exercise or module")
    _limit_options(batch)
    where = batch.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="grade on the Dask cluster of this scheduler "
                       "(tcp://HOST:8786; needs the [cluster] extra; --jobs is then unused)")
    where.add_argument("--cluster", metavar="local:N", help="grade on a Dask cluster of N worker processes "
                       "started on this machine (loopback only; needs the [cluster] extra)")


def _run_grade_batch(args):
    if args.scheduler or args.cluster:
        return _run_grade_batch_on_cluster(args)
    from .batch import grade_batch
    from .isolation import IsolationUnavailable
    with _failing_on(IsolationUnavailable):
        grade_batch(args.submissions, args.out, jobs=args.jobs, force=args.force, limits=_limits(args), only=args.only,
                    isolation=args.isolation)
    return 0


def _run_grade_batch_on_cluster(args):
    from .cluster import ClusterError, grade_batch_on_cluster, parse_local
    with _failing_on(ClusterError, ValueError):
        local = parse_local(args.cluster) if args.cluster else None
        _, failed = grade_batch_on_cluster(args.submissions, args.out, scheduler=args.scheduler, local_workers=local,
                                           force=args.force, limits=_limits(args), only=args.only,
                                           isolation=args.isolation, log=lambda line: print(line, flush=True))
    if failed:
        print(f"{len(failed)} submission(s) could not be graded on the cluster: rerun the same command to "
              "grade them", file=sys.stderr)
        return 1
    return 0


def _add_make_exercises(sub, common):
    make = _command(sub, common, "make-exercises", _run_make_exercises, "regenerate exercises/ from reference/")
    make.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")


def _run_make_exercises(args):
    from .stubs import stale_exercises, write_exercises
    if args.check:
        stale = stale_exercises()
        print("exercises/ is up to date" if not stale else "out of date: " + ", ".join(stale))
        return 1 if stale else 0
    _print_written(write_exercises(), "exercises/ is up to date")
    return 0


# --------------------------------------------------------------------------- handing the course out

def _add_student_repo(sub, common):
    student = _command(sub, common, "student-repo", _run_student_repo, "write the students' repository (stubs, "
                       "public checks, README, GitHub Classroom workflow; no solution, no hidden check) to OUTDIR")
    student.add_argument("outdir", metavar="OUTDIR")
    _force_option(student, "replace OUTDIR if it is not empty")
    student.add_argument("--no-git", action="store_true", help="no git repository (default: git init, one commit)")


def _run_student_repo(args):
    from .distribute import DistributionError, build_student_repo
    with _failing_on(DistributionError):
        build_student_repo(args.outdir, force=args.force, git=not args.no_git)
    print(f"wrote the student repository to {args.outdir}")
    return 0


def _add_gradescope(sub, common):
    gradescope = _command(sub, common, "gradescope", _run_gradescope, "write Gradescope's autograder zip "
                          "(setup.sh, run_autograder, the kit with its hidden checks)")
    gradescope.add_argument("out", metavar="OUT.zip")


def _run_gradescope(args):
    from .distribute import build_gradescope_zip
    count = len(build_gradescope_zip(args.out))
    print(f"wrote {args.out} ({count} files): upload it as the assignment's autograder on Gradescope")
    return 0


def _add_nbgrader_course(sub, common):
    course = _command(sub, common, "nbgrader-course", _run_nbgrader_course,
                      "write an nbgrader course (one notebook per chapter) to DIR")
    course.add_argument("directory", metavar="DIR")
    course.add_argument("--course-id", default="nnkit", help="nbgrader's course id (default: nnkit)")
    course.add_argument("--exchange", metavar="DIR", help="nbgrader's exchange folder (default: "
                        "/srv/nbgrader/exchange; the same as for nbgrader-exchange)")
    _force_option(course, "overwrite files that exist and differ")


def _run_nbgrader_course(args):
    from .nbgrader_course import write_course
    with _failing_on(FileExistsError):
        written = write_course(args.directory, course_id=args.course_id, force=args.force, exchange=args.exchange)
    _print_written(written, f"{args.directory} is up to date")
    return 0


def _add_nbgrader_exchange(sub, common):
    exchange = _command(sub, common, "nbgrader-exchange", _run_nbgrader_exchange,
                        "create nbgrader's exchange folder (mode 1777) and the students' nbgrader_config.py")
    exchange.add_argument("--root", metavar="DIR", help="the exchange folder (default: /srv/nbgrader/exchange)")
    exchange.add_argument("--config-dir", metavar="DIR", help="where to write the students' nbgrader_config.py "
                          "(default: /etc/jupyter, read by every user's Jupyter)")
    exchange.add_argument("--course-id", default="nnkit", help="nbgrader's course id (default: nnkit)")


def _run_nbgrader_exchange(args):
    from .nbgrader_exchange import EXCHANGE, GLOBAL_CONFIG_DIR, make_exchange
    with _failing_on(OSError):
        root, config = make_exchange(args.root or EXCHANGE, args.config_dir or GLOBAL_CONFIG_DIR, args.course_id)
    print(f"exchange: {root} (mode 1777)\nwrote {config} (the students' nbgrader configuration)")
    return 0


def _add_nbgrader_hand_in(sub, common):
    hand_in = _command(sub, common, "nbgrader-hand-in", _run_nbgrader_hand_in,
                       "(in the course folder) place a notebook received without the exchange as STUDENT's "
                       "submission, as nbgrader submit would", "notebook:NOTEBOOK", "student:STUDENT")
    hand_in.add_argument("--assignment", help="the assignment (default: the notebook's file name)")


def _run_nbgrader_hand_in(args):
    from .nbgrader_exchange import hand_in
    with _failing_on(ValueError, OSError):
        folder = hand_in(args.notebook, args.student, assignment=args.assignment)
    print(f"wrote {folder}")
    return 0


def _add_nbgrader_extract(sub, common):
    _command(sub, common, "nbgrader-extract", _run_nbgrader_extract,
             "write a submitted notebook's modules as a folder to grade (kit stubs for the others)",
             "notebook:NOTEBOOK", "folder:FOLDER")


def _run_nbgrader_extract(args):
    from .nbgrader_course import extract_submission
    from .nbgrader_exchange import assignment_of
    folder = extract_submission(args.notebook, args.folder)
    try:
        only = f" --assignment {assignment_of(args.notebook)}"
    except ValueError:
        only = ""
    print(f"wrote the modules of {args.notebook} to {folder}; grade them with: nnkit grade {folder}{only}")
    return 0


# --------------------------------------------------------------------------- data

def _add_keras_golden(sub, common):
    golden = _command(sub, common, "keras-golden", _run_keras_golden,
                      "record Keras's results for the agreement checks (needs the [keras] extra)")
    golden.add_argument("--out", metavar="DIR", help="folder to write (default: autograder/golden/)")
    golden.add_argument("--check", action="store_true",
                        help="record into a temporary folder and compare with --out; write nothing")


def _run_keras_golden(args):
    from .keras_golden import regenerate
    return regenerate(args.out, check=args.check)


def _add_fetch_data(sub, common):
    fetch = _command(sub, common, "fetch-data", _run_fetch_data, "find Fashion-MNIST, or download it (into "
                     "Keras's cache, ~/.keras/datasets/fashion-mnist, or $NNKIT_CACHE/fashion-mnist when set)")
    fetch.add_argument("--into", metavar="DIR",
                       help="download into DIR (the loader looks there via $FASHION_MNIST_DIR)")


def _run_fetch_data(args):
    import os
    from .data import fashion_mnist
    from .data.idx import DatasetError
    with _failing_on(DatasetError, code=1):
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
        # verified: write the course's split to the kit's cache now, so grading only reads it
        fashion_mnist.prepare_fashion_mnist(where, download=False)
    print(f"Fashion-MNIST: {where}")
    return 0


# --------------------------------------------------------------------------- the course's experiments

def _add_train(sub, common):
    from .experiments import EXPERIMENTS
    train = _command(sub, common, "train", _run_train, "train one of the course's networks on your own code "
                     "with the course's settings: progress, validation accuracy, learning curves")
    train.add_argument("experiment", metavar="EXPERIMENT", choices=list(EXPERIMENTS),
                       help="one of: " + ", ".join(EXPERIMENTS))
    train.add_argument("path", metavar="PATH", nargs="?", default=None,
                       help="your code: a folder like exercises/ (default: the course folder's exercises/)")
    train.add_argument("--save", metavar="FILE", help="save the learning curves to FILE (e.g. curves.png)")
    train.add_argument("--epochs", type=int, metavar="N", help="train N epochs instead of the course's number")


def _run_train(args):
    """In-process, like the pytest front end: the student's own code on their own machine."""
    from . import experiments
    from .data.idx import DatasetError
    from .loader import NoSubmission, RefusedSubmission, submission_path
    spec = experiments.EXPERIMENTS[args.experiment]
    if args.epochs is not None and args.epochs < 1:
        return _error("--epochs must be at least 1")
    with _failing_on(NoSubmission, RefusedSubmission):
        path = submission_path(args.path or course_folder.exercises_dir(),
                               log=lambda line: print(line, file=sys.stderr))
    epochs = args.epochs or spec.epochs
    print(f"{spec.title}: {spec.model}, {epochs} epochs, your code in {path}")
    try:
        with _failing_on(DatasetError, code=1):
            history = experiments.run(spec.name, path, progress=experiments.TextProgress(), epochs=epochs)
    except experiments.StudentCodeError as exc:
        return _error(exc, 1)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return _error("interrupted", 130)
    except ImportError as exc:
        return _error(f"{spec.name} needs {exc.name or exc}: pip install 'nnkit-autograder[keras]'"
                      if spec.keras else exc, 1)
    print(f"validation accuracy: {history.val_accuracy:.4f}")
    if args.save or not experiments.has_display():
        target = args.save or f"{spec.name}_curves.png"
        experiments.plot(history, target)
        print(f"saved the learning curves to {target}")
    else:
        experiments.plot(history)
    return 0


# --------------------------------------------------------------------------- run by the kit's own scripts
# (Gradescope's run_autograder, the notebooks' test cells)

def _add_gradescope_collect(sub, common):
    collect = _command(sub, common, "gradescope-collect", _run_gradescope_collect,
                       "(run_autograder) lay a Gradescope submission out as a folder of course modules",
                       "submission", "dest")
    collect.add_argument("--results", required=True, help="results.json to write if nothing can be graded")


def _run_gradescope_collect(args):
    from .gradescope import NoModules, collect_or_fail
    try:
        given, missing = collect_or_fail(args.submission, args.dest, args.results)
    except NoModules as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"graded modules: {', '.join(given)}" + (f"; not submitted (stubs): {', '.join(missing)}" if missing else ""))
    return 0


def _add_gradescope_fail(sub, common):
    _command(sub, common, "gradescope-fail", _run_gradescope_fail,
             "(run_autograder) write a results.json for a grading that could not finish", "results", "message")


def _run_gradescope_fail(args):
    from .gradescope import write_failure
    write_failure(args.results, args.message)
    return 0


def _add_notebook_grade(sub, common):
    grade = _command(sub, common, "notebook-grade", _run_notebook_grade,
                     "(a notebook's test cell) grade FOLDER on the listed checks, write RESULT.json",
                     "folder:FOLDER", "result:RESULT.json")
    grade.add_argument("check_ids", nargs="+", metavar="CHECK_ID")


def _run_notebook_grade(args):
    from .notebook import grade_to_file
    grade_to_file(args.folder, args.result, args.check_ids)
    return 0
