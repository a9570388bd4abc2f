"""Exercises graded in one shared child: what is costly to prepare in a child is prepared once
per submission, not once per exercise. Two kinds of groups:

* the exercises needing TensorFlow (a few seconds to import);
* the light exercises, whose checks need nothing but the submission: each would cost a child's
  start-up (Python, NumPy, the sandbox: about 0.1 s of CPU) for a few milliseconds of work.

:class:`SharedChildren` wraps a runner. When the scheduler asks it to run the trials of an
exercise of a group, it runs, in one child, the trials of every exercise of the group that can
run on this machine, in course order, each from what a child of its own would start from (a fresh
import of the submission, the same random state: :mod:`autograder.child`), keeps the outcomes of
the others and hands them out when the scheduler asks for those exercises, each with its own
output. The scheduling and the verdicts do not change: an exercise is still graded after the
exercises it depends on, a check whose dependency failed is still "not graded" (its trial ran for
nothing, which costs less than a child). Only verdicts that cost nothing are taken from the
group: an exercise that loses points there (an error, a wrong value, a child stopped or crashed
by any exercise of the group) is graded again in a child of its own
(:func:`autograder.engine.grade_exercise`, :func:`autograder.engine.settled`), so that nothing
one exercise does in the group (a loop that never ends, an exit, forged results, a patched
library) costs another one points; a group of correct or untouched exercises runs once.
Only the isolated runner shares; the in-process runner (pytest) runs everything in one process
anyway.
"""
import threading

from .selection import missing_requirements

#: requirements whose preparation in a child is costly: the exercises whose checks need one of
#: them share one child per submission
SHARED_REQUIREMENTS = ("tensorflow",)


def sharing_groups(checks):
    """The groups of exercises graded in one child, each in the order of ``checks`` and of at
    least two exercises: for each requirement of SHARED_REQUIREMENTS, the exercises that have a
    check needing it and able to run here (:func:`missing_requirements`); and the light
    exercises, whose every check requires nothing. A list of lists."""
    runnable = [c for c in checks if missing_requirements(c) is None]
    groups = []
    for need in SHARED_REQUIREMENTS:
        groups.append(list(dict.fromkeys(c.exercise for c in runnable if need in c.requires)))
    needy = {c.exercise for c in checks if c.requires}
    groups.append([e for e in dict.fromkeys(c.exercise for c in runnable) if e not in needy])
    return [members for members in groups if len(members) > 1]


class SharedChildren:
    """A runner (``run(exercise, trials, requires)``, ``close()``) that runs each sharing group of
    ``checks`` (:func:`sharing_groups`) in one call of ``runner.run_segments``. Safe to call from
    several threads: the first exercise of a group to be asked for runs the group; the others
    wait for it."""

    def __init__(self, runner, checks):
        self.runner = runner
        self.checks = list(checks)
        self.group_of = {}
        for members in sharing_groups(self.checks):
            state = {"members": members, "lock": threading.Lock(), "outcomes": None}
            for exercise in members:
                self.group_of[exercise] = state

    def run(self, exercise, trials, requires=()):
        group = self.group_of.get(exercise)
        if group is None:
            return self.runner.run(exercise, trials, requires)
        with group["lock"]:
            if group["outcomes"] is None:
                group["outcomes"] = self._run_group(group["members"])
        outcome, output = group["outcomes"].get(exercise, ({}, ""))
        if not all(trial in outcome for trial in trials):  # not run with the group: run it now
            return self.runner.run(exercise, trials, requires)
        return {trial: outcome[trial] for trial in trials}, output

    def shares(self, exercise):
        """Whether ``exercise`` is graded in a shared child (its outcome may be another's doing)."""
        return exercise in self.group_of

    def run_alone(self, exercise, trials, requires=()):
        """Run the trials in a child of their own, as an unshared runner would."""
        return self.runner.run(exercise, trials, requires)

    def _run_group(self, members):
        """Run the trials of the group's exercises' checks that can run here in one child (one
        segment per exercise, in the group's order), with the union of their requirements."""
        segments, needs = [], set()
        for exercise in members:
            checks = [c for c in self.checks if c.exercise == exercise and missing_requirements(c) is None]
            segments.append((exercise, list(dict.fromkeys(c.trial for c in checks))))
            needs.update(need for c in checks for need in c.requires)
        return self.runner.run_segments(segments, tuple(sorted(needs)))

    def close(self):
        self.runner.close()

