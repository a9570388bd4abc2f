"""Loading the corpora of tests/corpus/<kind>/entries.py (plain data, not a package)."""
import importlib.util
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def load_corpus(kind):
    """The ENTRIES list of ``tests/corpus/<kind>/entries.py``."""
    spec = importlib.util.spec_from_file_location(f"{kind}_corpus", CORPUS_DIR / kind / "entries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ENTRIES
