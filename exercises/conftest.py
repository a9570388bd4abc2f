"""Hooks of the kit's pytest front end (summary line) for `pytest exercises`."""
from autograder.pytest_plugin import pytest_terminal_summary  # noqa: F401
