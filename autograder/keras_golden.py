"""What Keras computes for the agreement checks (``autograder/checks/keras_agreement.py``),
recorded once with live Keras so that grading never needs TensorFlow.

The inputs are defined here, in code, from fixed seeds: optimizer trajectories (parameters and
sequences of gradients, ordinary and around 1e-6), one path per optimizer down a fixed 2-D test
function (:data:`SURFACE`: each step's gradient is the function's at the current point) and a
small two-layer softmax network (weights, a data set, a batch order). ``record()`` runs Keras 3 on them and returns Keras's answers; ``write()``
saves them with the inputs under ``autograder/golden/``:

``keras_optimizers.npz``, ``keras_network.npz``
    inputs and Keras's results (plain arrays, read with ``allow_pickle=False``);
``keras_golden.json``
    Keras, TensorFlow, NumPy and Python versions, the settings, the SHA-256 of both ``.npz`` files
    and the disagreement of the kit's formulas (``autograder/checks/math.py``) with Keras measured
    at recording time. Written last, so an interrupted recording is detected (hash mismatch).

Regenerate (needs the ``[keras]`` extra)::

    nnkit keras-golden            # record and write autograder/golden/ (or python -m autograder keras-golden)
    nnkit keras-golden --check    # record and compare with the files, write nothing

``expected()`` is what the checks use: the golden files if they are intact (their recorded inputs are
then the checks' inputs); otherwise a fresh recording by live Keras in a separate process
(never in the grader's own process: TensorFlow's threads and the grader's forks do not mix);
otherwise the reason why neither is possible, which the checks report as *skipped*.

How Keras is run: float64 variables (``keras.Variable(..., dtype="float64")``; for the network
float64 layers and a float64 loss), the default ``floatx`` (float32). What Keras then still keeps
in float32 is the whole disagreement with float64 formulas — measured bit for bit when this module
was written (Keras 3.15.1, TensorFlow 2.21.0):

* the learning rate is a float32 variable (0.01 → 0.00999999978, 0.1 → 0.100000001);
* ``SGD``: ``ops.cast(momentum, float64)`` converts the Python float to a float32 tensor first
  (0.9 → 0.899999976);
* ``Adam``: likewise β1 and β2 in the bias correction β^t (β2 = 0.999 → 0.999000013, so
  sqrt(1 − β2) is 6.4e-6 off at t = 1); β in the moment updates stays float64;
* ``RMSprop``: ρ and ε stay float64; only the learning rate;
* the loss reported by ``train_on_batch``/``fit`` is a float32 metric (rounded to ~6e-8);
* ``fit`` converts float64 NumPy inputs to float32 (its weights differ from ``train_on_batch``'s
  by ~1e-8), so the epoch is recorded with ``train_on_batch`` and ``fit`` only adds the epoch loss.

With those constants rounded to float32, the formulas reproduce Keras's trajectories exactly
(0 difference on every case); the float64 formulas differ by the amounts in ``keras_golden.json``
(``measured``), which set the checks' tolerances.
"""
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np

from .files import atomic_write

# autograder.checks imports this module (checks/keras_agreement.py): its parts are imported when
# first used, so either package can be imported first


def rng_for(*key):
    from .checks.base import rng_for as seeded
    return seeded(*key)


def relative_error(a, b):
    from .checks.base import relative_error as error
    return error(a, b)


def formula(name, **arguments):
    """The kit's formula ``checks/math.<name>`` (instructor's kit only: the student copy has none)."""
    from .checks.expectation import compute
    return compute(name, **arguments)


GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
OPTIMIZERS_FILE = "keras_optimizers.npz"
NETWORK_FILE = "keras_network.npz"
MANIFEST_FILE = "keras_golden.json"
FORMAT = 1
#: seconds a live recording (in a child process: TensorFlow import and a few hundred steps) may take
LIVE_TIMEOUT = 600

# --------------------------------------------------------------------------- inputs

#: update() calls per trajectory
STEPS = 15
#: the kit's optimizer -> (Keras class, (default settings, other settings)); the kit's classes take
#: the same keyword arguments as Keras's (SGD with momentum is the kit's Momentum)
OPTIMIZERS = {
    "Momentum": ("SGD", ({"learning_rate": 0.01, "momentum": 0.9},
                         {"learning_rate": 0.05, "momentum": 0.5})),
    "RMSProp": ("RMSprop", ({"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7},
                            {"learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-6})),
    "Adam": ("Adam", ({"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
                      {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6})),
}
#: (label, which settings, scale of the gradients): around 1e-6 the square root of the running
#: average of g² is ~1e-6 too, and where ε sits (inside the root, outside, scaled) decides the step
OPTIMIZER_CASES = (
    ("defaults", 0, 1.0),
    ("other hyper-parameters", 1, 1.0),
    ("gradients around 1e-6", 0, 1e-6),
    ("gradients around 1e-6 and other hyper-parameters", 1, 1e-6),
)

#: the network: m samples of n features in [0, 1], k classes from a noisy linear teacher, a sigmoid
#: hidden layer of `units`, the course's learning rate and N(0, 1) weight scale; one epoch is
#: ceil(m / batch_size) batches, the last one shorter
#: the loss surface of the path cases: f(p) = ½ (p − c)ᵀ A (p − c), A with eigenvalues 1 and 16
#: along axes turned by 30° (a long narrow valley, oblique to the coordinates, so that Momentum's
#: overshoot and RMSprop's and Adam's per-coordinate step sizes take visibly different paths), its
#: minimum c at the origin; the path starts at ``start`` and takes ``steps`` steps
SURFACE = {"eigenvalues": (1.0, 16.0), "angle_degrees": 30.0, "centre": (0.0, 0.0), "start": (-2.5, -0.5),
           "steps": 40}
#: the settings of each optimizer's path (its default learning rate would barely move on this scale)
SURFACE_SETTINGS = {
    "Momentum": {"learning_rate": 0.01, "momentum": 0.9},
    "RMSProp": {"learning_rate": 0.1, "rho": 0.9, "epsilon": 1e-7},
    "Adam": {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
}
SURFACE_LABEL = "path on a 2-D loss surface"
#: the index of the path case among an optimizer's cases (after the OPTIMIZER_CASES)
SURFACE_INDEX = len(OPTIMIZER_CASES)
#: how many cases each optimizer has
CASES = SURFACE_INDEX + 1

NETWORK = {"m": 100, "n": 20, "units": 10, "k": 5, "batch_size": 32, "learning_rate": 0.1}
WEIGHTS = ("w1", "b1", "w2", "b2")


def optimizer_inputs(name):
    """The cases of one optimizer, in the format of the probe ``optimizers.trajectory``: the
    trajectories of OPTIMIZER_CASES, then (index SURFACE_INDEX) the path on :data:`SURFACE`."""
    from .checks.trajectories import trajectory_case
    return [trajectory_case(name, OPTIMIZERS[name][1][settings], label, rng_for("keras agreement", name, label),
                            (4, 3), STEPS, scale)
            for label, settings, scale in OPTIMIZER_CASES] + [surface_case(name)]


def surface_case(name):
    """The path case of one optimizer: class, settings (SURFACE_SETTINGS), label, keys ["w"], the
    start ``param_w`` (2,), the test function's ``surface_hessian`` A (2 × 2) and
    ``surface_centre`` c (2,), and the number of ``steps``."""
    angle = np.radians(SURFACE["angle_degrees"])
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return {"class": np.array(name), "kwargs": np.array(json.dumps(SURFACE_SETTINGS[name])),
            "label": np.array(SURFACE_LABEL), "keys": np.array(["w"]),
            "param_w": np.array(SURFACE["start"], dtype=float),
            "surface_hessian": turn @ np.diag(SURFACE["eigenvalues"]) @ turn.T,
            "surface_centre": np.array(SURFACE["centre"], dtype=float), "steps": np.array(SURFACE["steps"])}


def surface_steps(case):
    """The gradient of the case's test function at a point (probes/optimizers.surface_gradient)."""
    from .probes.optimizers import surface_gradient
    return lambda point: surface_gradient(case, point)


def network_inputs():
    """The network case, in the format of the probe ``keras_agreement.multiclass``."""
    p = NETWORK
    rng = rng_for("keras agreement", "multiclass")
    x = rng.uniform(size=(p["m"], p["n"]))
    teacher = rng.normal(size=(p["n"], p["k"])) * 2
    labels = np.argmax(x @ teacher + rng.normal(size=(p["m"], p["k"])) * 0.5, axis=1)
    return {"units": np.array(p["units"]), "learning_rate": np.array(p["learning_rate"]),
            "batch_size": np.array(p["batch_size"]), "x": x, "y": np.eye(p["k"])[labels],
            "order": rng.permutation(p["m"]),
            "w1": rng.normal(size=(p["n"], p["units"])), "b1": rng.normal(size=p["units"]) * 0.1,
            "w2": rng.normal(size=(p["units"], p["k"])), "b2": rng.normal(size=p["k"]) * 0.1}


def batches(case):
    """Row indices of each batch of the epoch, in order."""
    order, size = np.asarray(case["order"], dtype=int), int(case["batch_size"])
    return [order[start:start + size] for start in range(0, len(order), size)]


def all_inputs():
    """Every input, flattened to ``{key: array}`` as stored in the golden files."""
    arrays = {}
    for name in OPTIMIZERS:
        for index, case in enumerate(optimizer_inputs(name)):
            arrays.update({f"{name}/{index}/{key}": value for key, value in case.items()})
    arrays.update({f"network/{key}": value for key, value in network_inputs().items()})
    return arrays


# --------------------------------------------------------------------------- recording (live Keras)

def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    return keras


def record_trajectory(name, case):
    """Keras's optimizer on float64 variables, one apply_gradients per step: {traj_<key>} for
    each of the case's keys. The gradients are the case's, or for a path case the test function's
    at the variable's current value."""
    keras = _keras()
    optimizer = getattr(keras.optimizers, OPTIMIZERS[name][0])(**json.loads(str(case["kwargs"])))
    keys = [str(k) for k in case["keys"]]
    variables = {key: keras.Variable(np.array(case[f"param_{key}"]), dtype="float64", name=key) for key in keys}
    history = {key: [np.array(variables[key].numpy())] for key in keys}
    surface = surface_steps(case) if "surface_hessian" in case else None
    steps = int(case["steps"]) if surface else len(case[f"grads_{keys[0]}"])
    for step in range(steps):
        optimizer.apply_gradients([(surface(np.array(variables[key].numpy())) if surface
                                    else np.array(case[f"grads_{key}"][step]), variables[key]) for key in keys])
        for key in keys:
            history[key].append(np.array(variables[key].numpy()))
    out = {f"traj_{key}": np.stack(history[key]) for key in keys}
    assert all(value.dtype == np.float64 for value in out.values())
    return out


def _keras_network(case):
    keras = _keras()
    n, units, k = case["x"].shape[1], int(case["units"]), case["y"].shape[1]
    model = keras.Sequential([keras.Input(shape=(n,), dtype="float64"),
                              keras.layers.Dense(units, activation="sigmoid", dtype="float64"),
                              keras.layers.Dense(k, activation="softmax", dtype="float64")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=float(case["learning_rate"])),
                  loss=keras.losses.CategoricalCrossentropy(dtype="float64"))
    model.set_weights([np.array(case[name]) for name in WEIGHTS])
    return model


def record_network(case):
    """Keras's Dense(units, sigmoid) → Dense(k, softmax) with the case's weights, float64:
    ``forward_a``/``forward_loss`` on the first batch; ``step_loss``/``step_*`` from one
    ``train_on_batch`` on it; ``epoch_losses``/``epoch_*`` from ``train_on_batch`` over every batch
    in order; ``fit_loss``: ``fit(x[order], y[order], shuffle=False)``'s loss for that epoch."""
    x, y = case["x"], case["y"]
    parts = batches(case)
    first = parts[0]
    out = {}
    model = _keras_network(case)
    out["forward_a"] = np.asarray(model(x[first]), dtype=float)
    out["forward_loss"] = np.array(float(model.loss(y[first], out["forward_a"])))
    model = _keras_network(case)
    out["step_loss"] = np.array(float(model.train_on_batch(x[first], y[first])))
    out.update({f"step_{name}": np.asarray(w, dtype=float) for name, w in zip(WEIGHTS, model.get_weights())})
    model = _keras_network(case)
    out["epoch_losses"] = np.array([float(model.train_on_batch(x[rows], y[rows])) for rows in parts])
    out.update({f"epoch_{name}": np.asarray(w, dtype=float) for name, w in zip(WEIGHTS, model.get_weights())})
    model = _keras_network(case)
    order = np.asarray(case["order"], dtype=int)
    history = model.fit(x[order], y[order], batch_size=int(case["batch_size"]), epochs=1, shuffle=False, verbose=0)
    out["fit_loss"] = np.array(float(history.history["loss"][0]))
    return out


def record():
    """Run live Keras on every input: (optimizer arrays, network arrays), inputs included."""
    optimizers = {}
    for name in OPTIMIZERS:
        for index, case in enumerate(optimizer_inputs(name)):
            optimizers.update({f"{name}/{index}/{key}": value for key, value in case.items()})
            optimizers.update({f"{name}/{index}/keras_{key}": value
                               for key, value in record_trajectory(name, case).items()})
    case = network_inputs()
    network = {f"network/{key}": value for key, value in case.items()}
    network.update({f"network/keras_{key}": value for key, value in record_network(case).items()})
    return optimizers, network


def versions():
    keras = _keras()
    import tensorflow as tf
    return {"keras": keras.__version__, "tensorflow": tf.__version__, "backend": keras.backend.backend(),
            "floatx": keras.config.floatx(), "numpy": np.__version__, "python": platform.python_version(),
            "machine": platform.machine()}


# --------------------------------------------------------------------------- the formulas vs Keras

def formula_trajectory(name, case, key):
    """The kit's float64 formula (autograder/checks/math.py) on one case. On a path case, the
    gradients are the test function's along the formula's own path: step t + 1 is the formula's
    last row on the t + 1 gradients at the points it reached before (the formula run again from
    the start each step)."""
    steps = {"Momentum": "momentum_steps", "RMSProp": "rmsprop_steps", "Adam": "adam_steps"}[name]
    settings = json.loads(str(case["kwargs"]))
    if "surface_hessian" not in case:
        return formula(steps, w=case[f"param_{key}"], grads=case[f"grads_{key}"], **settings)
    gradient, path = surface_steps(case), [np.array(case[f"param_{key}"], dtype=float)]
    for _ in range(int(case["steps"])):
        grads = np.stack([gradient(point) for point in path])
        path.append(formula(steps, w=case[f"param_{key}"], grads=grads, **settings)[-1])
    return np.stack(path)


def displacement_errors(got, expected):
    """Per step t ≥ 1, the relative error (base.relative_error) of the displacement w_t − w_0."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return [relative_error(got[t] - got[0], expected[t] - expected[0]) for t in range(1, len(expected))]


def formula_network(case):
    """The network's answers from the kit's formulas (float64): the same keys as record_network."""
    x, y = case["x"], case["y"]
    parts = batches(case)
    probabilities, weights = formula("softmax_network_sgd", x=x, y=y, batches=parts,
                                     weights={name: np.array(case[name], dtype=float) for name in WEIGHTS},
                                     learning_rate=float(case["learning_rate"]))
    losses = [mean_cross_entropy(y[rows], a) for rows, a in zip(parts, probabilities)]
    out = {"forward_a": probabilities[0], "forward_loss": losses[0], "step_loss": losses[0],
           "epoch_losses": np.array(losses), "fit_loss": float(np.dot(losses, [len(rows) for rows in parts]) / len(x))}
    out.update({f"step_{n}": weights[0][n] for n in WEIGHTS})
    out.update({f"epoch_{n}": weights[-1][n] for n in WEIGHTS})
    return out


def mean_cross_entropy(y, a, clip=1e-7):
    """Mean over rows of −Σ y·log(a), a clipped to [clip, 1 − clip]: Keras clips at 1e-7 (its
    epsilon), the course's cross_entropy_sum at 1e-10."""
    return float(np.mean(np.sum(-y * np.log(np.clip(a, clip, 1 - clip)), axis=1)))


def measured_disagreement(optimizers, network):
    """Largest disagreement of the kit's float64 formulas with the recorded Keras results: per
    optimizer (and per case label) the worst relative error of the displacement over all steps and
    both parameters; for the network, per quantity (probabilities, losses, displaced weights)."""
    result = {}
    for name in OPTIMIZERS:
        per_case = {}
        for index in range(CASES):
            case = {key.split("/")[2]: value for key, value in optimizers.items() if key.startswith(f"{name}/{index}/")}
            per_case[str(case["label"])] = max(
                max(displacement_errors(case[f"keras_traj_{key}"], formula_trajectory(name, case, key)))
                for key in (str(k) for k in case["keys"]))
        result[name] = {"max": max(per_case.values()), "cases": per_case}
    case = {key.split("/", 1)[1]: value for key, value in network.items()}
    mine = formula_network(case)
    result["network"] = network_errors(case, mine)
    return result


def network_errors(case, got):
    """The network comparisons the checks make: errors of ``got`` (keys as record_network) against
    Keras's results stored in ``case`` (``keras_*``)."""
    def moved(prefix):
        return max(relative_error(np.asarray(got[f"{prefix}_{n}"], dtype=float) - case[n],
                                  case[f"keras_{prefix}_{n}"] - case[n]) for n in WEIGHTS)
    return {
        "forward_a": relative_error(got["forward_a"], case["keras_forward_a"]),
        "forward_loss": relative_error(got["forward_loss"], case["keras_forward_loss"]),
        "step_loss": relative_error(got["step_loss"], case["keras_step_loss"]),
        "step_weights": moved("step"),
        "epoch_losses": relative_error(got["epoch_losses"], case["keras_epoch_losses"]),
        "epoch_weights": moved("epoch"),
        "fit_loss": relative_error(got["fit_loss"], case["keras_fit_loss"]),
    }


# --------------------------------------------------------------------------- files

class GoldenError(Exception):
    """The golden files are missing, damaged, or were recorded from other inputs."""


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write(optimizers, network, folder=GOLDEN_DIR, info=None):
    """Write both .npz files, then the manifest (versions, hashes, measured disagreement)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, arrays in ((OPTIMIZERS_FILE, optimizers), (NETWORK_FILE, network)):
        atomic_write(folder / name, lambda handle, arrays=arrays: np.savez_compressed(handle, **arrays),
                     permissions=0o644)
    manifest = {
        "format": FORMAT,
        "recorded": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": (info or {}).get("versions") or versions(),
        "how": "nnkit keras-golden (autograder/keras_golden.py documents the settings)",
        "inputs": {"steps": STEPS, "optimizers": {name: {"keras": cls, "settings": list(settings)}
                                                  for name, (cls, settings) in OPTIMIZERS.items()},
                   "cases": [{"label": label, "settings": s, "gradient_scale": scale}
                             for label, s, scale in OPTIMIZER_CASES],
                   "surface": {**SURFACE, "settings": SURFACE_SETTINGS, "label": SURFACE_LABEL},
                   "network": NETWORK},
        "measured": measured_disagreement(optimizers, network),
        "sha256": {name: _sha256(folder / name) for name in (OPTIMIZERS_FILE, NETWORK_FILE)},
    }
    atomic_write(folder / MANIFEST_FILE, json.dumps(manifest, indent=1) + "\n", permissions=0o644)
    return manifest


@dataclass(frozen=True)
class Golden:
    """Keras's recorded results, checked against the inputs defined in this module."""

    optimizers: dict
    network: dict
    manifest: dict
    source: str  # "golden files" or "live Keras"

    def trajectory(self, name, index, key):
        return self.optimizers[f"{name}/{index}/keras_traj_{key}"]

    def network_case(self):
        """The network's inputs and Keras's results (``keras_*`` keys)."""
        return {key.split("/", 1)[1]: value for key, value in self.network.items()}

    def optimizer_cases(self, name):
        """The recorded inputs of one optimizer's cases, as optimizer_inputs gives them."""
        return [{key: self.optimizers[f"{name}/{index}/{key}"] for key in case_keys(index)}
                for index in range(CASES)]

    def network_inputs(self):
        """The recorded inputs of the network, as network_inputs gives them."""
        return {key: self.network[f"network/{key}"] for key in NETWORK_INPUT_KEYS}

    def describe(self):
        v = self.manifest.get("versions", {})
        return f"Keras {v.get('keras', '?')} / TensorFlow {v.get('tensorflow', '?')} ({self.source})"


OPTIMIZER_CASE_KEYS = ("class", "kwargs", "label", "keys", "param_w", "param_b", "grads_w", "grads_b")
SURFACE_CASE_KEYS = ("class", "kwargs", "label", "keys", "param_w", "surface_hessian", "surface_centre", "steps")


def case_keys(index):
    """The input keys of an optimizer's case ``index``; (its Keras results: keras_traj_<param>)."""
    return SURFACE_CASE_KEYS if index == SURFACE_INDEX else OPTIMIZER_CASE_KEYS
NETWORK_INPUT_KEYS = ("units", "learning_rate", "batch_size", "x", "y", "order", *WEIGHTS)
NETWORK_KERAS_KEYS = ("forward_a", "forward_loss", "step_loss", "epoch_losses", "fit_loss",
                      *(f"{p}_{n}" for p in ("step", "epoch") for n in WEIGHTS))


def load(folder=GOLDEN_DIR, source="golden files"):
    """The golden files in ``folder``, verified: intact (SHA-256 as in the manifest), readable
    without pickle, complete and of consistent shapes. Raises GoldenError saying what is wrong.

    The files carry their own inputs, which the checks use: a recording stays valid whatever
    NumPy's random streams do later. Whether they are still the inputs this module defines is
    :func:`inputs_differ`'s question (a test asks it)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except FileNotFoundError:
        raise GoldenError(f"{folder / MANIFEST_FILE} does not exist") from None
    except (OSError, ValueError) as exc:
        raise GoldenError(f"{folder / MANIFEST_FILE} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise GoldenError(f"{folder / MANIFEST_FILE} is not format {FORMAT}")
    loaded = []
    for name in (OPTIMIZERS_FILE, NETWORK_FILE):
        path = folder / name
        try:
            digest = _sha256(path)
        except OSError as exc:
            raise GoldenError(f"{path} cannot be read: {exc}") from None
        if digest != (manifest.get("sha256") or {}).get(name):
            raise GoldenError(f"{path} does not match the SHA-256 in {MANIFEST_FILE} (damaged, or an interrupted "
                              "recording)")
        try:
            with np.load(path, allow_pickle=False) as data:
                loaded.append({key: data[key] for key in data.files})
        except (OSError, ValueError) as exc:
            raise GoldenError(f"{path} cannot be read: {exc}") from None
    optimizers, network = loaded
    for name in OPTIMIZERS:
        for index in range(CASES):
            prefix = f"{name}/{index}/"
            params = ("w",) if index == SURFACE_INDEX else ("w", "b")
            missing = [k for k in (*case_keys(index), *(f"keras_traj_{p}" for p in params)) if prefix + k not in optimizers]
            if missing:
                raise GoldenError(f"{folder / OPTIMIZERS_FILE} lacks {prefix}{missing[0]}")
            if index == SURFACE_INDEX:
                start, traj = optimizers[f"{prefix}param_w"], optimizers[f"{prefix}keras_traj_w"]
                if start.shape != (2,) or traj.shape != (int(optimizers[f"{prefix}steps"]) + 1, 2):
                    raise GoldenError(f"{folder / OPTIMIZERS_FILE}: {prefix}w has inconsistent shapes")
                continue
            for key in params:
                param, grads = optimizers[f"{prefix}param_{key}"], optimizers[f"{prefix}grads_{key}"]
                traj = optimizers[f"{prefix}keras_traj_{key}"]
                if grads.shape[1:] != param.shape or traj.shape != (len(grads) + 1, *param.shape):
                    raise GoldenError(f"{folder / OPTIMIZERS_FILE}: {prefix}{key} has inconsistent shapes")
    missing = [k for k in (*NETWORK_INPUT_KEYS, *(f"keras_{k}" for k in NETWORK_KERAS_KEYS))
               if f"network/{k}" not in network]
    if missing:
        raise GoldenError(f"{folder / NETWORK_FILE} lacks network/{missing[0]}")
    return Golden(optimizers, network, manifest, source)


def inputs_differ(golden):
    """The first input whose recorded value differs from what this module defines now, or None."""
    stored = {**golden.optimizers, **golden.network}
    for key, value in all_inputs().items():
        if key not in stored or stored[key].shape != value.shape or not np.array_equal(stored[key], value):
            return key
    return None


@lru_cache(maxsize=None)
def _stored(folder):
    try:
        return load(folder), None
    except GoldenError as exc:
        return None, str(exc)


def stored():
    """(Golden, None) from the golden files, or (None, what is wrong with them); once per process."""
    return _stored(GOLDEN_DIR)


def optimizer_cases(name):
    """The checks' trajectory cases: the golden files' inputs, or this module's if they are unusable
    (then expected() records live Keras on exactly those)."""
    golden, _ = stored()
    return golden.optimizer_cases(name) if golden is not None else optimizer_inputs(name)


def network_cases():
    """The checks' network case, from the same source as optimizer_cases."""
    golden, _ = stored()
    return [golden.network_inputs() if golden is not None else network_inputs()]


def keras_available():
    import importlib.util
    return importlib.util.find_spec("keras") is not None and importlib.util.find_spec("tensorflow") is not None


def record_live(timeout=LIVE_TIMEOUT):
    """A fresh recording by live Keras, made in a child process into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="nnkit-keras-golden-") as folder:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        try:
            done = subprocess.run([sys.executable, "-m", "autograder", "keras-golden", "--out", folder],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise GoldenError(f"live Keras did not finish within {timeout} s") from None
        if done.returncode != 0:
            raise GoldenError("live Keras failed: " + (done.stderr.strip().splitlines() or ["no output"])[-1][:300])
        return load(folder, source="live Keras")


def expected():
    """(Golden, None) — from the golden files, else from live Keras — or (None, why neither).
    Resolved once per process (``expected.cache_clear()`` forgets it)."""
    return _expected(GOLDEN_DIR)


@lru_cache(maxsize=None)
def _expected(folder):
    golden, problem = _stored(folder)
    if golden is not None:
        return golden, None
    unusable = f"golden files unusable: {problem}"
    if not keras_available():
        return None, f"skipped: {unusable}; and TensorFlow/Keras is not installed to compute them (pip install '.[keras]')"
    try:
        return record_live(), None
    except GoldenError as exc:
        return None, f"skipped: {unusable}; and {exc}"


def _clear():
    _expected.cache_clear()
    _stored.cache_clear()


expected.cache_clear = stored.cache_clear = _clear


# --------------------------------------------------------------------------- command line

def compare(fresh, golden):
    """Largest relative error between two recordings, per optimizer and network quantity."""
    result = {}
    for name in OPTIMIZERS:
        result[name] = max(max(displacement_errors(fresh.trajectory(name, i, key), golden.trajectory(name, i, key)))
                           for i, case in enumerate(golden.optimizer_cases(name)) for key in (str(k) for k in case["keys"]))
    mine = {key[len("keras_"):]: value for key, value in fresh.network_case().items() if key.startswith("keras_")}
    result["network"] = network_errors(golden.network_case(), mine)
    return result


def regenerate(out=None, check=False, log=print):
    """Record Keras's results; with ``check``, compare them with the files in ``out`` and write
    nothing, else write them into ``out`` (default :data:`GOLDEN_DIR`). Prints a JSON summary
    (``nnkit keras-golden [--check] [--out DIR]``)."""
    out = str(out or GOLDEN_DIR)
    optimizers, network = record()
    if out == str(GOLDEN_DIR):
        # only ever from the inputs defined here (record() uses them); say so if the old files differ
        try:
            previous = load(out)
            changed = inputs_differ(previous)
            if changed:
                print(f"note: the inputs changed since the last recording (first: {changed})", file=sys.stderr)
        except GoldenError:
            pass
    if check:
        with tempfile.TemporaryDirectory() as folder:
            write(optimizers, network, folder)
            fresh = load(folder, source="live Keras")
        golden = load(out)
        log(json.dumps({"recorded with": golden.manifest["versions"], "now": fresh.manifest["versions"],
                        "first input that changed": inputs_differ(golden),
                        "largest difference": compare(fresh, golden)}, indent=1))
        return 0
    manifest = write(optimizers, network, out)
    log(json.dumps({"wrote": out, "versions": manifest["versions"], "measured": manifest["measured"]}, indent=1))
    return 0
