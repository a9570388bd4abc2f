"""Round 3a: each class of mistake the round-2 corpus marked as a gap is caught in forms the corpus
entries do not show (other gradients, other sizes, other wording of the same mistake), and named.
The corpus entries themselves are in tests/corpus/wrong/round2_course.py; these are variants."""
import numpy as np
import pytest

from autograder.checks import multiclass, regularization
from autograder.checks.base import Failure, diagnose
from autograder.engine import grade
from test_wrong_implementations import CHECKS, mutated_copy, result_of

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def entry(module, find, replace):
    return {"id": "variant", "module": module, "find": find, "replace": replace}


#: (module, find, replace, check that must reject it, text its feedback must contain)
VARIANTS = [
    # state kept between calls: the bias gradient this time, and in the two-layer networks
    ("single_layer", "        b_grad = np.sum(err) / m\n",
     "        self.b_total = getattr(self, 'b_total', 0) + np.sum(err) / m\n        b_grad = self.b_total\n",
     "single_layer.backprop.gradient", "state kept between calls"),
    ("dual_layer", "        w2_grad = np.dot(self.a1.T, err) / m\n",
     "        self.w2_sum = getattr(self, 'w2_sum', 0) + np.dot(self.a1.T, err)\n        w2_grad = self.w2_sum / m\n",
     "dual_layer.backprop.values", "state kept between calls"),
    # self.a1 overwritten in place, in the multi-class network and written another way
    ("multiclass", "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
     "self.a1 *= 1 - self.a1\n        err_to_hidden = np.dot(err, self.w2.T) * self.a1",
     "multiclass.backprop.gradient", "changed self.a1"),
    ("multiclass", "err_to_hidden = np.dot(err, self.w2.T) * self.a1 * (1 - self.a1)",
     "d = self.a1\n        d *= 1 - self.a1\n        err_to_hidden = np.dot(err, self.w2.T) * d",
     "multiclass.backprop.values", "changed self.a1"),
    # m from the wrong axis: features in the two-layer network, units in the multi-class one
    ("dual_layer", "        m = len(x)\n        w2_grad", "        m = x.shape[1]\n        w2_grad",
     "dual_layer.backprop.gradient", "divide by the number of samples"),
    ("multiclass", "        m = len(x)\n        w2_grad", "        m = self.w2.shape[0]\n        w2_grad",
     "multiclass.backprop.gradient", "not by the number of hidden units"),
    # an empty batch from another loop: range up to m inclusive
    ("minibatch", "        for i in range(bins):\n            start = self.batch_size * i\n            end = self.batch_size * (i + 1)\n",
     "        for start in range(0, length + 1, self.batch_size):\n            end = start + self.batch_size\n",
     "minibatch.gen_batch.batch_sizes", "empty"),
    # y's shape changed another way: a vector y (m,) turned into a column
    ("minibatch", "        y = y[indexes]\n", "        y = y[indexes].reshape(len(indexes), -1)\n",
     "minibatch.gen_batch.pairs", "keep y's shape"),
    # the row sum without keepdims (the corpus entry drops it from the maximum)
    ("multiclass", "return exp_z / np.sum(exp_z, axis=1, keepdims=True)", "return exp_z / np.sum(exp_z, axis=1)",
     "multiclass.softmax.values", "keepdims=true"),
    # the previous epoch kept as a list of losses
    ("regularization", "        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
                       "            self.best_epoch = self.epoch\n            self.wait = 0\n        else:\n"
                       "            self.wait += 1\n",
     "        self.seen = getattr(self, 'seen', []) + [val_loss]\n"
     "        self.wait = 0 if len(self.seen) < 2 or self.seen[-1] < self.seen[-2] else self.wait + 1\n"
     "        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
     "            self.best_epoch = self.epoch\n",
     "regularization.early_stopping.signals", "not on the previous epoch"),
]


@pytest.mark.parametrize("module, find, replace, check_id, text", VARIANTS,
                         ids=[f"{v[3]}:{v[4]}" for v in VARIANTS])
def test_variant_is_rejected_and_named(module, find, replace, check_id, text, tmp_path):
    """The variant loses points on ``check_id`` and the feedback (message or hint) contains ``text``."""
    check = CHECKS[check_id]
    report = grade(mutated_copy(tmp_path / "s", entry(module, find, replace)), isolated=False, only=check.exercise)
    result = result_of(report, check_id)
    assert result.score < check.points, f"{check_id} accepts the variant"
    feedback = f"{result.verdict.message}\n{result.verdict.hint or ''}".lower()
    assert text.lower() in feedback, feedback


@pytest.mark.parametrize("m, sizes, factor, named", [
    (64, {"the number of classes": 3}, 64 / 3, "number of classes"),
    (5, {"the number of hidden units": 2, "the number of features n = x.shape[1]": 1}, 5 / 2, "hidden units"),
    (17, {"the number of hidden units": 6}, 6 / 17, "only"),
])
def test_diagnose_names_a_division_by_another_size(m, sizes, factor, named):
    """A result off by m / size (or size / m) for a size of the case (to 1e-6 relative) is a
    division by the wrong size; the hint names it and the number of samples."""
    expected = np.random.default_rng(0).normal(size=(4, 3))
    hint = diagnose(expected * factor, expected, m, sizes)
    assert hint and "number of samples" in hint and named in hint, hint
    assert diagnose(expected * (factor + 0.1), expected, m, sizes) is None


def test_square_softmax_without_keepdims_is_named():
    """For z (m, m) a row max or row sum without keepdims raises nothing: the values are wrong in
    the pattern of the broadcast, and the values check names keepdims."""
    z = np.random.default_rng(1).normal(size=(5, 5))
    for max_keepdims, sum_keepdims in ((True, False), (False, True)):
        e = np.exp(z - z.max(axis=1, keepdims=max_keepdims))
        a = e / e.sum(axis=1, keepdims=sum_keepdims)
        with pytest.raises(Failure) as caught:
            multiclass.verify_softmax_values([{"z": z}], [{"a": a}])
        assert "keepdims=True" in caught.value.hint


def test_softmax_error_hint_needs_the_row_broadcast():
    """Only numpy's broadcast error between (m, k) and (m,) gets the keepdims hint."""
    explain = multiclass.explain_softmax_error
    assert "keepdims" in explain({"type": "ValueError",
                                  "message": "operands could not be broadcast together with shapes (7,10) (7,) "})
    assert explain({"type": "ValueError", "message": "operands could not be broadcast together with shapes (7,10) (3,) "}) is None
    assert explain({"type": "TypeError", "message": "unsupported operand"}) is None


def test_early_stopping_previous_epoch_on_another_sequence():
    """A stopper that compares with the previous epoch is named on a sequence of the test's own
    (a slow decline with a bump, patience 2)."""
    losses = np.array([1.0, 0.6, 0.7, 0.65, 0.66, 0.64, 0.63])
    flags, wait, previous = [], 0, np.inf
    for loss in losses:
        wait = 0 if loss < previous else wait + 1
        previous = loss
        flags.append(wait >= 2)
    best = [0, 1, 1, 1, 1, 1, 1]
    with pytest.raises(Failure) as caught:
        regularization.verify_early_stopping([{"losses": losses, "patience": np.array(2)}],
                                             [{"stop": np.array(flags), "best_epoch": np.array(best)}])
    assert "not on the previous epoch" in caught.value.hint
