"""Figures data: what a check keeps of the arrays it verified so that a picture can explain its
verdict (autograder/pictures draws them; autograder/html_report shows them).

A check records figures data through its ``figures(cases, outputs, verdict)`` function
(``Check.figures``, or ``@with_figures(...)`` on its verify function): a list of plain dicts, each
``{"kind": <a kind autograder.pictures draws>, ...}`` holding lists of numbers. It runs in the
grader after the verdict is made, on the same cases and outputs; it never changes the verdict, and
whatever it raises becomes one ``{"kind": "unavailable", "reason": ...}`` entry. What it returns is
made JSON-safe and bounded (:func:`bounded`): at most MAX_NUMBERS numbers per check.

The gatherers of the kit's pictures are the factories below, one per kind of picture.
"""
import math

import numpy as np

from .base import relative_error
from .expectation import expected

#: most numbers kept per check (all its figures together): a few pictures' worth
MAX_NUMBERS = 20_000
#: most points of a curve kept (longer curves are subsampled evenly, the last point kept)
MAX_CURVE = 400
#: biggest parameter drawn as a gradient heatmap (entries)
MAX_HEATMAP = 400


def gather_figures(check, cases, outputs, verdict):
    """``verdict`` with its figures data, gathered by ``check.figures`` when the check passed or
    failed on outputs (not when it errored, was skipped or blocked). Returns the verdict."""
    if check.figures is None or verdict.status not in ("passed", "failed"):
        return verdict
    try:
        verdict.figures = bounded(check.figures(cases, outputs, verdict) or [])
    except Exception as exc:  # noqa: BLE001 — a figure never breaks a grade
        from ..report import plain_text
        verdict.figures = [unavailable(f"{type(exc).__name__}: {plain_text(exc, 200, newlines=False)}")]
    return verdict


def unavailable(reason):
    """The figures entry that says why a picture could not be made."""
    return {"kind": "unavailable", "reason": str(reason)}


def bounded(figures, limit=MAX_NUMBERS):
    """``figures`` (a list of dicts) as JSON-safe data: arrays become (nested) lists of floats
    rounded to 6 significant digits (NaN and ±inf become None), numpy scalars Python numbers; a
    figure that would take the total past ``limit`` numbers is replaced by an 'unavailable' entry."""
    kept, total = [], 0
    for figure in figures:
        count = _count(figure)  # before converting: a submission's huge array is never copied
        if total + count > limit:
            kept.append(unavailable(f"{figure.get('kind', 'figure')}: too much data ({count} numbers)"))
            continue
        total += count
        kept.append(_plain(figure))
    return kept


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return _plain(value.astype(float).tolist())
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return float(f"{value:.6g}") if math.isfinite(value) else None
    return value if value is None or isinstance(value, str) else str(value)


def _count(value):
    """How many numbers ``value`` (dicts, lists, tuples, arrays, numbers) holds."""
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_count(v) for v in value)
    if isinstance(value, np.ndarray):
        return int(value.size) if value.dtype.kind in "biuf" else 0
    return 1 if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) else 0


def curve(values, limit=MAX_CURVE):
    """(epochs, values) of a per-epoch curve, subsampled evenly to at most ``limit`` points
    (epochs counted from 1, the last one always kept)."""
    values = np.asarray(values, dtype=float).reshape(-1)
    if len(values) <= limit:
        return np.arange(1, len(values) + 1), values
    index = np.unique(np.linspace(0, len(values) - 1, limit).round().astype(int))
    return index + 1, values[index]


# --------------------------------------------------------------------------- gradients

def _as_grid(array):
    """An array as a 2-D grid for a heatmap: a scalar (1, 1), a vector one row."""
    array = np.asarray(array, dtype=float)
    return array.reshape(1, -1) if array.ndim < 2 else array.reshape(array.shape[0], -1)


def gradient_figures(numerical, names, label=None, against="numerical"):
    """Gatherer of a gradient check: for the case that disagrees most (every parameter under
    MAX_HEATMAP entries), each parameter's gradient (``yours``), the ``numerical`` one (the values
    of the function ``numerical`` of checks/math.py on the case) and their per-entry relative
    error |a − b| / max(1e-8, |a| + |b|) (None when the shapes differ). ``label(case)`` names the
    case."""
    def gather(cases, outputs, verdict):
        chosen = None
        for case, out in zip(cases, outputs):
            params = {name: np.asarray(case[name], dtype=float) for name in names}
            if any(p.size > MAX_HEATMAP for p in params.values()):
                continue
            numeric = expected(numerical, x=case["x"], err=case["err"], **params)
            worst = 0.0
            for name in names:
                got = np.asarray(out[f"{name}_grad"])
                ok = got.dtype.kind in "biuf" and got.size == numeric[name].size
                worst = max(worst, relative_error(got.astype(float).reshape(numeric[name].shape), numeric[name])
                            if ok else math.inf)
            if chosen is None or worst > chosen[0]:
                chosen = (worst, case, out, numeric)
        if chosen is None:
            return []
        _, case, out, numeric = chosen
        panels = []
        for name in names:
            got = np.asarray(out[f"{name}_grad"])
            want = np.asarray(numeric[name], dtype=float)
            # a submission's gradient of another size is drawn only if it is small
            mine = _as_grid(got) if got.dtype.kind in "biuf" and got.size <= 4 * MAX_HEATMAP else None
            error = None
            if mine is not None and got.size == want.size and np.shape(got) in (want.shape, (1,), (1, 1)):
                a, b = got.astype(float).reshape(want.shape), want
                error = _as_grid(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
            panels.append({"name": name, "yours": mine, "numerical": _as_grid(want), "error": error,
                           "yours_shape": list(np.shape(got)), "expected_shape": list(want.shape)})
        return [{"kind": "gradients", "case": label(case) if label else "", "against": against,
                 "panels": panels}]
    return gather


# --------------------------------------------------------------------------- training

def training_figures(threshold, data_loader, reference_key, confusion=None, curves=None):
    """Gatherer of a convergence check: the training loss per epoch (the submission's
    ``losses``), the reference's recorded curves for the same run (autograder/golden/
    reference_curves.json, key ``reference_key``), the validation accuracy reached and the
    threshold; with ``curves(case, out)`` -> {"epochs", "train_accuracy", "val_accuracy",
    "val_loss"} (or None) the per-epoch curves of the weights copied during training; with
    ``confusion(out, data)`` -> (labels, predictions, images, names) also the confusion matrix and
    a few misclassified validation images."""
    def gather(cases, outputs, verdict):
        from .. import reference_curves
        out = outputs[0]
        epochs, losses = curve(out.get("losses", []))
        reference = reference_curves.load().get(reference_key, {})
        figure = {"kind": "training", "epochs": epochs, "losses": losses,
                  "accuracy": verdict.artifacts.get("validation_accuracy"), "threshold": threshold,
                  "curves": curves(cases[0], out) if curves else None,
                  "reference": {"epochs": reference.get("epochs", []), "losses": reference.get("losses", []),
                                "accuracy": reference.get("validation_accuracy"),
                                "curves": reference.get("curves")}}
        figures = [figure]
        if confusion is not None:
            figures += confusion_figures(*confusion(out, data_loader()))
        return figures
    gather.reference_key = reference_key  # which recorded run it is drawn against (reference_curves)
    return gather


#: misclassified validation images kept for the grid
MAX_MISCLASSIFIED = 12


def confusion_figures(labels, predictions, images=None, names=None):
    """The confusion matrix (rows: true class, columns: predicted; counts) and up to
    MAX_MISCLASSIFIED misclassified ``images`` (flattened square images, values in [0, 1], kept as
    0–255 integers) with their true and predicted labels."""
    labels, predictions = np.asarray(labels, dtype=int), np.asarray(predictions, dtype=int)
    k = int(max(labels.max(), predictions.max())) + 1
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (labels, predictions), 1)
    figures = [{"kind": "confusion", "matrix": matrix, "names": list(names or [str(i) for i in range(k)])}]
    if images is not None:
        wrong = np.flatnonzero(labels != predictions)[:MAX_MISCLASSIFIED]
        side = int(round(math.sqrt(np.asarray(images).shape[1])))
        figures.append({"kind": "misclassified", "side": side, "names": figures[0]["names"],
                        "images": np.clip(np.asarray(images)[wrong] * 255, 0, 255).round().astype(int),
                        "true": labels[wrong], "predicted": predictions[wrong]})
    return figures


# --------------------------------------------------------------------------- initialisation

def weights_figures(make_dist, bins=40):
    """Gatherer of a weight-distribution check: for the largest weight matrix of the cases, the
    histogram of its entries (density) beside the density of ``make_dist(fan_in, fan_out)`` (a
    :mod:`autograder.checks.distributions` distribution) at the bins' centres."""
    def gather(cases, outputs, verdict):
        best = None
        for case, out in zip(cases, outputs):
            n, units = int(case["n_features"]), int(case["units"])
            k = int(case["n_classes"]) if "n_classes" in case else 1
            for name, fan_in, fan_out in (("w1", n, units), ("w2", units, k)):
                sample = np.asarray(out.get(f"first_{name}", []), dtype=float).ravel()
                if best is None or sample.size > best[0].size:
                    best = (sample, name, fan_in, fan_out)
        sample, name, fan_in, fan_out = best
        sample = sample[np.isfinite(sample)]
        if sample.size == 0:
            return []
        dist = make_dist(fan_in, fan_out)
        lo, hi = dist.ppf(0.0005), dist.ppf(0.9995)
        lo, hi = min(lo, sample.min()), max(hi, sample.max())
        density, edges = np.histogram(sample, bins=bins, range=(lo, hi), density=True)
        centres = (edges[:-1] + edges[1:]) / 2
        grid = np.linspace(lo, hi, 200)
        return [{"kind": "weights", "name": name, "fan_in": fan_in, "fan_out": fan_out, "edges": edges,
                 "density": density, "grid": grid, "expected": dist.pdf(grid), "centres": centres,
                 "mean": sample.mean(), "std": sample.std(), "expected_std": dist.std()}]
    return gather


# --------------------------------------------------------------------------- mini-batches

def batches_figures(case_index=0):
    """Gatherer of a gen_batch check: for one case (remainder included), the batch each sample
    (identified by x[:, 0], as the cases build x) went into in each of two epochs (−1: none) and
    the batches' sizes."""
    def gather(cases, outputs, verdict):
        case, out = cases[case_index], outputs[case_index]
        m, size = len(case["x"]), int(case["batch_size"])
        epochs = []
        for epoch in ("first", "second"):
            batch_of = np.full(m, -1)
            sizes = np.asarray(out.get(f"{epoch}_sizes", []), dtype=int)
            x = np.asarray(out.get(f"{epoch}_x", np.empty((0, 1))))
            if x.ndim == 2 and len(x) == int(sizes.sum()):
                ids = np.rint(x[:, 0]).astype(int)
                batch = np.repeat(np.arange(len(sizes)), sizes)
                inside = (ids >= 0) & (ids < m)
                batch_of[ids[inside]] = batch[inside]
            epochs.append({"name": epoch, "batch_of": batch_of, "sizes": sizes})
        return [{"kind": "batches", "m": m, "batch_size": size, "epochs": epochs}]
    return gather


# --------------------------------------------------------------------------- optimizers

def path_figures(name, reference, case_index=0, key="w", tolerance=None):
    """Gatherer of an optimizer check: the path of the two entries of params[key] that move most
    over the steps, the submission's beside ``reference(cases, case_index, key)`` (the
    trajectory it is compared with, or None), and the per-step relative error of the displacement
    w_t − w_0 (base.relative_error), with the check's ``tolerance``. For a path on a loss surface
    (a case with ``surface_hessian``: params[key] has two entries, in order), also the test
    function's values on a SURFACE_GRID × SURFACE_GRID grid around the reference's path
    (``contour``: x, y, z), for a contour plot under both paths."""
    def gather(cases, outputs, verdict):
        expected_path = reference(cases, case_index, key)
        if expected_path is None:
            return []
        expected_path = np.asarray(expected_path, dtype=float)
        got = np.asarray(outputs[case_index][f"traj_{key}"], dtype=float)
        if got.shape != expected_path.shape:
            return [unavailable(f"params['{key}'] has shape {got.shape[1:]}, expected {expected_path.shape[1:]}")]
        flat_e, flat_g = expected_path.reshape(len(expected_path), -1), got.reshape(len(got), -1)
        surface = "surface_hessian" in cases[case_index]
        moved = np.arange(2) if surface else np.argsort(-np.abs(flat_e[-1] - flat_e[0]))[:2]
        deviation = [relative_error(got[t] - got[0], expected_path[t] - expected_path[0])
                     for t in range(1, len(got))]
        entries = ["[" + ", ".join(str(int(k)) for k in np.unravel_index(int(i), expected_path.shape[1:])) + "]"
                   for i in moved]
        return [{"kind": "path", "optimizer": name, "case": str(cases[case_index]["label"]), "key": key,
                 "entries": entries, "expected": flat_e[:, moved], "yours": flat_g[:, moved],
                 "deviation": deviation, "tolerance": tolerance,
                 "contour": surface_grid(cases[case_index], flat_e) if surface else None}]
    return gather


#: points per side of the grid a loss surface is drawn from
SURFACE_GRID = 60


def surface_grid(case, path, size=SURFACE_GRID):
    """The case's test function (probes/optimizers.surface_value) on a size × size grid over the
    box of ``path`` (rows: points (2,)) and its minimum, widened by 15% each way: {"x": (size,),
    "y": (size,), "z": (size, size), z[i, j] = f(x[j], y[i]), "minimum": c (2,)}."""
    from ..probes.optimizers import surface_value
    corners = np.vstack([path, np.asarray(case["surface_centre"], dtype=float)[None]])
    low, high = corners.min(axis=0), corners.max(axis=0)
    margin = 0.15 * np.maximum(high - low, 1e-3)
    x, y = (np.linspace(low[i] - margin[i], high[i] + margin[i], size) for i in range(2))
    grid_x, grid_y = np.meshgrid(x, y)
    return {"x": x, "y": y, "z": surface_value(case, np.stack([grid_x, grid_y], axis=-1)),
            "minimum": np.asarray(case["surface_centre"], dtype=float)}


__all__ = ["gather_figures", "bounded", "curve", "gradient_figures", "training_figures", "confusion_figures",
           "weights_figures", "batches_figures", "path_figures", "unavailable", "MAX_NUMBERS"]
