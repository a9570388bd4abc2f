"""The class overview's pictures: the distribution of the scores and the failure rate per check."""
import numpy as np
from matplotlib.ticker import MaxNLocator

from .canvas import data_uri, figure


def draw_scores(scores, max_score):
    """Histogram of the students' ``scores`` (out of ``max_score``). A PNG data URI."""
    fig = figure(6.4, 2.8)
    ax = fig.add_subplot()
    scores = np.asarray(scores, dtype=float)
    top = max(1.0, float(max_score))
    ax.hist(scores, bins=np.linspace(0, top, 21), color="C0", edgecolor="white")
    if scores.size:
        ax.axvline(scores.mean(), color="C3", ls="--", lw=1.5, label=f"mean {scores.mean():.1f}")
        ax.legend(fontsize=8)
    ax.set_xlabel(f"score (out of {max_score:g})", fontsize=8)
    ax.set_ylabel("students", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"score distribution ({scores.size} students)", fontsize=10)
    ax.tick_params(labelsize=7)
    return data_uri(fig)


def draw_failure_rates(names, rates, shown=25):
    """Horizontal bars: the share of students failing each check (``names``, ``rates`` in
    [0, 1], sorted highest first; the first ``shown``). A PNG data URI."""
    names, rates = list(names)[:shown], list(rates)[:shown]
    height = 0.25 * max(4, len(names)) + 0.8
    fig = figure(7.0, height, {"left": 3.0 / 7.0, "right": 0.97, "bottom": 0.45 / height, "top": 1 - 0.3 / height})
    ax = fig.add_subplot()
    positions = np.arange(len(names))
    ax.barh(positions, rates, color="C3")
    ax.set_yticks(positions, names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of students failing", fontsize=8)
    ax.set_title("checks failed most often", fontsize=10)
    ax.tick_params(labelsize=7)
    return data_uri(fig)
