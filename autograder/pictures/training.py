"""Training curves: the submission's loss per epoch against the reference's for the same run, and
the validation accuracy reached against the threshold (and the reference's)."""
import numpy as np

from .canvas import data_uri, figure


def draw(data):
    """``data``: figures data of kind "training" (checks/figures.training_figures): epochs, losses,
    accuracy, threshold, reference {epochs, losses, accuracy}. A PNG data URI: the loss curves on
    the left, the accuracies as bars with the threshold as a line on the right."""
    fig = figure(8.0, 3.2)
    left, right = fig.subplots(1, 2, width_ratios=(2.2, 1))
    reference = data.get("reference") or {}
    if reference.get("losses"):
        left.plot(reference["epochs"], _values(reference["losses"]), color="0.55", lw=2, ls="--", label="reference")
    losses = _values(data.get("losses") or [])
    if losses.size:
        left.plot(data["epochs"], losses, color="C0", lw=1.6, label="yours")
    finite = losses[np.isfinite(losses)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 20:
        left.set_yscale("log")
    left.set_xlabel("epoch", fontsize=8)
    left.set_ylabel("training loss", fontsize=8)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    left.tick_params(labelsize=7)

    accuracy, threshold = data.get("accuracy"), data.get("threshold")
    bars = [("yours", accuracy, "C0"), ("reference", reference.get("accuracy"), "0.55")]
    bars = [(name, value, colour) for name, value, colour in bars if value is not None]
    right.barh([name for name, *_ in bars], [value for _, value, _ in bars], color=[c for *_, c in bars])
    for index, (_, value, _) in enumerate(bars):
        right.text(value, index, f" {value:.1%}", va="center", fontsize=8)
    if threshold is not None:
        right.axvline(threshold, color="C3", lw=1.5, ls=":", label=f"threshold {threshold:.0%}")
        right.legend(fontsize=7, loc="lower left")
    right.set_xlim(0, 1.18)
    right.set_xlabel("validation accuracy", fontsize=8)
    right.tick_params(labelsize=7)
    passed = accuracy is not None and threshold is not None and accuracy >= threshold
    fig.suptitle(f"validation accuracy {_pct(accuracy)} (needs ≥ {_pct(threshold)})", fontsize=10,
                 color="#1a7f37" if passed else "#b42318")
    return data_uri(fig)


def _values(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _pct(value):
    return "?" if value is None else f"{value:.1%}"
