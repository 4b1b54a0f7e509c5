#!/usr/bin/env bash
# The Python environment of the MILP cross-check (bench/sourcing/milp.py): a venv under
# bench/.venv holding the pinned HiGHS binding. Creates or repairs it when the pinned version is
# missing (a fresh machine, CI), otherwise returns at once. Prints the venv's python path last.
# Usage: PY=$(scripts/python-env.sh | tail -n1)
set -euo pipefail
cd "$(dirname "$0")/.."

# The HiGHS version the cross-check was validated with; bump deliberately.
HIGHSPY_VERSION=1.16.0
venv=bench/.venv
py="$venv/bin/python"

have_pinned() {
  [ -x "$py" ] && "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('highspy') != '$HIGHSPY_VERSION')" 2>/dev/null
}

if ! have_pinned; then
  echo "python-env: installing highspy==$HIGHSPY_VERSION into $venv" >&2
  # A concurrent caller (parallel test files) waits for the first one instead of racing it.
  mkdir -p bench
  exec 9>bench/.venv.lock
  flock 9
  if ! have_pinned; then
    [ -x "$py" ] || python3 -m venv "$venv" >&2
    "$py" -m pip install --quiet --disable-pip-version-check "highspy==$HIGHSPY_VERSION" >&2
  fi
fi
echo "$py"
