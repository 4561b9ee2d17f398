"""Time Anki itself on the benchmark's tasks, for comparison with
`cargo bench --bench interop` and `docket import`/`export` (same machine,
same moment): import a TSV, import a package, export a package.

usage: time_anki.py BIG.tsv BIG.apkg
"""

import os
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


def fresh(tmp: str, name: str) -> Collection:
    os.makedirs(os.path.join(tmp, name), exist_ok=True)
    return Collection(os.path.join(tmp, name, "collection.anki2"))


def main() -> None:
    tsv, apkg = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        col = fresh(tmp, "tsv")
        meta = col.get_csv_metadata(path=os.path.abspath(tsv), delimiter=None)
        t = time.perf_counter()
        col.import_csv(
            ImportCsvRequest(path=os.path.abspath(tsv), metadata=meta)
        )
        print(f"anki: import TSV {time.perf_counter() - t:.2f} s, {col.note_count()} notes")
        col.close()

        col = fresh(tmp, "apkg")
        t = time.perf_counter()
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=os.path.abspath(apkg),
                options=ImportAnkiPackageOptions(with_scheduling=False),
            )
        )
        print(f"anki: import .apkg {time.perf_counter() - t:.2f} s, {col.note_count()} notes")
        did = max(col.decks.all_names_and_ids(), key=lambda d: len(col.decks.cids(d.id))).id
        out = os.path.join(tmp, "out.apkg")
        t = time.perf_counter()
        col.export_anki_package(
            out_path=out,
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=DeckIdLimit(did),
        )
        print(f"anki: export .apkg {time.perf_counter() - t:.2f} s")
        col.close()


main()
