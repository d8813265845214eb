//! The workforce sections as text tables; a withheld figure reads
//! "withheld".

use std::fmt;

use super::{
    PublishedAttrition, PublishedAttritionRow, PublishedDeclaration, PublishedDeclarationRow,
    PublishedDisproportionality, PublishedRepresentation, PublishedRepresentationSection,
};
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::representation::{Position, Scope};

const WITHHELD: &str = "withheld";

/// The text of a figure, or "withheld" when it is listed as withheld.
fn shown(withheld: &[String], field: &str, text: impl FnOnce() -> String) -> String {
    if withheld.iter().any(|w| w == field) {
        WITHHELD.to_owned()
    } else {
        text()
    }
}

fn count(c: Option<u64>) -> String {
    c.map_or_else(|| WITHHELD.to_owned(), |c| c.to_string())
}

fn signed(points: Option<f64>) -> String {
    points.map_or_else(|| "n/a".to_owned(), |p| format!("{p:+.1}"))
}

fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or_else(
        || "n/a".to_owned(),
        |[l, h]| format!("{}–{}", decimal(Some(l), 2), decimal(Some(h), 2)),
    )
}

fn position(p: Option<Position>) -> String {
    p.map_or_else(|| "n/a".to_owned(), |p| p.to_string())
}

fn scope_table(
    f: &mut fmt::Formatter<'_>,
    section: &PublishedRepresentationSection,
) -> fmt::Result {
    writeln!(
        f,
        "{}: {} in post, {} declared, {} not declared",
        section.scope,
        count(section.headcount),
        count(section.declared),
        count(section.undeclared)
    )?;
    let band = !matches!(section.scope, Scope::Workforce);
    let mut header = vec![
        "group",
        "headcount",
        "share",
        "benchmark",
        "ratio",
        "ratio 95% CI",
        "gap (points)",
        "position against benchmark",
        "vs workforce (points)",
    ];
    if band {
        header.push("position against workforce");
    }
    header.push("ratio if undeclared none/all");
    let mut table = TextTable::new(header);
    for row in &section.rows {
        let w = &row.withheld;
        let mut cells = vec![
            row.group.label(),
            count(row.headcount),
            shown(w, "share", || percent(row.share)),
            percent(row.benchmark_share),
            shown(w, "ratio", || decimal(row.ratio, 2)),
            shown(w, "ratio_ci", || interval(row.ratio_ci)),
            shown(w, "gap_points", || signed(row.gap_points)),
            shown(w, "position", || position(row.position)),
            shown(w, "difference_from_workforce_points", || {
                signed(row.difference_from_workforce_points)
            }),
        ];
        if band {
            cells.push(shown(w, "position_in_workforce", || {
                position(row.position_in_workforce)
            }));
        }
        cells.push(shown(w, "if_undeclared", || {
            row.if_undeclared.as_ref().map_or_else(
                || "n/a".to_owned(),
                |b| {
                    format!(
                        "{}–{}{}",
                        decimal(b.ratio_if_none, 2),
                        decimal(b.ratio_if_all, 2),
                        if b.could_change_conclusion {
                            " (!)"
                        } else {
                            ""
                        }
                    )
                },
            )
        }));
        table.row(cells);
    }
    write!(f, "{table}")?;
    for note in &section.notes {
        writeln!(f, "note: {note}")?;
    }
    Ok(())
}

impl fmt::Display for PublishedRepresentation {
    /// The whole workforce and each band in full, then shares by rank.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Representation by {} against {}",
            self.breakdown, self.benchmark
        )?;
        match self.as_at {
            Some(d) => writeln!(f, ", headcount on {d}")?,
            None => writeln!(f)?,
        }
        for section in self
            .sections
            .iter()
            .filter(|s| !matches!(s.scope, Scope::Rank(_)))
        {
            writeln!(f)?;
            scope_table(f, section)?;
        }
        let ranks: Vec<&PublishedRepresentationSection> = self
            .sections
            .iter()
            .filter(|s| matches!(s.scope, Scope::Rank(_)))
            .collect();
        if let Some(first) = ranks.first() {
            writeln!(f)?;
            writeln!(f, "Headcount and share of declared headcount by rank")?;
            let mut header = vec!["rank".to_owned(), "in post".to_owned()];
            header.extend(first.rows.iter().map(|r| r.group.label()));
            let mut table = TextTable::new(header);
            for s in &ranks {
                let name = match &s.scope {
                    Scope::Rank(r) => r.to_string(),
                    other => other.to_string(),
                };
                let mut row = vec![name, count(s.headcount)];
                row.extend(s.rows.iter().map(|r| {
                    format!(
                        "{} ({})",
                        count(r.headcount),
                        shown(&r.withheld, "share", || percent(r.share))
                    )
                }));
                table.row(row);
            }
            write!(f, "{table}")?;
            for s in ranks {
                for note in &s.notes {
                    writeln!(f, "note ({}): {note}", s.scope)?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for PublishedDisproportionality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Disproportionality of {} by {} (comparator: {}); {} events, population {}",
            self.event,
            self.breakdown,
            self.comparator
                .as_ref()
                .map_or_else(|| "none".to_owned(), |g| g.label()),
            count(self.total_events),
            count(self.total_population),
        )?;
        let mut table = TextTable::new([
            "group",
            "events",
            "share of events",
            "population",
            "rate per 1,000",
            "rate ratio",
            "95% CI (exact)",
            "p",
            "ratio if unrecorded focal/comparator",
        ]);
        for r in &self.rows {
            let w = &r.withheld;
            table.row(vec![
                r.group.label(),
                count(r.events),
                shown(w, "share_of_events", || percent(r.share_of_events)),
                count(r.population),
                shown(w, "rate", || decimal(r.rate.map(|x| 1000.0 * x), 2)),
                shown(w, "rate_ratio", || decimal(r.rate_ratio, 2)),
                shown(w, "rate_ratio_ci", || {
                    r.rate_ratio_ci.map_or_else(
                        || "n/a".to_owned(),
                        |(l, h)| {
                            format!(
                                "{}–{}",
                                decimal(Some(l), 2),
                                h.map_or_else(|| "inf".to_owned(), |h| decimal(Some(h), 2))
                            )
                        },
                    )
                }),
                shown(w, "p_value", || {
                    r.p_value
                        .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.3}"))
                }),
                shown(w, "if_unrecorded", || {
                    r.if_unrecorded.map_or_else(
                        || "n/a".to_owned(),
                        |b| {
                            format!(
                                "{}/{}{}",
                                decimal(b.if_unrecorded_focal, 2),
                                decimal(b.if_unrecorded_comparator, 2),
                                if b.could_change_conclusion {
                                    " (!)"
                                } else {
                                    ""
                                }
                            )
                        },
                    )
                }),
            ]);
        }
        write!(f, "{table}")?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

fn attrition_cells(r: &PublishedAttritionRow, comparator: bool) -> Vec<String> {
    let w = &r.withheld;
    let mut cells = vec![
        r.group.label(),
        count(r.headcount_at_start),
        count(r.leavers),
        shown(w, "attrition_rate", || percent(r.attrition_rate)),
        shown(w, "retention_rate", || percent(r.retention_rate)),
    ];
    if comparator {
        cells.push("comparator".to_owned());
    } else if w.iter().any(|x| x == "versus_comparator") {
        cells.extend([
            WITHHELD.to_owned(),
            WITHHELD.to_owned(),
            WITHHELD.to_owned(),
        ]);
    } else if let Some(c) = &r.versus_comparator {
        cells.push(decimal(c.rate_ratio, 2));
        cells.push(
            c.rate_ratio_ci
                .map_or_else(|| "n/a".to_owned(), |(lo, hi)| format!("{lo:.2}–{hi:.2}")),
        );
        cells.push(match c.fisher.map(|f| f.two_sided) {
            Some(p) if p >= 0.001 => format!("{p:.3}"),
            Some(p) => format!("{p:.2e}"),
            None => "n/a".to_owned(),
        });
    }
    cells
}

impl fmt::Display for PublishedAttrition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let period = self
            .period
            .financial_year_label()
            .unwrap_or_else(|| self.period.to_string());
        writeln!(
            f,
            "Attrition {period} by {} (leavers / headcount at the start)",
            self.breakdown
        )?;
        let ci = format!("{:.0}% CI", 100.0 * self.confidence);
        let mut table = TextTable::new([
            "group",
            "at start",
            "leavers",
            "attrition",
            "retention",
            "rate ratio",
            ci.as_str(),
            "Fisher p",
        ]);
        for r in &self.rows {
            table.row(attrition_cells(
                r,
                Some(&r.group) == self.comparator.as_ref(),
            ));
        }
        let mut total = attrition_cells(&self.total, false);
        total[0] = "everyone".to_owned();
        table.row(total);
        write!(f, "{table}")?;
        match self.joined_and_left {
            Some(0) => {}
            Some(n) => writeln!(
                f,
                "{n} joined during the period and left in it (outside the rates)"
            )?,
            None => writeln!(
                f,
                "people who joined during the period and left in it: withheld (outside the rates)"
            )?,
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

fn declaration_cells(r: &PublishedDeclarationRow) -> Vec<String> {
    let w = &r.withheld;
    vec![
        r.characteristic.to_string(),
        r.unit
            .as_ref()
            .map_or_else(|| "whole workforce".to_owned(), ToString::to_string),
        count(r.total),
        count(r.declared),
        count(r.prefer_not_to_say),
        count(r.not_recorded),
        shown(w, "declaration_rate", || percent(r.declaration_rate)),
        shown(w, "prefer_not_to_say_rate", || {
            percent(r.prefer_not_to_say_rate)
        }),
        shown(w, "not_recorded_rate", || percent(r.not_recorded_rate)),
    ]
}

impl fmt::Display for PublishedDeclaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_at {
            Some(d) => writeln!(f, "Declaration completeness on {d}")?,
            None => writeln!(f, "Declaration completeness")?,
        }
        let mut table = TextTable::new([
            "characteristic",
            "unit",
            "total",
            "declared",
            "prefer not to say",
            "not recorded",
            "declaration rate",
            "prefer not to say rate",
            "not recorded rate",
        ]);
        for r in self.characteristics.iter().chain(&self.units) {
            table.row(declaration_cells(r));
        }
        write!(f, "{table}")?;
        if !self.flags.is_empty() {
            writeln!(f, "Representation figures the undeclared could overturn")?;
            let mut table = TextTable::new([
                "scope",
                "group",
                "ratio",
                "ratio if none",
                "ratio if all",
                "undeclared",
            ]);
            for flag in &self.flags {
                table.row(vec![
                    flag.scope.to_string(),
                    flag.group.label(),
                    decimal(flag.ratio, 2),
                    decimal(flag.bounds.ratio_if_none, 2),
                    decimal(flag.bounds.ratio_if_all, 2),
                    flag.bounds.undeclared.to_string(),
                ]);
            }
            write!(f, "{table}")?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}
