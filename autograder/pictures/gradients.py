"""Gradient heatmaps: the submission's gradient beside the numerical one and their per-entry
relative error, one row per parameter (a transposed gradient, or one off by a factor m, shows at a
glance: another shape, or the same pattern saturated). A one-number gradient (a bias of one output)
is written out instead.

Each row is one image (the three heatmaps resampled to the same block size and put side by side)
in one axes: a grid of separate axes costs several times the drawing time."""
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import LogNorm, Normalize

from .canvas import data_uri, figure

#: pixels of each heatmap block (rows, columns) and between blocks
BLOCK = (60, 100)
GAP = 14


def draw(data):
    """``data``: figures data of kind "gradients" (checks/figures.gradient_figures): panels of
    {name, yours (2-D list or None), numerical (2-D list), error (2-D list or None), shapes}. A PNG
    data URI: per parameter, yours and the numerical gradient on the numerical one's colour scale
    (blue negative, red positive: a larger gradient saturates), and the relative error on a log
    scale (black 1e-16, white 1)."""
    panels = data["panels"]
    height = 1.45 * len(panels) + 0.6
    fig = figure(8.0, height, {"left": 0.01, "right": 0.99, "top": 1 - 0.55 / height, "bottom": 0.02,
                               "hspace": 0.5})
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels):
        ax.set_axis_off()
        numerical = np.array(panel["numerical"], dtype=float)
        yours = None if panel["yours"] is None else np.array(panel["yours"], dtype=float)
        titles = [f"yours: {panel['name']}_grad {tuple(panel['yours_shape'])}{_largest(yours)}",
                  f"numerical {tuple(panel['expected_shape'])}{_largest(numerical)}"]
        if numerical.size == 1 and (yours is None or yours.size == 1):
            _numbers(ax, panel, yours, numerical)
            continue
        scale = float(np.nanmax(np.abs(numerical))) if np.any(np.isfinite(numerical)) else 1.0
        signed = Normalize(-scale if scale > 0 else -1.0, scale if scale > 0 else 1.0)
        blocks = [_block(yours, colormaps["RdBu_r"], signed), _block(numerical, colormaps["RdBu_r"], signed)]
        if panel["error"] is None:
            blocks.append(None)
            titles.append("relative error: shapes differ")
        else:
            error = np.clip(np.nan_to_num(np.array(panel["error"], dtype=float), nan=1.0), 1e-16, 1.0)
            blocks.append(_block(error, colormaps["magma"], LogNorm(1e-16, 1.0)))
            titles.append(f"relative error, max {error.max():.1e}")
        rows, columns = BLOCK
        mosaic = np.ones((rows, 3 * columns + 2 * GAP, 4))
        for index, block in enumerate(blocks):
            left = index * (columns + GAP)
            if block is not None:
                mosaic[:, left:left + columns] = block
                mosaic[[0, -1], left:left + columns, :3] = 0.6  # a thin grey frame
                mosaic[:, [left, left + columns - 1], :3] = 0.6
            ax.text(left + columns / 2, -3, titles[index], ha="center", va="bottom", fontsize=7.5)
        ax.imshow(mosaic, interpolation="nearest", aspect="auto")
    fig.suptitle(f"gradients{data.get('case', '')}: yours, numerical (blue < 0 < red), relative error "
                 "(log: black 1e-16, white 1)", fontsize=9)
    return data_uri(fig)


def _block(values, colormap, norm):
    """``values`` (2-D) as RGBA pixels of BLOCK size (nearest-neighbour), or None."""
    if values is None or values.size == 0:
        return None
    rows, columns = BLOCK
    index_rows = (np.arange(rows) * values.shape[0] // rows).clip(0, values.shape[0] - 1)
    index_columns = (np.arange(columns) * values.shape[1] // columns).clip(0, values.shape[1] - 1)
    picked = values[np.ix_(index_rows, index_columns)]
    return colormap(norm(np.ma.masked_invalid(picked)))


def _largest(values):
    """', max |g| 0.123' (the colour scale is the numerical gradient's: a larger gradient saturates)."""
    if values is None or not np.any(np.isfinite(values)):
        return ""
    return f", max |g| {np.nanmax(np.abs(values)):.3g}"


def _numbers(ax, panel, yours, numerical):
    """One-number gradients: the values and their relative error as text."""
    want = float(numerical.reshape(-1)[0])
    got = None if yours is None else float(yours.reshape(-1)[0])
    error = None if got is None else abs(got - want) / max(1e-8, abs(got) + abs(want))
    texts = (f"yours: {panel['name']}_grad = {got:.6g}" if got is not None else "yours: not numbers",
             f"numerical = {want:.6g}", "relative error " + ("?" if error is None else f"{error:.1e}"))
    for index, text in enumerate(texts):
        ax.text((index + 0.5) / 3, 0.5, text, ha="center", va="center", fontsize=8, transform=ax.transAxes)
