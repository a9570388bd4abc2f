"""Round 3b: the five mistakes the round-2 course corpus marked as known gaps are caught and their
feedback names the mistake; the trajectory of a key follows only the calls that pass it."""
import json

import numpy as np
import pytest

from autograder.checks import optimizers as optimizer_checks
from autograder.checks.expectation import expected
from autograder.engine import grade
from corpora import load_corpus
from test_wrong_implementations import CHECKS, mutated_copy, result_of

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

ENTRIES = {entry["id"]: entry for entry in load_corpus("wrong")}
#: entry of round2_course.py -> what the feedback of its check must say
FORMER_GAPS = {
    "optimizers.momentum.velocities_by_position": "by key",
    "optimizers.adam.step_per_call": "starts at t = 1",
    "regularization.penalty_grad.w_over_abs_w": "sign(0) = 0",
    "regularization.dropout.rate_zero_returns_z": "returned z itself",
    "gradients.numerical_gradient.grad_like_x": "float64",
}


@pytest.mark.parametrize("entry_id", sorted(FORMER_GAPS))
def test_former_gap_is_caught_and_named(entry_id, tmp_path):
    entry = ENTRIES[entry_id]
    assert "known_gap" not in entry
    check = CHECKS[entry["target_check"]]
    report = grade(mutated_copy(tmp_path / "submission", entry), isolated=False, only=check.exercise)
    result = result_of(report, check.id)
    assert result.verdict.status == "failed"
    feedback = f"{result.verdict.message}\n{result.verdict.hint or ''}"
    assert FORMER_GAPS[entry_id] in feedback, feedback


@pytest.mark.parametrize("name", sorted(optimizer_checks.OPTIMIZERS))
def test_key_trajectory_follows_the_calls_that_pass_the_key(name):
    """Without a schedule the trajectory is checks/math.py's own; with one, params[key] stays put
    in the calls that leave it out and continues from where it was (its own t for Adam)."""
    make = optimizer_checks.optimizer_cases(name)
    cases = make()
    plain = cases[0]
    function = optimizer_checks.OPTIMIZERS[name][0]
    kwargs = json.loads(str(plain["kwargs"]))
    np.testing.assert_array_equal(optimizer_checks.key_trajectory(function, plain, "", "w"),
                                  expected(function, w=plain["param_w"], grads=plain["grads_w"], **kwargs))
    keyed = next(case for case in cases if "schedule" in case)
    b = optimizer_checks.key_trajectory(function, keyed, "", "b")
    passed = [i for i, keys in enumerate(optimizer_checks.KEY_SCHEDULE) if "b" in keys.split(",")]
    assert passed[0] == 3
    np.testing.assert_array_equal(b[:passed[0] + 1], np.repeat(keyed["param_b"][None], passed[0] + 1, axis=0))
    kwargs = json.loads(str(keyed["kwargs"]))
    own = expected(function, w=keyed["param_b"], grads=keyed["grads_b"][passed], **kwargs)
    np.testing.assert_array_equal(b[[p + 1 for p in passed]], own[1:])
