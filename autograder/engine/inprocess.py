"""Running probes in the grader's own process (the pytest front end): fast, not isolated."""
import contextlib
import signal
import threading

from ..loader import load_submission
from .limits import DEFAULT_TIMEOUT


class InProcessRunner:
    """Runs probes in this process (pytest front end): fast, not isolated. A trial that runs
    longer than ``timeout`` seconds is interrupted (SIGALRM, main thread on POSIX only) so that a
    student's endless loop fails its check instead of hanging pytest."""

    def __init__(self, path, timeout=DEFAULT_TIMEOUT):
        self.submission = load_submission(path)
        self.timeout = timeout

    def run(self, exercise, trials, requires=()):
        """Run every trial on its cases: ({trial: (outputs, error)}, captured output ""), where
        ``outputs`` holds one dict of arrays per case that ran and ``error`` is None or the
        error dict of the case that stopped the trial."""
        from ..execution import run_case
        results = {}
        for trial in trials:
            outputs, error = [], None
            with _alarm(self.timeout):
                for case in trial.cases():
                    out, error = run_case(self.submission, trial.probe, case)
                    if error:
                        break
                    outputs.append(out)
            if error and error.get("type") == "TrialTimeout":
                error = {"type": "Timeout", "message": f"did not finish within the time limit ({self.timeout:g} s)"}
            results[trial] = (outputs, error)
        return results, ""


class TrialTimeout(BaseException):
    """Raised in the main thread when an in-process trial overruns its time limit (a
    BaseException, and raised again every second, so ``except Exception`` cannot swallow it)."""


@contextlib.contextmanager
def _alarm(seconds):
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds:
        yield
        return

    def expire(signum, frame):
        raise TrialTimeout(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
