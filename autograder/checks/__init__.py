"""The check library: every graded check of the kit, defined once.

The checks of course module ``M`` are ``checks/M.py``'s ``CHECKS`` (public) and, in the
instructor's kit, ``checks/hidden/M.py``'s (hidden); they run probes of ``probes/M.py``. Modules
and exercises come from the manifest (``autograder/course.py``), which also orders the checks:
by exercise in teaching order, public before hidden.
"""
import importlib
import importlib.util

from ..course import EXERCISE_MODULES, EXERCISES, MODULES, module_of  # noqa: F401  (re-exported)
from . import expectation


def _module_checks(module):
    """The public and hidden checks declared for one course module (hidden ones if present)."""
    checks = list(importlib.import_module(f"{__name__}.{module}").CHECKS)
    if importlib.util.find_spec(f"{__name__}.hidden") is not None:
        hidden = f"{__name__}.hidden.{module}"
        if importlib.util.find_spec(hidden) is not None:
            checks += importlib.import_module(hidden).CHECKS
    for check in checks:
        if module_of(check.exercise) != module:
            raise ValueError(f"{check.id} grades {check.exercise}, an exercise of {module_of(check.exercise)}, "
                             f"but is declared in checks/{module}.py")
    return checks


def _all_checks():
    checks = [check for module in MODULES for check in _module_checks(module)]
    order = {exercise: index for index, exercise in enumerate(EXERCISES)}
    return tuple(sorted(checks, key=lambda check: (order[check.exercise], check.hidden)))


#: every check, in teaching order
ALL_CHECKS = _all_checks()

expectation.name_trials(ALL_CHECKS)


def exercises(checks=ALL_CHECKS):
    """Exercise names in order of first appearance."""
    return list(dict.fromkeys(check.exercise for check in checks))
