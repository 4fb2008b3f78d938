//! The published figures of `../shared/TARGETS.md` the report stands beside.
//! One place for them: the tables, the plots and report.json all read these.

/// One row of the NIST LWC finalist table (16-byte message, 16-byte AD).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct LwcRow {
    pub algorithm: &'static str,
    pub atmega328p_code_bytes: u32,
    pub atmega328p_kbps: f64,
    pub nrf52840_code_bytes: u32,
    pub nrf52840_kbps: f64,
    pub artix7_luts: u32,
    pub artix7_mbps: f64,
}

/// NIST 2021, as reproduced in FITEE 2022, Table 2 (TARGETS.md).
#[rustfmt::skip]
pub const LWC: [LwcRow; 5] = [
    LwcRow { algorithm: "ASCON", atmega328p_code_bytes: 3662, atmega328p_kbps: 17.0, nrf52840_code_bytes: 1392, nrf52840_kbps: 589.9, artix7_luts: 1790, artix7_mbps: 538.3 },
    LwcRow { algorithm: "Xoodyak", atmega328p_code_bytes: 2906, atmega328p_kbps: 19.4, nrf52840_code_bytes: 3252, nrf52840_kbps: 825.8, artix7_luts: 1355, artix7_mbps: 394.1 },
    LwcRow { algorithm: "GIFT-COFB", atmega328p_code_bytes: 2948, atmega328p_kbps: 24.6, nrf52840_code_bytes: 1504, nrf52840_kbps: 514.1, artix7_luts: 1041, artix7_mbps: 225.6 },
    LwcRow { algorithm: "SPARKLE", atmega328p_code_bytes: 3944, atmega328p_kbps: 35.0, nrf52840_code_bytes: 1688, nrf52840_kbps: 948.1, artix7_luts: 3071, artix7_mbps: 94.9 },
    LwcRow { algorithm: "TinyJambu", atmega328p_code_bytes: 3106, atmega328p_kbps: 15.8, nrf52840_code_bytes: 888, nrf52840_kbps: 452.3, artix7_luts: 591, artix7_mbps: 105.1 },
];

pub const ASCON: LwcRow = LWC[0];

/// The nRF52840's clock, at which the published 32-bit figures were taken.
pub const NRF52840_CLOCK_HZ: f64 = 64e6;

/// 5G's requirement for new algorithms in software (TARGETS.md).
pub const SOFTWARE_TARGET_GBPS: f64 = 20.0;

/// What a peer figure measures.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerUnit {
    /// Throughput of a 16 KiB seal, Gb/s.
    Gbps,
    /// Time per operation, microseconds.
    Micros,
}

/// A row of the peers table and the criterion ids of the same operation in agilis.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct HostComparison {
    pub operation: &'static str,
    pub unit: PeerUnit,
    /// (label, criterion full id), one per figure of the operation (e.g. keygen / encaps / decaps).
    pub agilis: &'static [(&'static str, &'static str)],
    /// One entry per peer; `values` lines up with `agilis`.
    pub peers: &'static [(&'static str, &'static [f64])],
}

#[rustfmt::skip]
pub const HOST: [HostComparison; 11] = [
    HostComparison { operation: "AES-256-GCM seal, 16 KiB", unit: PeerUnit::Gbps,
        agilis: &[("seal", "aead/aes-256-gcm/seal/16384/agilis")],
        peers: &[("aws-lc-rs", &[76.9]), ("`aes-gcm` crate", &[11.4])] },
    HostComparison { operation: "AES-256-GCM seal, 16 KiB, portable backend", unit: PeerUnit::Gbps,
        agilis: &[("seal", "aead/aes-256-gcm/seal/16384/agilis-portable")],
        peers: &[("`aes-gcm` crate", &[11.4])] },
    HostComparison { operation: "AES-256-GCM seal, 64 B", unit: PeerUnit::Micros,
        agilis: &[("seal", "aead/aes-256-gcm/seal/64/agilis")],
        peers: &[("aws-lc-rs", &[0.12])] },
    HostComparison { operation: "ChaCha20-Poly1305 seal, 16 KiB", unit: PeerUnit::Gbps,
        agilis: &[("seal", "aead/chacha20-poly1305/seal/16384/agilis")],
        peers: &[("aws-lc-rs", &[20.7]), ("`chacha20poly1305` crate", &[11.3])] },
    HostComparison { operation: "Ascon-AEAD128 seal, 16 KiB", unit: PeerUnit::Gbps,
        agilis: &[("seal", "aead/ascon-aead128/seal/16384/agilis")],
        peers: &[("`ascon-aead` crate", &[3.4])] },
    HostComparison { operation: "Ascon-AEAD128 seal (16,16)", unit: PeerUnit::Micros,
        agilis: &[("seal", "aead/ascon-aead128/seal/16/agilis")],
        peers: &[("`ascon-aead` crate", &[0.21])] },
    HostComparison { operation: "ML-KEM-768 keygen / encaps / decaps", unit: PeerUnit::Micros,
        agilis: &[("keygen", "kem/ml-kem-768/keygen/agilis"), ("encaps", "kem/ml-kem-768/encaps/agilis"), ("decaps", "kem/ml-kem-768/decaps/agilis")],
        peers: &[("`pqcrypto-mlkem`", &[11.0, 11.0, 14.0]), ("`libcrux-ml-kem` (portable)", &[19.0, 18.0, 18.0])] },
    HostComparison { operation: "ML-DSA-65 sign / verify", unit: PeerUnit::Micros,
        agilis: &[("sign", "sig/ml-dsa-65/sign/agilis"), ("verify", "sig/ml-dsa-65/verify/agilis")],
        peers: &[("`pqcrypto-mldsa`", &[95.0, 34.0])] },
    HostComparison { operation: "Falcon-512 sign / verify", unit: PeerUnit::Micros,
        agilis: &[("sign", "sig/falcon-512/sign/agilis"), ("verify", "sig/falcon-512/verify/agilis")],
        peers: &[("`pqcrypto-falcon`", &[191.0, 34.0])] },
    HostComparison { operation: "X25519 (one DH: KEM decapsulation)", unit: PeerUnit::Micros,
        agilis: &[("DH", "kem/x25519/decaps/agilis")],
        peers: &[("`x25519-dalek`", &[53.0])] },
    HostComparison { operation: "Ed25519 sign / verify", unit: PeerUnit::Micros,
        agilis: &[("sign", "sig/ed25519/sign/agilis"), ("verify", "sig/ed25519/verify/agilis")],
        peers: &[("`ed25519-dalek`", &[18.0, 30.0])] },
];

/// Published Ascon-AEAD128 hardware designs: cycles at (0,0), (16,16), (1536,1536).
pub const ASCON_VERILOG: [(&str, u32, u32, [u64; 3]); 2] = [
    ("ascon-verilog v1", 32, 1, [41, 75, 2355]),
    ("ascon-verilog v6", 64, 4, [17, 29, 789]),
];
