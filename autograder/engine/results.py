"""The result model of grading: a check's :class:`Verdict` (from checks.base), scored as a
:class:`CheckResult`, collected in a :class:`Report`."""
from dataclasses import dataclass, field

from ..checks.base import Verdict

__all__ = ["CheckResult", "Report", "Verdict"]


@dataclass
class CheckResult:
    """One check's verdict; ``score`` is the points it earns (``check.points × fraction``)."""

    check: object
    verdict: Verdict

    @property
    def score(self):
        return round(self.check.points * self.verdict.fraction, 6)


@dataclass
class Report:
    """A graded submission: one CheckResult per check, in the order of the checks, and the
    captured output of each exercise's child ({exercise: text}, only where there was some), and
    the isolation the children ran under (one line, see ``Isolation.describe``)."""

    results: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)  # exercise -> captured output of its child
    isolation: str = ""

    @property
    def score(self):
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self):
        return round(sum(r.check.points for r in self.results), 6)

    def by_exercise(self):
        """{exercise: [CheckResult, ...]} in order of first appearance."""
        grouped = {}
        for result in self.results:
            grouped.setdefault(result.check.exercise, []).append(result)
        return grouped
