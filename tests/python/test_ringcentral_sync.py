"""RingCentral without a relay, against the project's mock on a simulated clock: the webhook
subscription (created, renewed, re-created after blacklisting and expiry, deleted), lost,
duplicated, late and out-of-order webhooks, call-log records that appear minutes after the
call, recordings later still, transcripts later again, the polling sync (back-fill, cursor,
pages, catching up within rate limits), and status."""
import json
import os
import random
import urllib.error
import urllib.request

import pytest

import switchboard as sb
from rc_sim import KEY, Simulation, SimClock, T0, WebhookServer, client, random_calls
from ringcentral_mock.calls import SimCall, place
from ringcentral_support import JWT, MockRingCentral


@pytest.fixture
def sim(tmp_path):
    s = Simulation(tmp_path, seed=3)
    yield s
    s.close()


def post(url: str, body: dict, headers: dict) -> int:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status
    except urllib.error.HTTPError as e:
        return e.code


def settings(store) -> dict:
    return store.get("CRM RingCentral Settings", "CRM RingCentral Settings") or {}


def test_subscription_created_renewed_recreated_and_deleted(tmp_path):
    clock = SimClock(str(tmp_path / "clock"), start=T0)
    with MockRingCentral(clock=clock.now) as rc:
        db = str(tmp_path / "s.sqlite")
        store = sb.SqliteStore(db)
        store.freeze_time(T0)
        c = client(store, rc, clock)
        c.save_configuration()
        c.login_jwt(JWT)
        server = WebhookServer(db)  # creates the Verification-Token before anyone subscribes
        try:
            token = sb.stored_verification_token(store, sb.aes_gcm_codec(KEY))
            assert len(token) >= 32
            assert settings(store)["verification_token"].startswith("enc:v1:")  # sealed like the tokens
            subs = sb.Subscriptions(c, address=server.url, expires_in=86400, renew_margin=3600)
            st = subs.subscribe()
            assert st["action"] == "created" and st["status"] == "Active"
            assert st["expires_at"] == int(T0) + 86400
            (request,) = rc.snapshot()["subscription_requests"]
            body = request["body"]
            assert body["expiresIn"] == 86400 and "expiresIn" not in body["deliveryMode"]  # top level
            assert body["deliveryMode"] == {"transportType": "WebHook", "address": server.url,
                                            "verificationToken": token}
            assert body["eventFilters"] == [sb.TELEPHONY_SESSIONS_FILTER]
            assert subs.verification_token() == token

            # deliveries must carry the token
            event = {"uuid": "u-1", "event": "/restapi/v1.0/account/~/telephony/sessions",
                     "body": {"telephonySessionId": "s-x", "sequence": 1, "parties": [
                         {"direction": "Inbound", "from": {"phoneNumber": "+14155550100"},
                          "to": {"phoneNumber": "+16505550000"}, "status": {"code": "Setup"}}]}}
            assert post(server.url, event, {}) == 401
            assert post(server.url, event, {"Verification-Token": "wrong"}) == 401
            assert post(server.url, event, {"Verification-Token": token}) == 200

            assert subs.ensure()["action"] == "checked"  # a day left: nothing to do
            clock.advance(86400 - 3000)  # within the renewal margin
            store.freeze_time(clock.now())
            st = subs.ensure()
            assert st["action"] == "renewed" and st["expires_at"] == int(clock.now()) + 86400
            assert rc.snapshot()["subscriptions"][st["id"]]["renewals"] == 1

            first = st["id"]
            rc.state.blacklist(first, "Webhook responds with HTTP 500")
            st = subs.ensure()
            assert st["action"] == "recreated" and st["id"] != first and st["status"] == "Active"
            assert set(rc.snapshot()["subscriptions"]) == {st["id"]}  # the blacklisted one is deleted

            second = st["id"]
            rc.state.expire_subscriptions()  # RingCentral forgot it (404)
            st = subs.ensure()
            assert st["action"] == "recreated" and st["id"] != second

            assert subs.unsubscribe()["action"] == "deleted"
            assert rc.snapshot()["subscriptions"] == {}
            assert settings(store)["subscription_id"] in (None, "")

            # sign-out deletes a subscription too
            subs.subscribe(server.url)
            assert len(rc.snapshot()["subscriptions"]) == 1
            c.revoke()
            assert rc.snapshot()["subscriptions"] == {}
        finally:
            server.stop()
            clock.close()


def test_a_failing_address_is_refused_and_blacklisting_follows_failed_deliveries(tmp_path):
    clock = SimClock(str(tmp_path / "clock"), start=T0)
    with MockRingCentral(clock=clock.now) as rc:
        store = sb.SqliteStore(str(tmp_path / "s.sqlite"))
        store.freeze_time(T0)
        c = client(store, rc, clock)
        c.save_configuration()
        c.login_jwt(JWT)
        with pytest.raises(sb.HttpError) as e:
            sb.Subscriptions(c, address="http://127.0.0.1:9/nothing").subscribe()
        assert e.value.api_code == "SUB-525"
        server = WebhookServer(str(tmp_path / "s.sqlite"))
        try:
            st = sb.Subscriptions(c, address=server.url).subscribe()
        finally:
            server.stop()  # from now on every delivery fails
        d = rc.deliverer(seed=1)
        for i in range(12):
            d.publish("/restapi/v1.0/account/400100200/telephony/sessions",
                      {"telephonySessionId": f"s-{i}", "sequence": 1, "parties": []}, clock.now())
            clock.advance(60)
            d.pump()
        assert rc.state.subscription(st["id"])["status"] == "Blacklisted"
        assert d.stats["failed"] >= 10
        clock.close()


def test_lost_duplicated_late_and_shuffled_webhooks_end_in_one_call_each(sim):
    """Twelve hours, 400 calls; a third of the webhooks lost, a third duplicated, all shuffled
    by up to ten minutes, 10% an hour late; the subscription blacklisted once and expired
    once; the worker killed once. Every call ends exactly once in its final state."""
    rng = random.Random(7)
    sim.deliverer.loss, sim.deliverer.duplicate, sim.deliverer.jitter, sim.deliverer.late = 0.33, 0.33, 600.0, 0.1
    sim.place(random_calls(rng, 400, sim.clock.now() + 60, 10 * 3600))
    for step in range(12 * 60):
        if step == 200:
            sim.mock.state.blacklist()
        if step == 400:
            sim.mock.state.expire_subscriptions()
        if step == 500:
            sim.clock.advance(60)
            sim.deliverer.pump()
            sim.worker.kill9()
            for _ in range(45):
                sim.step(60, worker=False)
            sim.worker.start()
        sim.step(60)
    for _ in range(12 * 12):
        sim.step(300)
    diffs, counts = sim.compare()
    for d in diffs:
        print("DIFF", d)
    assert not diffs
    assert counts["recordings"] > 20 and counts["transcripts"] > 10
    stats = sim.deliverer.stats
    assert stats["lost"] > 100 and stats["duplicated"] > 100 and stats["late"] > 50 and stats["dropped"] > 0
    # most calls were completed by their lookup, not only by the sync
    lookups = sb.JobQueue(sim.store).stats()["depth"][sb.rc_jobs.LOOKUP]
    assert lookups.get("Done", 0) > 200
    # the duplicates were recognised by their uuid
    payloads = sim.store.count("RingCentral CRM Payload")
    assert payloads < stats["delivered"]
    subs = sim.mock.state.snapshot()["subscriptions"]
    assert len(subs) == 1 and next(iter(subs.values()))["status"] == "Active"


def test_records_minutes_late_recordings_later_transcripts_later_again(sim):
    call = SimCall(i=1, start=sim.clock.now() + 30, duration=120, recorded=True, record_delay=600,
                   recording_delay=2400, insights_delay=1800)
    never = SimCall(i=2, start=sim.clock.now() + 40, duration=60, recorded=True, record_delay=20,
                    recording_delay=None)
    sim.deliverer.loss = sim.deliverer.duplicate = 0.0
    sim.place([call, never])
    queue = sb.JobQueue(sim.store)
    for _ in range(10):  # ten minutes: the call ended, its record is not there yet
        sim.step(60)
    lookup = queue.find("lookup:" + call.session)
    assert lookup.state == "Queued" and lookup.attempts >= 2
    assert "no call-log record" in lookup.last_error
    for _ in range(10):
        sim.step(60)
    assert queue.find("lookup:" + call.session).state == "Done"
    log = sim.store.find("Helpdesk Call Log", {"call_id": call.call_id})[0]
    assert log["result"] == "Accepted" and not log.get("recording_file")
    recording = queue.find("recording:" + call.recording_id)
    assert recording.state == "Queued" and "not available yet" in recording.last_error
    for _ in range(6 * 12):
        sim.step(300)
    log = sim.store.find("Helpdesk Call Log", {"call_id": call.call_id})[0]
    assert log["recording_file"] == f"/private/files/{call.recording_id}.mp3"
    assert log["transcript"].startswith("[Front Desk]: Front desk, recording")
    assert queue.find("transcript:" + call.recording_id).state == "Done"
    for _ in range(12 * 12):
        sim.step(300)
    gone = queue.find("recording:" + never.recording_id)
    assert gone.state == "Done" and gone.result.startswith("not available after")
    diffs, _ = sim.compare()
    assert not diffs, diffs


def signed_in_with_calls(tmp_path, rc, clock, calls):
    """`calls` placed on the mock (without recordings), and a store at T0 with a client
    signed in to it: (store, client)."""
    for call in calls:
        call.recorded = False
        place(rc.state, None, call)
    store = sb.SqliteStore(str(tmp_path / "s.sqlite"))
    store.freeze_time(T0)
    c = client(store, rc, clock)
    c.save_configuration()
    c.login_jwt(JWT)
    return store, c


def test_sync_backfills_follows_pages_and_keeps_a_cursor(tmp_path):
    clock = SimClock(str(tmp_path / "clock"), start=T0)
    with MockRingCentral(clock=clock.now) as rc:
        rc.configure(rate_limits=False)  # (throttling: the next test)
        rc.state.call_log = []
        calls = random_calls(random.Random(5), 300, T0 - 2 * 86400, 2 * 86400 - 3600)
        store, c = signed_in_with_calls(tmp_path, rc, clock, calls)
        logger = sb.CallLogger(store)
        sync = sb.CallLogSync(c, logger, backfill=86400, per_page=25, slice=6 * 3600)
        r = sync.run()
        in_window = [x for x in calls if x.start >= T0 - 86400]
        assert r["complete"] and r["from"] == int(T0) - 86400 and r["cursor"] == int(T0)
        assert r["created"] == len(in_window) and r["pages"] >= len(in_window) // 25
        assert store.count("Helpdesk Call Log") == len(in_window)
        pages = [q for q in rc.snapshot()["requests"] if q["path"].endswith("/call-log")]
        assert all(q["group"] == "Heavy" for q in pages)
        # the next run starts at the cursor minus the overlap and writes nothing again
        clock.advance(600)
        store.freeze_time(clock.now())
        r = sync.run()
        assert r["from"] == int(T0) - 3600 and r["created"] == 0 and r["updated"] == 0
        # --since reads further back without moving the cursor back
        r = sync.run(since=int(T0) - 2 * 86400)
        assert r["created"] == len(calls) - len(in_window) and r["cursor"] == int(clock.now())
        assert store.count("Helpdesk Call Log") == len(calls) == store.count("CRM Call Log")
        st = sb.ringcentral_sync_status(store)
        assert st["sync"]["cursor"] == int(clock.now()) and st["sync"]["lag_seconds"] == 0
        assert st["sync"]["last_result"]["complete"] is True
        clock.close()


def test_sync_stops_with_an_error_when_the_pages_never_end(tmp_path):
    # A server whose last page points back to the first would hold the sync forever (the
    # cursor moves only after a whole slice): a page read twice in one slice ends the run.
    clock = SimClock(str(tmp_path / "clock"), start=T0)
    with MockRingCentral(clock=clock.now) as rc:
        rc.configure(rate_limits=False, call_log_pages_loop=True)
        rc.state.call_log = []
        calls = random_calls(random.Random(7), 30, T0 - 3600, 3000)
        store, c = signed_in_with_calls(tmp_path, rc, clock, calls)
        sync = sb.CallLogSync(c, sb.CallLogger(store), backfill=3600, per_page=10, slice=3600)
        with pytest.raises(sb.HttpError, match="do not end"):
            sync.run()
        st = settings(store)
        assert "do not end" in st["sync_last_error"]
        last = json.loads(st["sync_last_result"])
        # pages 1-3, page 1 again by its own URI (unchanged records), then page 2 is a repeat
        assert last["pages"] == 4 and last["unchanged"] == 10
        assert last["created"] == store.count("Helpdesk Call Log") > 20
        assert not last["complete"] and not st.get("sync_cursor")  # the slice never finished
        clock.close()


def test_sync_catches_up_after_downtime_within_rate_limits(tmp_path):
    """Two days of calls to catch up, 20 per page: the Heavy group allows 10 requests a
    minute. The worker never sends a request during a penalty; it defers and comes back."""
    sim = Simulation(tmp_path, seed=9, worker_options={"per_page": 20})
    try:
        sim.step(60)  # the first sync ran: the cursor is now
        sim.worker.kill9()
        rng = random.Random(11)
        calls = random_calls(rng, 600, sim.clock.now() + 60, 2 * 86400 - 3600)
        for c in calls:
            c.recorded = False
        sim.place(calls)
        sim.deliverer.heap.clear()  # the webhook server was unreachable too: only the sync can find them
        sim.clock.advance(2 * 86400)  # two days down
        sim.worker.start()
        for _ in range(60):
            sim.step(60)
        assert sim.store.count("Helpdesk Call Log") == 600
        snap = sim.mock.state.snapshot()
        assert snap["violations"] == {}
        heavy = [q for q in snap["requests"] if q["group"] == "Heavy"]
        per_minute = {}
        for q in heavy:
            per_minute[int(q["t"] // 60)] = per_minute.get(int(q["t"] // 60), 0) + 1
        assert max(per_minute.values()) <= 10
        assert len(heavy) >= 30  # 30 pages at least, so it took several minutes
        st = sb.ringcentral_sync_status(sim.store)
        assert st["sync"]["lag_seconds"] < 600
    finally:
        sim.close()


def test_status_reports_subscription_sync_and_queue(sim):
    sim.place([SimCall(i=5, start=sim.clock.now() + 10, duration=60, record_delay=3000)])
    sim.deliverer.loss = 0.0
    for _ in range(10):
        sim.step(60)
    st = sb.ringcentral_sync_status(sim.store)
    assert st["subscription"]["status"] == "Active" and st["subscription"]["expires_in"] > 0
    assert st["subscription"]["verification_token_stored"] is True
    assert st["sync"]["cursor"] > 0 and st["sync"]["lag_seconds"] <= 300
    depth = st["queue"]["depth"]
    assert depth[sb.rc_jobs.SYNC] == {"Queued": 1}
    assert depth[sb.rc_jobs.LOOKUP]["Queued"] == 1
    assert st["queue"]["recent_errors"][0]["kind"] == sb.rc_jobs.LOOKUP
    assert "no call-log record" in st["queue"]["recent_errors"][0]["last_error"]
    # the same from switchboard.worker, for a Frappe page
    from switchboard import worker
    assert worker.status(sim.store)["queue"]["depth"] == depth
