//! Helpers shared by the store's integration tests.

#![expect(
    clippy::panic,
    reason = "test helpers: a broken fixture must stop the test loudly"
)]

use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_store::{HomeOptions, KdfParams, Passphrase};
use std::sync::Arc;

/// Cheap Argon2 and a manual clock at a fixed instant.
pub(crate) fn options() -> HomeOptions {
    HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        clock: Arc::new(ManualClock::new(
            Timestamp::from_unix_seconds(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH),
        )),
        ..HomeOptions::default()
    }
}

/// A passphrase from a test string.
pub(crate) fn pass(s: &str) -> Passphrase {
    Passphrase::new(s).unwrap_or_else(|_| panic!("empty test passphrase"))
}
