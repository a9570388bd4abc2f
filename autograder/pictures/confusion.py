"""The confusion matrix of a classifier and a grid of misclassified images."""
import numpy as np

from .canvas import colorbar, data_uri, figure


def draw_confusion(data):
    """``data``: kind "confusion" (checks/figures.confusion_figures): matrix (k × k counts, rows
    true, columns predicted) and class names. A PNG data URI; each cell shows its count."""
    matrix = np.array(data["matrix"], dtype=float)
    names = data.get("names") or [str(i) for i in range(len(matrix))]
    fig = figure(6.4, 5.6, {"left": 1.1 / 6.4, "bottom": 1.2 / 5.6, "right": 0.98})
    ax = fig.add_subplot()
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, f"{int(count)}", ha="center", va="center", fontsize=7,
                color="white" if share[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    correct = np.trace(matrix) / max(1.0, matrix.sum())
    ax.set_title(f"confusion matrix (validation, {correct:.1%} correct)", fontsize=10)
    colorbar(fig, image, ax, "share of the true class")
    return data_uri(fig)


def draw_misclassified(data):
    """``data``: kind "misclassified": images (flattened side × side, 0–255), true and predicted
    labels, class names. A PNG data URI: the images side by side in one mosaic (one axes: drawn
    fast), each under its "true → predicted" label."""
    images = np.array(data["images"], dtype=float)
    names = data.get("names") or []
    side = int(data["side"])
    if len(images) == 0:
        fig = figure(4, 1)
        fig.text(0.5, 0.5, "no misclassified image", ha="center", va="center")
        return data_uri(fig)
    columns = min(6, len(images))
    lines = -(-len(images) // columns)
    gap, label = side // 7, side // 2  # pixels between images, and above each for its label
    mosaic = np.full((lines * (side + label), columns * (side + gap)), np.nan)
    fig = figure(1.25 * columns, 1.6 * lines, {"left": 0.01, "right": 0.99, "bottom": 0.01, "top": 0.99})
    ax = fig.add_subplot()
    for index, (image, true, predicted) in enumerate(zip(images, data["true"], data["predicted"])):
        row, column = divmod(index, columns)
        top, left = row * (side + label) + label, column * (side + gap)
        mosaic[top:top + side, left:left + side] = image.reshape(side, side)
        ax.text(left + side / 2, top - 1, f"{_name(names, true)}\n→ {_name(names, predicted)}", ha="center",
                va="bottom", fontsize=7)
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
    ax.set_axis_off()
    return data_uri(fig)


def _name(names, label):
    label = int(label)
    return names[label] if 0 <= label < len(names) else str(label)
