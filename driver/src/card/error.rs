//! Typed failures of the card driver.

use std::fmt;
use std::time::Duration;

use super::bus::BusError;

/// Every failure the card driver reports. Inside an [`Engine`](crate::Engine)
/// result it appears as [`Error::Card`](crate::Error::Card).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardError {
    /// The ID register does not hold the agilis magic: not an agilis card,
    /// or the BAR is not mapped.
    NotAgilis {
        /// the ID read
        id: u32,
    },
    /// The card's register contract is of a version this driver does not speak.
    UnsupportedVersion {
        /// VERSION of the card
        found: u32,
        /// VERSION this driver was built against
        expected: u32,
    },
    /// Same version, different register map: the bitstream and the driver
    /// were built from different `hdl/regmap.toml`.
    RegmapMismatch {
        /// REGMAP_HASH of the card
        found: u32,
        /// REGMAP_HASH of this driver
        expected: u32,
    },
    /// The bus failed under the driver.
    Bus(BusError),
    /// The card did not make progress before the deadline.
    Timeout {
        /// what the driver was waiting for
        what: &'static str,
        /// how long it waited (card time)
        waited: Duration,
    },
    /// The card ended a job with job error bits (numbered as `ERROR[7:0]`).
    Job {
        /// the job's error bits
        error_bits: u32,
    },
    /// The card raised card-level error bits (`ERROR[11:8]`, e.g. RING_CONFIG).
    Card {
        /// the ERROR register
        error_bits: u32,
    },
    /// A key slot command was refused, or the slot did not come up loaded.
    KeyLoad {
        /// the slot
        slot: u32,
    },
    /// This card has no lane for the AEAD with this registry code point.
    AlgorithmNotOnCard {
        /// registry code point
        aead: u16,
    },
    /// An input is longer than the card accepts (`MAX_LEN`).
    TooLong {
        /// "associated data" or "message"
        what: &'static str,
        /// the card's limit in bytes
        max: usize,
        /// the length given
        found: usize,
    },
    /// The card broke the ring protocol of docs/dma.md (a hardware or
    /// bitstream fault).
    Protocol {
        /// what it did
        detail: &'static str,
    },
    /// Every key slot holds a key: the self-test needs one free slot.
    NoFreeKeySlot,
    /// An earlier fatal error left the card in an unknown state: nothing runs
    /// until [`Card::reset`](super::Card::reset) succeeds.
    Faulted,
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardError::NotAgilis { id } => write!(
                f,
                "not an agilis card: ID is {id:#010x}, expected {:#010x} (wrong device, or BAR0 not mapped)",
                agilis_regmap::ID_MAGIC
            ),
            CardError::UnsupportedVersion { found, expected } => write!(
                f,
                "card register contract version {} is not supported by this driver ({}); load a matching bitstream or update the driver",
                version(*found),
                version(*expected)
            ),
            CardError::RegmapMismatch { found, expected } => write!(
                f,
                "card register map hash {found:#010x} differs from the driver's {expected:#010x}: bitstream and driver come from different hdl/regmap.toml"
            ),
            CardError::Bus(e) => write!(f, "card bus: {e}"),
            CardError::Timeout { what, waited } => {
                write!(
                    f,
                    "card timeout after {waited:?}: {what} (the card is now faulted; reset it)"
                )
            }
            CardError::Job { error_bits } => {
                write!(f, "the card failed the job: {}", names(*error_bits))
            }
            CardError::Card { error_bits } => {
                write!(f, "the card reported errors: {}", names(*error_bits))
            }
            CardError::KeyLoad { slot } => write!(f, "the card refused to load key slot {slot}"),
            CardError::AlgorithmNotOnCard { aead } => write!(
                f,
                "this card has no lane for AEAD code point {aead:#06x} (use the software engine)"
            ),
            CardError::TooLong { what, max, found } => write!(
                f,
                "{what} of {found} bytes is longer than the card's limit of {max} bytes"
            ),
            CardError::Protocol { detail } => {
                write!(f, "the card broke the ring protocol: {detail}")
            }
            CardError::NoFreeKeySlot => f.write_str(
                "every key slot of the card holds a key; drop one before running the self-test",
            ),
            CardError::Faulted => {
                f.write_str("the card is faulted after an earlier error; reset it")
            }
        }
    }
}

impl std::error::Error for CardError {}

impl From<BusError> for CardError {
    fn from(e: BusError) -> Self {
        CardError::Bus(e)
    }
}

impl From<CardError> for crate::Error {
    fn from(e: CardError) -> Self {
        crate::Error::Card(e)
    }
}

pub(super) fn version(v: u32) -> String {
    use agilis_regmap::reg::version as fields;
    format!(
        "{}.{}.{}",
        fields::MAJOR.get(v),
        fields::MINOR.get(v),
        fields::PATCH.get(v)
    )
}

fn names(bits: u32) -> String {
    let list: Vec<&str> = agilis_regmap::error_names(bits).collect();
    if list.is_empty() {
        format!("{bits:#x}")
    } else {
        list.join(" | ")
    }
}
