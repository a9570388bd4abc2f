"""Probes: the only code that calls a submission. They run where the submission runs (the
isolated child, or the student's own pytest process), take a case (a dict of arrays) and return a
dict of plain arrays. They compute nothing about the expected answer: that stays in the grader.

A probe is a function ``probe(submission, case) -> dict`` in the module named after the course
module it exercises (``probes/dual_layer.py: backprop``); a check's Trial refers to the function
itself, and the child receives its name (:func:`probe_name`) and finds it with :func:`resolve`.
"""
import importlib

#: the package whose functions a probe name may resolve to (a job never names anything else)
PACKAGE = __name__


def probe_name(probe):
    """The name a probe travels under to the child: ``"autograder.probes.dual_layer:backprop"``
    for a probe function (a string is a name already)."""
    if isinstance(probe, str):
        return probe
    return f"{probe.__module__}:{probe.__qualname__}"


def resolve(probe):
    """The probe function for a probe or its name; only functions of this package resolve."""
    if callable(probe):
        return probe
    module, _, attribute = str(probe).partition(":")
    if not (module == PACKAGE or module.startswith(PACKAGE + ".")) or not attribute.isidentifier():
        raise LookupError(f"not a probe: {probe!r}")
    return getattr(importlib.import_module(module), attribute)


def scalar(value):
    """A 0-d case entry back to a Python number."""
    return value.item() if hasattr(value, "item") else value


def fresh(value):
    """A private copy of an input, so the grader can see whether the submission mutated it."""
    return value.copy()
