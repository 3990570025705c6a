"""`frontdesk worker` as a process: killed with SIGKILL in the middle of a recording download
and in the middle of a call-log page (the job comes back when its lease expires and ends
exactly once), stopped with SIGTERM (the current job finishes first); several processes
leasing from one SQLite file run each job once; `frontdesk ringcentral subscribe / status /
sync / unsubscribe / logout`; the Python functions a Frappe scheduler calls; and the Pabbly
relay still works on a webhook server that serves RingCentral's subscription."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import switchboard as sb
from rc_sim import KEY, KEY_B64, WebhookServer
from ringcentral_mock import fixtures
from ringcentral_mock.calls import SimCall, place
from ringcentral_support import CLIENT_ID, CLIENT_SECRET, JWT, MockRingCentral, client

ENV = {**os.environ, "SWITCHBOARD_SECRET_KEY": KEY_B64}


def connect(db, rc):
    store = sb.SqliteStore(db)
    c = client(store, rc)
    c.save_configuration()
    c.login_jwt(JWT)
    return store, c


def worker(frontdesk_bin, db, rc, recordings, *extra):
    proc = subprocess.Popen([frontdesk_bin, "--db", db, "worker", "--recordings", recordings, "--lease", "2",
                             "--poll", "0.1", "--allow-origin", rc.platform_url, "--allow-origin", rc.media_url,
                             "-v", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    line = proc.stdout.readline()
    assert line.startswith("worker "), line + proc.stderr.read()
    return proc


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def recorded_call(rc, i=1, size=300_000):
    """A finished call with a recording RingCentral already has; returns its call-log record."""
    call = SimCall(i=i, start=time.time() - 600, duration=120, recorded=True, record_delay=0,
                   recording_delay=0, recording_size=size)
    place(rc.state, None, call)
    return call


def test_killed_in_the_middle_of_a_download_the_recording_arrives_once(frontdesk_bin, tmp_path):
    with MockRingCentral() as rc:
        db, rec_dir = str(tmp_path / "s.sqlite"), str(tmp_path / "rec")
        os.makedirs(rec_dir)
        store, c = connect(db, rc)
        call = recorded_call(rc)
        logger = sb.CallLogger(store, after_ingest=sb.ringcentral_ingest_hook())
        record = c.call_log_record(call.call_id)
        logger.ingest(json.dumps(record))  # queues the download
        path = f"/recording/{call.recording_id}/content"
        rc.fault(match=path, when="stall", after=100_000, stall=30)
        proc = worker(frontdesk_bin, db, rc, rec_dir, "--no-periodic")
        wait_for(lambda: path in "".join(rc.snapshot()["stalls"]), what="the download to start")
        time.sleep(0.3)
        part = os.path.join(rec_dir, f"{call.recording_id}.download.part")
        assert 0 < os.path.getsize(part) <= 100_000  # really in the middle
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        job = sb.JobQueue(store).find("recording:" + call.recording_id)
        assert job.state == "Running"  # leased to the dead worker
        proc = worker(frontdesk_bin, db, rc, rec_dir, "--no-periodic")
        try:
            wait_for(lambda: sb.JobQueue(store).find("recording:" + call.recording_id).state == "Done",
                     what="the recording job to finish after the lease expired")
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        final = os.path.join(rec_dir, f"{call.recording_id}.mp3")
        with open(final, "rb") as f:
            assert f.read() == fixtures.audio_bytes(call.recording_id, 300_000)
        assert sorted(os.listdir(rec_dir)) == [f"{call.recording_id}.mp3"]  # no partial file left
        for doctype in ("Helpdesk Call Log", "CRM Call Log"):
            (log,) = store.find(doctype, fields=["name", "recording_file"])
            assert log["recording_file"] == f"/private/files/{call.recording_id}.mp3"
            assert len(store.find("File", {"attached_to_doctype": doctype, "attached_to_name": log["name"]})) == 1
        job = sb.JobQueue(store).find("recording:" + call.recording_id)
        assert job.attempts == 2 and job.result.startswith("attached")


def test_killed_in_the_middle_of_a_sync_page_every_call_arrives_once(frontdesk_bin, tmp_path):
    with MockRingCentral() as rc:
        rc.configure(rate_limits=False)
        rc.state.call_log = []
        for i in range(150):
            place(rc.state, None, SimCall(i=i, start=time.time() - 7200 + i * 30, duration=60))
        db = str(tmp_path / "s.sqlite")
        store, _ = connect(db, rc)
        rc.fault(match="/call-log", when="stall", after=20_000, stall=30)
        proc = worker(frontdesk_bin, db, rc, str(tmp_path / "rec"))
        wait_for(lambda: rc.snapshot()["stalls"], what="a call-log page in transfer")
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert store.count("Helpdesk Call Log") == 0
        proc = worker(frontdesk_bin, db, rc, str(tmp_path / "rec"))
        try:
            wait_for(lambda: store.count("Helpdesk Call Log") == 150, what="the sync to finish")
            wait_for(lambda: (sb.ringcentral_sync_status(store)["sync"]["last_result"] or {}).get("complete"),
                     what="the cursor")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        assert store.count("CRM Call Log") == 150
        assert len({r["call_id"] for r in store.find("Helpdesk Call Log", fields=["call_id"])}) == 150
        st = sb.ringcentral_sync_status(store)
        assert st["sync"]["cursor"] > 0 and st["sync"]["last_error"] == ""


def test_sigterm_lets_the_current_download_finish(frontdesk_bin, tmp_path):
    with MockRingCentral() as rc:
        db, rec_dir = str(tmp_path / "s.sqlite"), str(tmp_path / "rec")
        os.makedirs(rec_dir)
        store, c = connect(db, rc)
        call = recorded_call(rc, i=2, size=50_000)
        sb.CallLogger(store, after_ingest=sb.ringcentral_ingest_hook()).ingest(json.dumps(c.call_log_record(call.call_id)))
        path = f"/recording/{call.recording_id}/content"
        rc.fault(match=path, when="stall", after=10_000, stall=1.5)
        proc = worker(frontdesk_bin, db, rc, rec_dir, "--no-periodic")
        wait_for(lambda: path in "".join(rc.snapshot()["stalls"]), what="the download to start")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "worker stopped: 1 done" in out
        assert sb.JobQueue(store).find("recording:" + call.recording_id).state == "Done"
        assert os.path.getsize(os.path.join(rec_dir, f"{call.recording_id}.mp3")) == 50_000


LEASE_SCRIPT = r"""
import os, sys
import switchboard as sb
store = sb.SqliteStore(sys.argv[1])
w = sb.Worker(sb.JobQueue(store), owner=f"p{os.getpid()}", batch=2)
def run(job, ctx):
    fd = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, (job.key + "\n").encode())
    os.close(fd)
w.add("count", run)
while w.run_due(30.0):
    pass
"""


def test_processes_sharing_one_sqlite_file_run_each_job_once(tmp_path):
    db, out = str(tmp_path / "q.sqlite"), str(tmp_path / "runs.txt")
    q = sb.JobQueue(sb.SqliteStore(db))
    for i in range(300):
        q.enqueue("count", key=f"job-{i}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-c", LEASE_SCRIPT, db, out], env=env) for _ in range(4)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    with open(out) as f:
        runs = f.read().split()
    assert len(runs) == 300 and len(set(runs)) == 300


def test_frontdesk_subscribe_status_sync_unsubscribe_logout(frontdesk_bin, tmp_path):
    with MockRingCentral() as rc:
        rc.configure(rate_limits=False)
        db = str(tmp_path / "s.sqlite")
        connect(db, rc)
        server = WebhookServer(db)
        allow = ["--allow-origin", rc.platform_url, "--allow-origin", rc.media_url]

        def fd(*args):
            return subprocess.run([frontdesk_bin, "--db", db, "ringcentral", *args, *allow], capture_output=True,
                                  text=True, timeout=60, env=ENV)

        try:
            sub = fd("subscribe", "--address", server.url, "--expires-in", "3600")
            assert sub.returncode == 0, sub.stderr
            assert "Subscribed:" in sub.stdout and server.url in sub.stdout
            (sid,) = rc.snapshot()["subscriptions"]
            synced = fd("sync", "--since", "2024-03-01")
            assert synced.returncode == 0, synced.stderr
            assert f"{fixtures.CALL_COUNT} records" in synced.stdout
            status = fd("status", "--json")
            assert status.returncode == 0, status.stderr
            st = json.loads(status.stdout)
            assert st["subscription"]["id"] == sid and st["subscription"]["status"] == "Active"
            assert st["sync"]["cursor"] > 0
            assert st["queue"]["depth"][sb.rc_jobs.RECORDING]["Queued"] > 0  # recordings queued by the sync
            text = fd("status")
            assert "subscription:" in text.stdout and "call-log sync:" in text.stdout and "jobs:" in text.stdout
            gone = fd("unsubscribe", "--json")
            assert gone.returncode == 0 and json.loads(gone.stdout)["action"] == "deleted"
            assert rc.snapshot()["subscriptions"] == {}
            again = fd("subscribe", "--address", server.url, "--json")
            assert again.returncode == 0, again.stderr
            assert json.loads(again.stdout)["address"] == server.url  # --json: one document
            assert len(rc.snapshot()["subscriptions"]) == 1
            resynced = json.loads(fd("sync", "--json").stdout)
            assert resynced["failed"] == 0 and resynced["complete"] is True
            assert fd("sync", "--since", "yesterday").returncode == 2  # usage
            once = subprocess.run([frontdesk_bin, "worker", "--once", "--seconds", "5", "--no-periodic",
                                   "--kinds", sb.rc_jobs.SUBSCRIPTION, "--recordings", str(tmp_path / "rec"),
                                   "--db", db, "--json", *allow], capture_output=True, text=True,
                                  timeout=60, env=ENV)
            assert once.returncode == 0, once.stderr
            totals = json.loads(once.stdout)  # no "running" line: stdout is the JSON document
            assert {"owner", "done", "retried", "given_up"} <= set(totals)
            assert fd("logout").returncode == 0
            assert rc.snapshot()["subscriptions"] == {}
        finally:
            server.stop()


def test_python_scheduler_functions_run_bounded_slices(tmp_path):
    from switchboard import worker as sbw
    with MockRingCentral() as rc:
        rc.configure(rate_limits=False)
        store, c = connect(str(tmp_path / "s.sqlite"), rc)
        commits = []
        opts = dict(recordings_dir=str(tmp_path), checkpoint=lambda: commits.append(1))
        far = 4000 * 86400  # the fixture calls are from 2024
        assert sbw.sync(store, c, seconds=30, backfill=far, **opts) == 1
        assert store.count("Helpdesk Call Log") == fixtures.CALL_COUNT
        assert commits  # every transaction the worker committed was followed by a checkpoint
        ran = sbw.run_jobs(store, c, seconds=30, **opts)
        assert ran > 0  # recordings (some never available: retried later)
        assert sbw.renew_subscription(store, c, **opts) == 1  # no address: checked, nothing to do
        st = sbw.status(store)
        assert st["queue"]["depth"][sb.rc_jobs.SUBSCRIPTION] == {"Queued": 1}
        assert st["queue"]["depth"][sb.rc_jobs.RECORDING].get("Done", 0) > 0


def test_pabbly_relay_still_works_beside_ringcentral(tmp_path):
    db = str(tmp_path / "s.sqlite")
    server = WebhookServer(db, "--relay-secret", "pabbly-secret")
    try:
        body = {"call_id": "PB-1", "direction": "Inbound", "from_number": "+14155550123", "to_number": "+16505550000",
                "duration": "95", "result": "Call connected", "start_time": "2025-01-06T10:30:00Z",
                "recording": {"id": "777001", "contentUri": "https://media.ringcentral.com/restapi/v1.0/account/~/recording/777001/content"}}
        import urllib.request
        req = urllib.request.Request(server.url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Webhook-Secret": "pabbly-secret"})
        with urllib.request.urlopen(req, timeout=10) as res:
            reply = json.loads(res.read())
        assert reply["success"] is True and reply["message"] == "Call log created"
        store = sb.SqliteStore(db)
        (log,) = store.find("Helpdesk Call Log", fields=["call_id", "status", "duration"])
        assert log == {"call_id": "PB-1", "status": "Completed", "duration": 95.0}
        job = sb.JobQueue(store).find("recording:777001")
        assert job is not None and job.state == "Queued"  # the worker fetches it when RingCentral is connected
    finally:
        server.stop()
