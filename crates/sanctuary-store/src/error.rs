//! The store's error type.

use crate::backend::BackendError;
use crate::custody::CustodyError;
use sanctuary_core::state::StateError;
use std::path::PathBuf;

/// A store operation failed. Nothing was changed unless the variant says otherwise.
///
/// Messages never contain values or key material. Entry names appear only in errors about an
/// entry the caller named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No wrap opened with the secret given: a wrong passphrase or recovery key, or a damaged
    /// key file. Deliberately one error.
    #[error("unlock failed: wrong secret, or the key file is damaged")]
    Unlock,
    /// A keyring could not serve the request (missing, locked, refused); nothing was changed.
    #[error(transparent)]
    Keyring(#[from] crate::keyring::KeyringError),
    /// The wrap to remove is the last passphrase or recovery wrap of the master key: removing
    /// it could leave the home openable by nothing a person holds.
    #[error("refused: that is the last passphrase or recovery wrap")]
    LastWrap,
    /// No wrap in the key file has that id.
    #[error("no wrap with that id in the key file")]
    WrapNotFound,
    /// A master-key rotation is under way: it must finish (open the home) before wraps change.
    #[error("a master-key rotation is under way; open the home to finish it first")]
    RotationInProgress,
    /// A custody secret was malformed.
    #[error(transparent)]
    Custody(#[from] CustodyError),
    /// `create` found a home already there.
    #[error("a sanctuary home already exists at {path}")]
    AlreadyExists {
        /// The directory.
        path: PathBuf,
    },
    /// `open` found no home.
    #[error("no sanctuary home at {path}")]
    NotFound {
        /// The directory.
        path: PathBuf,
    },
    /// A namespace, key, value or option broke the rules.
    #[error(transparent)]
    Invalid(#[from] StateError),
    /// An option broke a metadata rule (content type, tags, time to live).
    #[error("invalid entry metadata: {reason}")]
    InvalidMetadata {
        /// Which rule.
        reason: &'static str,
    },
    /// A stored entry failed authentication: altered, truncated, swapped from another key,
    /// namespace or store. Other entries are unaffected.
    #[error("entry {key:?} in namespace {namespace:?} failed its integrity check")]
    Integrity {
        /// The namespace.
        namespace: String,
        /// The entry's name.
        key: String,
    },
    /// An older version of the entry was written back over the current one.
    #[error("entry {key:?} in namespace {namespace:?} was rolled back to an older version")]
    Rollback {
        /// The namespace.
        namespace: String,
        /// The entry's name.
        key: String,
    },
    /// The whole home is older than, or forked from, the anchor the caller kept.
    #[error(
        "the home is at epoch {found}, older than or forked from the anchor at epoch {anchored}"
    )]
    HomeRollback {
        /// The epoch found on disk.
        found: u64,
        /// The anchor's epoch.
        anchored: u64,
    },
    /// Store metadata (header, namespace record, identity) failed authentication or is
    /// malformed.
    #[error("store metadata failed its integrity check: {what}")]
    Corrupt {
        /// Which part.
        what: &'static str,
    },
    /// A bundle was refused on import; nothing was written.
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
    /// An import found an entry that already exists, with [`crate::Conflict::Fail`].
    #[error("import conflict: entry {key:?} in namespace {namespace:?} exists")]
    ImportConflict {
        /// The namespace.
        namespace: String,
        /// The entry's name.
        key: String,
    },
    /// The backend failed; the operation was not applied.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A file of the home could not be read or written.
    #[error("i/o error on {path}: {reason}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
}

impl From<StoreError> for StateError {
    fn from(err: StoreError) -> StateError {
        match err {
            StoreError::Invalid(inner) => inner,
            StoreError::Integrity { .. }
            | StoreError::Rollback { .. }
            | StoreError::HomeRollback { .. }
            | StoreError::Corrupt { .. } => StateError::Integrity,
            other => StateError::Backend {
                reason: other.to_string(),
            },
        }
    }
}
