"""Python half of the concordia speed comparison.

One iteration = a complete 10-round negotiation between two agents, each with
its own ``Session`` replica, exchanging JSON text. 22 messages in all:

    1      negotiate.open            (buyer)
    2      negotiate.accept_session  (seller)
    3..22  10 rounds of 2 messages: buyer offer/counter, seller counter;
           in round 10 the seller answers with negotiate.accept instead.

So 19 offer/counter messages (round_count 19, within the default max_rounds
of 20) and the last message is the accept. For every message the sender:
builds and signs it once (``build_envelope``, prev_hash = its replica's tip),
applies it to its own replica, serialises it with ``json.dumps``; the receiver
parses it with ``json.loads`` and applies it to its replica (signature
verified, chain and session binding checked). Both replicas end AGREED.

Prints one JSON line:
    {"median_ms", "mean_ms", "min_ms", "iterations", "messages",
     "sign_verify_floor_ms", "avg_payload_bytes", "python"}
``sign_verify_floor_ms`` is the median time for 22 Ed25519 sign+verify pairs
with ``cryptography`` alone, over the 22 canonical signing payloads of a real
run (same sizes as the negotiation's messages).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from concordia.message import build_envelope
from concordia.session import Session
from concordia.signing import KeyPair, canonical_json
from concordia.types import AgentIdentity, MessageType, PartyRole, SessionState

MESSAGES = 22
SESSION_ID = "ses_bench01"


def _key_pair(seed_byte: int) -> KeyPair:
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed_byte]) * 32)
    return KeyPair(private_key=private, public_key=private.public_key())


BUYER = AgentIdentity("agent_buyer")
SELLER = AgentIdentity("agent_seller")
KP = {BUYER.agent_id: _key_pair(1), SELLER.agent_id: _key_pair(2)}

OPEN_BODY = {
    "terms": {
        "price": {"type": "numeric", "label": "Unit price", "unit": "USD"},
        "quantity": {"type": "numeric", "label": "Quantity", "unit": "units"},
        "delivery": {"type": "temporal", "label": "Delivery date"},
    },
    "timing": {"session_ttl": 86400, "offer_ttl": 3600, "max_rounds": 20},
}


def _offer(n: int, price: float) -> dict[str, Any]:
    return {
        "offer_id": f"off_{n:04d}",
        "complete": True,
        "terms": {
            "price": {"value": price},
            "quantity": {"value": 100},
            "delivery": {"value": "2025-06-01"},
        },
    }


def script() -> list[tuple[AgentIdentity, MessageType, dict[str, Any]]]:
    """The fixed 22-message exchange: (sender, type, body)."""
    steps = [
        (BUYER, MessageType.OPEN, OPEN_BODY),
        (SELLER, MessageType.ACCEPT_SESSION, {}),
    ]
    buyer_price, seller_price = 800.0, 1200.0
    for rnd in range(10):
        steps.append((BUYER, MessageType.OFFER if rnd == 0 else MessageType.COUNTER,
                      _offer(2 * rnd, buyer_price)))
        if rnd < 9:
            steps.append((SELLER, MessageType.COUNTER, _offer(2 * rnd + 1, seller_price)))
        else:
            steps.append((SELLER, MessageType.ACCEPT, {"offer_id": f"off_{2 * rnd:04d}"}))
        buyer_price += 15.5
        seller_price -= 12.25
    assert len(steps) == MESSAGES and steps[-1][1] is MessageType.ACCEPT
    return steps


STEPS = script()


def _replica() -> Session:
    s = Session(session_id=SESSION_ID)
    s.add_party(BUYER.agent_id, PartyRole.INITIATOR, KP[BUYER.agent_id].public_key)
    s.add_party(SELLER.agent_id, PartyRole.RESPONDER, KP[SELLER.agent_id].public_key)
    return s


def _resolver(agent_id: str):
    kp = KP.get(agent_id)
    return kp.public_key if kp else None


def negotiate(capture: list[bytes] | None = None) -> None:
    replicas = {BUYER.agent_id: _replica(), SELLER.agent_id: _replica()}
    for sender, mtype, body in STEPS:
        own = replicas[sender.agent_id]
        other = replicas[SELLER.agent_id if sender is BUYER else BUYER.agent_id]
        msg = build_envelope(
            message_type=mtype,
            session_id=SESSION_ID,
            sender=sender,
            body=body,
            key_pair=KP[sender.agent_id],
            prev_hash=own.prev_hash,
        )
        own.apply_message(msg, _resolver)
        wire = json.dumps(msg)
        other.apply_message(json.loads(wire), _resolver)
        if capture is not None:
            capture.append(canonical_json({k: v for k, v in msg.items() if k != "signature"}))
    for r in replicas.values():
        assert r.state is SessionState.AGREED and len(r.transcript) == MESSAGES
        assert r.round_count == 19


def sign_verify_floor(payloads: list[bytes]) -> float:
    sk = KP[BUYER.agent_id].private_key
    pk = sk.public_key()
    t0 = time.perf_counter()
    for p in payloads:
        pk.verify(sk.sign(p), p)
    return (time.perf_counter() - t0) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()

    payloads: list[bytes] = []
    negotiate(payloads)
    for _ in range(args.warmup):
        negotiate()

    times = []
    for _ in range(args.iterations):
        t0 = time.perf_counter()
        negotiate()
        times.append((time.perf_counter() - t0) * 1000.0)

    for _ in range(args.warmup):
        sign_verify_floor(payloads)
    floor = [sign_verify_floor(payloads) for _ in range(max(args.iterations, 50))]

    print(json.dumps({
        "median_ms": round(statistics.median(times), 4),
        "mean_ms": round(statistics.fmean(times), 4),
        "min_ms": round(min(times), 4),
        "iterations": args.iterations,
        "messages": MESSAGES,
        "sign_verify_floor_ms": round(statistics.median(floor), 4),
        "avg_payload_bytes": round(sum(map(len, payloads)) / len(payloads)),
        "python": platform.python_version(),
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
