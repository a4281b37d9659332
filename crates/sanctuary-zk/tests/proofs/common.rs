//! Shared fixtures: one honest proof of every kind, and the ways to break them.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test fixtures: a broken fixture should stop the test loudly"
)]

use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, RngCore, SeedableRng};
use sanctuary_zk::constants::RISTRETTO_BASEPOINT_POINT as G;
use sanctuary_zk::{
    DlogProof, DlogStatement, DlogWitness, EqualityProof, EqualityStatement, LinearProof,
    LinearStatement, Opening, OpeningProof, OpeningStatement, OrProof, OrStatement, PedersenGens,
    ProofError, RangeProof, RangeStatement, RistrettoPoint, Scalar, Transcript,
};

/// The application label every fixture's transcript starts from.
pub(crate) const LABEL: &[u8] = b"sanctuary-zk tests";

/// A seeded ChaCha20 generator (rand_core 0.6).
pub(crate) fn seeded(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// One honest proof with its statement.
#[derive(Debug, Clone)]
pub(crate) enum Fixture {
    Dlog(DlogStatement, DlogProof),
    Opening(OpeningStatement, OpeningProof),
    Equality(EqualityStatement, EqualityProof),
    Linear(LinearStatement, LinearProof),
    Or(OrStatement, OrProof),
    Range(RangeStatement, RangeProof),
}

/// The proof kinds, in encoding-tag order.
pub(crate) const KINDS: [&str; 6] = ["dlog", "opening", "equality", "linear", "or", "range"];

fn with<T>(statement: T, context: &Option<Vec<u8>>, set: impl FnOnce(T, Vec<u8>) -> T) -> T {
    match context {
        Some(c) => set(statement, c.clone()),
        None => statement,
    }
}

/// Builds an honest fixture of `kind`.
pub(crate) fn fixture<R: RngCore + CryptoRng>(
    kind: &str,
    context: Option<Vec<u8>>,
    rng: &mut R,
) -> Fixture {
    let gens = PedersenGens::standard();
    let t = || Transcript::new(LABEL);
    match kind {
        "dlog" => {
            let w = DlogWitness::random(rng);
            let s = with(
                DlogStatement::basepoint(w.public_for_basepoint()).unwrap(),
                &context,
                DlogStatement::with_context,
            );
            let p = DlogProof::prove(&s, &w, &mut t(), rng).unwrap();
            Fixture::Dlog(s, p)
        }
        "opening" => {
            let o = Opening::random_u64(rng.next_u64(), rng);
            let s = with(
                OpeningStatement::new(gens.clone(), o.commit(gens)).unwrap(),
                &context,
                OpeningStatement::with_context,
            );
            let p = OpeningProof::prove(&s, &o, &mut t(), rng).unwrap();
            Fixture::Opening(s, p)
        }
        "equality" => {
            let other = PedersenGens::from_label(b"peer");
            let v = rng.next_u64();
            let (a, b) = (Opening::random_u64(v, rng), Opening::random_u64(v, rng));
            let s = with(
                EqualityStatement::new(
                    gens.clone(),
                    a.commit(gens),
                    other.clone(),
                    b.commit(&other),
                )
                .unwrap(),
                &context,
                EqualityStatement::with_context,
            );
            let p = EqualityProof::prove(&s, &a, &b, &mut t(), rng).unwrap();
            Fixture::Equality(s, p)
        }
        "linear" => {
            // 3·x − 2·y + z = c
            let (x, y, z) = (rng.next_u32(), rng.next_u32(), rng.next_u32());
            let openings: Vec<Opening> = [x, y, z]
                .iter()
                .map(|v| Opening::random_u64(u64::from(*v), rng))
                .collect();
            let coefficients = [Scalar::from(3u64), -Scalar::from(2u64), Scalar::ONE];
            let c = Scalar::from(3 * u64::from(x)) - Scalar::from(2 * u64::from(y))
                + Scalar::from(u64::from(z));
            let terms = coefficients
                .iter()
                .zip(&openings)
                .map(|(a, o)| (*a, o.commit(gens)))
                .collect();
            let s = with(
                LinearStatement::new(gens.clone(), terms, c).unwrap(),
                &context,
                LinearStatement::with_context,
            );
            let p = LinearProof::prove(&s, &openings, &mut t(), rng).unwrap();
            Fixture::Linear(s, p)
        }
        "or" => {
            let w = DlogWitness::random(rng);
            let index = (rng.next_u32() % 4) as usize;
            let mut branches: Vec<(RistrettoPoint, RistrettoPoint)> =
                (0..4).map(|_| (G, RistrettoPoint::random(rng))).collect();
            branches[index] = (G, w.public_for_basepoint());
            let s = with(
                OrStatement::new(branches).unwrap(),
                &context,
                OrStatement::with_context,
            );
            let p = OrProof::prove(&s, index, &w, &mut t(), rng).unwrap();
            Fixture::Or(s, p)
        }
        "range" => {
            let min = i128::from(rng.next_u32());
            let span = i128::from(rng.next_u32()) + 1;
            let value = min + i128::from(rng.next_u32()) % (span + 1);
            let o = Opening::random_u64(u64::try_from(value).unwrap(), rng);
            let s = with(
                RangeStatement::new(gens.clone(), o.commit(gens), min, min + span).unwrap(),
                &context,
                RangeStatement::with_context,
            );
            let p = RangeProof::prove(&s, &o, &mut t(), rng).unwrap();
            Fixture::Range(s, p)
        }
        other => panic!("unknown kind {other}"),
    }
}

impl Fixture {
    /// The proof's encoding.
    pub(crate) fn proof_bytes(&self) -> Vec<u8> {
        match self {
            Fixture::Dlog(_, p) => p.to_bytes(),
            Fixture::Opening(_, p) => p.to_bytes(),
            Fixture::Equality(_, p) => p.to_bytes(),
            Fixture::Linear(_, p) => p.to_bytes(),
            Fixture::Or(_, p) => p.to_bytes(),
            Fixture::Range(_, p) => p.to_bytes(),
        }
    }

    /// Decodes `bytes` as this fixture's kind and verifies against its statement under `label`.
    pub(crate) fn verify_bytes_with(
        &self,
        bytes: &[u8],
        label: &'static [u8],
    ) -> Result<(), ProofError> {
        let t = &mut Transcript::new(label);
        match self {
            Fixture::Dlog(s, _) => DlogProof::from_bytes(bytes)?.verify(s, t),
            Fixture::Opening(s, _) => OpeningProof::from_bytes(bytes)?.verify(s, t),
            Fixture::Equality(s, _) => EqualityProof::from_bytes(bytes)?.verify(s, t),
            Fixture::Linear(s, _) => LinearProof::from_bytes(bytes)?.verify(s, t),
            Fixture::Or(s, _) => OrProof::from_bytes(bytes)?.verify(s, t),
            Fixture::Range(s, _) => RangeProof::from_bytes(bytes)?.verify(s, t),
        }
    }

    /// Decodes and verifies under the fixtures' label.
    pub(crate) fn verify_bytes(&self, bytes: &[u8]) -> Result<(), ProofError> {
        self.verify_bytes_with(bytes, LABEL)
    }

    /// The fixture's own proof verified against each altered statement: every entry must fail.
    /// Alterations: each commitment or public point, each bound, the generators, the context
    /// (changed, removed or added), coefficients, constants and branch order.
    pub(crate) fn altered_statements(&self) -> Vec<(String, Result<(), ProofError>)> {
        let gens = PedersenGens::standard();
        let other_gens = PedersenGens::from_label(b"other");
        let random = || RistrettoPoint::random(&mut rand_core::OsRng);
        let random_commitment = || sanctuary_zk::Commitment::from_point(random());
        let t = || Transcript::new(LABEL);
        let mut out = Vec::new();
        let contexts = |c: Option<&[u8]>| -> Vec<(String, Option<Vec<u8>>)> {
            let mut v = vec![(
                "context changed".to_owned(),
                Some(b"another session".to_vec()),
            )];
            match c {
                Some(bytes) => {
                    v.push(("context removed".to_owned(), None));
                    let mut longer = bytes.to_vec();
                    longer.push(0);
                    v.push(("context extended".to_owned(), Some(longer)));
                    if !bytes.is_empty() {
                        v.push((
                            "context truncated".to_owned(),
                            Some(bytes[..bytes.len() - 1].to_vec()),
                        ));
                    }
                }
                None => v.push(("empty context added".to_owned(), Some(Vec::new()))),
            }
            v
        };
        match self {
            Fixture::Dlog(s, p) => {
                let alt = |base, public, c: &Option<Vec<u8>>| {
                    let st = DlogStatement::new(base, public).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                let c = s.context().map(<[u8]>::to_vec);
                out.push(("public point".into(), alt(*s.base(), random(), &c)));
                out.push(("base".into(), alt(random(), *s.public(), &c)));
                out.push((
                    "base doubled, public doubled".into(),
                    alt(s.base() + s.base(), s.public() + s.public(), &c),
                ));
                for (name, c) in contexts(s.context()) {
                    out.push((name, alt(*s.base(), *s.public(), &c)));
                }
            }
            Fixture::Opening(s, p) => {
                let c = ctx_of_opening(s);
                let alt = |g: &PedersenGens, cm, c: &Option<Vec<u8>>| {
                    let st = OpeningStatement::new(g.clone(), cm).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                out.push(("commitment".into(), alt(gens, random_commitment(), &c)));
                out.push(("generators".into(), alt(&other_gens, *s.commitment(), &c)));
                for (name, c) in contexts(c.as_deref()) {
                    out.push((name, alt(gens, *s.commitment(), &c)));
                }
            }
            Fixture::Equality(s, p) => {
                let (g1, c1, g2, c2, c) = equality_parts(s);
                let alt = |g1: &PedersenGens, c1, g2: &PedersenGens, c2, c: &Option<Vec<u8>>| {
                    let st = EqualityStatement::new(g1.clone(), c1, g2.clone(), c2).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                out.push((
                    "first commitment".into(),
                    alt(&g1, random_commitment(), &g2, c2, &c),
                ));
                out.push((
                    "second commitment".into(),
                    alt(&g1, c1, &g2, random_commitment(), &c),
                ));
                out.push(("commitments swapped".into(), alt(&g2, c2, &g1, c1, &c)));
                out.push(("first generators".into(), alt(&other_gens, c1, &g2, c2, &c)));
                out.push((
                    "second generators".into(),
                    alt(&g1, c1, &other_gens, c2, &c),
                ));
                for (name, c) in contexts(c.as_deref()) {
                    out.push((name, alt(&g1, c1, &g2, c2, &c)));
                }
            }
            Fixture::Linear(s, p) => {
                let c = linear_context(s);
                let alt = |g: &PedersenGens,
                           terms: Vec<(Scalar, sanctuary_zk::Commitment)>,
                           k,
                           c: &Option<Vec<u8>>| {
                    let st = LinearStatement::new(g.clone(), terms, k).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                let terms = s.terms().to_vec();
                out.push((
                    "constant + 1".into(),
                    alt(gens, terms.clone(), s.constant() + Scalar::ONE, &c),
                ));
                let mut changed = terms.clone();
                changed[0].0 += Scalar::ONE;
                out.push(("coefficient".into(), alt(gens, changed, *s.constant(), &c)));
                let mut changed = terms.clone();
                changed[1].1 = random_commitment();
                out.push(("commitment".into(), alt(gens, changed, *s.constant(), &c)));
                let mut changed = terms.clone();
                changed.swap(0, 2);
                out.push((
                    "terms swapped".into(),
                    alt(gens, changed, *s.constant(), &c),
                ));
                out.push((
                    "generators".into(),
                    alt(&other_gens, terms.clone(), *s.constant(), &c),
                ));
                for (name, c) in contexts(c.as_deref()) {
                    out.push((name, alt(gens, terms.clone(), *s.constant(), &c)));
                }
            }
            Fixture::Or(s, p) => {
                let (branches, c) = or_parts(s);
                let alt = |b: Vec<(RistrettoPoint, RistrettoPoint)>, c: &Option<Vec<u8>>| {
                    let st = OrStatement::new(b).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                for i in 0..branches.len() {
                    let mut changed = branches.clone();
                    changed[i].1 = random();
                    out.push((format!("public point {i}"), alt(changed, &c)));
                    let mut changed = branches.clone();
                    changed[i].0 = random();
                    out.push((format!("base {i}"), alt(changed, &c)));
                }
                let mut changed = branches.clone();
                changed.rotate_left(1);
                out.push(("branches rotated".into(), alt(changed, &c)));
                let mut changed = branches.clone();
                changed.push((G, random()));
                out.push(("branch added".into(), alt(changed, &c)));
                for (name, c) in contexts(c.as_deref()) {
                    out.push((name, alt(branches.clone(), &c)));
                }
            }
            Fixture::Range(s, p) => {
                let c = range_context(s);
                let alt = |g: &PedersenGens, cm, min: i128, max: i128, c: &Option<Vec<u8>>| {
                    let st = RangeStatement::new(g.clone(), cm, min, max).unwrap();
                    let st = match c {
                        Some(c) => st.with_context(c.clone()),
                        None => st,
                    };
                    p.verify(&st, &mut t())
                };
                let (cm, min, max) = (*s.commitment(), s.min(), s.max());
                out.push((
                    "commitment".into(),
                    alt(gens, random_commitment(), min, max, &c),
                ));
                out.push(("min + 1".into(), alt(gens, cm, min + 1, max, &c)));
                out.push(("min − 1".into(), alt(gens, cm, min - 1, max, &c)));
                out.push(("max + 1".into(), alt(gens, cm, min, max + 1, &c)));
                out.push(("max − 1".into(), alt(gens, cm, min, max - 1, &c)));
                out.push((
                    "both bounds shifted".into(),
                    alt(gens, cm, min + 1, max + 1, &c),
                ));
                out.push(("generators".into(), alt(&other_gens, cm, min, max, &c)));
                for (name, c) in contexts(c.as_deref()) {
                    out.push((name, alt(gens, cm, min, max, &c)));
                }
            }
        }
        out
    }
}

// Statement accessors the public API keeps minimal; the tests rebuild statements from the
// parts they know.
fn ctx_of_opening(s: &OpeningStatement) -> Option<Vec<u8>> {
    s.context().map(<[u8]>::to_vec)
}

fn equality_parts(
    s: &EqualityStatement,
) -> (
    PedersenGens,
    sanctuary_zk::Commitment,
    PedersenGens,
    sanctuary_zk::Commitment,
    Option<Vec<u8>>,
) {
    let ((g1, c1), (g2, c2)) = (s.first(), s.second());
    (
        g1.clone(),
        *c1,
        g2.clone(),
        *c2,
        s.context().map(<[u8]>::to_vec),
    )
}

fn linear_context(s: &LinearStatement) -> Option<Vec<u8>> {
    s.context().map(<[u8]>::to_vec)
}

fn or_parts(s: &OrStatement) -> (Vec<(RistrettoPoint, RistrettoPoint)>, Option<Vec<u8>>) {
    (s.branches(), s.context().map(<[u8]>::to_vec))
}

fn range_context(s: &RangeStatement) -> Option<Vec<u8>> {
    s.context().map(<[u8]>::to_vec)
}
