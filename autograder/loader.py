"""Import a submission (a folder laid out like exercises/, or one module) as a package.

Modules use relative imports (``from .single_layer import SingleLayer``), so a submission is
always imported as a package under a private name; its own ``__init__.py`` is ignored.
"""
import atexit
import importlib
import os
import shutil
import stat
import sys
import tempfile
import types
from pathlib import Path

from . import course_folder
from .course import MODULES


class Submission:
    """Lazy access to a submission's modules: ``sub.module("dual_layer")``."""

    def __init__(self, folder, package_name):
        self.folder = Path(folder)
        self.package_name = package_name
        package = types.ModuleType(package_name)
        package.__path__ = [str(self.folder)]
        package.__file__ = None
        sys.modules[package_name] = package

    def module(self, name):
        """Import (once) and return the submission's module ``name``."""
        return importlib.import_module(f"{self.package_name}.{name}")

    def attribute(self, dotted):
        """Resolve ``"dual_layer.DualLayer"`` to the object it names."""
        module_name, _, attr = dotted.partition(".")
        obj = self.module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj


_counter = [0]


def load_submission(path, package_name=None):
    """Return a :class:`Submission` for ``path``.

    ``path`` is a folder holding the course modules, or a single module file; a single module
    is graded next to the kit's exercise stubs for the other modules (never the reference).
    """
    path = Path(path)
    if package_name is None:
        _counter[0] += 1
        package_name = f"_nnkit_submission_{_counter[0]}"
    if path.is_file():
        path = single_module_folder(path)
    return Submission(path, package_name)


def single_module_folder(module_file, workdir=None):
    """Copy one student module beside the kit's stubs of the other modules; return the folder."""
    if workdir is None:
        workdir = tempfile.mkdtemp(prefix="nnkit-single-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    return lay_out(workdir, {module_name_of(module_file): read_module(module_file)})


#: the largest submitted file the isolated runner copies (bytes)
MAX_MODULE_BYTES = 1024 ** 2


class RefusedSubmission(ValueError):
    """A submission the grader will not take: a symbolic link in it, a module that is not a
    regular file, or one larger than the size cap. Front ends print the message (exit code 2)."""


class LinkedSubmission(RefusedSubmission):
    """A submission (folder, module, a folder on its path, its exercises/) that is a symbolic link."""

    def __init__(self, path):
        super().__init__(f"{path} is a symbolic link: submissions are graded by content; "
                         "copy the files instead")


def read_module(path, limit=None):
    """The bytes of a submitted file, read by content: a symbolic link is refused (O_NOFOLLOW,
    :class:`LinkedSubmission`), not followed; anything but a regular file, or a file larger than
    ``limit`` bytes, raises :class:`RefusedSubmission` (a ValueError)."""
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NONBLOCK", 0))
    if os.path.islink(path):
        raise LinkedSubmission(path)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise LinkedSubmission(path) from exc
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # a folder, a FIFO, a device: refused unread
        os.close(descriptor)
        raise RefusedSubmission(f"{path} is not a regular file")
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(-1 if limit is None else limit + 1)
    if limit is not None and len(data) > limit:
        raise RefusedSubmission(f"{path} is larger than {limit} bytes")
    return data


def refuse_links(path):
    """Raise :class:`LinkedSubmission` if ``path`` as given (every component of it), its
    ``exercises/`` folder, or a ``.py`` file of the folder that would be graded is a symbolic
    link. Nothing is resolved or followed before this check."""
    path = Path(path)
    for component in [*reversed(path.parents), path]:
        if component.name and os.path.islink(component):
            raise LinkedSubmission(component)
    if os.path.islink(path / "exercises"):
        raise LinkedSubmission(path / "exercises")
    for folder in (path, path / "exercises"):
        if folder.is_dir():
            for module in sorted(folder.glob("*.py")):
                if os.path.islink(module):
                    raise LinkedSubmission(module)


def graded_files(folder):
    """The ``.py`` files of a submission folder that grading takes, as Gradescope's collect does:
    course modules and helper modules, not tests (``test_*.py``, ``conftest.py``) nor
    ``__init__.py``."""
    return [path for path in sorted(Path(folder).glob("*.py"))
            if not (path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py"))]


def copy_submission(path, dest, limit=MAX_MODULE_BYTES):
    """Copy the submission at ``path`` (a module folder or one module) by content into ``dest``,
    laid out like exercises/ (:func:`lay_out`: the kit's stubs for the course modules it lacks);
    every file is read with :func:`read_module` (no link, regular files of at most ``limit``
    bytes). Returns ``dest``; the submission itself is never imported in place."""
    return lay_out(dest, read_submission(path, limit))


def read_submission(path, limit=MAX_MODULE_BYTES):
    """The submission at ``path`` (a module folder or one module) by content: {module name: bytes}
    of its graded files (:func:`graded_files`), each read with :func:`read_module` (no symbolic
    link, regular files of at most ``limit`` bytes; :func:`refuse_links` first). What
    :func:`copy_submission` lays out, and what a cluster task carries to its worker."""
    refuse_links(path)
    path = Path(path)
    if path.is_file():
        return {module_name_of(path): read_module(path, limit)}
    return {module.stem: read_module(module, limit) for module in graded_files(path)}


def lay_out(folder, given):
    """Lay a submission out in ``folder`` like exercises/: ``given`` ({module name: source text or
    bytes}, course modules and helper modules alike) written as ``NAME.py``, and the course's stub
    of every course module not given. Returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in MODULES:
        stub = course_folder.exercises_dir() / f"{name}.py"
        if name not in given and stub.is_file():
            shutil.copyfile(stub, folder / stub.name)
    for name, source in given.items():
        target = folder / f"{name}.py"
        if isinstance(source, str):
            target.write_text(source, encoding="utf-8")
        else:
            target.write_bytes(source)
    return folder


def module_name_of(module_file):
    """The course module a single file stands for (by its file name)."""
    stem = Path(module_file).stem
    if stem not in MODULES:
        raise ValueError(f"{module_file} is not one of the course modules: {', '.join(MODULES)}")
    return stem


def submitted_modules(path):
    """The course modules a path provides: all of them for a folder, one for a single module."""
    path = Path(path)
    if path.is_file():
        return (module_name_of(path),)
    return MODULES


class NoSubmission(LookupError):
    """A path to grade that holds no course module: says where they are expected."""


def holds_course_modules(folder):
    """True when ``folder`` holds at least one course module (``single_layer.py``, …)."""
    return any((Path(folder) / f"{module}.py").is_file() for module in MODULES)


def submission_path(path, log=None):
    """What to grade for ``path``: a module file as is; a folder holding course modules as is; a
    folder whose ``exercises/`` holds them (a clone of the student repository, the course folder)
    becomes that ``exercises/``, said in one line through ``log``. Raises :class:`NoSubmission`
    for a path that does not exist or a folder with neither, :class:`LinkedSubmission` (before
    anything is resolved) when a symbolic link is on the way (:func:`refuse_links`)."""
    path = Path(path)
    refuse_links(path)
    if not path.exists():
        raise NoSubmission(f"{path} does not exist")
    if path.is_file() or holds_course_modules(path):
        return path
    inner = path / "exercises"
    if holds_course_modules(inner):
        if log is not None:
            log(f"grading {inner}: the course modules of {path} are in its exercises/ folder")
        return inner
    names = ", ".join(f"{module}.py" for module in MODULES)
    raise NoSubmission(f"{path} holds no course module, nor does {inner}: a submission is a folder holding "
                       f"the course modules ({names}), a folder whose exercises/ holds them, or one module file")
