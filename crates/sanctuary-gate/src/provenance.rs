//! Model provenance: which model the agent talks to, who made it, under which licence, whether
//! its weights are open, whether it runs on this machine, and which exact weights file it is.
//!
//! A [`ModelProvenance`] is a *declaration*. The operator writes it (or takes a [`presets`]
//! entry and adjusts it); [`ModelProvenance::validate`] refuses declarations that contradict
//! themselves, [`hash_weights_file`] and [`ModelProvenance::verify_weights`] tie a local
//! declaration to the bytes on disk, and [`ModelProvenance::sign`] turns it into a
//! [`SignedProvenance`] that peers can check against the operator's key.
//!
//! ```
//! use sanctuary_core::identity::{Identity, SecretSeed, Signer as _};
//! use sanctuary_gate::provenance::presets;
//!
//! let operator = Identity::from_seed(&SecretSeed::from_bytes([7; 32]));
//! let model = presets::mistral_7b_instruct_v0_3_local();
//! model.validate()?;
//! let signed = model.sign(&operator)?;
//! assert_eq!(signed.verify(operator.public())?, &model);
//! # Ok::<(), sanctuary_gate::provenance::ProvenanceError>(())
//! ```
//!
//! # What a signature here means
//!
//! A signed declaration is a **self-reported attestation**: the key holder vouches for the
//! statements, nothing was measured by a third party or by hardware. It proves *who* made the
//! claims and that they were not altered since; it does not prove the claims are true, nor that
//! the declared model is the one actually answering. The only measured fact is the weights
//! digest, and only for the party that runs [`ModelProvenance::verify_weights`] on the file.
//! The health report says so with `SELF_REPORTED_ATTESTATION`.
//!
//! # Terms
//!
//! - **Open weights**: the trained parameters can be downloaded under a named licence (which
//!   may restrict use, as the Llama community licences do).
//! - **Open source**: the weights *and* the training code *and* the training data are openly
//!   published. Open weights alone are not open source.
//! - **Local inference**: the model runs on hardware the user controls; prompts do not leave
//!   the machine (or the user's network) to reach it.

use sanctuary_core::identity::{PublicKey, Signature, Signer};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::{Digest, sign};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Longest `model_id`, `name`, `version`, `provider` or `license`, in characters. Long enough
/// for any registry path (`org/model-name-variant`), short enough to keep reports small.
pub const MAX_FIELD_CHARS: usize = 128;

/// Longest `source_url`, in characters (the common practical URL limit).
pub const MAX_URL_CHARS: usize = 2048;

/// Longest `notes`, in characters: a few sentences, not a model card.
pub const MAX_NOTES_CHARS: usize = 1024;

/// The licence value for weights that are not published under any licence.
pub const PROPRIETARY: &str = "proprietary";

/// Buffer size of the streaming weights hash: large enough that syscall overhead is negligible
/// next to SHA-256, small enough to never matter for memory (weights files are many GiB).
pub const HASH_BUFFER_BYTES: usize = 1 << 20;

/// Deepest parenthesis nesting accepted in a licence expression (real ones use one level).
const MAX_LICENSE_DEPTH: usize = 8;

/// A declaration of where a model comes from and how it runs.
///
/// Serialised with exactly these field names; unknown fields are refused (a declaration that
/// says more than this format knows is not silently trimmed). Absent optional fields are
/// omitted, so the signed canonical form does not depend on how `null` was spelled.
///
/// Build one with [`ModelProvenance::new`] and the `with_*` methods, or start from a
/// [`presets`] function. Call [`ModelProvenance::validate`] before trusting one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ModelProvenance {
    /// The model's identifier where it is published or served (e.g. a Hugging Face repository
    /// `org/name` or an API model id). No whitespace.
    pub model_id: String,
    /// A human-readable name.
    pub name: String,
    /// The version, snapshot or release the declaration is about.
    pub version: String,
    /// Who trained and publishes the model.
    pub provider: String,
    /// An SPDX licence expression (`Apache-2.0`, `LicenseRef-…` for non-listed licences), or
    /// exactly [`PROPRIETARY`] for unpublished weights.
    pub license: String,
    /// The weights can be downloaded under the named licence.
    pub open_weights: bool,
    /// Weights, training code and training data are all openly published.
    pub open_source: bool,
    /// The model runs on hardware the user controls.
    pub local_inference: bool,
    /// SHA-256 of the weights file, serialised `sha256:<hex>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_hash: Option<Digest>,
    /// Where the model is published or documented (`https://` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Free-text remarks (newlines allowed, no other control characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Why a declaration, a weights check or a signed declaration was refused.
///
/// Messages name fields and paths, never field values (a declaration may come from anywhere;
/// echoing it into logs would let it inject text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProvenanceError {
    /// A required text field is empty.
    #[error("field `{field}` is empty")]
    EmptyField {
        /// The field name.
        field: &'static str,
    },
    /// A text field is longer than its limit.
    #[error("field `{field}` is longer than {max} characters")]
    FieldTooLong {
        /// The field name.
        field: &'static str,
        /// The limit, in characters.
        max: usize,
    },
    /// A text field holds a character that can hide or disguise text.
    #[error("field `{field}` contains a control, invisible or bidirectional-override character")]
    ForbiddenCharacter {
        /// The field name.
        field: &'static str,
    },
    /// A text field starts or ends with whitespace (two spellings of one value).
    #[error("field `{field}` has leading or trailing whitespace")]
    SurroundingWhitespace {
        /// The field name.
        field: &'static str,
    },
    /// `model_id` contains whitespace.
    #[error("field `model_id` contains whitespace")]
    WhitespaceInModelId,
    /// `license` is neither [`PROPRIETARY`] nor a well-formed SPDX-style expression.
    #[error("field `license` is neither \"proprietary\" nor an spdx license expression")]
    InvalidLicense,
    /// `source_url` is not an `https://` URL with a host.
    #[error("field `source_url` is not an https url")]
    InvalidSourceUrl,
    /// `open_source` is true but `open_weights` is false.
    #[error("open_source requires open_weights")]
    OpenSourceWithoutOpenWeights,
    /// Open weights declared under the [`PROPRIETARY`] licence.
    #[error("open weights must name their license (use LicenseRef-… for a custom one)")]
    OpenWeightsWithoutLicense,
    /// A weights hash on a model whose weights nobody holding the declaration can read.
    #[error("weights_hash requires open_weights or local_inference")]
    UnverifiableWeightsHash,
    /// Local inference of closed weights without pinning which file.
    #[error("local inference of closed weights requires a weights_hash")]
    LocalClosedWeightsWithoutHash,
    /// [`ModelProvenance::verify_weights`] on a declaration without `weights_hash`.
    #[error("the declaration has no weights_hash to verify against")]
    NoWeightsHash,
    /// The weights file does not have the declared digest.
    #[error("weights digest mismatch: declared {expected}, file has {actual}")]
    WeightsMismatch {
        /// The declared digest.
        expected: Digest,
        /// The digest of the file.
        actual: Digest,
    },
    /// The weights path is a directory, device, socket or pipe.
    #[error("not a regular file: {}", .path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// Opening or reading the weights file failed.
    #[error("cannot read weights file {}: {kind}", .path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// What the operating system reported.
        kind: io::ErrorKind,
    },
    /// Reading weights from a stream failed.
    #[error("cannot read weights: {kind}")]
    Read {
        /// What the reader reported.
        kind: io::ErrorKind,
    },
    /// The signer could not sign (key unavailable, refused, …).
    #[error("cannot sign the declaration: {reason}")]
    Signing {
        /// What the signer or canonicaliser reported.
        reason: String,
    },
    /// The signed declaration names another signer than the expected key.
    #[error("the declaration is signed by another key")]
    WrongSigner,
    /// The signature does not verify (one opaque reason).
    #[error("the declaration signature does not verify")]
    BadSignature,
}

impl ModelProvenance {
    /// A declaration with every flag false and no optional field: closed weights, served
    /// remotely. Set what is true with the `with_*` methods.
    #[must_use]
    pub fn new(
        model_id: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
        provider: impl Into<String>,
        license: impl Into<String>,
    ) -> Self {
        ModelProvenance {
            model_id: model_id.into(),
            name: name.into(),
            version: version.into(),
            provider: provider.into(),
            license: license.into(),
            open_weights: false,
            open_source: false,
            local_inference: false,
            weights_hash: None,
            source_url: None,
            notes: None,
        }
    }

    /// Sets `open_weights`.
    #[must_use]
    pub fn with_open_weights(mut self, open_weights: bool) -> Self {
        self.open_weights = open_weights;
        self
    }

    /// Sets `open_source`.
    #[must_use]
    pub fn with_open_source(mut self, open_source: bool) -> Self {
        self.open_source = open_source;
        self
    }

    /// Sets `local_inference`.
    #[must_use]
    pub fn with_local_inference(mut self, local_inference: bool) -> Self {
        self.local_inference = local_inference;
        self
    }

    /// Sets `weights_hash` (see [`hash_weights_file`]).
    #[must_use]
    pub fn with_weights_hash(mut self, digest: Digest) -> Self {
        self.weights_hash = Some(digest);
        self
    }

    /// Sets `source_url`.
    #[must_use]
    pub fn with_source_url(mut self, url: impl Into<String>) -> Self {
        self.source_url = Some(url.into());
        self
    }

    /// Sets `notes`.
    #[must_use]
    pub fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// Whether the licence is [`PROPRIETARY`].
    #[must_use]
    pub fn is_proprietary(&self) -> bool {
        self.license == PROPRIETARY
    }

    /// Checks the declaration against these rules, in this order:
    ///
    /// 1. `model_id`, `name`, `version`, `provider`, `license`: non-empty, at most
    ///    [`MAX_FIELD_CHARS`] characters, no control characters, no invisible or
    ///    bidirectional-override characters (they make a report read differently from what it
    ///    says), no leading or trailing whitespace; `model_id` has no whitespace at all.
    /// 2. `license` is exactly [`PROPRIETARY`] or an SPDX-style expression: identifiers of
    ///    ASCII letters, digits, `.`, `-` and `+` (`LicenseRef-…` for unlisted licences),
    ///    joined by `AND`, `OR`, `WITH`, with balanced parentheses. Other spellings of
    ///    "proprietary" are refused so the value has one meaning.
    /// 3. `source_url`, when present: `https://` followed by a host, at most
    ///    [`MAX_URL_CHARS`], no whitespace or control characters.
    /// 4. `notes`, when present: as rule 1 with [`MAX_NOTES_CHARS`], newlines allowed.
    /// 5. `open_source` implies `open_weights`: nothing is open source whose weights are closed.
    /// 6. `open_weights` implies a named licence (not [`PROPRIETARY`]): published weights are
    ///    published under some terms, and those terms are the point of the declaration.
    /// 7. `weights_hash` requires `open_weights` or `local_inference`: a digest of weights that
    ///    only a remote provider holds can be checked by nobody who reads the declaration.
    /// 8. `local_inference` with closed weights requires `weights_hash`: whoever runs closed
    ///    weights locally (an in-house or licensed on-premises model) holds the file, so the
    ///    declaration must pin which one; otherwise "local" would be an unverifiable claim.
    pub fn validate(&self) -> Result<(), ProvenanceError> {
        check_text("model_id", &self.model_id, MAX_FIELD_CHARS, false)?;
        if self.model_id.chars().any(char::is_whitespace) {
            return Err(ProvenanceError::WhitespaceInModelId);
        }
        check_text("name", &self.name, MAX_FIELD_CHARS, false)?;
        check_text("version", &self.version, MAX_FIELD_CHARS, false)?;
        check_text("provider", &self.provider, MAX_FIELD_CHARS, false)?;
        check_text("license", &self.license, MAX_FIELD_CHARS, false)?;
        if !license_is_well_formed(&self.license) {
            return Err(ProvenanceError::InvalidLicense);
        }
        if let Some(url) = &self.source_url {
            check_text("source_url", url, MAX_URL_CHARS, false)?;
            let host = url.strip_prefix("https://").unwrap_or_default();
            if host.is_empty() || host.starts_with('/') || url.chars().any(char::is_whitespace) {
                return Err(ProvenanceError::InvalidSourceUrl);
            }
        }
        if let Some(notes) = &self.notes {
            check_text("notes", notes, MAX_NOTES_CHARS, true)?;
        }
        if self.open_source && !self.open_weights {
            return Err(ProvenanceError::OpenSourceWithoutOpenWeights);
        }
        if self.open_weights && self.is_proprietary() {
            return Err(ProvenanceError::OpenWeightsWithoutLicense);
        }
        if self.weights_hash.is_some() && !self.open_weights && !self.local_inference {
            return Err(ProvenanceError::UnverifiableWeightsHash);
        }
        if self.local_inference && !self.open_weights && self.weights_hash.is_none() {
            return Err(ProvenanceError::LocalClosedWeightsWithoutHash);
        }
        Ok(())
    }

    /// Hashes the file at `path` and compares it with `weights_hash`.
    ///
    /// The comparison is not constant-time, on purpose: both digests are public (the
    /// declaration is published), so timing reveals nothing secret.
    pub fn verify_weights(&self, path: impl AsRef<Path>) -> Result<(), ProvenanceError> {
        let expected = self.weights_hash.ok_or(ProvenanceError::NoWeightsHash)?;
        let actual = hash_weights_file(path.as_ref())?;
        if actual == expected {
            Ok(())
        } else {
            Err(ProvenanceError::WeightsMismatch { expected, actual })
        }
    }

    /// Validates the declaration and signs it.
    ///
    /// The preimage is `b"sanctuary/model-provenance/v1\n" ‖ JCS(declaration)` (see
    /// [`sanctuary_core::sign`]), absent optional fields omitted. The result is a
    /// self-reported attestation: see the module documentation.
    ///
    /// Fails if the declaration is invalid (nothing invalid gets signed) or the signer fails.
    pub fn sign<S: Signer + ?Sized>(
        &self,
        signer: &S,
    ) -> Result<SignedProvenance, ProvenanceError> {
        self.validate()?;
        let signature = sign::sign_json(signer, Purpose::MODEL_PROVENANCE, self).map_err(|e| {
            ProvenanceError::Signing {
                reason: e.to_string(),
            }
        })?;
        Ok(SignedProvenance {
            declaration: self.clone(),
            signer: signer.public_key(),
            signature,
        })
    }
}

/// A [`ModelProvenance`] signed by the operator's key under [`Purpose::MODEL_PROVENANCE`].
///
/// Self-reported: the signature proves who vouches and that nothing changed since, not that
/// the statements are true (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedProvenance {
    /// The declaration, exactly as signed.
    pub declaration: ModelProvenance,
    /// The key that signed it (informative: [`SignedProvenance::verify`] takes the key the
    /// caller expects and refuses any other).
    pub signer: PublicKey,
    /// Ed25519 over the domain-separated canonical declaration.
    pub signature: Signature,
}

impl SignedProvenance {
    /// Checks that `expected` signed this declaration and that the declaration is valid, and
    /// returns it.
    ///
    /// The key must come from somewhere the caller trusts (the peer's identity, a pinned key):
    /// a declaration signed by whatever key it carries proves nothing.
    pub fn verify(&self, expected: &PublicKey) -> Result<&ModelProvenance, ProvenanceError> {
        if self.signer != *expected {
            return Err(ProvenanceError::WrongSigner);
        }
        sign::verify_json(
            expected,
            Purpose::MODEL_PROVENANCE,
            &self.declaration,
            &self.signature,
        )
        .map_err(|_| ProvenanceError::BadSignature)?;
        // A validly signed but self-contradictory declaration is still refused (fail closed).
        self.declaration.validate()?;
        Ok(&self.declaration)
    }
}

/// SHA-256 of the file at `path`, read in [`HASH_BUFFER_BYTES`] chunks (never whole into
/// memory).
///
/// Symbolic links are followed (model caches commonly link to content-addressed blobs).
/// Anything but a regular file is refused before it is opened, so a pipe cannot block and a
/// device such as `/dev/zero` cannot make the hash run forever; the opened handle is checked
/// again in case the path changed in between.
pub fn hash_weights_file(path: &Path) -> Result<Digest, ProvenanceError> {
    let io_error = |e: io::Error| ProvenanceError::Io {
        path: path.to_path_buf(),
        kind: e.kind(),
    };
    let not_a_file = || ProvenanceError::NotAFile {
        path: path.to_path_buf(),
    };
    if !std::fs::metadata(path).map_err(io_error)?.is_file() {
        return Err(not_a_file());
    }
    let file = File::open(path).map_err(io_error)?;
    if !file.metadata().map_err(io_error)?.is_file() {
        return Err(not_a_file());
    }
    hash_stream(file).map_err(io_error)
}

/// SHA-256 of everything `reader` yields, read in [`HASH_BUFFER_BYTES`] chunks. Pass
/// `&mut reader` to keep the reader.
pub fn hash_weights_reader<R: Read>(reader: R) -> Result<Digest, ProvenanceError> {
    hash_stream(reader).map_err(|e| ProvenanceError::Read { kind: e.kind() })
}

fn hash_stream<R: Read>(mut reader: R) -> io::Result<Digest> {
    let mut hasher = Sha256::new();
    // On the heap: 1 MiB is too much for some threads' stacks.
    let mut buffer = vec![0u8; HASH_BUFFER_BYTES];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                // A misbehaving reader may claim more than the buffer holds; refuse, don't panic.
                let chunk = buffer
                    .get(..n)
                    .ok_or_else(|| io::Error::other("reader returned an impossible length"))?;
                hasher.update(chunk);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Digest::from_bytes(hasher.finalize().into()))
}

/// Characters that are not control characters but can hide or reorder text: soft hyphen,
/// zero-width characters, bidirectional marks, embeddings, overrides and isolates, word
/// joiner and invisible operators, line and paragraph separators, the byte-order mark,
/// interlinear annotation controls and tag characters.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

fn check_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<(), ProvenanceError> {
    if value.is_empty() {
        return Err(ProvenanceError::EmptyField { field });
    }
    // Counting stops one past the limit, so a huge value costs no more than a short one.
    if value.chars().take(max_chars.saturating_add(1)).count() > max_chars {
        return Err(ProvenanceError::FieldTooLong {
            field,
            max: max_chars,
        });
    }
    let forbidden =
        |c: char| (c.is_control() && !(allow_newlines && c == '\n')) || is_invisible_or_bidi(c);
    if value.chars().any(forbidden) {
        return Err(ProvenanceError::ForbiddenCharacter { field });
    }
    if value.trim() != value {
        return Err(ProvenanceError::SurroundingWhitespace { field });
    }
    Ok(())
}

/// Whether `license` is [`PROPRIETARY`] or an SPDX-style expression (see
/// [`ModelProvenance::validate`], rule 2). A shape check, not a lookup in the SPDX list.
fn license_is_well_formed(license: &str) -> bool {
    if license == PROPRIETARY {
        return true;
    }
    // One space between words: a second spelling of the same expression is refused.
    if license.split(' ').any(str::is_empty) {
        return false;
    }
    let mut expect_operand = true;
    let mut depth = 0usize;
    let mut after_with = false;
    for token in license_tokens(license) {
        match token {
            "(" if expect_operand && !after_with => {
                depth += 1;
                if depth > MAX_LICENSE_DEPTH {
                    return false;
                }
            }
            ")" if !expect_operand && depth > 0 => depth -= 1,
            "AND" | "OR" | "WITH" if !expect_operand => {
                after_with = token == "WITH";
                expect_operand = true;
            }
            id if expect_operand && is_license_id(id) => {
                expect_operand = false;
                after_with = false;
            }
            _ => return false,
        }
    }
    !expect_operand && depth == 0
}

/// Splits a licence expression into parentheses and words.
fn license_tokens(license: &str) -> impl Iterator<Item = &str> {
    license
        .split(' ')
        .flat_map(|word| word.split_inclusive(['(', ')']))
        .flat_map(|piece| {
            // `split_inclusive` leaves a parenthesis at the end of a piece; split it off.
            match piece.strip_suffix(['(', ')']) {
                Some(head) => [head, piece.get(head.len()..).unwrap_or_default()],
                None => [piece, ""],
            }
        })
        .filter(|token| !token.is_empty())
}

fn is_license_id(id: &str) -> bool {
    !id.is_empty()
        && !id.eq_ignore_ascii_case(PROPRIETARY)
        && !matches!(id, "AND" | "OR" | "WITH")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

/// Declarations of well-known models.
///
/// Each function states public facts as of 2026 (licence, whether weights, code and data are
/// published), as the provider documents them. They are declarations, not guarantees: check
/// them against the model and the licence you actually use, and set `weights_hash` from your
/// own copy of the weights with [`hash_weights_file`] (no preset pins a file, because
/// quantisations and formats differ).
pub mod presets {
    use super::{ModelProvenance, PROPRIETARY};

    /// A Claude model served by Anthropic's API: closed weights, remote inference.
    ///
    /// `model_id` is the API model name you call (e.g. a dated snapshot); it is also used as
    /// the version, since the API names snapshots that way.
    #[must_use]
    pub fn anthropic_claude_api(model_id: &str) -> ModelProvenance {
        ModelProvenance::new(model_id, "Claude", model_id, "Anthropic", PROPRIETARY)
            .with_source_url("https://www.anthropic.com")
            .with_notes("weights unpublished; inference runs on the provider's servers")
    }

    /// A GPT model served by OpenAI's API: closed weights, remote inference.
    ///
    /// `model_id` is the API model name (also used as the version). OpenAI's open-weight
    /// `gpt-oss` models are a different declaration: see [`gpt_oss_20b_local`].
    #[must_use]
    pub fn openai_gpt_api(model_id: &str) -> ModelProvenance {
        ModelProvenance::new(model_id, "GPT", model_id, "OpenAI", PROPRIETARY)
            .with_source_url("https://openai.com")
            .with_notes("weights unpublished; inference runs on the provider's servers")
    }

    /// Meta Llama 3.1 8B Instruct run locally: open weights under the Llama 3.1 Community
    /// License (use restrictions and an acceptable-use policy; not an OSI licence, hence a
    /// `LicenseRef-`), training data not published, so not open source.
    #[must_use]
    pub fn llama_3_1_8b_instruct_local() -> ModelProvenance {
        ModelProvenance::new(
            "meta-llama/Llama-3.1-8B-Instruct",
            "Llama 3.1 8B Instruct",
            "3.1",
            "Meta",
            "LicenseRef-Llama-3.1-Community-License",
        )
        .with_open_weights(true)
        .with_local_inference(true)
        .with_source_url("https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
        .with_notes("open weights under a custom community license; training data not released")
    }

    /// Mistral 7B Instruct v0.3 run locally: open weights under Apache-2.0, training data not
    /// published, so not open source.
    #[must_use]
    pub fn mistral_7b_instruct_v0_3_local() -> ModelProvenance {
        ModelProvenance::new(
            "mistralai/Mistral-7B-Instruct-v0.3",
            "Mistral 7B Instruct",
            "0.3",
            "Mistral AI",
            "Apache-2.0",
        )
        .with_open_weights(true)
        .with_local_inference(true)
        .with_source_url("https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3")
        .with_notes("open weights; training data not released")
    }

    /// OpenAI gpt-oss-20b run locally: open weights under Apache-2.0 (released August 2025),
    /// training data not published, so not open source.
    #[must_use]
    pub fn gpt_oss_20b_local() -> ModelProvenance {
        ModelProvenance::new(
            "openai/gpt-oss-20b",
            "gpt-oss-20b",
            "2025-08",
            "OpenAI",
            "Apache-2.0",
        )
        .with_open_weights(true)
        .with_local_inference(true)
        .with_source_url("https://huggingface.co/openai/gpt-oss-20b")
        .with_notes("open weights; training data not released")
    }

    /// Ai2 OLMo 2 7B Instruct (November 2024 release) run locally: Apache-2.0, with weights,
    /// training code and training data published, so open source in the sense used here.
    #[must_use]
    pub fn olmo_2_7b_instruct_local() -> ModelProvenance {
        ModelProvenance::new(
            "allenai/OLMo-2-1124-7B-Instruct",
            "OLMo 2 7B Instruct",
            "1124",
            "Ai2",
            "Apache-2.0",
        )
        .with_open_weights(true)
        .with_open_source(true)
        .with_local_inference(true)
        .with_source_url("https://huggingface.co/allenai/OLMo-2-1124-7B-Instruct")
        .with_notes("weights, training code, data mixtures and recipes published")
    }

    /// Every preset, for listing (the API ones with an example model name).
    #[must_use]
    pub fn all() -> Vec<ModelProvenance> {
        vec![
            anthropic_claude_api("claude-sonnet-4-5"),
            openai_gpt_api("gpt-4o"),
            llama_3_1_8b_instruct_local(),
            mistral_7b_instruct_v0_3_local(),
            gpt_oss_20b_local(),
            olmo_2_7b_instruct_local(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use std::io::Write;

    fn operator() -> Identity {
        Identity::from_seed(&SecretSeed::from_bytes([42; 32]))
    }

    fn local_open() -> ModelProvenance {
        presets::mistral_7b_instruct_v0_3_local()
    }

    #[test]
    fn presets_validate_and_state_the_documented_facts() {
        for p in presets::all() {
            assert_eq!(p.validate(), Ok(()), "{}", p.model_id);
            assert!(p.weights_hash.is_none());
        }
        let claude = presets::anthropic_claude_api("claude-sonnet-4-5");
        assert!(!claude.open_weights && !claude.open_source && !claude.local_inference);
        assert!(claude.is_proprietary());
        let gpt = presets::openai_gpt_api("gpt-4o");
        assert!(!gpt.open_weights && !gpt.local_inference && gpt.is_proprietary());
        let llama = presets::llama_3_1_8b_instruct_local();
        assert!(llama.open_weights && !llama.open_source && llama.local_inference);
        assert!(llama.license.starts_with("LicenseRef-"));
        let mistral = presets::mistral_7b_instruct_v0_3_local();
        assert!(mistral.open_weights && !mistral.open_source);
        assert_eq!(mistral.license, "Apache-2.0");
        let oss = presets::gpt_oss_20b_local();
        assert!(oss.open_weights && !oss.open_source && oss.license == "Apache-2.0");
        let olmo = presets::olmo_2_7b_instruct_local();
        assert!(olmo.open_weights && olmo.open_source && olmo.local_inference);
        // An API preset with a bad model name is caught by validation, not by the preset.
        assert_eq!(
            presets::anthropic_claude_api("").validate(),
            Err(ProvenanceError::EmptyField { field: "model_id" })
        );
    }

    #[test]
    fn text_field_rules() {
        type Setter = fn(&mut ModelProvenance, String);
        let setters: [(&str, Setter); 5] = [
            ("model_id", |p, v| p.model_id = v),
            ("name", |p, v| p.name = v),
            ("version", |p, v| p.version = v),
            ("provider", |p, v| p.provider = v),
            ("license", |p, v| p.license = v),
        ];
        for (field, set) in setters {
            let with = |v: &str| {
                let mut p = local_open();
                set(&mut p, v.to_owned());
                p.validate()
            };
            assert_eq!(with(""), Err(ProvenanceError::EmptyField { field }));
            assert_eq!(
                with(&"a".repeat(129)),
                Err(ProvenanceError::FieldTooLong { field, max: 128 })
            );
            for bad in [
                "a\u{0}b",
                "a\tb",
                "a\nb",
                "a\u{7f}",
                "ab\u{202E}cd",
                "a\u{200B}b",
                "\u{FEFF}a",
            ] {
                assert_eq!(
                    with(bad),
                    Err(ProvenanceError::ForbiddenCharacter { field }),
                    "{field} {bad:?}"
                );
            }
            assert_eq!(
                with(" MIT"),
                Err(ProvenanceError::SurroundingWhitespace { field })
            );
        }
        // 128 characters (multi-byte) is still fine.
        let mut p = local_open();
        p.name = "é".repeat(128);
        assert_eq!(p.validate(), Ok(()));
        p.model_id = "org/model name".into();
        assert_eq!(p.validate(), Err(ProvenanceError::WhitespaceInModelId));
    }

    #[test]
    fn license_rules() {
        let with = |license: &str| {
            let mut p = presets::anthropic_claude_api("m");
            p.license = license.into();
            p.validate()
        };
        for good in [
            "proprietary",
            "MIT",
            "Apache-2.0",
            "GPL-2.0+",
            "LicenseRef-Llama-3.1-Community-License",
            "MIT OR Apache-2.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            "((MIT))",
        ] {
            assert_eq!(with(good), Ok(()), "{good}");
        }
        for bad in [
            "Proprietary",
            "PROPRIETARY",
            "MIT OR proprietary",
            "MIT and Apache-2.0",
            "MIT OR",
            "OR MIT",
            "MIT Apache-2.0",
            "(MIT",
            "MIT)",
            "()",
            "MIT WITH (Foo)",
            "MIT/Apache",
            "Apache 2.0",
            "MIT  OR Apache-2.0",
            "((((((((((MIT))))))))))",
        ] {
            assert_eq!(with(bad), Err(ProvenanceError::InvalidLicense), "{bad}");
        }
    }

    #[test]
    fn url_and_notes_rules() {
        let mut p = local_open();
        for bad in [
            "http://example.com",
            "https://",
            "https:///path",
            "ftp://x",
            "https://a b",
        ] {
            p.source_url = Some(bad.into());
            assert_eq!(
                p.validate(),
                Err(ProvenanceError::InvalidSourceUrl),
                "{bad}"
            );
        }
        p.source_url = Some(format!("https://{}", "a".repeat(2048)));
        assert_eq!(
            p.validate(),
            Err(ProvenanceError::FieldTooLong {
                field: "source_url",
                max: MAX_URL_CHARS
            })
        );
        p.source_url = Some("https://example.org/model".into());
        p.notes = Some("line one\nline two".into());
        assert_eq!(p.validate(), Ok(()));
        p.notes = Some("tab\there".into());
        assert_eq!(
            p.validate(),
            Err(ProvenanceError::ForbiddenCharacter { field: "notes" })
        );
        p.notes = Some("x".repeat(1025));
        assert_eq!(
            p.validate(),
            Err(ProvenanceError::FieldTooLong {
                field: "notes",
                max: MAX_NOTES_CHARS
            })
        );
        p.notes = Some(String::new());
        assert_eq!(
            p.validate(),
            Err(ProvenanceError::EmptyField { field: "notes" })
        );
    }

    #[test]
    fn consistency_rules() {
        let remote_closed = presets::openai_gpt_api("gpt-4o");
        let digest = Digest::sha256(b"weights");

        let open_source_closed = remote_closed.clone().with_open_source(true);
        assert_eq!(
            open_source_closed.validate(),
            Err(ProvenanceError::OpenSourceWithoutOpenWeights)
        );

        let open_but_proprietary = remote_closed.clone().with_open_weights(true);
        assert_eq!(
            open_but_proprietary.validate(),
            Err(ProvenanceError::OpenWeightsWithoutLicense)
        );

        let hash_of_remote_closed = remote_closed.clone().with_weights_hash(digest);
        assert_eq!(
            hash_of_remote_closed.validate(),
            Err(ProvenanceError::UnverifiableWeightsHash)
        );

        let local_closed = remote_closed.clone().with_local_inference(true);
        assert_eq!(
            local_closed.validate(),
            Err(ProvenanceError::LocalClosedWeightsWithoutHash)
        );
        // The same with a pinned file is an in-house or on-premises model: accepted.
        assert_eq!(local_closed.with_weights_hash(digest).validate(), Ok(()));
        // Open weights served remotely may carry a hash (anyone can fetch and check them).
        let remote_open = local_open()
            .with_local_inference(false)
            .with_weights_hash(digest);
        assert_eq!(remote_open.validate(), Ok(()));
    }

    #[test]
    fn serde_round_trip_and_strictness() {
        let p = local_open().with_weights_hash(Digest::sha256(b"w"));
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.contains(&format!("\"weights_hash\":\"{}\"", Digest::sha256(b"w"))));
        assert_eq!(serde_json::from_str::<ModelProvenance>(&text).unwrap(), p);

        // Absent optional fields are omitted, and `null` reads as absent.
        let bare = presets::openai_gpt_api("gpt-4o");
        let mut value = serde_json::to_value(&bare).unwrap();
        assert!(value.get("weights_hash").is_none());
        value["weights_hash"] = serde_json::Value::Null;
        assert_eq!(
            serde_json::from_value::<ModelProvenance>(value).unwrap(),
            bare
        );

        let mut extra = serde_json::to_value(&p).unwrap();
        extra["trust_me"] = serde_json::Value::Bool(true);
        assert!(serde_json::from_value::<ModelProvenance>(extra).is_err());

        let mut missing = serde_json::to_value(&p).unwrap();
        missing.as_object_mut().unwrap().remove("open_source");
        assert!(serde_json::from_value::<ModelProvenance>(missing).is_err());

        let bad_hash = text.replace("sha256:", "md5:");
        assert!(serde_json::from_str::<ModelProvenance>(&bad_hash).is_err());
    }

    #[test]
    fn weights_hash_streams_a_large_file() {
        // 3.5 MiB of a non-repeating pattern: several full buffers and a partial one.
        let len = 3 * HASH_BUFFER_BYTES + HASH_BUFFER_BYTES / 2 + 17;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let content: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&content).unwrap();
        file.flush().unwrap();

        let expected = Digest::from_bytes(Sha256::digest(&content).into());
        assert_eq!(hash_weights_file(file.path()).unwrap(), expected);
        assert_eq!(hash_weights_reader(content.as_slice()).unwrap(), expected);

        let declared = local_open().with_weights_hash(expected);
        assert_eq!(declared.verify_weights(file.path()), Ok(()));
        let wrong = local_open().with_weights_hash(Digest::sha256(b"other"));
        assert_eq!(
            wrong.verify_weights(file.path()),
            Err(ProvenanceError::WeightsMismatch {
                expected: Digest::sha256(b"other"),
                actual: expected
            })
        );
        assert_eq!(
            local_open().verify_weights(file.path()),
            Err(ProvenanceError::NoWeightsHash)
        );
    }

    #[test]
    fn weights_hash_of_an_empty_file_is_the_empty_string_digest() {
        let file = tempfile::NamedTempFile::new().unwrap();
        assert_eq!(
            hash_weights_file(file.path()).unwrap().to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn weights_hash_refuses_directories_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            hash_weights_file(dir.path()),
            Err(ProvenanceError::NotAFile {
                path: dir.path().to_path_buf()
            })
        );
        let missing = dir.path().join("absent.safetensors");
        let err = hash_weights_file(&missing).unwrap_err();
        assert_eq!(
            err,
            ProvenanceError::Io {
                path: missing.clone(),
                kind: io::ErrorKind::NotFound
            }
        );
        assert!(err.to_string().contains("absent.safetensors"));
    }

    #[test]
    fn weights_hash_reports_reader_errors_and_retries_interrupts() {
        struct Flaky(u8);
        impl Read for Flaky {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.0 += 1;
                match self.0 {
                    1 => Err(io::ErrorKind::Interrupted.into()),
                    2 => {
                        buf[..3].copy_from_slice(b"abc");
                        Ok(3)
                    }
                    3 => Ok(0),
                    _ => unreachable!(),
                }
            }
        }
        assert_eq!(
            hash_weights_reader(Flaky(0)).unwrap(),
            Digest::sha256(b"abc")
        );

        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::PermissionDenied.into())
            }
        }
        assert_eq!(
            hash_weights_reader(Broken),
            Err(ProvenanceError::Read {
                kind: io::ErrorKind::PermissionDenied
            })
        );

        struct Liar;
        impl Read for Liar {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                Ok(buf.len() + 1)
            }
        }
        assert!(matches!(
            hash_weights_reader(Liar),
            Err(ProvenanceError::Read { .. })
        ));
    }

    #[test]
    fn signed_declaration_verifies_and_detects_every_change() {
        let me = operator();
        let declared = local_open()
            .with_weights_hash(Digest::sha256(b"w"))
            .with_notes("pinned");
        let signed = declared.sign(&me).unwrap();
        assert_eq!(signed.verify(me.public()), Ok(&declared));

        // Round trip through JSON keeps it verifiable; unknown fields are refused.
        let json = serde_json::to_value(&signed).unwrap();
        let back: SignedProvenance = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.verify(me.public()), Ok(&declared));
        let mut extra = json.clone();
        extra["declaration"]["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<SignedProvenance>(extra).is_err());

        // Every field change breaks the signature.
        let tampered: Vec<fn(&mut ModelProvenance)> = vec![
            |p| p.model_id.push('x'),
            |p| p.name.push('x'),
            |p| p.version.push('x'),
            |p| p.provider.push('x'),
            |p| p.license = "MIT".into(),
            |p| p.open_weights = !p.open_weights,
            |p| p.open_source = !p.open_source,
            |p| p.local_inference = !p.local_inference,
            |p| p.weights_hash = Some(Digest::sha256(b"v")),
            |p| p.weights_hash = None,
            |p| p.source_url = None,
            |p| p.notes = Some("other".into()),
            |p| p.notes = None,
        ];
        for (i, change) in tampered.into_iter().enumerate() {
            let mut copy = signed.clone();
            change(&mut copy.declaration);
            assert_ne!(copy.declaration, declared, "change {i} is a no-op");
            assert_eq!(
                copy.verify(me.public()),
                Err(ProvenanceError::BadSignature),
                "change {i}"
            );
        }

        // A flipped signature bit fails.
        let mut bad_sig = signed.clone();
        let mut bytes = bad_sig.signature.to_bytes();
        bytes[10] ^= 1;
        bad_sig.signature = Signature::from_bytes(bytes);
        assert_eq!(
            bad_sig.verify(me.public()),
            Err(ProvenanceError::BadSignature)
        );

        // Another key: refused whether or not the signer field is swapped too.
        let other = Identity::from_seed(&SecretSeed::from_bytes([43; 32]));
        assert_eq!(
            signed.verify(other.public()),
            Err(ProvenanceError::WrongSigner)
        );
        let mut relabelled = signed.clone();
        relabelled.signer = *other.public();
        assert_eq!(
            relabelled.verify(other.public()),
            Err(ProvenanceError::BadSignature)
        );

        // The same body signed for another purpose is not a provenance signature.
        let foreign = sign::sign_json(&me, Purpose::SHR_REPORT, &declared).unwrap();
        let mut cross = signed.clone();
        cross.signature = foreign;
        assert_eq!(
            cross.verify(me.public()),
            Err(ProvenanceError::BadSignature)
        );
    }

    #[test]
    fn the_preimage_is_the_domain_separated_canonical_declaration() {
        let me = operator();
        let declared = presets::olmo_2_7b_instruct_local();
        let signed = declared.sign(&me).unwrap();
        let value = serde_json::to_value(&declared).unwrap();
        let mut preimage = b"sanctuary/model-provenance/v1\n".to_vec();
        preimage.extend_from_slice(&sanctuary_core::jcs::to_vec(&value).unwrap());
        assert!(me.public().verify(&preimage, &signed.signature).is_ok());
    }

    #[test]
    fn invalid_declarations_are_neither_signed_nor_accepted() {
        let me = operator();
        let invalid = presets::openai_gpt_api("gpt-4o").with_open_source(true);
        assert_eq!(
            invalid.sign(&me).unwrap_err(),
            ProvenanceError::OpenSourceWithoutOpenWeights
        );
        // Signed by hand (bypassing `sign`): the signature is good, the content is refused.
        let signature = sign::sign_json(&me, Purpose::MODEL_PROVENANCE, &invalid).unwrap();
        let forged = SignedProvenance {
            declaration: invalid,
            signer: *me.public(),
            signature,
        };
        assert_eq!(
            forged.verify(me.public()),
            Err(ProvenanceError::OpenSourceWithoutOpenWeights)
        );
    }

    #[test]
    fn signer_failures_are_reported() {
        struct Locked(PublicKey);
        impl Signer for Locked {
            fn public_key(&self) -> PublicKey {
                self.0
            }
            fn sign(&self, _: &[u8]) -> Result<Signature, sanctuary_core::identity::SignerError> {
                Err(sanctuary_core::identity::SignerError::Unavailable {
                    reason: "token removed".into(),
                })
            }
        }
        let err = local_open()
            .sign(&Locked(*operator().public()))
            .unwrap_err();
        assert!(
            matches!(err, ProvenanceError::Signing { ref reason } if reason.contains("token removed"))
        );
    }
}
