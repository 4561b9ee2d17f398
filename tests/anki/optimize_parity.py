"""Write a synthetic review log into an Anki collection, have Anki's own
optimiser compute FSRS parameters from it, and report both as JSON, for
docket's optimiser parity test (tests/anki_sched.rs).

usage: optimize_parity.py CARDS SEED [CURRENT_PARAMS_JSON]
Run with libfaketime preloaded and FAKETIME set (FAKETIME_FMT=%s): "now"
fixes Anki's next day boundary. Prints {"params", "fsrs_items",
"next_day_at", "seconds", "revlog": [[cid, id_ms, ease, type], ...]}.
"""

import json
import os
import random
import sys
import tempfile
import time

from anki.collection import Collection

DAY = 86_400_000


def history(rng: random.Random, start_ms: int) -> list:
    """(id_ms, ease, type) rows: learning steps, then reviews with lapses."""
    t = start_ms
    rows = [(t, rng.choice([1, 3]), 0)]
    t += 60_000 * rng.randrange(1, 15)
    rows.append((t, rng.choice([3, 3, 4]), 0))
    ivl = rng.randrange(1, 4)
    for _ in range(rng.randrange(2, 14)):
        t += ivl * DAY + rng.randrange(-3 * 3600_000, 8 * 3600_000)
        ease = rng.choices([1, 2, 3, 4], weights=[2, 2, 7, 1])[0]
        rows.append((t, ease, 1))
        if ease == 1:
            t += 600_000
            rows.append((t, 3, 2))
            ivl = 1
        else:
            ivl = max(1, int(ivl * {2: 1.3, 3: 2.5, 4: 3.5}[ease] * rng.uniform(0.8, 1.2)))
    return rows


def main() -> None:
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    current = json.loads(sys.argv[3]) if len(sys.argv) > 3 else []
    rng = random.Random(seed)
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        col = Collection(os.path.join(tmp, "c.anki2"))
        col.set_config("fsrs", True)
        now_ms = int(os.environ["FAKETIME"]) * 1000
        revlog = []
        seen = set()
        for i in range(n):
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"] = f"q{i}"
            note["Back"] = f"a{i}"
            col.add_note(note, 1)
            cid = note.card_ids()[0]
            start = now_ms - 400 * DAY + rng.randrange(0, 200 * DAY)
            for rid, ease, kind in history(rng, start):
                if rid >= now_ms:
                    break
                while rid in seen:
                    rid += 1
                seen.add(rid)
                revlog.append([cid, rid, ease, kind])
        col.db.executemany(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " values (?, ?, -1, ?, 1, 0, 2500, 8000, ?)",
            [(rid, cid, ease, kind) for cid, rid, ease, kind in revlog],
        )
        col.db.execute("update cards set type = 2, queue = 2, ivl = 1")
        started = time.perf_counter()
        resp = col._backend.compute_fsrs_params(
            search="deck:*",
            current_params=current,
            ignore_revlogs_before_ms=0,
            num_of_relearning_steps=1,
            health_check=False,
        )
        seconds = time.perf_counter() - started
        out = {
            "params": list(resp.params),
            "fsrs_items": resp.fsrs_items,
            "next_day_at": col.sched.day_cutoff,
            "seconds": seconds,
            "revlog": revlog,
        }
        col.close()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
