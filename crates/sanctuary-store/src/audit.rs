//! The audit log: append-only, every entry encrypted, a hash chain over the ciphertext, signed
//! checkpoints every [`CHECKPOINT_EVERY`] records and a signed head.
//!
//! A home directory keeps it in `audit/`:
//!
//! ```text
//! header  "SNCTAUD1" ‖ log id (16, = store id) ‖ Ed25519 public key of the store (32)
//! log     record*,   record = body length (4, big-endian) ‖ body
//!         body       = kind (1) ‖ position (8) ‖ previous chain hash (32) ‖ payload
//!         kind 1     entry:      payload = AES-256-GCM(audit key, event as JSON),
//!                                AAD = label ‖ log id ‖ position
//!         kind 2     checkpoint: payload = Ed25519 signature over (log id, position, chain)
//!         chain hash of a record = SHA-256(label ‖ body); the first record's previous is zeros
//! head    count (8) ‖ chain hash of the last record (32) ‖ Ed25519 signature over them
//! ```
//!
//! Signatures use `sanctuary_core::sign` (purposes `audit-checkpoint` and `audit-head`) over
//! `{"log": hex, "count": decimal, "chain": "sha256:…"}`.
//!
//! [`verify_audit_log`] checks a log directory with no key but the store's public identity:
//! a modified, deleted or reordered record breaks the chain or the positions; a truncated log
//! no longer reaches its signed head. Records after the signed head (a crash between the two
//! writes, or an appended forgery) are reported as unsigned: the writer, which can decrypt
//! them, signs them again when the home reopens only if they are genuine.
//!
//! Residual: an attacker who replaces the log *and* its head with an older genuine copy rolls
//! the log back; as for the store, only an anchor kept elsewhere (the head's count and chain)
//! detects that.

use crate::crypto::{self, Key32};
use crate::labels;
use rand_core::OsRng;
use sanctuary_core::audit::{AuditError, AuditEvent};
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::identity::{Identity, PublicKey, Signature};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The audit directory inside a home.
pub const AUDIT_DIR: &str = "audit";
const HEADER_FILE: &str = "header";
const LOG_FILE: &str = "log";
const HEAD_FILE: &str = "head";
const HEADER_MAGIC: &[u8; 8] = b"SNCTAUD1";
/// A signed checkpoint follows every this many records.
pub const CHECKPOINT_EVERY: u64 = 64;
/// The largest record body accepted when reading (an event is far smaller).
const MAX_BODY: usize = 1 << 20;

const KIND_ENTRY: u8 = 1;
const KIND_CHECKPOINT: u8 = 2;

fn chain_hash(body: &[u8]) -> [u8; 32] {
    *Digest::sha256_parts(&[labels::AUDIT_CHAIN, body]).as_bytes()
}

fn signed_body(log_id: &[u8; 16], count: u64, chain: &[u8; 32]) -> serde_json::Value {
    serde_json::json!({
        "log": hex_encode(log_id),
        "count": count.to_string(),
        "chain": Digest::from_bytes(*chain).to_string(),
    })
}

/// One record as parsed from the log.
#[derive(Debug)]
struct Record<'a> {
    kind: u8,
    position: u64,
    previous: [u8; 32],
    payload: &'a [u8],
    chain: [u8; 32],
}

/// Splits a log into records; stops at the first malformed or torn one and says where.
fn parse(log: &[u8]) -> (Vec<Record<'_>>, Option<usize>) {
    let mut records = Vec::new();
    let mut rest = log;
    let mut offset = 0usize;
    while !rest.is_empty() {
        let parsed = (|| {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
            if len > MAX_BODY {
                return None;
            }
            let (body, tail) = tail.split_at_checked(len)?;
            let (&kind, after) = body.split_first()?;
            let (position, after) = after.split_first_chunk::<8>()?;
            let (previous, payload) = after.split_first_chunk::<32>()?;
            Some((
                Record {
                    kind,
                    position: u64::from_be_bytes(*position),
                    previous: *previous,
                    payload,
                    chain: chain_hash(body),
                },
                tail,
                4 + len,
            ))
        })();
        match parsed {
            Some((record, tail, used)) => {
                records.push(record);
                rest = tail;
                offset += used;
            }
            None => return (records, Some(offset)),
        }
    }
    (records, None)
}

/// What [`verify_audit_log`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries (events) in the log.
    pub entries: u64,
    /// Checkpoints in the log.
    pub checkpoints: u64,
    /// The record count the signed head vouches for.
    pub head_count: u64,
    /// The first thing wrong, if anything.
    pub first_problem: Option<AuditProblem>,
}

impl AuditReport {
    /// Whether the log verified completely.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.first_problem.is_none()
    }
}

/// The first bad place in a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditProblem {
    /// The position of the first record that is wrong (or the log's length, for truncation).
    pub position: u64,
    /// What is wrong.
    pub kind: AuditProblemKind,
}

/// The kinds of [`AuditProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditProblemKind {
    /// The header is missing, malformed, or names another key than the one expected.
    Header,
    /// A record is cut short or malformed (bytes at the end that are not a whole record).
    Malformed,
    /// A record is out of place: a position skipped, repeated or reordered.
    OutOfOrder,
    /// A record was modified: the link its successor (or the signed head) holds no longer
    /// matches it. `position` names the modified record.
    ChainBroken,
    /// A checkpoint's signature does not verify.
    BadCheckpoint,
    /// The head is missing, malformed, or its signature does not verify.
    BadHead,
    /// The log ends before the record count the signed head vouches for.
    Truncated,
    /// The log continues after the signed head, or does not end at its chain hash.
    BeyondHead,
}

/// Reading a log directory failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read audit log file {path}: {reason}")]
pub struct AuditReadError {
    /// The file.
    pub path: PathBuf,
    /// What the operating system said.
    pub reason: String,
}

fn read_file(path: &Path) -> Result<Option<Vec<u8>>, AuditReadError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AuditReadError {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// Verifies the audit log in `dir` (a home's `audit/` directory) without any secret: the
/// chain, the positions, every checkpoint and the signed head. With `expected`, the log must
/// be signed by that key (the store identity); without it, the key in the log's header is
/// used, which proves only that the log is consistent, not whose it is.
pub fn verify_audit_log(
    dir: &Path,
    expected: Option<&PublicKey>,
) -> Result<AuditReport, AuditReadError> {
    let header = read_file(&dir.join(HEADER_FILE))?.unwrap_or_default();
    let log = read_file(&dir.join(LOG_FILE))?.unwrap_or_default();
    let head = read_file(&dir.join(HEAD_FILE))?.unwrap_or_default();
    Ok(verify_audit_bytes(&header, &log, &head, expected))
}

/// [`verify_audit_log`] over the three files' contents.
#[must_use]
pub fn verify_audit_bytes(
    header: &[u8],
    log: &[u8],
    head: &[u8],
    expected: Option<&PublicKey>,
) -> AuditReport {
    let mut report = AuditReport {
        entries: 0,
        checkpoints: 0,
        head_count: 0,
        first_problem: None,
    };
    let fail = |report: &mut AuditReport, position: u64, kind| {
        report
            .first_problem
            .get_or_insert(AuditProblem { position, kind });
    };
    let parsed_header = (|| {
        let rest = header.strip_prefix(HEADER_MAGIC.as_slice())?;
        let (log_id, key) = rest.split_first_chunk::<16>()?;
        let key: [u8; 32] = key.try_into().ok()?;
        Some((*log_id, PublicKey::from_bytes(&key).ok()?))
    })();
    let Some((log_id, key)) = parsed_header else {
        fail(&mut report, 0, AuditProblemKind::Header);
        return report;
    };
    if expected.is_some_and(|e| *e != key) {
        fail(&mut report, 0, AuditProblemKind::Header);
        return report;
    }
    let (records, torn) = parse(log);
    let mut chain = [0u8; 32];
    for (index, record) in records.iter().enumerate() {
        let position = index as u64;
        if record.position != position {
            fail(&mut report, position, AuditProblemKind::OutOfOrder);
            return report;
        }
        if record.previous != chain {
            // Either the previous record was modified (then this record's own hash is intact
            // and the next link, or the head, still matches it), or this record (its link)
            // was. Name the one that changed.
            let next_link = records
                .get(index + 1)
                .map(|next| next.previous)
                .or_else(|| head_chain_of(head));
            let at = if index > 0 && next_link == Some(record.chain) {
                position - 1
            } else {
                position
            };
            fail(&mut report, at, AuditProblemKind::ChainBroken);
            return report;
        }
        match record.kind {
            KIND_ENTRY => report.entries += 1,
            KIND_CHECKPOINT => {
                let ok = <[u8; 64]>::try_from(record.payload).is_ok_and(|sig| {
                    sign::verify_json(
                        &key,
                        Purpose::AUDIT_CHECKPOINT,
                        &signed_body(&log_id, position, &record.previous),
                        &Signature::from_bytes(sig),
                    )
                    .is_ok()
                });
                if !ok || position % (CHECKPOINT_EVERY + 1) != CHECKPOINT_EVERY {
                    fail(&mut report, position, AuditProblemKind::BadCheckpoint);
                    return report;
                }
                report.checkpoints += 1;
            }
            _ => {
                fail(&mut report, position, AuditProblemKind::Malformed);
                return report;
            }
        }
        chain = record.chain;
    }
    let count = records.len() as u64;
    if torn.is_some() {
        fail(&mut report, count, AuditProblemKind::Malformed);
        return report;
    }
    let parsed_head = (|| {
        let (head_count, rest) = head.split_first_chunk::<8>()?;
        let (head_chain, sig) = rest.split_first_chunk::<32>()?;
        let sig: [u8; 64] = sig.try_into().ok()?;
        Some((
            u64::from_be_bytes(*head_count),
            *head_chain,
            Signature::from_bytes(sig),
        ))
    })();
    let Some((head_count, head_chain, sig)) = parsed_head else {
        fail(&mut report, count, AuditProblemKind::BadHead);
        return report;
    };
    if sign::verify_json(
        &key,
        Purpose::AUDIT_HEAD,
        &signed_body(&log_id, head_count, &head_chain),
        &sig,
    )
    .is_err()
    {
        fail(&mut report, count, AuditProblemKind::BadHead);
        return report;
    }
    report.head_count = head_count;
    if count < head_count {
        fail(&mut report, count, AuditProblemKind::Truncated);
    } else if count > head_count || chain != head_chain {
        // Either records were added after the signed head, or the last covered record differs.
        let at = if count > head_count {
            head_count
        } else {
            count.saturating_sub(1)
        };
        let chain_at_head = if head_count == 0 {
            [0u8; 32]
        } else {
            records
                .get(usize::try_from(head_count - 1).unwrap_or(usize::MAX))
                .map_or([0u8; 32], |r| r.chain)
        };
        let kind = if chain_at_head == head_chain {
            AuditProblemKind::BeyondHead
        } else {
            AuditProblemKind::ChainBroken
        };
        fail(&mut report, at, kind);
    }
    report
}

/// The chain hash a head vouches for, without checking its signature.
fn head_chain_of(head: &[u8]) -> Option<[u8; 32]> {
    let (_, rest) = head.split_first_chunk::<8>()?;
    rest.split_first_chunk::<32>().map(|(chain, _)| *chain)
}

/// Where a log lives.
#[derive(Debug)]
enum Storage {
    Dir(PathBuf),
    Memory {
        header: Vec<u8>,
        log: Vec<u8>,
        head: Vec<u8>,
    },
}

/// The writer side, held by an open home.
#[derive(Debug)]
pub(crate) struct AuditLog {
    storage: Storage,
    key: Key32,
    log_id: [u8; 16],
    count: u64,
    chain: [u8; 32],
    /// Why the log could not be trusted when opened, if it could not.
    taint: Option<&'static str>,
}

fn audit_err(reason: impl Into<String>) -> AuditError {
    AuditError::Backend {
        reason: reason.into(),
    }
}

fn io(path: &Path, e: &std::io::Error) -> AuditError {
    audit_err(format!("{}: {e}", path.display()))
}

impl AuditLog {
    /// The key that seals the entries (sealed again, unchanged, by a master rotation).
    pub(crate) fn key(&self) -> &Key32 {
        &self.key
    }

    fn header_bytes(log_id: &[u8; 16], identity: &PublicKey) -> Vec<u8> {
        [HEADER_MAGIC.as_slice(), log_id, identity.as_bytes()].concat()
    }

    /// Opens (or starts) the log of a home: in `dir`, or in memory when `dir` is `None`.
    /// Records after the signed head are signed again if they decrypt (a crash between the
    /// two writes); anything else untrusted taints the log, and appends then fail.
    pub(crate) fn open(
        dir: Option<&Path>,
        key: Key32,
        log_id: [u8; 16],
        identity: &Identity,
    ) -> Result<AuditLog, AuditError> {
        let header = Self::header_bytes(&log_id, identity.public());
        let mut log = AuditLog {
            storage: Storage::Memory {
                header: header.clone(),
                log: Vec::new(),
                head: Vec::new(),
            },
            key,
            log_id,
            count: 0,
            chain: [0; 32],
            taint: None,
        };
        let Some(dir) = dir else {
            log.write_head(identity)?;
            return Ok(log);
        };
        log.storage = Storage::Dir(dir.to_owned());
        let fresh = !dir.join(HEADER_FILE).exists();
        if fresh {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir).map_err(|e| io(dir, &e))?;
            write_file(&dir.join(HEADER_FILE), &header)?;
            write_file(&dir.join(LOG_FILE), &[])?;
            log.write_head(identity)?;
            return Ok(log);
        }
        let report =
            verify_audit_log(dir, Some(identity.public())).map_err(|e| audit_err(e.to_string()))?;
        let bytes = read_file(&dir.join(LOG_FILE))
            .map_err(|e| audit_err(e.to_string()))?
            .unwrap_or_default();
        let (records, _) = parse(&bytes);
        log.count = records.len() as u64;
        log.chain = records.last().map_or([0; 32], |r| r.chain);
        match report.first_problem {
            None => {}
            Some(AuditProblem {
                kind: AuditProblemKind::BeyondHead,
                ..
            }) => {
                // Sign the tail again only if every record after the head is ours.
                let genuine = records
                    .iter()
                    .skip(usize::try_from(report.head_count).unwrap_or(usize::MAX))
                    .all(|r| r.kind == KIND_CHECKPOINT || log.open_entry(r).is_some());
                if genuine {
                    log.write_head(identity)?;
                } else {
                    log.taint = Some("records after the signed head are not genuine");
                }
            }
            Some(_) => log.taint = Some("the audit log failed verification"),
        }
        Ok(log)
    }

    fn open_entry(&self, record: &Record<'_>) -> Option<AuditEvent> {
        let aad = crypto::aad(&[
            labels::AAD_AUDIT,
            &self.log_id,
            &record.position.to_be_bytes(),
        ]);
        let plain = crypto::open(&self.key, &aad, record.payload).ok()?;
        serde_json::from_slice(&plain).ok()
    }

    fn write_head(&mut self, identity: &Identity) -> Result<(), AuditError> {
        let sig = sign::sign_json(
            identity,
            Purpose::AUDIT_HEAD,
            &signed_body(&self.log_id, self.count, &self.chain),
        )
        .map_err(|e| audit_err(e.to_string()))?;
        let head = [
            self.count.to_be_bytes().as_slice(),
            &self.chain,
            sig.as_bytes(),
        ]
        .concat();
        match &mut self.storage {
            Storage::Dir(dir) => write_file(&dir.join(HEAD_FILE), &head),
            Storage::Memory { head: h, .. } => {
                *h = head;
                Ok(())
            }
        }
    }

    fn record_bytes(&self, kind: u8, payload: &[u8]) -> (Vec<u8>, [u8; 32]) {
        let body = [
            [kind].as_slice(),
            &self.count.to_be_bytes(),
            &self.chain,
            payload,
        ]
        .concat();
        let chain = chain_hash(&body);
        let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
        ([len.to_be_bytes().as_slice(), &body].concat(), chain)
    }

    /// Appends an event (and a checkpoint when one is due), durably, then signs the new head.
    pub(crate) fn append(
        &mut self,
        event: &AuditEvent,
        identity: &Identity,
    ) -> Result<(), AuditError> {
        if let Some(what) = self.taint {
            return Err(audit_err(what));
        }
        let plain =
            Zeroizing::new(serde_json::to_vec(event).map_err(|e| audit_err(e.to_string()))?);
        let aad = crypto::aad(&[labels::AAD_AUDIT, &self.log_id, &self.count.to_be_bytes()]);
        let sealed = crypto::seal(&self.key, &aad, &plain, &mut OsRng);
        let (mut bytes, mut chain) = self.record_bytes(KIND_ENTRY, &sealed);
        let (saved_count, saved_chain) = (self.count, self.chain);
        self.count += 1;
        self.chain = chain;
        if self.count % (CHECKPOINT_EVERY + 1) == CHECKPOINT_EVERY {
            let sig = sign::sign_json(
                identity,
                Purpose::AUDIT_CHECKPOINT,
                &signed_body(&self.log_id, self.count, &self.chain),
            )
            .map_err(|e| audit_err(e.to_string()))?;
            let (checkpoint, next) = self.record_bytes(KIND_CHECKPOINT, sig.as_bytes());
            bytes.extend_from_slice(&checkpoint);
            chain = next;
            self.count += 1;
            self.chain = chain;
        }
        let written = match &mut self.storage {
            Storage::Dir(dir) => append_file(&dir.join(LOG_FILE), &bytes),
            Storage::Memory { log, .. } => {
                log.extend_from_slice(&bytes);
                Ok(())
            }
        };
        if let Err(e) = written {
            (self.count, self.chain) = (saved_count, saved_chain);
            return Err(e);
        }
        self.write_head(identity)
    }

    /// Every event in the log, decrypted, oldest first.
    pub(crate) fn events(&self) -> Result<Vec<AuditEvent>, AuditError> {
        let bytes = match &self.storage {
            Storage::Dir(dir) => read_file(&dir.join(LOG_FILE))
                .map_err(|e| audit_err(e.to_string()))?
                .unwrap_or_default(),
            Storage::Memory { log, .. } => log.clone(),
        };
        let (records, _) = parse(&bytes);
        records
            .iter()
            .filter(|r| r.kind == KIND_ENTRY)
            .map(|r| {
                self.open_entry(r)
                    .ok_or_else(|| audit_err("an audit entry failed to decrypt"))
            })
            .collect()
    }

    /// The (header, log, head) bytes of an in-memory log, for verification.
    pub(crate) fn memory_bytes(&self) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
        match &self.storage {
            Storage::Memory { header, log, head } => {
                Some((header.clone(), log.clone(), head.clone()))
            }
            Storage::Dir(_) => None,
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), AuditError> {
    crate::fsutil::write_atomic(path, bytes).map_err(|(p, e)| io(&p, &e))
}

fn append_file(path: &Path, bytes: &[u8]) -> Result<(), AuditError> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| io(path, &e))?;
    file.write_all(bytes).map_err(|e| io(path, &e))?;
    file.sync_data().map_err(|e| io(path, &e))
}
