//! Binary inputs (hex or @FILE) and outputs (hex on stdout, or files).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Args;

use crate::Failure;

/// A binary input given on the command line: hex, or `@FILE` for raw bytes.
#[derive(Clone, Debug)]
pub enum Input {
    /// Bytes decoded from hex.
    Hex(Vec<u8>),
    /// Raw bytes to read from a file.
    File(PathBuf),
}

impl FromStr for Input {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.strip_prefix('@') {
            Some("") => Err("`@` must be followed by a file name".into()),
            Some(path) => Ok(Input::File(PathBuf::from(path))),
            None => decode_hex(s).map(Input::Hex),
        }
    }
}

impl Input {
    /// The bytes; `flag` names the argument in error messages.
    pub fn read(self, flag: &str) -> Result<Vec<u8>, Failure> {
        match self {
            Input::Hex(b) => Ok(b),
            Input::File(p) => std::fs::read(&p).map_err(|e| {
                Failure::BadInput(format!("{flag}: cannot read {}: {e}", p.display()))
            }),
        }
    }
}

fn decode_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    hex::decode(s).map_err(|e| match e {
        hex::FromHexError::OddLength => format!("hex has an odd number of digits ({})", s.len()),
        hex::FromHexError::InvalidHexCharacter { c, index } => {
            format!("not hex: {c:?} at position {index} (give hex digits, or @FILE for a file)")
        }
        other => other.to_string(),
    })
}

/// Decodes a hex-valued flag, naming the flag on error.
pub fn hex_arg(flag: &str, value: &str) -> Result<Vec<u8>, Failure> {
    decode_hex(value).map_err(|e| Failure::BadInput(format!("{flag}: {e}")))
}

/// Where results go: hex lines on stdout, or raw bytes in files.
#[derive(Args, Debug)]
pub struct Output {
    /// Write raw bytes to FILE (and companions with suffixes) instead of hex to stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// With --out: overwrite existing files.
    #[arg(long, requires = "out")]
    force: bool,
}

/// One named result.
pub struct Part<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// appended to the --out path for this part
    pub suffix: &'a str,
    /// written with mode 0600
    pub secret: bool,
}

impl Output {
    /// Writes every part: `name: hex` lines on stdout, or `FILE+suffix` files.
    /// Files that exist are left alone unless --force (a key is never silently lost).
    pub fn write(&self, parts: &[Part<'_>]) -> Result<(), Failure> {
        let Some(base) = &self.out else {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for p in parts {
                if parts.len() == 1 {
                    writeln!(out, "{}", hex::encode(p.bytes))?;
                } else {
                    writeln!(out, "{}: {}", p.name, hex::encode(p.bytes))?;
                }
            }
            return Ok(());
        };
        let paths: Vec<PathBuf> = parts
            .iter()
            .map(|p| {
                let mut s = base.clone().into_os_string();
                s.push(p.suffix);
                PathBuf::from(s)
            })
            .collect();
        if let Some(existing) = paths.iter().find(|p| !self.force && p.exists()) {
            return Err(Failure::BadInput(format!(
                "{} exists; not overwriting it (choose another --out, or add --force)",
                existing.display()
            )));
        }
        for (p, path) in parts.iter().zip(&paths) {
            let mut opts = OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            if p.secret {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(path)
                .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
            f.write_all(p.bytes)?;
            eprintln!(
                "wrote {} ({} bytes) to {}",
                p.name,
                p.bytes.len(),
                path.display()
            );
        }
        Ok(())
    }

    /// A key pair: secret key at FILE, public key at FILE.pub.
    pub fn write_keypair(&self, public_key: &[u8], secret_key: &[u8]) -> Result<(), Failure> {
        self.write(&[
            Part {
                name: "public_key",
                bytes: public_key,
                suffix: ".pub",
                secret: false,
            },
            Part {
                name: "secret_key",
                bytes: secret_key,
                suffix: "",
                secret: true,
            },
        ])
    }
}
