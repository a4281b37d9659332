//! The binary format of an entry record, and its sealing and opening.
//!
//! ```text
//! record    = format (1) ‖ kind (1) ‖ version (8, big-endian) ‖ slot (8, big-endian) ‖ body
//! kind 1    live:      body = meta length (4) ‖ sealed meta ‖ sealed value
//! kind 2    tombstone: body = empty (keeps the version monotonic after a delete)
//! sealed x  = nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16), under the record key of
//!             (namespace, key id, version), with associated data
//!             label ‖ store id ‖ namespace id ‖ key id ‖ version ‖ slot ‖ kind
//! meta      = name length (2) ‖ name ‖ created (8) ‖ updated (8) ‖ expires (8, i64::MIN = never)
//!             ‖ content type length (1) ‖ content type ‖ tag count (1) ‖ (tag length (1) ‖ tag)*
//! ```
//! Times are Unix milliseconds, big-endian two's complement.

use crate::crypto::{self, Key32};
use crate::labels;
use rand_core::CryptoRngCore;
use sanctuary_core::time::Timestamp;
use zeroize::Zeroizing;

const FORMAT: u8 = 1;
const KIND_LIVE: u8 = 1;
const KIND_TOMBSTONE: u8 = 2;

/// The longest content type, in bytes.
pub const MAX_CONTENT_TYPE_LEN: usize = 255;
/// The most tags on one entry.
pub const MAX_TAGS: usize = 32;
/// The longest tag, in bytes.
pub const MAX_TAG_LEN: usize = 64;

/// Public-to-the-caller facts about an entry, stored encrypted beside its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// MIME-like content type chosen by the caller (may be empty).
    pub content_type: String,
    /// Caller tags.
    pub tags: Vec<String>,
    /// When the entry was first written.
    pub created: Timestamp,
    /// When this version was written.
    pub updated: Timestamp,
    /// After this instant reads treat the entry as absent.
    pub expires: Option<Timestamp>,
}

/// A record as decoded from storage, not yet opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawRecord<'a> {
    Live {
        version: u64,
        slot: u64,
        meta: &'a [u8],
        value: &'a [u8],
    },
    Tombstone {
        version: u64,
        slot: u64,
    },
}

impl RawRecord<'_> {
    pub(crate) fn version_and_slot(&self) -> (u64, u64) {
        match self {
            RawRecord::Live { version, slot, .. } | RawRecord::Tombstone { version, slot } => {
                (*version, *slot)
            }
        }
    }
}

/// The bytes are not a well-formed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordFormatError;

pub(crate) fn decode(bytes: &[u8]) -> Result<RawRecord<'_>, RecordFormatError> {
    let (&format, rest) = bytes.split_first().ok_or(RecordFormatError)?;
    let (&kind, rest) = rest.split_first().ok_or(RecordFormatError)?;
    let (version, rest) = rest.split_first_chunk::<8>().ok_or(RecordFormatError)?;
    let version = u64::from_be_bytes(*version);
    let (slot, rest) = rest.split_first_chunk::<8>().ok_or(RecordFormatError)?;
    let slot = u64::from_be_bytes(*slot);
    if format != FORMAT || version == 0 {
        return Err(RecordFormatError);
    }
    match kind {
        KIND_LIVE => {
            let (meta_len, rest) = rest.split_first_chunk::<4>().ok_or(RecordFormatError)?;
            let meta_len =
                usize::try_from(u32::from_be_bytes(*meta_len)).map_err(|_| RecordFormatError)?;
            let (meta, value) = rest.split_at_checked(meta_len).ok_or(RecordFormatError)?;
            let min = crypto::NONCE_LEN + crypto::TAG_LEN;
            if meta.len() < min || value.len() < min {
                return Err(RecordFormatError);
            }
            Ok(RawRecord::Live {
                version,
                slot,
                meta,
                value,
            })
        }
        KIND_TOMBSTONE if rest.is_empty() => Ok(RawRecord::Tombstone { version, slot }),
        _ => Err(RecordFormatError),
    }
}

/// Which entry a record belongs to: everything its associated data binds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding<'a> {
    pub(crate) store_id: &'a [u8; 16],
    pub(crate) ns_id: &'a [u8; 16],
    pub(crate) key_id: &'a [u8; 32],
    pub(crate) version: u64,
    pub(crate) slot: u64,
}

impl Binding<'_> {
    fn aad(&self, label: &[u8], kind: u8) -> Vec<u8> {
        crypto::aad(&[
            label,
            self.store_id,
            self.ns_id,
            self.key_id,
            &self.version.to_be_bytes(),
            &self.slot.to_be_bytes(),
            &[kind],
        ])
    }
}

pub(crate) fn encode_tombstone(version: u64, slot: u64) -> Vec<u8> {
    let mut out = vec![FORMAT, KIND_TOMBSTONE];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&slot.to_be_bytes());
    out
}

fn encode_meta(name: &str, meta: &Metadata) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(64 + name.len()));
    let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&name_len.to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&meta.created.unix_millis().to_be_bytes());
    out.extend_from_slice(&meta.updated.unix_millis().to_be_bytes());
    out.extend_from_slice(
        &meta
            .expires
            .map_or(i64::MIN, |t| t.unix_millis())
            .to_be_bytes(),
    );
    out.push(u8::try_from(meta.content_type.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(meta.content_type.as_bytes());
    out.push(u8::try_from(meta.tags.len()).unwrap_or(u8::MAX));
    for tag in &meta.tags {
        out.push(u8::try_from(tag.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(tag.as_bytes());
    }
    out
}

fn decode_meta(bytes: &[u8]) -> Result<(String, Metadata), RecordFormatError> {
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], RecordFormatError> {
        let (head, tail) = rest.split_at_checked(n).ok_or(RecordFormatError)?;
        *rest = tail;
        Ok(head)
    }
    fn string(bytes: &[u8]) -> Result<String, RecordFormatError> {
        String::from_utf8(bytes.to_vec()).map_err(|_| RecordFormatError)
    }
    fn time(bytes: &[u8]) -> Result<i64, RecordFormatError> {
        Ok(i64::from_be_bytes(
            bytes.try_into().map_err(|_| RecordFormatError)?,
        ))
    }
    let ts = |ms: i64| Timestamp::from_unix_millis(ms).map_err(|_| RecordFormatError);
    let mut rest = bytes;
    let name_len = u16::from_be_bytes(
        take(&mut rest, 2)?
            .try_into()
            .map_err(|_| RecordFormatError)?,
    );
    let name = string(take(&mut rest, usize::from(name_len))?)?;
    let created = ts(time(take(&mut rest, 8)?)?)?;
    let updated = ts(time(take(&mut rest, 8)?)?)?;
    let expires = match time(take(&mut rest, 8)?)? {
        i64::MIN => None,
        ms => Some(ts(ms)?),
    };
    let ct_len = take(&mut rest, 1)?.first().copied().unwrap_or(0);
    let content_type = string(take(&mut rest, usize::from(ct_len))?)?;
    let tag_count = take(&mut rest, 1)?.first().copied().unwrap_or(0);
    let mut tags = Vec::with_capacity(usize::from(tag_count));
    for _ in 0..tag_count {
        let len = take(&mut rest, 1)?.first().copied().unwrap_or(0);
        tags.push(string(take(&mut rest, usize::from(len))?)?);
    }
    if !rest.is_empty() {
        return Err(RecordFormatError);
    }
    Ok((
        name,
        Metadata {
            content_type,
            tags,
            created,
            updated,
            expires,
        },
    ))
}

/// Seals a live record.
pub(crate) fn seal_live(
    key: &Key32,
    binding: Binding<'_>,
    name: &str,
    meta: &Metadata,
    value: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let sealed_meta = crypto::seal(
        key,
        &binding.aad(labels::AAD_RECORD_META, KIND_LIVE),
        &encode_meta(name, meta),
        rng,
    );
    let sealed_value = crypto::seal(
        key,
        &binding.aad(labels::AAD_RECORD_VALUE, KIND_LIVE),
        value,
        rng,
    );
    let mut out = Vec::with_capacity(22 + sealed_meta.len() + sealed_value.len());
    out.push(FORMAT);
    out.push(KIND_LIVE);
    out.extend_from_slice(&binding.version.to_be_bytes());
    out.extend_from_slice(&binding.slot.to_be_bytes());
    out.extend_from_slice(
        &u32::try_from(sealed_meta.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(&sealed_meta);
    out.extend_from_slice(&sealed_value);
    out
}

/// An opened record failed authentication or is malformed: one error, no detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordOpenError;

/// Opens the name-and-metadata section.
pub(crate) fn open_meta(
    key: &Key32,
    binding: Binding<'_>,
    sealed: &[u8],
) -> Result<(String, Metadata), RecordOpenError> {
    let plain = crypto::open(
        key,
        &binding.aad(labels::AAD_RECORD_META, KIND_LIVE),
        sealed,
    )
    .map_err(|_| RecordOpenError)?;
    decode_meta(&plain).map_err(|_| RecordOpenError)
}

/// Opens the value section.
pub(crate) fn open_value(
    key: &Key32,
    binding: Binding<'_>,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, RecordOpenError> {
    crypto::open(
        key,
        &binding.aad(labels::AAD_RECORD_VALUE, KIND_LIVE),
        sealed,
    )
    .map_err(|_| RecordOpenError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn meta() -> Metadata {
        Metadata {
            content_type: "text/plain".into(),
            tags: vec!["x".into(), "y".into()],
            created: Timestamp::from_unix_millis(1_800_000_000_123)
                .unwrap_or(Timestamp::UNIX_EPOCH),
            updated: Timestamp::from_unix_millis(1_800_000_500_000)
                .unwrap_or(Timestamp::UNIX_EPOCH),
            expires: None,
        }
    }

    #[test]
    fn live_and_tombstone_round_trip() {
        let key = Key32::random(&mut OsRng);
        let binding = Binding {
            store_id: &[1; 16],
            ns_id: &[2; 16],
            key_id: &[3; 32],
            version: 7,
            slot: 42,
        };
        let bytes = seal_live(&key, binding, "name", &meta(), b"value", &mut OsRng);
        let Ok(RawRecord::Live {
            version,
            slot,
            meta: m,
            value,
        }) = decode(&bytes)
        else {
            panic!("live record did not decode");
        };
        assert_eq!((version, slot), (7, 42));
        let (name, opened) = open_meta(&key, binding, m).unwrap();
        assert_eq!((name.as_str(), opened), ("name", meta()));
        assert_eq!(
            open_value(&key, binding, value).unwrap().as_slice(),
            b"value"
        );
        // The sections are bound to everything in the binding, and to each other's label.
        for other in [
            Binding {
                version: 8,
                ..binding
            },
            Binding {
                slot: 41,
                ..binding
            },
            Binding {
                key_id: &[4; 32],
                ..binding
            },
            Binding {
                ns_id: &[5; 16],
                ..binding
            },
            Binding {
                store_id: &[6; 16],
                ..binding
            },
        ] {
            assert!(open_meta(&key, other, m).is_err());
            assert!(open_value(&key, other, value).is_err());
        }
        assert!(
            open_value(&key, binding, m).is_err(),
            "meta section opened as value"
        );

        let tomb = encode_tombstone(9, 3);
        assert_eq!(
            decode(&tomb),
            Ok(RawRecord::Tombstone {
                version: 9,
                slot: 3
            })
        );
        let mut with_body = tomb.clone();
        with_body.push(0);
        assert!(decode(&with_body).is_err());
        assert!(
            decode(&encode_tombstone(0, 0)).is_err(),
            "version 0 is never written"
        );
        for len in 0..bytes.len().min(40) {
            let _ = decode(&bytes[..len]);
        }
    }
}
