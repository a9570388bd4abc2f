"""Plain-data exchange between the grader and the child process that runs student code.

Only numeric, boolean and unicode numpy arrays cross the boundary, stored with ``np.savez`` and
read back with ``allow_pickle=False``: no object from the submission ever reaches the grader.
"""
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

#: dtype kinds that may cross the boundary: bool, ints, floats, complex, unicode.
ALLOWED_KINDS = set("biufcU")
#: largest results file the grader agrees to read (bytes).
MAX_RESULT_BYTES = 512 * 1024 * 1024


class ProtocolError(RuntimeError):
    """A results file that is not plain data (or too large to read)."""


def to_plain_array(value):
    """Convert a returned value to a plain ndarray copy; raise TypeError for anything else.

    Python numbers and ndarray subclasses become base ndarrays; lists of numbers are accepted;
    objects (anything giving an ``object`` dtype) are refused.
    """
    if isinstance(value, np.ndarray):
        array = np.array(value, copy=True, subok=False)
    elif isinstance(value, (bool, int, float, complex, str, np.generic)):
        array = np.array(value)
    elif isinstance(value, (list, tuple)):
        array = np.array(value)
    else:
        raise TypeError(f"expected a numpy array or a number, got {type(value).__name__}")
    if type(array) is not np.ndarray or array.dtype.kind not in ALLOWED_KINDS:
        raise TypeError(f"expected numbers, got an array of {array.dtype}")
    return array


def write_arrays(path, arrays):
    """Atomically write a dict of plain arrays to ``path`` (.npz)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        np.savez(handle, **{key: to_plain_array(value) for key, value in arrays.items()})
    os.replace(tmp, path)


def read_arrays(path):
    """Read a dict of arrays written by :func:`write_arrays`, refusing anything but plain data."""
    path = Path(path)
    if path.stat().st_size > MAX_RESULT_BYTES:
        raise ProtocolError(f"{path.name} is larger than {MAX_RESULT_BYTES} bytes")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: np.array(data[key]) for key in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise ProtocolError(f"{path.name} is not a valid results file: {exc}") from None
    for key, array in arrays.items():
        if array.dtype.kind not in ALLOWED_KINDS:
            raise ProtocolError(f"{path.name}: {key} has dtype {array.dtype}")
    return arrays


def write_json(path, payload):
    """Atomically write JSON (used for job descriptions and final reports)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, allow_nan=False, default=_jsonable)
    os.replace(tmp, path)


def read_json(path, max_bytes=16 * 1024 * 1024):
    """Read JSON written by a child, refusing oversized files."""
    path = Path(path)
    if path.stat().st_size > max_bytes:
        raise ProtocolError(f"{path.name} is larger than {max_bytes} bytes")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
