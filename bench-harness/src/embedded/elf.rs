//! Just enough of ELF32 (little-endian) to size an image and to patch the
//! record area (`AGILIS_RECORDS`) of a linked firmware in place.

use std::path::Path;

/// A section header we care about.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub addr: u32,
    pub offset: u32,
    pub size: u32,
    /// SHT_NOBITS (`.bss`): occupies memory, not file bytes.
    pub nobits: bool,
    /// SHF_ALLOC: part of the loaded image.
    pub alloc: bool,
}

/// A symbol from `.symtab`.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub value: u32,
    pub size: u32,
}

/// A parsed ELF32 file, with its bytes.
pub struct Elf {
    pub bytes: Vec<u8>,
    pub sections: Vec<Section>,
    pub symbols: Vec<Symbol>,
}

fn u16_at(b: &[u8], off: usize) -> Result<u16, String> {
    b.get(off..off + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| format!("ELF truncated at {off}"))
}

fn u32_at(b: &[u8], off: usize) -> Result<u32, String> {
    b.get(off..off + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| format!("ELF truncated at {off}"))
}

fn cstr(b: &[u8], off: usize) -> String {
    let tail = b.get(off..).unwrap_or_default();
    let end = tail.iter().position(|&c| c == 0).unwrap_or(tail.len());
    String::from_utf8_lossy(&tail[..end]).into_owned()
}

impl Elf {
    pub fn read(path: &Path) -> Result<Elf, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Elf::parse(bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(bytes: Vec<u8>) -> Result<Elf, String> {
        if bytes.get(..4) != Some(b"\x7fELF") {
            return Err("not an ELF file".into());
        }
        if bytes[4] != 1 || bytes[5] != 1 {
            return Err("not a little-endian ELF32 file".into());
        }
        let shoff = u32_at(&bytes, 0x20)? as usize;
        let shentsize = u16_at(&bytes, 0x2E)? as usize;
        let shnum = u16_at(&bytes, 0x30)? as usize;
        let shstrndx = u16_at(&bytes, 0x32)? as usize;
        let header = |i: usize| shoff + i * shentsize;
        let strtab_off = u32_at(&bytes, header(shstrndx) + 0x10)? as usize;
        let mut sections = Vec::new();
        let mut symtab = None;
        for i in 0..shnum {
            let h = header(i);
            let kind = u32_at(&bytes, h + 0x04)?;
            let section = Section {
                name: cstr(&bytes, strtab_off + u32_at(&bytes, h)? as usize),
                addr: u32_at(&bytes, h + 0x0C)?,
                offset: u32_at(&bytes, h + 0x10)?,
                size: u32_at(&bytes, h + 0x14)?,
                nobits: kind == 8,
                alloc: u32_at(&bytes, h + 0x08)? & 2 != 0,
            };
            if kind == 2 {
                // SHT_SYMTAB: its sh_link names the string table.
                symtab = Some((
                    section.offset as usize,
                    section.size as usize,
                    u32_at(&bytes, h + 0x18)? as usize,
                ));
            }
            sections.push(section);
        }
        let mut symbols = Vec::new();
        if let Some((off, size, link)) = symtab {
            let names = u32_at(&bytes, header(link) + 0x10)? as usize;
            for s in (off..off + size).step_by(16) {
                symbols.push(Symbol {
                    name: cstr(&bytes, names + u32_at(&bytes, s)? as usize),
                    value: u32_at(&bytes, s + 4)?,
                    size: u32_at(&bytes, s + 8)?,
                });
            }
        }
        Ok(Elf {
            bytes,
            sections,
            symbols,
        })
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// Overwrites the start of the object `symbol` with `data`, in the file
    /// bytes of the section that holds it.
    pub fn patch_symbol(&mut self, symbol: &str, data: &[u8]) -> Result<(), String> {
        let sym = self
            .symbol(symbol)
            .ok_or_else(|| format!("symbol {symbol} not in the image"))?
            .clone();
        if data.len() > sym.size as usize {
            return Err(format!(
                "{} bytes of records do not fit {symbol} ({} bytes)",
                data.len(),
                sym.size
            ));
        }
        let section = self
            .sections
            .iter()
            .find(|s| {
                s.alloc
                    && !s.nobits
                    && s.addr <= sym.value
                    && sym.value + sym.size <= s.addr + s.size
            })
            .ok_or_else(|| format!("no loaded section holds {symbol}"))?;
        let off = (section.offset + (sym.value - section.addr)) as usize;
        self.bytes[off..off + data.len()].copy_from_slice(data);
        Ok(())
    }
}
