//! Sessions: records, limits, key updates, authenticated close, and the
//! registry withdrawing algorithms under a session in flight.

mod common;

use agilis_negotiate::messages::{MAX_RECORD_PLAINTEXT, msg_type};
use agilis_negotiate::{Error, Event, RecordLimits, Session};
use agilis_suites::Family;
use agilis_suites::registry::{Withdrawal, codepoint as cp};
use common::*;

fn sessions_with(
    limits: RecordLimits,
) -> (
    Session,
    Session,
    agilis_negotiate::Policy,
    agilis_negotiate::Policy,
) {
    let pki = Pki::new();
    let mut ic = pki.config(pki.anchor("subnet-a"));
    let mut rc = pki.config(pki.anchor("subnet-b"));
    ic.limits = limits;
    rc.limits = limits;
    let (ip, rp) = (ic.policy.clone(), rc.policy.clone());
    let (i, r) = handshake(ic, rc).unwrap();
    (i, r, ip, rp)
}

fn sessions() -> (
    Session,
    Session,
    agilis_negotiate::Policy,
    agilis_negotiate::Policy,
) {
    sessions_with(RecordLimits::default())
}

/// Delivers everything `from` produced to `to`; returns the events and the data.
fn deliver(from: &mut Session, to: &mut Session, now: u64) -> (Vec<Event>, Vec<u8>) {
    let mut events = Vec::new();
    let mut data = Vec::new();
    for f in frames(&from.take_output()) {
        match to.receive(&f, now).unwrap() {
            Event::Data(d) => data.extend(d),
            e => events.push(e),
        }
    }
    (events, data)
}

fn types(bytes: &[u8]) -> Vec<u8> {
    frames(bytes).iter().map(|f| f[1]).collect()
}

#[test]
fn large_writes_are_fragmented_at_the_record_limit_and_arrive_whole() {
    let (mut i, mut r, _, _) = sessions();
    let data: Vec<u8> = (0..100_000u32).map(|x| x as u8).collect();
    i.send(&data, NOW).unwrap();
    let out = i.take_output();
    let fs = frames(&out);
    assert_eq!(fs.len(), data.len().div_ceil(MAX_RECORD_PLAINTEXT));
    assert!(
        fs.iter()
            .all(|f| f.len() <= 6 + MAX_RECORD_PLAINTEXT + 16 && f[1] == msg_type::DATA)
    );
    let mut got = Vec::new();
    for f in fs {
        if let Event::Data(d) = r.receive(&f, NOW).unwrap() {
            got.extend(d);
        }
    }
    assert_eq!(got, data);
}

#[test]
fn a_smaller_record_size_is_honoured_and_oversized_records_are_refused() {
    let limits = RecordLimits {
        max_plaintext: 1000,
        ..Default::default()
    };
    let (mut i, mut r, _, _) = sessions_with(limits);
    i.send(&[7u8; 2500], NOW).unwrap();
    assert_eq!(types(&i.take_output()), [msg_type::DATA; 3]);
    // a peer with the protocol maximum sends a bigger record: refused
    let (mut big, _, _, _) = sessions();
    big.send(&[1u8; 2000], NOW).unwrap();
    let f = frames(&big.take_output()).remove(0);
    assert_eq!(
        r.receive(&f, NOW).unwrap_err(),
        Error::RecordTooLarge {
            max: 1016,
            found: 2016
        }
    );
}

#[test]
fn tampered_replayed_and_reordered_records_never_release_plaintext() {
    let (mut i, mut r, _, _) = sessions();
    i.send(b"one", NOW).unwrap();
    i.send(b"two", NOW).unwrap();
    let fs = frames(&i.take_output());
    // tampered
    let mut bad = fs[0].clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert_eq!(
        r.receive(&bad, NOW).unwrap_err(),
        Error::RecordAuthentication
    );
    assert_eq!(
        r.receive(&fs[0], NOW).unwrap_err(),
        Error::SessionFailed,
        "no resynchronisation"
    );
    // reordered
    let (mut i, mut r, _, _) = sessions();
    i.send(b"one", NOW).unwrap();
    i.send(b"two", NOW).unwrap();
    let fs = frames(&i.take_output());
    assert_eq!(
        r.receive(&fs[1], NOW).unwrap_err(),
        Error::RecordAuthentication
    );
    // replayed
    let (mut i, mut r, _, _) = sessions();
    i.send(b"one", NOW).unwrap();
    let fs = frames(&i.take_output());
    assert_eq!(
        r.receive(&fs[0], NOW).unwrap(),
        Event::Data(b"one".to_vec())
    );
    assert_eq!(
        r.receive(&fs[0], NOW).unwrap_err(),
        Error::RecordAuthentication
    );
    // a record type changed in the header (authenticated as associated data)
    let (mut i, mut r, _, _) = sessions();
    i.send(b"one", NOW).unwrap();
    let mut f = frames(&i.take_output()).remove(0);
    f[1] = msg_type::CLOSE;
    assert_eq!(r.receive(&f, NOW).unwrap_err(), Error::RecordAuthentication);
}

#[test]
fn keys_update_after_the_record_limit() {
    let limits = RecordLimits {
        max_records_per_key: 4,
        ..Default::default()
    };
    let (mut i, mut r, _, _) = sessions_with(limits);
    for n in 0..10u8 {
        i.send(&[n], NOW).unwrap();
    }
    let out = i.take_output();
    let t = types(&out);
    assert_eq!(t.iter().filter(|&&x| x == msg_type::KEY_UPDATE).count(), 2);
    let mut got = Vec::new();
    for f in frames(&out) {
        if let Event::Data(d) = r.receive(&f, NOW).unwrap() {
            got.extend(d);
        }
    }
    assert_eq!(got, (0..10u8).collect::<Vec<_>>());
}

#[test]
fn keys_update_after_the_byte_limit_and_the_age_limit() {
    let limits = RecordLimits {
        max_bytes_per_key: 1000,
        max_key_age_ms: 60_000,
        ..Default::default()
    };
    let (mut i, mut r, _, _) = sessions_with(limits);
    i.send(&[1u8; 600], NOW).unwrap();
    i.send(&[2u8; 600], NOW).unwrap();
    i.send(&[3u8; 10], NOW).unwrap();
    let out = i.take_output();
    assert_eq!(
        types(&out),
        [
            msg_type::DATA,
            msg_type::DATA,
            msg_type::KEY_UPDATE,
            msg_type::DATA
        ]
    );
    let (ev, data) = {
        let mut ev = Vec::new();
        let mut data = Vec::new();
        for f in frames(&out) {
            match r.receive(&f, NOW).unwrap() {
                Event::Data(d) => data.extend(d),
                e => ev.push(e),
            }
        }
        (ev, data)
    };
    assert_eq!(ev, [Event::KeyUpdated]);
    assert_eq!(data.len(), 1210);
    // age: a minute later the next send updates first
    i.send(b"later", NOW + 60_000).unwrap();
    assert_eq!(
        types(&i.take_output()),
        [msg_type::KEY_UPDATE, msg_type::DATA]
    );
}

#[test]
fn a_requested_key_update_is_answered_by_the_peer() {
    let (mut i, mut r, _, _) = sessions();
    i.request_key_update(NOW).unwrap();
    let (ev, _) = deliver(&mut i, &mut r, NOW);
    assert_eq!(ev, [Event::KeyUpdated]);
    assert_eq!(
        types(&r.take_output()),
        [msg_type::KEY_UPDATE],
        "the peer updates its own key"
    );
    // and both directions still work (the reply was consumed above: redo with delivery)
    let (mut i, mut r, _, _) = sessions();
    i.request_key_update(NOW).unwrap();
    deliver(&mut i, &mut r, NOW);
    let (ev, _) = deliver(&mut r, &mut i, NOW);
    assert_eq!(ev, [Event::KeyUpdated]);
    r.send(b"after", NOW).unwrap();
    assert_eq!(deliver(&mut r, &mut i, NOW).1, b"after");
    i.send(b"after too", NOW).unwrap();
    assert_eq!(deliver(&mut i, &mut r, NOW).1, b"after too");
}

#[test]
fn close_is_authenticated_and_truncation_is_detected() {
    let (mut i, mut r, _, _) = sessions();
    i.send(b"last words", NOW).unwrap();
    assert_eq!(r.end_of_stream().unwrap_err(), Error::Truncated);
    i.close(NOW).unwrap();
    assert_eq!(i.send(b"more", NOW).unwrap_err(), Error::Closed);
    let (ev, data) = deliver(&mut i, &mut r, NOW);
    assert_eq!((ev, data), (vec![Event::Closed], b"last words".to_vec()));
    assert!(r.end_of_stream().is_ok());
    // a forged close (unauthenticated) is refused
    let (mut i, mut r, _, _) = sessions();
    i.close(NOW).unwrap();
    let mut f = frames(&i.take_output()).remove(0);
    let n = f.len();
    f[n - 2] ^= 0x80;
    assert_eq!(r.receive(&f, NOW).unwrap_err(), Error::RecordAuthentication);
    assert_eq!(r.end_of_stream().unwrap_err(), Error::Truncated);
}

#[test]
fn withdrawing_the_aead_in_flight_switches_both_directions_and_nothing_is_sent_under_it() {
    let (mut i, mut r, ip, _) = sessions();
    assert_eq!(i.send_aead(), cp::AES_256_GCM);
    // in flight: each side has records the other has not read yet
    i.send(b"before-1", NOW).unwrap();
    r.send(b"reply-1", NOW).unwrap();
    let i_in_flight = i.take_output();
    let r_in_flight = r.take_output();
    let (i_before, r_before) = (i.sealed_under().len(), r.sealed_under().len());

    ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    i.send(b"after-1", NOW).unwrap();
    assert_eq!(i.send_aead(), cp::CHACHA20_POLY1305);
    let i_after = i.take_output();
    assert_eq!(types(&i_after), [msg_type::AEAD_SWITCH, msg_type::DATA]);

    // the responder reads the old records, then the switch, and switches too
    let mut got = Vec::new();
    for f in frames(&[i_in_flight, i_after].concat()) {
        match r.receive(&f, NOW).unwrap() {
            Event::Data(d) => got.push(d),
            Event::AeadSwitched(a) => assert_eq!(a, cp::CHACHA20_POLY1305),
            e => panic!("{e:?}"),
        }
    }
    assert_eq!(got, [b"before-1".to_vec(), b"after-1".to_vec()]);
    assert_eq!(r.send_aead(), cp::CHACHA20_POLY1305);
    r.send(b"reply-2", NOW).unwrap();
    let mut got = Vec::new();
    for f in frames(&[r_in_flight, r.take_output()].concat()) {
        if let Event::Data(d) = i.receive(&f, NOW).unwrap() {
            got.push(d);
        }
    }
    assert_eq!(got, [b"reply-1".to_vec(), b"reply-2".to_vec()]);
    i.send(b"after-2", NOW).unwrap();
    assert_eq!(deliver(&mut i, &mut r, NOW).1, b"after-2");
    // the audit: every record sealed after the withdrawal used ChaCha20-Poly1305
    assert!(
        i.sealed_under()[i_before..]
            .iter()
            .all(|&a| a == cp::CHACHA20_POLY1305)
    );
    assert!(
        r.sealed_under()[r_before..]
            .iter()
            .all(|&a| a == cp::CHACHA20_POLY1305)
    );
    assert!(
        i.sealed_under()[..i_before]
            .iter()
            .all(|&a| a == cp::AES_256_GCM)
    );
}

#[test]
fn withdrawing_the_kem_family_in_flight_closes_the_session_with_an_authenticated_close() {
    let (mut i, mut r, ip, _) = sessions();
    i.send(b"before", NOW).unwrap();
    deliver(&mut i, &mut r, NOW);
    ip.withdraw(Withdrawal::Family(Family::CodeBased)); // ML-KEM-1024+HQC-256 rests on it
    assert_eq!(
        i.send(b"after", NOW).unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::ML_KEM_1024_HQC_256
        }
    );
    let out = i.take_output();
    assert_eq!(types(&out), [msg_type::CLOSE], "only the close; no data");
    assert_eq!(r.receive(&out, NOW).unwrap(), Event::Closed);
    assert_eq!(i.send(b"again", NOW).unwrap_err(), Error::SessionFailed);
}

#[test]
fn withdrawing_every_allowed_aead_stops_the_session_without_sending() {
    let (mut i, _r, ip, _) = sessions();
    ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    ip.withdraw(Withdrawal::Family(Family::Arx));
    assert_eq!(
        i.send(b"x", NOW).unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::AES_256_GCM
        }
    );
    assert!(i.take_output().is_empty());
}

#[test]
fn a_switch_to_an_aead_the_receivers_policy_forbids_is_refused() {
    let (mut i, mut r, ip, rp) = sessions();
    ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    rp.withdraw(Withdrawal::Family(Family::Arx));
    i.send(b"x", NOW).unwrap();
    let f = frames(&i.take_output()).remove(0);
    assert_eq!(
        r.receive(&f, NOW).unwrap_err(),
        Error::AeadSwitchRefused {
            codepoint: cp::CHACHA20_POLY1305
        }
    );
}
