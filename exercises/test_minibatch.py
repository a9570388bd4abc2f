"""Public checks of minibatch.py (the autograder's own checks, run in this process)."""
from pathlib import Path

import pytest

from autograder.pytest_plugin import public_checks, run_check

HERE = Path(__file__).parent


@pytest.mark.parametrize("check", public_checks("minibatch"))
def test_minibatch(check):
    run_check(check, HERE)
