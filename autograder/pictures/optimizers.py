"""An optimizer's path (two entries of a parameter; on a 2-D loss surface, drawn over its contour
lines) against Keras's, and its per-step deviation."""
import numpy as np

from .canvas import data_uri, figure


def draw(data):
    """``data``: kind "path" (checks/figures.path_figures): the path of two entries of
    params[key] (yours and Keras's, one row per step) and the relative error of the displacement
    per step; with a ``contour`` ({"x", "y", "z", "minimum"}: the loss surface on a grid), the paths are drawn
    over its contour lines, in the grid's box (a path that leaves it is cut at its edge). A PNG data
    URI with two panels."""
    fig = figure(8.0, 3.2)
    left, right = fig.subplots(1, 2)
    expected, yours = np.array(data["expected"], dtype=float), np.array(data["yours"], dtype=float)
    contour = data.get("contour")
    if contour:
        x, y = np.array(contour["x"], dtype=float), np.array(contour["y"], dtype=float)
        z = np.array(contour["z"], dtype=float)
        low = max(np.nanmin(z), np.nanmax(z) * 1e-4, 1e-12)   # a quadratic bowl: levels evenly spaced in log
        lines = left.contour(x, y, z, levels=np.geomspace(low, np.nanmax(z), 12), cmap="viridis",
                             linewidths=0.8, alpha=0.7)
        left.clabel(lines, lines.levels[::3], fontsize=6, fmt="%.2g")
        left.set_xlim(x[0], x[-1])
        left.set_ylim(y[0], y[-1])
    left.plot(expected[:, 0], expected[:, 1], "o-", color="0.5", ms=3, label="Keras")
    left.plot(yours[:, 0], yours[:, 1], "x--", color="C0", ms=4, label="yours")
    left.plot(*expected[0], "ks", ms=5, label="start")
    if contour:
        left.plot(*np.array(contour["minimum"], dtype=float), "k*", ms=7, label="minimum")
    left.set_xlabel(f"{data['key']}{data['entries'][0]}", fontsize=8)
    left.set_ylabel(f"{data['key']}{data['entries'][1]}", fontsize=8)
    left.set_title(f"{data['optimizer']}: {data['case']}" if contour else f"{data['optimizer']}: path ({data['case']})",
                   fontsize=9)
    left.legend(fontsize=7)
    left.tick_params(labelsize=7)
    deviation = np.clip(np.array([np.nan if d is None else d for d in data["deviation"]], dtype=float), 1e-17, None)
    right.semilogy(range(1, len(deviation) + 1), deviation, "o-", ms=3, color="C0", label="yours")
    if data.get("tolerance"):
        right.axhline(data["tolerance"], color="C3", ls="--", lw=1.2, label=f"tolerance {data['tolerance']:.0e}")
    right.legend(fontsize=7)
    right.set_xlabel("step", fontsize=8)
    right.set_title("relative error of w_t − w_0 vs Keras", fontsize=9)
    right.grid(alpha=0.3)
    right.tick_params(labelsize=7)
    return data_uri(fig)
