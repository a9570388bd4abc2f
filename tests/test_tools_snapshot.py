"""The child's snapshot of the grader's tools (autograder/execution.py): a probe states facts
about what the submission returned (a generator came back, the inputs were left alone) with
functions of numpy, inspect, collections.abc and the kit; code of the submission that replaces
one of them, or registers a type with an abstract class, is found after the case, and nothing
the process reports afterwards is trusted (tests/corpus/hostile: patch.*)."""
import abc
import inspect
import subprocess
import sys
import types

import numpy as np

from autograder.execution import _abc_facts, changed_tools, snapshot_tools, tampering_error


def test_untouched_tools_are_unchanged():
    snapshot = snapshot_tools()
    np.zeros(3).sum()
    assert changed_tools(snapshot) == []


def test_a_replaced_or_deleted_function_is_found(monkeypatch):
    snapshot = snapshot_tools()
    monkeypatch.setattr(inspect, "isgenerator", lambda obj: True)
    monkeypatch.delattr(np, "array_equal")
    assert set(changed_tools(snapshot)) == {"inspect.isgenerator", "numpy.array_equal"}


def test_a_new_attribute_is_not_a_change(monkeypatch):
    """Old code that adds an alias (``np.float = float``) replaces nothing."""
    snapshot = snapshot_tools()
    monkeypatch.setattr(np, "an_alias_of_float", float, raising=False)
    assert changed_tools(snapshot) == []


def test_a_method_of_a_kit_class_replaced_is_found(monkeypatch):
    from autograder.job import Job
    snapshot = snapshot_tools()
    monkeypatch.setattr(Job, "write", lambda *a, **k: None)
    assert changed_tools(snapshot) == ["autograder.job.Job.write"]


def test_a_type_registered_with_an_abstract_class_changes_the_facts():
    module = types.SimpleNamespace(Lazy=abc.ABCMeta("Lazy", (), {}))
    before = _abc_facts(module)
    module.Lazy.register(list)
    assert _abc_facts(module) - before == {("Lazy", "list")}


def test_registering_list_as_an_iterator_is_found_in_a_process_of_its_own():
    script = ("import collections.abc\nfrom autograder.execution import changed_tools, snapshot_tools\n"
              "s = snapshot_tools()\ncollections.abc.Iterator.register(list)\nprint(changed_tools(s))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "collections.abc (a type registered)" in done.stdout


def test_the_error_names_what_was_replaced():
    error = tampering_error(["inspect.isgenerator", "numpy.dot", "numpy.sum", "math.fsum"])
    assert error["type"] == "Tampering" and not error["not_implemented"]
    assert "inspect.isgenerator, numpy.dot, numpy.sum and 1 more" in error["message"]


def test_a_tool_swapped_and_put_back_is_still_found_in_a_process_of_its_own():
    """What a thread left running could do around the comparison: replace, let the probe use
    it, put it back. The module recorded the assignment."""
    script = ("import inspect\nfrom autograder.execution import changed_tools, snapshot_tools\n"
              "s = snapshot_tools()\noriginal = inspect.isgenerator\n"
              "inspect.isgenerator = lambda obj: True\ninspect.isgenerator = original\n"
              "import numpy\nnumpy.an_alias_of_float = float\nnumpy.dot = numpy.dot\n"
              "print(changed_tools(s))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['inspect.isgenerator']"
