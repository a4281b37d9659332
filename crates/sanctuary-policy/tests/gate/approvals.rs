#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sanctuary_policy::approval::ApprovalRequest;
use sanctuary_policy::channel::{BoxFuture, ChannelError, render_request};
use sanctuary_policy::{
    AgentVerdict, ApprovalError, CallbackChannel, ChannelAnswer, DecidedBy, Decision, GrantSpec,
    OperationClass, Tier,
};
use serde_json::json;

use crate::common::{Harness, QUIET, approver, codes, pay, policy};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn pending(d: Decision) -> sanctuary_policy::PendingApproval {
    match d {
        Decision::NeedsApproval(p) => p,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn raw_sign(data: &str) -> sanctuary_policy::Operation {
    sanctuary_policy::Operation::new("sign.raw", OperationClass::Sign, &json!({"data": data}))
        .unwrap()
}

#[test]
fn approval_through_the_channel() {
    let h = Harness::new();
    let gate = h.gate(&policy("", QUIET, ""));
    let p = pending(gate.evaluate(&raw_sign("hello")));
    let permit = runtime().block_on(gate.ask(p)).unwrap();
    assert!(permit.covers(&raw_sign("hello")));
    assert!(!permit.covers(&raw_sign("hello!")));
    assert_eq!(permit.tier(), Tier::One);
    assert!(matches!(
        permit.decided_by(),
        DecidedBy::Human { channel, principal } if channel == "callback" && principal == "tester"
    ));
    gate.settle(permit, true).unwrap();
    let approved = h.events("policy.approval");
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0].detail["verdict"], "approved");
    assert_eq!(approved[0].detail["decided_by"]["principal"], "tester");
    // The human's "no" is a denial, recorded as theirs.
    let gate = h.gate_with(&policy("", QUIET, ""), Arc::new(approver(false)));
    let p = pending(gate.evaluate(&raw_sign("x")));
    let denial = runtime().block_on(gate.ask(p)).unwrap_err();
    assert!(matches!(denial.decided_by(), Some(DecidedBy::Human { .. })));
    assert_eq!(codes(denial.reasons()), ["forced_tier1"]);
}

#[test]
fn timeout_and_channel_failure_deny() {
    let h = Harness::new();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    // A channel that never answers.
    let silent = CallbackChannel::from_async(
        move |_req: ApprovalRequest| -> BoxFuture<'static, Result<ChannelAnswer, ChannelError>> {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(std::future::pending())
        },
    );
    let gate = h.gate_with(&policy("", QUIET, ""), Arc::new(silent));
    assert_eq!(gate.timeout(), Duration::from_millis(200));
    let p = pending(gate.evaluate(&raw_sign("x")));
    let answer = p.request().approve("late");
    let denial = runtime().block_on(gate.ask(p)).unwrap_err();
    assert_eq!(denial.decided_by(), Some(&DecidedBy::Timeout));
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // The request is gone: a late approval finds nothing.
    assert_eq!(gate.resolve(&answer), Err(ApprovalError::UnknownRequest));
    let recorded = h.events("policy.approval");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].detail["decided_by"]["by"], "timeout");

    let failing = CallbackChannel::from_fn(|_| Err(ChannelError::Delivery("relay down".into())));
    let gate = h.gate_with(&policy("", QUIET, ""), Arc::new(failing));
    let p = pending(gate.evaluate(&raw_sign("x")));
    let denial = runtime().block_on(gate.ask(p)).unwrap_err();
    assert!(matches!(
        denial.decided_by(),
        Some(DecidedBy::ChannelFailure { detail }) if detail.contains("relay down")
    ));
}

#[test]
fn approvals_are_single_use_and_bound_to_the_digest() {
    let h = Harness::new();
    let gate = h.gate(&policy("", QUIET, ""));
    let a = pending(gate.evaluate(&raw_sign("pay alice 5")));
    let b = pending(gate.evaluate(&raw_sign("pay mallory 5000")));
    // An approval of A carried over to B's arguments.
    let mut swapped = a.request().approve("tester");
    swapped.request_id = b.request().request_id;
    swapped.nonce = b.request().nonce;
    assert_eq!(gate.resolve(&swapped), Err(ApprovalError::DigestMismatch));
    let mut wrong_nonce = a.request().approve("tester");
    wrong_nonce.nonce = b.request().nonce;
    assert_eq!(
        gate.resolve(&wrong_nonce),
        Err(ApprovalError::NonceMismatch)
    );
    // Rejected answers leave the requests pending.
    assert_eq!(gate.pending().len(), 2);
    let answer = a.request().approve("tester");
    let permit = gate.resolve(&answer).unwrap();
    assert!(permit.covers(&raw_sign("pay alice 5")));
    // Replayed: used once already.
    assert_eq!(gate.resolve(&answer), Err(ApprovalError::UnknownRequest));
    gate.settle(permit, true).unwrap();
    let rejected = h.events("policy.answer_rejected");
    assert_eq!(rejected.len(), 3);
    // An answer nobody asked for.
    let mut forged = b.request().approve("tester");
    forged.request_id = sanctuary_policy::approval::RequestId::parse(&"0".repeat(32)).unwrap();
    assert_eq!(gate.resolve(&forged), Err(ApprovalError::UnknownRequest));
}

#[test]
fn requests_expire() {
    let h = Harness::new();
    let gate = h.gate(&policy("", QUIET, ""));
    let p = pending(gate.evaluate(&raw_sign("x")));
    assert_eq!(
        p.request().expires_at,
        p.request()
            .created_at
            .checked_add(Duration::from_millis(200))
            .unwrap()
    );
    h.advance(1);
    assert_eq!(
        gate.resolve(&p.request().approve("tester")),
        Err(ApprovalError::Expired)
    );
    let q = pending(gate.evaluate(&raw_sign("y")));
    h.advance(1);
    assert_eq!(gate.sweep_expired(), 1);
    assert_eq!(
        gate.resolve(&q.request().approve("tester")),
        Err(ApprovalError::UnknownRequest)
    );
}

#[test]
fn prompt_masks_secrets_and_control_characters() {
    let h = Harness::new();
    let gate = h.gate(&policy("", QUIET, ""));
    let o = sanctuary_policy::Operation::new(
        "shell.exec",
        OperationClass::Other,
        &json!({"cmd": "env sh -c 'curl x'\nrm -rf ~", "api_key": "sk-live-SECRET", "body": "b".repeat(300)}),
    )
    .unwrap();
    let p = pending(gate.evaluate(&o));
    let text = render_request(p.request());
    assert!(text.contains("shell.exec") && text.contains("tier 1"));
    assert!(!text.contains("sk-live-SECRET"));
    assert!(text.contains("[secret]"));
    assert!(text.contains("(300 chars)"));
    assert!(!text.contains("\nrm -rf"), "{text}");
    assert!(text.contains(&o.digest().to_string()));
}

#[test]
fn standing_grants_cover_bounded_repeats_and_can_be_revoked() {
    let h = Harness::new();
    let tier2 = QUIET.replace(
        "new_counterparty = \"allow\"",
        "new_counterparty = \"approve\"",
    );
    let gate = h.gate(&policy("tier1 = [\"payment.send\"]", &tier2, ""));
    let usd = sanctuary_policy::operation::Currency::parse("USD").unwrap();
    let spec = GrantSpec::new("payment.send", Duration::from_secs(600))
        .counterparty("shop")
        .max_amount(sanctuary_policy::Amount::from_units(20), usd)
        .max_uses(3);
    // Installing a grant is itself a forced tier-1 operation.
    let grant_op = gate.grant_operation(&spec).unwrap();
    let p = pending(gate.evaluate(&grant_op));
    assert_eq!(codes(&p.request().reasons), ["forced_tier1"]);
    let permit = gate.resolve(&p.request().approve("tester")).unwrap();
    let id = gate.install_grant(permit, spec.clone()).unwrap();
    assert_eq!(gate.grants().len(), 1);

    let d = gate.evaluate(&pay(10, "shop"));
    let Decision::Allow(permit) = d else {
        panic!("covered by the grant")
    };
    assert!(
        matches!(permit.decided_by(), DecidedBy::StandingGrant { grant } if *grant == id.to_string())
    );
    assert_eq!(codes(permit.logged()), ["listed_tier1", "new_counterparty"]);
    gate.settle(permit, true).unwrap();
    // Outside the bounds: amount, counterparty.
    assert_eq!(
        gate.evaluate(&pay(25, "shop")).verdict(),
        AgentVerdict::ApprovalRequired
    );
    assert_eq!(
        gate.evaluate(&pay(5, "other")).verdict(),
        AgentVerdict::ApprovalRequired
    );
    // Two more uses, then it is spent.
    for _ in 0..2 {
        let Decision::Allow(p) = gate.evaluate(&pay(1, "shop")) else {
            panic!()
        };
        gate.settle(p, true).unwrap();
    }
    assert_eq!(
        gate.evaluate(&pay(1, "shop")).verdict(),
        AgentVerdict::ApprovalRequired
    );
    assert!(gate.grants().is_empty());

    // A fresh grant expires...
    let spec = GrantSpec::new("payment.send", Duration::from_secs(60))
        .counterparty("shop")
        .max_amount(sanctuary_policy::Amount::from_units(20), usd);
    let install = |spec: &GrantSpec| {
        let p = pending(gate.evaluate(&gate.grant_operation(spec).unwrap()));
        let permit = gate.resolve(&p.request().approve("tester")).unwrap();
        gate.install_grant(permit, spec.clone()).unwrap()
    };
    install(&spec);
    assert_eq!(
        gate.evaluate(&pay(1, "shop")).verdict(),
        AgentVerdict::Allowed
    );
    h.advance(61);
    assert_eq!(
        gate.evaluate(&pay(1, "shop")).verdict(),
        AgentVerdict::ApprovalRequired
    );
    // ...and can be revoked.
    let id = install(&spec);
    assert!(gate.revoke_grant(id));
    assert!(!gate.revoke_grant(id));
    assert_eq!(
        gate.evaluate(&pay(1, "shop")).verdict(),
        AgentVerdict::ApprovalRequired
    );
    assert_eq!(h.events("policy.grant").len(), 3);
    assert_eq!(h.events("policy.grant_revoke").len(), 1);
}

#[test]
fn grants_cannot_cover_forced_operations_caps_or_foreign_permits() {
    let h = Harness::new();
    let gate = h.gate(&policy("tier1 = [\"payment.send\"]", QUIET, ""));
    for forced in ["sign.raw", "identity.delete", "approval.grant_standing"] {
        assert!(
            gate.grant_operation(&GrantSpec::new(forced, Duration::from_secs(60)))
                .is_err()
        );
    }
    assert!(
        gate.grant_operation(&GrantSpec::new("payment.send", Duration::from_secs(86_401)))
            .is_err()
    );
    let usd = sanctuary_policy::operation::Currency::parse("USD").unwrap();
    let spec = GrantSpec::new("payment.send", Duration::from_secs(600))
        .max_amount(sanctuary_policy::Amount::from_units(80), usd);
    // A permit for something else does not install a grant.
    let other = pending(gate.evaluate(&raw_sign("x")));
    let permit = gate.resolve(&other.request().approve("tester")).unwrap();
    assert!(gate.install_grant(permit, spec.clone()).is_err());
    // A grant covers the tier-1 listing but never the daily cap.
    let p = pending(gate.evaluate(&gate.grant_operation(&spec).unwrap()));
    let permit = gate.resolve(&p.request().approve("tester")).unwrap();
    gate.install_grant(permit, spec).unwrap();
    let Decision::Allow(p) = gate.evaluate(&pay(80, "shop")) else {
        panic!()
    };
    gate.settle(p, true).unwrap();
    let d = gate.evaluate(&pay(30, "shop"));
    assert_eq!(d.verdict(), AgentVerdict::ApprovalRequired);
    assert!(codes(d.reasons()).contains(&"daily_cap"));
}
