"""python3 -m ringcentral_mock: serve the mock until killed (or until stdin closes with
--watch-stdin, so a parent that dies takes the mock with it). Prints one line,
"READY <platform_url> <media_url>", when both hosts listen."""
import argparse
import json
import signal
import sys
import threading

from .server import MockRingCentral


def main() -> int:
    ap = argparse.ArgumentParser(prog="ringcentral_mock")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--watch-stdin", action="store_true", help="exit when stdin reaches EOF")
    ap.add_argument("--config", default="", help="JSON object of initial settings")
    args = ap.parse_args()
    mock = MockRingCentral(args.host).start()
    if args.config:
        mock.state.configure(json.loads(args.config))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if args.watch_stdin:
        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            done.set()
        threading.Thread(target=watch, daemon=True).start()
    print(f"READY {mock.platform_url} {mock.media_url}", flush=True)
    done.wait()
    mock.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
