//! Runtime evidence: what this process can observe about its own isolation.
//!
//! Every fact is an [`Evidence`]: either `known`, with the file it was read from, or `unknown`,
//! with the reason. Nothing is assumed: a fact that cannot be read is unknown, and an absence
//! is only reported where the source that would show it was actually read (for instance "no
//! hypervisor detected" needs the x86 CPU flags line).
//!
//! ```
//! use sanctuary_gate::runtime::{Evidence, RuntimeEvidence};
//!
//! let evidence = RuntimeEvidence::gather();
//! assert_eq!(evidence.os, std::env::consts::OS);
//! match &evidence.container {
//!     Evidence::Known { value, source } => println!("container: {value:?} (from {source})"),
//!     Evidence::Unknown { reason } => println!("container unknown: {reason}"),
//! }
//! ```
//!
//! # Sources (Linux)
//!
//! | fact | read from |
//! |---|---|
//! | container | `/proc/1/environ` (`container=`), `/.dockerenv`, `/run/.containerenv`, `/proc/1/cgroup`, `/proc/self/mountinfo`, `/var/run/secrets/kubernetes.io` |
//! | virtualization | `/sys/class/dmi/id/{sys_vendor,product_name}`, `/proc/cpuinfo` `hypervisor` flag |
//! | seccomp, no_new_privs, capabilities, uid | `/proc/self/status` |
//! | security modules (landlock, apparmor, selinux …) | `/sys/kernel/security/lsm` |
//! | ASLR | `/proc/sys/kernel/randomize_va_space` |
//! | kernel release | `/proc/sys/kernel/osrelease` |
//!
//! Files are read through a [`Probe`], which can be pointed at a directory of fixture files.
//! Each read stops at [`MAX_READ_BYTES`]; parsers read complete lines only and never panic.
//!
//! # Limits
//!
//! This is what an unprivileged process can see, and a hostile environment can lie to it: a
//! container can hide its markers, a hypervisor can clear the CPU flag, `/proc` can be faked.
//! The evidence raises the cost of a false claim; it is not attestation. Landlock is reported
//! as *available* (compiled into the running kernel), never as enforced on this process.
//! Raw identifying strings (DMI product names, storage paths, uids) are not serialised.

use serde::{Serialize, Serializer};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Most bytes read from any one file. Larger files (a many-core `/proc/cpuinfo`, a mount
/// table with hundreds of entries) are cut at a line boundary; the facts sought appear early.
pub const MAX_READ_BYTES: usize = 64 * 1024;

/// Longest value kept from a free-form file (kernel release, `container=` name).
const MAX_NAME_CHARS: usize = 64;

/// Most security-module names kept (Linux has far fewer).
const MAX_LSM_NAMES: usize = 32;

/// Effective-capability bit of `CAP_SYS_ADMIN` (linux/capability.h).
const CAP_SYS_ADMIN_BIT: u32 = 21;

/// One observed fact, or why it could not be observed.
///
/// Serialised as `{"state": "known", "value": …, "source": "…"}` or
/// `{"state": "unknown", "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Evidence<T> {
    /// Observed.
    Known {
        /// The fact.
        value: T,
        /// Where it was read (a path, or `std::env::consts`).
        source: &'static str,
    },
    /// Not observed.
    Unknown {
        /// Why not.
        reason: String,
    },
}

impl<T> Evidence<T> {
    fn known(value: T, source: &'static str) -> Self {
        Evidence::Known { value, source }
    }

    fn unknown(reason: impl Into<String>) -> Self {
        Evidence::Unknown {
            reason: reason.into(),
        }
    }

    /// The fact, if observed.
    #[must_use]
    pub fn value(&self) -> Option<&T> {
        match self {
            Evidence::Known { value, .. } => Some(value),
            Evidence::Unknown { .. } => None,
        }
    }

    /// Whether the fact was observed.
    #[must_use]
    pub fn is_known(&self) -> bool {
        matches!(self, Evidence::Known { .. })
    }

    /// Why the fact is unknown, if it is.
    #[must_use]
    pub fn unknown_reason(&self) -> Option<&str> {
        match self {
            Evidence::Known { .. } => None,
            Evidence::Unknown { reason } => Some(reason),
        }
    }
}

/// The container the process runs in, as far as its markers show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Container {
    /// The sources that would show a container were read and showed none.
    None,
    /// Docker.
    Docker,
    /// Podman.
    Podman,
    /// A Kubernetes pod (whatever the container runtime).
    Kubernetes,
    /// LXC or LXD.
    Lxc,
    /// Another runtime, by the name its marker gives (`containerd`, `cri-o`,
    /// `systemd-nspawn`, …; `unrecognised` when the name was not a plain word).
    Other(String),
}

impl Container {
    /// Whether this is a container (anything but [`Container::None`]).
    #[must_use]
    pub fn is_container(&self) -> bool {
        !matches!(self, Container::None)
    }
}

/// Whether a hypervisor was detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Virtualization {
    /// The x86 CPU flags were read and lack `hypervisor`, and firmware names no virtual
    /// platform. (A hypervisor that hides itself is not detected; this is not proof of bare
    /// metal.)
    NoHypervisorDetected,
    /// Running under a hypervisor.
    Hypervisor(VmPlatform),
}

/// The virtual platform, from firmware (DMI) strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VmPlatform {
    /// Linux KVM.
    Kvm,
    /// QEMU without KVM branding.
    Qemu,
    /// VMware.
    Vmware,
    /// Oracle VirtualBox.
    VirtualBox,
    /// Xen.
    Xen,
    /// Microsoft Hyper-V (also Azure).
    HyperV,
    /// An Amazon EC2 instance (not `*.metal`).
    AmazonEc2,
    /// Google Compute Engine.
    GoogleComputeEngine,
    /// Parallels.
    Parallels,
    /// Bochs.
    Bochs,
    /// OpenStack Nova.
    OpenStack,
    /// The CPU reports a hypervisor; firmware does not say which.
    Unidentified,
}

/// The process's seccomp mode (`Seccomp:` in `/proc/self/status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeccompMode {
    /// 0: no seccomp.
    Disabled,
    /// 1: strict mode (read, write, exit, sigreturn only).
    Strict,
    /// 2: a BPF filter restricts system calls.
    Filter,
}

/// The effective capability set (`CapEff:` in `/proc/self/status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Whether any capability is held.
    pub any: bool,
    /// How many capabilities are held.
    pub count: u32,
    /// Whether `CAP_SYS_ADMIN` is held (close to full root).
    pub sys_admin: bool,
    /// The mask, 16 lowercase hex digits.
    pub mask: String,
}

/// The Linux security modules active in the running kernel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityModules {
    /// Module names in kernel order (e.g. `capability`, `landlock`, `apparmor`, `selinux`).
    pub active: Vec<String>,
    /// Landlock is active in the kernel, so a process *can* sandbox itself with it. This does
    /// not say that this process does.
    pub landlock_available: bool,
}

/// Address-space layout randomisation (`/proc/sys/kernel/randomize_va_space`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aslr {
    /// 0: off.
    Disabled,
    /// 1: stack, mmap and vDSO randomised, heap (brk) not.
    Partial,
    /// 2: everything, heap included.
    Full,
}

/// Who may use a directory besides its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Access {
    /// May list entries.
    pub read: bool,
    /// May create, delete and rename entries.
    pub write: bool,
    /// May traverse into it.
    pub execute: bool,
}

impl Access {
    #[cfg(unix)]
    fn from_bits(bits: u32) -> Self {
        Access {
            read: bits & 0o4 != 0,
            write: bits & 0o2 != 0,
            execute: bits & 0o1 != 0,
        }
    }

    /// Whether any access is granted.
    #[must_use]
    pub fn any(&self) -> bool {
        self.read || self.write || self.execute
    }
}

/// Ownership and permissions of the storage directory.
///
/// The path and the uids are not serialised: a home path names the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoragePermissions {
    /// The path itself is a symbolic link (the facts below are about its target).
    pub symlink: bool,
    /// The target is a directory.
    pub directory: bool,
    /// The owner's uid.
    #[serde(skip)]
    pub owner_uid: u32,
    /// Whether the owner is this process's effective user.
    pub owned_by_current_user: Evidence<bool>,
    /// Permission bits (`0o7777` mask), serialised as four octal digits.
    #[serde(serialize_with = "serialize_octal")]
    pub mode: u32,
    /// What the owning group may do.
    pub group: Access,
    /// What everyone else may do.
    pub other: Access,
}

impl StoragePermissions {
    /// Whether group or others have any access.
    #[must_use]
    pub fn open_to_others(&self) -> bool {
        self.group.any() || self.other.any()
    }

    /// Whether group or others may write.
    #[must_use]
    pub fn writable_by_others(&self) -> bool {
        self.group.write || self.other.write
    }
}

fn serialize_octal<S: Serializer>(mode: &u32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{mode:04o}"))
}

/// Everything observed about the runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuntimeEvidence {
    /// The target operating system (`std::env::consts::OS`).
    pub os: &'static str,
    /// The target architecture (`std::env::consts::ARCH`).
    pub arch: &'static str,
    /// The running kernel's release string.
    pub kernel_release: Evidence<String>,
    /// The container, if any.
    pub container: Evidence<Container>,
    /// The hypervisor, if any.
    pub virtualization: Evidence<Virtualization>,
    /// The seccomp mode.
    pub seccomp: Evidence<SeccompMode>,
    /// Whether `no_new_privs` is set (execve cannot gain privileges).
    pub no_new_privs: Evidence<bool>,
    /// The effective capabilities.
    pub capabilities: Evidence<Capabilities>,
    /// The active security modules.
    pub security_modules: Evidence<SecurityModules>,
    /// ASLR.
    pub aslr: Evidence<Aslr>,
    /// The storage directory, when the probe was given one.
    pub storage: Evidence<StoragePermissions>,
}

/// Where facts are read from: the real filesystem root, or a directory of fixture files laid
/// out like one (`<root>/proc/self/status`, …), and optionally the storage directory.
#[derive(Debug, Clone)]
pub struct Probe {
    root: PathBuf,
    system: bool,
    storage_dir: Option<PathBuf>,
}

/// A file read by a [`Probe`]: complete lines, lossily decoded.
struct FileText {
    text: String,
}

impl Probe {
    /// The running system (root `/`).
    #[must_use]
    pub fn system() -> Self {
        Probe {
            root: PathBuf::from("/"),
            system: true,
            storage_dir: None,
        }
    }

    /// Reads every file under `root` instead of `/` (for tests and offline analysis).
    #[must_use]
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        Probe {
            root: root.into(),
            system: false,
            storage_dir: None,
        }
    }

    /// Also checks the permissions of the storage directory at `path` (a real path, not under
    /// the root).
    #[must_use]
    pub fn with_storage_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.storage_dir = Some(path.into());
        self
    }

    fn path(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    /// Reads at most [`MAX_READ_BYTES`] of `logical`; the error is a reason for a report.
    fn read(&self, logical: &'static str) -> Result<FileText, String> {
        let describe = |e: io::Error| format!("{logical}: {}", e.kind());
        let file = File::open(self.path(logical)).map_err(describe)?;
        let mut bytes = Vec::new();
        file.take(MAX_READ_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(describe)?;
        let truncated = bytes.len() > MAX_READ_BYTES;
        bytes.truncate(MAX_READ_BYTES);
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        if truncated {
            // Keep complete lines only: a cut line could read as a different value.
            let keep = text.rfind('\n').map_or(0, |i| i + 1);
            text.truncate(keep);
        }
        Ok(FileText { text })
    }

    /// Whether `logical` exists (not following a final symlink); the error is a reason.
    fn exists(&self, logical: &'static str) -> Result<bool, String> {
        match std::fs::symlink_metadata(self.path(logical)) {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(format!("{logical}: {}", e.kind())),
        }
    }
}

impl RuntimeEvidence {
    /// Observes the running system. On targets other than Linux only `os` and `arch` are
    /// known (the Linux sources do not exist there).
    #[must_use]
    pub fn gather() -> Self {
        Self::gather_with(&Probe::system())
    }

    /// Observes through `probe`.
    #[must_use]
    pub fn gather_with(probe: &Probe) -> Self {
        let storage = match &probe.storage_dir {
            Some(dir) => storage_permissions_with(probe, dir),
            None => Evidence::unknown("not checked: no storage directory given"),
        };
        if probe.system && !cfg!(target_os = "linux") {
            return Self::unmeasured(storage);
        }
        let status = probe.read("/proc/self/status");
        let status_text = status.as_ref().map(|f| f.text.as_str());
        RuntimeEvidence {
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            kernel_release: kernel_release(probe),
            container: detect_container(probe),
            virtualization: detect_virtualization(probe),
            seccomp: seccomp_mode(status_text),
            no_new_privs: no_new_privs(status_text),
            capabilities: capabilities(status_text),
            security_modules: security_modules(probe),
            aslr: aslr(probe),
            storage,
        }
    }

    /// Everything unknown but what `std` says, for targets without the Linux sources.
    fn unmeasured(storage: Evidence<StoragePermissions>) -> Self {
        fn reason<T>() -> Evidence<T> {
            Evidence::unknown(format!(
                "not measured on {}: only Linux sources are probed",
                std::env::consts::OS
            ))
        }
        RuntimeEvidence {
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            kernel_release: reason(),
            container: reason(),
            virtualization: reason(),
            seccomp: reason(),
            no_new_privs: reason(),
            capabilities: reason(),
            security_modules: reason(),
            aslr: reason(),
            storage,
        }
    }

    /// Ownership and permissions of the storage directory at `path`, compared with this
    /// process's effective uid (read from `/proc/self/status`; unknown elsewhere).
    #[must_use]
    pub fn storage_permissions(path: &Path) -> Evidence<StoragePermissions> {
        storage_permissions_with(&Probe::system(), path)
    }

    /// The facts that are unknown, by field name, with their reasons.
    #[must_use]
    pub fn unknown_facts(&self) -> Vec<(&'static str, &str)> {
        [
            ("kernel_release", self.kernel_release.unknown_reason()),
            ("container", self.container.unknown_reason()),
            ("virtualization", self.virtualization.unknown_reason()),
            ("seccomp", self.seccomp.unknown_reason()),
            ("no_new_privs", self.no_new_privs.unknown_reason()),
            ("capabilities", self.capabilities.unknown_reason()),
            ("security_modules", self.security_modules.unknown_reason()),
            ("aslr", self.aslr.unknown_reason()),
            ("storage", self.storage.unknown_reason()),
        ]
        .into_iter()
        .filter_map(|(name, reason)| reason.map(|r| (name, r)))
        .collect()
    }

    /// The isolation boundaries that were *measured*: a container, a hypervisor, a seccomp
    /// filter or strict mode. Empty means process isolation only, or not known.
    #[must_use]
    pub fn measured_isolation(&self) -> Vec<&'static str> {
        let mut found = Vec::new();
        if self.container.value().is_some_and(Container::is_container) {
            found.push("container");
        }
        if matches!(
            self.virtualization.value(),
            Some(Virtualization::Hypervisor(_))
        ) {
            found.push("virtual machine");
        }
        if matches!(
            self.seccomp.value(),
            Some(SeccompMode::Filter | SeccompMode::Strict)
        ) {
            found.push("seccomp");
        }
        found
    }
}

/// The value of `key:` in a `/proc/<pid>/status`-style file, trimmed.
fn status_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

const STATUS: &str = "/proc/self/status";

fn from_status<T>(
    status: Result<&str, &String>,
    key: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Evidence<T> {
    let text = match status {
        Ok(text) => text,
        Err(reason) => return Evidence::unknown(reason.clone()),
    };
    match status_field(text, key) {
        None => Evidence::unknown(format!("{STATUS}: no {key} line")),
        Some(raw) => match parse(raw) {
            Some(value) => Evidence::known(value, STATUS),
            None => Evidence::unknown(format!("{STATUS}: unexpected {key} value")),
        },
    }
}

fn seccomp_mode(status: Result<&str, &String>) -> Evidence<SeccompMode> {
    from_status(status, "Seccomp", |v| match v {
        "0" => Some(SeccompMode::Disabled),
        "1" => Some(SeccompMode::Strict),
        "2" => Some(SeccompMode::Filter),
        _ => None,
    })
}

fn no_new_privs(status: Result<&str, &String>) -> Evidence<bool> {
    from_status(status, "NoNewPrivs", |v| match v {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    })
}

fn capabilities(status: Result<&str, &String>) -> Evidence<Capabilities> {
    from_status(status, "CapEff", |v| {
        if v.is_empty() || v.len() > 16 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mask = u64::from_str_radix(v, 16).ok()?;
        Some(Capabilities {
            any: mask != 0,
            count: mask.count_ones(),
            sys_admin: (mask >> CAP_SYS_ADMIN_BIT) & 1 == 1,
            mask: format!("{mask:016x}"),
        })
    })
}

/// The effective uid (second field of `Uid:`).
#[cfg(unix)]
fn effective_uid(status: Result<&str, &String>) -> Evidence<u32> {
    from_status(status, "Uid", |v| {
        let mut fields = v.split_whitespace();
        let _real = fields.next()?;
        fields.next()?.parse().ok()
    })
}

/// A short printable-ASCII value, or `None`.
fn plain_value(raw: &str, allowed: impl Fn(u8) -> bool) -> Option<String> {
    let value = raw.trim();
    (!value.is_empty() && value.len() <= MAX_NAME_CHARS && value.bytes().all(allowed))
        .then(|| value.to_owned())
}

fn kernel_release(probe: &Probe) -> Evidence<String> {
    const SOURCE: &str = "/proc/sys/kernel/osrelease";
    match probe.read(SOURCE) {
        Err(reason) => Evidence::unknown(reason),
        Ok(file) => match plain_value(&file.text, |b| b.is_ascii_graphic()) {
            Some(release) => Evidence::known(release, SOURCE),
            None => Evidence::unknown(format!("{SOURCE}: unexpected content")),
        },
    }
}

fn aslr(probe: &Probe) -> Evidence<Aslr> {
    const SOURCE: &str = "/proc/sys/kernel/randomize_va_space";
    match probe.read(SOURCE) {
        Err(reason) => Evidence::unknown(reason),
        Ok(file) => match file.text.trim() {
            "0" => Evidence::known(Aslr::Disabled, SOURCE),
            "1" => Evidence::known(Aslr::Partial, SOURCE),
            "2" => Evidence::known(Aslr::Full, SOURCE),
            _ => Evidence::unknown(format!("{SOURCE}: unexpected content")),
        },
    }
}

fn security_modules(probe: &Probe) -> Evidence<SecurityModules> {
    const SOURCE: &str = "/sys/kernel/security/lsm";
    let file = match probe.read(SOURCE) {
        Ok(file) => file,
        Err(reason) => return Evidence::unknown(reason),
    };
    let names: Option<Vec<String>> = file
        .text
        .trim()
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            plain_value(name, |b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
            })
        })
        .collect();
    match names {
        Some(active) if !active.is_empty() && active.len() <= MAX_LSM_NAMES => {
            let landlock_available = active.iter().any(|n| n == "landlock");
            Evidence::known(
                SecurityModules {
                    active,
                    landlock_available,
                },
                SOURCE,
            )
        }
        _ => Evidence::unknown(format!("{SOURCE}: unexpected content")),
    }
}

/// A container name from a `container=` value, reduced to a plain lowercase word.
fn container_from_env_value(value: &str) -> Container {
    match value {
        "docker" => Container::Docker,
        "podman" => Container::Podman,
        "lxc" | "lxc-libvirt" => Container::Lxc,
        other => Container::Other(
            plain_value(other, |b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            })
            .unwrap_or_else(|| "unrecognised".to_owned()),
        ),
    }
}

/// The `container=` variable of PID 1, set by podman, LXC, systemd-nspawn and others.
fn container_env(text: &str) -> Option<&str> {
    text.split('\0')
        .find_map(|entry| entry.strip_prefix("container="))
}

/// The runtime a `/proc/1/cgroup` names, Kubernetes first (its pods also name their runtime).
fn container_from_cgroup(text: &str) -> Option<Container> {
    let paths: Vec<&str> = text
        .lines()
        .filter_map(|line| line.splitn(3, ':').nth(2))
        .collect();
    let any = |needles: &[&str]| paths.iter().any(|p| needles.iter().any(|n| p.contains(n)));
    if any(&["kubepods"]) {
        Some(Container::Kubernetes)
    } else if any(&["/libpod-", "libpod_parent", "/machine.slice/libpod"]) {
        Some(Container::Podman)
    } else if any(&["/docker/", "/docker-"]) {
        Some(Container::Docker)
    } else if any(&["/lxc/", "/lxc.payload", "lxc.monitor"]) {
        Some(Container::Lxc)
    } else if any(&["/cri-containerd-", "/containerd/"]) {
        Some(Container::Other("containerd".to_owned()))
    } else if any(&["/crio-"]) {
        Some(Container::Other("cri-o".to_owned()))
    } else {
        None
    }
}

/// What `/proc/self/mountinfo` shows: the runtime behind the per-container bind mounts of
/// `/etc/hostname`, `/etc/hosts` or `/etc/resolv.conf`, and the root filesystem type.
struct MountFacts {
    runtime: Option<Container>,
    root_fstype: Option<String>,
}

fn mount_facts(text: &str) -> MountFacts {
    let mut runtime = None;
    let mut root_fstype = None;
    for line in text.lines() {
        let mut fields = line.split(' ');
        let (Some(root), Some(mount_point)) = (fields.nth(3), fields.next()) else {
            continue;
        };
        // The filesystem type follows the " - " separator after the optional fields.
        let fstype = fields.skip_while(|f| *f != "-").nth(1);
        if mount_point == "/" {
            // Later mounts on `/` hide earlier ones: keep the last.
            root_fstype = fstype.map(str::to_owned);
        }
        if runtime.is_none()
            && matches!(
                mount_point,
                "/etc/hostname" | "/etc/hosts" | "/etc/resolv.conf"
            )
        {
            runtime = if root.contains("/kubelet/pods/") {
                Some(Container::Kubernetes)
            } else if root.contains("/docker/containers/") {
                Some(Container::Docker)
            } else if root.contains("/containers/storage/") || root.contains("/overlay-containers/")
            {
                Some(Container::Podman)
            } else {
                None
            };
        }
    }
    MountFacts {
        runtime,
        root_fstype,
    }
}

fn detect_container(probe: &Probe) -> Evidence<Container> {
    const CGROUP: &str = "/proc/1/cgroup";
    const MOUNTINFO: &str = "/proc/self/mountinfo";
    const ENVIRON: &str = "/proc/1/environ";
    const DOCKERENV: &str = "/.dockerenv";
    const CONTAINERENV: &str = "/run/.containerenv";
    const K8S_SECRETS: &str = "/var/run/secrets/kubernetes.io";

    let cgroup = probe.read(CGROUP);
    let mounts = probe.read(MOUNTINFO).map(|f| mount_facts(&f.text));
    let cgroup_runtime = cgroup
        .as_ref()
        .ok()
        .and_then(|f| container_from_cgroup(&f.text));
    let mount_runtime = mounts.as_ref().ok().and_then(|m| m.runtime.clone());

    // Kubernetes first: a pod also carries its runtime's markers, and the pod is the news.
    if cgroup_runtime == Some(Container::Kubernetes) {
        return Evidence::known(Container::Kubernetes, CGROUP);
    }
    if mount_runtime == Some(Container::Kubernetes) {
        return Evidence::known(Container::Kubernetes, MOUNTINFO);
    }
    let k8s_secrets = probe.exists(K8S_SECRETS);
    if k8s_secrets == Ok(true) {
        return Evidence::known(Container::Kubernetes, K8S_SECRETS);
    }
    // PID 1's environment is usually readable only by its owner; use it when it is.
    if let Ok(environ) = probe.read(ENVIRON)
        && let Some(value) = container_env(&environ.text)
    {
        return Evidence::known(container_from_env_value(value), ENVIRON);
    }
    let containerenv = probe.exists(CONTAINERENV);
    if containerenv == Ok(true) {
        return Evidence::known(Container::Podman, CONTAINERENV);
    }
    let dockerenv = probe.exists(DOCKERENV);
    if dockerenv == Ok(true) {
        return Evidence::known(Container::Docker, DOCKERENV);
    }
    if let Some(runtime) = cgroup_runtime {
        return Evidence::known(runtime, CGROUP);
    }
    if let Some(runtime) = mount_runtime {
        return Evidence::known(runtime, MOUNTINFO);
    }

    // No marker. "None" only if every source that could have shown one was read.
    let mut unread = Vec::new();
    if let Err(reason) = &cgroup {
        unread.push(reason.clone());
    }
    for check in [&k8s_secrets, &containerenv, &dockerenv] {
        if let Err(reason) = check {
            unread.push(reason.clone());
        }
    }
    match &mounts {
        Err(reason) => unread.push(reason.clone()),
        Ok(MountFacts {
            root_fstype: None, ..
        }) => unread.push(format!("{MOUNTINFO}: no root mount")),
        Ok(MountFacts {
            root_fstype: Some(fstype),
            ..
        }) if fstype == "overlay" => {
            // Containers and live systems both boot from overlayfs: not enough to say either.
            return Evidence::unknown(
                "root filesystem is overlayfs but no container runtime marker was found",
            );
        }
        Ok(_) => {}
    }
    if unread.is_empty() {
        Evidence::known(
            Container::None,
            "/proc/1/cgroup, /proc/self/mountinfo, /.dockerenv, /run/.containerenv",
        )
    } else {
        Evidence::unknown(format!(
            "no container marker found, but {}",
            unread.join("; ")
        ))
    }
}

/// The virtual platform named by firmware strings, if any.
fn platform_from_dmi(vendor: &str, product: &str) -> Option<VmPlatform> {
    let either = |needle: &str| vendor.contains(needle) || product.contains(needle);
    if product.contains("KVM") || vendor.contains("KVM") {
        Some(VmPlatform::Kvm)
    } else if either("QEMU") {
        Some(VmPlatform::Qemu)
    } else if either("VMware") {
        Some(VmPlatform::Vmware)
    } else if either("VirtualBox") || vendor.contains("innotek") {
        Some(VmPlatform::VirtualBox)
    } else if vendor == "Xen" || product.contains("HVM domU") {
        Some(VmPlatform::Xen)
    } else if vendor.contains("Microsoft Corporation") && product.contains("Virtual Machine") {
        Some(VmPlatform::HyperV)
    } else if vendor == "Amazon EC2" && !product.ends_with(".metal") {
        // EC2 bare-metal instances share the vendor string; their type ends in `.metal`.
        Some(VmPlatform::AmazonEc2)
    } else if product == "Google Compute Engine" {
        Some(VmPlatform::GoogleComputeEngine)
    } else if either("Parallels") {
        Some(VmPlatform::Parallels)
    } else if either("Bochs") {
        Some(VmPlatform::Bochs)
    } else if product.contains("OpenStack") {
        Some(VmPlatform::OpenStack)
    } else {
        None
    }
}

/// Whether the first x86 `flags` line lists `hypervisor`; `None` without a flags line (other
/// architectures do not expose the bit there).
fn cpu_hypervisor_flag(cpuinfo: &str) -> Option<bool> {
    cpuinfo.lines().find_map(|line| {
        let (key, flags) = line.split_once(':')?;
        (key.trim() == "flags").then(|| flags.split_whitespace().any(|f| f == "hypervisor"))
    })
}

fn detect_virtualization(probe: &Probe) -> Evidence<Virtualization> {
    const VENDOR: &str = "/sys/class/dmi/id/sys_vendor";
    const PRODUCT: &str = "/sys/class/dmi/id/product_name";
    const CPUINFO: &str = "/proc/cpuinfo";

    let vendor = probe.read(VENDOR);
    let product = probe.read(PRODUCT);
    let text = |r: &Result<FileText, String>| {
        r.as_ref()
            .map(|f| f.text.trim().to_owned())
            .unwrap_or_default()
    };
    if let Some(platform) = platform_from_dmi(&text(&vendor), &text(&product)) {
        let source = if vendor.is_ok() { VENDOR } else { PRODUCT };
        return Evidence::known(Virtualization::Hypervisor(platform), source);
    }
    match probe.read(CPUINFO) {
        Err(reason) => Evidence::unknown(reason),
        Ok(file) => match cpu_hypervisor_flag(&file.text) {
            Some(true) => Evidence::known(
                Virtualization::Hypervisor(VmPlatform::Unidentified),
                CPUINFO,
            ),
            Some(false) => Evidence::known(Virtualization::NoHypervisorDetected, CPUINFO),
            None => Evidence::unknown(format!(
                "{CPUINFO}: no x86 flags line (the hypervisor bit is not shown on this \
                 architecture) and firmware names no virtual platform"
            )),
        },
    }
}

#[cfg(unix)]
fn storage_permissions_with(probe: &Probe, path: &Path) -> Evidence<StoragePermissions> {
    use std::os::unix::fs::MetadataExt as _;
    const SOURCE: &str = "storage directory metadata";
    // Reasons name the error, not the path: the report travels, and paths name users.
    let link = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) => return Evidence::unknown(format!("storage directory: {}", e.kind())),
    };
    let symlink = link.file_type().is_symlink();
    let meta = if symlink {
        match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                return Evidence::unknown(format!(
                    "storage directory symlink target: {}",
                    e.kind()
                ));
            }
        }
    } else {
        link
    };
    let mode = meta.mode() & 0o7777;
    let owned_by_current_user =
        match effective_uid(probe.read(STATUS).as_ref().map(|f| f.text.as_str())) {
            Evidence::Known { value, source } => Evidence::known(meta.uid() == value, source),
            Evidence::Unknown { reason } => Evidence::unknown(reason),
        };
    Evidence::known(
        StoragePermissions {
            symlink,
            directory: meta.is_dir(),
            owner_uid: meta.uid(),
            owned_by_current_user,
            mode,
            group: Access::from_bits((mode >> 3) & 0o7),
            other: Access::from_bits(mode & 0o7),
        },
        SOURCE,
    )
}

#[cfg(not(unix))]
fn storage_permissions_with(_probe: &Probe, _path: &Path) -> Evidence<StoragePermissions> {
    Evidence::unknown("permission bits are not available on this platform")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A fixture root holding `files` (logical path → content).
    fn fixture(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let full = dir.path().join(path.trim_start_matches('/'));
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, content).unwrap();
        }
        dir
    }

    fn gather(files: &[(&str, &[u8])]) -> RuntimeEvidence {
        let root = fixture(files);
        RuntimeEvidence::gather_with(&Probe::with_root(root.path()))
    }

    const HOST_CGROUP_V2: &[u8] = b"0::/init.scope\n";
    const HOST_MOUNTINFO: &[u8] = b"\
22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
";
    const STATUS_PLAIN: &[u8] = b"\
Name:\tsanctuary
Umask:\t0022
State:\tR (running)
Uid:\t1000\t1000\t1000\t1000
Gid:\t1000\t1000\t1000\t1000
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t000001ffffffffff
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
";
    const CPUINFO_BARE: &[u8] = b"\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov sse sse2 ht
bugs\t\t: spectre_v1

";
    const CPUINFO_VM: &[u8] = b"\
processor\t: 0
vendor_id\t: AuthenticAMD
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep hypervisor lahf_lm
";

    #[test]
    fn bare_metal_host_with_readable_flags() {
        let e = gather(&[
            ("/proc/1/cgroup", HOST_CGROUP_V2),
            ("/proc/self/mountinfo", HOST_MOUNTINFO),
            ("/proc/self/status", STATUS_PLAIN),
            ("/proc/cpuinfo", CPUINFO_BARE),
            ("/sys/class/dmi/id/sys_vendor", b"LENOVO\n"),
            ("/sys/class/dmi/id/product_name", b"20L8S2N800\n"),
            (
                "/sys/kernel/security/lsm",
                b"lockdown,capability,landlock,yama,apparmor",
            ),
            ("/proc/sys/kernel/randomize_va_space", b"2\n"),
            ("/proc/sys/kernel/osrelease", b"6.8.0-45-generic\n"),
        ]);
        assert_eq!(e.container.value(), Some(&Container::None));
        assert_eq!(
            e.virtualization,
            Evidence::known(Virtualization::NoHypervisorDetected, "/proc/cpuinfo")
        );
        assert_eq!(
            e.seccomp,
            Evidence::known(SeccompMode::Disabled, "/proc/self/status")
        );
        assert_eq!(e.no_new_privs.value(), Some(&false));
        let caps = e.capabilities.value().unwrap();
        assert!(!caps.any && caps.count == 0 && !caps.sys_admin);
        let lsm = e.security_modules.value().unwrap();
        assert!(lsm.landlock_available);
        assert_eq!(
            lsm.active,
            ["lockdown", "capability", "landlock", "yama", "apparmor"]
        );
        assert_eq!(e.aslr.value(), Some(&Aslr::Full));
        assert_eq!(
            e.kernel_release.value().map(String::as_str),
            Some("6.8.0-45-generic")
        );
        assert!(e.measured_isolation().is_empty());
        // Only the storage directory (not given) is unknown.
        let unknown: Vec<_> = e.unknown_facts().into_iter().map(|(n, _)| n).collect();
        assert_eq!(unknown, ["storage"]);
    }

    #[test]
    fn docker_container() {
        let mountinfo = b"\
612 480 0:55 / / rw,relatime master:298 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A
620 612 259:2 /var/lib/docker/containers/3f1c/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/nvme0n1p2 rw
621 612 259:2 /var/lib/docker/containers/3f1c/hostname /etc/hostname rw,relatime - ext4 /dev/nvme0n1p2 rw
";
        let e = gather(&[
            ("/.dockerenv", b""),
            ("/proc/1/cgroup", b"0::/\n"),
            ("/proc/self/mountinfo", mountinfo),
            ("/proc/self/status", STATUS_PLAIN),
        ]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Docker, "/.dockerenv")
        );
        assert_eq!(e.measured_isolation(), ["container"]);

        // Without /.dockerenv (cgroup namespace hides the path), the bind mounts still tell.
        let e = gather(&[
            ("/proc/1/cgroup", b"0::/\n"),
            ("/proc/self/mountinfo", mountinfo),
        ]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Docker, "/proc/self/mountinfo")
        );

        // cgroup v1 paths name docker too.
        let e = gather(&[(
            "/proc/1/cgroup",
            b"12:pids:/docker/3f1c2e\n11:memory:/docker/3f1c2e\n0::/system.slice/docker-3f1c.scope\n",
        )]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Docker, "/proc/1/cgroup")
        );
    }

    #[test]
    fn podman_container() {
        let e = gather(&[
            ("/run/.containerenv", b"engine=\"podman-4.9.3\"\n"),
            ("/proc/1/cgroup", b"0::/\n"),
            ("/proc/self/status", STATUS_PLAIN),
        ]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Podman, "/run/.containerenv")
        );
        // PID 1's environment names it when readable.
        let e = gather(&[(
            "/proc/1/environ",
            b"PATH=/usr/bin\0container=podman\0HOME=/root\0",
        )]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Podman, "/proc/1/environ")
        );
        // Rootless podman's bind mounts.
        let e = gather(&[(
            "/proc/self/mountinfo",
            b"900 800 0:60 / / rw - overlay overlay rw\n\
              901 900 0:30 /home/u/.local/share/containers/storage/overlay-containers/ab/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw\n",
        )]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Podman, "/proc/self/mountinfo")
        );
    }

    #[test]
    fn kubernetes_pod() {
        let e = gather(&[
            (
                "/proc/1/cgroup",
                b"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice/cri-containerd-ab.scope\n",
            ),
            ("/.dockerenv", b""),
        ]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Kubernetes, "/proc/1/cgroup")
        );
        let e = gather(&[
            ("/proc/1/cgroup", b"0::/\n"),
            (
                "/proc/self/mountinfo",
                b"1 0 0:1 / / rw - overlay overlay rw\n\
                  2 1 8:1 /var/lib/kubelet/pods/5e1d/etc-hosts /etc/hosts rw - ext4 /dev/sda1 rw\n",
            ),
        ]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Kubernetes, "/proc/self/mountinfo")
        );
        let e = gather(&[(
            "/var/run/secrets/kubernetes.io/serviceaccount/namespace",
            b"default",
        )]);
        assert_eq!(
            e.container,
            Evidence::known(Container::Kubernetes, "/var/run/secrets/kubernetes.io")
        );
    }

    #[test]
    fn other_runtimes() {
        let e = gather(&[("/proc/1/environ", b"container=systemd-nspawn\0")]);
        assert_eq!(
            e.container.value(),
            Some(&Container::Other("systemd-nspawn".into()))
        );
        let e = gather(&[("/proc/1/environ", b"container=Evil Name\x1b[31m\0")]);
        assert_eq!(
            e.container.value(),
            Some(&Container::Other("unrecognised".into()))
        );
        let e = gather(&[("/proc/1/cgroup", b"0::/lxc.payload.web/init.scope\n")]);
        assert_eq!(e.container.value(), Some(&Container::Lxc));
        let e = gather(&[("/proc/1/cgroup", b"0::/system.slice/crio-77.scope\n")]);
        assert_eq!(e.container.value(), Some(&Container::Other("cri-o".into())));
    }

    #[test]
    fn no_container_is_claimed_only_from_read_sources() {
        // Overlay root without a marker: unknown, not "none" and not "container".
        let e = gather(&[
            ("/proc/1/cgroup", HOST_CGROUP_V2),
            (
                "/proc/self/mountinfo",
                b"1 0 0:1 / / rw - overlay overlay rw\n",
            ),
        ]);
        assert!(e.container.unknown_reason().unwrap().contains("overlayfs"));
        // Readable cgroup but no mount table: unknown.
        let e = gather(&[("/proc/1/cgroup", HOST_CGROUP_V2)]);
        assert!(
            e.container
                .unknown_reason()
                .unwrap()
                .contains("/proc/self/mountinfo")
        );
    }

    #[test]
    fn kvm_virtual_machine() {
        let e = gather(&[
            ("/sys/class/dmi/id/sys_vendor", b"QEMU\n"),
            (
                "/sys/class/dmi/id/product_name",
                b"Standard PC (Q35 + ICH9, 2009)\n",
            ),
            ("/proc/cpuinfo", CPUINFO_VM),
        ]);
        assert_eq!(
            e.virtualization,
            Evidence::known(
                Virtualization::Hypervisor(VmPlatform::Qemu),
                "/sys/class/dmi/id/sys_vendor"
            )
        );
        let e = gather(&[
            ("/sys/class/dmi/id/sys_vendor", b"Red Hat\n"),
            ("/sys/class/dmi/id/product_name", b"KVM\n"),
        ]);
        assert_eq!(
            e.virtualization.value(),
            Some(&Virtualization::Hypervisor(VmPlatform::Kvm))
        );
        assert_eq!(e.measured_isolation(), ["virtual machine"]);
        // Firmware unreadable or silent, CPU flag set: a hypervisor, unidentified.
        let e = gather(&[("/proc/cpuinfo", CPUINFO_VM)]);
        assert_eq!(
            e.virtualization,
            Evidence::known(
                Virtualization::Hypervisor(VmPlatform::Unidentified),
                "/proc/cpuinfo"
            )
        );
    }

    #[test]
    fn dmi_platforms() {
        for (vendor, product, expected) in [
            (
                "VMware, Inc.",
                "VMware Virtual Platform",
                Some(VmPlatform::Vmware),
            ),
            ("innotek GmbH", "VirtualBox", Some(VmPlatform::VirtualBox)),
            ("Xen", "HVM domU", Some(VmPlatform::Xen)),
            (
                "Microsoft Corporation",
                "Virtual Machine",
                Some(VmPlatform::HyperV),
            ),
            ("Amazon EC2", "t3.micro", Some(VmPlatform::AmazonEc2)),
            ("Amazon EC2", "m5.metal", None),
            (
                "Google",
                "Google Compute Engine",
                Some(VmPlatform::GoogleComputeEngine),
            ),
            (
                "Parallels Software International Inc.",
                "Parallels Virtual Platform",
                Some(VmPlatform::Parallels),
            ),
            (
                "OpenStack Foundation",
                "OpenStack Nova",
                Some(VmPlatform::OpenStack),
            ),
            ("Dell Inc.", "PowerEdge R740", None),
            ("Microsoft Corporation", "Surface Laptop 5", None),
            ("", "", None),
        ] {
            assert_eq!(
                platform_from_dmi(vendor, product),
                expected,
                "{vendor} {product}"
            );
        }
        // EC2 metal with readable flags lacking the bit: no hypervisor detected.
        let e = gather(&[
            ("/sys/class/dmi/id/sys_vendor", b"Amazon EC2\n"),
            ("/sys/class/dmi/id/product_name", b"m5.metal\n"),
            ("/proc/cpuinfo", CPUINFO_BARE),
        ]);
        assert_eq!(
            e.virtualization.value(),
            Some(&Virtualization::NoHypervisorDetected)
        );
    }

    #[test]
    fn arm_cpuinfo_without_flags_is_unknown() {
        let e = gather(&[(
            "/proc/cpuinfo",
            b"processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes pmull\n",
        )]);
        assert!(
            e.virtualization
                .unknown_reason()
                .unwrap()
                .contains("no x86 flags line")
        );
    }

    #[test]
    fn seccomp_filter_with_no_new_privs_and_capabilities() {
        let status = b"Name:\tagent\nUid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        let e = gather(&[("/proc/self/status", status)]);
        assert_eq!(e.seccomp.value(), Some(&SeccompMode::Filter));
        assert_eq!(e.no_new_privs.value(), Some(&true));
        let caps = e.capabilities.value().unwrap();
        // Docker's default set: 14 capabilities, no CAP_SYS_ADMIN.
        assert!(caps.any);
        assert_eq!(caps.count, 14);
        assert!(!caps.sys_admin);
        assert_eq!(caps.mask, "00000000a80425fb");
        assert_eq!(e.measured_isolation(), ["seccomp"]);

        let full = b"CapEff:\t000001ffffffffff\nSeccomp:\t1\n";
        let e = gather(&[("/proc/self/status", full)]);
        assert!(e.capabilities.value().unwrap().sys_admin);
        assert_eq!(e.capabilities.value().unwrap().count, 41);
        assert_eq!(e.seccomp.value(), Some(&SeccompMode::Strict));
        assert!(
            e.no_new_privs
                .unknown_reason()
                .unwrap()
                .contains("no NoNewPrivs line")
        );
    }

    #[test]
    fn aslr_levels() {
        for (raw, expected) in [
            ("0\n", Some(Aslr::Disabled)),
            ("1", Some(Aslr::Partial)),
            ("2\n", Some(Aslr::Full)),
            ("3\n", None),
            ("", None),
        ] {
            let e = gather(&[("/proc/sys/kernel/randomize_va_space", raw.as_bytes())]);
            assert_eq!(e.aslr.value(), expected.as_ref(), "{raw:?}");
        }
    }

    #[test]
    fn unreadable_everything_is_unknown() {
        let e = gather(&[]);
        assert_eq!(e.os, std::env::consts::OS);
        assert_eq!(e.arch, std::env::consts::ARCH);
        let unknown = e.unknown_facts();
        assert_eq!(unknown.len(), 9, "{unknown:?}");
        assert!(e.measured_isolation().is_empty());
        // Reasons name the logical source, never the fixture root.
        for (_, reason) in &unknown {
            assert!(!reason.contains("/tmp"), "{reason}");
        }
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["container"]["state"], "unknown");
        assert_eq!(json["os"], std::env::consts::OS);
    }

    #[test]
    fn garbage_files_do_not_panic_and_claim_nothing() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut noise = |len: usize| -> Vec<u8> {
            (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[3]
                })
                .collect()
        };
        let paths = [
            "/proc/1/cgroup",
            "/proc/1/environ",
            "/proc/self/mountinfo",
            "/proc/self/status",
            "/proc/cpuinfo",
            "/sys/class/dmi/id/sys_vendor",
            "/sys/class/dmi/id/product_name",
            "/sys/kernel/security/lsm",
            "/proc/sys/kernel/randomize_va_space",
            "/proc/sys/kernel/osrelease",
        ];
        for round in 0..24 {
            let len = [0, 1, 7, 300, 5000, MAX_READ_BYTES + 100][round % 6];
            let contents: Vec<Vec<u8>> = paths.iter().map(|_| noise(len)).collect();
            let files: Vec<(&str, &[u8])> = paths
                .iter()
                .zip(&contents)
                .map(|(p, c)| (*p, c.as_slice()))
                .collect();
            let e = gather(&files);
            assert!(e.seccomp.value().is_none());
            assert!(e.aslr.value().is_none() || len == 1);
            let _ = serde_json::to_string(&e).unwrap();
        }
        // Structured garbage: right keys, wrong values.
        let e = gather(&[
            (
                "/proc/self/status",
                b"Seccomp:\t9\nNoNewPrivs:\tyes\nCapEff:\tzz\nUid:\t\n",
            ),
            ("/sys/kernel/security/lsm", b"capability,Land Lock,\xff"),
            ("/proc/sys/kernel/osrelease", b"6.8 \x1b[2J\n"),
            ("/proc/self/mountinfo", b"1\n\n - - - -\n1 2 3\n"),
            ("/proc/1/cgroup", b"::::\n"),
        ]);
        assert_eq!(e.unknown_facts().len(), 9);
    }

    #[test]
    fn long_files_are_cut_at_a_line_boundary() {
        // A flags line past the read limit is not seen: unknown, not "no hypervisor".
        let mut cpuinfo = "x\t: y\n".repeat(MAX_READ_BYTES / 6 + 10).into_bytes();
        cpuinfo.extend_from_slice(b"flags\t: fpu hypervisor\n");
        let e = gather(&[("/proc/cpuinfo", &cpuinfo)]);
        assert!(!e.virtualization.is_known());
        // A value cut in the middle of its line is dropped, not misread.
        // The first MAX_READ_BYTES end in "Seccomp:\t2" of a line that goes on "1".
        let mut status = vec![b'#'; MAX_READ_BYTES - 11];
        status.extend_from_slice(b"\nSeccomp:\t21\n");
        assert_eq!(status.get(MAX_READ_BYTES - 1), Some(&b'2'));
        let e = gather(&[("/proc/self/status", &status)]);
        assert!(!e.seccomp.is_known());
    }

    #[test]
    fn json_shape_is_stable() {
        let e = gather(&[
            ("/.dockerenv", b""),
            (
                "/proc/self/status",
                b"Seccomp:\t2\nNoNewPrivs:\t1\nCapEff:\t0000000000000000\n",
            ),
            ("/proc/sys/kernel/randomize_va_space", b"2\n"),
            ("/sys/class/dmi/id/product_name", b"KVM\n"),
        ]);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json["container"],
            serde_json::json!({"state": "known", "value": "docker", "source": "/.dockerenv"})
        );
        assert_eq!(json["seccomp"]["value"], "filter");
        assert_eq!(json["no_new_privs"]["value"], true);
        assert_eq!(json["aslr"]["value"], "full");
        assert_eq!(
            json["virtualization"]["value"],
            serde_json::json!({"hypervisor": "kvm"})
        );
        assert_eq!(
            json["capabilities"]["value"],
            serde_json::json!({"any": false, "count": 0, "sys_admin": false, "mask": "0000000000000000"})
        );
        assert_eq!(json["storage"]["state"], "unknown");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 11);
    }

    #[cfg(unix)]
    fn current_uid() -> u32 {
        use std::os::unix::fs::MetadataExt as _;
        // A file this process creates is owned by its effective uid.
        tempfile::tempdir()
            .unwrap()
            .path()
            .metadata()
            .unwrap()
            .uid()
    }

    #[cfg(unix)]
    #[test]
    fn storage_permissions_private_and_open() {
        use std::os::unix::fs::PermissionsExt as _;
        let uid = current_uid();
        let status = format!("Name:\tx\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n");
        let root = fixture(&[("/proc/self/status", status.as_bytes())]);

        let private = tempfile::tempdir().unwrap();
        fs::set_permissions(private.path(), fs::Permissions::from_mode(0o700)).unwrap();
        let probe = Probe::with_root(root.path()).with_storage_dir(private.path());
        let e = RuntimeEvidence::gather_with(&probe);
        let s = e.storage.value().unwrap();
        assert!(s.directory && !s.symlink);
        assert_eq!(s.mode, 0o700);
        assert_eq!(s.owner_uid, uid);
        assert_eq!(s.owned_by_current_user.value(), Some(&true));
        assert!(!s.open_to_others() && !s.writable_by_others());
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["mode"], "0700");
        assert!(json.get("owner_uid").is_none());
        assert!(!json.to_string().contains(private.path().to_str().unwrap()));

        let open = tempfile::tempdir().unwrap();
        fs::set_permissions(open.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let s = storage_permissions_with(&Probe::with_root(root.path()), open.path());
        let s = s.value().unwrap();
        assert_eq!(s.mode, 0o755);
        assert_eq!(
            s.group,
            Access {
                read: true,
                write: false,
                execute: true
            }
        );
        assert_eq!(
            s.other,
            Access {
                read: true,
                write: false,
                execute: true
            }
        );
        assert!(s.open_to_others() && !s.writable_by_others());

        // Through a symlink: flagged, and the target's bits are reported.
        let link = root.path().join("store-link");
        std::os::unix::fs::symlink(private.path(), &link).unwrap();
        let s = storage_permissions_with(&Probe::with_root(root.path()), &link);
        let s = s.value().unwrap();
        assert!(s.symlink && s.directory);
        assert_eq!(s.mode, 0o700);

        // Another uid in the status file: not owned by the current user.
        let other = fixture(&[(
            "/proc/self/status",
            format!("Uid:\t{0}\t{0}\t{0}\t{0}\n", uid.wrapping_add(1)).as_bytes(),
        )]);
        let s = storage_permissions_with(&Probe::with_root(other.path()), private.path());
        assert_eq!(
            s.value().unwrap().owned_by_current_user.value(),
            Some(&false)
        );

        // Unknown uid: ownership unknown, the rest known.
        let s = storage_permissions_with(&Probe::with_root(private.path()), open.path());
        assert!(!s.value().unwrap().owned_by_current_user.is_known());

        // Missing directory: unknown, and the reason does not name the path.
        let s = storage_permissions_with(&Probe::with_root(root.path()), &root.path().join("nope"));
        assert!(!s.unknown_reason().unwrap().contains("nope"));
    }

    #[test]
    fn real_system_gather_does_not_panic() {
        let e = RuntimeEvidence::gather();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["os"], std::env::consts::OS);
        if cfg!(target_os = "linux") {
            // /proc/self/status exists on every Linux.
            assert!(e.seccomp.is_known());
        }
    }
}
