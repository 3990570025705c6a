"""Several OS processes on one SQLite file: nothing lost, no SQLITE_BUSY surfaced."""
import multiprocessing as mp
import os

import switchboard as sb


def _writer(path, worker, count, queue):
    try:
        s = sb.SqliteStore(path, busy_timeout_ms=30000)
        for i in range(count):
            with s.transaction():
                lead = s.insert("CRM Lead", {"first_name": f"w{worker}", "custom_seq": i})
                s.insert("Communication", {"subject": "hi", "reference_doctype": "CRM Lead",
                                           "reference_name": lead})
            s.count("CRM Lead")
        queue.put(("ok", worker))
    except Exception as exc:  # reported to the parent
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_processes_share_one_file(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    sb.SqliteStore(path)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    workers, each = 3, 80
    procs = [ctx.Process(target=_writer, args=(path, w, each, queue)) for w in range(workers)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(r[0] == "ok" for r in results), results
    s = sb.SqliteStore(path)
    assert s.count("CRM Lead") == workers * each
    assert s.count("Communication") == workers * each
    names = [d["name"] for d in s.find("CRM Lead", fields=["name"], order_by="name")]
    assert len(set(names)) == workers * each
    assert names[-1].endswith(f"{workers * each:05d}")
    assert os.path.exists(path + "-wal") or True  # WAL file may be checkpointed away


def test_wal_checkpoint_kib_bounds_the_wal_file(tmp_path):
    # The WAL file keeps its largest size: what was written between two checkpoints.
    def wal_size(kib):
        path = str(tmp_path / f"s{kib}.sqlite")
        store = sb.SqliteStore(path, wal_checkpoint_kib=kib, page_cache_kib=4096)
        for t in range(40):  # 40 transactions of ~100 KiB
            with store.transaction():
                for i in range(50):
                    store.insert("Comment", {"content": "x" * 2000 + str(t * 50 + i)})
        return os.path.getsize(path + "-wal")  # while open: closing checkpoints and removes it

    assert wal_size(256) < 1024 * 1024
    assert wal_size(65536) > 3 * 1024 * 1024
