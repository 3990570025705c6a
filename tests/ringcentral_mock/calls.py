"""Simulated calls: each call becomes what RingCentral would produce for it — telephony-session
notifications while it happens (published to a Deliverer at their event times), a call-log
record that becomes visible some time after it ends, and optionally a recording whose content
exists later still (or never) and RingSense insights later again (or never).

One thread at a time (the harness that drives a simulation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import fixtures

TELEPHONY_EVENT = f"/restapi/v1.0/account/{fixtures.ACCOUNT_ID}/telephony/sessions"
DESK = {"phoneNumber": "+16505550000", "extensionNumber": "101", "name": "Front Desk"}


@dataclass
class SimCall:
    i: int
    start: float
    duration: int                 # seconds from start to Disconnected
    direction: str = "Inbound"
    result: str = "Accepted"
    record_delay: float = 30.0    # the call-log record appears this long after the end
    recording_delay: Optional[float] = None  # content exists this long after the end (None: never)
    recorded: bool = False
    insights_delay: Optional[float] = None   # insights exist this long after the content (None: never)
    recording_size: int = 20_000

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def call_id(self) -> str:
        return f"CL{self.i:06d}"

    @property
    def session(self) -> str:
        return f"s-sim{self.i:06d}"

    @property
    def recording_id(self) -> str:
        return str(50_000_000 + self.i)

    @property
    def missed(self) -> bool:
        return self.result in ("Missed", "Voicemail", "No Answer", "Busy", "Rejected")

    @property
    def customer(self) -> dict:
        return {"phoneNumber": f"+1415555{self.i % 10000:04d}", "name": f"Caller {self.i}"}

    def record(self) -> dict:
        inbound = self.direction == "Inbound"
        rec = {
            "id": self.call_id,
            "uri": f"/restapi/v1.0/account/{fixtures.ACCOUNT_ID}/call-log/{self.call_id}",
            "sessionId": str(800_000_000 + self.i),
            "telephonySessionId": self.session,
            "startTime": fixtures.iso_float(self.start),
            "duration": self.duration,
            "type": "Voice",
            "direction": self.direction,
            "action": "Phone Call",
            "result": self.result,
            "from": self.customer if inbound else dict(DESK),
            "to": dict(DESK) if inbound else self.customer,
            "lastModifiedTime": fixtures.iso_float(self.end + self.record_delay),
            "_extension": "101",
        }
        if self.recorded:
            rid = self.recording_id
            rec["recording"] = {"id": rid, "type": "Automatic",
                                "uri": f"/restapi/v1.0/account/{fixtures.ACCOUNT_ID}/recording/{rid}"}
        return rec

    def events(self) -> list[tuple[float, dict]]:
        """(eventTime, notification body) of each telephony event, in the order they happen."""
        inbound = self.direction == "Inbound"
        desk_to = {"phoneNumber": DESK["phoneNumber"], "name": DESK["name"], "extensionId": fixtures.OWNER_ID}
        desk_from = {"phoneNumber": DESK["phoneNumber"], "name": DESK["name"], "extensionId": fixtures.OWNER_ID}
        steps = [("Setup", self.start)]
        if not self.missed:
            steps.append(("Answered", self.start + min(8, self.duration / 2)))
        steps.append(("Disconnected", self.end))
        out = []
        for seq, (code, at) in enumerate(steps, start=1):
            party = {
                "accountId": fixtures.ACCOUNT_ID, "extensionId": fixtures.OWNER_ID,
                "id": f"p-{self.session}-1", "direction": self.direction,
                "from": self.customer if inbound else desk_from,
                "to": desk_to if inbound else self.customer,
                "status": {"code": code, "rcc": False},
                "missedCall": self.missed and code == "Disconnected",
                "standAlone": False, "muted": False,
            }
            if self.recorded and code != "Setup":
                party["recordings"] = [{"id": self.recording_id, "active": code != "Disconnected"}]
            out.append((at, {
                "sequence": seq, "sessionId": str(800_000_000 + self.i),
                "telephonySessionId": self.session, "serverId": "10.0.0.1.TAM",
                "eventTime": fixtures.iso_float(at), "parties": [party], "origin": {"type": "Call"},
            }))
        return out


def place(state, deliverer, call: SimCall) -> dict:
    """Registers everything RingCentral would hold for `call` and publishes its telephony
    events (a deliverer of None publishes nothing). Returns the call-log record."""
    rec = call.record()
    state.add_call(rec, available_at=call.end + call.record_delay)
    if call.recorded:
        available = None if call.recording_delay is None else call.end + call.recording_delay
        state.add_recording(call.recording_id, size=call.recording_size, available_at=available,
                            duration=call.duration)
        if available is not None and call.insights_delay is not None:
            state.add_insights(call.recording_id,
                               fixtures.sim_insights(call.recording_id, call.session, call.customer["name"]),
                               available + call.insights_delay)
    if deliverer is not None:
        for at, body in call.events():
            deliverer.publish(TELEPHONY_EVENT, body, at)
    return rec
