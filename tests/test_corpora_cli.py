"""Every corpus graded through the real CLI (isolated children), with the rates the README reports:
kill rate of the wrong corpus (must be 100%), false-rejection rate of the valid corpus (must be 0%),
hostile entries handled (must be 100%; their detailed assertions live in tests/test_hostile.py)."""
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder.engine import missing_requirements
from test_isolation import LAYERS
from test_hostile import ENTRIES as HOSTILE, GUARDS, POINTS, build, control_score
from test_valid_implementations import ENTRIES as VALID, valid_copy
from test_wrong_implementations import CHECKS, ENTRIES as WRONG, mutated_copy

KIT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def cli_grade(folder, only, out, *limits):
    """`python -m autograder grade FOLDER --only ONLY --json OUT`: (exit code, results payload)."""
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--only", only,
                             "--json", str(out), *(limits or ("--timeout", "120"))],
                            capture_output=True, text=True, cwd=folder.parent)
    payload = json.loads(out.read_text()) if out.exists() else None
    return result.returncode, payload, result.stdout + result.stderr


def _wrong_outcome(entry, tmp_path):
    check = CHECKS[entry["target_check"]]
    if missing_requirements(check):
        return entry["id"], None, "skipped"
    tmp_path = tmp_path / "wrong"
    folder = mutated_copy(tmp_path / entry["id"] / "submission", entry)
    only = check.id if check.exercise.startswith("Training on") else check.exercise
    code, payload, output = cli_grade(folder, only, tmp_path / entry["id"] / "results.json")
    if code != 0 or payload is None:
        return entry["id"], False, f"CLI failed ({code}): {output[-500:]}"
    target = [t for t in payload["tests"] if t["number"] == check.id]
    caught = bool(target) and target[0]["score"] < target[0]["max_score"]
    return entry["id"], caught, target[0]["output"][:200] if target else "target check not graded"


def _valid_outcome(entry, tmp_path):
    tmp_path = tmp_path / "valid"
    folder = valid_copy(tmp_path / entry["id"] / "submission", entry)
    code, payload, output = cli_grade(folder, entry["exercise"], tmp_path / entry["id"] / "results.json")
    if code != 0 or payload is None:
        return entry["id"], False, f"CLI failed ({code}): {output[-500:]}"
    lost = [t["name"] + ": " + t["output"][:150] for t in payload["tests"] if t["score"] < t["max_score"]]
    return entry["id"], not lost and bool(payload["tests"]), "; ".join(lost)


def _hostile_outcome(entry, tmp_path, layer):
    """Handled under isolation ``layer``: the CLI finishes within the limit, exits 0, writes valid
    results saying which layer graded it, and the target exercise scores no more than the same
    submission without the hostile code; nothing appears outside the submission."""
    if entry.get("needs") == "landlock" and "landlock" not in GUARDS:
        return entry["id"], None, "skipped"
    tmp_path = tmp_path / "hostile" / layer / entry["id"]
    outside = tmp_path / "outside"
    outside.mkdir(parents=True)
    folder = tmp_path / "submission"
    build(folder, entry["base"], entry["module"], entry["append"],
          {"__KIT__": KIT, "__OUTSIDE__": outside, "__SUBMISSION__": folder})
    limits = {"timeout": 5.0, **entry.get("limits", {})}
    start = time.perf_counter()
    code, payload, output = cli_grade(folder, entry["exercise"], tmp_path / "results.json",
                                      "--timeout", str(limits["timeout"]), "--memory", "1", "--isolation", layer)
    seconds = time.perf_counter() - start
    if code != 0 or payload is None:
        return entry["id"], False, f"CLI failed ({code}): {output[-300:]}"
    score = sum(t["score"] for t in payload["tests"] if t["tags"][0] == entry["exercise"])
    control = control_score(entry["base"], entry["module"], entry.get("control_append", ""), entry["exercise"])
    ok = (score <= min(control, POINTS[entry["exercise"]]) and seconds < limits["timeout"] + 30
          and payload["extra_data"]["isolation"].startswith(layer) and not list(outside.iterdir()))
    return entry["id"], ok, f"score {score} vs honest {control}, {seconds:.1f} s"


def _run_all(function, entries, tmp_path):
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda e: function(e, tmp_path), entries))


def test_wrong_and_valid_corpora_through_the_cli(tmp_path):
    start = time.perf_counter()
    wrong = [r for r in _run_all(_wrong_outcome, WRONG, tmp_path) if r[1] is not None]
    valid = _run_all(_valid_outcome, VALID, tmp_path)
    elapsed = time.perf_counter() - start
    missed = [(i, why) for i, caught, why in wrong if not caught]
    rejected = [(i, why) for i, ok, why in valid if not ok]
    kill_rate = 1 - len(missed) / len(wrong)
    false_rejection = len(rejected) / len(valid)
    print(f"\ncorpus via CLI: kill rate {kill_rate:.0%} ({len(wrong) - len(missed)}/{len(wrong)} wrong entries "
          f"caught by their check), false-rejection rate {false_rejection:.0%} ({len(rejected)}/{len(valid)} "
          f"valid entries lost points), {elapsed:.0f} s")
    assert missed == []
    assert rejected == []


@pytest.mark.parametrize("layer", LAYERS)
def test_hostile_corpus_through_the_cli(layer, tmp_path):
    """Every hostile entry, through the CLI, under each isolation layer (forced with --isolation)."""
    start = time.perf_counter()
    hostile = [r for r in _run_all(lambda e, t: _hostile_outcome(e, t, layer), HOSTILE, tmp_path) if r[1] is not None]
    failed = [(i, why) for i, ok, why in hostile if not ok]
    print(f"\nhostile corpus via CLI ({layer}): {len(hostile) - len(failed)}/{len(hostile)} handled "
          f"({1 - len(failed) / len(hostile):.0%}), {time.perf_counter() - start:.0f} s")
    assert failed == []
