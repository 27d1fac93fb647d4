# Sourced by the scripts: a project virtualenv (.venv) with the package installed, strictly
# from the lock files (scripts/lock writes them): EXTRAS="" takes requirements.lock,
# EXTRAS="[dev]" requirements-dev.lock; EXTRAS="[bench]" (bench/run.sh) the runtime lock,
# then the unlocked bench extra on top, constrained by it. Installs only when needed: .venv/.dle-stamp holds
# a hash of the lock, pyproject.toml and the extras; while it matches and the package
# imports, nothing is installed (a second start costs well under a second).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
EXTRAS="${EXTRAS:-}"
case "$EXTRAS" in
  "") LOCK=requirements.lock ;;
  "[dev]") LOCK=requirements-dev.lock ;;
  "[bench]") LOCK=requirements.lock ;;
  *) echo "_venv.sh: no lock file for extras '$EXTRAS'" >&2; exit 1 ;;
esac
STAMP=.venv/.dle-stamp

_dle_key() {  # the stamp of a lock file + pyproject.toml + extras
  cat "$1" pyproject.toml - <<<"extras=$2" | sha256sum | cut -d' ' -f1
}

WANT="$(_dle_key "$LOCK" "$EXTRAS")"
# The dev lock pins the runtime lock's versions (scripts/lock constrains it), so a venv
# installed for the tests also serves.
ACCEPT=("$WANT")
[ -z "$EXTRAS" ] && ACCEPT+=("$(_dle_key requirements-dev.lock "[dev]")")

_dle_ready() {
  [ -f "$STAMP" ] || return 1
  local have key
  have="$(cat "$STAMP")"
  for key in "${ACCEPT[@]}"; do
    if [ "$have" = "$key" ]; then
      .venv/bin/python -c 'import api' 2>/dev/null && return 0
      return 1
    fi
  done
  return 1
}

if ! _dle_ready; then
  if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys' 2>/dev/null; then
    echo "the virtualenv .venv is broken; recreating it" >&2
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv || {
      echo "could not create a virtualenv: on Debian, apt-get install python3-venv" >&2
      exit 1
    }
  fi
  rm -f "$STAMP"
  # uv itself, pinned with hashes, kept apart from the project's packages.
  UV=.venv/uv/bin/uv
  if ! "$UV" --version >/dev/null 2>&1; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      --require-hashes --target .venv/uv -r requirements-uv.lock
  fi
  echo "installing from $LOCK" >&2
  VIRTUAL_ENV="$ROOT/.venv" PYTHONPATH= "$UV" pip install --quiet --python .venv/bin/python \
    --require-hashes --no-deps -r "$LOCK"
  # The project itself, editable, built by the locked setuptools (no other download).
  VIRTUAL_ENV="$ROOT/.venv" "$UV" pip install --quiet --python .venv/bin/python \
    --no-deps --no-build-isolation -e .
  if [ "$EXTRAS" = "[bench]" ]; then
    VIRTUAL_ENV="$ROOT/.venv" "$UV" pip install --quiet --python .venv/bin/python \
      --no-build-isolation -c "$LOCK" -e ".$EXTRAS"
  fi
  .venv/bin/python -c 'import api'
  printf '%s\n' "$WANT" >"$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
