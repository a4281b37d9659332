"""Self-test for peer.py: two peer processes negotiate with each other.

Run with the interpreter that has ``concordia-protocol`` installed:
    python selftest_peer.py
Exits 0 and prints "selftest_peer: all checks passed" on success.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "peer.py")


class PeerProc:
    def __init__(self, name: str):
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, PEER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )

    def raw(self, line: str) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        if not out:
            raise RuntimeError(f"{self.name}: peer closed stdout")
        return json.loads(out)

    def call(self, **req: Any) -> dict[str, Any]:
        return self.raw(json.dumps(req))

    def ok(self, **req: Any) -> dict[str, Any]:
        resp = self.call(**req)
        if not resp.get("ok"):
            raise AssertionError(f"{self.name} {req.get('op')} failed: {resp}")
        return resp

    def err(self, expected_class: str, **req: Any) -> str:
        resp = self.call(**req)
        if resp.get("ok") or not resp["error"].startswith(expected_class + ":"):
            raise AssertionError(
                f"{self.name} {req.get('op')}: expected {expected_class}, got {resp}"
            )
        return resp["error"]

    def close(self) -> int:
        assert self.proc.stdin
        resp = self.call(op="quit")
        assert resp == {"ok": True}, resp
        return self.proc.wait(timeout=10)


CHECKS = 0


def check(cond: bool, what: str) -> None:
    global CHECKS
    if not cond:
        raise AssertionError(what)
    CHECKS += 1


def relay(sender: PeerProc, receiver: PeerProc, sid: str, mtype: str,
          body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """sender builds+applies a message, receiver applies it; replicas must agree."""
    sent = sender.ok(op="send", session_id=sid, type=mtype, body=body, **extra)
    got = receiver.ok(op="receive", session_id=sid, message=sent["message"])
    for key in ("state", "round_count", "prev_hash"):
        check(sent[key] == got[key], f"{mtype}: replicas disagree on {key}")
    check(got["prev_hash"] == sent["hash"], f"{mtype}: tip is not the message hash")
    return sent


def open_session(a: PeerProc, b: PeerProc, sid: str, parties: list[dict[str, Any]],
                 max_rounds: int | None = None) -> None:
    for p in (a, b):
        resp = p.ok(op="new_session", session_id=sid, parties=parties, max_rounds=max_rounds)
        check(resp["state"] == "proposed" and resp["round_count"] == 0, "fresh session")
    relay(a, b, sid, "negotiate.open", {
        "terms": {
            "price": {"type": "numeric", "label": "Price", "unit": "USD"},
            "delivery": {"type": "temporal", "label": "Delivery date"},
        }
    })
    relay(b, a, sid, "negotiate.accept_session", {})


def main() -> int:
    a, b = PeerProc("A"), PeerProc("B")
    try:
        ka = a.ok(op="init", seed_hex="01" * 32, agent_id="agent_alice")["public_key_b64"]
        kb = b.ok(op="init", seed_hex="02" * 32, agent_id="agent_bob")["public_key_b64"]
        check(len(ka) == 44 and ka.endswith("="), "public key is padded urlsafe b64")
        keys = {"agent_alice": ka, "agent_bob": kb}
        parties = [
            {"agent_id": "agent_alice", "role": "initiator", "public_key_b64": ka},
            {"agent_id": "agent_bob", "role": "responder", "public_key_b64": kb},
        ]

        # --- request-level errors --------------------------------------
        check(a.raw("not json")["ok"] is False, "malformed line -> error response")
        a.err("PeerError", op="bogus")
        a.err("PeerError", op="state", session_id="nope")

        # --- full negotiation ending in agreement ----------------------
        sid = "ses_interop1"
        open_session(a, b, sid, parties)
        relay(a, b, sid, "negotiate.offer", {
            "offer_id": "off_1", "complete": True,
            "terms": {"price": {"value": 1200}, "delivery": {"value": "2025-03-01"}},
        }, reasoning="opening anchor", timestamp="2025-01-01T00:00:00Z",
            message_id="msg_fixed1")
        relay(b, a, sid, "negotiate.counter", {
            "offer_id": "off_2", "complete": True,
            "conditions": [
                {"if": {"delivery": {"value": "2025-04-01"}},
                 "then": {"price": {"value": 1000}}},
                {"if": {"delivery": {"value": "2025-03-01"}},
                 "then": {"price": {"value": 1100}}},
            ],
        })
        acc = relay(a, b, sid, "negotiate.accept", {"offer_id": "off_2"})
        check(acc["state"] == "agreed" and acc["round_count"] == 2, "agreed after 2 rounds")

        sa = a.ok(op="state", session_id=sid, include_transcript=True)
        sb = b.ok(op="state", session_id=sid, include_transcript=True)
        check(sa["transcript"] == sb["transcript"], "identical transcripts")
        check(sa["behaviors"] == sb["behaviors"], "identical behaviour records")
        check(sa["transcript_length"] == 5 and sa["is_terminal"], "5 messages, terminal")
        check(sa["behaviors"]["agent_alice"]["reasoning_provided"] is True, "reasoning tracked")
        first = sa["transcript"][2]
        check(first["timestamp"] == "2025-01-01T00:00:00Z" and first["id"] == "msg_fixed1",
              "fixed timestamp / id honoured")

        # Deterministic signing: same seed + same fields -> same bytes.
        m1 = a.ok(op="send", session_id=sid, type="negotiate.signal", body={"x": 1},
                  timestamp="2025-01-01T00:00:00Z", message_id="msg_det", apply=False)
        m2 = a.ok(op="send", session_id=sid, type="negotiate.signal", body={"x": 1},
                  timestamp="2025-01-01T00:00:00Z", message_id="msg_det", apply=False)
        check(m1["message"] == m2["message"], "deterministic envelope with fixed fields")
        b.err("InvalidTransitionError", op="receive", session_id=sid, message=m1["message"])

        # --- attestations: each side signs only for itself ---------------
        att_a = a.ok(op="attest", session_id=sid, category="electronics.cameras",
                     value_range="1000-5000_USD")["attestation"]
        att_b = b.ok(op="attest", session_id=sid)["attestation"]
        for att, signer, other in ((att_a, "agent_alice", "agent_bob"),
                                   (att_b, "agent_bob", "agent_alice")):
            sigs = {p["agent_id"]: p["signature"] for p in att["parties"]}
            check(sigs[other] == "" and sigs[signer] != "", "only own party signed")
            check(list(att["countersignatures"]) == [signer], "only own countersignature")
        check(att_a["chain_head"] == att_b["chain_head"] == sa["prev_hash"], "same chain head")
        check(att_a["message_count"] == att_b["message_count"] == 5, "message_count")
        check(att_a["transcript_hash"] == att_b["transcript_hash"], "same transcript hash")

        # Cross-verify the half-signed attestations: fail on the missing party only.
        v = b.ok(op="verify_attestation", attestation=att_a, public_keys=keys, session_id=sid)
        check(not v["valid"] and v["verified_parties"] == ["agent_alice"]
              and v["schema_errors"] == [] and v["set_binding_state"] == "bound"
              and any("missing signature" in e for e in v["signature_errors"]),
              f"half-signed attestation: {v}")

        # Counterparty completes it.
        cs_b = b.ok(op="countersign", attestation=att_a)
        full_a = cs_b["attestation"]
        cs_a = a.ok(op="countersign", attestation=att_b)
        full_b = cs_a["attestation"]
        for full, verifier in ((full_a, a), (full_a, b), (full_b, a), (full_b, b)):
            v = verifier.ok(op="verify_attestation", attestation=full, public_keys=keys,
                            session_id=sid)
            check(v["valid"] and sorted(v["verified_parties"]) == ["agent_alice", "agent_bob"],
                  f"completed attestation verifies: {v}")
            for aid, sig in full["countersignatures"].items():
                r = verifier.ok(op="verify_countersignature", attestation=full,
                                countersignature=sig, public_key_b64=keys[aid])
                check(r["valid"], f"countersignature of {aid} verifies")
        check(full_a["countersignatures"]["agent_alice"] == att_a["countersignatures"]["agent_alice"],
              "issuer countersignature unchanged by completion")
        r = a.ok(op="verify_countersignature", attestation=full_a,
                 countersignature=cs_b["countersignature"], public_key_b64=ka)
        check(not r["valid"], "countersignature under the wrong key fails")
        altered = json.loads(json.dumps(full_a))
        altered["outcome"]["rounds"] = 3
        r = a.ok(op="verify_countersignature", attestation=altered,
                 countersignature=cs_b["countersignature"], public_key_b64=kb)
        check(not r["valid"], "countersignature over altered outcome fails")
        v = a.ok(op="verify_attestation", attestation=full_a, public_keys=keys,
                 transcript=sa["transcript"][:-1])
        check(not v["valid"] and v["set_binding_state"] == "error", "set binding vs short transcript")
        a.err("ValueError", op="attest", session_id=sid, value_range="1234-1250_USD")

        # --- rejection --------------------------------------------------
        sid2 = "ses_interop2"
        open_session(a, b, sid2, parties)
        relay(a, b, sid2, "negotiate.offer",
              {"offer_id": "off_r", "complete": True, "terms": {"price": {"value": 5000}}})
        rej = relay(b, a, sid2, "negotiate.reject", {"reason": "too expensive"})
        check(rej["state"] == "rejected", "rejected")
        att = b.ok(op="attest", session_id=sid2)["attestation"]
        check(att["outcome"]["status"] == "rejected", "rejected attestation")
        a.err("InvalidTransitionError", op="send", session_id=sid2, type="negotiate.offer",
              body={"terms": {"price": {"value": 4000}}})

        # --- max_rounds --------------------------------------------------
        sid3 = "ses_interop3"
        open_session(a, b, sid3, parties, max_rounds=2)
        relay(a, b, sid3, "negotiate.offer", {"terms": {"price": {"value": 1000}}})
        relay(b, a, sid3, "negotiate.counter", {"terms": {"price": {"value": 800}}})
        a.err("MaxRoundsExceededError", op="send", session_id=sid3, type="negotiate.offer",
              body={"terms": {"price": {"value": 900}}})
        extra = a.ok(op="send", session_id=sid3, type="negotiate.offer",
                     body={"terms": {"price": {"value": 900}}}, apply=False)
        b.err("MaxRoundsExceededError", op="receive", session_id=sid3, message=extra["message"])
        st = b.ok(op="state", session_id=sid3)
        check(st["round_count"] == 2 and st["transcript_length"] == 4, "refusal left replica intact")
        fin = relay(a, b, sid3, "negotiate.accept", {})
        check(fin["state"] == "agreed", "accept still allowed at the cap")

        # --- tampering ---------------------------------------------------
        sid4 = "ses_interop4"
        open_session(a, b, sid4, parties)
        good = a.ok(op="send", session_id=sid4, type="negotiate.offer",
                    body={"terms": {"price": {"value": 1500}}})["message"]
        expected = {"signature": "InvalidSignatureError", "prev_hash": "ChainIntegrityError",
                    "session_id": "SessionBindingError"}
        for how, cls in expected.items():
            bad = a.ok(op="tamper", message=good, how=how)
            check(bad["message"] != good, f"tamper {how} changed the message")
            b.err(cls, op="receive", session_id=sid4, message=bad["message"])
        # A forged message (Bob's key signing as Alice) and an unknown sender.
        forged = b.ok(op="tamper", message=good, how="session_id", session_id=sid4 + "x")
        forged_back = dict(forged["message"], session_id=sid4)
        b.err("InvalidSignatureError", op="receive", session_id=sid4, message=forged_back)
        b.err("InvalidSignatureError", op="receive", session_id=sid4,
              message=dict(good, **{"from": {"agent_id": "agent_mallory"}}))
        check(b.ok(op="state", session_id=sid4)["transcript_length"] == 2, "refusals not appended")
        got = b.ok(op="receive", session_id=sid4, message=good)
        check(got["round_count"] == 1 and got["prev_hash"] == a.ok(
            op="state", session_id=sid4)["prev_hash"], "original still accepted")
        b.err("ChainIntegrityError", op="receive", session_id=sid4, message=good)  # replay

        check(a.close() == 0 and b.close() == 0, "clean exit")
    finally:
        for p in (a, b):
            if p.proc.poll() is None:
                p.proc.kill()

    # EOF on stdin also exits 0.
    c = PeerProc("C")
    assert c.proc.stdin
    c.proc.stdin.close()
    check(c.proc.wait(timeout=10) == 0, "EOF exits 0")

    print(f"selftest_peer: all checks passed ({CHECKS} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
