"""Exercises graded in one shared child: a requirement that is costly to prepare (TensorFlow: a
few seconds to import) is prepared once per submission, not once per exercise that needs it.

:class:`SharedChildren` wraps a runner. When the scheduler asks it to run the trials of an
exercise of a sharing group, it runs, in the same child, the trials of every exercise of the group
that can run on this machine (in course order: the exercise asked for first), keeps the outcomes
of the others and hands them out when the scheduler asks for those exercises. The scheduling and
the verdicts do not change: an exercise is still graded after the exercises it depends on, and a
check whose dependency failed is still "not graded" (its trial ran for nothing, which costs less
than a second TensorFlow import when the dependency passes). Only the isolated runner shares; the
in-process runner (pytest) imports TensorFlow once anyway.
"""
import threading

from .selection import missing_requirements

#: requirements whose preparation in a child is costly: the exercises whose checks need one of
#: them share one child per submission
SHARED_REQUIREMENTS = ("tensorflow",)


def sharing_groups(checks):
    """The groups of exercises graded in one child: for each requirement of SHARED_REQUIREMENTS,
    the exercises (in the order of ``checks``) that have a check needing it and able to run here
    (:func:`missing_requirements`), when there are at least two. A list of lists."""
    groups = []
    for need in SHARED_REQUIREMENTS:
        members = list(dict.fromkeys(c.exercise for c in checks
                                     if need in c.requires and missing_requirements(c) is None))
        if len(members) > 1:
            groups.append(members)
    return groups


class SharedChildren:
    """A runner (``run(exercise, trials, requires)``, ``close()``) that runs each sharing group of
    ``checks`` (:func:`sharing_groups`) in one call of ``runner``. Safe to call from several
    threads: the first exercise of a group to be asked for runs the group; the others wait for it."""

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
                group["outcomes"] = self._run_group(exercise, group["members"], trials, requires)
        outcome, output = group["outcomes"]
        if not all(trial in outcome for trial in trials):  # not run with the group: run it now
            return self.runner.run(exercise, trials, requires)
        return {trial: outcome[trial] for trial in trials}, output

    def _run_group(self, first, members, trials, requires):
        """Run ``trials`` (those of ``first``) and the trials of the group's other exercises' checks
        that can run here, in one child; the union of the requirements."""
        every, needs = list(trials), set(requires)
        for exercise in members:
            if exercise == first:
                continue
            for check in self.checks:
                if check.exercise == exercise and missing_requirements(check) is None:
                    if check.trial not in every:
                        every.append(check.trial)
                    needs.update(check.requires)
        return self.runner.run(first, list(dict.fromkeys(every)), tuple(sorted(needs)))

    def close(self):
        self.runner.close()
