//! File helpers shared by the key file and the audit log.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` atomically: a temporary file beside it (mode 0600), fsync,
/// rename over `path`, fsync of the directory so the rename itself is durable. On error,
/// returns the file that failed with the error.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), (PathBuf, std::io::Error)> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(|e| (tmp.clone(), e))?;
    file.write_all(bytes).map_err(|e| (tmp.clone(), e))?;
    file.sync_all().map_err(|e| (tmp.clone(), e))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| (path.to_owned(), e))?;
    if let Some(dir) = path.parent().and_then(|d| std::fs::File::open(d).ok()) {
        // Best effort: some platforms cannot fsync a directory.
        let _ = dir.sync_all();
    }
    Ok(())
}
