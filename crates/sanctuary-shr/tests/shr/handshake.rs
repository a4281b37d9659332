//! Handshakes: the happy path, relays, replays, expiry and every refusal.

use crate::common::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sanctuary_core::digest::Digest;
use sanctuary_core::identity::Identity;
use sanctuary_core::time::{Clock, ManualClock};
use sanctuary_shr::*;
use std::time::Duration;

struct Agent {
    id: Identity,
    report: SignedReport,
    cache: ReplayCache,
}

impl Agent {
    fn new(seed: u8, posture: ReportBuilder, clock: &ManualClock) -> Agent {
        let id = identity(seed);
        let report = posture.sign(&id, clock).unwrap();
        Agent {
            id,
            report,
            cache: ReplayCache::default(),
        }
    }

    fn party<'a>(&'a self, clock: &'a ManualClock) -> HandshakeParty<'a, Identity> {
        HandshakeParty::new(&self.id, self.report.clone(), &self.cache, clock).unwrap()
    }
}

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

#[test]
fn two_postures_complete_and_agree() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, laptop_posture(), &clock);
    let (a, b) = (alice.party(&clock), bob.party(&clock));

    let (waiting, challenge) = a.initiate(&mut rng(1)).unwrap();
    // Every message crosses as JSON text.
    let challenge = match HandshakeMessage::from_json(
        &HandshakeMessage::Challenge(Box::new(challenge)).to_json(),
    )
    .unwrap()
    {
        HandshakeMessage::Challenge(c) => *c,
        other => panic!("{other:?}"),
    };
    clock.advance(Duration::from_secs(1));
    let (b_waiting, response) = b.respond(&challenge, &mut rng(2)).unwrap();
    let response = match HandshakeMessage::from_json(
        &HandshakeMessage::Response(Box::new(response)).to_json(),
    )
    .unwrap()
    {
        HandshakeMessage::Response(r) => *r,
        other => panic!("{other:?}"),
    };
    clock.advance(Duration::from_secs(1));
    let (a_sees_b, completion) = waiting.on_response(&a, &response).unwrap();
    let completion =
        match HandshakeMessage::from_json(&HandshakeMessage::Completion(completion).to_json())
            .unwrap()
        {
            HandshakeMessage::Completion(c) => c,
            other => panic!("{other:?}"),
        };
    let b_sees_a = b_waiting.on_completion(&b, &completion).unwrap();

    assert_eq!(a_sees_b.role, Role::Initiator);
    assert_eq!(a_sees_b.peer, bob.id.id());
    assert_eq!(a_sees_b.peer_key, *bob.id.public());
    assert_eq!(a_sees_b.level, SovereigntyLevel::Degraded);
    assert_eq!(a_sees_b.tier, TrustTier::VerifiedDegraded);
    assert_eq!(a_sees_b.expires_at, bob.report.body().expires_at);
    assert_eq!(a_sees_b.own_instance, alice.id.id());
    assert_eq!(b_sees_a.role, Role::Responder);
    assert_eq!(b_sees_a.peer, alice.id.id());
    assert_eq!(b_sees_a.level, SovereigntyLevel::Full);
    assert_eq!(b_sees_a.tier, TrustTier::VerifiedSovereign);
    assert_eq!(b_sees_a.peer_report, alice.report);
    // Both ends derive the same binding and transcript; another session derives others.
    assert_eq!(a_sees_b.channel_binding, b_sees_a.channel_binding);
    assert_eq!(a_sees_b.transcript, b_sees_a.transcript);
    let (again, _) = run(&a, &b, 3);
    assert_ne!(again.channel_binding, a_sees_b.channel_binding);
    assert_ne!(again.transcript, a_sees_b.transcript);
}

/// A whole handshake; returns (initiator's outcome, responder's outcome).
fn run(
    a: &HandshakeParty<'_, Identity>,
    b: &HandshakeParty<'_, Identity>,
    seed: u8,
) -> (HandshakeOutcome, HandshakeOutcome) {
    let (w, c) = a.initiate(&mut rng(seed)).unwrap();
    let (bw, r) = b.respond(&c, &mut rng(seed.wrapping_add(100))).unwrap();
    let (ao, done) = w.on_response(a, &r).unwrap();
    (ao, bw.on_completion(b, &done).unwrap())
}

#[test]
fn a_relay_with_its_own_identity_is_detected() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    let mallory = Agent::new(3, full_posture(), &clock);
    let (a, b, m) = (
        alice.party(&clock),
        bob.party(&clock),
        mallory.party(&clock),
    );

    // Alice dials Mallory. Mallory opens its own session with Bob, reusing Alice's nonce so
    // that Bob's signature covers it, and hands Bob's response back to Alice.
    let (a_waiting, a_challenge) = a.initiate(&mut rng(1)).unwrap();
    let (_m_waiting, mut m_challenge) = m.initiate(&mut rng(9)).unwrap();
    m_challenge.nonce = a_challenge.nonce;
    let (b_waiting, b_response) = b.respond(&m_challenge, &mut rng(2)).unwrap();
    // Bob's signature binds Mallory as the initiator: Alice refuses it.
    assert_eq!(
        a_waiting.on_response(&a, &b_response).unwrap_err(),
        HandshakeError::BadSignature
    );

    // The other way round: Mallory forwards Alice's challenge untouched to Bob, then swaps in
    // its own report on the way back (claiming to be the responder).
    let (a_waiting, a_challenge) = a.initiate(&mut rng(4)).unwrap();
    let (_bw, mut response) = b.respond(&a_challenge, &mut rng(5)).unwrap();
    response.responder = mallory.id.id();
    response.report = mallory.report.clone();
    assert_eq!(
        a_waiting.on_response(&a, &response).unwrap_err(),
        HandshakeError::BadSignature
    );

    // Alice's completion for a session with Mallory, relayed to Bob's session with Mallory.
    let (a_waiting, a_challenge) = a.initiate(&mut rng(6)).unwrap();
    let (_mw, m_response) = m.respond(&a_challenge, &mut rng(7)).unwrap();
    let (_, a_completion) = a_waiting.on_response(&a, &m_response).unwrap();
    let mut relayed = a_completion.clone();
    let (_m2, m_challenge) = m.initiate(&mut rng(8)).unwrap();
    drop(b_waiting);
    let (b_waiting, b_response) = b.respond(&m_challenge, &mut rng(10)).unwrap();
    relayed.initiator_nonce = m_challenge.nonce;
    relayed.responder_nonce = b_response.nonce;
    assert_eq!(
        b_waiting.on_completion(&b, &relayed).unwrap_err(),
        HandshakeError::BadSignature
    );
}

#[test]
fn a_shared_context_binds_the_transport() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    let tls_a = Digest::sha256(b"exporter value seen by alice");
    let tls_b = Digest::sha256(b"exporter value seen by bob");
    // Same context: fine, and the binding differs from a context-free run.
    let a = alice.party(&clock).with_context(tls_a);
    let b = bob.party(&clock).with_context(tls_a);
    let (ao, bo) = run(&a, &b, 1);
    assert_eq!(ao.channel_binding, bo.channel_binding);
    let (plain, _) = run(&alice.party(&clock), &bob.party(&clock), 2);
    assert_ne!(plain.channel_binding, ao.channel_binding);
    // Different contexts (a relay terminating two TLS sessions): refused.
    let b = bob.party(&clock).with_context(tls_b);
    let (w, c) = a.initiate(&mut rng(3)).unwrap();
    let (_bw, r) = b.respond(&c, &mut rng(4)).unwrap();
    assert_eq!(
        w.on_response(&a, &r).unwrap_err(),
        HandshakeError::BadSignature
    );
}

#[test]
fn replayed_challenge_response_and_completion_are_rejected() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    let (a, b) = (alice.party(&clock), bob.party(&clock));

    let (a_waiting, challenge) = a.initiate(&mut rng(1)).unwrap();
    let (b_waiting, response) = b.respond(&challenge, &mut rng(2)).unwrap();
    // The same challenge again: Bob's cache knows the nonce.
    assert_eq!(
        b.respond(&challenge, &mut rng(3)).unwrap_err(),
        HandshakeError::Replay
    );
    let (_, completion) = a_waiting.on_response(&a, &response).unwrap();
    b_waiting.on_completion(&b, &completion).unwrap();

    // The old response in a new session of Alice's: not for this session.
    let (a_waiting, _challenge2) = a.initiate(&mut rng(4)).unwrap();
    assert_eq!(
        a_waiting.on_response(&a, &response).unwrap_err(),
        HandshakeError::WrongSession
    );
    // Re-addressed to the new nonce, the signature no longer fits.
    let (a_waiting, challenge3) = a.initiate(&mut rng(5)).unwrap();
    let mut readdressed = response.clone();
    readdressed.initiator_nonce = challenge3.nonce;
    assert_eq!(
        a_waiting.on_response(&a, &readdressed).unwrap_err(),
        HandshakeError::BadSignature
    );

    // The old completion in a new session of Bob's.
    let (_w, challenge4) = a.initiate(&mut rng(6)).unwrap();
    let (b_waiting, _r4) = b.respond(&challenge4, &mut rng(7)).unwrap();
    assert_eq!(
        b_waiting.on_completion(&b, &completion).unwrap_err(),
        HandshakeError::WrongSession
    );
    let (w5, challenge5) = a.initiate(&mut rng(8)).unwrap();
    let (b_waiting, r5) = b.respond(&challenge5, &mut rng(9)).unwrap();
    let mut readdressed = completion.clone();
    readdressed.initiator_nonce = challenge5.nonce;
    readdressed.responder_nonce = r5.nonce;
    assert_eq!(
        b_waiting.on_completion(&b, &readdressed).unwrap_err(),
        HandshakeError::BadSignature
    );
    drop(w5);

    // A responder that reuses its nonce (a broken or malicious RNG) is caught by the
    // initiator's cache, even with a valid signature.
    let (w6, c6) = a.initiate(&mut rng(10)).unwrap();
    let (_bw6, r6) = b.respond(&c6, &mut rng(42)).unwrap();
    w6.on_response(&a, &r6).unwrap();
    let (w7, c7) = a.initiate(&mut rng(11)).unwrap();
    let (_bw7, r7) = b.respond(&c7, &mut rng(42)).unwrap();
    assert_eq!(r6.nonce, r7.nonce);
    assert_eq!(w7.on_response(&a, &r7).unwrap_err(), HandshakeError::Replay);
}

#[test]
fn sessions_expire_after_120_seconds() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    let (a, b) = (alice.party(&clock), bob.party(&clock));

    // The initiator waits too long for the response.
    let (w, c) = a.initiate(&mut rng(1)).unwrap();
    let (_bw, r) = b.respond(&c, &mut rng(2)).unwrap();
    clock.advance(Duration::from_secs(121));
    assert_eq!(w.on_response(&a, &r).unwrap_err(), HandshakeError::Expired);
    // A challenge older than the session lifetime is stale.
    assert_eq!(
        b.respond(&c, &mut rng(3)).unwrap_err(),
        HandshakeError::Stale
    );

    // The responder waits too long for the completion.
    let (w, c) = a.initiate(&mut rng(4)).unwrap();
    let (bw, r) = b.respond(&c, &mut rng(5)).unwrap();
    let (_, done) = w.on_response(&a, &r).unwrap();
    clock.advance(Duration::from_secs(121));
    assert_eq!(
        bw.on_completion(&b, &done).unwrap_err(),
        HandshakeError::Expired
    );

    // Exactly at the limit still works.
    let (w, c) = a.initiate(&mut rng(6)).unwrap();
    clock.advance(Duration::from_secs(60));
    let (bw, r) = b.respond(&c, &mut rng(7)).unwrap();
    clock.advance(Duration::from_secs(60));
    let (_, done) = w.on_response(&a, &r).unwrap();
    bw.on_completion(&b, &done).unwrap();

    // A challenge from the future (beyond the skew) is refused.
    let (_w, mut c) = a.initiate(&mut rng(8)).unwrap();
    c.issued_at = c.issued_at.checked_add(Duration::from_secs(301)).unwrap();
    assert_eq!(
        b.respond(&c, &mut rng(9)).unwrap_err(),
        HandshakeError::FutureDated
    );
}

#[test]
fn refusals_end_the_session_with_typed_errors() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    let (a, b) = (alice.party(&clock), bob.party(&clock));

    // The challenge names someone else than its report.
    let (_w, mut c) = a.initiate(&mut rng(1)).unwrap();
    c.initiator = bob.id.id();
    assert!(matches!(
        b.respond(&c, &mut rng(2)),
        Err(HandshakeError::IdentityMismatch { .. })
    ));
    // Talking to oneself (a reflected challenge).
    let (_w, c) = a.initiate(&mut rng(3)).unwrap();
    assert_eq!(
        a.respond(&c, &mut rng(4)).unwrap_err(),
        HandshakeError::SelfHandshake
    );
    // Another version.
    let (_w, mut c) = a.initiate(&mut rng(5)).unwrap();
    c.protocol_version = "2.0".into();
    assert_eq!(
        b.respond(&c, &mut rng(6)).unwrap_err(),
        HandshakeError::UnsupportedVersion("2.0".into())
    );
    // An expected peer that is not the one answering.
    let pinned = alice.party(&clock).expect_peer(identity(3).id());
    let (w, c) = pinned.initiate(&mut rng(7)).unwrap();
    let (_bw, r) = b.respond(&c, &mut rng(8)).unwrap();
    assert!(matches!(
        w.on_response(&pinned, &r),
        Err(HandshakeError::UnexpectedPeer { .. })
    ));
    // A peer whose report does not verify (tampered, or expired).
    let (_w, mut c) = a.initiate(&mut rng(9)).unwrap();
    let mut v = c.report.to_value();
    v["body"]["layers"]["l2"]["status"] = serde_json::json!("inactive");
    c.report = SignedReport::from_value(v).unwrap();
    assert_eq!(
        b.respond(&c, &mut rng(10)).unwrap_err(),
        HandshakeError::PeerReport(vec![ReportProblem::BadSignature])
    );
    // A reflected nonce and a forged signature.
    let (w, c) = a.initiate(&mut rng(11)).unwrap();
    let (_bw, mut r) = b.respond(&c, &mut rng(12)).unwrap();
    r.nonce = c.nonce;
    assert_eq!(
        w.on_response(&a, &r).unwrap_err(),
        HandshakeError::Reflection
    );
    let (w, c) = a.initiate(&mut rng(13)).unwrap();
    let (_bw, mut r) = b.respond(&c, &mut rng(14)).unwrap();
    let mut sig = r.signature.to_bytes();
    sig[0] ^= 1;
    r.signature = sanctuary_core::identity::Signature::from_bytes(sig);
    assert_eq!(
        w.on_response(&a, &r).unwrap_err(),
        HandshakeError::BadSignature
    );
    // A state used with another party.
    let (w, c) = a.initiate(&mut rng(15)).unwrap();
    let (_bw, r) = b.respond(&c, &mut rng(16)).unwrap();
    assert_eq!(
        w.on_response(&b, &r).unwrap_err(),
        HandshakeError::WrongParty
    );
    // A report signed by another key cannot be offered.
    assert!(matches!(
        HandshakeParty::new(&bob.id, alice.report.clone(), &bob.cache, &clock),
        Err(HandshakeError::OwnReport(_))
    ));
    // An expired own report is not offered.
    clock.advance(Duration::from_secs(3601));
    assert_eq!(
        a.initiate(&mut rng(17)).unwrap_err(),
        HandshakeError::OwnReport("expired")
    );
}

#[test]
fn an_expired_peer_report_is_refused() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let bob = Agent::new(2, full_posture(), &clock);
    // Alice refreshes her report later; Bob's expired long ago.
    clock.advance(Duration::from_secs(3600 + 301));
    let fresh = Agent::new(1, full_posture(), &clock);
    let a = fresh.party(&clock);
    let b = HandshakeParty::new(&bob.id, bob.report.clone(), &bob.cache, &clock).unwrap();
    let (w, c) = a.initiate(&mut rng(1)).unwrap();
    // Bob cannot even answer with an expired report.
    assert_eq!(
        b.respond(&c, &mut rng(2)).unwrap_err(),
        HandshakeError::OwnReport("expired")
    );
    drop(w);
    // A fresh Bob receives a fresh challenge carrying Alice's old, expired report (challenges
    // are unsigned, so anyone can put any report in one): refused for the peer report.
    let fresh_bob = Agent::new(2, full_posture(), &clock);
    let b = fresh_bob.party(&clock);
    let (_w, mut c) = a.initiate(&mut rng(3)).unwrap();
    c.report = alice.report.clone();
    assert_eq!(
        b.respond(&c, &mut rng(4)).unwrap_err(),
        HandshakeError::PeerReport(vec![ReportProblem::Expired {
            expires_at: alice.report.body().expires_at
        }])
    );
}

#[test]
fn a_critical_peer_is_unverified() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let carol = Agent::new(4, critical_posture(), &clock);
    let (ao, co) = run(&alice.party(&clock), &carol.party(&clock), 1);
    assert_eq!(ao.level, SovereigntyLevel::Minimal);
    assert_eq!(ao.tier, TrustTier::Unverified);
    assert_eq!(co.tier, TrustTier::VerifiedSovereign);
}

#[test]
fn the_replay_cache_is_bounded_and_fails_closed() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let id = identity(2);
    let report = full_posture().sign(&id, &clock).unwrap();
    let small = ReplayCache::new(1);
    let b = HandshakeParty::new(&id, report, &small, &clock).unwrap();
    let a = alice.party(&clock);
    let (_w, c1) = a.initiate(&mut rng(1)).unwrap();
    let (_w, c2) = a.initiate(&mut rng(2)).unwrap();
    let _state = b.respond(&c1, &mut rng(3)).unwrap();
    assert_eq!(small.len(), 1);
    assert_eq!(
        b.respond(&c2, &mut rng(4)).unwrap_err(),
        HandshakeError::ReplayCacheFull
    );
    // Once the first nonce can no longer be used, it is forgotten and room returns.
    clock.advance(Duration::from_secs(120 + 300 + 1));
    let a = Agent::new(1, full_posture(), &clock);
    let a = a.party(&clock);
    let (_w, c3) = a.initiate(&mut rng(5)).unwrap();
    let _state = b.respond(&c3, &mut rng(6)).unwrap();
    assert_eq!(small.len(), 1);
}

#[test]
fn messages_parse_strictly() {
    let clock = clock();
    let alice = Agent::new(1, full_posture(), &clock);
    let (_w, c) = alice.party(&clock).initiate(&mut rng(1)).unwrap();
    let text = HandshakeMessage::Challenge(Box::new(c)).to_json();
    assert!(HandshakeMessage::from_json(&text).is_ok());
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["extra"] = serde_json::json!(1);
    assert!(HandshakeMessage::from_json(&v.to_string()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["type"] = serde_json::json!("shr-handshake-response");
    assert!(HandshakeMessage::from_json(&v.to_string()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["nonce"] = serde_json::json!("AAAA");
    assert!(HandshakeMessage::from_json(&v.to_string()).is_err());
    for bad in [
        "",
        "null",
        "[]",
        "{}",
        r#"{"type":"x"}"#,
        &text[..text.len() - 1],
    ] {
        assert!(HandshakeMessage::from_json(bad).is_err(), "{bad}");
    }
    let _ = clock.now();
}
