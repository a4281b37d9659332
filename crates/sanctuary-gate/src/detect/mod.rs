//! The value detectors. Each module scans normalised text (see [`crate::normalize`]) and
//! appends the spans it finds; [`crate::scan`] merges them.

use crate::kind::{Kind, Span};

pub(crate) mod address;
pub(crate) mod dob;
pub(crate) mod names;

/// One detector module: the kinds it can report and its entry point.
pub(crate) struct Module {
    /// Every kind the module may report (it is skipped when all are turned off).
    pub(crate) kinds: &'static [Kind],
    /// Appends the spans found in the text.
    pub(crate) find: fn(&str, &mut Vec<Span>),
}

/// Every detector module, in no particular order (overlaps are merged afterwards).
pub(crate) const MODULES: &[Module] = &[
    Module {
        kinds: &[Kind::StreetAddress, Kind::Postcode],
        find: address::find,
    },
    Module {
        kinds: &[Kind::DateOfBirth],
        find: dob::find,
    },
    Module {
        kinds: &[Kind::PersonName],
        find: names::find,
    },
];
