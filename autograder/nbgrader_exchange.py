"""Running the nbgrader course with nbgrader's own exchange, or without one.

``nnkit nbgrader-exchange [--root DIR] [--config-dir DIR]`` (:func:`make_exchange`) creates
nbgrader's exchange folder, world-writable with the sticky bit (mode 1777, like ``/tmp``: every
user may create entries, none may remove another's), which nbgrader expects to exist, and writes
the students' ``nbgrader_config.py`` (the exchange and the course id) into a folder every user's
Jupyter reads (default ``/etc/jupyter``), so that a student on the same machine or JupyterHub
can ``nbgrader fetch_assignment`` and ``submit``.

``nnkit nbgrader-hand-in NOTEBOOK STUDENT`` (:func:`hand_in`), run in the course folder, places a
notebook received some other way (e-mail, a learning platform) as nbgrader's ``submit`` would:
``submitted/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb`` with ``timestamp.txt`` (the time of hand-in, in
nbgrader's format) and ``submission_secret.txt``, which ``autograde``, ``generate_feedback`` and
``release_feedback`` read.
"""
import datetime
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

from .course import CHAPTERS

#: nbgrader's default exchange folder (``c.Exchange.root``), as on JupyterHub
EXCHANGE = "/srv/nbgrader/exchange"
#: a folder of Jupyter's configuration path that every user's nbgrader reads
GLOBAL_CONFIG_DIR = "/etc/jupyter"
#: world-writable with the sticky bit (``chmod 1777``)
EXCHANGE_MODE = stat.S_ISVTX | 0o777
#: nbgrader's ``Exchange.timestamp_format`` (nbgrader.exchange.abc.exchange)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_.@-]+$")


def make_exchange(root=EXCHANGE, config_dir=GLOBAL_CONFIG_DIR, course_id="nnkit"):
    """Create the exchange folder ``root`` (mode 1777; an existing one gets that mode) and write
    ``config_dir/nbgrader_config.py`` for the students. Returns (root, config file)."""
    from .templates import render
    root = Path(root).absolute()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, EXCHANGE_MODE)
    config = Path(config_dir) / "nbgrader_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(render("nbgrader_student_config.py.j2", exchange=str(root), course_id=course_id),
                      encoding="utf-8")
    return root, config


def assignment_of(notebook):
    """The assignment (course chapter) a notebook file is named after, e.g. ``ch1_single_layer``."""
    names = [chapter.name for chapter in CHAPTERS]
    stem = Path(notebook).stem
    if stem not in names:
        raise ValueError(f"{Path(notebook).name} is not named after an assignment ({', '.join(names)}.ipynb); "
                         "pass --assignment")
    return stem


def hand_in(notebook, student, course_dir=".", assignment=None, now=None):
    """Place ``notebook`` as ``student``'s submission of ``assignment`` (default: the notebook's
    name) under ``course_dir/submitted/``, with nbgrader's ``timestamp.txt`` (``now``, default the
    current UTC time) and ``submission_secret.txt``. Returns the submission folder."""
    if not _STUDENT_ID.match(student):
        raise ValueError(f"student id {student!r}: use letters, digits and _ . @ - only")
    assignment = assignment or assignment_of(notebook)
    if assignment not in [chapter.name for chapter in CHAPTERS]:
        raise ValueError(f"no assignment {assignment!r}")
    folder = Path(course_dir) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, folder / f"{assignment}.ipynb")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    (folder / "timestamp.txt").write_text(now.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
    (folder / "submission_secret.txt").write_text(secrets.token_hex(64), encoding="utf-8")
    return folder
