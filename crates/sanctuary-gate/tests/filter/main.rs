//! Integration tests of `ContextGate::filter`: field rules, templates, limits, the vault,
//! audit, and (in `values`) the value detectors through the whole pipeline.

mod common;
mod fields;
mod values;
mod vault;
