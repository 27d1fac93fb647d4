#!/usr/bin/env bash
# The published benchmark in one command: installs the project with its bench extra
# into .venv (Datasette, py-spy), wrk from Debian's packages if missing, then runs
# bench/run.py, which writes docs/benchmarks.md. Arguments go to bench/run.py.
EXTRAS="[bench]" source "$(dirname "$0")/../scripts/_venv.sh"
exec python bench/run.py "$@"
