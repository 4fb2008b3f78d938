//! Untrusted `.bit` files into the header parser: never a panic, and what
//! parses is whole and consistent.
#![no_main]

use agilis_driver::bitstream::{self, BitError, SYNC_WORD};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = bitstream::parse(data) else {
        return;
    };
    // The data runs exactly to the end of the file and holds the sync word.
    let config = header.data(data).expect("the data lies inside the file");
    assert_eq!(header.data_offset + header.data_len, data.len());
    assert!(config.windows(4).any(|w| w == SYNC_WORD));
    for s in [&header.design, &header.part, &header.date, &header.time] {
        assert!(!s.is_empty() && s.bytes().all(|b| (0x20..=0x7E).contains(&b)));
    }
    // A part always matches itself, in upper case, with a speed grade and the prefix.
    assert_eq!(bitstream::check_part(&header, &header.part), Ok(()));
    let upper = header.part.to_ascii_uppercase();
    assert_eq!(
        bitstream::check_part(&header, &format!("{upper}-2L")),
        Ok(())
    );
    if !upper.starts_with("XC") {
        assert_eq!(
            bitstream::check_part(&header, &format!("xc{upper}-1")),
            Ok(())
        );
    }
    // Any board string is refused with a typed error or accepted; never a panic.
    let board = String::from_utf8_lossy(&data[data.len().saturating_sub(16)..]);
    match bitstream::check_part(&header, &board) {
        Ok(()) | Err(BitError::WrongDevice { .. } | BitError::WrongPackage { .. }) => {}
        Err(e) => panic!("check_part gave an unexpected error: {e}"),
    }
    let _ = bitstream::check_part(&header, "xc7a100tfgg484-2");
});
