"""A worker process in simulated time (see rc_sim.SimWorker): switchboard.worker's Worker with
RingCentral's job kinds on the store, its clock read from the shared clock file. Prints
"ready" once, then "idle <t>" each time nothing was due at simulated time t. Killed with
SIGKILL by the tests; SIGTERM stops it after the current job."""
import argparse
import json
import logging
import signal
import sys
import time

import switchboard as sb
from switchboard import worker as sbw

from rc_sim import SimClock, client


class Mock:
    def __init__(self, platform: str, media: str) -> None:
        self.platform_url, self.media_url = platform, media
        self.origins = [platform, media]


def main() -> int:
    ap = argparse.ArgumentParser()
    for name in ("--db", "--clock", "--platform", "--media", "--recordings"):
        ap.add_argument(name, required=True)
    ap.add_argument("--options", default="{}")
    args = ap.parse_args()
    clock = SimClock(args.clock)
    # What the library and the worker say goes to stderr, stamped with simulated time, for the
    # harness to show when a run fails.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(sim)s %(levelname)s %(name)s: %(message)s")
    old_factory = logging.getLogRecordFactory()

    def stamped(*a, **kw):
        record = old_factory(*a, **kw)
        record.sim = f"{clock.now():.0f}"
        return record
    logging.setLogRecordFactory(stamped)
    store = sb.SqliteStore(args.db)
    store.freeze_time(clock.now())
    rc = client(store, Mock(args.platform, args.media), clock)
    options = json.loads(args.options)
    worker, _ = sbw.make_worker(store, rc, recordings_dir=args.recordings, **options)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print("ready", flush=True)
    last = None
    while not stop:
        t = clock.now()
        store.freeze_time(t)
        if worker.run_due(5.0) == 0:
            if t != last:
                print(f"idle {t}", flush=True)
                last = t
            time.sleep(0.001)
    return 0


if __name__ == "__main__":
    sys.exit(main())
