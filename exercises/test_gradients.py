"""Public checks of gradients.py (the autograder's own checks, run in this process)."""
from pathlib import Path

import pytest

from autograder.pytest_plugin import public_checks, run_check

HERE = Path(__file__).parent


@pytest.mark.parametrize("check", public_checks("gradients"))
def test_gradients(check):
    run_check(check, HERE)
