"""The data loaders: breast cancer split, Fashion-MNIST lookup, verification and split.

No test touches the network: downloads are mocked. Lookup and corruption tests use tiny IDX
files generated here (50 training and 10 test images) with the expected hashes and counts swapped
in. Only the tests marked ``slow`` read the real Fashion-MNIST from the Debian package.
"""
import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.data import (
    DatasetError, DatasetNotFoundError, candidate_dirs, find_dir, load_breast_cancer_split,
    load_fashion_mnist, one_hot, prepare_fashion_mnist,
)
from autograder.data import fashion_mnist as fm

REPO = Path(__file__).resolve().parent.parent
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
needs_debian = pytest.mark.skipif(
    not all((DEBIAN_DIR / name).is_file() for name in fm.FILES),
    reason=f"real Fashion-MNIST absent: {DEBIAN_DIR} lacks the files "
           f"(apt-get install dataset-fashion-mnist; CI installs it)")

N_TRAIN, N_TEST = 50, 10


# ---------------------------------------------------------------- tiny IDX files

def idx_bytes(array, magic=None, shape=None):
    """Raw IDX bytes of a uint8 array; ``magic``/``shape`` override the header to corrupt it."""
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x08 << 8 | array.ndim) if magic is None else magic
    shape = array.shape if shape is None else shape
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in shape)
    return header + array.tobytes()


def write_gz(path, raw):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw, mtime=0))


def tiny_arrays():
    rng = np.random.default_rng(0)
    return {
        fm.TRAIN_IMAGES: rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        fm.TRAIN_LABELS: np.arange(N_TRAIN, dtype=np.uint8) % 10,
        fm.TEST_IMAGES: rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        fm.TEST_LABELS: np.arange(N_TEST, dtype=np.uint8)[::-1] % 10,
    }


def write_tiny(directory, names=fm.FILES):
    """Write valid tiny files into ``directory``; returns it."""
    arrays = tiny_arrays()
    for name in names:
        write_gz(Path(directory) / name, idx_bytes(arrays[name]))
    return Path(directory)


TINY_EXPECTED = fm.Expected(
    sha256=tuple((name, hashlib.sha256(idx_bytes(a)).hexdigest()) for name, a in tiny_arrays().items()),
    n_train=N_TRAIN, n_test=N_TEST)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any download attempt fails the test unless a test mocks it on purpose."""
    try:
        import pooch
    except ImportError:  # then download_fashion_mnist cannot reach the network either
        return

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to download")
    monkeypatch.setattr(pooch, "retrieve", refuse)


@pytest.fixture
def places(monkeypatch, tmp_path):
    """Every lookup location moved into tmp_path (all empty) and the tiny expectations in force."""
    dirs = {key: tmp_path / key for key in ("arg", "env", "keras_home", "system", "cache")}
    monkeypatch.delenv(fm.ENV_DIR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(dirs["keras_home"]))
    monkeypatch.setenv(fm.ENV_CACHE, str(dirs["cache"]))
    monkeypatch.setattr(fm, "SYSTEM_DIR", dirs["system"])
    monkeypatch.setattr(fm, "EXPECTED", TINY_EXPECTED)
    dirs["keras"] = dirs["keras_home"] / "datasets" / "fashion-mnist"
    dirs["nnkit"] = dirs["cache"] / "fashion-mnist"
    return dirs


@pytest.fixture
def downloads(monkeypatch):
    """A fake download_fashion_mnist that writes tiny files into the cache and counts its calls."""
    calls = []

    def fake(directory=None):
        calls.append(directory)
        return write_tiny(fm.download_cache_dir())
    monkeypatch.setattr(fm, "download_fashion_mnist", fake)
    return calls


# ---------------------------------------------------------------- breast cancer

def test_breast_cancer_sizes_and_types():
    s = load_breast_cancer_split()
    sizes = [(s.x_train, s.y_train, 364), (s.x_val, s.y_val, 91), (s.x_test, s.y_test, 114)]
    for x, y, m in sizes:
        assert x.shape == (m, 30) and x.dtype == np.float64
        assert y.shape == (m,) and np.issubdtype(y.dtype, np.integer)
        assert set(np.unique(y)) == {0, 1}


def test_breast_cancer_is_stratified():
    s = load_breast_cancer_split()
    overall = 357 / 569
    for y in (s.y_train, s.y_val, s.y_test):
        assert abs(y.mean() - overall) < 0.01


def test_breast_cancer_standardised_on_train_only():
    s = load_breast_cancer_split()
    np.testing.assert_allclose(s.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(s.x_train.std(axis=0), 1, atol=1e-12)
    assert not np.allclose(s.x_val.mean(axis=0), 0, atol=1e-6)  # scaled with train's statistics


def test_breast_cancer_splits_are_disjoint_and_complete():
    s = load_breast_cancer_split()
    rows = np.concatenate([s.x_train, s.x_val, s.x_test])
    assert len(np.unique(rows, axis=0)) == 569


def test_breast_cancer_cached_but_callers_cannot_corrupt_it():
    a = load_breast_cancer_split()
    with pytest.raises(ValueError):
        a.x_train[0, 0] = 1e9
    with pytest.raises(ValueError):
        a.y_train.setflags(write=True)
    b = load_breast_cancer_split()
    assert b.x_train[0, 0] != 1e9
    np.testing.assert_array_equal(a.x_test, b.x_test)


# ---------------------------------------------------------------- lookup order

def test_candidate_dirs_order(places, monkeypatch):
    monkeypatch.setenv(fm.ENV_DIR, str(places["env"]))
    got = [c.path for c in candidate_dirs(places["arg"])]
    assert got == [places["arg"], places["env"], places["keras"], places["system"], places["nnkit"]]
    assert [c.explicit for c in candidate_dirs(places["arg"])] == [True, True, False, False, False]
    monkeypatch.delenv(fm.ENV_DIR)
    assert [c.path for c in candidate_dirs()] == [places["keras"], places["system"], places["nnkit"]]


def test_keras_home_defaults_to_dot_keras(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert fm.keras_cache_dir() == tmp_path / ".keras" / "datasets" / "fashion-mnist"


def test_explicit_path_beats_env_beats_keras_beats_system_beats_cache(places, monkeypatch, downloads):
    for key in ("arg", "env", "keras", "system", "nnkit"):
        write_tiny(places[key])
    monkeypatch.setenv(fm.ENV_DIR, str(places["env"]))
    assert find_dir(places["arg"]) == places["arg"]
    assert find_dir() == places["env"]
    monkeypatch.delenv(fm.ENV_DIR)
    assert find_dir() == places["keras"]
    for name in fm.FILES[:2]:  # an incomplete Keras cache is skipped
        (places["keras"] / name).unlink()
    assert find_dir() == places["system"]
    (places["system"] / fm.TEST_LABELS).unlink()
    assert find_dir() == places["nnkit"]
    assert downloads == []


def test_explicit_path_lacking_files_is_an_error(places, downloads):
    write_tiny(places["system"])
    write_tiny(places["arg"], names=fm.FILES[:3])
    with pytest.raises(DatasetNotFoundError) as err:
        load_fashion_mnist(places["arg"])
    assert fm.TEST_LABELS in str(err.value) and str(places["arg"]) in str(err.value)
    assert isinstance(err.value, FileNotFoundError) and isinstance(err.value, RuntimeError)
    assert downloads == []


def test_env_dir_lacking_files_is_an_error(places, monkeypatch, downloads):
    write_tiny(places["system"])
    monkeypatch.setenv(fm.ENV_DIR, str(places["env"]))  # does not even exist
    with pytest.raises(DatasetNotFoundError, match=fm.ENV_DIR):
        load_fashion_mnist()
    assert downloads == []


def test_download_only_when_nothing_found(places, downloads):
    x_train, y_train, x_test, y_test = load_fashion_mnist()
    assert len(downloads) == 1
    arrays = tiny_arrays()
    np.testing.assert_array_equal(x_train, arrays[fm.TRAIN_IMAGES])
    np.testing.assert_array_equal(y_test, arrays[fm.TEST_LABELS])
    load_fashion_mnist()  # now found in the download cache
    assert len(downloads) == 1


def test_download_disabled_raises_and_lists_places(places, downloads):
    with pytest.raises(DatasetNotFoundError) as err:
        load_fashion_mnist(download=False)
    assert downloads == []
    for key in ("keras", "system", "nnkit"):
        assert str(places[key]) in str(err.value)


def test_download_uses_pooch_with_upstream_hashes(places, monkeypatch):
    import pooch
    calls = []

    def fake_retrieve(url, known_hash, fname, path, **kwargs):
        calls.append((url, known_hash, fname, Path(path)))
        write_tiny(Path(path), names=[fname])
        return str(Path(path) / fname)
    monkeypatch.setattr(pooch, "retrieve", fake_retrieve)
    assert fm.download_fashion_mnist() == places["nnkit"]
    assert sorted(c[2] for c in calls) == sorted(fm.FILES)
    for url, known_hash, fname, path in calls:
        assert url == fm.BASE_URL + fname
        assert known_hash == "sha256:" + fm.GZ_SHA256[fname]
        assert path == places["nnkit"]


def test_failed_download_is_a_dataset_error(places, monkeypatch):
    import pooch

    def broken(url, **kwargs):
        raise ConnectionError("no route to host")
    monkeypatch.setattr(pooch, "retrieve", broken)
    with pytest.raises(DatasetError, match="could not download") as err:
        load_fashion_mnist()
    assert fm.BASE_URL in str(err.value)


# ---------------------------------------------------------------- verification

def test_tiny_files_load_and_are_read_only(places):
    x_train, y_train, x_test, y_test = load_fashion_mnist(write_tiny(places["arg"]))
    assert x_train.shape == (N_TRAIN, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (N_TRAIN,) and x_test.shape == (N_TEST, 28, 28) and y_test.shape == (N_TEST,)
    with pytest.raises(ValueError):
        x_train[0, 0, 0] = 1
    assert load_fashion_mnist(places["arg"])[0] is x_train  # cached


def _truncated(path):
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _not_gzip(path):
    path.write_bytes(idx_bytes(tiny_arrays()[fm.TRAIN_IMAGES]))


def _empty(path):
    path.write_bytes(b"")


def _bad_magic(path):
    write_gz(path, idx_bytes(tiny_arrays()[fm.TRAIN_IMAGES], magic=0x00000804))


def _wrong_hash(path):
    images = tiny_arrays()[fm.TRAIN_IMAGES].copy()
    images[3, 14, 14] ^= 1
    write_gz(path, idx_bytes(images))


def _length_mismatch(path):
    images = tiny_arrays()[fm.TRAIN_IMAGES]
    write_gz(path, idx_bytes(images[:-1], shape=images.shape))


def _wrong_count(path):
    images = tiny_arrays()[fm.TRAIN_IMAGES]
    write_gz(path, idx_bytes(np.concatenate([images, images])))


def _label_out_of_range(path):
    labels = tiny_arrays()[fm.TRAIN_LABELS].copy()
    labels[5] = 10
    write_gz(path, idx_bytes(labels))


def _unbalanced(path):
    labels = tiny_arrays()[fm.TRAIN_LABELS].copy()
    labels[5] = 6
    write_gz(path, idx_bytes(labels))


@pytest.mark.parametrize("name, corrupt, says", [
    (fm.TRAIN_IMAGES, _truncated, "truncated"),
    (fm.TRAIN_IMAGES, _not_gzip, "not a gzip"),
    (fm.TEST_LABELS, _empty, "not a gzip"),
    (fm.TRAIN_IMAGES, _bad_magic, "magic number"),
    (fm.TRAIN_IMAGES, _wrong_hash, "SHA-256"),
    (fm.TRAIN_IMAGES, _length_mismatch, "needs"),
    (fm.TRAIN_IMAGES, _wrong_count, "shape"),
    (fm.TRAIN_LABELS, _label_out_of_range, "outside 0..9"),
    (fm.TRAIN_LABELS, _unbalanced, "class counts"),
])
def test_corrupt_file_raises_naming_it(places, name, corrupt, says):
    directory = write_tiny(places["arg"])
    corrupt(directory / name)
    with pytest.raises(DatasetError) as err:
        load_fashion_mnist(directory)
    message = str(err.value)
    assert str(directory / name) in message
    assert says in message
    assert fm.ENV_DIR in message and "Delete it" in message


def test_corrupt_system_file_says_reinstall(places):
    write_tiny(places["system"])
    _truncated(places["system"] / fm.TEST_IMAGES)
    with pytest.raises(DatasetError, match="apt-get install --reinstall dataset-fashion-mnist") as err:
        load_fashion_mnist()
    assert fm.TEST_IMAGES in str(err.value)


def test_corrupt_file_is_not_skipped_for_a_later_copy(places, downloads):
    write_tiny(places["keras"])
    write_tiny(places["system"])
    _wrong_hash(places["keras"] / fm.TRAIN_IMAGES)
    with pytest.raises(DatasetError, match=re.escape(str(places["keras"] / fm.TRAIN_IMAGES))):
        load_fashion_mnist()
    assert downloads == []


def test_repaired_file_is_read_again(places):
    directory = write_tiny(places["arg"])
    _wrong_hash(directory / fm.TRAIN_IMAGES)
    with pytest.raises(DatasetError):
        load_fashion_mnist(directory)
    write_tiny(directory)
    assert load_fashion_mnist(directory)[0].shape == (N_TRAIN, 28, 28)


# ---------------------------------------------------------------- one_hot and the split

def test_one_hot():
    got = one_hot(np.array([2, 0, 9], dtype=np.uint8))
    assert got.shape == (3, 10) and got.dtype == np.float64
    np.testing.assert_array_equal(got.argmax(axis=1), [2, 0, 9])
    np.testing.assert_array_equal(got.sum(axis=1), 1)
    assert one_hot([1, 0], n_classes=2).tolist() == [[0, 1], [1, 0]]
    for bad in ([10], [-1], [0.5], [[1]]):
        with pytest.raises(ValueError):
            one_hot(bad)


def test_prepare_on_tiny_files(places):
    s = prepare_fashion_mnist(write_tiny(places["arg"]))
    assert s.x_train.shape == (40, 784) and s.x_val.shape == (10, 784)
    assert s.y_train.shape == (40, 10) and s.y_val.shape == (10, 10)
    assert s.x_train.dtype == np.float64 and 0 <= s.x_train.min() and s.x_train.max() <= 1
    np.testing.assert_array_equal(s.y_train.argmax(axis=1), s.y_train_labels)
    with pytest.raises(ValueError):
        s.x_train[0, 0] = 2.0


# ---------------------------------------------------------------- the real data

@pytest.mark.slow
@needs_debian
def test_real_fashion_mnist_from_debian_package():
    x_train, y_train, x_test, y_test = load_fashion_mnist(DEBIAN_DIR, download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


@pytest.mark.slow
@needs_debian
def test_real_fashion_mnist_course_split():
    from sklearn.model_selection import train_test_split

    s = prepare_fashion_mnist(DEBIAN_DIR, download=False)
    assert s.x_train.shape == (48000, 784) and s.y_train.shape == (48000, 10)
    assert s.x_val.shape == (12000, 784) and s.y_val.shape == (12000, 10)
    assert np.bincount(s.y_train_labels).tolist() == [4800] * 10
    assert np.bincount(s.y_val_labels).tolist() == [1200] * 10
    np.testing.assert_array_equal(s.y_val.argmax(axis=1), s.y_val_labels)
    x_all, y_all, _, _ = load_fashion_mnist(DEBIAN_DIR, download=False)
    _, x_val, _, y_val = train_test_split(x_all, y_all, stratify=y_all, test_size=0.2, random_state=42)
    np.testing.assert_array_equal(s.x_val, x_val.reshape(-1, 784) / 255)
    np.testing.assert_array_equal(s.y_val_labels, y_val)


# ---------------------------------------------------------------- documentation

def test_readme_hashes_match_the_code():
    text = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\|\s*`([\w.-]+\.gz)`\s*\|", line)
        if m:
            rows[m.group(1)] = re.findall(r"\b[0-9a-f]{64}\b", line)
    assert sorted(rows) == sorted(fm.FILES)
    for name in fm.FILES:
        assert rows[name] == [fm.DECOMPRESSED_SHA256[name], fm.GZ_SHA256[name]], name
    assert dict(fm.EXPECTED.sha256) == fm.DECOMPRESSED_SHA256


def test_datasets_folder_is_not_a_python_package():
    assert not (REPO / "datasets" / "__init__.py").exists()
