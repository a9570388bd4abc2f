"""The fingerprint of the kit that grades: what a grade depends on, so that two machines with the
same fingerprint give a submission the same grade.

A cluster client compares every worker's fingerprint with its own before sending it work
(``autograder.cluster``); a worker whose fingerprint differs is refused, naming what differs.
Everything is computed from the files, in :func:`kit_fingerprint`, the one place that says what
a grade depends on.
"""
import hashlib
import platform
from importlib import metadata
from pathlib import Path

from . import __version__, course_folder

#: libraries whose versions can change a grade (numerics, the breast-cancer data, the Keras
#: checks, which are skipped where TensorFlow is absent)
LIBRARIES = ("numpy", "scipy", "scikit-learn", "tensorflow", "keras")


def kit_fingerprint():
    """{part: value} for the parts of the kit a grade depends on:

    ``version`` (``autograder.__version__``), ``grading code`` (a SHA-256 over the package's
    ``.py`` files outside ``checks/``, which also pins the datasets, whose hashes are in the
    code), ``checks and thresholds`` (``autograder/checks/``, hidden checks included),
    ``golden files`` (``autograder/golden/``), ``reference`` and ``exercise stubs`` (the course
    folder's ``reference/`` and ``exercises/``: stubs stand in for the modules a submission
    lacks), ``libraries`` (Python's and :data:`LIBRARIES`' versions, "absent" when not
    installed). Each digest hashes the files' relative paths and bytes in sorted order
    (``__pycache__`` left out); a folder that does not exist hashes as "absent".
    """
    package = course_folder.PACKAGE_DIR
    course = course_folder.find()
    return {
        "version": __version__,
        "grading code": _digest(package, "*.py", skip=("checks",)),
        "checks and thresholds": _digest(package / "checks", "*.py"),
        "golden files": _digest(package / "golden", "*"),
        "reference": _digest(course / "reference", "*.py") if course else "absent",
        "exercise stubs": _digest(course / "exercises", "*.py") if course else "absent",
        "libraries": ", ".join([f"python {platform.python_version()}"]
                               + [f"{name} {_installed(name)}" for name in LIBRARIES]),
    }


def differences(mine, theirs):
    """The parts (keys of :func:`kit_fingerprint`) whose values differ between two fingerprints,
    in ``mine``'s order, a part missing from either counting as different."""
    return [part for part in dict.fromkeys([*mine, *theirs]) if mine.get(part) != theirs.get(part)]


def _digest(folder, pattern, skip=()):
    """SHA-256 (hex) of the files matching ``pattern`` under ``folder``, recursively, except under
    its sub-folders named in ``skip`` and ``__pycache__``: each file's path relative to ``folder``
    and its bytes, in sorted order. "absent" when ``folder`` is not a folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return "absent"
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        relative = path.relative_to(folder)
        if not path.is_file() or "__pycache__" in relative.parts or relative.parts[0] in skip:
            continue
        digest.update(relative.as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _installed(name):
    """The installed version of the distribution ``name``, or "absent"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
