//! The I/O virtual addresses the card's DMA buffers are mapped at.
//!
//! VFIO type1 lets the process choose IOVAs. The card's bridge has 32-bit
//! DMA addresses and its wrapper stops all DMA on an address at or above
//! 4 GiB (docs/lab-card.md), so every IOVA lies in [`CARD_WINDOW`], which
//! also stays clear of the x86 MSI window at `0xfee0_0000`.

use std::collections::BTreeMap;
use std::ops::Range;

/// IOVAs handed to the card: 1 GiB .. 3 GiB.
pub const CARD_WINDOW: Range<u64> = 0x4000_0000..0xC000_0000;

/// First-fit allocator of page-aligned IOVA ranges in a window.
///
/// Free ranges are kept merged, so freeing everything gives back the whole
/// window in one piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IovaAllocator {
    page: u64,
    window: Range<u64>,
    /// Free ranges, start -> end (exclusive), never adjacent.
    free: BTreeMap<u64, u64>,
    /// Allocated ranges, start -> length.
    used: BTreeMap<u64, u64>,
}

/// Why an IOVA request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IovaError {
    /// No free range of this many bytes is left.
    Exhausted {
        /// bytes asked for (rounded to pages)
        len: u64,
    },
    /// The address was not handed out (or was freed already).
    NotAllocated {
        /// the address given back
        iova: u64,
    },
}

impl std::fmt::Display for IovaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IovaError::Exhausted { len } => write!(
                f,
                "no free IOVA range of {len} bytes below 4 GiB: free DMA buffers or use smaller batches"
            ),
            IovaError::NotAllocated { iova } => {
                write!(f, "IOVA {iova:#x} is not allocated (double free?)")
            }
        }
    }
}

impl std::error::Error for IovaError {}

impl IovaAllocator {
    /// An allocator of `page`-sized units over `window`, whose ends are
    /// rounded inwards to pages. `page` is rounded up to a power of two.
    pub fn new(window: Range<u64>, page: u64) -> IovaAllocator {
        let page = page.max(1).next_power_of_two();
        let start = window.start.div_ceil(page) * page;
        let end = window.end / page * page;
        let mut free = BTreeMap::new();
        if start < end {
            free.insert(start, end);
        }
        IovaAllocator {
            page,
            window: start..end.max(start),
            free,
            used: BTreeMap::new(),
        }
    }

    /// The page size.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// `len` rounded up to whole pages (at least one), `None` on overflow.
    pub fn round_up(&self, len: u64) -> Option<u64> {
        len.max(1).checked_next_multiple_of(self.page)
    }

    /// Takes a range of at least `len` bytes; returns its start and length.
    pub fn alloc(&mut self, len: u64) -> Result<(u64, u64), IovaError> {
        let len = self.round_up(len).ok_or(IovaError::Exhausted { len })?;
        let (&start, &end) = self
            .free
            .iter()
            .find(|&(&s, &e)| e - s >= len)
            .ok_or(IovaError::Exhausted { len })?;
        self.free.remove(&start);
        if start + len < end {
            self.free.insert(start + len, end);
        }
        self.used.insert(start, len);
        Ok((start, len))
    }

    /// The length of the live range starting at `iova`.
    pub fn len_of(&self, iova: u64) -> Option<u64> {
        self.used.get(&iova).copied()
    }

    /// Gives back the range that [`alloc`](Self::alloc) returned at `iova`.
    pub fn free(&mut self, iova: u64) -> Result<(), IovaError> {
        let len = self
            .used
            .remove(&iova)
            .ok_or(IovaError::NotAllocated { iova })?;
        let mut start = iova;
        let mut end = iova + len;
        if let Some((&prev_start, &prev_end)) = self.free.range(..start).next_back()
            && prev_end == start
        {
            self.free.remove(&prev_start);
            start = prev_start;
        }
        if let Some(next_end) = self.free.remove(&end) {
            end = next_end;
        }
        self.free.insert(start, end);
        Ok(())
    }

    /// Bytes not allocated.
    pub fn free_bytes(&self) -> u64 {
        self.free.iter().map(|(s, e)| e - s).sum()
    }

    /// The window, rounded to pages.
    pub fn window(&self) -> Range<u64> {
        self.window.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: u64 = 4096;

    #[test]
    fn allocations_are_page_aligned_disjoint_and_inside_the_window() {
        let mut a = IovaAllocator::new(CARD_WINDOW, PAGE);
        let mut ranges = Vec::new();
        for len in [1, 64, 4096, 4097, 65536, 3] {
            let (iova, got) = a.alloc(len).unwrap();
            assert_eq!(iova % PAGE, 0);
            assert_eq!(got % PAGE, 0);
            assert!(got >= len);
            assert!(CARD_WINDOW.start <= iova && iova + got <= CARD_WINDOW.end);
            assert!(
                iova + got <= 1 << 32,
                "the card only reaches 32-bit addresses"
            );
            ranges.push((iova, got));
        }
        for (i, &(s1, l1)) in ranges.iter().enumerate() {
            for &(s2, l2) in &ranges[i + 1..] {
                assert!(
                    s1 + l1 <= s2 || s2 + l2 <= s1,
                    "{s1:#x}+{l1} overlaps {s2:#x}+{l2}"
                );
            }
        }
        assert_eq!(a.len_of(ranges[3].0), Some(2 * PAGE));
    }

    #[test]
    fn freeing_everything_merges_back_into_the_whole_window() {
        let mut a = IovaAllocator::new(CARD_WINDOW, PAGE);
        let whole = a.free_bytes();
        assert_eq!(whole, CARD_WINDOW.end - CARD_WINDOW.start);
        let ids: Vec<u64> = (0..8).map(|i| a.alloc(PAGE * (i + 1)).unwrap().0).collect();
        // free out of order: middle, ends, then the rest
        for &i in &[3usize, 0, 7, 1, 5, 2, 6, 4] {
            a.free(ids[i]).unwrap();
        }
        assert_eq!(a.free_bytes(), whole);
        assert_eq!(a, IovaAllocator::new(CARD_WINDOW, PAGE));
    }

    #[test]
    fn freed_space_is_reused_first_fit() {
        let mut a = IovaAllocator::new(CARD_WINDOW, PAGE);
        let (x, _) = a.alloc(2 * PAGE).unwrap();
        let (y, _) = a.alloc(PAGE).unwrap();
        a.free(x).unwrap();
        let (z, _) = a.alloc(PAGE).unwrap();
        assert_eq!(z, x, "the hole at the front is used first");
        let (w, _) = a.alloc(PAGE).unwrap();
        assert_eq!(w, x + PAGE);
        assert!(y > w);
    }

    #[test]
    fn double_free_and_unknown_addresses_are_errors() {
        let mut a = IovaAllocator::new(CARD_WINDOW, PAGE);
        let (x, _) = a.alloc(100).unwrap();
        assert_eq!(
            a.free(x + PAGE),
            Err(IovaError::NotAllocated { iova: x + PAGE })
        );
        a.free(x).unwrap();
        assert_eq!(a.free(x), Err(IovaError::NotAllocated { iova: x }));
    }

    #[test]
    fn exhaustion_is_an_error_and_recovers_after_free() {
        let mut a = IovaAllocator::new(0x1000..0x5000, PAGE);
        let (x, _) = a.alloc(2 * PAGE).unwrap();
        let (_y, _) = a.alloc(2 * PAGE).unwrap();
        assert!(matches!(a.alloc(1), Err(IovaError::Exhausted { .. })));
        assert!(matches!(
            a.alloc(u64::MAX),
            Err(IovaError::Exhausted { .. })
        ));
        a.free(x).unwrap();
        assert_eq!(a.alloc(PAGE).unwrap().0, x);
    }

    #[test]
    fn an_unaligned_window_is_rounded_inwards() {
        let a = IovaAllocator::new(0x1001..0x4fff, PAGE);
        assert_eq!(a.window(), 0x2000..0x4000);
        assert_eq!(a.free_bytes(), 2 * PAGE);
        let mut empty = IovaAllocator::new(0x1001..0x1fff, PAGE);
        assert!(matches!(empty.alloc(1), Err(IovaError::Exhausted { .. })));
    }
}
