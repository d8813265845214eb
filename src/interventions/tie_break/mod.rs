//! The s.159 tie-break: preference between candidates as qualified as each
//! other, case by case, with an auditable record.
//!
//! These are aids, not legal advice. Section 159 of the Equality Act 2010
//! allows preferring a candidate in recruitment or promotion only when the
//! candidates are as qualified as each other (s.159(4)(a)), the preferred
//! group is disadvantaged or under-represented (s.159(1) and (2)), there is
//! no policy of automatic preference (s.159(4)(b)), and preference is
//! proportionate (s.159(4)(c)).

use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::interventions::evidence::{
    DisadvantageEvidence, EvidenceGrade, PositiveActionEvidence, UnderRepresentationEvidence,
    same_group,
};
use crate::records::breakdown::Group;
use crate::records::candidate::{Candidate, CandidateId};
use crate::records::intervention::{Intervention, LawfulBasis, TieBreakCondition, group_admits};
use crate::records::pipeline::Stage;
use crate::text_table::TextTable;

mod banding;

pub use banding::{Banding, MAX_BAND_SHARE, Merit, QualificationRule, ScoreBand};

/// Whether a rule is applied case by case or automatically.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RuleApplication {
    /// Each tie is considered on its own. The only lawful way.
    #[default]
    CaseByCase,
    /// Applied to every tie without considering each: a policy of
    /// automatic preference, which s.159(4)(b) does not allow.
    Automatic,
}

/// A tie-break rule: its name, when candidates count as equally qualified,
/// and how it is applied.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakRuleSpec", into = "TieBreakRuleSpec")
)]
pub struct TieBreakRule {
    name: String,
    qualification: QualificationRule,
    application: RuleApplication,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakRuleSpec {
    name: String,
    qualification: QualificationRule,
    #[serde(default)]
    application: RuleApplication,
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakRuleSpec> for TieBreakRule {
    type Error = Error;
    fn try_from(s: TieBreakRuleSpec) -> Result<Self> {
        Self::new(&s.name, s.qualification, s.application)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreakRule> for TieBreakRuleSpec {
    fn from(r: TieBreakRule) -> Self {
        Self {
            name: r.name,
            qualification: r.qualification,
            application: r.application,
        }
    }
}

impl TieBreakRule {
    /// A rule by name. An automatic rule can be written down (a policy
    /// document may say so), but [`TieBreak::new`] refuses it.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank name.
    pub fn new(
        name: &str,
        qualification: QualificationRule,
        application: RuleApplication,
    ) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName {
                what: "tie-break rule",
            });
        }
        Ok(Self {
            name: name.to_owned(),
            qualification,
            application,
        })
    }

    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When candidates count as equally qualified.
    pub fn qualification(&self) -> &QualificationRule {
        &self.qualification
    }

    /// How it is applied.
    pub fn application(&self) -> RuleApplication {
        self.application
    }
}

/// A candidate in a tie, with their assessed merit.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TiedCandidate {
    /// The candidate, whose profile says whether they are in the preferred
    /// group.
    pub candidate: Candidate,
    /// Their assessed merit.
    pub merit: Merit,
}

/// One tie to decide: one place, at one stage, between candidates whose
/// merit is recorded, with the group to prefer and the reasons why
/// preference is proportionate here.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakCaseSpec", into = "TieBreakCaseSpec")
)]
pub struct TieBreakCase {
    reference: String,
    stage: Stage,
    places: u64,
    candidates: Vec<TiedCandidate>,
    preferred: Group,
    date: NaiveDate,
    reasons: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakCaseSpec {
    reference: String,
    stage: Stage,
    #[serde(default = "one")]
    places: u64,
    candidates: Vec<TiedCandidate>,
    preferred: Group,
    date: NaiveDate,
    #[serde(default)]
    reasons: String,
}

#[cfg(feature = "serde")]
fn one() -> u64 {
    1
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakCaseSpec> for TieBreakCase {
    type Error = Error;
    fn try_from(s: TieBreakCaseSpec) -> Result<Self> {
        let mut c = Self::new(&s.reference, s.stage, s.preferred, s.date)?;
        c.places = s.places;
        c.candidates = s.candidates;
        c.reasons = s.reasons;
        Ok(c)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreakCase> for TieBreakCaseSpec {
    fn from(c: TieBreakCase) -> Self {
        Self {
            reference: c.reference,
            stage: c.stage,
            places: c.places,
            candidates: c.candidates,
            preferred: c.preferred,
            date: c.date,
            reasons: c.reasons,
        }
    }
}

impl TieBreakCase {
    /// A tie for one place at `stage`, decided on `date`, preferring
    /// `preferred`. Add the candidates and the reasons; [`TieBreak::decide`]
    /// checks the conditions of s.159.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank reference, and
    /// [`Error::TieBreakRefused`] ([`TieBreakCondition::Applies`]) for a
    /// preferred group that is empty or unknown.
    pub fn new(reference: &str, stage: Stage, preferred: Group, date: NaiveDate) -> Result<Self> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(Error::EmptyName {
                what: "tie-break case",
            });
        }
        if preferred.entries().len() == 0 || preferred.is_unknown() {
            return Err(Error::TieBreakRefused {
                subject: format!("case {reference:?}"),
                condition: TieBreakCondition::Applies,
                detail: format!(
                    "the preferred group {preferred} is not a group of declared categories"
                ),
            });
        }
        Ok(Self {
            reference: reference.to_owned(),
            stage,
            places: 1,
            candidates: Vec::new(),
            preferred,
            date,
            reasons: String::new(),
        })
    }

    /// The same case with one more tied candidate.
    pub fn with_candidate(mut self, candidate: Candidate, merit: Merit) -> Self {
        self.candidates.push(TiedCandidate { candidate, merit });
        self
    }

    /// The same case deciding `places` places at once. Only 1 is allowed:
    /// each place is its own case (s.159(4)(b)).
    pub fn with_places(mut self, places: u64) -> Self {
        self.places = places;
        self
    }

    /// The same case with the reasons why preferring is proportionate here
    /// (s.159(4)(c)).
    pub fn with_reasons(mut self, reasons: &str) -> Self {
        reasons.trim().clone_into(&mut self.reasons);
        self
    }

    /// The case's reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The tied candidates.
    pub fn candidates(&self) -> &[TiedCandidate] {
        &self.candidates
    }
}

/// A candidate as the decision record keeps them: id, merit, and whether
/// they are in the preferred group, never their whole profile.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordedCandidate {
    /// The candidate.
    pub candidate: CandidateId,
    /// Their assessed merit.
    pub merit: Merit,
    /// Their band under the rule, when it bands.
    pub band: Option<String>,
    /// Whether they are in the preferred group.
    pub in_preferred_group: bool,
    /// Whether the tie-break chose them.
    pub selected: bool,
}

/// The auditable record of one s.159 tie-break: the candidates and their
/// merit, the evidence, the rule, how each condition was met, and the date.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TieBreakDecision {
    /// The case's reference.
    pub case: String,
    /// The tie-break intervention.
    pub intervention: String,
    /// Its pipeline.
    pub pipeline: String,
    /// The stage of the tie.
    pub stage: Stage,
    /// When it was decided.
    pub date: NaiveDate,
    /// The rule used.
    pub rule: TieBreakRule,
    /// The preferred group.
    pub preferred_group: Group,
    /// The candidate chosen.
    pub selected: CandidateId,
    /// Every tied candidate.
    pub candidates: Vec<RecordedCandidate>,
    /// The disadvantage found for the preferred group.
    pub disadvantage: Vec<DisadvantageEvidence>,
    /// The under-representation found for the preferred group.
    pub under_representation: Vec<UnderRepresentationEvidence>,
    /// The best grade of that evidence.
    pub evidence_grade: EvidenceGrade,
    /// Why preference is proportionate in this case.
    pub reasons: String,
    /// Each condition of s.159, and how it was met.
    pub conditions: Vec<String>,
    /// The statute.
    pub basis: String,
}

/// The s.159 tie-break of a tie-break intervention under a stated rule.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::*;
/// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Merit, PositiveActionEvidence, QualificationRule, RepresentationFigure, RuleApplication, TieBreak, TieBreakCase, TieBreakRule};
/// use positive_action::records::Rank;
///
/// let pipeline = Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
/// let women = Group::parse([("sex", "female")])?;
/// let tie_break = Intervention::new("board tie-break", InterventionKind::TieBreak, &pipeline, ["board"],
///                                   Eligibility::any_of([women.clone()])?, LawfulBasis::Section159TieBreak)?;
/// // Women are 31% of sergeants with a declared sex, against 45% of constables.
/// let evidence = PositiveActionEvidence::gather(&tie_break, None, &[
///     RepresentationFigure::new(women.clone(), "sergeant", 310, 1_000, 0.45)?,
/// ])?;
/// let rule = TieBreakRule::new("equal board scores", QualificationRule::EqualScores, RuleApplication::CaseByCase)?;
/// let decider = TieBreak::new(&tie_break, rule)?;
///
/// let asha = Candidate::new(CandidateId::from_external("PC-1"), Profile::parse([("sex", "female")])?);
/// let ben = Candidate::new(CandidateId::from_external("PC-2"), Profile::parse([("sex", "male")])?);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 2).ok_or("bad date")?;
/// let case = TieBreakCase::new("board 2025/17", Stage::BOARD, women, date)?
///     .with_candidate(asha.clone(), Merit::Score(72.0))
///     .with_candidate(ben.clone(), Merit::Score(72.0))
///     .with_reasons("women are under-represented at sergeant; both met every criterion");
/// let decision = decider.decide(&case, &evidence)?;
/// assert_eq!(decision.selected, asha.id);
///
/// // Unequal scores are refused, naming the condition.
/// let unequal = TieBreakCase::new("board 2025/18", Stage::BOARD, Group::parse([("sex", "female")])?, date)?
///     .with_candidate(asha, Merit::Score(70.0))
///     .with_candidate(ben, Merit::Score(72.0))
///     .with_reasons("…");
/// let err = decider.decide(&unequal, &evidence).unwrap_err();
/// assert!(err.to_string().contains("as qualified as each other (s.159(4)(a))"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakSpec", into = "TieBreakSpec")
)]
pub struct TieBreak {
    intervention: Intervention,
    rule: TieBreakRule,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakSpec {
    intervention: Intervention,
    rule: TieBreakRule,
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakSpec> for TieBreak {
    type Error = Error;
    fn try_from(s: TieBreakSpec) -> Result<Self> {
        Self::new(&s.intervention, s.rule)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreak> for TieBreakSpec {
    fn from(t: TieBreak) -> Self {
        Self {
            intervention: t.intervention,
            rule: t.rule,
        }
    }
}

impl TieBreak {
    /// A tie-break for an s.159 intervention under a rule.
    ///
    /// # Errors
    /// [`Error::TieBreakRefused`]: [`TieBreakCondition::Applies`] unless
    /// the intervention's basis is s.159, and
    /// [`TieBreakCondition::CaseByCase`] for an automatic rule.
    pub fn new(intervention: &Intervention, rule: TieBreakRule) -> Result<Self> {
        if intervention.lawful_basis() != LawfulBasis::Section159TieBreak {
            return Err(Error::TieBreakRefused {
                subject: format!("intervention {:?}", intervention.name()),
                condition: TieBreakCondition::Applies,
                detail: format!(
                    "its basis is {}: expected s.159",
                    intervention.lawful_basis()
                ),
            });
        }
        if rule.application == RuleApplication::Automatic {
            return Err(Error::TieBreakRefused {
                subject: format!("rule {:?}", rule.name),
                condition: TieBreakCondition::CaseByCase,
                detail: "the rule is applied automatically to every tie: expected each case to be considered on its own".to_owned(),
            });
        }
        Ok(Self {
            intervention: intervention.clone(),
            rule,
        })
    }

    /// The rule.
    pub fn rule(&self) -> &TieBreakRule {
        &self.rule
    }

    /// Decides one tie, or refuses it with the condition that failed.
    ///
    /// The tie must be at one of the intervention's target stages, for one
    /// place, between at least two distinct candidates as qualified as each
    /// other under the rule, exactly one of whom is in the preferred group;
    /// the preferred group must be one the intervention targets, and the
    /// evidence (gathered for this intervention) must show it disadvantaged
    /// or under-represented; and the reasons must be recorded.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Merit, PositiveActionEvidence, QualificationRule, RepresentationFigure, RuleApplication, TieBreak, TieBreakCase, TieBreakCondition, TieBreakRule};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let black = Group::parse([("ethnicity", "Black")])?;
    /// let tie_break = Intervention::new("appointment tie-break", InterventionKind::TieBreak, &pipeline,
    ///     ["appointment"], Eligibility::any_of([black.clone()])?, LawfulBasis::Section159TieBreak)?;
    /// let evidence = PositiveActionEvidence::gather(&tie_break, None,
    ///     &[RepresentationFigure::new(black.clone(), "workforce", 12, 1_000, 0.035)?])?;
    /// let decider = TieBreak::new(&tie_break, TieBreakRule::new("equal scores",
    ///     QualificationRule::EqualScores, RuleApplication::CaseByCase)?)?;
    /// let person = |id: &str, ethnicity| -> Result<Candidate> {
    ///     Ok(Candidate::new(CandidateId::from_external(id), Profile::parse([("ethnicity", ethnicity)])?))
    /// };
    /// let date = NaiveDate::from_ymd_opt(2025, 9, 1).ok_or("bad date")?;
    ///
    /// // Filling two places at once is a blanket decision, and is refused.
    /// let batch = TieBreakCase::new("intake 2025/9", Stage::APPOINTMENT, black, date)?
    ///     .with_candidate(person("A-1", "Black")?, Merit::Score(64.0))
    ///     .with_candidate(person("A-2", "White")?, Merit::Score(64.0))
    ///     .with_places(2)
    ///     .with_reasons("Black officers are 1.2% of the force against 3.5% locally");
    /// let err = decider.decide(&batch, &evidence).unwrap_err();
    /// assert!(matches!(err, Error::TieBreakRefused { condition: TieBreakCondition::CaseByCase, .. }));
    ///
    /// // One place is decided, and recorded.
    /// let decision = decider.decide(&batch.with_places(1), &evidence)?;
    /// assert_eq!(decision.selected, CandidateId::from_external("A-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TieBreakRefused`] naming the [`TieBreakCondition`] that
    /// failed.
    pub fn decide(
        &self,
        case: &TieBreakCase,
        evidence: &PositiveActionEvidence,
    ) -> Result<TieBreakDecision> {
        let refuse = |condition, detail: String| Error::TieBreakRefused {
            subject: format!("case {:?}", case.reference),
            condition,
            detail,
        };
        let iv = &self.intervention;
        if !iv.target_stages().contains(&case.stage) {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "the tie is at {}, which intervention {:?} does not target",
                    case.stage,
                    iv.name()
                ),
            ));
        }
        if !iv
            .eligibility()
            .target_groups()
            .iter()
            .any(|g| same_group(g, &case.preferred))
        {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "intervention {:?} does not target {}: expected one of {}",
                    iv.name(),
                    case.preferred,
                    iv.eligibility()
                ),
            ));
        }
        if case.candidates.len() < 2 {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "{} candidate(s): a tie needs at least two",
                    case.candidates.len()
                ),
            ));
        }
        for (i, c) in case.candidates.iter().enumerate() {
            if case.candidates[..i]
                .iter()
                .any(|p| p.candidate.id == c.candidate.id)
            {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!("candidate {} is listed twice", c.candidate.id),
                ));
            }
        }
        if case.places != 1 {
            return Err(refuse(
                TieBreakCondition::CaseByCase,
                format!(
                    "the call would decide {} places at once: expected one place, each tie decided as its own case",
                    case.places
                ),
            ));
        }
        if case.reasons.trim().is_empty() {
            return Err(refuse(
                TieBreakCondition::Proportionate,
                "expected the reasons for preferring in this case to be recorded".to_owned(),
            ));
        }
        let (bands, qualified) = self
            .as_qualified(case)
            .map_err(|d| refuse(TieBreakCondition::AsQualified, d))?;
        let in_group: Vec<bool> = case
            .candidates
            .iter()
            .map(|c| group_admits(&case.preferred, &c.candidate.profile))
            .collect();
        let preferred: Vec<usize> = (0..in_group.len()).filter(|&i| in_group[i]).collect();
        let chosen = match preferred.as_slice() {
            [one] => *one,
            [] => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "no candidate is in {}, so there is no one to prefer",
                        case.preferred
                    ),
                ));
            }
            many if many.len() == in_group.len() => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "every candidate is in {}, so s.159 cannot choose between them",
                        case.preferred
                    ),
                ));
            }
            many => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "{} candidates are in {}, so s.159 cannot choose between them: decide between them on other grounds first",
                        many.len(),
                        case.preferred
                    ),
                ));
            }
        };
        if evidence.intervention != iv.name() {
            return Err(refuse(
                TieBreakCondition::Evidence,
                format!(
                    "the evidence was gathered for intervention {:?}: expected {:?}",
                    evidence.intervention,
                    iv.name()
                ),
            ));
        }
        let disadvantage: Vec<DisadvantageEvidence> = evidence
            .disadvantage
            .iter()
            .filter(|d| same_group(&d.group, &case.preferred))
            .cloned()
            .collect();
        let under_representation: Vec<UnderRepresentationEvidence> = evidence
            .under_representation
            .iter()
            .filter(|u| same_group(&u.group, &case.preferred))
            .cloned()
            .collect();
        let grade = evidence.grade_for(&case.preferred);
        if !grade.shows_gap() {
            return Err(refuse(
                TieBreakCondition::Evidence,
                format!(
                    "the evidence shows no gap for {}: {}; lawful instead: decide the tie on another job-related criterion stated in advance, or gather figures that show the gap",
                    case.preferred,
                    evidence.shortfall(Some(&case.preferred))
                ),
            ));
        }
        let conditions = vec![
            format!(
                "s.159 applies: a tie for one place at {} of {:?}, with exactly one of {} candidates in {}",
                case.stage,
                iv.pipeline().name(),
                case.candidates.len(),
                case.preferred
            ),
            format!("as qualified as each other (s.159(4)(a)): {qualified}"),
            format!(
                "{} shown disadvantaged or under-represented (s.159(1)), {grade} evidence: {}",
                case.preferred,
                evidence.shortfall(Some(&case.preferred))
            ),
            format!(
                "decided on its own (s.159(4)(b)): one place, rule {:?} applied case by case",
                self.rule.name
            ),
            "reasons recorded for proportionality (s.159(4)(c))".to_owned(),
        ];
        Ok(TieBreakDecision {
            case: case.reference.clone(),
            intervention: iv.name().to_owned(),
            pipeline: iv.pipeline().name().to_owned(),
            stage: case.stage.clone(),
            date: case.date,
            rule: self.rule.clone(),
            preferred_group: case.preferred.clone(),
            selected: case.candidates[chosen].candidate.id,
            candidates: case
                .candidates
                .iter()
                .zip(bands)
                .enumerate()
                .map(|(i, (c, band))| RecordedCandidate {
                    candidate: c.candidate.id,
                    merit: c.merit.clone(),
                    band,
                    in_preferred_group: in_group[i],
                    selected: i == chosen,
                })
                .collect(),
            disadvantage,
            under_representation,
            evidence_grade: grade,
            reasons: case.reasons.clone(),
            conditions,
            basis: "Equality Act 2010, s.159".to_owned(),
        })
    }

    /// Checks the candidates are as qualified as each other under the
    /// rule; returns each one's band (when the rule bands) and how they
    /// were found equal, or why not.
    fn as_qualified(
        &self,
        case: &TieBreakCase,
    ) -> std::result::Result<(Vec<Option<String>>, String), String> {
        match &self.rule.qualification {
            QualificationRule::EqualScores => {
                let mut scores = Vec::with_capacity(case.candidates.len());
                for c in &case.candidates {
                    match c.merit {
                        Merit::Score(s) if s.is_finite() => scores.push(s),
                        Merit::Score(s) => {
                            return Err(format!(
                                "candidate {} has score {s}: expected a finite number",
                                c.candidate.id
                            ));
                        }
                        Merit::Band(ref b) => {
                            return Err(format!(
                                "candidate {} has band {b:?}, but the rule compares equal scores",
                                c.candidate.id
                            ));
                        }
                    }
                }
                // decide() has checked there are at least two candidates.
                let first = scores[0];
                if let Some(i) = scores.iter().position(|&s| s != first) {
                    return Err(format!(
                        "candidate {} scored {} and candidate {} scored {first}: expected equal scores",
                        case.candidates[i].candidate.id, scores[i], case.candidates[0].candidate.id
                    ));
                }
                Ok((vec![None; scores.len()], format!("equal scores of {first}")))
            }
            QualificationRule::SameBand(banding) => {
                let mut bands = Vec::with_capacity(case.candidates.len());
                for c in &case.candidates {
                    let band = match &c.merit {
                        // Banding::new requires at least one band.
                        Merit::Score(s) => banding.band_of(*s).ok_or_else(|| {
                            format!(
                                "candidate {} has score {s}, in no band of the rule: expected at least {}",
                                c.candidate.id, banding.bands[0].from
                            )
                        })?,
                        Merit::Band(b) => banding
                            .bands
                            .iter()
                            .find(|x| x.label == b.trim())
                            .map(|x| x.label.as_str())
                            .ok_or_else(|| {
                                format!(
                                    "candidate {} has band {b:?}, which the rule does not define",
                                    c.candidate.id
                                )
                            })?,
                    };
                    bands.push(band.to_owned());
                }
                // decide() has checked there are at least two candidates.
                let first = bands[0].clone();
                if let Some(i) = bands.iter().position(|b| *b != first) {
                    return Err(format!(
                        "candidate {} is in band {} and candidate {} in band {first}: expected the same band under {:?}",
                        case.candidates[i].candidate.id,
                        bands[i],
                        case.candidates[0].candidate.id,
                        banding.statement
                    ));
                }
                Ok((
                    bands.into_iter().map(Some).collect(),
                    format!("all in band {first} under {:?}", banding.statement),
                ))
            }
        }
    }
}

impl fmt::Display for TieBreakDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Tie-break {:?} at {} of {:?}, {} ({})",
            self.case, self.stage, self.pipeline, self.date, self.basis
        )?;
        let mut t = TextTable::new(["candidate", "merit", "band", "preferred group", "selected"]);
        for c in &self.candidates {
            t.row(vec![
                c.candidate.to_string(),
                c.merit.to_string(),
                c.band.clone().unwrap_or_else(|| "n/a".to_owned()),
                if c.in_preferred_group { "yes" } else { "no" }.to_owned(),
                if c.selected { "yes" } else { "no" }.to_owned(),
            ]);
        }
        write!(f, "{t}")?;
        for c in &self.conditions {
            writeln!(f, "- {c}")?;
        }
        writeln!(f, "reasons: {}", self.reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_validates_and_bands() {
        let scale = (0.0, 100.0);
        assert!(Banding::new("", scale, 50.0, [("a", 50.0)]).is_err());
        assert!(Banding::new("s", scale, 50.0, []).is_err());
        assert!(Banding::new("s", scale, 50.0, [("a", 95.0), ("a", 97.0)]).is_err());
        assert!(Banding::new("s", scale, 50.0, [("a", 96.0), ("b", 96.0)]).is_err());
        assert!(Banding::new("s", scale, 50.0, [("a", f64::NAN)]).is_err());
        assert!(Banding::new("s", (10.0, 10.0), 10.0, [("a", 10.0)]).is_err());
        assert!(Banding::new("s", scale, 100.0, [("a", 100.0)]).is_err());
        // Below the pass mark is not a band of passing candidates.
        assert!(Banding::new("s", scale, 50.0, [("a", 45.0), ("b", 96.0)]).is_err());
        let b = Banding::new(
            "s",
            scale,
            90.0,
            [("low", 90.0), ("mid", 95.0), ("high", 97.5)],
        )
        .unwrap();
        assert_eq!(b.band_of(97.5), Some("high"));
        assert_eq!(b.band_of(97.49), Some("mid"));
        assert_eq!(b.band_of(89.0), None);
        assert_eq!(b.band_of(100.5), None);
        assert_eq!(b.scale(), (0.0, 100.0));
        assert_eq!(b.pass_mark(), 90.0);
        assert_eq!(b.band_of(f64::NAN), None);
    }
}
