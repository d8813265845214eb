//! Positive action: the measures, whether they are lawful, and whether
//! they closed the gap.
//!
//! An [`Intervention`] is a positive action measure (a familiarisation
//! session, an interview workshop, mentoring, a development programme, a
//! guaranteed interview, a tie-break) with its target stages and groups,
//! its cohorts and its [`LawfulBasis`] under the Equality Act 2010. The
//! model refuses to represent positive discrimination: a quota, a lower pass
//! mark or automatic preference is an error, except more favourable
//! treatment of disabled people under s.13(3).
//!
//! | question | type |
//! |---|---|
//! | does the data show the disadvantage or under-representation s.158 needs? | [`PositiveActionEvidence`] |
//! | may this tie be broken in a group's favour under s.159? | [`TieBreak`], refused with the condition it fails |
//! | did participants do better, and did the gap close? | [`InterventionEvaluation`]: association, not causation |
//!
//! These are aids, not legal advice.
//!
//! ```
//! use positive_action::{Group, Pipeline};
//! use positive_action::records::Rank;
//! use positive_action::interventions::{
//!     Eligibility, Intervention, InterventionKind, LawfulBasis, Section158Condition,
//! };
//!
//! let promotion = Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
//! let women = Eligibility::any_of([Group::parse([("sex", "female")])?])?;
//! let exam_prep = Intervention::new("legal exam preparation", InterventionKind::ExamPreparation,
//!     &promotion, ["legal_exam"], women.clone(),
//!     LawfulBasis::Section158(Section158Condition::DifferentNeeds))?;
//! assert_eq!(exam_prep.lawful_basis().section(), "s.158(1)(b)");
//!
//! // s.159 is only for a tie-break, never for support.
//! let err = Intervention::new("mentoring", InterventionKind::Mentoring, &promotion, ["board"],
//!                             women, LawfulBasis::Section159TieBreak).unwrap_err();
//! assert!(err.to_string().contains("covers only a tie-break"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod evaluation;
pub(crate) mod evidence;
pub(crate) mod tie_break;

pub use crate::error::Refusal;
pub use crate::records::intervention::{
    Cohort, Completion, Delivery, Eligibility, Intervention, InterventionKind, LawfulBasis,
    MeasureEffect, Participation, ParticipationRecord, PreferentialTreatment, Section158Condition,
    TieBreakCondition,
};
pub use evaluation::{
    BeforeAfter, Comparison, DateBasis, EvaluationOptions, GapClosure, GapReference,
    GroupComparison, InterventionEvaluation, LeftOut, MIN_SIDE, NamedPeriod, ParityChange,
    ParticipantRule, ParticipationSummary, Proportion, PublishedBeforeAfter, PublishedComparison,
    PublishedEvaluation, PublishedGapClosure, PublishedGroupComparison, PublishedLeftOut,
    PublishedParticipation, PublishedProportion, PublishedRatioToReference,
    PublishedStageEvaluation, PublishedStratifiedComparison, PublishedStratumComparison,
    RatioToReference, SELF_SELECTION_CAVEAT, StageEvaluation, Stratification, StratifiedComparison,
    StratumComparison, WIDE_INTERVAL,
};
pub use evidence::{
    DisadvantageEvidence, EvidenceFinding, EvidenceGrade, PositiveActionEvidence,
    RepresentationFigure, UnderRepresentationEvidence,
};
pub use tie_break::{
    Banding, MAX_BAND_SHARE, Merit, QualificationRule, RecordedCandidate, RuleApplication,
    ScoreBand, TieBreak, TieBreakCase, TieBreakDecision, TieBreakRule, TiedCandidate,
};
