"""What makes a grade fast (issue 13), tested for behaviour, never for time (the figures are in
benchmarks/grade_speed.py): the per-machine cache of decoded data (autograder/data/cache.py), the
fixed stratified subsets of the training checks, and the exercises that share one child
(autograder/engine/sharing.py)."""
import json
from types import SimpleNamespace

import numpy as np
import pytest

from autograder.checks import ALL_CHECKS
from autograder.checks.base import Verdict
from autograder.data import cache, child_read_paths, prepare_fashion_mnist, split_cache_dir, stratified_head
from autograder.data import fashion_mnist as fm
from autograder.engine import sharing
from autograder.engine.scheduling import schedule
from test_datasets import TINY_EXPECTED, places, write_tiny  # noqa: F401  (places is a fixture)


# ---------------------------------------------------------------- the cache

def test_entry_round_trip_is_read_only_memory_mapped(tmp_path):
    arrays = {"a": np.arange(12, dtype=np.uint8).reshape(3, 4), "b": np.array([1.5, -2.0])}
    entry = cache.write_entry(tmp_path / "set" / "k1", arrays)
    again = cache.read_entry(tmp_path / "set" / "k1")
    for got in (entry, again):
        assert set(got) == {"a", "b"}
        for name, array in arrays.items():
            np.testing.assert_array_equal(got[name], array)
            assert isinstance(got[name], np.memmap) and not got[name].flags.writeable
            with pytest.raises(ValueError):
                got[name].setflags(write=True)
    # nothing but the entry is left in the data set's folder (no temporary sibling)
    assert [p.name for p in (tmp_path / "set").iterdir()] == ["k1"]


def test_missing_or_tampered_entry_reads_as_none_and_is_rewritten(tmp_path):
    folder = tmp_path / "k"
    assert cache.read_entry(folder) is None
    cache.write_entry(folder, {"a": np.zeros(100, dtype=np.uint8)})
    raw = bytearray((folder / "a.npy").read_bytes())
    raw[-1] ^= 1
    (folder / "a.npy").write_bytes(bytes(raw))
    assert cache.read_entry(folder) is None  # the manifest's SHA-256 no longer matches
    entry = cache.write_entry(folder, {"a": np.zeros(100, dtype=np.uint8)})
    assert not entry["a"].any()
    manifest = json.loads((folder / cache.MANIFEST).read_text())
    assert manifest["a"]["shape"] == [100] and manifest["a"]["dtype"] == "uint8"


def test_an_entry_completed_by_another_process_is_kept(tmp_path):
    folder = tmp_path / "k"
    cache.write_entry(folder, {"a": np.ones(5)})
    first = (folder / "a.npy").stat().st_ino
    cache.write_entry(folder, {"a": np.ones(5)})  # a second writer finds a complete entry
    assert (folder / "a.npy").stat().st_ino == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_entry_key_depends_on_every_part():
    key = cache.entry_key(("x", "hash1"), ("recipe", 1))
    assert key == cache.entry_key(("x", "hash1"), ("recipe", 1)) and len(key) == 16
    assert key != cache.entry_key(("x", "hash2"), ("recipe", 1))
    assert key != cache.entry_key(("x", "hash1"), ("recipe", 2))


# ---------------------------------------------------------------- Fashion-MNIST through the cache

def test_prepare_writes_the_split_once_and_then_reads_it(places):  # noqa: F811
    directory = write_tiny(places["arg"])
    fm._prepare.cache_clear()
    first = prepare_fashion_mnist(directory)
    folder = split_cache_dir(TINY_EXPECTED)
    assert folder.parent.parent == places["cache"]  # in the kit's cache ($NNKIT_CACHE)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["images_train.npy", "images_val.npy", "y_train_labels.npy", "y_val_labels.npy", cache.MANIFEST])
    fm._prepare.cache_clear()
    fm._load_dir.cache_clear()
    for name in fm.FILES:  # a later process reads the cache, not the files
        (directory / name).write_bytes(b"not read any more")
    second = prepare_fashion_mnist(directory)
    assert isinstance(second.images_train, np.memmap)
    for field in ("x_train", "y_train", "x_val", "y_val", "y_train_labels", "y_val_labels"):
        np.testing.assert_array_equal(getattr(first, field), getattr(second, field))
    assert second.x_train.dtype == np.float64 and not second.x_train.flags.writeable
    fm._prepare.cache_clear()


def test_child_read_paths_names_the_cache_entry(places, monkeypatch):  # noqa: F811
    write_tiny(places["system"])
    fm._prepare.cache_clear()
    paths = child_read_paths("fashion_mnist")
    assert paths == (split_cache_dir(TINY_EXPECTED).resolve(),)
    assert paths[0].is_dir()
    assert child_read_paths("breast_cancer") == ()
    with pytest.raises(ValueError):
        child_read_paths("mnist")
    fm._prepare.cache_clear()


def test_unwritable_cache_keeps_the_split_in_memory(places, monkeypatch):  # noqa: F811
    directory = write_tiny(places["system"])
    fm._prepare.cache_clear()

    def refuse(folder, arrays):
        raise OSError("read-only file system")
    monkeypatch.setattr(cache, "write_entry", refuse)
    split = prepare_fashion_mnist()
    assert split.x_train.shape == (40, 784) and not isinstance(split.images_train, np.memmap)
    assert not split.x_train.flags.writeable
    # the child then reads (and decodes) the verified files themselves
    assert child_read_paths("fashion_mnist") == (directory.resolve(),)
    fm._prepare.cache_clear()


def test_stratified_head_takes_the_first_of_each_class_in_order():
    labels = np.array([3, 1, 3, 0, 1, 1, 0, 3, 0, 1])
    rows = stratified_head(labels, 2)
    assert rows.tolist() == [0, 1, 2, 3, 4, 6]
    assert np.bincount(labels[rows]).tolist() == [2, 2, 0, 2]
    assert stratified_head(labels, 0).tolist() == []
    with pytest.raises(ValueError, match="smallest class has 3"):
        stratified_head(labels, 4)


def test_train_subset_is_those_rows_of_the_split(places):  # noqa: F811
    fm._prepare.cache_clear()
    split = prepare_fashion_mnist(write_tiny(places["arg"]))
    x, y = split.train_subset(2)
    rows = stratified_head(split.y_train_labels, 2)
    np.testing.assert_array_equal(x, split.x_train[rows])
    np.testing.assert_array_equal(y, split.y_train[rows])
    assert x.shape == (20, 784) and x.flags.writeable  # the student's own copy
    x32, _ = split.train_subset(2, np.float32)
    assert x32.dtype == np.float32
    np.testing.assert_array_equal(x32, x.astype(np.float32))  # Keras trains on exactly these values


def test_float32_pixels_are_the_float64_pixels_rounded():
    pixels = np.arange(256, dtype=np.uint8)
    np.testing.assert_array_equal(pixels.astype(np.float32) / np.float32(255), (pixels / 255).astype(np.float32))
    fm._prepare.cache_clear()


def test_training_checks_use_fixed_subsets_with_measured_thresholds():
    from autograder.checks import training
    from autograder.checks.hidden import keras_model
    checks = {check.id: check for check in ALL_CHECKS}
    numpy_case = checks["convergence.fashion_mnist.multiclass"].trial.cases()[0]
    assert int(numpy_case["per_class"]) == training.FASHION_PER_CLASS
    keras_case = checks["keras_model.fashion_mnist"].trial.cases()[0]
    assert int(keras_case["per_class"]) == keras_model.CHAPTER_PER_CLASS
    assert int(keras_case["epochs"]) == keras_model.CHAPTER_EPOCHS


# ---------------------------------------------------------------- exercises sharing a child

class FakeTrial:
    """Hashable by identity, as a real Trial's outcome is keyed."""

    def __init__(self, name):
        self.name = name


def made_up(exercise, requires=(), depends_on=()):
    trial = FakeTrial(f"{exercise}.trial")
    return SimpleNamespace(id=f"{exercise}.check", exercise=exercise, requires=requires, depends_on=depends_on,
                           trial=trial)


class CountingRunner:
    def __init__(self):
        self.calls = []

    def run(self, exercise, trials, requires=()):
        return self.run_segments([(exercise, trials)], requires)[exercise]

    def run_segments(self, segments, requires=()):
        self.calls.append(([e for e, _ in segments], [t.name for _, trials in segments for t in trials],
                           tuple(requires)))
        return {exercise: ({trial: ([{"ran": np.array(1)}], None) for trial in trials}, f"output of {exercise}")
                for exercise, trials in segments}

    def close(self):
        self.calls.append("closed")


def test_exercises_needing_tensorflow_share_one_child_and_the_light_ones_another(monkeypatch):
    monkeypatch.setattr(sharing, "missing_requirements", lambda check: None)
    checks = [made_up("A"), made_up("K1", ("tensorflow",)), made_up("K2", ("tensorflow", "fashion_mnist"), ("K1",)),
              made_up("B"), made_up("D", ("fashion_mnist",))]
    assert sharing.sharing_groups(checks) == [["K1", "K2"], ["A", "B"]]
    inner = CountingRunner()
    runner = sharing.SharedChildren(inner, checks)

    def grade_exercise(exercise, failing):
        check = next(c for c in checks if c.exercise == exercise)
        outcome, output = runner.run(exercise, [check.trial], check.requires)
        assert list(outcome) == [check.trial] and output == f"output of {exercise}"  # each its own output
        return {check.id: (Verdict(1.0, ""), output)}

    verdicts = schedule(checks, grade_exercise, 2)
    assert set(verdicts) == {c.id for c in checks}
    assert sorted(inner.calls) == sorted([(["K1", "K2"], ["K1.trial", "K2.trial"], ("fashion_mnist", "tensorflow")),
                                          (["A", "B"], ["A.trial", "B.trial"], ()),
                                          (["D"], ["D.trial"], ("fashion_mnist",))])
    runner.close()
    assert inner.calls[-1] == "closed"


def test_only_verdicts_that_cost_nothing_are_taken_from_a_shared_child():
    from autograder.engine import settled
    assert settled([Verdict(1.0, ""), Verdict(0.0, "not implemented yet: x", None, "not_implemented")])
    for status in ("failed", "error"):
        assert not settled([Verdict(1.0, ""), Verdict(0.5, "half", None, status)])


def test_an_exercise_that_cannot_run_here_is_not_run_with_its_group(monkeypatch):
    monkeypatch.setattr(sharing, "missing_requirements",
                        lambda check: "skipped: no data" if "fashion_mnist" in check.requires else None)
    checks = [made_up("K1", ("tensorflow",)), made_up("K2", ("tensorflow", "fashion_mnist"), ("K1",))]
    assert sharing.sharing_groups(checks) == []  # a group of one shares nothing
    inner = CountingRunner()
    runner = sharing.SharedChildren(inner, checks)
    runner.run("K1", [checks[0].trial], ("tensorflow",))
    assert inner.calls == [(["K1"], ["K1.trial"], ("tensorflow",))]


def test_the_real_checks_form_a_tensorflow_group_and_a_light_group(monkeypatch):
    monkeypatch.setattr(sharing, "missing_requirements", lambda check: None)
    tensorflow, light = sharing.sharing_groups(ALL_CHECKS)
    assert tensorflow == ["build_keras_model", "Keras chapter on Fashion-MNIST"]
    assert all(not c.requires for c in ALL_CHECKS if c.exercise in light)
    assert {"SingleLayer.forpass", "penalty_grad", "Adam.update", "numerical_gradient"} <= set(light)


# ------------------------------------------------- a shared child, for real (isolated, kernel layer)

def _regularization_with(solved, **bodies):
    """``solved``'s regularization.py with some of its functions replaced (name -> source lines
    of a function taking any arguments)."""
    module = solved / "regularization.py"
    text = module.read_text()
    for name, body in bodies.items():
        text += f"\n\ndef _replacement_{name}(*args, **kwargs):\n" + "".join(f"    {line}\n" for line in body)
        if name == "EarlyStopping.update":
            text += "\nEarlyStopping.update = _replacement_EarlyStopping.update\n"
        else:
            text += f"\n{name} = _replacement_{name}\n"
    module.write_text(text)
    return solved


def _grade_module(folder, only, timeout=None):
    from autograder.engine import Limits, grade
    from autograder.isolation import kernel_problem
    if kernel_problem() is not None:
        pytest.skip(str(kernel_problem()))
    limits = Limits(timeout=timeout) if timeout else None
    report = grade(folder, only=only, isolation="kernel", limits=limits, figures=False)
    return {r.check.id: (r.verdict.fraction, r.verdict.status, r.verdict.message) for r in report.results}, report


def test_in_a_shared_child_each_exercise_keeps_its_own_output_and_verdict(solved_copy):
    folder = _regularization_with(solved_copy, dropout=["print('dropout was here')", "raise ValueError('no dropout')"])
    text = (folder / "regularization.py").read_text().replace(
        "def penalty_grad(w, l1, l2, m):", "def penalty_grad(w, l1, l2, m):\n    print('penalty was here')", 1)
    (folder / "regularization.py").write_text(text)
    shared, report = _grade_module(folder, "regularization")
    assert all(fraction == 1 for cid, (fraction, _, _) in shared.items() if not cid.startswith("regularization.dropout"))
    assert any(status == "error" and "no dropout" in message for cid, (_, status, message) in shared.items()
               if cid.startswith("regularization.dropout"))
    assert "penalty was here" in report.outputs["penalty_grad"]
    assert "dropout was here" not in report.outputs["penalty_grad"]
    assert "dropout was here" in report.outputs["dropout"] and "penalty was here" not in report.outputs["dropout"]
    alone, _ = _grade_module(folder, "dropout")
    assert {cid: v for cid, v in shared.items() if cid in alone} == alone


MISCHIEF = {
    "endless-loop": ["while True:", "    pass"],
    "exit": ["import os", "os._exit(3)"],
    # results forged for every trial of the child, before the others run, then an exit
    "forged-results": ["import numpy as np", "for k in range(12):", "    for i in range(8):",
                       "        np.savez(f'results/{k}-{i}.npz', nothing=np.zeros(1))", "import os", "os._exit(0)"],
    # a library patched for whatever runs after it in the same process
    "patched-numpy": ["import numpy as np", "np.sign = np.zeros_like", "np.where = lambda *a, **k: 0",
                      "raise ValueError('patched')"],
    # a thread left running that overwrites every result file written after it
    "lingering-thread": ["import os, threading, time", "def spoil():",
                         "    while True:", "        for name in os.listdir('results'):",
                         "            open(os.path.join('results', name), 'wb').close()",
                         "        time.sleep(0.001)",
                         "threading.Thread(target=spoil, daemon=True).start()", "raise ValueError('left a thread')"],
}


@pytest.mark.parametrize("mischief", list(MISCHIEF.values()), ids=list(MISCHIEF))
def test_what_one_exercise_does_to_a_shared_child_costs_no_other_exercise_points(solved_copy, mischief):
    folder = _regularization_with(solved_copy, dropout=mischief)
    verdicts, _ = _grade_module(folder, "regularization", timeout=3)
    others = {cid: v for cid, v in verdicts.items() if not cid.startswith("regularization.dropout")}
    assert others and all(fraction == 1 for fraction, _, _ in others.values()), others
    dropout = [v for cid, v in verdicts.items() if cid.startswith("regularization.dropout")]
    assert dropout and all(fraction == 0 for fraction, _, _ in dropout), dropout


@pytest.mark.slow  # imports TensorFlow and trains the Keras chapter in an isolated child
def test_a_full_grade_imports_tensorflow_once_with_the_same_verdicts(monkeypatch):
    from pathlib import Path

    from autograder.engine import grade, isolated, missing_requirements
    checks = [c for c in ALL_CHECKS if c.exercise in ("build_keras_model", "Keras chapter on Fashion-MNIST")]
    if any(missing_requirements(c) for c in checks):
        pytest.skip("needs TensorFlow and Fashion-MNIST")
    calls = []
    original = isolated.IsolatedRunner.run_segments

    def counting(self, segments, requires=()):
        calls.append((tuple(exercise for exercise, _ in segments), tuple(requires)))
        return original(self, segments, requires)
    monkeypatch.setattr(isolated.IsolatedRunner, "run_segments", counting)
    reference = Path(__file__).resolve().parent.parent / "reference"
    shared = grade(reference, only="Keras chapter on Fashion-MNIST")
    assert [call for call in calls if "tensorflow" in call[1]] == [
        (("build_keras_model", "Keras chapter on Fashion-MNIST"), ("fashion_mnist", "tensorflow"))]
    alone = grade(reference, only="Keras chapter on Fashion-MNIST", isolated=False)
    assert [(r.check.id, r.verdict.fraction, r.verdict.message) for r in shared.results] == \
        [(r.check.id, r.verdict.fraction, r.verdict.message) for r in alone.results]


def test_breast_cancer_split_is_read_from_the_cache_without_scikit_learn(tmp_path, monkeypatch):
    from autograder.data import breast_cancer, load_breast_cancer_split
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path))
    breast_cancer._split.cache_clear()
    try:
        first = load_breast_cancer_split()
        folder = breast_cancer.split_cache_dir()
        assert folder is not None and folder.parent.parent == tmp_path and folder.is_dir()
        breast_cancer._split.cache_clear()

        def no_sklearn():
            raise AssertionError("computed again instead of read from the cache")
        monkeypatch.setattr(breast_cancer, "_compute", no_sklearn)
        second = load_breast_cancer_split()
        for name in breast_cancer.FIELDS:
            np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
            assert not getattr(second, name).flags.writeable
    finally:
        breast_cancer._split.cache_clear()


def test_fetch_data_writes_the_split_to_the_cache(places, capsys):  # noqa: F811
    from autograder.cli import main
    write_tiny(places["system"])
    fm._prepare.cache_clear()
    try:
        assert main(["fetch-data"]) == 0
        assert f"Fashion-MNIST: {places['system']}" in capsys.readouterr().out
        assert cache.read_entry(split_cache_dir(TINY_EXPECTED)) is not None
    finally:
        fm._prepare.cache_clear()
