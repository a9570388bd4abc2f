"""Agreement with Keras: the student's NumPy code computes what Keras 3 computes. The verify
functions live here; the checks are declared by the modules they grade (optimizers.py,
multiclass.py, and the hidden chapter check in hidden/keras_model.py).

* ``optimizers.<Name>.keras``: the student's Momentum, RMSProp and Adam against Keras's
  ``SGD(momentum=…)``, ``RMSprop`` and ``Adam``, from identical parameters over the same
  15 gradients, step by step; four cases each (Keras's defaults, other settings, and both again
  with gradients around 1e-6, where the placement of ε decides the step); and a fifth, a path of
  40 steps down a fixed 2-D test function (``keras_golden.SURFACE``, a long narrow quadratic
  valley: each step's gradient is the function's at the point the optimizer reached, computed in
  the child), whose picture in the report is both paths over the function's contour lines.
* ``multiclass.keras.*``: the student's MultiClassNetwork and Keras's Dense(sigmoid) →
  Dense(softmax) with the same weights: output and loss on a batch, the parameters after one SGD
  step (``train_on_batch``), and the loss curve and parameters over an epoch in the same batch order.
* ``keras_model.fashion_mnist``: the student's build_keras_model() trained like the course's Keras
  chapter reaches the validation accuracy measured for the reference. The course's 40 epochs give
  0.8604–0.8628 over seeds 42, 0, 1 (the course reports 0.863; ~1.5–2 min a run on 2 CPUs); the
  check trains 2 epochs on a fixed stratified 12,000 of the 48,000 training images (0.6837–0.7079
  over 8 seeds) and asks for 0.65 (numbers at CHAPTER_EPOCHS).

The grader never runs Keras for the first two: Keras's answers were recorded once by
``nnkit keras-golden`` into ``autograder/golden/`` (inputs, versions, trajectories;
``tests/test_keras_agreement.py`` re-records them when TensorFlow is installed and fails if they
drift). If those files are unusable, they are recorded afresh by live Keras in a separate process;
if TensorFlow is missing too, the check reports *skipped* with the reason, never a pass.

Tolerances, from Keras's disagreement with the exact float64 formulas (the reference), measured
with Keras 3.15.1 / TensorFlow 2.21.0 and stored in ``autograder/golden/keras_golden.json``. The
error is base.relative_error of the displacement w_t − w_0 (max|a−b| / max(|a|+|b|)), worst over
steps, parameters and cases. Keras's float64 variables are updated with some constants rounded to
float32 (the learning rate is a float32 variable; ``ops.cast`` of Python floats goes through
float32 for SGD's momentum and Adam's β in β^t): with those constants rounded, the formulas
reproduce Keras's trajectories exactly, so the disagreement is deterministic, not noise.

=====================  ===========  =========  ================================================
quantity               measured     tolerance  why
=====================  ===========  =========  ================================================
Momentum (SGD)         8.4e-08      1e-6       float32 lr and momentum (0.9 → 0.899999976)
RMSprop                2.4e-08      1e-6       float32 lr only
Adam                   3.3e-06      1e-4       float32 β2 in 1 − β2^t: sqrt(1 − β2) 6.4e-6 off at t=1
network probabilities  1.1e-16      1e-9       float64 layers: rounding only
forward loss           9.4e-17      1e-9       float64 loss object
loss before the step   9.4e-10      1e-6       train_on_batch reports the loss as float32
weights after a step   7.5e-09      1e-6       float32 learning rate (0.1 → 0.100000001)
epoch losses           2.5e-08      1e-6       train_on_batch reports the loss as float32
epoch mean loss (fit)  2.6e-09      1e-6       float32 metric (and fit's float32 inputs)
epoch weights          6.8e-09      1e-6       float32 learning rate
=====================  ===========  =========  ================================================

The wrong formulas are off by far more (same measure, worst over a case's steps): the course
seeds' Momentum 0.20–0.31 on every case, the seeds' Adam 0.57–0.84, RMSprop with ε outside the root
0.997 on gradients around 1e-6 (and only 6e-5–2.8e-4 on ordinary gradients: the tiny ones decide).
``tests/test_keras_agreement.py`` asserts these margins; ``tests/corpus/wrong/entries.py`` holds
the same mistakes as submissions, each rejected by these checks.
"""
import numpy as np

from .. import keras_golden as G
from .base import Failure, Verdict, relative_error

#: tolerances (see the table above); keys as keras_golden.measured_disagreement
TOLERANCE = {
    "Momentum": 1e-6, "RMSProp": 1e-6, "Adam": 1e-4,
    "forward_a": 1e-9, "forward_loss": 1e-9, "step_loss": 1e-6, "step_weights": 1e-6,
    "epoch_losses": 1e-6, "epoch_weights": 1e-6, "fit_loss": 1e-6,
}

# --------------------------------------------------------------------------- optimizers

KERAS_NAMES = {"Momentum": "SGD(momentum=…)", "RMSProp": "RMSprop", "Adam": "Adam"}
HINTS = {
    "Momentum": "Keras's SGD with momentum: v ← μ·v − lr·g, then w ← w + v (one v per parameter, "
                "starting at 0); the gradient enters once, through v",
    "RMSProp": "Keras's RMSprop: s ← ρ·s + (1 − ρ)·g² (one s per parameter, starting at 0); "
               "w ← w − lr·g / sqrt(s + ε)",
    "Adam": "Keras's Adam: t counts the steps from 1; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; "
            "w ← w − lr·sqrt(1 − β2^t)/(1 − β1^t) · m / (sqrt(v) + ε) (the bias correction goes into the "
            "step size, ε is not corrected)",
}
TINY_HINT = ("it agrees with Keras on ordinary gradients but not on gradients around 1e-6, where sqrt of the "
             "running average of g² is as small as ε: the place of ε decides. ")


def _skipped(reason):
    return Verdict(0.0, reason, None, "skipped")


def _golden_for(cases, recorded):
    """(Golden, None) when Keras's results were recorded from exactly these cases, else (None, why)."""
    golden, reason = G.expected()
    if golden is None:
        return None, reason
    for case, stored in zip(cases, recorded(golden)):
        if any(not np.array_equal(case[key], stored[key]) for key in stored if key in case):
            return None, (f"skipped: the inputs of this check differ from those of the Keras results "
                          f"({golden.describe()}); regenerate them: nnkit keras-golden")
    return golden, None


def verify_keras_trajectory(name, diagnose=None):
    """The check of one optimizer against Keras's recorded trajectories. ``diagnose(cases,
    outputs)``, if given, returns per case the hint naming the usual mistake the submission's
    numbers follow (None where none does): that hint replaces the formula's."""
    tolerance = TOLERANCE[name]

    def verify(cases, outputs):
        diagnosed = diagnose(cases, outputs) if diagnose is not None else [None] * len(cases)
        golden, reason = _golden_for(cases, lambda golden: golden.optimizer_cases(name))
        if golden is None:
            return _skipped(reason)
        worst, failures = 0.0, []
        for index, (case, out) in enumerate(zip(cases, outputs)):
            for key in [str(k) for k in case["keys"]]:
                expected = golden.trajectory(name, index, key)
                got = np.asarray(out[f"traj_{key}"], dtype=float)
                if got.shape != expected.shape:
                    raise Failure(f"params['{key}'] changed shape during {name} updates: expected "
                                  f"{expected.shape[1:]} for {expected.shape[0] - 1} steps, got {got.shape}")
                errors = G.displacement_errors(got, expected)
                worst = max(worst, *errors)
                bad = [step for step, error in enumerate(errors, start=1) if not error <= tolerance]
                if bad:
                    failures.append((index, key, bad[0], errors[bad[0] - 1], got, expected))
        if failures:
            index, key, step, error, got, expected = failures[0]
            label = str(cases[index]["label"])
            entry = np.unravel_index(int(np.argmax(np.abs((got[step] - got[0]) - (expected[step] - expected[0])))),
                                     expected.shape[1:])
            where = f"[{', '.join(str(int(i)) for i in entry)}]" if entry else ""
            labels = {str(cases[i]["label"]) for i, *_ in failures}
            hint = diagnosed[index] or HINTS[name]
            if all("1e-6" in text for text in labels):
                hint = TINY_HINT + hint
            elif step > 1 and all(f[2] > 1 for f in failures):
                hint = "the first step agrees but later ones do not: check the state kept between calls. " + hint
            raise Failure(
                f"{name} disagrees with Keras's {KERAS_NAMES[name]} ({label}): params['{key}'] after step {step} of "
                f"{len(expected) - 1}: relative error of the displacement {error:.2e} > {tolerance:.0e}; "
                f"{key}{where} expected {expected[step][entry]:.10g}, got {got[step][entry]:.10g} "
                f"(cases that disagree: {'; '.join(sorted(labels))})", hint,
                artifacts={"expected": expected.tolist(), "got": got.tolist(), "keras": golden.describe()})
        return Verdict(1.0, f"agrees with {golden.describe()} on {len(cases)} trajectories of {G.STEPS} steps "
                            f"(worst relative error {worst:.1e}, tolerance {tolerance:.0e})")
    return verify


# --------------------------------------------------------------------------- the network

def course_loss(y, a):
    """The course's mean cross-entropy −Σ y·log(a) / m (a clipped as cross_entropy_sum does)."""
    return G.mean_cross_entropy(y, a, clip=1e-10)


def _compare(what, got, expected, tolerance, hint=None):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        raise Failure(f"{what}: expected shape {expected.shape}, got {got.shape}", hint)
    error = relative_error(got, expected)
    if not error <= tolerance:
        index = np.unravel_index(int(np.argmax(np.abs(got - expected))), expected.shape) if expected.shape else ()
        raise Failure(f"{what} disagrees with Keras: relative error {error:.2e} > {tolerance:.0e}; at "
                      f"{tuple(int(i) for i in index)} Keras has {expected[index]:.10g}, got {got[index]:.10g}", hint)
    return error


def _weights(out, prefix, case, golden_case, key, hint):
    worst = 0.0
    for name in G.WEIGHTS:
        got = np.asarray(out[f"{prefix}_{name}"], dtype=float)
        if got.shape != case[name].shape:
            raise Failure(f"{name} changed shape: expected {case[name].shape}, got {got.shape}")
        worst = max(worst, _compare(f"{name} − its initial value after {'one SGD step' if prefix == 'step' else 'the epoch'}",
                                    got - case[name], golden_case[f"keras_{prefix}_{name}"] - case[name],
                                    TOLERANCE[key], hint))
    return worst


def network_check(verify_outputs):
    def verify(cases, outputs):
        golden, reason = _golden_for(cases, lambda golden: [golden.network_inputs()])
        if golden is None:
            return _skipped(reason)
        worst = verify_outputs(cases[0], outputs[0], golden.network_case())
        return Verdict(1.0, f"agrees with {golden.describe()} (worst relative error {worst:.1e})")
    return verify


def verify_forward(case, out, keras):
    first = G.batches(case)[0]
    a = np.asarray(out["forward_a"], dtype=float)
    worst = _compare("softmax(forpass(x)) on a batch", a, keras["keras_forward_a"], TOLERANCE["forward_a"],
                     "with Keras's weights the output must be sigmoid(x·w1 + b1)·w2 + b2 through a row-wise softmax")
    return max(worst, _compare("the mean cross-entropy of that output", course_loss(case["y"][first], a),
                               keras["keras_forward_loss"], TOLERANCE["forward_loss"]))


STEP_HINT = ("Keras's SGD subtracts learning_rate × the gradient of the batch's mean cross-entropy: "
             "err = a − y, every gradient divided by the batch size")


def verify_step(case, out, keras):
    first = G.batches(case)[0]
    worst = _compare("the loss of the batch before the step", course_loss(case["y"][first], out["step_a"]),
                     keras["keras_step_loss"], TOLERANCE["step_loss"])
    return max(worst, _weights(out, "step", case, keras, "step_weights", STEP_HINT))


def verify_epoch(case, out, keras):
    parts = G.batches(case)
    a = np.asarray(out["epoch_a"], dtype=float)
    if a.shape != (len(case["order"]), case["y"].shape[1]):
        raise Failure(f"training() returned probabilities of {a.shape} over the epoch, expected "
                      f"{(len(case['order']), case['y'].shape[1])} (one row per sample of each batch)")
    losses, start = [], 0
    for rows in parts:
        losses.append(course_loss(case["y"][rows], a[start:start + len(rows)]))
        start += len(rows)
    step_agrees = all(relative_error(np.asarray(out[f"step_{n}"], dtype=float) - case[n],
                                     keras[f"keras_step_{n}"] - case[n]) <= TOLERANCE["step_weights"] for n in G.WEIGHTS)
    hint = STEP_HINT
    if step_agrees:
        hint = ("one step agrees with Keras but the epoch does not: divide each batch's gradients by that batch's "
                "own number of rows (the epoch's last batch is shorter) and update all four parameters every batch")
    worst = _compare(f"the loss curve over the epoch ({len(parts)} batches, losses before each update)", losses,
                     keras["keras_epoch_losses"], TOLERANCE["epoch_losses"], hint)
    sizes = np.array([len(rows) for rows in parts])
    worst = max(worst, _compare("the epoch's mean loss (what fit reports)", np.dot(losses, sizes) / sizes.sum(),
                                keras["keras_fit_loss"], TOLERANCE["fit_loss"], hint))
    return max(worst, _weights(out, "epoch", case, keras, "epoch_weights", hint))
