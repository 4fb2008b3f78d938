//! # agilis-suites — the algorithm registry
//!
//! Every algorithm agilis can use is described once, in [`registry`]: its
//! name, 16-bit code point, kind (KEM, signature, AEAD, KDF), the
//! **family** whose hardness it rests on, its NIST security category, its
//! sizes and the implementation behind it. Hybrids (KEM combiners and
//! composite signatures) are first-class entries whose components come from
//! two independent families, so a session stays secure while either family
//! holds.
//!
//! Higher layers (`negotiate`, `driver`, the CLI) never match on algorithm
//! names: they ask the registry for a descriptor and for the scheme behind a
//! code point ([`kem::scheme`], [`sig::scheme`], [`aead::AeadKey::new`],
//! [`kdf::derive`]).
//!
//! [`profile`] holds the named policy bundles (`anchor`, `vehicle`,
//! `constrained`) and [`registry::Registry`] the run-time withdrawal of an
//! algorithm or a whole family.
//!
//! ## Features
//! - `std` (default): everything. The PQC crates need `std`.
//! - `aws-lc` (default): AES-256-GCM and ChaCha20-Poly1305 through aws-lc-rs.
//! - without default features the crate is `no_std`: the registry table,
//!   Ascon-AEAD128 and the KDFs. `alloc` adds the `Vec`-returning helpers.
//! - `aes-256-gcm`, `chacha20-poly1305` (both in `std`): those AEADs on the
//!   portable RustCrypto code, `no_std`. A small image (the ATmega328P has
//!   32 KB of flash) leaves out what it does not use; without them
//!   [`aead::AeadKey::new`] reports [`Error::Unsupported`] for those code points.
//! - `ascon-rustcrypto` (in `std`): Ascon-AEAD128 through RustCrypto
//!   `ascon-aead`; without it agilis's compact 8-bit implementation serves it
//!   (AVR assembly for the linear layer on the AVR, portable Rust elsewhere).
#![no_std]
// Inline assembly on the AVR (aead/ascon8.rs) needs this nightly feature; the
// AVR target itself exists only on nightly.
#![cfg_attr(target_arch = "avr", feature(asm_experimental_arch))]
// Three exceptions: direct calls into PQClean (see the comments there), HQC
// decapsulation in `kem` and ML-DSA's portable verifier in `sig`; and the
// AVR-only assembly of Ascon's linear layer in `aead/ascon8.rs`.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aead;
mod error;
pub mod kdf;
pub mod registry;
#[cfg(feature = "alloc")]
mod secret;

#[cfg(feature = "std")]
pub mod kem;
#[cfg(feature = "std")]
pub mod profile;
#[cfg(feature = "std")]
mod rng;
#[cfg(feature = "std")]
pub mod sig;

pub use error::Error;
pub use registry::{Algorithm, Family, Kind};
#[cfg(feature = "alloc")]
pub use secret::SecretBytes;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;
