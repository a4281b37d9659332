//! The signed webhook channel and its loopback callback endpoint.
//!
//! **Out:** the gate POSTs the request as JSON to the principal's relay (a phone-notification
//! bridge, a chat bot) with three headers:
//!
//! ```text
//! x-sanctuary-timestamp: <Unix seconds>
//! x-sanctuary-nonce:     <16 to 32 random bytes, lowercase hex>
//! x-sanctuary-signature: v1=<lowercase hex HMAC-SHA256(key, message)>
//! message = domain ‖ timestamp ‖ "\n" ‖ nonce ‖ "\n" ‖ body
//! ```
//!
//! with domain `sanctuary/webhook-request/v1\n`. The body is
//! `{"type":"sanctuary.approval_request","request":{…},"answer_url":"http://127.0.0.1:…/v1/answers"}`.
//!
//! **Back:** the relay POSTs a [`WebhookAnswer`] to `answer_url`, signed the same way under
//! the domain `sanctuary/webhook-answer/v1\n` (so a request can never be reflected as an
//! answer). The [`CallbackServer`] listens on loopback only and checks, in order: the headers'
//! form, the timestamp window (default ±120 s), the HMAC (constant time), the nonce against a
//! replay cache, the body, then that the answer names a waiting request with its nonce and
//! operation digest. Each answer is used once. Anything else gets a 4xx and changes nothing;
//! the gate still denies the request at its timeout.
//!
//! The channel speaks plain HTTP: the relay is expected on loopback or behind a local
//! TLS-terminating proxy. The HMAC authenticates both directions either way.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rand_core::{OsRng, RngCore};
use sanctuary_core::encoding::{hex_decode_lower, hex_encode};
use sanctuary_core::{Clock, Digest, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::approval::{ApprovalRequest, Nonce, RequestId};
use crate::channel::{ApprovalChannel, BoxFuture, ChannelAnswer, ChannelError, ChannelStatus};
use crate::policy::ChannelKind;

/// Header carrying the Unix-seconds timestamp.
pub const HEADER_TIMESTAMP: &str = "x-sanctuary-timestamp";
/// Header carrying the message nonce.
pub const HEADER_NONCE: &str = "x-sanctuary-nonce";
/// Header carrying `v1=<hex HMAC>`.
pub const HEADER_SIGNATURE: &str = "x-sanctuary-signature";
/// MAC domain of outgoing requests.
pub const REQUEST_DOMAIN: &[u8] = b"sanctuary/webhook-request/v1\n";
/// MAC domain of answers.
pub const ANSWER_DOMAIN: &[u8] = b"sanctuary/webhook-answer/v1\n";
/// The path answers are posted to.
pub const ANSWER_PATH: &str = "/v1/answers";
/// The largest answer body accepted.
pub const MAX_ANSWER_BODY: usize = 16 * 1024;
/// The default timestamp window.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(120);
/// The replay cache refuses new answers (503) once it holds this many live nonces.
pub const MAX_REPLAY_ENTRIES: usize = 65_536;
/// The longest principal name in an answer.
pub const MAX_PRINCIPAL_LEN: usize = 128;

type HmacSha256 = Hmac<Sha256>;

/// The shared webhook secret (at least 32 bytes). Wiped on drop; never printed.
#[derive(Clone)]
pub struct WebhookKey(Zeroizing<Vec<u8>>);

impl WebhookKey {
    /// A key from bytes; fewer than 32 are refused.
    pub fn from_bytes(bytes: &[u8]) -> Option<WebhookKey> {
        (bytes.len() >= 32).then(|| WebhookKey(Zeroizing::new(bytes.to_vec())))
    }

    /// A fresh random 32-byte key.
    pub fn generate() -> WebhookKey {
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        OsRng.fill_bytes(&mut bytes);
        WebhookKey(bytes)
    }

    /// The key bytes, to hand to the relay over a secure path.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self, domain: &[u8], timestamp: &str, nonce: &str, body: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable_hmac());
        mac.update(domain);
        mac.update(timestamp.as_bytes());
        mac.update(b"\n");
        mac.update(nonce.as_bytes());
        mac.update(b"\n");
        mac.update(body);
        mac
    }
}

#[expect(clippy::panic, reason = "HMAC accepts every key length; unreachable")]
fn unreachable_hmac() -> HmacSha256 {
    panic!("HMAC-SHA256 rejected a key")
}

impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookKey([redacted])")
    }
}

/// The three signature headers of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `x-sanctuary-timestamp`.
    pub timestamp: String,
    /// `x-sanctuary-nonce`.
    pub nonce: String,
    /// `x-sanctuary-signature`.
    pub signature: String,
}

/// Signs `body` under `domain` at `now` with a fresh nonce.
pub fn sign(key: &WebhookKey, domain: &[u8], now: Timestamp, body: &[u8]) -> SignedHeaders {
    let mut nonce = [0u8; 16];
    OsRng.fill_bytes(&mut nonce);
    sign_with_nonce(key, domain, now, &hex_encode(&nonce), body)
}

/// Signs `body` with a chosen nonce (tests and replays of known vectors).
pub fn sign_with_nonce(
    key: &WebhookKey,
    domain: &[u8],
    now: Timestamp,
    nonce: &str,
    body: &[u8],
) -> SignedHeaders {
    let timestamp = now.unix_seconds().to_string();
    let tag = key
        .mac(domain, &timestamp, nonce, body)
        .finalize()
        .into_bytes();
    SignedHeaders {
        signature: format!("v1={}", hex_encode(&tag)),
        timestamp,
        nonce: nonce.to_owned(),
    }
}

/// Why a signed message or an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// A signature header is missing.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// A signature header is malformed.
    #[error("malformed header {0}")]
    MalformedHeader(&'static str),
    /// The timestamp is outside the window.
    #[error("timestamp outside the accepted window")]
    Stale,
    /// The HMAC does not verify.
    #[error("bad signature")]
    BadSignature,
    /// This nonce was already used.
    #[error("replayed message")]
    Replayed,
    /// The body is not a valid answer.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// The body is too large.
    #[error("answer body over {MAX_ANSWER_BODY} bytes")]
    TooLarge,
    /// No request with this id is waiting.
    #[error("no waiting request has this id")]
    UnknownRequest,
    /// The answer's nonce or digest is not the request's.
    #[error("the answer does not match the waiting request")]
    Mismatch,
    /// The replay cache is full.
    #[error("too many answers in the window")]
    Busy,
}

impl CallbackError {
    /// The HTTP status the callback endpoint answers with.
    pub fn status(&self) -> u16 {
        match self {
            CallbackError::MissingHeader(_)
            | CallbackError::MalformedHeader(_)
            | CallbackError::Stale
            | CallbackError::BadSignature => 401,
            CallbackError::Replayed | CallbackError::Mismatch => 409,
            CallbackError::Malformed(_) => 400,
            CallbackError::TooLarge => 413,
            CallbackError::UnknownRequest => 404,
            CallbackError::Busy => 503,
        }
    }
}

/// Checks a message's headers and HMAC under `domain` at `now` within `window`. Returns the
/// timestamp. The relay uses it on our requests; the callback server on answers.
pub fn verify_signed(
    key: &WebhookKey,
    domain: &[u8],
    headers: &SignedHeaders,
    body: &[u8],
    now: Timestamp,
    window: Duration,
) -> Result<i64, CallbackError> {
    let ts = &headers.timestamp;
    if ts.is_empty() || ts.len() > 19 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CallbackError::MalformedHeader(HEADER_TIMESTAMP));
    }
    let timestamp: i64 = ts
        .parse()
        .map_err(|_| CallbackError::MalformedHeader(HEADER_TIMESTAMP))?;
    let nonce = &headers.nonce;
    if !(32..=64).contains(&nonce.len()) || hex_decode_lower(nonce).is_err() {
        return Err(CallbackError::MalformedHeader(HEADER_NONCE));
    }
    let tag = headers
        .signature
        .strip_prefix("v1=")
        .filter(|t| t.len() == 64)
        .and_then(|t| hex_decode_lower(t).ok())
        .ok_or(CallbackError::MalformedHeader(HEADER_SIGNATURE))?;
    let window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    if now.unix_seconds().abs_diff(timestamp) > window.unsigned_abs() {
        return Err(CallbackError::Stale);
    }
    key.mac(domain, ts, nonce, body)
        .verify_slice(&tag)
        .map_err(|_| CallbackError::BadSignature)?;
    Ok(timestamp)
}

/// The principal's verdict in a webhook answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookVerdict {
    /// Allow the operation.
    Approve,
    /// Refuse it.
    Deny,
}

/// The body the relay posts back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookAnswer {
    /// The request answered.
    pub request_id: RequestId,
    /// The request's nonce (from the request body, not the header).
    pub nonce: Nonce,
    /// The operation digest from the request body.
    pub operation_digest: Digest,
    /// Approve or deny.
    pub decision: WebhookVerdict,
    /// Who answered (1 to 128 bytes, no control characters).
    pub principal: String,
}

impl WebhookAnswer {
    /// The answer approving or denying `request`.
    pub fn for_request(request: &ApprovalRequest, approve: bool, principal: &str) -> Self {
        WebhookAnswer {
            request_id: request.request_id,
            nonce: request.nonce,
            operation_digest: request.operation_digest,
            decision: if approve {
                WebhookVerdict::Approve
            } else {
                WebhookVerdict::Deny
            },
            principal: principal.to_owned(),
        }
    }

    /// Parses and checks an answer body.
    pub fn parse(body: &[u8]) -> Result<WebhookAnswer, CallbackError> {
        if body.len() > MAX_ANSWER_BODY {
            return Err(CallbackError::TooLarge);
        }
        let answer: WebhookAnswer =
            serde_json::from_slice(body).map_err(|e| CallbackError::Malformed(e.to_string()))?;
        let p = &answer.principal;
        if p.is_empty() || p.len() > MAX_PRINCIPAL_LEN || p.chars().any(char::is_control) {
            return Err(CallbackError::Malformed(
                "principal must be 1 to 128 bytes without control characters".into(),
            ));
        }
        Ok(answer)
    }

    /// The body and headers a relay sends for this answer.
    pub fn sign(&self, key: &WebhookKey, now: Timestamp) -> (SignedHeaders, Vec<u8>) {
        let body = serde_json::to_vec(self).unwrap_or_default();
        (sign(key, ANSWER_DOMAIN, now, &body), body)
    }
}

/// Verifies signed answers: window, HMAC, then single use of each nonce.
pub struct CallbackVerifier {
    key: WebhookKey,
    window: Duration,
    seen: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for CallbackVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackVerifier")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl CallbackVerifier {
    /// A verifier with the default ±120 s window.
    pub fn new(key: WebhookKey) -> Self {
        Self::with_window(key, DEFAULT_WINDOW)
    }

    /// A verifier with another window (at most 10 minutes).
    pub fn with_window(key: WebhookKey, window: Duration) -> Self {
        CallbackVerifier {
            key,
            window: window.min(Duration::from_secs(600)),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Checks one answer message. The nonce is spent only once the HMAC verified, so
    /// unauthenticated traffic cannot fill the cache.
    pub fn verify(
        &self,
        headers: &SignedHeaders,
        body: &[u8],
        now: Timestamp,
    ) -> Result<WebhookAnswer, CallbackError> {
        if body.len() > MAX_ANSWER_BODY {
            return Err(CallbackError::TooLarge);
        }
        let timestamp = verify_signed(&self.key, ANSWER_DOMAIN, headers, body, now, self.window)?;
        {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            let horizon = now
                .unix_seconds()
                .saturating_sub(i64::try_from(self.window.as_secs()).unwrap_or(i64::MAX));
            if seen.len() >= MAX_REPLAY_ENTRIES {
                // Entries older than the window can no longer pass the timestamp check.
                seen.retain(|_, ts| *ts >= horizon);
            }
            if seen.contains_key(&headers.nonce) {
                return Err(CallbackError::Replayed);
            }
            if seen.len() >= MAX_REPLAY_ENTRIES {
                return Err(CallbackError::Busy);
            }
            seen.insert(headers.nonce.clone(), timestamp);
        }
        WebhookAnswer::parse(body)
    }
}

struct Waiting {
    nonce: Nonce,
    digest: Digest,
    tx: tokio::sync::oneshot::Sender<ChannelAnswer>,
}

struct ServerInner {
    verifier: CallbackVerifier,
    clock: Arc<dyn Clock>,
    waiting: Mutex<HashMap<RequestId, Waiting>>,
}

impl ServerInner {
    fn accept(&self, headers: &SignedHeaders, body: &[u8]) -> Result<(), CallbackError> {
        let answer = self.verifier.verify(headers, body, self.clock.now())?;
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        match waiting.get(&answer.request_id) {
            None => return Err(CallbackError::UnknownRequest),
            Some(w) if w.nonce != answer.nonce || w.digest != answer.operation_digest => {
                return Err(CallbackError::Mismatch);
            }
            Some(_) => {}
        }
        let w = waiting
            .remove(&answer.request_id)
            .ok_or(CallbackError::UnknownRequest)?;
        // The waiting side may have timed out a moment ago; then the answer is moot.
        let _ = w.tx.send(ChannelAnswer {
            approve: answer.decision == WebhookVerdict::Approve,
            principal: answer.principal,
        });
        Ok(())
    }
}

/// The loopback HTTP endpoint answers come back to. Stops when dropped.
pub struct CallbackServer {
    inner: Arc<ServerInner>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for CallbackServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for CallbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Removes a waiting registration when the asking future ends (answered, timed out or
/// cancelled), so a late answer finds nothing.
struct Registration {
    inner: Arc<ServerInner>,
    id: RequestId,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.inner
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

impl CallbackServer {
    /// Binds the endpoint on a loopback address (port 0 picks one) and serves it on the
    /// current Tokio runtime. Non-loopback addresses are refused.
    pub async fn bind(
        addr: SocketAddr,
        verifier: CallbackVerifier,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<CallbackServer> {
        if !addr.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the approval callback listens on loopback only",
            ));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(ServerInner {
            verifier,
            clock,
            waiting: Mutex::new(HashMap::new()),
        });
        let served = Arc::clone(&inner);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of descriptors, say: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let inner = Arc::clone(&served);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let inner = Arc::clone(&inner);
                        async move { Ok::<_, std::convert::Infallible>(handle(&inner, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(CallbackServer { inner, addr, task })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL answers are posted to.
    pub fn answer_url(&self) -> String {
        format!("http://{}{ANSWER_PATH}", self.addr)
    }

    /// Requests currently waiting for an answer.
    pub fn waiting(&self) -> usize {
        self.inner
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn register(
        &self,
        request: &ApprovalRequest,
    ) -> (Registration, tokio::sync::oneshot::Receiver<ChannelAnswer>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                request.request_id,
                Waiting {
                    nonce: request.nonce,
                    digest: request.operation_digest,
                    tx,
                },
            );
        (
            Registration {
                inner: Arc::clone(&self.inner),
                id: request.request_id,
            },
            rx,
        )
    }
}

fn header(req: &Request<Incoming>, name: &'static str) -> Result<String, CallbackError> {
    req.headers()
        .get(name)
        .ok_or(CallbackError::MissingHeader(name))?
        .to_str()
        .map(str::to_owned)
        .map_err(|_| CallbackError::MalformedHeader(name))
}

fn reply(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
    *response.status_mut() = status;
    response
}

async fn handle(inner: &ServerInner, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.uri().path() != ANSWER_PATH {
        return reply(StatusCode::NOT_FOUND, "not found");
    }
    if req.method() != Method::POST {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "POST only");
    }
    let headers = (|| {
        Ok::<_, CallbackError>(SignedHeaders {
            timestamp: header(&req, HEADER_TIMESTAMP)?,
            nonce: header(&req, HEADER_NONCE)?,
            signature: header(&req, HEADER_SIGNATURE)?,
        })
    })();
    let collected = tokio::time::timeout(
        Duration::from_secs(10),
        Limited::new(req.into_body(), MAX_ANSWER_BODY).collect(),
    )
    .await;
    let body = match collected {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(_)) => return reply(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
        Err(_) => return reply(StatusCode::REQUEST_TIMEOUT, "body too slow"),
    };
    let result = headers.and_then(|h| inner.accept(&h, &body));
    match result {
        Ok(()) => reply(StatusCode::NO_CONTENT, ""),
        Err(e) => reply(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
            &e.to_string(),
        ),
    }
}

/// Asks through a signed webhook; answers come back through a [`CallbackServer`].
pub struct WebhookChannel {
    url: hyper::Uri,
    key: WebhookKey,
    server: Arc<CallbackServer>,
}

impl std::fmt::Debug for WebhookChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookChannel")
            .field("url", &self.url)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl WebhookChannel {
    /// A channel posting to `url` (`http://host:port/path`), signing with `key`, and taking
    /// answers on `server`.
    pub fn new(
        url: &str,
        key: WebhookKey,
        server: Arc<CallbackServer>,
    ) -> Result<WebhookChannel, ChannelError> {
        let url: hyper::Uri = url
            .parse()
            .map_err(|_| ChannelError::Unavailable("webhook URL does not parse".into()))?;
        if url.scheme_str() != Some("http") || url.authority().is_none() {
            return Err(ChannelError::Unavailable(
                "webhook URL must be http://host:port/path (put TLS in a local proxy)".into(),
            ));
        }
        Ok(WebhookChannel { url, key, server })
    }

    async fn post(&self, body: Vec<u8>) -> Result<(), ChannelError> {
        let delivery = |e: &dyn std::fmt::Display| ChannelError::Delivery(e.to_string());
        let authority = self
            .url
            .authority()
            .ok_or_else(|| ChannelError::Unavailable("webhook URL has no host".into()))?
            .clone();
        let port = authority.port_u16().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((authority.host(), port))
            .await
            .map_err(|e| delivery(&e))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| delivery(&e))?;
        let driver = tokio::spawn(connection);
        let signed = sign(
            &self.key,
            REQUEST_DOMAIN,
            self.server.inner.clock.now(),
            &body,
        );
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.clone())
            .header(hyper::header::HOST, authority.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(HEADER_TIMESTAMP, signed.timestamp)
            .header(HEADER_NONCE, signed.nonce)
            .header(HEADER_SIGNATURE, signed.signature)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| delivery(&e))?;
        let response = sender.send_request(request).await.map_err(|e| delivery(&e));
        driver.abort();
        let status = response?.status();
        if !status.is_success() {
            return Err(ChannelError::Delivery(format!("webhook answered {status}")));
        }
        Ok(())
    }
}

impl ApprovalChannel for WebhookChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Webhook
    }

    fn status(&self) -> ChannelStatus {
        ChannelStatus {
            human: true,
            live: !self.server.task.is_finished(),
            detail: format!("webhook {} → {}", self.url, self.server.answer_url()),
        }
    }

    fn ask<'a>(
        &'a self,
        request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>> {
        Box::pin(async move {
            let (registration, rx) = self.server.register(request);
            let body = serde_json::to_vec(&serde_json::json!({
                "type": "sanctuary.approval_request",
                "request": request,
                "answer_url": self.server.answer_url(),
            }))
            .map_err(|e| ChannelError::Delivery(e.to_string()))?;
            self.post(body).await?;
            let answer = rx.await.map_err(|_| ChannelError::Closed);
            drop(registration);
            answer
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> WebhookKey {
        WebhookKey::from_bytes(&[7u8; 32]).unwrap()
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix_seconds(secs).unwrap()
    }

    #[test]
    fn known_answer_signature() {
        let nonce = "00112233445566778899aabbccddeeff";
        let h = sign_with_nonce(&key(), ANSWER_DOMAIN, at(1_700_000_000), nonce, b"{}");
        assert_eq!(h.timestamp, "1700000000");
        // HMAC-SHA256(key = 32 × 0x07, "sanctuary/webhook-answer/v1\n1700000000\n<nonce>\n{}"),
        // checked against Python's hmac module.
        assert_eq!(
            h.signature,
            "v1=9351843f9c26eda743ee3f46fd7d0cc5f72aa9cc30e3daaa0501842dfe684249"
        );
    }

    #[test]
    fn verify_rejects_each_defect() {
        let now = at(1_700_000_000);
        let good = sign(&key(), ANSWER_DOMAIN, now, b"body");
        let w = DEFAULT_WINDOW;
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &good, b"body", now, w),
            Ok(1_700_000_000)
        );
        let other_key = WebhookKey::from_bytes(&[8u8; 32]).unwrap();
        assert_eq!(
            verify_signed(&other_key, ANSWER_DOMAIN, &good, b"body", now, w),
            Err(CallbackError::BadSignature)
        );
        assert_eq!(
            verify_signed(&key(), REQUEST_DOMAIN, &good, b"body", now, w),
            Err(CallbackError::BadSignature)
        );
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &good, b"bodY", now, w),
            Err(CallbackError::BadSignature)
        );
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &good, b"body", at(1_700_000_121), w),
            Err(CallbackError::Stale)
        );
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &good, b"body", at(1_699_999_879), w),
            Err(CallbackError::Stale)
        );
        let mut h = good.clone();
        h.timestamp = "-5".into();
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &h, b"body", now, w),
            Err(CallbackError::MalformedHeader(HEADER_TIMESTAMP))
        );
        let mut h = good.clone();
        h.nonce = "XYZ".into();
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &h, b"body", now, w),
            Err(CallbackError::MalformedHeader(HEADER_NONCE))
        );
        let mut h = good.clone();
        h.signature = good.signature.replace("v1=", "v2=");
        assert_eq!(
            verify_signed(&key(), ANSWER_DOMAIN, &h, b"body", now, w),
            Err(CallbackError::MalformedHeader(HEADER_SIGNATURE))
        );
        assert!(WebhookKey::from_bytes(&[1u8; 31]).is_none());
        assert_eq!(format!("{:?}", key()), "WebhookKey([redacted])");
    }

    #[test]
    fn verifier_spends_nonces_once() {
        let v = CallbackVerifier::new(key());
        let now = at(1_700_000_000);
        let body = br#"{"request_id":"00000000000000000000000000000000","nonce":"0000000000000000000000000000000000000000000000000000000000000000","operation_digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","decision":"approve","principal":"p"}"#;
        let h = sign(&key(), ANSWER_DOMAIN, now, body);
        assert!(v.verify(&h, body, now).is_ok());
        assert_eq!(v.verify(&h, body, now), Err(CallbackError::Replayed));
        // A forged message does not spend a nonce.
        let mut forged = sign(&key(), ANSWER_DOMAIN, now, body);
        forged.signature = format!("v1={}", "0".repeat(64));
        assert_eq!(
            v.verify(&forged, body, now),
            Err(CallbackError::BadSignature)
        );
        forged = sign_with_nonce(&key(), ANSWER_DOMAIN, now, &forged.nonce, body);
        assert!(v.verify(&forged, body, now).is_ok());
        // Unknown fields and bad principals are refused after authentication.
        let extra = br#"{"request_id":"00000000000000000000000000000000","nonce":"0000000000000000000000000000000000000000000000000000000000000000","operation_digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","decision":"approve","principal":"p","also":1}"#;
        let h = sign(&key(), ANSWER_DOMAIN, now, extra);
        assert!(matches!(
            v.verify(&h, extra, now),
            Err(CallbackError::Malformed(_))
        ));
    }
}
