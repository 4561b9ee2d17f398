"""Import docket's packages into Anki, then export them again with Anki.

usage: reexport.py IN.apkg OUT.apkg OUT.txt [IN2.apkg OUT2.apkg OUT2.txt ...]
Each package goes into a fresh collection, is imported twice (the report
says how many notes the second import added: it must be none), and is
exported again both as a package (Anki's current format) and as "Notes in
Plain Text" with every option (HTML, tags, deck, note type, guid).
Prints a JSON list of the per-package import counts.
"""

import json
import os
import sys
import tempfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)


def main() -> None:
    args = sys.argv[1:]
    report = []
    for i in range(0, len(args), 3):
        src, out_pkg, out_txt = args[i : i + 3]
        with tempfile.TemporaryDirectory() as tmp:
            col = Collection(os.path.join(tmp, "collection.anki2"))
            counts = []
            for _ in range(2):
                res = col.import_anki_package(
                    ImportAnkiPackageRequest(
                        package_path=os.path.abspath(src),
                        options=ImportAnkiPackageOptions(
                            merge_notetypes=True,
                            with_scheduling=False,
                            with_deck_configs=False,
                        ),
                    )
                )
                counts.append(len(res.log.new))
            col.export_anki_package(
                out_path=os.path.abspath(out_pkg),
                options=ExportAnkiPackageOptions(
                    with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
                ),
                limit=None,
            )
            col.export_note_csv(
                out_path=os.path.abspath(out_txt),
                limit=None,
                with_html=True,
                with_tags=True,
                with_deck=True,
                with_notetype=True,
                with_guid=True,
            )
            col.close()
        report.append({"new": counts})
    print(json.dumps(report))


main()
