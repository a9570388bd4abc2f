"""The contract between the grader and an isolated child: what to run (a :class:`Job`, written as
``job.json`` in the job folder), how to start the child (:func:`child_command`) and with which
environment (:func:`child_environment`).

The child (:mod:`autograder.child`) imports this module before the sandbox is installed, so it
imports nothing of the grader's checks: only the standard library and the protocol.
"""
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

JOB_FILE = "job.json"
#: the kit's files a child imports (found by following the child's imports; a test keeps this
#: true): the child reads the submission, runs probes and writes plain data. No formulas
#: (checks/), hidden checks, golden files, reference or grader code among them.
CHILD_SIDE = ("__init__.py", "child.py", "course.py", "course_folder.py", "data", "execution.py", "files.py",
              "job.py", "loader.py", "probes", "protocol.py", "sandbox.py")
#: interpreter flags of the child: no user site-packages, no script folder on sys.path. Not -I:
#: it implies -E, which would ignore PYTHONHASHSEED (string hashes, hence set order, would change
#: from run to run); the child's environment is built from scratch, so -E protects nothing.
CHILD_FLAGS = ("-s", "-P") if sys.version_info >= (3, 11) else ("-s",)
#: environment variables a grading process keeps from the grader's (the data sets' locations);
#: everything else is dropped
KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "KERAS_HOME", "FASHION_MNIST_DIR",
                    "NNKIT_CACHE", "XDG_CACHE_HOME", "TF_CPP_MIN_LOG_LEVEL", "NNKIT_COURSE")
#: of those, the ones an isolated child keeps (its temporary files and caches stay in its sandbox)
CHILD_ENVIRONMENT = ("PATH", "LANG", "TF_CPP_MIN_LOG_LEVEL")


@dataclass(frozen=True)
class Trial:
    """One trial of a job: run probe ``probe`` (a name from :func:`autograder.probes.probe_name`)
    on the ``n_cases`` input cases stored in the job folder's file ``cases`` (an .npz whose
    arrays are named ``"{case index}.{input name}"``). ``key`` names the trial's result files
    (``{key}-{case index}.npz`` or ``.error.json``). ``segment`` numbers the exercise the trial
    belongs to when one child runs several exercises (``Job.marker``)."""

    key: int
    probe: str
    cases: str
    n_cases: int
    segment: int = 0


@dataclass(frozen=True)
class Job:
    """What one isolated child runs: the trials of one or more exercises on one submission.

    ``submission`` is the folder of the student's modules (a copy taken by content), imported as
    package ``package``; ``sandbox`` the only folder the child may write (its working folder) and
    ``results`` the folder inside it where it writes one file per case; ``readable`` every other
    path it may read (an allow-list; ``hidden`` paths inside them excepted); ``requires`` what it
    needs (``"tensorflow"``: installed, imported by the code that
    uses it; ``"fashion_mnist"``: the split, memory-mapped before the audit hook); ``limits`` its resource
    limits ({"memory": bytes, "cpu": seconds, "file": bytes}), which it sets on itself first;
    ``drop_privileges`` whether it becomes an unprivileged user of its own before anything else
    (started as root without namespaces: :func:`autograder.sandbox.drop_privileges`). The trials
    come in segments, one per exercise (``Trial.segment``, in order): the child starts each
    segment from the same random state and prints a line ``"{marker} {segment}"`` before it, so
    that its output can be told apart by exercise.
    """

    submission: str
    package: str
    sandbox: str
    results: str
    readable: tuple = ()
    hidden: tuple = ()
    requires: tuple = ()
    trials: tuple = ()
    limits: dict = None
    drop_privileges: bool = False
    marker: str = ""

    def write(self, folder):
        """Write this job as ``folder/job.json`` (atomically); returns its path."""
        from .protocol import write_json
        path = Path(folder) / JOB_FILE
        write_json(path, asdict(self))
        return path

    @classmethod
    def read(cls, folder):
        """The job written by :meth:`write` in ``folder`` (a trusted file: the grader wrote it)."""
        data = json.loads((Path(folder) / JOB_FILE).read_text(encoding="utf-8"))
        return cls(**{**data, "readable": tuple(data["readable"]), "hidden": tuple(data["hidden"]),
                      "requires": tuple(data["requires"]),
                      "trials": tuple(Trial(**trial) for trial in data["trials"])})


def kit_command(flags, entry, *args, import_root=None):
    """A command line running this kit's ``entry`` (``"module:function"``, called with no
    arguments; it reads ``sys.argv[1:]``) in this interpreter with ``flags``, importing the kit
    from ``import_root`` (default ``course_folder.IMPORT_ROOT``) first, whatever else is installed."""
    if import_root is None:
        from .course_folder import IMPORT_ROOT as import_root
    module, function = entry.split(":")
    bootstrap = (f"import sys; sys.path[:] = [{str(import_root)!r}] + [p for p in sys.path if p]; "
                 f"from {module} import {function}; sys.exit({function}())")
    return [sys.executable, *flags, "-c", bootstrap, *map(str, args)]


def child_command(jobdir, kit):
    """The command line of an isolated child running the job in ``jobdir``: this interpreter
    with CHILD_FLAGS, importing the kit from ``kit``, a folder holding only the child-side code
    (:data:`CHILD_SIDE`, laid out by ``isolation.lay_out_child_kit``)."""
    return kit_command(CHILD_FLAGS, "autograder.child:main", jobdir, import_root=kit)


def child_environment(extra=None, kept=KEPT_ENVIRONMENT):
    """A grading process's environment, built from scratch: the variables named in ``kept`` that
    are set here, then ``extra`` (a dict) over them."""
    env = {key: os.environ[key] for key in kept if key in os.environ}
    env.update(extra or {})
    return env
