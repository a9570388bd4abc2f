"""Self-contained HTML reports: one per graded submission, and the class overview of a batch.

Pages are rendered from Jinja2 templates (autograder/templates/report.html.j2, overview.html.j2)
with autoescaping: text from a submission is shown as text, never as markup. Pictures are drawn
here, in the grader's process (autograder/pictures, from the figures data of each verdict) and
inlined as PNG data URIs: a report is one file, needs no network, and reads on a phone. A picture
that cannot be drawn is one line in the report, never a failed grade.
"""
import time
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from . import __version__
from .files import atomic_write
from .report import CAPTURED_HEADING, HIDDEN_MESSAGE, MAX_TEXT, STATUS_MARK, plain_text


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the kit's HTML templates (autoescaped)."""
    env = Environment(loader=PackageLoader("autograder", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda value: "" if value is None else f"{value:g}"
    env.filters["pct"] = lambda value: "" if value is None else f"{value:.0%}"
    return env


# --------------------------------------------------------------------------- one submission

def submission_context(report, title="", reveal_hidden=True, draw=True, omitted=None):
    """The template's data for a graded ``report`` (engine.Report): per exercise its score and
    checks, each check with its status, message, hint and pictures ({"uri", "alt"}) or the lines
    saying why a picture is missing (``notes``). ``draw=False`` leaves the pictures out;
    ``omitted`` (a line of text) does too, and is the note given in place of each picture."""
    draw = draw and omitted is None
    from . import pictures
    started = time.perf_counter()
    exercises = []
    for exercise, results in report.by_exercise().items():
        checks = []
        for result in results:
            check, verdict = result.check, result.verdict
            concealed = check.hidden and not reveal_hidden and verdict.status not in (
                "not_implemented", "skipped", "blocked")
            images, notes = [], []
            if omitted is not None and not concealed:
                notes += [omitted] * len(verdict.figures)
            for data in ([] if concealed or not draw else verdict.figures):
                uri, problem = pictures.draw(data)
                if uri:
                    images.append({"uri": uri, "alt": f"{check.id}: {data.get('kind')}", "kind": data.get("kind")})
                else:
                    notes.append(problem)
            checks.append({
                "id": check.id, "name": check.id.split(".")[-1], "description": check.description,
                "hidden": check.hidden, "status": verdict.status,
                "mark": STATUS_MARK.get(verdict.status, verdict.status),
                "score": result.score, "points": check.points,
                "message": (HIDDEN_MESSAGE if verdict.fraction < 1 else "") if concealed else plain_text(verdict.message),
                "hint": None if concealed or not verdict.hint else plain_text(verdict.hint),
                "pictures": images, "notes": notes})
        captured = report.outputs.get(exercise)
        show_output = captured and any(c["status"] in ("error", "failed") for c in checks)
        exercises.append({
            "name": exercise, "score": round(sum(r.score for r in results), 6),
            "max_score": round(sum(r.check.points for r in results), 6),
            "passed": all(c["status"] == "passed" for c in checks), "checks": checks,
            "output": plain_text(captured, limit=2 * MAX_TEXT + 100) if show_output else None})
    return {"title": title, "score": report.score, "max_score": report.max_score, "exercises": exercises,
            "isolation": plain_text(getattr(report, "isolation", "") or "", 200, newlines=False),
            "version": __version__, "generated": time.strftime("%Y-%m-%d %H:%M"),
            "output_heading": CAPTURED_HEADING.strip(), "drawing_seconds": time.perf_counter() - started}


def render_submission(report, title="", reveal_hidden=True, omitted=None):
    """The HTML report of a graded submission (a str: one self-contained page); with ``omitted``
    (why), without its pictures (:func:`submission_context`)."""
    return environment().get_template("report.html.j2").render(
        **submission_context(report, title, reveal_hidden, omitted=omitted))


def write_submission(report, path, title="", reveal_hidden=True):
    """Write the HTML report of ``report`` to ``path`` (atomically); returns the path."""
    return atomic_write(path, render_submission(report, title, reveal_hidden), encoding="utf-8",
                        permissions=0o644)


# --------------------------------------------------------------------------- a class

def overview_context(out, names, seconds=None, draw=True):
    """The class overview's data: class_summary.summarize of ``out`` for the students ``names``,
    with the score histogram and the failure rates drawn (``draw``), and ``seconds`` the wall-clock
    time of the batch run (None: not known)."""
    from . import class_summary
    summary = class_summary.summarize(out, names)
    notes, score_picture, failure_picture = [], None, None
    if draw:
        from .pictures import overview
        score_picture, problem = _safely(lambda: overview.draw_scores(summary["scores"], summary["max_score"]),
                                         "score distribution")
        notes += [problem] if problem else []
        failure_picture, problem = _safely(lambda: overview.draw_failure_rates(
            [c["check"] for c in summary["checks"]], [c["rate"] for c in summary["checks"]]), "failure rates")
        notes += [problem] if problem else []
    return {**summary, "wall_seconds": seconds, "score_picture": score_picture, "failure_picture": failure_picture,
            "notes": notes, "version": __version__, "generated": time.strftime("%Y-%m-%d %H:%M"),
            "mean": sum(summary["scores"]) / len(summary["scores"]) if summary["scores"] else None}


def _safely(make, name):
    try:
        return make(), None
    except Exception as exc:  # noqa: BLE001 — a drawing never fails a batch
        return None, f"the {name} picture could not be drawn: {type(exc).__name__}: {plain_text(exc, 200, newlines=False)}"


def render_overview(out, names, seconds=None):
    """The class overview page (a str)."""
    return environment().get_template("overview.html.j2").render(**overview_context(out, names, seconds))


def write_overview(out, names, seconds=None):
    """Write ``out``/index.html, the class overview of the students ``names``; returns its path."""
    from pathlib import Path
    return atomic_write(Path(out) / "index.html", render_overview(out, names, seconds), encoding="utf-8",
                        permissions=0o644)
