//! Batches of jobs through the card's descriptor ring (`docs/dma.md`):
//! stage each job's buffers, post its descriptor, ring the doorbell once,
//! wait (interrupt + deadline) for RING_CONS to move, reap in ring order,
//! and wipe and free every buffer.
//!
//! Fail closed: a decryption's output leaves the card's memory only when its
//! status says DONE + TAG_OK and no ERROR; otherwise the caller's buffer is
//! wiped and emptied. DMA memory is wiped before it is freed (it held
//! plaintext). After a fatal error (bus failure, timeout) the card is
//! soft-reset so that it stops writing; if even that fails, the buffers of
//! the jobs in flight are leaked rather than reused.

use std::collections::VecDeque;

use agilis_regmap::{DescStatus, Descriptor, Layout, TAG_LEN, desc, reg};
use zeroize::{Zeroize, Zeroizing};

use super::{Bus, Card, CardError, DmaBuffer};
use crate::{Direction, Error, Result};

/// One job for the card, on a loaded key slot. The buffer follows the
/// [crate contract](crate): plaintext → `ciphertext ‖ tag` when sealing,
/// `ciphertext ‖ tag` → plaintext when opening.
#[derive(Debug)]
pub struct CardJob<'a> {
    /// a key slot loaded by [`Card::load_key`]
    pub slot: u32,
    /// seal or open
    pub direction: Direction,
    /// the nonce, zero-padded to 16 bytes (GCM: bytes 0..12)
    pub nonce: [u8; 16],
    /// associated data
    pub aad: &'a [u8],
    /// payload, transformed in place
    pub buffer: &'a mut Vec<u8>,
}

impl CardJob<'_> {
    /// The message length: the whole buffer when sealing, without the tag when opening.
    fn msg_len(&self) -> Option<usize> {
        match self.direction {
            Direction::Seal => Some(self.buffer.len()),
            Direction::Open => self.buffer.len().checked_sub(TAG_LEN),
        }
    }
}

/// A job whose descriptor is on the ring.
struct Posted {
    job: usize,
    src: DmaBuffer,
    dst: DmaBuffer,
    layout: Layout,
}

impl<B: Bus> Card<B> {
    /// Runs a batch; one result per job, in order. Card failures are
    /// [`Error::Card`]; a tag that does not verify is
    /// [`Error::AuthenticationFailed`].
    pub fn process(&mut self, jobs: &mut [CardJob<'_>]) -> Vec<Result<()>> {
        let mut results: Vec<Option<Result<()>>> = jobs.iter().map(|_| None).collect();
        let mut queue = VecDeque::new();
        for (i, job) in jobs.iter().enumerate() {
            match self.check(job) {
                Ok(()) => queue.push_back(i),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        let mut in_flight = VecDeque::new();
        if let Err(e) = self.drive(jobs, &mut queue, &mut in_flight, &mut results) {
            self.fail_batch(e, &mut queue, &mut in_flight, &mut results);
        }
        jobs.iter_mut()
            .zip(results)
            .map(|(job, r)| {
                let r = r.unwrap_or(Err(Error::Card(CardError::Faulted)));
                if r.is_err() && job.direction == Direction::Open {
                    job.buffer.zeroize();
                    job.buffer.clear();
                }
                r
            })
            .collect()
    }

    /// Refuses what the card would refuse, before any DMA.
    fn check(&self, job: &CardJob<'_>) -> Result<()> {
        if self.faulted {
            return Err(CardError::Faulted.into());
        }
        if self.slot_algorithm(job.slot).is_none() {
            return Err(Error::UnknownKey);
        }
        let max = self.info.max_len as usize;
        let Some(msg_len) = job.msg_len() else {
            return Err(Error::Aead(agilis_suites::Error::InvalidLength {
                what: "ciphertext (minimum: the tag)",
                expected: TAG_LEN,
                found: job.buffer.len(),
            }));
        };
        for (what, found) in [("associated data", job.aad.len()), ("message", msg_len)] {
            if found > max {
                return Err(CardError::TooLong { what, max, found }.into());
            }
        }
        Ok(())
    }

    /// Posts and reaps until every queued job has completed. An `Err` is
    /// fatal for the batch; per-job failures go into `results`.
    fn drive(
        &mut self,
        jobs: &mut [CardJob<'_>],
        queue: &mut VecDeque<usize>,
        in_flight: &mut VecDeque<Posted>,
        results: &mut [Option<Result<()>>],
    ) -> std::result::Result<(), CardError> {
        let mut last_progress = self.bus.now();
        loop {
            self.post_while_room(jobs, queue, in_flight)?;
            if in_flight.is_empty() {
                break;
            }
            // Clear the interrupt before reading RING_CONS: a completion after
            // the read raises it again, so no wake-up is lost.
            self.bus.write32(
                reg::IRQ_STATUS,
                reg::irq_status::RING | reg::irq_status::ERROR,
            )?;
            let cons = self.bus.read32(reg::RING_CONS)?;
            let ring = self.ring.as_ref().ok_or(CardError::Faulted)?;
            let completed = cons.wrapping_sub(ring.cons);
            if completed as usize > in_flight.len() {
                return Err(CardError::Protocol {
                    detail: "RING_CONS moved past the descriptors posted",
                });
            }
            if completed == 0 {
                let error_bits = self.bus.read32(reg::ERROR)?;
                if error_bits & reg::error::RING_CONFIG != 0 {
                    return Err(CardError::Card { error_bits });
                }
                let waited = self.bus.now().saturating_sub(last_progress);
                if waited >= self.timeout {
                    return Err(CardError::Timeout {
                        what: "descriptor ring completions",
                        waited,
                    });
                }
                self.bus.wait_interrupt(self.timeout - waited)?;
                continue;
            }
            for _ in 0..completed {
                let posted = in_flight.pop_front().ok_or(CardError::Faulted)?;
                let status = self.reap_status()?;
                results[posted.job] = Some(self.finish(&mut jobs[posted.job], &posted, status)?);
                self.release(posted)?;
            }
            last_progress = self.bus.now();
        }
        // Job errors are reported per descriptor; clear their sticky copies.
        let error_bits = self.bus.read32(reg::ERROR)?;
        if error_bits != 0 {
            self.bus.write32(reg::ERROR, error_bits)?;
        }
        Ok(())
    }

    /// Stages and posts queued jobs while the ring has room, then rings the
    /// doorbell once for all of them.
    fn post_while_room(
        &mut self,
        jobs: &[CardJob<'_>],
        queue: &mut VecDeque<usize>,
        in_flight: &mut VecDeque<Posted>,
    ) -> std::result::Result<(), CardError> {
        let mut posted_any = false;
        loop {
            let ring = self.ring.as_ref().ok_or(CardError::Faulted)?;
            if ring.prod.wrapping_sub(ring.cons) >= ring.size {
                break;
            }
            let Some(i) = queue.pop_front() else { break };
            let posted = match self.stage(i, &jobs[i]) {
                Ok(p) => p,
                Err(e) => {
                    queue.push_front(i);
                    return Err(e);
                }
            };
            let job = &jobs[i];
            let descriptor = Descriptor {
                decrypt: job.direction == Direction::Open,
                key_slot: job.slot as u8,
                ad_len: posted.layout.ad_len as u32,
                msg_len: posted.layout.msg_len as u32,
                src: posted.src.bus_addr(),
                dst: posted.dst.bus_addr(),
                nonce: job.nonce,
                cookie: i as u64,
            };
            in_flight.push_back(posted);
            let ring = self.ring.as_mut().ok_or(CardError::Faulted)?;
            let at = desc::BYTES * (ring.prod % ring.size) as usize;
            self.bus
                .dma_write(&ring.memory, at, &descriptor.to_bytes())?;
            ring.prod = ring.prod.wrapping_add(1);
            posted_any = true;
        }
        if posted_any {
            let prod = self.ring.as_ref().ok_or(CardError::Faulted)?.prod;
            self.bus.write32(reg::RING_PROD, prod)?;
        }
        Ok(())
    }

    /// Allocates and fills job `i`'s source and destination buffers.
    fn stage(&mut self, i: usize, job: &CardJob<'_>) -> std::result::Result<Posted, CardError> {
        let decrypt = job.direction == Direction::Open;
        let msg_len = job.msg_len().ok_or(CardError::Faulted)?; // checked before
        let layout = Layout {
            ad_len: job.aad.len(),
            msg_len,
            decrypt,
        };
        let mut source = Zeroizing::new(vec![0u8; layout.src_len()]);
        let (msg, tag) = job.buffer.split_at(msg_len);
        let tag: Option<&[u8; TAG_LEN]> = if decrypt { tag.try_into().ok() } else { None };
        layout.write_source(&mut source, job.aad, msg, tag);
        // An empty section takes no space, but the bus hands out at least one beat.
        let src = self.bus.alloc_dma(layout.src_len().max(16))?;
        let dst = match self.bus.alloc_dma(layout.dst_len()) {
            Ok(d) => d,
            Err(e) => {
                self.bus.free_dma(src)?;
                return Err(e.into());
            }
        };
        let posted = Posted {
            job: i,
            src,
            dst,
            layout,
        };
        if let Err(e) = self.bus.dma_write(&posted.src, 0, &source) {
            self.release(posted)?;
            return Err(e.into());
        }
        Ok(posted)
    }

    /// The status word of the oldest unreaped descriptor; advances the
    /// driver's consumer count past it.
    fn reap_status(&mut self) -> std::result::Result<DescStatus, CardError> {
        let ring = self.ring.as_ref().ok_or(CardError::Faulted)?;
        let at = desc::BYTES * (ring.cons % ring.size) as usize + desc::STATUS.offset;
        let mut word = [0u8; 4];
        self.bus.dma_read(&ring.memory, at, &mut word)?;
        if let Some(ring) = self.ring.as_mut() {
            ring.cons = ring.cons.wrapping_add(1);
        }
        Ok(DescStatus(u32::from_le_bytes(word)))
    }

    /// Turns a completed descriptor into the job's result and output.
    /// The outer `Err` is a bus failure (fatal for the batch).
    fn finish(
        &mut self,
        job: &mut CardJob<'_>,
        posted: &Posted,
        status: DescStatus,
    ) -> std::result::Result<Result<()>, CardError> {
        if !status.done() {
            // A failed status write leaves DONE clear (docs/dma.md).
            return Ok(Err(CardError::Job {
                error_bits: reg::error::BUS_WRITE,
            }
            .into()));
        }
        if status.error() {
            return Ok(Err(CardError::Job {
                error_bits: status.job_error(),
            }
            .into()));
        }
        let layout = posted.layout;
        let mut output = Zeroizing::new(vec![0u8; layout.dst_len()]);
        match job.direction {
            Direction::Seal => {
                self.bus.dma_read(&posted.dst, 0, &mut output)?;
                let tag_at = layout.dst_tag_offset();
                job.buffer.zeroize();
                job.buffer.clear();
                job.buffer.extend_from_slice(&output[..layout.msg_len]);
                job.buffer
                    .extend_from_slice(&output[tag_at..tag_at + TAG_LEN]);
                Ok(Ok(()))
            }
            Direction::Open if status.tag_fail() => Ok(Err(Error::AuthenticationFailed)),
            // Neither verdict: never release (the caller wipes the buffer).
            Direction::Open if !status.tag_ok() => Ok(Err(CardError::Job {
                error_bits: status.job_error(),
            }
            .into())),
            Direction::Open => {
                self.bus.dma_read(&posted.dst, 0, &mut output)?;
                job.buffer.zeroize();
                job.buffer.clear();
                job.buffer.extend_from_slice(&output[..layout.msg_len]);
                Ok(Ok(()))
            }
        }
    }

    /// Wipes a job's DMA buffers (they held plaintext) and frees them.
    fn release(&mut self, posted: Posted) -> std::result::Result<(), CardError> {
        for buffer in [posted.src, posted.dst] {
            self.bus.dma_write(&buffer, 0, &vec![0u8; buffer.len()])?;
            self.bus.free_dma(buffer)?;
        }
        Ok(())
    }

    /// A fatal error: every unfinished job gets it, the card is faulted and
    /// soft-reset so it stops writing; only then are the buffers reused.
    fn fail_batch(
        &mut self,
        error: CardError,
        queue: &mut VecDeque<usize>,
        in_flight: &mut VecDeque<Posted>,
        results: &mut [Option<Result<()>>],
    ) {
        self.faulted = true;
        let quiet = self.soft_reset().is_ok();
        if quiet {
            // The reset wiped every key slot.
            self.loaded.fill(None);
        }
        for posted in in_flight.drain(..) {
            results[posted.job] = Some(Err(error.clone().into()));
            if quiet {
                let _ = self.release(posted);
            }
        }
        for i in queue.drain(..) {
            results[i] = Some(Err(error.clone().into()));
        }
    }
}
