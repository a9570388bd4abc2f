"""The reference's training curves, recorded once, that a student's curve is drawn against.

The convergence checks (checks/training.py) train the submission with the course's settings; the
report draws the submission's loss per epoch beside the reference's loss for the very same run (same
class, settings, seed, data and probe), recorded by running the reference through the same probe
and measured with the same accuracy function as the check::

    python -c "from autograder.reference_curves import record; record()"   # writes autograder/golden/reference_curves.json

Each entry: ``{"losses": [...] (at most figures.MAX_CURVE points, subsampled evenly),
"epochs": [...] (1-based), "validation_accuracy": float, "curves": {"epochs", "train_accuracy",
"val_accuracy", "val_loss"}}`` (the curves of checks/training.snapshot_curves). A missing or unreadable file gives no
reference curve (the picture is drawn without it), never an error.
"""
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).resolve().parent / "golden" / "reference_curves.json"


@lru_cache(maxsize=1)
def load(path=GOLDEN_FILE):
    """{run key: entry} from the recorded file ({} when it is missing or unreadable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def runs():
    """(key, check) of every public check drawn against a recorded run (checks/figures.
    training_figures). Hidden checks' runs are not recorded: this file goes to students, and a
    hidden check is in it in no form (their pictures are drawn without a reference curve)."""
    from .checks import ALL_CHECKS
    return [(check.figures.reference_key, check) for check in ALL_CHECKS
            if getattr(check.figures, "reference_key", None) and not check.hidden]


def record(path=GOLDEN_FILE, keys=None, log=print):
    """Run the reference through each convergence check's probe (in this process) and write the
    curves and validation accuracies to ``path``; ``keys`` limits the runs (others are kept)."""
    from .checks.figures import bounded
    from .course_folder import reference_dir
    from .files import atomic_write
    from .loader import load_submission
    from .engine.selection import missing_requirements
    reference = load_submission(reference_dir())
    data = dict(load.__wrapped__(path))
    for key, check in runs():
        if keys and key not in keys:
            continue
        if missing_requirements(check):
            log(f"skipped {key}: {missing_requirements(check)}")
            continue
        case = check.trial.cases()[0]
        out = check.trial.probe(reference, case)
        verdict = check.verify([case], [out])
        figure = bounded(check.figures([case], [out], verdict))[0]
        data[key] = {"epochs": figure["epochs"], "losses": figure["losses"], "curves": figure["curves"],
                     "validation_accuracy": verdict.artifacts.get("validation_accuracy")}
        log(f"{key}: {len(np.asarray(out['losses']))} epochs, validation accuracy "
            f"{data[key]['validation_accuracy']:.4f}")
    atomic_write(path, json.dumps(data, sort_keys=True) + "\n", permissions=0o644)
    load.cache_clear()
    return data
