"""The course's modules and exercises: the single list every front end reads."""
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = KIT_ROOT / "reference"
EXERCISES_DIR = KIT_ROOT / "exercises"

#: Course modules in teaching order.
MODULES = (
    "single_layer", "dual_layer", "minibatch", "multiclass",
    "optimizers", "regularization", "gradients", "keras_model",
)
