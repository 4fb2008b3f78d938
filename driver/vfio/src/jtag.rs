//! Loading a bitstream into the card's FPGA over JTAG with openFPGALoader
//! (Debian's `openfpgaloader` package), for `agilis card load`.
//!
//! The load goes to the FPGA's configuration RAM: it lasts until power is
//! removed (docs/lab-card.md). openFPGALoader runs as a child process with a
//! deadline; its progress is copied line by line to our stderr, and its
//! failures become [`JtagError`]s that say what to do.
//!
//! [`BOARDS`] names the boards agilis is built for and the part each one
//! carries, so that a bitstream for another part is refused before anything
//! runs (`agilis_driver::bitstream::check_part`). Debian's openFPGALoader
//! (0.10) has no `litefury` board entry, so the cable is named (`-c`), never
//! the board.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A board the card runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Board {
    /// the name `--board` takes
    pub name: &'static str,
    /// its FPGA, device and package as Vivado writes them into a `.bit` header
    pub part: &'static str,
    /// what it is
    pub description: &'static str,
}

/// The boards of docs/lab-card.md.
pub const BOARDS: &[Board] = &[
    Board {
        name: "litefury",
        // hdl/board/litefury/board.tcl: xc7a100tfgg484-2 (the -2L device)
        part: "xc7a100tfgg484",
        description: "RHS Research LiteFury (XC7A100T-L2FGG484E, M.2 PCIe Gen2 x4)",
    },
    Board {
        name: "nitefury",
        part: "xc7a200tfbg484",
        description: "RHS Research NiteFury (XC7A200T-FBG484, same board, larger FPGA)",
    },
];

/// The board `--board` defaults to.
pub const DEFAULT_BOARD: &str = "litefury";

/// The JTAG cable of docs/lab-card.md (`openFPGALoader --list-cables` lists others).
pub const DEFAULT_CABLE: &str = "digilent_hs2";

/// How long a load may take: an XC7A200T's 77 Mbit at a slow cable clock
/// takes well under a minute.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The board called `name` (case-insensitive).
pub fn board(name: &str) -> Option<&'static Board> {
    BOARDS.iter().find(|b| b.name.eq_ignore_ascii_case(name))
}

/// One run of openFPGALoader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JtagLoad {
    /// the program to run: `openFPGALoader`, found on PATH
    pub program: PathBuf,
    /// the JTAG cable (`-c`)
    pub cable: String,
    /// the `.bit` file
    pub bitstream: PathBuf,
    /// the deadline
    pub timeout: Duration,
}

impl JtagLoad {
    /// A load of `bitstream` through `cable` with the default program and deadline.
    pub fn new(bitstream: impl Into<PathBuf>, cable: &str) -> JtagLoad {
        JtagLoad {
            program: PathBuf::from("openFPGALoader"),
            cable: cable.to_owned(),
            bitstream: bitstream.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The arguments: the cable, then the file (written to SRAM, the default).
    pub fn args(&self) -> Vec<OsString> {
        vec![
            "-c".into(),
            self.cable.clone().into(),
            self.bitstream.clone().into_os_string(),
        ]
    }

    /// The command line, for messages.
    pub fn command_line(&self) -> String {
        let mut line = self.program.display().to_string();
        for arg in self.args() {
            line.push(' ');
            line.push_str(&arg.to_string_lossy());
        }
        line
    }

    /// Runs openFPGALoader, copying its output to `progress` line by line
    /// (openFPGALoader redraws its progress bar with `\r`: each redraw is a
    /// line here), and waits for it until the deadline.
    pub fn run(&self, progress: &mut (dyn Write + Send)) -> Result<(), JtagError> {
        let mut child = Command::new(&self.program)
            .args(self.args())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => JtagError::NotInstalled {
                    program: self.program.clone(),
                },
                _ => JtagError::Spawn {
                    program: self.program.clone(),
                    source: e,
                },
            })?;
        let transcript = Arc::new(Mutex::new(Transcript::default()));
        let readers: Vec<_> = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        .map(|stream| {
            let transcript = Arc::clone(&transcript);
            std::thread::spawn(move || copy_lines(stream, &transcript))
        })
        .collect();

        let start = Instant::now();
        let status = loop {
            flush(&transcript, progress);
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if start.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(JtagError::Timeout {
                        waited: start.elapsed(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(JtagError::Spawn {
                        program: self.program.clone(),
                        source: e,
                    });
                }
            }
        };
        for reader in readers {
            let _ = reader.join();
        }
        flush(&transcript, progress);
        let status = status?;
        if status.success() {
            return Ok(());
        }
        let lines = transcript.lock().map(|t| t.all.clone()).unwrap_or_default();
        Err(classify(&self.cable, status.code(), lines))
    }
}

/// Lines read from the child, and how many of them were shown.
#[derive(Default)]
struct Transcript {
    all: Vec<String>,
    shown: usize,
}

/// Reads `stream` to its end, splitting it into lines at `\n` and `\r`.
fn copy_lines(mut stream: Box<dyn Read + Send>, transcript: &Mutex<Transcript>) {
    let mut pending = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &byte in &chunk[..n] {
            if byte == b'\n' || byte == b'\r' {
                push_line(&mut pending, transcript);
            } else {
                pending.push(byte);
            }
        }
    }
    push_line(&mut pending, transcript);
}

fn push_line(pending: &mut Vec<u8>, transcript: &Mutex<Transcript>) {
    let line = String::from_utf8_lossy(pending).trim().to_owned();
    pending.clear();
    if !line.is_empty()
        && let Ok(mut t) = transcript.lock()
    {
        t.all.push(line);
    }
}

/// Writes the lines not shown yet.
fn flush(transcript: &Mutex<Transcript>, progress: &mut (dyn Write + Send)) {
    if let Ok(mut t) = transcript.lock() {
        for line in &t.all[t.shown..] {
            let _ = writeln!(progress, "  openFPGALoader: {line}");
        }
        t.shown = t.all.len();
    }
}

/// Turns a failed run into the error that says what to do.
fn classify(cable: &str, code: Option<i32>, lines: Vec<String>) -> JtagError {
    let text = lines.join("\n").to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if has(&[
        &format!("{} not found", cable.to_lowercase()),
        "cable not found",
    ]) {
        JtagError::UnknownCable {
            cable: cable.to_owned(),
        }
    } else if has(&[
        "unable to open ftdi device",
        "jtag init failed",
        "no cable",
        "libusb_open",
        "usb_open",
    ]) {
        JtagError::NoCable {
            cable: cable.to_owned(),
        }
    } else if has(&[
        "no device found",
        "found 0 devices",
        "unknown device",
        "idcode",
        "nothing found",
    ]) {
        JtagError::NoDevice {
            cable: cable.to_owned(),
        }
    } else {
        JtagError::Failed { code, lines }
    }
}

/// What went wrong loading over JTAG.
#[derive(Debug)]
#[non_exhaustive]
pub enum JtagError {
    /// openFPGALoader is not on PATH.
    NotInstalled {
        /// the program looked for
        program: PathBuf,
    },
    /// It could not be started or waited for.
    Spawn {
        /// the program
        program: PathBuf,
        /// what the OS said
        source: io::Error,
    },
    /// It does not know the cable name.
    UnknownCable {
        /// the cable given
        cable: String,
    },
    /// The cable is not plugged in or not accessible.
    NoCable {
        /// the cable given
        cable: String,
    },
    /// The cable works but no FPGA answers on the JTAG chain.
    NoDevice {
        /// the cable given
        cable: String,
    },
    /// It did not finish before the deadline, and was killed.
    Timeout {
        /// how long it ran
        waited: Duration,
    },
    /// It failed for another reason.
    Failed {
        /// its exit status (None: killed by a signal)
        code: Option<i32>,
        /// everything it printed
        lines: Vec<String>,
    },
}

impl fmt::Display for JtagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JtagError::NotInstalled { program } => write!(
                f,
                "{} is not installed (or not on PATH): apt-get install openfpgaloader",
                program.display()
            ),
            JtagError::Spawn { program, source } => {
                write!(f, "could not run {}: {source}", program.display())
            }
            JtagError::UnknownCable { cable } => write!(
                f,
                "openFPGALoader does not know the cable `{cable}`: pick one from `openFPGALoader --list-cables` and pass it with --cable"
            ),
            JtagError::NoCable { cable } => write!(
                f,
                "no JTAG cable `{cable}` found: plug it in (check `lsusb`), make sure this user may open it \
(run as root, or install the udev rules of the openfpgaloader package), or pass your cable with --cable"
            ),
            JtagError::NoDevice { cable } => write!(
                f,
                "the cable `{cable}` found no FPGA on its JTAG chain: is the board powered, and the JTAG adapter board \
seated? Check with `openFPGALoader -c {cable} --detect`"
            ),
            JtagError::Timeout { waited } => write!(
                f,
                "openFPGALoader did not finish within {waited:.0?} and was stopped; check the cable and try again"
            ),
            JtagError::Failed { code, lines } => {
                match code {
                    Some(code) => write!(f, "openFPGALoader failed (exit status {code})")?,
                    None => write!(f, "openFPGALoader was killed by a signal")?,
                }
                match lines.last() {
                    Some(last) => write!(f, ": {last}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for JtagError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JtagError::Spawn { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "jtag_tests.rs"]
mod tests;
