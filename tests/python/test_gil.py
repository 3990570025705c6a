"""The GIL is released while C++ works and retaken by trampolines (pitfalls 3 and 4).

Each case would deadlock if a binding held the GIL while waiting on the store's mutex, so it
runs in a subprocess with a timeout instead of hanging the suite."""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys, threading, time
    import switchboard as sb
    sys.path.insert(0, {tests!r})
    from dict_store import DictStore
    store = {factory}
    store.insert("CRM Lead", {{"name": "L1", "first_name": "Ann"}})
    inside = threading.Event()

    def holder():
        with store.transaction():
            store.insert("CRM Lead", {{"first_name": "held"}})
            inside.set()
            time.sleep(0.3)            # Python code that needs the GIL while main waits
            store.update("CRM Lead", "L1", {{"status": "Nurture"}})

    t = threading.Thread(target=holder)
    t.start()
    inside.wait()
    result = {call}                    # blocks on the store mutex until holder commits
    t.join()
    print("ok", result)
""")

CALLS = {
    "get": 'store.get("CRM Lead", "L1")["status"]',
    "find": 'len(store.find("CRM Lead"))',
    "count": 'store.count("CRM Lead")',
    "insert": 'store.insert("CRM Lead", {"first_name": "x"})',
    "update": 'store.update("CRM Lead", "L1", {"source": "x"})',
    "update_where": 'store.update_where("CRM Lead", {}, {"source": "y"})',
    "remove_where": 'store.remove_where("Comment", {})',
    "transaction": '__import__("contextlib").ExitStack().enter_context(store.transaction())',
    # Opening a store on a backend (here a decorator that seeds through the held store).
    "open": 'sb.Store(sb.ForwardingBackend(store), seed_defaults=True).count("CRM Lead")',
}
FACTORIES = {"sqlite": "sb.SqliteStore()", "memory": "sb.MemoryStore()", "python": "DictStore()"}


@pytest.mark.parametrize("factory", sorted(FACTORIES))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_bound_calls_release_the_gil(call, factory):
    import os
    code = SCRIPT.format(tests=os.path.dirname(__file__), factory=FACTORIES[factory], call=CALLS[call])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20,
                          env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


def test_cpp_can_hold_a_transaction_while_python_threads_run():
    import threading
    import switchboard as sb
    store = sb.SqliteStore()
    ticks = []
    stop = threading.Event()

    def counter():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=counter)
    t.start()
    sb._core._hold_transaction(store, 0.2)  # sleeps in C++ without the GIL
    stop.set()
    t.join()
    assert len(ticks) > 100


def test_call_ingest_and_webhook_release_the_gil():
    import os
    script = textwrap.dedent("""
        import threading, time
        import switchboard as sb
        store = sb.SqliteStore()
        logger = sb.CallLogger(store)
        handler = sb.WebhookHandler(logger)
        inside = threading.Event()

        def holder():
            with store.transaction():
                store.insert("HD Ticket", {"subject": "held"})
                inside.set()
                time.sleep(0.3)

        t = threading.Thread(target=holder)
        t.start()
        inside.wait()
        logger.ingest('{"call_id": "a", "from_number": "+16505550100"}')   # waits for holder
        handler.handle({}, b'{"call_id": "b", "from_number": "+16505550101"}')
        t.join()
        print("ok", store.count("Helpdesk Call Log"))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=20, env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok 2"


def test_frozen_time_never_deadlocks_python_threads():
    """A store's time frozen while another Python thread works, with a route inside it: the
    freeze takes no lock that a waiting call holds with the GIL (a subprocess, so a deadlock
    fails instead of hanging the suite)."""
    import os
    script = textwrap.dedent("""
        import threading
        import switchboard as sb
        from site_fixture import with_site
        store = with_site(sb.SqliteStore())
        stop = threading.Event()
        done = []

        def writer():
            while not stop.is_set():
                store.insert("Comment", {"content": "tick"})
                done.append(store.now())

        t = threading.Thread(target=writer)
        t.start()
        for i in range(50):
            store.freeze_time(1893456000 + i)
        r = sb.Router(store).route(sb.InboundEmail(message_id="f1@x.com", sender="ann@customer.com",
                                                  to="support@zipcushions.com", subject="Help", email_account="Support",
                                                  sent_or_received="Received"))
        stop.set()
        t.join()
        print("ok", r.action, len(done) > 0, r.reason)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ok", "create_ticket", "True", "support_alias"], proc.stdout
