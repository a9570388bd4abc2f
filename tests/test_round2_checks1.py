"""Feedback of the classes fixed in issue 12, part 1: a failure names the actual mistake.

Grading runs in-process on mutated copies of the reference (as tests/test_wrong_implementations.py).
"""
import pytest

from autograder.engine import grade
from corpora import load_corpus
from test_wrong_implementations import mutated_copy

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

WRONG = {entry["id"]: entry for entry in load_corpus("wrong")}

#: the float32 backward pass cast back to float64: right only to float32 precision
FLOAT32_CAST_BACK = {
    "id": "multiclass.backprop.float32_cast_back", "module": "multiclass",
    "find": "        m = len(x)\n        w2_grad = np.dot(self.a1.T, err) / m\n",
    "replace": ("        m = len(x)\n        x, err = x.astype(np.float32), err.astype(np.float32)\n"
                "        a1, w2 = self.a1.astype(np.float32), self.w2.astype(np.float32)\n"
                "        e1 = np.dot(err, w2.T) * a1 * (1 - a1)\n"
                "        grads = (np.dot(x.T, e1) / m, np.sum(e1, axis=0) / m, np.dot(a1.T, err) / m,\n"
                "                 np.sum(err, axis=0) / m)\n"
                "        return tuple(g.astype(np.float64) for g in grads)\n"
                "        w2_grad = np.dot(self.a1.T, err) / m\n"),
}


def verdicts(entry, tmp_path, exercise):
    report = grade(mutated_copy(tmp_path / "submission", entry), isolated=False, only=exercise)
    return {result.check.id: result.verdict for result in report.results}


def test_ties_counted_as_improvement_are_named(tmp_path):
    verdict = verdicts(WRONG["regularization.early_stopping.ties_improve"], tmp_path, "EarlyStopping")[
        "regularization.early_stopping.signals"]
    assert verdict.status == "failed"
    assert "None" not in verdict.message and "never returned True" in verdict.message
    assert "<=" in verdict.hint


def test_a_minimum_improvement_is_named(tmp_path):
    verdict = verdicts(WRONG["regularization.early_stopping.minimum_improvement"], tmp_path, "EarlyStopping")[
        "regularization.early_stopping.signals"]
    assert verdict.status == "failed" and "however small" in verdict.hint


def test_a_missing_remainder_batch_is_named(tmp_path):
    found = verdicts(WRONG["minibatch.gen_batch.drops_remainder"], tmp_path, "MinibatchNetwork.gen_batch")
    failed = {check: v for check, v in found.items() if v.status == "failed"}
    assert "remainder batch" in failed["minibatch.gen_batch.batch_sizes"].message
    for verdict in failed.values():
        assert "yield each batch as a pair" not in (verdict.hint or ""), verdict.message
        assert "last, smaller batch" in (verdict.hint or ""), verdict.message


def test_fixed_batches_are_named(tmp_path):
    verdict = verdicts(WRONG["minibatch.gen_batch.shuffles_within_fixed_batches"], tmp_path,
                       "MinibatchNetwork.gen_batch")["minibatch.gen_batch.shuffled"]
    assert "same samples in every epoch" in verdict.message


def test_perturbing_a_copy_is_named(tmp_path):
    verdict = verdicts(WRONG["gradients.numerical_gradient.perturbs_copies"], tmp_path, "numerical_gradient")[
        "gradients.numerical_gradient.values"]
    assert "copy of x" in verdict.message and "entries of x itself" in verdict.hint


def test_float64_right_only_to_float32_precision_is_told_so(tmp_path):
    verdict = verdicts(FLOAT32_CAST_BACK, tmp_path, "MultiClassNetwork.backprop")["multiclass.backprop.gradient"]
    assert verdict.status == "failed", verdict.message
    assert "float64" in verdict.hint
    numerical, yours = verdict.message.rsplit("numerical ", 1)[1].split(", yours ")
    assert numerical != yours, verdict.message  # enough digits that the numbers differ
    hidden = verdicts(FLOAT32_CAST_BACK, tmp_path / "again", "MultiClassNetwork.backprop")[
        "multiclass.backprop.values"]
    expected, got = hidden.message.rsplit("expected ", 1)[1].split(", got ")
    assert expected != got, hidden.message
