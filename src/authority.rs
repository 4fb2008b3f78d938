//! `agilis authority init|enroll-edge|enroll-vehicle|revoke|trace|status`:
//! the road trust authority of vehicle-to-edge handover, in a directory
//! (layout in `agilis_negotiate::v2x::dirs`).

use std::path::PathBuf;

use agilis_negotiate::now_ms;
use agilis_negotiate::pki::DAY_MS;
use agilis_negotiate::v2x::dirs::{AuthorityDir, Holder, batch_on_grid};
use agilis_suites::registry;
use clap::{Args, Subcommand};

use crate::anchor::failure;
use crate::{CliResult, Failure};

const HOUR_MS: u64 = 3_600_000;

#[derive(Subcommand)]
pub enum AuthorityCommand {
    /// Create an authority: DIR/authority.key, DIR/authority.db, and DIR/public/ (public key + signed
    /// revocation list) for edges and vehicles.
    Init {
        #[command(flatten)]
        dir: DirArg,
        /// Authority name (1-64 of A-Z a-z 0-9 . - _).
        #[arg(long, default_value = "road-authority")]
        name: String,
    },
    /// Enroll an edge server: fresh keys and a signed warrant in an edge directory
    /// (edge.keys, edge.warrant, trust/), for `agilis edge serve --dir`.
    EnrollEdge {
        #[command(flatten)]
        dir: DirArg,
        /// The edge's name (1-64 of A-Z a-z 0-9 . - _).
        #[arg(long)]
        name: String,
        /// Applications the edge may serve, comma-separated (e.g. video,telemetry).
        #[arg(long, value_delimiter = ',', required = true)]
        apps: Vec<String>,
        /// Edge directory to write.
        #[arg(long)]
        out: PathBuf,
        /// Validity of the warrant in days.
        #[arg(long, default_value_t = 365)]
        days: u64,
    },
    /// Enroll a vehicle: a batch of short-lived pseudonym credentials, each with its own key and an
    /// escrow of the vehicle's identity only this authority can open, in a vehicle directory.
    EnrollVehicle {
        #[command(flatten)]
        dir: DirArg,
        /// The vehicle's real identity (e.g. its VIN): 1-64 printable characters, no spaces.
        /// Never sent in clear; edges never learn it.
        #[arg(long)]
        identity: String,
        /// Applications the pseudonyms may use, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        apps: Vec<String>,
        /// Vehicle directory to write (pseudonyms are added to any already there).
        #[arg(long)]
        out: PathBuf,
        /// Pseudonyms in the batch (one per handover keeps handovers unlinkable).
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Lifetime of the pseudonyms in hours, from the start of this hour (a grid every vehicle
        /// shares, so validity windows link nothing). All are valid at once: the vehicle uses a fresh
        /// one for every handover.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
    /// Revoke a vehicle (its whole batch of pseudonyms) or an edge, and publish a new signed
    /// revocation list in DIR/public/.
    Revoke {
        #[command(flatten)]
        dir: DirArg,
        /// The vehicle identity to revoke.
        #[arg(long, conflicts_with = "edge", required_unless_present = "edge")]
        vehicle: Option<String>,
        /// The edge name to revoke.
        #[arg(long)]
        edge: Option<String>,
    },
    /// Open the identity escrow of a disputed handover: the pseudonym credential an edge logged
    /// (EDGE/handovers/*.cred). Prints the vehicle's identity.
    Trace {
        #[command(flatten)]
        dir: DirArg,
        /// The logged credential file.
        #[arg(long)]
        credential: PathBuf,
    },
    /// Show the authority, its revocation list and what it issued; --refresh re-signs the list.
    Status {
        #[command(flatten)]
        dir: DirArg,
        /// Sign a fresh revocation list (same revocations, new 7-day validity).
        #[arg(long)]
        refresh: bool,
    },
}

#[derive(Args)]
pub struct DirArg {
    /// The authority directory.
    #[arg(long)]
    dir: PathBuf,
}

fn open(dir: &DirArg) -> Result<AuthorityDir, Failure> {
    AuthorityDir::open(&dir.dir).map_err(failure)
}

fn alg_name(cp: u16) -> &'static str {
    registry::by_codepoint(cp).map(|a| a.name).unwrap_or("?")
}

pub fn run(c: AuthorityCommand) -> CliResult {
    let now = now_ms();
    match c {
        AuthorityCommand::Init { dir, name } => {
            let a = AuthorityDir::init(&dir.dir, &name, now).map_err(failure)?;
            let p = a.authority().public();
            println!(
                "authority `{name}` created in {} (signature {}, escrow KEM {})",
                dir.dir.display(),
                alg_name(p.sig_alg),
                alg_name(p.escrow_kem)
            );
            println!(
                "edges and vehicles trust {} (copied into their directories at enrollment)",
                a.public_dir().display()
            );
        }
        AuthorityCommand::EnrollEdge {
            dir,
            name,
            apps,
            out,
            days,
        } => {
            let a = open(&dir)?;
            let apps: Vec<&str> = apps.iter().map(String::as_str).collect();
            let w = a
                .enroll_edge(&name, &apps, days.saturating_mul(DAY_MS), now, &out)
                .map_err(failure)?;
            println!(
                "enrolled edge `{name}` (warrant serial {:016x}, apps {}, signature {}, KEM {}) in {}",
                w.serial,
                w.applications.join(","),
                alg_name(w.sig_alg),
                alg_name(w.kem),
                out.display()
            );
            println!(
                "serve it with: agilis edge serve --dir {} --listen ADDR",
                out.display()
            );
        }
        AuthorityCommand::EnrollVehicle {
            dir,
            identity,
            apps,
            out,
            count,
            hours,
        } => {
            if count == 0 || count > 1000 {
                return Err(Failure::BadInput(
                    "--count: issue 1 to 1000 pseudonyms per batch".into(),
                ));
            }
            if hours == 0 {
                return Err(Failure::BadInput("--hours: at least 1".into()));
            }
            let a = open(&dir)?;
            let apps: Vec<&str> = apps.iter().map(String::as_str).collect();
            let batch = batch_on_grid(count, &apps, now, hours);
            eprintln!("issuing {count} pseudonym credentials …");
            let keys = a.enroll_vehicle(&identity, &batch, &out).map_err(failure)?;
            let last = keys.last().map(|k| k.credential.not_after).unwrap_or(now);
            println!(
                "enrolled vehicle `{identity}`: {} pseudonyms ({}), valid until {} h from now, in {}",
                keys.len(),
                alg_name(batch.sig_alg),
                (last.saturating_sub(now)) / HOUR_MS,
                out.display()
            );
        }
        AuthorityCommand::Revoke { dir, vehicle, edge } => {
            let a = open(&dir)?;
            let (holder, name) = match (vehicle, edge) {
                (Some(v), _) => (Holder::Vehicle, v),
                (None, Some(e)) => (Holder::Edge, e),
                (None, None) => {
                    return Err(Failure::BadInput("name --vehicle or --edge".into()));
                }
            };
            let (list, added) = a.revoke(holder, &name, now).map_err(failure)?;
            println!(
                "revoked `{name}` ({added} serial{} added); revocation list #{} ({} serials) published in {}",
                if added == 1 { "" } else { "s" },
                list.number,
                list.revoked.len(),
                a.public_dir().display()
            );
            println!(
                "edges pick it up from the file they were started with (--revocations); give it to vehicles too"
            );
        }
        AuthorityCommand::Trace { dir, credential } => {
            let a = open(&dir)?;
            let bytes = std::fs::read(&credential).map_err(|e| {
                Failure::BadInput(format!("--credential {}: {e}", credential.display()))
            })?;
            let identity = a.trace(&bytes).map_err(|e| {
                Failure::Rejected(format!(
                    "cannot trace {}: {e} (only credentials this authority issued can be opened)",
                    credential.display()
                ))
            })?;
            println!("{identity}");
        }
        AuthorityCommand::Status { dir, refresh } => {
            let a = open(&dir)?;
            if refresh {
                a.refresh(now).map_err(failure)?;
            }
            let p = a.authority().public();
            let list = a.revocation_list().map_err(failure)?;
            println!(
                "authority `{}` (signature {}, escrow KEM {}), key id {}",
                p.name,
                alg_name(p.sig_alg),
                alg_name(p.escrow_kem),
                hex::encode(p.key_id())
            );
            let state = if now > list.next_update {
                "EXPIRED: run with --refresh"
            } else {
                "current"
            };
            println!(
                "revocation list #{}: {} serials, {state}",
                list.number,
                list.revoked.len()
            );
            let issued = a.issued().map_err(failure)?;
            let mut names: Vec<(Holder, &str)> = Vec::new();
            for i in &issued {
                if !names.contains(&(i.holder, i.name.as_str())) {
                    names.push((i.holder, i.name.as_str()));
                }
            }
            for (holder, name) in names {
                let mine: Vec<_> = issued
                    .iter()
                    .filter(|i| i.holder == holder && i.name == name)
                    .collect();
                let revoked = mine.iter().any(|i| i.revoked);
                let valid = mine
                    .iter()
                    .filter(|i| !i.revoked && now <= i.not_after)
                    .count();
                let kind = holder.as_str();
                let state = if revoked { "revoked" } else { "valid" };
                println!(
                    "  {kind:<7} {name:<24} {} serial{}, {valid} valid now, {state}",
                    mine.len(),
                    if mine.len() == 1 { "" } else { "s" }
                );
            }
        }
    }
    Ok(())
}
