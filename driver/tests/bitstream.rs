//! The `.bit` header parser against generated files: valid ones, truncated
//! ones, and ones whose lengths, keys or strings lie.

use agilis_driver::bitstream::{
    BitError, BitHeader, Field, HeaderFields, PREAMBLE, SYNC_WORD, build, check_part, parse,
};

const DESIGN: &str = "agilis_litefury_top;UserID=0XFFFFFFFF;Version=2025.2";
const PART: &str = "7a100tfgg484";
const DATE: &str = "2026/11/24";
const TIME: &str = "01:02:03";

const FIELDS: HeaderFields<'static> = HeaderFields {
    design: DESIGN,
    part: PART,
    date: DATE,
    time: TIME,
};

/// Configuration data shaped like a 7-series bitstream's start: dummy
/// padding, the bus-width pattern, the sync word, a NOOP, then frame bytes.
fn config_data() -> Vec<u8> {
    let mut data = vec![0xFF; 32];
    data.extend_from_slice(&[0x00, 0x00, 0x00, 0xBB, 0x11, 0x22, 0x00, 0x44]);
    data.extend_from_slice(&[0xFF; 8]);
    data.extend_from_slice(&SYNC_WORD);
    data.extend_from_slice(&[0x20, 0x00, 0x00, 0x00]);
    data.extend(0..64u8);
    data
}

fn valid_file() -> Vec<u8> {
    build(&FIELDS, &config_data()).unwrap()
}

/// Where each field's key byte is in `valid_file()`, in the order a..e.
fn key_offsets() -> [usize; 5] {
    let mut at = PREAMBLE.len();
    let mut offsets = [0; 5];
    for (i, s) in [DESIGN, PART, DATE, TIME].iter().enumerate() {
        offsets[i] = at;
        at += 1 + 2 + s.len() + 1;
    }
    offsets[4] = at;
    offsets
}

const STRING_FIELDS: [Field; 4] = [Field::Design, Field::Part, Field::Date, Field::Time];
const ALL_FIELDS: [Field; 5] = [
    Field::Design,
    Field::Part,
    Field::Date,
    Field::Time,
    Field::Data,
];

/// A key and its value (NUL included), for [`raw_file`].
type RawField<'a> = (u8, &'a [u8]);

/// A file assembled field by field, for headers `build` would not write.
fn raw_file(fields: &[RawField<'_>], data: &[u8]) -> Vec<u8> {
    let mut out = PREAMBLE.to_vec();
    for (key, value) in fields {
        out.push(*key);
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
    }
    out.push(b'e');
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn set_u16(file: &mut [u8], at: usize, value: u16) {
    file[at..at + 2].copy_from_slice(&value.to_be_bytes());
}

fn set_u32(file: &mut [u8], at: usize, value: u32) {
    file[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

#[test]
fn a_generated_file_round_trips_every_field() {
    let file = valid_file();
    let header = parse(&file).unwrap();
    let data_offset = key_offsets()[4] + 5;
    assert_eq!(header.design, "agilis_litefury_top");
    assert_eq!(header.user_id, Some(0xFFFF_FFFF));
    assert_eq!(header.tool_version.as_deref(), Some("2025.2"));
    assert_eq!(header.part, PART);
    assert_eq!(header.date, DATE);
    assert_eq!(header.time, TIME);
    assert_eq!(header.data_offset, data_offset);
    assert_eq!(header.data_len, config_data().len());
    assert_eq!(header.data(&file), Some(&config_data()[..]));
    assert_eq!(data_offset + header.data_len, file.len());
}

#[test]
fn build_writes_the_documented_layout() {
    let fields = HeaderFields {
        design: "t",
        part: "7a35tcpg236",
        date: "2001/08/10",
        time: "06:55:04",
    };
    let file = build(&fields, &SYNC_WORD).unwrap();
    let mut expected = vec![
        0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01,
    ];
    expected.extend_from_slice(b"a\x00\x02t\x00");
    expected.extend_from_slice(b"b\x00\x0C7a35tcpg236\x00");
    expected.extend_from_slice(b"c\x00\x0B2001/08/10\x00");
    expected.extend_from_slice(b"d\x00\x0906:55:04\x00");
    expected.extend_from_slice(b"e\x00\x00\x00\x04\xAA\x99\x55\x66");
    assert_eq!(file, expected);
}

#[test]
fn a_design_name_without_attributes_has_no_user_id_or_version() {
    let fields = HeaderFields {
        design: "plain_top;Checksum=abc;NoValue",
        ..FIELDS
    };
    let header = parse(&build(&fields, &config_data()).unwrap()).unwrap();
    assert_eq!(header.design, "plain_top");
    assert_eq!(header.user_id, None);
    assert_eq!(header.tool_version, None);
}

#[test]
fn truncation_at_every_offset_is_a_truncated_error_naming_the_field() {
    let file = valid_file();
    let keys = key_offsets();
    for cut in 0..file.len() {
        let expected_field = if cut < PREAMBLE.len() {
            Field::Preamble
        } else {
            let i = keys.iter().rposition(|&k| k <= cut).unwrap();
            ALL_FIELDS[i]
        };
        match parse(&file[..cut]) {
            Err(e @ BitError::Truncated { at, field, missing }) => {
                assert_eq!(at, cut);
                assert_eq!(field, expected_field, "cut at {cut}");
                assert!(missing > 0);
                assert!(
                    e.to_string()
                        .starts_with(&format!("truncated at byte {cut} in "))
                );
            }
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

#[test]
fn string_lengths_that_lie_are_refused() {
    let file = valid_file();
    let keys = key_offsets();
    for (i, field) in STRING_FIELDS.into_iter().enumerate() {
        let key = keys[i];
        let start = key + 3;
        let true_len = (keys[i + 1] - start) as u16;
        let remaining = file.len() - start;
        let lie = |len: u16| {
            let mut f = file.clone();
            set_u16(&mut f, key + 1, len);
            parse(&f)
        };
        assert_eq!(lie(0), Err(BitError::EmptyField { at: key, field }));
        let too_short = Err(BitError::NotNulTerminated {
            at: start + usize::from(true_len) - 2,
            field,
        });
        assert_eq!(lie(true_len - 1), too_short, "{field}");
        assert_eq!(
            lie(1),
            Err(BitError::NotNulTerminated { at: start, field }),
            "{field}"
        );
        // One too long ends on the next field's key; two too long swallow
        // the NUL and end on the high byte (0) of the next length.
        assert_eq!(
            lie(true_len + 1),
            Err(BitError::NotNulTerminated {
                at: start + usize::from(true_len),
                field
            })
        );
        assert_eq!(
            lie(true_len + 2),
            Err(BitError::NotPrintable {
                at: start + usize::from(true_len) - 1,
                field,
                byte: 0
            })
        );
        assert_eq!(
            lie(remaining as u16 + 1),
            Err(BitError::Truncated {
                at: file.len(),
                field,
                missing: 1
            })
        );
        assert_eq!(
            lie(0xFFFF),
            Err(BitError::Truncated {
                at: file.len(),
                field,
                missing: 0xFFFF - remaining
            })
        );
    }
}

#[test]
fn a_data_length_that_lies_is_refused() {
    let file = valid_file();
    let len_at = key_offsets()[4] + 1;
    let actual = config_data().len();
    let lie = |len: u32| {
        let mut f = file.clone();
        set_u32(&mut f, len_at, len);
        parse(&f)
    };
    assert_eq!(
        lie(actual as u32 - 1),
        Err(BitError::TrailingBytes {
            declared: actual - 1,
            extra: 1
        })
    );
    assert_eq!(
        lie(0),
        Err(BitError::TrailingBytes {
            declared: 0,
            extra: actual
        })
    );
    assert_eq!(
        lie(actual as u32 + 1),
        Err(BitError::Truncated {
            at: file.len(),
            field: Field::Data,
            missing: 1
        })
    );
    assert_eq!(
        lie(u32::MAX),
        Err(BitError::Truncated {
            at: file.len(),
            field: Field::Data,
            missing: u32::MAX as usize - actual
        })
    );
}

#[test]
fn trailing_garbage_is_refused() {
    let mut file = valid_file();
    file.extend_from_slice(b"\0\0garbage");
    let e = parse(&file).unwrap_err();
    assert_eq!(
        e,
        BitError::TrailingBytes {
            declared: config_data().len(),
            extra: 9
        }
    );
    assert!(e.to_string().contains("trailing garbage"), "{e}");
}

#[test]
fn a_string_without_its_nul_is_refused() {
    let keys = key_offsets();
    for (i, field) in STRING_FIELDS.into_iter().enumerate() {
        let mut file = valid_file();
        let nul = keys[i + 1] - 1;
        assert_eq!(file[nul], 0);
        file[nul] = b'X';
        assert_eq!(
            parse(&file),
            Err(BitError::NotNulTerminated { at: nul, field })
        );
    }
}

#[test]
fn non_printable_bytes_in_strings_are_refused() {
    let keys = key_offsets();
    for (i, field) in STRING_FIELDS.into_iter().enumerate() {
        for byte in [0xC3, 0x7F, b'\n', 0x00, 0x80, 0xFF] {
            let mut file = valid_file();
            let at = keys[i] + 4;
            file[at] = byte;
            assert_eq!(
                parse(&file),
                Err(BitError::NotPrintable { at, field, byte }),
                "{field} {byte:#x}"
            );
        }
    }
}

#[test]
fn a_field_holding_only_its_nul_is_empty() {
    let data = config_data();
    let file = raw_file(
        &[
            (b'a', b"top\0"),
            (b'b', b"\0"),
            (b'c', b"2026/11/24\0"),
            (b'd', b"01:02:03\0"),
        ],
        &data,
    );
    assert_eq!(
        parse(&file),
        Err(BitError::EmptyField {
            at: 13 + 7,
            field: Field::Part
        })
    );
    // a design field that is only attributes has no design name
    let fields = HeaderFields {
        design: ";UserID=0X1",
        ..FIELDS
    };
    assert!(matches!(
        parse(&build(&fields, &data).unwrap()),
        Err(BitError::EmptyField {
            field: Field::Design,
            ..
        })
    ));
}

#[test]
fn keys_out_of_order_duplicated_or_unknown_are_refused() {
    let data = config_data();
    let a: RawField = (b'a', b"top\0");
    let b: RawField = (b'b', b"7a100tfgg484\0");
    let c: RawField = (b'c', b"2026/11/24\0");
    let d: RawField = (b'd', b"01:02:03\0");
    assert!(parse(&raw_file(&[a, b, c, d], &data)).is_ok());
    let b_at = 13 + 7;
    let cases: [(&[RawField], usize, Field, u8); 5] = [
        (&[a, c, b, d], b_at, Field::Part, b'c'),
        (&[a, a, b, c, d], b_at, Field::Part, b'a'),
        (&[b, a, c, d], 13, Field::Design, b'b'),
        (&[a, b, c], b_at + 16 + 14, Field::Time, b'e'),
        (
            &[a, b, c, d, (b'f', b"x\0")],
            b_at + 16 + 14 + 12,
            Field::Data,
            b'f',
        ),
    ];
    for (fields, at, expected, found) in cases {
        assert_eq!(
            parse(&raw_file(fields, &data)),
            Err(BitError::UnexpectedKey {
                at,
                expected,
                found
            })
        );
    }
    let e = parse(&raw_file(&[a, c, b, d], &data)).unwrap_err();
    assert_eq!(
        e.to_string().split(';').next().unwrap(),
        "at byte 20, expected field 'b' (part name) but found byte 0x63 ('c')"
    );
}

#[test]
fn a_bad_preamble_is_not_a_bit_file() {
    let file = valid_file();
    for i in 0..PREAMBLE.len() {
        let mut f = file.clone();
        f[i] ^= 0x40;
        assert_eq!(
            parse(&f),
            Err(BitError::NotABitFile {
                raw_bitstream: false
            }),
            "byte {i}"
        );
        // also when the file ends right after the bad byte
        assert_eq!(
            parse(&f[..=i]),
            Err(BitError::NotABitFile {
                raw_bitstream: false
            })
        );
    }
    let e = parse(&config_data()).unwrap_err();
    assert_eq!(
        e,
        BitError::NotABitFile {
            raw_bitstream: true
        }
    );
    assert!(e.to_string().contains("raw bitstream (.bin)"), "{e}");
    assert_eq!(
        parse(b""),
        Err(BitError::Truncated {
            at: 0,
            field: Field::Preamble,
            missing: 13
        })
    );
}

#[test]
fn data_without_the_sync_word_is_refused() {
    let mut data = config_data();
    let sync = data.windows(4).position(|w| w == SYNC_WORD).unwrap();
    data[sync + 3] = 0x65;
    let file = build(&FIELDS, &data).unwrap();
    let offset = key_offsets()[4] + 5;
    assert_eq!(
        parse(&file),
        Err(BitError::NoSyncWord {
            data_offset: offset
        })
    );
    assert_eq!(
        parse(&build(&FIELDS, &[]).unwrap()),
        Err(BitError::NoSyncWord {
            data_offset: offset
        })
    );
    // the sync word as the very last bytes still counts
    data.extend_from_slice(&SYNC_WORD);
    assert!(parse(&build(&FIELDS, &data).unwrap()).is_ok());
}

#[test]
fn malformed_or_repeated_design_attributes_are_refused() {
    for (design, attribute) in [
        ("top;UserID=0XZZ", "UserID=0XZZ"),
        ("top;UserID=", "UserID="),
        ("top;UserID=0x123456789", "UserID=0x123456789"),
        ("top;UserID=+1", "UserID=+1"),
        ("top;UserID=1;UserID=2", "UserID=2"),
        ("top;Version=;", "Version="),
        ("top;Version=1;Version=2", "Version=2"),
    ] {
        let fields = HeaderFields { design, ..FIELDS };
        match parse(&build(&fields, &config_data()).unwrap()) {
            Err(BitError::BadDesignAttribute { attribute: a, .. }) => assert_eq!(a, attribute),
            other => panic!("{design}: {other:?}"),
        }
    }
}

#[test]
fn every_single_byte_corruption_is_refused_or_consistent() {
    let file = valid_file();
    for i in 0..file.len() {
        for flip in [0x01, 0x20, 0x80, 0xFF] {
            let mut f = file.clone();
            f[i] ^= flip;
            if let Ok(h) = parse(&f) {
                // only string characters and data bytes may change harmlessly
                assert!(i >= PREAMBLE.len(), "preamble byte {i} changed");
                assert_eq!(h.data_offset + h.data_len, f.len());
                assert!(h.data(&f).unwrap().windows(4).any(|w| w == SYNC_WORD));
            }
        }
    }
}

#[test]
fn a_part_field_that_is_no_part_name_is_refused() {
    for part in [
        "xc",
        "fgg484",
        "7a100t-fgg484",
        "7a100tfgg484-2",
        " 7a100t",
        "xc-7a",
    ] {
        let fields = HeaderFields { part, ..FIELDS };
        let e = parse(&build(&fields, &config_data()).unwrap()).unwrap_err();
        assert_eq!(e, BitError::BadPart { part: part.into() });
        assert!(e.to_string().contains(&format!("{part:?}")), "{e}");
    }
    assert_eq!(header_for("XC7A100TFGG484").part, "XC7A100TFGG484");
}

fn header_for(part: &str) -> BitHeader {
    let fields = HeaderFields { part, ..FIELDS };
    parse(&build(&fields, &config_data()).unwrap()).unwrap()
}

#[test]
fn check_part_ignores_prefix_case_and_speed_grade() {
    let header = header_for("7a100tfgg484");
    for board in [
        "xc7a100tfgg484-2",
        "XC7A100TFGG484-2L",
        "xc7a100tfgg484-1",
        "xc7a100t-fgg484-2",
        "7a100tfgg484",
        " xc7a100tfgg484-2 ",
        "xc7a100t", // no package named: any package of the device
    ] {
        assert_eq!(check_part(&header, board), Ok(()), "{board}");
    }
    // a bitstream whose field 'b' carries the prefix is read the same way
    assert_eq!(
        check_part(&header_for("xc7a100tfgg484"), "xc7a100tfgg484-2"),
        Ok(())
    );
}

#[test]
fn check_part_refuses_another_device_naming_both() {
    let header = header_for("7a100tfgg484");
    for board in [
        "xc7a200tfgg484-2",
        "xc7a35tfgg484-2",
        "xc7a35t",
        "xc7a10",
        "xc7k325tffg900-2",
        "",
        "-2",
    ] {
        let e = check_part(&header, board).unwrap_err();
        assert_eq!(
            e,
            BitError::WrongDevice {
                bitstream: "7a100tfgg484".into(),
                board: board.into()
            }
        );
        let message = e.to_string();
        assert!(message.contains("\"7a100tfgg484\""), "{message}");
        assert!(message.contains(&format!("{board:?}")), "{message}");
    }
}

#[test]
fn check_part_refuses_the_same_device_in_another_package() {
    let header = header_for("7a100tfgg484");
    let e = check_part(&header, "xc7a100tcsg324-2").unwrap_err();
    assert_eq!(
        e,
        BitError::WrongPackage {
            bitstream: "7a100tfgg484".into(),
            board: "xc7a100tcsg324-2".into()
        }
    );
    assert!(e.to_string().contains("another package"), "{e}");
    // Zynq devices have no 't'; the split must still find the package
    let zynq = header_for("7z020clg400");
    assert_eq!(check_part(&zynq, "xc7z020clg400-1"), Ok(()));
    assert!(matches!(
        check_part(&zynq, "xc7z020clg484-1"),
        Err(BitError::WrongPackage { .. })
    ));
    assert!(matches!(
        check_part(&zynq, "xc7z010clg400-1"),
        Err(BitError::WrongDevice { .. })
    ));
}

#[test]
fn build_refuses_what_parse_would_refuse() {
    let long = "x".repeat(65_535);
    for (fields, field) in [
        (HeaderFields { part: "", ..FIELDS }, Field::Part),
        (
            HeaderFields {
                date: "2026\n",
                ..FIELDS
            },
            Field::Date,
        ),
        (
            HeaderFields {
                time: "01:02:03é",
                ..FIELDS
            },
            Field::Time,
        ),
        (
            HeaderFields {
                design: &long,
                ..FIELDS
            },
            Field::Design,
        ),
    ] {
        assert!(
            matches!(build(&fields, &config_data()), Err(BitError::CannotEncode { field: f, .. }) if f == field),
            "{field}"
        );
    }
    // 65,534 characters plus the NUL is the longest a u16 length holds
    let longest = "x".repeat(65_534);
    let fields = HeaderFields {
        design: &longest,
        ..FIELDS
    };
    assert_eq!(
        parse(&build(&fields, &config_data()).unwrap())
            .unwrap()
            .design,
        longest
    );
}

#[test]
fn the_truncation_message_says_where_and_what_to_do() {
    let file = valid_file();
    let part_key = key_offsets()[1];
    let message = parse(&file[..part_key + 5]).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "truncated at byte {} in field 'b' (part name): 11 more bytes are needed; \
             the file is incomplete or a length field is corrupt; \
             rebuild the bitstream with Vivado's write_bitstream or copy it again",
            part_key + 5
        )
    );
}
