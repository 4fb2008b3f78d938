//! Xilinx 7-series `.bit` files: the header Vivado's `write_bitstream`
//! puts in front of the configuration data, read strictly.
//!
//! The header is not documented by Xilinx; its layout is known from the
//! FPGA FAQ (0026) and is the same in every Vivado release:
//!
//! ```text
//! 00 09  0F F0 0F F0 0F F0 0F F0 00  00 01      preamble (13 bytes)
//! 'a' len:u16 "design;UserID=0X...;Version=2025.2\0"
//! 'b' len:u16 "7a100tfgg484\0"                  part (device + package)
//! 'c' len:u16 "2026/11/24\0"                    date
//! 'd' len:u16 "01:02:03\0"                      time
//! 'e' len:u32 <configuration data>             starts with padding, then AA 99 55 66
//! ```
//!
//! Lengths are big-endian; a string's length counts its NUL. [`parse`]
//! refuses anything else: lengths that do not fit the file, strings that are
//! not NUL-terminated printable ASCII, a part name that is not letters and
//! digits, keys out of order, bytes after the data, and data without the
//! sync word. [`check_part`] then refuses a
//! bitstream built for another device than the board's. [`build`] writes a
//! header, for tests and tools that need a `.bit` file.

use std::fmt;

/// The 13 bytes every `.bit` file starts with.
pub const PREAMBLE: [u8; 13] = [
    0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01,
];

/// The configuration sync word; the device ignores everything before it.
pub const SYNC_WORD: [u8; 4] = [0xAA, 0x99, 0x55, 0x66];

/// The header of a `.bit` file, as [`parse`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BitHeader {
    /// the top-level design, field 'a' up to its first `;`
    pub design: String,
    /// `UserID=` of field 'a' (the USR_ACCESS / user ID Vivado was given)
    pub user_id: Option<u32>,
    /// `Version=` of field 'a': the Vivado release that wrote the file
    pub tool_version: Option<String>,
    /// field 'b': device and package without `xc` or speed grade, e.g. `7a100tfgg484`
    pub part: String,
    /// field 'c', e.g. `2026/11/24`
    pub date: String,
    /// field 'd', e.g. `01:02:03`
    pub time: String,
    /// where the configuration data starts in the file
    pub data_offset: usize,
    /// its length; it runs to the end of the file
    pub data_len: usize,
}

impl BitHeader {
    /// The configuration data inside `file`, the bytes this header was parsed from.
    pub fn data<'a>(&self, file: &'a [u8]) -> Option<&'a [u8]> {
        file.get(self.data_offset..self.data_offset.checked_add(self.data_len)?)
    }
}

/// A part of the header, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// the 13-byte preamble
    Preamble,
    /// 'a'
    Design,
    /// 'b'
    Part,
    /// 'c'
    Date,
    /// 'd'
    Time,
    /// 'e' and the configuration data after it
    Data,
}

impl Field {
    /// The key byte that opens the field (none for the preamble).
    pub fn key(self) -> Option<u8> {
        match self {
            Field::Preamble => None,
            Field::Design => Some(b'a'),
            Field::Part => Some(b'b'),
            Field::Date => Some(b'c'),
            Field::Time => Some(b'd'),
            Field::Data => Some(b'e'),
        }
    }

    fn description(self) -> &'static str {
        match self {
            Field::Preamble => "preamble",
            Field::Design => "design name",
            Field::Part => "part name",
            Field::Date => "date",
            Field::Time => "time",
            Field::Data => "configuration data",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key() {
            Some(k) => write!(f, "field '{}' ({})", k as char, self.description()),
            None => f.write_str("the preamble"),
        }
    }
}

/// Why a `.bit` file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BitError {
    /// The file does not start with [`PREAMBLE`].
    NotABitFile {
        /// it starts like a raw bitstream (`.bin`): padding or the sync word
        raw_bitstream: bool,
    },
    /// The file ends before `field` does (or a length field points past its end).
    Truncated {
        /// the file's length: where it ends
        at: usize,
        /// the field being read
        field: Field,
        /// how many more bytes the field needs
        missing: usize,
    },
    /// Another key than the next one in the order a, b, c, d, e.
    UnexpectedKey {
        /// offset of the key byte
        at: usize,
        /// the field that must come here
        expected: Field,
        /// the byte found instead
        found: u8,
    },
    /// A string field holds nothing (a zero length, or only the NUL).
    EmptyField {
        /// offset of the field's key
        at: usize,
        /// which
        field: Field,
    },
    /// A string field's last byte, per its length, is not a NUL.
    NotNulTerminated {
        /// offset of the byte that should be the NUL
        at: usize,
        /// which
        field: Field,
    },
    /// A string field holds a byte that is not printable ASCII.
    NotPrintable {
        /// offset of the byte
        at: usize,
        /// which
        field: Field,
        /// the byte
        byte: u8,
    },
    /// A `UserID=` or `Version=` attribute of field 'a' is malformed or repeated.
    BadDesignAttribute {
        /// the attribute as found
        attribute: String,
        /// what is wrong with it
        reason: &'static str,
    },
    /// Bytes follow the configuration data that field 'e' declares.
    TrailingBytes {
        /// the length field 'e' declares
        declared: usize,
        /// how many bytes follow it
        extra: usize,
    },
    /// The configuration data holds no [`SYNC_WORD`].
    NoSyncWord {
        /// where the data starts
        data_offset: usize,
    },
    /// Field 'b' is not shaped like a part name.
    BadPart {
        /// field 'b' as found
        part: String,
    },
    /// The bitstream is for another device than the board's.
    WrongDevice {
        /// field 'b' of the bitstream
        bitstream: String,
        /// the board's part, as given
        board: String,
    },
    /// Same device, another package: the pins would not match.
    WrongPackage {
        /// field 'b' of the bitstream
        bitstream: String,
        /// the board's part, as given
        board: String,
    },
    /// [`build`] cannot encode a field.
    CannotEncode {
        /// which
        field: Field,
        /// why
        reason: &'static str,
    },
}

const REBUILD: &str = "rebuild the bitstream with Vivado's write_bitstream or copy it again";

impl fmt::Display for BitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BitError::NotABitFile { raw_bitstream: true } => f.write_str(
                "not a .bit file: this looks like a raw bitstream (.bin) without the .bit header, \
                 which names the part; give the .bit file Vivado wrote next to it",
            ),
            BitError::NotABitFile { raw_bitstream: false } => f.write_str(
                "not a Xilinx .bit file: it does not start with the .bit preamble \
                 00 09 0F F0 0F F0 0F F0 0F F0 00 00 01; give the .bit file Vivado's write_bitstream made",
            ),
            BitError::Truncated { at, field, missing } => write!(
                f,
                "truncated at byte {at} in {field}: {missing} more bytes are needed; \
                 the file is incomplete or a length field is corrupt; {REBUILD}"
            ),
            BitError::UnexpectedKey { at, expected, found } => {
                write!(f, "at byte {at}, expected {expected} but found byte 0x{found:02X}")?;
                if found.is_ascii_graphic() {
                    write!(f, " ('{}')", *found as char)?;
                }
                write!(
                    f,
                    "; the fields must come once each in the order a, b, c, d, e: \
                     the header is corrupt or was not written by Vivado; {REBUILD}"
                )
            }
            BitError::EmptyField { at, field } => write!(
                f,
                "{field} at byte {at} is empty; Vivado always fills it: the header is corrupt; {REBUILD}"
            ),
            BitError::NotNulTerminated { at, field } => write!(
                f,
                "{field} does not end with a NUL at byte {at}, where its length says it ends: \
                 the length or the string is corrupt; {REBUILD}"
            ),
            BitError::NotPrintable { at, field, byte } => {
                write!(f, "{field} holds byte 0x{byte:02X} at byte {at}, which is not printable ASCII")?;
                if *byte == 0 {
                    f.write_str(" (a NUL before the end: its length is probably too long)")?;
                }
                write!(f, "; the header is corrupt; {REBUILD}")
            }
            BitError::BadDesignAttribute { attribute, reason } => write!(
                f,
                "field 'a' (design name) has attribute {attribute:?}: {reason}; the header is corrupt; {REBUILD}"
            ),
            BitError::TrailingBytes { declared, extra } => write!(
                f,
                "{extra} bytes follow the {declared} bytes of configuration data that field 'e' declares: \
                 the file has trailing garbage or its length is corrupt; {REBUILD}"
            ),
            BitError::NoSyncWord { data_offset } => write!(
                f,
                "the configuration data (from byte {data_offset}) holds no sync word AA 99 55 66: \
                 it is not a 7-series bitstream or it is corrupt; {REBUILD}"
            ),
            BitError::BadPart { part } => write!(
                f,
                "field 'b' (part name) is {part:?}, which is not a part name \
                 (letters and digits from the family digit on, like 7a100tfgg484); \
                 the header is corrupt; {REBUILD}"
            ),
            BitError::WrongDevice { bitstream, board } => write!(
                f,
                "the bitstream was built for {bitstream:?} but the board has {board:?}: \
                 the device would refuse it; build the bitstream for the board's part (PART=...)"
            ),
            BitError::WrongPackage { bitstream, board } => write!(
                f,
                "the bitstream was built for {bitstream:?}, the same device in another package than \
                 the board's {board:?}: its pin assignment does not fit the board and could drive the wrong pins; \
                 build it for the board's part (PART=...)"
            ),
            BitError::CannotEncode { field, reason } => write!(f, "cannot write {field}: {reason}"),
        }
    }
}

impl std::error::Error for BitError {}

/// Reads a `.bit` file's header and checks that the configuration data
/// after it is whole. Never panics; every refusal is a [`BitError`].
pub fn parse(bytes: &[u8]) -> Result<BitHeader, BitError> {
    let mut r = Reader { bytes, pos: 0 };
    let present = &bytes[..bytes.len().min(PREAMBLE.len())];
    if !PREAMBLE.starts_with(present) {
        return Err(BitError::NotABitFile {
            raw_bitstream: looks_raw(bytes),
        });
    }
    r.take(PREAMBLE.len(), Field::Preamble)?;

    let design_field = r.string(Field::Design)?;
    let part = r.string(Field::Part)?;
    if !is_part_name(&part) {
        return Err(BitError::BadPart { part });
    }
    let date = r.string(Field::Date)?;
    let time = r.string(Field::Time)?;

    r.key(Field::Data)?;
    let declared = r.take(4, Field::Data)?;
    let declared = u32::from_be_bytes([declared[0], declared[1], declared[2], declared[3]]);
    // A length beyond the address space cannot fit the file either.
    let declared = usize::try_from(declared).unwrap_or(usize::MAX);
    let data_offset = r.pos;
    let data = r.take(declared, Field::Data)?;
    if r.pos != bytes.len() {
        return Err(BitError::TrailingBytes {
            declared,
            extra: bytes.len() - r.pos,
        });
    }
    if !contains_sync_word(data) {
        return Err(BitError::NoSyncWord { data_offset });
    }

    let (design, user_id, tool_version) = split_design(&design_field)?;
    Ok(BitHeader {
        design,
        user_id,
        tool_version,
        part,
        date,
        time,
        data_offset,
        data_len: declared,
    })
}

/// Refuses a bitstream built for another part than `board_part`.
///
/// `board_part` is named as Vivado names parts (`xc7a100tfgg484-2`, also
/// `xc7a100t-fgg484-2L` or `7a100tfgg484`). Case, the `xc` prefix and the
/// speed grade are ignored: one bitstream configures every speed grade of a
/// device and package. The device and the package must match; a
/// `board_part` without a package (`xc7a100t`) accepts any package of the
/// device.
pub fn check_part(header: &BitHeader, board_part: &str) -> Result<(), BitError> {
    let ours = normalize_part(&header.part);
    let theirs = normalize_part(board_part);
    if !ours.is_empty() && ours == theirs {
        return Ok(());
    }
    let (our_device, _) = split_device(&ours);
    let (their_device, their_package) = split_device(&theirs);
    if our_device.is_empty() || our_device != their_device {
        return Err(BitError::WrongDevice {
            bitstream: header.part.clone(),
            board: board_part.to_string(),
        });
    }
    if their_package.is_empty() {
        return Ok(());
    }
    Err(BitError::WrongPackage {
        bitstream: header.part.clone(),
        board: board_part.to_string(),
    })
}

/// The strings of a header, for [`build`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderFields<'a> {
    /// field 'a' whole, e.g. `agilis_litefury_top;UserID=0XFFFFFFFF;Version=2025.2`
    pub design: &'a str,
    /// field 'b', e.g. `7a100tfgg484`
    pub part: &'a str,
    /// field 'c', e.g. `2026/11/24`
    pub date: &'a str,
    /// field 'd', e.g. `01:02:03`
    pub time: &'a str,
}

/// Writes a `.bit` file as Vivado does: the header, then `data` as is.
///
/// For tests and tools. Refuses (never panics on) strings [`parse`] would
/// refuse: empty, not printable ASCII, or over 65,534 bytes; and data of
/// 4 GiB or more. `data` is not checked, so a test can write a file without
/// a sync word.
pub fn build(fields: &HeaderFields<'_>, data: &[u8]) -> Result<Vec<u8>, BitError> {
    let data_len = u32::try_from(data.len()).map_err(|_| BitError::CannotEncode {
        field: Field::Data,
        reason: "the configuration data is 4 GiB or more",
    })?;
    let mut out = PREAMBLE.to_vec();
    for (field, value) in [
        (Field::Design, fields.design),
        (Field::Part, fields.part),
        (Field::Date, fields.date),
        (Field::Time, fields.time),
    ] {
        push_string(&mut out, field, value)?;
    }
    out.push(b'e');
    out.extend_from_slice(&data_len.to_be_bytes());
    out.extend_from_slice(data);
    Ok(out)
}

fn push_string(out: &mut Vec<u8>, field: Field, value: &str) -> Result<(), BitError> {
    let cannot = |reason| BitError::CannotEncode { field, reason };
    if value.is_empty() {
        return Err(cannot("it is empty"));
    }
    if !value.bytes().all(is_printable) {
        return Err(cannot("it is not printable ASCII"));
    }
    let len = u16::try_from(value.len() + 1).map_err(|_| cannot("it is over 65,534 bytes"))?;
    out.extend(field.key());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value.as_bytes());
    out.push(0);
    Ok(())
}

/// A cursor that turns every overrun into [`BitError::Truncated`].
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: Field) -> Result<&'a [u8], BitError> {
        let rest = &self.bytes[self.pos..];
        if rest.len() < n {
            return Err(BitError::Truncated {
                at: self.bytes.len(),
                field,
                missing: n - rest.len(),
            });
        }
        self.pos += n;
        Ok(&rest[..n])
    }

    fn key(&mut self, field: Field) -> Result<usize, BitError> {
        let at = self.pos;
        let found = self.take(1, field)?[0];
        if Some(found) != field.key() {
            return Err(BitError::UnexpectedKey {
                at,
                expected: field,
                found,
            });
        }
        Ok(at)
    }

    /// A key, a u16 length and that many bytes: printable ASCII, then a NUL.
    fn string(&mut self, field: Field) -> Result<String, BitError> {
        let at = self.key(field)?;
        let len = self.take(2, field)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let start = self.pos;
        let value = self.take(len, field)?;
        let Some((&last, text)) = value.split_last() else {
            return Err(BitError::EmptyField { at, field });
        };
        if last != 0 {
            return Err(BitError::NotNulTerminated {
                at: start + len - 1,
                field,
            });
        }
        if let Some(i) = text.iter().position(|&b| !is_printable(b)) {
            return Err(BitError::NotPrintable {
                at: start + i,
                field,
                byte: text[i],
            });
        }
        if text.is_empty() {
            return Err(BitError::EmptyField { at, field });
        }
        Ok(text.iter().map(|&b| char::from(b)).collect())
    }
}

fn is_printable(b: u8) -> bool {
    (0x20..=0x7E).contains(&b)
}

/// `7a100tfgg484` or `xc7a100tfgg484`: Vivado writes no speed grade in
/// field 'b'. Refusing other shapes keeps [`check_part`] meaningful.
fn is_part_name(part: &str) -> bool {
    let bytes = part.as_bytes();
    let body = if bytes.len() > 2 && bytes[..2].eq_ignore_ascii_case(b"xc") {
        &bytes[2..]
    } else {
        bytes
    };
    body.first().is_some_and(u8::is_ascii_digit) && body.iter().all(u8::is_ascii_alphanumeric)
}

fn contains_sync_word(data: &[u8]) -> bool {
    data.windows(SYNC_WORD.len()).any(|w| w == SYNC_WORD)
}

/// A raw bitstream (`.bin`) starts with 0xFF dummy words; a `.bit` never does.
fn looks_raw(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF; 4])
}

/// Splits field 'a' (`name;UserID=0X...;Version=...`) into its parts. Other
/// attributes are ignored: later Vivado releases may add some.
fn split_design(field: &str) -> Result<(String, Option<u32>, Option<String>), BitError> {
    let mut parts = field.split(';');
    let design = parts.next().unwrap_or_default().to_string();
    let mut user_id = None;
    let mut version = None;
    for attribute in parts {
        let Some((key, value)) = attribute.split_once('=') else {
            continue;
        };
        let bad = |reason| BitError::BadDesignAttribute {
            attribute: attribute.to_string(),
            reason,
        };
        if key.eq_ignore_ascii_case("UserID") {
            if user_id.is_some() {
                return Err(bad("UserID appears twice"));
            }
            user_id = Some(parse_user_id(value).ok_or_else(|| bad("not 1 to 8 hex digits"))?);
        } else if key.eq_ignore_ascii_case("Version") {
            if version.is_some() {
                return Err(bad("Version appears twice"));
            }
            if value.is_empty() {
                return Err(bad("the version is empty"));
            }
            version = Some(value.to_string());
        }
    }
    if design.is_empty() {
        return Err(BitError::EmptyField {
            at: PREAMBLE.len(),
            field: Field::Design,
        });
    }
    Ok((design, user_id, version))
}

/// `0XFFFFFFFF`, `0x1234` or `1234`, hexadecimal.
fn parse_user_id(value: &str) -> Option<u32> {
    let digits = value
        .strip_prefix("0X")
        .or_else(|| value.strip_prefix("0x"))
        .unwrap_or(value);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// Lower case, without `xc` and speed grade: `XC7A100T-FGG484-2L` → `7a100tfgg484`.
fn normalize_part(part: &str) -> String {
    let part = part.trim().to_ascii_lowercase();
    let part = part.strip_prefix("xc").unwrap_or(&part);
    let mut segments = part.split('-');
    let mut out = segments.next().unwrap_or_default().to_string();
    // After the first, a segment that starts with a letter is the package
    // (`xc7a100t-fgg484`); one that starts with a digit is the speed grade.
    for segment in segments {
        if segment.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push_str(segment);
        }
    }
    out
}

/// `7a100tfgg484` → (`7a100t`, `fgg484`); `7z020clg400` → (`7z020`, `clg400`).
/// A 7-series device is a family digit, letters, a size, and for most an
/// optional `t`. What does not fit that shape is returned whole as the device.
fn split_device(part: &str) -> (&str, &str) {
    let bytes = part.as_bytes();
    let run = |from: usize, pred: fn(&u8) -> bool| {
        from + bytes[from..].iter().take_while(|b| pred(b)).count()
    };
    let family = run(0, u8::is_ascii_digit);
    let letters = run(family, u8::is_ascii_alphabetic);
    let size = run(letters, u8::is_ascii_digit);
    if family == 0 || letters == family || size == letters {
        return (part, "");
    }
    let end = if bytes.get(size) == Some(&b't') {
        size + 1
    } else {
        size
    };
    part.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_normalize_and_split() {
        assert_eq!(normalize_part("XC7A100TFGG484-2"), "7a100tfgg484");
        assert_eq!(normalize_part("xc7a100t-fgg484-2L"), "7a100tfgg484");
        assert_eq!(normalize_part(" 7a100tfgg484 "), "7a100tfgg484");
        assert_eq!(split_device("7a100tfgg484"), ("7a100t", "fgg484"));
        assert_eq!(split_device("7a200tsbg484"), ("7a200t", "sbg484"));
        assert_eq!(split_device("7z020clg400"), ("7z020", "clg400"));
        assert_eq!(split_device("7vx485tffg1761"), ("7vx485t", "ffg1761"));
        assert_eq!(split_device("7a100t"), ("7a100t", ""));
        assert_eq!(split_device("zynq"), ("zynq", ""));
        assert_eq!(split_device(""), ("", ""));
    }

    #[test]
    fn user_ids_are_strict_hex() {
        assert_eq!(parse_user_id("0XFFFFFFFF"), Some(0xFFFF_FFFF));
        assert_eq!(parse_user_id("0x12ab"), Some(0x12AB));
        assert_eq!(parse_user_id("+1"), None);
        assert_eq!(parse_user_id("0x"), None);
        assert_eq!(parse_user_id("0x123456789"), None);
    }
}
