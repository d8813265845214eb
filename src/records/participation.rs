//! Who took part in an intervention, when, and whether they finished.

use crate::error::{Error, Result};
use crate::records::candidate::CandidateId;
use crate::records::intervention::Intervention;
use chrono::NaiveDate;
use std::fmt;

/// Whether a candidate finished the intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Completion {
    /// Took part to the end.
    Completed,
    /// Started but did not finish.
    NotCompleted,
}

impl fmt::Display for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Completed => "completed",
            Self::NotCompleted => "not completed",
        })
    }
}

/// An unvalidated participation, as input holds it: the serde form of
/// [`Participation`]. Validate it with [`Participation::from_record`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ParticipationRecord {
    /// The candidate.
    pub candidate: CandidateId,
    /// The intervention, by name.
    pub intervention: String,
    /// The cohort, by name, when the intervention runs in cohorts.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub cohort: Option<String>,
    /// When they took part (or started).
    pub date: NaiveDate,
    /// Whether they finished.
    pub completion: Completion,
    /// How many of the intervention's sessions they attended, when it is
    /// a menu of sessions and attendance was recorded.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub sessions_attended: Option<u32>,
}

/// A candidate taking part in an intervention, validated against it: the
/// cohort is one of the intervention's, and the date falls within it.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::*;
/// use positive_action::interventions::{Cohort, Completion, Eligibility, Intervention, InterventionKind, LawfulBasis, Participation, Section158Condition};
///
/// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
/// let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
/// let workshop = Intervention::new(
///     "interview workshop", InterventionKind::InterviewWorkshop, &pipeline, ["interview"],
///     Eligibility::any_of([Group::parse([("ethnicity", "Black")])?])?,
///     LawfulBasis::Section158(Section158Condition::Disadvantage),
/// )?
/// .with_cohort(Cohort::new("spring", day(4, 1), day(6, 30))?)?;
/// let id = CandidateId::from_external("APP-1");
/// let took_part = Participation::new(&workshop, id, Some("spring"), day(5, 12), Completion::Completed)?;
/// assert!(took_part.is_completed());
///
/// // A date outside the cohort is an error that names the candidate.
/// let err = Participation::new(&workshop, id, Some("spring"), day(9, 1), Completion::Completed).unwrap_err();
/// assert!(err.to_string().starts_with(&format!("candidate {id}: ")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Participation {
    record: ParticipationRecord,
}

impl Participation {
    /// A candidate's participation in an intervention.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::{Completion, Eligibility, Intervention, InterventionKind, LawfulBasis, Participation};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let session = Intervention::new("familiarisation session", InterventionKind::AttractionSession,
    ///     &pipeline, ["application"], Eligibility::open_to_all(), LawfulBasis::OpenToAll)?;
    /// let date = NaiveDate::from_ymd_opt(2025, 3, 4).ok_or("bad date")?;
    /// let id = CandidateId::from_external("APP-9");
    /// let went = Participation::new(&session, id, None, date, Completion::NotCompleted)?;
    /// assert!(!went.is_completed());
    /// assert_eq!(went.intervention(), "familiarisation session");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParticipation`] when a cohort is named that the
    /// intervention does not have, when none is named but the intervention
    /// runs in cohorts, or when the date falls outside the cohort.
    pub fn new(
        intervention: &Intervention,
        candidate: CandidateId,
        cohort: Option<&str>,
        date: NaiveDate,
        completion: Completion,
    ) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidParticipation {
            candidate,
            intervention: intervention.name.clone(),
            reason,
        };
        let names = || {
            intervention
                .cohorts
                .iter()
                .map(|c| format!("{:?}", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let cohort = match cohort.map(str::trim) {
            Some(name) => {
                let Some(c) = intervention.cohort(name) else {
                    return Err(invalid(if intervention.cohorts.is_empty() {
                        format!("names cohort {name:?}, but the intervention has no cohorts")
                    } else {
                        format!("names cohort {name:?}: expected one of {}", names())
                    }));
                };
                if !c.period.contains(date) {
                    return Err(invalid(format!(
                        "dated {date}, outside cohort {name:?} ({}): expected a date within the cohort",
                        c.period
                    )));
                }
                Some(c.name.clone())
            }
            None if !intervention.cohorts.is_empty() => {
                return Err(invalid(format!(
                    "names no cohort: the intervention runs in cohorts, expected one of {}",
                    names()
                )));
            }
            None => None,
        };
        Ok(Self {
            record: ParticipationRecord {
                candidate,
                intervention: intervention.name.clone(),
                cohort,
                date,
                completion,
                sessions_attended: None,
            },
        })
    }

    /// The same participation, attending `sessions` of the intervention's
    /// sessions: partial attendance of a menu of sessions.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::{Completion, Delivery, Eligibility, Intervention, InterventionKind, LawfulBasis, Participation};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let academy = Intervention::new("career academy", InterventionKind::ApplicationWorkshop,
    ///     &pipeline, ["application"], Eligibility::open_to_all(), LawfulBasis::OpenToAll)?
    ///     .with_delivery(Delivery::sessions(8)?.minutes_each(30)?);
    /// let date = NaiveDate::from_ymd_opt(2025, 3, 4).ok_or("bad date")?;
    /// let some = Participation::new(&academy, CandidateId::from_external("A-1"), None, date, Completion::NotCompleted)?
    ///     .with_sessions_attended(&academy, 3)?;
    /// assert_eq!(some.sessions_attended(), Some(3));
    /// assert!(Participation::new(&academy, CandidateId::from_external("A-2"), None, date, Completion::Completed)?
    ///     .with_sessions_attended(&academy, 9).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidParticipation`] when the intervention's delivery is
    /// not given, or `sessions` is 0 or more than it has.
    pub fn with_sessions_attended(
        mut self,
        intervention: &Intervention,
        sessions: u32,
    ) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidParticipation {
            candidate: self.record.candidate,
            intervention: intervention.name.clone(),
            reason,
        };
        let Some(delivery) = intervention.delivery else {
            return Err(invalid(format!(
                "attended {sessions} session(s), but the intervention's delivery is not given: expected its number of sessions"
            )));
        };
        if sessions == 0 || sessions > delivery.sessions {
            return Err(invalid(format!(
                "attended {sessions} session(s): expected 1 to {}, the sessions the intervention has",
                delivery.sessions
            )));
        }
        self.record.sessions_attended = Some(sessions);
        Ok(self)
    }

    /// How many sessions they attended, when recorded.
    pub fn sessions_attended(&self) -> Option<u32> {
        self.record.sessions_attended
    }

    /// Validates a record read from input against its intervention.
    ///
    /// # Errors
    /// [`Error::InvalidParticipation`] when the record names another
    /// intervention, and the errors of [`Participation::new`].
    pub fn from_record(intervention: &Intervention, record: ParticipationRecord) -> Result<Self> {
        if record.intervention.trim() != intervention.name {
            return Err(Error::InvalidParticipation {
                candidate: record.candidate,
                intervention: record.intervention,
                reason: format!(
                    "the record is for another intervention: expected {:?}",
                    intervention.name
                ),
            });
        }
        let p = Self::new(
            intervention,
            record.candidate,
            record.cohort.as_deref(),
            record.date,
            record.completion,
        )?;
        match record.sessions_attended {
            Some(n) => p.with_sessions_attended(intervention, n),
            None => Ok(p),
        }
    }

    /// The record form.
    pub fn to_record(&self) -> ParticipationRecord {
        self.record.clone()
    }

    /// The candidate.
    pub fn candidate(&self) -> CandidateId {
        self.record.candidate
    }

    /// The intervention's name.
    pub fn intervention(&self) -> &str {
        &self.record.intervention
    }

    /// The cohort's name, if the intervention runs in cohorts.
    pub fn cohort(&self) -> Option<&str> {
        self.record.cohort.as_deref()
    }

    /// When the candidate took part (or started).
    pub fn date(&self) -> NaiveDate {
        self.record.date
    }

    /// Whether they finished.
    pub fn completion(&self) -> Completion {
        self.record.completion
    }

    /// Whether they finished.
    pub fn is_completed(&self) -> bool {
        self.record.completion == Completion::Completed
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Participation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.record.serialize(s)
    }
}
