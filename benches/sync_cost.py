"""What one durable write costs on this machine's disk: the floor under
"answer -> next card" (docs/performance.md). Prints the median and spread
of 300 writes of 4 kB for each way of making a write durable, appending
to a file and overwriting one of fixed size, and of 300 one-row SQLite
commits in WAL mode (appending to the WAL, then overwriting it after a
restart, then without a sync).

usage: python3 benches/sync_cost.py [DIR]   (default: target/sync-cost)
"""

import mmap
import os
import sqlite3
import statistics
import sys
import time

N = 300


def report(label, lat):
    lat.sort()
    print(f"{label:34s} median {statistics.median(lat) * 1e3:.3f} ms"
          f"  p10 {lat[N // 10] * 1e3:.3f}  p90 {lat[9 * N // 10] * 1e3:.3f}")


def raw(d, name, flags, overwrite, sync):
    path = os.path.join(d, name)
    if os.path.exists(path):
        os.remove(path)
    # O_DIRECT needs an aligned buffer: an anonymous map is page-aligned.
    buf = mmap.mmap(-1, 4096)
    buf.write(b"x" * 4096)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o644)
    if overwrite:
        for i in range(N):
            os.pwrite(fd, buf, i * 4096)
        os.fsync(fd)
    lat = []
    for i in range(N):
        t = time.perf_counter()
        os.pwrite(fd, buf, i * 4096)
        if sync:
            os.fdatasync(fd)
        lat.append(time.perf_counter() - t)
    os.close(fd)
    os.remove(path)
    report(name, lat)


def commits(d):
    path = os.path.join(d, "wal.db")
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = FULL")
    c.execute("PRAGMA wal_autocheckpoint = 0")
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB)")

    def run(label):
        lat = []
        for _ in range(N):
            t = time.perf_counter()
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT INTO t (x) VALUES (randomblob(200))")
            c.execute("COMMIT")
            lat.append(time.perf_counter() - t)
        report(label, lat)

    run("sqlite commit, WAL appending")
    c.execute("PRAGMA wal_checkpoint(RESTART)")
    run("sqlite commit, WAL overwriting")
    c.execute("PRAGMA synchronous = OFF")
    run("sqlite commit, no sync")
    c.close()


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "target/sync-cost"
    os.makedirs(d, exist_ok=True)
    raw(d, "append + fdatasync", 0, False, True)
    raw(d, "overwrite + fdatasync", 0, True, True)
    raw(d, "append, O_DSYNC", os.O_DSYNC, False, False)
    raw(d, "overwrite, O_DSYNC", os.O_DSYNC, True, False)
    raw(d, "overwrite, O_DIRECT|O_DSYNC", os.O_DSYNC | os.O_DIRECT, True, False)
    raw(d, "overwrite, O_DIRECT, no sync", os.O_DIRECT, True, False)
    commits(d)


if __name__ == "__main__":
    main()
