//! An evaluation as plain text: its comparisons as tables, with the
//! self-selection caveat. One renderer serves the evaluation and its
//! published form: a withheld figure reads "withheld".

use super::published::{PublishedComparison, PublishedEvaluation};
use super::*;

fn count(x: Option<u64>) -> String {
    x.map_or_else(|| "withheld".to_owned(), |x| x.to_string())
}

fn ci_text(ci: Option<[f64; 2]>) -> String {
    ci.map_or_else(
        || "n/a".to_owned(),
        |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"),
    )
}

fn p_text(p: Option<f64>) -> String {
    p.map_or_else(|| "n/a".to_owned(), |p| format!("{p:.3e}"))
}

fn signed(x: Option<f64>, places: usize) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:+.places$}"))
}

fn comparison_row(measure: String, c: &PublishedComparison) -> Vec<String> {
    vec![
        measure,
        c.participants.to_string(),
        c.non_participants.to_string(),
        signed(c.difference_points, 1),
        decimal(c.ratio, 3),
        ci_text(c.ratio_ci),
        p_text(c.fisher.map(|f| f.two_sided)),
        decimal(c.z_test.map(|z| z.z), 2),
    ]
}

const COMPARISON_HEADER: [&str; 8] = [
    "measure",
    "participants",
    "non-participants",
    "difference (pp)",
    "ratio",
    "95% CI",
    "Fisher p",
    "z",
];

fn mh_line(what: &str, mh: Option<&MantelHaenszel>, bd: Option<&BreslowDay>) -> String {
    let mh = mh.map_or_else(
        || "Mantel-Haenszel undefined".to_owned(),
        |m| {
            format!(
                "Mantel-Haenszel odds ratio {}, CMH chi-square {:.3} (p {:.3e})",
                decimal(m.common_odds_ratio, 3),
                m.statistic,
                m.p_value
            )
        },
    );
    let bd = bd.map_or_else(
        || "Breslow-Day undefined".to_owned(),
        |b| {
            format!(
                "Breslow-Day {:.3} on {} df (p {:.3e})",
                b.statistic, b.df, b.p_value
            )
        },
    );
    format!("{what}: {mh}; {bd}")
}

impl fmt::Display for InterventionEvaluation {
    /// Aligned tables per target stage, then the caveat.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        PublishedEvaluation::from(self).fmt(f)
    }
}

impl fmt::Display for PublishedEvaluation {
    /// Aligned tables per target stage, then the caveat; a withheld figure
    /// reads "withheld".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Intervention evaluation: {} ({}; {})",
            self.intervention, self.kind, self.lawful_basis
        )?;
        writeln!(
            f,
            "Pipeline: {}; participants: {}; pass rate basis: {}",
            self.pipeline, self.options.participants, self.options.rate_basis
        )?;
        let p = &self.participation;
        writeln!(
            f,
            "Participation: {} record(s), {} candidate(s): {} completed, {} did not; {} with no application",
            count(p.records),
            count(p.candidates),
            count(p.completed),
            count(p.not_completed),
            count(p.without_application)
        )?;
        if p.partial_attendance != Some(0) || p.full_attendance != Some(0) {
            writeln!(
                f,
                "Attendance: {} at every session, {} at some",
                count(p.full_attendance),
                count(p.partial_attendance)
            )?;
        }
        for s in &self.stages {
            writeln!(f)?;
            writeln!(
                f,
                "Stage {}: {} entered (and {} exempt), {} eligible: {} participants, {} non-participants compared",
                s.stage,
                count(s.entered),
                count(s.exempt),
                count(s.eligible),
                count(s.participants),
                count(s.non_participants)
            )?;
            let mut t = TextTable::new(COMPARISON_HEADER);
            t.row(comparison_row(
                format!("pass rate at {}", s.stage),
                &s.pass_rate,
            ));
            t.row(comparison_row(
                format!("selected at {} (of ended journeys)", self.final_stage),
                &s.selected_at_end,
            ));
            write!(f, "{t}")?;
            if s.by_target_group.len() > 1 {
                writeln!(f)?;
                writeln!(f, "By target group")?;
                let mut t = TextTable::new(COMPARISON_HEADER);
                for g in &s.by_target_group {
                    t.row(comparison_row(
                        format!("{}: pass rate", g.group),
                        &g.pass_rate,
                    ));
                    t.row(comparison_row(
                        format!("{}: selected at the end", g.group),
                        &g.selected_at_end,
                    ));
                }
                write!(f, "{t}")?;
            }
            if !s.gap_closure.is_empty() {
                writeln!(f)?;
                writeln!(
                    f,
                    "Gap closure at {}: impact ratio against the reference group",
                    s.stage
                )?;
                let mut t = TextTable::new([
                    "group",
                    "reference",
                    "ref rate",
                    "participants",
                    "ratio",
                    "non-participants",
                    "ratio",
                    "parity",
                ]);
                for g in &s.gap_closure {
                    t.row(vec![
                        g.group.to_string(),
                        g.reference
                            .as_ref()
                            .map_or_else(|| "n/a".to_owned(), Group::to_string),
                        percent(g.participants.reference.rate),
                        g.participants.group.to_string(),
                        decimal(g.participants.impact_ratio, 3),
                        g.non_participants.group.to_string(),
                        decimal(g.non_participants.impact_ratio, 3),
                        g.parity.map_or_else(|| "n/a".to_owned(), |x| x.to_string()),
                    ]);
                }
                write!(f, "{t}")?;
            }
            if let Some(st) = &s.strata {
                writeln!(f)?;
                writeln!(f, "By stratum")?;
                let mut t = TextTable::new(COMPARISON_HEADER);
                for x in &st.strata {
                    t.row(comparison_row(
                        format!("{}: pass rate", x.name),
                        &x.pass_rate,
                    ));
                    t.row(comparison_row(
                        format!("{}: selected at the end", x.name),
                        &x.selected_at_end,
                    ));
                }
                write!(f, "{t}")?;
                writeln!(
                    f,
                    "{}",
                    mh_line(
                        "pass rate",
                        st.pass_rate_mantel_haenszel.as_ref(),
                        st.pass_rate_breslow_day.as_ref()
                    )
                )?;
                writeln!(
                    f,
                    "{}",
                    mh_line(
                        "selected at the end",
                        st.selected_at_end_mantel_haenszel.as_ref(),
                        st.selected_at_end_breslow_day.as_ref()
                    )
                )?;
            }
            if !s.before_after.is_empty() {
                writeln!(f)?;
                writeln!(
                    f,
                    "Before and after the launch on {}",
                    s.before_after[0].launch
                )?;
                let mut t = TextTable::new([
                    "group",
                    "reference",
                    "before",
                    "ratio",
                    "after",
                    "ratio",
                    "Breslow-Day p",
                    "parity",
                    "took part after",
                ]);
                for b in &s.before_after {
                    t.row(vec![
                        b.group.to_string(),
                        b.reference
                            .as_ref()
                            .map_or_else(|| "n/a".to_owned(), Group::to_string),
                        b.before.group.to_string(),
                        decimal(b.before.impact_ratio, 3),
                        b.after.group.to_string(),
                        decimal(b.after.impact_ratio, 3),
                        p_text(b.breslow_day.map(|x| x.p_value)),
                        b.parity_after
                            .map_or_else(|| "n/a".to_owned(), |x| x.to_string()),
                        percent(b.participation_after.rate),
                    ]);
                }
                write!(f, "{t}")?;
            }
            for n in &s.notes {
                writeln!(f, "note: {n}")?;
            }
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        writeln!(f)?;
        writeln!(f, "Caveat: {}.", self.caveat)
    }
}
