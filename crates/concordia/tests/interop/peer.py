"""Line-delimited JSON interop peer backed by the ``concordia-protocol`` package.

The Rust integration tests spawn ``python peer.py`` and drive it over stdio.
Every request is one JSON object on one line of stdin; every request gets
exactly one JSON object on one line of stdout (flushed immediately). Nothing
else is ever written to stdout; diagnostics go to stderr.

Responses are either ``{"ok": true, ...}`` or
``{"ok": false, "error": "<ExceptionClass>: <message>"}``.

All protocol work is delegated to the package itself (Session, build_envelope,
compute_hash, KeyPair, sign_message, public_key_from_b64url,
generate_attestation, verify_attestation, countersign_attestation,
verify_attestation_countersignature). This file only does the plumbing.

Requests
--------
``{"op": "init", "seed_hex": "<64 hex>", "agent_id": "..."}``
    Sets this peer's identity (Ed25519 key from the 32-byte seed).
    -> ``{"ok": true, "agent_id": ..., "public_key_b64": "<padded urlsafe b64>"}``

``{"op": "new_session", "session_id": "...", "max_rounds": N?,
   "parties": [{"agent_id": ..., "role": "initiator"|"responder"|"mediator"|"witness",
                "public_key_b64": ...}, ...]}``
    Creates a Session replica (TimingConfig(max_rounds=N) when given, else the
    package default of 20) and calls add_party for every entry. The list must
    include this peer itself with its own public key.
    -> ``{"ok": true, "session_id": ..., "state": "proposed", "round_count": 0,
          "prev_hash": GENESIS_HASH}``

``{"op": "send", "session_id": ..., "type": "negotiate.offer", "body": {...},
   "reasoning"?: str, "message_id"?: str, "timestamp"?: str,
   "in_reply_to"?: str, "ttl"?: int, "recipients"?: [agent_id, ...],
   "apply"?: true}``
    build_envelope signed with this peer's key, prev_hash = replica tip.
    A given ``timestamp`` replaces the generated one and the message is signed
    again with signing.sign_message (build_envelope has no timestamp argument).
    Unless ``"apply": false`` the message is then applied to this peer's own
    replica; if that is refused the error is returned and nothing is emitted.
    -> ``{"ok": true, "message": {...}, "hash": compute_hash(message),
          "state": ..., "round_count": N, "prev_hash": <new tip>}``

``{"op": "receive", "session_id": ..., "message": {...}}``
    Session.apply_message with a resolver over the parties registered by
    new_session (unknown agent -> None -> InvalidSignatureError).
    -> ``{"ok": true, "state": ..., "round_count": N, "prev_hash": <new tip>}``
    Refusals come back as e.g. ``InvalidSignatureError: ...``,
    ``ChainIntegrityError: ...``, ``SessionBindingError: ...``,
    ``MaxRoundsExceededError: ...``, ``InvalidTransitionError: ...``.

``{"op": "state", "session_id": ..., "include_transcript"?: false}``
    -> ``{"ok": true, "state", "round_count", "prev_hash", "transcript_length",
          "is_terminal", "terms", "behaviors": {agent_id: BehaviorRecord.to_dict()},
          "transcript"?: [...]}``

``{"op": "attest", "session_id": ..., "category"?: str, "value_range"?: str,
   "resolution_mechanism"?: "direct"|...}``
    generate_attestation(session, {own_agent_id: own_key_pair}). The package
    does NOT need every party's key: a party missing from key_pairs gets
    ``"signature": ""`` in ``parties[]`` and no ``countersignatures`` entry.
    Such an attestation therefore fails verify_attestation ("missing
    signature") until the other party completes it with ``countersign``.
    -> ``{"ok": true, "attestation": {...}}``

``{"op": "verify_attestation", "attestation": {...},
   "public_keys": {agent_id: b64, ...}, "session_id"?: str, "transcript"?: [...]}``
    verify_attestation(attestation, keys, transcript). The transcript used for
    the set-binding check is the given list, or this peer's replica transcript
    when ``session_id`` is given, or none.
    -> ``{"ok": true, "valid", "errors", "warnings", "schema_errors",
          "signature_errors", "set_binding_errors", "verified_parties",
          "set_binding_state"}``

``{"op": "countersign", "attestation": {...}}``
    countersign_attestation(attestation, own_key). Also signs this peer's own
    ``parties[]`` record with sign_message (the per-party signature the package
    would have produced had it held our key) and returns a completed copy:
    our empty party signature filled in and ``countersignatures[own_id]`` set.
    Neither addition changes the countersigned payload (it strips every
    ``signature`` key and the ``countersignatures`` map).
    -> ``{"ok": true, "agent_id", "countersignature", "party_signature"
          (null if we are not a party), "attestation": <completed copy>}``

``{"op": "verify_countersignature", "attestation": {...},
   "countersignature": "...", "public_key_b64": "..."}``
    -> ``{"ok": true, "valid": bool}``

``{"op": "tamper", "message": {...}, "how": "signature"|"prev_hash"|"session_id",
   "session_id"?: str}``
    Returns a modified copy; never touches a replica.
    signature:  one base64 character of the signature changed (still valid
                base64, decodes to different bytes); content untouched.
    prev_hash:  prev_hash replaced by another well-formed ``sha256:<hex>``
                value, then re-signed with this peer's key.
    session_id: session_id replaced (given ``session_id`` or ``<id>-other``),
                then re-signed with this peer's key.
    Re-signing only yields a valid signature for messages this peer authored,
    so for those only the chain / session binding is wrong.
    -> ``{"ok": true, "message": {...}, "resigned": bool}``

``{"op": "quit"}`` -> ``{"ok": true}`` then exit 0. EOF on stdin also exits 0.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import sys
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from concordia.attestation import (
    countersign_attestation,
    generate_attestation,
    verify_attestation,
    verify_attestation_countersignature,
)
from concordia.message import GENESIS_HASH, build_envelope, compute_hash
from concordia.session import Session
from concordia.signing import KeyPair, public_key_from_b64url, sign_message
from concordia.types import (
    AgentIdentity,
    MessageType,
    PartyRole,
    ResolutionMechanism,
    TimingConfig,
)

def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class PeerError(Exception):
    """A malformed request (as opposed to a refusal by the package)."""


class _Replica:
    """One Session replica plus the public keys used by its resolver."""

    def __init__(self, session: Session, keys: dict[str, Ed25519PublicKey]):
        self.session = session
        self.keys = keys

    def resolve(self, agent_id: str) -> Ed25519PublicKey | None:
        return self.keys.get(agent_id)

    def summary(self) -> dict[str, Any]:
        return {
            "state": self.session.state.value,
            "round_count": self.session.round_count,
            "prev_hash": self.session.prev_hash,
        }


class Peer:
    def __init__(self) -> None:
        self.agent_id: str | None = None
        self.key_pair: KeyPair | None = None
        self.replicas: dict[str, _Replica] = {}

    # -- helpers -----------------------------------------------------------

    @staticmethod
    def _field(req: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
        if name not in req:
            raise PeerError(f"missing field '{name}'")
        value = req[name]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            raise PeerError(f"field '{name}' has the wrong type")
        return value

    def _identity(self) -> tuple[str, KeyPair]:
        if self.agent_id is None or self.key_pair is None:
            raise PeerError("peer not initialised; send 'init' first")
        return self.agent_id, self.key_pair

    def _replica(self, req: dict[str, Any]) -> _Replica:
        sid = self._field(req, "session_id", str)
        if sid not in self.replicas:
            raise PeerError(f"unknown session '{sid}'")
        return self.replicas[sid]

    # -- ops ---------------------------------------------------------------

    def op_init(self, req: dict[str, Any]) -> dict[str, Any]:
        seed = bytes.fromhex(self._field(req, "seed_hex", str))
        if len(seed) != 32:
            raise PeerError("seed_hex must encode exactly 32 bytes")
        agent_id = self._field(req, "agent_id", str)
        private = Ed25519PrivateKey.from_private_bytes(seed)
        self.key_pair = KeyPair(private_key=private, public_key=private.public_key())
        self.agent_id = agent_id
        return {"agent_id": agent_id, "public_key_b64": self.key_pair.public_key_b64()}

    def op_new_session(self, req: dict[str, Any]) -> dict[str, Any]:
        own_id, own_kp = self._identity()
        sid = self._field(req, "session_id", str)
        if sid in self.replicas:
            raise PeerError(f"session '{sid}' already exists")
        parties = self._field(req, "parties", list)
        timing = TimingConfig()
        if "max_rounds" in req and req["max_rounds"] is not None:
            timing = TimingConfig(max_rounds=self._field(req, "max_rounds", int))

        keys: dict[str, Ed25519PublicKey] = {}
        roles: list[tuple[str, PartyRole]] = []
        for party in parties:
            if not isinstance(party, dict):
                raise PeerError("each party must be an object")
            agent_id = self._field(party, "agent_id", str)
            role = PartyRole(self._field(party, "role", str))
            key = public_key_from_b64url(self._field(party, "public_key_b64", str))
            keys[agent_id] = key
            roles.append((agent_id, role))
        if own_id not in keys:
            raise PeerError("parties must include this peer's own agent_id")
        if _raw(keys[own_id]) != own_kp.public_key_bytes():
            raise PeerError("public key listed for this peer does not match its seed")

        session = Session(session_id=sid, timing=timing)
        for agent_id, role in roles:
            session.add_party(agent_id, role, keys[agent_id])
        replica = _Replica(session, keys)
        self.replicas[sid] = replica
        return {"session_id": sid, **replica.summary()}

    def op_send(self, req: dict[str, Any]) -> dict[str, Any]:
        own_id, own_kp = self._identity()
        replica = self._replica(req)
        session = replica.session
        msg_type = MessageType(self._field(req, "type", str))
        body = self._field(req, "body", dict)
        recipients = None
        if req.get("recipients"):
            recipients = [AgentIdentity(a) for a in self._field(req, "recipients", list)]

        message = build_envelope(
            message_type=msg_type,
            session_id=session.session_id,
            sender=AgentIdentity(own_id),
            body=body,
            key_pair=own_kp,
            prev_hash=session.prev_hash,
            recipients=recipients,
            in_reply_to=req.get("in_reply_to"),
            reasoning=req.get("reasoning"),
            ttl=req.get("ttl"),
            message_id=req.get("message_id"),
        )
        if req.get("timestamp") is not None:
            message["timestamp"] = self._field(req, "timestamp", str)
            message["signature"] = sign_message(message, own_kp)

        if req.get("apply", True):
            session.apply_message(message, replica.resolve)
        return {"message": message, "hash": compute_hash(message), **replica.summary()}

    def op_receive(self, req: dict[str, Any]) -> dict[str, Any]:
        replica = self._replica(req)
        message = self._field(req, "message", dict)
        replica.session.apply_message(message, replica.resolve)
        return replica.summary()

    def op_state(self, req: dict[str, Any]) -> dict[str, Any]:
        replica = self._replica(req)
        session = replica.session
        out = {
            **replica.summary(),
            "transcript_length": len(session.transcript),
            "is_terminal": session.is_terminal,
            "terms": session.terms,
            "behaviors": {
                agent_id: session.get_behavior(agent_id).to_dict()
                for agent_id in session.parties
            },
        }
        if req.get("include_transcript"):
            out["transcript"] = session.transcript
        return out

    def op_attest(self, req: dict[str, Any]) -> dict[str, Any]:
        own_id, own_kp = self._identity()
        replica = self._replica(req)
        mechanism = ResolutionMechanism(req.get("resolution_mechanism") or "direct")
        attestation = generate_attestation(
            replica.session,
            {own_id: own_kp},
            category=req.get("category"),
            value_range=req.get("value_range"),
            resolution_mechanism=mechanism,
        )
        return {"attestation": attestation}

    def op_verify_attestation(self, req: dict[str, Any]) -> dict[str, Any]:
        attestation = self._field(req, "attestation", dict)
        raw_keys = self._field(req, "public_keys", dict)
        keys = {aid: public_key_from_b64url(b64) for aid, b64 in raw_keys.items()}
        transcript = None
        if req.get("transcript") is not None:
            transcript = self._field(req, "transcript", list)
        elif req.get("session_id") is not None:
            transcript = self._replica(req).session.transcript
        result = verify_attestation(attestation, keys, transcript)
        return dataclasses.asdict(result)

    def op_countersign(self, req: dict[str, Any]) -> dict[str, Any]:
        own_id, own_kp = self._identity()
        attestation = self._field(req, "attestation", dict)
        countersignature = countersign_attestation(attestation, own_kp)

        completed = copy.deepcopy(attestation)
        party_signature = None
        for party in completed.get("parties") or []:
            if isinstance(party, dict) and party.get("agent_id") == own_id:
                party_signature = sign_message(party, own_kp)
                if not party.get("signature"):
                    party["signature"] = party_signature
        completed.setdefault("countersignatures", {})[own_id] = countersignature
        return {
            "agent_id": own_id,
            "countersignature": countersignature,
            "party_signature": party_signature,
            "attestation": completed,
        }

    def op_verify_countersignature(self, req: dict[str, Any]) -> dict[str, Any]:
        attestation = self._field(req, "attestation", dict)
        sig = self._field(req, "countersignature", str)
        key = public_key_from_b64url(self._field(req, "public_key_b64", str))
        return {"valid": verify_attestation_countersignature(attestation, sig, key)}

    def op_tamper(self, req: dict[str, Any]) -> dict[str, Any]:
        message = copy.deepcopy(self._field(req, "message", dict))
        how = self._field(req, "how", str)
        resigned = False
        if how == "signature":
            message["signature"] = _flip_b64_char(self._field(message, "signature", str))
        elif how == "prev_hash":
            _, own_kp = self._identity()
            old = message.get("prev_hash") or GENESIS_HASH
            message["prev_hash"] = "sha256:" + hashlib.sha256(
                ("tampered:" + old).encode()
            ).hexdigest()
            message["signature"] = sign_message(message, own_kp)
            resigned = True
        elif how == "session_id":
            _, own_kp = self._identity()
            new_sid = req.get("session_id") or f"{message.get('session_id')}-other"
            if new_sid == message.get("session_id"):
                raise PeerError("replacement session_id equals the original")
            message["session_id"] = new_sid
            message["signature"] = sign_message(message, own_kp)
            resigned = True
        else:
            raise PeerError(f"unknown tamper kind '{how}'")
        return {"message": message, "resigned": resigned}


def _flip_b64_char(sig: str) -> str:
    """Change the first base64 character so the decoded bytes differ.

    The first character carries the top six bits of byte 0, so any change
    there alters the signature (unlike the last data character of a padded
    64-byte signature, whose low bits are discarded on decode).
    """
    if not sig:
        raise PeerError("message has an empty signature")
    first = sig[0]
    alphabet = _B64_ALPHABET if first in _B64_ALPHABET else (
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    )
    replacement = alphabet[(alphabet.index(first) + 1) % 64] if first in alphabet else "A"
    flipped = replacement + sig[1:]
    if base64.urlsafe_b64decode(flipped) == base64.urlsafe_b64decode(sig):
        raise PeerError("failed to alter signature bytes")
    return flipped


def _respond(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    peer = Peer()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise PeerError("request must be a JSON object")
            op = req.get("op")
            if op == "quit":
                _respond({"ok": True})
                return 0
            handler = getattr(peer, f"op_{op}", None) if isinstance(op, str) else None
            if handler is None:
                raise PeerError(f"unknown op {op!r}")
            result = handler(req)
            _respond({"ok": True, **result})
        except Exception as exc:  # every failure becomes a response line
            print(f"peer: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            _respond({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
