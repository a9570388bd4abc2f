# as_root COMMAND...: run COMMAND as root (sourced by bin/_setup.sh and .ci/run): directly when
# root (a container's root has no sudo), through sudo when not root and sudo is present; otherwise
# say what to run as root and fail.
as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: '$*' needs root, and sudo is not installed: run it as root, then run this again" >&2
    return 1
  fi
}
