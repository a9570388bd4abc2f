"""Generate the student's exercise modules from reference/: each solution region
(``### BEGIN SOLUTION`` … ``### END SOLUTION``) becomes ``raise NotImplementedError(...)``."""
import ast
from pathlib import Path

from . import course_folder
from .course import MODULES
from .markers import region_texts, rewrite_regions

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HEADER = ('# Student version, generated from reference/{name}.py by `python -m autograder make-exercises`.\n'
          '# Replace each `raise NotImplementedError(...)` with your code; everything else is given.\n')


class StubError(ValueError):
    """Unbalanced or misplaced solution markers."""


def functions_by_name(source):
    """Every function of ``source`` by dotted name (``Class.method``), outer before inner."""
    functions = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                dotted = f"{prefix}{child.name}"
                if isinstance(child, ast.FunctionDef):
                    functions[dotted] = child
                visit(child, dotted + ".")
    visit(ast.parse(source), "")
    return functions


def enclosing_names(source):
    """Map each line number to the dotted name of the innermost function around it."""
    names = {}
    for dotted, node in functions_by_name(source).items():  # inner functions come later and win
        for line in range(node.lineno, node.end_lineno + 1):
            names[line] = dotted
    return names


def stub_source(source, name="module"):
    """The student version of one reference module's source text."""
    names = enclosing_names(source)

    def stub(number, indent):
        return (f'{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError('
                f'"not implemented yet: {names.get(number, name)}")\n')
    return HEADER.format(name=name) + rewrite_regions(source, BEGIN, END, stub, name, StubError)


def solution_regions(source):
    """The code inside each solution region (used to prove that no solution leaks)."""
    return region_texts(source, BEGIN, END)


def expected_exercises(reference_dir=None):
    """{file name: generated text} for every course module."""
    files = {}
    for module in MODULES:
        path = Path(reference_dir or course_folder.reference_dir()) / f"{module}.py"
        files[path.name] = stub_source(path.read_text(encoding="utf-8"), module)
    return files


def write_exercises(exercises_dir=None, reference_dir=None):
    """(Re)write the generated modules into exercises/; returns the paths written."""
    exercises_dir = Path(exercises_dir or course_folder.exercises_dir())
    exercises_dir.mkdir(exist_ok=True)
    written = []
    for name, text in expected_exercises(reference_dir).items():
        path = exercises_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale_exercises(exercises_dir=None, reference_dir=None):
    """Names of exercise modules that differ from what reference/ generates."""
    stale = []
    for name, text in expected_exercises(reference_dir).items():
        path = Path(exercises_dir or course_folder.exercises_dir()) / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
