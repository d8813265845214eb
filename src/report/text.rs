//! The report as aligned text tables.

use std::fmt;

use super::{Report, ReportGroup, ReportStage};
use crate::text_table::{TextTable, decimal, percent};

impl Report {
    /// The report as text: an aligned table per stage (counts, rates,
    /// impact ratios with intervals, p-values, shortfalls), flagged cells
    /// marked, then the bottom line, the pinch point per group, and notes.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

fn count(c: Option<u64>) -> String {
    c.map_or_else(|| "·".to_owned(), |c| c.to_string())
}

fn withheld_or(g: &ReportGroup, field: &str, text: String) -> String {
    if g.withheld.iter().any(|w| w == field) {
        "withheld".to_owned()
    } else {
        text
    }
}

fn stage_table(stage: &ReportStage, alpha: f64) -> TextTable {
    let mut t = TextTable::new([
        "group",
        "entered",
        "passed",
        "failed",
        "withdrew",
        "pending",
        "exempt",
        "rate",
        "impact ratio",
        "95% CI",
        "Fisher p",
        "z",
        "shortfall pooled",
        "to parity",
        "to 4/5",
    ]);
    for g in &stage.groups {
        let marker = if g.reference {
            " (ref)"
        } else if g.adverse_impact == Some(true) {
            " !"
        } else if g.unknown {
            " (unknown)"
        } else {
            ""
        };
        let p = g.fisher.map(|f| f.two_sided);
        let p_text = p.map_or_else(
            || "n/a".to_owned(),
            |p| {
                let star = if p < alpha && !g.unknown { "*" } else { "" };
                if p < 1e-4 {
                    let ln = g.fisher.map_or(0.0, |f| f.ln_two_sided);
                    if p == 0.0 {
                        format!("e^{ln:.0}{star}")
                    } else {
                        format!("{p:.1e}{star}")
                    }
                } else {
                    format!("{p:.4}{star}")
                }
            },
        );
        t.row(vec![
            format!("{}{marker}", g.group),
            count(g.entered),
            count(g.passed),
            count(g.failed),
            count(g.withdrew),
            count(g.pending),
            count(g.exempt),
            withheld_or(g, "pass_rate", percent(g.pass_rate)),
            withheld_or(g, "impact_ratio", decimal(g.impact_ratio, 3)),
            withheld_or(
                g,
                "impact_ratio_ci",
                g.impact_ratio_ci.map_or_else(
                    || "n/a".to_owned(),
                    |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"),
                ),
            ),
            withheld_or(g, "fisher", p_text),
            withheld_or(g, "z_test", decimal(g.z_test.map(|z| z.z), 2)),
            withheld_or(
                g,
                "shortfall",
                decimal(g.shortfall.and_then(|s| s.pooled), 1),
            ),
            withheld_or(
                g,
                "shortfall",
                decimal(g.shortfall.and_then(|s| s.to_parity), 1),
            ),
            withheld_or(
                g,
                "shortfall",
                g.shortfall
                    .and_then(|s| s.to_threshold)
                    .map_or_else(|| "n/a".to_owned(), |s| s.to_string()),
            ),
        ]);
    }
    t
}

fn write_stage(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    stage: &ReportStage,
    alpha: f64,
) -> fmt::Result {
    let reference = match (&stage.reference, stage.reference_rate) {
        (Some(r), rate) if r.entries().len() == 0 => format!("overall rate {}", percent(rate)),
        (Some(r), rate) => format!("{r}, rate {}", percent(rate)),
        (None, _) => "none".to_owned(),
    };
    writeln!(f, "{title} (reference: {reference})")?;
    if let Some(why) = &stage.reference_reason {
        writeln!(f, "  reference chosen as: {why}")?;
    }
    write!(f, "{}", stage_table(stage, alpha))?;
    for n in &stage.notes {
        writeln!(f, "  note: {n}")?;
    }
    writeln!(f)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Adverse impact report: {}", self.pipeline)?;
        writeln!(
            f,
            "by {}; reference: {}; rate basis: {}; threshold {}; alpha {}",
            if self.breakdown.characteristics().is_empty() {
                "nothing".to_owned()
            } else {
                self.breakdown.to_string()
            },
            self.options.reference,
            self.options.rate_basis,
            self.options.threshold,
            self.options.alpha
        )?;
        writeln!(
            f,
            "marks: ! impact ratio below the threshold; * Fisher p < alpha; (ref) the reference group; · withheld"
        )?;
        if let Some(s) = &self.suppression {
            writeln!(
                f,
                "published with small-cell suppression: counts from 1 to {} withheld ({} small, {} more so they cannot be worked out)",
                s.min_cell.saturating_sub(1),
                s.primary,
                s.secondary
            )?;
        }
        writeln!(f)?;
        let n = self.stages.len();
        for (i, stage) in self.stages.iter().enumerate() {
            write_stage(
                f,
                &format!("Stage {}/{n}: {}", i + 1, stage.stage),
                stage,
                self.options.alpha,
            )?;
        }
        write_stage(
            f,
            "Bottom line: passed the last stage / entered the first",
            &self.bottom_line,
            self.options.alpha,
        )?;
        if !self.decomposition.is_empty() {
            writeln!(
                f,
                "Where the bottom-line gap comes from (share of ln bottom-line impact ratio, reference held fixed)"
            )?;
            let mut header = vec!["group".to_owned(), "bottom line".to_owned()];
            header.extend(self.stages.iter().map(|s| s.stage.clone()));
            header.push("pinch point".to_owned());
            let mut t = TextTable::new(header);
            for d in &self.decomposition {
                let mut row = vec![d.group.to_string(), decimal(d.bottom_line_impact_ratio, 3)];
                row.extend(d.stages.iter().map(|s| percent(s.share)));
                row.push(d.pinch_point.clone().unwrap_or_else(|| "none".to_owned()));
                t.row(row);
            }
            write!(f, "{t}")?;
            writeln!(f)?;
        }
        if let Some(s) = &self.stratified {
            writeln!(f, "Pooled over strata: {}", s.strata.join(", "))?;
            let mut t = TextTable::new([
                "stage",
                "group",
                "strata",
                "MH odds ratio",
                "CMH p",
                "Breslow-Day p",
            ]);
            for stage in s.stages.iter().chain([&s.bottom_line]) {
                for g in &stage.groups {
                    t.row(vec![
                        stage.stage.clone(),
                        g.group.to_string(),
                        g.strata.to_string(),
                        decimal(g.mantel_haenszel.and_then(|m| m.common_odds_ratio), 3),
                        decimal(g.mantel_haenszel.map(|m| m.p_value), 4),
                        decimal(g.breslow_day.map(|b| b.p_value), 4),
                    ]);
                }
            }
            write!(f, "{t}")?;
            writeln!(f)?;
        }
        for evaluation in &self.interventions {
            writeln!(f, "{evaluation}")?;
        }
        if let Some(r) = &self.representation {
            writeln!(f, "{r}")?;
        }
        for d in &self.disproportionality {
            writeln!(f, "{d}")?;
        }
        if let Some(a) = &self.attrition {
            writeln!(f, "{a}")?;
        }
        if let Some(d) = &self.declaration {
            writeln!(f, "{d}")?;
        }
        if let Some(load) = &self.load {
            writeln!(
                f,
                "Loaded {} records: {} used, {} set aside",
                load.read, load.used, load.set_aside_total
            )?;
            // By reason, with the first few of each: a load that sets
            // aside most of a large file stays a few lines long.
            for r in &load.set_aside_by_reason {
                writeln!(f, "  {} set aside: {}", r.count, r.reason)?;
                for s in &r.examples {
                    writeln!(f, "    {}: {}", s.location, s.reason)?;
                }
                let more = r.count.saturating_sub(r.examples.len() as u64);
                if more > 0 {
                    writeln!(f, "    and {more} more")?;
                }
            }
            writeln!(f)?;
        }
        writeln!(f, "Notes")?;
        for n in &self.notes {
            writeln!(f, "- {n}")?;
        }
        Ok(())
    }
}
