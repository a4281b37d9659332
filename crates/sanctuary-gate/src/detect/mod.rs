//! The value detectors. Each module scans normalised text (see [`crate::normalize`]) and
//! appends the spans it finds; [`crate::scan`] merges them.

use crate::kind::{Kind, Span};

pub(crate) mod address;
pub(crate) mod bip39;
pub(crate) mod crypto;
pub(crate) mod dob;
pub(crate) mod email;
pub(crate) mod finance;
pub(crate) mod geo;
pub(crate) mod names;
pub(crate) mod network;
pub(crate) mod phone;
pub(crate) mod secrets;
pub(crate) mod token;
pub(crate) mod util;

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
        kinds: &[Kind::Email],
        find: email::find,
    },
    Module {
        kinds: &[Kind::Phone],
        find: phone::find,
    },
    Module {
        kinds: &[Kind::PaymentCard, Kind::Iban, Kind::Ssn, Kind::BankAccount],
        find: finance::find,
    },
    Module {
        kinds: &[
            Kind::ApiKey,
            Kind::Jwt,
            Kind::PrivateKey,
            Kind::Password,
            Kind::Secret,
        ],
        find: secrets::find,
    },
    Module {
        kinds: &[Kind::CryptoKey],
        find: crypto::find,
    },
    Module {
        kinds: &[Kind::SeedPhrase],
        find: bip39::find,
    },
    Module {
        kinds: &[Kind::IpAddress],
        find: network::find,
    },
    Module {
        kinds: &[Kind::Coordinates],
        find: geo::find,
    },
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
