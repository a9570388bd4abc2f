"""Where the course being graded lives: the course folder, holding ``reference/`` (the
instructor's solutions) and ``exercises/`` (the students' stubs and public checks).

The kit is a Python package; the course it grades is a folder. The folder is, in this order:
the one set with :func:`use` (the CLI's ``--course``), ``$NNKIT_COURSE``, the nearest folder
holding ``exercises/`` or ``reference/`` at or above the working directory, and the folder
beside the package when the package runs from a checkout. Never site-packages' parent: a folder
counts only when it holds the course's modules.
"""
import os
from pathlib import Path

#: this package's folder, and the folder a child process puts on sys.path to import it
PACKAGE_DIR = Path(__file__).resolve().parent
IMPORT_ROOT = PACKAGE_DIR.parent
ENV_COURSE = "NNKIT_COURSE"
_chosen = []


class CourseFolderNotFound(LookupError):
    """No course folder: say where one is expected."""


def use(folder):
    """Grade the course in ``folder`` from now on (the CLI's ``--course``)."""
    _chosen[:] = [Path(folder).resolve()]


def is_course_folder(folder):
    """True when ``folder`` holds course modules in ``reference/`` or ``exercises/``."""
    from .course import MODULES
    folder = Path(folder)
    return any((folder / side / f"{module}.py").is_file()
               for side in ("reference", "exercises") for module in MODULES)


def find(start=None):
    """The course folder (see the module's docstring), or None."""
    if _chosen:
        return _chosen[0]
    if os.environ.get(ENV_COURSE):
        return Path(os.environ[ENV_COURSE]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_course_folder(folder):
            return folder
    if is_course_folder(IMPORT_ROOT):
        return IMPORT_ROOT
    return None


def root():
    """The course folder, or :class:`CourseFolderNotFound` saying how to name one."""
    folder = find()
    if folder is None:
        raise CourseFolderNotFound(
            "no course folder found (one holding exercises/ or reference/): run from it, "
            f"pass --course DIR or set ${ENV_COURSE}")
    return folder


def reference_dir():
    """``<course>/reference``: the instructor's solutions."""
    return root() / "reference"


def exercises_dir():
    """``<course>/exercises``: the students' stubs and public checks."""
    return root() / "exercises"
