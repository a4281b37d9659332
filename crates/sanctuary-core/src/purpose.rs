//! Signature purposes: the domain tags of every Sanctuary signature, all in this one module.
//!
//! A signature made for one purpose never verifies for another: the preimage is
//! `b"sanctuary/" + purpose + b"/v1\n" + JCS(body)` (see [`crate::sign`]). Purpose names
//! are lowercase ASCII letters, digits and `-`, so the preimage cannot be read two ways.
//!
//! Applications built on Sanctuary may sign their own objects with
//! [`Purpose::application`], whose names must begin with `x-` and so never collide with a
//! purpose defined here.
//!
//! Concordia messages are the one exception to domain separation: they follow Concordia's own
//! preimages (no prefix) for wire compatibility with other implementations.

use std::fmt;

/// A signature purpose (domain tag). Built-in purposes are the associated constants.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Purpose(&'static str);

/// Why an application purpose name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "application purpose must start with \"x-\" and hold 3 to 64 lowercase letters, digits or '-'"
)]
pub struct PurposeError;

impl Purpose {
    /// A Sovereignty Health Report (L4).
    pub const SHR_REPORT: Purpose = Purpose("shr-report");
    /// A message of the agent-to-agent handshake (L4).
    pub const SHR_HANDSHAKE: Purpose = Purpose("shr-handshake");
    /// A verification attestation: one agent's signed statement that it verified a peer's
    /// report and liveness in a handshake (L4).
    pub const SHR_ATTESTATION: Purpose = Purpose("shr-attestation");
    /// A signed Merkle root of the encrypted store, with its epoch (L1).
    pub const STORE_ROOT: Purpose = Purpose("store-root");
    /// A checkpoint of the encrypted audit log (L1).
    pub const AUDIT_CHECKPOINT: Purpose = Purpose("audit-checkpoint");
    /// The signed head of the audit log, which detects truncation (L1).
    pub const AUDIT_HEAD: Purpose = Purpose("audit-head");
    /// A human approval request (principal policy).
    pub const APPROVAL_REQUEST: Purpose = Purpose("approval-request");
    /// A human approval grant or denial, bound to the request's argument digest.
    pub const APPROVAL_RECEIPT: Purpose = Purpose("approval-receipt");
    /// An export bundle of the encrypted store, signed by the exporting store (L1).
    pub const STORE_BUNDLE: Purpose = Purpose("store-bundle");
    /// A key rotation event, signed by the outgoing key.
    pub const KEY_ROTATION: Purpose = Purpose("key-rotation");
    /// A model provenance declaration (L2).
    pub const MODEL_PROVENANCE: Purpose = Purpose("model-provenance");
    /// A selective-disclosure statement wrapping a zero-knowledge proof (L3).
    pub const ZK_STATEMENT: Purpose = Purpose("zk-statement");

    /// Every built-in purpose.
    pub const ALL: &'static [Purpose] = &[
        Purpose::SHR_REPORT,
        Purpose::SHR_HANDSHAKE,
        Purpose::SHR_ATTESTATION,
        Purpose::STORE_ROOT,
        Purpose::AUDIT_CHECKPOINT,
        Purpose::AUDIT_HEAD,
        Purpose::APPROVAL_REQUEST,
        Purpose::APPROVAL_RECEIPT,
        Purpose::STORE_BUNDLE,
        Purpose::KEY_ROTATION,
        Purpose::MODEL_PROVENANCE,
        Purpose::ZK_STATEMENT,
    ];

    /// A purpose for an application's own signed objects. The name must match
    /// `x-[a-z0-9-]+` and be at most 64 bytes.
    ///
    /// ```
    /// use sanctuary_core::purpose::Purpose;
    /// const INVOICE: Purpose = match Purpose::application("x-acme-invoice") {
    ///     Ok(p) => p,
    ///     Err(_) => panic!("bad purpose name"),
    /// };
    /// assert_eq!(INVOICE.as_str(), "x-acme-invoice");
    /// assert!(Purpose::application("shr-report").is_err());
    /// ```
    #[expect(
        clippy::indexing_slicing,
        reason = "every index is checked against the length first; const fn cannot call get"
    )]
    pub const fn application(name: &'static str) -> Result<Purpose, PurposeError> {
        let bytes = name.as_bytes();
        if bytes.len() < 3 || bytes.len() > 64 || bytes[0] != b'x' || bytes[1] != b'-' {
            return Err(PurposeError);
        }
        let mut i = 2;
        while i < bytes.len() {
            let c = bytes[i];
            if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
                return Err(PurposeError);
            }
            i += 1;
        }
        Ok(Purpose(name))
    }

    /// The purpose name.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        self.0
    }

    /// The domain prefix `sanctuary/<purpose>/v1\n` that starts every preimage.
    #[must_use]
    pub fn domain_prefix(&self) -> Vec<u8> {
        let mut prefix = Vec::with_capacity(self.0.len() + 14);
        prefix.extend_from_slice(b"sanctuary/");
        prefix.extend_from_slice(self.0.as_bytes());
        prefix.extend_from_slice(b"/v1\n");
        prefix
    }
}

impl fmt::Debug for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Purpose({})", self.0)
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_are_distinct_and_well_formed() {
        let mut names: Vec<_> = Purpose::ALL.iter().map(Purpose::as_str).collect();
        for name in &names {
            assert!(!name.starts_with("x-"), "{name}");
            assert!(
                name.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{name}"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Purpose::ALL.len());
    }

    #[test]
    fn application_names() {
        assert!(Purpose::application("x-a").is_ok());
        for bad in [
            "x-", "x", "y-abc", "X-abc", "x-Abc", "x-a/v1", "x-a\n", "x-é",
        ] {
            assert_eq!(Purpose::application(bad), Err(PurposeError), "{bad:?}");
        }
        let long: &'static str = Box::leak(format!("x-{}", "a".repeat(63)).into_boxed_str());
        assert_eq!(Purpose::application(long), Err(PurposeError));
    }

    #[test]
    fn domain_prefix_layout() {
        assert_eq!(
            Purpose::SHR_REPORT.domain_prefix(),
            b"sanctuary/shr-report/v1\n"
        );
    }
}
