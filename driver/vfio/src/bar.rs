//! BAR0 mapped into the process: volatile, bounds-checked 32-bit accesses.
//!
//! VFIO exposes BAR0 as a region of the device file at an offset the kernel
//! reports; `mmap` of that range gives the card's registers. The register
//! file only takes whole aligned 32-bit words (docs/lab-card.md), so that is
//! all this type offers.

use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::ptr::{self, NonNull};

/// A shared mapping of a device region holding 32-bit registers.
pub struct BarMap {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is owned by this value alone and has no thread
// affinity; the bus that owns it is used from one thread at a time.
unsafe impl Send for BarMap {}

impl fmt::Debug for BarMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarMap").field("len", &self.len).finish()
    }
}

/// Why a register access was refused before reaching the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BarAccessError {
    /// The offset is not a multiple of 4.
    Misaligned,
    /// The word lies past the end of the BAR.
    OutOfRange {
        /// the BAR's size in bytes
        bar_len: usize,
    },
}

impl fmt::Display for BarAccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BarAccessError::Misaligned => f.write_str("offset is not 32-bit aligned"),
            BarAccessError::OutOfRange { bar_len } => {
                write!(f, "offset is outside BAR0 ({bar_len} bytes)")
            }
        }
    }
}

impl BarMap {
    /// Maps `len` bytes of `file` at `offset` (a device region, or any file
    /// in tests) read-write and shared. `file` must be an open descriptor
    /// for the duration of the call (the mapping outlives it).
    pub fn map(file: &impl AsRawFd, offset: u64, len: usize) -> io::Result<BarMap> {
        if len == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "BAR0 has size 0",
            ));
        }
        let offset = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "region offset too large"))?;
        // SAFETY: a new shared mapping at an address the kernel chooses
        // touches no existing memory; the fd is valid for the call and the
        // mapping stays valid after it is closed. Checked below.
        let addr = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                offset,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(addr.cast::<u8>())
            .ok_or_else(|| io::Error::other("mmap returned null"))?;
        Ok(BarMap { ptr, len })
    }

    /// The mapped size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    fn word(&self, offset: u32) -> Result<*mut u32, BarAccessError> {
        let offset = offset as usize;
        if !offset.is_multiple_of(4) {
            return Err(BarAccessError::Misaligned);
        }
        if offset.checked_add(4).is_none_or(|end| end > self.len) {
            return Err(BarAccessError::OutOfRange { bar_len: self.len });
        }
        // SAFETY: offset + 4 <= len, so the word is inside the mapping;
        // the mapping is page-aligned, so an offset multiple of 4 is aligned.
        Ok(unsafe { self.ptr.as_ptr().add(offset) }.cast::<u32>())
    }

    /// Reads the little-endian register at `offset`.
    pub fn read32(&self, offset: u32) -> Result<u32, BarAccessError> {
        let word = self.word(offset)?;
        // SAFETY: `word` is an aligned word of the live mapping; volatile,
        // because every read is a transaction on the card.
        Ok(u32::from_le(unsafe { ptr::read_volatile(word) }))
    }

    /// Writes the little-endian register at `offset`.
    pub fn write32(&self, offset: u32, value: u32) -> Result<(), BarAccessError> {
        let word = self.word(offset)?;
        // SAFETY: as in `read32`.
        unsafe { ptr::write_volatile(word, value.to_le()) };
        Ok(())
    }
}

impl Drop for BarMap {
    fn drop(&mut self) {
        // SAFETY: ptr/len are what mmap returned; no pointer into the
        // mapping outlives this value.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileExt;

    /// A 64 KiB file standing in for the device region.
    fn backing(len: usize) -> std::fs::File {
        let file = tempfile::tempfile().unwrap();
        file.set_len(len as u64).unwrap();
        file
    }

    #[test]
    fn writes_reach_the_backing_region_little_endian() {
        let file = backing(0x10000);
        let bar = BarMap::map(&file, 0, 0x10000).unwrap();
        bar.write32(0x20, 0x0403_0201).unwrap();
        bar.write32(0xFFFC, 0xDEAD_BEEF).unwrap();
        let mut bytes = [0u8; 4];
        file.read_exact_at(&mut bytes, 0x20).unwrap();
        assert_eq!(bytes, [1, 2, 3, 4]);
        file.read_exact_at(&mut bytes, 0xFFFC).unwrap();
        assert_eq!(u32::from_le_bytes(bytes), 0xDEAD_BEEF);
    }

    #[test]
    fn reads_see_the_backing_region() {
        let file = backing(0x10000);
        file.write_all_at(&0x534C_4741u32.to_le_bytes(), 0).unwrap();
        let bar = BarMap::map(&file, 0, 0x10000).unwrap();
        assert_eq!(bar.read32(0).unwrap(), 0x534C_4741);
        assert_eq!(bar.read32(4).unwrap(), 0);
    }

    #[test]
    fn region_offset_is_honoured() {
        let page = crate::dma::page_size() as usize;
        let file = backing(2 * page);
        file.write_all_at(&7u32.to_le_bytes(), page as u64).unwrap();
        let bar = BarMap::map(&file, page as u64, page).unwrap();
        assert_eq!(bar.read32(0).unwrap(), 7);
    }

    #[test]
    fn misaligned_and_out_of_range_offsets_are_refused() {
        let file = backing(0x1000);
        let bar = BarMap::map(&file, 0, 0x1000).unwrap();
        assert_eq!(bar.read32(2), Err(BarAccessError::Misaligned));
        assert_eq!(bar.write32(0x1001, 0), Err(BarAccessError::Misaligned));
        assert_eq!(
            bar.read32(0x1000),
            Err(BarAccessError::OutOfRange { bar_len: 0x1000 })
        );
        assert_eq!(
            bar.read32(u32::MAX - 3),
            Err(BarAccessError::OutOfRange { bar_len: 0x1000 })
        );
        assert!(bar.read32(0xFFC).is_ok());
    }

    #[test]
    fn empty_or_unmappable_regions_are_errors() {
        let file = backing(0x1000);
        assert!(BarMap::map(&file, 0, 0).is_err());
        assert!(
            BarMap::map(&file, 3, 0x1000).is_err(),
            "an unaligned offset fails in mmap"
        );
    }
}
