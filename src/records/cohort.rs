//! How and when an intervention runs: its delivery and its cohorts.

use crate::error::{Error, Result};
use crate::records::intervention::Eligibility;
use crate::records::period::Period;
use chrono::NaiveDate;

/// How an intervention is delivered: how many sessions or modules, and how
/// long each is.
///
/// ```
/// use positive_action::interventions::Delivery;
///
/// // Northamptonshire's Career Academy: eight 30-minute workshops.
/// let academy = Delivery::sessions(8)?.minutes_each(30)?;
/// assert_eq!(academy.total_minutes(), Some(240));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "DeliverySpec", into = "DeliverySpec")
)]
pub struct Delivery {
    pub(crate) sessions: u32,
    minutes_per_session: Option<u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverySpec {
    sessions: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minutes_per_session: Option<u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<DeliverySpec> for Delivery {
    type Error = Error;
    fn try_from(s: DeliverySpec) -> Result<Self> {
        let d = Self::sessions(s.sessions)?;
        match s.minutes_per_session {
            Some(m) => d.minutes_each(m),
            None => Ok(d),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Delivery> for DeliverySpec {
    fn from(d: Delivery) -> Self {
        Self {
            sessions: d.sessions,
            minutes_per_session: d.minutes_per_session,
        }
    }
}

impl Delivery {
    /// A number of sessions, workshops or modules.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for 0 sessions.
    pub fn sessions(sessions: u32) -> Result<Self> {
        if sessions == 0 {
            return Err(Error::InvalidOption {
                name: "sessions",
                value: "0".to_owned(),
                expected: "at least one session",
            });
        }
        Ok(Self {
            sessions,
            minutes_per_session: None,
        })
    }

    /// The same, with the length of each session.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for 0 minutes.
    pub fn minutes_each(mut self, minutes: u32) -> Result<Self> {
        if minutes == 0 {
            return Err(Error::InvalidOption {
                name: "minutes_per_session",
                value: "0".to_owned(),
                expected: "at least one minute",
            });
        }
        self.minutes_per_session = Some(minutes);
        Ok(self)
    }

    /// The number of sessions.
    pub fn session_count(&self) -> u32 {
        self.sessions
    }

    /// The length of each session, if known.
    pub fn minutes_per_session(&self) -> Option<u32> {
        self.minutes_per_session
    }

    /// Sessions × minutes, if the length is known.
    pub fn total_minutes(&self) -> Option<u64> {
        self.minutes_per_session
            .map(|m| u64::from(m) * u64::from(self.sessions))
    }
}

/// One run of an intervention: its dates, places offered and applications
/// received, and, where it differs from the intervention's, who could
/// apply.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::interventions::Cohort;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // Kent's "Achieve": 65 applications for 15 places.
/// let cohort = Cohort::new("2024", day(2024, 4, 1), day(2025, 3, 31))?
///     .with_places(15)?
///     .with_applications(65);
/// assert_eq!(cohort.applications_per_place(), Some(65.0 / 15.0));
///
/// let err = Cohort::new("backwards", day(2024, 5, 1), day(2024, 4, 1)).unwrap_err();
/// assert_eq!(err.to_string(), "cohort \"backwards\": ends on 2024-04-01, before it starts on 2024-05-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CohortSpec", into = "CohortSpec"))]
pub struct Cohort {
    pub(crate) name: String,
    pub(crate) period: Period,
    places: Option<u64>,
    applications: Option<u64>,
    pub(crate) eligibility: Option<Eligibility>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortSpec {
    name: String,
    start: NaiveDate,
    end: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    places: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    applications: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eligibility: Option<Eligibility>,
}

#[cfg(feature = "serde")]
impl TryFrom<CohortSpec> for Cohort {
    type Error = Error;
    fn try_from(s: CohortSpec) -> Result<Self> {
        let mut c = Self::new(&s.name, s.start, s.end)?;
        if let Some(p) = s.places {
            c = c.with_places(p)?;
        }
        c.applications = s.applications;
        c.eligibility = s.eligibility;
        Ok(c)
    }
}

#[cfg(feature = "serde")]
impl From<Cohort> for CohortSpec {
    fn from(c: Cohort) -> Self {
        Self {
            name: c.name,
            start: c.period.start(),
            end: c.period.end(),
            places: c.places,
            applications: c.applications,
            eligibility: c.eligibility,
        }
    }
}

impl Cohort {
    /// A cohort that runs from `start` to `end`, both included.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank name, and [`Error::InvalidCohort`]
    /// when the cohort ends before it starts.
    pub fn new(name: &str, start: NaiveDate, end: NaiveDate) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "cohort" });
        }
        let period = Period::new(start, end).map_err(|_| Error::InvalidCohort {
            cohort: name.to_owned(),
            reason: format!("ends on {end}, before it starts on {start}"),
        })?;
        Ok(Self {
            name: name.to_owned(),
            period,
            places: None,
            applications: None,
            eligibility: None,
        })
    }

    /// The same cohort, with the number of places offered.
    ///
    /// # Errors
    /// [`Error::InvalidCohort`] for 0 places.
    pub fn with_places(mut self, places: u64) -> Result<Self> {
        if places == 0 {
            return Err(Error::InvalidCohort {
                cohort: self.name,
                reason: "offers 0 places: expected at least one".to_owned(),
            });
        }
        self.places = Some(places);
        Ok(self)
    }

    /// The same cohort, with the number of applications received.
    pub fn with_applications(mut self, applications: u64) -> Self {
        self.applications = Some(applications);
        self
    }

    /// The same cohort, open to different groups from the intervention as
    /// a whole (Wiltshire's "We Rise" cohort 1 took staff network members
    /// only). [`Intervention::with_cohort`](crate::records::intervention::Intervention::with_cohort) checks it against the lawful
    /// basis.
    pub fn with_eligibility(mut self, eligibility: Eligibility) -> Self {
        self.eligibility = Some(eligibility);
        self
    }

    /// The cohort's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it ran.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Places offered, if known.
    pub fn places(&self) -> Option<u64> {
        self.places
    }

    /// Applications received, if known.
    pub fn applications(&self) -> Option<u64> {
        self.applications
    }

    /// The cohort's own eligibility, when it differs from the
    /// intervention's.
    pub fn eligibility(&self) -> Option<&Eligibility> {
        self.eligibility.as_ref()
    }

    /// Applications per place offered: above 1, the cohort was
    /// oversubscribed. `None` unless both are known.
    pub fn applications_per_place(&self) -> Option<f64> {
        Some(self.applications? as f64 / self.places? as f64)
    }
}
