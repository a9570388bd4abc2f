"""Gradescope's side of the kit, run by ``run_autograder`` (``nnkit gradescope OUT.zip``
builds the autograder zip).

``nnkit gradescope-collect SUBMISSION FOLDER --results RESULTS`` lays a submission
out as a folder like ``exercises/``: Gradescope puts what the student uploaded in
``/autograder/submission``, either the module files at the top or a folder of them (their copy of
the student repository, ``exercises/`` inside). The folder holding the most course modules is
taken; modules it lacks are the kit's stubs (graded "not implemented yet"). If the submission holds
no course module at all, RESULTS gets a results.json saying so and the command exits with 1.

``nnkit gradescope-fail RESULTS MESSAGE`` writes a results.json for a grading that
could not finish.
"""
from pathlib import Path

from .course import MODULES
from .loader import lay_out, read_module
from .report import write_results_json

#: larger files are not copied (a course module is a few kB)
MAX_FILE_BYTES = 1024 ** 2
#: folders never looked into (archives made on macOS, caches, virtual environments)
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", ".git", ".venv", "venv", "node_modules", ".ipynb_checkpoints"}


class NoModules(Exception):
    """The submission holds none of the course modules."""


def _regular(path):
    return path.is_file() and not path.is_symlink()


def _folders(root, depth=6):
    """``root`` and its sub-folders (no symbolic links, at most ``depth`` levels down)."""
    pending = [(Path(root), 0)]
    while pending:
        folder, level = pending.pop(0)
        yield folder, level
        if level >= depth:
            continue
        try:
            children = sorted(folder.iterdir())
        except OSError:
            continue
        pending += [(child, level + 1) for child in children if child.is_dir() and not child.is_symlink()
                    and child.name not in SKIPPED_FOLDERS and not child.name.startswith(".")]


def modules_folder(submission):
    """The folder of the submission holding the most course modules (the shallowest on a tie)."""
    best = None
    for folder, level in _folders(submission):
        count = sum(_regular(folder / f"{module}.py") for module in MODULES)
        if count and (best is None or (-count, level) < (-best[0], best[1])):
            best = (count, level, folder)
    if best is None:
        raise NoModules(f"no course module ({', '.join(f'{m}.py' for m in MODULES)}) in the submission")
    return best[2]


def collect(submission, dest):
    """Write the submission as a module folder into ``dest`` (its .py files by content, the kit's
    stubs for the course modules it lacks); returns the course modules it gave."""
    folder = modules_folder(submission)
    given = {}
    for path in sorted(folder.glob("*.py")):
        if (not _regular(path) or path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py")
                or path.stat().st_size > MAX_FILE_BYTES):
            continue
        given[path.stem] = read_module(path, MAX_FILE_BYTES)
    lay_out(dest, given)
    return [module for module in MODULES if module in given]


def failure_results(message):
    """A results.json for a submission that could not be graded."""
    return {"score": 0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}


def collect_or_fail(submission, dest, results):
    """:func:`collect`; if the submission holds no course module, write a results.json saying so
    into ``results`` and re-raise :class:`NoModules`. Returns (modules given, modules missing)."""
    try:
        given = collect(submission, dest)
    except NoModules as exc:
        write_failure(results, f"Nothing to grade: {exc}. Upload your module files (or your exercises/ folder).")
        raise
    return given, [module for module in MODULES if module not in given]


def write_failure(results, message):
    """Write a results.json for a grading that could not finish."""
    write_results_json(results, failure_results(message))
