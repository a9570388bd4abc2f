"""Training curves: the submission's training and validation loss and accuracy per epoch against
the reference's for the same run, with the threshold and the validation accuracy reached."""
import numpy as np

from .canvas import data_uri, figure

REFERENCE = "0.55"


def draw(data):
    """``data``: figures data of kind "training" (checks/figures.training_figures): epochs, losses,
    accuracy, threshold, curves {epochs, train_accuracy, val_accuracy, val_loss} or None, and the
    reference's {epochs, losses, accuracy, curves}. A PNG data URI: losses on the left, accuracy
    on the right (bars of the final accuracies when there are no per-epoch curves)."""
    fig = figure(8.4, 3.3)
    left, right = fig.subplots(1, 2)
    reference = data.get("reference") or {}
    curves, reference_curves = data.get("curves"), reference.get("curves")
    _losses(left, data, reference, curves, reference_curves)
    accuracy, threshold = data.get("accuracy"), data.get("threshold")
    if curves:
        _accuracy_curves(right, curves, reference_curves, threshold)
    else:
        _accuracy_bars(right, accuracy, reference.get("accuracy"), threshold)
    passed = accuracy is not None and threshold is not None and accuracy >= threshold
    fig.suptitle(f"validation accuracy reached {_pct(accuracy)} (needs ≥ {_pct(threshold)}; reference "
                 f"{_pct(reference.get('accuracy'))})", fontsize=10, color="#1a7f37" if passed else "#b42318")
    return data_uri(fig)


def _losses(ax, data, reference, curves, reference_curves):
    if reference.get("losses"):
        ax.plot(reference["epochs"], _values(reference["losses"]), color=REFERENCE, lw=1.5, ls="--",
                label="reference: training")
    if reference_curves:
        ax.plot(reference_curves["epochs"], _values(reference_curves["val_loss"]), color=REFERENCE, lw=1.5, ls=":",
                label="reference: validation")
    losses = _values(data.get("losses") or [])
    if losses.size:
        ax.plot(data["epochs"], losses, color="C0", lw=1.6, label="yours: training")
    if curves:
        ax.plot(curves["epochs"], _values(curves["val_loss"]), color="C1", lw=1.6, marker=".", ms=3,
                label="yours: validation")
    finite = losses[np.isfinite(losses)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 20:
        ax.set_yscale("log")
    ax.set_xlabel("epoch", fontsize=8)
    ax.set_ylabel("loss", fontsize=8)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)


def _accuracy_curves(ax, curves, reference_curves, threshold):
    if reference_curves:
        ax.plot(reference_curves["epochs"], _values(reference_curves["val_accuracy"]), color=REFERENCE, lw=1.5,
                ls=":", label="reference: validation")
    ax.plot(curves["epochs"], _values(curves["train_accuracy"]), color="C0", lw=1.4, marker=".", ms=3,
            label="yours: training")
    ax.plot(curves["epochs"], _values(curves["val_accuracy"]), color="C1", lw=1.6, marker=".", ms=3,
            label="yours: validation")
    if threshold is not None:
        ax.axhline(threshold, color="C3", lw=1.2, ls="--", label=f"threshold {threshold:.0%}")
    final = _values(curves["val_accuracy"])[-1:]
    if final.size and np.isfinite(final[0]):
        ax.annotate(f"{final[0]:.1%}", (curves["epochs"][-1], final[0]), textcoords="offset points",
                    xytext=(-4, -12), ha="right", fontsize=8, color="C1")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("epoch", fontsize=8)
    ax.set_ylabel("accuracy", fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)


def _accuracy_bars(ax, accuracy, reference, threshold):
    bars = [(name, value, colour) for name, value, colour in
            (("yours", accuracy, "C1"), ("reference", reference, REFERENCE)) if value is not None]
    ax.barh([name for name, *_ in bars], [value for _, value, _ in bars], color=[c for *_, c in bars])
    for index, (_, value, _) in enumerate(bars):
        ax.text(value, index, f" {value:.1%}", va="center", fontsize=8)
    if threshold is not None:
        ax.axvline(threshold, color="C3", lw=1.5, ls="--", label=f"threshold {threshold:.0%}")
        ax.legend(fontsize=7, loc="lower left")
    ax.set_xlim(0, 1.18)
    ax.set_xlabel("validation accuracy", fontsize=8)
    ax.tick_params(labelsize=7)


def _values(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _pct(value):
    return "?" if value is None else f"{value:.1%}"
