"""In which order, and how many at once, the exercises of a submission are graded.

Exercises are the nodes of a :class:`graphlib.TopologicalSorter`; the exercises named in the
``depends_on`` of an exercise's checks are its predecessors. Only the scheduler thread (the caller
of :func:`schedule`) reads or writes the verdicts gathered so far: each worker is handed what it
needs — which of its exercise's dependencies failed — decided before it starts, from dependencies
that have all finished, and returns its verdicts through its future. :func:`grade_in_order` is
the same order with one exercise at a time in the caller's thread (the pytest plugin, whose
in-process time limit needs the main thread).
"""
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from graphlib import CycleError, TopologicalSorter

from ..checks import exercises


class _Progress:
    """The exercises of ``selected`` and what each depends on, the verdicts gathered so far and
    the exercises that failed (``failed``: those graded before, too)."""

    def __init__(self, selected, failed=()):
        self.order = exercises(selected)
        self.position = {exercise: index for index, exercise in enumerate(self.order)}
        self.depends = {exercise: set() for exercise in self.order}
        for check in selected:
            self.depends[check.exercise].update(dep for dep in check.depends_on if dep != check.exercise)
        #: the graph: only the dependencies that are graded here are waited for
        self.needs = {exercise: deps & set(self.order) for exercise, deps in self.depends.items()}
        self.costly = {check.exercise for check in selected if check.requires}
        self.failed = set(failed)
        self.verdicts = {}

    def finish(self, exercise, results):
        self.verdicts.update(results)
        if any(verdict.fraction < 1 for verdict, _ in results.values()):
            self.failed.add(exercise)

    def failing(self, exercise):
        return frozenset(self.depends[exercise] & self.failed)

    def sorter(self):
        """A prepared TopologicalSorter, or None when the dependencies have a cycle."""
        sorter = TopologicalSorter(self.needs)
        try:
            sorter.prepare()
        except CycleError:
            return None
        return sorter

    def grade_one_by_one(self, grade_exercise):
        """Grade the exercises one after the other, in ``order``, in this thread."""
        for exercise in self.order:
            self.finish(exercise, grade_exercise(exercise, self.failing(exercise)))
        return self.verdicts


def schedule(selected, grade_exercise, jobs):
    """Grade every exercise of the ``selected`` checks once the exercises it depends on are
    graded, as soon as one of ``jobs`` workers is free, the costly ones (checks with
    ``requires``: TensorFlow, Fashion-MNIST) first among those ready so they do not end up last.
    With a dependency cycle, the exercises are graded one after the other, in order.

    ``grade_exercise(exercise, failing)`` runs in a worker thread and returns {check id:
    (verdict, output)} for that exercise's checks; ``failing`` is the frozenset of the
    exercises it depends on that are graded and have a check below full marks. Returns the
    union of those dicts.
    """
    progress = _Progress(selected)
    sorter = progress.sorter()
    if sorter is None:  # grade in order rather than hang
        return progress.grade_one_by_one(grade_exercise)
    running = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=lambda e: (e not in progress.costly, progress.position[e]))
            for exercise in ready:
                running[pool.submit(grade_exercise, exercise, progress.failing(exercise))] = exercise
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                exercise = running.pop(future)
                progress.finish(exercise, future.result())
                sorter.done(exercise)
    return progress.verdicts


def grade_in_order(selected, grade_exercise, failed=()):
    """:func:`schedule` one exercise at a time, in the caller's thread: every exercise of the
    ``selected`` checks after those it depends on (in order with a cycle). ``failed`` names
    exercises graded before (not selected) that failed: they count in ``failing`` as well.
    Returns {check id: (verdict, output)}."""
    progress = _Progress(selected, failed)
    try:
        progress.order = list(TopologicalSorter(progress.needs).static_order())
    except CycleError:
        pass  # in order, as schedule() does
    return progress.grade_one_by_one(grade_exercise)
