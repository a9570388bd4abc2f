"""The nbgrader course of ``python -m autograder nbgrader-course``.

Without nbgrader running (fast): the course directory is written by the CLI, every check of the
kit is graded by exactly one test cell of one notebook, with the CLI's points (per check, per
exercise, in total), hidden checks only inside ``### BEGIN HIDDEN TESTS``; the module cells are
the reference modules (one source of truth), keeping as solution regions exactly the exercises
whose code the chapter's checks run; and the grading helper ignores what the calling process
patched.

With real nbgrader (slow): ``nbgrader generate_assignment`` gives release notebooks without
solution code and hidden tests; ``nbgrader autograde`` of submissions made from the notebooks
gives full marks to the source notebook, zero to the untouched release, exactly the lost
exercise's points to a submission with one bug, the CLI's points to the same code (partial
credit and blocked checks included), zero to a release whose test cells were edited or deleted
(nbgrader restores them) and zero to a release whose cells patch numpy and the checks in the
kernel; ``nbgrader export`` writes the grade table. Every chapter's source notebook earns full
marks from the grader.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

from autograder import nbgrader_course as course  # noqa: E402
from autograder.checks import ALL_CHECKS  # noqa: E402
from autograder.course import MODULES  # noqa: E402
from autograder.notebook import NoPoints, check_closure, grade, grade_folder, parse_module_line  # noqa: E402
from autograder.stubs import BEGIN, END, solution_regions  # noqa: E402

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"
EXERCISES = KIT / "exercises"
CHECKS = {check.id: check for check in ALL_CHECKS}
NAMES = [chapter.name for chapter in course.CHAPTERS]
ROUND_TRIP = "ch1_single_layer"       # autograded with five submissions
BUG_CHAPTER = "ch5_optimizers_regularization"


def _cli_course(directory, *extra):
    return subprocess.run([sys.executable, "-m", "autograder", "nbgrader-course", str(directory), *extra],
                          capture_output=True, text=True, cwd=KIT)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("course")
    result = _cli_course(directory)
    assert result.returncode == 0, result.stderr
    return directory


def _notebook(directory, name, kind="source"):
    return nbformat.read(str(Path(directory) / kind / name / f"{name}.ipynb"), as_version=4)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _test_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and _meta(cell).get("grade")]


def _listed_checks(source):
    """{check id: (points, hidden?)} as a test cell's code lists them."""
    listed, hidden = {}, False
    for line in source.splitlines():
        if line.strip() == course.HIDDEN_BEGIN:
            hidden = True
        elif line.strip() == course.HIDDEN_END:
            hidden = False
        match = re.match(r"^\s*(?:checks\[)?'([\w.]+)'\]?\s*[:=]\s*([\d.]+)", line)
        if match:
            listed[match.group(1)] = (float(match.group(2)), hidden)
    return listed


def _regions(text):
    """Solution regions of a module text (the lines between the markers)."""
    return solution_regions(text)


def _skeleton(text):
    """A module text with each solution region, or the one-line stub that replaces it, as one marker."""
    out, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            inside = True
            out.append("<region>")
        elif stripped == END:
            inside = False
        elif stripped.startswith('raise NotImplementedError("not part of this assignment'):
            out.append("<region>")
        elif not inside:
            out.append(line.rstrip())
    return "\n".join(out).strip()


# --------------------------------------------------------------------------- the course directory

def test_cli_writes_the_course_and_keeps_it(generated, tmp_path):
    assert (generated / "nbgrader_config.py").is_file()
    config = (generated / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'nnkit'" in config
    assert "c.OverwriteCells.add_missing_cells = True" in config
    for name in NAMES:
        assert (generated / "source" / name / f"{name}.ipynb").is_file()
    assert len(NAMES) == 6
    # idempotent, and deterministic: a second run writes nothing
    again = _cli_course(generated)
    assert again.returncode == 0 and "up to date" in again.stdout
    # a changed file is never overwritten silently (a released assignment must not change)
    copy = tmp_path / "copy"
    shutil.copytree(generated, copy)
    target = copy / "source" / NAMES[0] / f"{NAMES[0]}.ipynb"
    target.write_text(target.read_text().replace("Assignment 1", "Assignment one"))
    refused = _cli_course(copy)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert "Assignment one" in target.read_text()
    forced = _cli_course(copy, "--force")
    assert forced.returncode == 0 and "Assignment one" not in target.read_text()


def test_every_check_is_graded_once_with_the_cli_points(generated):
    seen = {}
    per_exercise = {}
    for name in NAMES:
        notebook = _notebook(generated, name)
        assert notebook.metadata.kernelspec.name == "python3"
        ids = [_meta(cell)["grade_id"] for cell in notebook.cells if _meta(cell)]
        assert len(ids) == len(set(ids)), f"{name}: duplicate grade ids"
        for cell in _test_cells(notebook):
            meta = _meta(cell)
            assert meta["locked"] and not meta["solution"]
            listed = _listed_checks(cell.source)
            assert listed, cell.source
            assert "from autograder.notebook import grade" in cell.source
            assert cell.source.rstrip().endswith("grade(checks)")
            assert meta["points"] == pytest.approx(sum(points for points, _ in listed.values()))
            for check_id, (points, hidden) in listed.items():
                check = CHECKS[check_id]
                assert check_id not in seen, f"{check_id} graded in {seen[check_id]} and {name}"
                seen[check_id] = name
                assert points == check.points, check_id
                assert hidden == check.hidden, f"{check_id}: hidden checks go inside {course.HIDDEN_BEGIN}"
                per_exercise[check.exercise] = per_exercise.get(check.exercise, 0) + points
    assert set(seen) == set(CHECKS), f"not graded by any notebook: {set(CHECKS) - set(seen)}"
    cli = {}
    for check in ALL_CHECKS:
        cli[check.exercise] = cli.get(check.exercise, 0) + check.points
    assert per_exercise == pytest.approx(cli)
    assert sum(per_exercise.values()) == pytest.approx(sum(check.points for check in ALL_CHECKS))


def test_module_cells_are_the_reference_modules(generated):
    """One source of truth: outside the solution regions each module cell is the reference module;
    its solution regions are the reference's, exactly for the exercises the chapter's checks run
    (its own, and the ones it carries over); every other region is a one-line stub."""
    homes = course.home_chapters()
    taught = set()
    for index, name in enumerate(NAMES):
        notebook = _notebook(generated, name)
        listed = {check_id for cell in _test_cells(notebook) for check_id in _listed_checks(cell.source)}
        runs = {CHECKS[c].exercise for c in listed if CHECKS[c].exercise in homes}
        runs |= {dep for c in listed for dep in CHECKS[c].depends_on}
        taught |= {CHECKS[c].exercise for c in listed}
        sources = course.notebook_sources(notebook)
        assert sources, name
        module_cells = [cell for cell in notebook.cells if cell.source.startswith("%%module")]
        # each module over its cells, parts 1..N in order: one exercise function per solution
        # cell, the given code between them in plain cells (nbgrader leaves those alone)
        numbers = {}
        for cell in module_cells:
            module, number, count = parse_module_line(cell.source.partition("\n")[0])
            numbers.setdefault(module, []).append((number, count))
            code = cell.source.partition("\n")[2]
            if _regions(code):
                assert _meta(cell)["solution"] and not _meta(cell)["locked"]
                assert len(_regions(code)) == 1 and code.lstrip().startswith("def "), cell.source
                indent = code[: len(code) - len(code.lstrip())]
                assert len(re.findall(rf"^{indent}def ", code, flags=re.MULTILINE)) == 1, cell.source
            else:
                assert not _meta(cell), cell.source
        assert set(numbers) == set(sources)
        for module, seen in numbers.items():
            assert seen == [(k, len(seen)) for k in range(1, len(seen) + 1)], f"{name}: {module}"
        assert len([c for c in module_cells if _meta(c)]) == sum(len(_regions(t)) for t in sources.values())
        for module, text in sources.items():
            reference = (REFERENCE / f"{module}.py").read_text()
            assert _skeleton(text) == _skeleton(reference), f"{name}: {module} differs from reference/{module}.py"
            kept = _regions(text)
            expected = [code for region, code in zip(course.reference_regions(module), _regions(reference))
                        if region.exercise in runs]
            assert kept == expected, f"{name}: solution regions of {module}"
        # every region the checks run is there
        have = {region.exercise for module in sources for region in course.reference_regions(module)}
        assert runs <= have
    # every exercise with code is taught (graded) in one chapter
    with_code = {region.exercise for module in MODULES for region in course.reference_regions(module)}
    assert with_code <= taught


def _code_cells_after(notebook, cell):
    cells = notebook.cells
    return [c for c in cells[cells.index(cell) + 1:] if c.cell_type == "code"]


def test_notebooks_read_as_course_material(generated):
    """Each exercise function in its own cell after a markdown cell from its docstring; the
    chapter's experiments (load data, train, plot, through autograder.experiments) as ungraded
    cells after the last test cell; each experiment in exactly one chapter."""
    from autograder import experiments
    placed = []
    for index, name in enumerate(NAMES):
        notebook = _notebook(generated, name)
        cells = notebook.cells
        for position, cell in enumerate(cells):
            if cell.cell_type == "code" and _meta(cell).get("solution"):
                code = cell.source.partition("\n")[2]
                function = re.search(r"def (\w+)", code).group(1)
                before = cells[position - 1]
                assert before.cell_type == "markdown" and before.source.startswith("### `"), cell.source
                assert f".{function}`" in before.source or f"`{function}`" in before.source
                docstring = re.search(r'"""(.*?)(?:\n\n|""")', code, flags=re.DOTALL).group(1)
                assert " ".join(docstring.split()) in " ".join(before.source.split()), function
                module = parse_module_line(cell.source.partition("\n")[0])[0]
                region = next(r for r in course.reference_regions(module)
                              if _meta(cell)["grade_id"] == f"module_{module}_{course._slug(r.function)}")
                if course.home_chapters()[region.exercise] == index:
                    assert course.EXPLANATIONS[region.exercise] in before.source, function
        # nbgrader puts a deleted test cell back after the nbgrader cell that preceded it, which
        # must be a solution or test cell: given code and experiments are plain cells
        nbgrader_cells = [cell for cell in cells if _meta(cell)]
        for previous, cell in zip(nbgrader_cells, nbgrader_cells[1:]):
            if _meta(cell).get("grade"):
                assert _meta(previous).get("solution") or _meta(previous).get("grade"), _meta(cell)["grade_id"]
        expected = course.chapter_experiments(index)
        last_test = _test_cells(notebook)[-1]
        after = _code_cells_after(notebook, last_test)
        assert [cell for cell in after if _meta(cell)] == []
        text = "\n".join(cell.source for cell in after)
        for experiment in expected:
            for call in (f"experiments.load_data({experiment.name!r})",
                         f"experiments.run({experiment.name!r}, nnkit_notebook"):
                assert call in text, (name, call)
            placed.append(experiment.name)
        assert text.count("experiments.plot(history)") == len(expected)
        assert text.count("experiments.grading()") == len(expected)  # skipped while nbgrader grades
    assert sorted(placed) == sorted(experiments.EXPERIMENTS)
    with_code = {region.exercise for module in MODULES for region in course.reference_regions(module)}
    assert set(course.EXPLANATIONS) == with_code


def test_extract_joins_the_module_from_its_cells(generated, tmp_path):
    """Chapter 1 keeps every solution region of single_layer: joined from its cells, the
    extracted module is the reference file itself."""
    folder = course.extract_submission(generated / "source" / ROUND_TRIP / f"{ROUND_TRIP}.ipynb", tmp_path / "out")
    assert (folder / "single_layer.py").read_text() == (REFERENCE / "single_layer.py").read_text()
    # a part run twice, the last cell wins; a whole module written after its parts replaces them
    notebook = _notebook(generated, ROUND_TRIP)
    part = _module_cell(notebook, "single_layer", "def forpass")
    again = nbformat.v4.new_code_cell(part.source.replace("return z", "return z + 0"))
    notebook.cells.append(again)
    assert "return z + 0" in course.notebook_sources(notebook)["single_layer"]
    notebook.cells.append(nbformat.v4.new_code_cell("%%module single_layer\nX = 1"))
    assert course.notebook_sources(notebook)["single_layer"] == "X = 1\n"


def test_kernel_defines_a_module_once_all_its_parts_ran(generated, monkeypatch, capsys):
    from autograder import notebook as kernel
    monkeypatch.setattr(kernel, "SOURCES", {})
    monkeypatch.setattr(kernel, "PARTS", {})
    monkeypatch.setattr(kernel, "_state", {"folder": None})
    for key in [key for key in sys.modules if key.startswith(kernel.PACKAGE)]:
        monkeypatch.delitem(sys.modules, key)
    cells = [cell for cell in _notebook(generated, ROUND_TRIP).cells if cell.source.startswith("%%module")]
    parts = [(cell.source.partition("\n")[0].removeprefix("%%module "), cell.source.partition("\n")[2])
             for cell in cells]
    namespace = {}
    kernel.define_module_part(*parts[-1], namespace=namespace)       # the last part first
    assert "run its cells `part 1, 2, 3 of 4` too" in capsys.readouterr().out
    for arguments, source in parts[:-1]:
        kernel.define_module_part(arguments, source, namespace=namespace)
    assert "SingleLayer" in namespace and kernel.SOURCES["single_layer"] == (REFERENCE / "single_layer.py").read_text()
    with pytest.raises(ValueError, match="part 5 of 4"):
        kernel.define_module_part("single_layer part 5 of 4", "")
    for key in [key for key in sys.modules if key.startswith(kernel.PACKAGE)]:
        del sys.modules[key]


def test_checks_never_need_a_later_chapter():
    homes = course.home_chapters()
    for check in ALL_CHECKS:
        chapter = course.chapter_of_check(check)
        assert all(homes[dep] <= chapter for dep in check.depends_on), check.id


def test_grading_ignores_patches_of_the_calling_process(monkeypatch):
    """What the kernel holds (numpy, the checks, the engine) takes no part in the verdict: the
    helper grades the module text in a fresh process."""
    import numpy

    from autograder import engine
    from autograder.checks import base
    sources = {"regularization": (EXERCISES / "regularization.py").read_text()}  # a stub: 0 points
    originals = {check.id: check.verify for check in ALL_CHECKS}
    monkeypatch.setattr(numpy, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(base, "relative_error", lambda a, b: 0.0)
    monkeypatch.setattr(engine, "verify", lambda *a, **k: base.Verdict(1.0, ""))
    monkeypatch.setattr(engine, "grade", lambda *a, **k: pytest.fail("the kernel's engine was used"))
    try:
        for check in ALL_CHECKS:
            object.__setattr__(check, "verify", lambda cases, outputs: None)
        with pytest.raises(NoPoints):
            grade({"regularization.penalty_grad.values": 2}, sources=sources)
    finally:
        for check in ALL_CHECKS:
            object.__setattr__(check, "verify", originals[check.id])


def test_closure_adds_dependencies_and_sibling_checks():
    closure = {check.id for check in check_closure(["convergence.breast_cancer.single_layer"])}
    assert "single_layer.backprop.values" in closure          # a dependency's hidden check can block
    assert "convergence.breast_cancer.minibatch" in closure   # siblings share the exercise's child
    with pytest.raises(ValueError):
        check_closure(["no.such.check"])


# --------------------------------------------------------------------------- every chapter

@pytest.mark.slow
def test_every_source_notebook_earns_full_marks(generated, tmp_path):
    def run(index):
        name = NAMES[index]
        folder = course.extract_submission(generated / "source" / name / f"{name}.ipynb", tmp_path / name)
        listed = [c for cell in _test_cells(_notebook(generated, name)) for c in _listed_checks(cell.source)]
        return name, grade_folder(folder, listed)

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, range(len(NAMES))))
    for name, result in results:
        # a check that cannot run here (no TensorFlow, no Fashion-MNIST) is skipped, not failed
        ran = {check_id: v for check_id, v in result["checks"].items() if v["status"] != "skipped"}
        assert ran, name
        assert all(v["score"] == v["points"] for v in ran.values()), f"{name}:\n{result['table']}"


# --------------------------------------------------------------------------- the experiments, executed

@pytest.mark.slow
@pytest.mark.parametrize("name", ["ch1_single_layer", "ch3_minibatches"])
def test_executed_notebook_runs_its_experiments(generated, name, monkeypatch, tmp_path):
    """The source notebook (the reference filled in) run by a Jupyter kernel, its test cells left
    out (the nbgrader tests run those): the module cells define the modules from their parts and
    the experiment cells train, print the accuracy and draw the curves, without an error."""
    nbclient = pytest.importorskip("nbclient")
    from autograder import experiments
    from autograder.checks.training import BREAST_CANCER_RUNS
    notebook = _notebook(generated, name)
    notebook.cells = [cell for cell in notebook.cells if not _meta(cell).get("grade")]
    monkeypatch.setenv("PYTHONPATH", str(KIT))      # the kernel imports this kit
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend shows figures
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", ())]
    assert not [output for output in outputs if output.output_type == "error"]
    thresholds = {f"convergence.breast_cancer.{run[0]}": run[4] for run in BREAST_CANCER_RUNS}
    for experiment in course.chapter_experiments(course.CHAPTERS.index(next(c for c in course.CHAPTERS
                                                                             if c.name == name))):
        ids = {cell.get("id"): cell for cell in notebook.cells}
        slug = experiment.name.replace("_", "-")
        train, draw = ids[f"experiment-{slug}-train"], ids[f"experiment-{slug}-plot"]
        text = "".join(output.get("text", "") for output in train.outputs)
        accuracy = float(re.search(r"validation accuracy: ([\d.]+)", text).group(1))
        assert accuracy >= thresholds[experiment.check]
        assert f"epoch {experiment.epochs}/{experiment.epochs}" in text
        assert any("image/png" in output.get("data", {}) for output in draw.outputs)
    assert experiments.EXPERIMENTS  # the module the cells call is this kit's


# --------------------------------------------------------------------------- real nbgrader

def _nbgrader(course_dir, *args):
    # nbgrader runs `alembic` (its database migrations) from PATH: the virtual environment's bin
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = dict(os.environ, PATH=path, JUPYTER_CONFIG_DIR=str(Path(course_dir) / ".jupyter-config"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _submit(course_dir, student, name, notebook):
    folder = Path(course_dir) / "submitted" / student / name
    folder.mkdir(parents=True)
    nbformat.write(notebook, str(folder / f"{name}.ipynb"))


def _cell(notebook, grade_id):
    return next(cell for cell in notebook.cells if _meta(cell).get("grade_id") == grade_id)


def _module_cell(notebook, module, containing=""):
    """The last cell of ``module`` (a module is split over cells) holding the text ``containing``."""
    return [cell for cell in notebook.cells if cell.cell_type == "code"
            and (parse_module_line(cell.source.partition("\n")[0]) or ("",))[0] == module
            and containing in cell.source][-1]


HOSTILE_PATCHES = '''
# patches of this kernel: numpy, the checks, the engine
try:
    import numpy as _np
    import autograder.checks as _checks
    import autograder.checks.base as _base
    import autograder.engine as _engine
    _np.allclose = lambda *a, **k: True
    _np.testing.assert_allclose = lambda *a, **k: None
    _base.relative_error = lambda a, b: 0.0
    for _check in _checks.ALL_CHECKS:
        object.__setattr__(_check, "verify", lambda cases, outputs: None)
    _engine.verify = lambda *a, **k: _base.Verdict(1.0, "")
except Exception:
    pass
'''

SCRATCH_CELL = HOSTILE_PATCHES + '''
import autograder.engine, autograder.course
_report = autograder.engine.grade(autograder.course_folder.exercises_dir() / "single_layer.py", isolated=False)
print(f"PATCHED: the kernel's own engine now gives the stubs {_report.score:g}/{_report.max_score:g}")
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One course, generated and released by nbgrader, with six submissions autograded."""
    pytest.importorskip("nbgrader")
    directory = tmp_path_factory.mktemp("nbgrader-course")
    assert _cli_course(directory).returncode == 0
    _nbgrader(directory, "generate_assignment", "*", "--log-level=WARN")

    source = _notebook(directory, ROUND_TRIP)
    release = _notebook(directory, ROUND_TRIP, "release")
    _submit(directory, "alice", ROUND_TRIP, source)                   # the instructor's solution
    _submit(directory, "bob", ROUND_TRIP, release)                    # untouched

    carol = nbformat.from_dict(json.loads(json.dumps(release)))       # edits and deletes test cells
    _cell(carol, "test_singlelayer_forpass").source = "print('all good')"
    _cell(carol, "test_training_on_breast_cancer").source = "2"
    carol.cells.remove(_cell(carol, "test_singlelayer_backprop"))
    _submit(directory, "carol", ROUND_TRIP, carol)

    dave = nbformat.from_dict(json.loads(json.dumps(release)))        # patches numpy and the checks
    _module_cell(dave, "single_layer").source += "\n" + HOSTILE_PATCHES
    position = dave.cells.index(_cell(dave, "test_singlelayer_forpass"))
    dave.cells.insert(position, nbformat.v4.new_code_cell(SCRATCH_CELL))
    _submit(directory, "dave", ROUND_TRIP, dave)

    erin = nbformat.from_dict(json.loads(json.dumps(source)))         # forpass overwrites its input
    line = "        z = np.dot(x, self.w) + self.b\n"
    cell = _module_cell(erin, "single_layer", line)
    assert line in cell.source
    cell.source = cell.source.replace(line, line + "        x[...] = 0\n")
    _submit(directory, "erin", ROUND_TRIP, erin)

    frank = _notebook(directory, BUG_CHAPTER)                         # one known bug
    cell = _module_cell(frank, "gradients", "return (f(x + h) - f(x - h)) / (2 * h)")
    assert "return (f(x + h) - f(x - h)) / (2 * h)" in cell.source
    cell.source = cell.source.replace("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h")
    _submit(directory, "frank", BUG_CHAPTER, frank)

    _nbgrader(directory, "autograde", "*", "--log-level=WARN")
    _nbgrader(directory, "export", "--log-level=WARN")
    return directory


def _scores(directory, name, student):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{directory}/gradebook.db", course_id="nnkit") as gradebook:
        notebook = gradebook.find_submission_notebook(name, name, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


def _autograded(directory, name, student):
    return nbformat.read(str(directory / "autograded" / student / name / f"{name}.ipynb"), as_version=4)


def _output_text(cell):
    """What a code cell printed, its error included."""
    return "".join(output.get("text", "") + output.get("evalue", "") for output in cell.get("outputs", ()))


def _cell_points(directory, name):
    return {_meta(cell)["grade_id"]: _meta(cell)["points"] for cell in _test_cells(_notebook(directory, name))}


def _cell_checks(directory, name):
    return {_meta(cell)["grade_id"]: list(_listed_checks(cell.source))
            for cell in _test_cells(_notebook(directory, name))}


@pytest.mark.slow
def test_release_has_no_solution_code_and_no_hidden_tests(graded):
    for index, name in enumerate(NAMES):
        release = _notebook(graded, name, "release")
        source = _notebook(graded, name)
        text = "\n".join(cell.source for cell in release.cells)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert "HIDDEN TESTS" not in text
        listed = {c: hidden for cell in _test_cells(source) for c, (_, hidden) in _listed_checks(cell.source).items()}
        for check_id, hidden in listed.items():
            assert (check_id in text) != hidden, f"{name}: {check_id}"
        # no line that only the solutions hold (not the stubs of the notebook's modules) is released
        modules = course.notebook_sources(source)
        stub_lines = {line.strip() for module in modules for line in (EXERCISES / f"{module}.py").read_text().splitlines()}
        released = {line.strip() for line in text.splitlines()}
        for module, code in modules.items():
            for region in _regions(code):
                leaked = {line for line in region.splitlines() if line.strip() in released
                          and line.strip() not in stub_lines and line.strip()}
                assert not leaked, f"{name}: solution code of {module} released: {leaked}"
        assert text.count("raise NotImplementedError()") >= len(_regions("\n".join(modules.values())))
        # the release keeps the structure: module cells, the test cells with their points
        assert course.notebook_sources(release).keys() == modules.keys()
        assert _cell_points(graded, name) == {_meta(c)["grade_id"]: _meta(c)["points"] for c in _test_cells(release)}


@pytest.mark.slow
def test_source_notebook_gets_full_marks_and_release_zero(graded):
    points = _cell_points(graded, ROUND_TRIP)
    alice = _scores(graded, ROUND_TRIP, "alice")
    bob = _scores(graded, ROUND_TRIP, "bob")
    assert set(alice) == set(bob) == set(points)
    for grade_id, maximum in points.items():
        assert alice[grade_id] == (maximum, maximum), grade_id
        assert bob[grade_id] == (0, maximum), grade_id
    # the hidden test ran in the autograded notebook
    autograded = _autograded(graded, ROUND_TRIP, "alice")
    assert "values (hidden)" in _output_text(_cell(autograded, "test_singlelayer_backprop"))


@pytest.mark.slow
def test_one_bug_loses_exactly_that_exercise(graded):
    points = _cell_points(graded, BUG_CHAPTER)
    frank = _scores(graded, BUG_CHAPTER, "frank")
    for grade_id, maximum in points.items():
        expected = 0 if grade_id == "test_numerical_diff" else maximum
        assert frank[grade_id] == (expected, maximum), grade_id
    numerical_diff = sum(c.points for c in ALL_CHECKS if c.exercise == "numerical_diff")
    assert sum(score for score, _ in frank.values()) == sum(points.values()) - numerical_diff


def _cli_scores(notebook_file, tmp_path):
    folder = course.extract_submission(notebook_file, tmp_path / "extracted")
    out = tmp_path / "results.json"
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--json", str(out)],
                            capture_output=True, text=True, cwd=KIT)
    assert result.returncode == 0, result.stderr
    return {test["number"]: (test["score"], test["max_score"]) for test in json.loads(out.read_text())["tests"]}


@pytest.mark.slow
@pytest.mark.parametrize("student, name", [("erin", ROUND_TRIP), ("frank", BUG_CHAPTER), ("alice", ROUND_TRIP)])
def test_same_code_same_points_as_the_cli(graded, tmp_path, student, name):
    """The modules of the submitted notebook, graded by ``python -m autograder grade``: every test
    cell gets the CLI's points of its checks (partial credit and blocked checks included)."""
    cli = _cli_scores(graded / "submitted" / student / name / f"{name}.ipynb", tmp_path)
    nbgrader = _scores(graded, name, student)
    for grade_id, check_ids in _cell_checks(graded, name).items():
        score = sum(cli[c][0] for c in check_ids)
        maximum = sum(cli[c][1] for c in check_ids)
        assert nbgrader[grade_id] == (pytest.approx(score), pytest.approx(maximum)), grade_id
    if student == "erin":   # partial credit (3 of 4) and a blocked training check
        assert nbgrader["test_singlelayer_forpass"] == (3, 4)
        assert nbgrader["test_training_on_breast_cancer"] == (0, 2)


@pytest.mark.slow
def test_edited_or_deleted_test_cells_are_graded_as_released(graded):
    carol = _scores(graded, ROUND_TRIP, "carol")
    assert carol == _scores(graded, ROUND_TRIP, "bob")
    assert all(score == 0 for score, _ in carol.values())
    autograded = _autograded(graded, ROUND_TRIP, "carol")
    source = _notebook(graded, ROUND_TRIP)
    for cell in _test_cells(source):   # restored from nbgrader's copy, hidden tests included
        assert cell.source in _cell(autograded, _meta(cell)["grade_id"]).source


@pytest.mark.slow
def test_patching_numpy_or_the_checks_in_the_kernel_gains_nothing(graded):
    dave = _scores(graded, ROUND_TRIP, "dave")
    assert dave == _scores(graded, ROUND_TRIP, "bob")
    autograded = _autograded(graded, ROUND_TRIP, "dave")
    outputs = "".join(_output_text(cell) for cell in autograded.cells if cell.cell_type == "code")
    # the patches did take effect in the kernel: its own engine was fooled …
    match = re.search(r"PATCHED: the kernel's own engine now gives the stubs ([\d.]+)/([\d.]+)", outputs)
    assert match and float(match.group(1)) == float(match.group(2)) > 0
    # … and the test cells, graded in a fresh process, were not
    assert "not implemented yet: SingleLayer.forpass" in outputs


@pytest.mark.slow
def test_export_writes_the_grade_table(graded):
    with open(graded / "grades.csv", newline="") as handle:
        rows = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    maximum = {name: float(sum(_cell_points(graded, name).values())) for name in (ROUND_TRIP, BUG_CHAPTER)}
    assert maximum[ROUND_TRIP] == sum(CHECKS[c].points for ids in _cell_checks(graded, ROUND_TRIP).values() for c in ids)
    expected = {"alice": maximum[ROUND_TRIP], "bob": 0.0, "carol": 0.0, "dave": 0.0, "erin": maximum[ROUND_TRIP] - 3}
    for student, score in expected.items():
        row = rows[(ROUND_TRIP, student)]
        assert float(row["score"]) == score and float(row["max_score"]) == maximum[ROUND_TRIP], student
    frank = rows[(BUG_CHAPTER, "frank")]
    assert float(frank["score"]) == maximum[BUG_CHAPTER] - 2 and float(frank["max_score"]) == maximum[BUG_CHAPTER]
