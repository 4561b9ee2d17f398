"""docket against Anki's own backend (the `anki` Python package) on the same
generated work, in interleaved runs, with the ratio docket/Anki per task.

usage: vs_anki.py DOCKET_BIN [--sizes 1000,10000,100000] [--runs N]
(run through benches/vs_anki.sh, which builds docket in release mode and
uses the Anki package in target/anki-venv).

For each size N it generates, once:
- an Anki collection of N basic notes ("What is the code of item i?" /
  "ai"), every card in review with 10 answers in its log (N x 10 revlog
  rows), about 1 in 8 due today; the same collection exported as .apkg
  with its scheduling, imported by `docket import --history` into a deck
  file and a docket data directory (the same cards and the same log);
- a TSV of N lines and a .apkg of N notes without scheduling.

Then, run after run, each task once by docket and once by Anki, in turn:
- cold start to first card: docket `study --plain` from process start to
  the first card's answer prompt (deck unchanged since the last run);
  Anki `Collection(path)` + `sched.getCard()` in this process (the Python
  interpreter and the `anki` import are not counted for Anki, but process
  start is counted for docket);
- answer -> next card: 50 answers each, median per run (docket: a line
  written -> the next prompt read; Anki: `answerCard` + `getCard`), on a
  fresh copy of the store or collection;
- TSV import: `docket import x.tsv -o x.toml` against `import_csv` into
  an empty collection;
- .apkg import: `docket import x.apkg -o x.toml` against
  `import_anki_package` (without scheduling) into an empty collection;
- .apkg export: `docket export deck.toml -o x.apkg` against
  `export_anki_package` of the deck (no scheduling, no media);
- first run on a new deck: docket `study --plain` on the TSV's deck with
  an empty data directory (read, parse, check, sync, first card) against
  Anki importing the same TSV into an empty collection and showing the
  first card.

Prints per task and size: docket and Anki medians of wall time, spread
(min-max), the ratio of medians; the medians of CPU time (user + system:
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

    def __init__(self, binary, data, deck, extra=()):
        self.p = subprocess.Popen(
            [binary, "study", "--plain", "--seed", "1", *extra, deck],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=docket_env(data), text=True, bufsize=1,
        )

    def next_card(self):
        item = None
        for line in self.p.stdout:
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
    rid = now_ms - 400 * DAY_MS
    for k, cid in enumerate(cids):
        ivl = 1 + (k * 31) % 200
        elapsed = 1 + (k * 7919) % (ivl + ivl // 7 + 1)
        last = now_ms - elapsed * DAY_MS
        for j in range(10):
            ts = last - (9 - j) * 7 * DAY_MS
            rid = max(rid + 1, ts)
            rows.append((rid, cid, -1, 3, ivl if j == 9 else 7, 7, 2500, 4000, 0 if j == 0 else 1))
        updates.append((today + ivl - elapsed, ivl, cid))
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


def docket_answer(binary, d, tmp):
    data = os.path.join(tmp, "data")
    shutil.copytree(d["data"], data)
    s = Study(binary, data, d["deck"])
    item = s.next_card()
    lat = []
    while item is not None and len(lat) < ANSWERS:
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
    col = Collection(path)
    card = col.sched.getCard()
    lat = []
    while card is not None and len(lat) < ANSWERS:
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


TASKS = [
    ("cold start to first card", docket_cold, anki_cold),
    ("answer -> next card (median of 50)", docket_answer, anki_answer),
    ("TSV import", docket_tsv, anki_tsv),
    (".apkg import", docket_apkg_import, anki_apkg_import),
    (".apkg export", docket_apkg_export, anki_apkg_export),
    ("first run on a new deck", docket_first_run, anki_first_run),
]


def fmt(v):
    return f"{v * 1e3:8.1f}" if v < 10 else f"{v * 1e3:8.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("docket")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=None, help="where to generate (default: a temporary directory)")
    a = ap.parse_args()
    binary = os.path.abspath(a.docket)
    print(f"docket: {binary}; Anki: the `anki` package; {os.cpu_count()} CPUs; {a.runs} interleaved runs per task")
    print(
        f"{'task':<36} {'N':>7} {'docket ms':>9} {'(min-max)':>19} {'Anki ms':>9} {'(min-max)':>19} "
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
            print(f"# N={n}: generated in {time.perf_counter() - t:.0f} s", flush=True)
            for name, dk, ak in TASKS:
                times = {"docket": [], "anki": []}
                cpus = {"docket": [], "anki": []}
                loads = []
                for r in range(a.runs):
                    # Alternate who goes first, so neither always meets a warmer cache.
                    order = [("docket", dk), ("anki", ak)] if r % 2 == 0 else [("anki", ak), ("docket", dk)]
                    for who, f in order:
                        loads.append(os.getloadavg()[0])
                        scratch = tempfile.mkdtemp(dir=work)
                        wall, used = f(binary, d, scratch) if who == "docket" else f(d, scratch)
                        times[who].append(wall)
                        if used is not None:
                            cpus[who].append(used)
                        shutil.rmtree(scratch, ignore_errors=True)
                dm, am = statistics.median(times["docket"]), statistics.median(times["anki"])
                spread = lambda v: f"({fmt(min(v)).strip()}-{fmt(max(v)).strip()})"
                if cpus["docket"] and cpus["anki"]:
                    dc, ac = statistics.median(cpus["docket"]), statistics.median(cpus["anki"])
                    cpu_cols = f"{fmt(dc).strip() + ' / ' + fmt(ac).strip():>17} {dc / max(ac, 1e-9):9.2f}"
                else:
                    cpu_cols = f"{'-':>17} {'-':>9}"
                print(
                    f"{name:<36} {n:>7} {fmt(dm)} {spread(times['docket']):>19} {fmt(am)} "
                    f"{spread(times['anki']):>19} {dm / am:6.2f} {cpu_cols} {statistics.mean(loads):5.2f}",
                    flush=True,
                )
            shutil.rmtree(work, ignore_errors=True)
    finally:
        if a.work is None:
            shutil.rmtree(root, ignore_errors=True)


main()
