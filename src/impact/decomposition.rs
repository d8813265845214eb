//! Where a group's bottom-line adverse impact comes from: the pinch point.

use crate::counts::funnel_counts::{FunnelCounts, StageCounts};
use crate::error::Result;
use crate::impact::analysis::StageImpact;
use crate::records::breakdown::Group;
use crate::stats::rate_ratio;

/// One stage's part in a group's bottom-line impact ratio.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageContribution {
    /// The stage.
    pub stage: String,
    /// The group's stage rate over the reference's, on the entered basis
    /// with pending candidates excluded: passed / (passed + failed +
    /// withdrew).
    pub impact_ratio: Option<f64>,
    /// Its natural log: the stage's term in ln(bottom-line impact ratio).
    pub ln_impact_ratio: Option<f64>,
    /// The stage's share of ln(bottom-line impact ratio); the shares sum
    /// to 1.
    pub share: Option<f64>,
}

/// A group's bottom-line impact ratio split into stage terms.
///
/// With the reference group held fixed at every stage and rates on the
/// entered basis, the bottom-line selection rate is the product of the stage
/// rates, so the bottom-line impact ratio is the product of the stage impact
/// ratios and its log splits exactly into stage terms. The stage with the
/// most negative term is the **pinch point**: where the adverse impact
/// comes from.
///
/// Pending candidates have no result yet and are left out of every stage
/// rate. The identity with the observed bottom line is exact when every
/// candidate who passes a stage has a result at the next one; pending
/// candidates, exempt stages and late joiners break it, and the notes say
/// so.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decomposition {
    /// The group.
    pub group: Group,
    /// The reference held fixed: the bottom line's (`{}` for the overall
    /// rate).
    pub reference: Group,
    /// Each stage's term.
    pub stages: Vec<StageContribution>,
    /// The product of the stage impact ratios.
    pub product_of_stage_ratios: Option<f64>,
    /// The observed bottom-line impact ratio, for comparison.
    pub bottom_line_impact_ratio: Option<f64>,
    /// Pending candidates of the group and the reference, left out.
    pub pending: u64,
    /// The stage contributing most to the adverse impact (the most
    /// negative term), if any term is negative.
    pub pinch_point: Option<String>,
    /// Caveats.
    pub notes: Vec<String>,
}

/// The rate of the decomposition as (selected, considered): passed out of
/// passed + failed + withdrew.
fn tally(c: &StageCounts) -> (u64, u64) {
    (
        c.passed,
        c.passed.saturating_add(c.failed).saturating_add(c.withdrew),
    )
}

pub(crate) fn decompose(
    counts: &FunnelCounts,
    bottom_line: &StageImpact,
    overall: bool,
) -> Result<Vec<Decomposition>> {
    let Some(reference) = bottom_line.reference.clone() else {
        return Ok(Vec::new());
    };
    let stages = counts.pipeline().stages();
    let reference_cells: Vec<StageCounts> = if overall {
        (0..stages.len())
            .map(|s| counts.stage_total(s))
            .collect::<Result<_>>()?
    } else {
        match counts.group_index(&reference) {
            Some(r) => (0..stages.len()).map(|s| *counts.cell(s, r)).collect(),
            None => return Ok(Vec::new()),
        }
    };
    let mut out = Vec::new();
    for (g, group) in counts.groups().iter().enumerate() {
        if group.is_unknown() || (!overall && *group == reference) {
            continue;
        }
        out.push(decompose_group(
            counts,
            g,
            &reference,
            &reference_cells,
            bottom_line,
            overall,
        ));
    }
    Ok(out)
}

/// One group's stage terms against the reference cells: each stage's impact
/// ratio and its share of ln IR at the bottom line, and the pinch point.
fn decompose_group(
    counts: &FunnelCounts,
    g: usize,
    reference: &Group,
    reference_cells: &[StageCounts],
    bottom_line: &StageImpact,
    overall: bool,
) -> Decomposition {
    let stages = counts.pipeline().stages();
    let group = &counts.groups()[g];
    let mut notes = Vec::new();
    let mut pending = 0u64;
    let mut terms = Vec::with_capacity(stages.len());
    for (s, stage) in stages.iter().enumerate() {
        let mine = counts.cell(s, g);
        let theirs = &reference_cells[s];
        pending = pending
            .saturating_add(mine.pending)
            .saturating_add(if overall { 0 } else { theirs.pending });
        let ((x1, n1), (x2, n2)) = (tally(mine), tally(theirs));
        let ir = rate_ratio(x1, n1, x2, n2);
        let ln = ir.filter(|r| *r > 0.0).map(f64::ln);
        terms.push(StageContribution {
            stage: stage.name().to_owned(),
            impact_ratio: ir,
            ln_impact_ratio: ln,
            share: None,
        });
    }
    let total: Option<f64> = terms.iter().map(|t| t.ln_impact_ratio).sum();
    if total.is_none() {
        let undefined: Vec<&str> = terms
            .iter()
            .filter(|t| t.ln_impact_ratio.is_none())
            .map(|t| t.stage.as_str())
            .collect();
        notes.push(format!(
            "the decomposition is undefined: the stage impact ratio is undefined or 0 at {}",
            undefined.join(", ")
        ));
    }
    if let Some(total) = total {
        if total != 0.0 {
            for t in &mut terms {
                t.share = t.ln_impact_ratio.map(|l| l / total);
            }
        } else {
            notes.push(
                "the bottom-line impact ratio is exactly 1, so there are no shares to split"
                    .to_owned(),
            );
        }
    }
    let pinch_point = terms
        .iter()
        .filter_map(|t| t.ln_impact_ratio.map(|l| (l, &t.stage)))
        .filter(|(l, _)| *l < 0.0)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s.clone());
    let product = total.map(f64::exp);
    // Rows are in the counts' group order; look there first so that many
    // groups stay linear, and search only if that ever changes.
    let observed = bottom_line
        .groups
        .get(g)
        .filter(|x| x.group == *group)
        .or_else(|| bottom_line.groups.iter().find(|x| x.group == *group))
        .and_then(|x| x.impact_ratio);
    if pending > 0 {
        notes.push(format!(
            "{pending} pending candidates are left out of the stage rates"
        ));
    }
    if let (Some(p), Some(o)) = (product, observed) {
        if (p - o).abs() > 1e-9 * o.abs().max(p.abs()) {
            notes.push("the product of the stage ratios differs from the observed bottom line, because of pending candidates, exempt stages or candidates who joined after the first stage".to_owned());
        }
    }
    Decomposition {
        group: group.clone(),
        reference: reference.clone(),
        stages: terms,
        product_of_stage_ratios: product,
        bottom_line_impact_ratio: observed,
        pending,
        pinch_point,
        notes,
    }
}
