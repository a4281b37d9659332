//! Verification attestations: issued after a handshake, checked by third parties.

use crate::common::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sanctuary_core::identity::Identity;
use sanctuary_core::purpose::Purpose;
use sanctuary_core::time::ManualClock;
use sanctuary_shr::*;
use serde_json::{Value, json};
use std::time::Duration;

/// Alice (full) handshakes with Bob (laptop) and attests what she saw.
fn attested(clock: &ManualClock) -> (VerificationAttestation, Identity, Identity) {
    let alice = identity(1);
    let bob = identity(2);
    let (ca, cb) = (ReplayCache::default(), ReplayCache::default());
    let a = HandshakeParty::new(
        &alice,
        full_posture().sign(&alice, clock).unwrap(),
        &ca,
        clock,
    )
    .unwrap();
    let b = HandshakeParty::new(
        &bob,
        laptop_posture().sign(&bob, clock).unwrap(),
        &cb,
        clock,
    )
    .unwrap();
    let (w, c) = a.initiate(&mut ChaCha20Rng::from_seed([1; 32])).unwrap();
    let (_bw, r) = b.respond(&c, &mut ChaCha20Rng::from_seed([2; 32])).unwrap();
    let (outcome, _) = w.on_response(&a, &r).unwrap();
    let att = VerificationAttestation::issue(&a, &outcome).unwrap();
    (att, alice, bob)
}

fn at(secs: i64) -> VerifyOptions {
    VerifyOptions::at(ts(T0 + secs))
}

fn resign_attestation(
    att: &VerificationAttestation,
    signer: &Identity,
    edit: impl FnOnce(&mut Value),
) -> VerificationAttestation {
    let mut body = att.to_value()["body"].clone();
    edit(&mut body);
    VerificationAttestation::from_value(envelope(signer, Purpose::SHR_ATTESTATION, &body)).unwrap()
}

#[test]
fn a_third_party_checks_an_attestation() {
    let clock = clock();
    let (att, alice, bob) = attested(&clock);
    let text = att.to_json();
    let seen = VerificationAttestation::from_json(&text).unwrap();
    let v = seen.verify(&at(600).expect_instance(alice.id())).unwrap();
    assert_eq!(v.attester, alice.id());
    assert_eq!(v.subject, bob.id());
    assert_eq!(v.level, SovereigntyLevel::Degraded);
    assert_eq!(v.tier, TrustTier::VerifiedDegraded);
    assert_eq!(v.verified_at, ts(T0));
    // It lives no longer than Bob's report.
    assert_eq!(v.expires_at, ts(T0 + 3600));
    assert_eq!(seen.body().subject_key, *bob.public());
    assert_eq!(seen.body().liveness, "shr-handshake-1.0");
    // Expired later; and a third party that trusts another attester refuses it.
    assert!(matches!(
        seen.verify(&at(3600 + 301)),
        Err(AttestationError::Time(ReportProblem::Expired { .. }))
    ));
    assert!(matches!(
        seen.verify(&at(0).expect_instance(bob.id())),
        Err(AttestationError::UnexpectedAttester { .. })
    ));
}

#[test]
fn any_change_breaks_the_signature() {
    let clock = clock();
    let (att, _, _) = attested(&clock);
    let original = att.to_value();
    let mut pointers = Vec::new();
    leaf_pointers(&original["body"], "/body", &mut pointers);
    assert!(pointers.len() > 40);
    for pointer in &pointers {
        let mut v = original.clone();
        let leaf = v.pointer_mut(pointer).unwrap();
        *leaf = mutate(leaf);
        if let Ok(changed) = VerificationAttestation::from_value(v) {
            assert!(changed.verify(&at(60)).is_err(), "{pointer}");
        }
    }
    let mut v = original.clone();
    v["body"]["note"] = json!("closed body");
    assert!(VerificationAttestation::from_value(v).is_err());
    let mut v = original;
    v["summary"] = json!("unsigned");
    assert!(VerificationAttestation::from_value(v).is_err());
}

#[test]
fn an_attester_cannot_overstate_or_swap() {
    let clock = clock();
    let (att, alice, bob) = attested(&clock);
    // Alice re-signs claiming Bob is fully sovereign: recomputation from Bob's report refuses.
    let upgraded = resign_attestation(&att, &alice, |b| {
        b["level"] = json!("full");
        b["tier"] = json!("verified-sovereign");
    });
    assert!(matches!(
        upgraded.verify(&at(60)),
        Err(AttestationError::Overstated { .. })
    ));
    let tier_only = resign_attestation(&att, &alice, |b| b["tier"] = json!("verified-sovereign"));
    assert!(matches!(
        tier_only.verify(&at(60)),
        Err(AttestationError::Overstated { .. })
    ));
    // A tampered subject report inside a freshly signed attestation.
    let tampered = resign_attestation(&att, &alice, |b| {
        b["subject_report"]["body"]["degradations"] = json!([]);
    });
    assert_eq!(
        tampered.verify(&at(60)).unwrap_err(),
        AttestationError::SubjectReport(vec![ReportProblem::BadSignature])
    );
    // The subject members must match the report.
    let other_key = resign_attestation(&att, &alice, |b| {
        b["subject_key"] = json!(identity(9).public().to_base64url());
    });
    assert_eq!(
        other_key.verify(&at(60)).unwrap_err(),
        AttestationError::SubjectMismatch("key")
    );
    let other_subject = resign_attestation(&att, &alice, |b| {
        b["subject"] = json!(identity(9).id().to_string())
    });
    assert_eq!(
        other_subject.verify(&at(60)).unwrap_err(),
        AttestationError::SubjectMismatch("instance id")
    );
    // Outliving the report, or lasting too long.
    let longer = resign_attestation(&att, &alice, |b| {
        b["expires_at"] = json!(ts(T0 + 7200).to_string())
    });
    assert!(longer.verify(&at(60)).is_err());
    // Signed by Bob in Alice's name, or attesting oneself.
    let forged = resign_attestation(&att, &bob, |_| {});
    assert_eq!(
        forged.verify(&at(60)).unwrap_err(),
        AttestationError::KeyNotBound(alice.id())
    );
    let selfie = resign_attestation(&att, &bob, |b| b["attester"] = json!(bob.id().to_string()));
    assert_eq!(
        selfie.verify(&at(60)).unwrap_err(),
        AttestationError::SelfAttestation
    );
    // Unknown liveness evidence, version, scheme.
    let liveness = resign_attestation(&att, &alice, |b| b["liveness"] = json!("trust-me"));
    assert!(matches!(
        liveness.verify(&at(60)),
        Err(AttestationError::Liveness(_))
    ));
    let version = resign_attestation(&att, &alice, |b| b["attestation_version"] = json!("0.9"));
    assert!(matches!(
        version.verify(&at(60)),
        Err(AttestationError::UnsupportedVersion(_))
    ));
    let mut v = att.to_value();
    v["signature_scheme"] = json!("ed25519");
    assert!(matches!(
        VerificationAttestation::from_value(v)
            .unwrap()
            .verify(&at(60)),
        Err(AttestationError::UnsupportedScheme(_))
    ));
    // A report signature is not an attestation signature.
    let body = att.to_value()["body"].clone();
    let wrong_purpose =
        VerificationAttestation::from_value(envelope(&alice, Purpose::SHR_REPORT, &body)).unwrap();
    assert_eq!(
        wrong_purpose.verify(&at(60)).unwrap_err(),
        AttestationError::BadSignature
    );
}

#[test]
fn an_expired_outcome_is_not_attested() {
    let clock = clock();
    let alice = identity(1);
    let bob = identity(2);
    let (ca, cb) = (ReplayCache::default(), ReplayCache::default());
    let a = HandshakeParty::new(
        &alice,
        full_posture().sign(&alice, &clock).unwrap(),
        &ca,
        &clock,
    )
    .unwrap();
    let b = HandshakeParty::new(
        &bob,
        laptop_posture()
            .validity(Duration::from_secs(300))
            .sign(&bob, &clock)
            .unwrap(),
        &cb,
        &clock,
    )
    .unwrap();
    let (w, c) = a.initiate(&mut ChaCha20Rng::from_seed([1; 32])).unwrap();
    let (_bw, r) = b.respond(&c, &mut ChaCha20Rng::from_seed([2; 32])).unwrap();
    let (outcome, _) = w.on_response(&a, &r).unwrap();
    clock.advance(Duration::from_secs(300));
    assert_eq!(
        VerificationAttestation::issue(&a, &outcome).unwrap_err(),
        AttestationError::OutcomeExpired
    );
    // And only the party that completed the handshake can attest it.
    clock.set(ts(T0));
    assert!(matches!(
        VerificationAttestation::issue(&b, &outcome),
        Err(AttestationError::SubjectMismatch(_))
    ));
}
