"""Checks of keras_model.py: the Keras chapter's build_keras_model (needs TensorFlow; skipped,
never passed, without it)."""
import json
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


#: reference/keras_model.py compiles with optimizer="sgd": Keras's SGD with its defaults, learning
#: rate 0.01, momentum 0, no Nesterov (the course's plain gradient descent).
SGD_CONFIG = {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
#: Keras keeps the learning rate as a float32 variable (0.01 → 0.009999999776): 1e-6 relative
#: separates that rounding from any other rate.
LEARNING_RATE_RTOL = 1e-6
#: layers that may come before the Dense layers without changing the model
INPUT_LAYERS = ("InputLayer",)
ACCURACY_NAMES = ("accuracy", "acc", "categoricalaccuracy")


def model_layers(out):
    """The model's layers as [kind, units, activation], Input aside, an Activation layer that
    follows a Dense layer without activation (``Dense(units)`` + ``Activation("sigmoid")``)
    merged into that Dense layer."""
    layers = []
    for kind, units, activation in zip(out["layer_types"], out["layer_units"], out["layer_activations"]):
        kind, units, activation = str(kind), int(units), str(activation)
        if not kind or kind in INPUT_LAYERS:
            continue
        if kind == "Activation" and layers and layers[-1][0] == "Dense" and layers[-1][2] == "linear":
            layers[-1][2] = activation
            continue
        layers.append([kind, units, activation])
    return layers


def _describe(layer):
    kind, units, activation = layer
    if kind == "Dense":
        return f"Dense({units}, {activation})"
    return f"{kind}({activation})" if kind == "Activation" else kind


def verify_architecture(cases, outputs):
    """The whole configuration, each part with its own message: the layers (Input allowed; an
    activation given to Dense or by the Activation layer after it), units, activations, the
    optimizer (SGD with SGD_CONFIG), the loss and the accuracy metric."""
    case, out = cases[0], outputs[0]
    units, k = int(case["units"]), int(case["n_classes"])
    wanted = [["Dense", units, "sigmoid"], ["Dense", k, "softmax"]]
    layers = model_layers(out)
    got = " → ".join(_describe(layer) for layer in layers) or "no layers"
    expected_text = f"Dense({units}, sigmoid) → Dense({k}, softmax)"
    extra = [layer for layer in layers if layer[0] != "Dense"]
    if extra:
        raise Failure(f"expected {expected_text}, got {got}: {', '.join(_describe(e) for e in extra)} is not part "
                      "of the course's model",
                      "the Keras model is the NumPy network, layer for layer: two Dense layers and nothing else "
                      "(an Input first is fine)")
    if len(layers) != len(wanted):
        raise Failure(f"expected 2 Dense layers ({expected_text}), got {len(layers)}: {got}",
                      "one hidden Dense layer of `units` neurons, then the output layer of `n_classes` neurons")
    if [layer[1] for layer in layers] != [units, k]:
        raise Failure(f"expected {expected_text} for units={units}, n_classes={k}, got {got}",
                      "use the function's arguments units and n_classes, not fixed numbers")
    for (_, _, activation), (_, _, want), where in zip(layers, wanted, ("hidden", "output")):
        if activation != want:
            raise Failure(f"expected {expected_text}, got {got}: the {where} layer's activation is {activation}",
                          "the hidden layer is the NumPy network's sigmoid; the output layer gives class "
                          "probabilities with softmax (activation='sigmoid' / 'softmax', in Dense or in an "
                          "Activation layer right after it)")
    _verify_biases(out)
    compiled = json.loads(str(out["compile_config"]))
    _verify_optimizer(compiled.get("optimizer"))
    loss = compiled.get("loss")
    loss_text = json.dumps(loss) if isinstance(loss, dict) else str(loss)
    if not _is_categorical_crossentropy(_loss_description(loss)):
        raise Failure(f"compile with loss='categorical_crossentropy', got {loss_text}",
                      "the targets are one-hot rows and the model outputs probabilities: plain categorical "
                      "cross-entropy (not sparse, not from_logits)")
    metrics = [_metric_name(m) for m in _flatten(compiled.get("metrics"))]
    if not any(re.sub(r"[^a-z]", "", name.lower()) in ACCURACY_NAMES for name in metrics):
        raise Failure(f"compile with metrics=['accuracy'], got metrics {metrics or 'none'}",
                      "the course's model reports its accuracy while training: metrics=['accuracy']")


def _verify_biases(out):
    """Every Dense layer keeps its bias (the NumPy network adds b1 and b2)."""
    kinds = [str(kind) for kind in out["layer_types"]]
    biases = [bool(b) for b in out.get("layer_biases", [True] * len(kinds))]
    dense = [with_bias for kind, with_bias in zip(kinds, biases) if kind == "Dense"]
    for with_bias, where in zip(dense, ("hidden", "output")):
        if not with_bias:
            raise Failure(f"the {where} Dense layer has no bias (use_bias=False)",
                          "the NumPy network adds b1 and b2: keep Dense's bias (the default, use_bias=True)")


def _verify_optimizer(optimizer):
    """SGD with the course's configuration (SGD_CONFIG), whatever way it was given."""
    if isinstance(optimizer, str):
        name, config = optimizer, {}
    else:
        optimizer = optimizer or {}
        name, config = str(optimizer.get("class_name", "")), optimizer.get("config") or {}
    if name.lower() != "sgd":
        raise Failure(f"compile with the SGD optimizer, got {name}",
                      "the course's model trains by plain gradient descent: optimizer='sgd'")
    wrong = []
    rate = config.get("learning_rate", SGD_CONFIG["learning_rate"])
    if not isinstance(rate, (int, float)) or abs(rate - SGD_CONFIG["learning_rate"]) > \
            LEARNING_RATE_RTOL * SGD_CONFIG["learning_rate"]:
        wrong.append(f"learning_rate={rate}")
    if float(config.get("momentum", 0.0) or 0.0) != SGD_CONFIG["momentum"]:
        wrong.append(f"momentum={config['momentum']}")
    if bool(config.get("nesterov", False)) != SGD_CONFIG["nesterov"]:
        wrong.append("nesterov=True")
    if wrong:
        raise Failure(f"compile with plain SGD (learning rate 0.01, momentum 0, no Nesterov), got "
                      f"SGD({', '.join(wrong)})",
                      "the course's model uses optimizer='sgd' (or SGD() with its defaults): momentum and "
                      "Nesterov belong to the optimizers chapter, not to this model")


def _loss_description(loss):
    """A loss of the compile configuration as _is_categorical_crossentropy reads it."""
    if isinstance(loss, dict):
        config = loss.get("config") or {}
        if isinstance(config, dict) and config.get("from_logits"):
            return "from_logits=True"
        return str(loss.get("class_name") if loss.get("class_name") not in (None, "function") else config)
    return str(loss)


def _metric_name(metric):
    if isinstance(metric, dict):
        config = metric.get("config")
        return str(config.get("name") if isinstance(config, dict) else config or metric.get("class_name"))
    return str(metric)


def _flatten(items):
    """The metrics of a compile configuration: a name, a list, or a dict by output, flattened."""
    if items is None:
        return []
    if isinstance(items, dict) and "class_name" not in items:
        items = list(items.values())
    if not isinstance(items, list):
        return [items]
    return [leaf for item in items for leaf in _flatten(item)]


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
                             b2=case["b2"])  # first: the student copy records it from empty outputs
    if "output" not in outputs[0]:
        shapes = [tuple(shape) for shape in json.loads(str(outputs[0]["weight_shapes"]))]
        raise Failure(f"the model's weights have shapes {shapes}, the course's network has w1 "
                      f"{case['w1'].shape}, b1 {case['b1'].shape}, w2 {case['w2'].shape}, b2 {case['b2'].shape}",
                      "Dense(units, sigmoid) then Dense(n_classes, softmax), with the function's arguments")
    got = np.asarray(outputs[0]["output"], dtype=float)
    if got.shape != probabilities.shape or not np.max(np.abs(got - probabilities)) <= FORWARD_ATOL:
        difference = np.max(np.abs(got - probabilities)) if got.shape == probabilities.shape else "shape"
        raise Failure("with the same weights, the model's output differs from sigmoid → softmax "
                      f"(max difference {difference})")


_trial = Trial(probes.build, build_cases)
CHECKS = [
    Check("keras_model.architecture", "build_keras_model", 2,
          "Dense(units, sigmoid) → Dense(n_classes, softmax), plain SGD (learning rate 0.01), categorical "
          "cross-entropy, accuracy",
          _trial, verify_architecture, requires=("tensorflow",)),
    Check("keras_model.forward", "build_keras_model", 1, "same output as the NumPy network for the same weights",
          _trial, verify_forward, requires=("tensorflow",)),
]
