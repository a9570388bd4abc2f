"""Strict reading of gzip-compressed IDX files, the format of MNIST and Fashion-MNIST.

An IDX file is a 4-byte big-endian magic number ``0x0000TTNN`` (``TT`` = 0x08 for unsigned bytes,
``NN`` = number of dimensions), then ``NN`` big-endian uint32 sizes, then the data, row-major.
Every problem is raised as :class:`IdxError` naming what is wrong; the caller adds the file name.
"""
import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

UBYTE = 0x08


class DatasetError(RuntimeError):
    """A data set file is missing, corrupt or not the expected one; the message says how to fix it."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """No directory holding the data set's files was found (also a ``FileNotFoundError``)."""


class IdxError(ValueError):
    """The bytes are not a well-formed gzip-compressed IDX file."""


def read_gz(path):
    """The decompressed content of the gzip file ``path`` as ``bytes``.

    Raises :class:`IdxError` for a file that is not gzip, is truncated or fails its CRC check.
    """
    raw = Path(path).read_bytes()
    if raw[:2] != b"\x1f\x8b":
        raise IdxError("is not a gzip file (no gzip magic bytes 1f 8b at its start)")
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise IdxError("is truncated (the gzip stream ends early)") from None
    except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise IdxError(f"is a corrupt gzip file ({exc})") from None


def parse_idx(data, ndim):
    """Parse IDX ``data`` (bytes) of unsigned bytes with ``ndim`` dimensions.

    Returns a read-only ``uint8`` array whose shape is the header's sizes, e.g. ``(n, 28, 28)``
    for images (``ndim=3``) or ``(n,)`` for labels (``ndim=1``). Decoding is zero-copy
    (``np.frombuffer``). Raises :class:`IdxError` on a bad magic number or a data length that
    does not match the header.
    """
    if len(data) < 4:
        raise IdxError(f"is too short to hold an IDX header ({len(data)} bytes)")
    magic = int.from_bytes(data[:4], "big")
    expected_magic = (UBYTE << 8) | ndim
    if magic != expected_magic:
        raise IdxError(f"has IDX magic number 0x{magic:08x}, expected 0x{expected_magic:08x} "
                       f"(unsigned bytes, {ndim} dimension{'s' if ndim > 1 else ''})")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(f"is too short to hold its {ndim} IDX dimension sizes")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    expected_len = header + int(np.prod(shape, dtype=np.int64))
    if len(data) != expected_len:
        raise IdxError(f"has {len(data) - header} data bytes after its IDX header, but the "
                       f"header's shape {shape} needs {expected_len - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def sha256_hex(data):
    """The SHA-256 of ``data`` (bytes) as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()
