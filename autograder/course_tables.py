"""The course's tables in Markdown, derived from the manifest (``course.py``) and the checks:
README.md shows them (``tests/test_course_manifest.py`` fails when it shows anything else), the
student README shows the public one."""
from .checks import ALL_CHECKS
from .course import CHAPTERS, COURSE_MODULES, EXERCISES


def _points(value):
    return f"{value:g}"


def exercise_table(public_only=False):
    """| exercise | module | points |: every exercise in teaching order with the points of its
    checks (public and hidden, or public only)."""
    checks = [check for check in ALL_CHECKS if not (public_only and check.hidden)]
    header = "public points" if public_only else "points (hidden)"
    lines = [f"| exercise | module | {header} |", "| --- | --- | --- |"]
    for module in COURSE_MODULES:
        for exercise in module.exercises:
            mine = [check for check in checks if check.exercise == exercise]
            if not mine:
                continue
            points = _points(sum(check.points for check in mine))
            hidden = sum(check.points for check in mine if check.hidden)
            if hidden:
                points += f" ({_points(hidden)})"
            lines.append(f"| `{exercise}` | `exercises/{module.name}.py` | {points} |")
    return "\n".join(lines)


def chapter_table():
    """| assignment | chapter | exercises | given, graded earlier |: the nbgrader assignments in
    order, each with the exercises it teaches and the earlier exercises its checks run (given in
    its notebook as their reference solutions)."""
    from .nbgrader_course import needed_exercises  # the instructor's kit only
    lines = ["| assignment | chapter | exercises | given, graded earlier |", "| --- | --- | --- | --- |"]
    for index, chapter in enumerate(CHAPTERS):
        carried = [e for e in EXERCISES if e in needed_exercises(index) and e not in chapter.exercises]
        lines.append(f"| `{chapter.name}` | {chapter.title} | {_names(chapter.exercises)} | {_names(carried) or '–'} |")
    return "\n".join(lines)


def _names(exercises):
    return ", ".join(f"`{exercise}`" for exercise in exercises)
