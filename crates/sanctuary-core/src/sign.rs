//! Domain-separated signatures over canonical JSON.
//!
//! The preimage of every Sanctuary signature is
//!
//! ```text
//! b"sanctuary/" ‖ purpose ‖ b"/v1\n" ‖ JCS(body)
//! ```
//!
//! so a signature made for one purpose (a health report, say) never verifies as another (an
//! approval), and the body is signed in its RFC 8785 canonical form, whatever order or spelling
//! it arrived in.
//!
//! ```
//! use sanctuary_core::{identity::Identity, purpose::Purpose, sign};
//! use serde_json::json;
//!
//! let me = Identity::generate(&mut rand_core::OsRng);
//! let body = json!({"level": "full", "instance": me.id()});
//! let sig = sign::sign_json(&me, Purpose::SHR_REPORT, &body)?;
//! assert!(sign::verify_json(me.public(), Purpose::SHR_REPORT, &body, &sig).is_ok());
//! // The same bytes signed for another purpose do not verify.
//! assert!(sign::verify_json(me.public(), Purpose::APPROVAL_RECEIPT, &body, &sig).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::identity::{PublicKey, Signature, SignatureError, Signer, SignerError};
use crate::jcs::{self, JcsError};
use crate::purpose::Purpose;
use serde::Serialize;

/// Signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The body has no canonical JSON form.
    #[error("cannot canonicalise the body: {0}")]
    Canonical(#[from] JcsError),
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
}

/// Verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The body has no canonical JSON form, so it cannot have been signed.
    #[error("cannot canonicalise the body: {0}")]
    Canonical(#[from] JcsError),
    /// The signature does not verify (one opaque reason).
    #[error(transparent)]
    Signature(#[from] SignatureError),
}

/// The exact bytes that are signed for `purpose` and `body`.
pub fn preimage<T: Serialize + ?Sized>(purpose: Purpose, body: &T) -> Result<Vec<u8>, JcsError> {
    preimage_of_value(purpose, &jcs::to_json_value(body)?)
}

/// The exact bytes that are signed for `purpose` and an already parsed JSON `body`, without
/// the copy [`preimage`] makes through serde (for verifiers that hold the received value).
pub fn preimage_of_value(purpose: Purpose, body: &serde_json::Value) -> Result<Vec<u8>, JcsError> {
    let mut bytes = purpose.domain_prefix();
    jcs::append_to(body, &mut bytes)?;
    Ok(bytes)
}

/// Signs the canonical form of `body` for `purpose`.
pub fn sign_json<S, T>(signer: &S, purpose: Purpose, body: &T) -> Result<Signature, SignError>
where
    S: Signer + ?Sized,
    T: Serialize + ?Sized,
{
    let bytes = preimage(purpose, body)?;
    Ok(signer.sign(&bytes)?)
}

/// Verifies a signature made by [`sign_json`] (strict Ed25519, see [`crate::identity`]).
pub fn verify_json<T: Serialize + ?Sized>(
    key: &PublicKey,
    purpose: Purpose,
    body: &T,
    signature: &Signature,
) -> Result<(), VerifyError> {
    let bytes = preimage(purpose, body)?;
    Ok(key.verify(&bytes, signature)?)
}
