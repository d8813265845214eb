//! Positive action interventions: what they are, which stages and groups
//! they target, their cohorts and lawful basis, and who took part.
//!
//! The model refuses what the Equality Act 2010 does not allow. An
//! intervention that targets groups must name a basis of positive action,
//! and a measure that decides selection by group (a lower pass mark,
//! reserved places, a quota, automatic preference) cannot be built, except
//! as more favourable treatment of disabled people under s.13(3).

use std::fmt;

use crate::error::{Error, Refusal, Result};
use crate::records::breakdown::Group;
use crate::records::characteristic::ProtectedCharacteristic;
use crate::records::pipeline::{Pipeline, PipelineKind, Stage};
use crate::records::profile::Profile;

pub use crate::records::cohort::{Cohort, Delivery};
use crate::records::lawful_basis::POSITIVE_DISCRIMINATION;
pub use crate::records::lawful_basis::{
    LawfulBasis, PreferentialTreatment, Section158Condition, TieBreakCondition,
};
pub use crate::records::participation::{Completion, Participation, ParticipationRecord};

/// What kind of positive action measure an intervention is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "KindSpec", into = "KindSpec"))]
#[non_exhaustive]
pub enum InterventionKind {
    /// An attraction or familiarisation session, such as British Transport
    /// Police's "Thinking of Joining Us".
    AttractionSession,
    /// A workshop on the application form.
    ApplicationWorkshop,
    /// A workshop that prepares for the interview.
    InterviewWorkshop,
    /// Preparation for the assessment centre.
    AssessmentCentrePreparation,
    /// Preparation for the fitness test.
    FitnessTestPreparation,
    /// Preparation for an exam, such as the legal knowledge exam.
    ExamPreparation,
    /// Mentoring.
    Mentoring,
    /// Buddying.
    Buddying,
    /// Coaching.
    Coaching,
    /// A development programme, such as Wiltshire's "We Rise".
    DevelopmentProgramme,
    /// A reasonable adjustment to the process (s.20).
    ReasonableAdjustment,
    /// A guaranteed interview for disabled candidates who meet the minimum
    /// requirements (s.13(3)).
    GuaranteedInterview,
    /// Preference in a tie between candidates as qualified as each other
    /// (s.159).
    TieBreak,
    /// Any other measure, by name, saying whether it supports candidates
    /// or changes a selection decision.
    Other {
        /// The measure's name.
        name: String,
        /// Whether it supports candidates or changes a selection decision.
        effect: MeasureEffect,
    },
}

impl InterventionKind {
    /// Another kind of measure, by name, with what it does: support for
    /// candidates, or a change to a selection decision. s.158 covers only
    /// support (s.158(4)), so [`Intervention::new`] refuses a deciding
    /// measure under it.
    ///
    /// ```
    /// use positive_action::interventions::{InterventionKind, MeasureEffect};
    ///
    /// let academy = InterventionKind::other("career academy", MeasureEffect::Support)?;
    /// assert_eq!(academy.effect(), MeasureEffect::Support);
    /// assert_eq!(InterventionKind::TieBreak.effect(), MeasureEffect::SelectionDecision);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EmptyName`] if the name is blank.
    pub fn other(name: &str, effect: MeasureEffect) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName {
                what: "intervention kind",
            });
        }
        Ok(Self::Other {
            name: name.to_owned(),
            effect,
        })
    }

    /// Whether the measure supports candidates (outreach, training,
    /// mentoring, preparation, a development programme, an adjustment to
    /// the process) or changes a selection decision (a guaranteed
    /// interview, a tie-break, or an `other` kind declared so).
    pub fn effect(&self) -> MeasureEffect {
        match self {
            Self::GuaranteedInterview | Self::TieBreak => MeasureEffect::SelectionDecision,
            Self::Other { effect, .. } => *effect,
            _ => MeasureEffect::Support,
        }
    }
}

/// What a measure does to selection: supports candidates to compete, or
/// changes who is selected.
///
/// Section 158 of the Equality Act 2010 covers support only: it does not
/// allow treating a person more favourably in recruitment or promotion
/// because of a protected characteristic (s.158(4)); that is s.159's, and
/// only between candidates as qualified as each other. More favourable
/// treatment of disabled people (s.13(3)) may change a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MeasureEffect {
    /// Supports candidates: outreach, training, mentoring, preparation,
    /// places on a development programme.
    Support,
    /// Changes a selection decision: who is sifted in, interviewed,
    /// passed, promoted or appointed.
    SelectionDecision,
}

impl fmt::Display for MeasureEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Support => "supports candidates",
            Self::SelectionDecision => "changes a selection decision",
        })
    }
}

impl fmt::Display for InterventionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AttractionSession => "attraction or familiarisation session",
            Self::ApplicationWorkshop => "application workshop",
            Self::InterviewWorkshop => "interview workshop",
            Self::AssessmentCentrePreparation => "assessment centre preparation",
            Self::FitnessTestPreparation => "fitness test preparation",
            Self::ExamPreparation => "exam preparation",
            Self::Mentoring => "mentoring",
            Self::Buddying => "buddying",
            Self::Coaching => "coaching",
            Self::DevelopmentProgramme => "development programme",
            Self::ReasonableAdjustment => "reasonable adjustment",
            Self::GuaranteedInterview => "guaranteed interview",
            Self::TieBreak => "tie-break",
            Self::Other { name, .. } => name,
        })
    }
}

/// The serde form of [`InterventionKind`]: a blank `other` name is refused.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindSpec {
    AttractionSession,
    ApplicationWorkshop,
    InterviewWorkshop,
    AssessmentCentrePreparation,
    FitnessTestPreparation,
    ExamPreparation,
    Mentoring,
    Buddying,
    Coaching,
    DevelopmentProgramme,
    ReasonableAdjustment,
    GuaranteedInterview,
    TieBreak,
    Other { name: String, effect: MeasureEffect },
}

#[cfg(feature = "serde")]
impl TryFrom<KindSpec> for InterventionKind {
    type Error = Error;
    fn try_from(k: KindSpec) -> Result<Self> {
        Ok(match k {
            KindSpec::AttractionSession => Self::AttractionSession,
            KindSpec::ApplicationWorkshop => Self::ApplicationWorkshop,
            KindSpec::InterviewWorkshop => Self::InterviewWorkshop,
            KindSpec::AssessmentCentrePreparation => Self::AssessmentCentrePreparation,
            KindSpec::FitnessTestPreparation => Self::FitnessTestPreparation,
            KindSpec::ExamPreparation => Self::ExamPreparation,
            KindSpec::Mentoring => Self::Mentoring,
            KindSpec::Buddying => Self::Buddying,
            KindSpec::Coaching => Self::Coaching,
            KindSpec::DevelopmentProgramme => Self::DevelopmentProgramme,
            KindSpec::ReasonableAdjustment => Self::ReasonableAdjustment,
            KindSpec::GuaranteedInterview => Self::GuaranteedInterview,
            KindSpec::TieBreak => Self::TieBreak,
            KindSpec::Other { name, effect } => Self::other(&name, effect)?,
        })
    }
}

#[cfg(feature = "serde")]
impl From<InterventionKind> for KindSpec {
    fn from(k: InterventionKind) -> Self {
        match k {
            InterventionKind::AttractionSession => Self::AttractionSession,
            InterventionKind::ApplicationWorkshop => Self::ApplicationWorkshop,
            InterventionKind::InterviewWorkshop => Self::InterviewWorkshop,
            InterventionKind::AssessmentCentrePreparation => Self::AssessmentCentrePreparation,
            InterventionKind::FitnessTestPreparation => Self::FitnessTestPreparation,
            InterventionKind::ExamPreparation => Self::ExamPreparation,
            InterventionKind::Mentoring => Self::Mentoring,
            InterventionKind::Buddying => Self::Buddying,
            InterventionKind::Coaching => Self::Coaching,
            InterventionKind::DevelopmentProgramme => Self::DevelopmentProgramme,
            InterventionKind::ReasonableAdjustment => Self::ReasonableAdjustment,
            InterventionKind::GuaranteedInterview => Self::GuaranteedInterview,
            InterventionKind::TieBreak => Self::TieBreak,
            InterventionKind::Other { name, effect } => Self::Other { name, effect },
        }
    }
}

/// Who may take part: everyone, or candidates in any of a list of target
/// groups.
///
/// A target group is a [`Group`] over one or more characteristics:
/// `{sex: female}`, `{ethnicity: Black}`, or intersectional
/// `{sex: female, staff_network: member}`. A candidate is eligible when
/// their profile has every category of at least one target group. Target
/// groups are declared categories: prefer-not-to-say and not-recorded are
/// never targeted.
///
/// ```
/// use positive_action::{Group, Profile};
/// use positive_action::interventions::Eligibility;
///
/// let eligibility = Eligibility::any_of([
///     Group::parse([("sex", "female")])?,
///     Group::parse([("ethnicity", "Black")])?,
/// ])?;
/// assert!(eligibility.admits(&Profile::parse([("sex", "female"), ("ethnicity", "White")])?));
/// assert!(!eligibility.admits(&Profile::parse([("sex", "male"), ("ethnicity", "White")])?));
/// assert!(Eligibility::any_of([]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "EligibilitySpec", into = "EligibilitySpec")
)]
pub struct Eligibility {
    // Empty means open to all; otherwise sorted and unique.
    groups: Vec<Group>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum EligibilitySpec {
    OpenToAll,
    AnyOf(Vec<Group>),
}

#[cfg(feature = "serde")]
impl TryFrom<EligibilitySpec> for Eligibility {
    type Error = Error;
    fn try_from(s: EligibilitySpec) -> Result<Self> {
        match s {
            EligibilitySpec::OpenToAll => Ok(Self::open_to_all()),
            EligibilitySpec::AnyOf(groups) => Self::any_of(groups),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Eligibility> for EligibilitySpec {
    fn from(e: Eligibility) -> Self {
        if e.groups.is_empty() {
            Self::OpenToAll
        } else {
            Self::AnyOf(e.groups)
        }
    }
}

impl Eligibility {
    /// Everyone may take part.
    pub fn open_to_all() -> Self {
        Self { groups: Vec::new() }
    }

    /// Candidates in any of these target groups may take part.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for no groups, a group with no
    /// characteristic, a group with prefer-not-to-say or not-recorded, or a
    /// group given twice.
    pub fn any_of(groups: impl IntoIterator<Item = Group>) -> Result<Self> {
        let mut groups: Vec<Group> = groups.into_iter().collect();
        let invalid = |value: String, expected| Error::InvalidOption {
            name: "eligibility",
            value,
            expected,
        };
        if groups.is_empty() {
            return Err(invalid(
                "no target groups".to_owned(),
                "at least one target group, or open to all",
            ));
        }
        for g in &groups {
            if g.entries().len() == 0 {
                return Err(invalid(
                    g.to_string(),
                    "a target group with at least one characteristic",
                ));
            }
            if g.is_unknown() {
                return Err(invalid(
                    g.to_string(),
                    "declared categories only: prefer not to say and not recorded are never targeted",
                ));
            }
        }
        groups.sort();
        if let Some(w) = groups.windows(2).find(|w| w[0] == w[1]) {
            return Err(invalid(
                w[0].to_string(),
                "each target group once: this one is given twice",
            ));
        }
        Ok(Self { groups })
    }

    /// Whether everyone may take part.
    pub fn is_open_to_all(&self) -> bool {
        self.groups.is_empty()
    }

    /// The target groups, sorted; empty when open to all.
    pub fn target_groups(&self) -> &[Group] {
        &self.groups
    }

    /// Whether a candidate with this profile may take part.
    pub fn admits(&self, profile: &Profile) -> bool {
        self.is_open_to_all() || self.groups.iter().any(|g| group_admits(g, profile))
    }

    /// Whether some target group is over this protected characteristic.
    pub fn targets(&self, characteristic: ProtectedCharacteristic) -> bool {
        self.groups.iter().any(|g| {
            g.entries()
                .any(|(c, _)| c.protected() == Some(characteristic))
        })
    }
}

/// Whether a profile holds every category of a group.
pub(crate) fn group_admits(group: &Group, profile: &Profile) -> bool {
    group.entries().all(|(c, v)| profile.category(c) == v)
}

impl fmt::Display for Eligibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.groups.is_empty() {
            return f.write_str("open to all");
        }
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "{g}")?;
        }
        Ok(())
    }
}

/// A positive action measure: a name, a kind, the stages of a pipeline it
/// targets, who may take part, its lawful basis, and its cohorts.
///
/// Everything is checked on construction:
/// - every target stage is a stage of the pipeline;
/// - a basis of positive action (s.158, s.159) needs target groups, each
///   over at least one protected characteristic (s.158(1), s.159(1));
///   open to all needs the open-to-all basis;
/// - s.13(3) needs every target group to be over disability, and a
///   guaranteed interview needs s.13(3);
/// - a tie-break needs s.159 and s.159 is only for a tie-break, in
///   recruitment, promotion or specialist selection (s.159(3));
/// - a reasonable adjustment needs s.20, and s.20 targets disability or is
///   open to all;
/// - cohorts end after they start, have distinct names, and their own
///   eligibility meets the same rules.
///
/// A measure that decides selection by group is refused: see
/// [`Intervention::with_preferential_treatment`].
///
/// ```
/// use positive_action::*;
/// use positive_action::interventions::{Eligibility, LawfulBasis, Section158Condition};
/// use positive_action::interventions::{Completion, Intervention, InterventionKind, Participation, ParticipationRecord, PreferentialTreatment, TieBreak, TieBreakCondition};
/// use positive_action::records::{Period, ProtectedCharacteristic, Rank};
///
/// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
/// let workshop = Intervention::new(
///     "interview workshop",
///     InterventionKind::InterviewWorkshop,
///     &pipeline,
///     ["interview"],
///     Eligibility::any_of([Group::parse([("ethnicity", "Black")])?, Group::parse([("ethnicity", "Asian")])?])?,
///     LawfulBasis::Section158(Section158Condition::Disadvantage),
/// )?;
/// assert_eq!(workshop.target_stages(), [Stage::INTERVIEW]);
///
/// // A target stage the pipeline does not have is an error.
/// let err = Intervention::new("x", InterventionKind::Mentoring, &pipeline, ["board"],
///                             Eligibility::open_to_all(), LawfulBasis::OpenToAll).unwrap_err();
/// assert!(err.to_string().contains("target stage \"board\" is not a stage"));
///
/// // A guaranteed interview must rest on s.13(3) and target disability.
/// let err = Intervention::new("gi", InterventionKind::GuaranteedInterview, &pipeline, ["interview"],
///                             Eligibility::any_of([Group::parse([("sex", "female")])?])?,
///                             LawfulBasis::Section158(Section158Condition::Disadvantage)).unwrap_err();
/// assert!(err.to_string().contains("s.13(3)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "InterventionSpec", into = "InterventionSpec")
)]
pub struct Intervention {
    pub(crate) name: String,
    kind: InterventionKind,
    pipeline: Pipeline,
    // In pipeline order, unique.
    target_stages: Vec<Stage>,
    eligibility: Eligibility,
    lawful_basis: LawfulBasis,
    pub(crate) cohorts: Vec<Cohort>,
    pub(crate) delivery: Option<Delivery>,
    preferential_treatment: Option<PreferentialTreatment>,
    // Further s.158(1) conditions beyond the basis's own, distinct.
    further_conditions: Vec<Section158Condition>,
    // Further pipelines the same measure runs across, with their target
    // stages in pipeline order.
    further_pipelines: Vec<(Pipeline, Vec<Stage>)>,
}

/// The serde form of a further pipeline of an intervention.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FurtherPipelineSpec {
    pipeline: Pipeline,
    target_stages: Vec<Stage>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InterventionSpec {
    name: String,
    kind: InterventionKind,
    pipeline: Pipeline,
    target_stages: Vec<Stage>,
    eligibility: Eligibility,
    lawful_basis: LawfulBasis,
    #[serde(default)]
    cohorts: Vec<Cohort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delivery: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preferential_treatment: Option<PreferentialTreatment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    further_conditions: Vec<Section158Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    further_pipelines: Vec<FurtherPipelineSpec>,
}

#[cfg(feature = "serde")]
impl TryFrom<InterventionSpec> for Intervention {
    type Error = Error;
    fn try_from(s: InterventionSpec) -> Result<Self> {
        let mut i = Self::new(
            &s.name,
            s.kind,
            &s.pipeline,
            s.target_stages,
            s.eligibility,
            s.lawful_basis,
        )?;
        for c in s.cohorts {
            i = i.with_cohort(c)?;
        }
        if let Some(d) = s.delivery {
            i = i.with_delivery(d);
        }
        if let Some(t) = s.preferential_treatment {
            i = i.with_preferential_treatment(t)?;
        }
        for c in s.further_conditions {
            i = i.with_condition(c)?;
        }
        for p in s.further_pipelines {
            i = i.also_on(&p.pipeline, p.target_stages)?;
        }
        Ok(i)
    }
}

#[cfg(feature = "serde")]
impl From<Intervention> for InterventionSpec {
    fn from(i: Intervention) -> Self {
        Self {
            name: i.name,
            kind: i.kind,
            pipeline: i.pipeline,
            target_stages: i.target_stages,
            eligibility: i.eligibility,
            lawful_basis: i.lawful_basis,
            cohorts: i.cohorts,
            delivery: i.delivery,
            preferential_treatment: i.preferential_treatment,
            further_conditions: i.further_conditions,
            further_pipelines: i
                .further_pipelines
                .into_iter()
                .map(|(pipeline, target_stages)| FurtherPipelineSpec {
                    pipeline,
                    target_stages,
                })
                .collect(),
        }
    }
}

impl Intervention {
    /// An intervention at the given stages of a pipeline.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Section158Condition};
    /// use positive_action::records::Rank;
    ///
    /// let promotion = Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
    /// let women = Eligibility::any_of([Group::parse([("sex", "female")])?])?;
    /// let exam_prep = Intervention::new("legal exam preparation", InterventionKind::ExamPreparation,
    ///     &promotion, ["legal_exam"], women.clone(),
    ///     LawfulBasis::Section158(Section158Condition::DifferentNeeds))?;
    /// assert_eq!(exam_prep.lawful_basis().section(), "s.158(1)(b)");
    ///
    /// // s.159 is only for a tie-break, never for support.
    /// let err = Intervention::new("mentoring", InterventionKind::Mentoring, &promotion, ["board"],
    ///                             women, LawfulBasis::Section159TieBreak).unwrap_err();
    /// assert!(err.to_string().contains("covers only a tie-break"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank name or a blank `other` kind,
    /// [`Error::UnknownTargetStage`] for a stage the pipeline does not have,
    /// and [`Error::InvalidIntervention`] for no target stage, a stage given
    /// twice, or a kind, basis and eligibility that do not fit together
    /// (see the rules above).
    pub fn new<S: AsRef<str>>(
        name: &str,
        kind: InterventionKind,
        pipeline: &Pipeline,
        target_stages: impl IntoIterator<Item = S>,
        eligibility: Eligibility,
        lawful_basis: LawfulBasis,
    ) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName {
                what: "intervention",
            });
        }
        if let InterventionKind::Other { name: other, .. } = &kind {
            if other.trim().is_empty() {
                return Err(Error::EmptyName {
                    what: "intervention kind",
                });
            }
        }
        let target_stages = resolve_stages(name, pipeline, target_stages)?;
        check_measure(
            name,
            &kind,
            lawful_basis,
            &eligibility,
            pipeline,
            &target_stages,
        )?;
        Ok(Self {
            name: name.to_owned(),
            kind,
            pipeline: pipeline.clone(),
            target_stages,
            eligibility,
            lawful_basis,
            cohorts: Vec::new(),
            delivery: None,
            preferential_treatment: None,
            further_conditions: Vec::new(),
            further_pipelines: Vec::new(),
        })
    }

    /// The same intervention resting also on another condition of
    /// s.158(1): a programme may answer a disadvantage and disproportionately
    /// low participation at once.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Section158Condition};
    /// use positive_action::records::Rank;
    ///
    /// let promotion = Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
    /// let programme = Intervention::new("development programme", InterventionKind::DevelopmentProgramme,
    ///     &promotion, ["board"], Eligibility::any_of([Group::parse([("sex", "female")])?])?,
    ///     LawfulBasis::Section158(Section158Condition::LowParticipation))?
    ///     .with_condition(Section158Condition::DifferentNeeds)?;
    /// assert_eq!(programme.section158_conditions(),
    ///            [Section158Condition::DifferentNeeds, Section158Condition::LowParticipation]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidIntervention`] unless the basis is s.158.
    pub fn with_condition(mut self, condition: Section158Condition) -> Result<Self> {
        if !matches!(self.lawful_basis, LawfulBasis::Section158(_)) {
            return Err(Error::InvalidIntervention {
                intervention: self.name,
                reason: format!(
                    "a further s.158(1) condition ({condition}) for a measure with the basis {}: expected the basis s.158",
                    self.lawful_basis
                ),
            });
        }
        if !self.section158_conditions().contains(&condition) {
            self.further_conditions.push(condition);
        }
        Ok(self)
    }

    /// The same intervention running also across another pipeline, at the
    /// given stages of it: one development programme that prepares for
    /// both the sergeant and the inspector boards. The same rules apply
    /// to each pipeline as to the first.
    ///
    /// # Errors
    /// As [`Intervention::new`], and [`Error::InvalidIntervention`] for a
    /// pipeline already given.
    pub fn also_on<S: AsRef<str>>(
        mut self,
        pipeline: &Pipeline,
        target_stages: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        if self.pipelines().any(|p| p.name() == pipeline.name()) {
            return Err(Error::InvalidIntervention {
                intervention: self.name,
                reason: format!(
                    "pipeline {:?} is given twice: expected each pipeline once",
                    pipeline.name()
                ),
            });
        }
        let stages = resolve_stages(&self.name, pipeline, target_stages)?;
        check_measure(
            &self.name,
            &self.kind,
            self.lawful_basis,
            &self.eligibility,
            pipeline,
            &stages,
        )?;
        self.further_pipelines.push((pipeline.clone(), stages));
        Ok(self)
    }

    /// The same intervention with one more cohort.
    ///
    /// # Errors
    /// [`Error::InvalidIntervention`] for a cohort name already used, or a
    /// cohort eligibility that does not fit the lawful basis.
    pub fn with_cohort(mut self, cohort: Cohort) -> Result<Self> {
        if self.cohorts.iter().any(|c| c.name == cohort.name) {
            return Err(Error::InvalidIntervention {
                intervention: self.name,
                reason: format!(
                    "cohort {:?} is given twice: expected distinct cohort names",
                    cohort.name
                ),
            });
        }
        if let Some(e) = &cohort.eligibility {
            check_eligibility(&self.name, Some(&cohort.name), self.lawful_basis, e)?;
        }
        self.cohorts.push(cohort);
        Ok(self)
    }

    /// The same intervention with its delivery: sessions and their length.
    pub fn with_delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = Some(delivery);
        self
    }

    /// The same intervention with a measure that decides selection by
    /// group. Only more favourable treatment of disabled people is allowed
    /// (s.13(3)); everything else is positive discrimination.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, PreferentialTreatment, Section158Condition};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
    /// let for_black_candidates = Intervention::new(
    ///     "assessment support", InterventionKind::AssessmentCentrePreparation, &pipeline,
    ///     ["assessment_centre"], Eligibility::any_of([Group::parse([("ethnicity", "Black")])?])?,
    ///     LawfulBasis::Section158(Section158Condition::Disadvantage),
    /// )?;
    /// let err = for_black_candidates
    ///     .with_preferential_treatment(PreferentialTreatment::LowerPassMark {
    ///         stage: Stage::ASSESSMENT_CENTRE, standard: 50.0, lowered: 45.0,
    ///     })
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::PositiveDiscrimination { .. }));
    /// assert!(err.to_string().contains("direct discrimination (s.13(1))"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PositiveDiscrimination`] unless the basis is s.13(3) (which
    /// targets disability); then [`Error::UnknownTargetStage`] or
    /// [`Error::InvalidIntervention`] for a lower pass mark at a stage the
    /// intervention does not target or that is not lower, 0 reserved
    /// places, or a quota outside (0, 1].
    pub fn with_preferential_treatment(mut self, treatment: PreferentialTreatment) -> Result<Self> {
        if self.lawful_basis != LawfulBasis::DisabilityFavourableTreatment {
            return Err(Error::PositiveDiscrimination {
                intervention: self.name,
                measure: treatment.describe(&self.eligibility),
                reason: format!("{}; {POSITIVE_DISCRIMINATION}", treatment.why()),
            });
        }
        let invalid = |reason: String| Error::InvalidIntervention {
            intervention: self.name.clone(),
            reason,
        };
        match &treatment {
            PreferentialTreatment::LowerPassMark {
                stage,
                standard,
                lowered,
            } => {
                if self.pipeline.stage_index(stage.name()).is_none() {
                    return Err(Error::UnknownTargetStage {
                        intervention: self.name,
                        stage: stage.name().to_owned(),
                        pipeline: self.pipeline.name().to_owned(),
                    });
                }
                if !self.target_stages.contains(stage) {
                    return Err(invalid(format!(
                        "a lower pass mark at {stage}, which the intervention does not target: expected one of its target stages"
                    )));
                }
                if !(standard.is_finite() && lowered.is_finite() && lowered < standard) {
                    return Err(invalid(format!(
                        "a lower pass mark of {lowered} against {standard}: expected finite marks, the lowered one below the standard"
                    )));
                }
            }
            PreferentialTreatment::ReservedPlaces { places: 0 } => {
                return Err(invalid(
                    "reserves 0 places: expected at least one".to_owned(),
                ));
            }
            PreferentialTreatment::Quota { share } if !(*share > 0.0 && *share <= 1.0) => {
                return Err(invalid(format!(
                    "a quota of {share}: expected a share in (0, 1]"
                )));
            }
            _ => {}
        }
        self.preferential_treatment = Some(treatment);
        Ok(self)
    }

    /// The intervention's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What kind of measure it is.
    pub fn kind(&self) -> &InterventionKind {
        &self.kind
    }

    /// The pipeline it works on.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The stages it targets, in pipeline order.
    pub fn target_stages(&self) -> &[Stage] {
        &self.target_stages
    }

    /// Who may take part.
    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }

    /// Its lawful basis.
    pub fn lawful_basis(&self) -> LawfulBasis {
        self.lawful_basis
    }

    /// Whether it supports candidates or changes a selection decision (from
    /// its kind; see [`InterventionKind::effect`]).
    pub fn effect(&self) -> MeasureEffect {
        self.kind.effect()
    }

    /// Every condition of s.158(1) it rests on, in the Act's order; empty
    /// unless the basis is s.158.
    pub fn section158_conditions(&self) -> Vec<Section158Condition> {
        let mut all: Vec<Section158Condition> = match self.lawful_basis {
            LawfulBasis::Section158(c) => std::iter::once(c)
                .chain(self.further_conditions.iter().copied())
                .collect(),
            _ => Vec::new(),
        };
        all.sort_by_key(|c| c.section());
        all
    }

    /// Every pipeline it runs across: the first, then any added with
    /// [`Intervention::also_on`].
    pub fn pipelines(&self) -> impl Iterator<Item = &Pipeline> {
        std::iter::once(&self.pipeline).chain(self.further_pipelines.iter().map(|(p, _)| p))
    }

    /// Its target stages in a pipeline it runs across (matched by name),
    /// or `None` for a pipeline it does not.
    pub fn target_stages_on(&self, pipeline: &str) -> Option<&[Stage]> {
        if self.pipeline.name() == pipeline {
            return Some(&self.target_stages);
        }
        self.further_pipelines
            .iter()
            .find(|(p, _)| p.name() == pipeline)
            .map(|(_, s)| s.as_slice())
    }

    /// Its cohorts, in the order added.
    pub fn cohorts(&self) -> &[Cohort] {
        &self.cohorts
    }

    /// A cohort by name.
    pub fn cohort(&self, name: &str) -> Option<&Cohort> {
        let name = name.trim();
        self.cohorts.iter().find(|c| c.name == name)
    }

    /// How it is delivered, if given.
    pub fn delivery(&self) -> Option<Delivery> {
        self.delivery
    }

    /// Its favourable treatment of disabled people under s.13(3), if any.
    pub fn preferential_treatment(&self) -> Option<&PreferentialTreatment> {
        self.preferential_treatment.as_ref()
    }

    /// Whether a candidate with this profile may take part: in the named
    /// cohort when given (its own eligibility, or else the
    /// intervention's), or in the intervention as a whole.
    pub fn admits(&self, profile: &Profile, cohort: Option<&str>) -> bool {
        let eligibility = cohort
            .and_then(|c| self.cohort(c))
            .and_then(|c| c.eligibility.as_ref())
            .unwrap_or(&self.eligibility);
        eligibility.admits(profile)
    }
}

impl fmt::Display for Intervention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}; {}; for {}; at ",
            self.name, self.kind, self.lawful_basis, self.eligibility
        )?;
        for (i, s) in self.target_stages.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{s}")?;
        }
        write!(f, " of {}", self.pipeline.name())?;
        for (pipeline, stages) in &self.further_pipelines {
            f.write_str(" and ")?;
            for (i, s) in stages.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{s}")?;
            }
            write!(f, " of {}", pipeline.name())?;
        }
        f.write_str(")")
    }
}

/// Target stages by name, checked against the pipeline, in pipeline order.
fn resolve_stages<S: AsRef<str>>(
    name: &str,
    pipeline: &Pipeline,
    target_stages: impl IntoIterator<Item = S>,
) -> Result<Vec<Stage>> {
    let invalid = |reason: String| Error::InvalidIntervention {
        intervention: name.to_owned(),
        reason,
    };
    let mut indices = Vec::new();
    for stage in target_stages {
        let stage = stage.as_ref();
        let i = pipeline
            .stage_index(stage)
            .ok_or_else(|| Error::UnknownTargetStage {
                intervention: name.to_owned(),
                stage: stage.trim().to_owned(),
                pipeline: pipeline.name().to_owned(),
            })?;
        if indices.contains(&i) {
            return Err(invalid(format!(
                "target stage {} is given twice: expected each stage once",
                pipeline.stages()[i]
            )));
        }
        indices.push(i);
    }
    if indices.is_empty() {
        return Err(invalid(
            "has no target stage: expected at least one stage of the pipeline".to_owned(),
        ));
    }
    indices.sort_unstable();
    Ok(indices
        .into_iter()
        .map(|i| pipeline.stages()[i].clone())
        .collect())
}

/// Every rule that ties kind, basis, eligibility and stages together.
fn check_measure(
    name: &str,
    kind: &InterventionKind,
    basis: LawfulBasis,
    eligibility: &Eligibility,
    pipeline: &Pipeline,
    stages: &[Stage],
) -> Result<()> {
    check_kind_and_basis(kind, basis, pipeline).map_err(|reason| Error::InvalidIntervention {
        intervention: name.to_owned(),
        reason,
    })?;
    check_eligibility(name, None, basis, eligibility)?;
    if matches!(basis, LawfulBasis::Section158(_))
        && kind.effect() == MeasureEffect::SelectionDecision
    {
        return Err(Error::UnlawfulMeasure {
            intervention: name.to_owned(),
            section: "s.158(4)",
            refusal: Box::new(Refusal {
                group: eligibility.to_string(),
                rule: format!(
                    "a {kind} {}, and s.158 covers support for candidates (outreach, training, mentoring, preparation), never the selection decision itself (s.158(4), s.159(3))",
                    MeasureEffect::SelectionDecision
                ),
                instead: "support the group to compete under s.158; prefer a candidate only under s.159, between candidates as qualified as each other, case by case; or, for disabled candidates, more favourable treatment under s.13(3)".to_owned(),
            }),
        });
    }
    if *kind == InterventionKind::GuaranteedInterview {
        if let Some(stage) = stages.iter().find(|s| !decides_who_is_interviewed(s)) {
            return Err(Error::UnlawfulMeasure {
                intervention: name.to_owned(),
                section: "s.13(3)",
                refusal: Box::new(Refusal {
                    group: eligibility.to_string(),
                    rule: format!(
                        "a guaranteed interview targets {stage} of {:?}, which is not the stage that decides who is interviewed: guaranteeing a result there is not a guaranteed interview but a pass or an appointment by disability, which this record does not describe",
                        pipeline.name()
                    ),
                    instead: "target the sift or shortlisting stage that decides who is interviewed, and assess disabled candidates at interview on merit like everyone else; record any further favourable treatment of disabled people explicitly with its preferential treatment".to_owned(),
                }),
            });
        }
    }
    Ok(())
}

/// Whether a stage decides who is interviewed: a sift or a shortlisting
/// (matched on the stage's name).
fn decides_who_is_interviewed(stage: &Stage) -> bool {
    let n = stage.name().to_ascii_lowercase();
    n.contains("sift") || n.contains("shortlist")
}

/// Category labels that mean a person is disabled.
const DISABLED_LABELS: [&str; 2] = ["yes", "disabled"];

/// Whether a group is disabled people: over disability, with a category
/// meaning disabled (whatever else it is over).
pub(crate) fn is_disabled_group(group: &Group) -> bool {
    group.entries().any(|(c, v)| {
        c.protected() == Some(ProtectedCharacteristic::Disability)
            && DISABLED_LABELS
                .iter()
                .any(|l| v.label().eq_ignore_ascii_case(l))
    })
}

/// Whether an eligibility is disabled people as a class: one target group,
/// over disability alone, whose category means disabled. `Err` says what
/// it is instead.
fn is_disabled_class(eligibility: &Eligibility) -> std::result::Result<(), String> {
    let groups = eligibility.target_groups();
    let over_disability = |g: &Group| {
        g.entries()
            .any(|(c, _)| c.protected() == Some(ProtectedCharacteristic::Disability))
    };
    if let Some(g) = groups.iter().find(|g| !over_disability(g)) {
        return Err(format!(
            "{g} is not over disability: expected every target group to be over disability"
        ));
    }
    for g in groups {
        if let Some((c, v)) = g.entries().find(|(c, v)| {
            c.protected() == Some(ProtectedCharacteristic::Disability)
                && !DISABLED_LABELS
                    .iter()
                    .any(|l| v.label().eq_ignore_ascii_case(l))
        }) {
            return Err(format!(
                "{g} are not disabled people ({c}={}): expected every target group to be over disability with a category meaning disabled ({})",
                v.label(),
                DISABLED_LABELS.join(" or ")
            ));
        }
        if g.entries().len() > 1 {
            let others: Vec<String> = g
                .entries()
                .filter(|(c, _)| c.protected() != Some(ProtectedCharacteristic::Disability))
                .map(|(c, _)| c.name().to_owned())
                .collect();
            return Err(format!(
                "{g} narrows disabled people by {}: treating disabled people of one {} more favourably than disabled people of another is less favourable treatment of the others because of that characteristic (s.13(1)); expected disabled people as a class, the single group disability=yes",
                others.join(" and "),
                others.join(" or ")
            ));
        }
    }
    Ok(())
}

/// The rules that tie a kind to its lawful basis, and s.159 to the
/// pipelines it covers.
fn check_kind_and_basis(
    kind: &InterventionKind,
    basis: LawfulBasis,
    pipeline: &Pipeline,
) -> std::result::Result<(), String> {
    use InterventionKind as K;
    use LawfulBasis as B;
    match (kind, basis) {
        (K::GuaranteedInterview, b) if b != B::DisabilityFavourableTreatment => Err(format!(
            "a guaranteed interview has the basis {b}: expected favourable treatment of disabled people, s.13(3), the only basis that allows it"
        )),
        (K::TieBreak, b) if b != B::Section159TieBreak => Err(format!(
            "a tie-break has the basis {b}: expected s.159, the only basis for preference between candidates as qualified as each other"
        )),
        (k, B::Section159TieBreak) if *k != K::TieBreak => Err(format!(
            "a {k} has the basis s.159, which covers only a tie-break in recruitment or promotion: expected s.158 for support"
        )),
        (K::ReasonableAdjustment, b) if b != B::ReasonableAdjustment => Err(format!(
            "a reasonable adjustment has the basis {b}: expected s.20"
        )),
        (k, B::ReasonableAdjustment) if !matches!(k, K::ReasonableAdjustment | K::Other { .. }) => {
            Err(format!(
                "a {k} has the basis s.20, which covers reasonable adjustments only: expected the kind reasonable adjustment"
            ))
        }
        (_, B::Section159TieBreak)
            if matches!(pipeline.kind(), PipelineKind::DevelopmentProgramme { .. }) =>
        {
            Err(format!(
                "s.159 covers recruitment and promotion (s.159(3)), not selection into a development programme ({}): expected s.158",
                pipeline.kind()
            ))
        }
        _ => Ok(()),
    }
}

/// The rules that tie eligibility (the intervention's, or a cohort's) to
/// the lawful basis.
fn check_eligibility(
    name: &str,
    cohort: Option<&str>,
    basis: LawfulBasis,
    eligibility: &Eligibility,
) -> Result<()> {
    use LawfulBasis as B;
    let within = cohort.map_or_else(String::new, |c| format!("cohort {c:?}: "));
    let invalid = |reason: String| Error::InvalidIntervention {
        intervention: name.to_owned(),
        reason: format!("{within}{reason}"),
    };
    let group = || match cohort {
        Some(c) => format!("{eligibility} (cohort {c})"),
        None => eligibility.to_string(),
    };
    match basis {
        B::OpenToAll if !eligibility.is_open_to_all() => Err(invalid(format!(
            "targets {eligibility} but has the basis open to all: expected a basis of positive action (s.158, s.159), s.13(3) or s.20 for a targeted measure"
        ))),
        B::Section158(_) | B::Section159TieBreak if eligibility.is_open_to_all() => Err(invalid(format!(
            "is open to all but has the basis {basis}: positive action is for people who share a protected characteristic, so expected target groups, or the basis open to all"
        ))),
        B::Section158(_) | B::Section159TieBreak => {
            match eligibility
                .target_groups()
                .iter()
                .find(|g| g.entries().all(|(c, _)| c.is_local()))
            {
                Some(g) => Err(invalid(format!(
                    "targets {g}, which has no protected characteristic: {basis} is for people who share one of the nine (s.4)"
                ))),
                None => Ok(()),
            }
        }
        B::DisabilityFavourableTreatment => {
            let why = if eligibility.is_open_to_all() {
                Err("open to all is not disabled people: expected every target group to be over disability".to_owned())
            } else {
                is_disabled_class(eligibility)
            };
            why.map_err(|why| Error::UnlawfulMeasure {
                intervention: name.to_owned(),
                section: "s.13(3)",
                refusal: Box::new(Refusal {
                    group: group(),
                    rule: format!(
                        "s.13(3) allows more favourable treatment of disabled people only, as a class: {why}"
                    ),
                    instead: "eligibility disability=yes under s.13(3); or, for another group, support under s.158 (outreach, training, mentoring, preparation) where the figures show a gap".to_owned(),
                }),
            })
        }
        B::ReasonableAdjustment if !eligibility.is_open_to_all() => {
            is_disabled_class(eligibility).map_err(|why| Error::UnlawfulMeasure {
                intervention: name.to_owned(),
                section: "s.20",
                refusal: Box::new(Refusal {
                    group: group(),
                    rule: format!(
                        "the duty to make reasonable adjustments is owed to disabled people: {why}"
                    ),
                    instead: "adjustments for disabled people (eligibility disability=yes, or open to anyone who needs one); support for another group under s.158".to_owned(),
                }),
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::candidate::CandidateId;
    use crate::records::pipeline::Rank;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn recruitment() -> Pipeline {
        Pipeline::police_constable_recruitment("PC 2025")
    }

    fn black() -> Eligibility {
        Eligibility::any_of([Group::parse([("ethnicity", "Black")]).unwrap()]).unwrap()
    }

    fn disabled() -> Eligibility {
        Eligibility::any_of([Group::parse([("disability", "yes")]).unwrap()]).unwrap()
    }

    const S158: LawfulBasis = LawfulBasis::Section158(Section158Condition::Disadvantage);

    #[test]
    fn target_stages_are_kept_in_pipeline_order_and_checked() {
        let i = Intervention::new(
            "w",
            InterventionKind::Coaching,
            &recruitment(),
            ["interview", " sift "],
            black(),
            S158,
        )
        .unwrap();
        assert_eq!(i.target_stages(), [Stage::SIFT, Stage::INTERVIEW]);
        let twice = Intervention::new(
            "w",
            InterventionKind::Coaching,
            &recruitment(),
            ["sift", "sift"],
            black(),
            S158,
        )
        .unwrap_err();
        assert_eq!(
            twice.to_string(),
            "intervention \"w\": target stage sift is given twice: expected each stage once"
        );
        let none: [&str; 0] = [];
        let err = Intervention::new(
            "w",
            InterventionKind::Coaching,
            &recruitment(),
            none,
            black(),
            S158,
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no target stage"), "{err}");
        let err = Intervention::new(
            "w",
            InterventionKind::Coaching,
            &recruitment(),
            ["board"],
            black(),
            S158,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "intervention \"w\": target stage \"board\" is not a stage of pipeline \"PC 2025\""
        );
    }

    #[test]
    fn kinds_and_bases_must_agree() {
        let p = recruitment();
        let make = |kind, elig: Eligibility, basis| {
            Intervention::new("m", kind, &p, ["interview"], elig, basis)
        };
        // A guaranteed interview needs s.13(3) and disability.
        assert!(make(InterventionKind::GuaranteedInterview, disabled(), S158).is_err());
        assert!(
            make(
                InterventionKind::GuaranteedInterview,
                black(),
                LawfulBasis::DisabilityFavourableTreatment
            )
            .unwrap_err()
            .to_string()
            .contains("expected every target group to be over disability")
        );
        // ... at the stage that decides who is interviewed.
        assert!(
            Intervention::new(
                "m",
                InterventionKind::GuaranteedInterview,
                &p,
                ["sift"],
                disabled(),
                LawfulBasis::DisabilityFavourableTreatment
            )
            .is_ok()
        );
        assert!(matches!(
            make(
                InterventionKind::GuaranteedInterview,
                disabled(),
                LawfulBasis::DisabilityFavourableTreatment
            ),
            Err(Error::UnlawfulMeasure {
                section: "s.13(3)",
                ..
            })
        ));
        // s.159 only for a tie-break, and a tie-break only under s.159.
        assert!(make(InterventionKind::TieBreak, black(), S158).is_err());
        assert!(
            make(
                InterventionKind::Mentoring,
                black(),
                LawfulBasis::Section159TieBreak
            )
            .is_err()
        );
        assert!(
            make(
                InterventionKind::TieBreak,
                black(),
                LawfulBasis::Section159TieBreak
            )
            .is_ok()
        );
        // s.20 for reasonable adjustments.
        assert!(make(InterventionKind::ReasonableAdjustment, disabled(), S158).is_err());
        assert!(
            make(
                InterventionKind::Mentoring,
                Eligibility::open_to_all(),
                LawfulBasis::ReasonableAdjustment
            )
            .is_err()
        );
        assert!(matches!(
            make(
                InterventionKind::ReasonableAdjustment,
                black(),
                LawfulBasis::ReasonableAdjustment
            ),
            Err(Error::UnlawfulMeasure {
                section: "s.20",
                ..
            })
        ));
        assert!(
            make(
                InterventionKind::ReasonableAdjustment,
                Eligibility::open_to_all(),
                LawfulBasis::ReasonableAdjustment
            )
            .is_ok()
        );
        // Positive action needs target groups over a protected characteristic.
        assert!(
            make(
                InterventionKind::Mentoring,
                Eligibility::open_to_all(),
                S158
            )
            .is_err()
        );
        assert!(make(InterventionKind::Mentoring, black(), LawfulBasis::OpenToAll).is_err());
        let local =
            Eligibility::any_of([Group::parse([("staff_network", "member")]).unwrap()]).unwrap();
        let err = make(InterventionKind::Mentoring, local, S158).unwrap_err();
        assert!(
            err.to_string().contains("has no protected characteristic"),
            "{err}"
        );
        let intersectional =
            Eligibility::any_of([
                Group::parse([("sex", "female"), ("staff_network", "member")]).unwrap(),
            ])
            .unwrap();
        assert!(make(InterventionKind::Mentoring, intersectional, S158).is_ok());
    }

    #[test]
    fn s159_is_not_for_development_programmes() {
        let p = Pipeline::new(
            "achieve",
            PipelineKind::DevelopmentProgramme {
                programme: "Achieve".into(),
            },
            ["application", "selection"],
        )
        .unwrap();
        let err = Intervention::new(
            "t",
            InterventionKind::TieBreak,
            &p,
            ["selection"],
            black(),
            LawfulBasis::Section159TieBreak,
        )
        .unwrap_err();
        assert!(err.to_string().contains("s.159(3)"), "{err}");
        let promotion = Pipeline::police_promotion("sgt", Rank::CONSTABLE, Rank::SERGEANT).unwrap();
        assert!(
            Intervention::new(
                "t",
                InterventionKind::TieBreak,
                &promotion,
                ["board"],
                black(),
                LawfulBasis::Section159TieBreak,
            )
            .is_ok()
        );
    }

    #[test]
    fn preferential_treatment_is_refused_except_for_disability() {
        let p = recruitment();
        let workshop = Intervention::new(
            "w",
            InterventionKind::InterviewWorkshop,
            &p,
            ["interview"],
            black(),
            S158,
        )
        .unwrap();
        for t in [
            PreferentialTreatment::LowerPassMark {
                stage: Stage::INTERVIEW,
                standard: 70.0,
                lowered: 60.0,
            },
            PreferentialTreatment::ReservedPlaces { places: 5 },
            PreferentialTreatment::Quota { share: 0.2 },
            PreferentialTreatment::AutomaticPreference,
        ] {
            let err = workshop.clone().with_preferential_treatment(t).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, Error::PositiveDiscrimination { .. }));
            assert!(msg.contains("Equality Act 2010 does not allow"), "{msg}");
            assert!(msg.contains("s.13(3)"), "{msg}");
            assert!(msg.contains("ethnicity=Black"), "{msg}");
        }
        let gi = Intervention::new(
            "gi",
            InterventionKind::GuaranteedInterview,
            &p,
            ["sift"],
            disabled(),
            LawfulBasis::DisabilityFavourableTreatment,
        )
        .unwrap();
        let lowered = gi
            .clone()
            .with_preferential_treatment(PreferentialTreatment::LowerPassMark {
                stage: Stage::SIFT,
                standard: 70.0,
                lowered: 60.0,
            })
            .unwrap();
        assert!(lowered.preferential_treatment().is_some());
        // Shape is still checked under s.13(3).
        assert!(
            gi.clone()
                .with_preferential_treatment(PreferentialTreatment::LowerPassMark {
                    stage: Stage::INTERVIEW,
                    standard: 70.0,
                    lowered: 60.0,
                })
                .is_err()
        );
        assert!(
            gi.clone()
                .with_preferential_treatment(PreferentialTreatment::LowerPassMark {
                    stage: Stage::SIFT,
                    standard: 60.0,
                    lowered: f64::NAN,
                })
                .is_err()
        );
        assert!(
            gi.clone()
                .with_preferential_treatment(PreferentialTreatment::Quota { share: 1.5 })
                .is_err()
        );
        assert!(
            gi.with_preferential_treatment(PreferentialTreatment::ReservedPlaces { places: 0 })
                .is_err()
        );
    }

    #[test]
    fn cohorts_validate() {
        let err = Cohort::new("c1", day(2025, 5, 2), day(2025, 5, 1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cohort \"c1\": ends on 2025-05-01, before it starts on 2025-05-02"
        );
        assert!(Cohort::new(" ", day(2025, 5, 1), day(2025, 5, 1)).is_err());
        assert!(
            Cohort::new("c", day(2025, 5, 1), day(2025, 5, 1))
                .unwrap()
                .with_places(0)
                .is_err()
        );
        let i = Intervention::new(
            "w",
            InterventionKind::Mentoring,
            &recruitment(),
            ["interview"],
            black(),
            S158,
        )
        .unwrap()
        .with_cohort(Cohort::new("c", day(2025, 5, 1), day(2025, 6, 1)).unwrap())
        .unwrap();
        let err = i
            .clone()
            .with_cohort(Cohort::new("c", day(2025, 7, 1), day(2025, 8, 1)).unwrap())
            .unwrap_err();
        assert!(
            err.to_string().contains("cohort \"c\" is given twice"),
            "{err}"
        );
        let open = Cohort::new("d", day(2025, 7, 1), day(2025, 8, 1))
            .unwrap()
            .with_eligibility(Eligibility::open_to_all());
        assert!(i.with_cohort(open).is_err());
    }

    #[test]
    fn participation_names_a_cohort_of_its_intervention() {
        let i = Intervention::new(
            "w",
            InterventionKind::Mentoring,
            &recruitment(),
            ["interview"],
            black(),
            S158,
        )
        .unwrap();
        let id = CandidateId::from_external("A");
        let err = Participation::new(&i, id, Some("x"), day(2025, 1, 1), Completion::Completed)
            .unwrap_err();
        assert!(
            err.to_string().contains("the intervention has no cohorts"),
            "{err}"
        );
        let i = i
            .with_cohort(Cohort::new("c", day(2025, 5, 1), day(2025, 6, 1)).unwrap())
            .unwrap();
        let err =
            Participation::new(&i, id, None, day(2025, 5, 5), Completion::Completed).unwrap_err();
        assert!(err.to_string().contains("expected one of \"c\""), "{err}");
        let p = Participation::new(&i, id, Some("c"), day(2025, 5, 5), Completion::NotCompleted)
            .unwrap();
        let mut record = p.to_record();
        assert_eq!(Participation::from_record(&i, record.clone()).unwrap(), p);
        record.intervention = "other".into();
        assert!(Participation::from_record(&i, record).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_through_the_constructors() {
        let i = Intervention::new(
            "w",
            InterventionKind::other("career academy", MeasureEffect::Support).unwrap(),
            &recruitment(),
            ["interview"],
            black(),
            S158,
        )
        .unwrap()
        .with_cohort(
            Cohort::new("c", day(2025, 5, 1), day(2025, 6, 1))
                .unwrap()
                .with_places(10)
                .unwrap()
                .with_applications(30),
        )
        .unwrap()
        .with_delivery(Delivery::sessions(8).unwrap().minutes_each(30).unwrap());
        let json = serde_json::to_string(&i).unwrap();
        assert!(
            json.contains(r#""lawful_basis":{"section_158":"disadvantage"}"#),
            "{json}"
        );
        assert!(
            json.contains(r#""any_of":[{"ethnicity":"Black"}]"#),
            "{json}"
        );
        let back: Intervention = serde_json::from_str(&json).unwrap();
        assert_eq!(back, i);
        // Validation runs on the way in.
        let bad = json.replace(
            r#""target_stages":["interview"]"#,
            r#""target_stages":["board"]"#,
        );
        let err = serde_json::from_str::<Intervention>(&bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("target stage \"board\""), "{err}");
        assert!(
            json.contains(r#""other":{"name":"career academy","effect":"support"}"#),
            "{json}"
        );
        let bad = json.replace(r#""name":"career academy""#, r#""name":" ""#);
        assert!(serde_json::from_str::<Intervention>(&bad).is_err());
        let bad = json.replace(r#""start":"2025-05-01""#, r#""start":"2025-07-01""#);
        let err = serde_json::from_str::<Intervention>(&bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("before it starts"), "{err}");
        // Further conditions and pipelines survive the round trip, and are
        // checked on the way in.
        let inspector =
            Pipeline::police_promotion("insp", Rank::SERGEANT, Rank::INSPECTOR).unwrap();
        let sergeant = Pipeline::police_promotion("sgt", Rank::CONSTABLE, Rank::SERGEANT).unwrap();
        let across = Intervention::new(
            "fdp",
            InterventionKind::DevelopmentProgramme,
            &sergeant,
            ["board"],
            black(),
            S158,
        )
        .unwrap()
        .with_condition(Section158Condition::LowParticipation)
        .unwrap()
        .also_on(&inspector, ["board"])
        .unwrap();
        let text = serde_json::to_string(&across).unwrap();
        assert!(
            text.contains(r#""further_conditions":["low_participation"]"#),
            "{text}"
        );
        let back: Intervention = serde_json::from_str(&text).unwrap();
        assert_eq!(back, across);
        assert_eq!(back.target_stages_on("insp"), Some(&[Stage::BOARD][..]));
        let bad = text.replace(
            r#""target_stages":["board"]}]"#,
            r#""target_stages":["sift"]}]"#,
        );
        assert!(serde_json::from_str::<Intervention>(&bad).is_err(), "{bad}");
        let with_quota = json.replace(
            r#""cohorts""#,
            r#""preferential_treatment":{"quota":{"share":0.3}},"cohorts""#,
        );
        let err = serde_json::from_str::<Intervention>(&with_quota)
            .unwrap_err()
            .to_string();
        assert!(err.contains("positive discrimination"), "{err}");
    }
}
