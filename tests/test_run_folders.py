"""Run folders (autograder/files.py: run_folder, remove_orphans): each grading run's folder names
its owner (pid and start time), and a new run removes the folders of owners that are gone — a
grader killed with SIGKILL, a lost Dask worker — so that a grading machine does not fill up."""
import os
import subprocess
import sys

from autograder import files
from autograder.files import process_start, remove_orphans, run_folder


def test_a_run_folder_names_its_living_owner_and_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "grading_root", lambda: tmp_path)
    mine = run_folder("nnkit-grade-")
    assert mine.parent == tmp_path and mine.name.startswith(f"nnkit-grade-{os.getpid()}.{process_start(os.getpid())}-")
    remove_orphans(tmp_path)
    assert mine.is_dir()


def test_the_folders_of_gone_owners_are_removed_by_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "grading_root", lambda: tmp_path)
    # a grader that made its folder and was killed before removing it
    script = ("import os, signal; from autograder.files import run_folder; "
              "folder = run_folder('nnkit-grade-'); (folder / 'job1').mkdir(); "
              "(folder / 'job1' / 'cases0.npz').write_bytes(b'x'); print(folder, flush=True); "
              "os.kill(os.getpid(), signal.SIGKILL)")
    env = dict(os.environ, TMPDIR=str(tmp_path.parent))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == -9, done.stderr
    killed = tmp_path.parent / f"nnkit-grading-{os.getuid()}" / os.path.basename(done.stdout.strip())
    assert killed.is_dir()
    monkeypatch.setattr(files, "grading_root", lambda: killed.parent)
    # a reused pid: this process's pid with another start time is not this process
    reused = killed.parent / f"nnkit-cluster-{os.getpid()}.{process_start(os.getpid()) + 1}-abc"
    reused.mkdir()
    foreign = killed.parent / "someone-elses-folder"
    foreign.mkdir()
    mine = run_folder("nnkit-cluster-")
    assert not killed.exists() and not reused.exists()
    assert mine.is_dir() and foreign.is_dir()


def test_process_start_of_a_process_that_does_not_exist():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert process_start(child.pid) == -1
    assert process_start(os.getpid()) > 0
