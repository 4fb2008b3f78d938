//! The generator of the register map, and the test that keeps its outputs in
//! step with `hdl/regmap.toml`.
//!
//! From the TOML it renders three files: `src/generated.rs` (this crate's
//! constants), `hdl/rtl/agilis_regmap.vh` (the RTL's localparams) and
//! `docs/register-map.md`. The test fails when a checked-in file differs from
//! its rendering; with `AGILIS_BLESS=1` it rewrites them instead:
//!
//! ```text
//! AGILIS_BLESS=1 cargo test -p agilis-regmap --test generated
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

const REGEN: &str = "AGILIS_BLESS=1 cargo test -p agilis-regmap --test generated";

#[derive(Clone, Debug)]
struct Field {
    name: String,
    msb: u32,
    lsb: u32,
    access: Option<String>,
    desc: String,
}

impl Field {
    fn width(&self) -> u32 {
        self.msb - self.lsb + 1
    }
}

#[derive(Clone, Debug)]
struct Reg {
    name: String,
    offset: u32,
    count: u32,
    stride: u32,
    access: String,
    reset: Option<u32>,
    desc: String,
    fields: Vec<Field>,
}

#[derive(Clone, Debug)]
struct DescField {
    name: String,
    offset: u32,
    size: u32,
    desc: String,
}

#[derive(Clone, Debug)]
struct Enum {
    name: String,
    desc: String,
    values: Vec<(String, u32, String)>,
}

#[derive(Debug)]
struct Map {
    id: u32,
    version: (u32, u32, u32),
    bar_bytes: u32,
    regs: Vec<Reg>,
    lane_base: u32,
    lane_stride: u32,
    lane_max: u32,
    lane_desc: String,
    lane_regs: Vec<Reg>,
    desc_bytes: u32,
    desc_desc: String,
    desc_fields: Vec<DescField>,
    desc_status: Vec<Field>,
    enums: Vec<Enum>,
}

fn int(v: &Value, what: &str) -> u32 {
    let i = v.as_integer().unwrap_or_else(|| panic!("{what}: expected an integer"));
    u32::try_from(i).unwrap_or_else(|_| panic!("{what}: {i} out of range"))
}

fn get<'a>(t: &'a Table, key: &str, what: &str) -> &'a Value {
    t.get(key).unwrap_or_else(|| panic!("{what}: missing `{key}`"))
}

fn string(t: &Table, key: &str, what: &str) -> String {
    get(t, key, what).as_str().unwrap_or_else(|| panic!("{what}.{key}: expected a string")).to_string()
}

fn array<'a>(t: &'a Table, key: &str) -> Vec<&'a Table> {
    t.get(key)
        .map(|v| {
            v.as_array()
                .unwrap_or_else(|| panic!("`{key}`: expected an array"))
                .iter()
                .map(|e| e.as_table().unwrap_or_else(|| panic!("`{key}`: expected tables")))
                .collect()
        })
        .unwrap_or_default()
}

fn bits(s: &str, what: &str) -> (u32, u32) {
    let parse = |x: &str| x.trim().parse::<u32>().unwrap_or_else(|_| panic!("{what}: bad bits {s:?}"));
    match s.split_once(':') {
        Some((m, l)) => (parse(m), parse(l)),
        None => (parse(s), parse(s)),
    }
}

fn field(t: &Table, what: &str) -> Field {
    let name = string(t, "name", what);
    let what = format!("{what}.{name}");
    let (msb, lsb) = bits(&string(t, "bits", &what), &what);
    assert!(msb >= lsb && msb < 32, "{what}: bits out of range");
    let access = t.get("access").map(|a| a.as_str().expect("access: string").to_string());
    Field { name, msb, lsb, access, desc: string(t, "desc", &what) }
}

fn regs(list: Vec<&Table>, earlier: &[Reg], kind: &str) -> Vec<Reg> {
    let mut out: Vec<Reg> = Vec::new();
    for t in list {
        let name = string(t, "name", kind);
        let what = format!("{kind} {name}");
        let access = string(t, "access", &what);
        assert!(["RO", "RW", "W1C", "WO"].contains(&access.as_str()), "{what}: access {access}");
        let mut fields: Vec<Field> = array(t, "fields").into_iter().map(|f| field(f, &what)).collect();
        if let Some(from) = t.get("fields_from") {
            let from = from.as_str().unwrap();
            let src = out.iter().chain(earlier).find(|r| r.name == from).unwrap_or_else(|| panic!("{what}: fields_from {from} unknown"));
            let upto = t.get("fields_upto").map(|u| int(u, &what)).unwrap_or(31);
            fields = src.fields.iter().filter(|f| f.msb <= upto).cloned().collect();
        }
        fields.sort_by_key(|f| f.lsb);
        for w in fields.windows(2) {
            assert!(w[0].msb < w[1].lsb, "{what}: fields {} and {} overlap", w[0].name, w[1].name);
        }
        let offset = int(get(t, "offset", &what), &what);
        assert_eq!(offset % 4, 0, "{what}: offset not word aligned");
        let count = t.get("count").map(|c| int(c, &what)).unwrap_or(1);
        let stride = t.get("stride").map(|c| int(c, &what)).unwrap_or(4);
        assert!(count >= 1 && stride >= 4 && stride % 4 == 0, "{what}: bad count/stride");
        out.push(Reg {
            name,
            offset,
            count,
            stride,
            access,
            reset: t.get("reset").map(|r| int(r, &what)),
            desc: string(t, "desc", &what),
            fields,
        });
    }
    // No two registers share an offset.
    let mut seen = BTreeSet::new();
    for r in &out {
        for i in 0..r.count {
            assert!(seen.insert(r.offset + i * r.stride), "{kind} {}: offset {:#x} used twice", r.name, r.offset + i * r.stride);
        }
    }
    out
}

fn load(root: &Path) -> Map {
    let text = std::fs::read_to_string(root.join("hdl/regmap.toml")).expect("reading hdl/regmap.toml");
    let t: Table = text.parse().unwrap_or_else(|e| panic!("hdl/regmap.toml: {e}"));
    let meta = get(&t, "meta", "toml").as_table().expect("[meta]");
    let regs_g = regs(array(&t, "register"), &[], "register");
    let lw = get(&t, "lane_window", "toml").as_table().expect("[lane_window]");
    let lane_regs = regs(array(&t, "lane_register"), &regs_g, "lane_register");
    let d = get(&t, "descriptor", "toml").as_table().expect("[descriptor]");
    let desc_bytes = int(get(d, "bytes", "descriptor"), "descriptor.bytes");
    let desc_fields: Vec<DescField> = array(d, "field")
        .into_iter()
        .map(|f| {
            let name = string(f, "name", "descriptor.field");
            let what = format!("descriptor.field {name}");
            DescField {
                offset: int(get(f, "offset", &what), &what),
                size: int(get(f, "size", &what), &what),
                desc: string(f, "desc", &what),
                name,
            }
        })
        .collect();
    let mut used = vec![false; desc_bytes as usize];
    for f in &desc_fields {
        assert!(f.offset + f.size <= desc_bytes, "descriptor.{}: beyond the descriptor", f.name);
        assert!(f.offset % f.size.min(8) == 0, "descriptor.{}: not naturally aligned", f.name);
        for b in f.offset..f.offset + f.size {
            assert!(!std::mem::replace(&mut used[b as usize], true), "descriptor.{}: overlaps", f.name);
        }
    }
    let status = desc_fields.iter().find(|f| f.name == "STATUS").expect("descriptor.STATUS");
    assert!(status.size == 4 && status.offset % 16 <= 12, "descriptor.STATUS: one 4-byte word within a beat");
    let enums = array(&t, "enum")
        .into_iter()
        .map(|e| {
            let name = string(e, "name", "enum");
            Enum {
                desc: string(e, "desc", &name),
                values: array(e, "values")
                    .into_iter()
                    .map(|v| (string(v, "name", &name), int(get(v, "value", &name), &name), string(v, "desc", &name)))
                    .collect(),
                name,
            }
        })
        .collect();
    let lane_stride = int(get(lw, "stride", "lane_window"), "lane_window.stride");
    let lane_base = int(get(lw, "base", "lane_window"), "lane_window.base");
    let lane_max = int(get(lw, "max_lanes", "lane_window"), "lane_window.max_lanes");
    assert!(lane_stride.is_power_of_two() && lane_base.is_multiple_of(lane_stride), "lane_window: stride a power of two dividing base");
    let bar_bytes = int(get(meta, "bar_bytes", "meta"), "meta.bar_bytes");
    assert!(lane_base + lane_max * lane_stride <= bar_bytes, "lane_window: beyond the BAR");
    for r in &lane_regs {
        assert!(r.offset + (r.count - 1) * r.stride < lane_stride, "lane_register {}: beyond the stride", r.name);
    }
    for r in &regs_g {
        assert!(r.offset + (r.count - 1) * r.stride < lane_base, "register {}: inside the lane window", r.name);
    }
    let dstatus = array(d, "status").into_iter().map(|f| field(f, "descriptor.status")).collect();
    Map {
        id: int(get(meta, "id", "meta"), "meta.id"),
        version: (
            int(get(meta, "version_major", "meta"), "meta"),
            int(get(meta, "version_minor", "meta"), "meta"),
            int(get(meta, "version_patch", "meta"), "meta"),
        ),
        bar_bytes,
        regs: regs_g,
        lane_base,
        lane_stride,
        lane_max,
        lane_desc: string(lw, "desc", "lane_window"),
        lane_regs,
        desc_bytes,
        desc_desc: string(d, "desc", "descriptor"),
        desc_fields,
        desc_status: dstatus,
        enums,
    }
}

impl Map {
    fn version_word(&self) -> u32 {
        (self.version.0 << 16) | (self.version.1 << 8) | self.version.2
    }

    /// FNV-1a 32 over the structure (never the prose).
    fn hash(&self) -> u32 {
        let mut s = format!("id {:#x} version {} bar {:#x}\n", self.id, self.version_word(), self.bar_bytes);
        let regs = |kind: &str, regs: &[Reg], s: &mut String| {
            for r in regs {
                writeln!(s, "{kind} {} {:#x} {} {} {} {:?}", r.name, r.offset, r.count, r.stride, r.access, r.reset).unwrap();
                for f in &r.fields {
                    writeln!(s, "  {} {} {} {:?}", f.name, f.msb, f.lsb, f.access).unwrap();
                }
            }
        };
        regs("reg", &self.regs, &mut s);
        writeln!(s, "lane {:#x} {:#x} {}", self.lane_base, self.lane_stride, self.lane_max).unwrap();
        regs("lreg", &self.lane_regs, &mut s);
        writeln!(s, "desc {}", self.desc_bytes).unwrap();
        for f in &self.desc_fields {
            writeln!(s, "  {} {} {}", f.name, f.offset, f.size).unwrap();
        }
        for f in &self.desc_status {
            writeln!(s, "  {} {} {}", f.name, f.msb, f.lsb).unwrap();
        }
        for e in &self.enums {
            for (n, v, _) in &e.values {
                writeln!(s, "enum {} {n} {v}", e.name).unwrap();
            }
        }
        let mut h: u32 = 0x811c_9dc5;
        for b in s.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        h
    }
}

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

fn access_variant(a: &str) -> &'static str {
    match a {
        "RO" => "Ro",
        "RW" => "Rw",
        "W1C" => "W1c",
        "WO" => "Wo",
        _ => unreachable!(),
    }
}

fn rust_fields(out: &mut String, indent: &str, fields: &[Field]) {
    for f in fields {
        writeln!(out, "{indent}/// {}", f.desc).unwrap();
        if f.width() == 1 {
            writeln!(out, "{indent}pub const {}: u32 = 1 << {};", f.name, f.lsb).unwrap();
        } else {
            writeln!(out, "{indent}pub const {}: crate::Field = crate::Field {{ lsb: {}, width: {} }};", f.name, f.lsb, f.width()).unwrap();
        }
    }
}

fn rust_regs(out: &mut String, regs: &[Reg]) {
    for r in regs {
        writeln!(out, "    /// {} ({}). {}", r.name, r.access, r.desc).unwrap();
        writeln!(out, "    pub const {}: u32 = {:#05x};", r.name, r.offset).unwrap();
        if r.count > 1 {
            writeln!(out, "    /// Number of {} registers.", r.name).unwrap();
            writeln!(out, "    pub const {}_COUNT: u32 = {};", r.name, r.count).unwrap();
            writeln!(out, "    /// Distance between {} registers.", r.name).unwrap();
            writeln!(out, "    pub const {}_STRIDE: u32 = {};", r.name, r.stride).unwrap();
        }
        if !r.fields.is_empty() {
            writeln!(out, "    /// Fields of {}.", r.name).unwrap();
            writeln!(out, "    pub mod {} {{", r.name.to_lowercase()).unwrap();
            rust_fields(out, "        ", &r.fields);
            writeln!(out, "    }}").unwrap();
        }
    }
}

fn rust_table(out: &mut String, name: &str, regs: &[Reg]) {
    writeln!(out, "pub static {name}: &[crate::RegInfo] = &[").unwrap();
    for r in regs {
        writeln!(
            out,
            "    crate::RegInfo {{ name: {}, offset: {:#05x}, count: {}, stride: {}, access: crate::Access::{}, reset: {:?}, desc: {}, fields: &[",
            rust_str(&r.name),
            r.offset,
            r.count,
            r.stride,
            access_variant(&r.access),
            r.reset,
            rust_str(&r.desc)
        )
        .unwrap();
        for f in &r.fields {
            writeln!(out, "        crate::FieldInfo {{ name: {}, lsb: {}, width: {}, desc: {} }},", rust_str(&f.name), f.lsb, f.width(), rust_str(&f.desc)).unwrap();
        }
        writeln!(out, "    ] }},").unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn render_rust(m: &Map) -> String {
    let mut o = String::new();
    writeln!(o, "// Generated from hdl/regmap.toml by `{REGEN}`. Do not edit.\n").unwrap();
    writeln!(o, "/// ID register value: \"AGLS\".\npub const ID_MAGIC: u32 = {:#010x};", m.id).unwrap();
    writeln!(o, "/// VERSION register value ({}.{}.{}).\npub const VERSION: u32 = {:#010x};", m.version.0, m.version.1, m.version.2, m.version_word()).unwrap();
    writeln!(o, "/// REGMAP_HASH register value of this map.\npub const REGMAP_HASH: u32 = {:#010x};", m.hash()).unwrap();
    writeln!(o, "/// Size of BAR0 in bytes.\npub const BAR_BYTES: u32 = {:#x};\n", m.bar_bytes).unwrap();
    writeln!(o, "/// Global registers: offsets in BAR0, and a module of fields per register.\npub mod reg {{").unwrap();
    rust_regs(&mut o, &m.regs);
    writeln!(o, "}}\n").unwrap();
    writeln!(o, "/// Per-lane registers. {}\npub mod lane {{", m.lane_desc).unwrap();
    writeln!(o, "    /// Offset of lane 0's window.\n    pub const BASE: u32 = {:#06x};", m.lane_base).unwrap();
    writeln!(o, "    /// Distance between lane windows.\n    pub const STRIDE: u32 = {:#x};", m.lane_stride).unwrap();
    writeln!(o, "    /// Most lanes the map has room for.\n    pub const MAX_LANES: u32 = {};", m.lane_max).unwrap();
    writeln!(o, "    /// BAR0 offset of register `offset` of lane `lane`.\n    pub const fn at(lane: u32, offset: u32) -> u32 {{\n        BASE + lane * STRIDE + offset\n    }}").unwrap();
    rust_regs(&mut o, &m.lane_regs);
    writeln!(o, "}}\n").unwrap();
    writeln!(o, "/// The ring descriptor. {}\npub mod desc {{", m.desc_desc).unwrap();
    writeln!(o, "    /// Bytes per descriptor.\n    pub const BYTES: usize = {};", m.desc_bytes).unwrap();
    for f in &m.desc_fields {
        writeln!(o, "    /// {}\n    pub const {}: crate::Span = crate::Span {{ offset: {}, size: {} }};", f.desc, f.name, f.offset, f.size).unwrap();
    }
    writeln!(o, "    /// Fields of the STATUS word.\n    pub mod status {{").unwrap();
    rust_fields(&mut o, "        ", &m.desc_status);
    writeln!(o, "    }}\n}}\n").unwrap();
    for e in &m.enums {
        writeln!(o, "/// {}\npub mod {} {{", e.desc, e.name.to_lowercase()).unwrap();
        for (n, v, d) in &e.values {
            writeln!(o, "    /// {d}\n    pub const {n}: u32 = {v};").unwrap();
        }
        writeln!(o, "}}\n").unwrap();
    }
    writeln!(o, "/// Every global register, for listings.").unwrap();
    rust_table(&mut o, "REGISTERS", &m.regs);
    writeln!(o, "\n/// Every per-lane register, for listings.").unwrap();
    rust_table(&mut o, "LANE_REGISTERS", &m.lane_regs);
    o
}

fn render_vh(m: &Map) -> String {
    let mut o = String::new();
    let mut names = BTreeSet::new();
    let mut lp = |o: &mut String, name: String, value: String| {
        assert!(names.insert(name.clone()), "Verilog name {name} generated twice");
        writeln!(o, "localparam {name} = {value};").unwrap();
    };
    writeln!(o, "// Generated from hdl/regmap.toml by `{REGEN}`. Do not edit.").unwrap();
    writeln!(o, "// Included inside each module that needs it (localparams; no include guard).").unwrap();
    lp(&mut o, "AGILIS_ID_MAGIC".into(), format!("32'h{:08X}", m.id));
    lp(&mut o, "AGILIS_VERSION".into(), format!("32'h{:08X}", m.version_word()));
    lp(&mut o, "AGILIS_REGMAP_HASH".into(), format!("32'h{:08X}", m.hash()));
    lp(&mut o, "AGILIS_BAR_BYTES".into(), format!("{}", m.bar_bytes));
    let field_lps = |lp: &mut dyn FnMut(&mut String, String, String), o: &mut String, prefix: &str, fields: &[Field]| {
        for f in fields {
            if f.width() == 1 {
                lp(o, format!("{prefix}_{}", f.name), format!("{}", f.lsb));
            } else {
                lp(o, format!("{prefix}_{}_LSB", f.name), format!("{}", f.lsb));
                lp(o, format!("{prefix}_{}_W", f.name), format!("{}", f.width()));
            }
        }
    };
    writeln!(o, "\n// Global registers (BAR0 offsets) and their fields (bit index, or _LSB/_W).").unwrap();
    for r in &m.regs {
        lp(&mut o, format!("AGILIS_REG_{}", r.name), format!("16'h{:04X}", r.offset));
        if r.count > 1 {
            lp(&mut o, format!("AGILIS_REG_{}_COUNT", r.name), format!("{}", r.count));
            lp(&mut o, format!("AGILIS_REG_{}_STRIDE", r.name), format!("{}", r.stride));
        }
        field_lps(&mut lp, &mut o, &format!("AGILIS_{}", r.name), &r.fields);
    }
    writeln!(o, "\n// Lane windows: lane i's register R is at AGILIS_LANE_BASE + i * AGILIS_LANE_STRIDE + AGILIS_LANE_REG_R.").unwrap();
    lp(&mut o, "AGILIS_LANE_BASE".into(), format!("16'h{:04X}", m.lane_base));
    lp(&mut o, "AGILIS_LANE_STRIDE".into(), format!("16'h{:04X}", m.lane_stride));
    lp(&mut o, "AGILIS_LANE_STRIDE_LOG2".into(), format!("{}", m.lane_stride.trailing_zeros()));
    lp(&mut o, "AGILIS_LANE_MAX".into(), format!("{}", m.lane_max));
    for r in &m.lane_regs {
        lp(&mut o, format!("AGILIS_LANE_REG_{}", r.name), format!("16'h{:04X}", r.offset));
        if r.count > 1 {
            lp(&mut o, format!("AGILIS_LANE_REG_{}_COUNT", r.name), format!("{}", r.count));
            lp(&mut o, format!("AGILIS_LANE_REG_{}_STRIDE", r.name), format!("{}", r.stride));
        }
        field_lps(&mut lp, &mut o, &format!("AGILIS_LANE_{}", r.name), &r.fields);
    }
    writeln!(o, "\n// Ring descriptor: byte offset (_OFF) and size (_SIZE) of each field; STATUS word bits (AGILIS_DSTAT_*).").unwrap();
    lp(&mut o, "AGILIS_DESC_BYTES".into(), format!("{}", m.desc_bytes));
    for f in &m.desc_fields {
        lp(&mut o, format!("AGILIS_DESC_{}_OFF", f.name), format!("{}", f.offset));
        lp(&mut o, format!("AGILIS_DESC_{}_SIZE", f.name), format!("{}", f.size));
    }
    field_lps(&mut lp, &mut o, "AGILIS_DSTAT", &m.desc_status);
    writeln!(o, "\n// Enumerations.").unwrap();
    for e in &m.enums {
        for (n, v, _) in &e.values {
            lp(&mut o, format!("AGILIS_{}_{n}", e.name), format!("{v}"));
        }
    }
    o
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_bits(f: &Field) -> String {
    if f.width() == 1 { format!("{}", f.lsb) } else { format!("{}:{}", f.msb, f.lsb) }
}

fn md_regs(o: &mut String, regs: &[Reg], lane: bool) {
    writeln!(o, "| offset | name | access | reset | description |\n|---|---|---|---|---|").unwrap();
    for r in regs {
        let off = if r.count > 1 {
            format!("`{:#05x}`..`{:#05x}`", r.offset, r.offset + (r.count - 1) * r.stride)
        } else {
            format!("`{:#05x}`", r.offset)
        };
        let name = if r.count > 1 { format!("{}0..{}", r.name, r.count - 1) } else { r.name.clone() };
        let reset = r.reset.map(|v| format!("`{v:#x}`")).unwrap_or_else(|| "—".into());
        let anchor = format!("{}{}", if lane { "lane-" } else { "" }, r.name.to_lowercase());
        let name = if r.fields.is_empty() { name } else { format!("[{name}](#{anchor})") };
        writeln!(o, "| {off} | {name} | {} | {reset} | {} |", r.access, md_cell(&r.desc)).unwrap();
    }
    for r in regs.iter().filter(|r| !r.fields.is_empty()) {
        let anchor = format!("{}{}", if lane { "lane-" } else { "" }, r.name.to_lowercase());
        writeln!(o, "\n<a id=\"{anchor}\"></a>\n#### {}{} fields\n", if lane { "lane " } else { "" }, r.name).unwrap();
        writeln!(o, "| bits | field | access | description |\n|---|---|---|---|").unwrap();
        for f in &r.fields {
            writeln!(o, "| {} | {} | {} | {} |", md_bits(f), f.name, f.access.as_deref().unwrap_or(&r.access), md_cell(&f.desc)).unwrap();
        }
    }
}

fn render_md(m: &Map) -> String {
    let mut o = String::new();
    writeln!(o, "# agilis card register map\n").unwrap();
    writeln!(o, "<!-- Generated from hdl/regmap.toml by `{REGEN}`. Do not edit: edit the TOML and regenerate. -->\n").unwrap();
    writeln!(
        o,
        "Version {}.{}.{}, REGMAP_HASH `{:#010x}`. BAR0 is {} KiB, reached through the AXI4-Lite slave of `agilis_top`.\n\
         Every register is 32 bits and must be accessed as a whole word. Access: RO read-only (writes ignored and flagged\n\
         `ERROR.REG_ACCESS`), RW read/write, W1C write 1 to clear, WO write-only (reads 0), W1S write 1 to trigger.\n\
         Unmapped offsets read 0 and flag `ERROR.REG_ACCESS`. The DMA buffer layout, the ring protocol and the error and\n\
         interrupt semantics are in [dma.md](dma.md).\n",
        m.version.0,
        m.version.1,
        m.version.2,
        m.hash(),
        m.bar_bytes / 1024
    )
    .unwrap();
    writeln!(o, "## Global registers\n").unwrap();
    md_regs(&mut o, &m.regs, false);
    writeln!(
        o,
        "\n## Lane registers\n\n{} Lane `i`'s window starts at `{:#06x} + i * {:#x}` (up to {} lanes).\n",
        m.lane_desc, m.lane_base, m.lane_stride, m.lane_max
    )
    .unwrap();
    md_regs(&mut o, &m.lane_regs, true);
    writeln!(o, "\n## Ring descriptor ({} bytes)\n\n{}\n", m.desc_bytes, m.desc_desc).unwrap();
    writeln!(o, "| bytes | field | description |\n|---|---|---|").unwrap();
    for f in &m.desc_fields {
        writeln!(o, "| {}..{} | {} | {} |", f.offset, f.offset + f.size - 1, f.name, md_cell(&f.desc)).unwrap();
    }
    writeln!(o, "\n#### Descriptor STATUS word\n\n| bits | field | description |\n|---|---|---|").unwrap();
    for f in &m.desc_status {
        writeln!(o, "| {} | {} | {} |", md_bits(f), f.name, md_cell(&f.desc)).unwrap();
    }
    writeln!(o, "\n## Enumerations").unwrap();
    for e in &m.enums {
        writeln!(o, "\n### {}\n\n{}\n\n| value | name | meaning |\n|---|---|---|", e.name, e.desc).unwrap();
        for (n, v, d) in &e.values {
            writeln!(o, "| {v} | {n} | {} |", md_cell(d)).unwrap();
        }
    }
    o
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn generated_files_match_regmap_toml() {
    let root = root();
    let map = load(&root);
    let outputs = [
        ("hdl/regmap/src/generated.rs", render_rust(&map)),
        ("hdl/rtl/agilis_regmap.vh", render_vh(&map)),
        ("docs/register-map.md", render_md(&map)),
    ];
    let bless = std::env::var("AGILIS_BLESS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, text) in &outputs {
        let file = root.join(path);
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current != *text {
            if bless {
                std::fs::write(&file, text).unwrap_or_else(|e| panic!("writing {path}: {e}"));
                eprintln!("regenerated {path}");
            } else {
                stale.push(*path);
            }
        }
    }
    assert!(stale.is_empty(), "{} drifted from hdl/regmap.toml; regenerate with `{REGEN}`", stale.join(", "));
}

#[test]
fn constants_agree_with_the_toml() {
    // The checked-in constants the crate compiles with are the map's.
    let map = load(&root());
    assert_eq!(agilis_regmap::REGMAP_HASH, map.hash(), "regenerate with `{REGEN}`");
    assert_eq!(agilis_regmap::REGISTERS.len(), map.regs.len());
    assert_eq!(agilis_regmap::LANE_REGISTERS.len(), map.lane_regs.len());
    assert_eq!(agilis_regmap::reg::CONTROL, map.regs.iter().find(|r| r.name == "CONTROL").unwrap().offset);
}

#[test]
fn job_error_bits_fit_one_byte() {
    // Lane ERROR, STATUS.JOB_ERROR and the descriptor's JOB_ERROR carry ERROR[7:0].
    let map = load(&root());
    let lane_err = map.lane_regs.iter().find(|r| r.name == "ERROR").unwrap();
    assert!(lane_err.fields.iter().all(|f| f.msb < 8) && lane_err.fields.len() == 8);
    let je = map.desc_status.iter().find(|f| f.name == "JOB_ERROR").unwrap();
    assert_eq!(je.width(), 8);
}
