"""Breast Cancer Wisconsin (Diagnostic), as bundled by scikit-learn, split the course's way.

The split is computed once per machine and kept in the kit's cache (:mod:`.cache`), keyed by the
SHA-256 of scikit-learn's bundled ``breast_cancer.csv``, scikit-learn's version (its
``train_test_split`` and ``StandardScaler`` make the split) and :data:`RECIPE`: a grade then reads
a few kilobytes instead of importing scikit-learn and SciPy (about a second of CPU).
"""
import functools
import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cache

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
    fitted on x_train only standardises x_train, x_val and x_test. Computed once per machine
    (kept in the kit's cache, see the module's docstring) and read once per process; the arrays
    are read-only, so callers share them safely (copy one to modify it).
    """
    return _split()


#: how the split is made (see load_breast_cancer_split); change the version with the recipe
RECIPE = ("train_test_split", {"stratify": "y", "test_size": 0.2, "random_state": 42}, "twice",
          "StandardScaler on x_train", 1)
FIELDS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


def split_cache_dir():
    """The cache folder of the split, or None when scikit-learn's bundled data file is not found
    (then the split is computed in memory): ``<kit cache>/breast-cancer-split/<key>``."""
    source = _source_file()
    if source is None:
        return None
    from importlib.metadata import PackageNotFoundError, version
    try:
        sklearn_version = version("scikit-learn")
    except PackageNotFoundError:
        return None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return cache.entry_dir("breast-cancer-split", cache.entry_key(digest, sklearn_version, RECIPE))


def _source_file():
    """scikit-learn's ``datasets/data/breast_cancer.csv``, found without importing scikit-learn."""
    try:
        spec = importlib.util.find_spec("sklearn")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / "breast_cancer.csv"
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def _split():
    folder = split_cache_dir()
    arrays = cache.read_entry(folder) if folder is not None else None
    if arrays is None or set(arrays) != set(FIELDS):
        arrays = _compute()
        if folder is not None:
            try:
                cache.write_entry(folder, arrays)
            except OSError:
                pass  # a read-only cache: computed again next time
    return BreastCancerSplit(**{name: _read_only(arrays[name]) for name in FIELDS})


def _compute():
    """The split as {field: array}, computed with scikit-learn."""
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
    return dict(x_train=scaler.transform(x_train), y_train=y_train,
                x_val=scaler.transform(x_val), y_val=y_val,
                x_test=scaler.transform(x_test), y_test=y_test)


def _read_only(array):
    """A read-only view whose owner is read-only too, so it cannot be made writeable again."""
    array = np.array(array)  # own the data (not a view of a writeable array)
    array.setflags(write=False)
    return array.view()
