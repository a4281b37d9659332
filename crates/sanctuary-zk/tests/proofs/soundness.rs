//! Soundness: any change to a proof's bytes, its statement, its context or the transcript
//! label makes verification fail; malformed encodings are refused with typed errors.

use crate::common::{Fixture, KINDS, LABEL, fixture, seeded};
use proptest::prelude::*;
use sanctuary_zk::ProofError;

fn fixtures(context: Option<Vec<u8>>, seed: u8) -> Vec<Fixture> {
    let mut rng = seeded(seed);
    KINDS
        .iter()
        .map(|kind| fixture(kind, context.clone(), &mut rng))
        .collect()
}

#[test]
fn honest_fixtures_verify() {
    for f in fixtures(Some(b"session-1".to_vec()), 1)
        .into_iter()
        .chain(fixtures(None, 2))
    {
        assert_eq!(f.verify_bytes(&f.proof_bytes()), Ok(()), "{f:?}");
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    for f in fixtures(Some(b"session-1".to_vec()), 3) {
        let bytes = f.proof_bytes();
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut tampered = bytes.clone();
                tampered[i] ^= bit;
                assert!(
                    f.verify_bytes(&tampered).is_err(),
                    "{f:?}: flipping bit {bit:#x} of byte {i} was accepted"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any byte replaced by any other value is rejected.
    #[test]
    fn any_byte_change_is_rejected(seed in any::<u8>(), kind in 0usize..6, position in any::<prop::sample::Index>(), delta in 1u8..=255) {
        let mut rng = seeded(seed);
        let f = fixture(KINDS[kind], Some(vec![seed]), &mut rng);
        let mut bytes = f.proof_bytes();
        let i = position.index(bytes.len());
        bytes[i] ^= delta;
        prop_assert!(f.verify_bytes(&bytes).is_err());
    }
}

#[test]
fn altered_statements_are_rejected() {
    for context in [Some(b"session-1".to_vec()), Some(Vec::new()), None] {
        for f in fixtures(context.clone(), 4) {
            let altered = f.altered_statements();
            assert!(altered.len() >= 4, "{f:?}");
            for (what, result) in altered {
                assert!(
                    result.is_err(),
                    "{f:?}: verification with '{what}' (context {context:?}) succeeded"
                );
            }
        }
    }
}

#[test]
fn another_transcript_label_is_rejected() {
    for f in fixtures(Some(b"s".to_vec()), 5) {
        let bytes = f.proof_bytes();
        assert_eq!(f.verify_bytes_with(&bytes, LABEL), Ok(()));
        assert_eq!(
            f.verify_bytes_with(&bytes, b"sanctuary-zk tests!"),
            Err(ProofError::VerificationFailed),
            "{f:?}"
        );
    }
}

#[test]
fn a_proof_of_one_kind_is_not_another() {
    let all = fixtures(None, 6);
    for (i, f) in all.iter().enumerate() {
        for (j, g) in all.iter().enumerate() {
            if i != j {
                assert!(
                    matches!(
                        g.verify_bytes(&f.proof_bytes()),
                        Err(ProofError::WrongKind { .. })
                    ),
                    "{i} as {j}"
                );
            }
        }
    }
}

#[test]
fn proofs_swapped_between_statements_are_rejected() {
    // Two honest proofs of the same kind: neither verifies against the other's statement.
    let a = fixtures(Some(b"x".to_vec()), 7);
    let b = fixtures(Some(b"x".to_vec()), 8);
    for (fa, fb) in a.iter().zip(&b) {
        assert!(fa.verify_bytes(&fb.proof_bytes()).is_err());
        assert!(fb.verify_bytes(&fa.proof_bytes()).is_err());
    }
}

/// The group order ℓ, little-endian: the smallest non-canonical scalar.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// Offsets of the first point and the last scalar of each kind's encoding.
fn layout(f: &Fixture, len: usize) -> (usize, usize) {
    let first_point = match f {
        Fixture::Linear(..) | Fixture::Or(..) | Fixture::Range(..) => 3,
        _ => 2,
    };
    (first_point, len - 32)
}

#[test]
fn non_canonical_encodings_are_refused() {
    for f in fixtures(None, 9) {
        let bytes = f.proof_bytes();
        let (point, scalar) = layout(&f, bytes.len());
        let malformed = |mutate: &dyn Fn(&mut Vec<u8>)| {
            let mut b = bytes.clone();
            mutate(&mut b);
            f.verify_bytes(&b)
        };
        // A scalar equal to ℓ, and ℓ + the original (both reduce to valid values mod ℓ).
        assert_eq!(
            malformed(&|b| b[scalar..].copy_from_slice(&ELL)),
            Err(ProofError::Malformed {
                reason: "non-canonical scalar"
            })
        );
        assert_eq!(
            malformed(&|b| b[scalar..].copy_from_slice(&[0xff; 32])),
            Err(ProofError::Malformed {
                reason: "non-canonical scalar"
            })
        );
        // The identity, a non-canonical field element and a point off the group.
        assert_eq!(
            malformed(&|b| b[point..point + 32].copy_from_slice(&[0; 32])),
            Err(ProofError::Malformed {
                reason: "identity point"
            })
        );
        for bad in [[0xffu8; 32], {
            let mut p = [0u8; 32];
            p[0] = 1; // 1 is not a valid ristretto255 encoding (negative field element)
            p
        }] {
            assert_eq!(
                malformed(&|b| b[point..point + 32].copy_from_slice(&bad)),
                Err(ProofError::Malformed {
                    reason: "invalid ristretto255 point"
                })
            );
        }
        // Header, truncation and trailing bytes.
        assert_eq!(
            malformed(&|b| b[0] = 2),
            Err(ProofError::UnsupportedVersion { version: 2 })
        );
        assert_eq!(
            malformed(&|b| b[0] = 0),
            Err(ProofError::UnsupportedVersion { version: 0 })
        );
        assert!(matches!(
            malformed(&|b| b[1] = 0),
            Err(ProofError::WrongKind { found: 0, .. })
        ));
        assert!(matches!(
            malformed(&|b| b[1] = 7),
            Err(ProofError::WrongKind { found: 7, .. })
        ));
        assert_eq!(
            malformed(&|b| b.truncate(1)),
            Err(ProofError::Malformed {
                reason: "shorter than the two-byte header"
            })
        );
        assert_eq!(
            malformed(&|b| {
                b.pop();
            }),
            Err(ProofError::Malformed {
                reason: "truncated"
            })
        );
        assert_eq!(
            malformed(&|b| b.push(0)),
            Err(ProofError::Malformed {
                reason: "trailing bytes"
            })
        );
        assert!(f.verify_bytes(&[]).is_err());
    }
}

#[test]
fn counts_out_of_bounds_are_refused() {
    for f in fixtures(None, 10) {
        let mut bytes = f.proof_bytes();
        if matches!(
            f,
            Fixture::Linear(..) | Fixture::Or(..) | Fixture::Range(..)
        ) {
            for count in [0u8, 65, 255] {
                if count == 0 && matches!(f, Fixture::Range(..)) {
                    continue; // zero bits is a valid range proof (min = max)
                }
                bytes[2] = count;
                assert!(
                    matches!(f.verify_bytes(&bytes), Err(ProofError::Malformed { .. })),
                    "{f:?} count {count}"
                );
            }
        }
    }
}
