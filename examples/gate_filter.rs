//! The context gate as a filter: one JSON value on stdin, the outcome as JSON on stdout.
//!
//! ```text
//! echo '{"prompt":"Mail ada@example.org","api_key":"k"}' | cargo run --example gate_filter
//! {"outcome":"sanitized","value":{"api_key":"[SECRET_1]","prompt":"Mail [EMAIL_1]"},"decisions":[…]}
//! ```
//!
//! Flags:
//! - `--template NAME`: one of the built-in templates (default `remote-inference-sanitize`);
//! - `--destination NAME`: `inference`, `tool-api`, `logging`, `analytics`, `peer-agent` or a
//!   custom name (default: the template's first destination);
//! - `--principal-terms FILE`: the principal's registered terms,
//!   `{"names":[…],"places":[…],"organizations":[…],"other":[…]}`.
//!
//! Output is `{"outcome":"sanitized","value":…,"decisions":[…]}` or
//! `{"outcome":"refused","reasons":[…]}`; both exit 0. Bad flags, unreadable files and input
//! that is not JSON exit 2 with a message on stderr. External evaluations drive this interface;
//! keep it stable.

#![expect(clippy::print_stdout, reason = "the outcome is the program's output")]

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use sanctuary::core::audit::MemoryAuditSink;
use sanctuary::gate::ContextGate;
use sanctuary::gate::policy::{Destination, Template};
use sanctuary::gate::terms::{PrincipalTerms, PrincipalTermsFile};

fn run() -> Result<String, String> {
    let mut template = Template::RemoteInferenceSanitize;
    let mut destination: Option<Destination> = None;
    let mut terms = PrincipalTerms::empty();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--template" => {
                let id = value()?;
                template = Template::from_id(&id).ok_or_else(|| {
                    let known: Vec<&str> = Template::ALL.iter().map(|t| t.id()).collect();
                    format!("unknown template {id:?} (known: {})", known.join(", "))
                })?;
            }
            "--destination" => {
                let name = value()?;
                destination =
                    Some(Destination::parse(&name).map_err(|e| format!("{name:?}: {e}"))?);
            }
            "--principal-terms" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                let file: PrincipalTermsFile =
                    serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
                terms = PrincipalTerms::from_file(&file).map_err(|e| format!("{path}: {e}"))?;
            }
            "-h" | "--help" => {
                return Err("usage: gate_filter [--template NAME] [--destination NAME] \
                     [--principal-terms FILE] < value.json"
                    .into());
            }
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    let policy = template.policy();
    let destination = match destination {
        Some(d) => d,
        None => policy
            .destinations()
            .next()
            .cloned()
            .ok_or("the template has no destination")?,
    };
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("stdin: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_str(&input).map_err(|e| format!("stdin is not JSON: {e}"))?;
    let gate = ContextGate::builder(policy)
        .principal_terms(terms)
        .audit(Arc::new(MemoryAuditSink::new()))
        .build()
        .map_err(|e| e.to_string())?;
    // Serialised from the typed outcome, so the keys come in the documented order.
    serde_json::to_string(&gate.filter(&destination, &value)).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("gate_filter: {message}");
            ExitCode::from(2)
        }
    }
}
