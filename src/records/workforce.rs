//! `Workforce`: a snapshot of people in post and those who have left.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;

use crate::records::candidate::CandidateId;

use crate::error::{Error, Result};
use crate::records::pipeline::Rank;
use crate::records::profile::Profile;
use crate::records::rank_structure::RankStructure;

/// An organisational unit: a command, a local policing area, a department.
///
/// ```
/// use positive_action::workforce::Unit;
///
/// let unit = Unit::new(" North Worcestershire ")?;
/// assert_eq!(unit.name(), "North Worcestershire");
/// assert!(Unit::new("").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Unit(Box<str>);

impl Unit {
    /// A unit by name.
    ///
    /// # Errors
    /// [`Error::EmptyName`] if the name is blank.
    pub fn new(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "unit" });
        }
        Ok(Self(name.into()))
    }

    /// The unit's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Unit {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new(&s)
    }
}

impl TryFrom<&str> for Unit {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl From<Unit> for String {
    fn from(u: Unit) -> Self {
        u.0.into()
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unit({:?})", self.0)
    }
}

/// One person in a workforce snapshot: their profile, rank or grade, unit,
/// start date and, if they have left, leaving date.
///
/// The id is a [`CandidateId`], so the same officer links their workforce
/// record to their promotion journeys. The leaving date is the last day of
/// service: a person is in post from their start date to their leaving date,
/// both included. The rank is the rank in the snapshot (at leaving, for a
/// leaver): a snapshot holds no promotion history, so headcount by rank on a
/// past date uses it too.
///
/// `Debug` does not print the profile's categories (see [`Profile`]).
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::{CandidateId, Profile};
/// use positive_action::workforce::{Person, Unit};
/// use positive_action::records::Rank;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let pc = Person::new(
///     CandidateId::from_external("PC-4471"),
///     Profile::parse([("sex", "female"), ("ethnicity", "Asian")])?,
///     Rank::CONSTABLE,
///     Unit::new("South Worcestershire")?,
///     day(2019, 9, 2),
/// )
/// .left_on(day(2024, 11, 30))?;
/// assert!(pc.in_post_on(day(2024, 11, 30)));
/// assert!(!pc.in_post_on(day(2024, 12, 1)));
///
/// // A leaving date before the start date is refused, naming the person.
/// let err = pc.clone().left_on(day(2019, 1, 1)).unwrap_err();
/// assert!(err.to_string().contains("leaving date 2019-01-01 is before start date 2019-09-02"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PersonSpec", into = "PersonSpec"))]
pub struct Person {
    id: CandidateId,
    profile: Profile,
    rank: Rank,
    unit: Unit,
    started: NaiveDate,
    left: Option<NaiveDate>,
}

/// The serde form of a person, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonSpec {
    id: CandidateId,
    profile: Profile,
    rank: Rank,
    unit: Unit,
    started: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    left: Option<NaiveDate>,
}

#[cfg(feature = "serde")]
impl TryFrom<PersonSpec> for Person {
    type Error = Error;
    fn try_from(s: PersonSpec) -> Result<Self> {
        let person = Self::new(s.id, s.profile, s.rank, s.unit, s.started);
        match s.left {
            Some(left) => person.left_on(left),
            None => Ok(person),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Person> for PersonSpec {
    fn from(p: Person) -> Self {
        Self {
            id: p.id,
            profile: p.profile,
            rank: p.rank,
            unit: p.unit,
            started: p.started,
            left: p.left,
        }
    }
}

impl Person {
    /// A person in post since `started`.
    pub fn new(
        id: CandidateId,
        profile: Profile,
        rank: Rank,
        unit: Unit,
        started: NaiveDate,
    ) -> Self {
        Self {
            id,
            profile,
            rank,
            unit,
            started,
            left: None,
        }
    }

    /// The same person, who left on `date` (their last day of service).
    ///
    /// # Errors
    /// [`Error::LeftBeforeStart`], naming the person, if `date` is before
    /// the start date.
    pub fn left_on(mut self, date: NaiveDate) -> Result<Self> {
        if date < self.started {
            return Err(Error::LeftBeforeStart {
                person: self.id,
                started: self.started,
                left: date,
            });
        }
        self.left = Some(date);
        Ok(self)
    }

    /// The person's id.
    pub fn id(&self) -> CandidateId {
        self.id
    }

    /// Their equality monitoring profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Their rank or grade in the snapshot.
    pub fn rank(&self) -> &Rank {
        &self.rank
    }

    /// Their unit.
    pub fn unit(&self) -> &Unit {
        &self.unit
    }

    /// Their first day of service.
    pub fn started(&self) -> NaiveDate {
        self.started
    }

    /// Their last day of service, if they have left.
    pub fn left(&self) -> Option<NaiveDate> {
        self.left
    }

    /// Whether they were in post on a day: on or after the start date and
    /// on or before the leaving date.
    pub fn in_post_on(&self, date: NaiveDate) -> bool {
        self.started <= date && self.left.is_none_or(|l| date <= l)
    }
}

/// A snapshot of a workforce: everyone in post and everyone who has left,
/// with their profiles, ranks, units and dates.
///
/// Headcount on a date, joiners and leavers in a period, attrition and
/// declaration rates are all computed from it. Forces that only hold
/// aggregates build [`Headcount`](super::super::workforce::Headcount), [`Attrition`](super::super::workforce::Attrition) and [`Declaration`](super::super::workforce::Declaration) from
/// records instead.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::{Breakdown, CandidateId, Group, Profile};
/// use positive_action::records::{Period, Rank};
/// use positive_action::workforce::{Person, RankStructure, Unit, Workforce};
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let unit = Unit::new("Harbour")?;
/// let person = |id: &str, sex, rank: Rank, started| -> positive_action::Result<Person> {
///     Ok(Person::new(CandidateId::from_external(id), Profile::parse([("sex", sex)])?, rank, unit.clone(), started))
/// };
/// let workforce = Workforce::new(&RankStructure::police(), [
///     person("1", "female", Rank::CONSTABLE, day(2015, 4, 1))?,
///     person("2", "male", Rank::SERGEANT, day(2010, 4, 1))?.left_on(day(2024, 6, 30))?,
///     person("3", "female", Rank::CONSTABLE, day(2024, 9, 1))?,
/// ])?;
///
/// let by_sex = Breakdown::parse(["sex"])?;
/// let start = workforce.headcount_on(day(2024, 4, 1), &by_sex);
/// assert_eq!(start.total(), 2);
/// let year = Period::financial_year(2024)?;
/// assert_eq!(workforce.leavers_in(year, &by_sex).total(), 1);
/// assert_eq!(workforce.joiners_in(year, &by_sex).total(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "WorkforceSpec", into = "WorkforceSpec")
)]
pub struct Workforce {
    structure: RankStructure,
    people: Vec<Person>,
}

/// The serde form of a workforce, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkforceSpec {
    structure: RankStructure,
    people: Vec<Person>,
}

#[cfg(feature = "serde")]
impl TryFrom<WorkforceSpec> for Workforce {
    type Error = Error;
    fn try_from(s: WorkforceSpec) -> Result<Self> {
        Self::new(&s.structure, s.people)
    }
}

#[cfg(feature = "serde")]
impl From<Workforce> for WorkforceSpec {
    fn from(w: Workforce) -> Self {
        Self {
            structure: w.structure,
            people: w.people,
        }
    }
}

impl Workforce {
    /// A workforce of people under a rank structure.
    ///
    /// # Errors
    /// [`Error::UnknownRank`] naming the person whose rank the structure
    /// does not have, and [`Error::DuplicateEntry`] for a person listed
    /// twice.
    pub fn new(
        structure: &RankStructure,
        people: impl IntoIterator<Item = Person>,
    ) -> Result<Self> {
        let people: Vec<Person> = people.into_iter().collect();
        let mut seen = HashSet::with_capacity(people.len());
        for p in &people {
            structure.require(&p.rank, || format!("of person {}", p.id))?;
            if !seen.insert(p.id) {
                return Err(Error::DuplicateEntry {
                    entry: format!("person {}", p.id),
                    context: "workforce",
                });
            }
        }
        Ok(Self {
            structure: structure.clone(),
            people,
        })
    }

    /// The rank structure.
    pub fn structure(&self) -> &RankStructure {
        &self.structure
    }

    /// Everyone in the snapshot, in input order.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The people in post on a day.
    pub fn in_post_on(&self, date: NaiveDate) -> impl Iterator<Item = &Person> {
        self.people.iter().filter(move |p| p.in_post_on(date))
    }
}
