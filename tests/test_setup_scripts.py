"""The setup scripts' ``as_root`` (bin/_as_root.sh, used by bin/_setup.sh and .ci/run, and its copy
in Gradescope's setup.sh): apt-get runs directly as root, through sudo when not root and sudo is
present, and otherwise fails saying why. ``id`` and ``sudo`` are stand-ins on PATH."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parent.parent
SCRIPTS = [KIT / "bin" / "_as_root.sh", KIT / "autograder" / "templates" / "gradescope_setup.sh"]
BASH = shutil.which("bash")


def as_root_function(script):
    match = re.search(r"^as_root\(\) \{\n.*?^\}\n", script.read_text(), re.S | re.M)
    assert match, script
    return match.group(0)


def run_as(tmp_path, script, uid, sudo):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!{BASH}\necho {uid}\n")
    (bin_dir / "echo-args").write_text(f"#!{BASH}\necho \"ran: $*\"\n")
    if sudo:
        (bin_dir / "sudo").write_text(f"#!{BASH}\necho \"sudo: $*\"\n")
    for path in bin_dir.iterdir():
        path.chmod(0o755)
    code = as_root_function(script) + "as_root echo-args apt-get update\n"
    return subprocess.run([BASH, "-c", code], capture_output=True, text=True, env={"PATH": str(bin_dir)})


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_root_runs_apt_get_directly(tmp_path, script):
    done = run_as(tmp_path, script, 0, sudo=False)
    assert done.returncode == 0 and done.stdout.strip() == "ran: apt-get update"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_user_with_sudo_goes_through_sudo(tmp_path, script):
    done = run_as(tmp_path, script, 1000, sudo=True)
    assert done.returncode == 0 and done.stdout.strip() == "sudo: echo-args apt-get update"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_user_without_sudo_is_told_why(tmp_path, script):
    done = run_as(tmp_path, script, 1000, sudo=False)
    assert done.returncode != 0 and not done.stdout
    assert "needs root" in done.stderr and "sudo is not installed" in done.stderr


def test_setup_scripts_use_as_root_for_apt_get():
    for path in (KIT / "bin" / "_setup.sh", KIT / ".ci" / "run", SCRIPTS[1]):
        lines = [line for line in path.read_text().splitlines() if "apt-get " in line and "command -v" not in line
                 and not line.lstrip().startswith("#")]
        assert lines and all(line.strip().startswith("as_root ") for line in lines), path
        assert "sudo apt-get" not in path.read_text() and "$SUDO" not in path.read_text()
