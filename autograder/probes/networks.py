"""What the network probes share: build the student's network with given weights, and call its
forward pass, backward pass or weight initialisation. The probe modules named after the course's
modules (single_layer.py, dual_layer.py, multiclass.py) call these with their class."""
import numpy as np

from . import fresh, scalar


def network(sub, class_path, case):
    """Instantiate the student's class ``class_path`` and set the weights given in the case."""
    cls = sub.attribute(class_path)
    kwargs = {"units": int(scalar(case["units"]))} if "units" in case else {}
    net = cls(**kwargs)
    for name in ("w", "b", "w1", "b1", "w2", "b2", "a1"):
        if name in case:
            value = case[name]
            setattr(net, name, scalar(value) if value.ndim == 0 else fresh(value))
    return net


def forpass(sub, class_path, case):
    """z = net.forpass(x) with the case's weights; also self.a1 for two-layer networks and x
    afterwards (to see whether it was modified)."""
    net = network(sub, class_path, case)
    x = fresh(case["x"])
    z = net.forpass(x)
    out = {"z": z, "x_after": x}
    if getattr(net, "a1", None) is not None and "w1" in case:
        out["a1"] = net.a1
    return out


def backprop(sub, class_path, case):
    """The gradients net.backprop(x, err) returns (w_grad, b_grad; or w1_grad … b2_grad), x and
    err afterwards, self.a1 afterwards (``a1_after``, two-layer networks), and the gradients of a
    second call on the same network with fresh copies of the same inputs (``again_*``)."""
    net = network(sub, class_path, case)
    names = ("w_grad", "b_grad") if "w" in case else ("w1_grad", "b1_grad", "w2_grad", "b2_grad")
    x, err = fresh(case["x"]), fresh(case["err"])
    out = _gradients(net.backprop(x, err), names, "")
    out.update(x_after=x, err_after=err)
    if "a1" in case and getattr(net, "a1", None) is not None:
        out["a1_after"] = np.array(net.a1, copy=True)
    out.update(_gradients(net.backprop(fresh(case["x"]), fresh(case["err"])), names, "again_"))
    return out


def _gradients(grads, names, prefix):
    """backprop's tuple as {prefix + name: a private copy} (a later call cannot change it)."""
    if not isinstance(grads, (tuple, list)) or len(grads) != len(names):
        raise TypeError(f"backprop must return a tuple of {len(names)} gradients {names}")
    return {prefix + name: np.array(grad, copy=True) for name, grad in zip(names, grads)}


def init_weights(sub, class_path, case):
    """The weights init_weights sets after np.random.seed(seed) (``first_*``), again after the
    same seed (``again_*``) and after seed + 1 (``other_*``)."""
    net = network(sub, class_path, case)
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


def network_probes(module, class_path, *actions, prefix=""):
    """Probe functions of ``module`` (the caller's ``__name__``) running ``actions`` (``"forpass"``,
    ``"backprop"``, ``"init_weights"``) on the student's class ``class_path``; each is named
    ``prefix + action`` in that module, which is how the child finds it (``probe_name``)."""
    made = []
    for action in actions:
        run = {"forpass": forpass, "backprop": backprop, "init_weights": init_weights}[action]

        def probe(sub, case, run=run):
            return run(sub, class_path, case)
        probe.__module__, probe.__name__ = module, prefix + action
        probe.__qualname__ = probe.__name__
        probe.__doc__ = f"{class_path.split('.')[-1]}.{action} on the case's inputs ({run.__doc__.splitlines()[0]})"
        made.append(probe)
    return made
