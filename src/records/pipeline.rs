//! Pipelines, their stages and the ranks promotion moves between.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{Error, Result};

macro_rules! named_constants {
    ($ty:ident: $($(#[$doc:meta])* $name:ident = $text:literal;)*) => {
        impl $ty {
            $($(#[$doc])* pub const $name: $ty = $ty(Cow::Borrowed($text));)*
        }
    };
}

/// One decision point of a pipeline, by name.
///
/// The usual police stages are constants; any employer's stages are made
/// with [`Stage::new`].
///
/// ```
/// use positive_action::Stage;
///
/// assert_eq!(Stage::ASSESSMENT_CENTRE.name(), "assessment_centre");
/// let panel = Stage::new("panel interview")?;
/// assert_eq!(panel.to_string(), "panel interview");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Stage(Cow<'static, str>);

named_constants! { Stage:
    /// Application form.
    APPLICATION = "application";
    /// Paper sift of applications.
    SIFT = "sift";
    /// Online assessment process.
    ONLINE_ASSESSMENT = "online_assessment";
    /// Assessment centre.
    ASSESSMENT_CENTRE = "assessment_centre";
    /// Interview.
    INTERVIEW = "interview";
    /// Job-related fitness test.
    FITNESS_TEST = "fitness_test";
    /// Vetting.
    VETTING = "vetting";
    /// Medical.
    MEDICAL = "medical";
    /// Conditional offer of appointment.
    CONDITIONAL_OFFER = "conditional_offer";
    /// Appointment.
    APPOINTMENT = "appointment";
    /// Promotion: eligibility to apply (time in rank, performance).
    ELIGIBILITY = "eligibility";
    /// Promotion: the legal knowledge exam.
    LEGAL_EXAM = "legal_exam";
    /// Promotion: the work-based assessment.
    WORK_BASED_ASSESSMENT = "work_based_assessment";
    /// Promotion: the promotion board.
    BOARD = "board";
}

impl Stage {
    /// The name the bottom line goes by wherever stages are listed (the
    /// report's JSON, the adverse impact findings), so no stage may take it.
    pub const BOTTOM_LINE: &'static str = "bottom_line";

    /// A stage by name.
    ///
    /// ```
    /// use positive_action::Stage;
    ///
    /// assert_eq!(Stage::new(" sift ")?.name(), "sift");
    /// assert!(Stage::new("bottom_line").is_err()); // reserved for the bottom line
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EmptyName`] if the name is blank, and
    /// [`Error::ReservedStageName`] for `bottom_line` (in any case).
    pub fn new(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "stage" });
        }
        if name.eq_ignore_ascii_case(Self::BOTTOM_LINE) {
            return Err(Error::ReservedStageName {
                name: name.to_owned(),
            });
        }
        Ok(Self(Cow::Owned(name.to_owned())))
    }

    /// The stage's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Stage {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Stage {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl TryFrom<String> for Stage {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new(&s)
    }
}

impl From<Stage> for String {
    fn from(s: Stage) -> Self {
        s.0.into_owned()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stage({:?})", self.0)
    }
}

/// A rank or grade that promotion moves between.
///
/// The ranks of police forces in England and Wales are constants, in
/// [`Rank::POLICE`] order; other employers name their grades with
/// [`Rank::new`].
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Rank(Cow<'static, str>);

named_constants! { Rank:
    /// Constable.
    CONSTABLE = "constable";
    /// Sergeant.
    SERGEANT = "sergeant";
    /// Inspector.
    INSPECTOR = "inspector";
    /// Chief Inspector.
    CHIEF_INSPECTOR = "chief_inspector";
    /// Superintendent.
    SUPERINTENDENT = "superintendent";
    /// Chief Superintendent.
    CHIEF_SUPERINTENDENT = "chief_superintendent";
    /// Assistant Chief Constable.
    ASSISTANT_CHIEF_CONSTABLE = "assistant_chief_constable";
    /// Deputy Chief Constable.
    DEPUTY_CHIEF_CONSTABLE = "deputy_chief_constable";
    /// Chief Constable.
    CHIEF_CONSTABLE = "chief_constable";
}

impl Rank {
    /// The police ranks of England and Wales, lowest first.
    pub const POLICE: [Rank; 9] = [
        Rank::CONSTABLE,
        Rank::SERGEANT,
        Rank::INSPECTOR,
        Rank::CHIEF_INSPECTOR,
        Rank::SUPERINTENDENT,
        Rank::CHIEF_SUPERINTENDENT,
        Rank::ASSISTANT_CHIEF_CONSTABLE,
        Rank::DEPUTY_CHIEF_CONSTABLE,
        Rank::CHIEF_CONSTABLE,
    ];

    /// A rank or grade by name.
    ///
    /// # Errors
    /// [`Error::EmptyName`] if the name is blank.
    pub fn new(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "rank" });
        }
        Ok(Self(Cow::Owned(name.to_owned())))
    }

    /// The rank's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Rank {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new(&s)
    }
}

impl From<Rank> for String {
    fn from(r: Rank) -> Self {
        r.0.into_owned()
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rank({:?})", self.0)
    }
}

/// What a pipeline selects for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PipelineKind {
    /// Recruitment into the organisation (police: Step In).
    Recruitment,
    /// Promotion from one rank to the next (police: Step Up).
    Promotion {
        /// The rank candidates hold.
        from: Rank,
        /// The rank they seek.
        to: Rank,
    },
    /// Selection into a specialist role (police: Step Across), such as
    /// detective or firearms officer.
    SpecialistSelection {
        /// The role.
        role: String,
    },
    /// Selection into a development programme, such as Wiltshire's "We Rise".
    DevelopmentProgramme {
        /// The programme.
        programme: String,
    },
}

impl fmt::Display for PipelineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Recruitment => f.write_str("recruitment"),
            Self::Promotion { from, to } => write!(f, "promotion from {from} to {to}"),
            Self::SpecialistSelection { role } => write!(f, "specialist selection ({role})"),
            Self::DevelopmentProgramme { programme } => {
                write!(f, "development programme ({programme})")
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct PipelineInner {
    name: String,
    kind: PipelineKind,
    stages: Vec<Stage>,
}

/// An ordered list of stages with a name and a kind.
///
/// Cloning is cheap: clones share one allocation, and every validated
/// journey holds one.
///
/// ```
/// use positive_action::{Pipeline, PipelineKind, Stage};
/// use positive_action::records::Rank;
///
/// // The usual police pipelines are ready-made.
/// let recruitment = Pipeline::police_constable_recruitment("PC recruitment 2025");
/// assert_eq!(recruitment.stages().len(), 8);
/// let step_up = Pipeline::police_promotion("sergeant promotion 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
/// assert_eq!(step_up.stages()[1], Stage::LEGAL_EXAM);
///
/// // Any employer's pipeline is as easy to define.
/// let graduates = Pipeline::new(
///     "graduate scheme 2025",
///     PipelineKind::Recruitment,
///     ["application", "online test", "video interview", "assessment day", "offer"],
/// )?;
/// assert_eq!(graduates.stage_index("video interview"), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "PipelineSpec", into = "PipelineSpec")
)]
pub struct Pipeline(Arc<PipelineInner>);

/// The serde form of a pipeline, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineSpec {
    name: String,
    kind: PipelineKind,
    stages: Vec<Stage>,
}

#[cfg(feature = "serde")]
impl TryFrom<PipelineSpec> for Pipeline {
    type Error = Error;
    fn try_from(spec: PipelineSpec) -> Result<Self> {
        Self::new(&spec.name, spec.kind, spec.stages)
    }
}

#[cfg(feature = "serde")]
impl From<Pipeline> for PipelineSpec {
    fn from(p: Pipeline) -> Self {
        Self {
            name: p.0.name.clone(),
            kind: p.0.kind.clone(),
            stages: p.0.stages.clone(),
        }
    }
}

/// The most stages a pipeline may have: stage indices are stored compactly.
pub const MAX_STAGES: usize = u16::MAX as usize;

impl Pipeline {
    /// A pipeline with a name, a kind and stages in order.
    ///
    /// # Errors
    /// A blank name, no stages, a blank or repeated stage name, a blank
    /// role or programme in the kind, and [`Error::LimitExceeded`] for more
    /// than [`MAX_STAGES`] stages.
    pub fn new<S: AsRef<str>>(
        name: &str,
        kind: PipelineKind,
        stages: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "pipeline" });
        }
        match &kind {
            PipelineKind::SpecialistSelection { role } if role.trim().is_empty() => {
                return Err(Error::EmptyName { what: "role" });
            }
            PipelineKind::DevelopmentProgramme { programme } if programme.trim().is_empty() => {
                return Err(Error::EmptyName { what: "programme" });
            }
            _ => {}
        }
        let stages = stages
            .into_iter()
            .map(|s| Stage::new(s.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        if stages.is_empty() {
            return Err(Error::EmptyPipeline {
                pipeline: name.to_owned(),
            });
        }
        if stages.len() > MAX_STAGES {
            return Err(Error::LimitExceeded {
                limit: "MAX_STAGES",
                what: "the number of stages",
                value: stages.len() as u64,
                max: MAX_STAGES as u64,
                location: format!("pipeline {name:?}"),
            });
        }
        // A set, not a scan of the stages before: 65,535 stages would be
        // two billion comparisons.
        let mut seen = std::collections::HashSet::with_capacity(stages.len());
        for stage in &stages {
            if !seen.insert(stage.name()) {
                return Err(Error::DuplicatePipelineStage {
                    pipeline: name.to_owned(),
                    stage: stage.clone(),
                });
            }
        }
        Ok(Self(Arc::new(PipelineInner {
            name: name.to_owned(),
            kind,
            stages,
        })))
    }

    /// Police constable recruitment (Step In), in the usual eight stages:
    /// application, sift, online assessment, assessment centre, interview,
    /// fitness test, vetting and appointment.
    ///
    /// # Panics
    /// Never: the stages are fixed and valid. A blank name becomes
    /// "police constable recruitment".
    pub fn police_constable_recruitment(name: &str) -> Self {
        let name = if name.trim().is_empty() {
            "police constable recruitment"
        } else {
            name
        };
        Self(Arc::new(PipelineInner {
            name: name.trim().to_owned(),
            kind: PipelineKind::Recruitment,
            stages: vec![
                Stage::APPLICATION,
                Stage::SIFT,
                Stage::ONLINE_ASSESSMENT,
                Stage::ASSESSMENT_CENTRE,
                Stage::INTERVIEW,
                Stage::FITNESS_TEST,
                Stage::VETTING,
                Stage::APPOINTMENT,
            ],
        }))
    }

    /// Police promotion from one rank to the next (Step Up), in the stages
    /// of the National Police Promotion Framework: eligibility, legal exam,
    /// work-based assessment and board.
    ///
    /// # Errors
    /// A blank name, or `from` equal to `to`.
    pub fn police_promotion(name: &str, from: Rank, to: Rank) -> Result<Self> {
        if from == to {
            return Err(Error::InvalidOption {
                name: "to",
                value: to.to_string(),
                expected: "a rank other than the one promoted from",
            });
        }
        Self::new(
            name,
            PipelineKind::Promotion { from, to },
            [
                Stage::ELIGIBILITY,
                Stage::LEGAL_EXAM,
                Stage::WORK_BASED_ASSESSMENT,
                Stage::BOARD,
            ],
        )
    }

    /// The pipeline's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// What the pipeline selects for.
    pub fn kind(&self) -> &PipelineKind {
        &self.0.kind
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[Stage] {
        &self.0.stages
    }

    /// The position of a stage by name.
    pub fn stage_index(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.0.stages.iter().position(|s| s.name() == name)
    }

    /// Whether two handles are the same pipeline (cheap, by pointer first).
    pub(crate) fn same_as(&self, other: &Pipeline) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl PartialEq for Pipeline {
    fn eq(&self, other: &Self) -> bool {
        self.same_as(other)
    }
}

impl Eq for Pipeline {}

impl std::hash::Hash for Pipeline {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("name", &self.0.name)
            .field("kind", &self.0.kind)
            .field("stages", &self.0.stages)
            .finish()
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): ", self.0.name, self.0.kind)?;
        for (i, s) in self.0.stages.iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_stage_names_are_refused() {
        let err = Pipeline::new("x", PipelineKind::Recruitment, ["a", "b", " a "]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "pipeline \"x\" lists stage a more than once: stage names must be unique"
        );
    }

    #[test]
    fn empty_pipeline_and_blank_stage_are_refused() {
        let none: [&str; 0] = [];
        assert!(matches!(
            Pipeline::new("x", PipelineKind::Recruitment, none),
            Err(Error::EmptyPipeline { .. })
        ));
        assert!(matches!(
            Pipeline::new("x", PipelineKind::Recruitment, ["a", ""]),
            Err(Error::EmptyName { what: "stage" })
        ));
        assert!(matches!(
            Pipeline::new(
                "x",
                PipelineKind::SpecialistSelection { role: " ".into() },
                ["a"]
            ),
            Err(Error::EmptyName { what: "role" })
        ));
    }

    #[test]
    fn promotion_needs_two_ranks() {
        assert!(Pipeline::police_promotion("p", Rank::SERGEANT, Rank::SERGEANT).is_err());
        let p = Pipeline::police_promotion("p", Rank::SERGEANT, Rank::INSPECTOR).unwrap();
        assert_eq!(p.kind().to_string(), "promotion from sergeant to inspector");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_form_is_the_json_contract() {
        let json = r#"{"name": "PC recruitment 2025", "kind": "recruitment",
                       "stages": ["application", "assessment_centre", "interview", "vetting", "appointment"]}"#;
        let p: Pipeline = serde_json::from_str(json).unwrap();
        assert_eq!(p.stages().len(), 5);
        let promo = Pipeline::police_promotion("p", Rank::CONSTABLE, Rank::SERGEANT).unwrap();
        let text = serde_json::to_string(&promo).unwrap();
        assert!(
            text.contains(r#""kind":{"promotion":{"from":"constable","to":"sergeant"}}"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Pipeline>(&text).unwrap(), promo);
        let dup = r#"{"name": "x", "kind": "recruitment", "stages": ["a", "a"]}"#;
        assert!(
            serde_json::from_str::<Pipeline>(dup)
                .unwrap_err()
                .to_string()
                .contains("more than once")
        );
    }
}
