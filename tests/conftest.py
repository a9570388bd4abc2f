import shutil
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parent.parent


@pytest.fixture
def solved_copy(tmp_path):
    """exercises/ with the reference modules copied in: what a student who solved all has."""
    folder = tmp_path / "solved"
    shutil.copytree(KIT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module in (KIT / "reference").glob("*.py"):
        if module.name != "__init__.py":
            shutil.copy(module, folder / module.name)
    return folder
