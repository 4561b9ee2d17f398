"""Write the hostile and broken packages under tests/fixtures/interop/.
Uses only the standard library and the `zstd` command; run it from the
repository root when the fixtures need remaking.
"""

import os
import sqlite3
import subprocess
import tempfile
import zipfile

OUT = "tests/fixtures/interop"


def db(ver: int) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.db")
        c = sqlite3.connect(path)
        c.execute("CREATE TABLE col (id integer primary key, ver integer, models text, decks text)")
        c.execute("INSERT INTO col VALUES (1, ?, '{}', '{}')", (ver,))
        c.commit()
        c.close()
        return open(path, "rb").read()


def write(name: str, entries: list) -> None:
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        for entry, data in entries:
            z.writestr(zipfile.ZipInfo(entry), data, zipfile.ZIP_DEFLATED)


write("traversal.apkg", [("../../evil.txt", b"owned"), ("collection.anki2", db(11))])
write("absolute.apkg", [("/tmp/evil.txt", b"owned"), ("collection.anki2", db(11))])
write("bomb.apkg", [("collection.anki21", b"\0" * (300 * 1024 * 1024))])
with tempfile.TemporaryDirectory() as tmp:
    raw = os.path.join(tmp, "zeros")
    with open(raw, "wb") as f:
        f.write(b"\0" * (512 * 1024 * 1024))
    subprocess.run(["zstd", "-q", "-19", raw, "-o", raw + ".zst"], check=True)
    write("zstd-bomb.apkg", [("collection.anki21b", open(raw + ".zst", "rb").read())])
write("corrupt-db.apkg", [("collection.anki2", b"SQLite format 3\0" + b"\x13\x37" * 4000)])
write("unknown-version.apkg", [("collection.anki2", db(99))])
write("no-collection.apkg", [("media", b"{}")])
with open(os.path.join(OUT, "not-a-zip.apkg"), "wb") as f:
    f.write(b"this is not a zip archive\n")
