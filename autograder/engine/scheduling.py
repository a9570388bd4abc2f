"""In which order, and how many at once, the exercises of a submission are graded.

Exercises are the nodes of a :class:`graphlib.TopologicalSorter`; the exercises named in the
``depends_on`` of an exercise's checks are its predecessors. Only the scheduler thread (the caller
of :func:`schedule`) reads or writes the verdicts gathered so far: each worker is handed what it
needs — which of its exercise's dependencies failed — decided before it starts, from dependencies
that have all finished, and returns its verdicts through its future.
"""
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from graphlib import CycleError, TopologicalSorter

from ..checks import exercises


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
    order = exercises(selected)
    position = {exercise: index for index, exercise in enumerate(order)}
    needs = {exercise: set() for exercise in order}
    for check in selected:
        needs[check.exercise].update(dep for dep in check.depends_on if dep in needs and dep != check.exercise)
    costly = {check.exercise for check in selected if check.requires}
    failed = set()
    verdicts = {}

    def finish(exercise, results):
        verdicts.update(results)
        if any(verdict.fraction < 1 for verdict, _ in results.values()):
            failed.add(exercise)

    def failing(exercise):
        return frozenset(needs[exercise] & failed)

    sorter = TopologicalSorter(needs)
    try:
        sorter.prepare()
    except CycleError:
        for exercise in order:  # grade in order rather than hang
            finish(exercise, grade_exercise(exercise, failing(exercise)))
        return verdicts
    running = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while sorter.is_active():
            for exercise in sorted(sorter.get_ready(), key=lambda e: (e not in costly, position[e])):
                running[pool.submit(grade_exercise, exercise, failing(exercise))] = exercise
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                exercise = running.pop(future)
                finish(exercise, future.result())
                sorter.done(exercise)
    return verdicts
