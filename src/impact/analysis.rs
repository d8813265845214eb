//! Adverse impact per stage and at the bottom line.

use std::fmt;

use crate::counts::RateBasis;
use crate::counts::funnel_counts::{FunnelCounts, StageCounts};
use crate::error::{Error, Result};
use crate::impact::reference::{
    ReferencePolicy, SMALL_REFERENCE_GROUP, Tally, choose_reference, reference_reason,
};
use crate::records::breakdown::Group;
use crate::stats::rate_ratio;
use crate::stats::{AdverseImpactRule, FisherExact, Shortfall, TwoByTwo, ZTest};
use crate::text_table::{TextTable, decimal, percent};

/// The options of an impact analysis. Each setter takes and returns `self`;
/// [`ImpactAnalysis::new`] validates them.
///
/// ```
/// use positive_action::{ImpactOptions, RateBasis, ReferencePolicy};
///
/// let options = ImpactOptions::new()
///     .reference(ReferencePolicy::HighestRateAmong { min_share: 0.02 })
///     .basis(RateBasis::Decided)
///     .threshold(0.8)
///     .alpha(0.05);
/// assert!(options.validate().is_ok());
/// assert!(ImpactOptions::new().threshold(1.2).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct ImpactOptions {
    /// How the reference group is chosen.
    pub reference: ReferencePolicy,
    /// The basis of the pass rates.
    pub rate_basis: RateBasis,
    /// The four-fifths threshold, in (0, 1]; 0.8 by default.
    pub threshold: f64,
    /// The significance level, in (0, 1); 0.05 by default.
    pub alpha: f64,
    /// The confidence of intervals, in (0, 1); 0.95 by default.
    pub confidence: f64,
    /// What counts as adverse impact when checking.
    pub rule: AdverseImpactRule,
}

impl Default for ImpactOptions {
    fn default() -> Self {
        Self {
            reference: ReferencePolicy::HighestRate,
            rate_basis: RateBasis::Decided,
            threshold: 0.8,
            alpha: 0.05,
            confidence: 0.95,
            rule: AdverseImpactRule::FourFifths,
        }
    }
}

impl ImpactOptions {
    /// The defaults: highest-rate reference, decided basis, threshold 0.8,
    /// alpha 0.05, 95% intervals, the four-fifths rule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the reference policy.
    pub fn reference(mut self, reference: ReferencePolicy) -> Self {
        self.reference = reference;
        self
    }

    /// Sets the rate basis.
    pub fn basis(mut self, basis: RateBasis) -> Self {
        self.rate_basis = basis;
        self
    }

    /// Sets the four-fifths threshold.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets the significance level.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the confidence of intervals.
    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    /// Sets what counts as adverse impact when checking.
    pub fn rule(mut self, rule: AdverseImpactRule) -> Self {
        self.rule = rule;
        self
    }

    /// Checks every option is in range.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] naming the option: threshold must be in
    /// (0, 1], alpha and confidence in (0, 1), min_share in [0, 1), and an
    /// unknown group cannot be the reference.
    pub fn validate(&self) -> Result<()> {
        let check = |name, value: f64, ok: bool, expected| {
            if ok {
                Ok(())
            } else {
                Err(Error::InvalidOption {
                    name,
                    value: value.to_string(),
                    expected,
                })
            }
        };
        let t = self.threshold;
        check("threshold", t, t > 0.0 && t <= 1.0, "a number in (0, 1]")?;
        let a = self.alpha;
        check("alpha", a, a > 0.0 && a < 1.0, "a number in (0, 1)")?;
        let c = self.confidence;
        check("confidence", c, c > 0.0 && c < 1.0, "a number in (0, 1)")?;
        match &self.reference {
            ReferencePolicy::HighestRateAmong { min_share: m } => {
                check("min_share", *m, *m >= 0.0 && *m < 1.0, "a number in [0, 1)")
            }
            ReferencePolicy::Group(g) if g.is_unknown() => Err(Error::InvalidReferenceGroup {
                group: g.to_string(),
                reason: "is an unknown group (prefer not to say or not recorded), which is never the reference",
            }),
            _ => Ok(()),
        }
    }
}

/// One group at one stage (or at the bottom line), against the reference.
///
/// The reference group's own row carries its counts, its rate and an impact
/// ratio of 1, and no tests. An undefined figure is `None` (`null` in
/// JSON), and the stage's notes say why.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupImpact {
    /// The group.
    pub group: Group,
    /// Entered (at the bottom line: entered the first stage).
    pub entered: u64,
    /// Passed (at the bottom line: passed the last stage).
    pub passed: u64,
    /// Failed (at the bottom line: failed at any stage).
    pub failed: u64,
    /// Withdrew (at the bottom line: at any stage).
    pub withdrew: u64,
    /// Pending (at the bottom line: at any stage).
    pub pending: u64,
    /// Exempt (at the bottom line: at any stage).
    pub exempt: u64,
    /// The denominator of `pass_rate`: decided or entered, by the rate
    /// basis (at the bottom line: entered at the first stage).
    pub rated: u64,
    /// Whether the group is prefer-not-to-say or not-recorded on any
    /// characteristic: reported, never the reference, never flagged.
    pub unknown: bool,
    /// Whether this is the reference group.
    pub reference: bool,
    /// The pass rate on the analysis's basis (at the bottom line, the
    /// selection rate passed(last) / entered(first)).
    pub pass_rate: Option<f64>,
    /// This group's rate over the reference rate.
    pub impact_ratio: Option<f64>,
    /// The log-method confidence interval of the impact ratio.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Impact ratio strictly below the threshold, for a known group that is
    /// not the reference.
    pub adverse_impact: bool,
    /// Fisher's exact test against the reference.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// Pearson's chi-square (= z²).
    pub chi2: Option<f64>,
    /// Its p-value (1 degree of freedom).
    pub chi2_p_value: Option<f64>,
    /// The Yates-corrected chi-square, as R's `chisq.test`.
    pub chi2_yates: Option<f64>,
    /// Its p-value.
    pub chi2_yates_p_value: Option<f64>,
    /// Z_IR of Morris and Lobsenz (2000).
    pub z_ir: Option<f64>,
    /// The odds ratio, (a·d)/(b·c).
    pub odds_ratio: Option<f64>,
    /// Cohen's h, 2·asin√p1 − 2·asin√p2.
    pub cohens_h: Option<f64>,
    /// The three named shortfalls.
    pub shortfall: Option<Shortfall>,
    /// Whether moving one selection from the reference to this group makes
    /// its rate the higher (Uniform Guidelines Q&A): a fragile finding.
    pub flip_flop: Option<bool>,
    /// Whether Fisher's test is still significant at alpha had one more of
    /// this group passed.
    pub significant_after_one_more: Option<bool>,
    /// The same, had two more passed (Biddle's n-person rule).
    pub significant_after_two_more: Option<bool>,
}

/// Every group at one stage, or at the bottom line.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageImpact {
    /// The stage's name, or `bottom_line`.
    pub stage: String,
    /// The reference group: `{}` for the overall rate, `None` when no group
    /// could be the reference.
    pub reference: Option<Group>,
    /// The reference rate.
    pub reference_rate: Option<f64>,
    /// The numerator of the reference rate: passed (for `overall`, by
    /// every candidate).
    pub reference_passed: Option<u64>,
    /// The denominator of the reference rate.
    pub reference_rated: Option<u64>,
    /// Why the reference is the one it is (the rule that chose it); `None`
    /// when there is none, and the notes say why.
    pub reference_reason: Option<String>,
    /// A row per group, in canonical order.
    pub groups: Vec<GroupImpact>,
    /// Why figures are undefined, and other caveats.
    pub notes: Vec<String>,
}

impl StageImpact {
    /// The groups flagged under `rule`.
    pub fn flagged(
        &self,
        rule: AdverseImpactRule,
        alpha: f64,
    ) -> impl Iterator<Item = &GroupImpact> {
        self.groups
            .iter()
            .filter(move |g| is_flagged(g, rule, alpha))
    }
}

pub(crate) fn is_flagged(g: &GroupImpact, rule: AdverseImpactRule, alpha: f64) -> bool {
    !g.unknown
        && !g.reference
        && rule.is_adverse(
            g.adverse_impact,
            g.impact_ratio,
            g.fisher
                .map(|f| f.two_sided)
                .or_else(|| g.z_test.map(|z| z.p_two_sided)),
            alpha,
        )
}

/// The adverse impact of every stage and of the bottom line.
///
/// ```
/// use positive_action::{Breakdown, CountRecord, FunnelCounts, Group, ImpactAnalysis, ImpactOptions, Pipeline, PipelineKind, Stage};
///
/// // The Uniform Guidelines Q&A example: rates of 60%, 45%, 48% and 51%.
/// let pipeline = Pipeline::new("example", PipelineKind::Recruitment, ["selection"])?;
/// let by_race = Breakdown::parse(["race"])?;
/// let record = |label, passed| -> positive_action::Result<CountRecord> {
///     Ok(CountRecord { stage: Stage::new("selection")?, group: Group::parse([("race", label)])?,
///                      passed, failed: 100 - passed, withdrew: 0, pending: 0, exempt: 0 })
/// };
/// let counts = FunnelCounts::from_records(&pipeline, &by_race, [
///     record("A", 60)?, record("B", 45)?, record("C", 48)?, record("D", 51)?,
/// ])?;
/// let analysis = ImpactAnalysis::new(&counts, &ImpactOptions::new())?;
/// let stage = &analysis.stages[0];
/// let row = |label| stage.groups.iter().find(|g| g.group.label() == label).unwrap();
/// assert!(row("A").reference);
/// assert!(row("B").adverse_impact);            // 0.75
/// assert!(!row("C").adverse_impact);           // 0.80 exactly is not adverse
/// assert!(!row("D").adverse_impact);           // 0.85
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImpactAnalysis {
    /// The pipeline's name.
    pub pipeline: String,
    /// The options used.
    pub options: ImpactOptions,
    /// Each stage, in pipeline order.
    pub stages: Vec<StageImpact>,
    /// The bottom line: passed the last stage over entered the first.
    pub bottom_line: StageImpact,
    /// Where each group's bottom-line impact comes from.
    pub decomposition: Vec<crate::impact::decomposition::Decomposition>,
}

impl ImpactAnalysis {
    /// Analyses every stage and the bottom line.
    ///
    /// # Errors
    /// An option out of range, a fixed reference group that is not among
    /// the counts' groups, or a count overflow in a total.
    pub fn new(counts: &FunnelCounts, options: &ImpactOptions) -> Result<Self> {
        options.validate()?;
        let mut options = options.clone();
        if let ReferencePolicy::Group(g) = &mut options.reference {
            *g = counts.breakdown().conform(g.clone())?;
            if counts.group_index(g).is_none() {
                return Err(Error::InvalidReferenceGroup {
                    group: g.to_string(),
                    reason: "is not among the groups of the counts",
                });
            }
        }
        let options = &options;
        let mut stages = Vec::with_capacity(counts.stages());
        for (s, stage) in counts.pipeline().stages().iter().enumerate() {
            let cells: Vec<StageCounts> = (0..counts.groups().len())
                .map(|g| *counts.cell(s, g))
                .collect();
            let rows: Vec<Tally> = cells
                .iter()
                .map(|c| Tally {
                    selected: c.passed,
                    considered: options.rate_basis.denominator(c),
                    decided: c.decided(),
                    counts: *c,
                })
                .collect();
            stages.push(analyse(
                stage.name(),
                counts.groups(),
                &rows,
                options,
                None,
            )?);
        }
        let bottom_rows = bottom_line_tallies(counts)?;
        let mut bottom_line = analyse(
            "bottom_line",
            counts.groups(),
            &bottom_rows,
            options,
            Some(
                "the bottom line is passed at the last stage over entered at the first, whatever the rate basis",
            ),
        )?;
        explain_bottom_line(counts, &mut bottom_line);
        let decomposition = crate::impact::decomposition::decompose(
            counts,
            &bottom_line,
            matches!(options.reference, ReferencePolicy::Overall),
        )?;
        Ok(Self {
            pipeline: counts.pipeline().name().to_owned(),
            options: options.clone(),
            stages,
            bottom_line,
            decomposition,
        })
    }

    /// Every flagged (stage, group) under the options' rule, the bottom
    /// line last. A one-stage pipeline's bottom line is its one decision,
    /// so its findings are not repeated there.
    pub fn flagged(&self) -> Vec<(&StageImpact, &GroupImpact)> {
        let bottom_line = (self.stages.len() > 1).then_some(&self.bottom_line);
        self.stages
            .iter()
            .chain(bottom_line)
            .flat_map(|s| {
                s.flagged(self.options.rule, self.options.alpha)
                    .map(move |g| (s, g))
            })
            .collect()
    }
}

/// Puts right what the shared per-stage analysis cannot know of the bottom
/// line: its `entered` is the number who entered the first stage (not the
/// sum of every exit), and a group with more candidates passing the last
/// stage than entered the first (more entered some stage than passed the
/// one before) gets a note that says so, in place of "no candidate to rate".
fn explain_bottom_line(counts: &FunnelCounts, bottom_line: &mut StageImpact) {
    let last = counts.stages() - 1;
    let stages = counts.pipeline().stages();
    for (g, row) in bottom_line.groups.iter_mut().enumerate() {
        let entered = counts.cell(0, g).entered();
        let passed = counts.cell(last, g).passed;
        row.entered = entered;
        if passed > entered {
            let vague = format!(
                "{}: no candidate to rate, so every figure is undefined",
                row.group
            );
            let why = format!(
                "{}: {passed} passed the last stage ({}) but only {entered} entered the first ({}), so more candidates entered some stage than passed the one before; the bottom-line rate is undefined, as these counts are not one funnel",
                row.group, stages[last], stages[0]
            );
            match bottom_line.notes.iter_mut().find(|n| **n == vague) {
                Some(note) => *note = why,
                None => bottom_line.notes.push(why),
            }
        }
    }
}

/// Bottom-line tallies: passed at the last stage over entered at the first,
/// with exits and pending summed over stages.
fn bottom_line_tallies(counts: &FunnelCounts) -> Result<Vec<Tally>> {
    let last = counts.stages() - 1;
    (0..counts.groups().len())
        .map(|g| {
            let mut sum = StageCounts::default();
            for s in 0..counts.stages() {
                let c = counts.cell(s, g);
                sum = sum
                    .checked_add(&StageCounts {
                        passed: 0,
                        failed: c.failed,
                        withdrew: c.withdrew,
                        pending: c.pending,
                        exempt: c.exempt,
                    })
                    .ok_or_else(|| Error::CountOverflow {
                        stage: counts.pipeline().stages()[s].clone(),
                        group: counts.groups()[g].to_string(),
                    })?;
            }
            let entered = counts.cell(0, g).entered();
            let passed = counts.cell(last, g).passed;
            sum.passed = passed;
            // Late joiners can make passed(last) exceed entered(first); the
            // selection rate is then undefined rather than above 1.
            let defined = passed <= entered;
            Ok(Tally {
                selected: if defined { passed } else { 0 },
                considered: if defined { entered } else { 0 },
                decided: entered,
                counts: sum,
            })
        })
        .collect()
}

pub(crate) fn analyse(
    stage: &str,
    groups: &[Group],
    rows: &[Tally],
    options: &ImpactOptions,
    caveat: Option<&str>,
) -> Result<StageImpact> {
    let mut notes: Vec<String> = caveat.map(str::to_owned).into_iter().collect();
    let (reference, why_none) = choose_reference(groups, rows, &options.reference);
    notes.extend(why_none);
    let overall = matches!(options.reference, ReferencePolicy::Overall);
    if overall && reference.is_some() {
        notes.push(
            "against the overall rate, tests and shortfalls compare each group with all other candidates; the impact ratio interval is not given, as the groups overlap".to_owned(),
        );
    }
    let reference_rate = reference.and_then(|(_, r)| r.rate());
    if let Some((Some(i), r)) = reference {
        if r.considered < SMALL_REFERENCE_GROUP {
            let advice = if matches!(options.reference, ReferencePolicy::Largest) {
                ""
            } else {
                " (the largest group is a steadier reference)"
            };
            notes.push(format!(
                "the reference group {} has fewer than {SMALL_REFERENCE_GROUP} candidates rated: its rate is too uncertain to judge other groups by, so read every impact ratio here with care{advice}",
                groups[i]
            ));
        }
    }
    if reference_rate == Some(0.0) {
        notes.push("the reference rate is 0, so every impact ratio is undefined".to_owned());
    }
    let mut out = Vec::with_capacity(groups.len());
    for (i, (group, row)) in groups.iter().zip(rows).enumerate() {
        let is_reference = reference.is_some_and(|(r, _)| r == Some(i));
        let mut g = GroupImpact {
            group: group.clone(),
            entered: row.counts.entered(),
            passed: row.counts.passed,
            failed: row.counts.failed,
            withdrew: row.counts.withdrew,
            pending: row.counts.pending,
            exempt: row.counts.exempt,
            rated: row.considered,
            unknown: group.is_unknown(),
            reference: is_reference,
            pass_rate: row.rate(),
            impact_ratio: None,
            impact_ratio_ci: None,
            adverse_impact: false,
            fisher: None,
            z_test: None,
            chi2: None,
            chi2_p_value: None,
            chi2_yates: None,
            chi2_yates_p_value: None,
            z_ir: None,
            odds_ratio: None,
            cohens_h: None,
            shortfall: None,
            flip_flop: None,
            significant_after_one_more: None,
            significant_after_two_more: None,
        };
        if is_reference {
            g.impact_ratio = Some(1.0);
            out.push(g);
            continue;
        }
        let Some((_, reference_tally)) = reference else {
            out.push(g);
            continue;
        };
        if row.considered == 0 {
            notes.push(format!(
                "{group}: no candidate to rate, so every figure is undefined"
            ));
            out.push(g);
            continue;
        }
        // Against the overall rate, compare with everyone else.
        let comparison = if overall {
            // The overall sums include this row, so these cannot underflow;
            // saturate rather than trust that.
            Tally {
                selected: reference_tally.selected.saturating_sub(row.selected),
                considered: reference_tally.considered.saturating_sub(row.considered),
                decided: 0,
                counts: StageCounts::default(),
            }
        } else {
            reference_tally
        };
        // Past 2^53 a count is no longer exact in f64, so the tests are
        // not computed; the counts, the rate and the impact ratio (an exact
        // comparison of integers) are kept, and the note says which figures
        // are dropped.
        let total = u128::from(row.considered) + u128::from(comparison.considered);
        if total > u128::from(crate::stats::MAX_TOTAL) {
            g.impact_ratio = rate_ratio(
                row.selected,
                row.considered,
                reference_tally.selected,
                reference_tally.considered,
            );
            g.adverse_impact = !g.unknown && g.impact_ratio.is_some_and(|r| r < options.threshold);
            notes.push(format!(
                "{group}: not given: the interval, every test, the effect sizes and the shortfalls, as the comparison counts {total} candidates, past 2^53 = {}, the largest counted exactly; the counts, rate and impact ratio are given",
                crate::stats::MAX_TOTAL
            ));
            out.push(g);
            continue;
        }
        let table = TwoByTwo::new(
            row.selected,
            row.considered.saturating_sub(row.selected),
            comparison.selected,
            comparison.considered.saturating_sub(comparison.selected),
        )?;
        g.impact_ratio = rate_ratio(
            row.selected,
            row.considered,
            reference_tally.selected,
            reference_tally.considered,
        );
        g.adverse_impact = !g.unknown && g.impact_ratio.is_some_and(|r| r < options.threshold);
        let mut undefined = test_against_comparison(&mut g, &table, overall, options)?;
        if comparison.considered == 0 {
            undefined.push("every test (no other candidate to compare with)");
        }
        if !undefined.is_empty() {
            notes.push(format!("{group}: undefined: {}", undefined.join("; ")));
        }
        out.push(g);
    }
    if out.iter().any(|g| g.unknown) {
        notes.push("groups with prefer not to say or not recorded are reported with their figures but are never the reference and never flagged".to_owned());
    }
    Ok(StageImpact {
        stage: stage.to_owned(),
        reference: reference.map(|(r, _)| r.map_or_else(Group::default, |i| groups[i].clone())),
        reference_rate,
        reference_passed: reference.map(|(_, r)| r.selected),
        reference_rated: reference.map(|(_, r)| r.considered),
        reference_reason: reference.map(|_| reference_reason(&options.reference)),
        groups: out,
        notes,
    })
}

/// Every test of one group's table against its comparison (the reference
/// group, or everyone else against the overall rate): the impact ratio's
/// interval, Fisher, z and chi-square, Z_IR, effect sizes, the shortfalls
/// and the practical-significance rules. Returns the figures left
/// undefined, with why, for the stage's note.
fn test_against_comparison(
    g: &mut GroupImpact,
    table: &TwoByTwo,
    overall: bool,
    options: &ImpactOptions,
) -> Result<Vec<&'static str>> {
    let mut undefined: Vec<&'static str> = Vec::new();
    if !overall {
        g.impact_ratio_ci = table
            .impact_ratio_ci(options.confidence)?
            .map(|(lo, hi)| [lo, hi]);
        if g.impact_ratio_ci.is_none() && g.impact_ratio.is_some() {
            undefined.push("impact_ratio_ci (a rate of 0)");
        }
    }
    g.fisher = table.fisher_exact_bounded();
    if g.fisher.is_none() {
        undefined.push(
            "fisher and the n-person rule (the table is beyond FISHER_EXACT_MAX_TOTAL; the z-test's p stands in for a significance rule)",
        );
    }
    g.z_test = table.z_test();
    if g.z_test.is_none() {
        undefined.push("z_test, chi2, chi2_yates (the pooled rate is 0 or 1)");
    }
    let chi2 = table.chi_square();
    g.chi2 = chi2.map(|c| c.statistic);
    g.chi2_p_value = chi2.map(|c| c.p_value);
    let yates = table.chi_square_yates();
    g.chi2_yates = yates.map(|c| c.statistic);
    g.chi2_yates_p_value = yates.map(|c| c.p_value);
    g.z_ir = table.z_ir();
    if g.z_ir.is_none() && g.z_test.is_some() {
        undefined.push("z_ir (a rate of 0)");
    }
    g.odds_ratio = table.odds_ratio();
    if g.odds_ratio.is_none() {
        undefined.push("odds_ratio (a zero cell in the comparison)");
    }
    g.cohens_h = table.cohens_h();
    g.shortfall = Some(table.shortfall(options.threshold)?);
    g.flip_flop = table.flip_flop();
    g.significant_after_one_more = table.significant_after(1, options.alpha)?;
    g.significant_after_two_more = table.significant_after(2, options.alpha)?;
    Ok(undefined)
}

/// A plain-text table per stage (and the bottom line, when there is more
/// than one stage): each group's passed of rated, rate, impact ratio and
/// interval, Fisher's two-sided p and whether it is flagged under the
/// options' rule, then the stage's notes.
///
/// ```
/// use positive_action::{FunnelCounts, ImpactAnalysis, ImpactOptions};
///
/// let counts = FunnelCounts::selection([("sex=female", 100, 30), ("sex=male", 100, 50)])?;
/// let text = ImpactAnalysis::new(&counts, &ImpactOptions::default())?.to_string();
/// assert!(text.contains("selection: reference sex=male"));
/// assert!(text.contains("30/100"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl fmt::Display for ImpactAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bottom_line = (self.stages.len() > 1).then_some(&self.bottom_line);
        for (i, stage) in self.stages.iter().chain(bottom_line).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let reference = match (&stage.reference, stage.reference_rate) {
                (Some(g), rate) if *g == Group::default() => {
                    format!("the overall rate ({})", percent(rate))
                }
                (Some(g), rate) => format!("{g} ({})", percent(rate)),
                (None, _) => "none".to_owned(),
            };
            writeln!(f, "{}: reference {reference}", stage.stage)?;
            let mut table = TextTable::new([
                "group",
                "passed/n",
                "rate",
                "impact ratio",
                "CI",
                "Fisher p",
                "flagged",
            ]);
            for g in &stage.groups {
                let flagged = is_flagged(g, self.options.rule, self.options.alpha);
                table.row(vec![
                    g.group.to_string(),
                    format!("{}/{}", g.passed, g.rated),
                    percent(g.pass_rate),
                    decimal(g.impact_ratio, 3),
                    g.impact_ratio_ci.map_or_else(
                        || "n/a".to_owned(),
                        |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"),
                    ),
                    g.fisher
                        .map_or_else(|| "n/a".to_owned(), |p| format!("{:.3e}", p.two_sided)),
                    if flagged { "yes" } else { "" }.to_owned(),
                ]);
            }
            write!(f, "{table}")?;
            for note in &stage.notes {
                writeln!(f, "note: {note}")?;
            }
        }
        Ok(())
    }
}
