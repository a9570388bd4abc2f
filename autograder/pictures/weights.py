"""The histogram of initial weights against the density they should follow."""
import numpy as np

from .canvas import data_uri, figure


def draw(data):
    """``data``: kind "weights" (checks/figures.weights_figures): histogram edges and density of
    one weight matrix, the expected density on a grid, the sample's mean and std. A PNG data URI."""
    fig = figure(6.0, 3.2)
    ax = fig.add_subplot()
    edges = np.array(data["edges"], dtype=float)
    ax.stairs(np.array(data["density"], dtype=float), edges, fill=True, alpha=0.5, color="C0",
              label=f"yours: mean {data['mean']:.3g}, std {data['std']:.3g}")
    ax.plot(data["grid"], data["expected"], color="C3", lw=2, label=f"expected (std {data['expected_std']:.3g})")
    ax.set_title(f"self.{data['name']} ({data['fan_in']}×{data['fan_out']}): distribution of the weights",
                 fontsize=10)
    ax.set_xlabel("weight")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return data_uri(fig)
