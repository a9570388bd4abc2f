# Shared set-up for bin/setup-and-grade and bin/setup-and-test (sourced, not run).
# Installs what a fresh Debian/Ubuntu machine lacks, then a virtual environment in .venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bin/_as_root.sh
need_apt=()
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv python3-pip)
[ -d /usr/share/datasets/fashion-mnist ] || need_apt+=(dataset-fashion-mnist)
command -v bwrap >/dev/null || need_apt+=(bubblewrap)  # the sandbox of every grading process
# libseccomp builds each grading process's seccomp filter (the kernel guards)
python3 -c "import ctypes; ctypes.CDLL('libseccomp.so.2')" 2>/dev/null || need_apt+=(libseccomp2)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
VENV="${NNKIT_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q -e ".${NNKIT_EXTRAS:-}"
PY="$VENV/bin/python"
