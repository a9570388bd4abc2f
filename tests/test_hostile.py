"""Hostile submissions: nothing a submission does raises its score or breaks the grader.

Each entry of ``tests/corpus/hostile/entries.py`` is a copy of ``reference/`` (or of it with one
module replaced by its exercise stub) with hostile code added to one module. It is graded by the
isolated engine, as the CLI and the batch grade, together with *bystander* exercises graded in
the same run. For every entry the tests prove that

* the grader neither crashes nor hangs past its limits (short ones here: 5 s, 1 GiB),
* the hostile exercise scores no more than honest code (exactly as much, for a correct solution
  that also tampers), with a clear message,
* the bystanders keep their points, nothing is written outside the child's sandbox (not in the
  submission, the kit or anywhere else), and the captured output stays bounded.

Further tests grade through the real CLI (``--json``), grade the same submissions twice
(identical scores), check that the kernel guards are really installed in the child, and feed the
grader's result reader with planted files (symbolic links, FIFOs, zip bombs, lying headers).
"""
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from autograder import engine
from autograder.checks import ALL_CHECKS
from autograder.engine import Limits, grade
from autograder.protocol import ProtocolError, read_arrays, read_json, write_arrays
from autograder.sandbox import available_guards
from corpora import load_corpus

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"
EXERCISES = KIT / "exercises"
GIB = 1024 ** 3
DEFAULTS = {"timeout": 5.0, "memory": GIB}
#: seconds the grader may need beyond a child's limit (start-up, parallel bystanders, reading)
SLACK = 6.0
#: files a hostile submission tries to create in the kit; they must never appear
KIT_MARKERS = (KIT / "autograder" / "_hostile_marker.py", KIT / "reference" / "_hostile_marker.py")
GUARDS = available_guards()


ENTRIES = load_corpus("hostile")
ENTRY_KEYS = {"id", "base", "module", "exercise", "append", "expect", "why"}
OPTIONAL_KEYS = {"bystanders", "bystanders_expect", "control_append", "status", "message", "output_has",
                 "output_lacks", "limits", "settle", "needs", "max_seconds"}
POINTS = {}
for _check in ALL_CHECKS:
    POINTS[_check.exercise] = POINTS.get(_check.exercise, 0) + _check.points


# --------------------------------------------------------------------------- building submissions

def build(folder, base, module, append="", tokens=None):
    """A submission folder: reference modules (``base="stub"``: ``module`` is its exercise stub)
    with ``append`` added to ``module`` (its tokens filled in)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in REFERENCE.glob("*.py"):
        shutil.copy(source, folder / source.name)
    if base == "stub":
        shutil.copy(EXERCISES / f"{module}.py", folder / f"{module}.py")
    if append:
        for token, value in (tokens or {}).items():
            append = append.replace(token, str(value))
        target = folder / f"{module}.py"
        target.write_text(target.read_text() + "\n\n# ---- hostile code ----\n" + append)
    return folder


def checks_of(*exercise_names):
    return tuple(check for check in ALL_CHECKS if check.exercise in exercise_names)


def timed_grade(folder, exercise_names, **limits):
    """Grade ``exercise_names`` of ``folder`` in isolated children (in parallel, as the CLI does)."""
    start = time.monotonic()
    report = grade(folder, checks=checks_of(*exercise_names), limits=Limits(**{**DEFAULTS, **limits}))
    return report, time.monotonic() - start


def exercise_scores(report):
    scores = {}
    for result in report.results:
        scores[result.check.exercise] = round(scores.get(result.check.exercise, 0) + result.score, 6)
    return scores


def results_of(report, exercise):
    return [r for r in report.results if r.check.exercise == exercise]


def digest(folder):
    """Names and contents of every file under ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@lru_cache(maxsize=None)
def control_score(base, module, control_append, exercise):
    """The honest score the hostile entry is compared with (graded once per session)."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="nnkit-control-") as tmp:
        folder = build(Path(tmp) / "control", base, module, control_append)
        report, _ = timed_grade(folder, (exercise,), timeout=30)
    return exercise_scores(report)[exercise]


@pytest.fixture
def planted_other_run():
    """A file in another (fake) grading run, as another student's run would leave it."""
    root = engine._grading_root()
    if root is None:
        pytest.skip("no private grading root on this machine")
    other = root / "nnkit-grade-planted-by-test" / "sandbox1" / "results"
    other.mkdir(parents=True, exist_ok=True)
    (other / "0-0.npz").write_bytes(b"SECRET-OF-ANOTHER-RUN")
    yield other
    shutil.rmtree(root / "nnkit-grade-planted-by-test", ignore_errors=True)


def _entry_param(entry):
    marks = []
    if entry.get("needs") == "landlock" and not GUARDS["landlock"]:
        marks.append(pytest.mark.skip(reason="the kernel has no Landlock: only the audit hook guards files"))
    return pytest.param(entry, id=entry["id"], marks=marks)


# --------------------------------------------------------------------------- the corpus

def test_corpus_is_well_formed():
    ids = [entry["id"] for entry in ENTRIES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for entry in ENTRIES:
        keys = set(entry)
        assert ENTRY_KEYS <= keys, f"{entry['id']}: missing {ENTRY_KEYS - keys}"
        assert keys <= ENTRY_KEYS | OPTIONAL_KEYS, f"{entry['id']}: unknown {keys - ENTRY_KEYS - OPTIONAL_KEYS}"
        assert entry["base"] in ("reference", "stub")
        assert entry["expect"] in ("control", "zero", "at_most")
        for name in (entry["exercise"], *entry.get("bystanders", ())):
            assert name in POINTS, f"{entry['id']}: unknown exercise {name}"


@pytest.mark.parametrize("entry", [_entry_param(e) for e in ENTRIES])
def test_hostile_submission(entry, tmp_path, request):
    if entry["id"] == "reference.other_grading_runs":
        request.getfixturevalue("planted_other_run")
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "submission"
    tokens = {"__KIT__": KIT, "__OUTSIDE__": outside, "__SUBMISSION__": folder}
    build(folder, entry["base"], entry["module"], entry["append"], tokens)
    before = digest(folder)
    exercise = entry["exercise"]
    bystanders = entry.get("bystanders", ("numerical_diff",))
    limits = {**DEFAULTS, **entry.get("limits", {})}

    report, seconds = timed_grade(folder, (exercise, *bystanders), **limits)
    time.sleep(entry.get("settle", 0))

    # the grader finished within the child's limits
    assert seconds <= entry.get("max_seconds", limits["timeout"] + SLACK), f"grading took {seconds:.1f} s"
    scores = exercise_scores(report)
    # no more than honest code: the reference, and the control (same base without the hostile code)
    assert scores[exercise] <= POINTS[exercise]
    control = control_score(entry["base"], entry["module"], entry.get("control_append", ""), exercise)
    expected = {"control": control, "zero": 0.0}.get(entry["expect"])
    if expected is None:
        assert scores[exercise] <= control, f"{scores[exercise]} > honest {control}"
    else:
        assert scores[exercise] == expected, [(r.check.id, r.verdict.message) for r in report.results]
    # a clear message on every check of the hostile exercise
    for result in results_of(report, exercise):
        if "status" in entry:
            wanted = entry["status"] if isinstance(entry["status"], tuple) else (entry["status"],)
            assert result.verdict.status in wanted, (result.check.id, result.verdict.message)
        if result.verdict.fraction < 1:
            assert result.verdict.message.strip()
        if "message" in entry:
            assert entry["message"] in result.verdict.message, result.verdict.message
    # the other exercises keep their points
    for name in bystanders:
        wanted = 0.0 if entry.get("bystanders_expect") == "zero" else POINTS[name]
        assert scores[name] == wanted, [(r.check.id, r.verdict.message) for r in results_of(report, name)]
    # nothing written outside the sandbox; the output is bounded
    assert list(outside.iterdir()) == []
    assert digest(folder) == before, "the submission changed its own files"
    for marker in KIT_MARKERS:
        if marker.exists():
            marker.unlink()
            pytest.fail(f"the submission wrote {marker}")
    output = report.outputs.get(exercise, "")
    assert len(output) <= engine.OUTPUT_LIMIT + 200
    for text in entry.get("output_has", ()):
        assert text in output, output
    for text in entry.get("output_lacks", ()):
        assert text not in output, output


# --------------------------------------------------------------------------- the kernel guards

def test_kernel_guards_are_installed_in_the_child(tmp_path):
    """Where the kernel offers seccomp and Landlock, the child really runs under both."""
    folder = build(tmp_path / "sub", "reference", "single_layer",
                   "import sys as _sys\nprint('GUARDS', _sys.modules['autograder.sandbox'].GUARDS)\n")
    report, _ = timed_grade(folder, ("SingleLayer.forpass",))
    assert report.score == POINTS["SingleLayer.forpass"]
    output = report.outputs["SingleLayer.forpass"]
    expected = {"seccomp": GUARDS["seccomp"], "landlock": GUARDS["landlock"]}
    assert f"GUARDS {expected}" in output


# --------------------------------------------------------------------------- determinism

DETERMINISM_EXERCISES = ("SingleLayer.forpass", "RandomInitNetwork.init_weights", "XavierInitNetwork.init_weights",
                         "MinibatchNetwork.gen_batch", "dropout", "numerical_gradient", "Adam.update")


def _details(report):
    return [(r.check.id, r.score, r.verdict.status, r.verdict.message) for r in report.results]


def test_reference_within_one_gib_twice_identical(tmp_path):
    """Honest NumPy work fits the 1 GiB cap used here, and two gradings agree check by check."""
    folder = build(tmp_path / "reference", "reference", "single_layer")
    first, _ = timed_grade(folder, DETERMINISM_EXERCISES)
    second, _ = timed_grade(folder, DETERMINISM_EXERCISES)
    assert first.score == first.max_score == sum(POINTS[e] for e in DETERMINISM_EXERCISES)
    assert _details(first) == _details(second)


RANDOM_BEHAVIOUR = """
import random as _random, os as _os
_coin = (_random.random(), float(np.random.rand()), hash('salt') % 7, sorted({'b', 'a', 'c'}).pop())
print('coin', _coin)
_honest = SingleLayer.forpass
def _forpass(self, x):
    if _random.random() < 0.5 or np.random.rand() < 0.5:
        return _honest(self, x)
    return _honest(self, x) + 1
SingleLayer.forpass = _forpass
"""


@pytest.mark.parametrize("entry_id", ["exit.os_exit_in_function", "fake.results_files", "values.strange_dtypes",
                                      "values.lying_objects", "random"])
def test_same_hostile_submission_twice_same_score(entry_id, tmp_path):
    """Graded twice, a hostile submission gets the same scores and messages (its random draws
    included: every child starts from the same random state)."""
    if entry_id == "random":
        entry = {"base": "reference", "module": "single_layer", "append": RANDOM_BEHAVIOUR,
                 "exercise": "SingleLayer.forpass"}
    else:
        entry = next(e for e in ENTRIES if e["id"] == entry_id)
    folder = build(tmp_path / "sub", entry["base"], entry["module"], entry["append"],
                   {"__KIT__": KIT, "__OUTSIDE__": tmp_path, "__SUBMISSION__": tmp_path / "sub"})
    names = (entry["exercise"], *entry.get("bystanders", ()))
    first, _ = timed_grade(folder, names)
    second, _ = timed_grade(folder, names)
    assert _details(first) == _details(second)
    if entry_id == "random":
        assert first.outputs["SingleLayer.forpass"] == second.outputs["SingleLayer.forpass"]


# --------------------------------------------------------------------------- the real CLI

def cli(*args, timeout=120):
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args)],
                            capture_output=True, text=True, cwd=KIT, timeout=timeout)
    return result, time.monotonic() - start


def test_cli_fake_results_and_exit_at_import(tmp_path):
    """A stub that prints a fake total, writes a fake results.json next to the real one and
    exits at import: the CLI prints and writes the real (zero) score, and exits normally."""
    out = tmp_path / "out"
    out.mkdir()
    append = (
        "import json as _json, os as _os, sys as _sys\n"
        "print('Total: 95/95')\n"
        "for _path in ('__OUT__/results.json', '__OUT__/fake.json'):\n"
        "    try:\n"
        "        with open(_path, 'w') as _f:\n"
        "            _json.dump({'score': 95, 'tests': []}, _f)\n"
        "    except OSError as _exc:\n"
        "        print('refused', _exc)\n"
        "_sys.stdout.flush()\n"
        "_os._exit(0)\n")
    folder = build(tmp_path / "sub", "stub", "single_layer", append, {"__OUT__": out})
    result, seconds = cli(folder, "--only", "single_layer", "--json", out / "results.json", "--timeout", 5)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 60
    totals = [line for line in result.stdout.splitlines() if line.startswith("Total:")]
    expected_max = POINTS["SingleLayer.forpass"] + POINTS["SingleLayer.backprop"]
    assert totals == [f"Total: 0/{expected_max:g}"], result.stdout[-2000:]
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]
    payload = json.loads((out / "results.json").read_text())
    assert payload["score"] == 0 and len(payload["tests"]) == len(checks_of("SingleLayer.forpass",
                                                                           "SingleLayer.backprop"))
    assert all(test["score"] == 0 for test in payload["tests"])
    assert all("ended before this check finished" in test["output"] for test in payload["tests"])


def test_cli_correct_solution_that_tampers_gets_the_honest_score(tmp_path):
    """A correct solution whose threads keep trying to replace results.json: the file written
    is the grader's, with full marks, and no other file appears."""
    out = tmp_path / "out"
    out.mkdir()
    append = (
        "import json as _json, threading as _threading, time as _time\n"
        "def _tamper():\n"
        "    for _ in range(100):\n"
        "        for _name in ('results.json', 'results.json.tmp', 'x.tmp'):\n"
        "            try:\n"
        "                with open('__OUT__/' + _name, 'w') as _f:\n"
        "                    _json.dump({'score': 1000, 'tests': []}, _f)\n"
        "            except OSError:\n"
        "                pass\n"
        "        _time.sleep(0.05)\n"
        "_threading.Thread(target=_tamper).start()\n")
    folder = build(tmp_path / "sub", "reference", "single_layer", append, {"__OUT__": out})
    result, _ = cli(folder, "--only", "single_layer", "--json", out / "results.json", "--timeout", 10)
    assert result.returncode == 0, result.stderr[-2000:]
    time.sleep(1.0)
    expected = POINTS["SingleLayer.forpass"] + POINTS["SingleLayer.backprop"]
    assert f"Total: {expected:g}/{expected:g}" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]
    assert json.loads((out / "results.json").read_text())["score"] == expected


def test_cli_endless_loop_stopped_by_timeout(tmp_path):
    """An endless loop in one exercise: the CLI ends soon after --timeout, the other exercise of
    the module keeps its points, and results.json says why the first one scored nothing."""
    out = tmp_path / "out"
    out.mkdir()
    append = "def _forpass(self, x):\n    while True:\n        pass\nSingleLayer.forpass = _forpass\n"
    folder = build(tmp_path / "sub", "reference", "single_layer", append)
    result, seconds = cli(folder, "--only", "single_layer", "--json", out / "results.json", "--timeout", 3)
    assert result.returncode == 0, result.stderr[-2000:]
    assert seconds < 3 + SLACK + 5
    payload = json.loads((out / "results.json").read_text())
    assert payload["score"] == POINTS["SingleLayer.backprop"]
    forpass = [t for t in payload["tests"] if t["tags"][0] == "SingleLayer.forpass"]
    assert forpass and all(t["score"] == 0 and "time limit" in t["output"] for t in forpass)


def test_cli_single_module_file_cannot_touch_the_stubs_beside_it(tmp_path):
    """A single module is graded next to copies of the stubs: it cannot rewrite them (to make
    the other modules import its own code) nor read the reference through them."""
    append = (
        "import os as _os\n"
        "_here = _os.path.dirname(__file__)\n"
        "for _name in _os.listdir(_here):\n"
        "    try:\n"
        "        with open(_os.path.join(_here, _name), 'a') as _f:\n"
        "            _f.write('\\nraise SystemExit')\n"
        "        print('ESCAPED', _name)\n"
        "    except OSError:\n"
        "        pass\n")
    folder = build(tmp_path / "sub", "reference", "single_layer", append)
    out = tmp_path / "out"
    out.mkdir()
    result, _ = cli(folder / "single_layer.py", "--json", out / "results.json", "--timeout", 10)
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads((out / "results.json").read_text())
    assert payload["score"] == POINTS["SingleLayer.forpass"] + POINTS["SingleLayer.backprop"]
    assert "ESCAPED" not in json.dumps(payload)


# --------------------------------------------------------------------------- files planted for the grader

def _npz_bytes(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _npy(header, payload=b""):
    header = header + " " * (63 - (len(header) + 10) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


def _read_with_deadline(function, *args, seconds=5.0, **kwargs):
    """Run a reader in a thread; fail (instead of hanging the test run) if it blocks."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: B036
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} blocked"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_results_round_trip(tmp_path):
    arrays = {"z": np.arange(6.0).reshape(2, 3), "f": np.asfortranarray(np.ones((3, 2))), "b": np.array(True),
              "s": np.array(["a", "bc"]), "c": np.array([1 + 2j]), "e": np.zeros((0, 4))}
    write_arrays(tmp_path / "r.npz", arrays)
    back = read_arrays(tmp_path / "r.npz")
    assert sorted(back) == sorted(arrays)
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype and np.array_equal(back[key], value)


@pytest.mark.parametrize("kind", ["symlink_to_secret", "fifo", "directory", "huge_header", "zip_bomb",
                                  "pickled_objects", "structured", "too_many_members", "announced_members",
                                  "negative_shape", "encrypted", "truncated", "not_zip", "oversized"])
def test_planted_results_are_refused(kind, tmp_path):
    """Every way a child can leave a bad results file is a ProtocolError: no hang, no allocation
    beyond the file, no file read through a link."""
    results = tmp_path / "results"
    results.mkdir()
    secret = tmp_path / "secret.npz"
    write_arrays(secret, {"z": np.array([42.0])})
    target = results / "0-0.npz"
    if kind == "symlink_to_secret":
        target.symlink_to(secret)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "huge_header":
        target.write_bytes(_npz_bytes({"z.npy": _npy("{'descr': '<f8', 'fortran_order': False, "
                                                     "'shape': (4000000000000,), }", b"\0" * 16)}))
    elif kind == "zip_bomb":
        target.write_bytes(_npz_bytes({"z.npy": _npy("{'descr': '<f8', 'fortran_order': False, "
                                                     "'shape': (12500000,), }", bytes(100_000_000))},
                                      zipfile.ZIP_DEFLATED))
        assert target.stat().st_size < 2_000_000
    elif kind == "pickled_objects":
        np.savez(target, z=np.array([object()], dtype=object))
    elif kind == "structured":
        np.savez(target, z=np.zeros(3, dtype=[("a", "f8"), ("b", "i4")]))
    elif kind == "too_many_members":
        np.savez(target, **{f"k{i}": np.zeros(1) for i in range(5000)})
    elif kind == "announced_members":  # an end record announcing 65535 members (ZIP64)
        data = bytearray(_npz_bytes({"z.npy": _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                                   bytes(8))}))
        end = data.rfind(b"PK\x05\x06")
        data[end + 8:end + 12] = b"\xff\xff\xff\xff"
        target.write_bytes(bytes(data))
    elif kind == "negative_shape":
        target.write_bytes(_npz_bytes({"z.npy": _npy("{'descr': '<f8', 'fortran_order': False, "
                                                     "'shape': (-1, -1), }", bytes(8))}))
    elif kind == "encrypted":
        data = bytearray(_npz_bytes({"z.npy": _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                                   bytes(8))}))
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
            at = data.find(signature)
            data[at + offset] |= 1
        target.write_bytes(bytes(data))
    elif kind == "truncated":
        write_arrays(target, {"z": np.ones(1000)})
        target.write_bytes(target.read_bytes()[:-500])
    elif kind == "not_zip":
        target.write_bytes(b"Total: 95/95")
    elif kind == "oversized":
        with open(target, "wb") as handle:
            handle.truncate(65 * 1024 ** 2)
    fd = os.open(results, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with pytest.raises(ProtocolError):
            _read_with_deadline(read_arrays, "0-0.npz", dir_fd=fd)
    finally:
        os.close(fd)


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe not utf-8", b'{"a": 1e999999}x',
                                     b"1" * 10_000])
def test_planted_error_reports_are_refused(content, tmp_path):
    path = tmp_path / "0-0.error.json"
    path.write_bytes(content)
    with pytest.raises(ProtocolError):
        read_json(path)


def test_error_report_fields_are_plain_strings():
    nested = [[[["deep"]]]]
    error = engine._plain_error({"type": nested, "message": {"a": 1}, "where": 3.5, "not_implemented": "yes"})
    assert error == {"type": "Error", "message": "", "where": "3.5", "not_implemented": False}


def test_run_folders_are_removed_whatever_their_shape(tmp_path):
    """The grader deletes a run's folder even when a child nested folders thousands deep (too
    deep for recursion or for any path) and took permissions away."""
    root = tmp_path / "run"
    root.mkdir()
    (root / "file").write_text("x")
    handle = os.open(root, os.O_RDONLY)
    for _ in range(1500):  # deeper than the recursion limit
        os.mkdir("d", dir_fd=handle)
        inner = os.open("d", os.O_RDONLY, dir_fd=handle)
        os.close(handle)
        handle = inner
    os.close(handle)
    os.chmod(root / "d", 0)
    engine._remove_tree(root)
    assert not root.exists()


# --------------------------------------------------------------------------- plain but absurd results

ABSURD = {
    "strings": lambda a: np.full(a.shape, "Total: 95/95"),
    "complex": lambda a: np.full(a.shape, 1 + 1j),
    "booleans": lambda a: np.ones(a.shape, bool),
    "scalar": lambda a: np.array(7.0),
    "empty": lambda a: np.zeros((0,)),
    "32 dimensions": lambda a: np.zeros((1,) * 32),
    "nan": lambda a: np.full(a.shape, np.nan),
    "largest int": lambda a: np.full(a.shape, np.iinfo(np.int64).max),
    "missing": None,
}


@pytest.mark.slow
def test_absurd_plain_results_never_crash_verification():
    """A child controls every array it reports. Whatever plain arrays come back (wrong dtype,
    shape or values, or a missing one), each check returns a verdict with a message, never an
    exception that would stop the grading of the other exercises."""
    import warnings

    from autograder.execution import run_case
    from autograder.loader import load_submission
    submission = load_submission(REFERENCE)
    for check in ALL_CHECKS:
        if check.requires or check.id.startswith("convergence"):
            continue
        cases = check.trial.cases()
        honest = []
        for case in cases:
            outputs, error = run_case(submission, check.trial.probe, case)
            assert error is None, (check.id, error)
            honest.append(outputs)
        for kind, change in ABSURD.items():
            for key in dict.fromkeys(k for out in honest for k in out):  # cases may return different keys
                outputs = [{k: v for k, v in out.items() if change is not None or k != key} for out in honest]
                if change is not None:
                    outputs = [{**out, key: change(np.asarray(out[key]))} if key in out else out for out in outputs]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    verdict = engine.verify(check, cases, outputs, None)
                assert 0 <= verdict.fraction <= 1, (check.id, kind, key)
                assert verdict.fraction == 1 or verdict.message, (check.id, kind, key)
