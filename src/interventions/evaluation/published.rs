//! An evaluation as published: the same figures, any of which a report
//! published with small-cell suppression may withhold.
//!
//! Each type has the JSON of the one it comes from ([`Proportion`],
//! [`Comparison`], [`RatioToReference`], [`StageEvaluation`],
//! [`InterventionEvaluation`] and the rest), except that every count may
//! be `null`, and so may every figure computed from a withheld count
//! (rates, differences, ratios and their intervals, odds ratios, tests,
//! parity, Mantel-Haenszel and Breslow-Day); a table and a stage list the
//! names of their withheld figures in `withheld` (absent when empty).
//! Without suppression every figure is there, and the JSON is the
//! evaluation's own.
//!
//! The suppression itself is the report's: `Report::with_intervention`.

use std::fmt;

use chrono::NaiveDate;

use super::{
    BeforeAfter, Comparison, EvaluationOptions, GapClosure, GroupComparison,
    InterventionEvaluation, LeftOut, ParityChange, ParticipationSummary, Proportion,
    RatioToReference, StageEvaluation, StratifiedComparison, StratumComparison,
};
use crate::records::breakdown::Group;
use crate::records::intervention::{InterventionKind, LawfulBasis, Section158Condition};
use crate::records::pipeline::Stage;
use crate::stats::{BreslowDay, FisherExact, MantelHaenszel, ZTest};
use crate::text_table::percent;

/// A count out of a total, as published.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedProportion {
    /// The count: passed, or converted.
    pub count: Option<u64>,
    /// Out of.
    pub of: Option<u64>,
    /// count / of.
    pub rate: Option<f64>,
}

impl From<&Proportion> for PublishedProportion {
    fn from(p: &Proportion) -> Self {
        Self {
            count: Some(p.count),
            of: Some(p.of),
            rate: p.rate,
        }
    }
}

impl fmt::Display for PublishedProportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |x: Option<u64>| x.map_or_else(|| "withheld".to_owned(), |x| x.to_string());
        write!(
            f,
            "{}/{} ({})",
            n(self.count),
            n(self.of),
            percent(self.rate)
        )
    }
}

/// Participants against non-participants on one measure, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedComparison {
    /// Participants.
    pub participants: PublishedProportion,
    /// Non-participants.
    pub non_participants: PublishedProportion,
    /// 100 · (participants' rate − non-participants').
    pub difference_points: Option<f64>,
    /// Participants' rate / non-participants'.
    pub ratio: Option<f64>,
    /// The interval of the ratio.
    pub ratio_ci: Option<[f64; 2]>,
    /// The odds ratio.
    pub odds_ratio: Option<f64>,
    /// Fisher's exact test.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&Comparison> for PublishedComparison {
    fn from(c: &Comparison) -> Self {
        Self {
            participants: (&c.participants).into(),
            non_participants: (&c.non_participants).into(),
            difference_points: c.difference_points,
            ratio: c.ratio,
            ratio_ci: c.ratio_ci,
            odds_ratio: c.odds_ratio,
            fisher: c.fisher,
            z_test: c.z_test,
            withheld: Vec::new(),
        }
    }
}

/// A group's rate against a reference group's, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedRatioToReference {
    /// The group.
    pub group: PublishedProportion,
    /// The reference group.
    pub reference: PublishedProportion,
    /// The group's rate / the reference rate.
    pub impact_ratio: Option<f64>,
    /// Its interval.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Fisher's exact test.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&RatioToReference> for PublishedRatioToReference {
    fn from(r: &RatioToReference) -> Self {
        Self {
            group: (&r.group).into(),
            reference: (&r.reference).into(),
            impact_ratio: r.impact_ratio,
            impact_ratio_ci: r.impact_ratio_ci,
            fisher: r.fisher,
            z_test: r.z_test,
            withheld: Vec::new(),
        }
    }
}

/// Gap closure for one target group, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedGapClosure {
    /// The target group.
    pub group: Group,
    /// The reference group.
    pub reference: Option<Group>,
    /// The group's participants against the reference.
    pub participants: PublishedRatioToReference,
    /// The group's non-participants against the reference.
    pub non_participants: PublishedRatioToReference,
    /// The participants' impact ratio against the non-participants', to parity.
    pub parity: Option<ParityChange>,
}

impl From<&GapClosure> for PublishedGapClosure {
    fn from(g: &GapClosure) -> Self {
        Self {
            group: g.group.clone(),
            reference: g.reference.clone(),
            participants: (&g.participants).into(),
            non_participants: (&g.non_participants).into(),
            parity: g.parity,
        }
    }
}

/// Participants against non-participants within one target group, as
/// published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedGroupComparison {
    /// The target group.
    pub group: Group,
    /// Pass rate at the stage.
    pub pass_rate: PublishedComparison,
    /// Selected at the end of the pipeline.
    pub selected_at_end: PublishedComparison,
}

impl From<&GroupComparison> for PublishedGroupComparison {
    fn from(g: &GroupComparison) -> Self {
        Self {
            group: g.group.clone(),
            pass_rate: (&g.pass_rate).into(),
            selected_at_end: (&g.selected_at_end).into(),
        }
    }
}

/// One target group before and after the launch, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedBeforeAfter {
    /// The target group.
    pub group: Group,
    /// The reference group.
    pub reference: Option<Group>,
    /// The launch date.
    pub launch: NaiveDate,
    /// Before the launch.
    pub before: PublishedRatioToReference,
    /// On or after the launch.
    pub after: PublishedRatioToReference,
    /// Breslow-Day across the two periods.
    pub breslow_day: Option<BreslowDay>,
    /// Breslow-Day's p is below alpha.
    pub disparity_changed: Option<bool>,
    /// The impact ratio after against before, to parity.
    pub parity_after: Option<ParityChange>,
    /// After the launch: the group's participants out of its candidates.
    pub participation_after: PublishedProportion,
}

impl From<&BeforeAfter> for PublishedBeforeAfter {
    fn from(b: &BeforeAfter) -> Self {
        Self {
            group: b.group.clone(),
            reference: b.reference.clone(),
            launch: b.launch,
            before: (&b.before).into(),
            after: (&b.after).into(),
            breslow_day: b.breslow_day,
            disparity_changed: b.disparity_changed,
            parity_after: b.parity_after,
            participation_after: (&b.participation_after).into(),
        }
    }
}

/// One stratum's comparison, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedStratumComparison {
    /// The stratum.
    pub name: String,
    /// Pass rate at the stage.
    pub pass_rate: PublishedComparison,
    /// Selected at the end of the pipeline.
    pub selected_at_end: PublishedComparison,
}

impl From<&StratumComparison> for PublishedStratumComparison {
    fn from(s: &StratumComparison) -> Self {
        Self {
            name: s.name.clone(),
            pass_rate: (&s.pass_rate).into(),
            selected_at_end: (&s.selected_at_end).into(),
        }
    }
}

/// The comparison per stratum, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedStratifiedComparison {
    /// Each stratum.
    pub strata: Vec<PublishedStratumComparison>,
    /// The pass rate pooled over strata.
    pub pass_rate_mantel_haenszel: Option<MantelHaenszel>,
    /// Whether the pass rate's odds ratio differs between strata.
    pub pass_rate_breslow_day: Option<BreslowDay>,
    /// Selection at the end pooled over strata.
    pub selected_at_end_mantel_haenszel: Option<MantelHaenszel>,
    /// Whether selection at the end's odds ratio differs between strata.
    pub selected_at_end_breslow_day: Option<BreslowDay>,
    /// Compared candidates with no date.
    pub undated: Option<u64>,
    /// Compared candidates dated outside every stratum.
    pub outside: Option<u64>,
}

impl From<&StratifiedComparison> for PublishedStratifiedComparison {
    fn from(s: &StratifiedComparison) -> Self {
        Self {
            strata: s.strata.iter().map(Into::into).collect(),
            pass_rate_mantel_haenszel: s.pass_rate_mantel_haenszel,
            pass_rate_breslow_day: s.pass_rate_breslow_day,
            selected_at_end_mantel_haenszel: s.selected_at_end_mantel_haenszel,
            selected_at_end_breslow_day: s.selected_at_end_breslow_day,
            undated: Some(s.undated),
            outside: Some(s.outside),
        }
    }
}

/// Candidates left out of the comparison, as published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedLeftOut {
    /// Took part but did not complete.
    pub not_completed: Option<u64>,
    /// Took part only after their result at the stage.
    pub took_part_after_stage: Option<u64>,
    /// Took part though in no target group.
    pub ineligible_participants: Option<u64>,
    /// Compared, but whose journey has not ended.
    pub not_yet_ended: Option<u64>,
}

impl From<&LeftOut> for PublishedLeftOut {
    fn from(l: &LeftOut) -> Self {
        Self {
            not_completed: Some(l.not_completed),
            took_part_after_stage: Some(l.took_part_after_stage),
            ineligible_participants: Some(l.ineligible_participants),
            not_yet_ended: Some(l.not_yet_ended),
        }
    }
}

/// The evaluation at one target stage, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedStageEvaluation {
    /// The stage.
    pub stage: Stage,
    /// Journeys that entered the stage.
    pub entered: Option<u64>,
    /// Journeys exempt from the stage.
    pub exempt: Option<u64>,
    /// Entered, and eligible.
    pub eligible: Option<u64>,
    /// Eligible participants compared.
    pub participants: Option<u64>,
    /// Eligible non-participants compared.
    pub non_participants: Option<u64>,
    /// Left out of the comparison, and why.
    pub set_aside: PublishedLeftOut,
    /// The pass rate at the stage.
    pub pass_rate: PublishedComparison,
    /// Selected at the end of the pipeline.
    pub selected_at_end: PublishedComparison,
    /// Per target group.
    pub by_target_group: Vec<PublishedGroupComparison>,
    /// Per target group, against the reference.
    pub gap_closure: Vec<PublishedGapClosure>,
    /// Per stratum.
    pub strata: Option<PublishedStratifiedComparison>,
    /// Per target group, around the launch.
    pub before_after: Vec<PublishedBeforeAfter>,
    /// Caveats, and why figures are undefined.
    pub notes: Vec<String>,
    /// The stage's own counts withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&StageEvaluation> for PublishedStageEvaluation {
    fn from(s: &StageEvaluation) -> Self {
        Self {
            stage: s.stage.clone(),
            entered: Some(s.entered),
            exempt: Some(s.exempt),
            eligible: Some(s.eligible),
            participants: Some(s.participants),
            non_participants: Some(s.non_participants),
            set_aside: (&s.set_aside).into(),
            pass_rate: (&s.pass_rate).into(),
            selected_at_end: (&s.selected_at_end).into(),
            by_target_group: s.by_target_group.iter().map(Into::into).collect(),
            gap_closure: s.gap_closure.iter().map(Into::into).collect(),
            strata: s.strata.as_ref().map(Into::into),
            before_after: s.before_after.iter().map(Into::into).collect(),
            notes: s.notes.clone(),
            withheld: Vec::new(),
        }
    }
}

/// The participation records summarised, as published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedParticipation {
    /// Records given.
    pub records: Option<u64>,
    /// Distinct candidates in them.
    pub candidates: Option<u64>,
    /// Candidates with a completed record.
    pub completed: Option<u64>,
    /// Candidates with records, none completed.
    pub not_completed: Option<u64>,
    /// Candidates with no application in the pipeline.
    pub without_application: Option<u64>,
    /// Candidates at some sessions only.
    pub partial_attendance: Option<u64>,
    /// Candidates at every session.
    pub full_attendance: Option<u64>,
}

impl From<&ParticipationSummary> for PublishedParticipation {
    fn from(p: &ParticipationSummary) -> Self {
        Self {
            records: Some(p.records),
            candidates: Some(p.candidates),
            completed: Some(p.completed),
            not_completed: Some(p.not_completed),
            without_application: Some(p.without_application),
            partial_attendance: Some(p.partial_attendance),
            full_attendance: Some(p.full_attendance),
        }
    }
}

/// The evaluation of an intervention, as published (see the module).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedEvaluation {
    /// The intervention's name.
    pub intervention: String,
    /// Its kind.
    pub kind: InterventionKind,
    /// Its lawful basis.
    pub lawful_basis: LawfulBasis,
    /// Every s.158(1) condition it rests on.
    pub conditions: Vec<Section158Condition>,
    /// The pipeline's name.
    pub pipeline: String,
    /// The pipeline's last stage.
    pub final_stage: Stage,
    /// The options used.
    pub options: EvaluationOptions,
    /// The participation records, summarised.
    pub participation: PublishedParticipation,
    /// Each target stage, in pipeline order.
    pub stages: Vec<PublishedStageEvaluation>,
    /// Association, not causation.
    pub caveat: String,
    /// Notes that concern every stage.
    pub notes: Vec<String>,
}

impl From<&InterventionEvaluation> for PublishedEvaluation {
    fn from(e: &InterventionEvaluation) -> Self {
        Self {
            intervention: e.intervention.clone(),
            kind: e.kind.clone(),
            lawful_basis: e.lawful_basis,
            conditions: e.conditions.clone(),
            pipeline: e.pipeline.clone(),
            final_stage: e.final_stage.clone(),
            options: e.options.clone(),
            participation: (&e.participation).into(),
            stages: e.stages.iter().map(Into::into).collect(),
            caveat: e.caveat.clone(),
            notes: e.notes.clone(),
        }
    }
}
