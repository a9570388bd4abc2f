"""The student repository's GitHub Classroom workflow (``.github/workflows/classroom.yml``):
valid YAML of the right shape, and its commands run the way the runner runs them — a fresh clone
of what the student pushed, a fresh virtual environment, the ``run`` steps in order, each graded
test with only PATH and HOME (as Classroom's command grader runs it), points when it exits with 0.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from autograder.checks import ALL_CHECKS  # noqa: E402
from autograder.distribute import build_student_repo, public_points  # noqa: E402

KIT = Path(__file__).resolve().parent.parent
REFERENCE = KIT / "reference"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom") / "template"
    build_student_repo(out, log=lambda _: None)
    return out


def load_workflow(repo):
    return yaml.safe_load((repo / ".github" / "workflows" / "classroom.yml").read_text())


def graded_steps(workflow):
    return [step for step in workflow["jobs"]["run-autograding-tests"]["steps"]
            if step.get("uses") == COMMAND_GRADER]


def test_workflow_is_valid_and_grades_every_module(student_repo):
    workflow = load_workflow(student_repo)
    assert set(workflow) == {"name", "on", "permissions", "jobs"}
    assert {"push", "workflow_dispatch", "repository_dispatch"} <= set(workflow["on"])
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    job = workflow["jobs"]["run-autograding-tests"]
    assert job["runs-on"] == "ubuntu-latest"
    for step in job["steps"]:
        assert ("uses" in step) != ("run" in step), step
        assert set(step) <= {"name", "id", "uses", "run", "with", "env"}, step
    points = public_points()
    graded = graded_steps(workflow)
    assert [step["with"]["test-name"] for step in graded] == [f"{module}.py" for module in points]
    for step, (module, total) in zip(graded, points.items()):
        args = step["with"]
        assert args["command"] == f"python -m autograder grade exercises --only {module} --min-score {total:g}"
        assert args["max-score"] == total and isinstance(args["max-score"], int)
        assert 1 <= args["timeout"] <= 60
    assert sum(points.values()) == sum(check.points for check in ALL_CHECKS if not check.hidden)
    reporter = job["steps"][-1]
    assert reporter["uses"] == REPORTER
    ids = [step["id"] for step in graded]
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{ steps.{i}.outputs.result }}}}" for i in ids}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ['python -m pip install -e ".[keras]"', "python -m autograder fetch-data"]


# --------------------------------------------------------------------------- as the runner does

def git(*args, cwd):
    done = subprocess.run(["git", "-c", "user.name=student", "-c", "user.email=student@localhost", *args],
                          cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_workflow(template, tmp_path, solve):
    """Push (a solved or untouched copy of) the template, then run the workflow's steps in a fresh
    clone and virtual environment. Returns {module: (points, output)} and the total."""
    work = tmp_path / "student"
    git("clone", "-q", str(template), str(work), cwd=tmp_path)
    if solve:
        for module in REFERENCE.glob("*.py"):
            if module.name != "__init__.py":
                shutil.copyfile(module, work / "exercises" / module.name)
        git("commit", "-q", "-am", "solved", cwd=work)
    runner = tmp_path / "runner"
    home = tmp_path / "home"
    home.mkdir()
    workflow = load_workflow(work)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8"}
    scores = {}
    for step in workflow["jobs"]["run-autograding-tests"]["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            git("clone", "-q", str(work), str(runner), cwd=tmp_path)
        elif uses.startswith("actions/setup-python@"):
            base = getattr(sys, "_base_executable", sys.executable)
            subprocess.run([base, "-m", "venv", str(tmp_path / "venv")], check=True)
            env["PATH"] = f"{tmp_path / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"
        elif uses.startswith("actions/cache@"):
            pass  # a cache miss
        elif "run" in step:
            command = step["run"]
            if "[keras]" in command:  # TensorFlow (600 MB) is not installed here: the Keras step fails
                command = command.replace('".[keras]"', ".")
            done = subprocess.run(["bash", "-e", "-c", command], cwd=runner, env=env, capture_output=True,
                                  text=True, timeout=1200)
            assert done.returncode == 0, f"{step['name']}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        elif uses == COMMAND_GRADER:
            args = step["with"]
            grader_env = {"PATH": env["PATH"], "HOME": env["HOME"]}
            done = subprocess.run(["bash", "-c", args["command"]], cwd=runner, env=grader_env, capture_output=True,
                                  text=True, timeout=args["timeout"] * 60)
            module = args["test-name"].removesuffix(".py")
            scores[module] = (args["max-score"] if done.returncode == 0 else 0, done.stdout + done.stderr)
        elif uses == REPORTER:
            pass
        else:
            raise AssertionError(f"unknown step {step}")
    return scores


@pytest.mark.slow
def test_a_solved_push_scores_every_module(student_repo, tmp_path):
    scores = run_workflow(student_repo, tmp_path, solve=True)
    points = public_points()
    assert set(scores) == set(points)
    for module, (score, output) in scores.items():
        if module == "keras_model":
            assert score == 0 and "TensorFlow/Keras is not installed" in output
        else:
            assert score == points[module], f"{module}: {output[-2000:]}"
            assert f"Total: {points[module]:g}/{points[module]:g}" in output


@pytest.mark.slow
def test_an_untouched_push_scores_nothing(student_repo, tmp_path):
    scores = run_workflow(student_repo, tmp_path, solve=False)
    assert all(score == 0 for score, _ in scores.values())
    assert "not implemented yet: SingleLayer.forpass" in scores["single_layer"][1]
    assert "below the required" in scores["single_layer"][1]
