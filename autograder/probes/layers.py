"""Probes of the layers' forward and backward passes and weight initialisation."""
import numpy as np

from . import fresh, probe, scalar


def _network(sub, class_path, case):
    """Instantiate the student's class and set the weights given in the case."""
    cls = sub.attribute(class_path)
    kwargs = {"units": int(scalar(case["units"]))} if "units" in case else {}
    net = cls(**kwargs)
    for name in ("w", "b", "w1", "b1", "w2", "b2", "a1"):
        if name in case:
            value = case[name]
            setattr(net, name, scalar(value) if value.ndim == 0 else fresh(value))
    return net


def _forpass(class_path):
    def run(sub, case):
        net = _network(sub, class_path, case)
        x = fresh(case["x"])
        z = net.forpass(x)
        out = {"z": z, "x_after": x}
        if getattr(net, "a1", None) is not None and "w1" in case:
            out["a1"] = net.a1
        return out
    return run


def _backprop(class_path):
    def run(sub, case):
        net = _network(sub, class_path, case)
        x, err = fresh(case["x"]), fresh(case["err"])
        grads = net.backprop(x, err)
        names = ("w_grad", "b_grad") if "w" in case else ("w1_grad", "b1_grad", "w2_grad", "b2_grad")
        if not isinstance(grads, (tuple, list)) or len(grads) != len(names):
            raise TypeError(f"backprop must return a tuple of {len(names)} gradients {names}")
        out = dict(zip(names, grads))
        out.update(x_after=x, err_after=err)
        return out
    return run


def _init_weights(class_path):
    def run(sub, case):
        net = _network(sub, class_path, case)
        args = (int(scalar(case["n_features"])),)
        if "n_classes" in case:
            args += (int(scalar(case["n_classes"])),)
        out = {}
        for repeat in ("first", "again", "other"):
            seed = int(scalar(case["seed"])) + (1 if repeat == "other" else 0)
            np.random.seed(seed)
            net.init_weights(*args)
            for name in ("w1", "b1", "w2", "b2"):
                out[f"{repeat}_{name}"] = getattr(net, name)
        return out
    return run


for _path in ("single_layer.SingleLayer", "dual_layer.DualLayer", "multiclass.MultiClassNetwork"):
    _short = _path.split(".")[0]
    probe(f"{_short}.forpass")(_forpass(_path))
    probe(f"{_short}.backprop")(_backprop(_path))

for _path in ("dual_layer.DualLayer", "dual_layer.RandomInitNetwork",
              "dual_layer.XavierInitNetwork", "multiclass.MultiClassNetwork"):
    probe(f"{_path}.init_weights")(_init_weights(_path))


@probe("multiclass.softmax")
def softmax(sub, case):
    net = sub.attribute("multiclass.MultiClassNetwork")()
    z = fresh(case["z"])
    return {"a": net.softmax(z), "z_after": z}


@probe("multiclass.training")
def multiclass_training(sub, case):
    """One call of training(x, y) from given weights; returns the weights after it and a."""
    net = _network(sub, "multiclass.MultiClassNetwork", case)
    net.learning_rate = scalar(case["learning_rate"])
    x, y = fresh(case["x"]), fresh(case["y"])
    a = net.training(x, y)
    return {"a": a, "w1": net.w1, "b1": net.b1, "w2": net.w2, "b2": net.b2}
