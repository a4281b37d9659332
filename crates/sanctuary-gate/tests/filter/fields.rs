//! Field-name rules, templates, limits, refusals and audit.

use std::sync::Arc;

use sanctuary_gate::outcome::{RefusalReason, RuleSource, Target};
use sanctuary_gate::policy::{
    Action, Destination, DestinationPolicy, FieldClass, GatePolicy, Template,
};
use sanctuary_gate::{ContextGate, GateKey, GateOutcome, Limits};
use serde_json::json;

use crate::common::{BrokenAudit, audit_text, gate_with, refusal_codes, remote, sanitized};

#[test]
fn remote_template_allows_task_fields_and_redacts_the_lists() {
    let (gate, _) = remote();
    let input = json!({
        "prompt": "Summarise the quarterly report",
        "format": "markdown",
        "api_key": "k-123",
        "github_token": "t",
        "email": "someone",
        "chain_of_thought": ["a", "b"],
        "chat_history": [{"role": "user", "content": "hi"}],
        "tool_results": {"x": 1},
    });
    let s = sanitized(gate.filter(&Destination::Inference, &input));
    assert_eq!(s.value["prompt"], "Summarise the quarterly report");
    assert_eq!(s.value["format"], "markdown");
    assert_eq!(s.value["api_key"], "[SECRET_1]");
    assert_eq!(s.value["github_token"], "[SECRET_2]");
    assert_eq!(s.value["email"], "[PII_1]");
    assert_eq!(s.value["chain_of_thought"], "[INTERNAL_1]");
    assert_eq!(s.value["chat_history"], "[HISTORY_1]");
    assert_eq!(s.value["tool_results"], "[FIELD_1]");
    // One decision per field, with its rule.
    let api = s.decisions.iter().find(|d| d.path == "api_key").unwrap();
    assert_eq!(api.action, Action::Redact);
    assert_eq!(
        api.target,
        Target::Field {
            source: RuleSource::Rule,
            rule: Some("api_key".into()),
            class: Some(FieldClass::Secret),
        }
    );
    assert_eq!(s.decisions.len(), 8);
}

#[test]
fn remote_template_refuses_any_unlisted_field() {
    let (gate, audit) = remote();
    let input = json!({"prompt": "hello", "diary": "private thoughts", "user_id": "u1"});
    let out = gate.filter(&Destination::Inference, &input);
    let GateOutcome::Refused(r) = out else {
        panic!("must refuse")
    };
    assert_eq!(
        r.reasons,
        vec![
            RefusalReason::UnlistedField {
                path: "diary".into()
            },
            RefusalReason::UnlistedField {
                path: "user_id".into()
            },
        ]
    );
    // Refusals are audited without the values.
    let text = audit_text(&audit);
    assert!(text.contains("\"refused\""));
    assert!(!text.contains("private thoughts"));
    assert!(!text.contains("hello"));
}

#[test]
fn field_names_are_case_insensitive_and_nested_fields_inherit_the_allow() {
    let (gate, _) = remote();
    let input = json!({
        "PROMPT": {"text": "hi", "Session_Token": "s3", "parts": [{"API_KEY": "x"}, "y"]},
    });
    let s = sanitized(gate.filter(&Destination::Inference, &input));
    assert_eq!(s.value["PROMPT"]["text"], "hi");
    assert_eq!(s.value["PROMPT"]["Session_Token"], "[SECRET_1]");
    assert_eq!(s.value["PROMPT"]["parts"][0]["API_KEY"], "[SECRET_2]");
    assert_eq!(s.value["PROMPT"]["parts"][1], "y");
    let paths: Vec<&str> = s.decisions.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "PROMPT",
            "PROMPT.Session_Token",
            "PROMPT.parts",
            "PROMPT.parts[0].API_KEY",
            "PROMPT.text",
        ]
    );
    let inherited = s
        .decisions
        .iter()
        .find(|d| d.path == "PROMPT.text")
        .unwrap();
    assert!(matches!(
        inherited.target,
        Target::Field {
            source: RuleSource::Inherited,
            ..
        }
    ));
}

#[test]
fn non_object_roots_take_the_default_action() {
    let (gate, _) = remote();
    assert_eq!(
        refusal_codes(gate.filter(&Destination::Inference, &json!("just text"))),
        ["unlisted_field"]
    );
    let (gate, _) = gate_with(Template::InferenceMinimal.policy());
    let s = sanitized(gate.filter(&Destination::Inference, &json!(["a", 1])));
    assert_eq!(s.value, json!("[FIELD_1]"));
    assert_eq!(s.decisions[0].path, "$");
}

#[test]
fn destinations_without_a_policy_refuse() {
    let (gate, _) = remote();
    let out = gate.filter(&Destination::Logging, &json!({"prompt": "x"}));
    assert_eq!(refusal_codes(out), ["no_policy"]);
    let out = gate.filter(&Destination::parse("crm").unwrap(), &json!({"prompt": "x"}));
    assert_eq!(refusal_codes(out), ["no_policy"]);
}

#[test]
fn ids_are_hashed_with_a_keyed_destination_scoped_hash() {
    let (gate, _) = gate_with(Template::InferenceMinimal.policy());
    let a = sanitized(gate.filter(
        &Destination::Inference,
        &json!({"user_id": "alice", "session_id": "alice"}),
    ));
    let h = a.value["user_id"].as_str().unwrap();
    assert!(h.starts_with("hmac-sha256:") && h.len() == "hmac-sha256:".len() + 32);
    // Equal values give equal hashes (the hash is of the value, not the field).
    assert_eq!(a.value["user_id"], a.value["session_id"]);
    // Not a bare SHA-256 of the value.
    let bare = sanctuary_core::Digest::sha256(b"\"alice\"").to_hex();
    assert!(!bare.starts_with(&h["hmac-sha256:".len()..]));
    // A different key gives a different hash; so does another destination.
    let other = ContextGate::builder(Template::InferenceMinimal.policy())
        .key(GateKey::from_bytes([1; 32]))
        .audit(Arc::new(sanctuary_core::audit::MemoryAuditSink::new()))
        .build()
        .unwrap();
    let b = sanitized(other.filter(&Destination::Inference, &json!({"user_id": "alice"})));
    assert_ne!(a.value["user_id"], b.value["user_id"]);
    let (logging, _) = gate_with(Template::LoggingStrict.policy());
    let c = sanitized(logging.filter(&Destination::Logging, &json!({"user_id": "alice"})));
    assert_ne!(a.value["user_id"], c.value["user_id"]);
}

#[test]
fn explicit_deny_rules_and_dotted_paths() {
    let policy = GatePolicy::default().with(
        Destination::ToolApi,
        DestinationPolicy::new(Action::Redact)
            .with_patterns(Action::Allow, FieldClass::Field, &["query", "filter"])
            .unwrap()
            .with_patterns(Action::Deny, FieldClass::Secret, &["filter.owner"])
            .unwrap()
            .with_patterns(Action::Pseudonymise, FieldClass::Pii, &["*.customer"])
            .unwrap(),
    );
    let (gate, _) = gate_with(policy);
    let s = sanitized(gate.filter(
        &Destination::ToolApi,
        &json!({"query": "q", "filter": {"customer": "ACME-7", "year": 2024}, "extra": 1}),
    ));
    assert_eq!(s.value["filter"]["customer"], "[PII_1]");
    assert_eq!(s.value["filter"]["year"], 2024);
    assert_eq!(s.value["extra"], "[FIELD_1]");
    assert_eq!(gate.rehydrate("ok [PII_1]").unwrap().text, "ok ACME-7");
    // The dotted deny names one path only.
    let out = gate.filter(&Destination::ToolApi, &json!({"filter": {"owner": "x"}}));
    assert_eq!(
        match out {
            GateOutcome::Refused(r) => r.reasons,
            GateOutcome::Sanitized(_) => vec![],
        },
        vec![RefusalReason::DeniedField {
            path: "filter.owner".into(),
            rule: "filter.owner".into()
        }]
    );
    let s = sanitized(gate.filter(&Destination::ToolApi, &json!({"query": {"owner": "x"}})));
    assert_eq!(s.value["query"]["owner"], "x");
}

#[test]
fn limits_refuse_rather_than_truncate() {
    let policy = Template::InferenceStandard.policy();
    let audit = Arc::new(sanctuary_core::audit::MemoryAuditSink::new());
    let gate = ContextGate::builder(policy)
        .audit(audit)
        .limits(Limits {
            max_depth: 4,
            max_fields: 6,
            max_bytes: 64,
        })
        .build()
        .unwrap();
    let dest = Destination::Inference;
    assert!(
        !gate
            .filter(&dest, &json!({"prompt": {"a": {"b": 1}}}))
            .is_refused()
    );
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": {"a": {"b": {"c": 1}}}}))),
        ["too_deep"]
    );
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": [1, 2, 3, 4, 5, 6]}))),
        ["too_many_fields"]
    );
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": "x".repeat(60)}))),
        ["too_large"]
    );
}

#[test]
fn default_limits_hold() {
    let (gate, _) = gate_with(Template::InferenceStandard.policy());
    let dest = Destination::Inference;
    let mut deep = json!("leaf");
    for _ in 0..64 {
        deep = json!([deep]);
    }
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": deep}))),
        ["too_deep"]
    );
    let wide: Vec<u8> = vec![0; 10_000];
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": wide}))),
        ["too_many_fields"]
    );
    let big = "a ".repeat(2 * 1024 * 1024 + 1);
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"prompt": big}))),
        ["too_large"]
    );
}

#[test]
fn an_unauditable_outcome_is_a_refusal() {
    let gate = ContextGate::builder(Template::RemoteInferenceSanitize.policy())
        .audit(Arc::new(BrokenAudit))
        .build()
        .unwrap();
    assert_eq!(
        refusal_codes(gate.filter(&Destination::Inference, &json!({"prompt": "hi"}))),
        ["audit_unavailable"]
    );
    assert!(matches!(
        ContextGate::builder(GatePolicy::deny_all()).build(),
        Err(sanctuary_gate::BuildError::MissingAudit)
    ));
}

#[test]
fn audit_events_carry_counts_and_keyed_digests_not_values() {
    let (gate, audit) = remote();
    let input = json!({"prompt": "plain", "password": "hunter2-secret"});
    let s = sanitized(gate.filter(&Destination::Inference, &input));
    let events = audit.events();
    assert_eq!(events.len(), 1);
    let d = &events[0].detail;
    assert_eq!(events[0].operation, "gate.filter");
    assert_eq!(d["outcome"], "sanitized");
    assert_eq!(d["destination"], "inference");
    assert_eq!(d["fields"]["allow"], 1);
    assert_eq!(d["fields"]["redact"], 1);
    let original = d["original"].as_str().unwrap();
    let filtered = d["filtered"].as_str().unwrap();
    assert!(original.starts_with("hmac-sha256:") && original != filtered);
    assert!(!audit_text(&audit).contains("hunter2"));
    // The same value audits to the same digest (so a reviewer can match events).
    let _ = gate.filter(&Destination::Inference, &input);
    assert_eq!(audit.events()[1].detail["original"], original);
    assert_eq!(s.value["password"], "[SECRET_1]");
}

#[test]
fn outcome_json_shape() {
    let (gate, _) = remote();
    let ok = gate
        .filter(&Destination::Inference, &json!({"prompt": "x", "ssn": "y"}))
        .to_json();
    assert_eq!(ok["outcome"], "sanitized");
    assert_eq!(ok["value"], json!({"prompt": "x", "ssn": "[PII_1]"}));
    assert_eq!(
        ok["decisions"][1],
        json!({"path": "ssn", "target": "field", "source": "rule", "rule": "ssn",
               "class": "pii", "action": "redact", "placeholder": "[PII_1]"})
    );
    let no = gate
        .filter(&Destination::Inference, &json!({"other": 1}))
        .to_json();
    assert_eq!(
        no,
        json!({"outcome": "refused", "reasons": [{"reason": "unlisted_field", "path": "other"}]})
    );
}

#[test]
fn the_health_report_reflects_the_gate() {
    use sanctuary_core::health::{HealthContributor, Layer};
    use sanctuary_gate::runtime::{Probe, RuntimeEvidence};

    // An empty fixture root: every runtime fact is unknown, never assumed.
    let root = tempfile::tempdir().unwrap();
    let evidence = RuntimeEvidence::gather_with(&Probe::with_root(root.path()));
    let (gate, _) = remote();
    let report = gate
        .health(
            evidence.clone(),
            vec![sanctuary_gate::provenance::presets::anthropic_claude_api(
                "claude-x",
            )],
            false,
        )
        .layer_report();
    assert_eq!(report.layer, Layer::L2);
    let codes: Vec<&str> = report
        .degradations
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    for code in [
        "x-cloud-inference-enabled",
        "SELF_REPORTED_ATTESTATION",
        "NO_TEE",
        "x-unknown-runtime",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    assert_eq!(report.capabilities["context_gating"], true);
    // A gate that refuses every destination does not enable cloud inference.
    let (closed, _) = gate_with(GatePolicy::deny_all());
    let report = closed.health(evidence, vec![], false).layer_report();
    assert!(
        !report
            .degradations
            .iter()
            .any(|d| d.code.as_str() == "x-cloud-inference-enabled")
    );
}
