"""Gradient heatmaps: the submission's gradient beside the numerical one and their per-entry
relative error, one row per parameter (a transposed gradient, or one off by a factor m, shows at a
glance: another shape, or the same pattern at another scale). A one-number gradient (a bias of one
output) is written out instead."""
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import MaxNLocator

from .canvas import colorbar, data_uri, figure


def draw(data):
    """``data``: figures data of kind "gradients" (checks/figures.gradient_figures): panels of
    {name, yours (2-D list or None), numerical (2-D list), error (2-D list or None), shapes}. A PNG
    data URI."""
    panels = data["panels"]
    height = 1.9 * len(panels) + 0.5
    fig = figure(9, height, {"left": 0.05, "right": 0.97, "top": 1 - 0.5 / height, "bottom": 0.2 / height,
                             "wspace": 0.35, "hspace": 0.6})
    axes = fig.subplots(len(panels), 3, squeeze=False)
    for row, panel in zip(axes, panels):
        numerical = np.array(panel["numerical"], dtype=float)
        yours = None if panel["yours"] is None else np.array(panel["yours"], dtype=float)
        if numerical.size == 1 and (yours is None or yours.size == 1):
            _numbers(row, panel, yours, numerical)
            continue
        scale = float(np.nanmax(np.abs(numerical))) if np.any(np.isfinite(numerical)) else 1.0
        scale = scale if scale > 0 else 1.0
        for ax, values, title in ((row[0], yours, f"yours: {panel['name']}_grad {tuple(panel['yours_shape'])}"
                                                  f"{_largest(yours)}"),
                                  (row[1], numerical, f"numerical {tuple(panel['expected_shape'])}{_largest(numerical)}")):
            if values is None:
                _empty(ax, "not numbers")
                continue
            image = ax.imshow(values, cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto", interpolation="nearest")
            ax.set_title(title, fontsize=8)
            _ticks(ax, values.shape)
        colorbar(fig, image, [row[0], row[1]])
        if panel["error"] is None:
            _empty(row[2], "shapes differ:\nno per-entry error")
        else:
            error = np.clip(np.nan_to_num(np.array(panel["error"], dtype=float), nan=1.0), 1e-16, 1.0)
            image = row[2].imshow(error, cmap="magma", norm=LogNorm(1e-16, 1.0), aspect="auto", interpolation="nearest")
            row[2].set_title(f"relative error, max {error.max():.1e}\n(log scale: black 1e-16, white 1)", fontsize=8)
            _ticks(row[2], error.shape)
    fig.suptitle(f"gradients{data.get('case', '')}: yours, numerical, relative error per entry", fontsize=10)
    return data_uri(fig)


def _largest(values):
    """', max |g| 0.123' (the colour scale is the numerical gradient's: a larger gradient saturates)."""
    if values is None or not np.any(np.isfinite(values)):
        return ""
    return f", max |g| {np.nanmax(np.abs(values)):.3g}"


def _ticks(ax, shape):
    """Integer ticks (row and column indexes); none along a dimension of size 1."""
    for axis, size in ((ax.yaxis, shape[0]), (ax.xaxis, shape[1])):
        if size == 1:
            axis.set_ticks([])
        else:
            axis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.tick_params(labelsize=7)


def _numbers(row, panel, yours, numerical):
    """One-number gradients: the values and their relative error as text."""
    want = float(numerical.reshape(-1)[0])
    got = None if yours is None else float(yours.reshape(-1)[0])
    _empty(row[0], f"yours: {panel['name']}_grad\n{got:.6g}" if got is not None else "not numbers")
    _empty(row[1], f"numerical\n{want:.6g}")
    error = None if got is None else abs(got - want) / max(1e-8, abs(got) + abs(want))
    _empty(row[2], "relative error\n" + ("?" if error is None else f"{error:.1e}"))


def _empty(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
