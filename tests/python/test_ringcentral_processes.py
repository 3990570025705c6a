"""Ten processes sharing one SQLite store hammer the API across many short token expiries:
exactly one refresh per expiry, and no process ever loses the session."""
import multiprocessing as mp
import time

import switchboard as sb
from ringcentral_support import JWT, MockRingCentral, client

PROCESSES = 10
SECONDS = 6.0
TTL = 2  # the mock's access-token lifetime; the clients refresh 0.5 s before it ends


def _worker(path, platform, media, start_at, seconds, queue):
    try:
        class Mock:  # what client() needs to know about the mock
            platform_url, media_url, origins = platform, media, [platform, media]
        store = sb.SqliteStore(path)
        c = client(store, Mock, refresh_margin=0.5, timeout=15.0)
        calls, errors = 0, []
        while time.time() < start_at:
            time.sleep(0.005)
        end = start_at + seconds
        while time.time() < end:
            try:
                c.test_connection()
                calls += 1
            except Exception as exc:  # every failure is a lost session
                errors.append(f"{type(exc).__name__}: {exc}")
        queue.put(("ok", calls, errors))
    except Exception as exc:
        queue.put(("crash", 0, [f"{type(exc).__name__}: {exc}"]))


def test_ten_processes_one_refresh_per_expiry(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    with MockRingCentral() as rc:
        rc.configure(access_ttl=TTL, rate_limits=False)
        first = client(sb.SqliteStore(path), rc, refresh_margin=0.5)
        first.login_jwt(JWT)
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        start_at = time.time() + 2.5  # after every interpreter has started
        procs = [ctx.Process(target=_worker,
                             args=(path, rc.platform_url, rc.media_url, start_at, SECONDS, queue))
                 for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        snap = rc.snapshot()

    assert all(r[0] == "ok" for r in results), results
    errors = [e for r in results for e in r[2]]
    assert errors == []
    assert all(r[1] > 0 for r in results)  # every process made progress
    refreshes = snap["refresh_posts"]
    # One refresh per expiry: every spent refresh token was presented exactly once.
    assert refreshes and all(n == 1 for n in refreshes.values()), refreshes
    assert len(refreshes) >= SECONDS / TTL  # many expiries happened during the run
    bad = [p for p in snap["token_posts"] if p["status"] != 200]
    assert bad == []
    grants = {p["grant"] for p in snap["token_posts"][1:]}
    assert grants == {"refresh_token"}  # never fell back to the JWT
    # Whatever got a 401 (its token died when another process refreshed) was replayed with
    # the stored token and succeeded: no call failed above.
    stale = [r for r in snap["requests"] if r["status"] == 401]
    assert len(stale) <= len(refreshes) * PROCESSES
