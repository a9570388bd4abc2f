"""Speed and memory of grading (a benchmark, not a test), through the isolated CLI path.

Each scenario runs in a fresh process (``python -m autograder grade ...``, as an instructor runs
it), ``--repeat`` times (default 3); the median of each figure is printed:

* wall: seconds from start to exit of the whole grading process;
* CPU: user + system seconds of that process and every child it waited for
  (``resource.getrusage(RUSAGE_CHILDREN)`` of this benchmark, measured before and after);
* peak: the largest resident set of any one of those processes (``ru_maxrss`` of the children;
  Linux reports kibibytes), i.e. the peak memory of the biggest grading child.

Because each scenario is a fresh process whose children are waited for, the CPU and peak figures
include everything: the grader, the isolated children, TensorFlow's threads.

Run: python benchmarks/grade_speed.py [--repeat 3] [--scenario NAME ...] [--no-tensorflow] [--isolation L]
``--isolation`` (default ``kernel``): under ``bwrap`` the children's CPU time does not reach this
process (bubblewrap's init in the child's pid namespace is not waited for), so CPU and peak are
measured under the kernel layer; wall time is within noise of the two.
``--no-tensorflow`` grades as on a machine without TensorFlow: a ``sitecustomize`` on the grader's
``PYTHONPATH`` sets ``sys.modules["keras"] = None``, so the checks that need it say SKIP (the
children never see it: their environment is built from scratch).
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent

SCENARIOS = {
    "full": ("full grade of reference/", ["reference"]),
    "one": ("one exercise (DualLayer.backprop)", ["reference", "--only", "DualLayer.backprop"]),
    "stubs": ("full grade of exercises/ (stubs)", ["exercises"]),
}


def measure(args, env):
    """(wall seconds, CPU seconds incl. children, peak RSS in MB of the largest child, last line)
    of one ``python -m autograder grade ARGS`` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=KIT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"grade {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest of all children waited for so far: only a
    # growing maximum is visible, so each scenario's peak is read in a process of its own (main)
    total = [line for line in done.stdout.splitlines() if line.strip().lower().startswith("total")]
    return wall, cpu, after.ru_maxrss / 1024, (total[-1].strip() if total else "")


def run_one(name, repeat, no_tensorflow, isolation="kernel"):
    """Measure one scenario ``repeat`` times in this process; print its medians."""
    label, args = SCENARIOS[name]
    args = [*args, "--isolation", isolation]
    paths = [str(KIT)]
    if no_tensorflow:
        hide = Path(tempfile.mkdtemp(prefix="nnkit-no-tf-"))
        (hide / "sitecustomize.py").write_text('import sys\nsys.modules["keras"] = sys.modules["tensorflow"] = None\n')
        paths.insert(0, str(hide))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    runs = [measure(args, env) for _ in range(repeat)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    peak = max(r[2] for r in runs)
    suffix = " (no TensorFlow)" if no_tensorflow else ""
    print(f"{label + suffix:<52} wall {wall:5.1f} s  CPU {cpu:5.1f} s  child peak {peak:6.0f} MB   "
          f"{runs[-1][3]}   (median of {repeat}; walls {' '.join(f'{r[0]:.1f}' for r in runs)})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", nargs="+", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--no-tensorflow", action="store_true")
    parser.add_argument("--isolation", default="kernel", choices=("bwrap", "kernel", "none"))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one scenario here
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.repeat, args.no_tensorflow, args.isolation)
        return
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    for name in args.scenario:
        # a process per scenario: ru_maxrss of RUSAGE_CHILDREN never goes down
        subprocess.run([sys.executable, __file__, "--one", name, "--repeat", str(args.repeat),
                        "--isolation", args.isolation, *(["--no-tensorflow"] if args.no_tensorflow else [])],
                       check=True)


if __name__ == "__main__":
    main()
