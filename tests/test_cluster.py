"""grade-batch on Dask distributed (issue 13): a real ``dask scheduler`` and ``dask worker``
processes on 127.0.0.1 grade a class as the local batch does; a worker killed mid-batch loses no
student and grades none twice; a worker whose kit differs is refused, naming it and what differs;
a hostile submission on a worker cannot change another's grade.

Tests that start processes are slow-marked; they skip where Dask is not installed."""
import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import cluster
from autograder.batch import results_path
from autograder.fingerprint import differences, kit_fingerprint

KIT = Path(__file__).resolve().parent.parent
ONLY = "optimizers"          # three cheap exercises: full grading is not the point here
#: appended to a correct optimizers.py: at import (in the grading child) it tries to overwrite
#: the other students' modules, wherever they are on this machine, and to kill the worker
HOSTILE = '''
import glob as _glob, os as _os, signal as _signal
for _victim in (_glob.glob({others!r} + "/*/optimizers.py")
                + _glob.glob("/tmp/nnkit-grading-*/nnkit-*/submission*/optimizers.py")):
    try:
        with open(_victim, "w") as _handle:
            _handle.write("raise SystemExit(0)\\n")
    except Exception:
        pass
for _pid in (_os.getppid(),):
    try:
        _os.kill(_pid, _signal.SIGKILL)
    except Exception:
        pass
'''
#: appended to a correct optimizers.py: Adam is left undone, Momentum and RMSProp are right
PARTIAL = '''

def _not_done(self, params, grads):
    raise NotImplementedError("Adam.update")


Adam.update = _not_done
'''


def _env(kit=KIT):
    return dict(os.environ, PYTHONPATH=str(kit), NNKIT_COURSE=str(kit))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _batch(submissions, out, *extra):
    """``nnkit grade-batch SUBMISSIONS --out OUT --only optimizers EXTRA``: the completed process."""
    return subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                           "--only", ONLY, *map(str, extra)], capture_output=True, text=True, cwd=KIT, env=_env(),
                          timeout=600)


def _gradebook(out):
    with (Path(out) / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _scores(out, names):
    """{student: (score, [(test name, score), ...])} from the results.json files."""
    found = {}
    for name in names:
        payload = json.loads(results_path(out, name).read_text(encoding="utf-8"))
        found[name] = (payload["score"], [(t["name"], t["score"]) for t in payload["tests"]])
    return found


def _mixed_class(root, solved_copy, copies=1):
    """A class: correct (reference), blank (stubs), partial (Adam undone), hostile; ``copies``
    of each."""
    submissions = Path(root) / "submissions"
    submissions.mkdir()
    correct = (solved_copy / "optimizers.py").read_text()
    for number in range(copies):
        shutil.copytree(solved_copy, submissions / f"correct{number}")
        shutil.copytree(KIT / "exercises", submissions / f"blank{number}", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(solved_copy, submissions / f"partial{number}")
        (submissions / f"partial{number}" / "optimizers.py").write_text(correct + PARTIAL)
        shutil.copytree(solved_copy, submissions / f"hostile{number}")
        hostile = correct + HOSTILE.format(others=str(submissions))
        (submissions / f"hostile{number}" / "optimizers.py").write_text(hostile)
    return submissions


def _report_outline(html):
    """What a report.html shows, without its timestamps and drawing times: its title, its checks'
    statuses and ids, and how many pictures it holds."""
    import re
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    checks = re.findall(r'status-(\w+)" title="([\w.]+)"', html)
    return title, checks, html.count("data:image/png;base64,")


def _kill_group(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


class DaskCluster:
    """A ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (random free port), each in
    its own process group, all killed by :meth:`close`."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.logs = tmp_path / "dask-logs"
        self.logs.mkdir(exist_ok=True)
        self.processes = []
        self._start("scheduler", [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                                  "--port", str(self.port), "--no-dashboard"], KIT)

    def _start(self, name, command, kit, **env):
        log = open(self.logs / f"{name}-{len(self.processes)}.log", "w")
        self.processes.append(subprocess.Popen(command, cwd=kit, env={**_env(kit), **env}, stdout=log,
                                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                               start_new_session=True))
        log.close()

    def add_worker(self, kit=KIT, **env):
        """Start ``dask worker ADDRESS --nworkers 1 --nthreads 1`` with the kit at ``kit`` (and the
        environment variables ``env``)."""
        self._start("worker", [sys.executable, "-m", "dask", "worker", self.address, "--nworkers", "1",
                               "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "60"],
                    kit, **env)

    def client(self):
        from distributed import Client
        return Client(self.address, timeout="60s")

    def wait_for_workers(self, count):
        with self.client() as client:
            client.wait_for_workers(count, timeout=120)

    def close(self):
        for process in reversed(self.processes):
            _kill_group(process)


@pytest.fixture
def dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    started = DaskCluster(tmp_path)
    try:
        yield started
    finally:
        started.close()


def _kit_copy(tmp_path):
    """A copy of the kit (package, reference, exercises) whose convergence thresholds file differs."""
    copy = tmp_path / "other-kit"
    ignore = shutil.ignore_patterns("__pycache__")
    for part in ("autograder", "reference", "exercises"):
        shutil.copytree(KIT / part, copy / part, ignore=ignore)
    training = copy / "autograder" / "checks" / "training.py"
    training.write_text(training.read_text() + "\n# thresholds measured again on another machine\n")
    return copy


# --------------------------------------------------------------------------- fast

def test_fingerprint_names_what_differs(tmp_path):
    mine = kit_fingerprint()
    assert mine == kit_fingerprint() and set(mine) == {"version", "grading code", "checks and thresholds",
                                                       "golden files", "reference", "exercise stubs", "libraries"}
    assert "absent" not in (mine["reference"], mine["exercise stubs"], mine["golden files"])
    copy = _kit_copy(tmp_path)
    theirs = json.loads(subprocess.run(
        [sys.executable, "-c", "import json; from autograder.fingerprint import kit_fingerprint; "
         "print(json.dumps(kit_fingerprint()))"], capture_output=True, text=True, check=True, cwd=copy,
        env=_env(copy)).stdout)
    assert differences(mine, theirs) == ["checks and thresholds"]
    assert differences(mine, {**mine, "golden files": "x"}) == ["golden files"]


def test_cluster_option_is_checked():
    assert cluster.parse_local("local:3") == 3
    for wrong in ("local:0", "local:", "3", "remote:2", "local:-1"):
        with pytest.raises(ValueError, match="local:N"):
            cluster.parse_local(wrong)


def test_cli_refuses_a_bad_cluster_option(tmp_path):
    (tmp_path / "submissions").mkdir()
    result = _batch(tmp_path / "submissions", tmp_path / "out", "--cluster", "local:0")
    assert result.returncode == 2 and "local:N" in result.stderr


def test_unreachable_scheduler_is_a_clear_error(tmp_path, solved_copy, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    shutil.copytree(solved_copy, tmp_path / "submissions" / "alice")
    address = f"tcp://127.0.0.1:{_free_port()}"        # nobody listens there
    with pytest.raises(cluster.ClusterError, match=f"cannot reach the Dask scheduler at {address}"):
        cluster.grade_batch_on_cluster(tmp_path / "submissions", tmp_path / "out", scheduler=address, only=ONLY)
    assert not (tmp_path / "out" / "students").exists()


def test_worker_refuses_a_task_from_a_different_kit(solved_copy):
    texts = {path.stem: path.read_bytes() for path in solved_copy.glob("*.py")}
    with pytest.raises(cluster.WorkerRefused, match="its kit differs from this one's: checks and thresholds"):
        cluster.grade_on_worker(texts, {**kit_fingerprint(), "checks and thresholds": "other"}, only=ONLY)


def test_refusal_names_what_differs_or_the_missing_isolation():
    mine = kit_fingerprint()
    assert cluster.refusal(mine, mine, "auto") is None
    other = {**mine, "version": "0.0.1", "golden files": "x"}
    assert cluster.refusal(mine, other, "auto") == (
        f"its kit differs from this one's: version {mine['version']!r} here, '0.0.1' there; golden files")
    assert cluster.refusal(mine, mine, "sealed").startswith("cannot isolate submissions there: unknown isolation")


def test_worker_grades_texts_as_the_local_batch(solved_copy, tmp_path):
    from autograder.batch import grade_student
    from autograder.loader import read_submission
    answer = cluster.grade_on_worker(read_submission(solved_copy), kit_fingerprint(), only="Momentum.update",
                                     name="alice <b>")
    remote, local = answer["results"], grade_student(solved_copy, only="Momentum.update")
    assert remote["score"] == local["score"] > 0
    assert [(t["name"], t["score"]) for t in remote["tests"]] == [(t["name"], t["score"]) for t in local["tests"]]
    # the student's report comes back as text: titled with the name (escaped), its checks and pictures
    html = answer["report_html"]
    assert "alice &lt;b&gt;</title>" in html and "optimizers.Momentum.keras" in html
    assert html.count('src="data:image/png;base64,') >= 1
    refused = cluster.grade_on_worker({"../escape": b"x = 1\n"}, kit_fingerprint(), only="Momentum.update")
    assert refused["results"]["score"] == 0 and "not a module name" in refused["results"]["output"]
    assert refused["report_html"] is None


def test_client_writes_the_workers_report_beside_the_results(tmp_path):
    from autograder.batch import MAX_REPORT_CHARS
    results = {"score": 1, "tests": []}
    assert cluster._answer({"results": results, "report_html": "<p>page</p>"}) == (results, "<p>page</p>")
    assert cluster._answer({"results": results, "report_html": "x" * (MAX_REPORT_CHARS + 1)}) == (results, None)
    payload, html = cluster._answer(results)       # not the worker's answer form: results saying so
    assert payload["score"] == 0 and "not results" in payload["output"] and html is None
    from autograder.batch import write_student
    target = write_student(tmp_path, "bob", results, "<p>page</p>")
    assert target.with_name("report.html").read_text() == "<p>page</p>"
    write_student(tmp_path, "bob", results, None)  # regraded without a report: no stale one is left
    assert not target.with_name("report.html").exists()


# --------------------------------------------------------------------------- real scheduler and workers

@pytest.mark.slow
def test_cluster_gradebook_equals_the_local_one(dask_cluster, tmp_path, solved_copy):
    submissions = _mixed_class(tmp_path, solved_copy)
    from autograder.loader import MAX_MODULE_BYTES
    shutil.copytree(solved_copy, submissions / "oversized")     # refused on the client, as locally
    (submissions / "oversized" / "optimizers.py").write_text("#" * MAX_MODULE_BYTES + "\n")
    names = sorted(p.name for p in submissions.iterdir())
    before = {name: (submissions / name / "optimizers.py").read_bytes() for name in names}
    dask_cluster.add_worker()
    dask_cluster.add_worker()
    dask_cluster.wait_for_workers(2)

    local = _batch(submissions, tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    remote = _batch(submissions, tmp_path / "remote", "--scheduler", dask_cluster.address)
    assert remote.returncode == 0, remote.stdout + remote.stderr
    assert "refused" not in remote.stderr

    assert _gradebook(tmp_path / "remote") == _gradebook(tmp_path / "local")
    assert _scores(tmp_path / "remote", names) == _scores(tmp_path / "local", names)
    # the hostile submission changed nobody's grade nor file: each grade is what it earns
    totals = {row["student"]: float(row["total"]) for row in _gradebook(tmp_path / "remote")}
    assert totals["correct0"] == totals["hostile0"] > totals["partial0"] > totals["blank0"] == totals["oversized"] == 0
    oversized = json.loads(results_path(tmp_path / "remote", "oversized").read_text())["output"]
    assert oversized == json.loads(results_path(tmp_path / "local", "oversized").read_text())["output"]
    assert "is larger than" in oversized
    assert {name: (submissions / name / "optimizers.py").read_bytes() for name in names} == before
    with dask_cluster.client() as client:        # no worker was killed by it
        assert len(client.nthreads()) == 2

    again = _batch(submissions, tmp_path / "remote", "--scheduler", dask_cluster.address)   # a rerun grades nobody
    assert again.returncode == 0 and again.stdout.count("   kept  ") == len(names) and "graded" not in again.stdout


@pytest.mark.slow
def test_interrupted_cluster_batch_finishes_the_rest(dask_cluster, tmp_path, solved_copy):
    submissions = _mixed_class(tmp_path, solved_copy)
    dask_cluster.add_worker()
    dask_cluster.wait_for_workers(1)
    out = tmp_path / "out"
    assert _batch(submissions, out, "--scheduler", dask_cluster.address).returncode == 0
    first = _scores(out, ["correct0", "partial0"])
    results_path(out, "partial0").unlink()         # as if interrupted before partial0 was written
    kept_before = results_path(out, "correct0").stat().st_mtime_ns
    result = _batch(submissions, out, "--scheduler", dask_cluster.address)
    assert result.returncode == 0, result.stderr
    assert "graded  partial0" in result.stdout and "kept  correct0" in result.stdout
    assert result.stdout.count("graded") == 1
    assert results_path(out, "correct0").stat().st_mtime_ns == kept_before
    assert _scores(out, ["correct0", "partial0"]) == first


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_no_student_and_grades_none_twice(dask_cluster, tmp_path, solved_copy):
    submissions = _mixed_class(tmp_path, solved_copy, copies=3)
    names = sorted(p.name for p in submissions.iterdir())
    dask_cluster.add_worker()
    dask_cluster.add_worker()
    dask_cluster.wait_for_workers(2)
    out = tmp_path / "out"
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                              "--only", ONLY, "--scheduler", dask_cluster.address], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=KIT, env=_env())
    try:
        def pid_if_grading(dask_worker):
            return os.getpid() if dask_worker.state.executing else None

        with dask_cluster.client() as client:
            victim = None
            deadline = time.monotonic() + 300
            while victim is None and time.monotonic() < deadline:   # mid-batch: a worker grading a task
                started = (out / "students").is_dir() and any((out / "students").iterdir())
                busy = [pid for pid in client.run(pid_if_grading).values() if pid]
                if started and busy:
                    victim = busy[0]
                time.sleep(0.05)
            assert victim is not None, "no task ever ran"
            os.kill(victim, signal.SIGKILL)
        stdout, stderr = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 0, stdout + stderr
    graded = [line.split("  ", 1)[1] for line in stdout.splitlines() if line.strip().startswith("graded")]
    assert sorted(graded) == names                 # every student once, none twice
    rows = _gradebook(out)
    assert sorted(row["student"] for row in rows) == names and all(row["total"] != "" for row in rows)
    totals = {row["student"]: row["total"] for row in rows}
    for kind in ("correct", "blank", "partial", "hostile"):    # the same grade wherever it was computed
        assert len({totals[f"{kind}{number}"] for number in range(3)}) == 1
    local = _batch(submissions, tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0 and rows == _gradebook(tmp_path / "local")


@pytest.mark.slow
def test_worker_with_a_different_kit_is_refused(dask_cluster, tmp_path, solved_copy):
    submissions = _mixed_class(tmp_path, solved_copy)
    dask_cluster.add_worker(_kit_copy(tmp_path))
    dask_cluster.wait_for_workers(1)
    with dask_cluster.client() as client:
        (odd,) = client.nthreads()
    out = tmp_path / "out"
    refused = _batch(submissions, out, "--scheduler", dask_cluster.address)
    assert refused.returncode == 2
    assert f"refused worker {odd}: its kit differs from this one's: checks and thresholds" in refused.stderr
    assert "no worker can grade" in refused.stderr and not (out / "students").exists()

    dask_cluster.add_worker()                      # a worker with this kit: it grades, the other gets nothing
    dask_cluster.wait_for_workers(2)
    result = _batch(submissions, out, "--scheduler", dask_cluster.address)
    assert result.returncode == 0, result.stderr
    assert f"refused worker {odd}" in result.stderr
    assert _batch(submissions, tmp_path / "local").returncode == 0
    assert _gradebook(out) == _gradebook(tmp_path / "local")


@pytest.mark.slow
def test_worker_without_the_isolation_asked_for_is_refused(dask_cluster, tmp_path, solved_copy):
    from autograder.isolation import bwrap_problem
    if bwrap_problem():
        pytest.skip(f"bubblewrap cannot run here: {bwrap_problem()}")
    submissions = _mixed_class(tmp_path, solved_copy)
    empty = tmp_path / "no-programs"
    empty.mkdir()
    dask_cluster.add_worker(PATH=str(empty))          # bubblewrap cannot be found on this worker
    dask_cluster.wait_for_workers(1)
    with dask_cluster.client() as client:
        (address,) = client.nthreads()
    refused = _batch(submissions, tmp_path / "out", "--scheduler", dask_cluster.address, "--isolation", "bwrap")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert (f"refused worker {address}: cannot isolate submissions there: --isolation bwrap: "
            "bubblewrap is not installed") in refused.stderr


@pytest.mark.slow
def test_local_cluster_option_equals_the_local_batch(tmp_path, solved_copy):
    pytest.importorskip("distributed")
    submissions = _mixed_class(tmp_path, solved_copy)
    result = _batch(submissions, tmp_path / "cluster", "--cluster", "local:2")
    assert result.returncode == 0, result.stderr
    assert _batch(submissions, tmp_path / "local").returncode == 0
    assert _gradebook(tmp_path / "cluster") == _gradebook(tmp_path / "local")
    # each student's report.html, drawn on a worker, is beside their results as the local batch writes it
    names = sorted(p.name for p in submissions.iterdir())
    for name in names:
        pages = [results_path(tmp_path / where, name).with_name("report.html").read_text()
                 for where in ("cluster", "local")]
        assert [_report_outline(page) for page in pages[1:]] == [_report_outline(pages[0])], name
    assert _report_outline(pages[0])[0]
    index = (tmp_path / "cluster" / "index.html").read_text()
    assert all(f'href="students/{name}/report.html"' in index for name in names)


@pytest.mark.slow
def test_ctrl_c_stops_a_local_cluster_batch_and_writes_the_gradebook(tmp_path, solved_copy):
    pytest.importorskip("distributed")
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    shutil.copytree(solved_copy, submissions / "alice")
    for name in ("bob", "carol", "dave"):   # each would keep a worker busy for ten minutes
        shutil.copytree(solved_copy, submissions / name)
        module = submissions / name / "optimizers.py"
        module.write_text(module.read_text() + "\nimport time\nAdam.update = lambda self, p, g: time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade-batch", str(submissions), "--out", str(out),
                                "--only", ONLY, "--cluster", "local:2", "--timeout", "900"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=KIT, env=_env(), start_new_session=True)
    try:
        assert process.stdout.readline().split() == ["graded", "alice"]
        time.sleep(1)
        os.killpg(process.pid, signal.SIGINT)       # as a terminal does: to the batch and its workers
        stdout, stderr = process.communicate(timeout=120)
    finally:
        _kill_group(process)
    assert process.returncode == 130, stderr
    assert "interrupted: 1 of 4 graded; rerun to finish" in stdout and "Traceback" not in stderr
    rows = {row["student"]: row for row in _gradebook(out)}
    assert float(rows["alice"]["total"]) > 0 and rows["bob"]["total"] == rows["dave"]["total"] == ""
    assert not results_path(out, "bob").exists()
