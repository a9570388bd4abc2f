"""Checks of keras_model.py: the Keras chapter's build_keras_model (needs TensorFlow; skipped,
never passed, without it)."""
import re

import numpy as np

from ..probes import keras_model as probes
from .base import Check, Failure, Trial, rng_for
from .expectation import expected

#: Keras computes in float32: outputs agree with our float64 forward pass to ~1e-7 absolute on
#: probabilities; 1e-5 leaves a margin for different BLAS summation orders.
FORWARD_ATOL = 1e-5


def build_cases():
    rng = rng_for("keras")
    n, units, k = 12, 7, 4
    return [{"n_features": np.array(n), "units": np.array(units), "n_classes": np.array(k),
             "x": rng.normal(size=(5, n)), "w1": rng.normal(size=(n, units)) * 0.5,
             "b1": rng.normal(size=units) * 0.1, "w2": rng.normal(size=(units, k)) * 0.5,
             "b2": rng.normal(size=k) * 0.1}]


def verify_architecture(cases, outputs):
    out = outputs[0]
    units = [int(u) for u in out["units"]]
    activations = [str(a) for a in out["activations"]]
    if units != [int(cases[0]["units"]), int(cases[0]["n_classes"])] or activations != ["sigmoid", "softmax"]:
        raise Failure(f"expected Dense({int(cases[0]['units'])}, sigmoid) then Dense({int(cases[0]['n_classes'])}, "
                      f"softmax), got Dense layers {list(zip(units, activations))}",
                      "use the function's arguments units and n_classes, not fixed numbers")
    if str(out["optimizer"]).lower() != "sgd":
        raise Failure(f"compile with the SGD optimizer, got {out['optimizer']}")
    if not _is_categorical_crossentropy(str(out["loss"])):
        raise Failure(f"compile with loss='categorical_crossentropy', got {out['loss']}",
                      "the targets are one-hot rows and the model outputs probabilities: plain categorical "
                      "cross-entropy (not sparse, not from_logits)")


def _is_categorical_crossentropy(loss):
    """True for the loss as a string ('categorical_crossentropy', 'CategoricalCrossentropy'), the
    function, or a CategoricalCrossentropy object (Keras 3 describes it as
    ``<LossFunctionWrapper(<function categorical_crossentropy …>, kwargs={…})>``) on
    probabilities; False for the sparse or focal variants and for ``from_logits=True``."""
    wrapped = re.search(r"<function (\w+)", loss) or re.search(r"\.(\w+) object at", loss)
    name = wrapped.group(1) if wrapped else loss
    if re.search(r"['\"]?from_logits['\"]?\s*[:=]\s*True", loss):
        return False
    return re.sub(r"[^a-z]", "", name.lower()) == "categoricalcrossentropy"


def verify_forward(cases, outputs):
    case = cases[0]
    probabilities = expected("softmax_two_layer", x=case["x"], w1=case["w1"], b1=case["b1"], w2=case["w2"],
                             b2=case["b2"])
    got = np.asarray(outputs[0]["output"], dtype=float)
    if got.shape != probabilities.shape or not np.max(np.abs(got - probabilities)) <= FORWARD_ATOL:
        difference = np.max(np.abs(got - probabilities)) if got.shape == probabilities.shape else "shape"
        raise Failure("with the same weights, the model's output differs from sigmoid → softmax "
                      f"(max difference {difference})")


_trial = Trial(probes.build, build_cases)
CHECKS = [
    Check("keras_model.architecture", "build_keras_model", 2,
          "Dense(units, sigmoid) → Dense(n_classes, softmax), SGD, categorical cross-entropy",
          _trial, verify_architecture, requires=("tensorflow",)),
    Check("keras_model.forward", "build_keras_model", 1, "same output as the NumPy network for the same weights",
          _trial, verify_forward, requires=("tensorflow",)),
]
