#!/bin/sh
# docket against Anki's own backend on the same generated work, in
# interleaved runs: prints the ratio docket/Anki per task and size (see
# benches/vs_anki.py). Needs the `anki` Python package: by default the
# virtualenv in target/anki-venv (python3 -m venv target/anki-venv &&
# target/anki-venv/bin/pip install anki), or set ANKI_PYTHON.
#
# usage: benches/vs_anki.sh [--sizes 1000,10000,100000] [--runs 5]
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
PY="${ANKI_PYTHON:-target/anki-venv/bin/python}"
exec "$PY" benches/vs_anki.py target/release/docket "$@"
