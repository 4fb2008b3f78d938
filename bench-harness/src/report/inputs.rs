//! What one report is made from: the run's description (date, commit,
//! machine, tools, stages) and the figures each stage produced. The
//! rendering (markdown, plots, JSON) is a pure function of this.

use serde::Serialize;
use serde_json::Value;

use super::criterion::Median;

/// The machine the run measured on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Machine {
    /// `model name` of /proc/cpuinfo.
    pub cpu: String,
    /// Logical CPUs the OS offers.
    pub cores: usize,
    /// Whether /proc/cpuinfo flags a hypervisor.
    pub virtualized: bool,
    pub memory_gib: Option<f64>,
    pub kernel: Option<String>,
    /// The instruction-set features that matter to the crypto code (AES-NI, AVX2, ...).
    pub crypto_flags: Vec<String>,
}

impl Machine {
    /// One line, e.g. "2 vCPUs of Intel Xeon ... (virtualized; aes avx2), 24 GiB, Linux 6.18".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} {}{} of {}",
            self.cores,
            if self.virtualized { "vCPU" } else { "CPU" },
            if self.cores == 1 { "" } else { "s" },
            if self.cpu.is_empty() {
                "an unknown CPU"
            } else {
                &self.cpu
            }
        );
        let mut notes = Vec::new();
        if self.virtualized {
            notes.push("virtualized".to_string());
        }
        if !self.crypto_flags.is_empty() {
            notes.push(self.crypto_flags.join(" "));
        }
        if !notes.is_empty() {
            s += &format!(" ({})", notes.join("; "));
        }
        if let Some(m) = self.memory_gib {
            s += &format!(", {m:.0} GiB");
        }
        if let Some(k) = &self.kernel {
            s += &format!(", Linux {k}");
        }
        s
    }
}

/// How one stage of the run ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "note", rename_all = "snake_case")]
pub enum Outcome {
    /// Measured in this run.
    Ran,
    /// Read from stored results (the FPGA figures by default), and from where.
    Stored(String),
    /// Not run: a tool is missing or the stage was not selected; why.
    Skipped(String),
    /// Ran and failed; the error.
    Failed(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    /// host, handshake, handover, avr, cortex-m, fpga.
    pub name: String,
    /// What it ran, e.g. the command line.
    pub what: String,
    pub outcome: Outcome,
    pub seconds: f64,
}

/// The run as a whole.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The command that produced the report.
    pub command: String,
    /// YYYY-MM-DD HH:MM UTC.
    pub date_utc: String,
    pub unix_time: u64,
    /// `git rev-parse HEAD`, with "+dirty" when the tree had changes.
    pub git_commit: String,
    pub machine: Machine,
    /// Tool name to its version line (None: not installed).
    pub tools: std::collections::BTreeMap<String, Option<String>>,
    pub quick: bool,
    /// The criterion options every host benchmark ran with.
    pub criterion_args: Vec<String>,
    pub stages: Vec<Stage>,
}

impl Meta {
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }
}

/// The FPGA figures and where they came from.
#[derive(Debug, Clone, Serialize)]
pub struct FpgaSource {
    /// bench-harness/results/fpga.json as written by `bench-harness fpga`.
    pub json: Value,
    /// Its path, relative to the repository root.
    pub path: String,
    /// True when this run reran synthesis (`report --fpga`).
    pub rerun: bool,
    /// The commit the figures belong to: the one fpga.json records, else the
    /// last commit that changed the file.
    pub commit: Option<String>,
}

/// Everything a report is built from. `None`: the stage produced nothing.
#[derive(Debug, Clone, Serialize)]
pub struct Inputs {
    pub meta: Meta,
    /// Every criterion median of the host benches (kem, sig, aead).
    pub host: Option<Vec<Median>>,
    /// The `handshake/<suite>/<role>` medians of agilis-negotiate's bench.
    pub handshake: Option<Vec<Median>>,
    /// The handover measurement of this run (`bench-harness handover`'s
    /// figures, in the shape of bench-harness/results/handover.json).
    pub handover: Option<Value>,
    /// bench-harness/results/avr.json of this run.
    pub avr: Option<Value>,
    /// bench-harness/results/cortex-m4.json of this run.
    pub cortex_m: Option<Value>,
    pub fpga: Option<FpgaSource>,
    /// bench-harness/results/offload.json as `bench-harness offload` stored
    /// it (read, not rerun: the simulated card takes minutes).
    pub offload: Option<Value>,
}
