"""Per-answer cost of docket and of Anki, side by side in one run: latency
from an answer to the next card, and bytes on disk per review and per card.

usage: time_answers.py N DOCKET_BIN [DOCKET_BIN ...]

For each docket binary: a deck of N basic cards, one line-mode session
(`study --plain`) answering each card once (an answer line written -> the
next card's prompt read: grading, scheduling, the committed and, since
the durability change, synced transaction, and the pipe), then the store's
size from SQLite's dbstat. For Anki (the `anki` Python package, its Rust
backend): N basic notes, `getCard` + `answerCard(Good)` + `getCard` per
answer, then the collection's size the same way. Storage figures count
whole pages of the tables and indexes that hold reviews (review log) and
cards (everything per card: scheduling rows, note/card text, indexes).
"""

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

NOW = "2026-03-02T10:00:00+00:00"


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round((len(v) - 1) * q)))]


def report(name, lat, reviews, review_bytes, cards, card_bytes, file_bytes, wal_max):
    ms = [x * 1e3 for x in lat]
    print(
        f"{name:<26} answers={len(ms):<6} p50 {pct(ms, .5):7.3f} ms  p99 {pct(ms, .99):7.3f} ms  "
        f"mean {statistics.mean(ms):7.3f} ms | reviews={reviews} {review_bytes / max(reviews, 1):6.1f} B/review  "
        f"cards={cards} {card_bytes / max(cards, 1):6.1f} B/card  file {file_bytes / 1e6:.2f} MB  wal max {wal_max / 1e6:.2f} MB"
    )


def dbstat(path, review_objs):
    # Read a copy so that nothing here changes the store measured.
    c = sqlite3.connect(path)
    rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    c.close()
    rev = sum(b for n, b in rows if n in review_objs)
    other = sum(b for n, b in rows if n not in review_objs and not n.startswith("sqlite_"))
    return rev, other, dict(rows)


def docket(binary, n, tmp):
    data = os.path.join(tmp, "data")
    deck = os.path.join(tmp, "bench.toml")
    with open(deck, "w") as f:
        f.write('[deck]\nid = "bench"\ntitle = "Bench"\ndescription = "Generated."\n')
        for i in range(n):
            f.write(
                f'\n[[card]]\nid = "card-{i}"\nkind = "basic"\n'
                f'prompt = "What is the code of item {i}?"\nanswer = "a{i}"\n'
            )
    # The real clock, as a user has it (a fixed DOCKET_NOW would give every
    # answer the same millisecond).
    env = dict(os.environ, DOCKET_DATA_DIR=data, NO_COLOR="1")
    env.pop("DOCKET_NOW", None)
    p = subprocess.Popen(
        [binary, "study", "--plain", "--no-fuzz", "--seed", "1", "--new-limit", str(n),
         "--limit", str(n + 10), deck],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1,
    )
    wal = os.path.join(data, "progress.sqlite3-wal")

    def next_card():
        cid = None
        for line in p.stdout:
            # The prompt names the item (the card id is shown only after
            # the answer).
            if line.startswith("What is the code of item "):
                cid = "card-" + line.removeprefix("What is the code of item ").strip().rstrip("?")
            if line.startswith("answer ("):
                return cid
        return None

    lat, wal_max = [], 0
    cid = next_card()
    while cid is not None and len(lat) < n:
        t = time.perf_counter()
        p.stdin.write(f"a{cid.removeprefix('card-')}\n")
        p.stdin.flush()
        cid = next_card()
        lat.append(time.perf_counter() - t)
        if len(lat) % 100 == 0 and os.path.exists(wal):
            wal_max = max(wal_max, os.path.getsize(wal))
    try:
        p.stdin.write(":quit\n")
        p.stdin.close()
    except BrokenPipeError:
        pass  # the session had already ended
    p.wait()
    db = os.path.join(data, "progress.sqlite3")
    c = sqlite3.connect(db)
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
    log = "reviews" if "reviews" in tables else "revlog"
    reviews = c.execute(f"SELECT count(*) FROM {log}").fetchone()[0]
    cards = c.execute("SELECT count(*) FROM cards").fetchone()[0]
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    review_objs = {n for n in tables if n.startswith(log) or n in ("reviews_card", "revlog_card", "revlog_day")}
    review_objs |= {"revlog_card", "revlog_day", "reviews_card"}
    rev, other, _ = dbstat(db, review_objs)
    # Per card: everything that is not reviews, sessions or settings.
    c = sqlite3.connect(db)
    small = sum(b for (b,) in c.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name IN ('sessions','settings','decks','deck_files')"))
    c.close()
    return lat, reviews, rev, cards, other - (small or 0), os.path.getsize(db), wal_max


def anki(n, tmp):
    from anki.collection import Collection

    path = os.path.join(tmp, "anki", "collection.anki2")
    os.makedirs(os.path.dirname(path))
    col = Collection(path)
    model = col.models.by_name("Basic")
    did = col.decks.id("bench")
    for i in range(n):
        note = col.new_note(model)
        note["Front"] = f"What is the code of item {i}?"
        note["Back"] = f"a{i}"
        col.add_note(note, did)
    conf = col.decks.config_dict_for_deck_id(did)
    conf["new"]["perDay"] = n
    conf["rev"]["perDay"] = n
    col.decks.update_config(conf)
    col.decks.select(did)
    lat = []
    card = col.sched.getCard()
    while card is not None and len(lat) < n:
        t = time.perf_counter()
        col.sched.answerCard(card, 3)
        card = col.sched.getCard()
        lat.append(time.perf_counter() - t)
    reviews = col.db.scalar("select count() from revlog")
    cards = col.card_count()
    col.close()
    review_objs = {"revlog", "ix_revlog_cid", "ix_revlog_usn"}
    rev, other, rows = dbstat(path, review_objs)
    # Per card: cards and notes with their indexes (not the collection's
    # fixed tables: config, deck and notetype rows, fields, templates...).
    per_card = {"cards", "notes", "ix_cards_nid", "ix_cards_sched", "ix_cards_usn", "ix_notes_csum",
                "ix_notes_usn", "idx_cards_odid"}
    card_bytes = sum(b for name, b in rows.items() if name in per_card)
    return lat, reviews, rev, cards, card_bytes, os.path.getsize(path), 0


def main():
    n = int(sys.argv[1])
    for binary in sys.argv[2:]:
        with tempfile.TemporaryDirectory() as tmp:
            report(f"docket {os.path.basename(binary)}", *docket(binary, n, tmp))
    with tempfile.TemporaryDirectory() as tmp:
        report("anki (Python package)", *anki(n, tmp))


main()
