"""Presenting a Report: a text table for people, Gradescope's results.json for machines."""
import textwrap

from .protocol import write_json

STATUS_MARK = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "not_implemented": "TODO",
               "skipped": "SKIP", "blocked": "BLOCKED"}
HIDDEN_MESSAGE = "hidden check: details are shown after grading"


def message_of(result, reveal_hidden=True):
    verdict = result.verdict
    if result.check.hidden and not reveal_hidden and verdict.status not in ("not_implemented", "skipped", "blocked"):
        return HIDDEN_MESSAGE if verdict.fraction < 1 else ""
    text = verdict.message
    if verdict.hint:
        text += f"\n  hint: {verdict.hint}"
    return text


def format_table(report, reveal_hidden=True, width=100):
    """A per-check table grouped by exercise, with subtotals and the total."""
    lines = []
    for exercise, results in report.by_exercise().items():
        got = sum(r.score for r in results)
        total = sum(r.check.points for r in results)
        lines.append(f"{exercise}  [{_num(got)}/{_num(total)}]")
        for result in results:
            mark = STATUS_MARK.get(result.verdict.status, result.verdict.status)
            name = result.check.id.split(".")[-1] + (" (hidden)" if result.check.hidden else "")
            lines.append(f"  {mark:<7} {name:<24} {_num(result.score):>5}/{_num(result.check.points):<4}"
                         f" {result.check.description}")
            message = message_of(result, reveal_hidden)
            for part in message.splitlines() if message and result.verdict.status != "passed" else []:
                lines.extend(textwrap.wrap(part, width, initial_indent="          ", subsequent_indent="            "))
    lines.append("")
    lines.append(f"Total: {_num(report.score)}/{_num(report.max_score)}")
    skipped = sum(r.check.points for r in report.results if r.verdict.status == "skipped")
    if skipped:
        lines.append(f"({_num(skipped)} points skipped: see the SKIP lines for what to install)")
    return "\n".join(lines)


def _num(value):
    return f"{value:g}"


def gradescope_results(report, reveal_hidden=False):
    """Gradescope's results.json: score, and one test per check (hidden ones visible after
    publishing, with their details withheld from the student until then)."""
    tests = []
    for result in report.results:
        check, verdict = result.check, result.verdict
        output = message_of(result, reveal_hidden=True)
        captured = report.outputs.get(check.exercise)
        if captured and verdict.status in ("error", "failed"):
            output += "\n\nOutput of your code:\n" + captured
        tests.append({
            "name": f"{check.exercise}: {check.id.split('.')[-1]}",
            "name_format": "text",
            "number": check.id,
            "score": result.score,
            "max_score": check.points,
            "status": "passed" if verdict.fraction >= 1 else "failed",
            "output": output,
            "output_format": "text",
            "visibility": "after_published" if check.hidden else "visible",
            "tags": [check.exercise, verdict.status],
        })
    return {"score": report.score, "tests": tests, "output_format": "text",
            "output": f"{report.score:g}/{report.max_score:g} points",
            "visibility": "visible", "stdout_visibility": "hidden"}


def write_results(report, path):
    """Write the report's results.json (see :func:`gradescope_results`) to ``path``."""
    write_results_json(path, gradescope_results(report))


def write_results_json(path, payload):
    """Write a Gradescope results.json ``payload`` (a dict: "score", "tests", "output", …) to
    ``path`` atomically (files.atomic_write: a submission cannot leave a half-written or earlier
    file), as indented JSON. Every results.json of the kit is written here."""
    write_json(path, payload)
