//! Approval channels: how the principal is asked.
//!
//! A channel only carries the question and the answer. The gate enforces the timeout and
//! binds the answer to the request, so a channel that hangs, fails or answers late produces a
//! denial whatever it does.

use std::fmt::Write as _;
use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use crate::approval::ApprovalRequest;
use crate::policy::ChannelKind;

/// A boxed, sendable future (what [`ApprovalChannel::ask`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The principal's reply as a channel reports it. The gate binds it to the request it asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelAnswer {
    /// Approve (true) or deny (false).
    pub approve: bool,
    /// Who answered (a name, an account, "terminal"), for the audit trail.
    pub principal: String,
}

/// A channel could not deliver the question or the answer. The gate denies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The channel cannot reach a human here (no terminal, no server).
    #[error("approval channel unavailable: {0}")]
    Unavailable(String),
    /// The question could not be delivered.
    #[error("approval request not delivered: {0}")]
    Delivery(String),
    /// The channel stopped before an answer came.
    #[error("approval channel closed before answering")]
    Closed,
}

/// Whether a channel can reach a person right now (for the health report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelStatus {
    /// A person answers on this channel (not a script or a fixed rule).
    pub human: bool,
    /// The channel can deliver a question now.
    pub live: bool,
    /// A short description.
    pub detail: String,
}

/// A way to ask the principal.
pub trait ApprovalChannel: Send + Sync + std::fmt::Debug {
    /// Which kind of channel this is; the gate refuses a channel that is not the kind the
    /// policy names.
    fn kind(&self) -> ChannelKind;

    /// Whether a person can answer now.
    fn status(&self) -> ChannelStatus;

    /// Asks the principal about `request`. Cancelled (dropped) at the gate's timeout.
    fn ask<'a>(
        &'a self,
        request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>>;
}

impl<C: ApprovalChannel + ?Sized> ApprovalChannel for Arc<C> {
    fn kind(&self) -> ChannelKind {
        (**self).kind()
    }
    fn status(&self) -> ChannelStatus {
        (**self).status()
    }
    fn ask<'a>(
        &'a self,
        request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>> {
        (**self).ask(request)
    }
}

/// Denies everything, at once. The channel of a policy whose `channel = "deny"`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysDeny;

impl ApprovalChannel for AlwaysDeny {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Deny
    }
    fn status(&self) -> ChannelStatus {
        ChannelStatus {
            human: false,
            live: true,
            detail: "every approval is denied".into(),
        }
    }
    fn ask<'a>(
        &'a self,
        _request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>> {
        Box::pin(async {
            Ok(ChannelAnswer {
                approve: false,
                principal: "always-deny".into(),
            })
        })
    }
}

type AsyncAsk = dyn Fn(ApprovalRequest) -> BoxFuture<'static, Result<ChannelAnswer, ChannelError>>
    + Send
    + Sync;

/// A channel implemented by the embedding application: a UI, a chat bot, a test script.
pub struct CallbackChannel {
    ask: Arc<AsyncAsk>,
    human: bool,
}

impl CallbackChannel {
    /// A channel that calls `f` (synchronously; keep it quick or use
    /// [`CallbackChannel::from_async`]).
    pub fn from_fn<F>(f: F) -> Self
    where
        F: Fn(&ApprovalRequest) -> Result<ChannelAnswer, ChannelError> + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        CallbackChannel {
            ask: Arc::new(move |request: ApprovalRequest| {
                let f = Arc::clone(&f);
                Box::pin(async move { f(&request) })
            }),
            human: true,
        }
    }

    /// A channel that awaits the future `f` returns.
    pub fn from_async<F>(f: F) -> Self
    where
        F: Fn(ApprovalRequest) -> BoxFuture<'static, Result<ChannelAnswer, ChannelError>>
            + Send
            + Sync
            + 'static,
    {
        CallbackChannel {
            ask: Arc::new(f),
            human: true,
        }
    }

    /// Marks the callback as automated (a script, not a person): the health report then shows
    /// that no human can answer.
    #[must_use]
    pub fn automated(mut self) -> Self {
        self.human = false;
        self
    }
}

impl std::fmt::Debug for CallbackChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackChannel")
            .field("human", &self.human)
            .finish_non_exhaustive()
    }
}

impl ApprovalChannel for CallbackChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Callback
    }
    fn status(&self) -> ChannelStatus {
        ChannelStatus {
            human: self.human,
            live: true,
            detail: if self.human {
                "application callback".into()
            } else {
                "automated callback (no person answers)".into()
            },
        }
    }
    fn ask<'a>(
        &'a self,
        request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>> {
        (self.ask)(request.clone())
    }
}

/// Asks on the controlling terminal (`/dev/tty`), never on standard input, which may carry
/// a protocol stream (MCP over stdio). No terminal → the channel is unavailable → denial.
///
/// Answers: `approve` or `yes` approves; anything else, an empty line or end of input denies.
/// The read runs on a detached thread, so a timed-out question never blocks shutdown. Such a
/// thread keeps reading until the next line is typed; that line then answers nothing (its
/// request is already denied), so a person who answers late simply answers again.
#[derive(Debug, Clone)]
pub struct TerminalChannel {
    path: PathBuf,
}

impl Default for TerminalChannel {
    fn default() -> Self {
        TerminalChannel {
            path: PathBuf::from("/dev/tty"),
        }
    }
}

impl TerminalChannel {
    /// The controlling terminal, `/dev/tty`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Another terminal device (a pseudo-terminal in tests, say).
    pub fn with_device(path: impl Into<PathBuf>) -> Self {
        TerminalChannel { path: path.into() }
    }

    fn open(&self) -> std::io::Result<std::fs::File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
    }
}

impl ApprovalChannel for TerminalChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Terminal
    }
    fn status(&self) -> ChannelStatus {
        let live = self.open().is_ok();
        ChannelStatus {
            human: true,
            live,
            detail: if live {
                format!("terminal {}", self.path.display())
            } else {
                format!("no terminal at {}", self.path.display())
            },
        }
    }
    fn ask<'a>(
        &'a self,
        request: &'a ApprovalRequest,
    ) -> BoxFuture<'a, Result<ChannelAnswer, ChannelError>> {
        let prompt = render_request(request);
        let opened = self.open();
        Box::pin(async move {
            let tty = opened.map_err(|e| ChannelError::Unavailable(format!("no terminal: {e}")))?;
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("sanctuary-approval-tty".into())
                .spawn(move || {
                    let _ = tx.send(ask_on_terminal(tty, &prompt));
                })
                .map_err(|e| ChannelError::Unavailable(e.to_string()))?;
            rx.await.map_err(|_| ChannelError::Closed)?
        })
    }
}

fn ask_on_terminal(tty: std::fs::File, prompt: &str) -> Result<ChannelAnswer, ChannelError> {
    let mut out = tty
        .try_clone()
        .map_err(|e| ChannelError::Unavailable(e.to_string()))?;
    out.write_all(prompt.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| ChannelError::Delivery(e.to_string()))?;
    let mut line = String::new();
    BufReader::new(tty)
        .take_line(&mut line)
        .map_err(|e| ChannelError::Delivery(e.to_string()))?;
    Ok(ChannelAnswer {
        approve: parse_terminal_answer(&line),
        principal: "terminal".into(),
    })
}

trait TakeLine {
    fn take_line(self, line: &mut String) -> std::io::Result<usize>;
}

impl<R: BufRead> TakeLine for R {
    fn take_line(self, line: &mut String) -> std::io::Result<usize> {
        // At most 256 bytes: an answer is one word.
        std::io::Read::take(self, 256).read_line(line)
    }
}

/// Whether a typed answer approves: `approve` or `yes` (case-insensitive, trimmed).
pub fn parse_terminal_answer(line: &str) -> bool {
    let word = line.trim().to_ascii_lowercase();
    word == "approve" || word == "yes"
}

/// The text shown to the principal: operation, tier, reasons, masked arguments, expiry.
/// Control characters in any shown value are replaced, so a crafted argument cannot move the
/// cursor or fake a line of the prompt.
pub fn render_request(request: &ApprovalRequest) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_control() { '·' } else { c })
            .collect()
    };
    let field = |name: &str| {
        request
            .operation
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(clean)
    };
    let tier = match request.tier {
        crate::tiers::Tier::One => "tier 1 (always asks)",
        crate::tiers::Tier::Two => "tier 2 (unusual behaviour)",
        crate::tiers::Tier::Three => "tier 3",
    };
    let mut text = String::new();
    let _ = writeln!(text, "\n=== Sanctuary: approval needed ===");
    let _ = writeln!(
        text,
        "operation : {}",
        field("name").unwrap_or_else(|| "?".into())
    );
    let _ = writeln!(text, "tier      : {tier}");
    for (label, key) in [("namespace", "namespace"), ("with", "counterparty")] {
        if let Some(v) = field(key) {
            let _ = writeln!(text, "{label:<10}: {v}");
        }
    }
    if let (Some(amount), Some(currency)) = (field("amount"), field("currency")) {
        let _ = writeln!(text, "amount    : {amount} {currency}");
    }
    let _ = writeln!(text, "why       :");
    for reason in &request.reasons {
        let _ = writeln!(text, "  - {}", clean(&reason.to_string()));
    }
    let args = serde_json::to_string_pretty(&request.arguments_preview).unwrap_or_default();
    let _ = writeln!(text, "arguments :");
    for line in args.lines() {
        let _ = writeln!(text, "  {}", clean(line));
    }
    let _ = writeln!(text, "digest    : {}", request.operation_digest);
    let _ = writeln!(text, "expires   : {}", request.expires_at);
    let _ = write!(text, "Type 'approve' to allow, anything else denies: ");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_explicit_words_approve() {
        for yes in ["approve", "yes", " YES \n", "Approve\r\n"] {
            assert!(parse_terminal_answer(yes), "{yes:?}");
        }
        for no in ["", "\n", "y", "no", "approve please", "yes yes", "ye s"] {
            assert!(!parse_terminal_answer(no), "{no:?}");
        }
    }
}
