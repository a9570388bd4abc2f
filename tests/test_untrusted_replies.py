"""Nothing a child says can crash, stall or bloat the grader (issue 11).

Text from a submission (exception messages and type names, what its code printed) reaches the
table, results.json and the terminal only through ``report.plain_text``; arrays it sends back are
refused by the protocol reader before any check does arithmetic on something huge.
"""
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import ALL_CHECKS
from autograder.protocol import MAX_ELEMENTS, ProtocolError, read_arrays
from autograder.report import plain_text

KIT = Path(__file__).resolve().parent.parent
HOSTILE_TEXT = "\udcff|\x1b[2K\rTotal: 110/110|\u202eevil|\x1b]0;title\x07|\x9b31m"
FORBIDDEN = ("\x1b", "\r", "\x9b", "\u202e", "\x07")

# Adam.update raises an exception whose type name and message are hostile, after printing some
ADAM_RAISES = '''

class _Hostile(Exception):
    pass


_Hostile.__name__ = "Hostile\\x1b[31m\\u202e"


def _hostile_update(self, params, grads):
    print("\\x1b[2J\\x1b[H\\rTotal: 110/110 \\udcff".encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    raise _Hostile(HOSTILE + "x" * 1_000_000)


Adam.update = _hostile_update
'''


def test_plain_text_removes_escapes_and_controls_and_caps_length():
    text = plain_text(HOSTILE_TEXT + "y" * 10_000, limit=500)
    assert len(text) <= 500 and not any(c in text for c in FORBIDDEN)
    assert "\ufffd" in text and "\\x0dTotal: 110/110" in text and "\\u202e" in text
    text.encode("utf-8")                                   # no lone surrogate left
    assert plain_text(text, limit=500) == text              # idempotent, so layers may repeat it
    assert plain_text("a\nb\r\nc") == "a\nb\nc" and plain_text("a\nb", newlines=False) == "a\\nb"
    assert plain_text(b"\xff\xfeok") == "\ufffd\ufffdok" and plain_text("naïve 😀") == "naïve 😀"


def test_cli_survives_hostile_exception_text(tmp_path, solved_copy):
    module = solved_copy / "optimizers.py"
    module.write_text(module.read_text() + f"\nHOSTILE = {HOSTILE_TEXT!r}\n" + ADAM_RAISES)
    results = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(solved_copy), "--only", "optimizers",
                          "--json", str(results)], capture_output=True, cwd=KIT)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-2000:]
    table = run.stdout.decode("utf-8")
    assert not any(c in table for c in FORBIDDEN)
    earned = sum(c.points for c in ALL_CHECKS if c.exercise in ("Momentum.update", "RMSProp.update"))
    total = earned + sum(c.points for c in ALL_CHECKS if c.exercise == "Adam.update")
    assert [line for line in table.splitlines() if line.startswith("Total")] == [f"Total: {earned:g}/{total:g}"]
    assert "Hostile" in table and len(table) < 50_000
    payload = json.loads(results.read_bytes().decode("utf-8"))
    assert payload["score"] == earned
    adam = [t for t in payload["tests"] if t["tags"][0] == "Adam.update"]
    assert adam and all(t["score"] == 0 and "Hostile" in t["output"] for t in adam)
    for test in payload["tests"]:
        assert not any(c in test["output"] for c in FORBIDDEN) and len(test["output"]) < 10_000
        test["output"].encode("utf-8")


def _npz(**members):
    """An .npz archive (bytes) whose members are given as raw .npy bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, raw in members.items():
            archive.writestr(f"{name}.npy", raw)
    return buffer.getvalue()


def _npy(array, header_shape=None):
    """The .npy bytes of ``array``, optionally with a header announcing another shape."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": np.lib.format.dtype_to_descr(array.dtype),
                                                  "fortran_order": False,
                                                  "shape": header_shape or array.shape})
    return buffer.getvalue() + array.tobytes()


@pytest.mark.parametrize("raw, message", [
    (_npy(np.zeros(MAX_ELEMENTS + 1, dtype=np.int8)), "too large"),           # honest header, too many
    (_npy(np.zeros((0,), dtype=np.float64), header_shape=(0, 10 ** 15)), "too large"),   # empty but absurd
    (_npy(np.zeros(4, dtype=np.float64), header_shape=(40 * 1024 ** 3,)), "too large"),  # 320 GiB claimed
    (_npy(np.array(["x" * 20_000])), "strings longer"),
])
def test_reader_refuses_huge_replies_before_allocating(tmp_path, raw, message):
    path = tmp_path / "0-0.npz"
    path.write_bytes(_npz(out=raw))
    with pytest.raises(ProtocolError, match=message):
        read_arrays(path)


def test_reader_keeps_replies_of_honest_size(tmp_path):
    path = tmp_path / "0-0.npz"
    path.write_bytes(_npz(out=_npy(np.ones((100, 784)))))
    assert read_arrays(path)["out"].shape == (100, 784)
