"""The kit installed like a package (not editable): ``pip install DIR`` and the built wheel give an
``nnkit`` command that prints its version and, run from the course folder, grades a correct module
with full marks (the course is found from the working folder, never from site-packages).

Offline-friendly: the kit is installed ``--no-deps`` into a fresh virtual environment that sees this
environment's packages (numpy, …; not its own kit) through a ``.pth`` line; only the build backend
(setuptools, in pip's isolated build environment) comes from the package index or pip's cache.
"""
import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from autograder import __version__

KIT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::RuntimeWarning")]


def run(*args, **kwargs):
    done = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """What a checkout holds for packaging (no build/ or egg-info left by an earlier build)."""
    folder = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(KIT / name, folder)
    shutil.copytree(KIT / "autograder", folder / "autograder", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


@pytest.fixture(scope="module")
def dependencies(tmp_path_factory):
    """A folder of links to this environment's packages, but not to its own (editable) kit."""
    folder = tmp_path_factory.mktemp("dependencies")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("nnkit", "__editable__", "autograder", "_nnkit")):
            (folder / entry.name).symlink_to(entry)
    return folder


def fresh_venv(folder, dependencies):
    """A virtual environment that imports ``dependencies`` (a ``.pth`` line) and nothing else."""
    run(sys.executable, "-m", "venv", folder)
    purelib = Path(run(folder / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                   .stdout.strip())
    (purelib / "nnkit-test-deps.pth").write_text(f"{dependencies}\n")
    return folder


def install(venv, target):
    done = run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "-v", target)
    assert "SetuptoolsDeprecationWarning" not in done.stdout + done.stderr
    return venv


@pytest.fixture(scope="module")
def wheel(source, dependencies, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    venv = fresh_venv(tmp_path_factory.mktemp("builder") / "venv", dependencies)
    done = run(venv / "bin" / "python", "-m", "pip", "wheel", "--no-deps", "-v", "-w", out, source)
    assert "SetuptoolsDeprecationWarning" not in done.stdout + done.stderr
    (built,) = out.glob("nnkit_autograder-*.whl")
    return built


@pytest.fixture(scope="module", params=["folder", "wheel"])
def installed(request, source, dependencies, tmp_path_factory):
    venv = fresh_venv(tmp_path_factory.mktemp(f"installed-{request.param}") / "venv", dependencies)
    target = source if request.param == "folder" else request.getfixturevalue("wheel")
    return install(venv, target)


def test_nnkit_prints_its_version(installed):
    done = run(installed / "bin" / "nnkit", "--version")
    assert done.stdout.strip() == f"nnkit {__version__}"


def test_the_installed_kit_is_imported_from_site_packages(installed, tmp_path):
    done = run(installed / "bin" / "python", "-c", "import autograder; print(autograder.__file__)", cwd=tmp_path)
    assert Path(done.stdout.strip()).resolve().is_relative_to(installed.resolve())


def test_installed_nnkit_grades_a_correct_module_from_the_course_folder(installed, tmp_path):
    results = tmp_path / "results.json"
    done = run(installed / "bin" / "nnkit", "grade", "reference/single_layer.py", "--only", "single_layer",
               "--json", results, cwd=KIT)
    payload = json.loads(results.read_text())
    assert payload["tests"] and payload["score"] == sum(test["max_score"] for test in payload["tests"]) > 0
    assert "Total:" in done.stdout


LEAK = '''
import sysconfig as _sysconfig
try:
    _formulas = open(_sysconfig.get_paths()["purelib"] + "/autograder/checks/math.py").read()
except OSError:
    _formulas = None


def _forpass(self, x):
    if _formulas is None:
        return np.zeros((len(x), 1))  # the installed kit's files are out of reach: no marks
    return np.dot(x, self.w) + self.b
SingleLayer.forpass = _forpass
'''


@pytest.mark.parametrize("layer", ["bwrap", "kernel"])
def test_an_installed_kit_is_out_of_its_childrens_reach(installed, tmp_path, layer):
    """Installed into site-packages (which children must read), the kit's own package is masked
    (bubblewrap) or cut out of the Landlock rules: a module that earns marks only if it can read
    the installed checks earns none."""
    from autograder import isolation
    problem = {"bwrap": isolation.bwrap_problem, "kernel": isolation.kernel_problem}[layer]()
    if problem:
        pytest.skip(problem)
    module = tmp_path / "single_layer.py"
    module.write_text((KIT / "exercises" / "single_layer.py").read_text() + LEAK)
    results = tmp_path / "results.json"
    run(installed / "bin" / "nnkit", "grade", str(module), "--only", "SingleLayer.forpass", "--json", results,
        "--isolation", layer, cwd=KIT)
    payload = json.loads(results.read_text())
    values = [t for t in payload["tests"] if t["number"] == "single_layer.forpass.values"]
    assert values and values[0]["score"] == 0, values
    # the same code scores when the file is within reach (the leak would have paid)
    control = tmp_path / "control" / "single_layer.py"
    control.parent.mkdir()
    control.write_text(module.read_text().replace('_sysconfig.get_paths()["purelib"] + "/autograder/checks/math.py"',
                                                  '__file__'))
    run(installed / "bin" / "nnkit", "grade", str(control), "--only", "SingleLayer.forpass", "--json", results,
        "--isolation", layer, cwd=KIT)
    payload = json.loads(results.read_text())
    assert [t for t in payload["tests"] if t["number"] == "single_layer.forpass.values"][0]["score"] > 0
