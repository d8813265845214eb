//! What an evaluation compares: who counts as a participant, which date
//! places a candidate, the reference for gap closure, periods and strata.

use super::*;

/// Who counts as a participant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ParticipantRule {
    /// Only candidates who completed it, the default. Those who started
    /// but did not finish are neither participants nor non-participants:
    /// they are set aside and counted, so that they dilute neither side.
    #[default]
    Completed,
    /// Everyone who took part at all, finished or not (closer to an
    /// intention-to-treat reading).
    Started,
}

impl fmt::Display for ParticipantRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Completed => "those who completed it",
            Self::Started => "everyone who took part, finished or not",
        })
    }
}

/// Which date places a journey in a stratum, or before or after a launch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DateBasis {
    /// The date of the result at the target stage, the default: the
    /// decision the intervention prepared for.
    #[default]
    TargetStage,
    /// The application date (the journey's first date).
    Application,
}

/// The reference group that gap closure and before-and-after compare a
/// target group with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum GapReference {
    /// For each target group, the group over the same characteristics that
    /// the intervention does not target and that has the highest pass rate
    /// at the stage (ties: the larger, then the first in canonical order),
    /// as the Uniform Guidelines choose a reference (29 CFR 1607.4(D)).
    #[default]
    HighestRate,
    /// A fixed group, for the target groups over the same characteristics;
    /// the others fall back to the highest rate.
    Group(Group),
}

/// A named span of dates, for stratifying by period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "NamedPeriodSpec", into = "NamedPeriodSpec")
)]
pub struct NamedPeriod {
    pub(super) name: String,
    pub(super) period: Period,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedPeriodSpec {
    name: String,
    period: Period,
}

#[cfg(feature = "serde")]
impl TryFrom<NamedPeriodSpec> for NamedPeriod {
    type Error = Error;
    fn try_from(s: NamedPeriodSpec) -> Result<Self> {
        Self::new(&s.name, s.period)
    }
}

#[cfg(feature = "serde")]
impl From<NamedPeriod> for NamedPeriodSpec {
    fn from(p: NamedPeriod) -> Self {
        Self {
            name: p.name,
            period: p.period,
        }
    }
}

impl NamedPeriod {
    /// A period with a name ("2024/25", "spring intake").
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank name.
    pub fn new(name: &str, period: Period) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "period" });
        }
        Ok(Self {
            name: name.to_owned(),
            period,
        })
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dates.
    pub fn period(&self) -> Period {
        self.period
    }
}

/// How journeys are split into strata for Mantel-Haenszel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Stratification {
    /// No strata, the default.
    #[default]
    None,
    /// By UK financial year (1 April to 31 March) of the date.
    FinancialYears,
    /// By the intervention's cohorts, as intakes: cohort k's stratum holds
    /// the journeys dated from its start until the next cohort starts (the
    /// last runs on). Journeys dated before the first cohort are set aside.
    Cohorts,
    /// By named periods, which must not overlap.
    Periods(Vec<NamedPeriod>),
}

/// The options of an evaluation. Each setter takes and returns `self`;
/// [`InterventionEvaluation::new`] validates them.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::interventions::{EvaluationOptions, ParticipantRule, Stratification};
///
/// let options = EvaluationOptions::new()
///     .participants(ParticipantRule::Started)
///     .stratification(Stratification::FinancialYears)
///     .launch(NaiveDate::from_ymd_opt(2025, 4, 1).ok_or("bad date")?);
/// assert!(options.validate().is_ok());
/// assert!(EvaluationOptions::new().confidence(1.0).validate().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct EvaluationOptions {
    /// Who counts as a participant.
    pub participants: ParticipantRule,
    /// The basis of the pass rate at the target stage.
    pub rate_basis: RateBasis,
    /// Whether a candidate who applied twice counts twice.
    pub counting: Counting,
    /// The reference group for gap closure and before-and-after.
    pub reference: GapReference,
    /// Strata for Mantel-Haenszel.
    pub stratification: Stratification,
    /// The launch date, for before and after; `None` to skip.
    pub launch: Option<NaiveDate>,
    /// Which date places a journey in a stratum and around the launch.
    pub date_basis: DateBasis,
    /// The confidence of intervals, in (0, 1); 0.95 by default.
    pub confidence: f64,
    /// The significance level, in (0, 1); 0.05 by default.
    pub alpha: f64,
}

impl Default for EvaluationOptions {
    fn default() -> Self {
        Self {
            participants: ParticipantRule::Completed,
            rate_basis: RateBasis::Decided,
            counting: Counting::Applications,
            reference: GapReference::HighestRate,
            stratification: Stratification::None,
            launch: None,
            date_basis: DateBasis::TargetStage,
            confidence: 0.95,
            alpha: 0.05,
        }
    }
}

impl EvaluationOptions {
    /// The defaults: completers are participants, the decided basis, every
    /// application counts, highest-rate reference, no strata, no launch,
    /// 95% intervals, alpha 0.05.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets who counts as a participant.
    pub fn participants(mut self, rule: ParticipantRule) -> Self {
        self.participants = rule;
        self
    }

    /// Sets the rate basis.
    pub fn basis(mut self, basis: RateBasis) -> Self {
        self.rate_basis = basis;
        self
    }

    /// Sets how repeat applications count.
    pub fn counting(mut self, counting: Counting) -> Self {
        self.counting = counting;
        self
    }

    /// Sets the reference group.
    pub fn reference(mut self, reference: GapReference) -> Self {
        self.reference = reference;
        self
    }

    /// Sets the strata.
    pub fn stratification(mut self, stratification: Stratification) -> Self {
        self.stratification = stratification;
        self
    }

    /// Sets the launch date.
    pub fn launch(mut self, launch: NaiveDate) -> Self {
        self.launch = Some(launch);
        self
    }

    /// Sets which date places a journey.
    pub fn date_basis(mut self, basis: DateBasis) -> Self {
        self.date_basis = basis;
        self
    }

    /// Sets the confidence of intervals.
    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    /// Sets the significance level.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Checks every option.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a confidence or alpha outside (0, 1),
    /// or periods that are empty, named twice or overlap;
    /// [`Error::InvalidReferenceGroup`] for an unknown reference group.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [("confidence", self.confidence), ("alpha", self.alpha)] {
            if !(value > 0.0 && value < 1.0) {
                return Err(Error::InvalidOption {
                    name,
                    value: value.to_string(),
                    expected: "a number in (0, 1)",
                });
            }
        }
        if let GapReference::Group(g) = &self.reference {
            if g.is_unknown() || g.entries().len() == 0 {
                return Err(Error::InvalidReferenceGroup {
                    group: g.to_string(),
                    reason: "is not a group of declared categories, which a reference must be",
                });
            }
        }
        if let Stratification::Periods(periods) = &self.stratification {
            if periods.is_empty() {
                return Err(Error::InvalidOption {
                    name: "stratification",
                    value: "no periods".to_owned(),
                    expected: "at least one period",
                });
            }
            for (i, p) in periods.iter().enumerate() {
                for q in &periods[..i] {
                    if q.name == p.name {
                        return Err(Error::InvalidOption {
                            name: "stratification",
                            value: format!("period {:?} twice", p.name),
                            expected: "distinct period names",
                        });
                    }
                    if q.period.start() <= p.period.end() && p.period.start() <= q.period.end() {
                        return Err(Error::InvalidOption {
                            name: "stratification",
                            value: format!("periods {:?} and {:?} overlap", q.name, p.name),
                            expected: "periods that do not overlap",
                        });
                    }
                }
            }
        }
        Ok(())
    }
}
