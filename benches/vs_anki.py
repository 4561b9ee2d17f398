"""docket against Anki's own backend (the `anki` Python package) on the same
generated work, in interleaved runs, with the ratio docket/Anki per task.

usage: vs_anki.py DOCKET_BIN [--sizes 1000,10000,100000] [--runs N]
                  [--inproc BENCH_BIN] [--views proc/in,proc/proc,in/in]
                  [--tasks cold,...] [--work DIR] [--keep] [--no-warm]
(run through benches/vs_anki.sh, which builds docket in release mode and
uses the Anki package in target/anki-venv).

For each size N it generates, once:
- an Anki collection of N basic notes ("What is the code of item i?" /
  "ai"), every card in review with 10 answers a week apart in its log
  (N x 10 revlog rows), about 1 in 8 due today (by Anki's stored due
  days, and by the FSRS states docket computes from the log: 164 of
  1,000 each); the same collection exported as .apkg
  with its scheduling, imported by `docket import --history` into a deck
  file and a docket data directory (the same cards and the same log);
- a TSV of N lines and a .apkg of N notes without scheduling.

Then, run after run, each task once by docket and once by Anki, in turn:
- cold start to first card: docket `study --plain` from process start to
  the first card's answer prompt (deck unchanged since the last run);
  Anki `Collection(path)` + `sched.getCard()` in this process (the Python
  interpreter and the `anki` import are not counted for Anki, but process
  start is counted for docket);
- answer -> next card: the same number of answers on each side (50, or
  one fewer than docket has due if that is less), median per run
  (docket: a line written -> the next prompt read; Anki: `answerCard` +
  `getCard`), on a fresh copy of the store or collection;
- TSV import: `docket import x.tsv -o x.toml` against `import_csv` into
  an empty collection;
- .apkg import: `docket import x.apkg -o x.toml` against
  `import_anki_package` (without scheduling) into an empty collection;
- .apkg export: `docket export deck.toml -o x.apkg` against
  `export_anki_package` of the deck (no scheduling, no media);
- first run on a new deck: docket `study --plain` on the TSV's deck with
  an empty data directory (read, parse, check, sync, first card) against
  Anki importing the same TSV into an empty collection and showing the
  first card. In the in/in view both meet an empty store made before the
  timing (Anki's collection has always been made before its timing;
  docket's `vs_anki_inproc first` now makes its empty store beforehand
  too, and `vs_anki_inproc create` times making one alone); as processes
  (proc/in, proc/proc) docket still makes its store inside the timing.

Each task is measured in up to three views (--views), because a process
and a call inside a running process are not the same work:
- `proc/in`: docket as a process (as a user runs it) against Anki as a
  call inside this already-running Python process (the view of the first
  tables; it charges docket its process start and Anki nothing);
- `proc/proc`: both as fresh processes: docket's process against
  `python vs_anki.py --anki-task ...` (interpreter start, `import anki`,
  the task, closing the collection); for cold start and first run, to the
  first card (the child prints a line when it has it), CPU through exit;
- `in/in`: both inside a running process: docket's app-layer call timed
  inside the `vs_anki_inproc` bench binary (benches/vs_anki_inproc.rs,
  the same call `docket` makes, without process start) against Anki's
  call in this process.
Answer -> next card is a latency inside a running session on both sides:
its `proc/in` row is docket through pipes, its `in/in` row docket's
session call; it has no `proc/proc` row.

Prints per task, size and view: docket and Anki medians of wall time,
spread (min-max), the ratio of medians; the medians of CPU time (user + system:
docket's whole process, Anki's in this process) and their ratio, which a
loaded machine disturbs far less than wall time; and the 1-minute load
average over the runs.
"""

import argparse
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from anki.collection import (
    Collection,
    DeckIdLimit,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)

DAY_MS = 86_400_000
ANSWERS = 50


def docket_env(data):
    env = dict(os.environ, DOCKET_DATA_DIR=data, NO_COLOR="1")
    env.pop("DOCKET_NOW", None)
    return env


def run(cmd, env=None):
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")


class Study:
    """A `docket study --plain` session driven through pipes."""

    ITEM = re.compile(r"item (\d+)\?")
    COUNTS = re.compile(r"^\[(\d+) new, (\d+) learning, (\d+) review\]")

    def __init__(self, binary, data, deck, extra=()):
        self.p = subprocess.Popen(
            [binary, "study", "--plain", "--seed", "1", *extra, deck],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=docket_env(data), text=True, bufsize=1,
        )
        # Cards left today, from the session's first count line.
        self.left = None

    def next_card(self):
        item = None
        for line in self.p.stdout:
            counts = self.COUNTS.match(line)
            if counts and self.left is None:
                self.left = sum(int(g) for g in counts.groups())
            m = self.ITEM.search(line)
            if m:
                item = m.group(1)
            if line.startswith("answer ("):
                return item
        return None

    def answer(self, item):
        self.p.stdin.write(f"a{item}\n")
        self.p.stdin.flush()

    def quit(self):
        try:
            self.p.stdin.write(":quit\n")
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        self.p.wait()


def fresh_collection(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return Collection(path)


def generate(n, work, binary):
    """The shared work of one size; returns a dict of paths."""
    d = {"dir": work}
    # The collection with a review history.
    col_path = os.path.join(work, "hist", "collection.anki2")
    d["tsv"] = os.path.join(work, "cards.tsv")
    with open(d["tsv"], "w") as f:
        f.write("#separator:tab\n#html:false\n")
        for i in range(n):
            f.write(f"What is the code of item {i}?\ta{i}\n")
    col = fresh_collection(col_path)
    did = col.decks.id("bench")
    # The notes come in through Anki's own bulk import (add_note one at a
    # time takes minutes at 100,000).
    meta = col.get_csv_metadata(path=d["tsv"], delimiter=None)
    meta.deck_id = did
    col.import_csv(ImportCsvRequest(path=d["tsv"], metadata=meta))
    assert col.note_count() == n, col.note_count()
    conf = col.decks.config_dict_for_deck_id(did)
    conf["new"]["perDay"] = 20
    conf["rev"]["perDay"] = 200
    col.decks.update_config(conf)
    today = col.sched.today
    now_ms = int(time.time() * 1000)
    cids = col.db.list("select id from cards order by id")
    rows, updates = [], []
    for k, cid in enumerate(cids):
        ivl = 1 + (k * 31) % 200
        elapsed = 1 + (k * 7919) % (ivl + ivl // 7 + 1)
        last = now_ms - elapsed * DAY_MS
        for j in range(10):
            # A revlog id is the answer's time in ms: each card's answers a
            # week apart, each card k ms off the others so that ids are
            # unique (before 2 December 2026 ids were bumped past the
            # previous card's, which put all but the first card's ten
            # answers within a few ms of each other in the log).
            ts = last - (9 - j) * 7 * DAY_MS + k
            rows.append((ts, cid, -1, 3, ivl if j == 9 else 7, 7, 2500, 4000, 0 if j == 0 else 1))
        updates.append((today + ivl - elapsed, ivl, cid))
    assert len({r[0] for r in rows}) == len(rows)
    d["anki_due"] = sum(1 for due, _, _ in updates if due <= today)
    col.decks.select(did)
    col.close()
    # The log and the states are written straight into the file (through
    # Anki's own database calls a million rows take many minutes).
    db = sqlite3.connect(col_path)
    db.executemany(
        "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.executemany(
        "update cards set type = 2, queue = 2, due = ?, ivl = ?, factor = 2500, reps = 10 where id = ?",
        updates,
    )
    db.commit()
    db.close()
    col = Collection(col_path)
    d["hist_apkg"] = os.path.join(work, "hist.apkg")
    col.export_anki_package(
        out_path=d["hist_apkg"],
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False
        ),
        limit=DeckIdLimit(did),
    )
    col.close()
    d["col"] = col_path
    # docket: the same deck and history.
    d["data"] = os.path.join(work, "data")
    d["deck"] = os.path.join(work, "hist.toml")
    run([binary, "import", "--history", d["hist_apkg"], "-o", d["deck"]], docket_env(d["data"]))
    # Settle the unchanged-file fast path (the file was just written).
    time.sleep(3.1)
    for _ in range(2):
        s = Study(binary, d["data"], d["deck"])
        s.next_card()
        s.quit()
    # Both sides answer as many cards as docket has due but one, at most
    # ANSWERS (Anki schedules by the due days stored in its cards, docket
    # recomputes them from the history): the same answers on each side,
    # each followed by a next card (docket's last one would end the
    # session, and write its record).
    d["answers"] = max(1, min(ANSWERS, (s.left or 0) - 1))
    d["docket_due"] = docket_due(binary, d)
    # A package without scheduling.
    d["apkg"] = os.path.join(work, "plain.apkg")
    col = Collection(col_path)
    col.export_anki_package(
        out_path=d["apkg"],
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=DeckIdLimit(did),
    )
    col.close()
    d["plain_deck"] = os.path.join(work, "plain.toml")
    run([binary, "import", d["apkg"], "-o", d["plain_deck"]])
    return d


def docket_due(binary, d):
    """Cards docket has due today (`docket stats`, after the daily
    limits), for the report."""
    out = subprocess.run(
        [binary, "stats", d["deck"]], env=docket_env(d["data"]), stdout=subprocess.PIPE, text=True, check=True
    ).stdout
    m = re.search(r"due today:\s+(\d+)", out)
    return int(m.group(1)) if m else None


def cpu(who):
    """CPU seconds (user + system) used so far by this process (Anki runs
    in it) or by its waited-for children (docket)."""
    r = resource.getrusage(resource.RUSAGE_SELF if who == "anki" else resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(f, who="anki"):
    """(wall, CPU) seconds of f()."""
    c = cpu(who)
    t = time.perf_counter()
    f()
    return time.perf_counter() - t, cpu(who) - c


# Each task: (name, docket(binary, d, scratch), anki(d, scratch)), each
# returning (wall seconds, CPU seconds or None). docket's CPU is its whole
# process (for a study session: through quitting).

def docket_cold(binary, d, tmp):
    c = cpu("docket")
    t = time.perf_counter()
    s = Study(binary, d["data"], d["deck"])
    s.next_card()
    dt = time.perf_counter() - t
    s.quit()
    return dt, cpu("docket") - c


def anki_cold(d, tmp):
    c = cpu("anki")
    t = time.perf_counter()
    col = Collection(d["col"])
    col.sched.getCard()
    dt = time.perf_counter() - t
    dc = cpu("anki") - c
    col.close()
    return dt, dc


def settle_copy():
    """Writes a fresh copy of a store or collection out to the disk before
    answers are timed: a store in use was written long ago, and the first
    synced commit on a just-copied file would also flush (and, with
    delayed allocation, place) the whole copy."""
    os.sync()


def docket_answer(binary, d, tmp):
    data = os.path.join(tmp, "data")
    shutil.copytree(d["data"], data)
    settle_copy()
    s = Study(binary, data, d["deck"])
    item = s.next_card()
    lat = []
    while item is not None and len(lat) < d["answers"]:
        t = time.perf_counter()
        s.answer(item)
        item = s.next_card()
        lat.append(time.perf_counter() - t)
    s.quit()
    return statistics.median(lat), None


def anki_answer(d, tmp):
    path = os.path.join(tmp, "anki", "collection.anki2")
    os.makedirs(os.path.dirname(path))
    shutil.copy(d["col"], path)
    settle_copy()
    col = Collection(path)
    card = col.sched.getCard()
    lat = []
    while card is not None and len(lat) < d["answers"]:
        t = time.perf_counter()
        col.sched.answerCard(card, 3)
        card = col.sched.getCard()
        lat.append(time.perf_counter() - t)
    col.close()
    return statistics.median(lat), None


def docket_tsv(binary, d, tmp):
    return timed(lambda: run([binary, "import", d["tsv"], "-o", os.path.join(tmp, "t.toml")]), "docket")


def anki_tsv(d, tmp):
    col = fresh_collection(os.path.join(tmp, "anki", "collection.anki2"))

    def go():
        meta = col.get_csv_metadata(path=d["tsv"], delimiter=None)
        col.import_csv(ImportCsvRequest(path=d["tsv"], metadata=meta))

    dt = timed(go)
    col.close()
    return dt


def docket_apkg_import(binary, d, tmp):
    return timed(lambda: run([binary, "import", d["apkg"], "-o", os.path.join(tmp, "a.toml")]), "docket")


def anki_apkg_import(d, tmp):
    col = fresh_collection(os.path.join(tmp, "anki", "collection.anki2"))
    dt = timed(lambda: col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=d["apkg"], options=ImportAnkiPackageOptions(with_scheduling=False)
        )
    ))
    col.close()
    return dt


def docket_apkg_export(binary, d, tmp):
    return timed(lambda: run([binary, "export", d["plain_deck"], "-o", os.path.join(tmp, "e.apkg")]), "docket")


def anki_apkg_export(d, tmp):
    col = Collection(d["col"])
    did = col.decks.id("bench")
    dt = timed(lambda: col.export_anki_package(
        out_path=os.path.join(tmp, "e.apkg"),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=DeckIdLimit(did),
    ))
    col.close()
    return dt


def docket_first_run(binary, d, tmp):
    deck = os.path.join(tmp, "new.toml")
    run([binary, "import", d["tsv"], "-o", deck])
    c = cpu("docket")
    t = time.perf_counter()
    s = Study(binary, os.path.join(tmp, "data"), deck)
    s.next_card()
    dt = time.perf_counter() - t
    s.quit()
    return dt, cpu("docket") - c


def anki_first_run(d, tmp):
    col = fresh_collection(os.path.join(tmp, "anki", "collection.anki2"))

    def go():
        meta = col.get_csv_metadata(path=d["tsv"], delimiter=None)
        col.import_csv(ImportCsvRequest(path=d["tsv"], metadata=meta))
        col.sched.getCard()

    dt = timed(go)
    col.close()
    return dt



# The `proc/proc` view: Anki as a fresh process. The child is this script
# with --anki-task; everything it does is charged (interpreter start,
# `import anki`, the task, closing). For cold start and first run the
# child prints "card" when it has the first card, and the wall time stops
# there, as it does for docket at its first prompt.

ANKI_CHILD_STOPS_AT_CARD = {"cold", "first"}


def anki_child(task, args):
    """Runs one Anki task in this (fresh) process."""
    if task == "cold":
        col = Collection(args[0])
        col.sched.getCard()
        print("card", flush=True)
    elif task in ("tsv", "first"):
        col = fresh_collection(args[1])
        meta = col.get_csv_metadata(path=args[0], delimiter=None)
        col.import_csv(ImportCsvRequest(path=args[0], metadata=meta))
        if task == "first":
            col.sched.getCard()
            print("card", flush=True)
    elif task == "apkg_import":
        col = fresh_collection(args[1])
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=args[0], options=ImportAnkiPackageOptions(with_scheduling=False)
            )
        )
    elif task == "apkg_export":
        col = Collection(args[0])
        did = col.decks.id("bench")
        col.export_anki_package(
            out_path=args[1],
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=DeckIdLimit(did),
        )
    else:
        sys.exit(f"unknown Anki task {task}")
    col.close()


def anki_process(task, *args):
    """(wall, CPU) of `python vs_anki.py --anki-task TASK ARGS`."""
    cmd = [sys.executable, os.path.abspath(__file__), "--anki-task", task, *args]
    c = cpu("children")
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = None
    if task in ANKI_CHILD_STOPS_AT_CARD:
        line = p.stdout.readline()
        dt = time.perf_counter() - t
        if line.strip() != "card":
            dt = None
    out, err = p.communicate()
    if dt is None:
        dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"Anki task {task} failed ({p.returncode}):\n{err}")
    return dt, cpu("children") - c


def anki_proc_cold(d, tmp):
    # The collection is left as it was (Anki writes on close, as in the
    # in-process view).
    return anki_process("cold", d["col"])


def anki_proc_tsv(d, tmp):
    return anki_process("tsv", d["tsv"], os.path.join(tmp, "anki", "collection.anki2"))


def anki_proc_apkg_import(d, tmp):
    return anki_process("apkg_import", d["apkg"], os.path.join(tmp, "anki", "collection.anki2"))


def anki_proc_apkg_export(d, tmp):
    return anki_process("apkg_export", d["col"], os.path.join(tmp, "e.apkg"))


def anki_proc_first_run(d, tmp):
    return anki_process("first", d["tsv"], os.path.join(tmp, "anki", "collection.anki2"))


# The `in/in` view: docket's app-layer call timed inside the bench binary,
# which prints "<wall ms> <CPU ms>" per call (per answer for `answer`).

# Whether docket's in/in calls meet a warmed-up process (`--no-warm`: the
# first call of a fresh process, as before 2 December 2026).
WARM_INPROC = True


def inproc(bench, *args):
    # The data directory is passed as an argument; the environment is the
    # one docket runs with (no DOCKET_NOW, no colour).
    env = docket_env(args[1] if args[0] in ("cold", "first", "answer") else os.devnull)
    # Anki's calls run in this long-running process, which has made them
    # before; docket's bench makes its call once untimed first (`--warm`)
    # so that the timed call meets a process in the same state (answers:
    # on a scratch copy of the store, since 2 December 2026 at 17:20;
    # before, the first of a run's few answers met a fresh process).
    warm = ["--warm"] if WARM_INPROC else []
    p = subprocess.run([bench, *args, *warm], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {bench} {' '.join(args)}\n{p.stderr}")
    rows = [tuple(float(x) / 1e3 for x in line.split()) for line in p.stdout.splitlines() if line.strip()]
    if not rows:
        sys.exit(f"no timings from {bench} {' '.join(args)}")
    return rows


def docket_in_cold(bench, d, tmp):
    return inproc(bench, "cold", d["data"], d["deck"])[0]


def docket_in_answer(bench, d, tmp):
    data = os.path.join(tmp, "data")
    shutil.copytree(d["data"], data)
    settle_copy()
    rows = inproc(bench, "answer", data, d["deck"], str(d["answers"]))
    return statistics.median(r[0] for r in rows), None


def docket_in_tsv(bench, d, tmp):
    return inproc(bench, "import", d["tsv"], os.path.join(tmp, "t.toml"))[0]


def docket_in_apkg_import(bench, d, tmp):
    return inproc(bench, "import", d["apkg"], os.path.join(tmp, "a.toml"))[0]


def docket_in_apkg_export(bench, d, tmp):
    return inproc(bench, "export", d["plain_deck"], os.path.join(tmp, "e.apkg"))[0]


def docket_in_first_run(bench, d, tmp):
    deck = os.path.join(tmp, "new.toml")
    run([d["binary"], "import", d["tsv"], "-o", deck])
    return inproc(bench, "first", os.path.join(tmp, "data"), deck)[0]


# Each task: (name, docket process, Anki in this process, docket in its
# bench binary, Anki as a fresh process or None).
TASKS = [
    ("cold start to first card", docket_cold, anki_cold, docket_in_cold, anki_proc_cold),
    ("answer -> next card (median)", docket_answer, anki_answer, docket_in_answer, None),
    ("TSV import", docket_tsv, anki_tsv, docket_in_tsv, anki_proc_tsv),
    (".apkg import", docket_apkg_import, anki_apkg_import, docket_in_apkg_import, anki_proc_apkg_import),
    (".apkg export", docket_apkg_export, anki_apkg_export, docket_in_apkg_export, anki_proc_apkg_export),
    ("first run on a new deck", docket_first_run, anki_first_run, docket_in_first_run, anki_proc_first_run),
]

# The views: (name, docket measurement, Anki measurement), by the index of
# the measurement in a TASKS row.
VIEWS = {"proc/in": (1, 2), "proc/proc": (1, 4), "in/in": (3, 2)}


def fmt(v):
    return f"{v * 1e3:8.1f}" if v < 10 else f"{v * 1e3:8.0f}"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--anki-task":
        anki_child(sys.argv[2], sys.argv[3:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("docket")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--inproc", default=None, help="the vs_anki_inproc bench binary (for the in/in view)")
    ap.add_argument("--views", default="proc/in,proc/proc,in/in")
    ap.add_argument("--tasks", default=None, help="only the tasks whose names contain one of these (comma-separated)")
    ap.add_argument("--work", default=None, help="where to generate (default: a temporary directory)")
    ap.add_argument("--keep", action="store_true", help="keep the generated work of each size (under --work) for profiling")
    ap.add_argument("--no-warm", action="store_true", help="in/in: time docket's first call in a fresh process, without the untimed warm-up call")
    a = ap.parse_args()
    global WARM_INPROC
    WARM_INPROC = not a.no_warm
    binary = os.path.abspath(a.docket)
    views = [v for v in a.views.split(",") if v]
    for v in views:
        if v not in VIEWS:
            sys.exit(f"unknown view {v}; views: {', '.join(VIEWS)}")
    if "in/in" in views and not a.inproc:
        sys.exit("the in/in view needs --inproc BENCH_BIN (benches/vs_anki.sh passes it)")
    bench = os.path.abspath(a.inproc) if a.inproc else None
    tasks = [t for t in TASKS if a.tasks is None or any(k in t[0] for k in a.tasks.split(","))]
    print(f"docket: {binary}; Anki: the `anki` package; {os.cpu_count()} CPUs; {a.runs} interleaved runs per task")
    print("views: proc/in = docket process / Anki call in a running process; proc/proc = both fresh processes;")
    print("       in/in = both calls inside a running process (docket: benches/vs_anki_inproc.rs)")
    print(
        f"{'task':<36} {'N':>7} {'view':>9} {'docket ms':>9} {'(min-max)':>19} {'Anki ms':>9} {'(min-max)':>19} "
        f"{'ratio':>6} {'CPU ms d/A':>17} {'CPU ratio':>9} {'load':>5}"
    )
    root = a.work or tempfile.mkdtemp(prefix="vs_anki-")
    try:
        for n in [int(x) for x in a.sizes.split(",")]:
            work = os.path.join(root, str(n))
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            t = time.perf_counter()
            d = generate(n, work, binary)
            d["binary"] = binary
            print(
                f"# N={n}: generated in {time.perf_counter() - t:.0f} s; "
                f"{d['answers']} answers per answer run (due today: "
                f"docket {d['docket_due']} after its limit of 200 reviews a day, "
                f"Anki {d['anki_due']} before it)",
                flush=True,
            )
            for task in tasks:
                name = task[0]
                # The measurements this run of views needs, by index in the row.
                wanted = sorted({i for v in views for i in VIEWS[v] if task[i] is not None})
                times = {i: [] for i in wanted}
                cpus = {i: [] for i in wanted}
                loads = []
                for r in range(a.runs):
                    # Alternate docket and Anki first, so neither always meets a warmer cache.
                    docket_side = [i for i in wanted if i in (1, 3)]
                    anki_side = [i for i in wanted if i in (2, 4)]
                    order = docket_side + anki_side if r % 2 == 0 else anki_side + docket_side
                    for i in order:
                        f = task[i]
                        loads.append(os.getloadavg()[0])
                        scratch = tempfile.mkdtemp(dir=work)
                        if i == 1:
                            wall, used = f(binary, d, scratch)
                        elif i == 3:
                            wall, used = f(bench, d, scratch)
                        else:
                            wall, used = f(d, scratch)
                        times[i].append(wall)
                        if used is not None:
                            cpus[i].append(used)
                        shutil.rmtree(scratch, ignore_errors=True)
                spread = lambda v: f"({fmt(min(v)).strip()}-{fmt(max(v)).strip()})"
                for v in views:
                    di, ai = VIEWS[v]
                    if di not in times or ai not in times:
                        continue
                    dm, am = statistics.median(times[di]), statistics.median(times[ai])
                    if cpus[di] and cpus[ai]:
                        dc, ac = statistics.median(cpus[di]), statistics.median(cpus[ai])
                        cpu_cols = f"{fmt(dc).strip() + ' / ' + fmt(ac).strip():>17} {dc / max(ac, 1e-9):9.2f}"
                    else:
                        cpu_cols = f"{'-':>17} {'-':>9}"
                    print(
                        f"{name:<36} {n:>7} {v:>9} {fmt(dm)} {spread(times[di]):>19} {fmt(am)} "
                        f"{spread(times[ai]):>19} {dm / am:6.2f} {cpu_cols} {statistics.mean(loads):5.2f}",
                        flush=True,
                    )
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if a.work is None and not a.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
