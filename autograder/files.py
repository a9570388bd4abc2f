"""File-system jobs of the grader: writing a file atomically, the private folder of grading runs,
measuring and deleting what an untrusted child left on disk.

Light on purpose (standard library only): the isolated child imports it before the sandbox.
"""
import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

#: folders nested deeper than this in a sandbox count as over the disk limit
MAX_SANDBOX_DEPTH = 32
#: open a folder without following a symbolic link in its place
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def atomic_write(path, content, *, encoding=None, newline=None, permissions=None, fsync=False):
    """Write ``path`` in one step: readers see the old file or the whole new one, never a part.

    ``content`` is bytes, a str (encoded with ``encoding``, UTF-8 by default) or a callable
    ``write(handle)`` given the open temporary file: binary, or text when ``encoding`` is given
    (``newline`` as for :func:`open`). The temporary file lives in the same folder (named
    ``.NAME.*.tmp``) and replaces ``path`` with :func:`os.replace`; it is removed if writing
    fails. ``permissions`` (e.g. ``0o644``) is applied before the move, otherwise the file keeps
    :func:`tempfile.mkstemp`'s owner-only mode; ``fsync`` flushes the data to disk first.
    """
    path = Path(path)
    if isinstance(content, str):
        encoding = encoding or "utf-8"
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if encoding is None:
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if permissions is not None:
            os.chmod(temporary, permissions)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def grading_root():
    """This user's folder for grading runs (created private, 0700), or None if it cannot be
    trusted (not a folder, someone else's, or readable by others)."""
    root = Path(tempfile.gettempdir()) / f"nnkit-grading-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return root


def run_folder(prefix):
    """A new private folder for one grading run (``prefix`` e.g. "nnkit-grade-") in
    :func:`grading_root`, named after this process (its pid and start time) so that a later run
    can tell when its owner is gone. Runs whose owner was killed (SIGKILL, a lost Dask worker, a
    machine that stopped) leave their folders behind: each new run first removes those
    (:func:`remove_orphans`)."""
    root = grading_root()
    if root is not None:
        remove_orphans(root)
    pid = os.getpid()
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{pid}.{process_start(pid)}-", dir=root))


#: a run folder's name: prefix, owner's pid, owner's start time, mkdtemp's random part
_RUN_FOLDER = re.compile(r"^nnkit-[a-z]+-(\d+)\.(\d+)-[^/]+$")


def remove_orphans(root):
    """Delete the run folders in ``root`` (made by :func:`run_folder`) whose owner is gone: no
    process with that pid, or one started at another time (the pid was reused). Folders named
    otherwise are left alone."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        match = _RUN_FOLDER.match(name)
        if match and process_start(int(match.group(1))) != int(match.group(2)):
            remove_tree(Path(root) / name)


def process_start(pid):
    """When process ``pid`` started (clock ticks since boot, from /proc/PID/stat), 0 where that
    cannot be read but the process exists (not Linux), -1 when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rpartition(b")")[2].split()[19])
    except FileNotFoundError:
        return -1
    except (OSError, ValueError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return -1
        except OSError:
            pass
        return 0


def process_tree(pid):
    """``pid`` and every process descended from it (Linux: read from /proc; elsewhere ``[pid]``),
    e.g. a sandbox launcher and the child it started in its namespaces."""
    parents = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return [pid]
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending += parents.get(current, [])
    return tree


def disk_usage(folder, pids):
    """Bytes the child processes ``pids`` (one pid or a list) keep on disk: its sandbox ``folder``'s files (each counted as at
    least a block, so that millions of empty files count too) and deleted files it still holds
    open or mapped. Folders nested deeper than MAX_SANDBOX_DEPTH count as unlimited (``inf``).
    Walks with folder handles, without recursion, so no depth or path length the child creates
    can break it."""
    total = 0
    try:
        top = os.open(folder, _FOLDER_FLAGS)
    except OSError:
        return 0
    stack = []
    try:
        stack.append((top, os.scandir(top)))
        while stack:
            handle, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                entries.close()
                os.close(stack.pop()[0])
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += max(info.st_blocks * 512, 4096)
            if stat.S_ISDIR(info.st_mode):
                if len(stack) >= MAX_SANDBOX_DEPTH:
                    return float("inf")
                try:
                    inner = os.open(entry.name, _FOLDER_FLAGS, dir_fd=handle)
                except OSError:
                    continue
                try:
                    stack.append((inner, os.scandir(inner)))
                except OSError:
                    os.close(inner)
    except OSError:
        pass
    finally:
        for handle, entries in stack:
            entries.close()
            os.close(handle)
    return total + sum(_deleted_but_open(pid) for pid in ([pids] if isinstance(pids, int) else pids))


def _deleted_but_open(pid):
    """Bytes of the deleted regular files process ``pid`` still holds open or mapped (Linux).
    Only entries the kernel marks ``(deleted)`` are looked at (a TensorFlow child maps hundreds of
    files; stat-ing them all every watch interval cost the grader most of a second per grade)."""
    total = 0
    seen = set()
    for entry in _deleted_entries(pid):
        try:
            info = os.stat(entry)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_nlink == 0 and (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_blocks * 512
    return total


def _deleted_entries(pid):
    """/proc paths of the descriptors and mappings of ``pid`` that point to deleted files."""
    entries = []
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{name}").endswith(" (deleted)"):
                    entries.append(f"/proc/{pid}/fd/{name}")
            except OSError:
                continue
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/maps", "rb") as handle:
            for line in handle:
                if line.rstrip().endswith(b" (deleted)"):
                    entries.append(f"/proc/{pid}/map_files/{line.split(None, 1)[0].decode()}")
    except OSError:
        pass
    return entries


def remove_tree(folder):
    """Delete a run's folder, whatever a child left in it (any depth, any permissions), without
    recursion: sub-folders are moved up to the top, emptied and removed one at a time."""
    try:
        shutil.rmtree(folder)
        return
    except FileNotFoundError:
        return
    except (OSError, RecursionError):
        pass
    try:
        top = os.open(folder, _FOLDER_FLAGS)
    except OSError:
        return
    try:
        pending, moved = os.listdir(top), 0
        while pending:
            name = pending.pop()
            try:
                if not stat.S_ISDIR(os.stat(name, dir_fd=top, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=top)
                    continue
                os.chmod(name, 0o700, dir_fd=top)
                inner = os.open(name, _FOLDER_FLAGS, dir_fd=top)
            except OSError:
                continue
            try:
                for entry in os.listdir(inner):
                    with contextlib.suppress(OSError):
                        if stat.S_ISDIR(os.stat(entry, dir_fd=inner, follow_symlinks=False).st_mode):
                            moved += 1
                            os.rename(entry, f".removed-{moved}", src_dir_fd=inner, dst_dir_fd=top)
                            pending.append(f".removed-{moved}")
                        else:
                            os.unlink(entry, dir_fd=inner)
            finally:
                os.close(inner)
            with contextlib.suppress(OSError):
                os.rmdir(name, dir_fd=top)
    finally:
        os.close(top)
    with contextlib.suppress(OSError):
        os.rmdir(folder)
