"""What a graded class looks like, from its results.json files (grade-batch's OUT folder): the
numbers the class overview (``OUT/index.html``, autograder/html_report.py) shows.

Everything is read from the files, so the overview can be rebuilt at any time, and a student whose
file is missing or unreadable is listed as not graded.
"""
from urllib.parse import quote
from collections import Counter, defaultdict

from .batch import read_results, results_path, safe_name
from .report import hint_in, plain_text

#: statuses (results.json tags) that count as a failure of a check
FAILED = ("failed", "error", "not_implemented", "blocked")
#: hints listed in the overview
MAX_HINTS = 15


def isolation_of(payload):
    """The isolation a student was graded under, as results.json records it
    (``extra_data.isolation``; also read at the top level or in ``metadata``), or None."""
    value = payload.get("isolation")
    for holder in ("extra_data", "metadata"):
        if value is None and isinstance(payload.get(holder), dict):
            value = payload[holder].get("isolation")
    if isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in value.items())
    return None if value is None else plain_text(value, 200, newlines=False)


def summarize(out, names):
    """The class overview's numbers for the students ``names`` graded into ``out``:

    * ``students``: one dict per student (name, link to their report relative to ``out``, score,
      max_score, seconds, isolation, graded, error);
    * ``scores`` of the graded students and ``max_score`` (the largest max found);
    * ``checks``: per check id {"check", "name", "exercise", "failed", "graded", "rate"}, the highest
      failure rate first (a check fails for a student when its status is one of FAILED);
    * ``hints``: the most frequent hints [(hint, students, checks)], most frequent first;
    * ``exercises``: per exercise {"exercise", "mean", "max_score"} in course order;
    * ``isolation``: the isolations recorded (sorted, distinct); ``seconds``: the sum of the
      students' grading times.
    """
    students, scores, max_score = [], [], 0.0
    failed, graded_checks, names_of, exercise_of = Counter(), Counter(), {}, {}
    hints, hint_checks = Counter(), defaultdict(set)
    per_exercise, exercise_max = defaultdict(float), {}
    isolations, seconds = set(), 0.0
    for name in names:
        payload = read_results(out, name)
        folder = safe_name(name)
        row = {"name": plain_text(name, 200, newlines=False), "link": f"students/{quote(folder)}/report.html",
               "has_report": (results_path(out, name).with_name("report.html")).exists(),
               "score": None, "max_score": None, "seconds": None, "isolation": None, "graded": payload is not None,
               "error": None}
        students.append(row)
        if payload is None:
            continue
        tests = [t for t in payload.get("tests", []) if isinstance(t, dict)]
        row["score"] = _number(payload.get("score"))
        row["max_score"] = sum(_number(t.get("max_score")) for t in tests)
        row["seconds"] = _number(payload.get("execution_time"), None)
        row["isolation"] = isolation_of(payload)
        if not tests:
            row["error"] = plain_text(payload.get("output", ""), 300, newlines=False)
        if row["isolation"]:
            isolations.add(row["isolation"])
        seconds += row["seconds"] or 0.0
        scores.append(row["score"])
        max_score = max(max_score, row["max_score"])
        seen_hints = set()
        for test in tests:
            check = str(test.get("number", test.get("name", "?")))
            tags = test.get("tags") or ["", ""]
            exercise, status = str(tags[0]), str(tags[1] if len(tags) > 1 else "")
            names_of[check], exercise_of[check] = str(test.get("name", check)), exercise
            per_exercise[exercise] += _number(test.get("score"))
            exercise_max.setdefault(exercise, 0.0)
            graded_checks[check] += 1
            if status in FAILED:
                failed[check] += 1
                hint = hint_in(test.get("output", ""))
                if hint and hint not in seen_hints:
                    seen_hints.add(hint)
                    hints[hint] += 1
                    hint_checks[hint].add(check)
        for exercise in {str((t.get("tags") or [""])[0]) for t in tests}:
            exercise_max[exercise] = max(exercise_max[exercise],
                                         sum(_number(t.get("max_score")) for t in tests
                                             if str((t.get("tags") or [""])[0]) == exercise))
    graded = len(scores)
    checks = [{"check": check, "name": names_of[check], "exercise": exercise_of[check], "failed": failed[check],
               "graded": count, "rate": failed[check] / count} for check, count in graded_checks.items()]
    checks.sort(key=lambda c: (-c["rate"], c["check"]))
    return {
        "students": students, "scores": scores, "max_score": max_score, "graded": graded,
        "checks": checks,
        "hints": [(hint, count, sorted(hint_checks[hint])) for hint, count in hints.most_common(MAX_HINTS)],
        "exercises": [{"exercise": exercise, "mean": per_exercise[exercise] / graded if graded else 0.0,
                       "max_score": exercise_max[exercise]} for exercise in exercise_max],
        "isolation": sorted(isolations), "seconds": seconds,
    }


def _number(value, default=0.0):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
