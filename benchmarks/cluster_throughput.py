"""Throughput of grade-batch (a benchmark, not a test): submissions per minute graded locally with
``--jobs 2`` and on a Dask scheduler with 2 single-threaded workers on this machine (loopback),
and the CPU seconds one full grade costs (correct, partial, blank), which size a cluster.

Run: python benchmarks/cluster_throughput.py [--students 6] [--only EXERCISE] [--rounds 1] [--local-only]
(needs the [cluster] extra, except with ``--local-only``: the local batch alone, whose wall time
and CPU per submission, report.html and index.html included, are extrapolated to 300 students). The class cycles correct (reference/), partial (the first half of the
course's modules solved, stubs for the rest) and blank (exercises/) submissions.
"""
import argparse
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))
from autograder.course import MODULES  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(KIT), NNKIT_COURSE=str(KIT))


def make_submission(folder, kind):
    """A student folder: ``correct`` (all reference modules), ``partial`` (the first half of the
    modules in course order from the reference, stubs for the rest) or ``blank`` (the stubs)."""
    shutil.copytree(KIT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    solved = {"correct": MODULES, "partial": MODULES[:len(MODULES) // 2], "blank": ()}[kind]
    for module in solved:
        shutil.copy(KIT / "reference" / f"{module}.py", folder / f"{module}.py")


def timed(command):
    """(wall seconds, CPU seconds of the command and all its children) of running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=KIT, env=ENV, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(workers):
    """A ``dask scheduler`` and ``workers`` ``dask worker --nworkers 1 --nthreads 1`` processes on
    127.0.0.1: (address, processes)."""
    from distributed import Client
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = dict(cwd=KIT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)]
    for _ in range(workers):
        processes.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nworkers", "1",
                                           "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"], **quiet))
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--only", help="grade one exercise or module (default: full grades)")
    parser.add_argument("--rounds", type=int, default=1, help="local and cluster batches, alternated")
    parser.add_argument("--local-only", action="store_true", help="no cluster batch")
    args = parser.parse_args()
    only = ["--only", args.only] if args.only else []
    kinds = ("correct", "partial", "blank")
    with tempfile.TemporaryDirectory(prefix="nnkit-bench-") as tmp:
        tmp = Path(tmp)
        for number in range(args.students):
            make_submission(tmp / "class" / f"s{number:04d}", kinds[number % 3])
        print(f"{args.students} submissions ({', '.join(kinds)} in turn), "
              f"{'--only ' + args.only if args.only else 'full grades'}, {os.cpu_count()} cores")
        costs = {}
        # CPU is counted for waited-for descendants only: bubblewrap's namespace init reaps the
        # grading child out of our sight, so the cost is measured under the kernel guards (the
        # same grading work, the child a direct descendant) where they are available
        from autograder.isolation import kernel_problem
        measured = [] if kernel_problem() else ["--isolation", "kernel"]
        print(f"  CPU measured with {' '.join(measured) or 'the default isolation'}")
        for kind in kinds:
            make_submission(tmp / "one" / kind, kind)
            wall, cpu = timed([sys.executable, "-m", "autograder", "grade", str(tmp / "one" / kind), *only, *measured])
            costs[kind] = cpu
            print(f"  one {kind:<8} grade: {wall:6.1f} s wall, {cpu:6.1f} s CPU")
        mean = sum(costs.values()) / len(costs)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024   # KiB on Linux
        print(f"  mean CPU per submission: {mean:.1f} s; largest process's peak memory: {peak:.0f} MiB")
        batch = [sys.executable, "-m", "autograder", "grade-batch", str(tmp / "class"), *only]
        for round_ in range(args.rounds):   # alternated, so that a change of load hits both
            wall, cpu = timed([*batch, "--out", str(tmp / f"local{round_}"), "--jobs", "2", *measured])
            print(f"local --jobs 2:                 {wall:6.1f} s, {60 * args.students / wall:5.1f} submissions/min, "
                  f"{cpu / args.students:.1f} s CPU per submission (reports included); "
                  f"300 students: {300 * wall / args.students / 60:.1f} min")
            if args.local_only:
                continue
            address, processes = start_cluster(2)
            try:
                wall, _ = timed([*batch, "--out", str(tmp / f"cluster{round_}"), "--scheduler", address])
            finally:
                for process in processes:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            print(f"scheduler + 2 workers (local):  {wall:6.1f} s, {60 * args.students / wall:5.1f} submissions/min")


if __name__ == "__main__":
    main()
