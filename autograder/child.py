"""Entry point of the isolated child: ``python -s -P -c "...main(JOBDIR)"`` (see job.child_command).

Reads the job the grader wrote (which submission, which probes, which input cases), imports what
it trusts, installs the sandbox, then runs the probes and writes one plain-data file per case.
It never decides a score: it only reports what the submission returned.
"""
import os
import random
import sys
from pathlib import Path


def main(jobdir=None):
    """Run the :class:`autograder.job.Job` in ``jobdir`` (default: the first command-line
    argument); its results go to ``job.results``."""
    from autograder.job import Job
    jobdir = Path(jobdir or sys.argv[1])
    job = Job.read(jobdir)
    from autograder import sandbox
    # limits first, on itself (the grader never forks with a preexec_fn)
    limits = job.limits or {}
    sandbox.set_limits(limits.get("memory"), limits.get("cpu"), limits.get("file"))
    sandbox_dir = Path(job.sandbox)
    results = Path(job.results)
    os.chdir(sandbox_dir)
    # started as root without namespaces: an unprivileged uid of its own, still single-threaded
    # (the uid and capability calls are per thread; seccomp refuses them from the next line on)
    release = None
    if job.drop_privileges:
        release = sandbox.drop_privileges(writable=[str(sandbox_dir), str(results)])
    # the kernel guards before any import that may start a thread (Landlock binds only the
    # threads started after it); the trusted imports read nothing outside the allow-list
    sandbox.confine(readable=list(job.readable), writable=[str(sandbox_dir)], hidden=list(job.hidden),
                    release=release)

    import numpy  # trusted imports happen before the audit hook

    from autograder.execution import changed_tools, describe_error, run_case, snapshot_tools, tampering_error
    from autograder.loader import load_submission
    from autograder.probes import resolve
    from autograder.protocol import read_arrays, write_arrays, write_json
    if "fashion_mnist" in job.requires:
        from autograder.data import prepare_fashion_mnist
        prepare_fashion_mnist()
    # TensorFlow is not imported here: the code that needs it imports it, confined (its threads
    # start under the kernel guards), and a submission that never reaches it (a stub) never pays
    # for the import

    # the cases were written by the grader (trusted): no size limit beyond the memory cap
    trials = [(trial, _cases(read_arrays(jobdir / trial.cases, max_bytes=1 << 40), trial.n_cases))
              for trial in job.trials]
    # the probes' modules are imported now: the sandbox will not let the kit's files be read
    probes = {trial.probe: resolve(trial.probe) for trial, _ in trials}
    sandbox.install(readable=list(job.readable), writable=[str(sandbox_dir)], hidden=list(job.hidden))
    tools = snapshot_tools()  # before any code of the submission runs
    tampered = []

    try:
        segment = None
        for trial, cases in trials:
            if trial.segment != segment:
                segment = trial.segment
                submission = _start_segment(job, segment, numpy, load_submission)
            for index, case in enumerate(cases):
                outputs, error = (None, None) if tampered else run_case(submission, probes[trial.probe], case)
                tampered = tampered or changed_tools(tools)
                if tampered:  # what the probe stated may rest on a replaced tool: not trusted
                    outputs, error = None, tampering_error(tampered)
                name = f"{trial.key}-{index}"
                if error is None:
                    write_arrays(results / f"{name}.npz", outputs)
                else:
                    write_json(results / f"{name}.error.json", error)
                    break
    except BaseException as exc:  # noqa: B036
        write_json(results / "fatal.error.json", describe_error(exc))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _start_segment(job, segment, numpy, load_submission):
    """Before the trials of one exercise, what a child of its own would start from: a fresh import
    of the submission (package ``{job.package}_{segment}``: no module state carried over from
    another exercise) and the same random state, so that grading the same code twice, alone or
    with other exercises, gives the same score. A line ``"{job.marker} {segment}"`` in the
    output (what was printed so far flushed first) tells the exercises' output apart."""
    sys.stdout.flush()
    sys.stderr.flush()
    if job.marker:
        sys.stdout.write(f"\n{job.marker} {segment}\n")
        sys.stdout.flush()
    random.seed(0)
    numpy.random.seed(0)
    return load_submission(job.submission, f"{job.package}_{segment}")


def _cases(arrays, n_cases):
    cases = [{} for _ in range(n_cases)]
    for key, value in arrays.items():
        index, _, name = key.partition(".")
        cases[int(index)][name] = value
    return cases
