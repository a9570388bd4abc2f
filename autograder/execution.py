"""Running probes on a submission and describing what went wrong, shared by the in-process
runner (pytest) and the isolated child process (CLI)."""
import traceback
from pathlib import Path

from .probes import resolve
from .protocol import to_plain_array

MAX_MESSAGE = 500


def describe_error(exc, submission_folder=None):
    """A plain-data description of an exception raised by student code."""
    where = ""
    if submission_folder is not None:
        folder = str(Path(submission_folder).resolve())
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(f.filename).startswith(folder)]
        if frames:
            frame = frames[-1]
            where = f"{Path(frame.filename).name}, line {frame.lineno}: {(frame.line or '').strip()}"[:200]
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return {"type": type(exc).__name__, "message": message, "where": where,
            "not_implemented": isinstance(exc, NotImplementedError)}


def run_case(submission, probe, case):
    """Run one probe on one case: (outputs dict of plain arrays, None) or (None, error dict)."""
    try:
        raw = resolve(probe)(submission, case)
        if not isinstance(raw, dict):
            raise TypeError("probe returned no outputs")
        outputs = {}
        for key, value in raw.items():
            try:
                outputs[key] = to_plain_array(value)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{key}: {exc}") from None
        return outputs, None
    except BaseException as exc:  # noqa: B036 — SystemExit and KeyboardInterrupt are grading errors too
        return None, describe_error(exc, submission.folder)
