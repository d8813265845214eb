//! Characteristics of equality monitoring and the categories candidates
//! hold for them.

use std::fmt;

use crate::error::{Error, Result};

/// The nine protected characteristics of the Equality Act 2010, section 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ProtectedCharacteristic {
    /// Age (s.5).
    Age,
    /// Disability (s.6).
    Disability,
    /// Gender reassignment (s.7).
    GenderReassignment,
    /// Marriage and civil partnership (s.8).
    MarriageAndCivilPartnership,
    /// Pregnancy and maternity (s.18).
    PregnancyAndMaternity,
    /// Race, including colour, nationality and ethnic or national origins
    /// (s.9). Recognised by the names `race`, `ethnicity` and `ethnic_group`.
    Race,
    /// Religion or belief (s.10).
    ReligionOrBelief,
    /// Sex (s.11).
    Sex,
    /// Sexual orientation (s.12).
    SexualOrientation,
}

impl ProtectedCharacteristic {
    /// All nine, in the order of the Act's list in section 4.
    pub const ALL: [Self; 9] = [
        Self::Age,
        Self::Disability,
        Self::GenderReassignment,
        Self::MarriageAndCivilPartnership,
        Self::PregnancyAndMaternity,
        Self::Race,
        Self::ReligionOrBelief,
        Self::Sex,
        Self::SexualOrientation,
    ];

    /// The canonical snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Age => "age",
            Self::Disability => "disability",
            Self::GenderReassignment => "gender_reassignment",
            Self::MarriageAndCivilPartnership => "marriage_and_civil_partnership",
            Self::PregnancyAndMaternity => "pregnancy_and_maternity",
            Self::Race => "race",
            Self::ReligionOrBelief => "religion_or_belief",
            Self::Sex => "sex",
            Self::SexualOrientation => "sexual_orientation",
        }
    }

    /// Recognises a protected characteristic by name, ignoring case and
    /// treating spaces, hyphens and underscores alike.
    pub fn recognise(name: &str) -> Option<Self> {
        let key: String = name
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Some(match key.as_str() {
            "age" => Self::Age,
            "disability" => Self::Disability,
            "gender_reassignment" => Self::GenderReassignment,
            "marriage_and_civil_partnership" => Self::MarriageAndCivilPartnership,
            "pregnancy_and_maternity" => Self::PregnancyAndMaternity,
            "race" | "ethnicity" | "ethnic_group" => Self::Race,
            "religion_or_belief" | "religion" => Self::ReligionOrBelief,
            "sex" => Self::Sex,
            "sexual_orientation" => Self::SexualOrientation,
            _ => return None,
        })
    }
}

/// A dimension of equality monitoring: a protected characteristic or a
/// local one (Welsh language, neurodivergence, socio-economic background).
///
/// A characteristic keeps the name it was given, so a force that calls race
/// `ethnicity` sees `ethnicity` in its reports, and knows whether it is one
/// of the nine protected characteristics.
///
/// ```
/// use positive_action::Characteristic;
/// use positive_action::records::ProtectedCharacteristic;
///
/// let ethnicity = Characteristic::new("ethnicity")?;
/// assert_eq!(ethnicity.protected(), Some(ProtectedCharacteristic::Race));
/// assert_eq!(ethnicity.name(), "ethnicity");
///
/// let welsh = Characteristic::new("Welsh language")?;
/// assert!(welsh.is_local());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Characteristic {
    name: Box<str>,
    protected: Option<ProtectedCharacteristic>,
}

impl Characteristic {
    /// A characteristic by name. The nine protected characteristics are
    /// recognised by name; any other name is a local characteristic.
    ///
    /// # Errors
    /// [`Error::EmptyName`] if the name is blank.
    pub fn new(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName {
                what: "characteristic",
            });
        }
        Ok(Self {
            name: name.into(),
            protected: ProtectedCharacteristic::recognise(name),
        })
    }

    /// Sex.
    pub fn sex() -> Self {
        ProtectedCharacteristic::Sex.into()
    }

    /// Race, under the name `ethnicity` that police equality monitoring uses.
    pub fn ethnicity() -> Self {
        Self {
            name: "ethnicity".into(),
            protected: Some(ProtectedCharacteristic::Race),
        }
    }

    /// Disability.
    pub fn disability() -> Self {
        ProtectedCharacteristic::Disability.into()
    }

    /// The name as given (trimmed).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which protected characteristic this is, if any.
    pub fn protected(&self) -> Option<ProtectedCharacteristic> {
        self.protected
    }

    /// Whether this is a local characteristic, not one of the nine.
    pub fn is_local(&self) -> bool {
        self.protected.is_none()
    }
}

impl From<ProtectedCharacteristic> for Characteristic {
    fn from(p: ProtectedCharacteristic) -> Self {
        Self {
            name: p.name().into(),
            protected: Some(p),
        }
    }
}

impl TryFrom<String> for Characteristic {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new(&s)
    }
}

impl TryFrom<&str> for Characteristic {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl From<Characteristic> for String {
    fn from(c: Characteristic) -> Self {
        c.name.into()
    }
}

impl fmt::Display for Characteristic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for Characteristic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Characteristic({:?})", self.name)
    }
}

/// The text form of [`Category::PreferNotToSay`].
pub const PREFER_NOT_TO_SAY: &str = "prefer not to say";
/// The text form of [`Category::NotRecorded`].
pub const NOT_RECORDED: &str = "not recorded";

/// A candidate's value for a characteristic.
///
/// Prefer-not-to-say and not-recorded are distinct states: a person who
/// chose not to answer is not a gap in the data. Neither is ever an empty
/// string, and neither is silently dropped. Declared labels sort first, so
/// the unknown groups come last in every table.
///
/// ```
/// use positive_action::Category;
///
/// assert_eq!(Category::parse("Black"), Category::declared("Black")?);
/// assert_eq!(Category::parse("Prefer not to say"), Category::PreferNotToSay);
/// assert_eq!(Category::parse(""), Category::NotRecorded);
/// assert!(Category::NotRecorded.is_unknown());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub enum Category {
    /// A declared label, such as "female" or "Black".
    Declared(Box<str>),
    /// The candidate chose not to say.
    PreferNotToSay,
    /// Nothing was recorded.
    NotRecorded,
}

impl Category {
    /// A declared label.
    ///
    /// # Errors
    /// [`Error::InvalidCategory`] if the label is blank or is one of the
    /// reserved words `prefer not to say` and `not recorded`.
    pub fn declared(label: &str) -> Result<Self> {
        let trimmed = label.trim();
        if trimmed.is_empty() {
            return Err(Error::InvalidCategory {
                label: label.to_owned(),
                reason: "a declared label must not be blank; use not recorded",
            });
        }
        if reserved(trimmed).is_some() {
            return Err(Error::InvalidCategory {
                label: label.to_owned(),
                reason: "this is an unknown state, not a declared label",
            });
        }
        Ok(Self::Declared(trimmed.into()))
    }

    /// Reads a category as data exports write it: a blank cell is not
    /// recorded, `prefer not to say` (any case) is prefer not to say, and
    /// anything else is a declared label.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Self::NotRecorded;
        }
        reserved(trimmed).unwrap_or_else(|| Self::Declared(trimmed.into()))
    }

    /// Whether this is prefer-not-to-say or not-recorded.
    pub fn is_unknown(&self) -> bool {
        !matches!(self, Self::Declared(_))
    }

    /// The label: the declared one, or the text form of an unknown state.
    pub fn label(&self) -> &str {
        match self {
            Self::Declared(label) => label,
            Self::PreferNotToSay => PREFER_NOT_TO_SAY,
            Self::NotRecorded => NOT_RECORDED,
        }
    }
}

fn reserved(trimmed: &str) -> Option<Category> {
    let normalised = trimmed.to_ascii_lowercase().replace(['_', '-'], " ");
    match normalised.as_str() {
        PREFER_NOT_TO_SAY => Some(Category::PreferNotToSay),
        NOT_RECORDED => Some(Category::NotRecorded),
        _ => None,
    }
}

impl TryFrom<String> for Category {
    type Error = Error;
    /// The serde form: `prefer not to say` and `not recorded` are the
    /// unknown states; an empty string is refused, never silently read.
    fn try_from(s: String) -> Result<Self> {
        reserved(s.trim()).map_or_else(|| Self::declared(&s), Ok)
    }
}

impl From<Category> for String {
    fn from(c: Category) -> Self {
        c.label().to_owned()
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Declared(label) => write!(f, "Declared({label:?})"),
            Self::PreferNotToSay => f.write_str("PreferNotToSay"),
            Self::NotRecorded => f.write_str("NotRecorded"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn race_is_recognised_under_its_police_names() {
        for name in ["race", "Ethnicity", "ethnic group", "ethnic_group"] {
            let c = Characteristic::new(name).unwrap();
            assert_eq!(c.protected(), Some(ProtectedCharacteristic::Race), "{name}");
        }
        assert!(Characteristic::new("neurodivergence").unwrap().is_local());
    }

    #[test]
    fn blank_characteristic_is_an_error() {
        let err = Characteristic::new("  ").unwrap_err();
        assert_eq!(
            err.to_string(),
            "empty characteristic name: expected at least one non-blank character"
        );
    }

    #[test]
    fn unknown_states_are_distinct_and_sort_last() {
        let mut v = vec![
            Category::NotRecorded,
            Category::PreferNotToSay,
            Category::parse("White"),
            Category::parse("Asian"),
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Category::parse("Asian"),
                Category::parse("White"),
                Category::PreferNotToSay,
                Category::NotRecorded
            ]
        );
        assert_ne!(Category::PreferNotToSay, Category::NotRecorded);
    }

    #[test]
    fn declared_refuses_blank_and_reserved_labels() {
        assert!(matches!(
            Category::declared(" "),
            Err(Error::InvalidCategory { .. })
        ));
        assert!(matches!(
            Category::declared("Not recorded"),
            Err(Error::InvalidCategory { .. })
        ));
        assert!(Category::try_from(String::new()).is_err());
        assert_eq!(
            Category::try_from("prefer_not_to_say".to_owned()).unwrap(),
            Category::PreferNotToSay
        );
    }
}
