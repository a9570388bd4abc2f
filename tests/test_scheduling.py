"""The dependency scheduler of the engine (autograder/engine/scheduling.py), on made-up checks:
every exercise graded once, after the exercises it depends on, told which of them failed; many
exercises on many threads; costly exercises first; a dependency cycle graded in order."""
import random
import threading
import time
from types import SimpleNamespace

from autograder.checks.base import Verdict
from autograder.engine.scheduling import schedule


def made_up_checks(exercises, depends_on, costly=()):
    """Two checks per exercise; the first carries the exercise's dependencies."""
    checks = []
    for exercise in exercises:
        checks.append(SimpleNamespace(id=f"{exercise}.first", exercise=exercise,
                                      depends_on=tuple(depends_on.get(exercise, ())),
                                      requires=("tensorflow",) if exercise in costly else ()))
        checks.append(SimpleNamespace(id=f"{exercise}.second", exercise=exercise, depends_on=(), requires=()))
    return checks


def random_graph(seed, size=80):
    """Exercises E0..E{size-1}, each depending on up to four earlier ones; about one in five is
    wrong on its own."""
    rng = random.Random(seed)
    names = [f"E{i}" for i in range(size)]
    depends_on = {name: rng.sample(names[:i], min(i, rng.randint(0, 4))) for i, name in enumerate(names)}
    wrong = {name for name in names if rng.random() < 0.2}
    rng.shuffle(names)  # the order of the checks is not the order of the dependencies
    return names, depends_on, wrong


def test_many_exercises_on_many_threads_are_graded_after_their_dependencies():
    for seed in range(6):
        names, depends_on, wrong = random_graph(seed)
        failed_expected = {}

        def fails(name):
            if name not in failed_expected:
                failed_expected[name] = name in wrong or any(fails(dep) for dep in depends_on[name])
            return failed_expected[name]

        lock = threading.Lock()
        finished, started, told = set(), [], {}
        rng = random.Random(seed)
        pauses = {name: rng.random() / 1000 for name in names}

        def grade_exercise(exercise, failing):
            with lock:
                started.append(exercise)
                assert all(dep in finished for dep in depends_on[exercise]), exercise
                told[exercise] = failing
            time.sleep(pauses[exercise])  # let the threads interleave
            fraction = 0.0 if exercise in wrong or failing else 1.0
            with lock:
                finished.add(exercise)
            return {f"{exercise}.first": (Verdict(fraction, ""), ""), f"{exercise}.second": (Verdict(1.0, ""), "")}

        verdicts = schedule(made_up_checks(names, depends_on), grade_exercise, jobs=8)

        assert sorted(started) == sorted(names)  # each exercise once
        assert set(verdicts) == {f"{name}.{part}" for name in names for part in ("first", "second")}
        for name in names:
            assert told[name] == {dep for dep in depends_on[name] if fails(dep)}, name
            assert (verdicts[f"{name}.first"][0].fraction < 1) == fails(name), name


def test_costly_exercises_start_first_among_the_ready_ones():
    started = []

    def grade_exercise(exercise, failing):
        started.append(exercise)
        return {f"{exercise}.first": (Verdict(1.0, ""), "")}

    checks = made_up_checks(["A", "B", "C", "D"], {"D": ["A"]}, costly={"C", "D"})
    schedule(checks, grade_exercise, jobs=1)
    assert started[0] == "C"
    assert started.index("D") > started.index("A")


def test_a_dependency_cycle_is_graded_in_order_instead_of_hanging():
    started, outcome = [], {}

    def grade_exercise(exercise, failing):
        started.append((exercise, failing))
        return {f"{exercise}.first": (Verdict(0.0, ""), "")}

    checks = made_up_checks(["A", "B", "C"], {"A": ["B"], "B": ["A"], "C": ["A"]})
    worker = threading.Thread(target=lambda: outcome.update(schedule(checks, grade_exercise, jobs=4)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the scheduler hangs on a dependency cycle"
    assert started == [("A", frozenset()), ("B", {"A"}), ("C", {"A"})]
    assert set(outcome) == {"A.first", "B.first", "C.first"}
