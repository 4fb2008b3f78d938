//! Host memory the card reaches by DMA: page-aligned anonymous mappings,
//! touched only through volatile copies.
//!
//! Once such memory is mapped into the IOMMU, the card may read or write it
//! at any time, so no Rust reference to it ever exists: the bytes are
//! copied in and out through raw pointers with volatile accesses (the
//! contract of `VfioContainer::vfio_dma_map`).

use std::io;
use std::ptr::{self, NonNull};

/// The system page size.
pub fn page_size() -> u64 {
    // SAFETY: sysconf only reads a system constant.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).ok().filter(|&s| s > 0).unwrap_or(4096)
}

/// `len` bytes of zeroed, page-aligned anonymous memory, unmapped on drop.
#[derive(Debug)]
pub struct DmaRegion {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the region is plain memory owned by this value alone (no thread
// affinity); moving it to another thread moves that sole ownership.
unsafe impl Send for DmaRegion {}

impl DmaRegion {
    /// Maps `len` bytes (rounded up to pages by the kernel), zeroed.
    pub fn new(len: usize) -> io::Result<DmaRegion> {
        if len == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "empty DMA region",
            ));
        }
        // SAFETY: an anonymous private mapping at an address the kernel
        // chooses touches no existing memory; the result is checked below.
        let addr = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(addr.cast::<u8>())
            .ok_or_else(|| io::Error::other("mmap returned null"))?;
        Ok(DmaRegion { ptr, len })
    }

    /// The start address, for `VFIO_IOMMU_MAP_DMA`.
    pub fn as_mut_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    fn check(&self, offset: usize, len: usize) -> io::Result<()> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{len} bytes at {offset} outside a DMA region of {}",
                    self.len
                ),
            )),
        }
    }

    /// Copies `bytes` into the region at `offset`.
    pub fn write(&self, offset: usize, bytes: &[u8]) -> io::Result<()> {
        self.check(offset, bytes.len())?;
        // SAFETY: `offset + bytes.len() <= self.len` (checked), so the
        // destination lies inside the live mapping.
        unsafe { volatile_copy_in(self.ptr.as_ptr().add(offset), bytes) };
        Ok(())
    }

    /// Copies `out.len()` bytes of the region at `offset` into `out`.
    pub fn read(&self, offset: usize, out: &mut [u8]) -> io::Result<()> {
        self.check(offset, out.len())?;
        // SAFETY: as in `write`, the source lies inside the live mapping.
        unsafe { volatile_copy_out(self.ptr.as_ptr().add(offset), out) };
        Ok(())
    }

    /// Overwrites the whole region with zeros (before it is reused or unmapped).
    pub fn zero(&self) {
        let word = size_of::<u64>();
        let base = self.ptr.as_ptr();
        // The mapping is page-aligned and page-sized, so whole words cover it.
        for i in 0..self.len / word {
            // SAFETY: word i lies inside the mapping and is 8-aligned.
            unsafe { ptr::write_volatile(base.add(i * word).cast::<u64>(), 0) };
        }
        for i in self.len / word * word..self.len {
            // SAFETY: byte i lies inside the mapping.
            unsafe { ptr::write_volatile(base.add(i), 0) };
        }
    }
}

impl Drop for DmaRegion {
    fn drop(&mut self) {
        // SAFETY: ptr/len are exactly what mmap returned, and nothing
        // refers to the mapping after drop. A failure leaks the pages only.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// Copies `src` to `dst` with volatile stores, a word at a time where `dst`
/// is word-aligned.
///
/// # Safety
/// `dst .. dst + src.len()` must be valid for writes.
unsafe fn volatile_copy_in(dst: *mut u8, src: &[u8]) {
    let word = size_of::<u64>();
    let head = dst.align_offset(word).min(src.len());
    let words = (src.len() - head) / word;
    for (i, &b) in src[..head].iter().enumerate() {
        // SAFETY: i < src.len(): inside the caller's range.
        unsafe { ptr::write_volatile(dst.add(i), b) };
    }
    for w in 0..words {
        let at = head + w * word;
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&src[at..at + word]);
        // SAFETY: at + 8 <= src.len(), and dst + at is 8-aligned by `head`.
        unsafe { ptr::write_volatile(dst.add(at).cast::<u64>(), u64::from_ne_bytes(bytes)) };
    }
    for (i, &b) in src.iter().enumerate().skip(head + words * word) {
        // SAFETY: i < src.len().
        unsafe { ptr::write_volatile(dst.add(i), b) };
    }
}

/// Copies `dst.len()` bytes from `src` into `dst` with volatile loads, a
/// word at a time where `src` is word-aligned.
///
/// # Safety
/// `src .. src + dst.len()` must be valid for reads.
unsafe fn volatile_copy_out(src: *const u8, dst: &mut [u8]) {
    let word = size_of::<u64>();
    let len = dst.len();
    let head = src.align_offset(word).min(len);
    let words = (len - head) / word;
    for (i, b) in dst[..head].iter_mut().enumerate() {
        // SAFETY: i < dst.len(): inside the caller's range.
        *b = unsafe { ptr::read_volatile(src.add(i)) };
    }
    for w in 0..words {
        let at = head + w * word;
        // SAFETY: at + 8 <= dst.len(), and src + at is 8-aligned by `head`.
        let v = unsafe { ptr::read_volatile(src.add(at).cast::<u64>()) };
        dst[at..at + word].copy_from_slice(&v.to_ne_bytes());
    }
    for (i, b) in dst.iter_mut().enumerate().skip(head + words * word) {
        // SAFETY: i < dst.len().
        *b = unsafe { ptr::read_volatile(src.add(i)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn region_is_page_aligned_and_zeroed() {
        let page = page_size() as usize;
        let r = DmaRegion::new(2 * page).unwrap();
        assert_eq!(r.as_mut_ptr() as usize % page, 0);
        let mut out = vec![0xAA; 2 * page];
        r.read(0, &mut out).unwrap();
        assert!(out.iter().all(|&b| b == 0));
    }

    #[test]
    fn copies_round_trip_at_every_alignment_and_length() {
        let r = DmaRegion::new(page_size() as usize).unwrap();
        for offset in 0..17 {
            for len in [0, 1, 7, 8, 9, 15, 16, 17, 64, 100, 1000] {
                let data = pattern(len, offset as u8);
                r.write(offset, &data).unwrap();
                let mut out = vec![0; len];
                r.read(offset, &mut out).unwrap();
                assert_eq!(out, data, "offset {offset} len {len}");
            }
        }
    }

    #[test]
    fn writes_touch_only_their_range() {
        let r = DmaRegion::new(page_size() as usize).unwrap();
        r.write(3, &[0xFF; 21]).unwrap();
        let mut out = vec![0; 32];
        r.read(0, &mut out).unwrap();
        let mut expected = vec![0; 32];
        expected[3..24].fill(0xFF);
        assert_eq!(out, expected);
    }

    #[test]
    fn out_of_range_accesses_are_refused() {
        let len = page_size() as usize;
        let r = DmaRegion::new(len).unwrap();
        assert!(r.write(len - 3, &[0; 4]).is_err());
        assert!(r.read(len, &mut [0; 1]).is_err());
        assert!(r.read(usize::MAX, &mut [0; 2]).is_err());
        assert!(
            r.write(len, &[]).is_ok(),
            "an empty access at the end is inside"
        );
        assert!(DmaRegion::new(0).is_err());
    }

    #[test]
    fn zero_wipes_everything() {
        let len = page_size() as usize;
        let r = DmaRegion::new(len).unwrap();
        r.write(0, &pattern(len, 1)).unwrap();
        r.zero();
        let mut out = vec![1; len];
        r.read(0, &mut out).unwrap();
        assert!(out.iter().all(|&b| b == 0));
    }
}
