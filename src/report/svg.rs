//! The report as an SVG chart: one panel per stage and one for the bottom
//! line, with pass rates per group as bars, the reference marked, a line at
//! the four-fifths threshold, and flagged groups highlighted; then a panel
//! per workforce section (shares of the whole workforce against the
//! benchmark, rates per head, attrition rates, declaration rates), where a
//! withheld figure reads "withheld (small numbers)".

use std::fmt::Write as _;

use super::{Report, ReportStage};

const PANEL_WIDTH: f64 = 560.0;
const LABEL_WIDTH: f64 = 210.0;
const BAR_AREA: f64 = 260.0;
const ROW: f64 = 22.0;
const HEADER: f64 = 44.0;
const FOOTER: f64 = 26.0;
const GAP: f64 = 18.0;
const COLUMNS: usize = 2;

/// Escapes text for XML: group labels are user data.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn panel_height(stage: &ReportStage) -> f64 {
    HEADER + ROW * stage.groups.len().max(1) as f64 + FOOTER
}

fn panel(svg: &mut String, x: f64, y: f64, title: &str, stage: &ReportStage, threshold: f64) {
    let h = panel_height(stage);
    let _ = writeln!(
        svg,
        r##"<g transform="translate({x:.1},{y:.1})"><rect width="{PANEL_WIDTH}" height="{h:.1}" fill="#ffffff" stroke="#c8c8c8"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="10" y="20" font-size="14" font-weight="bold">{}</text>"##,
        escape(title)
    );
    let reference = match (&stage.reference, stage.reference_rate) {
        (Some(r), Some(rate)) if r.entries().len() == 0 => {
            format!("reference: overall rate {:.1}%", 100.0 * rate)
        }
        (Some(r), Some(rate)) => format!("reference: {} ({:.1}%)", r.label(), 100.0 * rate),
        _ => "no reference group".to_owned(),
    };
    let _ = writeln!(
        svg,
        r##"<text x="10" y="36" font-size="11" fill="#555555">{}</text>"##,
        escape(&reference)
    );
    let x0 = LABEL_WIDTH;
    for (i, g) in stage.groups.iter().enumerate() {
        let top = HEADER + ROW * i as f64;
        let label = if g.reference {
            format!("{} (ref)", g.group.label())
        } else {
            g.group.label()
        };
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            x0 - 6.0,
            top + 15.0,
            escape(&label)
        );
        let withheld = g.withheld.iter().any(|w| w == "pass_rate");
        match g.pass_rate {
            Some(rate) if !withheld => {
                let fill = if g.reference {
                    "#1f4e79"
                } else if g.adverse_impact == Some(true) {
                    "#c0392b"
                } else if g.unknown {
                    "#a6a6a6"
                } else {
                    "#5b9bd5"
                };
                let w = (BAR_AREA * rate).max(0.5);
                let _ = writeln!(
                    svg,
                    r##"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{fill}"><title>{}: {:.1}%</title></rect>"##,
                    top + 4.0,
                    ROW - 8.0,
                    escape(&g.group.to_string()),
                    100.0 * rate
                );
                let flag = match (g.adverse_impact, g.impact_ratio) {
                    (Some(true), Some(ir)) => format!("  IR {ir:.2} below {threshold}"),
                    (_, Some(ir)) if !g.reference => format!("  IR {ir:.2}"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10">{:.1}%{}</text>"##,
                    x0 + w + 4.0,
                    top + 15.0,
                    100.0 * rate,
                    escape(&flag)
                );
            }
            _ => {
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#777777">{}</text>"##,
                    x0 + 4.0,
                    top + 15.0,
                    if withheld {
                        "withheld (small numbers)"
                    } else {
                        "no rate"
                    }
                );
            }
        }
    }
    let bottom = HEADER + ROW * stage.groups.len().max(1) as f64;
    let _ = writeln!(
        svg,
        r##"<line x1="{x0:.1}" y1="{HEADER:.1}" x2="{x0:.1}" y2="{bottom:.1}" stroke="#333333"/>"##
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let tx = x0 + BAR_AREA * tick;
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#555555">{:.0}%</text>"##,
            bottom + 12.0,
            100.0 * tick
        );
    }
    if let Some(rate) = stage.reference_rate {
        let tx = x0 + BAR_AREA * threshold * rate;
        let _ = writeln!(
            svg,
            r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{bottom:.1}" stroke="#c0392b" stroke-dasharray="4 3"><title>four-fifths threshold: {:.1}%</title></line>"##,
            HEADER - 4.0,
            100.0 * threshold * rate
        );
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="9" fill="#c0392b" text-anchor="middle">{threshold} × reference</text>"##,
            bottom + 22.0
        );
    }
    svg.push_str("</g>\n");
}

/// One bar of a section panel.
struct Bar {
    label: String,
    /// The bar's length, 0 to 1 of the panel's scale.
    value: Option<f64>,
    /// What the bar says beside it.
    text: String,
    withheld: bool,
}

fn bars_height(bars: &[Bar]) -> f64 {
    HEADER + ROW * bars.len().max(1) as f64 + FOOTER
}

fn bar_panel(
    svg: &mut String,
    x: f64,
    y: f64,
    (title, subtitle, bars): &(String, String, Vec<Bar>),
) {
    let h = bars_height(bars);
    let _ = writeln!(
        svg,
        r##"<g transform="translate({x:.1},{y:.1})"><rect width="{PANEL_WIDTH}" height="{h:.1}" fill="#ffffff" stroke="#c8c8c8"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="10" y="20" font-size="14" font-weight="bold">{}</text>"##,
        escape(title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="10" y="36" font-size="11" fill="#555555">{}</text>"##,
        escape(subtitle)
    );
    let x0 = LABEL_WIDTH;
    for (i, bar) in bars.iter().enumerate() {
        let top = HEADER + ROW * i as f64;
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            x0 - 6.0,
            top + 15.0,
            escape(&bar.label)
        );
        match bar.value {
            Some(v) if !bar.withheld => {
                let w = (BAR_AREA * v.clamp(0.0, 1.0)).max(0.5);
                let _ = writeln!(
                    svg,
                    r##"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="#5b9bd5"><title>{}: {}</title></rect>"##,
                    top + 4.0,
                    ROW - 8.0,
                    escape(&bar.label),
                    escape(&bar.text)
                );
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10">{}</text>"##,
                    x0 + w + 4.0,
                    top + 15.0,
                    escape(&bar.text)
                );
            }
            _ => {
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#777777">{}</text>"##,
                    x0 + 4.0,
                    top + 15.0,
                    if bar.withheld {
                        "withheld (small numbers)"
                    } else {
                        "n/a"
                    }
                );
            }
        }
    }
    svg.push_str("</g>\n");
}

fn listed(withheld: &[String], field: &str) -> bool {
    withheld.iter().any(|w| w == field)
}

/// A panel per workforce section: (title, subtitle, bars).
fn section_panels(report: &Report) -> Vec<(String, String, Vec<Bar>)> {
    let pct = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{:.1}%", 100.0 * v));
    let mut out = Vec::new();
    if let Some(r) = &report.representation {
        for w in r
            .sections
            .iter()
            .filter(|s| !matches!(s.scope, crate::workforce::representation::Scope::Rank(_)))
        {
            let bars = w
                .rows
                .iter()
                .map(|row| Bar {
                    label: row.group.label(),
                    value: row.share,
                    text: format!(
                        "{} (benchmark {})",
                        pct(row.share),
                        pct(row.benchmark_share)
                    ),
                    withheld: listed(&row.withheld, "share"),
                })
                .collect();
            out.push((
                format!("Representation: {} against {}", w.scope, r.benchmark),
                "share of declared headcount, beside the benchmark share".to_owned(),
                bars,
            ));
        }
    }
    for d in &report.disproportionality {
        let top = d.rows.iter().filter_map(|r| r.rate).fold(0.0_f64, f64::max);
        let bars = d
            .rows
            .iter()
            .map(|row| Bar {
                label: row.group.label(),
                value: row.rate.map(|x| if top > 0.0 { x / top } else { 0.0 }),
                text: format!(
                    "{} per 1,000{}",
                    row.rate
                        .map_or_else(|| "n/a".to_owned(), |x| format!("{:.2}", 1000.0 * x)),
                    row.rate_ratio
                        .map_or_else(String::new, |x| format!(", ratio {x:.2}"))
                ),
                withheld: listed(&row.withheld, "rate"),
            })
            .collect();
        out.push((
            format!("Disproportionality: {}", d.event),
            "events per 1,000 population, with the rate ratio against the comparator".to_owned(),
            bars,
        ));
    }
    if let Some(a) = &report.attrition {
        let bars = a
            .rows
            .iter()
            .chain([&a.total])
            .map(|row| Bar {
                label: if row.group.entries().len() == 0 {
                    "everyone".to_owned()
                } else {
                    row.group.label()
                },
                value: row.attrition_rate,
                text: pct(row.attrition_rate),
                withheld: listed(&row.withheld, "attrition_rate"),
            })
            .collect();
        out.push((
            format!("Attrition {}", a.period),
            "leavers / headcount at the start of the period".to_owned(),
            bars,
        ));
    }
    if let Some(d) = &report.declaration {
        let bars = d
            .characteristics
            .iter()
            .map(|row| Bar {
                label: row.characteristic.to_string(),
                value: row.declaration_rate,
                text: pct(row.declaration_rate),
                withheld: listed(&row.withheld, "declaration_rate"),
            })
            .collect();
        out.push((
            "Declaration completeness".to_owned(),
            "declared / everyone, whole workforce".to_owned(),
            bars,
        ));
    }
    out
}

impl Report {
    /// The report as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let panels: Vec<(String, &ReportStage)> = self
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("{}. {}", i + 1, s.stage), s))
            .chain([(
                "Bottom line (passed last / entered first)".to_owned(),
                &self.bottom_line,
            )])
            .collect();
        // Lay panels out in rows of COLUMNS; each row as tall as its tallest.
        let rows: Vec<&[(String, &ReportStage)]> = panels.chunks(COLUMNS).collect();
        let heights: Vec<f64> = rows
            .iter()
            .map(|r| r.iter().map(|(_, s)| panel_height(s)).fold(0.0, f64::max))
            .collect();
        let sections = section_panels(self);
        let section_rows: Vec<&[(String, String, Vec<Bar>)]> = sections.chunks(COLUMNS).collect();
        let section_heights: Vec<f64> = section_rows
            .iter()
            .map(|r| r.iter().map(|(_, _, b)| bars_height(b)).fold(0.0, f64::max))
            .collect();
        let title_height = 56.0;
        let width = GAP + COLUMNS as f64 * (PANEL_WIDTH + GAP);
        let height = title_height
            + heights
                .iter()
                .chain(&section_heights)
                .map(|h| h + GAP)
                .sum::<f64>()
            + 24.0;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif">"##
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#f7f7f7"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="{GAP}" y="28" font-size="18" font-weight="bold">{}</text>"##,
            escape(&format!(
                "Pass rates by {}: {}",
                self.breakdown, self.pipeline
            ))
        );
        let _ = writeln!(
            svg,
            r##"<text x="{GAP}" y="46" font-size="11" fill="#555555">dark blue: reference group; red: impact ratio below {}; grey: prefer not to say or not recorded; dashed line: {} × the reference rate</text>"##,
            self.options.threshold, self.options.threshold
        );
        let mut y = title_height;
        for (row, h) in rows.iter().zip(&heights) {
            for (c, (title, stage)) in row.iter().enumerate() {
                let x = GAP + c as f64 * (PANEL_WIDTH + GAP);
                panel(&mut svg, x, y, title, stage, self.options.threshold);
            }
            y += h + GAP;
        }
        for (row, h) in section_rows.iter().zip(&section_heights) {
            for (c, panel) in row.iter().enumerate() {
                bar_panel(&mut svg, GAP + c as f64 * (PANEL_WIDTH + GAP), y, panel);
            }
            y += h + GAP;
        }
        svg.push_str("</svg>\n");
        svg
    }
}
