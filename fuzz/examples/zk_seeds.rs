//! Writes `seeds/zk_proofs/*`: honest proofs of the fixed fuzz statements, made under a
//! transcript label the fuzz target does not use (so they are well formed but never verify).
//! Run from `fuzz/`: `cargo run --example zk_seeds`.

#[path = "../fuzz_targets/zk_statements.rs"]
mod zk_statements;

use sanctuary_zk::rand_core::OsRng;
use sanctuary_zk::{
    DlogProof, EqualityProof, LinearProof, OpeningProof, OrProof, RangeProof, Transcript,
};
use zk_statements::{opening, statements, witness};

fn main() -> std::io::Result<()> {
    let s = statements();
    let t = || Transcript::new(b"sanctuary-zk fuzz seeds");
    let ok = "honest proof of a fixed statement";
    let seeds: [(&str, Vec<u8>); 6] = [
        (
            "dlog",
            DlogProof::prove(&s.dlog, &witness(), &mut t(), &mut OsRng)
                .expect(ok)
                .to_bytes(),
        ),
        (
            "opening",
            OpeningProof::prove(&s.opening, &opening(42, 7), &mut t(), &mut OsRng)
                .expect(ok)
                .to_bytes(),
        ),
        (
            "equality",
            EqualityProof::prove(
                &s.equality,
                &opening(300, 11),
                &opening(300, 13),
                &mut t(),
                &mut OsRng,
            )
            .expect(ok)
            .to_bytes(),
        ),
        (
            "linear",
            LinearProof::prove(
                &s.linear,
                &[opening(100, 17), opening(20, 19)],
                &mut t(),
                &mut OsRng,
            )
            .expect(ok)
            .to_bytes(),
        ),
        (
            "or",
            OrProof::prove(&s.or, 0, &witness(), &mut t(), &mut OsRng)
                .expect(ok)
                .to_bytes(),
        ),
        (
            "range",
            RangeProof::prove(&s.range, &opening(250, 23), &mut t(), &mut OsRng)
                .expect(ok)
                .to_bytes(),
        ),
    ];
    std::fs::create_dir_all("seeds/zk_proofs")?;
    for (name, bytes) in seeds {
        std::fs::write(format!("seeds/zk_proofs/{name}"), bytes)?;
    }
    Ok(())
}
