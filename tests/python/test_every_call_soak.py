"""Three simulated days of 20,000 calls: every call exactly once, without a relay.

RingCentral is the project's mock on a simulated clock. 10% of the webhooks are lost, 10%
delivered twice, all of them shuffled (and 2% an hour late); call-log records appear seconds to
minutes after the calls, recordings later still (or never), RingSense transcripts later again
(or never); the subscription expires daily (renewed by the worker) and is blacklisted once
(re-created by the worker); the worker is killed with SIGKILL three times and stays down for a
while each time. Throttling is on, at RingCentral's limits. At the end the store's call logs
must equal the mock's call log, record by record; the differences are printed.

Takes about two minutes on the 2-core VM (the test prints its figures with -s). When it fails
it prints the queue's unfinished jobs and the worker's last log lines (stamped with simulated
time), which is how a killed worker's sync job, starved by queued lookups, was found.
"""
import os
import random
import time

import pytest

import switchboard as sb

from rc_sim import Simulation, random_calls

DAYS = float(os.environ.get("SOAK_DAYS", "3"))
CALLS = int(os.environ.get("SOAK_CALLS", "20000"))


def store_jobs(store, now: int) -> list[str]:
    """The queue's jobs that are not done, grouped by kind and state, with their times."""
    groups: dict = {}
    for j in store.find(sb.JOB_DOCTYPE, [["state", "in", ["Queued", "Running", "Failed"]]],
                        fields=["kind", "state", "run_after", "lease_expires", "lease_owner", "attempts", "last_error"]):
        g = groups.setdefault((j["kind"], j["state"]), [])
        g.append(j)
    out = []
    for (kind, state), jobs in sorted(groups.items()):
        first = min(jobs, key=lambda j: j.get("run_after") or 0)
        out.append(f"{kind} {state} x{len(jobs)}; earliest run_after {(first.get('run_after') or 0) - now:+} s, "
                   f"lease_expires {first.get('lease_expires')}, owner {first.get('lease_owner')}, "
                   f"attempts {first.get('attempts')}, last error {str(first.get('last_error'))[:200]!r}")
    return out


@pytest.mark.slow
def test_three_days_of_calls_every_call_exactly_once(tmp_path):
    started = time.monotonic()
    rng = random.Random(20240603)
    sim = Simulation(tmp_path, seed=11)
    try:
        span = DAYS * 86400
        sim.place(random_calls(rng, CALLS, sim.clock.now() + 60, span - 3600))
        steps = int(span // 60)
        kills = sorted(rng.sample(range(steps // 10, steps - 300), 3))
        downtime = {kills[0]: 20, kills[1]: 90, kills[2]: 240}  # simulated minutes without a worker
        blacklist_at = steps // 2
        first_id = sim.first_subscription["id"]
        step = 0
        while step < steps:
            if step in downtime:
                sim.clock.advance(60)
                sim.deliverer.pump()
                time.sleep(rng.uniform(0.0, 0.02))  # most likely in the middle of a job
                sim.worker.kill9()
                for _ in range(downtime[step]):
                    sim.step(60, worker=False)
                sim.worker.start()
                step += downtime[step] + 1
                continue
            if step == blacklist_at:
                assert sim.mock.state.blacklist() == 1
            sim.step(60)
            step += 1
        # Settle: no new calls; recordings, transcripts and retries finish.
        for _ in range(12 * 12):
            sim.step(300)
        diffs, counts = sim.compare()
        state = sim.mock.state.snapshot()
        subs = state["subscriptions"]
        stats = dict(sim.deliverer.stats)
        depth = sb.JobQueue(sim.store).stats()["depth"]
        throttled = sum(1 for q in state["requests"] if q["status"] == 429)
        print(f"\n{counts['records']} calls, {counts['recordings']} recordings, {counts['transcripts']} transcripts; "
              f"webhooks {stats}; worker killed {sim.worker.kills} times; jobs {depth}; "
              f"{throttled} requests answered 429; {sim.slow_steps} steps where the worker was still busy; "
              f"{time.monotonic() - started:.0f} s")
        for d in diffs:
            print("DIFF", d)
        if diffs:  # what the queue and the worker looked like, to tell why
            now = int(sim.clock.now())
            print(f"simulated now {now}")
            for job in store_jobs(sim.store, now):
                print("JOB", job)
            print("\n".join(["WORKER " + line for line in sim.worker.errors[-80:]]))
        assert not diffs
        assert sim.worker.kills == 3
        assert stats["lost"] > 0 and stats["duplicated"] > 0 and stats["dropped"] > 0
        # the blacklisted subscription was deleted and another created; it was renewed daily
        assert first_id not in subs and len(subs) == 1
        (sub,) = subs.values()
        assert sub["status"] == "Active" and sub.get("renewals", 0) >= 1
        assert state["violations"] == {}  # nothing was sent during a throttling penalty
    finally:
        sim.close()
