//! What the value detectors find: the [`Kind`] of a sensitive span and where it is.

use serde::{Deserialize, Serialize};

/// The category of a sensitive span found inside a string.
///
/// Each kind has a placeholder label (`[EMAIL_1]`, `[CARD_2]` …) and a default action in the
/// gate's policy. The set grows over time, so matches need a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A telephone number (international or a common national format).
    Phone,
    /// A payment card number that passes the Luhn check.
    PaymentCard,
    /// An IBAN that passes the ISO 13616 mod-97 check.
    Iban,
    /// A US social security number.
    Ssn,
    /// A US bank routing (ABA) number that passes its checksum, or an account number in context.
    BankAccount,
    /// An API key or access token in a provider's known format (AWS, GitHub, OpenAI, Slack,
    /// Stripe, Google …).
    ApiKey,
    /// A JSON Web Token.
    Jwt,
    /// A PEM-armoured private key block.
    PrivateKey,
    /// A password or passphrase given in words ("my password is …", `password = "…"`).
    Password,
    /// A long high-entropy token that looks like a secret.
    Secret,
    /// A cryptocurrency private key (hex in context, WIF, extended private key, nsec).
    CryptoKey,
    /// A BIP-39 mnemonic seed phrase.
    SeedPhrase,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// GPS coordinates.
    Coordinates,
    /// A street address.
    StreetAddress,
    /// A postcode or ZIP code.
    Postcode,
    /// A date of birth (a date in a birth context).
    DateOfBirth,
    /// A person's name.
    PersonName,
    /// One of the principal's registered terms (their names, family, places, employer …).
    PrincipalTerm,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [Kind] = &[
        Kind::Email,
        Kind::Phone,
        Kind::PaymentCard,
        Kind::Iban,
        Kind::Ssn,
        Kind::BankAccount,
        Kind::ApiKey,
        Kind::Jwt,
        Kind::PrivateKey,
        Kind::Password,
        Kind::Secret,
        Kind::CryptoKey,
        Kind::SeedPhrase,
        Kind::IpAddress,
        Kind::Coordinates,
        Kind::StreetAddress,
        Kind::Postcode,
        Kind::DateOfBirth,
        Kind::PersonName,
        Kind::PrincipalTerm,
    ];

    /// The label used in placeholders, e.g. `EMAIL` in `[EMAIL_1]`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Kind::Email => "EMAIL",
            Kind::Phone => "PHONE",
            Kind::PaymentCard => "CARD",
            Kind::Iban => "IBAN",
            Kind::Ssn => "SSN",
            Kind::BankAccount => "BANK_ACCOUNT",
            Kind::ApiKey => "API_KEY",
            Kind::Jwt => "JWT",
            Kind::PrivateKey => "PRIVATE_KEY",
            Kind::Password => "PASSWORD",
            Kind::Secret => "SECRET",
            Kind::CryptoKey => "CRYPTO_KEY",
            Kind::SeedPhrase => "SEED_PHRASE",
            Kind::IpAddress => "IP",
            Kind::Coordinates => "GPS",
            Kind::StreetAddress => "ADDRESS",
            Kind::Postcode => "POSTCODE",
            Kind::DateOfBirth => "DOB",
            Kind::PersonName => "NAME",
            Kind::PrincipalTerm => "PRINCIPAL",
        }
    }

    /// The snake-case name used in JSON (`"payment_card"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::PaymentCard => "payment_card",
            Kind::Iban => "iban",
            Kind::Ssn => "ssn",
            Kind::BankAccount => "bank_account",
            Kind::ApiKey => "api_key",
            Kind::Jwt => "jwt",
            Kind::PrivateKey => "private_key",
            Kind::Password => "password",
            Kind::Secret => "secret",
            Kind::CryptoKey => "crypto_key",
            Kind::SeedPhrase => "seed_phrase",
            Kind::IpAddress => "ip_address",
            Kind::Coordinates => "coordinates",
            Kind::StreetAddress => "street_address",
            Kind::Postcode => "postcode",
            Kind::DateOfBirth => "date_of_birth",
            Kind::PersonName => "person_name",
            Kind::PrincipalTerm => "principal_term",
        }
    }

    /// True for secrets: credentials and keys, which are never made reversible by default.
    #[must_use]
    pub const fn is_secret(self) -> bool {
        matches!(
            self,
            Kind::ApiKey
                | Kind::Jwt
                | Kind::PrivateKey
                | Kind::Password
                | Kind::Secret
                | Kind::CryptoKey
                | Kind::SeedPhrase
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sensitive span: `text[start..end]` (byte offsets on `char` boundaries) is of kind `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// What was found.
    pub kind: Kind,
}

impl Span {
    /// A span of `kind` over `start..end`.
    #[must_use]
    pub const fn new(kind: Kind, start: usize, end: usize) -> Self {
        Span { start, end, kind }
    }
}
