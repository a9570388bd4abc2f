"""Breast Cancer Wisconsin (Diagnostic), as bundled by scikit-learn, split the course's way."""
import functools
from dataclasses import dataclass

import numpy as np

N_SAMPLES, N_FEATURES = 569, 30


@dataclass(frozen=True)
class BreastCancerSplit:
    """Standardised train/validation/test split; all arrays read-only.

    ``x_*`` float64 of shape (m, 30), ``y_*`` int64 of shape (m,) with 0 = malignant,
    1 = benign; m = 364 (train), 91 (val), 114 (test).
    """
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_breast_cancer_split():
    """The course's split of sklearn's ``load_breast_cancer()`` as a :class:`BreastCancerSplit`.

    ``train_test_split(x, y, stratify=y, test_size=0.2, random_state=42)`` gives train_all (455)
    and test (114); the same call on train_all gives train (364) and val (91). A StandardScaler
    fitted on x_train only standardises x_train, x_val and x_test. Computed once per process;
    the arrays are read-only, so callers share them safely (copy one to modify it).
    """
    return _split()


@functools.lru_cache(maxsize=1)
def _split():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    x, y = np.asarray(data.data, dtype=np.float64), np.asarray(data.target, dtype=np.int64)
    if x.shape != (N_SAMPLES, N_FEATURES) or y.shape != (N_SAMPLES,):
        raise RuntimeError(f"sklearn's breast cancer data has shape {x.shape}, {y.shape}; "
                           f"expected ({N_SAMPLES}, {N_FEATURES}), ({N_SAMPLES},)")
    x_train_all, x_test, y_train_all, y_test = train_test_split(
        x, y, stratify=y, test_size=0.2, random_state=42)
    x_train, x_val, y_train, y_val = train_test_split(
        x_train_all, y_train_all, stratify=y_train_all, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(x_train)
    arrays = dict(x_train=scaler.transform(x_train), y_train=y_train,
                  x_val=scaler.transform(x_val), y_val=y_val,
                  x_test=scaler.transform(x_test), y_test=y_test)
    return BreastCancerSplit(**{name: _read_only(a) for name, a in arrays.items()})


def _read_only(array):
    """A read-only view whose owner is read-only too, so it cannot be made writeable again."""
    array = np.array(array)  # own the data (not a view of a writeable array)
    array.setflags(write=False)
    return array.view()
