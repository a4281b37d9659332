//! The pseudonym vault: placeholders and the originals behind them, per conversation.
//!
//! Each conversation has its own key, `HMAC(vault key, "conversation" ‖ id)`. A value's vault
//! tag is `HMAC(conversation key, label ‖ normalised value)`, so within a conversation the same
//! value always gets the same placeholder, and across conversations nothing links: numbering
//! restarts at 1 and tags are unrelated. One record per conversation is kept in the core
//! [`StateStore`] under namespace `sanctuary-gate`, key `c/<hex of a keyed tag of the id>`; it
//! holds the tags, the placeholders and, for pseudonyms only, the originals. Give the gate an
//! encrypting store (`sanctuary-store`) so the originals are encrypted at rest; with the default
//! in-memory store they live only as long as the gate.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rand_core::{OsRng, RngCore};
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::state::StateStore;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::key::{NAMESPACE, mac};
use crate::outcome::RefusalReason;

/// Most placeholders one conversation keeps; beyond it filtering refuses.
pub const MAX_PLACEHOLDERS: usize = 65_536;

/// Most conversations kept in memory at once (the store keeps them all).
const MAX_CACHED: usize = 1024;

/// Longest conversation id, in bytes.
pub const MAX_CONVERSATION_ID_LEN: usize = 256;

/// Longest placeholder text `[LABEL_n]` recognised when rehydrating.
const MAX_PLACEHOLDER_LEN: usize = 48;

/// Identifies a conversation: placeholders are stable inside one and unlinkable across them.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ConversationId(String);

/// A conversation id that is empty, too long or has control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid conversation id (1 to 256 bytes, no control characters)")]
pub struct ConversationIdError;

impl ConversationId {
    /// An id chosen by the caller (e.g. the agent's thread id).
    pub fn new(id: impl Into<String>) -> Result<ConversationId, ConversationIdError> {
        let id = id.into();
        if id.is_empty() || id.len() > MAX_CONVERSATION_ID_LEN || id.chars().any(char::is_control) {
            return Err(ConversationIdError);
        }
        Ok(ConversationId(id))
    }

    /// A fresh random id (128 bits, hex).
    #[must_use]
    pub fn random() -> ConversationId {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        ConversationId(hex_encode(&bytes))
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConversationId").field(&self.0).finish()
    }
}

/// The vault failed to read or write its store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pseudonym vault unavailable: {reason}")]
pub struct VaultError {
    reason: String,
}

/// The model's answer with placeholders put back.
#[derive(Clone, PartialEq, Eq)]
pub struct Rehydrated {
    /// The text with every known placeholder replaced by its original.
    pub text: String,
    /// How many placeholders were replaced.
    pub restored: usize,
    /// How many placeholder-shaped tokens were not in this conversation's vault (redacted
    /// values, or placeholders the model invented or took from another conversation).
    pub unknown: usize,
}

impl fmt::Debug for Rehydrated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text holds originals again: keep it out of logs.
        f.debug_struct("Rehydrated")
            .field("text", &"[redacted]")
            .field("restored", &self.restored)
            .field("unknown", &self.unknown)
            .finish()
    }
}

type Tag = [u8; 16];

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    v: u32,
    entries: Vec<RecordEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordEntry {
    t: String,
    p: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<String>,
}

impl Drop for RecordEntry {
    fn drop(&mut self) {
        if let Some(o) = self.o.as_mut() {
            zeroize::Zeroize::zeroize(o);
        }
    }
}

/// One conversation's placeholders.
#[derive(Default)]
pub(crate) struct ConvState {
    key: Zeroizing<[u8; 32]>,
    by_tag: HashMap<Tag, String>,
    originals: HashMap<String, Zeroizing<String>>,
    counters: HashMap<String, u32>,
}

impl ConvState {
    fn insert(&mut self, tag: Tag, placeholder: String, original: Option<Zeroizing<String>>) {
        if let Some((label, n)) = split_placeholder(&placeholder) {
            let c = self.counters.entry(label.to_owned()).or_insert(0);
            *c = (*c).max(n);
        }
        if let Some(o) = original {
            self.originals.insert(placeholder.clone(), o);
        }
        self.by_tag.insert(tag, placeholder);
    }

    fn to_record(&self) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let mut entries: Vec<RecordEntry> = self
            .by_tag
            .iter()
            .map(|(tag, p)| RecordEntry {
                t: hex_encode(tag),
                p: p.clone(),
                o: self.originals.get(p).map(|o| o.as_str().to_owned()),
            })
            .collect();
        entries.sort_by(|a, b| a.p.cmp(&b.p));
        let record = Record { v: 1, entries };
        serde_json::to_vec(&record)
            .map(Zeroizing::new)
            .map_err(|e| VaultError {
                reason: e.to_string(),
            })
    }

    fn from_record(key: Zeroizing<[u8; 32]>, bytes: &[u8]) -> Result<ConvState, VaultError> {
        let bad = || VaultError {
            reason: "malformed conversation record".into(),
        };
        let record: Record = serde_json::from_slice(bytes).map_err(|_| bad())?;
        if record.v != 1 || record.entries.len() > MAX_PLACEHOLDERS {
            return Err(bad());
        }
        let mut state = ConvState {
            key,
            ..ConvState::default()
        };
        for mut e in record.entries {
            let raw = sanctuary_core::encoding::hex_decode_lower(&e.t).map_err(|_| bad())?;
            let tag: Tag = raw.as_slice().try_into().map_err(|_| bad())?;
            if split_placeholder(&e.p).is_none() {
                return Err(bad());
            }
            let original = e.o.take().map(Zeroizing::new);
            state.insert(tag, std::mem::take(&mut e.p), original);
        }
        Ok(state)
    }
}

/// `[LABEL_12]` → (`LABEL`, 12).
fn split_placeholder(p: &str) -> Option<(&str, u32)> {
    let inner = p.strip_prefix('[')?.strip_suffix(']')?;
    let (label, n) = inner.rsplit_once('_')?;
    if label.is_empty()
        || !label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        || n.is_empty()
        || n.len() > 9
        || !n.bytes().all(|b| b.is_ascii_digit())
        || n.starts_with('0')
    {
        return None;
    }
    Some((label, n.parse().ok()?))
}

/// Store-backed vault with an in-memory cache of conversations.
pub(crate) struct Vault {
    store: Arc<dyn StateStore + Send + Sync>,
    key: Zeroizing<[u8; 32]>,
    cache: Mutex<HashMap<Tag, Arc<Mutex<ConvState>>>>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault").finish_non_exhaustive()
    }
}

fn truncate16(full: [u8; 32]) -> Tag {
    let mut t = [0u8; 16];
    t.copy_from_slice(full.get(..16).unwrap_or(&[0u8; 16]));
    t
}

impl Vault {
    pub(crate) fn new(store: Arc<dyn StateStore + Send + Sync>, key: Zeroizing<[u8; 32]>) -> Self {
        Vault {
            store,
            key,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn record_key(&self, id: &ConversationId) -> (Tag, String) {
        let tag = truncate16(mac(&self.key, &[b"conversation-record", id.0.as_bytes()]));
        (tag, format!("c/{}", hex_encode(&tag)))
    }

    /// The conversation's state, loaded from the store on first use.
    pub(crate) fn conversation(
        &self,
        id: &ConversationId,
    ) -> Result<Arc<Mutex<ConvState>>, VaultError> {
        let (tag, store_key) = self.record_key(id);
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = cache.get(&tag) {
            return Ok(Arc::clone(c));
        }
        let conv_key = Zeroizing::new(mac(&self.key, &[b"conversation", id.0.as_bytes()]));
        let state = match self.store.get(NAMESPACE, &store_key) {
            Ok(Some(bytes)) => ConvState::from_record(conv_key, &bytes)?,
            Ok(None) => ConvState {
                key: conv_key,
                ..ConvState::default()
            },
            Err(e) => {
                return Err(VaultError {
                    reason: e.to_string(),
                });
            }
        };
        if cache.len() >= MAX_CACHED {
            // The store holds every conversation; the cache only saves reloading.
            cache.clear();
        }
        let state = Arc::new(Mutex::new(state));
        cache.insert(tag, Arc::clone(&state));
        Ok(state)
    }

    /// Writes `state` back (the whole record: conversations are small).
    fn persist(&self, id: &ConversationId, state: &ConvState) -> Result<(), VaultError> {
        let (_, store_key) = self.record_key(id);
        let bytes = state.to_record()?;
        self.store
            .put(NAMESPACE, &store_key, &bytes)
            .map_err(|e| VaultError {
                reason: e.to_string(),
            })
    }

    /// Forgets a conversation: removes it from the store and the cache. Its placeholders can
    /// no longer be rehydrated.
    pub(crate) fn delete(&self, id: &ConversationId) -> Result<bool, VaultError> {
        let (tag, store_key) = self.record_key(id);
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&tag);
        self.store
            .delete(NAMESPACE, &store_key)
            .map_err(|e| VaultError {
                reason: e.to_string(),
            })
    }
}

/// Allocates placeholders during one filter call. New entries are staged and only written
/// (to the cache and the store) by [`Allocator::commit`], so a refused request leaves the
/// vault as it was.
pub(crate) struct Allocator<'a> {
    state: &'a mut ConvState,
    staged: Vec<(Tag, String, Option<Zeroizing<String>>)>,
    staged_by_tag: HashMap<Tag, usize>,
    staged_counters: HashMap<&'static str, u32>,
}

impl<'a> Allocator<'a> {
    pub(crate) fn new(state: &'a mut ConvState) -> Self {
        Allocator {
            state,
            staged: Vec::new(),
            staged_by_tag: HashMap::new(),
            staged_counters: HashMap::new(),
        }
    }

    /// The placeholder for `material` under `label`; `original` is kept (for rehydration)
    /// when given.
    pub(crate) fn placeholder(
        &mut self,
        label: &'static str,
        material: &[u8],
        original: Option<&str>,
    ) -> Result<String, RefusalReason> {
        let tag = truncate16(mac(&self.state.key, &[label.as_bytes(), material]));
        if let Some(&i) = self.staged_by_tag.get(&tag)
            && let Some((_, p, _)) = self.staged.get(i)
        {
            return Ok(p.clone());
        }
        if let Some(p) = self.state.by_tag.get(&tag) {
            // A value first redacted and now pseudonymised gains its original.
            if let Some(o) = original
                && !self.state.originals.contains_key(p)
            {
                let p = p.clone();
                self.stage(tag, p.clone(), Some(o));
                return Ok(p);
            }
            return Ok(p.clone());
        }
        if self.state.by_tag.len() + self.staged.len() >= MAX_PLACEHOLDERS {
            return Err(RefusalReason::VaultFull {
                limit: MAX_PLACEHOLDERS,
            });
        }
        let base = self.state.counters.get(label).copied().unwrap_or(0);
        let extra = self.staged_counters.entry(label).or_insert(0);
        *extra += 1;
        let n = base.saturating_add(*extra);
        let p = format!("[{label}_{n}]");
        self.stage(tag, p.clone(), original);
        Ok(p)
    }

    fn stage(&mut self, tag: Tag, placeholder: String, original: Option<&str>) {
        self.staged_by_tag.insert(tag, self.staged.len());
        self.staged.push((
            tag,
            placeholder,
            original.map(|o| Zeroizing::new(o.to_owned())),
        ));
    }

    /// Applies the staged entries and persists the conversation. On a store failure the
    /// cached state is rolled back.
    pub(crate) fn commit(self, vault: &Vault, id: &ConversationId) -> Result<(), VaultError> {
        if self.staged.is_empty() {
            return Ok(());
        }
        let mut undo: Vec<(Tag, Option<String>)> = Vec::with_capacity(self.staged.len());
        let saved_counters = self.state.counters.clone();
        for (tag, p, o) in self.staged {
            undo.push((tag, self.state.by_tag.get(&tag).cloned()));
            self.state.insert(tag, p, o);
        }
        if let Err(e) = vault.persist(id, self.state) {
            for (tag, previous) in undo.into_iter().rev() {
                if let Some(p) = self.state.by_tag.remove(&tag) {
                    self.state.originals.remove(&p);
                }
                if let Some(p) = previous {
                    self.state.by_tag.insert(tag, p);
                }
            }
            self.state.counters = saved_counters;
            return Err(e);
        }
        Ok(())
    }
}

/// Replaces known placeholders in `text` by their originals.
pub(crate) fn rehydrate(state: &ConvState, text: &str) -> Rehydrated {
    let mut out = String::with_capacity(text.len());
    let mut restored = 0;
    let mut unknown = 0;
    let mut last = 0;
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(off) = bytes.get(pos..).and_then(|rest| memchr::memchr(b'[', rest)) {
        let open = pos + off;
        let window_end = (open + MAX_PLACEHOLDER_LEN).min(bytes.len());
        let close = bytes
            .get(open + 1..window_end)
            .and_then(|w| memchr::memchr(b']', w))
            .map(|c| open + 1 + c);
        let Some(close) = close else {
            pos = open + 1;
            continue;
        };
        // `[` and `]` are ASCII, so both offsets are char boundaries.
        let candidate = text.get(open..=close).unwrap_or("");
        let upper = candidate.to_ascii_uppercase();
        if split_placeholder(&upper).is_some() {
            if let Some(original) = state.originals.get(&upper) {
                out.push_str(text.get(last..open).unwrap_or(""));
                out.push_str(original);
                last = close + 1;
                restored += 1;
            } else {
                unknown += 1;
            }
            pos = close + 1;
        } else {
            pos = open + 1;
        }
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Rehydrated {
        text: out,
        restored,
        unknown,
    }
}

/// Rehydrates every string (and key) inside a JSON value.
pub(crate) fn rehydrate_value(state: &ConvState, value: &Value) -> (Value, usize) {
    match value {
        Value::String(s) => {
            let r = rehydrate(state, s);
            (Value::String(r.text), r.restored)
        }
        Value::Array(items) => {
            let mut n = 0;
            let items = items
                .iter()
                .map(|v| {
                    let (v, k) = rehydrate_value(state, v);
                    n += k;
                    v
                })
                .collect();
            (Value::Array(items), n)
        }
        Value::Object(map) => {
            let mut n = 0;
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = rehydrate(state, k);
                let (v, m) = rehydrate_value(state, v);
                n += key.restored + m;
                out.insert(key.text, v);
            }
            (Value::Object(out), n)
        }
        other => (other.clone(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::state::MemoryStateStore;

    fn vault() -> Vault {
        Vault::new(Arc::new(MemoryStateStore::new()), Zeroizing::new([9u8; 32]))
    }

    #[test]
    fn placeholders_are_stable_and_numbered_per_label() {
        let v = vault();
        let id = ConversationId::new("c1").unwrap();
        let conv = v.conversation(&id).unwrap();
        let mut state = conv.lock().unwrap();
        let mut a = Allocator::new(&mut state);
        let p1 = a.placeholder("EMAIL", b"a@x.org", Some("a@x.org")).unwrap();
        let p2 = a.placeholder("EMAIL", b"b@x.org", Some("b@x.org")).unwrap();
        let p1b = a.placeholder("EMAIL", b"a@x.org", Some("a@x.org")).unwrap();
        let q1 = a.placeholder("PHONE", b"+1 555", None).unwrap();
        assert_eq!(
            (p1.as_str(), p2.as_str(), q1.as_str()),
            ("[EMAIL_1]", "[EMAIL_2]", "[PHONE_1]")
        );
        assert_eq!(p1, p1b);
        a.commit(&v, &id).unwrap();
        let r = rehydrate(
            &state,
            "to [EMAIL_2], cc [email_1], [PHONE_1] [EMAIL_9] [x]",
        );
        assert_eq!(r.text, "to b@x.org, cc a@x.org, [PHONE_1] [EMAIL_9] [x]");
        assert_eq!((r.restored, r.unknown), (2, 2));
    }

    #[test]
    fn state_survives_a_reload_and_conversations_do_not_link() {
        let store = Arc::new(MemoryStateStore::new());
        let id = ConversationId::new("c1").unwrap();
        {
            let v = Vault::new(store.clone(), Zeroizing::new([9u8; 32]));
            let conv = v.conversation(&id).unwrap();
            let mut state = conv.lock().unwrap();
            let mut a = Allocator::new(&mut state);
            a.placeholder("EMAIL", b"x", Some("x@y.z")).unwrap();
            a.placeholder("EMAIL", b"w", Some("w@y.z")).unwrap();
            a.commit(&v, &id).unwrap();
        }
        let v = Vault::new(store.clone(), Zeroizing::new([9u8; 32]));
        let conv = v.conversation(&id).unwrap();
        let mut state = conv.lock().unwrap();
        assert_eq!(rehydrate(&state, "[EMAIL_2]").text, "w@y.z");
        let mut a = Allocator::new(&mut state);
        assert_eq!(
            a.placeholder("EMAIL", b"x", Some("x@y.z")).unwrap(),
            "[EMAIL_1]"
        );
        assert_eq!(a.placeholder("EMAIL", b"new", None).unwrap(), "[EMAIL_3]");
        drop(a);
        drop(state);
        // Another conversation: numbering restarts, nothing to rehydrate.
        let other = ConversationId::new("c2").unwrap();
        let conv2 = v.conversation(&other).unwrap();
        let mut s2 = conv2.lock().unwrap();
        assert_eq!(rehydrate(&s2, "[EMAIL_1]").restored, 0);
        let mut a2 = Allocator::new(&mut s2);
        assert_eq!(a2.placeholder("EMAIL", b"w", None).unwrap(), "[EMAIL_1]");
        // A wrong vault key cannot use the stored record.
        let v3 = Vault::new(store, Zeroizing::new([8u8; 32]));
        let conv3 = v3.conversation(&id).unwrap();
        assert_eq!(rehydrate(&conv3.lock().unwrap(), "[EMAIL_1]").restored, 0);
    }

    #[test]
    fn uncommitted_entries_are_not_kept() {
        let v = vault();
        let id = ConversationId::new("c").unwrap();
        let conv = v.conversation(&id).unwrap();
        let mut state = conv.lock().unwrap();
        let mut a = Allocator::new(&mut state);
        a.placeholder("EMAIL", b"x", Some("x@y.z")).unwrap();
        drop(a);
        assert_eq!(rehydrate(&state, "[EMAIL_1]").restored, 0);
        let mut a = Allocator::new(&mut state);
        assert_eq!(a.placeholder("EMAIL", b"q", None).unwrap(), "[EMAIL_1]");
    }

    #[test]
    fn malformed_records_are_rejected() {
        let key = || Zeroizing::new([1u8; 32]);
        for bad in [
            &b"{}"[..],
            b"{\"v\":2,\"entries\":[]}",
            b"{\"v\":1,\"entries\":[{\"t\":\"zz\",\"p\":\"[A_1]\"}]}",
            b"{\"v\":1,\"entries\":[{\"t\":\"00000000000000000000000000000000\",\"p\":\"nope\"}]}",
            b"{\"v\":1,\"entries\":[],\"extra\":1}",
            b"\xff",
        ] {
            assert!(ConvState::from_record(key(), bad).is_err());
        }
    }

    #[test]
    fn placeholder_shapes() {
        assert_eq!(split_placeholder("[API_KEY_12]"), Some(("API_KEY", 12)));
        for bad in [
            "[EMAIL]",
            "[EMAIL_0]",
            "[EMAIL_01]",
            "[email_1]",
            "EMAIL_1",
            "[_1]",
            "[E_1234567890]",
        ] {
            assert_eq!(split_placeholder(bad), None, "{bad}");
        }
        assert!(ConversationId::new("").is_err());
        assert!(ConversationId::new("a\nb").is_err());
        assert!(ConversationId::new("x".repeat(257)).is_err());
        assert_ne!(ConversationId::random(), ConversationId::random());
    }
}
