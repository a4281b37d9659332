//! Key custody in an OS keyring: a wrap of the master key whose KEK comes from a random
//! 32-byte secret kept in a [`Keyring`] (the macOS Keychain, the Windows Credential Manager,
//! the Linux kernel keyring, or your own implementation).
//!
//! A keyring wrap lets an agent unlock its home without a human typing a passphrase, while the
//! key file on disk stays useless on its own: copying the home directory to another machine
//! or account does not copy the keyring secret. It is an *additional* wrap: a home always keeps
//! at least one passphrase or recovery wrap ([`crate::Home::remove_wrap`] refuses to remove the
//! last one), because keyrings get reset, and a master reachable only from one would be lost
//! with it.
//!
//! ```text
//! secret S (32 random bytes, in the keyring under service "sanctuary-store",
//!           account "<store id hex>-<wrap salt hex>")
//! KEK = HKDF-SHA256(S, salt = wrap salt, info = "sanctuary-store/v1/hkdf/keyring-kek")
//! ```
//!
//! `OsKeyring` (cargo feature `os-keyring`) uses the platform store through the `keyring`
//! crate. On Linux that is the kernel keyring (keyutils), whose entries last until logout or
//! reboot: there a keyring wrap saves typing within a session, and the passphrase or recovery
//! key opens the home after a reboot. [`MemoryKeyring`] is an in-process keyring for tests.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use zeroize::Zeroizing;

/// The keyring service name of every Sanctuary store secret.
pub const KEYRING_SERVICE: &str = "sanctuary-store";

/// A keyring could not serve a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// The keyring has no entry under that name.
    #[error("the keyring has no such entry")]
    NoEntry,
    /// The keyring is missing, locked or refused access.
    #[error("keyring unavailable: {reason}")]
    Unavailable {
        /// What the platform reported (never a secret).
        reason: String,
    },
}

/// A store of small secrets by (service, account), such as an OS keyring.
pub trait Keyring: Send + Sync + fmt::Debug {
    /// Stores `secret` under (`service`, `account`), replacing any earlier one.
    fn set(&self, service: &str, account: &str, secret: &[u8]) -> Result<(), KeyringError>;
    /// The secret under (`service`, `account`).
    fn get(&self, service: &str, account: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError>;
    /// Removes the entry; removing an absent entry is [`KeyringError::NoEntry`].
    fn delete(&self, service: &str, account: &str) -> Result<(), KeyringError>;
}

/// (service, account).
type Name = (String, String);

/// A keyring in process memory (secrets zeroized on drop), for tests and for agents that hand
/// the secret over some other way.
#[derive(Default)]
pub struct MemoryKeyring {
    entries: Mutex<HashMap<Name, Zeroizing<Vec<u8>>>>,
}

impl MemoryKeyring {
    /// An empty keyring.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether it holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for MemoryKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryKeyring")
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

impl Keyring for MemoryKeyring {
    fn set(&self, service: &str, account: &str, secret: &[u8]) -> Result<(), KeyringError> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                (service.to_owned(), account.to_owned()),
                Zeroizing::new(secret.to_vec()),
            );
        Ok(())
    }

    fn get(&self, service: &str, account: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(service.to_owned(), account.to_owned()))
            .cloned()
            .ok_or(KeyringError::NoEntry)
    }

    fn delete(&self, service: &str, account: &str) -> Result<(), KeyringError> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(service.to_owned(), account.to_owned()))
            .map(|_| ())
            .ok_or(KeyringError::NoEntry)
    }
}

/// The platform keyring (cargo feature `os-keyring`): Keychain on macOS, Credential Manager on
/// Windows, the kernel keyring (keyutils) on Linux.
#[cfg(feature = "os-keyring")]
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

#[cfg(feature = "os-keyring")]
impl OsKeyring {
    fn entry(service: &str, account: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(service, account).map_err(Self::error)
    }

    fn error(e: keyring::Error) -> KeyringError {
        match e {
            keyring::Error::NoEntry => KeyringError::NoEntry,
            other => KeyringError::Unavailable {
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(feature = "os-keyring")]
impl Keyring for OsKeyring {
    fn set(&self, service: &str, account: &str, secret: &[u8]) -> Result<(), KeyringError> {
        Self::entry(service, account)?
            .set_secret(secret)
            .map_err(Self::error)
    }

    fn get(&self, service: &str, account: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
        Self::entry(service, account)?
            .get_secret()
            .map(Zeroizing::new)
            .map_err(Self::error)
    }

    fn delete(&self, service: &str, account: &str) -> Result<(), KeyringError> {
        Self::entry(service, account)?
            .delete_credential()
            .map_err(Self::error)
    }
}
