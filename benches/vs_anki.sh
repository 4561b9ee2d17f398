#!/bin/sh
# docket against Anki's own backend on the same generated work, in
# interleaved runs: prints the ratio docket/Anki per task, size and view
# (see benches/vs_anki.py). Needs the `anki` Python package: by default the
# virtualenv in target/anki-venv (python3 -m venv target/anki-venv &&
# target/anki-venv/bin/pip install anki), or set ANKI_PYTHON.
#
# usage: benches/vs_anki.sh [--sizes 1000,10000,100000] [--runs 5]
#                           [--views proc/in,proc/proc,in/in] [--tasks import,...]
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
PY="${ANKI_PYTHON:-target/anki-venv/bin/python}"
# The in-process side of docket (benches/vs_anki_inproc.rs), built in the
# release profile like the binary.
INPROC=$(cargo bench --bench vs_anki_inproc --no-run --message-format=json 2>/dev/null |
    "$PY" -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "vs_anki_inproc" and m.get("executable"):
        print(m["executable"])')
exec "$PY" benches/vs_anki.py target/release/docket --inproc "$INPROC" "$@"
