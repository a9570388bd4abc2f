"""A per-machine cache of decoded data sets: ``.npy`` files every process memory-maps read-only.

An entry is a folder ``<kit cache>/<name>/<key>/`` holding one ``ARRAY.npy`` per array and
``manifest.json`` ({array: {"dtype", "shape", "sha256"}}: the SHA-256 of the ``.npy`` file).
``key`` is derived by the caller from the verified hashes of the source files and the recipe that
turned them into arrays, so a changed source or recipe never reads an old entry.

The entry is written whole into a temporary sibling folder and renamed into place (atomic on
POSIX): a reader sees a complete entry or none. A reader checks every file against the manifest
(size, dtype, shape, SHA-256: ~30 ms for Fashion-MNIST) and opens it with
``np.load(mmap_mode="r")``, so the pages are shared by every process through the OS page cache
instead of being decoded and copied per process. Only the grader writes entries; a grading child
only reads them (:func:`autograder.data.child_read_paths` names the folders it needs).
"""
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

ENV_CACHE = "NNKIT_CACHE"
MANIFEST = "manifest.json"
#: bytes read at a time when hashing a cached file
CHUNK = 1 << 22


def kit_cache_dir():
    """The kit's per-user cache folder: ``$NNKIT_CACHE``, else ``pooch.os_cache("nnkit")``
    (``~/.cache/nnkit`` on Linux), else ``$XDG_CACHE_HOME/nnkit``."""
    base = os.environ.get(ENV_CACHE)
    if not base:
        try:
            import pooch
            base = pooch.os_cache("nnkit")
        except ImportError:
            base = Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "nnkit"
    return Path(base).expanduser()


def entry_key(*parts):
    """A short key (16 hex digits of a SHA-256) for an entry made from ``parts`` (JSON-able:
    the verified source hashes, the recipe's parameters and version)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def entry_dir(name, key):
    """The folder of entry ``key`` of data set ``name``: ``<kit cache>/<name>/<key>``."""
    return kit_cache_dir() / name / key


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_entry(folder):
    """The arrays of the entry in ``folder`` as {name: read-only memory-mapped array}, or None
    when there is no complete, intact entry there (missing, or a file that does not match the
    manifest: the caller then builds it again)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        arrays = {}
        for name, meta in manifest.items():
            path = folder / f"{name}.npy"
            if _file_sha256(path) != meta["sha256"]:
                return None
            array = np.load(path, mmap_mode="r", allow_pickle=False)
            if str(array.dtype) != meta["dtype"] or list(array.shape) != meta["shape"]:
                return None
            arrays[name] = array
        return arrays
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_entry(folder, arrays):
    """Write ``arrays`` ({name: array}) as the entry in ``folder``, atomically (a temporary
    sibling renamed into place; an entry another process completed first is kept, a broken one
    replaced). Returns the entry as :func:`read_entry` gives it. Raises OSError when the cache
    folder cannot be written (callers then keep the arrays in memory)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        manifest = {}
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            path = scratch / f"{name}.npy"
            with open(path, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
            manifest[name] = {"dtype": str(array.dtype), "shape": list(array.shape),
                              "sha256": _file_sha256(path)}
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.chmod(scratch, 0o755)  # mkdtemp makes it private; the entry is read by every process
        if read_entry(folder) is None and folder.exists():
            stale = Path(tempfile.mkdtemp(prefix=f".{folder.name}-stale-", dir=folder.parent))
            os.rename(folder, stale / "entry")
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.rename(scratch, folder)
        except OSError:
            if read_entry(folder) is None:  # not a concurrent writer's complete entry
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    entry = read_entry(folder)
    if entry is None:
        raise OSError(f"the cache entry {folder} could not be read back")
    return entry
