"""A POP3 mailbox on loopback (RFC 1939: USER/PASS, STAT, LIST, UIDL, RETR, DELE, RSET, NOOP,
QUIT) for an Email Account to fetch from, the way it fetches from a mail server.

    with Pop3Mailbox([raw_bytes, ...]) as box:   # box.port; box.messages holds what is left
        ...
"""
from __future__ import annotations

import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box: Pop3Mailbox = self.server.box  # type: ignore[attr-defined]
        deleted: set[int] = set()
        self.send("+OK switchboard test POP3")
        while True:
            line = self.rfile.readline(1024)
            if not line:
                return
            verb, _, arg = line.decode("latin-1").strip().partition(" ")
            verb = verb.upper()
            with box.lock:
                live = {i + 1: m for i, m in enumerate(box.messages) if i + 1 not in deleted}
                if verb in ("USER", "PASS", "NOOP", "RSET"):
                    if verb == "PASS" and arg != box.password:
                        self.send("-ERR invalid password")
                        continue
                    if verb == "RSET":
                        deleted.clear()
                    self.send("+OK")
                elif verb == "STAT":
                    self.send(f"+OK {len(live)} {sum(len(m) for m in live.values())}")
                elif verb in ("LIST", "UIDL"):
                    if arg:
                        n = int(arg)
                        if n not in live:
                            self.send("-ERR no such message")
                        else:
                            self.send(f"+OK {n} {len(live[n]) if verb == 'LIST' else n}")
                        continue
                    self.send(f"+OK {len(live)} messages")
                    for n, m in live.items():
                        self.send(f"{n} {len(m) if verb == 'LIST' else n}")
                    self.send(".")
                elif verb == "RETR":
                    n = int(arg or 0)
                    if n not in live:
                        self.send("-ERR no such message")
                        continue
                    self.send(f"+OK {len(live[n])} octets")
                    for body_line in live[n].replace(b"\r\n", b"\n").split(b"\n"):
                        self.wfile.write((b"." if body_line.startswith(b".") else b"") + body_line + b"\r\n")
                    self.send(".")
                elif verb == "DELE":
                    n = int(arg or 0)
                    if n not in live:
                        self.send("-ERR no such message")
                    else:
                        deleted.add(n)
                        self.send("+OK deleted")
                elif verb == "QUIT":
                    box.messages = [m for i, m in enumerate(box.messages) if i + 1 not in deleted]
                    self.send("+OK bye")
                    return
                else:
                    self.send("-ERR unknown command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Pop3Mailbox:
    """A mailbox holding `messages` (raw RFC 822 bytes) behind a POP3 server on 127.0.0.1."""

    def __init__(self, messages=(), password: str = "secret") -> None:
        self.messages = list(messages)
        self.password = password
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.box = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def email_account(self, frappe, name: str, email_id: str):
        """An Email Account `name` (address `email_id`) fetching from this mailbox."""
        return frappe.get_doc({
            "doctype": "Email Account", "email_account_name": name, "email_id": email_id,
            "enable_incoming": 1, "use_imap": 0, "email_server": "127.0.0.1", "incoming_port": self.port,
            "use_ssl": 0, "password": self.password, "awaiting_password": 0, "enable_outgoing": 0,
            "no_smtp_authentication": 1}).insert(ignore_permissions=True)

    def __enter__(self) -> "Pop3Mailbox":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
