"""Make an .apkg whose cards have a multi-day review history, and report
Anki's own FSRS memory state for every card, as JSON.

usage: make_history.py OUT.apkg [--legacy]
(--legacy: a schema-11 collection.anki2 package, as older Anki wrote.)
Every third note is in a subdeck whose preset has its own FSRS
parameters. The revlog rows are written directly with fixed timestamps in 2025, so the
result does not depend on today's date. The collection's rollover hour is
set to 6, and the caller runs this with TZ set to a fixed offset
(Etc/GMT-2, i.e. UTC+2), so answers just before and just after 06:00
local time fall on different Anki days. Prints
{"rollover": 6, "cards": [{"cid", "nid", "ord", "reviews", "stability", "difficulty", "tuned"}]}.
"""

import json
import os
import random
import sys
import tempfile
from datetime import datetime, timedelta, timezone

from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

LOCAL = timezone(timedelta(hours=2))
DAY0 = datetime(2025, 3, 3, 9, 0, tzinfo=LOCAL)


def at(day: int, hour: int = 9, minute: int = 0) -> int:
    """Epoch ms of a local time `day` days after DAY0."""
    t = DAY0.replace(hour=hour, minute=minute) + timedelta(days=day)
    return int(t.timestamp() * 1000)


# (day, hour, minute, ease, ivl, factor, type); ivl < 0 is seconds.
L, R, RL, F, M = 0, 1, 2, 3, 4
HISTORIES = {
    "graduates and lapses": [
        (0, 10, 0, 3, -600, 2500, L),
        (0, 10, 10, 3, 2, 2500, L),
        (2, 9, 0, 3, 6, 2500, R),
        (8, 9, 0, 3, 14, 2500, R),
        (22, 9, 0, 1, -600, 2300, R),
        (22, 9, 10, 3, 3, 2300, RL),
        (25, 20, 0, 2, 5, 2150, R),
    ],
    "rollover boundary": [
        (0, 6, 1, 1, -60, 2500, L),
        (0, 6, 3, 3, -600, 2500, L),
        (0, 6, 14, 3, 1, 2500, L),
        # 05:59 the next calendar day is still Anki's day 0: delta_t 0.
        (1, 5, 59, 3, 3, 2500, R),
        # 06:01 four calendar days on: three Anki days after the last.
        (4, 6, 1, 4, 12, 2650, R),
    ],
    "still learning": [
        (3, 22, 0, 1, -60, 2500, L),
        (3, 22, 1, 2, -360, 2500, L),
    ],
    "reset and relearned": [
        (0, 9, 0, 3, -600, 2500, L),
        (0, 9, 10, 3, 2, 2500, L),
        (2, 9, 0, 1, -600, 2300, R),
        (5, 9, 0, 0, 0, 0, M),  # Forget: a manual row without factor
        (6, 9, 0, 4, 4, 2500, L),
        (10, 9, 0, 3, 11, 2500, R),
    ],
    "cram and set due date are ignored": [
        (0, 9, 0, 4, 3, 2500, L),
        (2, 9, 0, 1, 0, 0, F),  # cram answer in a filtered deck
        (3, 9, 0, 3, 8, 2500, R),
        (4, 9, 0, 0, 20, 2500, M),  # set due date
        (11, 9, 0, 3, 20, 2500, R),
        (12, 9, 0, 3, 30, 2500, F),  # filtered deck that reschedules: kept
    ],
}


TUNED = [0.4, 1.8, 3.5, 12.0, 6.8, 0.7, 2.5, 0.01, 1.6, 0.15, 0.9,
         1.8, 0.1, 0.3, 2.0, 0.2, 2.8, 0.5, 0.6, 0.1, 0.2]


def random_history(rng: random.Random) -> list:
    """A plausible history: learning steps, then reviews with lapses."""
    rows = []
    day = rng.randrange(0, 30)
    hour = rng.randrange(0, 24)
    rows.append((day, hour, 0, rng.choice([1, 3]), -60, 2500, L))
    rows.append((day, hour, 5, rng.choice([3, 4]), 1, 2500, L))
    for _ in range(rng.randrange(1, 12)):
        day += rng.randrange(1, 40)
        hour = rng.randrange(0, 24)
        ease = rng.choices([1, 2, 3, 4], weights=[2, 2, 6, 1])[0]
        if ease == 1:
            rows.append((day, hour, 0, 1, -600, 2300, R))
            rows.append((day, hour, 12, 3, 2, 2300, RL))
        else:
            rows.append((day, hour, 0, ease, rng.randrange(2, 60), 2500, R))
    return rows


def main() -> None:
    out = sys.argv[1]
    legacy = "--legacy" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        col.set_config("fsrs", True)
        col.set_config("rollover", 6)
        did = col.decks.id("History")
        # A subdeck whose preset has its own (as if optimised) FSRS-6
        # parameters: its cards must be replayed with them.
        tuned = col.decks.id("History::Tuned")
        conf = col.decks.add_config_returning_id("Tuned")
        preset = col.decks.get_config(conf)
        preset["fsrsParams6"] = TUNED
        col.decks.update_config(preset)
        deck = col.decks.get(tuned)
        deck["conf"] = conf
        col.decks.save(deck)
        histories = list(HISTORIES.values())
        rng = random.Random(7)
        histories += [random_history(rng) for _ in range(40)]
        cards = []
        for i, rows in enumerate(histories):
            # Every fourth note is Basic-and-reversed; its reverse card gets
            # the next history, so both cards of a note are checked.
            model = "Basic (and reversed card)" if i % 4 == 1 else "Basic"
            note = col.new_note(col.models.by_name(model))
            note["Front"] = f"Question {i}?"
            note["Back"] = f"Answer {i}"
            col.add_note(note, tuned if i % 3 == 2 else did)
            for card in note.cards():
                h = rows if card.ord == 0 else random_history(rng)
                cards.append((card, h))
        # A note never studied: no revlog rows.
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"] = "Never studied?"
        note["Back"] = "Indeed"
        col.add_note(note, did)
        seen = set()
        for card, rows in cards:
            for day, hour, minute, ease, ivl, factor, kind in rows:
                rid = at(day, hour, minute)
                while rid in seen:
                    rid += 1
                seen.add(rid)
                col.db.execute(
                    "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                    " values (?, ?, -1, ?, ?, 0, ?, 8000, ?)",
                    rid, card.id, ease, ivl, factor, kind,
                )
            # Leave the card as Anki would: in review when it graduated.
            last = rows[-1]
            if last[4] > 0:
                col.db.execute(
                    "update cards set type = 2, queue = 2, ivl = ? where id = ?", last[4], card.id
                )
            else:
                col.db.execute("update cards set type = 1, queue = 1 where id = ?", card.id)
        report = []
        for card, rows in cards:
            state = col.compute_memory_state(card.id)
            report.append(
                {
                    "cid": card.id,
                    "nid": card.nid,
                    "ord": card.ord,
                    "reviews": len(rows),
                    "stability": state.stability,
                    "difficulty": state.difficulty,
                    "tuned": col.decks.config_dict_for_deck_id(card.did)["id"] == conf,
                }
            )
        col.export_anki_package(
            out_path=out,
            options=ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=False, legacy=legacy
            ),
            limit=DeckIdLimit(did),
        )
        col.close()
    print(json.dumps({"rollover": 6, "cards": report}))


main()
