//! Arbitrary bytes as a webhook answer: parsing and verification never panic; whatever parses
//! re-serialises to an equal answer; a properly signed body verifies exactly when it parses,
//! and only once.
//!
//! Input layout: the whole input is an answer body; read as a signed message, its first three
//! lines are the timestamp, nonce and signature headers and the rest is the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sanctuary_core::Timestamp;
use sanctuary_policy::webhook::{
    ANSWER_DOMAIN, CallbackError, CallbackVerifier, MAX_ANSWER_BODY, SignedHeaders, WebhookAnswer,
    WebhookKey, sign,
};

/// 2026-11-22T08:00:00Z: the fixed "now" (the seed with signed headers is signed at this time).
const NOW: i64 = 1_795_334_400;

fn key() -> &'static WebhookKey {
    static KEY: OnceLock<WebhookKey> = OnceLock::new();
    KEY.get_or_init(|| WebhookKey::from_bytes(&[0x5a; 32]).expect("a 32-byte key"))
}

fn now() -> Timestamp {
    Timestamp::from_unix_seconds(NOW).expect("a valid instant")
}

/// (a) Parsing never panics, and what parses survives a serde_json round trip unchanged.
fn parse_round_trip(body: &[u8]) -> Option<WebhookAnswer> {
    let answer = WebhookAnswer::parse(body).ok()?;
    let again = serde_json::to_vec(&answer).expect("a parsed answer serialises");
    let reparsed = WebhookAnswer::parse(&again).expect("a re-serialised answer parses");
    assert_eq!(reparsed, answer);
    Some(answer)
}

/// (c) A body signed with the key verifies exactly when it parses, to the same answer, and
/// its nonce is spent whether or not the body parsed.
fn signed_verifies_iff_parses(body: &[u8]) {
    let verifier = CallbackVerifier::new(key().clone());
    let headers = sign(key(), ANSWER_DOMAIN, now(), body);
    let parsed = WebhookAnswer::parse(body);
    match (verifier.verify(&headers, body, now()), &parsed) {
        (Ok(verified), Ok(parsed)) => assert_eq!(&verified, parsed),
        (Err(_), Err(_)) => {}
        (verified, parsed) => panic!(
            "verify and parse disagree on a properly signed body: {verified:?} vs {parsed:?}"
        ),
    }
    let again = verifier.verify(&headers, body, now());
    if body.len() > MAX_ANSWER_BODY {
        assert_eq!(again, Err(CallbackError::TooLarge));
    } else {
        assert_eq!(again, Err(CallbackError::Replayed));
    }
}

fuzz_target!(|data: &[u8]| {
    parse_round_trip(data);

    // (b) The input as headers and body: never panics; a message that verifies has a body that
    // parses to the same answer.
    let mut lines = data.splitn(4, |b| *b == b'\n');
    let mut header = || String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let headers = SignedHeaders {
        timestamp: header(),
        nonce: header(),
        signature: header(),
    };
    let body = lines.next().unwrap_or_default();
    let verifier = CallbackVerifier::new(key().clone());
    if let Ok(answer) = verifier.verify(&headers, body, now()) {
        assert_eq!(parse_round_trip(body).as_ref(), Some(&answer));
        assert_eq!(
            verifier.verify(&headers, body, now()),
            Err(CallbackError::Replayed)
        );
    }

    signed_verifies_iff_parses(data);
    if body.len() != data.len() {
        signed_verifies_iff_parses(body);
    }
});
