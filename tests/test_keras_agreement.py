"""The agreement checks with Keras (autograder/checks/keras_agreement.py) and their golden files
(autograder/golden/, written by ``nnkit keras-golden``).

Without TensorFlow: the golden files are intact and recorded from the checks' inputs; the
reference's formulas agree with them within the documented tolerances (with a margin), the course
seeds' Momentum and Adam and RMSprop with ε outside the root are rejected, and a check without
golden files or TensorFlow says *skipped* (never passes). With TensorFlow (slow): Keras is run
again and must reproduce the golden files within the same tolerances, and the reference passes
every agreement check against that fresh recording.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import keras_golden as G
from autograder.checks import ALL_CHECKS
from autograder.checks import keras_agreement as K
from autograder.checks import math as M
from autograder.engine import grade
from autograder.probes.optimizers import surface_gradient

KIT = Path(__file__).resolve().parent.parent
#: the checks that compare with Keras's recorded answers: optimizers first (AGREEMENT[:1] is Momentum's)
AGREEMENT = tuple(sorted((c for c in ALL_CHECKS if c.verify.__module__ == K.__name__ and not c.requires),
                         key=lambda c: not c.id.startswith("optimizers.")))
f32 = lambda value: float(np.float32(value))  # noqa: E731


@pytest.fixture
def golden():
    found, reason = G.expected()
    assert found is not None, reason
    assert found.source == "golden files", "the golden files are unusable (the checks fell back to live Keras)"
    return found


@pytest.fixture
def no_cache():
    G.expected.cache_clear()
    yield
    G.expected.cache_clear()


def cases(name):
    return list(enumerate(G.optimizer_inputs(name)))


def kwargs_of(case):
    return json.loads(str(case["kwargs"]))


def keys_of(case):
    return [str(k) for k in case["keys"]]


def closed_loop(trajectory):
    """``trajectory(case, key)`` (a formula over the case's given gradients) on a path case: the
    gradients are the test function's at the points the formula itself reached (run again from the
    start each step, as keras_golden.formula_trajectory does); other cases unchanged."""
    def run(case, key):
        if "surface_hessian" not in case:
            return trajectory(case, key)
        path = [np.array(case[f"param_{key}"], dtype=float)]
        for _ in range(int(case["steps"])):
            grads = np.stack([surface_gradient(case, point) for point in path])
            path.append(trajectory({**case, f"grads_{key}": grads}, key)[-1])
        return np.stack(path)
    return run


def worst_error(golden, name, trajectory, only=None):
    """Largest displacement error over the cases (those whose label is ``only``, if given) and
    parameters of ``trajectory(case, key)``, run in closed loop on the path case."""
    return max(max(G.displacement_errors(closed_loop(trajectory)(case, key), golden.trajectory(name, index, key)))
               for index, case in cases(name) if only in (None, str(case["label"])) for key in keys_of(case))


# --------------------------------------------------------------------------- the golden files

def test_golden_files_are_intact_and_from_the_checks_inputs(golden):
    assert G.inputs_differ(golden) is None, "the inputs changed: regenerate with nnkit keras-golden"
    manifest = golden.manifest
    assert {"keras", "tensorflow", "numpy", "python"} <= set(manifest["versions"])
    assert manifest["inputs"]["steps"] == G.STEPS >= 10
    labels = [case["label"] for case in manifest["inputs"]["cases"]]
    assert any("1e-6" in label for label in labels)
    for name in G.OPTIMIZERS:
        for index, case in cases(name):
            steps = int(case["steps"]) if index == G.SURFACE_INDEX else G.STEPS
            assert golden.trajectory(name, index, "w").shape == (steps + 1, *case["param_w"].shape)
            assert np.array_equal(golden.trajectory(name, index, "w")[0], case["param_w"])


def test_stored_measurement_matches_the_formulas_and_leaves_a_margin(golden):
    """The disagreement written in keras_golden.json is what the formulas give now, and every
    tolerance is at least 10 times the measured disagreement."""
    measured = G.measured_disagreement(golden.optimizers, golden.network)
    stored = golden.manifest["measured"]
    for name in G.OPTIMIZERS:
        assert measured[name]["max"] == pytest.approx(stored[name]["max"], rel=1e-6)
        assert measured[name]["max"] * 10 <= K.TOLERANCE[name], (name, measured[name]["max"])
    for key, value in measured["network"].items():
        assert value == pytest.approx(stored["network"][key], rel=1e-6, abs=1e-15)
        assert value * 10 <= K.TOLERANCE[key], (key, value)


def test_disagreement_is_keras_rounding_constants_to_float32(golden):
    """The notes' explanation, bit for bit: the float64 formulas with the learning rate, SGD's
    momentum and Adam's β in β^t rounded to float32 reproduce Keras's trajectories."""
    def momentum(case, key):
        kw = kwargs_of(case)
        v, w, out = 0.0, case[f"param_{key}"], [case[f"param_{key}"]]
        for g in case[f"grads_{key}"]:
            v = v * f32(kw["momentum"]) - g * f32(kw["learning_rate"])
            w = w + v
            out.append(w)
        return np.stack(out)

    def rmsprop(case, key):
        kw = kwargs_of(case)
        return M.rmsprop_steps(case[f"param_{key}"], case[f"grads_{key}"], f32(kw["learning_rate"]),
                               kw["rho"], kw["epsilon"])

    def adam(case, key):
        kw = kwargs_of(case)
        m = v = 0.0
        w, out = case[f"param_{key}"], [case[f"param_{key}"]]
        for t, g in enumerate(case[f"grads_{key}"], start=1):
            m = m + (g - m) * (1 - kw["beta_1"])
            v = v + (g * g - v) * (1 - kw["beta_2"])
            alpha = f32(kw["learning_rate"]) * np.sqrt(1 - f32(kw["beta_2"]) ** t) / (1 - f32(kw["beta_1"]) ** t)
            w = w - (m * alpha) / (np.sqrt(v) + kw["epsilon"])
            out.append(w)
        return np.stack(out)

    for name, formula in (("Momentum", momentum), ("RMSProp", rmsprop), ("Adam", adam)):
        assert worst_error(golden, name, formula) < 1e-14, (
            f"{name}: Keras no longer matches the float32-constants explanation in autograder/keras_golden.py; "
            "update the notes there and in autograder/checks/keras_agreement.py")


# --------------------------------------------------------------------------- wrong formulas

def seed_momentum(case, key):
    """Course slides: v = −lr·g + μ·v; w −= lr·g − μ·v."""
    kw = kwargs_of(case)
    v, w, out = 0.0, case[f"param_{key}"], [case[f"param_{key}"]]
    for g in case[f"grads_{key}"]:
        v = -kw["learning_rate"] * g + kw["momentum"] * v
        w = w - (kw["learning_rate"] * g - kw["momentum"] * v)
        out.append(w)
    return np.stack(out)


def seed_adam(case, key):
    """Course slides: m += ((1−b1)·g)/(1−b1); v += ((1−b2)·g·g)/(1−b2); w −= lr·m/(sqrt(v) + 1e-6)."""
    kw = kwargs_of(case)
    b1, b2 = kw["beta_1"], kw["beta_2"]
    m = v = 0.0
    w, out = case[f"param_{key}"], [case[f"param_{key}"]]
    for g in case[f"grads_{key}"]:
        m = m + ((1 - b1) * g) / (1 - b1)
        v = v + ((1 - b2) * g * g) / (1 - b2)
        w = w - kw["learning_rate"] * m / (np.sqrt(v) + 1e-6)
        out.append(w)
    return np.stack(out)


def rmsprop_epsilon_outside(case, key):
    """Textbook RMSprop: w −= lr·g / (sqrt(s) + ε)."""
    kw = kwargs_of(case)
    s, w, out = 0.0, case[f"param_{key}"], [case[f"param_{key}"]]
    for g in case[f"grads_{key}"]:
        s = kw["rho"] * s + (1 - kw["rho"]) * g * g
        w = w - kw["learning_rate"] * g / (np.sqrt(s) + kw["epsilon"])
        out.append(w)
    return np.stack(out)


def reference_formula(name):
    """The kit's formula over the case's given gradients (closed_loop gives a path case its own)."""
    return lambda case, key: G.formula_trajectory(
        name, {k: v for k, v in case.items() if k != "surface_hessian"}, key)


@pytest.mark.parametrize("name, wrong", [("Momentum", seed_momentum), ("Adam", seed_adam),
                                         ("RMSProp", rmsprop_epsilon_outside)])
def test_seed_formulas_are_far_outside_the_tolerance(golden, name, wrong):
    assert worst_error(golden, name, reference_formula(name)) <= K.TOLERANCE[name] / 10
    assert worst_error(golden, name, wrong) > 100 * K.TOLERANCE[name]


@pytest.mark.parametrize("name, wrong", [("Momentum", seed_momentum), ("Adam", seed_adam)])
def test_seed_formulas_leave_keras_path_on_the_loss_surface(golden, name, wrong):
    """The path case alone (the test function's gradients along the optimizer's own path) tells
    the seeds' Momentum and Adam from Keras's, and the kit's formula agrees with it."""
    assert worst_error(golden, name, reference_formula(name), only=G.SURFACE_LABEL) <= K.TOLERANCE[name] / 10
    assert worst_error(golden, name, wrong, only=G.SURFACE_LABEL) > 100 * K.TOLERANCE[name]


def test_paths_on_the_loss_surface_differ_between_optimizers(golden):
    """The surface is chosen so that the three optimizers' recorded paths are far apart (the
    picture shows three different paths): every pair differs by more than 10% of the displacement."""
    paths = {name: golden.trajectory(name, G.SURFACE_INDEX, "w") for name in G.OPTIMIZERS}
    assert all(len(path) == G.SURFACE["steps"] + 1 for path in paths.values())
    names = list(paths)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert max(G.displacement_errors(paths[first], paths[second])) > 0.1, (first, second)


def test_epsilon_outside_the_root_is_caught_by_the_tiny_gradients():
    """On ordinary gradients, RMSprop with ε outside the root is within 1e-3 of Keras (the
    difference is ε/(2·sqrt(s)) relative); around 1e-6 it is off by a factor of hundreds."""
    golden, _ = G.expected()
    for index, case in cases("RMSProp"):
        error = max(max(G.displacement_errors(closed_loop(rmsprop_epsilon_outside)(case, key),
                                              golden.trajectory("RMSProp", index, key)))
                    for key in keys_of(case))
        if "1e-6" in str(case["label"]):
            assert error > 0.5, (str(case["label"]), error)
        else:
            assert error < 1e-3, (str(case["label"]), error)


def test_reference_passes_every_agreement_check_and_reports_the_worst_error():
    report = grade(KIT / "reference", isolated=False, checks=AGREEMENT)
    assert len(report.results) == len(AGREEMENT) >= 6
    for result in report.results:
        assert result.score == result.check.points, (result.check.id, result.verdict.message)
        assert "agrees with Keras" in result.verdict.message and "golden files" in result.verdict.message


# --------------------------------------------------------------------------- without golden files

def copy_golden(folder):
    folder.mkdir()
    for path in G.GOLDEN_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    return folder


def test_damaged_or_stale_golden_files_are_refused(tmp_path, monkeypatch):
    damaged = copy_golden(tmp_path / "damaged")
    data = bytearray((damaged / G.OPTIMIZERS_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / G.OPTIMIZERS_FILE).write_bytes(bytes(data))
    with pytest.raises(G.GoldenError, match="SHA-256"):
        G.load(damaged)
    monkeypatch.setattr(G, "STEPS", G.STEPS + 1)
    assert G.inputs_differ(G.load(copy_golden(tmp_path / "stale"))) == "Momentum/0/grads_w"
    with pytest.raises(G.GoldenError, match="does not exist"):
        G.load(tmp_path / "missing")


def test_checks_refuse_keras_results_recorded_from_other_inputs(golden, monkeypatch):
    other = G.Golden({k: (v + 1 if k.endswith("/param_w") else v) for k, v in golden.optimizers.items()},
                     golden.network, golden.manifest, "golden files")
    monkeypatch.setattr(G, "expected", lambda: (other, None))
    report = grade(KIT / "reference", isolated=False, checks=AGREEMENT[:1])
    assert report.results[0].verdict.status == "skipped" and "inputs" in report.results[0].verdict.message


def test_without_golden_files_or_tensorflow_the_checks_are_skipped(tmp_path, monkeypatch, no_cache):
    monkeypatch.setattr(G, "GOLDEN_DIR", tmp_path / "nothing")
    monkeypatch.setattr(G, "keras_available", lambda: False)
    report = grade(KIT / "reference", isolated=False, checks=AGREEMENT)
    for result in report.results:
        assert result.score == 0 and result.verdict.status == "skipped", result.check.id
        assert "does not exist" in result.verdict.message and "TensorFlow" in result.verdict.message


def test_without_golden_files_live_keras_is_used(tmp_path, monkeypatch, no_cache):
    """Golden files missing, TensorFlow present: the checks compare with a live recording."""
    recorded = G.load(G.GOLDEN_DIR, source="live Keras")  # stands in for record_live's answer
    monkeypatch.setattr(G, "GOLDEN_DIR", tmp_path / "nothing")
    monkeypatch.setattr(G, "keras_available", lambda: True)
    monkeypatch.setattr(G, "record_live", lambda: recorded)
    report = grade(KIT / "reference", isolated=False, checks=AGREEMENT)
    for result in report.results:
        assert result.score == result.check.points and "live Keras" in result.verdict.message


def test_a_failing_live_recording_is_a_skip(tmp_path, monkeypatch, no_cache):
    def broken():
        raise G.GoldenError("live Keras failed: ImportError")
    monkeypatch.setattr(G, "GOLDEN_DIR", tmp_path / "nothing")
    monkeypatch.setattr(G, "keras_available", lambda: True)
    monkeypatch.setattr(G, "record_live", broken)
    found, reason = G.expected()
    assert found is None and reason.startswith("skipped:") and "ImportError" in reason


def test_golden_files_are_written_atomically(tmp_path, golden):
    """write() leaves no temporary files and a manifest whose hashes match (what load checks)."""
    G.write(golden.optimizers, golden.network, tmp_path, info={"versions": golden.manifest["versions"]})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([G.OPTIMIZERS_FILE, G.NETWORK_FILE, G.MANIFEST_FILE])
    drift = G.compare(G.load(tmp_path), golden)
    assert all(drift[name] == 0 for name in G.OPTIMIZERS) and not any(drift["network"].values())


# --------------------------------------------------------------------------- live Keras (slow)

@pytest.fixture(scope="module")
def fresh_recording(tmp_path_factory):
    pytest.importorskip("tensorflow")
    pytest.importorskip("keras")
    folder = tmp_path_factory.mktemp("keras-golden")
    done = subprocess.run([sys.executable, "-m", "autograder", "keras-golden", "--out", str(folder)], cwd=KIT,
                          capture_output=True, text=True, timeout=G.LIVE_TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    return G.load(folder, source="live Keras")


@pytest.mark.slow
def test_live_keras_reproduces_the_golden_files(fresh_recording, golden):
    """Regenerates the recording and fails if Keras drifted beyond the checks' tolerances (on the
    same versions the two agree exactly). To accept a new Keras: nnkit keras-golden."""
    drift = G.compare(fresh_recording, golden)
    versions = (golden.manifest["versions"], fresh_recording.manifest["versions"])
    for name in G.OPTIMIZERS:
        assert drift[name] <= K.TOLERANCE[name], (name, drift[name], versions)
    for key, value in drift["network"].items():
        assert value <= K.TOLERANCE[key], (key, value, versions)
    same = all(golden.manifest["versions"][k] == fresh_recording.manifest["versions"][k]
               for k in ("keras", "tensorflow"))
    if same:
        assert max(drift[name] for name in G.OPTIMIZERS) == 0.0


@pytest.mark.slow
def test_reference_agrees_with_live_keras_on_every_check(fresh_recording, monkeypatch):
    monkeypatch.setattr(G, "expected", lambda: (fresh_recording, None))
    report = grade(KIT / "reference", isolated=False, checks=AGREEMENT)
    for result in report.results:
        assert result.score == result.check.points, (result.check.id, result.verdict.message)
        assert "live Keras" in result.verdict.message
    measured = G.measured_disagreement(fresh_recording.optimizers, fresh_recording.network)
    for name in G.OPTIMIZERS:
        assert measured[name]["max"] * 10 <= K.TOLERANCE[name]
