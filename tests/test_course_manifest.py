"""The course manifest (autograder/course.py) is the one description of the course: modules,
their reference and exercise files, their checks, probes and hidden checks, the chapters and
README's tables all agree with it."""
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from autograder import course
from autograder.checks import ALL_CHECKS
from autograder.course_tables import chapter_table, exercise_table
from autograder.nbgrader_course import reference_regions

KIT = Path(__file__).resolve().parent.parent
CHECK_IDS = {check.id for check in ALL_CHECKS}


@pytest.mark.parametrize("module", course.MODULES)
def test_every_module_has_its_files_on_every_side(module):
    for side in ("reference", "exercises", "autograder/checks", "autograder/probes"):
        assert (KIT / side / f"{module}.py").is_file(), f"{side}/{module}.py"


@pytest.mark.parametrize("module", course.MODULES)
def test_solution_regions_are_the_manifests_exercises(module):
    """Each module's solution regions are exactly the manifest's exercises with code there."""
    in_reference = {region.exercise for region in reference_regions(module)}
    in_manifest = {e for e in course.exercises_of(module) if course.has_code(e)}
    assert in_reference == in_manifest


def test_every_exercise_is_graded_and_every_check_grades_an_exercise():
    graded = {check.exercise for check in ALL_CHECKS}
    assert graded == set(course.EXERCISES)
    assert [e for e in course.EXERCISES if e in graded] == list(dict.fromkeys(c.exercise for c in ALL_CHECKS))


def test_checks_probes_and_hidden_checks_are_found_by_the_module_name():
    """A check of module M is declared in checks/M.py (hidden: checks/hidden/M.py) and runs a
    probe function of probes/M.py (training runs: the shared probes/training.py)."""
    for check in ALL_CHECKS:
        module = course.module_of(check.exercise)
        declared = importlib.import_module(f"autograder.checks.{'hidden.' if check.hidden else ''}{module}")
        assert check in declared.CHECKS, check.id
        assert callable(check.trial.probe), check.id
        probe_module = check.trial.probe.__module__
        assert probe_module in (f"autograder.probes.{module}", "autograder.probes.training"), (check.id, probe_module)
        assert getattr(importlib.import_module(probe_module), check.trial.probe.__name__) is check.trial.probe


def test_no_check_or_probe_is_declared_outside_its_modules_file():
    for name in ("checks", "probes"):
        folder = KIT / "autograder" / name
        for path in folder.glob("*.py"):
            source = path.read_text()
            assert "@probe(" not in source and "PROBES" not in source, path


def test_needs_name_existing_checks_and_exercises_with_code():
    for check_id, needed in course.NEEDS.items():
        assert check_id in CHECK_IDS, check_id
        assert needed and all(course.has_code(e) for e in needed), check_id
    for check in ALL_CHECKS:
        assert check.depends_on == course.needs(check.id), check.id
        assert set(check.depends_on) <= set(course.EXERCISES), check.id


POSITION = {module: index for index, module in enumerate(course.MODULES)}


def test_a_modules_points_never_wait_on_later_modules():
    """The course order: every exercise a check needs lies in the check's own module or in an
    earlier one, so that grading a module (Classroom's all-or-nothing step) never needs work of
    a later module."""
    for check in ALL_CHECKS:
        home = course.module_of(check.exercise)
        later = [e for e in check.depends_on if POSITION[course.module_of(e)] > POSITION[home]]
        assert not later, f"{check.id} ({home}) needs {later}, of later modules"


def test_a_training_exercise_belongs_to_the_last_module_it_runs():
    """An exercise without code of its own (a training run, a comparison with Keras) belongs to
    the last module, in course order, of the exercises its checks need."""
    for exercise in (e for e in course.EXERCISES if not course.has_code(e)):
        needed = {course.module_of(dep) for check in ALL_CHECKS if check.exercise == exercise
                  for dep in check.depends_on}
        assert needed, exercise
        assert course.module_of(exercise) == max(needed, key=POSITION.get), exercise


@pytest.mark.parametrize("module", course.MODULES)
def test_a_module_imports_only_earlier_modules(module):
    """The course order is the order of the reference modules' imports."""
    source = (KIT / "reference" / f"{module}.py").read_text()
    imported = set(re.findall(r"^from \.(\w+) import", source, re.MULTILINE))
    assert imported <= set(course.MODULES[:POSITION[module]]), (module, imported)


def test_every_exercise_with_code_is_taught_in_exactly_one_chapter():
    taught = [e for chapter in course.CHAPTERS for e in chapter.exercises]
    assert len(taught) == len(set(taught))
    assert set(taught) == {e for e in course.EXERCISES if course.has_code(e)}


def test_exercise_of_function_maps_methods_and_classes():
    assert course.exercise_of_function("DualLayer.backprop") == "DualLayer.backprop"
    assert course.exercise_of_function("EarlyStopping.update") == "EarlyStopping"
    with pytest.raises(ValueError):
        course.exercise_of_function("NoSuchThing.method")


@pytest.mark.parametrize("table", [exercise_table, chapter_table], ids=["exercises", "chapters"])
def test_readme_shows_the_manifests_tables(table):
    expected = table()
    assert expected in (KIT / "README.md").read_text(), f"README.md should show this table:\n{expected}"


def test_hidden_checks_are_a_folder_of_their_own():
    hidden = KIT / "autograder" / "checks" / "hidden"
    for check in ALL_CHECKS:
        inside = Path(inspect.getsourcefile(check.verify)).resolve().is_relative_to(hidden)
        assert inside == check.hidden, check.id
    assert importlib.util.find_spec("autograder.checks.hidden") is not None
