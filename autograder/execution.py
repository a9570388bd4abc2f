"""Running probes on a submission and describing what went wrong, shared by the in-process
runner (pytest) and the isolated child process (CLI)."""
import sys
import traceback
from pathlib import Path

from .probes import resolve
from .protocol import to_plain_array

MAX_MESSAGE = 500


def describe_error(exc, submission_folder=None):
    """A plain-data description of an exception raised by student code."""
    where = ""
    if submission_folder is not None:
        folder = str(Path(submission_folder).resolve())
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(f.filename).startswith(folder)]
        if frames:
            frame = frames[-1]
            where = f"{Path(frame.filename).name}, line {frame.lineno}: {(frame.line or '').strip()}"[:200]
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return {"type": type(exc).__name__, "message": message, "where": where,
            "not_implemented": isinstance(exc, NotImplementedError)}


def run_case(submission, probe, case):
    """Run one probe on one case: (outputs dict of plain arrays, None) or (None, error dict)."""
    try:
        raw = resolve(probe)(submission, case)
        if not isinstance(raw, dict):
            raise TypeError("probe returned no outputs")
        outputs = {}
        for key, value in raw.items():
            try:
                outputs[key] = to_plain_array(value)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{key}: {exc}") from None
        return outputs, None
    except BaseException as exc:  # noqa: B036 — SystemExit and KeyboardInterrupt are grading errors too
        return None, describe_error(exc, submission.folder)


# --------------------------------------------------------------------------- the grader's tools

#: the modules whose functions the probes use to state facts about what the submission returned
#: (is it a generator, were the inputs left alone, which values came back); with the kit's own
#: modules, they must be the same objects after the submission ran as before it was imported
WATCHED_MODULES = ("builtins", "numpy", "numpy.random", "numpy.linalg", "inspect", "collections",
                   "collections.abc", "types", "math", "random", "functools", "itertools", "operator")
#: types whose membership of collections.abc's abstract classes a probe may rely on
_PLAIN_TYPES = (list, tuple, dict, set, frozenset, str, bytes, bytearray, int, float, complex, bool,
                type(None), range, memoryview)


def snapshot_tools(watch_threads=True):
    """A fingerprint of the grader's tools in this process, taken before the submission is
    imported: the identity of every attribute of the watched modules and of the kit's loaded
    modules (``autograder.*``), and of every attribute of the classes those define; and which
    plain types count as which ``collections.abc`` class (``register`` changes that). Compared
    by :func:`changed_tools` after each case: code that replaces ``inspect.isgenerator`` or
    ``numpy.array_equal``, or registers ``list`` as an Iterator, would otherwise have the probe
    state what is not true. With ``watch_threads``, also the number of threads of the process: a
    thread the submission leaves running could swap a tool while the probe uses it and put it
    back before the comparison (not watched where trusted code starts threads: TensorFlow)."""
    import collections.abc
    identities = {}
    for name in (*WATCHED_MODULES, *sorted(m for m in sys.modules if m.split(".")[0] == "autograder")):
        module = sys.modules.get(name)
        if module is None:
            continue
        for attribute, value in list(vars(module).items()):
            identities[(name, attribute)] = id(value)
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for member, inner in list(vars(value).items()):
                    identities[(name, f"{attribute}.{member}")] = id(inner)
        identities[(name, "")] = id(module)
    return identities, _abc_facts(collections.abc), _thread_count() if watch_threads else None


def changed_tools(snapshot):
    """The names of the tools of ``snapshot`` that are no longer the same objects (replaced or
    deleted), and of the abstract classes whose members changed: a list, empty when untouched."""
    import collections.abc
    identities, facts, threads = snapshot
    changed = []
    for (name, attribute), identity in identities.items():
        module = sys.modules.get(name)
        if not attribute:
            value = module
        else:
            owner, _, member = attribute.partition(".")
            value = vars(module).get(owner, _GONE) if module is not None else _GONE
            if member and value is not _GONE:
                value = vars(value).get(member, _GONE) if isinstance(value, type) else _GONE
        if id(value) != identity:
            changed.append(f"{name}.{attribute}" if attribute else name)
    if _abc_facts(collections.abc) != facts:
        changed.append("collections.abc (a type registered)")
    if threads is not None and _thread_count() > threads:
        changed.append("the process's threads (one left running)")
    return changed


def _thread_count():
    """The threads of this process (all of them, not only Python's)."""
    import os
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading
        return threading.active_count()


_GONE = object()


def _abc_facts(abc_module):
    """{(abstract class, plain type)} for every plain type that is a subclass of an abstract
    class of ``abc_module``."""
    classes = [value for value in vars(abc_module).values() if isinstance(value, type)]
    return frozenset((cls.__name__, kind.__name__) for cls in classes for kind in _PLAIN_TYPES
                     if issubclass(kind, cls))


def tampering_error(changed):
    """The error of a case after which the grader's tools were found changed (see
    :func:`snapshot_tools`): results from this process are no longer trusted."""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return {"type": "Tampering", "where": "", "not_implemented": False,
            "message": f"the submission replaced {shown}, which the grader uses to read its results: "
                       "nothing this process reports after that is trusted (do not patch libraries)"}
