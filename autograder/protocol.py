"""Plain-data exchange between the grader and the child process that runs student code.

Only numeric, boolean and unicode numpy arrays cross the boundary, stored with ``np.savez`` and
read back by a strict parser (no pickles, no compression, headers that match their data, bounded
sizes and element counts, no symbolic links or FIFOs): no object from the submission ever reaches the grader, and no
file the child leaves behind can make the grader crash, hang or read something else.
"""
import errno
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from .files import atomic_write

#: dtype kinds that may cross the boundary: bool, ints, floats, complex, unicode.
ALLOWED_KINDS = set("biufcU")
#: largest results file the grader agrees to read (bytes); honest results are a few MB at most.
MAX_RESULT_BYTES = 64 * 1024 * 1024
#: most arrays in one results file, most dimensions of one array, longest .npy header.
MAX_MEMBERS, MAX_DIMENSIONS, MAX_HEADER = 4096, 32, 10000
#: most elements of one array (and largest size of any of its dimensions, even when empty), and
#: longest string of a unicode array: the checks may do arithmetic on what they read, so a reply
#: must be small before they see it. Honest replies hold at most about 80,000 elements (a
#: Fashion-MNIST prediction) and strings of a few hundred characters (type names).
MAX_ELEMENTS, MAX_STRING = 4_000_000, 10_000


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
    plain = {key: to_plain_array(value) for key, value in arrays.items()}
    atomic_write(path, lambda handle: np.savez(handle, **plain))


def read_arrays(path, max_bytes=MAX_RESULT_BYTES, dir_fd=None):
    """Read a dict of arrays written by :func:`write_arrays`, refusing anything but plain data.

    The file may come from an untrusted process: see :func:`read_untrusted` for how it is opened;
    the archive must hold uncompressed ``.npy`` members whose headers describe exactly the bytes
    that follow, so nothing larger than the file itself is ever allocated.
    """
    name = Path(path).name
    return arrays_from_bytes(read_untrusted(path, max_bytes, dir_fd), name)


def read_untrusted(path, max_bytes, dir_fd=None):
    """The bytes of a regular file that an untrusted process may have tampered with.

    A symbolic link is refused (with ``dir_fd``, ``path`` is relative to a folder the caller
    opened itself, so no component can be swapped), as is anything but a regular file (a FIFO
    would block forever, a device never end) and a file over ``max_bytes``. Raises
    FileNotFoundError when there is no file, ProtocolError for anything else wrong.
    """
    name = Path(path).name
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ProtocolError(f"{name} is a symbolic link") from None
        raise ProtocolError(f"{name} cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ProtocolError(f"{name} is not a regular file")
        if info.st_size > max_bytes:
            raise ProtocolError(f"{name} is larger than {max_bytes} bytes")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        data = handle.read(min(max_bytes, info.st_size) + 1)  # one byte more: a file that grew
    if len(data) > max_bytes:
        raise ProtocolError(f"{name} is larger than {max_bytes} bytes")
    return data


def arrays_from_bytes(data, name="results"):
    """Parse the bytes of an .npz archive of plain arrays (see :func:`read_arrays`)."""
    if _declared_members(data) > MAX_MEMBERS:  # before zipfile builds an object per member
        raise ProtocolError(f"{name} holds more than {MAX_MEMBERS} arrays")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ProtocolError(f"{name} is not a valid results file: {exc}") from None
    arrays = {}
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ProtocolError(f"{name} holds more than {MAX_MEMBERS} arrays")
        for member in members:
            key = member.filename[:-4]
            if not member.filename.endswith(".npy") or not key or key in arrays:
                raise ProtocolError(f"{name}: unexpected member {member.filename[:80]!r}")
            if member.compress_type != zipfile.ZIP_STORED or member.file_size > len(data):
                raise ProtocolError(f"{name}: {key[:80]} is compressed or larger than the file")
            try:
                raw = archive.read(member)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:  # encrypted too
                raise ProtocolError(f"{name}: {key[:80]} cannot be read: {exc}") from None
            arrays[key] = _array_from_npy(raw, f"{name}: {key[:80]}")
    return arrays


def _declared_members(data):
    """How many members the archive's end record announces (0 if it has none; a ZIP64 archive,
    which np.savez only writes beyond 65535 members or 4 GB, counts as too many)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end < 0 or end + 22 > len(data):
        return 0
    count = int.from_bytes(data[end + 10:end + 12], "little")
    return MAX_MEMBERS + 1 if count == 0xFFFF else count


def _array_from_npy(raw, where):
    """One .npy member: a plain (bool/int/float/complex/unicode) array whose header matches its data."""
    handle = io.BytesIO(raw)
    try:
        version = npy_format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(handle, max_header_size=MAX_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(handle, max_header_size=MAX_HEADER)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    except (ValueError, TypeError, SyntaxError, OverflowError, MemoryError, RecursionError) as exc:
        raise ProtocolError(f"{where} has an invalid header: {str(exc)[:200]}") from None
    if (dtype.kind not in ALLOWED_KINDS or dtype.hasobject or dtype.names is not None
            or dtype.subdtype is not None or dtype.itemsize == 0):
        raise ProtocolError(f"{where} has dtype {dtype}")
    if len(shape) > MAX_DIMENSIONS or any(int(size) < 0 for size in shape):
        raise ProtocolError(f"{where} has an invalid shape {shape}"[:300])
    if dtype.kind == "U" and dtype.itemsize > 4 * MAX_STRING:
        raise ProtocolError(f"{where} holds strings longer than {MAX_STRING} characters")
    count = 1
    for size in shape:
        count *= int(size)
    if count > MAX_ELEMENTS or any(int(size) > MAX_ELEMENTS for size in shape):
        raise ProtocolError(f"{where} is too large: shape {shape} (at most {MAX_ELEMENTS} elements "
                            "are read back)"[:300])
    offset = handle.tell()
    if count * dtype.itemsize != len(raw) - offset:
        raise ProtocolError(f"{where}: the header announces {count * dtype.itemsize} bytes, "
                            f"{len(raw) - offset} follow")
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=offset) if count else np.empty(0, dtype)
    return np.array(array.reshape(shape, order="F" if fortran else "C"), copy=True)


def write_json(path, payload):
    """Atomically write JSON (used for job descriptions and final reports)."""
    atomic_write(path, lambda handle: json.dump(payload, handle, indent=2, allow_nan=False, default=_jsonable),
                 encoding="utf-8")


def read_json(path, max_bytes=16 * 1024 * 1024, dir_fd=None):
    """Read JSON written by a child (opened as :func:`read_untrusted`), refusing oversized,
    non-UTF-8, malformed or absurdly nested files with a ProtocolError."""
    name = Path(path).name
    data = read_untrusted(path, max_bytes, dir_fd)
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"{name} is not valid JSON: {str(exc)[:200]}") from None


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
