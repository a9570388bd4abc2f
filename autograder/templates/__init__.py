"""The kit's templates (Jinja2) and the one helper that renders them: :func:`render`.

Templates whose names end in ``.j2`` are rendered with :func:`render`; the others (the Gradescope
scripts, the student ``.gitignore``) are copied as they are (:func:`path`). Filters: ``toml``
(a string or a list of strings as a TOML value) and ``repr`` (a Python literal).
"""
import json
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def path(name):
    """The file of the template ``name`` (for templates copied as they are)."""
    return FOLDER / name


def toml_value(value):
    """``value`` (a string, number, bool or list of those) written as a TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, (int, float)):
        return repr(value)
    # a JSON string without \\u escapes of non-ASCII characters is a TOML basic string
    return json.dumps(str(value), ensure_ascii=False)


@lru_cache(maxsize=None)
def environment():
    """The Jinja2 environment of this folder: strict (an undefined name is an error), no HTML
    escaping, trailing newlines kept."""
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(FOLDER)), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True)
    env.filters.update(toml=toml_value, repr=repr)
    return env


def render(name, **context):
    """The text of the template ``name`` (e.g. ``"student_README.md.j2"``) rendered with ``context``."""
    return environment().get_template(name).render(**context)
