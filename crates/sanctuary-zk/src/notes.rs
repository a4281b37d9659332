//! The maths behind each proof: the relation, the protocol, why it is sound and zero-knowledge,
//! and what the transcript binds. Notation: `G`, `H` generators, `ℓ` the group order,
//! `e`/`x` Fiat–Shamir challenges drawn from the transcript.

pub mod dlog {
    #![doc = include_str!("../notes/dlog.md")]
}

pub mod opening {
    #![doc = include_str!("../notes/opening.md")]
}

pub mod equality {
    #![doc = include_str!("../notes/equality.md")]
}

pub mod linear {
    #![doc = include_str!("../notes/linear.md")]
}

pub mod or {
    #![doc = include_str!("../notes/or.md")]
}

pub mod range {
    #![doc = include_str!("../notes/range.md")]
}
