"""The kit inside a Jupyter notebook (the nbgrader course of ``python -m autograder nbgrader-course``).

Kernel side, loaded by the notebook's first cell (``%load_ext autograder.notebook``):

* ``%%module NAME`` — a cell magic: the cell holds the whole course module ``NAME``
  (``single_layer``, ``dual_layer``, …) as it would be written in ``exercises/NAME.py``. Its text
  is kept for grading, and the module is imported in the kernel (beside the kit's stubs of the
  modules the notebook does not hold) so its classes can be tried out in later cells.
  ``%%module NAME part K of N`` — the module split over N cells (one exercise function, or a
  stretch of given code, per cell; a method keeps its indentation inside its class): the parts
  are joined in order (:func:`join_parts`) and the module is imported once all N have run.
* ``grade(check_ids)`` — called by the notebook's test cells. It hands the *text* of the module
  cells to a fresh grader process (``nnkit notebook-grade``, run with ``python -I``, :func:`autograder.job.kit_command`), which grades it with
  the isolated engine exactly as ``python -m autograder grade`` would: the student's code runs in
  sandboxed children, every comparison in that grader process. Nothing the kernel holds (numpy,
  the checks, the engine, objects the student defined) takes part in the verdict, so patching
  them in a notebook cell gains nothing. It prints the per-check table and returns ``None`` when
  every listed check passed (nbgrader: full credit) or the points earned (nbgrader: partial
  credit), or raises :class:`NoPoints` when none was earned (nbgrader: no credit).

Grader side: ``nnkit notebook-grade FOLDER RESULT.json CHECK_ID...`` (started by
:func:`autograder.job.kit_command` with ``python -I``) grades the folder, writes the listed checks' points and the table to
RESULT.json (:func:`grade_to_file`).
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .course import MODULES
from .files import atomic_write
from .job import child_environment, kit_command
from .loader import lay_out

#: the name the notebook's modules are imported under in the kernel
PACKAGE = "nnkit_notebook"
#: wall-clock limit of one test cell's grading (the engine limits each exercise to 60 s)
GRADE_TIMEOUT = 600

#: module name -> text of the last ``%%module`` cell run for it (its parts joined)
SOURCES = {}
#: module name -> (N, {K: text of part K}) of the ``%%module NAME part K of N`` cells run
PARTS = {}
_state = {"folder": None}
#: the first line of a module cell: ``%%module NAME`` or ``%%module NAME part K of N``
_MODULE_PART = r"(\w+)(?:[ \t]+part[ \t]+(\d+)[ \t]+of[ \t]+(\d+))?"
MAGIC = re.compile(rf"^%%module[ \t]+{_MODULE_PART}[ \t]*$")
_ARGUMENTS = re.compile(rf"^{_MODULE_PART}$")


def parse_module_line(line):
    """``(module, K, N)`` of a module cell's first line (``%%module NAME [part K of N]``; a
    whole module is part 1 of 1), or None for any other line."""
    match = MAGIC.match(line.strip())
    if not match:
        return None
    return _parsed(match)


def _parsed(match):
    name, part, count = match.groups()
    return name, int(part or 1), int(count or 1)


def join_parts(texts):
    """One module text from its parts in order: blank lines around each part dropped, parts
    separated by one blank line before an indented part (a method inside its class) and two
    before a top-level one, as in the course's files."""
    texts = [re.sub(r"\A(?:[ \t]*\n)+", "", text).rstrip() for text in texts]
    texts = [text for text in texts if text]
    joined = texts[0] if texts else ""
    for text in texts[1:]:
        joined += ("\n\n" if text[:1] in (" ", "\t") else "\n\n\n") + text
    return joined + "\n"


# --------------------------------------------------------------------------- kernel side

class NoPoints(AssertionError):
    """Raised by a test cell that earned nothing (nbgrader: no credit; Jupyter: a failed cell)."""


def load_ipython_extension(ipython):
    """``%load_ext autograder.notebook``: registers the ``%%module`` cell magic."""
    def module(line, cell):
        return define_module_part(line.strip(), cell, namespace=ipython.user_ns)
    module.__doc__ = define_module_part.__doc__
    ipython.register_magic_function(module, "cell", "module")


def define_module_part(arguments, source, namespace=None):
    """``%%module NAME [part K of N]``: keep part K of module NAME; once all N parts have run,
    define the module from them (:func:`define_module`). Running the last part before an earlier
    one says which are missing."""
    match = _ARGUMENTS.match(arguments.strip())
    if not match:
        raise ValueError(f"%%module needs a course module, and `part K of N` for a module split over "
                         f"cells (got {arguments!r})")
    name, part, count = _parsed(match)
    if name not in MODULES:
        raise ValueError(f"%%module needs one of the course modules: {', '.join(MODULES)} (got {name!r})")
    if not 1 <= part <= count:
        raise ValueError(f"%%module {arguments}: part {part} of {count} does not exist")
    known_count, parts = PARTS.get(name, (count, {}))
    if known_count != count:
        parts = {}
    parts[part] = source
    PARTS[name] = (count, parts)
    missing = [k for k in range(1, count + 1) if k not in parts]
    if missing:
        if part == count:
            print(f"module {name}: run its cells `part {', '.join(map(str, missing))} of {count}` too "
                  "(the module is defined once all its parts have run)")
        return None
    return define_module(name, join_parts([parts[k] for k in range(1, count + 1)]), namespace=namespace)


def define_module(name, source, namespace=None):
    """Keep ``source`` as the notebook's module ``name`` and import the notebook's modules in the
    kernel (afresh, so each sees the latest version of the others); their public names are copied
    into ``namespace`` (the notebook's variables)."""
    if name not in MODULES:
        raise ValueError(f"%%module needs one of the course modules: {', '.join(MODULES)} (got {name!r})")
    SOURCES[name] = source.rstrip() + "\n"
    import importlib
    import types
    folder = _kernel_folder()
    write_submission(folder, SOURCES)
    for loaded in [key for key in sys.modules if key == PACKAGE or key.startswith(PACKAGE + ".")]:
        del sys.modules[loaded]
    importlib.invalidate_caches()
    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(folder)]
    sys.modules[PACKAGE] = package
    imported = {name: importlib.import_module(f"{PACKAGE}.{name}")}  # this cell's errors are shown
    for other in MODULES:
        if other in SOURCES and other not in imported:
            try:
                imported[other] = importlib.import_module(f"{PACKAGE}.{other}")
            except Exception:  # noqa: BLE001 — another cell's error shows when that cell runs
                pass
    if namespace is not None:
        for module_name in [m for m in MODULES if m in imported and m != name] + [name]:
            namespace.update({key: value for key, value in vars(imported[module_name]).items()
                              if not key.startswith("_")})
    return None


def _kernel_folder():
    if _state["folder"] is None or not Path(_state["folder"]).is_dir():
        import atexit
        _state["folder"] = tempfile.mkdtemp(prefix="nnkit-notebook-kernel-")
        atexit.register(shutil.rmtree, _state["folder"], True)
    return Path(_state["folder"])


def write_submission(folder, sources):
    """Lay out a submission folder like exercises/: the kit's stub of every course module, replaced
    by the given {module: source} texts. Returns the folder."""
    return lay_out(folder, sources)


def grade(checks, sources=None, timeout=GRADE_TIMEOUT):
    """Grade the notebook's modules on ``checks`` (check ids, or {check id: points} as written in
    the notebook) in a fresh grader process; print the table; return None when all passed, else
    the points earned (what nbgrader reads as the cell's partial credit); raise NoPoints for none."""
    expected = dict(checks) if isinstance(checks, dict) else None
    check_ids = [str(check) for check in checks]
    sources = dict(SOURCES if sources is None else sources)
    if not check_ids:
        print("The checks of this cell are hidden: they run when your work is graded.")
        return None
    work = Path(tempfile.mkdtemp(prefix="nnkit-notebook-grade-"))
    try:
        folder = write_submission(work / "submission", sources)
        result_file = work / "result.json"
        env = child_environment()  # the data sets' locations and the course folder
        # -I: no PYTHONPATH, no user site-packages, no current folder on sys.path; this kit first
        process = subprocess.run(
            kit_command(["-I"], "autograder.cli:main", "notebook-grade", folder, result_file, *check_ids),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=work, env=env,
            timeout=timeout)
        if process.returncode != 0 or not result_file.exists():
            output = process.stdout.decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"the grader failed (exit code {process.returncode}):\n{output}")
        result = json.loads(result_file.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if expected is not None:
        changed = {check_id: (points, result["checks"][check_id]["points"]) for check_id, points in expected.items()
                   if abs(float(points) - float(result["checks"][check_id]["points"])) > 1e-9}
        if changed:
            raise RuntimeError("this notebook was generated for other points than the installed kit gives ("
                               + ", ".join(f"{c}: {a} here, {b} in the kit" for c, (a, b) in changed.items())
                               + "): regenerate the course with `python -m autograder nbgrader-course`")
    table = result["table"]
    if not sources:
        table += ("\n\n(no %%module cell has run in this kernel, so the kit's stubs were graded: run the "
                  "notebook from the top)")
    score, max_score = float(result["score"]), float(result["max_score"])
    if score <= 0 < max_score:
        # the table goes into the error, which is what `nbgrader validate` shows
        raise NoPoints(f"0 of {max_score:g} points\n\n{table}")
    print(table)
    if score >= max_score:
        return None
    print(f"\nPoints of this cell: {score:g} of {max_score:g} (the number below is what nbgrader records).")
    return min(max(score, 0.0), max_score)


# --------------------------------------------------------------------------- grader side

def check_closure(check_ids, checks=None):
    """The checks a grade of the listed ones runs so that they get the verdicts of a full grade
    (the engine's :func:`autograder.engine.dependency_closure`): every check of their exercises,
    and of every exercise those depend on. Unknown ids raise ValueError."""
    from .checks import ALL_CHECKS
    from .engine import dependency_closure
    checks = ALL_CHECKS if checks is None else checks
    by_id = {check.id: check for check in checks}
    unknown = [check_id for check_id in check_ids if check_id not in by_id]
    if unknown:
        raise ValueError(f"unknown check(s): {', '.join(unknown)}")
    return tuple(dependency_closure([by_id[check_id] for check_id in check_ids], checks))


def grade_folder(folder, check_ids):
    """Grade ``folder`` (isolated) on ``check_ids``, with the verdicts of a full grade (the
    engine grades the exercises they depend on too, ``grade(folder, only=check_ids)``):
    {"score", "max_score", "table", "checks"}."""
    from .engine import grade as engine_grade
    from .report import format_table
    check_closure(check_ids)  # unknown ids raise
    report = engine_grade(folder, only=frozenset(check_ids))
    table = format_table(report)
    failed_output = [f"Output of your code ({exercise}):\n{output}" for exercise, output in report.outputs.items()
                     if any(r.check.exercise == exercise and r.verdict.status in ("error", "failed")
                            for r in report.results)]
    if failed_output:
        table += "\n\n" + "\n\n".join(failed_output)
    return {"score": report.score, "max_score": report.max_score, "table": table,
            "checks": {result.check.id: {"score": result.score, "points": result.check.points,
                                         "status": result.verdict.status, "message": result.verdict.message}
                       for result in report.results}}


def grade_to_file(folder, result_file, check_ids):
    """:func:`grade_folder`, written atomically as JSON to ``result_file`` (the grader process)."""
    result = grade_folder(folder, check_ids)
    atomic_write(result_file, json.dumps(result))
    return result
