//! Live interop with the Python reference: our `Session` and the `concordia-protocol` 0.10.0
//! package negotiate with each other, message by message, over the line-delimited JSON peer in
//! `tests/interop/peer.py` (its docstring documents the protocol).
//!
//! Every message one side writes is applied by the other, and after every step both replicas
//! are compared member for member: state, round count, chain tip, transcript (the messages
//! themselves, as JSON), term space and behaviour records. Refusals are checked on both sides:
//! the Rust error variant, the Python exception class, the error texts (ours reproduce the
//! reference's), and that neither replica changed.
//!
//! Scenarios: Rust opens and Python agrees; Python opens and Rust agrees (every optional
//! envelope member both ways); a conditional counter; rejections; `max_rounds` both ways;
//! bilateral receipts (each side issues with its own key, the other verifies, signs and
//! countersigns; issued from the same data the receipts are byte-identical); tampered
//! signatures, chain links and session ids from either side.
//!
//! The Python interpreter is `$CONCORDIA_PYTHON`, else `python3` if it imports `concordia`
//! 0.10.0. Without one the tests skip with a notice on stderr, unless `CI` is set or
//! `CONCORDIA_INTEROP_REQUIRED=1`, when they fail.

#![expect(
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken peer or a diverging replica must stop the test loudly"
)]

use concordia::attestation::{
    self, AttestationError, AttestationVersion, ConcludedParty, ConcludedSession, GenerateOptions,
    OutcomeBinding, SetBinding, SetBindingError, VerifiedAttestation, VerifyOptions,
};
use concordia::message::{AgentRef, Message, MessageBuilder};
use concordia::offer::{BasicOffer, Condition, ConditionalOffer, Offer, Term, TermEntry, Terms};
use concordia::session::{Session, SessionError, validate_chain};
use concordia::types::{MessageType, PartyRole, SessionState, TermType, TimingConfig};
use concordia::wire::{self, GENESIS_HASH};
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed, Signer};
use sanctuary_core::time::{SystemClock, Timestamp};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Once, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

const RUST_ID: &str = "did:concordia:agent:rust-interop";
const PY_ID: &str = "did:concordia:agent:python-interop";
const RUST_SEED: [u8; 32] = [0x52; 32];
const PY_SEED: [u8; 32] = [0x50; 32];

/// The package version the crate is wire-compatible with.
const EXPECTED_VERSION: &str = "0.10.0";
/// How long one request to the peer (or the interpreter probe) may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const PEER_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/peer.py");

// ---------------------------------------------------------------------------------------------
// Finding the interpreter.
// ---------------------------------------------------------------------------------------------

/// Whether a missing Python peer fails the test instead of skipping it.
fn required() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
    };
    set("CONCORDIA_INTEROP_REQUIRED") || set("CI")
}

/// Runs `python -c "import concordia"` and checks the version, within the request timeout.
fn probe(python: &str) -> Result<(), String> {
    let mut child = Command::new(python)
        .args([
            "-c",
            "import sys, concordia; sys.stdout.write(concordia.__version__)",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{python}`: {e}"))?;
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{python}` did not import concordia within {REQUEST_TIMEOUT:?}"
                ));
            }
            Err(e) => return Err(format!("waiting for `{python}`: {e}")),
        }
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    if !status.success() {
        let last = err.lines().last().unwrap_or("").trim();
        return Err(format!("`{python}` cannot import concordia ({last})"));
    }
    if out.trim() != EXPECTED_VERSION {
        return Err(format!(
            "`{python}` has concordia-protocol {}, the interop tests need {EXPECTED_VERSION}",
            out.trim()
        ));
    }
    Ok(())
}

/// The interpreter to run the peer with, found once per test binary.
fn python() -> &'static Result<String, String> {
    static FOUND: OnceLock<Result<String, String>> = OnceLock::new();
    FOUND.get_or_init(|| match std::env::var("CONCORDIA_PYTHON") {
        // An explicit choice is used or reported, never silently replaced by another one.
        Ok(chosen) if !chosen.trim().is_empty() => probe(&chosen)
            .map(|()| chosen.clone())
            .map_err(|e| format!("CONCORDIA_PYTHON={chosen}: {e}")),
        _ => probe("python3")
            .map(|()| "python3".to_owned())
            .map_err(|e| format!("CONCORDIA_PYTHON is not set and {e}")),
    })
}

/// The peer for `test`, or `None` (after a loud notice) when it cannot run and is not required.
fn start_peer(test: &str) -> Option<Peer> {
    match python() {
        Ok(python) => Some(Peer::spawn(python)),
        Err(why) if required() => panic!(
            "concordia interop test `{test}` cannot run: {why}.\n\
             CI (or CONCORDIA_INTEROP_REQUIRED=1) requires the Python reference peer: set \
             CONCORDIA_PYTHON to an interpreter with concordia-protocol {EXPECTED_VERSION} \
             (pip install --require-hashes -r crates/concordia/tests/interop/requirements.txt)."
        ),
        Err(why) => {
            // Straight to the process's stderr: the test harness captures `eprintln!` of
            // passing tests, and a skip must not pass unnoticed.
            static BANNER: Once = Once::new();
            let mut stderr = std::io::stderr().lock();
            BANNER.call_once(|| {
                let _ = writeln!(
                    stderr,
                    "\n################################################################\n\
                     # SKIPPING the concordia interop tests: no Python reference peer.\n\
                     # {why}\n\
                     # Set CONCORDIA_PYTHON to a python with concordia-protocol {EXPECTED_VERSION}\n\
                     # (CI sets it; there these tests fail instead of skipping).\n\
                     ################################################################"
                );
            });
            let _ = writeln!(stderr, "# SKIPPED concordia interop test `{test}`");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The peer process.
// ---------------------------------------------------------------------------------------------

/// A running `peer.py`: requests go to its stdin, a reader thread forwards each stdout line.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    responses: Receiver<Result<String, String>>,
}

impl Peer {
    fn spawn(python: &str) -> Peer {
        let mut child = Command::new(python)
            .arg(PEER_SCRIPT)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the Python peer with `{python}`: {e}"));
        let stdout = child.stdout.take().expect("the peer's stdout is piped");
        let stdin = child.stdin.take();
        let (tx, responses) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                let sent = match reader.read_line(&mut line) {
                    Ok(0) => {
                        let _ = tx.send(Err("the peer closed its stdout".to_owned()));
                        break;
                    }
                    Ok(_) => tx.send(Ok(line)),
                    Err(e) => {
                        let _ = tx.send(Err(format!("reading the peer's stdout: {e}")));
                        break;
                    }
                };
                if sent.is_err() {
                    break;
                }
            }
        });
        Peer {
            child,
            stdin,
            responses,
        }
    }

    /// One request, one response line (parsed, with a boolean `ok`), within the timeout.
    fn call(&mut self, request: &Value) -> Map<String, Value> {
        let op = request["op"].as_str().unwrap_or("?").to_owned();
        let stdin = self.stdin.as_mut().expect("the peer's stdin is open");
        let mut line = serde_json::to_string(request).expect("requests serialise");
        line.push('\n');
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("sending `{op}` to the Python peer: {e}"));
        let text = match self.responses.recv_timeout(REQUEST_TIMEOUT) {
            Ok(Ok(text)) => text,
            Ok(Err(why)) => panic!("the Python peer gave no answer to `{op}`: {why}"),
            Err(RecvTimeoutError::Timeout) => {
                panic!("the Python peer did not answer `{op}` within {REQUEST_TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the Python peer's reader stopped before answering `{op}`")
            }
        };
        let response: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the peer's answer to `{op}` is not JSON ({e}): {text}"));
        let Value::Object(response) = response else {
            panic!("the peer's answer to `{op}` is not an object: {text}");
        };
        assert!(
            response.get("ok").is_some_and(Value::is_boolean),
            "the peer's answer to `{op}` has no boolean `ok`: {text}"
        );
        response
    }

    /// A request that must succeed.
    fn ok(&mut self, request: &Value) -> Map<String, Value> {
        let response = self.call(request);
        assert_eq!(
            response["ok"], true,
            "the Python peer refused `{}`: {}",
            request["op"], response["error"]
        );
        response
    }

    /// A request that must be refused with an exception of class `class`; the text after it.
    fn refused(&mut self, request: &Value, class: &str) -> String {
        let response = self.call(request);
        assert_eq!(
            response["ok"], false,
            "the Python peer accepted `{}`, expected {class}",
            request["op"]
        );
        let error = response["error"]
            .as_str()
            .expect("a refusal carries an error");
        let text = error
            .strip_prefix(class)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or_else(|| panic!("the Python peer refused with `{error}`, expected {class}"));
        text.to_owned()
    }

    /// Ends the peer cleanly: `quit` is answered and the process exits with status 0.
    fn quit(mut self) {
        let response = self.call(&json!({"op": "quit"}));
        assert_eq!(Value::Object(response), json!({"ok": true}));
        drop(self.stdin.take());
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        loop {
            match self.child.try_wait().expect("waiting for the peer") {
                Some(status) => {
                    assert!(status.success(), "the peer exited with {status}");
                    return;
                }
                None if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                None => panic!("the peer did not exit after `quit`"),
            }
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        // Already gone after a clean quit (then kill fails harmlessly); killed on a failed test.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Two replicas of one session.
// ---------------------------------------------------------------------------------------------

/// What both replicas must agree on at every step (and what a refusal must leave alone).
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    state: String,
    round_count: u64,
    prev_hash: String,
    transcript_length: u64,
}

/// A session replicated in Rust (`rust`, acting for `RUST_ID`) and in the Python peer
/// (acting for `PY_ID`).
struct Pair {
    sid: String,
    rust: Session,
    me: Identity,
    py: Peer,
}

fn identity(seed: [u8; 32]) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes(seed))
}

impl Pair {
    /// Starts the peer and creates the session on both sides. `rust_role` is the Rust agent's
    /// role; the Python agent takes the other one. Parties are registered initiator first on
    /// both sides.
    fn new(test: &str, rust_role: PartyRole, max_rounds: Option<u32>) -> Option<Pair> {
        let mut py = start_peer(test)?;
        let me = identity(RUST_SEED);
        let python_key = *identity(PY_SEED).public();
        let init = py.ok(&json!({
            "op": "init",
            "seed_hex": sanctuary_core::encoding::hex_encode(&PY_SEED),
            "agent_id": PY_ID,
        }));
        // Same seed, same key, same text: key derivation and key encoding agree.
        assert_eq!(init["public_key_b64"], wire::encode_public_key(&python_key));
        assert_eq!(
            wire::decode_public_key(init["public_key_b64"].as_str().expect("a key"))
                .expect("the peer's key decodes"),
            python_key
        );

        let py_role = match rust_role {
            PartyRole::Initiator => PartyRole::Responder,
            _ => PartyRole::Initiator,
        };
        let mut parties = vec![
            (RUST_ID, rust_role, *me.public()),
            (PY_ID, py_role, python_key),
        ];
        parties.sort_by_key(|(_, role, _)| *role != PartyRole::Initiator);

        let sid = format!("ses_interop_{test}");
        let mut timing = TimingConfig::default();
        if let Some(max) = max_rounds {
            timing.max_rounds = max;
        }
        // The system clock, timing checks on: the peer stamps real wall-clock time.
        let mut rust = Session::builder(sid.clone()).timing(timing).build();
        assert!(rust.enforces_timing());
        for (agent, role, key) in &parties {
            rust.add_party(*agent, *role, *key)
                .expect("parties register once");
        }
        let created = py.ok(&json!({
            "op": "new_session",
            "session_id": sid,
            "max_rounds": max_rounds,
            "parties": parties.iter().map(|(agent, role, key)| json!({
                "agent_id": agent,
                "role": role.as_str(),
                "public_key_b64": wire::encode_public_key(key),
            })).collect::<Vec<_>>(),
        }));
        assert_eq!(created["state"], "proposed");
        assert_eq!(created["round_count"], 0);
        assert_eq!(created["prev_hash"], GENESIS_HASH);
        let mut pair = Pair { sid, rust, me, py };
        pair.sync();
        Some(pair)
    }

    /// A builder for the Rust agent's next message (chained to the Rust replica's tip).
    fn draft(&self, kind: MessageType) -> MessageBuilder {
        self.rust.builder_for(kind, RUST_ID)
    }

    /// Rust writes a message, applies it, and Python applies it too; both must agree.
    fn rust_sends(&mut self, builder: MessageBuilder) -> Message {
        let message = builder.sign(&self.me).expect("our message signs");
        self.deliver(message)
    }

    /// Rust applies its signed `message`, and Python applies it too; both must agree.
    fn deliver(&mut self, message: Message) -> Message {
        let hash = message.hash().expect("our message hashes");
        let state = self
            .rust
            .apply(message.clone())
            .unwrap_or_else(|e| panic!("Rust refused its own {}: {e}", message.message_type()));
        let received = self.py.ok(&json!({
            "op": "receive",
            "session_id": self.sid,
            "message": message.to_value(),
        }));
        assert_eq!(received["state"], state.as_str());
        assert_eq!(received["prev_hash"], hash.as_str());
        self.sync();
        message
    }

    /// Python writes a message (with `extra` request members: reasoning, ttl, ...), applies
    /// it, and Rust applies it too; both must agree. Returns the message as Python wrote it.
    fn py_sends(&mut self, kind: MessageType, body: Value, extra: Value) -> Value {
        let mut request = json!({
            "op": "send",
            "session_id": self.sid,
            "type": kind.as_str(),
            "body": body,
        });
        if let (Some(request), Value::Object(extra)) = (request.as_object_mut(), extra) {
            request.extend(extra);
        }
        let sent = self.py.ok(&request);
        let message = sent["message"].clone();
        let state = self
            .rust
            .apply_value(&message)
            .unwrap_or_else(|e| panic!("Rust refused Python's {kind}: {e}\n{message}"));
        assert_eq!(sent["state"], state.as_str());
        // Python's compute_hash, our hash of the parsed message, and the new tips: one value.
        let parsed = Message::from_value(message.clone()).expect("Python's message parses");
        assert_eq!(sent["hash"], parsed.hash().expect("it hashes").as_str());
        assert_eq!(sent["prev_hash"], sent["hash"]);
        assert_eq!(
            self.rust.prev_hash(),
            sent["hash"].as_str().expect("a hash")
        );
        self.sync();
        message
    }

    /// Python writes a message without applying it to its own replica.
    fn py_drafts(&mut self, kind: MessageType, body: Value) -> Value {
        let before = self.py_snapshot();
        let sent = self.py.ok(&json!({
            "op": "send",
            "session_id": self.sid,
            "type": kind.as_str(),
            "body": body,
            "apply": false,
        }));
        assert_eq!(self.py_snapshot(), before);
        sent["message"].clone()
    }

    /// The Python replica's state, with the transcript.
    fn py_state(&mut self) -> Map<String, Value> {
        self.py.ok(&json!({
            "op": "state",
            "session_id": self.sid,
            "include_transcript": true,
        }))
    }

    fn py_snapshot(&mut self) -> Snapshot {
        let state = self.py_state();
        Snapshot {
            state: state["state"].as_str().expect("a state").to_owned(),
            round_count: state["round_count"].as_u64().expect("a count"),
            prev_hash: state["prev_hash"].as_str().expect("a hash").to_owned(),
            transcript_length: state["transcript_length"].as_u64().expect("a length"),
        }
    }

    fn rust_snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.rust.state().as_str().to_owned(),
            round_count: u64::from(self.rust.round_count()),
            prev_hash: self.rust.prev_hash().to_owned(),
            transcript_length: u64::try_from(self.rust.transcript().len()).expect("fits"),
        }
    }

    /// Both replicas hold the same session: state, rounds, tip, the messages themselves,
    /// the term space and every party's behaviour record. Returns the common snapshot.
    fn sync(&mut self) -> Snapshot {
        let py = self.py_state();
        let rust = &self.rust;
        let ours = self.rust_snapshot();
        assert_eq!(py["state"], ours.state.as_str(), "state");
        assert_eq!(py["round_count"], ours.round_count, "round_count");
        assert_eq!(py["prev_hash"], ours.prev_hash.as_str(), "chain tip");
        assert_eq!(
            py["transcript_length"], ours.transcript_length,
            "transcript length"
        );
        assert_eq!(py["is_terminal"], rust.is_terminal(), "is_terminal");
        let transcript = py["transcript"].as_array().expect("a transcript");
        assert_eq!(transcript.len(), rust.transcript().len());
        for (index, (theirs, mine)) in transcript.iter().zip(rust.transcript()).enumerate() {
            assert_eq!(theirs, &mine.to_value(), "transcript message {index}");
        }
        validate_chain(rust.transcript()).expect("our transcript chains");
        match rust.transcript().last() {
            Some(last) => assert_eq!(ours.prev_hash, last.hash().expect("it hashes")),
            None => assert_eq!(ours.prev_hash, GENESIS_HASH),
        }
        let terms = rust
            .terms()
            .map_or(Value::Null, |t| Value::Object(t.clone()));
        assert_eq!(py["terms"], terms, "term space");
        let behaviors = py["behaviors"].as_object().expect("behaviour records");
        assert_eq!(behaviors.len(), rust.parties().count());
        for (agent, _) in rust.parties() {
            let record = rust.behavior(agent).expect("a party's record");
            assert_eq!(behaviors[agent], record.to_value(), "behaviour of {agent}");
        }
        ours
    }

    /// Rust refuses `message` through both entry points, with the same error, unchanged.
    fn rust_refuses(&mut self, message: &Value) -> SessionError {
        let before = self.rust_snapshot();
        let error = self
            .rust
            .apply_value(message)
            .expect_err("Rust must refuse this message");
        if let Ok(parsed) = Message::from_value(message.clone()) {
            let again = self
                .rust
                .apply(parsed)
                .expect_err("Rust must refuse this message");
            assert_eq!(again, error, "apply and apply_value disagree");
        }
        assert_eq!(
            self.rust_snapshot(),
            before,
            "a refusal changed the Rust replica"
        );
        error
    }

    /// Python refuses `message` with `class`, unchanged; returns its error text.
    fn py_refuses(&mut self, message: &Value, class: &str) -> String {
        let before = self.py_snapshot();
        let text = self.py.refused(
            &json!({"op": "receive", "session_id": self.sid, "message": message}),
            class,
        );
        assert_eq!(
            self.py_snapshot(),
            before,
            "a refusal changed the Python replica"
        );
        text
    }

    /// Checks the final state on both sides and ends the peer cleanly.
    fn finish_with_state(mut self, state: SessionState) -> Snapshot {
        let last = self.sync();
        assert_eq!(self.rust.state(), state);
        assert_eq!(last.state, state.as_str());
        self.py.quit();
        last
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies.
// ---------------------------------------------------------------------------------------------

/// The term space of every session here, written with the typed `Term`.
fn open_body() -> Value {
    let terms: Map<String, Value> = [
        Term::new("price", TermType::Numeric, "Unit price")
            .with_unit("USD")
            .with_constraint("min", json!(0)),
        Term::new("qty", TermType::Numeric, "Quantity").with_constraint("max", json!(100)),
        Term::new("delivery", TermType::Categorical, "Delivery")
            .with_constraint("options", json!(["standard", "express"])),
    ]
    .into_iter()
    .map(|t| (t.id.clone(), Value::Object(t.to_definition())))
    .collect();
    json!({"terms": terms})
}

fn terms(price: i64, qty: i64) -> Terms {
    Terms::from([
        (
            "price".to_owned(),
            TermEntry::new(json!(price)).with("currency", json!("USD")),
        ),
        ("qty".to_owned(), TermEntry::new(json!(qty))),
        ("delivery".to_owned(), TermEntry::new(json!("standard"))),
    ])
}

fn basic(offer_id: &str, price: i64, qty: i64) -> Value {
    Value::Object(BasicOffer::with_id(offer_id, terms(price, qty)).to_body())
}

fn in_an_hour() -> String {
    let now = Timestamp::now();
    wire::format_timestamp(
        now.checked_add(Duration::from_secs(3600))
            .expect("an hour from now is representable"),
    )
}

/// The first base64 character moved along its alphabet: the decoded bytes change.
fn flip_signature(message: &Value) -> Value {
    let mut tampered = message.clone();
    let signature = message["signature"].as_str().expect("a signature");
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let first = signature.chars().next().expect("a non-empty signature");
    let at = ALPHABET.find(first).expect("a base64url signature");
    let replacement = ALPHABET
        .chars()
        .cycle()
        .nth(at + 1)
        .expect("the alphabet cycles");
    tampered["signature"] = json!(format!("{replacement}{}", &signature[1..]));
    tampered
}

// ---------------------------------------------------------------------------------------------
// Scenarios.
// ---------------------------------------------------------------------------------------------

/// Scenario 1: Rust opens, Python responds; offers and counters both ways; Python accepts.
#[test]
fn rust_opens_and_python_agrees() {
    let Some(mut s) = Pair::new("rust_opens", PartyRole::Initiator, None) else {
        return;
    };
    s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    s.py_sends(MessageType::AcceptSession, json!({}), json!({}));
    let offer = s.rust_sends(
        s.draft(MessageType::Offer)
            .body(basic("offer_r1", 1000, 10))
            .reasoning("list price"),
    );
    s.py_sends(
        MessageType::Counter,
        basic("offer_p1", 800, 12),
        json!({"in_reply_to": offer.id(), "reasoning": "volume discount"}),
    );
    s.rust_sends(
        s.draft(MessageType::Counter)
            .body(basic("offer_r2", 900, 12)),
    );
    s.py_sends(
        MessageType::Accept,
        json!({"offer_id": "offer_r2"}),
        json!({}),
    );
    let end = s.finish_with_state(SessionState::Agreed);
    assert_eq!(end.round_count, 3);
    assert_eq!(end.transcript_length, 6);
}

/// Scenario 2: Python opens, Rust responds, with every optional envelope member both ways.
#[test]
fn python_opens_and_rust_agrees() {
    let Some(mut s) = Pair::new("python_opens", PartyRole::Responder, None) else {
        return;
    };
    let open = s.py_sends(MessageType::Open, open_body(), json!({"ttl": 600}));
    s.rust_sends(
        s.draft(MessageType::AcceptSession)
            .to(AgentRef::new(PY_ID))
            .in_reply_to(open["id"].as_str().expect("an id")),
    );
    let mut first = BasicOffer::with_id("offer_p1", terms(1200, 10));
    first.valid_until = Some(in_an_hour());
    let offer = s.py_sends(
        MessageType::Offer,
        Value::Object(first.to_body()),
        json!({"recipients": [RUST_ID], "ttl": 900, "reasoning": "opening"}),
    );
    s.rust_sends(
        s.draft(MessageType::Signal)
            .body(json!({"signal_type": "priority", "content": {"price": "high"}})),
    );
    s.rust_sends(
        s.draft(MessageType::Counter)
            .body(basic("offer_r1", 1000, 10))
            .in_reply_to(offer["id"].as_str().expect("an id"))
            .ttl(900)
            .reasoning("budget"),
    );
    s.py_sends(
        MessageType::Constrain,
        json!({"constraints": [{"term": "qty", "min": 5}]}),
        json!({}),
    );
    s.py_sends(MessageType::Offer, basic("offer_p2", 1100, 10), json!({}));
    s.rust_sends(
        s.draft(MessageType::Accept)
            .body(json!({"offer_id": "offer_p2"})),
    );
    let end = s.finish_with_state(SessionState::Agreed);
    assert_eq!(end.round_count, 3);
    assert_eq!(end.transcript_length, 8);
}

/// Scenario 3: a conditional counter written with `ConditionalOffer`, accepted by Python.
#[test]
fn a_conditional_counter_is_accepted() {
    let Some(mut s) = Pair::new("conditional", PartyRole::Initiator, None) else {
        return;
    };
    s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    s.py_sends(MessageType::AcceptSession, json!({}), json!({}));
    s.py_sends(MessageType::Offer, basic("offer_p1", 950, 10), json!({}));
    let mut big = Map::new();
    big.insert("qty".to_owned(), json!(20));
    let mut small = Map::new();
    small.insert("qty".to_owned(), json!(10));
    let conditional = ConditionalOffer::with_id(
        "offer_cond",
        vec![
            Condition::new(big, terms(850, 20)),
            Condition::new(small, terms(920, 10)),
        ],
    );
    let counter = s.rust_sends(
        s.draft(MessageType::Counter)
            .body(Value::Object(conditional.to_body()))
            .reasoning("cheaper in bulk"),
    );
    // Python's copy of the counter reads back as the same conditional offer.
    let py_copy = s.py_state()["transcript"][3]["body"].clone();
    assert_eq!(py_copy, counter.to_value()["body"]);
    let read = ConditionalOffer::from_body(py_copy.as_object().expect("a body"))
        .expect("the body reads back");
    assert_eq!(read, conditional);
    assert!(matches!(
        Offer::from_body(py_copy.as_object().expect("a body")),
        Ok(Offer::Conditional(_))
    ));
    s.py_sends(
        MessageType::Accept,
        json!({"offer_id": "offer_cond"}),
        json!({}),
    );
    let end = s.finish_with_state(SessionState::Agreed);
    assert_eq!(end.round_count, 2);
    assert_eq!(end.transcript_length, 5);
}

/// Scenario 4: rejections (a reject and a declined session) end REJECTED on both sides, and
/// nothing further is admitted by either.
#[test]
fn rejections_end_rejected_on_both_sides() {
    let Some(mut s) = Pair::new("reject", PartyRole::Responder, None) else {
        return;
    };
    s.py_sends(MessageType::Open, open_body(), json!({}));
    s.rust_sends(s.draft(MessageType::AcceptSession));
    s.py_sends(MessageType::Offer, basic("offer_p1", 2000, 10), json!({}));
    s.rust_sends(
        s.draft(MessageType::Reject)
            .body(json!({"reason": "price far above budget"}))
            .reasoning("no deal"),
    );
    assert_eq!(s.sync().state, "rejected");

    // After the end: Python's offer refused by Rust, Rust's accept refused by Python, with the
    // same text.
    let late = s.py_drafts(MessageType::Offer, basic("offer_p2", 1500, 10));
    let ours = s.rust_refuses(&late);
    assert_eq!(
        ours,
        SessionError::IllegalTransition {
            kind: MessageType::Offer,
            state: SessionState::Rejected
        }
    );
    let accept = s.draft(MessageType::Accept).sign(&s.me).expect("signs");
    let ours = s.rust_refuses(&accept.to_value());
    let theirs = s.py_refuses(&accept.to_value(), "InvalidTransitionError");
    assert_eq!(theirs, ours.to_string());
    assert_eq!(theirs, "Cannot apply negotiate.accept in state rejected");
    let end = s.finish_with_state(SessionState::Rejected);
    assert_eq!((end.round_count, end.transcript_length), (1, 4));

    // A session declined by its responder.
    let Some(mut s) = Pair::new("decline", PartyRole::Initiator, None) else {
        return;
    };
    s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    s.py_sends(
        MessageType::DeclineSession,
        json!({"reason": "not interested"}),
        json!({}),
    );
    let end = s.finish_with_state(SessionState::Rejected);
    assert_eq!((end.round_count, end.transcript_length), (0, 2));
}

/// Scenario 5: `max_rounds` = 3. The offer over the cap is refused by the receiver in both
/// directions (and by its own author), neither replica changes, and the session can still
/// conclude.
#[test]
fn max_rounds_is_enforced_in_both_directions() {
    let Some(mut s) = Pair::new("max_rounds", PartyRole::Initiator, Some(3)) else {
        return;
    };
    assert_eq!(s.rust.timing().max_rounds, 3);
    s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    s.py_sends(MessageType::AcceptSession, json!({}), json!({}));
    s.rust_sends(
        s.draft(MessageType::Offer)
            .body(basic("offer_r1", 1000, 10)),
    );
    s.py_sends(MessageType::Counter, basic("offer_p1", 800, 10), json!({}));
    s.rust_sends(
        s.draft(MessageType::Counter)
            .body(basic("offer_r2", 950, 10)),
    );
    let at_cap = s.sync();
    assert_eq!(at_cap.round_count, 3);
    let expected =
        "Session has reached its max_rounds limit (3); no further offers or counters are accepted";

    // Python's fourth round, written without applying it: Rust refuses it.
    let over = s.py_drafts(MessageType::Counter, basic("offer_p2", 850, 10));
    let ours = s.rust_refuses(&over);
    assert_eq!(ours, SessionError::MaxRounds { max_rounds: 3 });
    assert_eq!(ours.to_string(), expected);
    // And Python refuses it too, when asked to apply it.
    let theirs = s.py_refuses(&over, "MaxRoundsExceededError");
    assert_eq!(theirs, expected);
    let own = s.py.refused(
        &json!({"op": "send", "session_id": s.sid, "type": "negotiate.offer",
                "body": basic("offer_p3", 860, 10)}),
        "MaxRoundsExceededError",
    );
    assert_eq!(own, expected);

    // Rust's fourth round: Rust refuses it itself, Python refuses it with the same text.
    let over = s
        .draft(MessageType::Offer)
        .body(basic("offer_r3", 940, 10))
        .sign(&s.me)
        .expect("signs");
    assert_eq!(
        s.rust_refuses(&over.to_value()),
        SessionError::MaxRounds { max_rounds: 3 }
    );
    let theirs = s.py_refuses(&over.to_value(), "MaxRoundsExceededError");
    assert_eq!(theirs, expected);
    assert_eq!(s.sync(), at_cap);

    // Non-round messages still flow; the session concludes at three rounds.
    s.py_sends(
        MessageType::Inquire,
        json!({"question": "final?"}),
        json!({}),
    );
    s.py_sends(
        MessageType::Accept,
        json!({"offer_id": "offer_r2"}),
        json!({}),
    );
    let end = s.finish_with_state(SessionState::Agreed);
    assert_eq!((end.round_count, end.transcript_length), (3, 7));
}

/// Scenario 7: tampered signatures, wrong chain links and foreign session ids, produced by
/// either side, are refused by both with the matching error, and change nothing.
#[test]
fn tampering_from_either_side_is_refused() {
    let Some(mut s) = Pair::new("tamper", PartyRole::Initiator, None) else {
        return;
    };
    let open = s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    let accepted = s.py_sends(MessageType::AcceptSession, json!({}), json!({}));
    let before = s.sync();

    // Python-produced bad messages (the peer's `tamper` op), refused by Rust and by Python.
    let genuine = s.py_drafts(MessageType::Offer, basic("offer_p1", 1000, 10));
    let tamper = |s: &mut Pair, message: &Value, how: &str| -> Value {
        let out =
            s.py.ok(&json!({"op": "tamper", "message": message, "how": how}));
        assert_eq!(out["resigned"], how != "signature");
        assert_ne!(&out["message"], message);
        out["message"].clone()
    };

    let bad = tamper(&mut s, &genuine, "signature");
    assert_ne!(bad["signature"], genuine["signature"]);
    let ours = s.rust_refuses(&bad);
    assert_eq!(
        ours,
        SessionError::InvalidSignature {
            agent_id: PY_ID.to_owned()
        }
    );
    assert_eq!(
        s.py_refuses(&bad, "InvalidSignatureError"),
        ours.to_string()
    );

    let bad = tamper(&mut s, &genuine, "prev_hash");
    let forged = bad["prev_hash"].as_str().expect("a hash").to_owned();
    assert_ne!(forged, s.rust.prev_hash());
    wire::check_sha256_ref(&forged).expect("still a well-formed hash");
    let ours = s.rust_refuses(&bad);
    assert_eq!(ours, SessionError::BrokenChain { found: forged });
    assert_eq!(s.py_refuses(&bad, "ChainIntegrityError"), ours.to_string());

    let bad = tamper(&mut s, &genuine, "session_id");
    let ours = s.rust_refuses(&bad);
    assert_eq!(
        ours,
        SessionError::SessionMismatch {
            found: format!("{}-other", s.sid)
        }
    );
    assert_eq!(s.py_refuses(&bad, "SessionBindingError"), ours.to_string());

    // A replay of Python's accept_session (already in the transcript) breaks the chain.
    let ours = s.rust_refuses(&accepted);
    assert!(matches!(ours, SessionError::BrokenChain { .. }), "{ours:?}");
    assert_eq!(
        s.py_refuses(&accepted, "ChainIntegrityError"),
        ours.to_string()
    );

    // The genuine message is admitted by both: the refusals were for the tampering.
    assert_eq!(s.sync(), before);
    s.rust
        .apply_value(&genuine)
        .expect("Rust admits the genuine offer");
    s.py.ok(&json!({"op": "receive", "session_id": s.sid, "message": genuine}));
    let before = s.sync();
    assert_eq!(before.round_count, 1);

    // Rust-produced bad messages, refused by Python and by Rust.
    let counter = || basic("offer_r1", 900, 10);
    let genuine = s
        .draft(MessageType::Counter)
        .body(counter())
        .sign(&s.me)
        .expect("signs");

    let bad = flip_signature(&genuine.to_value());
    let ours = s.rust_refuses(&bad);
    assert_eq!(
        ours,
        SessionError::InvalidSignature {
            agent_id: RUST_ID.to_owned()
        }
    );
    assert_eq!(
        s.py_refuses(&bad, "InvalidSignatureError"),
        ours.to_string()
    );
    // The peer's own signature tampering of a Rust message, too.
    let bad = tamper(&mut s, &genuine.to_value(), "signature");
    assert_eq!(s.rust_refuses(&bad), ours);
    assert_eq!(
        s.py_refuses(&bad, "InvalidSignatureError"),
        ours.to_string()
    );
    // Content changed under a valid-looking signature.
    let mut bad = genuine.to_value();
    bad["body"]["terms"]["price"]["value"] = json!(1);
    assert_eq!(s.rust_refuses(&bad), ours);
    assert_eq!(
        s.py_refuses(&bad, "InvalidSignatureError"),
        ours.to_string()
    );

    for forged in [
        GENESIS_HASH.to_owned(),
        format!("sha256:{}", "ab".repeat(32)),
    ] {
        let bad = s
            .draft(MessageType::Counter)
            .body(counter())
            .prev_hash(forged.clone())
            .sign(&s.me)
            .expect("signs");
        let ours = s.rust_refuses(&bad.to_value());
        assert_eq!(ours, SessionError::BrokenChain { found: forged });
        assert_eq!(
            s.py_refuses(&bad.to_value(), "ChainIntegrityError"),
            ours.to_string()
        );
    }

    let foreign = format!("{}-foreign", s.sid);
    let bad = MessageBuilder::new(MessageType::Counter, foreign.clone(), RUST_ID)
        .prev_hash(s.rust.prev_hash())
        .body(counter())
        .sign(&s.me)
        .expect("signs");
    let ours = s.rust_refuses(&bad.to_value());
    assert_eq!(ours, SessionError::SessionMismatch { found: foreign });
    assert_eq!(
        s.py_refuses(&bad.to_value(), "SessionBindingError"),
        ours.to_string()
    );

    // A replay of Rust's open.
    let ours = s.rust_refuses(&open.to_value());
    assert!(matches!(ours, SessionError::BrokenChain { .. }), "{ours:?}");
    assert_eq!(
        s.py_refuses(&open.to_value(), "ChainIntegrityError"),
        ours.to_string()
    );

    assert_eq!(s.sync(), before);
    s.deliver(genuine);
    s.py_sends(MessageType::Accept, json!({}), json!({}));
    let end = s.finish_with_state(SessionState::Agreed);
    assert_eq!((end.round_count, end.transcript_length), (2, 5));
}

// ---------------------------------------------------------------------------------------------
// Scenario 6: bilateral receipts.
// ---------------------------------------------------------------------------------------------

/// An attestation without any signature: every `signature` member (the party signatures) and
/// the `countersignatures` map removed. Two issuers of the same session and issuance data
/// must agree on this exactly.
fn unsigned(attestation: &Value) -> Value {
    let mut out = wire::strip_signatures_recursive(attestation);
    if let Some(map) = out.as_object_mut() {
        map.remove("countersignatures");
    }
    out
}

/// The Rust replica as the attestation module reads a concluded session.
fn concluded(rust: &Session, duration_seconds: u64) -> ConcludedSession<'_> {
    let view = rust.attestation_view();
    ConcludedSession {
        session_id: view.session_id.to_owned(),
        state: view.state,
        parties: view
            .parties
            .iter()
            .map(|p| ConcludedParty::new(p.agent_id(), p.role(), *p.behavior()))
            .collect(),
        transcript: view.transcript,
        terms_count: view.terms_count,
        round_count: view.round_count,
        duration_seconds,
    }
}

impl Pair {
    fn keys(&self) -> BTreeMap<String, PublicKey> {
        BTreeMap::from([
            (RUST_ID.to_owned(), *self.me.public()),
            (PY_ID.to_owned(), *identity(PY_SEED).public()),
        ])
    }

    /// Python's `verify_attestation` against its own replica's transcript.
    fn py_verifies(&mut self, attestation: &Value) -> Map<String, Value> {
        let keys: Map<String, Value> = self
            .keys()
            .iter()
            .map(|(id, key)| (id.clone(), json!(wire::encode_public_key(key))))
            .collect();
        self.py.ok(&json!({
            "op": "verify_attestation",
            "attestation": attestation,
            "public_keys": keys,
            "session_id": self.sid,
        }))
    }

    /// Python's `verify_attestation_countersignature` of `agent`'s countersignature.
    fn py_countersignature_valid(&mut self, attestation: &Value, agent: &str) -> bool {
        let key = self.keys()[agent];
        let response = self.py.ok(&json!({
            "op": "verify_countersignature",
            "attestation": attestation,
            "countersignature": attestation["countersignatures"][agent],
            "public_key_b64": wire::encode_public_key(&key),
        }));
        response["valid"].as_bool().expect("a boolean")
    }

    /// Our full verification: schema, privacy, both party signatures, both
    /// countersignatures, set binding against our transcript, validity and freshness.
    fn rust_verifies(&self, attestation: &Value) -> Result<VerifiedAttestation, AttestationError> {
        let keys = self.keys();
        attestation::verify(
            attestation,
            &VerifyOptions::new(&keys, &SystemClock).transcript(self.rust.transcript()),
        )
    }

    /// Both sides accept a completed attestation, with both parties' signatures.
    fn both_accept(&mut self, attestation: &Value) {
        let ours = self
            .rust_verifies(attestation)
            .unwrap_or_else(|e| panic!("Rust refused the attestation: {e}\n{attestation:#}"));
        assert_eq!(ours.verified_parties, [RUST_ID, PY_ID]);
        assert_eq!(ours.outcome_binding, OutcomeBinding::Bound);
        assert_eq!(ours.set_binding, SetBinding::BoundToTranscript);
        assert!(ours.fresh);
        let theirs = self.py_verifies(attestation);
        assert_eq!(theirs["valid"], true, "Python refused: {theirs:?}");
        assert_eq!(theirs["errors"], json!([]));
        assert_eq!(theirs["verified_parties"], json!([RUST_ID, PY_ID]));
        assert_eq!(theirs["set_binding_state"], "bound");
        for agent in [RUST_ID, PY_ID] {
            assert!(
                self.py_countersignature_valid(attestation, agent),
                "{agent}"
            );
            let key = self.keys()[agent];
            attestation::verify_countersignature(
                attestation,
                attestation["countersignatures"][agent]
                    .as_str()
                    .expect("a countersignature"),
                &key,
            )
            .unwrap_or_else(|e| panic!("countersignature of {agent}: {e}"));
        }
    }
}

/// Scenario 6: each side issues the receipt of an agreed session with only its own key; the
/// other verifies it against its own replica, signs and countersigns it, and both accept the
/// completed receipt. Issued from the same data, the two receipts are byte-identical.
#[test]
fn bilateral_receipts_are_issued_verified_and_countersigned_both_ways() {
    let Some(mut s) = Pair::new("receipts", PartyRole::Initiator, None) else {
        return;
    };
    s.rust_sends(s.draft(MessageType::Open).body(open_body()));
    s.py_sends(MessageType::AcceptSession, json!({}), json!({}));
    s.rust_sends(
        s.draft(MessageType::Offer)
            .body(basic("offer_r1", 1000, 10))
            .reasoning("opening position"),
    );
    s.py_sends(
        MessageType::Counter,
        basic("offer_p1", 850, 10),
        json!({"reasoning": "market rate is lower"}),
    );
    s.py_sends(
        MessageType::Signal,
        json!({"signal_type": "urgency"}),
        json!({}),
    );
    s.rust_sends(
        s.draft(MessageType::Counter)
            .body(basic("offer_r2", 920, 10)),
    );
    s.py_sends(
        MessageType::Accept,
        json!({"offer_id": "offer_r2"}),
        json!({}),
    );
    assert_eq!(s.sync().state, "agreed");
    let (rust_at, py_at) = (0, 1); // party order: the initiator (Rust) first

    // --- Python issues (holding only its own key); Rust checks, signs and countersigns. ----
    let issued = s.py.ok(&json!({
        "op": "attest",
        "session_id": s.sid,
        "category": "electronics.cameras",
        "value_range": "1000-5000_USD",
    }))["attestation"]
        .clone();
    assert_eq!(issued["concordia_attestation"], "0.3.0");
    // What Python attests is what the Rust replica saw.
    assert_eq!(issued["session_id"], s.sid.as_str());
    assert_eq!(issued["transcript_hash"], s.rust.transcript_hash().as_str());
    assert_eq!(issued["chain_head"], s.rust.prev_hash());
    assert_eq!(issued["message_count"], s.rust.transcript().len());
    assert_eq!(
        issued["outcome"]["status"],
        s.rust.state().as_str(),
        "outcome status"
    );
    assert_eq!(issued["outcome"]["rounds"], s.rust.round_count());
    assert_eq!(issued["outcome"]["terms_count"], 3);
    for (index, (agent, role)) in s.rust.parties().enumerate() {
        let party = &issued["parties"][index];
        assert_eq!(party["agent_id"], agent);
        assert_eq!(party["role"], role.as_str());
        assert_eq!(
            party["behavior"],
            s.rust.behavior(agent).expect("a party").to_value()
        );
    }
    let py_duration = issued["outcome"]["duration_seconds"]
        .as_u64()
        .expect("a duration");
    assert!(py_duration.abs_diff(s.rust.duration_seconds()) <= 1);
    // Python signed its own party record and countersigned; Rust's slots are empty.
    assert_eq!(issued["parties"][rust_at]["signature"], "");
    let py_key = s.keys()[PY_ID];
    attestation::verify_party_signature(
        issued["parties"][py_at].as_object().expect("a party"),
        &py_key,
    )
    .expect("Python's party signature verifies in Rust");
    attestation::verify_countersignature(
        &issued,
        issued["countersignatures"][PY_ID]
            .as_str()
            .expect("a countersignature"),
        &py_key,
    )
    .expect("Python's countersignature verifies in Rust");
    assert_eq!(
        s.rust_verifies(&issued)
            .expect_err("not yet signed by Rust"),
        AttestationError::MissingPartySignature {
            agent_id: RUST_ID.to_owned()
        }
    );
    let mut from_python = issued.clone();
    attestation::sign_as_party(&mut from_python, RUST_ID, &s.me).expect("Rust signs");
    assert_eq!(unsigned(&from_python), unsigned(&issued));
    s.both_accept(&from_python);

    // --- Rust issues from the same data (id, time, duration): the same receipt. ------------
    let options = GenerateOptions {
        version: AttestationVersion::V0_3,
        category: Some("electronics.cameras".to_owned()),
        value_range: Some("1000-5000_USD".to_owned()),
        attestation_id: Some(issued["attestation_id"].as_str().expect("an id").to_owned()),
        issued_at: Some(
            Timestamp::parse_rfc3339(issued["timestamp"].as_str().expect("a timestamp"))
                .expect("Python's timestamp reads"),
        ),
        ..GenerateOptions::default()
    };
    let ours = attestation::generate(
        &concluded(&s.rust, py_duration),
        &[(RUST_ID, &s.me as &dyn Signer)],
        &options,
    )
    .expect("Rust issues");
    assert_eq!(unsigned(&ours), unsigned(&issued), "generation differs");
    assert_eq!(
        wire::canonical(&unsigned(&ours)).expect("canonical"),
        wire::canonical(&unsigned(&issued)).expect("canonical")
    );
    assert_eq!(ours["parties"][py_at]["signature"], "");
    // Python: Rust's signatures verify; the receipt is incomplete until Python signs.
    assert!(s.py_countersignature_valid(&ours, RUST_ID));
    let partial = s.py_verifies(&ours);
    assert_eq!(partial["valid"], false);
    assert_eq!(
        partial["errors"],
        json!([format!("parties[{py_at}] ('{PY_ID}') missing signature")])
    );
    assert_eq!(partial["verified_parties"], json!([RUST_ID]));
    let signed = s.py.ok(&json!({"op": "countersign", "attestation": ours}));
    assert_eq!(signed["agent_id"], PY_ID);
    let from_rust = signed["attestation"].clone();
    assert_eq!(unsigned(&from_rust), unsigned(&ours));
    // Ed25519 is deterministic: completed either way round, the receipts are identical.
    assert_eq!(from_rust, from_python);
    s.both_accept(&from_rust);

    // --- Rust issues a current-version (0.5.0) receipt on its own; Python completes it. -----
    let current = attestation::generate(
        &concluded(&s.rust, s.rust.duration_seconds()),
        &[(RUST_ID, &s.me as &dyn Signer)],
        &GenerateOptions::default(),
    )
    .expect("Rust issues");
    assert_eq!(current["concordia_attestation"], "0.5.0");
    assert!(current["validity_temporal"].is_object());
    assert!(s.py_countersignature_valid(&current, RUST_ID));
    let signed =
        s.py.ok(&json!({"op": "countersign", "attestation": current}));
    let completed = signed["attestation"].clone();
    assert_eq!(unsigned(&completed), unsigned(&current));
    s.both_accept(&completed);

    // --- Tampered receipts are refused. ------------------------------------------------------
    // The outcome (covered by the countersignatures only).
    let mut bad = from_python.clone();
    bad["outcome"]["rounds"] = json!(1);
    assert_eq!(
        s.rust_verifies(&bad).expect_err("tampered outcome"),
        AttestationError::BadCountersignature {
            agent_id: RUST_ID.to_owned()
        }
    );
    assert!(!s.py_countersignature_valid(&bad, RUST_ID));
    assert!(!s.py_countersignature_valid(&bad, PY_ID));
    // A behaviour record (covered by that party's signature too).
    let mut bad = from_python.clone();
    assert_eq!(bad["parties"][py_at]["behavior"]["offers_made"], 1);
    bad["parties"][py_at]["behavior"]["offers_made"] = json!(7);
    assert_eq!(
        s.rust_verifies(&bad).expect_err("tampered behaviour"),
        AttestationError::BadPartySignature {
            agent_id: PY_ID.to_owned()
        }
    );
    let theirs = s.py_verifies(&bad);
    assert_eq!(theirs["valid"], false);
    assert_eq!(
        theirs["signature_errors"],
        json!([format!("parties[{py_at}] ('{PY_ID}') invalid signature")])
    );
    // A receipt for another transcript: a chain head that is not this session's tip.
    let mut bad = from_python.clone();
    bad["chain_head"] = json!(s.rust.transcript()[0].hash().expect("it hashes"));
    assert!(s.rust_verifies(&bad).is_err());
    let keys = s.keys();
    assert_eq!(
        attestation::verify(
            &bad,
            &VerifyOptions::new(&keys, &SystemClock)
                .transcript(s.rust.transcript())
                .without_countersignatures()
        )
        .expect_err("chain head mismatch"),
        AttestationError::SetBinding(SetBindingError::ChainHeadMismatch)
    );
    let theirs = s.py_verifies(&bad);
    assert_eq!(theirs["valid"], false);
    assert_eq!(theirs["set_binding_state"], "error");
    // A countersignature moved to the other party.
    let mut bad = from_python.clone();
    bad["countersignatures"][RUST_ID] = from_python["countersignatures"][PY_ID].clone();
    assert_eq!(
        s.rust_verifies(&bad).expect_err("swapped countersignature"),
        AttestationError::BadCountersignature {
            agent_id: RUST_ID.to_owned()
        }
    );
    assert!(!s.py_countersignature_valid(&bad, RUST_ID));

    s.finish_with_state(SessionState::Agreed);
}
