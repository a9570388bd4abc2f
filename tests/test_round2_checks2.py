"""Issue 12 (part 2): feedback names the actual mistake, and each check costs only its own class
of mistake. The corpus entries are in tests/corpus/*/round2_checks2.py; here, what the rejected
ones are told, and the engine's wording for checks graded after others."""
import dataclasses

import pytest

from autograder.checks import ALL_CHECKS
from autograder.checks.base import Verdict
from autograder.engine import grade
from autograder.engine.verification import after_prerequisites
from test_wrong_implementations import CHECKS, ENTRY_BY_ID, is_slow, mutated_copy, result_of, skip_unless_runnable

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def verdict_of(entry_id, check_id, tmp_path):
    check = CHECKS[check_id]
    skip_unless_runnable(check)
    report = grade(mutated_copy(tmp_path / "submission", ENTRY_BY_ID[entry_id]), isolated=False, only=check.exercise)
    return {r.check.id: r for r in report.results}


#: (entry, check, text of the message or hint that names the mistake, text that must not appear)
FEEDBACK = [
    ("optimizers.adam.textbook_epsilon_after_correction", "optimizers.Adam.trajectory", "ε-hat form", None),
    ("optimizers.adam.textbook_epsilon_vs_keras", "optimizers.Adam.keras", "ε-hat form", None),
    ("optimizers.rmsprop.no_one_minus_rho", "optimizers.RMSProp.trajectory", "needs its (1 − ρ)", "ε"),
    ("optimizers.rmsprop.no_square_root", "optimizers.RMSProp.trajectory", "square root of the average", None),
    ("optimizers.rmsprop.rho_swapped", "optimizers.RMSProp.trajectory", "swapped", "ε"),
    ("optimizers.rmsprop.epsilon_outside_root", "optimizers.RMSProp.trajectory", "ε goes inside the square root", None),
    ("optimizers.rmsprop.epsilon_outside_root_vs_keras", "optimizers.RMSProp.keras", "ε goes inside", None),
    ("optimizers.momentum.velocities_class_attribute", "optimizers.Momentum.trajectory",
     "state shared between instances (Momentum.velocities", "after step"),
    ("optimizers.adam.moments_class_attributes", "optimizers.Adam.trajectory", "state shared between instances",
     "after step"),
    ("keras_model.relu_hidden", "keras_model.architecture", "hidden layer's activation is relu", "units and n_classes"),
    ("keras_model.sgd_with_momentum", "keras_model.architecture", "SGD(momentum=0.9)", None),
    ("keras_model.sgd_learning_rate_0_1", "keras_model.architecture", "learning_rate=0.1", None),
    ("keras_model.dropout_after_hidden", "keras_model.architecture", "Dropout is not part", None),
    ("keras_model.two_hidden_layers", "keras_model.architecture", "expected 2 Dense layers", "units and n_classes"),
    ("keras_model.no_accuracy_metric", "keras_model.architecture", "metrics=['accuracy']", None),
]


def feedback_param(entry_id, check_id, names, absent):
    marks = [pytest.mark.slow] if is_slow(CHECKS[check_id]) else []
    return pytest.param(entry_id, check_id, names, absent, id=entry_id, marks=marks)


@pytest.mark.parametrize("entry_id, check_id, names, absent", [feedback_param(*f) for f in FEEDBACK])
def test_feedback_names_the_mistake(entry_id, check_id, names, absent, tmp_path):
    result = verdict_of(entry_id, check_id, tmp_path)[check_id]
    text = f"{result.verdict.message} | {result.verdict.hint}"
    assert result.score < result.check.points, text
    assert names in text, text
    assert absent is None or absent not in str(result.verdict.hint), text


def test_unstabilised_softmax_loses_only_the_stability_point(tmp_path):
    """exp(z) without the row maximum overflows on ±1000 logits: the stability check's point, not
    the values check's (moderate logits only)."""
    results = verdict_of("multiclass.softmax.no_max_subtraction", "multiclass.softmax.stable", tmp_path)
    assert results["multiclass.softmax.stable"].score == 0
    assert results["multiclass.softmax.values"].score == results["multiclass.softmax.values"].check.points


# --------------------------------------------------------------------------- 'not graded' wording

FAILED = Verdict(0.0, "wrong", None, "failed")
VISIBLE = next(c for c in ALL_CHECKS if c.id == "single_layer.forpass.inputs_untouched")
HIDDEN = next(c for c in ALL_CHECKS if c.hidden)


@pytest.mark.parametrize("after, expected", [
    (("m.values",), "not graded: counts once values passes"),
    (("m.gradient", "m.values"), "not graded: counts once gradient and values pass"),
    (("m.shapes", "m.gradient", "m.values"), "not graded: counts once shapes, gradient and values pass"),
    (("m.gradient", HIDDEN.id), "not graded: counts once gradient and another check pass"),
    ((HIDDEN.id,), "not graded: counts once another check passes"),
])
def test_blocked_message_grammar_and_hidden_names(after, expected):
    check = dataclasses.replace(VISIBLE, after=after)
    verdict = after_prerequisites(check, Verdict(1.0), {cid: FAILED for cid in after})
    assert verdict.status == "blocked" and verdict.message == expected
    assert HIDDEN.id not in verdict.message
