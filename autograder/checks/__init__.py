"""The check library: every graded check of the kit, defined once."""
from . import convergence, expectation, generators, keras, layers, optimizers, tools
from . import keras_agreement
from ..course import EXERCISE_MODULES, module_of  # noqa: F401  (re-exported)

#: every check, in teaching order
ALL_CHECKS = (layers.CHECKS + generators.CHECKS + tools.CHECKS[:4] + optimizers.CHECKS
              + tools.CHECKS[4:] + convergence.CHECKS + keras.CHECKS
              + keras_agreement.CHECKS)

expectation.name_trials(ALL_CHECKS)


def exercises(checks=ALL_CHECKS):
    """Exercise names in order of first appearance."""
    return list(dict.fromkeys(check.exercise for check in checks))
