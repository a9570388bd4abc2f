"""Probes of keras_model.py: the student's build_keras_model() described as plain data, and
trained like the course's Keras chapter."""
import json

import numpy as np

from . import scalar

WEIGHTS = ("w1", "b1", "w2", "b2")

def build(sub, case):
    """The model build_keras_model() returns, described as plain data: each layer of its config
    (class name, units, activation's name; InputLayer included), its compile configuration
    (``model.get_compile_config()``: optimizer class and config, loss, metrics, as JSON), and its
    output for the case's weights."""
    build_model = sub.attribute("keras_model.build_keras_model")
    model = build_model(n_features=int(scalar(case["n_features"])), units=int(scalar(case["units"])),
                        n_classes=int(scalar(case["n_classes"])))
    layers = [(layer.get("class_name", ""), layer.get("config") or {}) for layer in model.get_config()["layers"]]
    out = {
        "layer_types": np.array([str(kind) for kind, _ in layers] or [""]),
        "layer_units": np.array([int(config.get("units", -1) or -1) for _, config in layers] or [-1]),
        "layer_activations": np.array([_activation_name(config.get("activation")) for _, config in layers] or [""]),
        "layer_biases": np.array([bool(config.get("use_bias", True)) for _, config in layers] or [True]),
        "compile_config": json.dumps(_compile_config(model), default=str),
    }
    weights = [case["w1"], case["b1"], case["w2"], case["b2"]]
    shapes = [tuple(np.shape(w)) for w in model.get_weights()]
    out["weight_shapes"] = json.dumps(shapes)
    if shapes == [w.shape for w in weights]:  # else the architecture check says what differs
        model.set_weights([w.astype("float32") for w in weights])
        out["output"] = np.asarray(model(case["x"].astype("float32")), dtype=float)
    return out


def _activation_name(activation):
    """'sigmoid' for "sigmoid", keras.activations.sigmoid or its serialised form; '' for none."""
    if activation is None:
        return ""
    if isinstance(activation, dict):
        inner = activation.get("config")
        return str(inner if isinstance(inner, str) else activation.get("registered_name") or activation.get("class_name"))
    return str(getattr(activation, "__name__", activation))


def _compile_config(model):
    """What compile() was given: Keras 3's get_compile_config(), or the same keys read from the
    model (optimizer class and get_config(), loss, metrics) where that method is missing."""
    getter = getattr(model, "get_compile_config", None)
    config = getter() if getter is not None else None
    if config:
        return config
    optimizer = model.optimizer
    return {"optimizer": {"class_name": optimizer.__class__.__name__, "config": optimizer.get_config()},
            "loss": str(getattr(model.loss, "__name__", model.loss)),
            "metrics": [str(m) for m in _metric_names(model)]}


def _metric_names(model):
    compiled = getattr(model, "compiled_metrics", None) or getattr(model, "_compile_metrics", None)
    names = []
    for attr in ("_user_metrics", "_metrics"):
        found = getattr(compiled, attr, None)
        if found:
            names = [getattr(m, "name", m) if not isinstance(m, str) else m for m in _flatten(found)]
            break
    return names


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif item is not None:
            yield item


def train_keras_chapter(build_model, x, y, epochs, seed, callbacks=(), validation_data=None):
    """The course's Keras chapter: build_keras_model(784, 100, 10) after
    ``keras.utils.set_random_seed(seed)``, then ``fit(x, y, epochs, batch_size=32)`` (Keras's
    defaults: shuffled batches, the compiled optimizer and loss), with ``validation_data`` (x_val,
    y_val) when given. Returns the trained model and its history. Shared with
    ``benchmarks/keras_chapter_accuracy.py``, which measured the threshold, and with the experiment
    ``nnkit train keras_model`` (autograder/experiments.py)."""
    import keras
    keras.utils.set_random_seed(seed)
    model = build_model(n_features=x.shape[1], units=100, n_classes=y.shape[1])
    if validation_data is not None:
        validation_data = tuple(np.asarray(array, dtype="float32") for array in validation_data)
    history = model.fit(np.asarray(x, dtype="float32"), np.asarray(y, dtype="float32"), epochs=epochs,
                        batch_size=32, verbose=0, callbacks=list(callbacks), validation_data=validation_data)
    return model, history


def fashion_mnist(sub, case):
    """Train the student's model on the course's training split (its stratified head of
    ``per_class`` images of each class when the case gives it); return its weights (the grader
    measures the validation accuracy with its own forward pass) and the per-epoch losses."""
    build_model = sub.attribute("keras_model.build_keras_model")
    # built once before TensorFlow is imported here: a stub raises now, and a submission that has
    # not written build_keras_model yet never pays for the import (train_keras_chapter seeds
    # Keras and builds again, so this model is not the one trained)
    build_model(n_features=784, units=100, n_classes=10)
    from ..data import prepare_fashion_mnist
    split = prepare_fashion_mnist(download=False)
    if "per_class" in case:  # float32, what Keras trains on (the same values as float64 rounded)
        x, y = split.train_subset(int(scalar(case["per_class"])), np.float32)
    else:
        x, y = split.x_train, split.y_train
    model, history = train_keras_chapter(build_model, x, y,
                                         int(scalar(case["epochs"])), int(scalar(case["seed"])))
    weights = model.get_weights()
    out = {"n_weights": np.array(len(weights)),
           "losses": np.asarray(history.history.get("loss", []), dtype=float)}
    if len(weights) == len(WEIGHTS):
        out.update({name: np.asarray(w, dtype=float) for name, w in zip(WEIGHTS, weights)})
    if "predict_val" in case:  # the student copy measures the accuracy from the model's own outputs
        out["z_val"] = np.asarray(model.predict(np.asarray(split.x_val, dtype="float32"), verbose=0), dtype=float)
    return out

