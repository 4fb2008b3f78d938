//! `agilis ca init|issue|revoke|status`: a domain CA in a directory
//! (layout in `agilis_negotiate::pki`). Certificates use agilis's compact
//! encoding (docs/certificates.md).

use std::path::PathBuf;

use agilis_negotiate::now_ms;
use agilis_negotiate::pki::{CaDir, DAY_MS, anchor_capabilities};
use agilis_suites::{Kind, registry};
use clap::{Args, Subcommand};

use crate::anchor::failure;
use crate::{CliResult, Failure, suite_of};

#[derive(Subcommand)]
pub enum CaCommand {
    /// Create a CA: DIR/ca.key, DIR/ca.cert, and DIR/trust/ (CA certificate + signed status list) for anchors.
    Init {
        #[command(flatten)]
        dir: CaDirArg,
        /// CA name (1-64 of A-Z a-z 0-9 . - _).
        #[arg(long, default_value = "agilis-ca")]
        name: String,
        /// Signature suite of the CA key (a composite, e.g. ml-dsa-65+ed25519).
        #[arg(long, default_value = "ml-dsa-65+ed25519")]
        sig: String,
        /// Validity in days.
        #[arg(long, default_value_t = 3650)]
        days: u64,
    },
    /// Issue an anchor certificate with a fresh key into an identity directory (anchor.cert, anchor.key).
    Issue {
        #[command(flatten)]
        dir: CaDirArg,
        /// The anchor's subnet identifier.
        #[arg(long)]
        subnet: String,
        /// Identity directory to write.
        #[arg(long)]
        out: PathBuf,
        /// Signature suite of the anchor key.
        #[arg(long, default_value = "ml-dsa-65+ed25519")]
        sig: String,
        /// Validity in days.
        #[arg(long, default_value_t = 365)]
        days: u64,
        /// Suites the anchor supports, comma-separated (default: every suite of the anchor profile).
        #[arg(long, value_delimiter = ',')]
        capabilities: Vec<String>,
    },
    /// Revoke a certificate by serial and publish a new signed status list.
    Revoke {
        #[command(flatten)]
        dir: CaDirArg,
        /// Serial of the certificate to revoke.
        #[arg(long)]
        serial: u64,
    },
    /// Show the CA, its status list and every issued certificate; --refresh re-signs the status list.
    Status {
        #[command(flatten)]
        dir: CaDirArg,
        /// Sign a fresh status list (same revocations, new 7-day validity).
        #[arg(long)]
        refresh: bool,
    },
}

#[derive(Args)]
pub struct CaDirArg {
    /// The CA directory.
    #[arg(long)]
    dir: PathBuf,
}

fn sig_cp(name: &str) -> Result<u16, Failure> {
    Ok(suite_of(name, Kind::Signature)?.codepoint)
}

pub fn run(c: CaCommand) -> CliResult {
    let now = now_ms();
    match c {
        CaCommand::Init {
            dir,
            name,
            sig,
            days,
        } => {
            let ca =
                CaDir::init(&dir.dir, &name, sig_cp(&sig)?, days * DAY_MS, now).map_err(failure)?;
            println!(
                "CA `{name}` created in {} (key id {})",
                dir.dir.display(),
                hex::encode(ca.certificate().key_id())
            );
            println!(
                "give anchors {} as their --trust directory",
                ca.trust_dir().display()
            );
        }
        CaCommand::Issue {
            dir,
            subnet,
            out,
            sig,
            days,
            capabilities,
        } => {
            let caps = if capabilities.is_empty() {
                anchor_capabilities()
            } else {
                capabilities
                    .iter()
                    .map(|n| {
                        registry::by_name(n).map(|a| a.codepoint).map_err(|_| {
                            Failure::BadInput(format!("--capabilities: unknown suite `{n}`"))
                        })
                    })
                    .collect::<Result<_, _>>()?
            };
            let ca = CaDir::open(&dir.dir).map_err(failure)?;
            let cert = ca
                .issue(&subnet, sig_cp(&sig)?, caps, days * DAY_MS, now, &out)
                .map_err(failure)?;
            println!(
                "issued serial {} to `{subnet}` in {}",
                cert.serial,
                out.display()
            );
        }
        CaCommand::Revoke { dir, serial } => {
            let ca = CaDir::open(&dir.dir).map_err(failure)?;
            let list = ca.revoke(serial, now).map_err(failure)?;
            println!(
                "revoked serial {serial}; status list #{} published in {}",
                list.number,
                ca.trust_dir().display()
            );
        }
        CaCommand::Status { dir, refresh } => {
            let ca = CaDir::open(&dir.dir).map_err(failure)?;
            if refresh {
                ca.refresh_status(now).map_err(failure)?;
            }
            let cert = ca.certificate();
            let list = ca.status_list().map_err(failure)?;
            let alg = registry::by_codepoint(cert.key_alg)
                .map(|a| a.name)
                .unwrap_or("?");
            println!(
                "CA `{}` ({alg}), key id {}",
                cert.subnet,
                hex::encode(cert.key_id())
            );
            let state = if now > list.next_update {
                "EXPIRED"
            } else {
                "current"
            };
            println!(
                "status list #{}: {} revoked, {state} (next update in {} h)",
                list.number,
                list.revoked.len(),
                (list.next_update as i64 - now as i64) / 3_600_000
            );
            for r in ca.records().map_err(failure)? {
                let state = if r.revoked {
                    "revoked"
                } else if now > r.not_after {
                    "expired"
                } else {
                    "valid"
                };
                println!("  serial {:>4}  {:<24} {state}", r.serial, r.subnet);
            }
        }
    }
    Ok(())
}
