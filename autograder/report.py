"""Presenting a Report: a text table for people, Gradescope's results.json for machines.

Text that comes from a submission (exception messages, type names, what its code printed) is
untrusted: :func:`plain_text` makes it safe to print and to store before it enters a report.
"""
import re
import textwrap

from .protocol import write_json

STATUS_MARK = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "not_implemented": "TODO",
               "skipped": "SKIP", "blocked": "BLOCKED"}
HIDDEN_MESSAGE = "hidden check: details are shown after grading"
#: longest text from a submission kept in a message (characters)
MAX_TEXT = 2000
TRUNCATED = "… (truncated)"
#: how a message shows its hint, and where the captured output starts (results.json "output")
HINT_PREFIX = "\n  hint: "
CAPTURED_HEADING = "\n\nOutput of your code:\n"

# terminal escape sequences: CSI (ESC [ or the 8-bit CSI), OSC/DCS/APC/PM/SOS strings up to
# their terminator (or the end), and any other ESC + one character
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
                      r"|(?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x1b.?", re.DOTALL)
# what is left that a terminal or a line splitter acts on: C0 controls but tab and newline,
# DEL, C1 controls, line/paragraph separators, and the bidirectional overrides and isolates
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f"
                       "\u202a-\u202e\u2066-\u2069]")

_SURROGATES = re.compile("[\ud800-\udfff]")


def plain_text(value, limit=MAX_TEXT, newlines=True):
    """``value`` (any object, typically text from a submission) as text that is safe to print on
    a terminal and to store as UTF-8 JSON or CSV: lone surrogates and undecodable bytes become
    U+FFFD, terminal escape sequences are removed, other control characters (a carriage return
    that would overwrite a line, bidirectional overrides, …) are shown as ``\\xNN``/``\\uNNNN``,
    and the text is cut to at most ``limit`` characters
    (applying it twice changes nothing). Newlines are kept, or shown as ``\\n`` when
    ``newlines`` is false (a one-line name)."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value[:4 * limit + 4]).decode("utf-8", "replace")
    else:
        try:
            text = value if isinstance(value, str) else str(value)
        except Exception:  # noqa: BLE001 — an object whose str() fails is shown by its type
            text = f"<{type(value).__name__}>"
    text = _SURROGATES.sub("\ufffd", text[:4 * limit + 64])
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    if not newlines:
        text = text.replace("\n", "\\n")
    text = _CONTROLS.sub(_visible, text)
    return text if len(text) <= limit else text[:max(0, limit - len(TRUNCATED))] + TRUNCATED


def _visible(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def message_of(result, reveal_hidden=True):
    verdict = result.verdict
    if result.check.hidden and not reveal_hidden and verdict.status not in ("not_implemented", "skipped", "blocked"):
        return HIDDEN_MESSAGE if verdict.fraction < 1 else ""
    text = plain_text(verdict.message)
    if verdict.hint:
        text += f"{HINT_PREFIX}{plain_text(verdict.hint)}"
    return text


def hint_in(output):
    """The hint a message_of text (a results.json test's ``output``) carries, or None."""
    if HINT_PREFIX not in (output or ""):
        return None
    return output.split(HINT_PREFIX, 1)[1].split(CAPTURED_HEADING, 1)[0].strip() or None


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
    if report.isolation:
        lines.append(f"Isolation: {report.isolation}")
    return "\n".join(lines)


def _num(value):
    return f"{value:g}"


def after_publication(check, checks=None):
    """True when Gradescope shows ``check`` only once grades are published: a hidden check, or a
    public check whose verdict a hidden check can decide (an exercise it depends on has hidden
    checks, and a failing dependency blocks it), so that nothing visible before publication tells
    a hidden check's result."""
    if check.hidden:
        return True
    if checks is None:
        from .checks import ALL_CHECKS as checks
    with_hidden = {other.exercise for other in checks if other.hidden}
    return any(dependency in with_hidden for dependency in check.depends_on)


def gradescope_results(report, reveal_hidden=False, execution_time=None):
    """Gradescope's results.json: score, and one test per check. A check whose result could
    tell a hidden check's (:func:`after_publication`) has ``visibility`` ``after_published``; the
    top-level ``output`` (shown at once) counts the visible checks only. ``execution_time``: the
    grading's wall-clock seconds, when measured."""
    tests, shown, shown_max, later, later_max = [], 0.0, 0.0, 0, 0.0
    for result in report.results:
        check, verdict = result.check, result.verdict
        output = message_of(result, reveal_hidden=True)
        captured = report.outputs.get(check.exercise)
        if captured and verdict.status in ("error", "failed"):
            output += CAPTURED_HEADING + plain_text(captured, limit=2 * MAX_TEXT + 100)
        hidden_until_published = after_publication(check)
        if hidden_until_published:
            later, later_max = later + 1, later_max + check.points
        else:
            shown, shown_max = shown + result.score, shown_max + check.points
        tests.append({
            "name": f"{check.exercise}: {check.id.split('.')[-1]}",
            "name_format": "text",
            "number": check.id,
            "score": result.score,
            "max_score": check.points,
            "status": "passed" if verdict.fraction >= 1 else "failed",
            "output": output,
            "output_format": "text",
            "visibility": "after_published" if hidden_until_published else "visible",
            "tags": [check.exercise, verdict.status],
        })
    summary = f"Checks shown now: {shown:g}/{shown_max:g} points."
    if later:
        summary += (f" Shown when grades are published: {later} more check{'s' if later != 1 else ''} worth "
                    f"{later_max:g} point{'s' if later_max != 1 else ''} (hidden checks, and checks that run on "
                    "the exercises those test).")
    results = {"score": report.score, "tests": tests, "output_format": "text", "output": summary,
               "visibility": "visible", "stdout_visibility": "hidden",
               "extra_data": {"isolation": report.isolation}}
    if execution_time is not None:
        results["execution_time"] = round(float(execution_time), 2)
    return results


def write_results(report, path, execution_time=None):
    """Write the report's results.json (see :func:`gradescope_results`) to ``path``."""
    write_results_json(path, gradescope_results(report, execution_time=execution_time))


def write_results_json(path, payload):
    """Write a Gradescope results.json ``payload`` (a dict: "score", "tests", "output", …) to
    ``path`` atomically (files.atomic_write: a submission cannot leave a half-written or earlier
    file), as indented JSON. Every results.json of the kit is written here."""
    write_json(path, payload)
