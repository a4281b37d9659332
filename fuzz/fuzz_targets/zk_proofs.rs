//! Arbitrary bytes, decoded as each kind of proof and verified against a fixed statement of
//! that kind: never panics, never verifies, and whatever decodes re-encodes to the same bytes.
//!
//! The seeds are honest proofs of these statements made under another transcript label, so the
//! fuzzer starts from well-formed proofs that reach the verification equations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_zk::{
    Commitment, DlogProof, EqualityProof, LinearProof, OpeningProof, OrProof, RangeProof,
    Transcript,
};

/// The label the seeds were NOT made under.
const LABEL: &[u8] = b"sanctuary-zk fuzz";

#[path = "zk_statements.rs"]
mod zk_statements;
use zk_statements::statements;

macro_rules! check {
    ($data:expr, $proof:ty, $statement:expr) => {
        if let Ok(proof) = <$proof>::from_bytes($data) {
            assert_eq!(proof.to_bytes(), $data, "decoding is not canonical");
            assert!(
                proof
                    .verify($statement, &mut Transcript::new(LABEL))
                    .is_err(),
                "a proof nobody made verified"
            );
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let s = statements();
    check!(data, DlogProof, &s.dlog);
    check!(data, OpeningProof, &s.opening);
    check!(data, EqualityProof, &s.equality);
    check!(data, LinearProof, &s.linear);
    check!(data, OrProof, &s.or);
    check!(data, RangeProof, &s.range);
    if let Some(bytes) = data.first_chunk::<32>() {
        if let Ok(c) = Commitment::from_bytes(bytes) {
            assert_eq!(&c.to_bytes(), bytes);
        }
    }
});
