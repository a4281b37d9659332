//! Integration tests of sanctuary-shr: reports, handshakes, attestations.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failure is a broken test, reported loudly"
)]

mod attestation;
mod common;
mod handshake;
mod props;
mod report;
