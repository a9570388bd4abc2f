"""An nbgrader course generated from reference/: ``python -m autograder nbgrader-course DIR``.

One assignment per course chapter, one notebook per assignment (``source/<a>/<a>.ipynb``):

* a locked setup cell (``%load_ext autograder.notebook``);
* per course module the chapter needs, a markdown cell introducing it (its docstring), then the
  module split over code cells (:func:`module_parts`): each exercise function of the chapter in a
  cell of its own (an nbgrader solution cell, after a markdown cell built from its docstring),
  the given code between them in plain cells, every cell starting with ``%%module NAME part K of
  N`` (the kernel joins the parts, :func:`autograder.notebook.join_parts`). Solution regions
  (``### BEGIN SOLUTION`` … ``### END SOLUTION``, kept from the reference) are the chapter's
  exercises and, where a check of this chapter needs them, exercises of another chapter that
  the student carries over; every other exercise is the plain stub ``raise NotImplementedError``;
* per exercise (per chapter, for the training exercises whose checks span several chapters) an
  autograded, locked test cell worth the CLI's points of its checks. It calls
  :func:`autograder.notebook.grade`, which grades the *text* of the module cells in a fresh,
  isolated grader process; hidden checks are added inside ``### BEGIN HIDDEN TESTS``;
* at the end, the chapter's experiments (:mod:`autograder.experiments`, the chapter of the check
  that trains the same network) as ungraded cells: load the data, train, plot the curves. They
  are skipped while nbgrader grades (``NBGRADER_EXECUTION``).

Each check belongs to exactly one chapter, so the test cells' points add up, per exercise and in
total, to the CLI's. The chapter of a check is the chapter that teaches its exercise; a training
check (``convergence.*``), whose exercise has no code of its own, belongs to the latest chapter
teaching one of the exercises it depends on.

``nnkit nbgrader-extract NOTEBOOK FOLDER`` writes a notebook's modules (each joined from its
cells) as a submission folder (the kit's stubs for the rest), to grade it with
``python -m autograder grade``.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

from . import course_folder
from .checks import ALL_CHECKS
from .course import CHAPTERS, MODULES, exercise_of_function, module_of
from .notebook import join_parts, parse_module_line
from .stubs import BEGIN, END, functions_by_name

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
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


def course_plan():
    """{assignment: [GradedCell, ...]} for every chapter."""
    return {chapter.name: graded_cells(index) for index, chapter in enumerate(CHAPTERS)}


# --------------------------------------------------------------------------- module cells

def _render(lines, regions, needed, first, last):
    """Lines ``first``..``last`` (1-based) of a reference module, keeping the solution regions of
    the needed exercises and turning every other one into ``raise NotImplementedError``."""
    out, skip_until = [], 0
    for number in range(first, last + 1):
        line = lines[number - 1]
        if number <= skip_until:
            continue
        region = regions.get(number)
        if region is not None and region.exercise not in needed:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("not part of this assignment: {region.function}")\n')
            skip_until = region.end
            continue
        out.append(line)
    return "".join(out)


def module_cell_source(module, needed, reference_dir=None):
    """``%%module NAME`` and the whole reference module in one text, keeping the solution regions
    of the needed exercises and turning every other one into ``raise NotImplementedError``."""
    source = (Path(reference_dir or course_folder.reference_dir()) / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    regions = {region.start: region for region in reference_regions(module, reference_dir)}
    return f"%%module {module}\n" + _render(lines, regions, needed, 1, len(lines)).rstrip("\n")


@dataclass(frozen=True)
class Part:
    """One cell's share of a module: an exercise function (``region`` set) or given code."""
    module: str
    number: int        # K of ``part K of N``
    count: int         # N
    code: str          # the lines of the module, without the magic line
    region: Region = None
    defines: tuple = ()  # classes and functions (dotted) whose definition starts in the part

    @property
    def source(self):
        """The cell's text: the magic line, then the code."""
        magic = f"%%module {self.module}" + (f" part {self.number} of {self.count}" if self.count > 1 else "")
        return f"{magic}\n{self.code}"



def module_parts(module, needed, reference_dir=None):
    """The module as a list of :class:`Part`: each function holding a solution region of a needed
    exercise on its own, the given code between them as parts of their own (blank lines at
    their edges dropped; :func:`autograder.notebook.join_parts` puts them back). Joined, the
    parts' code is :func:`module_cell_source`'s text."""
    source = (Path(reference_dir or course_folder.reference_dir()) / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    all_regions = reference_regions(module, reference_dir)
    regions = {region.start: region for region in all_regions}
    functions = functions_by_name(source)
    spans = []
    for region in all_regions:
        if region.exercise in needed:
            node = functions[region.function]
            first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            spans.append((first, max(node.end_lineno, region.end), region))  # END is a comment
    pieces, position = [], 1
    for first, last, region in sorted(spans, key=lambda span: span[0]):
        pieces.append((position, first - 1, None))
        pieces.append((first, last, region))
        position = last + 1
    pieces.append((position, len(lines), None))
    classes = {node.name: node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)}
    codes = []
    for first, last, region in pieces:
        code = re.sub(r"\A(?:[ \t]*\n)+", "", _render(lines, regions, needed, first, last)).rstrip()
        starts = sorted([(line, name) for name, line in classes.items()]
                        + [(node.lineno, name) for name, node in functions.items()])
        if code:
            codes.append((code, region, tuple(name for line, name in starts if first <= line <= last)))
    return [Part(module, number, len(codes), code, region, defines)
            for number, (code, region, defines) in enumerate(codes, start=1)]


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


#: A short explanation per exercise, shown before its cell after the docstring's summary: why the
#: step is done this way (the course's explanations, in this kit's words).
EXPLANATIONS = {
    "SingleLayer.forpass": "One matrix product handles the whole batch: each row of x is a sample, so x·w gives one "
                           "z per sample, and b is added to every row (broadcasting).",
    "SingleLayer.backprop": "With the sigmoid and the logistic loss, dL/dz is simply a − y. The product xᵀ·err adds "
                            "up each feature's contribution over the samples; dividing by m makes it the gradient "
                            "of the mean loss.",
    "DualLayer.forpass": "The hidden layer is a single layer with `units` outputs; its activations a1 are kept "
                         "because backpropagation needs them.",
    "DualLayer.backprop": "The output layer's gradients are those of a single layer whose input is a1. The error "
                          "reaches the hidden layer through w2 and is scaled by the sigmoid's derivative a1(1 − a1).",
    "DualLayer.init_weights": "Every weight starting at the same value makes all hidden units compute the same "
                              "thing and get the same update: they stay identical, which is why this network "
                              "learns slowly (compare the experiment's two starts).",
    "RandomInitNetwork.init_weights": "Random starting weights break the symmetry: each hidden unit starts "
                                      "different and learns something different.",
    "XavierInitNetwork.init_weights": "Xavier (Glorot) scales the random start to the layer's fan-in and fan-out, "
                                      "so the activations neither vanish nor saturate at the start.",
    "penalty_grad": "L1 pushes weights towards exactly zero (its gradient is the sign), L2 shrinks them in "
                    "proportion to their size; divided by m like the gradient of the mean loss.",
    "MinibatchNetwork.gen_batch": "A generator (`yield`) hands out one batch at a time without building a list; a "
                                  "new shuffle every epoch keeps the batches different from one epoch to the next.",
    "MultiClassNetwork.softmax": "Exponentials make the scores positive; dividing by each row's sum makes the row a "
                                 "probability distribution. Subtracting the row's maximum first changes nothing "
                                 "mathematically but keeps exp from overflowing.",
    "MultiClassNetwork.init_weights": "The random start of the two-layer network, with k output units.",
    "MultiClassNetwork.forpass": "The forward pass of the two-layer network, with k outputs per sample.",
    "MultiClassNetwork.backprop": "The backpropagation of the two-layer network, with an error of k columns.",
    "MultiClassNetwork.training": "For the softmax with the cross-entropy, the derivative of the loss with respect "
                                  "to z2 is again a − y: the softmax's derivatives and the logarithm's cancel out.",
    "Momentum.update": "A velocity, a decaying sum of the past steps: gradients that agree build up speed, "
                       "gradients that oscillate cancel out.",
    "RMSProp.update": "Each step is divided by a running root mean square of that parameter's gradients: steep "
                      "directions take smaller steps, flat ones larger.",
    "Adam.update": "Momentum's averaged gradient scaled as in RMSProp, with a correction for moments that start "
                   "at zero.",
    "dropout": "Silencing random units while training keeps the network from relying on any single one; scaling "
               "the survivors keeps the expected activation unchanged.",
    "EarlyStopping": "Stop once the validation loss no longer improves: from there on, the network learns the "
                     "training set by heart rather than the problem.",
    "numerical_diff": "The central difference is accurate to O(h²), the one-sided (f(x + h) − f(x)) / h only to O(h).",
    "numerical_gradient": "One central difference per entry: slow, but it checks any analytic gradient.",
    "build_keras_model": "Dense layers are the products x·w + b of the NumPy network; Keras derives the "
                         "backpropagation itself.",
}


def _given_text(part, stubbed):
    """The markdown before a cell of given code (None for the module's opening part): what it
    defines, and the stubs it holds of exercises that are not part of this assignment."""
    if part.number == 1:
        return None
    shown = [name for name in part.defines if not name.endswith(".__init__") and name not in stubbed]
    what = ", ".join(f"`{name}`" for name in shown) if shown else "the rest of the module"
    stubs = [name for name in part.defines if name in stubbed]
    text = f"Given code, to run as it is: {what}."
    if stubs:
        text += f" It keeps the stub of {', '.join(f'`{name}`' for name in stubs)} (not part of this assignment)."
    return text


def _exercise_text(region, homes, chapter_index):
    title = f"### `{region.function}`"
    if homes[region.exercise] != chapter_index:
        return (f"{title} (carried over from assignment {homes[region.exercise] + 1})\n\n"
                f"{_paragraphs(region.doc)[0]}\n\nPaste your solution of assignment {homes[region.exercise] + 1} "
                "here (it is graded there; the checks of this assignment use it).")
    summary, rest = _paragraphs(region.doc)
    text = f"{title}\n\n{summary}"
    if region.exercise in EXPLANATIONS:
        text += f" {EXPLANATIONS[region.exercise]}"
    if rest:
        text += "\n\n```text\n" + "\n".join(line.rstrip() for line in rest.splitlines()) + "\n```"
    return text + "\n\nYour code replaces `raise NotImplementedError()` under `# YOUR CODE HERE`."


def chapter_experiments(chapter_index):
    """The experiments (:data:`autograder.experiments.EXPERIMENTS`) that end a chapter: those
    whose check (the check training the same network) this chapter's notebook grades."""
    from .experiments import EXPERIMENTS
    checks = {check.id: check for check in ALL_CHECKS}
    homes = home_chapters()
    return [experiment for experiment in EXPERIMENTS.values()
            if chapter_of_check(checks[experiment.check], homes) == chapter_index]


DATASETS = {"breast_cancer": "the breast cancer data (364 training, 91 validation samples, 30 standardised "
                             "features)",
            "fashion_mnist": "Fashion-MNIST (48,000 training, 12,000 validation images of 784 pixels in [0, 1], "
                             "one-hot targets)"}


def experiment_cells(experiment):
    """The ungraded cells of one experiment: what it is, load the data, train, plot."""
    name = experiment.name
    slug = _slug(name).replace("_", "-")
    from nbformat.v4 import new_code_cell
    load = new_code_cell(
        "# Experiment (not graded; skipped while nbgrader grades the notebook): the data\n"
        "from autograder import experiments\n"
        "import nnkit_notebook  # the modules of this notebook's %%module cells\n"
        "\n"
        "run_experiment = not experiments.grading()\n"
        "if run_experiment:\n"
        f"    data = experiments.load_data({name!r})\n"
        "    print('training:', data.x_train.shape, data.y_train.shape, ' validation:', data.x_val.shape, "
        "data.y_val.shape)")
    train = new_code_cell(
        f"# {experiment.model} trained {experiment.epochs} epochs with your code\n"
        "if run_experiment:\n"
        f"    history = experiments.run({name!r}, nnkit_notebook, data=data, progress=experiments.TextProgress(terminal=True))\n"
        "    print(f'validation accuracy: {history.val_accuracy:.3f}')")
    draw = new_code_cell(
        "# the learning curves: loss and accuracy per epoch, on the training and the validation data\n"
        "if run_experiment:\n"
        "    experiments.plot(history)")
    for cell, kind in ((load, "data"), (train, "train"), (draw, "plot")):
        cell.id = f"experiment-{slug}-{kind}"
    intro = _markdown(f"experiment_{name}", f"""
## Experiment: {experiment.title}

As in the course: `{experiment.model}` from your code above, trained {experiment.epochs} epochs on
{DATASETS[experiment.dataset]}, with the training and validation loss (the `losses` and
`val_losses` the class records) and accuracy after every epoch. Not graded: run it to see what your
network learns (`nnkit train {name}` does the same from a terminal).
""")
    return [intro, load, train, draw]


def build_notebook(chapter_index):
    """The source notebook (with solutions and hidden tests) of one chapter."""
    from nbformat.v4 import new_code_cell, new_notebook
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

**How this notebook works.** The code cells that start with `%%module NAME` hold the course module
`NAME`, as in the kit's `exercises/NAME.py`, one function to write (or a stretch of given code) per
cell; a method keeps its indentation inside its class, and `part K of N` on the first line says
where the cell goes in the module. Keep that first line, and replace every
`raise NotImplementedError()` under `# YOUR CODE HERE` with your code; everything else (training
loops, losses, prediction) is given. Once all the parts of a module have run, its classes and
functions can be tried in cells of your own.

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
            text += ["To write in this module: " + ", ".join(f"`{r.function}`" for r in own) + "."]
        if carried:
            text += ["Carried over from an earlier assignment: "
                     + ", ".join(f"`{r.function}` (assignment {homes[r.exercise] + 1})" for r in carried) + "."]
        if others:
            text += ["Not part of this assignment (they stay `raise NotImplementedError`): "
                     + ", ".join(f"`{r.function}`" for r in others) + "."]
        cells.append(_markdown(f"about_{module}", "\n".join(text)))
        for part in module_parts(module, needed):
            if part.region is not None:
                cells.append(_markdown(f"about_{module}_{_slug(part.region.function)}",
                                       _exercise_text(part.region, homes, chapter_index)))
                cells.append(_code(f"module_{module}_{_slug(part.region.function)}", part.source, solution=True))
                continue
            explanation = _given_text(part, {r.function for r in others})
            if explanation:
                cells.append(_markdown(f"about_{module}_given_{part.number}", explanation))
            given = new_code_cell(part.source)
            given.id = f"given-{module}-{part.number}".replace("_", "-")
            cells.append(given)
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
            cells.append(_code(group.grade_id, graded_cell_source(group), grade=True, locked=True,
                               points=group.points))
    missing = [g.exercise for g in groups if g.exercise not in placed]
    if missing:
        raise ValueError(f"{chapter.name}: no place for the tests of {', '.join(missing)}")
    for experiment in chapter_experiments(chapter_index):
        cells += experiment_cells(experiment)
    cells.append(_markdown("end", f"*End of assignment {chapter_index + 1}: {total} points in all.*"))
    notebook = new_notebook(cells=cells)
    notebook.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return notebook


def course_files(course_id=COURSE_ID):
    """{relative path: text} of the whole course directory."""
    import nbformat
    from .templates import render
    files = {"nbgrader_config.py": render("nbgrader_config.py.j2", course_id=course_id)}
    for index, chapter in enumerate(CHAPTERS):
        files[f"source/{chapter.name}/{chapter.name}.ipynb"] = nbformat.writes(build_notebook(index)) + "\n"
    return files


def write_course(directory, course_id=COURSE_ID, force=False):
    """Write the course directory; refuses to change existing files unless ``force``.
    Returns the paths written (files already up to date are left alone)."""
    directory = Path(directory)
    files = course_files(course_id)
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
    """{module: code} of a notebook's ``%%module`` cells (a path or a notebook object), each
    module joined from its cells ``part K of N`` in the order of K
    (:func:`autograder.notebook.join_parts`, as the kernel does); for a part written twice, or a
    module written again whole, the last cell wins, as when the notebook runs top to bottom."""
    import nbformat
    if not hasattr(notebook, "cells"):
        notebook = nbformat.read(str(notebook), as_version=4)
    parts = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        first, _, rest = cell.source.partition("\n")
        parsed = parse_module_line(first)
        if parsed and parsed[0] in MODULES:
            module, number, count = parsed
            known_count, texts = parts.get(module, (count, {}))
            texts = texts if known_count == count else {}
            texts[number] = rest
            parts[module] = (count, texts)
    return {module: join_parts([texts[number] for number in sorted(texts)])
            for module, (count, texts) in parts.items()}


def extract_submission(notebook, folder):
    """Write a notebook's modules as a submission folder (kit stubs for the others)."""
    from .notebook import write_submission
    return write_submission(folder, notebook_sources(notebook))
