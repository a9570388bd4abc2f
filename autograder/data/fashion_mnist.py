"""Fashion-MNIST (Zalando, MIT licence): find the four canonical files, verify them, split them.

Lookup order (see :func:`candidate_dirs`; ``datasets/README.md`` documents it for users):

1. the ``path`` argument,
2. ``$FASHION_MNIST_DIR``,
3. Keras's cache, ``$KERAS_HOME/datasets/fashion-mnist`` (``KERAS_HOME`` defaults to ``~/.keras``),
4. ``/usr/share/datasets/fashion-mnist`` (Debian package ``dataset-fashion-mnist``),
5. this kit's download cache, ``$NNKIT_CACHE/fashion-mnist`` (default ``pooch.os_cache("nnkit")``),

and only if none of them holds all four files, a download with pooch into the last one. A
directory given explicitly (1 or 2) must hold the files; the others are skipped when incomplete.
Every file is checked: gzip integrity, IDX magic number and sizes, image and label counts, labels
in 0..9 with equal class counts, and the SHA-256 of its *decompressed* content (Debian recompressed
the files, so only the decompressed bytes are the same everywhere). Any failure raises
:class:`DatasetError` naming the file and the fix; a bad array is never returned.
"""
import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import cache
from .idx import DatasetError, DatasetNotFoundError, IdxError, parse_idx, read_gz, sha256_hex

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

#: SHA-256 of each file's decompressed content (the raw IDX bytes). Identical for the upstream,
#: Keras and Debian copies; computed from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1.
DECOMPRESSED_SHA256 = {
    TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

#: SHA-256 of the upstream ``.gz`` files as served by Zalando and Keras's mirror (the values in
#: Keras's ``keras/src/datasets/fashion_mnist.py`` and tensorflow-datasets). Used by pooch to
#: verify a download; Debian's ``.gz`` files differ (gzip header) and are not checked against these.
GZ_SHA256 = {
    TRAIN_IMAGES: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    TRAIN_LABELS: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    TEST_IMAGES: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    TEST_LABELS: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
DEBIAN_PACKAGE = "dataset-fashion-mnist"
ENV_DIR = "FASHION_MNIST_DIR"
ENV_CACHE = cache.ENV_CACHE


@dataclass(frozen=True)
class Expected:
    """What the four files must contain: decompressed hashes and counts (tests swap in tiny ones)."""
    sha256: tuple  # ((file name, hex digest), ...)
    n_train: int = 60_000
    n_test: int = 10_000
    n_classes: int = 10
    image_shape: tuple = (28, 28)


EXPECTED = Expected(sha256=tuple(DECOMPRESSED_SHA256.items()))


class Candidate(NamedTuple):
    """A directory to look in: its path, where it came from, and whether it must hold the files."""
    path: Path
    origin: str
    explicit: bool


@dataclass(frozen=True)
class FashionMnistSplit:
    """The course's train/validation split of Fashion-MNIST's 60,000 training images.

    Stored as the pixels' bytes: ``images_train`` uint8 (48000, 784), ``images_val`` uint8
    (12000, 784), labels ``y_train_labels`` (48000,) and ``y_val_labels`` (12000,) int64; all
    read-only (memory-mapped from the kit's cache when it is there, see :mod:`.cache`). The
    float views are computed on first use (and kept): ``x_*`` float64 pixels / 255 in [0, 1] of
    shape (m, 784), ``y_*`` one-hot float64 (m, 10). :meth:`train_subset` gives a fixed stratified
    part of the training images without converting the rest.
    """
    images_train: np.ndarray
    images_val: np.ndarray
    y_train_labels: np.ndarray
    y_val_labels: np.ndarray

    @functools.cached_property
    def x_train(self):
        return _read_only(self.images_train / 255)

    @functools.cached_property
    def x_val(self):
        return _read_only(self.images_val / 255)

    @functools.cached_property
    def y_train(self):
        return _read_only(one_hot(self.y_train_labels))

    @functools.cached_property
    def y_val(self):
        return _read_only(one_hot(self.y_val_labels))

    def train_subset(self, per_class, dtype=np.float64):
        """``(x, y)``: the training images of :func:`stratified_head` ``(y_train_labels,
        per_class)``, in the split's order, as new arrays: x pixels / 255 of shape
        (10·per_class, 784) in ``dtype`` (float64: the values of ``x_train``'s rows; float32: the
        same values rounded to float32, exactly: for every byte b, float32(b) / float32(255) ==
        float32(b / 255)), y one-hot float64 (10·per_class, 10). Only those rows are converted."""
        rows = stratified_head(self.y_train_labels, per_class)
        dtype = np.dtype(dtype)
        return self.images_train[rows].astype(dtype) / dtype.type(255), one_hot(self.y_train_labels[rows])


def stratified_head(labels, per_class):
    """Indices (ascending) of the first ``per_class`` samples of every class in ``labels`` (an
    integer array of shape (m,)): a fixed stratified subset. The course's split is already
    shuffled by ``train_test_split``, so the first images of each class are a random sample of it,
    the same on every machine. Raises ValueError when a class present has fewer than ``per_class``."""
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.searchsorted(sorted_labels, sorted_labels, side="left")
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels)) - starts
    counts = np.unique(labels, return_counts=True)[1]
    fewest = int(counts.min()) if counts.size else 0
    if not 0 <= per_class <= fewest:
        raise ValueError(f"cannot take {per_class} samples of each class: the smallest class has {fewest}")
    return np.flatnonzero(rank < per_class)


def keras_cache_dir():
    """Keras's download directory for Fashion-MNIST: ``$KERAS_HOME/datasets/fashion-mnist``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "fashion-mnist"


def download_cache_dir():
    """Where :func:`download_fashion_mnist` puts the files: ``$NNKIT_CACHE/fashion-mnist``."""
    return cache.kit_cache_dir() / "fashion-mnist"


def candidate_dirs(path=None):
    """The directories searched for the four files, in order, as a list of :class:`Candidate`."""
    found = []
    if path is not None:
        found.append(Candidate(Path(path).expanduser(), "the path argument", True))
    if os.environ.get(ENV_DIR):
        found.append(Candidate(Path(os.environ[ENV_DIR]).expanduser(), f"${ENV_DIR}", True))
    found.append(Candidate(keras_cache_dir(), "Keras's cache", False))
    found.append(Candidate(SYSTEM_DIR, f"Debian package {DEBIAN_PACKAGE}", False))
    found.append(Candidate(download_cache_dir(), "the kit's download cache", False))
    return found


def find_dir(path=None, *, download=True):
    """The first directory holding all four files (downloading them if none does and allowed).

    Raises :class:`DatasetNotFoundError` if an explicit directory (``path`` or
    ``$FASHION_MNIST_DIR``) lacks a file, or nothing is found and ``download`` is false.
    """
    searched = []
    for cand in candidate_dirs(path):
        missing = [name for name in FILES if not (cand.path / name).is_file()]
        if not missing:
            return cand.path
        if cand.explicit:
            raise DatasetNotFoundError(
                f"Fashion-MNIST: {cand.origin} names {cand.path}, which lacks {', '.join(missing)}. "
                f"Point it at a directory holding all of {', '.join(FILES)} (the Debian package "
                f"{DEBIAN_PACKAGE} installs them in {SYSTEM_DIR})"
                + (", or unset it." if cand.origin.startswith("$") else "."))
        searched.append(f"{cand.path} ({cand.origin})")
    if not download:
        raise DatasetNotFoundError(
            "Fashion-MNIST not found and downloading is disabled. Searched: " + "; ".join(searched)
            + f". Install it (apt-get install {DEBIAN_PACKAGE}) or set {ENV_DIR} to a directory "
            f"holding {', '.join(FILES)}.")
    return download_fashion_mnist()


def download_fashion_mnist(directory=None):
    """Download the four ``.gz`` files into ``directory`` (default :func:`download_cache_dir`).

    pooch checks each against :data:`GZ_SHA256` and keeps files already there that match.
    Returns the directory. Raises :class:`DatasetError` if pooch is missing or a download fails.
    """
    directory = Path(directory) if directory is not None else download_cache_dir()
    try:
        import pooch
    except ImportError:
        raise DatasetNotFoundError(
            f"Fashion-MNIST not found locally and pooch is not installed to download it. "
            f"Install {DEBIAN_PACKAGE} or pooch, or set {ENV_DIR}.") from None
    for name in FILES:
        try:
            pooch.retrieve(BASE_URL + name, known_hash=f"sha256:{GZ_SHA256[name]}",
                           fname=name, path=directory, progressbar=False)
        except Exception as exc:
            raise DatasetError(
                f"Fashion-MNIST: could not download {BASE_URL + name} to {directory / name}: {exc}. "
                f"Install the Debian package {DEBIAN_PACKAGE} or set {ENV_DIR} to a directory "
                f"holding the four files.") from exc
    return directory


def load_fashion_mnist(path=None, *, download=True):
    """The verified Fashion-MNIST arrays ``(x_train_all, y_train_all, x_test, y_test)``.

    Shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,), all uint8 and read-only.
    ``path``: a directory holding the four ``.gz`` files (else the lookup order above).
    ``download``: whether to download when no local copy exists. Decoded arrays are cached per
    directory (and per file size and mtime), so only the first call pays for checking.
    """
    directory = find_dir(path, download=download)
    return _load_dir(str(directory), _stamp(directory), EXPECTED)


def one_hot(labels, n_classes=10):
    """One-hot float64 matrix of shape (m, n_classes) for integer ``labels`` of shape (m,)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}, got {labels.min()}..{labels.max()}")
    return np.eye(n_classes, dtype=np.float64)[labels]


def prepare_fashion_mnist(path=None, *, download=True):
    """The course's split of the training images as a read-only :class:`FashionMnistSplit`.

    ``train_test_split(x_train_all, y_train_all, stratify=y_train_all, test_size=0.2,
    random_state=42)``, images flattened to (m, 784): 48,000 for training, 12,000 for validation.
    The first call on a machine verifies the four files, splits them and stores the split in the
    kit's cache (:func:`split_cache_dir`, about 57 MB of ``.npy``); every later call, in any
    process, memory-maps that entry read-only (checked against its manifest) instead of decoding
    again. Kept in-process too, like :func:`load_fashion_mnist`.
    """
    directory = find_dir(path, download=download)
    with _PREPARING:  # grading threads ask at once: one of them verifies and caches, once
        return _prepare(str(directory), _stamp(directory), EXPECTED)


_PREPARING = threading.Lock()

#: version of the recipe that turns the four files into the cached split (change it with the recipe)
SPLIT_RECIPE = ("train_test_split", {"stratify": "y", "test_size": 0.2, "random_state": 42}, 1)


def split_cache_dir(expected=None):
    """The cache folder of the course's split (:func:`prepare_fashion_mnist`):
    ``<kit cache>/fashion-mnist-split/<key>``, ``key`` from the decompressed SHA-256 of the four
    verified files and :data:`SPLIT_RECIPE`. It exists once a grader has prepared the data."""
    expected = expected or EXPECTED
    return cache.entry_dir("fashion-mnist-split", cache.entry_key(expected.sha256, SPLIT_RECIPE))


def _stamp(directory):
    """Identity of the four files on disk, so a replaced file is read again."""
    stats = [(directory / name).stat() for name in FILES]
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in stats)


def _fix_hint(path):
    if path.parent == SYSTEM_DIR:
        first = f"Reinstall the Debian package: apt-get install --reinstall {DEBIAN_PACKAGE}"
    elif path.parent == download_cache_dir():
        first = "Delete it; the next load downloads it again"
    else:
        first = (f"Delete it or replace it with the canonical file ({BASE_URL}{path.name}, "
                 f"or {SYSTEM_DIR / path.name} from the Debian package {DEBIAN_PACKAGE})")
    return (f"{first}; or set {ENV_DIR} to a directory holding intact copies of the four files. "
            f"See datasets/README.md.")


def _corrupt(path, problem):
    return DatasetError(f"Fashion-MNIST file {path} {problem}. {_fix_hint(path)}")


def _read_checked(path, ndim, count, expected):
    """Decode one file and check it fully; raise DatasetError naming it otherwise."""
    try:
        data = read_gz(path)
        array = parse_idx(data, ndim)
    except IdxError as exc:
        raise _corrupt(path, str(exc)) from None
    except OSError as exc:
        raise _corrupt(path, f"cannot be read ({exc.strerror or exc})") from None
    shape = (count, *expected.image_shape) if ndim == 3 else (count,)
    if array.shape != shape:
        raise _corrupt(path, f"holds an array of shape {array.shape}, expected {shape}")
    if ndim == 1:
        counts = np.bincount(array, minlength=expected.n_classes)
        if len(counts) > expected.n_classes:
            raise _corrupt(path, f"has label {int(array.max())}, outside 0..{expected.n_classes - 1}")
        per_class = count // expected.n_classes
        if np.any(counts != per_class):
            raise _corrupt(path, f"has class counts {counts.tolist()}, expected {per_class} each")
    digest = sha256_hex(data)
    want = dict(expected.sha256)[path.name]
    if digest != want:
        raise _corrupt(path, f"has decompressed SHA-256 {digest}, expected {want} "
                             f"(it is not the canonical Fashion-MNIST file)")
    return array


@functools.lru_cache(maxsize=4)
def _load_dir(directory, stamp, expected):
    d = Path(directory)
    return (_read_checked(d / TRAIN_IMAGES, 3, expected.n_train, expected),
            _read_checked(d / TRAIN_LABELS, 1, expected.n_train, expected),
            _read_checked(d / TEST_IMAGES, 3, expected.n_test, expected),
            _read_checked(d / TEST_LABELS, 1, expected.n_test, expected))


@functools.lru_cache(maxsize=1)
def _prepare(directory, stamp, expected):
    folder = split_cache_dir(expected)
    arrays = cache.read_entry(folder)
    if arrays is None:
        arrays = _split(directory, stamp, expected)
        try:
            arrays = cache.write_entry(folder, arrays)
        except OSError:
            pass  # a read-only cache: keep the split in memory
    return FashionMnistSplit(**{name: _read_only(a) for name, a in arrays.items()})


def _split(directory, stamp, expected):
    """The split of the verified files as {field of FashionMnistSplit: array} (uint8 images, int64 labels)."""
    from sklearn.model_selection import train_test_split

    x_all, y_all, _, _ = _load_dir(directory, stamp, expected)
    x_train, x_val, y_train, y_val = train_test_split(
        x_all, y_all, stratify=y_all, test_size=SPLIT_RECIPE[1]["test_size"],
        random_state=SPLIT_RECIPE[1]["random_state"])
    n_pixels = int(np.prod(expected.image_shape))
    return dict(images_train=x_train.reshape(-1, n_pixels), images_val=x_val.reshape(-1, n_pixels),
                y_train_labels=y_train.astype(np.int64), y_val_labels=y_val.astype(np.int64))


def _read_only(array):
    """A read-only view whose owner is read-only too, so it cannot be made writeable again (a
    read-only memory map already is one)."""
    if isinstance(array, np.memmap) and array.mode == "r":
        return array
    if array.base is not None:
        array = array.copy()
    array.setflags(write=False)
    return array.view()
