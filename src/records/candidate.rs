//! Candidates and their ids.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::records::profile::Profile;

/// The namespace of [`CandidateId::from_external`]: fixed forever, so that
/// the same external id always gives the same candidate id.
const EXTERNAL_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_8b0d_5c3f_9a71_e2d4_b6c8_0f15);

/// The identity of a candidate: a UUID.
///
/// Applicant tracking systems use their own ids ("APP-00123"). Use
/// [`CandidateId::from_external`] to turn any such id into a stable UUID.
///
/// ```
/// use positive_action::CandidateId;
///
/// let a = CandidateId::from_external("APP-00123");
/// assert_eq!(a, CandidateId::from_external("APP-00123"));
/// assert_ne!(a, CandidateId::from_external("APP-00124"));
///
/// // A value that already is a UUID is kept as it is.
/// let id: CandidateId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse()?;
/// assert_eq!(id, CandidateId::from_external("67e55044-10b1-426f-9247-bb680e5fe0c8"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
#[repr(transparent)]
pub struct CandidateId(Uuid);

impl CandidateId {
    /// Wraps a UUID.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// A stable id from any external id string.
    ///
    /// A string that parses as a UUID is used as it is. Anything else becomes
    /// a UUID v5 of the trimmed string in a fixed namespace, so the same
    /// external id always gives the same `CandidateId`.
    pub fn from_external(external: &str) -> Self {
        let external = external.trim();
        match Uuid::parse_str(external) {
            Ok(uuid) => Self(uuid),
            Err(_) => Self(Uuid::new_v5(&EXTERNAL_ID_NAMESPACE, external.as_bytes())),
        }
    }

    /// An id from a number, as a database's integer key gives it: the UUID
    /// whose 128 bits are `n`. No hashing, so a million ids cost
    /// microseconds; the same number always gives the same id. Numbers and
    /// external strings are different id spaces: `from_u128(7)` is not
    /// `from_external("7")`.
    ///
    /// ```
    /// use positive_action::CandidateId;
    ///
    /// let id = CandidateId::from_u128(42);
    /// assert_eq!(id, CandidateId::from(42u64));
    /// assert_eq!(id.as_uuid().as_u128(), 42);
    /// ```
    pub const fn from_u128(n: u128) -> Self {
        Self(Uuid::from_u128(n))
    }

    /// The underlying UUID.
    pub const fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl From<Uuid> for CandidateId {
    fn from(uuid: Uuid) -> Self {
        Self(uuid)
    }
}

impl From<u64> for CandidateId {
    /// As [`CandidateId::from_u128`].
    fn from(n: u64) -> Self {
        Self::from_u128(u128::from(n))
    }
}

impl From<u128> for CandidateId {
    /// As [`CandidateId::from_u128`].
    fn from(n: u128) -> Self {
        Self::from_u128(n)
    }
}

impl FromStr for CandidateId {
    type Err = Error;

    /// Parses a UUID. Use [`CandidateId::from_external`] for other ids.
    fn from_str(s: &str) -> Result<Self> {
        Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|_| Error::InvalidCandidateId {
                value: s.to_owned(),
            })
    }
}

impl fmt::Display for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CandidateId({})", self.0)
    }
}

/// A person going through a pipeline: an id and their equality monitoring
/// profile.
///
/// `Debug` does not print the profile's categories (see [`Profile`]).
///
/// ```
/// use positive_action::{Candidate, CandidateId, Profile};
///
/// let profile = Profile::parse([("sex", "female"), ("ethnicity", "Black")])?;
/// let candidate = Candidate::new(CandidateId::from_external("APP-1"), profile);
/// assert!(!format!("{candidate:?}").contains("female"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Candidate {
    /// The candidate's id.
    pub id: CandidateId,
    /// The candidate's categories, one per characteristic.
    pub profile: Profile,
}

impl Candidate {
    /// A candidate with an id and a profile.
    pub fn new(id: CandidateId, profile: Profile) -> Self {
        Self { id, profile }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_stable_and_distinct() {
        let a = CandidateId::from_external("APP-00123");
        assert_eq!(a, CandidateId::from_external(" APP-00123 "));
        assert_eq!(a.as_uuid().get_version_num(), 5);
        assert_ne!(a, CandidateId::from_external("app-00123"));
    }

    #[test]
    fn parse_rejects_non_uuid_and_names_it() {
        let err = "APP-1".parse::<CandidateId>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid candidate id \"APP-1\": expected a uuid"
        );
    }
}
