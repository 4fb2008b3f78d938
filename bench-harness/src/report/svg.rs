//! Horizontal bar charts as hand-written SVG: labelled bars with their values,
//! a value axis with ticks and its unit, agilis in one colour and published
//! figures in another. No plotting dependency; the output is plain XML.

use std::fmt::Write as _;

/// One bar. `value` None is drawn as "not measured".
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    /// A published figure (grey) rather than agilis's (blue).
    pub published: bool,
}

/// Bars under one heading (e.g. one operation).
#[derive(Debug, Clone)]
pub struct Group {
    pub heading: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    /// The value axis's label, with its unit.
    pub axis: String,
    pub groups: Vec<Group>,
    /// A line under the axis: the source, or the assumption behind an estimate.
    pub note: Option<String>,
}

const WIDTH: f64 = 820.0;
const LABEL_W: f64 = 300.0;
const RIGHT_PAD: f64 = 90.0;
const BAR_H: f64 = 18.0;
const BAR_GAP: f64 = 5.0;
const HEADING_H: f64 = 22.0;
const TOP: f64 = 44.0;
const AGILIS: &str = "#2b6cb0";
const PUBLISHED: &str = "#a3a3a3";

impl Chart {
    pub fn to_svg(&self) -> String {
        let max = self
            .groups
            .iter()
            .flat_map(|g| &g.bars)
            .filter_map(|b| b.value)
            .fold(0.0_f64, f64::max);
        let (step, top) = axis_scale(max);
        let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
        let x_of = |v: f64| LABEL_W + plot_w * (v / top);
        let rows: f64 = self
            .groups
            .iter()
            .map(|g| HEADING_H + g.bars.len() as f64 * (BAR_H + BAR_GAP))
            .sum();
        let plot_bottom = TOP + rows + 6.0;
        let height = plot_bottom + 44.0 + if self.note.is_some() { 18.0 } else { 0.0 } + 22.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="24" font-size="15" font-weight="bold" text-anchor="middle">{}</text>"#,
            WIDTH / 2.0,
            esc(&self.title)
        );
        // Grid and ticks.
        let mut v = 0.0;
        while v <= top * (1.0 + 1e-9) {
            let x = x_of(v);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{plot_bottom}" stroke="#e2e2e2"/>"##
            );
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                plot_bottom + 16.0,
                esc(&tick_label(v, step))
            );
            v += step;
        }
        let _ = writeln!(
            s,
            r##"<line x1="{LABEL_W}" y1="{plot_bottom}" x2="{:.1}" y2="{plot_bottom}" stroke="#333"/>"##,
            x_of(top)
        );
        let _ = writeln!(
            s,
            r#"<text class="axis-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LABEL_W + plot_w / 2.0,
            plot_bottom + 36.0,
            esc(&self.axis)
        );
        // Bars.
        let mut y = TOP;
        for g in &self.groups {
            let _ = writeln!(
                s,
                r#"<text x="8" y="{:.1}" font-weight="bold">{}</text>"#,
                y + 15.0,
                esc(&g.heading)
            );
            y += HEADING_H;
            for b in &g.bars {
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                    LABEL_W - 8.0,
                    y + 13.0,
                    esc(&b.label)
                );
                match b.value {
                    Some(value) => {
                        let w = (x_of(value) - LABEL_W).max(0.5);
                        let class = if b.published { "published" } else { "agilis" };
                        let fill = if b.published { PUBLISHED } else { AGILIS };
                        let _ = writeln!(
                            s,
                            r#"<rect class="bar {class}" data-value="{value}" x="{LABEL_W}" y="{y:.1}" width="{w:.2}" height="{BAR_H}" fill="{fill}"><title>{}: {}</title></rect>"#,
                            esc(&b.label),
                            esc(&value_label(value))
                        );
                        let _ = writeln!(
                            s,
                            r#"<text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
                            LABEL_W + w + 5.0,
                            y + 13.0,
                            esc(&value_label(value))
                        );
                    }
                    None => {
                        let _ = writeln!(
                            s,
                            r##"<text class="value missing" x="{:.1}" y="{:.1}" fill="#888" font-style="italic">not measured</text>"##,
                            LABEL_W + 5.0,
                            y + 13.0
                        );
                    }
                }
                y += BAR_H + BAR_GAP;
            }
        }
        // Legend and note.
        let ly = plot_bottom + 56.0;
        let _ = writeln!(
            s,
            r#"<rect x="{LABEL_W}" y="{:.1}" width="12" height="12" fill="{AGILIS}"/>"#,
            ly - 10.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{ly:.1}">agilis (this run)</text>"#,
            LABEL_W + 18.0
        );
        let _ = writeln!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{PUBLISHED}"/>"#,
            LABEL_W + 160.0,
            ly - 10.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{ly:.1}">published (../shared/TARGETS.md)</text>"#,
            LABEL_W + 178.0
        );
        if let Some(note) = &self.note {
            let _ = writeln!(
                s,
                r##"<text x="8" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
                ly + 20.0,
                esc(note)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

/// A tick step of 1, 2 or 5 × 10^k giving about five ticks, and the axis end.
pub fn axis_scale(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let top = (max / step).ceil() * step;
    (step, if top < max * 1.0001 { top + step } else { top })
}

fn tick_label(v: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.*}", (-step.log10().floor()) as usize)
    }
}

/// A bar's value as printed beside it: three significant digits, more for large whole numbers.
pub fn value_label(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else {
        super::criterion::sig3(v)
    }
}

/// XML text and attribute escaping.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
