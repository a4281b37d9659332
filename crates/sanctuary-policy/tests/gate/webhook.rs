//! The webhook channel through real HTTP on loopback: a relay that receives our signed
//! requests, and answers posted to the callback server.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sanctuary_core::Timestamp;
use sanctuary_core::time::ManualClock;
use sanctuary_policy::approval::ApprovalRequest;
use sanctuary_policy::webhook::{
    ANSWER_DOMAIN, ANSWER_PATH, CallbackServer, CallbackVerifier, HEADER_NONCE, HEADER_SIGNATURE,
    HEADER_TIMESTAMP, REQUEST_DOMAIN, SignedHeaders, WebhookAnswer, WebhookChannel, WebhookKey,
    sign, sign_with_nonce, verify_signed,
};
use sanctuary_policy::{DecidedBy, Decision, Gate, OperationClass, Policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{Harness, START, op};

/// Sends one HTTP/1.1 POST and returns the status code.
async fn post(addr: SocketAddr, path: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn post_signed(addr: SocketAddr, h: &SignedHeaders, body: &[u8]) -> u16 {
    post(
        addr,
        ANSWER_PATH,
        &[
            (HEADER_TIMESTAMP, &h.timestamp),
            (HEADER_NONCE, &h.nonce),
            (HEADER_SIGNATURE, &h.signature),
        ],
        body,
    )
    .await
}

/// A relay: accepts one POST per connection, checks our signature, hands over the request.
async fn relay(
    key: WebhookKey,
    now: Timestamp,
) -> (SocketAddr, tokio::sync::mpsc::Receiver<ApprovalRequest>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body) = loop {
                let n = stream.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let head = text[..end].to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .unwrap()
                        .trim()
                        .parse()
                        .unwrap();
                    if buf.len() >= end + 4 + len {
                        break (head, buf[end + 4..end + 4 + len].to_vec());
                    }
                }
            };
            let get = |name: &str| {
                head.lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                    .unwrap()
                    .trim()
                    .to_owned()
            };
            let signed = SignedHeaders {
                timestamp: get(HEADER_TIMESTAMP),
                nonce: get(HEADER_NONCE),
                signature: get(HEADER_SIGNATURE),
            };
            // Our requests verify under the request domain only.
            let window = Duration::from_secs(120);
            assert!(verify_signed(&key, REQUEST_DOMAIN, &signed, &body, now, window).is_ok());
            assert!(verify_signed(&key, ANSWER_DOMAIN, &signed, &body, now, window).is_err());
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json["type"], "sanctuary.approval_request");
            assert!(json["answer_url"].as_str().unwrap().ends_with(ANSWER_PATH));
            let request: ApprovalRequest = serde_json::from_value(json["request"].clone()).unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            tx.send(request).await.unwrap();
        }
    });
    (addr, rx)
}

struct Setup {
    gate: Arc<Gate>,
    server: Arc<CallbackServer>,
    requests: tokio::sync::mpsc::Receiver<ApprovalRequest>,
    key: WebhookKey,
    now: Timestamp,
    _h: Harness,
}

async fn setup(timeout: Duration) -> Setup {
    let h = Harness::new();
    let key = WebhookKey::generate();
    let now = Timestamp::from_unix_seconds(START).unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let server = Arc::new(
        CallbackServer::bind(
            "127.0.0.1:0".parse().unwrap(),
            CallbackVerifier::new(key.clone()),
            clock,
        )
        .await
        .unwrap(),
    );
    let (relay_addr, requests) = relay(key.clone(), now).await;
    let channel = WebhookChannel::new(
        &format!("http://{relay_addr}/hook"),
        key.clone(),
        server.clone(),
    )
    .unwrap();
    let policy = Policy::parse("version = 1\n[approval]\nchannel = \"webhook\"\n").unwrap();
    let gate = Gate::builder(policy)
        .clock(h.clock.clone())
        .store(h.store.clone())
        .audit(h.audit.clone())
        .channel(Arc::new(channel))
        .shorter_timeout(timeout)
        .open()
        .unwrap();
    Setup {
        gate: Arc::new(gate),
        server,
        requests,
        key,
        now,
        _h: h,
    }
}

fn ask(
    gate: &Arc<Gate>,
) -> tokio::task::JoinHandle<Result<sanctuary_policy::Permit, sanctuary_policy::Denial>> {
    let Decision::NeedsApproval(p) = gate.evaluate(&op("sign.raw", OperationClass::Sign)) else {
        panic!("forced tier 1 asks")
    };
    let gate = gate.clone();
    tokio::spawn(async move { gate.ask(p).await })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_over_http_once() {
    let mut s = setup(Duration::from_secs(5)).await;
    let task = ask(&s.gate);
    let request = s.requests.recv().await.unwrap();
    let addr = s.server.local_addr();
    let answer = WebhookAnswer::for_request(&request, true, "phone");
    let (headers, body) = answer.sign(&s.key, s.now);
    assert_eq!(post_signed(addr, &headers, &body).await, 204);
    let permit = task.await.unwrap().unwrap();
    assert!(matches!(
        permit.decided_by(),
        DecidedBy::Human { channel, principal } if channel == "webhook" && principal == "phone"
    ));
    // The same message again, and a freshly signed copy: both refused.
    assert_eq!(post_signed(addr, &headers, &body).await, 409);
    let (headers, body) = answer.sign(&s.key, s.now);
    assert_eq!(post_signed(addr, &headers, &body).await, 404);
    assert_eq!(s.server.waiting(), 0);
    s.gate.settle(permit, true).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_answers_are_refused_and_the_request_times_out() {
    let mut s = setup(Duration::from_millis(800)).await;
    let task = ask(&s.gate);
    let request = s.requests.recv().await.unwrap();
    let addr = s.server.local_addr();
    let answer = WebhookAnswer::for_request(&request, true, "mallory");
    let body = serde_json::to_vec(&answer).unwrap();

    // Bad HMAC: signed with another key.
    let (h, b) = answer.sign(&WebhookKey::generate(), s.now);
    assert_eq!(post_signed(addr, &h, &b).await, 401);
    // Stale timestamp (three minutes old) and future timestamp.
    for skew in [-180i64, 180] {
        let t = Timestamp::from_unix_seconds(START + skew).unwrap();
        let h = sign(&s.key, ANSWER_DOMAIN, t, &body);
        assert_eq!(post_signed(addr, &h, &body).await, 401, "skew {skew}");
    }
    // Signed under the request domain (a reflected request).
    let h = sign(&s.key, REQUEST_DOMAIN, s.now, &body);
    assert_eq!(post_signed(addr, &h, &body).await, 401);
    // Missing headers.
    assert_eq!(post(addr, ANSWER_PATH, &[], &body).await, 401);
    // Unknown request id.
    let mut unknown = answer.clone();
    unknown.request_id = sanctuary_policy::approval::RequestId::parse(&"ab".repeat(16)).unwrap();
    let (h, b) = unknown.sign(&s.key, s.now);
    assert_eq!(post_signed(addr, &h, &b).await, 404);
    // The right id but another operation digest.
    let mut other = answer.clone();
    other.operation_digest = sanctuary_core::Digest::sha256(b"other");
    let (h, b) = other.sign(&s.key, s.now);
    assert_eq!(post_signed(addr, &h, &b).await, 409);
    // Replayed nonce: a valid-looking message re-using a spent nonce.
    let nonce = &h.nonce;
    let h2 = sign_with_nonce(&s.key, ANSWER_DOMAIN, s.now, nonce, &b);
    assert_eq!(post_signed(addr, &h2, &b).await, 409);
    // Malformed body, wrong path, wrong method, oversized body.
    let h = sign(&s.key, ANSWER_DOMAIN, s.now, b"{not json");
    assert_eq!(post_signed(addr, &h, b"{not json").await, 400);
    assert_eq!(post(addr, "/other", &[], b"").await, 404);
    let big = vec![b' '; 20_000];
    let h = sign(&s.key, ANSWER_DOMAIN, s.now, &big);
    assert_eq!(post_signed(addr, &h, &big).await, 413);

    // None of that answered: the request is denied at its timeout.
    let denial = task.await.unwrap().unwrap_err();
    assert_eq!(denial.decided_by(), Some(&DecidedBy::Timeout));
    assert_eq!(s.server.waiting(), 0);
    // And a correct answer after the timeout finds nothing.
    let (h, b) = answer.sign(&s.key, s.now);
    assert_eq!(post_signed(addr, &h, &b).await, 404);
}

#[tokio::test]
async fn callback_listens_on_loopback_only() {
    let err = CallbackServer::bind(
        "0.0.0.0:0".parse().unwrap(),
        CallbackVerifier::new(WebhookKey::generate()),
        Arc::new(ManualClock::new(Timestamp::UNIX_EPOCH)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(
        WebhookChannel::new(
            "https://example.org/hook",
            WebhookKey::generate(),
            Arc::new(
                CallbackServer::bind(
                    "127.0.0.1:0".parse().unwrap(),
                    CallbackVerifier::new(WebhookKey::generate()),
                    Arc::new(ManualClock::new(Timestamp::UNIX_EPOCH)),
                )
                .await
                .unwrap()
            ),
        )
        .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_relay_is_a_denial() {
    let h = Harness::new();
    let key = WebhookKey::generate();
    let server = Arc::new(
        CallbackServer::bind(
            "127.0.0.1:0".parse().unwrap(),
            CallbackVerifier::new(key.clone()),
            h.clock.clone(),
        )
        .await
        .unwrap(),
    );
    // A port nothing listens on.
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let channel = WebhookChannel::new(&format!("http://{closed}/hook"), key, server).unwrap();
    let policy = Policy::parse("version = 1\n[approval]\nchannel = \"webhook\"\n").unwrap();
    let gate = Gate::builder(policy)
        .clock(h.clock.clone())
        .store(h.store.clone())
        .audit(h.audit.clone())
        .channel(Arc::new(channel))
        .open()
        .unwrap();
    let Decision::NeedsApproval(p) = gate.evaluate(&op("sign.raw", OperationClass::Sign)) else {
        panic!()
    };
    let denial = gate.ask(p).await.unwrap_err();
    assert!(matches!(
        denial.decided_by(),
        Some(DecidedBy::ChannelFailure { .. })
    ));
}
