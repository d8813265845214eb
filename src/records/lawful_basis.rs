//! The lawful basis of positive action under the Equality Act 2010: the
//! s.158 conditions, the conditions of an s.159 tie-break, and the
//! preferential treatment the Act allows only for disabled people (s.13(3)).

use crate::records::intervention::Eligibility;
use crate::records::pipeline::Stage;
use std::fmt;

/// The condition of s.158(1) of the Equality Act 2010 that general positive
/// action answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Section158Condition {
    /// Persons who share the characteristic suffer a disadvantage connected
    /// to it (s.158(1)(a)).
    Disadvantage,
    /// They have needs different from those of persons who do not share it
    /// (s.158(1)(b)).
    DifferentNeeds,
    /// Their participation in an activity is disproportionately low
    /// (s.158(1)(c)).
    LowParticipation,
}

impl Section158Condition {
    /// The paragraph of the Act: `s.158(1)(a)`, `(b)` or `(c)`.
    pub const fn section(self) -> &'static str {
        match self {
            Self::Disadvantage => "s.158(1)(a)",
            Self::DifferentNeeds => "s.158(1)(b)",
            Self::LowParticipation => "s.158(1)(c)",
        }
    }
}

impl fmt::Display for Section158Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Disadvantage => "disadvantage",
            Self::DifferentNeeds => "different needs",
            Self::LowParticipation => "disproportionately low participation",
        })
    }
}

/// The lawful basis of an intervention under the Equality Act 2010.
///
/// ```
/// use positive_action::interventions::{LawfulBasis, Section158Condition};
///
/// let basis = LawfulBasis::Section158(Section158Condition::LowParticipation);
/// assert_eq!(basis.section(), "s.158(1)(c)");
/// assert!(basis.is_positive_action());
/// assert!(!LawfulBasis::OpenToAll.is_positive_action());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LawfulBasis {
    /// General positive action (s.158): support for people who share a
    /// protected characteristic, to overcome a disadvantage, meet different
    /// needs or raise disproportionately low participation.
    #[cfg_attr(feature = "serde", serde(rename = "section_158"))]
    Section158(Section158Condition),
    /// Preference in recruitment or promotion between candidates as
    /// qualified as each other (s.159).
    #[cfg_attr(feature = "serde", serde(rename = "section_159_tie_break"))]
    Section159TieBreak,
    /// More favourable treatment of disabled people, which is not
    /// discrimination against people who are not disabled (s.13(3)).
    #[cfg_attr(feature = "serde", serde(rename = "section_13_3_disability"))]
    DisabilityFavourableTreatment,
    /// The duty to make reasonable adjustments (s.20).
    #[cfg_attr(feature = "serde", serde(rename = "section_20_reasonable_adjustment"))]
    ReasonableAdjustment,
    /// Open to everyone: not positive action at all.
    OpenToAll,
}

impl LawfulBasis {
    /// The section of the Act, or `none` for open to all.
    pub const fn section(self) -> &'static str {
        match self {
            Self::Section158(c) => c.section(),
            Self::Section159TieBreak => "s.159",
            Self::DisabilityFavourableTreatment => "s.13(3)",
            Self::ReasonableAdjustment => "s.20",
            Self::OpenToAll => "none",
        }
    }

    /// Whether this is positive action (s.158 or s.159).
    pub const fn is_positive_action(self) -> bool {
        matches!(self, Self::Section158(_) | Self::Section159TieBreak)
    }
}

impl fmt::Display for LawfulBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Section158(c) => write!(f, "positive action, {} ({c})", c.section()),
            Self::Section159TieBreak => f.write_str("tie-break, s.159"),
            Self::DisabilityFavourableTreatment => {
                f.write_str("favourable treatment of disabled people, s.13(3)")
            }
            Self::ReasonableAdjustment => f.write_str("reasonable adjustment, s.20"),
            Self::OpenToAll => f.write_str("open to all"),
        }
    }
}

/// A measure that decides selection by group rather than by merit.
///
/// These are positive discrimination, which the Equality Act 2010 does not
/// allow, with one exception: more favourable treatment of disabled people
/// (s.13(3)). [`Intervention::with_preferential_treatment`](crate::records::intervention::Intervention::with_preferential_treatment) refuses every
/// one of them unless the intervention's basis is s.13(3) and it targets
/// disability.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PreferentialTreatment {
    /// A lower pass mark at a stage for the target groups.
    LowerPassMark {
        /// The stage.
        stage: Stage,
        /// The pass mark for everyone else.
        standard: f64,
        /// The lower pass mark for the target groups.
        lowered: f64,
    },
    /// Places reserved for the target groups.
    ReservedPlaces {
        /// How many.
        places: u64,
    },
    /// A quota: a share of selections for the target groups.
    Quota {
        /// The share, in (0, 1].
        share: f64,
    },
    /// Preference for the target groups whatever the merit of the others,
    /// or as a policy applied to every case.
    AutomaticPreference,
}

impl PreferentialTreatment {
    pub(crate) fn describe(&self, eligibility: &Eligibility) -> String {
        match self {
            Self::LowerPassMark {
                stage,
                standard,
                lowered,
            } => format!(
                "a lower pass mark at {stage} ({lowered} instead of {standard}) for {eligibility}"
            ),
            Self::ReservedPlaces { places } => {
                format!("reserving {places} place(s) for {eligibility}")
            }
            Self::Quota { share } => {
                format!("a quota of {:.1}% for {eligibility}", 100.0 * share)
            }
            Self::AutomaticPreference => format!("automatic preference for {eligibility}"),
        }
    }

    pub(crate) fn why(&self) -> &'static str {
        match self {
            Self::LowerPassMark { .. } => {
                "a lower pass mark selects candidates of the group over better-qualified candidates who are turned away"
            }
            Self::ReservedPlaces { .. } | Self::Quota { .. } => {
                "reserved places and quotas decide by group, not by merit"
            }
            Self::AutomaticPreference => {
                "s.159 allows preference only between candidates as qualified as each other, case by case and never as a policy (s.159(4)(a) and (b))"
            }
        }
    }
}

/// Why the Act does not allow preferential treatment, whichever kind.
pub(crate) const POSITIVE_DISCRIMINATION: &str = "treating the others less favourably because they do not share the characteristic is direct discrimination (s.13(1)) in recruitment and promotion (s.39; police officers, s.42); s.158 covers support, not selection (s.158(4)); the one exception is more favourable treatment of disabled people (s.13(3))";

/// A condition of s.159 that a tie-break must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TieBreakCondition {
    /// s.159 covers this choice: a tie-break intervention, at one of its
    /// target stages, between candidates exactly one of whom is in the
    /// preferred group, which the intervention targets (s.159(1) and (3)).
    Applies,
    /// The candidates are as qualified as each other (s.159(4)(a)).
    AsQualified,
    /// The preferred group is shown to be disadvantaged or
    /// under-represented (s.159(1) and (2)).
    Evidence,
    /// The case is decided on its own: no policy of automatic preference,
    /// and one place at a time (s.159(4)(b)).
    CaseByCase,
    /// Reasons are recorded for why preference is proportionate in this
    /// case (s.159(4)(c)).
    Proportionate,
}

impl fmt::Display for TieBreakCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Applies => "s.159 does not apply to this choice (s.159(1) and (3))",
            Self::AsQualified => {
                "the candidates are not shown to be as qualified as each other (s.159(4)(a))"
            }
            Self::Evidence => {
                "the preferred group is not shown to be disadvantaged or under-represented (s.159(1) and (2))"
            }
            Self::CaseByCase => {
                "the case is not decided on its own; a policy of automatic preference is not allowed (s.159(4)(b))"
            }
            Self::Proportionate => {
                "no reasons are recorded for why preference is proportionate in this case (s.159(4)(c))"
            }
        })
    }
}
