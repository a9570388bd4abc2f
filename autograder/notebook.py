"""The kit inside a Jupyter notebook (the nbgrader course of ``python -m autograder nbgrader-course``).

Kernel side, loaded by the notebook's first cell (``%load_ext autograder.notebook``):

* ``%%module NAME`` — a cell magic: the cell holds the whole course module ``NAME``
  (``single_layer``, ``dual_layer``, …) as it would be written in ``exercises/NAME.py``. Its text
  is kept for grading, and the module is imported in the kernel (beside the kit's stubs of the
  modules the notebook does not hold) so its classes can be tried out in later cells. An error
  in it is printed (stderr) with the student's own lines only (:func:`student_error`).
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
  credit); when none was earned it prints one line to stderr (nbgrader: no credit, the line is
  what ``nbgrader validate`` shows) instead of raising, so that no traceback (with the kit's
  install path) reaches the student's notebook or the feedback.

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
import traceback
from pathlib import Path

from .course import MODULES
from .files import atomic_write
from .job import child_environment, kit_command
from .loader import lay_out

#: the name the notebook's modules are imported under in the kernel
PACKAGE = "nnkit_notebook"
#: wall-clock limit of one test cell's grading (the engine limits each exercise to 60 s)
GRADE_TIMEOUT = 600

#: where a test cell writes the output of a grader that failed (in the notebook's folder)
GRADER_LOG = "nnkit-grader-error.log"
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
    return _joined(texts)[0] + "\n"


def _joined(texts):
    """:func:`join_parts`' text (without its last newline) and, per non-empty part, ``(K, the
    line of the text where part K starts, the blank lines dropped above it)``."""
    joined, starts = "", []
    for number, text in enumerate(texts, start=1):
        code = re.sub(r"\A(?:[ \t]*\n)+", "", text)
        dropped, code = text[: len(text) - len(code)].count("\n"), code.rstrip()
        if not code:
            continue
        if joined:
            joined += "\n\n" if code[:1] in (" ", "\t") else "\n\n\n"
        starts.append((number, joined.count("\n") + 1, dropped))
        joined += code
    return joined, starts


def _where(module, line):
    """``%%module NAME part K of N, line M`` for line ``line`` of the kernel's module NAME when it
    was joined from parts (M counted from the line after the cell's first line), else
    ``%%module NAME, line N``."""
    count, parts = PARTS.get(module, (1, {}))
    if count > 1 and len(parts) == count:
        text, starts = _joined([parts[k] for k in range(1, count + 1)])
        if text + "\n" == SOURCES.get(module):
            for number, first, dropped in reversed(starts):
                if line >= first:
                    return f"%%module {module} part {number} of {count}, line {line - first + dropped + 1}"
    return f"%%module {module}, line {line}"


# --------------------------------------------------------------------------- kernel side

def no_points(message):
    """Mark the running cell as earning nothing, without a traceback: ``message`` (one line) goes
    to stderr, which nbgrader's autograde reads as no credit and ``nbgrader validate`` shows as the
    cell's error (nbgrader.utils.determine_grade: an error *or a stderr stream* gives 0)."""
    print(message, file=sys.stderr, flush=True)


def load_ipython_extension(ipython):
    """``%load_ext autograder.notebook``: registers the ``%%module`` cell magic."""
    def module(line, cell):
        return define_module_part(line.strip(), cell, namespace=ipython.user_ns)
    module.__doc__ = define_module_part.__doc__
    ipython.register_magic_function(module, "cell", "module")


def define_module_part(arguments, source, namespace=None):
    """``%%module NAME [part K of N]``: keep part K of module NAME; once all N parts have run,
    define the module from them (:func:`define_module`). Running the last part before an earlier
    one says which are missing; a first line naming no course module or part prints one line to
    stderr."""
    match = _ARGUMENTS.match(arguments.strip())
    problem = None
    if not match:
        problem = (f"%%module needs a course module, and `part K of N` for a module split over cells "
                   f"(got {arguments!r})")
    elif _parsed(match)[0] not in MODULES:
        problem = f"%%module needs one of the course modules: {', '.join(MODULES)} (got {_parsed(match)[0]!r})"
    elif not 1 <= _parsed(match)[1] <= _parsed(match)[2]:
        problem = f"%%module {arguments}: part {_parsed(match)[1]} of {_parsed(match)[2]} does not exist"
    if problem:   # one line, no traceback (the kit's frames and paths mean nothing to the student)
        print(f"Error in a %%module cell: {problem}", file=sys.stderr)
        return None
    name, part, count = _parsed(match)
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
    try:
        imported = {name: importlib.import_module(f"{PACKAGE}.{name}")}
    except Exception as exc:  # noqa: BLE001 — the student's error, shown without the kit's frames
        print(student_error(exc, folder), file=sys.stderr)
        return None
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


def student_error(exc, folder):
    """The error ``exc`` raised while importing a ``%%module`` cell, as the student needs it: the
    frames of their own modules (``%%module NAME, line N``, N counted from the line after
    ``%%module``; ``%%module NAME part K of N, line M`` in the cell of part K when the module was
    joined from parts) and the error; no frame of the kit or of importlib, no path of this machine."""
    folder = str(Path(folder).resolve())
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if str(path.parent.resolve()) == folder:
            lines.append(f"  {_where(path.stem, frame.lineno)}, in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    if isinstance(exc, SyntaxError) and exc.filename and str(Path(exc.filename).parent.resolve()) == folder:
        lines.append(f"  {_where(Path(exc.filename).stem, exc.lineno)}")
        if exc.text:
            lines.append(f"    {exc.text.strip()}")
        return "\n".join(["Error in a %%module cell:", *lines, f"{type(exc).__name__}: {exc.msg}"])
    return "\n".join(["Error in a %%module cell:", *lines,
                      "".join(traceback.format_exception_only(type(exc), exc)).strip()])


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
    the points earned (what nbgrader reads as the cell's partial credit); for none, print one line
    to stderr (:func:`no_points`, what nbgrader reads as no credit) and return None."""
    expected = dict(checks) if isinstance(checks, dict) else None
    check_ids = [str(check) for check in checks]
    sources = dict(SOURCES if sources is None else sources)
    if not check_ids:
        print("The checks of this cell are hidden: they run when your work is graded.")
        return None
    result, problem = _grade_in_process(check_ids, sources, timeout)
    if problem is None and expected is not None:
        changed = {check_id: (points, result["checks"][check_id]["points"]) for check_id, points in expected.items()
                   if abs(float(points) - float(result["checks"][check_id]["points"])) > 1e-9}
        if changed:
            problem = ("this notebook was generated for other points than the installed kit gives ("
                       + ", ".join(f"{c}: {a} here, {b} in the kit" for c, (a, b) in changed.items())
                       + "): regenerate the course (`nnkit nbgrader-course`)")
    if problem is not None:
        no_points(f"Not graded: {problem}.")
        return None
    table = result["table"]
    if not sources:
        table += ("\n\n(no %%module cell has run in this kernel, so the kit's stubs were graded: run the "
                  "notebook from the top)")
    score, max_score = float(result["score"]), float(result["max_score"])
    print(table)
    if score <= 0 < max_score:
        no_points(f"0 of {max_score:g} points in this cell{_first_reason(result)}; the table says why, check by check.")
        return None
    if score >= max_score:
        return None
    print(f"\nPoints of this cell: {score:g} of {max_score:g} (the number below is what nbgrader records).")
    return min(max(score, 0.0), max_score)


def _first_reason(result):
    """`` (MESSAGE)``: the first line of the first failing check's message (what ``nbgrader
    validate`` shows without the table), or ""."""
    from .report import plain_text
    for check in result["checks"].values():
        if check["status"] != "passed" and check.get("message"):
            return f" ({plain_text(check['message'].splitlines()[0], limit=160, newlines=False)})"
    return ""


def _grade_in_process(check_ids, sources, timeout):
    """Run ``nnkit notebook-grade`` on ``sources`` in a fresh ``python -I`` process:
    (result dict, None), or (None, a one-line reason) when the grader could not finish (its own
    output, which may hold paths of this machine, is not shown to the student)."""
    work = Path(tempfile.mkdtemp(prefix="nnkit-notebook-grade-"))
    try:
        folder = write_submission(work / "submission", sources)
        result_file = work / "result.json"
        env = child_environment()  # the data sets' locations and the course folder
        # -I: no PYTHONPATH, no user site-packages, no current folder on sys.path; this kit first
        try:
            process = subprocess.run(
                kit_command(["-I"], "autograder.cli:main", "notebook-grade", folder, result_file, *check_ids),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=work, env=env,
                timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"the grader took more than {timeout:g} s; tell your instructor"
        if process.returncode != 0 or not result_file.exists():
            # its output (a traceback with this machine's paths) goes to a file beside the
            # notebook, for the instructor, not into the notebook
            try:
                Path(GRADER_LOG).write_bytes(process.stdout[-20000:])
                where = f" (its output: {GRADER_LOG})"
            except OSError:
                where = ""
            return None, f"the grader stopped with exit code {process.returncode}{where}; tell your instructor"
        return json.loads(result_file.read_text(encoding="utf-8")), None
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
    report = engine_grade(folder, only=frozenset(check_ids), figures=False)
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
