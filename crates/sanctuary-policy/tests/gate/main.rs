//! The gate end to end: tiers, tier-2 checks on a manual clock, approvals, standing grants,
//! the webhook over real HTTP, health, and concurrency.

mod approvals;
mod common;
mod concurrency;
mod tier2;
mod tiers;
mod webhook;
