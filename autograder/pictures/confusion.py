"""The confusion matrix of a classifier and a grid of misclassified images."""
import numpy as np

from .canvas import colorbar, data_uri, figure


def draw_confusion(data):
    """``data``: kind "confusion" (checks/figures.confusion_figures): matrix (k × k counts, rows
    true, columns predicted) and class names. A PNG data URI; each cell shows its count."""
    matrix = np.array(data["matrix"], dtype=float)
    names = data.get("names") or [str(i) for i in range(len(matrix))]
    fig = figure(6.4, 5.6)
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
    labels, class names. A PNG data URI: a grid, each image titled true → predicted."""
    images = np.array(data["images"], dtype=float)
    names = data.get("names") or []
    count = len(images)
    if count == 0:
        fig = figure(4, 1)
        fig.text(0.5, 0.5, "no misclassified image", ha="center", va="center")
        return data_uri(fig)
    columns = min(6, count)
    lines = -(-count // columns)
    fig = figure(1.5 * columns, 1.7 * lines)
    side = int(data["side"])
    for index, (image, true, predicted) in enumerate(zip(images, data["true"], data["predicted"])):
        ax = fig.add_subplot(lines, columns, index + 1)
        ax.imshow(image.reshape(side, side), cmap="gray_r", vmin=0, vmax=255)
        ax.set_title(f"{_name(names, true)}\n→ {_name(names, predicted)}", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    return data_uri(fig)


def _name(names, label):
    label = int(label)
    return names[label] if 0 <= label < len(names) else str(label)
