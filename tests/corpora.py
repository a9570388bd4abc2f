"""Loading the corpora of tests/corpus/<kind>/ (plain data, not a package): every ``*.py`` file
there holds an ``ENTRIES`` list (``entries.py`` first, then the others by name), so that entries
written at different times, or by different people, live in files of their own."""
import importlib.util
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def corpus_files(kind):
    """The files of one corpus: ``entries.py``, then the other ``*.py`` files by name."""
    folder = CORPUS_DIR / kind
    return sorted(folder.glob("*.py"), key=lambda path: (path.name != "entries.py", path.name))


def load_corpus(kind):
    """Every entry of ``tests/corpus/<kind>/``: the ENTRIES lists of its files, in order; ids unique."""
    entries = []
    for path in corpus_files(kind):
        spec = importlib.util.spec_from_file_location(f"{kind}_corpus_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        entries.extend(module.ENTRIES)
    ids = [entry["id"] for entry in entries]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"corpus {kind}: ids used twice: {duplicated}")
    return entries
