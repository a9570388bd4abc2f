"""Probes of the agreement with Keras: the student's MultiClassNetwork driven batch by batch in a
given order, and the student's build_keras_model() trained on Fashion-MNIST with the course's
settings. Like every probe they only call the submission and return plain arrays; what Keras
computes for the same inputs is in the grader (recorded golden files, ``autograder.keras_golden``).
"""
import numpy as np

from . import fresh, probe, scalar

WEIGHTS = ("w1", "b1", "w2", "b2")


def _multiclass(sub, case):
    """The student's MultiClassNetwork with the case's weights and learning rate (fresh copies)."""
    net = sub.attribute("multiclass.MultiClassNetwork")(units=int(scalar(case["units"])))
    net.learning_rate = float(scalar(case["learning_rate"]))
    for name in WEIGHTS:
        setattr(net, name, fresh(case[name]))
    return net


def _weights(net, prefix):
    return {f"{prefix}_{name}": np.array(getattr(net, name), dtype=float, copy=True) for name in WEIGHTS}


@probe("keras_agreement.multiclass")
def multiclass(sub, case):
    """Three runs from the case's weights, each on a fresh network:

    * ``forward_a``: softmax(forpass(x)) on the first batch of ``order``;
    * ``step_*``: the weights after one ``training()`` call on that batch (one SGD step);
    * ``epoch_a`` / ``epoch_*``: one epoch of ``training()`` calls over the batches of ``order``
      (consecutive slices of ``batch_size`` rows, the last one shorter): each call's returned
      probabilities (rows in ``order``), and the weights after the epoch.
    """
    x, y = case["x"], case["y"]
    order = np.asarray(case["order"], dtype=int)
    batch_size = int(scalar(case["batch_size"]))
    first = order[:batch_size]

    net = _multiclass(sub, case)
    out = {"forward_a": net.softmax(net.forpass(x[first].copy()))}

    net = _multiclass(sub, case)
    out["step_a"] = net.training(x[first].copy(), y[first].copy())
    out.update(_weights(net, "step"))

    net = _multiclass(sub, case)
    probabilities = []
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        probabilities.append(np.asarray(net.training(x[rows].copy(), y[rows].copy()), dtype=float))
    out["epoch_a"] = np.concatenate(probabilities)
    out.update(_weights(net, "epoch"))
    return out


def train_keras_chapter(build_model, x, y, epochs, seed, callbacks=()):
    """The course's Keras chapter: build_keras_model(784, 100, 10) after
    ``keras.utils.set_random_seed(seed)``, then ``fit(x, y, epochs, batch_size=32)`` (Keras's
    defaults: shuffled batches, the compiled optimizer and loss). Returns the trained model and
    its history. Shared with ``benchmarks/keras_chapter_accuracy.py``, which measured the threshold."""
    import keras
    keras.utils.set_random_seed(seed)
    model = build_model(n_features=x.shape[1], units=100, n_classes=y.shape[1])
    history = model.fit(np.asarray(x, dtype="float32"), np.asarray(y, dtype="float32"), epochs=epochs,
                        batch_size=32, verbose=0, callbacks=list(callbacks))
    return model, history


@probe("keras_model.fashion_mnist")
def keras_chapter(sub, case):
    """Train the student's model on the course's training split; return its weights (the grader
    measures the validation accuracy with its own forward pass) and the per-epoch losses."""
    from ..data import prepare_fashion_mnist
    split = prepare_fashion_mnist(download=False)
    model, history = train_keras_chapter(sub.attribute("keras_model.build_keras_model"), split.x_train,
                                         split.y_train, int(scalar(case["epochs"])), int(scalar(case["seed"])))
    weights = model.get_weights()
    out = {"n_weights": np.array(len(weights)),
           "losses": np.asarray(history.history.get("loss", []), dtype=float)}
    if len(weights) == len(WEIGHTS):
        out.update({name: np.asarray(w, dtype=float) for name, w in zip(WEIGHTS, weights)})
    if "predict_val" in case:  # the student copy measures the accuracy from the model's own outputs
        out["z_val"] = np.asarray(model.predict(np.asarray(split.x_val, dtype="float32"), verbose=0), dtype=float)
    return out
