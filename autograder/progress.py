"""Progress on a terminal: which exercise ``grade`` is running, and ``grade-batch``'s count.

Only a terminal sees the transient lines (they are rewritten in place with a carriage return and
cleared at the end); redirected output stays exactly what it was, so scripts and tests that read it
are unaffected.
"""
import sys
import threading
from contextlib import contextmanager

from .report import plain_text

#: width of grade-batch's bar, in characters
BAR_WIDTH = 30


def is_terminal(stream):
    """Whether ``stream`` is an interactive terminal (False for pipes, files and closed streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def exercise_line(stream=None):
    """A ``progress(exercise, done, total)`` callback for engine.grade that shows
    ``grading EXERCISE (done/total)`` on ``stream`` (stderr) when it is a terminal, else None; the
    line is cleared when the block ends."""
    stream = sys.stderr if stream is None else stream
    if not is_terminal(stream):
        yield None
        return
    lock = threading.Lock()

    def show(exercise, done, total):
        with lock:
            stream.write(f"\r\x1b[Kgrading {plain_text(exercise, 60, newlines=False)} ({done}/{total} done)")
            stream.flush()
    try:
        yield show
    finally:
        stream.write("\r\x1b[K")
        stream.flush()


def bar(done, total, width=BAR_WIDTH):
    """``[#####.....] done/total``: a bar of ``width`` characters."""
    filled = width * done // max(1, total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class BatchProgress:
    """grade-batch's lines: ``[k/N]  status  student  score/max  seconds`` as each student
    finishes (k counts the finished ones), printed on ``stream``; on a terminal a bar below the
    lines, redrawn after each."""

    def __init__(self, total, stream=None):
        self.total, self.done = total, 0
        self.stream = sys.stdout if stream is None else stream
        self.terminal = is_terminal(self.stream)

    def finished(self, status, name, score=None, max_score=None, seconds=None):
        self.done += 1
        parts = [f"[{self.done}/{self.total}]", f"{status:>7}", f" {plain_text(name, 200, newlines=False)}"]
        if score is not None:
            parts.append(f" {score:g}/{max_score:g}" if max_score else f" {score:g}")
        if seconds is not None:
            parts.append(f" {seconds:.1f}s")
        line = " ".join(parts)
        if self.terminal:
            line = "\r\x1b[K" + line + "\n" + (bar(self.done, self.total) if self.done < self.total else "")
        else:
            line += "\n"
        self.stream.write(line)
        self.stream.flush()
