"""Public checks of keras_model.py (the autograder's own checks, run in this process)."""
from pathlib import Path

import pytest

from autograder.pytest_plugin import public_checks, run_check

HERE = Path(__file__).parent


@pytest.mark.parametrize("check", public_checks("keras_model"))
def test_keras_model(check):
    run_check(check, HERE)
