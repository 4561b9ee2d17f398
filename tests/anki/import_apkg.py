"""Import an .apkg with Anki itself and report what arrived, as JSON.

usage: import_apkg.py PACKAGE.apkg [PACKAGE2.apkg ...]
Each package is imported in turn into one fresh collection; the report
lists per import the counts Anki logged (new, updated, duplicate...), and
at the end every note with its note type, fields, tags and deck.
"""

import json
import os
import sys
import tempfile

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        logs = []
        for pkg in sys.argv[1:]:
            res = col.import_anki_package(
                ImportAnkiPackageRequest(
                    package_path=os.path.abspath(pkg),
                    options=ImportAnkiPackageOptions(
                        merge_notetypes=True, with_scheduling=False, with_deck_configs=False
                    ),
                )
            )
            log = res.log
            logs.append(
                {
                    "new": len(log.new),
                    "updated": len(log.updated),
                    "duplicate": len(log.duplicate),
                    "conflicting": len(log.conflicting),
                    "first_field_match": len(log.first_field_match),
                    "missing_notetype": len(log.missing_notetype),
                }
            )
        notes = []
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            cards = note.cards()
            notes.append(
                {
                    "guid": note.guid,
                    "notetype": note.note_type()["name"],
                    "fields": dict(note.items()),
                    "tags": note.tags,
                    "decks": sorted({col.decks.name(c.did) for c in cards}),
                    "cards": len(cards),
                }
            )
        notetypes = sorted(m.name for m in col.models.all_names_and_ids())
        col.close()
    print(json.dumps({"imports": logs, "notes": notes, "notetypes": notetypes}))


main()
