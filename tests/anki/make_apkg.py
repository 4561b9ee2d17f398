"""Make an .apkg with Anki itself: one note of each stock type docket
converts (Basic, Basic (and reversed card), Basic (type in the answer),
Cloze), with HTML and a script in a field.

usage: make_apkg.py OUT.apkg [--notes N] [--legacy]
Prints the note ids as JSON on stdout.
"""

import json
import os
import sys
import tempfile

from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions


def main() -> None:
    out = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--notes") + 1]) if "--notes" in sys.argv else 0
    legacy = "--legacy" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        did = col.decks.id("Anki Made::Sub deck")
        ids = {}

        def add(model: str, fields: dict, tags: list) -> int:
            note = col.new_note(col.models.by_name(model))
            for k, v in fields.items():
                note[k] = v
            note.tags = tags
            col.add_note(note, did)
            return note.id

        if n:
            # Bulk: plain Basic notes for the benchmark.
            m = col.models.by_name("Basic")
            notes = []
            for i in range(n):
                note = col.new_note(m)
                note["Front"] = f"Question number {i}?"
                note["Back"] = f"Answer {i}"
                notes.append(note)
            from anki.collection import AddNoteRequest

            col.add_notes([AddNoteRequest(note=x, deck_id=did) for x in notes])
        else:
            ids["basic"] = add(
                "Basic",
                {"Front": "What is <b>the capital</b> of France?", "Back": "Paris<br>(the city)"},
                ["geo", "europe"],
            )
            ids["reversed"] = add(
                "Basic (and reversed card)",
                {"Front": "chien", "Back": "dog"},
                ["french"],
            )
            ids["typein"] = add(
                "Basic (type in the answer)",
                {"Front": "2 + 2 = ?<script>alert('x')</script>", "Back": "4"},
                [],
            )
            ids["cloze"] = add(
                "Cloze",
                {
                    "Text": "The {{c1::MSS::agency}} ran the {{c2::operation}} &amp; more.",
                    "Back Extra": "<i>Ministry of State Security</i>",
                },
                [],
            )
        col.export_anki_package(
            out_path=out,
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
            ),
            limit=DeckIdLimit(did),
        )
        col.close()
    print(json.dumps(ids))


main()
