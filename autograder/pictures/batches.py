"""Which sample went into which batch, in two epochs of gen_batch."""
import numpy as np
from matplotlib.colors import ListedColormap

from .canvas import data_uri, figure


def draw(data):
    """``data``: kind "batches" (checks/figures.batches_figures): m, batch_size, and per epoch
    the batch of each sample (−1: not yielded) and the batch sizes. A PNG data URI: one strip per
    epoch, sample id along x, coloured by batch (grey: missing); a shuffled epoch looks speckled,
    the remainder batch is the colour that covers fewer samples."""
    m = int(data["m"])
    epochs = data["epochs"]
    grid = np.array([e["batch_of"] for e in epochs], dtype=float)
    count = int(max(1, np.nanmax(grid) + 1))
    colours = ListedColormap(["#d0d0d0"] + [f"C{i % 10}" for i in range(count)])
    fig = figure(7.5, 2.2, {"left": 2.0 / 7.5, "right": 0.98})
    ax = fig.add_subplot()
    ax.imshow(grid + 1, cmap=colours, vmin=-0.5, vmax=count + 0.5, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(epochs)), [f"epoch {i + 1}\nbatch sizes {[int(s) for s in e['sizes']]}"
                                       for i, e in enumerate(epochs)], fontsize=7)
    ax.set_xlabel(f"sample id (m = {m}, batch_size = {data['batch_size']}); colour = batch, grey = missing",
                  fontsize=8)
    ax.set_title("gen_batch: the batch of each sample in two epochs", fontsize=10)
    return data_uri(fig)
