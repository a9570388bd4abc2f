"""Running probes on a submission and describing what went wrong, shared by the in-process
runner (pytest) and the isolated child process (CLI)."""
import sys
import traceback
import types
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


def snapshot_tools():
    """A fingerprint of the grader's tools in this process, taken before the submission is
    imported: the identity of every attribute of the watched modules and of the kit's loaded
    modules (``autograder.*``), and of every attribute of the classes those define; and which
    plain types count as which ``collections.abc`` class (``register`` changes that). Compared
    by :func:`changed_tools` after each case: code that replaces ``inspect.isgenerator`` or
    ``numpy.array_equal``, or registers ``list`` as an Iterator, would otherwise have the probe
    state what is not true. The modules are also made to record every assignment or deletion of
    one of their attributes (:class:`_WatchedModule`): a tool swapped while the probe uses it and
    put back before the comparison (by a thread left running) is still a change."""
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
        _TOOL_NAMES[name] = frozenset(vars(module))
        if type(module) is types.ModuleType:
            module.__class__ = _WatchedModule
    _REPLACED.clear()
    return identities, _abc_facts(collections.abc)


def changed_tools(snapshot):
    """The names of the tools of ``snapshot`` that are no longer the same objects (replaced or
    deleted), and of the abstract classes whose members changed: a list, empty when untouched."""
    import collections.abc
    identities, facts = snapshot
    changed = sorted(_REPLACED)
    for (name, attribute), identity in identities.items():
        module = sys.modules.get(name)
        if not attribute:
            value = module
        else:
            owner, _, member = attribute.partition(".")
            value = vars(module).get(owner, _GONE) if module is not None else _GONE
            if member and value is not _GONE:
                value = vars(value).get(member, _GONE) if isinstance(value, type) else _GONE
        if id(value) != identity and (f"{name}.{attribute}" if attribute else name) not in changed:
            changed.append(f"{name}.{attribute}" if attribute else name)
    if _abc_facts(collections.abc) != facts:
        changed.append("collections.abc (a type registered)")
    return changed


#: "module.attribute" of every attribute a watched module had at :func:`snapshot_tools` that was
#: assigned another object or deleted since (recorded by :class:`_WatchedModule`, kept even if
#: put back); and those attributes' names, per module
_REPLACED = set()
_TOOL_NAMES = {}


class _WatchedModule(types.ModuleType):
    """The class a watched module is given by :func:`snapshot_tools`: assigning or deleting one
    of its existing attributes to another object is recorded in _REPLACED (and done). New attributes (an alias such
    as ``np.float = float`` in old code) replace nothing."""

    def __setattr__(self, name, value):
        if vars(self).get(name, _GONE) is not value:
            self._record(name)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        self._record(name)
        super().__delattr__(name)

    def _record(self, name):
        if name in _TOOL_NAMES.get(vars(self).get("__name__"), ()):
            _REPLACED.add(f"{vars(self).get('__name__')}.{name}")


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
