import shutil
import signal
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parent.parent

# A test run started in the background of a non-interactive shell (`cmd &`) inherits SIGINT
# ignored, and so would every grading process the tests start and then interrupt as Ctrl-C does:
# catch it again here, so that the processes the tests start get the default (exec resets it).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def solved_copy(tmp_path):
    """exercises/ with the reference modules copied in: what a student who solved all has."""
    folder = tmp_path / "solved"
    shutil.copytree(KIT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module in (KIT / "reference").glob("*.py"):
        if module.name != "__init__.py":
            shutil.copy(module, folder / module.name)
    return folder
