"""Answer cards in Anki's own scheduler at chosen instants and report the
card after every answer, as JSON, for docket's scheduling parity tests
(tests/anki_sched.rs).

usage: sched_parity.py SCENARIOS.json
Run it with libfaketime preloaded (LD_PRELOAD, FAKETIME_FMT=%s,
FAKETIME_NO_CACHE=1): the clock Anki's Rust backend reads is moved to each
answer's instant by setting FAKETIME. TZ selects the zone Anki counts days
in. With ANKI_TEST_MODE set, Anki disables fuzz.

SCENARIOS.json: {"sequences": [...], "queues": [...]}
sequence: {"rollover", "retention", "params", "learn_steps", "relearn_steps"
  (minutes), "max_ivl", "answers": [[epoch_secs, rating], ...]}
  -> per answer {"type", "queue", "due", "ivl", "today", "s", "d", "cid",
  "left", "kind", "balanced"} (today: Anki's day number at the answer;
  kind: the type of the revlog row the answer wrote). A rating of 0 with
  a third element ("5", "3-7!") is Anki's "set due date" instead, with
  "retention:0.85" the deck options saved with that desired retention
  and "reschedule cards on change" (revlog kind 5), with "suspend" the
  card suspended then unsuspended, with "bury" buried then unburied; a
  rating with a third element "ahead" answers the card before its due day
  in a custom study session "review ahead" (a filtered deck).
  Optional "load": [[days_from_today, count], ...] and "easy_days" (seven
  percentages): with them the load balancer is on; before each answer
  that many other review cards are made due that many days after the
  answer's day, and the queues are rebuilt, so the balancer sees exactly
  that load ("balanced": whether it was used; a card answered before it
  is due is not in the queue and is answered without it). Optional
  "load_deck": "own" (default), "same_preset" (the load cards are in
  another deck on the card's preset) or "other_preset" (another deck on
  another preset).
queue: {"rollover", "now", "new_per_day", "reviews_per_day", "new": N,
  "reviews": [[ivl, days_overdue, stability, difficulty], ...],
  "learning": [secs_from_now, ...], "interday": [days_overdue, ...],
  "answered_interday": N (interday learning cards answered Good just before),
  "mix": 0|1|2 (Anki's newMix: mix, after, before)}
  -> {"counts": [new, learning, review], "order": ["n"|"r"|"l"|"d", ...]}
"""

import json
import os
import sys
import tempfile

from anki.collection import Collection
from anki.cards import FSRSMemoryState
from anki.scheduler_pb2 import CardAnswer
from anki.scheduler_pb2 import CustomStudyRequest


def at(secs: int) -> None:
    os.environ["FAKETIME"] = str(int(secs))


def new_collection(tmp: str, name: str, rollover: int) -> Collection:
    col = Collection(os.path.join(tmp, name + ".anki2"))
    col.set_config("fsrs", True)
    col.set_config("rollover", rollover)
    return col


def configure(col: Collection, sc: dict) -> None:
    conf = col.decks.config_dict_for_deck_id(1)
    conf["new"]["delays"] = sc.get("learn_steps", [1.0, 10.0])
    conf["lapse"]["delays"] = sc.get("relearn_steps", [10.0])
    conf["desiredRetention"] = sc.get("retention", 0.9)
    conf["fsrsParams6"] = sc.get("params", [])
    conf["rev"]["maxIvl"] = sc.get("max_ivl", 36500)
    conf["new"]["perDay"] = sc.get("new_per_day", 20)
    conf["rev"]["perDay"] = sc.get("reviews_per_day", 200)
    if "mix" in sc:
        conf["newMix"] = sc["mix"]
    if "easy_days" in sc:
        conf["easyDaysPercentages"] = sc["easy_days"]
    col.decks.update_config(conf)


def add_note(col: Collection, i: int, deck_id: int = 1) -> int:
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = f"q{i}"
    note["Back"] = f"a{i}"
    col.add_note(note, deck_id)
    return note.card_ids()[0]


def load_deck(col: Collection, where: str) -> int:
    """The deck the load cards go in: the card's own ("own"), another
    deck on the same preset ("same_preset"), or another deck on a preset
    of its own ("other_preset")."""
    if where == "own":
        return 1
    did = col.decks.id("other")
    if where == "other_preset":
        conf = col.decks.add_config_returning_id("other")
        deck = col.decks.get(did)
        deck["conf"] = conf
        col.decks.save(deck)
    return did


def sequence(tmp: str, k: int, sc: dict) -> list:
    at(sc["answers"][0][0] - 86400)
    col = new_collection(tmp, f"seq{k}", sc.get("rollover", 4))
    configure(col, sc)
    cid = add_note(col, 0)
    load = sc.get("load")
    load_cards = []
    if load is not None:
        did = load_deck(col, sc.get("load_deck", "own"))
        for _ in range(sum(n for _, n in load)):
            load_cards.append(add_note(col, len(load_cards) + 1, did))
    out = []
    for step in sc["answers"]:
        secs, rating = step[0], step[1]
        at(secs)
        today = col.sched.today
        balanced = False
        if load is not None:
            place_load(col, load_cards, load, today)
            # A change of cards drops the queues; building them again
            # gives the load balancer this load.
            queued = col.sched.get_queued_cards(fetch_limit=1).cards
            balanced = bool(queued) and queued[0].card.id == cid
            if not balanced:
                # Not at the top of the queue: answered as Anki answers a
                # card outside a session, without the balancer (a change
                # of the setting drops the queues).
                col.load_balancer_enabled = False
                col.load_balancer_enabled = True
        if rating == 0 and step[2].startswith("retention:"):
            change_retention(col, float(step[2].split(":")[1]))
        elif rating == 0 and step[2] == "suspend":
            col.sched.suspend_cards([cid])
            col.sched.unsuspend_cards([cid])
        elif rating == 0 and step[2] == "bury":
            col.sched.bury_cards([cid])
            col.sched.unbury_cards([cid])
        elif rating == 0:
            col.sched.set_due_date([cid], step[2])
        elif len(step) > 2 and step[2] == "ahead":
            ahead = max(col.get_card(cid).due - today, 1)
            col.sched.custom_study(CustomStudyRequest(deck_id=1, review_ahead_days=ahead))
            filtered = col.decks.current()["id"]
            card = col.get_card(cid)
            card.start_timer()
            states = col._backend.get_scheduling_states(cid)
            answer = col.sched.build_answer(card=card, states=states, rating=rating - 1)
            col.sched.answer_card(answer)
            col.decks.remove([filtered])
            col.decks.select(1)
        else:
            card = col.get_card(cid)
            card.start_timer()
            states = col._backend.get_scheduling_states(cid)
            # Anki numbers the buttons from 0.
            answer = col.sched.build_answer(card=card, states=states, rating=rating - 1)
            col.sched.answer_card(answer)
        kind = col.db.scalar("select type from revlog where cid = ? order by id desc limit 1", cid)
        card = col.get_card(cid)
        ms = card.memory_state
        out.append({
            "type": card.type,
            "queue": card.queue,
            "due": card.due,
            "ivl": card.ivl,
            "today": today,
            "s": ms.stability if ms else None,
            "d": ms.difficulty if ms else None,
            "cid": cid,
            "left": card.left,
            "kind": kind,
            "balanced": balanced,
        })
    col.close()
    return out


def change_retention(col: Collection, retention: float) -> None:
    """Saves the deck options with another desired retention and
    "reschedule cards on change" ticked, as the options screen does."""
    upd = col.decks.get_deck_configs_for_update(1)
    conf = next(c.config for c in upd.all_config if c.config.id == upd.current_deck.config_id)
    conf.config.desired_retention = retention
    col._backend.update_deck_configs(
        target_deck_id=1,
        configs=[conf],
        removed_config_ids=[],
        mode=0,
        card_state_customizer=upd.card_state_customizer,
        limits=upd.current_deck.limits,
        new_cards_ignore_review_limit=upd.new_cards_ignore_review_limit,
        fsrs=True,
        apply_all_parent_limits=upd.apply_all_parent_limits,
        fsrs_reschedule=True,
        fsrs_health_check=False,
    )


def place_load(col: Collection, cids: list, load: list, today: int) -> None:
    """Makes the load cards review cards due `days` after `today`."""
    changed = []
    i = 0
    for days, n in load:
        for _ in range(n):
            card = col.get_card(cids[i])
            i += 1
            card.type = 2
            card.queue = 2
            card.ivl = max(days, 1)
            card.due = today + days
            card.memory_state = FSRSMemoryState(stability=10.0, difficulty=5.0)
            changed.append(card)
    col.update_cards(changed)


def queue(tmp: str, k: int, sc: dict) -> dict:
    now = sc["now"]
    at(now - 100 * 86400)
    col = new_collection(tmp, f"queue{k}", sc.get("rollover", 4))
    configure(col, sc)
    at(now)
    today = col.sched.today
    kinds = {}
    changed = []
    i = 0
    for ivl, overdue, s, d in sc.get("reviews", []):
        cid = add_note(col, i)
        i += 1
        card = col.get_card(cid)
        card.type = 2
        card.queue = 2
        card.ivl = ivl
        card.due = today - overdue
        card.memory_state = FSRSMemoryState(stability=s, difficulty=d)
        changed.append(card)
        kinds[cid] = "r"
    for secs in sc.get("learning", []):
        cid = add_note(col, i)
        i += 1
        card = col.get_card(cid)
        card.type = 1
        card.queue = 1
        card.due = now + secs
        card.left = 1
        card.memory_state = FSRSMemoryState(stability=1.0, difficulty=5.0)
        changed.append(card)
        kinds[cid] = "l"
    for overdue in sc.get("interday", []):
        cid = add_note(col, i)
        i += 1
        card = col.get_card(cid)
        card.type = 1
        card.queue = 3
        card.due = today - overdue
        card.left = 1
        card.memory_state = FSRSMemoryState(stability=1.0, difficulty=5.0)
        changed.append(card)
        kinds[cid] = "d"
    for _ in range(sc.get("new", 0)):
        cid = add_note(col, i)
        i += 1
        kinds[cid] = "n"
    col.update_cards(changed)
    # Interday learning cards answered (Good) a minute ago count against
    # today's review limit.
    for k in range(sc.get("answered_interday", 0)):
        cid = add_note(col, i)
        i += 1
        card = col.get_card(cid)
        card.type = 1
        card.queue = 3
        card.due = today
        card.left = 1
        card.memory_state = FSRSMemoryState(stability=1.0, difficulty=5.0)
        col.update_card(card)
        at(now - 60 + k)
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(cid)
        answer = col.sched.build_answer(card=card, states=states, rating=2)
        col.sched.answer_card(answer)
        kinds[cid] = "x"
    at(now)
    counts = list(col.sched.counts())
    queued = col.sched.get_queued_cards(fetch_limit=100000)
    order = [kinds[c.card.id] for c in queued.cards]
    col.close()
    return {"counts": counts, "order": order}


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    # In memory where possible: Anki syncs its file after every operation.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        result = {
            "sequences": [sequence(tmp, k, sc) for k, sc in enumerate(spec.get("sequences", []))],
            "queues": [queue(tmp, k, sc) for k, sc in enumerate(spec.get("queues", []))],
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
