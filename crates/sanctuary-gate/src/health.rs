//! The L2 health report: context gating, model provenance and runtime evidence, with every
//! weakness named.
//!
//! [`GateHealth`] implements [`HealthContributor`] for [`Layer::L2`]. It claims only what
//! was measured: isolation counts only when [`RuntimeEvidence`] *observed* a container, a
//! hypervisor or a seccomp filter; unknown facts are reported as unknown.
//!
//! ```
//! use sanctuary_gate::health::GateHealth;
//! use sanctuary_gate::provenance::presets;
//! use sanctuary_gate::runtime::RuntimeEvidence;
//! use sanctuary_core::health::{HealthContributor, Layer};
//!
//! let health = GateHealth::new(RuntimeEvidence::gather(), true, true)
//!     .with_models(vec![presets::anthropic_claude_api("claude-sonnet-4-5")])
//!     .with_value_detectors(["email", "payment_card"])
//!     .with_pseudonym_vault(true);
//! let report = health.layer_report();
//! assert_eq!(report.layer, Layer::L2);
//! assert!(report.degradations.iter().any(|d| d.code.as_str() == "NO_TEE"));
//! assert!(report.degradations.iter().any(|d| d.code.as_str() == "x-cloud-inference-enabled"));
//! ```
//!
//! # Degradations
//!
//! | code | when | severity |
//! |---|---|---|
//! | `PROCESS_ISOLATION_ONLY` | no container, hypervisor or seccomp filter was observed | warning |
//! | `NO_TEE` | always: no trusted execution environment is used or probed for | info |
//! | `SELF_REPORTED_ATTESTATION` | model provenance is declared (declarations are self-signed) | info |
//! | `x-no-model-provenance` | no model is declared | info |
//! | `x-invalid-model-provenance` | a declared model fails validation | warning |
//! | `x-cloud-inference-enabled` | the gate policy allows a remote model | warning; critical if the gate is inactive |
//! | `x-no-seccomp` | seccomp observed off | info |
//! | `x-aslr-disabled` / `x-aslr-partial` | ASLR observed off / without heap randomisation | warning / info |
//! | `x-privileged-process` | the process holds capabilities | warning |
//! | `x-storage-permissions-open` | group or others may use the storage directory | info; warning if they may write |
//! | `x-storage-foreign-owner` | the storage directory belongs to another user | warning |
//! | `x-unknown-runtime` | some runtime facts could not be observed | info |
//!
//! Status: `inactive` when the gate is off; otherwise `degraded` when any degradation is a
//! warning or worse; otherwise `active`. `NO_TEE` is informational because a TEE defends
//! against the host itself, which the threat model leaves out of scope (code running as the
//! user while the agent is unlocked).

use crate::provenance::ModelProvenance;
use crate::runtime::{Aslr, RuntimeEvidence, SeccompMode};
use sanctuary_core::health::{
    Degradation, DegradationCode, HealthContributor, Layer, LayerReport, LayerStatus, Severity,
};
use serde_json::{Value, json};

/// Custom code: a remote model may receive (sanitised) prompts.
pub const CLOUD_INFERENCE_ENABLED: &str = "x-cloud-inference-enabled";
/// Custom code: seccomp is off for this process.
pub const NO_SECCOMP: &str = "x-no-seccomp";
/// Custom code: ASLR is off.
pub const ASLR_DISABLED: &str = "x-aslr-disabled";
/// Custom code: ASLR does not randomise the heap.
pub const ASLR_PARTIAL: &str = "x-aslr-partial";
/// Custom code: group or others may use the storage directory.
pub const STORAGE_PERMISSIONS_OPEN: &str = "x-storage-permissions-open";
/// Custom code: the storage directory belongs to another user.
pub const STORAGE_FOREIGN_OWNER: &str = "x-storage-foreign-owner";
/// Custom code: the process holds Linux capabilities.
pub const PRIVILEGED_PROCESS: &str = "x-privileged-process";
/// Custom code: some runtime facts are unknown.
pub const UNKNOWN_RUNTIME: &str = "x-unknown-runtime";
/// Custom code: no model provenance is declared.
pub const NO_MODEL_PROVENANCE: &str = "x-no-model-provenance";
/// Custom code: a model declaration fails validation.
pub const INVALID_MODEL_PROVENANCE: &str = "x-invalid-model-provenance";

/// The L2 layer's state, as the integrator knows it, plus the runtime evidence.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GateHealth {
    /// What was observed about the runtime.
    pub evidence: RuntimeEvidence,
    /// The declared models the agent may use.
    pub models: Vec<ModelProvenance>,
    /// Whether the gate policy allows any remote (cloud) destination.
    pub cloud_inference: bool,
    /// Whether outbound context passes through the gate.
    pub gate_active: bool,
    /// Names of the enabled value detectors.
    pub value_detectors: Vec<String>,
    /// Whether reversible pseudonyms are kept in the encrypted store.
    pub pseudonym_vault: bool,
}

impl GateHealth {
    /// A report source with no models, no value detectors and no pseudonym vault.
    #[must_use]
    pub fn new(evidence: RuntimeEvidence, gate_active: bool, cloud_inference: bool) -> Self {
        GateHealth {
            evidence,
            models: Vec::new(),
            cloud_inference,
            gate_active,
            value_detectors: Vec::new(),
            pseudonym_vault: false,
        }
    }

    /// Sets the declared models.
    #[must_use]
    pub fn with_models(mut self, models: Vec<ModelProvenance>) -> Self {
        self.models = models;
        self
    }

    /// Sets the enabled value detectors, by name.
    #[must_use]
    pub fn with_value_detectors<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.value_detectors = names.into_iter().map(Into::into).collect();
        self
    }

    /// Sets whether the pseudonym vault is in use.
    #[must_use]
    pub fn with_pseudonym_vault(mut self, enabled: bool) -> Self {
        self.pseudonym_vault = enabled;
        self
    }

    /// Every degradation this posture has, in a fixed order.
    #[must_use]
    pub fn degradations(&self) -> Vec<Degradation> {
        let mut out = Vec::new();
        self.isolation(&mut out);
        out.push(degradation(
            DegradationCode::NO_TEE,
            Severity::Info,
            "no trusted execution environment: the agent runs as an ordinary process and this \
             build never detects or uses SGX, SEV-SNP, TDX or similar"
                .into(),
            "state is encrypted at rest (L1) and prompts are gated before leaving the machine; \
             the host itself is trusted, as the threat model states"
                .into(),
        ));
        self.provenance(&mut out);
        self.cloud(&mut out);
        self.hardening(&mut out);
        self.storage(&mut out);
        self.unknowns(&mut out);
        out
    }

    fn isolation(&self, out: &mut Vec<Degradation>) {
        if !self.evidence.measured_isolation().is_empty() {
            return;
        }
        let e = &self.evidence;
        let observed_absent =
            e.container.value().is_some() && e.virtualization.is_known() && e.seccomp.is_known();
        let description = if observed_absent {
            "only operating-system process isolation: no container, hypervisor or seccomp \
             filter was observed"
        } else {
            "no isolation beyond operating-system processes was observed (some sources could \
             not be read, so a container or sandbox may exist unseen)"
        };
        out.push(degradation(
            DegradationCode::PROCESS_ISOLATION_ONLY,
            Severity::Warning,
            description.into(),
            "run the agent in a container or VM, or under a seccomp or landlock sandbox; the \
             context gate still filters what leaves the machine"
                .into(),
        ));
    }

    fn provenance(&self, out: &mut Vec<Degradation>) {
        if self.models.is_empty() {
            push_custom(
                out,
                NO_MODEL_PROVENANCE,
                Severity::Info,
                "no model provenance is declared: peers cannot tell which model handles the \
                 agent's context"
                    .into(),
                "declare the models in use (ModelProvenance)".into(),
            );
            return;
        }
        out.push(degradation(
            DegradationCode::SELF_REPORTED_ATTESTATION,
            Severity::Info,
            "model provenance is declared and signed by the operator; nothing is measured or \
             hardware-attested"
                .into(),
            "local weights can be pinned by SHA-256 and re-checked against the file".into(),
        ));
        let invalid: Vec<String> = self
            .models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.validate().err().map(|e| format!("model {i}: {e}")))
            .collect();
        if !invalid.is_empty() {
            push_custom(
                out,
                INVALID_MODEL_PROVENANCE,
                Severity::Warning,
                format!("invalid model declarations: {}", invalid.join("; ")),
                "fix the declarations; an invalid one is never signed".into(),
            );
        }
    }

    fn cloud(&self, out: &mut Vec<Degradation>) {
        if !self.cloud_inference {
            return;
        }
        let (severity, description, mitigation) = if self.gate_active {
            (
                Severity::Warning,
                "a remote model may receive prompts: they leave the machine, sanitised by the \
                 context gate",
                "the gate redacts, hashes or pseudonymises sensitive fields and values and \
                 refuses what it must not send; use a local model to keep prompts on the machine",
            )
        } else {
            (
                Severity::Critical,
                "a remote model may receive prompts and the context gate is inactive: nothing \
                 is filtered",
                "enable the context gate or allow only local models",
            )
        };
        push_custom(
            out,
            CLOUD_INFERENCE_ENABLED,
            severity,
            description.into(),
            mitigation.into(),
        );
    }

    fn hardening(&self, out: &mut Vec<Degradation>) {
        let e = &self.evidence;
        if e.seccomp.value() == Some(&SeccompMode::Disabled) {
            push_custom(
                out,
                NO_SECCOMP,
                Severity::Info,
                "seccomp is off: every system call is available to the process".into(),
                "run under a seccomp filter (container runtimes apply one by default)".into(),
            );
        }
        match e.aslr.value() {
            Some(Aslr::Disabled) => push_custom(
                out,
                ASLR_DISABLED,
                Severity::Warning,
                "address-space layout randomisation is off system-wide".into(),
                "set kernel.randomize_va_space = 2".into(),
            ),
            Some(Aslr::Partial) => push_custom(
                out,
                ASLR_PARTIAL,
                Severity::Info,
                "address-space layout randomisation does not cover the heap".into(),
                "set kernel.randomize_va_space = 2".into(),
            ),
            Some(Aslr::Full) | None => {}
        }
        if let Some(caps) = e.capabilities.value()
            && caps.any
        {
            push_custom(
                out,
                PRIVILEGED_PROCESS,
                Severity::Warning,
                format!(
                    "the process holds {} Linux capabilities{}",
                    caps.count,
                    if caps.sys_admin {
                        ", CAP_SYS_ADMIN among them"
                    } else {
                        ""
                    }
                ),
                "run the agent as an unprivileged user with no capabilities".into(),
            );
        }
    }

    fn storage(&self, out: &mut Vec<Degradation>) {
        let Some(storage) = self.evidence.storage.value() else {
            return;
        };
        if storage.open_to_others() {
            let writable = storage.writable_by_others();
            push_custom(
                out,
                STORAGE_PERMISSIONS_OPEN,
                if writable {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                format!(
                    "the storage directory has mode {:04o}: {}",
                    storage.mode,
                    if writable && storage.mode & 0o1000 != 0 {
                        "other users may add files (the sticky bit stops them deleting or \
                         renaming the owner's)"
                    } else if writable {
                        "other users may add, replace or delete files"
                    } else {
                        "other users may list or read (encrypted) files"
                    }
                ),
                "entries are encrypted and integrity-checked; chmod 700 the directory".into(),
            );
        }
        if storage.owned_by_current_user.value() == Some(&false) {
            push_custom(
                out,
                STORAGE_FOREIGN_OWNER,
                Severity::Warning,
                "the storage directory belongs to another user, who controls its contents".into(),
                "keep the store in a directory the agent's user owns".into(),
            );
        }
    }

    fn unknowns(&self, out: &mut Vec<Degradation>) {
        let unknown = self.evidence.unknown_facts();
        if unknown.is_empty() {
            return;
        }
        let list: Vec<String> = unknown
            .iter()
            .map(|(name, reason)| format!("{name} ({reason})"))
            .collect();
        push_custom(
            out,
            UNKNOWN_RUNTIME,
            Severity::Info,
            format!("not observed: {}", list.join("; ")),
            "unknown facts are never counted as protections".into(),
        );
    }

    fn status(&self, degradations: &[Degradation]) -> LayerStatus {
        if !self.gate_active {
            LayerStatus::Inactive
        } else if degradations.iter().any(|d| d.severity >= Severity::Warning) {
            LayerStatus::Degraded
        } else {
            LayerStatus::Active
        }
    }
}

fn degradation(
    code: DegradationCode,
    severity: Severity,
    description: String,
    mitigation: String,
) -> Degradation {
    Degradation {
        code,
        severity,
        description,
        mitigation,
    }
}

/// Adds a custom-code degradation. The codes are constants checked by a test, so the parse
/// cannot fail; should it ever, the degradation is still reported under `x-unknown-runtime`
/// rather than dropped.
fn push_custom(
    out: &mut Vec<Degradation>,
    code: &str,
    severity: Severity,
    description: String,
    mitigation: String,
) {
    let code = DegradationCode::custom(code)
        .or_else(|_| DegradationCode::custom(UNKNOWN_RUNTIME))
        .unwrap_or(DegradationCode::PROCESS_ISOLATION_ONLY);
    out.push(degradation(code, severity, description, mitigation));
}

impl HealthContributor for GateHealth {
    fn layer_report(&self) -> LayerReport {
        let degradations = self.degradations();
        let status = self.status(&degradations);
        let models: Vec<Value> = self
            .models
            .iter()
            .map(|m| serde_json::to_value(m).unwrap_or(Value::Null))
            .collect();
        let mut report = LayerReport::new(Layer::L2, status)
            .with_capability("context_gating", Value::Bool(self.gate_active))
            .with_capability("value_detectors", json!(self.value_detectors))
            .with_capability("pseudonym_vault", Value::Bool(self.pseudonym_vault))
            .with_capability("cloud_inference", Value::Bool(self.cloud_inference))
            .with_capability(
                "isolation_observed",
                json!(self.evidence.measured_isolation()),
            )
            .with_capability(
                "runtime",
                serde_json::to_value(&self.evidence).unwrap_or(Value::Null),
            )
            .with_capability("models", Value::Array(models));
        report.degradations = degradations;
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::presets;
    use crate::runtime::Probe;
    use std::fs;

    fn evidence(files: &[(&str, &[u8])]) -> RuntimeEvidence {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let full = dir.path().join(path.trim_start_matches('/'));
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, content).unwrap();
        }
        RuntimeEvidence::gather_with(&Probe::with_root(dir.path()))
    }

    fn codes(report: &LayerReport) -> Vec<&str> {
        report
            .degradations
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    fn find<'a>(report: &'a LayerReport, code: &str) -> Option<&'a Degradation> {
        report.degradations.iter().find(|d| d.code.as_str() == code)
    }

    /// A hardened container: docker marker, seccomp filter, no capabilities, full ASLR.
    fn hardened_container() -> RuntimeEvidence {
        evidence(&[
            ("/.dockerenv", b""),
            ("/proc/1/cgroup", b"0::/\n"),
            ("/proc/self/mountinfo", b"1 0 0:1 / / rw - overlay overlay rw\n"),
            (
                "/proc/self/status",
                b"Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n",
            ),
            ("/proc/cpuinfo", b"flags\t: fpu sse2\n"),
            ("/sys/kernel/security/lsm", b"capability,landlock,apparmor"),
            ("/proc/sys/kernel/randomize_va_space", b"2\n"),
            ("/proc/sys/kernel/osrelease", b"6.8.0\n"),
        ])
    }

    /// A plain laptop process: no container, no VM, no seccomp, partial facts otherwise.
    fn bare_process(aslr: &[u8], cap_eff: &str) -> RuntimeEvidence {
        let status = format!(
            "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t{cap_eff}\nNoNewPrivs:\t0\nSeccomp:\t0\n"
        );
        evidence(&[
            ("/proc/1/cgroup", b"0::/init.scope\n"),
            (
                "/proc/self/mountinfo",
                b"1 0 259:2 / / rw - ext4 /dev/sda2 rw\n",
            ),
            ("/proc/self/status", status.as_bytes()),
            ("/proc/cpuinfo", b"flags\t: fpu sse2\n"),
            ("/sys/kernel/security/lsm", b"capability,apparmor"),
            ("/proc/sys/kernel/randomize_va_space", aslr),
            ("/proc/sys/kernel/osrelease", b"6.8.0\n"),
        ])
    }

    #[test]
    fn every_custom_code_parses() {
        for code in [
            CLOUD_INFERENCE_ENABLED,
            NO_SECCOMP,
            ASLR_DISABLED,
            ASLR_PARTIAL,
            STORAGE_PERMISSIONS_OPEN,
            STORAGE_FOREIGN_OWNER,
            PRIVILEGED_PROCESS,
            UNKNOWN_RUNTIME,
            NO_MODEL_PROVENANCE,
            INVALID_MODEL_PROVENANCE,
        ] {
            assert!(DegradationCode::custom(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn hardened_local_posture_is_active() {
        let health = GateHealth::new(hardened_container(), true, false)
            .with_models(vec![presets::olmo_2_7b_instruct_local()])
            .with_value_detectors(["email", "iban"])
            .with_pseudonym_vault(true);
        let report = health.layer_report();
        assert_eq!(report.layer, Layer::L2);
        assert_eq!(
            codes(&report),
            ["NO_TEE", "SELF_REPORTED_ATTESTATION", UNKNOWN_RUNTIME]
        );
        // Only the storage directory (not given) is unknown.
        let unknown = find(&report, UNKNOWN_RUNTIME).unwrap();
        assert!(unknown.description.contains("storage"));
        assert_eq!(report.status, LayerStatus::Active);
        assert_eq!(report.worst_severity(), Some(Severity::Info));
        assert_eq!(report.capabilities["context_gating"], true);
        assert_eq!(
            report.capabilities["value_detectors"],
            json!(["email", "iban"])
        );
        assert_eq!(report.capabilities["pseudonym_vault"], true);
        assert_eq!(report.capabilities["cloud_inference"], false);
        assert_eq!(
            report.capabilities["isolation_observed"],
            json!(["container", "seccomp"])
        );
        assert_eq!(
            report.capabilities["runtime"]["container"]["value"],
            "docker"
        );
        assert_eq!(
            report.capabilities["models"][0]["model_id"],
            "allenai/OLMo-2-1124-7B-Instruct"
        );
        // The report round-trips through core's strict format.
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<LayerReport>(&text).unwrap(), report);
    }

    #[test]
    fn bare_process_with_cloud_model_is_degraded() {
        let health = GateHealth::new(bare_process(b"2\n", "0000000000000000"), true, true)
            .with_models(vec![presets::anthropic_claude_api("claude-sonnet-4-5")]);
        let report = health.layer_report();
        assert_eq!(
            codes(&report),
            [
                "PROCESS_ISOLATION_ONLY",
                "NO_TEE",
                "SELF_REPORTED_ATTESTATION",
                CLOUD_INFERENCE_ENABLED,
                NO_SECCOMP,
                UNKNOWN_RUNTIME,
            ]
        );
        let isolation = find(&report, "PROCESS_ISOLATION_ONLY").unwrap();
        assert_eq!(isolation.severity, Severity::Warning);
        assert!(isolation.description.contains("was observed"));
        assert!(!isolation.description.contains("could not be read"));
        assert_eq!(
            find(&report, CLOUD_INFERENCE_ENABLED).unwrap().severity,
            Severity::Warning
        );
        assert_eq!(report.status, LayerStatus::Degraded);
        assert_eq!(report.capabilities["isolation_observed"], json!([]));
    }

    #[test]
    fn unknown_runtime_never_counts_as_isolation() {
        let health = GateHealth::new(evidence(&[]), true, false)
            .with_models(vec![presets::mistral_7b_instruct_v0_3_local()]);
        let report = health.layer_report();
        let isolation = find(&report, "PROCESS_ISOLATION_ONLY").unwrap();
        assert!(isolation.description.contains("could not be read"));
        let unknown = find(&report, UNKNOWN_RUNTIME).unwrap();
        for fact in [
            "container",
            "virtualization",
            "seccomp",
            "aslr",
            "capabilities",
        ] {
            assert!(unknown.description.contains(fact), "{fact}");
        }
        // Unknown seccomp is not "no seccomp": that needs the value 0.
        assert!(find(&report, NO_SECCOMP).is_none());
        assert_eq!(report.status, LayerStatus::Degraded);
    }

    #[test]
    fn weak_kernel_and_privileged_process() {
        let report =
            GateHealth::new(bare_process(b"0\n", "000001ffffffffff"), true, false).layer_report();
        let aslr = find(&report, ASLR_DISABLED).unwrap();
        assert_eq!(aslr.severity, Severity::Warning);
        let privileged = find(&report, PRIVILEGED_PROCESS).unwrap();
        assert!(
            privileged.description.contains("41")
                && privileged.description.contains("CAP_SYS_ADMIN")
        );
        assert!(find(&report, NO_MODEL_PROVENANCE).is_some());
        assert!(find(&report, "SELF_REPORTED_ATTESTATION").is_none());

        let report =
            GateHealth::new(bare_process(b"1\n", "0000000000000000"), true, false).layer_report();
        assert_eq!(
            find(&report, ASLR_PARTIAL).unwrap().severity,
            Severity::Info
        );
        assert!(find(&report, ASLR_DISABLED).is_none());
        assert!(find(&report, PRIVILEGED_PROCESS).is_none());
    }

    #[test]
    fn inactive_gate_with_cloud_is_critical() {
        let report = GateHealth::new(hardened_container(), false, true).layer_report();
        assert_eq!(report.status, LayerStatus::Inactive);
        assert_eq!(report.capabilities["context_gating"], false);
        let cloud = find(&report, CLOUD_INFERENCE_ENABLED).unwrap();
        assert_eq!(cloud.severity, Severity::Critical);
        assert_eq!(report.worst_severity(), Some(Severity::Critical));
        // Inactive without cloud: nothing leaves the machine, no cloud degradation.
        let report = GateHealth::new(hardened_container(), false, false).layer_report();
        assert_eq!(report.status, LayerStatus::Inactive);
        assert!(find(&report, CLOUD_INFERENCE_ENABLED).is_none());
    }

    #[test]
    fn invalid_model_declarations_are_reported() {
        let bad = presets::openai_gpt_api("gpt-4o").with_open_source(true);
        let report = GateHealth::new(hardened_container(), true, true)
            .with_models(vec![presets::olmo_2_7b_instruct_local(), bad])
            .layer_report();
        let invalid = find(&report, INVALID_MODEL_PROVENANCE).unwrap();
        assert!(invalid.description.contains("model 1"));
        assert_eq!(invalid.severity, Severity::Warning);
    }

    #[cfg(unix)]
    #[test]
    fn storage_permission_postures() {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        let store = tempfile::tempdir().unwrap();
        let uid = store.path().metadata().unwrap().uid();
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("proc/self")).unwrap();
        let write_uid = |u: u32| {
            fs::write(
                root.path().join("proc/self/status"),
                format!("Uid:\t{u}\t{u}\t{u}\t{u}\nSeccomp:\t2\n"),
            )
            .unwrap();
        };
        let report_for = |mode: u32| {
            fs::set_permissions(store.path(), fs::Permissions::from_mode(mode)).unwrap();
            let probe = Probe::with_root(root.path()).with_storage_dir(store.path());
            GateHealth::new(RuntimeEvidence::gather_with(&probe), true, false).layer_report()
        };

        write_uid(uid);
        let private = report_for(0o700);
        assert!(find(&private, STORAGE_PERMISSIONS_OPEN).is_none());
        assert!(find(&private, STORAGE_FOREIGN_OWNER).is_none());
        assert_eq!(
            private.capabilities["runtime"]["storage"]["value"]["mode"],
            "0700"
        );

        let readable = report_for(0o755);
        let open = find(&readable, STORAGE_PERMISSIONS_OPEN).unwrap();
        assert_eq!(open.severity, Severity::Info);
        assert!(open.description.contains("0755"));

        let writable = report_for(0o777);
        let open = find(&writable, STORAGE_PERMISSIONS_OPEN).unwrap();
        assert_eq!(open.severity, Severity::Warning);
        assert!(open.description.contains("delete"));
        let sticky = report_for(0o1777);
        let open = find(&sticky, STORAGE_PERMISSIONS_OPEN).unwrap();
        assert_eq!(open.severity, Severity::Warning);
        assert!(open.description.contains("sticky bit"));
        // The storage path never appears in the report.
        let text = serde_json::to_string(&writable).unwrap();
        assert!(!text.contains(store.path().to_str().unwrap()));

        write_uid(uid.wrapping_add(1));
        let foreign = report_for(0o700);
        assert_eq!(
            find(&foreign, STORAGE_FOREIGN_OWNER).unwrap().severity,
            Severity::Warning
        );
        fs::set_permissions(store.path(), fs::Permissions::from_mode(0o700)).unwrap();
    }

    #[test]
    fn real_system_report_is_well_formed() {
        let report = GateHealth::new(RuntimeEvidence::gather(), true, false).layer_report();
        assert!(find(&report, "NO_TEE").is_some());
        for d in &report.degradations {
            assert!(!d.description.is_empty() && !d.mitigation.is_empty());
        }
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<LayerReport>(&text).unwrap(), report);
    }
}
