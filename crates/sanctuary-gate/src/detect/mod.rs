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

#[cfg(test)]
mod tests {
    use super::*;

    /// Digit groups far longer than any identifier must not overflow a detector's arithmetic
    /// (found by fuzzing: an IPv4 candidate with a 21-digit "octet").
    #[test]
    fn long_digit_groups_do_not_overflow() {
        let long = "1".repeat(40);
        let inputs = [
            format!("203.0.{long}.9"),
            format!("{long}.{long}.{long}.{long}"),
            format!("lat {long}.{long}, lon {long}.{long}"),
            format!("37°{long}'{long}\"N 122°{long}'{long}\"W"),
            format!("born on {long}/{long}/{long}"),
            format!("born on 12.{long}.1985"),
            format!("card {long} routing {long} account {long}"),
            format!("+{long} IBAN GB{long}"),
            format!("{long} Main Street, Springfield, IL {long}"),
        ];
        for text in &inputs {
            for module in MODULES {
                let mut out = Vec::new();
                (module.find)(text, &mut out);
                for s in &out {
                    assert!(s.start < s.end && s.end <= text.len());
                }
            }
        }
    }
}
