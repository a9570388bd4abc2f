"""The one place that touches matplotlib: a non-interactive (Agg) figure, and the figure as an
inline PNG (a ``data:`` URI, so a report needs no files and no network).

Figures are made with the object API (``matplotlib.figure.Figure``), not pyplot: no global state,
so pictures can be drawn from several threads (grade-batch grades students in parallel).
"""
import base64
import io

import matplotlib

matplotlib.use("Agg")  # never a window: the grader may run without a display

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: resolution of the PNGs (dots per inch); figures are sized in inches
DPI = 80


def figure(width=6.4, height=3.2, margins=None):
    """A new Agg figure of ``width`` × ``height`` inches. The axes are placed by fixed margins
    (``margins``: subplots_adjust arguments; left, bottom, right and top default to room for tick
    labels and a title) rather than by a layout engine, which would cost as much as the drawing."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    room = {"left": 0.7 / width, "right": 1 - 0.15 / width, "bottom": 0.55 / height, "top": 1 - 0.45 / height,
            "wspace": 0.3, "hspace": 0.45}
    fig.subplots_adjust(**{**room, **(margins or {})})
    return fig


def data_uri(fig):
    """The figure as a PNG ``data:image/png;base64,…`` URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def colorbar(fig, image, ax, label=None):
    """A colour bar for ``image`` beside ``ax``."""
    bar = fig.colorbar(image, ax=ax, shrink=0.85)
    if label:
        bar.set_label(label)
    return bar
