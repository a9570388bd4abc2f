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


def figure(width=6.4, height=3.2, layout="constrained"):
    """A new Agg figure of ``width`` × ``height`` inches, laid out by matplotlib's constrained layout
    (``layout=None``: placed by the caller, faster for grids of many axes)."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
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
