"""The grader's own BLAS runs on one thread while isolated children are started (fork with
preexec_fn): with OpenBLAS's worker threads, a BLAS call in one grading thread while another
starts a child hangs the whole process (OpenBLAS's fork handler stops the workers the call waits
for). Seen in grade-batch --jobs 2 as a grader stuck in exec_blas, verifying a training check."""
import subprocess
import sys
import textwrap
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import subprocess, threading, time
    import numpy as np
    from autograder.engine import one_blas_thread
    one_blas_thread()
    x, w = np.random.rand(3000, 784), np.random.rand(784, 100)
    stop = time.time() + 3
    done = [0, 0]
    def compute():
        while time.time() < stop:
            x @ w
            done[0] += 1
    def spawn():
        while time.time() < stop:
            subprocess.Popen(["true"], preexec_fn=lambda: None).wait()
            done[1] += 1
    threads = [threading.Thread(target=compute), threading.Thread(target=spawn)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(done[0] > 0 and done[1] > 0)
""")


def test_blas_calls_and_forks_in_two_threads_do_not_hang():
    # without one_blas_thread() this hangs within seconds on a 2-CPU machine (the timeout is for
    # that case only: the script runs for 3 s)
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, cwd=KIT)
    assert result.stdout.strip() == "True", result.stderr


def test_isolated_grading_sets_one_blas_thread(solved_copy):
    from threadpoolctl import threadpool_info
    from autograder.engine import grade
    grade(solved_copy, only="penalty_grad")
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
