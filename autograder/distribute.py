"""What a course hands out, generated from this kit (the instructor's repository, which holds the
solutions): a student repository (``python -m autograder student-repo OUTDIR``) and a Gradescope
autograder (``python -m autograder gradescope OUT.zip``).

The student repository holds the exercise stubs (generated from ``reference/``), the public checks
and what they need to run, the data loaders, a student README, ``pyproject.toml`` and a GitHub
Classroom workflow; no solution and no hidden check, in any form:

* whole instructor-only files are left out (:data:`INSTRUCTOR_FILES`: ``checks/math.py``, whose
  formulas would give the exercises away, the generators, these templates…);
* hidden checks live in files of their own (``autograder/checks/hidden/``), which are simply
  not copied, like the formulas (``checks/math.py``);
* the expected values the public checks would compute with ``checks/math.py`` are recorded into
  ``autograder/checks/recorded.npz`` by grading the reference with the public checks
  (:func:`record`); the student copy reads them (``checks/expectation.py``);
* the repository is a fresh ``git init`` with one commit: no history to dig solutions out of.

The same folder is the students' kit of the nbgrader course: installed (``pip install -e
'DIR[nbgrader,keras]'``) in the students' Jupyter instead of this kit, it runs the released
notebooks (``%%module`` cells and test cells, :mod:`autograder.notebook`; the experiment cells,
:mod:`autograder.experiments`; ``nnkit nbgrader-exchange`` for the students' configuration), its
``exercises/`` stubs standing in for the modules a notebook does not hold.

The Gradescope autograder is the kit itself, hidden checks included (never ``reference/`` or the
kit's tests), with ``setup.sh`` and ``run_autograder``.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from . import course_folder, templates
from .course import MODULES

#: files and folders of autograder/ that never go to students
INSTRUCTOR_FILES = (
    "checks/math.py",        # the formulas of the expected values
    "checks/hidden",         # the hidden checks
    "distribute.py", "gradescope.py", "templates",  # this generator, Gradescope's side
    "stubs.py", "markers.py",  # generates exercises/ from reference/
    "nbgrader_course.py",  # generates the nbgrader course (its notebooks hold the solutions)
    "nbgrader_plugins.py",  # the course's nbgrader config's additions (the instructor's autograde)
    "batch.py", "class_summary.py",  # grading a class
)
#: files inside those folders that students get all the same: the HTML report's templates
#: (``nnkit grade --html``) and the students' nbgrader configuration (``nnkit nbgrader-exchange``,
#: rendered by the templates' helper)
STUDENT_FILES = ("templates/report.html.j2", "templates/_style.css.j2", "templates/nbgrader_student_config.py.j2",
                 "templates/__init__.py")
#: what the student copy may never contain (file names, anywhere)
FORBIDDEN_SUFFIXES = (".pyc", ".pyo", ".ipynb")
GIT_IDENTITY = ("-c", "user.name=nnkit", "-c", "user.email=nnkit@localhost")
#: the modules a student's runs import (the audit imports them in the student copy, alone)
STUDENT_RUNTIME = ("autograder.cli", "autograder.engine", "autograder.child", "autograder.pytest_plugin",
                   "autograder.report", "autograder.checks", "autograder.probes", "autograder.data",
                   "autograder.sandbox", "autograder.execution", "autograder.loader", "autograder.html_report",
                   # the nbgrader course's kernel side: %%module, the test cells, the experiment cells
                   "autograder.notebook", "autograder.experiments", "autograder.nbgrader_exchange",
                   "autograder.templates")
#: Python code that drops setuptools' editable-install finders, which would otherwise fill in a
#: module the student copy lacks from the instructor's kit installed in the same environment
ALONE = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
         "if not str(getattr(f, '__module__', '')).startswith('__editable__')]")


class DistributionError(RuntimeError):
    """The kit cannot be turned into a student repository (or the result would be unsafe)."""


# --------------------------------------------------------------------------- instructor-only code

def _instructor_only(relative):
    relative = Path(relative).as_posix()
    if relative in STUDENT_FILES:
        return False
    return any(relative == item or relative.startswith(item + "/") for item in INSTRUCTOR_FILES)


def _package_files(kit_root):
    """(path relative to autograder/, absolute path) of every file of the package to hand out."""
    package = Path(kit_root) / "autograder"
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (path.is_dir() or "__pycache__" in relative.parts or path.name.endswith(FORBIDDEN_SUFFIXES)
                or _instructor_only(relative) or relative.as_posix() == "checks/recorded.npz"):
            continue
        yield relative, path


# --------------------------------------------------------------------------- recorded expectations

def record(reference_dir=None, run_required=False):
    """Grade a copy of the reference with every public check, in this process, recording every
    expected value they compute (``checks/expectation.py``). Returns (arrays for recorded.npz,
    notes). A check that needs TensorFlow or Fashion-MNIST (``requires``) is not run (unless
    ``run_required`` and they are here: seconds of TensorFlow or training, and TensorFlow in this
    process): it is verified on empty outputs, so the values it asks for before reading outputs
    are recorded; such a check must ask for its values first. Notes say which checks were not run.
    Raises DistributionError if the reference fails a public check it ran."""
    from .checks import ALL_CHECKS, expectation
    from .engine import InProcessRunner, missing_requirements, verify

    public = [check for check in ALL_CHECKS if not check.hidden]
    recorder = expectation.Recorder()
    failures, notes = [], []
    with tempfile.TemporaryDirectory(prefix="nnkit-record-") as tmp:
        folder = Path(tmp) / "reference"
        folder.mkdir()
        for module in Path(reference_dir or course_folder.reference_dir()).glob("*.py"):
            shutil.copyfile(module, folder / module.name)
        runner = InProcessRunner(folder)
        with expectation.recording(recorder):
            for trial in dict.fromkeys(check.trial for check in public):
                checks = [check for check in public if check.trial == trial]
                key = expectation.TRIAL_KEYS[trial]
                cases = trial.cases()
                reasons = [missing_requirements(c) or ("" if run_required else f"needs {', '.join(c.requires)}")
                           for c in checks if c.requires]
                reasons = [r for r in reasons if r]
                if reasons:
                    outputs, error = [{} for _ in cases], None
                    notes.append(f"{', '.join(c.id for c in checks)}: not run on the reference ({reasons[0]})")
                else:
                    outcome, _ = runner.run(checks[0].exercise, [trial])
                    outputs, error = outcome[trial]
                for check in checks:
                    with recorder.trial(key, cases):
                        verdict = verify(check, cases, outputs, error)
                    if not reasons and verdict.fraction < 1 and verdict.status != "skipped":
                        failures.append(f"{check.id}: {verdict.message}")
    if failures:
        raise DistributionError("the reference fails public checks, nothing to record from:\n  "
                                + "\n  ".join(failures))
    return recorder.arrays(), notes


# --------------------------------------------------------------------------- the student repository

def public_points():
    """{course module: points of the public checks ``grade --only MODULE`` selects}, in the
    course's order (modules without checks left out)."""
    from .engine import select_checks
    points = {module: sum(c.points for c in select_checks(None, only=module, include_hidden=False))
              for module in MODULES}
    return {module: total for module, total in points.items() if total}


def _num(value):
    return f"{value:g}"


def exercise_rows():
    """The student README's table, as data: {exercise, module, points} per exercise with public
    checks, in the course's order."""
    from .checks import ALL_CHECKS, EXERCISE_MODULES, exercises
    public = [check for check in ALL_CHECKS if not check.hidden]
    return [{"exercise": exercise, "module": EXERCISE_MODULES[exercise],
             "points": _num(sum(check.points for check in public if check.exercise == exercise))}
            for exercise in exercises(public)]


def student_readme(points):
    """The student repository's README.md (``templates/student_README.md.j2``)."""
    return templates.render("student_README.md.j2", exercises=exercise_rows(),
                            public_points=_num(sum(points.values())))


#: the workflow's first lines (YAML comments; the rest is :func:`classroom_workflow_data`)
WORKFLOW_HEADER = ("# GitHub Classroom autograding: every push grades each module of exercises/ with its public "
                   "checks.\n# Generated by `python -m autograder student-repo` from the course's kit.\n")


def classroom_workflow(points, python="3.11", extras="[keras]"):
    """GitHub Classroom's workflow (YAML text): one graded test per module (its public checks'
    points, all or nothing: ``--min-score`` makes the command fail below them) and Classroom's
    reporter."""
    import yaml

    class Dumper(yaml.SafeDumper):
        """Writes None as nothing (``push:``) and indents lists, as GitHub's examples do."""
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)
    Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))
    return WORKFLOW_HEADER + yaml.dump(classroom_workflow_data(points, python, extras), Dumper=Dumper,
                                       sort_keys=False, width=1000, allow_unicode=True)


def classroom_workflow_data(points, python="3.11", extras="[keras]"):
    """The workflow of :func:`classroom_workflow`, as the dict its YAML holds."""
    ids = {module: module.replace("_", "-") for module in points}
    fractional = [module for module, total in points.items() if total != int(total)]
    if fractional:  # Classroom's command grader reads max-score as an integer
        raise DistributionError(f"GitHub Classroom needs whole points per module: {fractional}")
    steps = [
        {"name": "Checkout code", "uses": "actions/checkout@v4"},
        {"name": "Set up Python", "uses": "actions/setup-python@v5",
         "with": {"python-version": python, "cache": "pip", "cache-dependency-path": "pyproject.toml"}},
        {"name": "Cache Fashion-MNIST", "uses": "actions/cache@v4",
         "with": {"path": "~/.keras/datasets/fashion-mnist", "key": "fashion-mnist-1"}},
        {"name": "Install the kit", "run": f'python -m pip install -e ".{extras}"'},
        {"name": "Fetch Fashion-MNIST", "run": "python -m autograder fetch-data"},
    ]
    steps += [{"name": f"{module}.py", "id": ids[module], "uses": "classroom-resources/autograding-command-grader@v1",
               "with": {"test-name": f"{module}.py",
                        "command": f"python -m autograder grade exercises --only {module} --min-score {_num(total)}",
                        "timeout": 10, "max-score": int(total)}}
              for module, total in points.items()]
    steps.append({"name": "Autograding Reporter", "uses": "classroom-resources/autograding-grading-reporter@v1",
                  "env": {f"{ids[m].upper()}_RESULTS": f"${{{{ steps.{ids[m]}.outputs.result }}}}" for m in points},
                  "with": {"runners": ",".join(ids.values())}})
    return {
        "name": "Autograding",
        "on": {"push": None, "workflow_dispatch": None, "repository_dispatch": None},
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {"run-autograding-tests": {"runs-on": "ubuntu-latest",
                                           "if": "github.actor != 'github-classroom[bot]'",
                                           "timeout-minutes": 30, "steps": steps}},
    }


#: the kit's dependencies the student copy does not need (they generate the course)
INSTRUCTOR_DEPENDENCIES = {"jinja2", "pyyaml", "tomli"}


def student_pyproject(kit_root=None):
    """The student repository's pyproject.toml (``templates/student_pyproject.toml.j2``): the
    kit's dependencies (but the instructor's), its package (public part), pytest on exercises/;
    the kit's ``keras`` extra, and its ``nbgrader`` extra for the students' Jupyter of the nbgrader
    course (the student copy is what that Jupyter installs, README)."""
    from . import __version__
    project = _read_toml(Path(kit_root or course_folder.root()) / "pyproject.toml")["project"]
    dependencies = [dependency for dependency in project["dependencies"]
                    if re.split(r"[\s<>=!~;\[]", dependency, maxsplit=1)[0].lower() not in INSTRUCTOR_DEPENDENCIES]
    return templates.render("student_pyproject.toml.j2", version=__version__,
                            requires_python=project.get("requires-python", ">=3.10"), dependencies=dependencies,
                            keras=project.get("optional-dependencies", {}).get("keras", []),
                            nbgrader=project.get("optional-dependencies", {}).get("nbgrader", []))


def _read_toml(path):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def build_student_repo(outdir, reference_dir=None, kit_root=None, force=False, git=True,
                       log=print):
    """Write the student repository into ``outdir`` (which must not exist or be empty, unless
    ``force``: then it is replaced). Returns the notes of :func:`record`."""
    from .stubs import expected_exercises
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        if not force:
            raise DistributionError(f"{outdir} is not empty (use --force to replace it)")
        if not _is_student_repo(outdir):
            raise DistributionError(f"{outdir} does not look like a student repository written by this "
                                    "command: not replacing it")
        shutil.rmtree(outdir)
    kit_root = Path(kit_root or course_folder.root())
    arrays, notes = record(reference_dir)
    outdir.mkdir(parents=True, exist_ok=True)

    package = outdir / "autograder"
    for relative, path in _package_files(kit_root):
        target = package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    import numpy as np
    with open(package / "checks" / "recorded.npz", "wb") as handle:
        np.savez_compressed(handle, **arrays)

    exercises = outdir / "exercises"
    exercises.mkdir()
    for name, text in expected_exercises(reference_dir).items():
        (exercises / name).write_text(text, encoding="utf-8")
    for path in sorted(Path(kit_root, "exercises").glob("*.py")):
        if path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py"):
            shutil.copyfile(path, exercises / path.name)

    (outdir / "datasets").mkdir()
    shutil.copyfile(kit_root / "datasets" / "README.md", outdir / "datasets" / "README.md")
    points = public_points()
    (outdir / "README.md").write_text(student_readme(points), encoding="utf-8")
    (outdir / "pyproject.toml").write_text(student_pyproject(kit_root), encoding="utf-8")
    shutil.copyfile(templates.path("student_gitignore"), outdir / ".gitignore")
    workflows = outdir / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "classroom.yml").write_text(classroom_workflow(points), encoding="utf-8")

    audit_student_repo(outdir)
    if git:
        _git(outdir, "init", "-q", "-b", "main")
        _git(outdir, "add", "-A")
        _git(outdir, *GIT_IDENTITY, "commit", "-q", "-m", "Exercises")
    for note in notes:
        log(f"note: {note}")
    return notes


def _is_student_repo(folder):
    """True for a folder this command wrote (what --force may replace)."""
    folder = Path(folder)
    return ((folder / "autograder" / "checks" / "recorded.npz").is_file() and (folder / "exercises").is_dir()
            and not (folder / "reference").exists())


def _git(folder, *args):
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
    except OSError as exc:
        raise DistributionError(f"git is needed to make the repository ({exc}); or use --no-git") from None
    if done.returncode != 0:
        raise DistributionError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def audit_student_repo(outdir):
    """Refuse a student copy that is not self-contained or not clean: it must import on its own
    with public checks only, and hold no instructor file, no compiled file, no notebook, no
    marker, and no import of the formulas."""
    outdir = Path(outdir)
    problems = []
    for path in sorted(outdir.rglob("*")):
        relative = path.relative_to(outdir)
        if relative.parts[0] == ".git" or not path.is_file():
            continue
        if path.name.endswith(FORBIDDEN_SUFFIXES) or "__pycache__" in relative.parts:
            problems.append(f"{relative}: compiled files and notebooks are not handed out")
        if relative.parts[0] == "autograder" and _instructor_only(Path(*relative.parts[1:])):
            problems.append(f"{relative}: instructor-only file")
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            if "### BEGIN SOLUTION" in text:
                problems.append(f"{relative}: holds a solution marker")
            for node in ast.walk(ast.parse(text)):
                module = (node.module or "") if isinstance(node, ast.ImportFrom) else None
                if module is not None and (module.endswith("checks.math") or (
                        (module == "" or module.endswith("checks")) and any(a.name == "math" for a in node.names))):
                    problems.append(f"{relative}:{node.lineno}: imports the formulas (checks/math.py)")
    probe = (ALONE + "; import json, importlib, importlib.util as u\n"
             f"for name in {STUDENT_RUNTIME!r}: importlib.import_module(name)\n"
             "import autograder.checks as c\n"
             "print(json.dumps({'hidden': [k.id for k in c.ALL_CHECKS if k.hidden], 'n': len(c.ALL_CHECKS), "
             "'math': u.find_spec('autograder.checks.math') is not None, 'recorded': c.expectation.RECORDED, "
             "'files': sorted(str(getattr(m, '__file__', None)) for n, m in sys.modules.items() "
             "if n == 'autograder' or n.startswith('autograder.'))}))")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=outdir, capture_output=True, text=True,
                          env=dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(outdir)))
    if done.returncode != 0:
        problems.append("the student copy does not import on its own: " + done.stderr.strip()[-1500:])
    else:
        found = json.loads(done.stdout.strip().splitlines()[-1])
        elsewhere = [f for f in found["files"] if not Path(f).resolve().is_relative_to(outdir.resolve())]
        if elsewhere:
            problems.append(f"the student copy imports modules from outside itself: {elsewhere}")
        if found["hidden"]:
            problems.append(f"hidden checks in the student copy: {found['hidden']}")
        if found["math"] or not found["recorded"]:
            problems.append("the student copy can import checks/math.py")
        if not found["n"]:
            problems.append("the student copy has no checks")
    if problems:
        raise DistributionError("the student copy is not safe to hand out:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------- Gradescope

#: what of the kit goes into the Gradescope autograder (besides autograder/ and the stubs)
GRADESCOPE_FILES = ("pyproject.toml", "README.md", "datasets/README.md")


def build_gradescope_zip(out, reference_dir=None, kit_root=None):
    """Write Gradescope's autograder zip: ``setup.sh`` and ``run_autograder`` at the top, the kit
    (hidden checks and formulas included; no reference, no tests) and the exercise stubs, which
    stand in for modules a submission lacks. Returns the names written."""
    from .files import atomic_write
    from .stubs import expected_exercises
    out, kit_root = Path(out), Path(kit_root or course_folder.root())
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []

    def write(handle):
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            def add(name, data, mode=0o644):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o100000 | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
                names.append(name)
            add("setup.sh", templates.path("gradescope_setup.sh").read_bytes(), 0o755)
            add("run_autograder", templates.path("gradescope_run_autograder").read_bytes(), 0o755)
            package = kit_root / "autograder"
            for path in sorted(package.rglob("*")):
                relative = path.relative_to(package)
                if (path.is_file() and "__pycache__" not in relative.parts
                        and not path.name.endswith(FORBIDDEN_SUFFIXES) and relative.parts[0] != "templates"):
                    add(f"autograder/{relative.as_posix()}", path.read_bytes())
            for name, text in expected_exercises(reference_dir).items():
                add(f"exercises/{name}", text.encode("utf-8"))
            add("exercises/__init__.py", (kit_root / "exercises" / "__init__.py").read_bytes())
            for name in GRADESCOPE_FILES:
                if (kit_root / name).is_file():
                    add(name, (kit_root / name).read_bytes())

    atomic_write(out, write)
    return names
