//! Placeholder, replaced by the SHR example.
fn main() {}
