"""Probe of the Keras chapter: the student's build_keras_model(), described as plain data."""
import numpy as np

from . import probe, scalar


@probe("keras_model.build")
def build(sub, case):
    build_model = sub.attribute("keras_model.build_keras_model")
    model = build_model(n_features=int(scalar(case["n_features"])), units=int(scalar(case["units"])),
                        n_classes=int(scalar(case["n_classes"])))
    dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    out = {
        "n_layers": len(model.layers),
        "units": np.array([layer.units for layer in dense]),
        "activations": np.array([layer.activation.__name__ for layer in dense]),
        "optimizer": str(model.optimizer.__class__.__name__),
        "loss": str(getattr(model.loss, "__name__", model.loss)),
        "metrics": np.array([str(m) for m in _metric_names(model)] or [""]),
    }
    weights = [case["w1"], case["b1"], case["w2"], case["b2"]]
    model.set_weights([w.astype("float32") for w in weights])
    out["output"] = np.asarray(model(case["x"].astype("float32")), dtype=float)
    return out


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
