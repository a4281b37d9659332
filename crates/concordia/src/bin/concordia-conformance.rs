//! `concordia-conformance DIR`: runs every Concordia conformance vector under `DIR` and prints
//! one line per vector and a final
//! `[SUMMARY] positive=N mutation=N canary=N ok=N fail=N`; exits 1 on any failure, 2 on a
//! usage or read error.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: concordia-conformance DIR");
        return ExitCode::from(2);
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = concordia::conformance::run_dir(std::path::Path::new(&dir), |line| {
        // A closed stdout (a pipe to `head`) must not abort the run.
        let _ignored = writeln!(out, "{line}");
    });
    match result {
        Ok(summary) => {
            let _ignored = writeln!(out, "{summary}");
            if summary.fail == 0 && summary.ok > 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("concordia-conformance: {e}");
            ExitCode::from(2)
        }
    }
}
