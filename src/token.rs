//! `agilis token issue|verify`: tokens for network functions, bound to one
//! anchor-to-anchor session (its session binding, printed by `agilis anchor`).

use std::path::PathBuf;

use agilis_negotiate::cert::Certificate;
use agilis_negotiate::now_ms;
use agilis_negotiate::pki::Identity;
use agilis_negotiate::token::Token;
use agilis_negotiate::trust::{LocalTrust, TrustBackend};
use clap::Subcommand;

use crate::anchor::failure;
use crate::input::{Input, hex_arg};
use crate::{CliResult, Failure};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a token to a network function behind this anchor; hex on stdout.
    Issue {
        /// The issuing anchor's identity directory.
        #[arg(long)]
        identity: PathBuf,
        /// Session binding (hex, 32 bytes) of the anchor-to-anchor session the token is for.
        #[arg(long)]
        session: String,
        /// The network function's name.
        #[arg(long)]
        subject: String,
        /// What the token allows.
        #[arg(long, default_value = "default")]
        scope: String,
        /// Lifetime in seconds (at most 3600).
        #[arg(long, default_value_t = 600)]
        ttl: u64,
    },
    /// Verify a token presented over a session with the issuing anchor. Exit 0 if valid, 1 if not.
    Verify {
        /// The token: hex, or @FILE.
        #[arg(long)]
        token: Input,
        /// The session peer's certificate (the issuing anchor's), as authenticated by the handshake.
        #[arg(long)]
        issuer_cert: PathBuf,
        /// Session binding (hex, 32 bytes) of the session the token was presented over.
        #[arg(long)]
        session: String,
        /// Also check the issuer certificate against this trust directory.
        #[arg(long)]
        trust: Option<PathBuf>,
    },
}

fn binding(s: &str) -> Result<[u8; 32], Failure> {
    hex_arg("--session", s)?.try_into().map_err(|_| {
        Failure::BadInput("--session: a session binding is 32 bytes (64 hex digits)".into())
    })
}

pub fn run(c: TokenCommand) -> CliResult {
    let now = now_ms();
    match c {
        TokenCommand::Issue {
            identity,
            session,
            subject,
            scope,
            ttl,
        } => {
            let id = Identity::load(&identity).map_err(failure)?;
            let t = Token::issue(
                &id,
                &subject,
                &scope,
                binding(&session)?,
                now,
                ttl.saturating_mul(1000),
            )
            .map_err(failure)?;
            println!("{}", hex::encode(t.encode()));
        }
        TokenCommand::Verify {
            token,
            issuer_cert,
            session,
            trust,
        } => {
            let bytes = token.read("--token")?;
            let bytes = match std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| hex::decode(s.trim()).ok())
            {
                Some(b) => b,
                None => bytes,
            };
            let cert = std::fs::read(&issuer_cert)
                .map_err(|e| {
                    Failure::BadInput(format!("--issuer-cert {}: {e}", issuer_cert.display()))
                })
                .and_then(|b| Certificate::decode(&b).map_err(failure))?;
            if let Some(dir) = trust {
                let t = LocalTrust::load_dir(&dir).map_err(failure)?;
                t.validate(&cert, now)
                    .map_err(|e| Failure::Rejected(format!("issuer certificate: {e}")))?;
            }
            let t = Token::verify(&bytes, &cert, &binding(&session)?, now).map_err(failure)?;
            println!(
                "token valid: subject `{}`, scope `{}`, issued by `{}`, expires in {} s",
                t.subject,
                t.scope,
                t.issuer_subnet,
                t.expires_at.saturating_sub(now) / 1000
            );
        }
    }
    Ok(())
}
