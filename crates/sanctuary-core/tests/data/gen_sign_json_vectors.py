# Run from the repository root with a Python that has `cryptography` installed:
#   python crates/sanctuary-core/tests/data/gen_sign_json_vectors.py
# Generates crates/sanctuary-core/tests/data/sign_json_vectors.json with an independent
# Ed25519 implementation (pyca/cryptography, OpenSSL). Canonical texts are written by hand.
import json, base64, hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def b64u(b): return base64.urlsafe_b64encode(b).decode().rstrip('=')
def key(seed_hex):
    sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sk, pk

cases = [
 ("0"*62+"01", "shr-report", '{ "level": "full", "layers": ["l1","l2"], "n": 1.0 }', '{"layers":["l1","l2"],"level":"full","n":1}'),
 ("0"*62+"02", "approval-receipt", '{"digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","granted":true,"amount":{"value":100,"currency":"USD"}}', '{"amount":{"currency":"USD","value":100},"digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","granted":true}'),
 ("42"*32, "audit-checkpoint", '{"seq": 1e3, "head": "abc", "note": "caf\\u00e9 \\u2028 \\ud83d\\ude00", "ratio": 0.50}', '{"head":"abc","note":"caf\u00e9 \u2028 \U0001F600","ratio":0.5,"seq":1000}'),
 ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "store-root", '{"epoch":7,"root":"sha256:0000000000000000000000000000000000000000000000000000000000000000","tiny":1e-7,"big":1e21}', '{"big":1e+21,"epoch":7,"root":"sha256:0000000000000000000000000000000000000000000000000000000000000000","tiny":1e-7}'),
 ("07"*32, "x-acme-invoice", '[]', '[]'),
]
out = []
for seed, purpose, text, canonical in cases:
    sk, pk = key(seed)
    pre = b"sanctuary/" + purpose.encode() + b"/v1\n" + canonical.encode()
    sig = sk.sign(pre)
    out.append({"seed": seed, "public_key": b64u(pk), "purpose": purpose, "body": text,
                "canonical_body": canonical, "preimage_hex": pre.hex(), "signature": b64u(sig)})

# A rotation event, seed 1 -> seed 2.
sk1, pk1 = key("0"*62+"01"); _, pk2 = key("0"*62+"02")
ident = hashlib.sha256(pk1).hexdigest()[:32]
body = {"identity_id": ident, "new_key": b64u(pk2), "old_key": b64u(pk1), "reason": "scheduled", "rotated_at": "2027-01-15T08:00:00Z"}
canon = json.dumps(body, sort_keys=True, separators=(',', ':'))  # ASCII-only: equals JCS here
pre = b"sanctuary/key-rotation/v1\n" + canon.encode()
event = dict(body, signature=b64u(sk1.sign(pre)))
doc = {"description": "Sanctuary domain-separated JSON signatures: preimage = 'sanctuary/' + purpose + '/v1\\n' + JCS(body); Ed25519 (RFC 8032) over the preimage. Generated with an independent Ed25519 implementation (pyca/cryptography on OpenSSL); canonical bodies written by hand. Keys and signatures are unpadded base64url.",
       "signatures": out,
       "rotation": {"origin_seed": "0"*62+"01", "current_seed": "0"*62+"02", "preimage_hex": pre.hex(), "event": event}}
json.dump(doc, open('crates/sanctuary-core/tests/data/sign_json_vectors.json', 'w'), indent=1, ensure_ascii=True)
print(len(out), "vectors")
