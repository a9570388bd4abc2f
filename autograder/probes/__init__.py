"""Probes: the only code that calls a submission. They run where the submission runs (the
isolated child, or the student's own pytest process), take a case (a dict of arrays) and return a
dict of plain arrays. They compute nothing about the expected answer: that stays in the grader.
"""
PROBES = {}


def probe(name):
    """Register ``function(submission, case) -> dict`` under ``name``."""
    def register(function):
        PROBES[name] = function
        return function
    return register


def scalar(value):
    """A 0-d case entry back to a Python number."""
    return value.item() if hasattr(value, "item") else value


def fresh(value):
    """A private copy of an input, so the grader can see whether the submission mutated it."""
    return value.copy()


from . import layers, training, optimizers, tools, keras  # noqa: E402,F401  (register probes)
from . import keras_agreement  # noqa: E402,F401
