//! What the bench-harness tests that run external EDA tools share: the
//! repository root, and the rule for a missing tool (a notice and a skip on
//! a developer's machine, a failure under `CI=true`, so CI never skips).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// True when `tool version_arg` runs. Otherwise prints why `test` is
/// skipped and returns false, or panics under `CI=true`.
pub fn tool_or_skip(tool: &str, version_arg: &str, test: &str) -> bool {
    if Command::new(tool)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    assert!(
        !ci(),
        "{test}: {tool} is not on PATH; under CI=true this test must run (apt-get install {tool})"
    );
    eprintln!("NOTICE: skipping {test}: {tool} is not on PATH (apt-get install {tool})");
    false
}
