"""An nbgrader course generated from reference/: ``python -m autograder nbgrader-course DIR``.

One assignment per course chapter, one notebook per assignment (``source/<a>/<a>.ipynb``):

* a locked setup cell (``%load_ext autograder.notebook``);
* per course module the chapter needs, a markdown cell explaining each step (from the docstrings)
  and one code cell holding the whole module, starting with ``%%module NAME``. Solution regions
  (``### BEGIN SOLUTION`` … ``### END SOLUTION``, kept from the reference) are the chapter's
  exercises. An exercise of an earlier chapter that a check of this chapter runs is *given*: its
  reference solution as plain code (:func:`carried_exercises`), so an exercise is graded once,
  in its own chapter, and a mistake there never costs points again; every other exercise is the
  plain stub ``raise NotImplementedError``;
* per exercise (per chapter, for the training exercises whose checks span several chapters) an
  autograded, locked test cell worth the CLI's points of its checks. It calls
  :func:`autograder.notebook.grade`, which grades the *text* of the module cells in a fresh,
  isolated grader process; hidden checks are added inside ``### BEGIN HIDDEN TESTS``.

Each check belongs to exactly one chapter, so the test cells' points add up, per exercise and in
total, to the CLI's. The chapter of a check is the chapter that teaches its exercise; a training
check (``convergence.*``), whose exercise has no code of its own, belongs to the latest chapter
teaching one of the exercises it depends on.

``nnkit nbgrader-extract NOTEBOOK FOLDER`` writes a notebook's modules as a
submission folder (the kit's stubs for the rest), to grade it with ``python -m autograder grade``.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

from . import course_folder
from .checks import ALL_CHECKS
from .course import CHAPTERS, MODULES, exercise_of_function, module_of
from .stubs import BEGIN, END, functions_by_name

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MAGIC = re.compile(r"^%%module[ \t]+(\w+)[ \t]*$")
COURSE_ID = "nnkit"


# --------------------------------------------------------------------------- the plan

@dataclass(frozen=True)
class Region:
    module: str
    function: str      # dotted name of the function holding the region
    exercise: str
    start: int         # line numbers (1-based) of the BEGIN and END markers
    end: int
    doc: str


@dataclass(frozen=True)
class GradedCell:
    """One autograded test cell."""
    chapter: str
    exercise: str
    checks: tuple      # Check objects (public ones first, in ALL_CHECKS order)
    modules: tuple     # modules its checks need

    @property
    def grade_id(self):
        return "test_" + _slug(self.exercise)

    @property
    def points(self):
        return _points(sum(check.points for check in self.checks))

    @property
    def public(self):
        return tuple(check for check in self.checks if not check.hidden)

    @property
    def hidden(self):
        return tuple(check for check in self.checks if check.hidden)


def _slug(text):
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def _points(value):
    value = round(float(value), 6)
    return int(value) if value == int(value) else value


def reference_regions(module, reference_dir=None):
    """The solution regions of one reference module, with the exercise each belongs to."""
    source = (Path(reference_dir or course_folder.reference_dir()) / f"{module}.py").read_text(encoding="utf-8")
    functions = functions_by_name(source)
    regions, start = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN:
            start = number
        elif line.strip() == END:
            # the innermost function around the region
            function = max((name for name, node in functions.items() if node.lineno <= start <= node.end_lineno),
                           key=lambda name: functions[name].lineno)
            regions.append(Region(module, function, exercise_of_function(function), start, number,
                                  ast.get_docstring(functions[function]) or ""))
    return regions


def all_regions():
    return [region for module in MODULES for region in reference_regions(module)]


def home_chapters():
    """{exercise: index of the chapter that teaches it}."""
    homes = {}
    for index, chapter in enumerate(CHAPTERS):
        for exercise in chapter.exercises:
            if exercise in homes:
                raise ValueError(f"{exercise} is taught in two chapters")
            homes[exercise] = index
    return homes


def chapter_of_check(check, homes=None):
    """Index of the chapter whose notebook grades ``check``."""
    homes = home_chapters() if homes is None else homes
    needs = [homes[dep] for dep in check.depends_on]
    if check.exercise in homes:
        home = homes[check.exercise]
        if needs and max(needs) > home:
            raise ValueError(f"{check.id} needs exercises of a later chapter")
        return home
    if not needs:
        raise ValueError(f"{check.id}: its exercise {check.exercise} is taught in no chapter")
    return max(needs)


def graded_cells(chapter_index):
    """The test cells of one chapter, in teaching order."""
    homes = home_chapters()
    groups = {}
    for check in ALL_CHECKS:
        if chapter_of_check(check, homes) == chapter_index:
            groups.setdefault(check.exercise, []).append(check)
    result = []
    for exercise, checks in groups.items():
        needed = ({exercise} if exercise in homes else set()) | {dep for c in checks for dep in c.depends_on}
        modules = tuple(m for m in MODULES if any(module_of(e) == m for e in needed))
        ordered = tuple(c for c in checks if not c.hidden) + tuple(c for c in checks if c.hidden)
        result.append(GradedCell(CHAPTERS[chapter_index].name, exercise, ordered, modules))
    return result


def needed_exercises(chapter_index):
    """Exercises whose code the chapter's checks run: its own and the ones carried over."""
    homes = home_chapters()
    needed = set()
    for group in graded_cells(chapter_index):
        for check in group.checks:
            if check.exercise in homes:
                needed.add(check.exercise)
            needed.update(check.depends_on)
    return needed


def chapter_modules(chapter_index):
    needed = needed_exercises(chapter_index)
    return tuple(m for m in MODULES if any(module_of(e) == m for e in needed))


def assignment_checks(name):
    """The ids of the checks the notebook of assignment ``name`` grades (``nnkit grade
    --assignment NAME``); ValueError for an unknown assignment."""
    names = [chapter.name for chapter in CHAPTERS]
    if name not in names:
        raise ValueError(f"no assignment {name!r}; the assignments are {', '.join(names)}")
    return frozenset(check.id for group in graded_cells(names.index(name)) for check in group.checks)


def course_plan():
    """{assignment: [GradedCell, ...]} for every chapter."""
    return {chapter.name: graded_cells(index) for index, chapter in enumerate(CHAPTERS)}


# --------------------------------------------------------------------------- module cells

def module_cell_source(module, needed, reference_dir=None, given=()):
    """``%%module NAME`` and the reference module, keeping the solution regions of the needed
    exercises and turning every other one into ``raise NotImplementedError``. The regions of the
    ``given`` exercises (carried over from an earlier assignment) keep the reference's code as
    plain code, without the solution markers: it is released as given code."""
    source = (Path(reference_dir or course_folder.reference_dir()) / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    regions = {region.start: region for region in reference_regions(module, reference_dir)}
    given_markers = {line for region in regions.values() if region.exercise in given
                     for line in (region.start, region.end)}
    out, skip_until = [f"%%module {module}\n"], 0
    for number, line in enumerate(lines, start=1):
        if number <= skip_until or number in given_markers:
            continue
        region = regions.get(number)
        if region is not None and region.exercise not in needed:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("not part of this assignment: {region.function}")\n')
            skip_until = region.end
            continue
        out.append(line)
    return "".join(out).rstrip("\n")


def carried_exercises(chapter_index):
    """Exercises of earlier chapters that this chapter's checks run: given in its notebook as the
    reference solution (graded once, in their own chapter; a mistake there costs nothing here)."""
    homes = home_chapters()
    return {exercise for exercise in needed_exercises(chapter_index) if homes[exercise] != chapter_index}


# --------------------------------------------------------------------------- notebooks

def _nbgrader(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(name, text):
    """An explanation cell. Not an nbgrader cell: nbgrader (0.9) puts a deleted test cell back
    after the nbgrader cell that preceded it in the source notebook, and fails when that cell is
    not a solution or test cell; so the cell before a test cell is always one of those."""
    from nbformat.v4 import new_markdown_cell
    cell = new_markdown_cell(text.strip())
    cell.id = name.replace("_", "-")
    return cell


def _code(grade_id, text, **kind):
    from nbformat.v4 import new_code_cell
    cell = new_code_cell(text, metadata=_nbgrader(grade_id, **kind))
    cell.id = grade_id.replace("_", "-")
    return cell


def _meta_of(cell):
    return cell.metadata.get("nbgrader", {})


def _paragraphs(doc):
    """The first paragraph of a docstring on one line, and the rest (or "")."""
    summary, rest = doc.strip().split("\n\n", 1) if "\n\n" in doc.strip() else (doc.strip(), "")
    return " ".join(line.strip() for line in summary.splitlines()), rest.strip()


def _doc_block(doc):
    summary, rest = _paragraphs(doc)
    if not rest:
        return summary
    lines = [line.rstrip() for line in rest.splitlines()]
    return summary + "\n\n   ```text\n" + "\n".join(f"   {line}" if line else "" for line in lines) + "\n   ```"


def _checks_text(group):
    lines = [f"- {check.description} ({_points(check.points)} point{'s' if check.points != 1 else ''})"
             for check in group.public]
    if group.hidden:
        hidden = _points(sum(check.points for check in group.hidden))
        lines.append(f"- hidden checks, run when your work is graded ({hidden} point{'s' if hidden != 1 else ''})")
    return "\n".join(lines)


def graded_cell_source(group):
    hidden = _points(sum(c.points for c in group.hidden))
    header = f"# Tests of {group.exercise}: {group.points} points"
    if group.hidden:
        share = "all" if not group.public else f"{hidden} of them"
        header += f" ({share} in hidden checks, run when your work is graded)"
    lines = [header,
             "# The kit's grader runs the code of the %%module cells in a separate, sandboxed process,",
             "# as `python -m autograder grade` does; the table lists each check and its points.",
             "from autograder.notebook import grade",
             "",
             "checks = {  # check: points"]
    lines += [f"    {check.id!r}: {_points(check.points)!r}," for check in group.public]
    lines.append("}")
    if group.hidden:
        lines.append(HIDDEN_BEGIN)
        lines += [f"checks[{check.id!r}] = {_points(check.points)!r}" for check in group.hidden]
        lines.append(HIDDEN_END)
    lines.append("grade(checks)")
    return "\n".join(lines)


def build_notebook(chapter_index):
    """The source notebook (with solutions and hidden tests) of one chapter."""
    from nbformat.v4 import new_notebook
    chapter = CHAPTERS[chapter_index]
    homes = home_chapters()
    groups = graded_cells(chapter_index)
    needed = needed_exercises(chapter_index)
    modules = chapter_modules(chapter_index)
    total = _points(sum(g.points for g in groups))
    hidden = _points(sum(c.points for g in groups for c in g.hidden))
    cells = [_markdown("intro", f"""
# Assignment {chapter_index + 1}: {chapter.title}

{chapter.intro}

**How this notebook works.** Each code cell that starts with `%%module NAME` holds one whole course
module, as in the kit's `exercises/NAME.py`. Keep that first line, and replace every
`raise NotImplementedError()` under `# YOUR CODE HERE` with your code; everything else (training
loops, losses, prediction) is given. After the cell has run, its classes and functions can be
tried in cells of your own.

Each test cell hands the code of the `%%module` cells to the kit's grader, which runs it in a
separate, sandboxed process and prints one line per check: what was expected, what came, and a
hint when the mistake is a classic one. Run the whole notebook from the top (*Restart & Run All*)
before you submit. This assignment is worth {total} points{f', {hidden} of them in hidden checks that run when your work is graded' if hidden else ''}.
"""),
             _code("setup", "# the kit in this notebook: the %%module cell magic, and the grader of the test cells\n"
                            "%load_ext autograder.notebook", locked=True)]
    placed = set()
    for position, module in enumerate(modules):
        regions = reference_regions(module)
        docstring = ast.get_docstring(ast.parse((course_folder.reference_dir() / f"{module}.py").read_text(encoding="utf-8"))) or ""
        own = [r for r in regions if r.exercise in needed and homes[r.exercise] == chapter_index]
        carried = [r for r in regions if r.exercise in needed and homes[r.exercise] != chapter_index]
        others = [r for r in regions if r.exercise not in needed]
        text = [f"## The module `{module}`", "", docstring.strip(), ""]
        if own:
            text += ["Your code in this cell, step by step:", ""]
            text += [f"{i}. **`{r.function}`** — {_doc_block(r.doc)}" for i, r in enumerate(own, start=1)]
            text.append("")
        if carried:
            text += [("This cell is given and read-only: " if not own else "Given: ")
                     + "the solution of an earlier assignment, where it is graded (the checks of this "
                     "assignment run it, so a mistake made there costs nothing here):", ""]
            text += [f"- **`{r.function}`** (assignment {homes[r.exercise] + 1}) — {_paragraphs(r.doc)[0]}"
                     for r in carried]
            text.append("")
        if others:
            text += ["Not part of this assignment (they stay `raise NotImplementedError`): "
                     + ", ".join(f"`{r.function}`" for r in others) + "."]
        cells.append(_markdown(f"about_{module}", "\n".join(text)))
        # a module with an exercise of this chapter is a solution cell; one that only gives code of
        # earlier chapters is locked (nbgrader restores it at autograde: given code stays given)
        cells.append(_code(f"module_{module}", module_cell_source(module, needed, given=carried_exercises(chapter_index)),
                           **({"solution": True} if own else {"locked": True})))
        available = set(modules[: position + 1])
        for group in groups:
            if group.exercise in placed or not set(group.modules) <= available:
                continue
            placed.add(group.exercise)
            title = f"### Checks of `{group.exercise}` ({group.points} points)"
            if group.exercise not in homes:
                share = _points(sum(c.points for c in ALL_CHECKS if c.exercise == group.exercise))
                others = "" if share == group.points else f" of its {share}; the others are in other assignments"
                title = (f"### {group.exercise} ({group.points} points{others})\n\n"
                         "These checks run the given code (training loops, comparisons) on your code.")
            cells.append(_markdown(f"about_{group.grade_id}", f"{title}\n\n{_checks_text(group)}"))
            previous = [_meta_of(cell) for cell in cells if _meta_of(cell)][-1]
            if not (previous.get("solution") or previous.get("grade")):
                # nbgrader puts a deleted test cell back after the solution or test cell before it
                raise ValueError(f"{chapter.name}: the tests of {group.exercise} follow a locked cell")
            cells.append(_code(group.grade_id, graded_cell_source(group), grade=True, locked=True,
                               points=group.points))
    missing = [g.exercise for g in groups if g.exercise not in placed]
    if missing:
        raise ValueError(f"{chapter.name}: no place for the tests of {', '.join(missing)}")
    cells.append(_markdown("end", f"*End of assignment {chapter_index + 1}: {total} points in all.*"))
    notebook = new_notebook(cells=cells)
    notebook.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return notebook


def course_files(course_id=COURSE_ID, exchange=None):
    """{relative path: text} of the whole course directory (``exchange``: nbgrader's exchange
    folder, default :data:`autograder.nbgrader_exchange.EXCHANGE`)."""
    import nbformat
    from .nbgrader_exchange import EXCHANGE
    from .templates import render
    exchange = str(Path(exchange).absolute()) if exchange else EXCHANGE
    files = {"nbgrader_config.py": render("nbgrader_config.py.j2", course_id=course_id, exchange=exchange)}
    for index, chapter in enumerate(CHAPTERS):
        files[f"source/{chapter.name}/{chapter.name}.ipynb"] = nbformat.writes(build_notebook(index)) + "\n"
    return files


def write_course(directory, course_id=COURSE_ID, force=False, exchange=None):
    """Write the course directory; refuses to change existing files unless ``force``.
    Returns the paths written (files already up to date are left alone)."""
    directory = Path(directory)
    files = course_files(course_id, exchange)
    changed = {path: text for path, text in files.items()
               if not (directory / path).exists() or (directory / path).read_text(encoding="utf-8") != text}
    clash = [path for path in changed if (directory / path).exists()]
    if clash and not force:
        raise FileExistsError("these files exist and differ (pass --force to overwrite; a released assignment "
                              "must not change): " + ", ".join(clash))
    written = []
    for path, text in changed.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


# --------------------------------------------------------------------------- submissions

def notebook_sources(notebook):
    """{module: code} of a notebook's ``%%module`` cells (a path or a notebook object; the last
    cell of a module wins, as when the notebook runs)."""
    import nbformat
    if not hasattr(notebook, "cells"):
        notebook = nbformat.read(str(notebook), as_version=4)
    sources = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        first, _, rest = cell.source.partition("\n")
        match = MAGIC.match(first.strip())
        if match and match.group(1) in MODULES:
            sources[match.group(1)] = rest.rstrip() + "\n"
    return sources


def extract_submission(notebook, folder):
    """Write a notebook's modules as a submission folder (kit stubs for the others)."""
    from .notebook import write_submission
    return write_submission(folder, notebook_sources(notebook))
