//! [`Card::selftest`]: is every lane of this card computing the right thing?
//!
//! Two checks, one report per lane:
//!
//! 1. the card's built-in self-test (`CONTROL.SELFTEST`, docs/dma.md): a
//!    known answer on every lane at once, without DMA; its verdict per lane
//!    is `SELFTEST_RESULT`;
//! 2. the official [`KNOWN_ANSWERS`] through each lane by itself, by direct
//!    programming of the lane's registers (docs/dma.md, "Direct
//!    programming"), so that the lane under test is certain and the whole
//!    path (DMA reads, the core, DMA writes) is covered. Each answer is
//!    sealed (ciphertext and tag compared), opened (plaintext compared,
//!    `TAG_OK` required) and opened with a flipped tag bit (`TAG_FAIL`
//!    required).
//!
//! Direct jobs need the ring off, so the self-test stops the ring, and
//! restarts it afterwards (at index 0, as after [`Card::reset`]). Its key
//! goes into a free key slot, which is cleared after each answer; the keys
//! of the caller stay where they are. A lane that never finishes gets the
//! card soft-reset at the end (which wipes every key slot); the report says so.

use agilis_regmap::{Layout, TAG_LEN, lane, reg};
use zeroize::{Zeroize, Zeroizing};

use super::known_answers::{KNOWN_ANSWERS, KnownAnswer, KnownAnswerBytes, KnownAnswerSource};
use super::{Bus, Card, CardError, DmaBuffer, KeyAlg};

/// The step of a known answer that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KatStep {
    /// sealing: ciphertext and tag
    Seal,
    /// opening the right ciphertext and tag: plaintext, TAG_OK
    Open,
    /// opening with one tag bit flipped: TAG_FAIL
    TamperedOpen,
}

impl std::fmt::Display for KatStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KatStep::Seal => "seal",
            KatStep::Open => "open",
            KatStep::TamperedOpen => "open with a tampered tag",
        })
    }
}

/// One failed step of a known answer on a lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KatFailure {
    /// the known answer
    pub source: KnownAnswerSource,
    /// the step
    pub step: KatStep,
    /// what the lane did instead
    pub detail: String,
}

/// The self-test's verdict on one lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneReport {
    /// lane index
    pub lane: u32,
    /// its algorithm
    pub kind: KeyAlg,
    /// the built-in self-test passed on this lane (`SELFTEST_RESULT` bit)
    pub builtin_pass: bool,
    /// known answers whose every step passed
    pub kats_passed: u32,
    /// known answers with a failed step
    pub kats_failed: u32,
    /// the failed steps
    pub failures: Vec<KatFailure>,
}

impl LaneReport {
    /// True when the built-in test and every known answer passed.
    pub fn passed(&self) -> bool {
        self.builtin_pass && self.kats_failed == 0 && self.kats_passed > 0
    }
}

/// What [`Card::selftest`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelftestReport {
    /// one report per lane, in lane order
    pub lanes: Vec<LaneReport>,
    /// `STATUS.SELFTEST_PASS`: the built-in test passed on every lane
    pub builtin_pass: bool,
    /// A lane never finished a job, so the card was soft-reset at the end:
    /// every key slot was wiped (key handles of a
    /// [`CardEngine`](super::CardEngine) must be loaded again).
    pub reset_after_hang: bool,
}

impl SelftestReport {
    /// True when every lane passed.
    pub fn passed(&self) -> bool {
        self.builtin_pass && !self.lanes.is_empty() && self.lanes.iter().all(LaneReport::passed)
    }
}

/// A direct job's result: the lane's STATUS and its output (message bytes,
/// then the tag when sealing), read back whatever the status says.
struct DirectOutcome {
    status: u32,
    output: Zeroizing<Vec<u8>>,
}

/// A direct job's parameters.
struct DirectJob<'a> {
    slot: u32,
    decrypt: bool,
    nonce: &'a [u8; 16],
    ad: &'a [u8],
    msg: &'a [u8],
    /// the expected tag when opening
    tag: Option<&'a [u8; TAG_LEN]>,
}

impl<B: Bus> Card<B> {
    /// Runs the card's built-in self-test, then the official known answers
    /// through every lane; see the [module docs](self). Returns the report;
    /// an `Err` is a failure of the bus or of the card as a whole, after
    /// which the card is faulted (reset it).
    ///
    /// Needs one free key slot. Keys loaded by the caller stay loaded; the
    /// ring restarts empty, so call it between batches, never during one
    /// (`&mut self` makes sure of that).
    pub fn selftest(&mut self) -> Result<SelftestReport, CardError> {
        if self.faulted {
            return Err(CardError::Faulted);
        }
        let slot = (0..self.info.key_slots)
            .rev()
            .find(|&s| self.slot_algorithm(s).is_none())
            .ok_or(CardError::NoFreeKeySlot)?;
        let result = self.run_selftest(slot);
        match result {
            Ok(mut report) => {
                // Clear what the tests left: sticky errors (a failing lane's
                // job errors, ERROR.SELFTEST) and interrupt causes.
                let error_bits = self.bus.read32(reg::ERROR)?;
                self.bus.write32(reg::ERROR, error_bits)?;
                self.bus.write32(reg::IRQ_STATUS, u32::MAX)?;
                if report.reset_after_hang {
                    self.reset()?;
                } else {
                    self.start_ring()?;
                }
                report.lanes.sort_by_key(|l| l.lane);
                Ok(report)
            }
            Err(e) => {
                self.faulted = true;
                let _ = self.clear_key(slot);
                Err(e)
            }
        }
    }

    fn run_selftest(&mut self, slot: u32) -> Result<SelftestReport, CardError> {
        // Stop the ring (no batch is running: process() takes &mut self)
        // and mask interrupts: the waits below poll.
        self.bus.write32(reg::IRQ_ENABLE, 0)?;
        self.bus.write32(reg::CONTROL, 0)?;
        self.wait_for("the descriptor ring to stop", |bus| {
            Ok(bus.read32(reg::STATUS)? & reg::status::RING_ACTIVE == 0)
        })?;

        let (builtin_pass, builtin_lanes) = self.builtin_selftest()?;
        let mut report = SelftestReport {
            lanes: (0..self.info.lanes)
                .map(|lane| LaneReport {
                    lane,
                    kind: self.info.lane_alg(lane),
                    builtin_pass: builtin_lanes >> lane & 1 == 1,
                    kats_passed: 0,
                    kats_failed: 0,
                    failures: Vec::new(),
                })
                .collect(),
            builtin_pass,
            reset_after_hang: false,
        };
        let mut hung = vec![false; self.info.lanes as usize];
        for kat in KNOWN_ANSWERS {
            let bytes = kat.bytes().ok_or(CardError::Protocol {
                detail: "a built-in known answer is malformed",
            })?;
            self.load_key(slot, kat.alg, &bytes.key)?;
            for lane in report.lanes.iter_mut().filter(|l| l.kind == kat.alg) {
                if hung[lane.lane as usize] {
                    lane.kats_failed += 1;
                    continue;
                }
                match self.known_answer_on_lane(lane.lane, slot, kat, &bytes) {
                    Ok(failures) if failures.is_empty() => lane.kats_passed += 1,
                    Ok(failures) => {
                        lane.kats_failed += 1;
                        lane.failures.extend(failures);
                    }
                    Err(CardError::Timeout { waited, .. }) => {
                        hung[lane.lane as usize] = true;
                        report.reset_after_hang = true;
                        lane.kats_failed += 1;
                        lane.failures.push(KatFailure {
                            source: kat.source,
                            step: KatStep::Seal,
                            detail: format!("the lane did not finish within {waited:?}"),
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
            self.clear_key(slot)?;
        }
        Ok(report)
    }

    /// CONTROL.SELFTEST; returns STATUS.SELFTEST_PASS and SELFTEST_RESULT.
    fn builtin_selftest(&mut self) -> Result<(bool, u32), CardError> {
        // A refused start sets ERROR.BUSY, and SELFTEST_DONE may be left
        // from an earlier run: clear BUSY first to tell the two apart.
        self.bus.write32(reg::ERROR, reg::error::BUSY)?;
        self.bus.write32(reg::CONTROL, reg::control::SELFTEST)?;
        if self.bus.read32(reg::ERROR)? & reg::error::BUSY != 0 {
            let error_bits = self.bus.read32(reg::ERROR)?;
            return Err(CardError::Card { error_bits });
        }
        self.wait_for("the built-in self-test", |bus| {
            let status = bus.read32(reg::STATUS)?;
            Ok(
                status & reg::status::SELFTEST_BUSY == 0
                    && status & reg::status::SELFTEST_DONE != 0,
            )
        })?;
        let pass = self.bus.read32(reg::STATUS)? & reg::status::SELFTEST_PASS != 0;
        let lanes = self.bus.read32(reg::SELFTEST_RESULT)?;
        Ok((pass, lanes))
    }

    /// Seals, opens and opens tampered one known answer on one lane; the
    /// failed steps. `Err`: the bus failed, or the lane did not finish.
    fn known_answer_on_lane(
        &mut self,
        lane: u32,
        slot: u32,
        kat: &KnownAnswer,
        b: &KnownAnswerBytes,
    ) -> Result<Vec<KatFailure>, CardError> {
        let mut failures = Vec::new();
        let mut fail = |step, detail: String| {
            failures.push(KatFailure {
                source: kat.source,
                step,
                detail,
            })
        };
        let (ct, tag) = b.ct.split_at(b.ct.len() - TAG_LEN);
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| CardError::Protocol {
            detail: "a built-in known answer is malformed",
        })?;
        let seal = DirectJob {
            slot,
            decrypt: false,
            nonce: &b.nonce,
            ad: &b.ad,
            msg: &b.pt,
            tag: None,
        };
        let sealed = self.run_direct(lane, &seal)?;
        if let Some(problem) = job_problem(sealed.status, false) {
            fail(KatStep::Seal, problem);
        } else if sealed.output[..] != b.ct[..] {
            fail(
                KatStep::Seal,
                format!(
                    "ciphertext‖tag {} instead of {}",
                    hex::encode(&sealed.output),
                    hex::encode(&b.ct)
                ),
            );
        }

        let open = DirectJob {
            decrypt: true,
            msg: ct,
            tag: Some(tag),
            ..seal
        };
        let opened = self.run_direct(lane, &open)?;
        if let Some(problem) = job_problem(opened.status, true) {
            fail(KatStep::Open, problem);
        } else if opened.status & lane::status::TAG_OK == 0 {
            fail(KatStep::Open, "the tag did not verify".into());
        } else if opened.output[..] != b.pt[..] {
            fail(KatStep::Open, "wrong plaintext".into());
        }

        let mut bad_tag = *tag;
        bad_tag[0] ^= 1;
        let tampered = DirectJob {
            tag: Some(&bad_tag),
            ..open
        };
        let refused = self.run_direct(lane, &tampered)?;
        if let Some(problem) = job_problem(refused.status, true) {
            fail(KatStep::TamperedOpen, problem);
        } else if refused.status & lane::status::TAG_FAIL == 0
            || refused.status & lane::status::TAG_OK != 0
        {
            fail(KatStep::TamperedOpen, "a tampered tag was accepted".into());
        }
        Ok(failures)
    }

    /// One job on `lane` through its registers: stage, start, wait for
    /// DONE, read STATUS and the destination, wipe and free the buffers.
    /// Sealing's output is message ‖ tag, opening's the message.
    fn run_direct(
        &mut self,
        lane_idx: u32,
        job: &DirectJob<'_>,
    ) -> Result<DirectOutcome, CardError> {
        let layout = Layout {
            ad_len: job.ad.len(),
            msg_len: job.msg.len(),
            decrypt: job.decrypt,
        };
        let mut source = Zeroizing::new(vec![0u8; layout.src_len()]);
        layout.write_source(&mut source, job.ad, job.msg, job.tag);
        // An empty section takes no space, but a buffer has at least one beat.
        let src = self.bus.alloc_dma(layout.src_len().max(16))?;
        let dst = match self.bus.alloc_dma(layout.dst_len().max(16)) {
            Ok(dst) => dst,
            Err(e) => {
                self.bus.free_dma(src)?;
                return Err(e.into());
            }
        };
        self.bus.dma_write(&src, 0, &source)?;

        let at = |offset| lane::at(lane_idx, offset);
        let (s, d) = (src.bus_addr(), dst.bus_addr());
        for (offset, value) in [
            (lane::KEY_SLOT, job.slot),
            (lane::AD_LEN, layout.ad_len as u32),
            (lane::MSG_LEN, layout.msg_len as u32),
            (lane::SRC_LO, s as u32),
            (lane::SRC_HI, (s >> 32) as u32),
            (lane::DST_LO, d as u32),
            (lane::DST_HI, (d >> 32) as u32),
        ] {
            self.bus.write32(at(offset), value)?;
        }
        for (i, word) in job.nonce.chunks_exact(4).enumerate() {
            let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            self.bus
                .write32(at(lane::NONCE + lane::NONCE_STRIDE * i as u32), word)?;
        }
        let decrypt = if job.decrypt { lane::ctrl::DECRYPT } else { 0 };
        self.bus
            .write32(at(lane::CTRL), lane::ctrl::START | decrypt)?;
        // A lane that never finishes may still write its destination: its
        // buffers are leaked, not reused (the caller resets the card).
        self.wait_for("a self-test job on a lane", |bus| {
            let status = bus.read32(at(lane::STATUS))?;
            Ok(status & lane::status::DONE != 0 && status & lane::status::BUSY == 0)
        })?;
        let status = self.bus.read32(at(lane::STATUS))?;
        // Read the whole destination, as the ring's reaping does.
        let mut written = Zeroizing::new(vec![0u8; dst.len()]);
        self.bus.dma_read(&dst, 0, &mut written)?;
        let mut output = Zeroizing::new(written[..layout.msg_len].to_vec());
        if !job.decrypt {
            let t = layout.dst_tag_offset();
            output.extend_from_slice(&written[t..t + TAG_LEN]);
        }
        written.zeroize();
        self.wipe_and_free(src)?;
        self.wipe_and_free(dst)?;
        // Job errors are in STATUS; clear the lane's sticky copy.
        self.bus.write32(at(lane::ERROR), u32::MAX)?;
        Ok(DirectOutcome { status, output })
    }

    fn wipe_and_free(&mut self, buffer: DmaBuffer) -> Result<(), CardError> {
        self.bus.dma_write(&buffer, 0, &vec![0u8; buffer.len()])?;
        self.bus.free_dma(buffer)?;
        Ok(())
    }
}

/// What is wrong with a finished job's STATUS, before its output is looked at.
fn job_problem(status: u32, decrypt: bool) -> Option<String> {
    if status & lane::status::ERROR != 0 {
        let bits = lane::status::JOB_ERROR.get(status);
        let names: Vec<&str> = agilis_regmap::error_names(bits).collect();
        return Some(format!(
            "the lane reported job errors: {}",
            names.join(" | ")
        ));
    }
    if !decrypt && status & (lane::status::TAG_OK | lane::status::TAG_FAIL) != 0 {
        return Some(format!(
            "a seal reported a tag verdict (STATUS {status:#x})"
        ));
    }
    None
}
