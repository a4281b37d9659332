//! The principal approval gate end to end. A scripted agent attempts six operations:
//!
//! 1. a read of a namespace it has never used (tier 2: the principal is asked),
//! 2. a write to that namespace, now known (tier 3: allowed and audited),
//! 3. a message to a first-time counterparty (tier 2: the principal is asked),
//! 4. a raw signature (fixed tier 1: always asks; the principal says no),
//! 5. a 30 USD payment to that counterparty (tier 3: within the daily cap of 100 USD),
//! 6. a 90 USD payment, which would take the day's spending to 120 USD (the daily cap asks the
//!    principal, who says no). Before the principal is asked, the agent tries to pass off an
//!    approval bound to another operation digest; the gate refuses it.
//!
//! For each step it shows what the agent is told (a fixed sentence, no reasons) and what the
//! human sees (tier and reasons). The behaviour baseline lives in an encrypted
//! `sanctuary-store` home in a temporary directory and every decision goes to that home's
//! signed audit log, which is read back, printed and verified at the end.
//!
//! Interactive when standard input and output are a terminal: the gate then asks on
//! `/dev/tty` and you type `approve` (anything else denies). Otherwise a scripted principal
//! answers: it approves requests whose only reasons are a new namespace or a new
//! counterparty and denies everything else, printing the prompt a person would have seen.
//!
//! ```text
//! cargo run --locked --example approval --features policy              # in a terminal
//! cargo run --locked --example approval --features policy </dev/null   # scripted principal
//! ```

#![expect(clippy::print_stdout, reason = "an example talks to its reader")]

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use sanctuary::core::audit::{AuditEvent, AuditLayer};
use sanctuary::policy::channel::{ChannelAnswer, render_request};
use sanctuary::policy::{
    AgentVerdict, Amount, ApprovalChannel, ApprovalRequest, CallbackChannel, Decision, Gate,
    Operation, OperationClass, Permit, Policy, Reason, TerminalChannel, Tier,
};
use sanctuary::store::{Home, HomeOptions, KdfParams, Passphrase};
use serde_json::{Value, json};

/// The principal's policy. `state.*`, `message.send` and `payment.send` are tier 3, so they
/// run without asking unless a tier-2 check fires: a new namespace or counterparty asks, and so
/// does a payment that would pass the daily cap. `sign.raw` is in the fixed tier-1 set, which
/// no policy file can relax.
const POLICY: &str = r#"
version = 1

[tiers]
tier3 = ["state.read", "state.write", "message.send", "payment.send"]

[tier2]
new_namespace = "approve"
new_counterparty = "approve"
first_session = "log"

[spending.daily]
USD = "100"

[approval]
channel = "CHANNEL"
timeout_seconds = 120
"#;

/// The counterparty the agent deals with.
const SHOP: &str = "did:web:bookshop.example";

/// Who answers in scripted mode, as the audit trail records it.
const SCRIPTED_PRINCIPAL: &str = "scripted-principal";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let interactive = std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && TerminalChannel::new().status().live;

    // The baseline and the audit log live in an encrypted home. The weak KDF setting only
    // keeps the example fast; never use it for a real home.
    let dir = tempfile::tempdir()?;
    let options = HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        ..HomeOptions::default()
    };
    let (home, _recovery) = Home::create(
        &dir.path().join("home"),
        &Passphrase::new("demo only")?,
        options,
    )?;
    let home = Arc::new(home);

    let gate = open_gate(&home, interactive)?;

    println!("Sanctuary approval gate demo");
    println!(
        "  principal: {}",
        if interactive {
            "you, on this terminal (type `approve` to allow; anything else denies)"
        } else {
            "scripted (approves only new namespaces and counterparties)"
        }
    );
    println!(
        "  policy: state.*, message.send and payment.send are tier 3; daily cap 100 USD; \
         approval timeout {} s",
        gate.timeout().as_secs()
    );
    println!(
        "  store: encrypted home in {} (baseline and audit log)",
        dir.path().display()
    );

    // 1. A read of a namespace the baseline has never seen.
    let op = Operation::new(
        "state.read",
        OperationClass::Read,
        &json!({"namespace": "notes", "entry": "reading-list"}),
    )?
    .with_namespace("notes")?;
    heading(1, "the agent reads notes/reading-list");
    if let Some(permit) = decide(&gate, &op).await {
        let found = home.get("notes", "reading-list")?;
        println!(
            "  executed: notes/reading-list is {}",
            if found.is_some() { "set" } else { "empty" }
        );
        gate.settle(permit, true)?;
    }

    // 2. A write to the same namespace: known now, so tier 3.
    let op = Operation::new(
        "state.write",
        OperationClass::Write,
        &json!({"namespace": "notes", "entry": "reading-list", "value": "The Dispossessed"}),
    )?
    .with_namespace("notes")?;
    heading(2, "the agent writes notes/reading-list");
    if let Some(permit) = decide(&gate, &op).await {
        home.put("notes", "reading-list", b"The Dispossessed")?;
        println!("  executed: wrote notes/reading-list");
        gate.settle(permit, true)?;
    }

    // 3. A first dealing with a counterparty.
    let op = Operation::new(
        "message.send",
        OperationClass::Other,
        &json!({"to": SHOP, "text": "Do you have The Dispossessed in stock?"}),
    )?
    .with_counterparty(SHOP)?;
    heading(3, "the agent messages a bookshop it has never dealt with");
    if let Some(permit) = decide(&gate, &op).await {
        println!("  executed: message sent to {SHOP}");
        gate.settle(permit, true)?;
    }

    // 4. Raw signing: in the fixed tier-1 set, so it always asks.
    let op = Operation::new(
        "sign.raw",
        OperationClass::Sign,
        &json!({"payload_hex": "deadbeef00112233"}),
    )?;
    heading(4, "the agent asks for a raw signature over opaque bytes");
    if let Some(permit) = decide(&gate, &op).await {
        println!("  executed: signed");
        gate.settle(permit, true)?;
    }

    // 5. A 30 USD payment to the now-known counterparty, within the cap.
    let op = payment(30, "order #1: The Dispossessed")?;
    heading(5, "the agent pays the bookshop 30 USD");
    if let Some(permit) = decide(&gate, &op).await {
        println!("  executed: paid 30 USD to {SHOP}");
        gate.settle(permit, true)?;
    }

    // 6. A 90 USD payment: 30 already spent today, so 120 would pass the 100 USD cap.
    let op = payment(90, "order #2: collected works")?;
    heading(6, "the agent pays the bookshop 90 USD");
    let decision = gate.evaluate(&op);
    show(&decision);
    if let Decision::NeedsApproval(pending) = &decision {
        forge_approval(&gate, pending.request())?;
    }
    if let Some(permit) = follow(&gate, decision).await {
        println!("  executed: paid 90 USD to {SHOP}");
        gate.settle(permit, true)?;
    }

    print_audit_trail(&home)?;
    Ok(())
}

/// The gate over the home: the policy names the terminal channel when a person sits at one,
/// the callback channel (the scripted principal, with a short timeout) otherwise.
fn open_gate(home: &Arc<Home>, interactive: bool) -> Result<Gate, Box<dyn std::error::Error>> {
    let channel_kind = if interactive { "terminal" } else { "callback" };
    let policy = Policy::parse(&POLICY.replace("CHANNEL", channel_kind))?;
    let channel: Arc<dyn ApprovalChannel> = if interactive {
        Arc::new(TerminalChannel::new())
    } else {
        Arc::new(scripted_principal())
    };
    let builder = Gate::builder(policy)
        .store(home.clone())
        .audit(home.clone())
        .channel(channel);
    let builder = if interactive {
        builder
    } else {
        builder.shorter_timeout(Duration::from_secs(5))
    };
    Ok(builder.open()?)
}

/// A payment to the bookshop.
fn payment(units: u32, memo: &str) -> Result<Operation, Box<dyn std::error::Error>> {
    Ok(Operation::new(
        "payment.send",
        OperationClass::Spend,
        &json!({"to": SHOP, "memo": memo}),
    )?
    .with_counterparty(SHOP)?
    .with_spend(Amount::from_units(units), "USD")?)
}

/// The principal when nobody sits at a terminal: shows the prompt a person would see, then
/// approves only first uses (a namespace, a counterparty, the first session) and denies
/// everything else.
fn scripted_principal() -> CallbackChannel {
    CallbackChannel::from_fn(|request: &ApprovalRequest| {
        let approve = request.reasons.iter().all(|r| {
            matches!(
                r,
                Reason::NewNamespace { .. } | Reason::NewCounterparty { .. } | Reason::FirstSession
            )
        });
        let prompt = render_request(request);
        for line in prompt.trim_start_matches('\n').lines() {
            println!("  | {line}");
        }
        println!(
            "  (scripted principal types `{}`)",
            if approve { "approve" } else { "no" }
        );
        Ok(ChannelAnswer {
            approve,
            principal: SCRIPTED_PRINCIPAL.into(),
        })
    })
    .automated()
}

fn heading(step: u32, text: &str) {
    println!("\n--- step {step}: {text}");
}

/// Evaluates `op`, shows the decision, and asks the principal if needed. Returns the permit
/// when the operation may run.
async fn decide(gate: &Gate, op: &Operation) -> Option<Permit> {
    let decision = gate.evaluate(op);
    show(&decision);
    follow(gate, decision).await
}

/// What the agent is told, and what the human sees.
fn show(decision: &Decision) {
    println!("  agent is told : {}", decision.verdict().message());
    println!("  human sees    : {}, reasons:", tier_name(decision.tier()));
    if decision.reasons().is_empty() {
        println!("                    (none)");
    }
    for reason in decision.reasons() {
        println!("                    - [{}] {reason}", reason.code());
    }
}

fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::One => "tier 1",
        Tier::Two => "tier 2",
        Tier::Three => "tier 3",
    }
}

/// Asks the principal for a pending decision; returns the permit if the operation may run.
async fn follow(gate: &Gate, decision: Decision) -> Option<Permit> {
    match decision {
        Decision::Allow(permit) => Some(permit),
        Decision::Deny(_) => {
            println!("  not executed");
            None
        }
        Decision::NeedsApproval(pending) => match gate.ask(pending).await {
            Ok(permit) => {
                println!("  principal     : approved ({})", permit.decided_by());
                println!("  agent is told : allowed");
                Some(permit)
            }
            Err(denial) => {
                let by = denial
                    .decided_by()
                    .map_or_else(|| "-".to_owned(), ToString::to_string);
                println!("  principal     : denied ({by})");
                println!("  agent is told : {}", AgentVerdict::Denied.message());
                println!("  not executed");
                None
            }
        },
    }
}

/// The agent tries to approve the 90 USD payment with an answer bound to another operation
/// (a 9 USD payment the principal might have said yes to). It names the right request and
/// nonce, but the digest is not the one the request was made for, so the gate refuses it and
/// the request stays pending for the real principal.
fn forge_approval(
    gate: &Gate,
    request: &ApprovalRequest,
) -> Result<(), Box<dyn std::error::Error>> {
    let cheaper = payment(9, "order #2: collected works")?;
    let mut forged = request.approve("agent");
    forged.operation_digest = cheaper.digest();
    println!(
        "  the agent resolves the request itself with an approval bound to a 9 USD payment \
         ({})",
        cheaper.digest()
    );
    match gate.resolve(&forged) {
        Ok(permit) => {
            // Never happens; if it did, the permit is reported as not executed.
            gate.settle(permit, false)?;
            Err("the gate accepted an approval bound to another operation".into())
        }
        Err(e) => {
            println!("  gate refuses  : {e}");
            Ok(())
        }
    }
}

/// `{"by":"human","channel":"callback","principal":"x"}` as `human via callback (x)`.
fn decided_by(by: &Value) -> String {
    let field = |k: &str| by.get(k).and_then(Value::as_str).unwrap_or("?");
    match by.get("by").and_then(Value::as_str) {
        Some("human") => format!("person via {} ({})", field("channel"), field("principal")),
        Some("automated") => format!(
            "automated via {} ({})",
            field("channel"),
            field("principal")
        ),
        Some("standing_grant") => format!("standing grant {}", field("grant")),
        Some("channel_failure") => format!("channel failure: {}", field("detail")),
        Some(other) => other.to_owned(),
        None => "-".to_owned(),
    }
}

/// Reads the policy events back from the home's encrypted audit log, prints them, and checks
/// the log's hash chain and signed head against the store identity.
fn print_audit_trail(home: &Home) -> Result<(), Box<dyn std::error::Error>> {
    let events: Vec<AuditEvent> = home
        .audit_events()?
        .into_iter()
        .filter(|e| e.layer == AuditLayer::Policy)
        .collect();
    println!(
        "\n=== audit trail ({} policy events, read back from the store's audit log) ===",
        events.len()
    );
    println!(
        "{:>3}  {:<23} {:<8} {:<13} {:<6} {:<18} {:<30} decided by",
        "#", "event", "outcome", "operation", "tier", "verdict", "reasons"
    );
    for (i, event) in events.iter().enumerate() {
        let d = &event.detail;
        let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("-");
        let operation = match d.get("operation") {
            Some(Value::Object(op)) => op.get("name").and_then(Value::as_str).unwrap_or("?"),
            Some(Value::String(name)) => name.as_str(),
            _ => "-",
        };
        let outcome = serde_json::to_value(event.outcome)?;
        let verdict = match (event.operation.as_str(), d.get("executed")) {
            ("policy.settle", Some(Value::Bool(executed))) => {
                if *executed {
                    "executed"
                } else {
                    "not executed"
                }
            }
            ("policy.answer_rejected", _) => "answer refused",
            _ => text("verdict"),
        };
        let reasons = d
            .get("reasons")
            .and_then(Value::as_array)
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| r.get("code").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "-".to_owned());
        println!(
            "{:>3}  {:<23} {:<8} {:<13} {:<6} {:<18} {:<30} {}",
            i + 1,
            event.operation,
            outcome.as_str().unwrap_or("?"),
            operation,
            text("tier"),
            verdict,
            reasons,
            decided_by(d.get("decided_by").unwrap_or(&Value::Null)),
        );
        if let Some(error) = d.get("error").and_then(Value::as_str) {
            println!("{:>5}{error}", "");
        }
    }
    let report = home.verify_audit()?;
    println!(
        "\naudit log check against the store identity: {}",
        if report.is_clean() {
            format!(
                "clean ({} entries, signed head covers {})",
                report.entries, report.head_count
            )
        } else {
            format!("PROBLEM: {:?}", report.first_problem)
        }
    );
    if !report.is_clean() {
        return Err("the audit log does not verify".into());
    }
    Ok(())
}
