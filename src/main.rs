//! `agilis`: the command-line face of the agilis crates. A thin layer: every
//! command parses its arguments, calls `agilis-suites`, and prints.
//!
//! Exit status: 0 success; 1 authentication or verification failed; 2 bad
//! input (arguments, hex, lengths, unknown names); 3 anything else.

mod anchor;
mod authority;
mod ca;
mod card;
mod demo;
mod edge;
mod engine;
mod input;
mod policy;
mod table;
mod token;
mod vehicle;

use std::io::{Read, Write};
use std::process::ExitCode;

use agilis_suites::registry;
use agilis_suites::{Error, Kind, aead::AeadKey, kem, sig};
use clap::{Args, Parser, Subcommand};

use input::{Input, Output, Part};

#[derive(Parser)]
#[command(
    name = "agilis",
    version,
    about = "Post-quantum and lightweight crypto-agility toolkit for 6G links",
    long_about = "agilis keeps a registry of KEM, signature, AEAD and KDF suites drawn from two \
independent algorithm families, so that a session stays secure while either family holds.\n\n\
Binary inputs are given as hex, or as @FILE to read raw bytes from FILE.\n\
Exit status: 0 ok, 1 authentication/verification failed, 2 bad input, 3 other error.",
    after_help = "Start with `agilis demo` (an anchor session over loopback, then every suite) or `agilis suites`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the registry: name, code point, kind, families, category, sizes.
    Suites(SuitesArgs),
    /// Seal or open with an AEAD (raw bytes on stdin and stdout).
    #[command(subcommand)]
    Aead(AeadCommand),
    /// Generate keys, encapsulate or decapsulate with any registered KEM, hybrids included.
    #[command(subcommand)]
    Kem(KemCommand),
    /// Generate keys, sign or verify with any registered signature, composites included.
    #[command(subcommand)]
    Sign(SignCommand),
    /// The end-to-end demo: an anchor-to-anchor session over loopback, then a round trip through every suite.
    Demo(demo::DemoArgs),
    /// A domain CA: create it, issue and revoke anchor certificates, show its status list.
    #[command(subcommand)]
    Ca(ca::CaCommand),
    /// Tokens for network functions, bound to an anchor-to-anchor session.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Anchor-to-anchor sessions over TCP: stdin to the peer's stdout.
    #[command(subcommand)]
    Anchor(anchor::AnchorCommand),
    /// The road trust authority of vehicle-to-edge handover: enroll edges and vehicles, revoke, trace.
    #[command(subcommand)]
    Authority(authority::AuthorityCommand),
    /// An edge server that takes vehicles' handovers.
    #[command(subcommand)]
    Edge(edge::EdgeCommand),
    /// A vehicle: hand a live session over from one edge to another.
    #[command(subcommand)]
    Vehicle(vehicle::VehicleCommand),
    /// The FPGA card: probe, load a bitstream over JTAG, self-test every lane.
    #[command(subcommand)]
    Card(card::CardCommand),
}

#[derive(Args)]
struct SuitesArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    policy: policy::PolicyArgs,
}

#[derive(Args)]
struct AeadArgs {
    /// AEAD suite: ascon-aead128, aes-256-gcm or chacha20-poly1305.
    #[arg(long)]
    suite: String,
    /// Key, hex (16 bytes for ascon-aead128, 32 for the others).
    #[arg(long)]
    key: String,
    /// Nonce, hex (16 bytes for ascon-aead128, 12 for the others). Never reuse one under a key.
    #[arg(long)]
    nonce: String,
    /// Associated data, hex (authenticated, not encrypted).
    #[arg(long, default_value = "")]
    aad: String,
    #[command(flatten)]
    engine: engine::EngineArgs,
}

#[derive(Subcommand)]
enum AeadCommand {
    /// Read plaintext from stdin, write ciphertext‖tag to stdout.
    Seal(AeadArgs),
    /// Read ciphertext‖tag from stdin, write the plaintext to stdout only if the tag verifies.
    Open(AeadArgs),
}

#[derive(Subcommand)]
enum KemCommand {
    /// Generate a key pair. Hex to stdout, or --out FILE (secret key) and FILE.pub.
    Keygen {
        /// KEM suite (see `agilis suites`).
        #[arg(long)]
        suite: String,
        #[command(flatten)]
        out: Output,
    },
    /// Encapsulate to a public key. Hex to stdout, or --out FILE (ciphertext) and FILE.ss (shared secret).
    Encaps {
        /// KEM suite.
        #[arg(long)]
        suite: String,
        /// Public key: hex, or @FILE.
        #[arg(long)]
        pk: Input,
        #[command(flatten)]
        out: Output,
    },
    /// Decapsulate a ciphertext. Hex to stdout, or --out FILE (shared secret).
    Decaps {
        /// KEM suite.
        #[arg(long)]
        suite: String,
        /// Secret key: hex, or @FILE.
        #[arg(long)]
        sk: Input,
        /// Ciphertext: hex, or @FILE.
        #[arg(long)]
        ct: Input,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum SignCommand {
    /// Generate a key pair. Hex to stdout, or --out FILE (secret key) and FILE.pub.
    Keygen {
        /// Signature suite (see `agilis suites`).
        #[arg(long)]
        suite: String,
        #[command(flatten)]
        out: Output,
    },
    /// Sign a message (--msg, or stdin). Hex to stdout, or --out FILE.
    Sign {
        /// Signature suite.
        #[arg(long)]
        suite: String,
        /// Secret key: hex, or @FILE.
        #[arg(long)]
        sk: Input,
        /// Message: hex, or @FILE. Read from stdin when absent.
        #[arg(long)]
        msg: Option<Input>,
        #[command(flatten)]
        out: Output,
    },
    /// Verify a signature. Exit 0 if valid, 1 if not.
    Verify {
        /// Signature suite.
        #[arg(long)]
        suite: String,
        /// Public key: hex, or @FILE.
        #[arg(long)]
        pk: Input,
        /// Signature: hex, or @FILE.
        #[arg(long)]
        sig: Input,
        /// Message: hex, or @FILE. Read from stdin when absent.
        #[arg(long)]
        msg: Option<Input>,
    },
}

/// A failure, with the exit status it maps to.
#[derive(Debug)]
pub enum Failure {
    /// The input was wrong: exit 2.
    BadInput(String),
    /// Authentication or verification failed: exit 1.
    Rejected(String),
    /// Something else (I/O, RNG): exit 3.
    Other(String),
    /// The reader of our stdout went away (`agilis suites | head`): stop quietly.
    BrokenPipe,
}

impl Failure {
    /// What went wrong, without the exit status.
    pub fn message(&self) -> &str {
        match self {
            Failure::BadInput(m) | Failure::Rejected(m) | Failure::Other(m) => m,
            Failure::BrokenPipe => "the reader of our output went away",
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::AuthenticationFailed | Error::InvalidSignature => {
                Failure::Rejected(e.to_string())
            }
            Error::Rng => Failure::Other(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::BrokenPipe;
        }
        Failure::Other(format!("I/O error: {e}"))
    }
}

type CliResult = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Suites(a) => suites(a),
        Command::Aead(c) => aead(c),
        Command::Kem(c) => kem_cmd(c),
        Command::Sign(c) => sign_cmd(c),
        Command::Demo(a) => demo::run(a),
        Command::Ca(c) => ca::run(c),
        Command::Token(c) => token::run(c),
        Command::Anchor(c) => anchor::run(c),
        Command::Authority(c) => authority::run(c),
        Command::Edge(c) => edge::run(c),
        Command::Vehicle(c) => vehicle::run(c),
        Command::Card(c) => card::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let (code, msg) = match f {
                Failure::Rejected(m) => (1, m),
                Failure::BadInput(m) => (2, m),
                Failure::Other(m) => (3, m),
                Failure::BrokenPipe => return ExitCode::SUCCESS,
            };
            eprintln!("agilis: error: {msg}");
            ExitCode::from(code)
        }
    }
}

/// Looks a suite up by name and checks its kind, with a message listing the valid names.
fn suite_of(name: &str, kind: Kind) -> Result<&'static registry::Algorithm, Failure> {
    let names = || {
        registry::of_kind(kind)
            .map(|a| a.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match registry::by_name(name) {
        Ok(a) if a.kind == kind => Ok(a),
        Ok(a) => Err(Failure::BadInput(format!(
            "`{name}` is a {}, not a {kind}; {kind} suites: {}",
            a.kind,
            names()
        ))),
        Err(_) => Err(Failure::BadInput(format!(
            "unknown {kind} suite `{name}`; {kind} suites: {}",
            names()
        ))),
    }
}

fn suites(a: SuitesArgs) -> CliResult {
    let policy = a.policy.resolve()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.json {
        table::write_json(&mut out, &policy)?;
    } else {
        table::write_table(&mut out, &policy)?;
    }
    out.flush()?;
    Ok(())
}

fn aead(c: AeadCommand) -> CliResult {
    use agilis_driver::{Direction, Job};

    let (args, direction) = match c {
        AeadCommand::Seal(a) => (a, Direction::Seal),
        AeadCommand::Open(a) => (a, Direction::Open),
    };
    let alg = suite_of(&args.suite, Kind::Aead)?;
    let key = zeroize::Zeroizing::new(input::hex_arg("--key", &args.key)?);
    let nonce = input::hex_arg("--nonce", &args.nonce)?;
    let aad = input::hex_arg("--aad", &args.aad)?;
    // Check the key and nonce before any engine starts (a card or the
    // simulator takes a moment): bad input costs nothing.
    let nonce_len = AeadKey::new(alg.codepoint, &key)
        .map_err(|e| Failure::BadInput(format!("--key: {e}")))?
        .nonce_len();
    if nonce.len() != nonce_len {
        return Err(Failure::BadInput(format!(
            "--nonce: {} takes a {nonce_len}-byte nonce, found {} bytes",
            alg.name,
            nonce.len()
        )));
    }
    let engine = args.engine.open(alg.codepoint, alg.name)?;
    let loaded = agilis_driver::LoadedKey::load(&engine, alg.codepoint, &key)
        .map_err(|e| engine_failure(&*engine, e))?;
    let mut data = Vec::new();
    std::io::stdin().lock().read_to_end(&mut data)?;
    let result = engine.process(&mut [Job {
        key: loaded.handle(),
        direction,
        nonce: &nonce,
        aad: &aad,
        buffer: &mut data,
    }]);
    drop(loaded); // the key leaves the engine (a card's slot is cleared) before any output
    match result.into_iter().next() {
        Some(Ok(())) => {}
        Some(Err(e)) => return Err(engine_failure(&*engine, e)),
        None => return Err(Failure::Other("the engine returned no result".into())),
    }
    // Only now, with the tag verified, does anything reach stdout.
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(&data)?;
    lock.flush()?;
    Ok(())
}

/// An engine's error as the CLI reports it.
fn engine_failure(engine: &dyn agilis_driver::Engine, e: agilis_driver::Error) -> Failure {
    use agilis_driver::{Error as E, card::CardError};
    match e {
        E::AuthenticationFailed => Failure::Rejected(e.to_string()),
        E::Aead(e) => Failure::from(e),
        E::Card(CardError::TooLong { what, max, found }) => Failure::BadInput(format!(
            "the {} engine takes jobs of up to {max} bytes of {what}, found {found}: use --engine software or auto",
            engine.name()
        )),
        e => Failure::Other(format!("{} engine: {e}", engine.name())),
    }
}

fn kem_cmd(c: KemCommand) -> CliResult {
    match c {
        KemCommand::Keygen { suite, out } => {
            let s = kem::scheme(suite_of(&suite, Kind::Kem)?.codepoint)?;
            let kp = s.keygen()?;
            out.write_keypair(&kp.public_key, kp.secret_key.expose())
        }
        KemCommand::Encaps { suite, pk, out } => {
            let s = kem::scheme(suite_of(&suite, Kind::Kem)?.codepoint)?;
            let enc = s
                .encaps(&pk.read("--pk")?)
                .map_err(|e| Failure::BadInput(format!("--pk: {e}")))?;
            out.write(&[
                Part {
                    name: "ciphertext",
                    bytes: &enc.ciphertext,
                    suffix: "",
                    secret: false,
                },
                Part {
                    name: "shared_secret",
                    bytes: enc.shared_secret.expose(),
                    suffix: ".ss",
                    secret: true,
                },
            ])
        }
        KemCommand::Decaps { suite, sk, ct, out } => {
            let s = kem::scheme(suite_of(&suite, Kind::Kem)?.codepoint)?;
            let sk = zeroize::Zeroizing::new(sk.read("--sk")?);
            let ss = s.decaps(&sk, &ct.read("--ct")?)?;
            out.write(&[Part {
                name: "shared_secret",
                bytes: ss.expose(),
                suffix: "",
                secret: true,
            }])
        }
    }
}

fn message(msg: Option<Input>) -> Result<Vec<u8>, Failure> {
    match msg {
        Some(m) => m.read("--msg"),
        None => {
            let mut data = Vec::new();
            std::io::stdin().lock().read_to_end(&mut data)?;
            Ok(data)
        }
    }
}

fn sign_cmd(c: SignCommand) -> CliResult {
    match c {
        SignCommand::Keygen { suite, out } => {
            let s = sig::scheme(suite_of(&suite, Kind::Signature)?.codepoint)?;
            let kp = s.keygen()?;
            out.write_keypair(&kp.public_key, kp.secret_key.expose())
        }
        SignCommand::Sign {
            suite,
            sk,
            msg,
            out,
        } => {
            let s = sig::scheme(suite_of(&suite, Kind::Signature)?.codepoint)?;
            let sk = zeroize::Zeroizing::new(sk.read("--sk")?);
            let signature = s
                .sign(&sk, &message(msg)?)
                .map_err(|e| Failure::BadInput(format!("--sk: {e}")))?;
            out.write(&[Part {
                name: "signature",
                bytes: &signature,
                suffix: "",
                secret: false,
            }])
        }
        SignCommand::Verify {
            suite,
            pk,
            sig: signature,
            msg,
        } => {
            let s = sig::scheme(suite_of(&suite, Kind::Signature)?.codepoint)?;
            s.verify(&pk.read("--pk")?, &message(msg)?, &signature.read("--sig")?)
                .map_err(|e| match e {
                    Error::InvalidLength {
                        what: "public key", ..
                    }
                    | Error::InvalidPublicKey => Failure::BadInput(format!("--pk: {e}")),
                    // A malformed signature is simply not a valid one.
                    _ => Failure::Rejected(format!("invalid signature ({e})")),
                })?;
            println!("signature valid ({})", s.algorithm().name);
            Ok(())
        }
    }
}
