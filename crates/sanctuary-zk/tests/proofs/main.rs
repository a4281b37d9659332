//! Integration tests of sanctuary-zk: completeness, soundness, encodings and known-answer
//! vectors, sharing one fixture harness.

mod common;
mod completeness;
mod soundness;
mod vectors;
