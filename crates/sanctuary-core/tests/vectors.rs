//! Published cross-implementation vectors for Sanctuary signatures (`tests/data/sign_json_vectors.json`,
//! generated with pyca/cryptography on OpenSSL): other implementations can check against the
//! same file.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use sanctuary_core::encoding::{hex_decode, hex_encode};
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed, Signature, Signer as _};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::rotation::{RotationEvent, verify_rotation_chain};
use sanctuary_core::{jcs, sign};
use serde_json::Value;

fn data() -> Value {
    let path = format!(
        "{}/tests/data/sign_json_vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn identity(seed_hex: &str) -> Identity {
    let seed: [u8; 32] = hex_decode(seed_hex).unwrap().try_into().unwrap();
    Identity::from_seed(&SecretSeed::from_bytes(seed))
}

fn purpose(name: &str) -> Purpose {
    Purpose::ALL
        .iter()
        .copied()
        .find(|p| p.as_str() == name)
        .unwrap_or_else(|| {
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            Purpose::application(leaked).unwrap()
        })
}

#[test]
fn sign_json_matches_an_independent_implementation() {
    let data = data();
    let vectors = data["signatures"].as_array().unwrap();
    assert_eq!(vectors.len(), 5);
    for v in vectors {
        let me = identity(v["seed"].as_str().unwrap());
        assert_eq!(
            me.public().to_base64url(),
            v["public_key"].as_str().unwrap()
        );
        let purpose = purpose(v["purpose"].as_str().unwrap());
        let body = jcs::parse(v["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            jcs::to_vec(&body).unwrap(),
            v["canonical_body"].as_str().unwrap().as_bytes()
        );
        let preimage = sign::preimage(purpose, &body).unwrap();
        assert_eq!(hex_encode(&preimage), v["preimage_hex"].as_str().unwrap());
        let expected = Signature::from_base64url(v["signature"].as_str().unwrap()).unwrap();
        // Ed25519 is deterministic: we must produce the very same signature.
        assert_eq!(sign::sign_json(&me, purpose, &body).unwrap(), expected);
        let public = PublicKey::from_base64url(v["public_key"].as_str().unwrap()).unwrap();
        assert!(sign::verify_json(&public, purpose, &body, &expected).is_ok());
        assert!(sign::verify_json(&public, Purpose::ZK_STATEMENT, &body, &expected).is_err());
    }
}

#[test]
fn rotation_event_matches_an_independent_implementation() {
    let data = data();
    let r = &data["rotation"];
    let origin = identity(r["origin_seed"].as_str().unwrap());
    let current = identity(r["current_seed"].as_str().unwrap());
    let event: RotationEvent = serde_json::from_value(r["event"].clone()).unwrap();
    assert_eq!(
        verify_rotation_chain(&origin.id(), std::slice::from_ref(&event), current.public()),
        Ok(())
    );
    let ours = RotationEvent::sign(
        &origin,
        origin.id(),
        current.public_key(),
        event.rotated_at,
        &event.reason,
    )
    .unwrap();
    assert_eq!(ours, event);
    assert_eq!(
        hex_encode(
            &sign::preimage(
                Purpose::KEY_ROTATION,
                &serde_json::json!({
                    "identity_id": event.identity_id,
                    "old_key": event.old_key,
                    "new_key": event.new_key,
                    "rotated_at": event.rotated_at,
                    "reason": event.reason,
                })
            )
            .unwrap()
        ),
        r["preimage_hex"].as_str().unwrap()
    );
}
