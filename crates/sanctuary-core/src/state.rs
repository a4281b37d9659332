//! The [`StateStore`] trait: namespaced, byte-valued state, and an in-memory implementation.
//!
//! `sanctuary-store` implements this trait with encryption at rest; other layers (policy
//! baselines, gate pseudonyms, negotiation sessions) persist through it without knowing how.
//!
//! ```
//! use sanctuary_core::state::{MemoryStateStore, StateStore};
//!
//! let store = MemoryStateStore::new();
//! store.put("policy", "baseline/sign", b"12")?;
//! assert_eq!(store.get("policy", "baseline/sign")?.as_deref().map(Vec::as_slice), Some(&b"12"[..]));
//! assert_eq!(store.list("policy")?, vec!["baseline/sign".to_owned()]);
//! assert!(store.delete("policy", "baseline/sign")?);
//! assert!(!store.delete("policy", "baseline/sign")?);
//! # Ok::<(), sanctuary_core::state::StateError>(())
//! ```
//!
//! # The contract every implementation keeps
//!
//! - Namespaces are 1 to [`MAX_NAMESPACE_LEN`] bytes of `a-z 0-9 _ - .`, not starting with `.`
//!   (see [`validate_namespace`]); keys are 1 to [`MAX_KEY_LEN`] bytes of UTF-8 without control
//!   characters ([`validate_key`]); values are at most [`MAX_VALUE_LEN`] bytes. Anything else is
//!   refused with a typed error before anything is stored.
//! - `get` of a missing key is `Ok(None)`; `delete` says whether something was removed;
//!   `list` returns the keys of a namespace in ascending byte order.
//! - A failed call leaves the stored data as it was.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use zeroize::Zeroizing;

/// The longest namespace, in bytes.
pub const MAX_NAMESPACE_LEN: usize = 64;
/// The longest key, in bytes.
pub const MAX_KEY_LEN: usize = 512;
/// The largest value, in bytes (16 MiB).
pub const MAX_VALUE_LEN: usize = 16 * 1024 * 1024;

/// A state store call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The namespace breaks the naming rules.
    #[error("invalid namespace: {reason}")]
    InvalidNamespace {
        /// Which rule.
        reason: &'static str,
    },
    /// The key breaks the naming rules.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// Which rule.
        reason: &'static str,
    },
    /// The value is larger than [`MAX_VALUE_LEN`].
    #[error("value of {len} bytes exceeds the limit of {max}")]
    ValueTooLarge {
        /// Size given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The store is locked (not unlocked with a key yet, or closed).
    #[error("state store is locked")]
    Locked,
    /// Stored data failed an integrity check (tampered, swapped or rolled back).
    #[error("stored data failed its integrity check")]
    Integrity,
    /// The storage underneath failed (disk, database). Nothing was changed.
    #[error("storage backend failed: {reason}")]
    Backend {
        /// What the backend reported (never secret material).
        reason: String,
    },
}

/// Namespaced byte storage. Implementations must keep the contract in the module docs.
pub trait StateStore {
    /// Stores `value` under (`ns`, `key`), replacing any earlier value.
    fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError>;

    /// The value under (`ns`, `key`), or `None`.
    fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError>;

    /// Removes (`ns`, `key`); `true` if it was there.
    fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError>;

    /// The keys of namespace `ns`, in ascending byte order.
    fn list(&self, ns: &str) -> Result<Vec<String>, StateError>;
}

/// `StateStore` for references and shared pointers to a store.
macro_rules! forward_state_store {
    ($($ptr:ty),*) => {$(
        impl<S: StateStore + ?Sized> StateStore for $ptr {
            fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError> {
                (**self).put(ns, key, value)
            }
            fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
                (**self).get(ns, key)
            }
            fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError> {
                (**self).delete(ns, key)
            }
            fn list(&self, ns: &str) -> Result<Vec<String>, StateError> {
                (**self).list(ns)
            }
        }
    )*};
}

forward_state_store!(&S, std::sync::Arc<S>, Box<S>);

/// Checks a namespace against the naming rules.
pub fn validate_namespace(ns: &str) -> Result<(), StateError> {
    let fail = |reason| Err(StateError::InvalidNamespace { reason });
    if ns.is_empty() {
        return fail("empty");
    }
    if ns.len() > MAX_NAMESPACE_LEN {
        return fail("longer than 64 bytes");
    }
    if ns.starts_with('.') {
        return fail("starts with '.'");
    }
    if !ns
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'.'))
    {
        return fail("only a-z, 0-9, '_', '-' and '.' are allowed");
    }
    Ok(())
}

/// Checks a key against the naming rules.
pub fn validate_key(key: &str) -> Result<(), StateError> {
    let fail = |reason| Err(StateError::InvalidKey { reason });
    if key.is_empty() {
        return fail("empty");
    }
    if key.len() > MAX_KEY_LEN {
        return fail("longer than 512 bytes");
    }
    if key.chars().any(char::is_control) {
        return fail("contains a control character");
    }
    Ok(())
}

/// Checks a value's size.
pub fn validate_value(value: &[u8]) -> Result<(), StateError> {
    if value.len() > MAX_VALUE_LEN {
        return Err(StateError::ValueTooLarge {
            len: value.len(),
            max: MAX_VALUE_LEN,
        });
    }
    Ok(())
}

type Entries = BTreeMap<(String, String), Zeroizing<Vec<u8>>>;

/// A [`StateStore`] in memory, for tests and ephemeral agents. Values are zeroized when
/// replaced, deleted or dropped. Nothing is encrypted: do not use it for state that must
/// survive or stay private.
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    entries: Mutex<Entries>,
}

impl MemoryStateStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave the map half-written (every operation
        // is a single map call), so a poisoned lock is still consistent.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl StateStore for MemoryStateStore {
    fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError> {
        validate_namespace(ns)?;
        validate_key(key)?;
        validate_value(value)?;
        self.entries().insert(
            (ns.to_owned(), key.to_owned()),
            Zeroizing::new(value.to_vec()),
        );
        Ok(())
    }

    fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        validate_namespace(ns)?;
        validate_key(key)?;
        Ok(self
            .entries()
            .get(&(ns.to_owned(), key.to_owned()))
            .cloned())
    }

    fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError> {
        validate_namespace(ns)?;
        validate_key(key)?;
        Ok(self
            .entries()
            .remove(&(ns.to_owned(), key.to_owned()))
            .is_some())
    }

    fn list(&self, ns: &str) -> Result<Vec<String>, StateError> {
        validate_namespace(ns)?;
        Ok(self
            .entries()
            .range((ns.to_owned(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|((_, k), _)| k.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crud_and_isolation_between_namespaces() {
        let s = MemoryStateStore::new();
        s.put("a", "k1", b"1").unwrap();
        s.put("a", "k2", b"2").unwrap();
        s.put("a.b", "k1", b"x").unwrap();
        s.put("b", "k0", b"y").unwrap();
        s.put("a", "k1", b"1b").unwrap();
        assert_eq!(s.get("a", "k1").unwrap().unwrap().as_slice(), b"1b");
        assert_eq!(s.list("a").unwrap(), vec!["k1", "k2"]);
        assert_eq!(s.list("a.b").unwrap(), vec!["k1"]);
        assert!(s.list("c").unwrap().is_empty());
        assert_eq!(s.get("b", "k1").unwrap(), None);
        assert!(s.delete("a", "k1").unwrap());
        assert!(!s.delete("a", "k1").unwrap());
        assert_eq!(s.list("a").unwrap(), vec!["k2"]);
    }

    #[test]
    fn refuses_bad_names_and_sizes_without_storing() {
        let s = MemoryStateStore::new();
        for ns in ["", "A", "a b", ".hidden", "ü", &"n".repeat(65)] {
            assert!(
                matches!(
                    s.put(ns, "k", b"v"),
                    Err(StateError::InvalidNamespace { .. })
                ),
                "{ns:?}"
            );
        }
        for key in ["", "a\nb", "\u{7f}", &"k".repeat(513)] {
            assert!(
                matches!(s.put("ns", key, b"v"), Err(StateError::InvalidKey { .. })),
                "{key:?}"
            );
        }
        let big = vec![0u8; MAX_VALUE_LEN + 1];
        assert_eq!(
            s.put("ns", "k", &big),
            Err(StateError::ValueTooLarge {
                len: MAX_VALUE_LEN + 1,
                max: MAX_VALUE_LEN
            })
        );
        assert!(s.list("ns").unwrap().is_empty());
        s.put("ns", "ключ/🔑", &vec![7u8; MAX_VALUE_LEN]).unwrap();
        assert_eq!(s.list("ns").unwrap(), vec!["ключ/🔑"]);
    }
}
