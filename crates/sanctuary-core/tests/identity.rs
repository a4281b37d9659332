//! Identities: did:key and RFC 8032 known answers, strict verification, rotation chains.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use curve25519_dalek::scalar::Scalar;
use sanctuary_core::encoding::{base58btc_decode, hex_decode};
use sanctuary_core::identity::{
    DidKeyError, Identity, IdentityId, KeyError, PublicKey, SecretSeed, Signature, Signer,
};
use sanctuary_core::rotation::{
    MAX_ROTATION_CHAIN, RotationError, RotationEvent, verify_rotation_chain,
};
use sanctuary_core::time::Timestamp;
use serde_json::Value;
use sha2::{Digest as _, Sha512};

fn hex32(s: &str) -> [u8; 32] {
    hex_decode(s).unwrap().try_into().unwrap()
}

fn seed(n: u8) -> SecretSeed {
    let mut bytes = [0u8; 32];
    bytes[31] = n;
    SecretSeed::from_bytes(bytes)
}

fn vectors() -> Value {
    let path = format!(
        "{}/tests/data/did_key_vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn w3c_did_key_vectors() {
    let data = vectors();
    let w3c = data["w3c"].as_array().unwrap();
    assert_eq!(w3c.len(), 5);
    for v in w3c {
        let identity =
            Identity::from_seed(&SecretSeed::from_bytes(hex32(v["seed"].as_str().unwrap())));
        let did = v["did"].as_str().unwrap();
        let public = identity.public();
        assert_eq!(public.to_did_key(), did);
        assert_eq!(
            public.to_bytes(),
            hex32(v["public_key_hex"].as_str().unwrap())
        );
        assert_eq!(
            public.to_bytes().to_vec(),
            base58btc_decode(v["public_key_base58"].as_str().unwrap()).unwrap()
        );
        assert_eq!(
            identity.id().to_string(),
            v["identity_id"].as_str().unwrap()
        );
        assert_eq!(PublicKey::from_did_key(did).unwrap(), *public);
    }
    for v in data["other"].as_array().unwrap() {
        let did = v["did"].as_str().unwrap();
        let key = PublicKey::from_did_key(did).unwrap();
        assert_eq!(key.to_did_key(), did);
        if let Some(b58) = v["public_key_base58"].as_str() {
            assert_eq!(key.to_bytes().to_vec(), base58btc_decode(b58).unwrap());
        }
    }
    for v in data["invalid"].as_array().unwrap() {
        let did = v["did"].as_str().unwrap();
        assert!(
            PublicKey::from_did_key(did).is_err(),
            "{did} accepted ({})",
            v["why"]
        );
    }
}

#[test]
fn did_key_error_kinds() {
    assert_eq!(
        PublicKey::from_did_key("did:key:zTjsVPtY"),
        Err(DidKeyError::NotEd25519)
    );
    assert_eq!(
        PublicKey::from_did_key("did:web:x"),
        Err(DidKeyError::Prefix)
    );
    assert_eq!(
        PublicKey::from_did_key("did:key:z0"),
        Err(DidKeyError::Base58)
    );
    assert_eq!(
        PublicKey::from_did_key(&format!("did:key:z{}", "1".repeat(200))),
        Err(DidKeyError::TooLong)
    );
    // A well-formed did:key around a small-order point (the identity, y = 1).
    let mut raw = vec![0xed, 0x01, 1];
    raw.extend_from_slice(&[0u8; 31]);
    let did = format!(
        "did:key:z{}",
        sanctuary_core::encoding::base58btc_encode(&raw)
    );
    assert_eq!(
        PublicKey::from_did_key(&did),
        Err(DidKeyError::Key(KeyError::Weak))
    );
}

// RFC 8032 section 7.1, tests 1 to 3.
#[test]
fn rfc8032_known_answers() {
    for (secret, public, message, signature) in [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ] {
        let id = Identity::from_seed(&SecretSeed::from_bytes(hex32(secret)));
        assert_eq!(id.public().to_bytes(), hex32(public));
        let message = hex_decode(message).unwrap();
        let sig = id.sign(&message).unwrap();
        assert_eq!(sig.to_bytes().to_vec(), hex_decode(signature).unwrap());
        assert!(id.public().verify(&message, &sig).is_ok());
        let mut other = message.clone();
        other.push(0);
        assert!(id.public().verify(&other, &sig).is_err());
    }
}

/// ℓ, the order of the prime-order subgroup, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    out
}

#[test]
fn non_canonical_s_is_rejected() {
    let id = Identity::from_seed(&seed(7));
    let sig = id.sign_bytes(b"m").to_bytes();
    let s: [u8; 32] = sig[32..].try_into().unwrap();
    let mut malleated = sig;
    malleated[32..].copy_from_slice(&add_le(&s, &ELL));
    assert!(
        id.public()
            .verify(b"m", &Signature::from_bytes(sig))
            .is_ok()
    );
    assert!(
        id.public()
            .verify(b"m", &Signature::from_bytes(malleated))
            .is_err()
    );
}

/// The secret scalar `a` of an RFC 8032 seed: the clamped first half of SHA-512(seed).
fn secret_scalar(seed_bytes: [u8; 32]) -> Scalar {
    let h = Sha512::digest(seed_bytes);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    Scalar::from_bytes_mod_order(a)
}

#[test]
fn small_order_r_is_rejected_though_cofactorless_equation_holds() {
    // Build (R = identity, S = k·a): [S]B = [k]A = R + [k]A, which a lax verifier accepts.
    let seed_bytes = [42u8; 32];
    let id = Identity::from_seed(&SecretSeed::from_bytes(seed_bytes));
    let a = secret_scalar(seed_bytes);
    let mut r = [0u8; 32];
    r[0] = 1; // the identity point
    let message = b"weak R";
    let k = Scalar::from_hash(
        Sha512::new()
            .chain_update(r)
            .chain_update(id.public().as_bytes())
            .chain_update(message),
    );
    let s = k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r);
    sig[32..].copy_from_slice(s.as_bytes());
    let dalek_sig = ed25519_dalek::Signature::from_bytes(&sig);
    assert!(
        id.public()
            .as_dalek()
            .verify_strict(message, &dalek_sig)
            .is_err()
            && ed25519_dalek::Verifier::verify(id.public().as_dalek(), message, &dalek_sig).is_ok(),
        "the lax verifier must accept this signature for the test to mean anything"
    );
    assert!(
        id.public()
            .verify(message, &Signature::from_bytes(sig))
            .is_err()
    );
}

#[test]
fn weak_and_non_canonical_public_keys_are_rejected() {
    // Small order: identity (y = 1) and the order-2 point (y = p − 1).
    let mut identity_point = [0u8; 32];
    identity_point[0] = 1;
    assert_eq!(PublicKey::from_bytes(&identity_point), Err(KeyError::Weak));
    let mut order_two = [0xffu8; 32];
    order_two[0] = 0xec;
    order_two[31] = 0x7f;
    assert_eq!(PublicKey::from_bytes(&order_two), Err(KeyError::Weak));
    // "Negative zero": y = 1 with the sign bit set.
    let mut neg_zero = identity_point;
    neg_zero[31] |= 0x80;
    assert_eq!(PublicKey::from_bytes(&neg_zero), Err(KeyError::Malformed));
    // y + p for small y: non-canonical encodings. Some decompress in dalek; all must be refused.
    let mut dalek_accepted = 0;
    for y in 0u8..19 {
        let mut enc = [0xffu8; 32];
        enc[0] = 0xed + y;
        enc[31] = 0x7f;
        if ed25519_dalek::VerifyingKey::from_bytes(&enc).is_ok() {
            dalek_accepted += 1;
        }
        assert_eq!(
            PublicKey::from_bytes(&enc),
            Err(KeyError::Malformed),
            "y = p + {y}"
        );
    }
    assert!(
        dalek_accepted > 0,
        "no non-canonical encoding decompressed; the test is vacuous"
    );
    // Not on the curve at all (y = 2 has no x).
    let mut off_curve = [0u8; 32];
    off_curve[0] = 2;
    assert!(PublicKey::from_bytes(&off_curve).is_err());
}

#[test]
fn encodings_and_debug() {
    let id = Identity::from_seed(&seed(1));
    let public = *id.public();
    assert_eq!(
        PublicKey::from_base64url(&public.to_base64url()).unwrap(),
        public
    );
    let json = serde_json::to_string(&public).unwrap();
    assert_eq!(serde_json::from_str::<PublicKey>(&json).unwrap(), public);
    let sig = id.sign_bytes(b"x");
    for padding in [
        sanctuary_core::encoding::Padding::Padded,
        sanctuary_core::encoding::Padding::Unpadded,
    ] {
        assert_eq!(
            Signature::from_base64url(&sig.to_base64url(padding)).unwrap(),
            sig
        );
    }
    assert!(Signature::from_base64url("AAAA").is_err());
    let id_text = id.id().to_string();
    assert_eq!(id_text.len(), 32);
    assert_eq!(id_text.parse::<IdentityId>().unwrap(), id.id());
    assert!(id_text.to_uppercase().parse::<IdentityId>().is_err());
    assert!(id_text[..31].parse::<IdentityId>().is_err());
    // No secret in Debug.
    let secret_hex = sanctuary_core::encoding::hex_encode(id.export_seed().expose_secret());
    let debug = format!("{id:?} {:?}", id.export_seed());
    assert!(!debug.contains(&secret_hex[..16]), "{debug}");
    assert!(debug.contains("[redacted]") && debug.contains(&id_text));
    // The seed round-trips.
    assert_eq!(Identity::from_seed(&id.export_seed()).public(), id.public());
}

// ---- rotation ---------------------------------------------------------------------------

fn at(secs: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_800_000_000 + secs).unwrap()
}

/// A chain of `n` rotations through identities seeded 1, 2, …, n + 1.
fn chain(n: usize) -> (Vec<Identity>, Vec<RotationEvent>) {
    let ids: Vec<Identity> = (0..=n)
        .map(|i| Identity::from_seed(&seed(i as u8 + 1)))
        .collect();
    let origin = ids[0].id();
    let events = ids
        .windows(2)
        .enumerate()
        .map(|(i, pair)| {
            RotationEvent::sign(
                &pair[0],
                origin,
                pair[1].public_key(),
                at(i as i64),
                "scheduled",
            )
            .unwrap()
        })
        .collect();
    (ids, events)
}

#[test]
fn rotation_chain_accepts_a_good_chain() {
    let (ids, events) = chain(3);
    let origin = ids[0].id();
    assert_eq!(
        verify_rotation_chain(&origin, &events, ids[3].public()),
        Ok(())
    );
    // Prefixes prove the intermediate keys.
    assert_eq!(
        verify_rotation_chain(&origin, &events[..1], ids[1].public()),
        Ok(())
    );
    assert_eq!(verify_rotation_chain(&origin, &[], ids[0].public()), Ok(()));
    // The JSON form round-trips and still verifies.
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<RotationEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(
        verify_rotation_chain(&origin, &back, ids[3].public()),
        Ok(())
    );
}

#[test]
fn rotation_chain_rejections() {
    let (ids, events) = chain(3);
    let origin = ids[0].id();
    let current = ids[3].public();

    // Broken link: drop the middle event.
    let broken = vec![events[0].clone(), events[2].clone()];
    assert_eq!(
        verify_rotation_chain(&origin, &broken, current),
        Err(RotationError::BrokenLink { index: 1 })
    );
    // Reordered events.
    let reordered = vec![events[1].clone(), events[0].clone(), events[2].clone()];
    assert_eq!(
        verify_rotation_chain(&origin, &reordered, current),
        Err(RotationError::WrongOrigin)
    );
    let mut swapped = events.clone();
    swapped.swap(1, 2);
    assert_eq!(
        verify_rotation_chain(&origin, &swapped, current),
        Err(RotationError::BrokenLink { index: 1 })
    );
    // Forged signature: a changed reason, and a signature by the wrong key.
    let mut forged = events.clone();
    forged[1].reason = "compromised".into();
    assert_eq!(
        verify_rotation_chain(&origin, &forged, current),
        Err(RotationError::BadSignature { index: 1 })
    );
    let mut wrong_signer = events.clone();
    wrong_signer[2] =
        RotationEvent::sign(&ids[0], origin, ids[3].public_key(), at(2), "scheduled").unwrap();
    wrong_signer[2].old_key = ids[2].public_key();
    assert_eq!(
        verify_rotation_chain(&origin, &wrong_signer, current),
        Err(RotationError::BadSignature { index: 2 })
    );
    let mut flipped = events.clone();
    let mut bytes = flipped[0].signature.to_bytes();
    bytes[5] ^= 1;
    flipped[0].signature = Signature::from_bytes(bytes);
    assert_eq!(
        verify_rotation_chain(&origin, &flipped, current),
        Err(RotationError::BadSignature { index: 0 })
    );
    // Chain that ends at another key.
    assert_eq!(
        verify_rotation_chain(&origin, &events, ids[2].public()),
        Err(RotationError::WrongCurrentKey)
    );
    let stranger = Identity::from_seed(&seed(200));
    assert_eq!(
        verify_rotation_chain(&origin, &[], stranger.public()),
        Err(RotationError::WrongOrigin)
    );
    // Another origin.
    assert_eq!(
        verify_rotation_chain(&stranger.id(), &events, current),
        Err(RotationError::WrongOrigin)
    );
    // An event naming another identity.
    let mut other_identity = events.clone();
    other_identity[1] =
        RotationEvent::sign(&ids[1], stranger.id(), ids[2].public_key(), at(1), "x").unwrap();
    assert_eq!(
        verify_rotation_chain(&origin, &other_identity, current),
        Err(RotationError::WrongIdentity { index: 1 })
    );
    // Time going backwards.
    let mut backwards = events.clone();
    backwards[2] = RotationEvent::sign(&ids[2], origin, ids[3].public_key(), at(-5), "x").unwrap();
    assert_eq!(
        verify_rotation_chain(&origin, &backwards, current),
        Err(RotationError::OutOfOrder { index: 2 })
    );
    // A cycle back to an earlier key.
    let mut cycle = events[..2].to_vec();
    cycle.push(RotationEvent::sign(&ids[2], origin, ids[0].public_key(), at(3), "x").unwrap());
    assert_eq!(
        verify_rotation_chain(&origin, &cycle, ids[0].public()),
        Err(RotationError::KeyReused { index: 2 })
    );
    // Over-long reason.
    let long = RotationEvent::sign(
        &ids[0],
        origin,
        ids[1].public_key(),
        at(0),
        &"r".repeat(257),
    )
    .unwrap();
    assert!(matches!(
        verify_rotation_chain(&origin, &[long], ids[1].public()),
        Err(RotationError::ReasonTooLong { .. })
    ));
}

#[test]
fn rotation_chain_length_limit() {
    let (ids, events) = chain(MAX_ROTATION_CHAIN + 1);
    let origin = ids[0].id();
    assert_eq!(
        verify_rotation_chain(
            &origin,
            &events[..MAX_ROTATION_CHAIN],
            ids[MAX_ROTATION_CHAIN].public()
        ),
        Ok(())
    );
    assert_eq!(
        verify_rotation_chain(&origin, &events, ids[MAX_ROTATION_CHAIN + 1].public()),
        Err(RotationError::TooLong { len: 65, max: 64 })
    );
}

#[test]
fn rotation_event_json_rejects_unknown_fields() {
    let (_, events) = chain(1);
    let mut v = serde_json::to_value(&events[0]).unwrap();
    v["extra"] = Value::from(1);
    assert!(serde_json::from_value::<RotationEvent>(v).is_err());
}

/// How a property-test case alters a good signature before verifying it.
#[derive(Debug, Clone)]
enum Alteration {
    None,
    FlipSignatureBit(usize),
    FlipMessageBit(usize),
    AddOrderToS,
    /// `R` replaced by the canonical encoding of one of the eight small-order points.
    SmallOrderR(usize),
    /// `R` replaced by `y + p` for a small `y` (non-canonical; some decode in dalek).
    NonCanonicalR(u8),
    /// `R` with the sign bit flipped.
    NegatedR,
}

fn alteration() -> impl proptest::strategy::Strategy<Value = Alteration> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Alteration::None),
        (0usize..512).prop_map(Alteration::FlipSignatureBit),
        (0usize..64).prop_map(Alteration::FlipMessageBit),
        Just(Alteration::AddOrderToS),
        (0usize..8).prop_map(Alteration::SmallOrderR),
        (0u8..19).prop_map(Alteration::NonCanonicalR),
        Just(Alteration::NegatedR),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..proptest::prelude::ProptestConfig::default() })]

    /// Differential check of the verifier against an independent composition: ed25519-dalek's
    /// `verify_strict` plus "R re-encodes to the same bytes" (canonical R).
    #[test]
    fn verify_agrees_with_dalek_verify_strict_and_canonical_r(
        seed_bytes in proptest::prelude::any::<[u8; 32]>(),
        mut message in proptest::collection::vec(proptest::prelude::any::<u8>(), 8..64),
        change in alteration(),
    ) {
        let id = Identity::from_seed(&SecretSeed::from_bytes(seed_bytes));
        let mut sig = id.sign_bytes(&message).to_bytes();
        match change {
            Alteration::None => {}
            Alteration::FlipSignatureBit(bit) => sig[bit / 8] ^= 1 << (bit % 8),
            Alteration::FlipMessageBit(bit) => {
                let at = (bit / 8) % message.len();
                message[at] ^= 1 << (bit % 8);
            }
            Alteration::AddOrderToS => {
                let s: [u8; 32] = sig[32..].try_into().unwrap();
                sig[32..].copy_from_slice(&add_le(&s, &ELL));
            }
            Alteration::SmallOrderR(i) => {
                let point = curve25519_dalek::constants::EIGHT_TORSION[i];
                sig[..32].copy_from_slice(point.compress().as_bytes());
            }
            Alteration::NonCanonicalR(y) => {
                let mut enc = [0xffu8; 32];
                enc[0] = 0xed + y;
                enc[31] = 0x7f;
                sig[..32].copy_from_slice(&enc);
            }
            Alteration::NegatedR => sig[31] ^= 0x80,
        }
        let r: [u8; 32] = sig[..32].try_into().unwrap();
        let canonical_r = curve25519_dalek::edwards::CompressedEdwardsY(r)
            .decompress()
            .is_some_and(|point| point.compress().to_bytes() == r);
        let oracle = canonical_r
            && id
                .public()
                .as_dalek()
                .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_ok();
        let ours = id.public().verify(&message, &Signature::from_bytes(sig)).is_ok();
        proptest::prop_assert_eq!(ours, oracle);
        proptest::prop_assert_eq!(ours, matches!(change, Alteration::None));
    }
}

#[test]
fn mixed_order_r_passing_only_the_cofactored_equation_is_rejected() {
    // R = [r]B + T with T of order 8, S = r + k·a: then [8]([S]B − [k]A) = [8]R holds (a
    // cofactored verifier accepts) while [S]B − [k]A = R − T ≠ R (the cofactorless equation, ours,
    // refuses). Case 4 of the "Taming the many EdDSAs" condition table.
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    let seed_bytes = [9u8; 32];
    let id = Identity::from_seed(&SecretSeed::from_bytes(seed_bytes));
    let a = secret_scalar(seed_bytes);
    let message = b"mixed R";
    let r = Scalar::from_hash(Sha512::new().chain_update(b"nonce for the test"));
    for torsion in EIGHT_TORSION.iter().skip(1) {
        let big_r = (ED25519_BASEPOINT_POINT * r + torsion).compress();
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(big_r.as_bytes())
                .chain_update(id.public().as_bytes())
                .chain_update(message),
        );
        let s = r + k * a;
        let lhs = ED25519_BASEPOINT_POINT * s - id.public().as_dalek().to_edwards() * k;
        let decompressed = big_r.decompress().unwrap();
        assert_eq!(
            lhs.mul_by_cofactor(),
            decompressed.mul_by_cofactor(),
            "the cofactored equation must hold for the test to mean anything"
        );
        assert_ne!(lhs.compress(), big_r);
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());
        assert!(
            id.public()
                .verify(message, &Signature::from_bytes(sig))
                .is_err()
        );
    }
}
