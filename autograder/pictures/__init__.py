"""Pictures of a grade, drawn in the grader's process from figures data (checks/figures.py).

One module per kind of picture; :func:`draw` picks the drawing function by the figure's ``kind``.
Only this package imports matplotlib (with the Agg backend, :mod:`.canvas`). A drawing that fails
never fails a grade: :func:`draw` returns the reason instead of the picture.
"""
from ..report import plain_text

KINDS = ("gradients", "training", "confusion", "misclassified", "weights", "batches", "path")


def _drawers():
    from . import batches, confusion, gradients, optimizers, training, weights
    return {"gradients": gradients.draw, "training": training.draw, "confusion": confusion.draw_confusion,
            "misclassified": confusion.draw_misclassified, "weights": weights.draw, "batches": batches.draw,
            "path": optimizers.draw}


def draw(data):
    """(PNG data URI, None) for one figures-data dict, or (None, why it could not be drawn): an
    'unavailable' entry, an unknown kind, or whatever the drawing raised (one line)."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "unavailable":
        return None, f"no picture: {plain_text(data.get('reason', ''), 300, newlines=False)}"
    try:
        drawer = _drawers().get(kind)
        if drawer is None:
            return None, f"no picture: unknown kind {plain_text(kind, 60, newlines=False)}"
        return drawer(data), None
    except Exception as exc:  # noqa: BLE001 — a drawing never fails a grade
        return None, f"the {kind} picture could not be drawn: {type(exc).__name__}: {plain_text(exc, 200, newlines=False)}"
