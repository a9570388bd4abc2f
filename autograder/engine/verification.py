"""From what a probe returned to a verdict, in the grader's own process."""
from ..checks.base import Failure, Verdict
from ..checks.figures import gather_figures
from ..report import plain_text


def verify(check, cases, outputs, error, figures=True):
    """Turn a trial's outputs (or its error) into the check's verdict.

    ``cases`` are the trial's input cases, ``outputs`` one dict of arrays per case that ran,
    ``error`` None or the error dict of the case that failed (see :func:`error_verdict`). The
    verdict's fraction is clipped to [0, 1]; whatever the check raises on odd outputs is a
    failed verdict, never the grader's error. With ``figures`` the verdict also carries the data
    of its pictures (:func:`autograder.checks.figures.gather_figures`), which only a report
    draws: without one, gathering it (forward passes over the training snapshots) is skipped.
    """
    if error is not None:
        return error_verdict(check, error)
    verdict = _verdict(check, cases, outputs)
    return gather_figures(check, cases, outputs, verdict) if figures else verdict


def _verdict(check, cases, outputs):
    try:
        verdict = check.verify(cases, outputs)
    except Failure as failure:
        return Verdict(0.0, failure.message, failure.hint, "failed", failure.artifacts)
    except (KeyError, IndexError) as exc:
        return Verdict(0.0, f"an expected output is missing ({exc})", None, "failed")
    except (TypeError, ValueError, ArithmeticError) as exc:
        return Verdict(0.0, f"the values returned could not be checked: {exc}", None, "failed")
    if verdict is None:
        return Verdict(1.0, "")
    verdict.fraction = min(1.0, max(0.0, float(verdict.fraction)))
    return verdict


def error_verdict(check, error):
    """The verdict of a trial that raised: ``error`` is a plain dict {"type", "message",
    "where", "not_implemented"} (from execution.describe_error or the runner); its text comes from
    the submission, so it enters the message through report.plain_text."""
    if error.get("not_implemented"):
        return Verdict(0.0, f"not implemented yet: {check.exercise}", None, "not_implemented")
    if error.get("type") == "Timeout":
        return Verdict(0.0, plain_text(error["message"], 600), "look for a loop that never ends", "error")
    where = f" ({plain_text(error['where'], 300)})" if error.get("where") else ""
    return Verdict(0.0, f"{check.exercise} raised {plain_text(error['type'], 100)}: "
                   f"{plain_text(error['message'], 600)}{where}", _error_hint(check, error), "error")


def _error_hint(check, error):
    """The check's hint for this error (``Check.explain_error``), or None; a hint that cannot be
    made (the error dict lacks a key, odd text) is no hint, never the grader's error."""
    if check.explain_error is None:
        return None
    try:
        return check.explain_error(error)
    except (KeyError, TypeError, ValueError):
        return None


def after_prerequisites(check, verdict, verdicts):
    """The check's verdict, or 'not graded' when a check it comes after did not pass. Errors and
    not-implemented verdicts are kept: they say more than the prerequisite does. ``verdicts``
    maps check ids to the verdicts known so far."""
    if verdict.status not in ("passed", "failed"):
        return verdict
    failing = [cid for cid in check.after if cid in verdicts and verdicts[cid].fraction < 1]
    if not failing:
        return verdict
    return Verdict(0.0, f"not graded: counts once {_prerequisites_text(check, failing)}", None, "blocked")


def _prerequisites_text(check, failing):
    """'values passes', 'gradient and values pass', 'a, b and c pass'; a visible check never names
    a hidden one ('another check passes')."""
    from ..checks import ALL_CHECKS
    hidden = {c.id for c in ALL_CHECKS if c.hidden}
    names = [cid.split(".")[-1] for cid in failing if check.hidden or cid not in hidden]
    if len(names) < len(failing):
        names.append("another check" if len(failing) - len(names) == 1 else "other checks")
    text = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{text} {'passes' if len(failing) == 1 else 'pass'}"
