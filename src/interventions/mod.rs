//! TODO guide for interventions.

pub(crate) mod evaluation;
pub(crate) mod lawful_basis;

pub use evaluation::{
    BeforeAfter, Comparison, DateBasis, EvaluationOptions, GapClosure, GapReference,
    GroupComparison, InterventionEvaluation, NamedPeriod, ParticipantRule, ParticipationSummary,
    Proportion, RatioToReference, SELF_SELECTION_CAVEAT, SetAside, StageEvaluation, Stratification,
    StratifiedComparison, StratumComparison,
};
pub use lawful_basis::{
    Banding, DisadvantageEvidence, EvidenceFinding, Merit, PositiveActionEvidence,
    QualificationRule, RecordedCandidate, RepresentationFigure, RuleApplication, ScoreBand,
    TieBreak, TieBreakCase, TieBreakDecision, TieBreakRule, TiedCandidate,
    UnderRepresentationEvidence,
};
