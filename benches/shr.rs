//! Placeholder, replaced by the SHR benches.
fn main() {}
