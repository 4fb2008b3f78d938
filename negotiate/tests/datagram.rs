//! Datagram mode: loss, reordering, duplicates, the replay window, forgeries,
//! sequence and epoch limits, epochs across reordering, size, close and the
//! registry withdrawing algorithms under a datagram session in flight.

mod common;

use std::collections::HashSet;

use agilis_negotiate::datagram::{
    DATAGRAM_HEADER_LEN, HARD_DATAGRAM_LIMIT, MAX_EPOCH_SKIP, REPLAY_WINDOW, ReplayWindow,
    datagram_type,
};
use agilis_negotiate::{DatagramEvent, DatagramLimits, DatagramSession, Error, Policy};
use agilis_suites::Family;
use agilis_suites::registry::{Withdrawal, codepoint as cp};
use common::*;

struct Pair {
    i: DatagramSession,
    r: DatagramSession,
    ip: Policy,
    rp: Policy,
}

fn pair_with(limits: DatagramLimits) -> Pair {
    let pki = Pki::new();
    let ic = pki.config(pki.anchor("subnet-a"));
    let rc = pki.config(pki.anchor("subnet-b"));
    let (ip, rp) = (ic.policy.clone(), rc.policy.clone());
    let (mut i, mut r) = handshake(ic, rc).unwrap();
    Pair {
        i: i.datagram(limits, NOW).unwrap(),
        r: r.datagram(limits, NOW).unwrap(),
        ip,
        rp,
    }
}

fn pair() -> Pair {
    pair_with(DatagramLimits::default())
}

/// Seals `n` datagrams carrying their index; returns them in order.
fn sent(s: &mut DatagramSession, n: usize) -> Vec<Vec<u8>> {
    for k in 0..n {
        s.send(&(k as u32).to_be_bytes(), NOW).unwrap();
    }
    s.take_datagrams()
}

fn data(k: usize) -> DatagramEvent {
    DatagramEvent::Data((k as u32).to_be_bytes().to_vec())
}

fn aead_of(d: &[u8]) -> u16 {
    u16::from_be_bytes([d[2], d[3]])
}

fn epoch_of(d: &[u8]) -> u16 {
    u16::from_be_bytes([d[4], d[5]])
}

fn seq_of(d: &[u8]) -> u64 {
    u64::from_be_bytes(d[6..14].try_into().unwrap())
}

#[test]
fn the_header_carries_version_type_aead_epoch_and_sequence() {
    let mut p = pair();
    let ds = sent(&mut p.i, 3);
    for (k, d) in ds.iter().enumerate() {
        assert_eq!((d[0], d[1]), (1, datagram_type::DATA));
        assert_eq!(
            (aead_of(d), epoch_of(d), seq_of(d)),
            (cp::AES_256_GCM, 0, k as u64)
        );
        assert_eq!(d.len(), DATAGRAM_HEADER_LEN + 4 + 16);
    }
}

#[test]
fn lost_and_reordered_datagrams_inside_the_window_open_once_each() {
    let mut p = pair();
    let ds = sent(&mut p.i, 10);
    // 1, 4 and 8 are lost; the rest arrive out of order
    for k in [9, 3, 0, 7, 2, 6, 5] {
        assert_eq!(p.r.receive(&ds[k], NOW).unwrap(), data(k), "datagram {k}");
    }
    // a late one, still inside the window
    assert_eq!(p.r.receive(&ds[1], NOW).unwrap(), data(1));
}

#[test]
fn duplicates_are_rejected_and_the_session_goes_on() {
    let mut p = pair();
    let ds = sent(&mut p.i, 3);
    assert_eq!(p.r.receive(&ds[1], NOW).unwrap(), data(1));
    assert_eq!(
        p.r.receive(&ds[1], NOW).unwrap_err(),
        Error::DatagramReplayed { epoch: 0, seq: 1 }
    );
    assert_eq!(p.r.receive(&ds[0], NOW).unwrap(), data(0));
    assert_eq!(
        p.r.receive(&ds[0], NOW).unwrap_err(),
        Error::DatagramReplayed { epoch: 0, seq: 0 }
    );
    assert_eq!(p.r.receive(&ds[2], NOW).unwrap(), data(2));
}

#[test]
fn datagrams_behind_the_window_are_rejected_at_its_exact_edge() {
    let mut p = pair();
    let n = REPLAY_WINDOW as usize + 6;
    let ds = sent(&mut p.i, n);
    let newest = n - 1; // 1029
    assert_eq!(p.r.receive(&ds[newest], NOW).unwrap(), data(newest));
    assert_eq!(
        p.r.receive(&ds[5], NOW).unwrap_err(),
        Error::DatagramTooOld {
            epoch: 0,
            seq: 5,
            newest: newest as u64
        }
    );
    assert_eq!(
        p.r.receive(&ds[6], NOW).unwrap(),
        data(6),
        "newest - 1023 is inside"
    );
}

#[test]
fn forgeries_are_rejected_and_never_move_the_window() {
    let mut p = pair();
    let ds = sent(&mut p.i, 8);
    let tampered = |at: usize, bit: u8| {
        let mut d = ds[5].clone();
        d[at] ^= bit;
        d
    };
    let n = ds[5].len();
    let forgeries = [
        tampered(13, 0x01),                  // seq 5 → 4
        tampered(10, 0x80),                  // seq 5 + 2^31: would wipe the window if it moved
        tampered(10, 0x04),                  // seq 5 + 2^26 (inside the hard limit)
        tampered(DATAGRAM_HEADER_LEN, 0x01), // ciphertext
        tampered(n - 1, 0x01),               // tag
        tampered(1, 0x01),                   // type DATA → CLOSE
        tampered(5, 0x01),                   // epoch 0 → 1: a key derived for nothing
    ];
    for (k, f) in forgeries.iter().enumerate() {
        assert_eq!(
            p.r.receive(f, NOW).unwrap_err(),
            Error::RecordAuthentication,
            "forgery {k}"
        );
    }
    // the AEAD field changed: another AEAD than the epoch's never authenticates
    let mut f = ds[5].clone();
    f[2..4].copy_from_slice(&cp::CHACHA20_POLY1305.to_be_bytes());
    assert_eq!(
        p.r.receive(&f, NOW).unwrap_err(),
        Error::RecordAuthentication
    );
    // nothing moved: every genuine datagram still opens, the peer did not close, epoch 0 holds
    assert!(!p.r.peer_closed());
    assert_eq!(p.r.recv_epoch(), 0);
    for (k, d) in ds.iter().enumerate() {
        assert_eq!(p.r.receive(d, NOW).unwrap(), data(k));
    }
    // a truncated datagram and a bad version are malformed, not forged
    assert!(matches!(
        p.r.receive(&ds[0][..DATAGRAM_HEADER_LEN + 3], NOW)
            .unwrap_err(),
        Error::Decode { .. }
    ));
    let mut v = ds[0].clone();
    v[0] = 2;
    assert_eq!(
        p.r.receive(&v, NOW).unwrap_err(),
        Error::UnsupportedVersion {
            what: "datagram",
            found: 2
        }
    );
}

#[test]
fn the_sequence_limit_opens_a_new_epoch_and_the_epoch_limit_stops_sending() {
    let limits = DatagramLimits {
        max_datagrams_per_epoch: 4,
        max_epochs: 3,
        ..Default::default()
    };
    let mut p = pair_with(limits);
    let ds = sent(&mut p.i, 12);
    let tags: Vec<(u16, u64)> = ds.iter().map(|d| (epoch_of(d), seq_of(d))).collect();
    let want: Vec<(u16, u64)> = (0..12).map(|k| ((k / 4) as u16, (k % 4) as u64)).collect();
    assert_eq!(
        tags, want,
        "the sequence restarts at 0 in each epoch: no nonce repeats"
    );
    for (k, d) in ds.iter().enumerate() {
        assert_eq!(p.r.receive(d, NOW).unwrap(), data(k));
    }
    assert_eq!(p.i.send(b"13th", NOW).unwrap_err(), Error::KeyLimitExceeded);
    assert!(p.i.take_datagrams().is_empty());
    // the receiver refuses sequence numbers past its hard limit before any crypto
    let mut beyond = ds[11].clone();
    beyond[6..14].copy_from_slice(&HARD_DATAGRAM_LIMIT.to_be_bytes());
    assert_eq!(
        p.r.receive(&beyond, NOW).unwrap_err(),
        Error::KeyLimitExceeded
    );
    beyond[6..14].copy_from_slice(&u64::MAX.to_be_bytes());
    assert_eq!(
        p.r.receive(&beyond, NOW).unwrap_err(),
        Error::KeyLimitExceeded
    );
}

#[test]
fn byte_and_age_limits_and_requests_open_new_epochs() {
    let limits = DatagramLimits {
        max_bytes_per_epoch: 1000,
        max_epoch_age_ms: 60_000,
        ..Default::default()
    };
    let mut p = pair_with(limits);
    p.i.send(&[1; 600], NOW).unwrap();
    p.i.send(&[2; 600], NOW).unwrap();
    p.i.send(&[3; 10], NOW).unwrap();
    p.i.send(&[4; 10], NOW + 60_000).unwrap();
    p.i.request_key_update().unwrap();
    p.i.send(&[5; 10], NOW + 60_000).unwrap();
    let ds = p.i.take_datagrams();
    let epochs: Vec<u16> = ds.iter().map(|d| epoch_of(d)).collect();
    assert_eq!(epochs, [0, 0, 1, 2, 3]);
    for d in &ds {
        assert!(matches!(
            p.r.receive(d, NOW).unwrap(),
            DatagramEvent::Data(_)
        ));
    }
    assert_eq!(p.r.recv_epoch(), 3);
}

#[test]
fn reordering_across_an_epoch_change_opens_under_the_kept_previous_epoch() {
    let limits = DatagramLimits {
        max_datagrams_per_epoch: 4,
        ..Default::default()
    };
    let mut p = pair_with(limits);
    let ds = sent(&mut p.i, 8); // epoch 0: 0..4, epoch 1: 4..8
    for k in [0, 5, 2, 4, 1, 7] {
        assert_eq!(p.r.receive(&ds[k], NOW).unwrap(), data(k), "datagram {k}");
    }
    assert_eq!(p.r.recv_epoch(), 1);
    assert_eq!(
        p.r.receive(&ds[2], NOW).unwrap_err(),
        Error::DatagramReplayed { epoch: 0, seq: 2 },
        "the previous epoch keeps its own window"
    );
    // after the grace time the previous epoch is gone
    let late = NOW + DatagramLimits::default().previous_epoch_ms + 1;
    assert_eq!(
        p.r.receive(&ds[3], late).unwrap_err(),
        Error::DatagramEpochUnknown {
            epoch: 0,
            current: 1
        }
    );
    assert_eq!(p.r.receive(&ds[6], late).unwrap(), data(6));
}

#[test]
fn the_previous_epoch_opens_a_bounded_number_of_datagrams() {
    let limits = DatagramLimits {
        max_datagrams_per_epoch: 4,
        previous_epoch_datagrams: 1,
        ..Default::default()
    };
    let mut p = pair_with(limits);
    let ds = sent(&mut p.i, 8);
    assert_eq!(p.r.receive(&ds[4], NOW).unwrap(), data(4));
    assert_eq!(p.r.receive(&ds[0], NOW).unwrap(), data(0));
    assert_eq!(
        p.r.receive(&ds[1], NOW).unwrap_err(),
        Error::DatagramEpochUnknown {
            epoch: 0,
            current: 1
        }
    );
}

#[test]
fn a_receiver_skips_lost_epochs_up_to_its_bound() {
    let limits = DatagramLimits {
        max_datagrams_per_epoch: 1,
        ..Default::default()
    };
    let mut p = pair_with(limits);
    let far = MAX_EPOCH_SKIP as usize;
    let ds = sent(&mut p.i, far + 2); // one datagram per epoch
    assert_eq!(
        p.r.receive(&ds[far + 1], NOW).unwrap_err(),
        Error::DatagramEpochUnknown {
            epoch: far as u16 + 1,
            current: 0
        }
    );
    assert_eq!(p.r.receive(&ds[far], NOW).unwrap(), data(far));
    assert_eq!(p.r.recv_epoch(), far as u16);
    assert_eq!(p.r.receive(&ds[far + 1], NOW).unwrap(), data(far + 1));
    // epochs older than the previous one are gone
    assert_eq!(
        p.r.receive(&ds[1], NOW).unwrap_err(),
        Error::DatagramEpochUnknown {
            epoch: 1,
            current: far as u16 + 1
        }
    );
}

#[test]
fn oversized_datagrams_are_refused_on_both_sides() {
    let mut p = pair();
    let max = p.i.max_plaintext();
    assert_eq!(max, 1400 - DATAGRAM_HEADER_LEN - 16);
    assert_eq!(
        p.i.send(&vec![0; max + 1], NOW).unwrap_err(),
        Error::RecordTooLarge {
            max,
            found: max + 1
        }
    );
    assert_eq!(
        p.i.send_batch(&[b"small", &vec![0; max + 1]], NOW)
            .unwrap_err(),
        Error::RecordTooLarge {
            max,
            found: max + 1
        },
        "the batch is refused whole"
    );
    assert!(p.i.take_datagrams().is_empty());
    p.i.send(&vec![7; max], NOW).unwrap();
    let d = p.i.take_datagrams().remove(0);
    assert_eq!(d.len(), 1400);
    assert_eq!(
        p.r.receive(&d, NOW).unwrap(),
        DatagramEvent::Data(vec![7; max])
    );
    // a peer with a larger maximum: refused by size, before any crypto
    let mut big = pair_with(DatagramLimits {
        max_datagram: 4000,
        ..Default::default()
    });
    big.i.send(&[1; 2000], NOW).unwrap();
    let d = big.i.take_datagrams().remove(0);
    assert_eq!(
        p.r.receive(&d, NOW).unwrap_err(),
        Error::RecordTooLarge {
            max: 1400,
            found: 2000 + DATAGRAM_HEADER_LEN + 16
        }
    );
}

#[test]
fn close_is_authenticated_and_ends_both_directions() {
    let mut p = pair();
    p.i.send(b"last", NOW).unwrap();
    p.i.close(NOW).unwrap();
    assert_eq!(p.i.send(b"more", NOW).unwrap_err(), Error::Closed);
    let ds = p.i.take_datagrams();
    assert_eq!(ds[1][1], datagram_type::CLOSE);
    // a forged close is dropped and changes nothing
    let mut forged = ds[1].clone();
    let n = forged.len();
    forged[n - 3] ^= 0x20;
    assert_eq!(
        p.r.receive(&forged, NOW).unwrap_err(),
        Error::RecordAuthentication
    );
    assert!(!p.r.peer_closed());
    // the close overtakes the data: once closed nothing more is accepted
    assert_eq!(p.r.receive(&ds[1], NOW).unwrap(), DatagramEvent::Closed);
    assert!(p.r.peer_closed());
    assert_eq!(p.r.receive(&ds[0], NOW).unwrap_err(), Error::Closed);
    assert_eq!(p.r.receive(&ds[1], NOW).unwrap_err(), Error::Closed);
}

#[test]
fn a_handshake_yields_exactly_one_datagram_session_independent_of_the_stream() {
    let pki = Pki::new();
    let (mut i, mut r) = handshake(
        pki.config(pki.anchor("subnet-a")),
        pki.config(pki.anchor("subnet-b")),
    )
    .unwrap();
    // the stream moves on (records and a key update) before the datagram session is derived
    i.request_key_update(NOW).unwrap();
    i.send(b"stream", NOW).unwrap();
    for f in frames(&i.take_output()) {
        r.receive(&f, NOW).unwrap();
    }
    let mut di = i.datagram(DatagramLimits::default(), NOW).unwrap();
    let mut dr = r.datagram(DatagramLimits::default(), NOW).unwrap();
    assert_eq!(
        i.datagram(DatagramLimits::default(), NOW).unwrap_err(),
        Error::DatagramSessionTaken
    );
    di.send(b"to r", NOW).unwrap();
    dr.send(b"to i", NOW).unwrap();
    let (a, b) = (di.take_datagrams(), dr.take_datagrams());
    assert_ne!(a[0][DATAGRAM_HEADER_LEN..], b[0][DATAGRAM_HEADER_LEN..]);
    assert_eq!(
        dr.receive(&a[0], NOW).unwrap(),
        DatagramEvent::Data(b"to r".to_vec())
    );
    assert_eq!(
        di.receive(&b[0], NOW).unwrap(),
        DatagramEvent::Data(b"to i".to_vec())
    );
    // a datagram is not a record and a record is not a datagram
    assert!(
        dr.receive(&b[0], NOW).is_err(),
        "our own direction's datagram does not open"
    );
    // the stream still works beside it
    i.send(b"still", NOW).unwrap();
    let f = frames(&i.take_output()).remove(0);
    assert_eq!(
        r.receive(&f, NOW).unwrap(),
        agilis_negotiate::Event::Data(b"still".to_vec())
    );
}

#[test]
fn withdrawing_the_aead_in_flight_moves_both_directions_to_a_new_epoch_under_an_allowed_one() {
    let mut p = pair();
    let before = sent(&mut p.i, 3);
    let r_before = sent(&mut p.r, 2);
    p.ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    let after = sent(&mut p.i, 3);
    assert_eq!(p.i.send_aead(), cp::CHACHA20_POLY1305);
    assert!(
        after
            .iter()
            .all(|d| aead_of(d) == cp::CHACHA20_POLY1305 && epoch_of(d) == 1),
        "nothing is sealed under AES-256-GCM after the withdrawal"
    );
    // the responder gets old and new interleaved (reordered across the switch)
    let order = [
        &after[1], &before[2], &after[0], &before[0], &after[2], &before[1],
    ];
    let mut got: Vec<DatagramEvent> = order.iter().map(|d| p.r.receive(d, NOW).unwrap()).collect();
    got.sort_by_key(|e| format!("{e:?}"));
    let mut want: Vec<DatagramEvent> = (0..3).flat_map(|k| [data(k), data(k)]).collect();
    want.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(got, want);
    // the responder follows onto ChaCha20-Poly1305 with its next datagram
    let r_after = sent(&mut p.r, 2);
    assert!(
        r_after
            .iter()
            .all(|d| aead_of(d) == cp::CHACHA20_POLY1305 && epoch_of(d) == 1)
    );
    assert_eq!(p.r.send_aead(), cp::CHACHA20_POLY1305);
    // the initiator still opens the responder's in-flight AES datagrams (receive side only)
    for (k, d) in r_before.iter().chain(&r_after).enumerate() {
        assert_eq!(p.i.receive(d, NOW).unwrap(), data(k % 2));
    }
}

#[test]
fn withdrawing_the_kem_family_closes_the_datagram_session_with_an_authenticated_close() {
    let mut p = pair();
    let before = sent(&mut p.i, 1);
    p.ip.withdraw(Withdrawal::Family(Family::CodeBased)); // ML-KEM-1024+HQC-256 rests on it
    assert_eq!(
        p.i.send(b"after", NOW).unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::ML_KEM_1024_HQC_256
        }
    );
    let out = p.i.take_datagrams();
    assert_eq!(out.len(), 1, "only the close; no data");
    assert_eq!(out[0][1], datagram_type::CLOSE);
    assert_eq!(p.r.receive(&before[0], NOW).unwrap(), data(0));
    assert_eq!(p.r.receive(&out[0], NOW).unwrap(), DatagramEvent::Closed);
    assert_eq!(p.i.send(b"again", NOW).unwrap_err(), Error::SessionFailed);
    assert_eq!(
        p.i.receive(&before[0], NOW).unwrap_err(),
        Error::SessionFailed
    );
}

#[test]
fn withdrawing_every_allowed_aead_stops_without_sending() {
    let mut p = pair();
    p.ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    p.ip.withdraw(Withdrawal::Family(Family::Arx));
    assert_eq!(
        p.i.send(b"x", NOW).unwrap_err(),
        Error::SuiteWithdrawn {
            codepoint: cp::AES_256_GCM
        }
    );
    assert!(p.i.take_datagrams().is_empty());
}

#[test]
fn an_epoch_under_an_aead_the_receivers_policy_forbids_is_refused() {
    let mut p = pair();
    p.ip.withdraw(Withdrawal::Family(Family::BlockCipher));
    p.rp.withdraw(Withdrawal::Family(Family::Arx));
    let d = sent(&mut p.i, 1).remove(0);
    assert_eq!(
        p.r.receive(&d, NOW).unwrap_err(),
        Error::AeadSwitchRefused {
            codepoint: cp::CHACHA20_POLY1305
        }
    );
    assert_eq!(p.r.recv_epoch(), 0);
}

/// The window against a plain model (a set of accepted numbers) on a
/// deterministic pseudo-random walk of arrivals.
#[test]
fn the_replay_window_matches_a_reference_model() {
    let mut w = ReplayWindow::default();
    let mut seen = HashSet::new();
    let mut highest: Option<u64> = None;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut base = 0u64;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        base += x % 3; // drifts forward
        let seq = (base + x % 2100).saturating_sub(1050);
        let want = match highest {
            Some(h) if seq + REPLAY_WINDOW <= h => "old",
            _ if seen.contains(&seq) => "dup",
            _ => "ok",
        };
        let got = match w.check(0, seq) {
            Ok(()) => "ok",
            Err(Error::DatagramTooOld { .. }) => "old",
            Err(Error::DatagramReplayed { .. }) => "dup",
            Err(e) => panic!("{e}"),
        };
        assert_eq!(got, want, "seq {seq}, highest {highest:?}");
        // accept only some (as if others failed their tag): check must not have changed anything
        if got == "ok" && !x.is_multiple_of(5) {
            w.accept(seq);
            seen.insert(seq);
            highest = highest.max(Some(seq));
            assert_eq!(w.highest(), highest);
        }
    }
}
