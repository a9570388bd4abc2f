"""Which checks run: the ones asked for (:func:`select_checks`) that can run on this machine
(:func:`missing_requirements`)."""
import importlib.util

from ..checks import ALL_CHECKS, EXERCISE_MODULES
from ..loader import submitted_modules


def select_checks(path=None, only=None, include_hidden=True, checks=ALL_CHECKS):
    """Checks to run: hidden ones only when asked, one exercise (or module) with ``only``,
    and for a single-module submission only the exercises of that module.

    ``only`` is a string (an exercise, a module, a check id prefix, or part of an exercise's
    name, case-insensitive) or a collection of exact check ids."""
    modules = set(submitted_modules(path)) if path is not None else None
    chosen = []
    for check in checks:
        if check.hidden and not include_hidden:
            continue
        if only and not _matches(check, only):
            continue
        if modules is not None and EXERCISE_MODULES[check.exercise] not in modules:
            continue
        chosen.append(check)
    return chosen


def dependency_closure(selected, candidates):
    """The checks that give ``selected`` the verdicts of a full grade: among ``candidates`` (the
    checks a full grade would run), every check of the selected checks' exercises and of every
    exercise those depend on, recursively (a failing dependency blocks a check, and an exercise's
    checks share one run). In the order of ``candidates``."""
    wanted, pending = set(), [check.exercise for check in selected]
    while pending:
        exercise = pending.pop()
        if exercise in wanted:
            continue
        wanted.add(exercise)
        pending.extend(dep for check in candidates if check.exercise == exercise for dep in check.depends_on)
    return [check for check in candidates if check.exercise in wanted]


def _matches(check, only):
    if not isinstance(only, str):
        return check.id in only
    only = only.lower()
    return (check.exercise.lower() == only or check.id.lower().startswith(only)
            or EXERCISE_MODULES[check.exercise] == only or only in check.exercise.lower())


def missing_requirements(check):
    """Why a check cannot run here (missing TensorFlow or data), or None."""
    for need in check.requires:
        if need == "tensorflow" and importlib.util.find_spec("keras") is None:
            return "skipped: TensorFlow/Keras is not installed (pip install '.[keras]')"
        if need == "fashion_mnist":
            problem = _fashion_mnist_problem()
            if problem:
                return problem
    return None


def _fashion_mnist_problem():
    """Why Fashion-MNIST cannot be used here, or None. Prepares it in this (the grader's) process:
    the first time on a machine the files are verified and the split is written to the kit's
    cache, which the children then only read (autograder.data.child_read_paths)."""
    from ..data import DatasetError, DatasetNotFoundError, prepare_fashion_mnist
    try:
        prepare_fashion_mnist(download=False)
        return None
    except DatasetNotFoundError:
        return "skipped: Fashion-MNIST files not found (see datasets/README.md)"
    except DatasetError as exc:
        return f"skipped: {exc}"
