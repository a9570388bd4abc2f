"""Gradient heatmaps: the submission's gradient beside the numerical one and their per-entry
relative error, one row per parameter (a transposed gradient, or one off by a factor m, shows at a
glance: another shape, or the same pattern with another colour scale)."""
import numpy as np
from matplotlib.colors import LogNorm

from .canvas import colorbar, data_uri, figure


def draw(data):
    """``data``: figures data of kind "gradients" (checks/figures.gradient_figures): panels of
    {name, yours (2-D list or None), numerical (2-D list), error (2-D list or None)}. A PNG data URI."""
    panels = data["panels"]
    fig = figure(9, 2.1 * len(panels) + 0.4)
    axes = fig.subplots(len(panels), 3, squeeze=False)
    for row, panel in zip(axes, panels):
        numerical = np.array(panel["numerical"], dtype=float)
        yours = None if panel["yours"] is None else np.array(panel["yours"], dtype=float)
        scale = np.nanmax(np.abs(numerical)) if numerical.size and np.any(np.isfinite(numerical)) else 1.0
        scale = scale if scale > 0 else 1.0
        for ax, values, title in ((row[0], yours, f"yours: {panel['name']}_grad {tuple(panel['yours_shape'])}"),
                                  (row[1], numerical, f"numerical {tuple(panel['expected_shape'])}")):
            if values is None:
                _empty(ax, "not numbers")
                continue
            image = ax.imshow(values, cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto",
                              interpolation="nearest")
            ax.set_title(title, fontsize=9)
            colorbar(fig, image, ax)
        if panel["error"] is None:
            _empty(row[2], "shapes differ:\nno per-entry error")
        else:
            error = np.clip(np.nan_to_num(np.array(panel["error"], dtype=float), nan=1.0), 1e-16, 1.0)
            image = row[2].imshow(error, cmap="magma", norm=LogNorm(1e-16, 1.0), aspect="auto",
                                  interpolation="nearest")
            row[2].set_title(f"relative error (max {error.max():.1e})", fontsize=9)
            colorbar(fig, image, row[2])
        for ax in row:
            ax.tick_params(labelsize=7)
    fig.suptitle(f"gradients{data.get('case', '')}", fontsize=10)
    return data_uri(fig)


def _empty(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
