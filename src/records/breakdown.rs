//! Breakdowns and the groups they form.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::records::characteristic::{Category, Characteristic};
use crate::records::profile::Profile;
use crate::text_table::escape;

/// The characteristics a funnel is broken down by.
///
/// One characteristic gives groups such as `{sex: female}`; several give
/// intersectional groups such as `{sex: female, ethnicity: Black}`. An empty
/// breakdown gives one group of everyone.
///
/// ```
/// use positive_action::{Breakdown, Characteristic, Profile};
///
/// let by_sex_and_ethnicity = Breakdown::new([Characteristic::sex(), Characteristic::ethnicity()])?;
/// let profile = Profile::parse([("ethnicity", "Asian"), ("sex", "male")])?;
/// let group = by_sex_and_ethnicity.group_of(&profile);
/// assert_eq!(group.to_string(), "sex=male, ethnicity=Asian");
/// assert!(!group.is_unknown());
///
/// let by_disability = Breakdown::parse(["disability"])?;
/// assert!(by_disability.group_of(&profile).is_unknown()); // not recorded
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "Vec<Characteristic>", into = "Vec<Characteristic>")
)]
pub struct Breakdown {
    characteristics: Vec<Characteristic>,
}

impl Breakdown {
    /// A breakdown by these characteristics, in this order.
    ///
    /// # Errors
    /// [`Error::DuplicateCharacteristic`] if one is given twice.
    pub fn new(characteristics: impl IntoIterator<Item = Characteristic>) -> Result<Self> {
        let characteristics: Vec<_> = characteristics.into_iter().collect();
        for (i, c) in characteristics.iter().enumerate() {
            if characteristics[..i].contains(c) {
                return Err(Error::DuplicateCharacteristic {
                    characteristic: c.name().to_owned(),
                    context: "breakdown",
                });
            }
        }
        Ok(Self { characteristics })
    }

    /// A breakdown by characteristic names.
    ///
    /// # Errors
    /// A blank name, or a name given twice.
    pub fn parse<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Result<Self> {
        Self::new(
            names
                .into_iter()
                .map(|n| Characteristic::new(n.as_ref()))
                .collect::<Result<Vec<_>>>()?,
        )
    }

    /// The characteristics, in order.
    pub fn characteristics(&self) -> &[Characteristic] {
        &self.characteristics
    }

    /// The group a profile belongs to.
    pub fn group_of(&self, profile: &Profile) -> Group {
        Group {
            entries: self
                .characteristics
                .iter()
                .map(|c| (c.clone(), profile.category(c).clone()))
                .collect(),
        }
    }

    /// Whether every characteristic of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Breakdown) -> bool {
        self.characteristics
            .iter()
            .all(|c| other.characteristics.contains(c))
    }

    /// Puts a group's entries into this breakdown's order.
    ///
    /// # Errors
    /// [`Error::GroupShape`] unless the group has exactly one category for
    /// each characteristic of the breakdown.
    pub fn conform(&self, group: Group) -> Result<Group> {
        let shape_error = || Error::GroupShape {
            group: group.to_string(),
            expected: self.to_string(),
        };
        if group.entries.len() != self.characteristics.len() {
            return Err(shape_error());
        }
        let mut entries = Vec::with_capacity(self.characteristics.len());
        for c in &self.characteristics {
            let (_, v) = group
                .entries
                .iter()
                .find(|(gc, _)| gc == c)
                .ok_or_else(shape_error)?;
            entries.push((c.clone(), v.clone()));
        }
        Ok(Group { entries })
    }

    /// The group `group` falls in under this (smaller) breakdown.
    pub(crate) fn project(&self, group: &Group) -> Group {
        Group {
            entries: self
                .characteristics
                .iter()
                .map(|c| {
                    let v = group
                        .entries
                        .iter()
                        .find(|(gc, _)| gc == c)
                        .map_or(Category::NotRecorded, |(_, v)| v.clone());
                    (c.clone(), v)
                })
                .collect(),
        }
    }
}

impl TryFrom<Vec<Characteristic>> for Breakdown {
    type Error = Error;
    fn try_from(v: Vec<Characteristic>) -> Result<Self> {
        Self::new(v)
    }
}

impl From<Breakdown> for Vec<Characteristic> {
    fn from(b: Breakdown) -> Self {
        b.characteristics
    }
}

/// Parses characteristic names separated by commas: `sex,ethnicity`.
///
/// ```
/// use positive_action::Breakdown;
///
/// let breakdown: Breakdown = "sex, ethnicity".parse()?;
/// assert_eq!(breakdown, Breakdown::parse(["sex", "ethnicity"])?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl FromStr for Breakdown {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text.split(','))
    }
}

impl fmt::Display for Breakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.characteristics.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// The candidates who share a category on every characteristic of a
/// breakdown: `{sex: female}`, or intersectional `{sex: female, ethnicity:
/// Black}`.
///
/// A group with prefer-not-to-say or not-recorded on any characteristic is
/// *unknown*: it is reported with its counts, but it is never the reference
/// group and is never flagged.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    entries: Vec<(Characteristic, Category)>,
}

impl Group {
    /// A group from characteristic and category pairs, in breakdown order.
    ///
    /// # Errors
    /// [`Error::DuplicateCharacteristic`] if a characteristic appears twice.
    pub fn new(entries: impl IntoIterator<Item = (Characteristic, Category)>) -> Result<Self> {
        let entries: Vec<_> = entries.into_iter().collect();
        for (i, (c, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(p, _)| p == c) {
                return Err(Error::DuplicateCharacteristic {
                    characteristic: c.name().to_owned(),
                    context: "group",
                });
            }
        }
        Ok(Self { entries })
    }

    /// A group from text pairs: names by [`Characteristic::new`], categories
    /// by [`Category::parse`].
    ///
    /// ```
    /// use positive_action::Group;
    ///
    /// let white = Group::parse([("ethnicity", "White")])?;
    /// assert_eq!(white.label(), "White");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A blank characteristic name, or one given twice.
    pub fn parse<C: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (C, V)>,
    ) -> Result<Self> {
        Self::new(
            pairs
                .into_iter()
                .map(|(c, v)| {
                    Ok((
                        Characteristic::new(c.as_ref())?,
                        Category::parse(v.as_ref()),
                    ))
                })
                .collect::<Result<Vec<_>>>()?,
        )
    }

    /// The characteristic and category pairs, in breakdown order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&Characteristic, &Category)> {
        self.entries.iter().map(|(c, v)| (c, v))
    }

    /// The category for a characteristic, if the group has it.
    pub fn category(&self, characteristic: &Characteristic) -> Option<&Category> {
        self.entries
            .iter()
            .find(|(c, _)| c == characteristic)
            .map(|(_, v)| v)
    }

    /// Whether any category is prefer-not-to-say or not-recorded.
    pub fn is_unknown(&self) -> bool {
        self.entries.iter().any(|(_, v)| v.is_unknown())
    }

    /// A short label for tables: the categories joined by " / ", or "all"
    /// for the group of an empty breakdown.
    pub fn label(&self) -> String {
        if self.entries.is_empty() {
            return "all".to_owned();
        }
        let parts: Vec<&str> = self.entries.iter().map(|(_, v)| v.label()).collect();
        parts.join(" / ")
    }
}

/// Parses `characteristic=category` pairs separated by commas, as
/// [`Group`]'s `Display` writes them: `sex=female,ethnicity=Black`. Spaces
/// around names are ignored.
///
/// ```
/// use positive_action::Group;
///
/// let group: Group = "sex=female, ethnicity=Black".parse()?;
/// assert_eq!(group, Group::parse([("sex", "female"), ("ethnicity", "Black")])?);
/// assert_eq!(group.to_string().parse::<Group>()?, group);
/// assert!("female".parse::<Group>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl FromStr for Group {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let pairs = text
            .split(',')
            .map(|pair| {
                pair.split_once('=').ok_or_else(|| Error::InvalidGroup {
                    group: text.to_owned(),
                    reason: "expected characteristic=category pairs separated by commas, such as sex=female,ethnicity=Black",
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Self::parse(pairs)
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return f.write_str("all candidates");
        }
        for (i, (c, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            // Labels come from outside (a CSV cell): control and invisible
            // characters are escaped, so a label cannot act on a terminal
            // or hide a difference between two groups.
            let (c, v) = (c.to_string(), v.to_string());
            write!(f, "{}={}", escape(c), escape(v))?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Group {
    /// A map in breakdown order: `{"sex": "female", "ethnicity": "Black"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.entries.iter().map(|(c, v)| (c.name(), v.label())))
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Group {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw: Vec<(String, String)> = crate::records::profile::serde_json_free_map(d)?;
        let entries = raw
            .into_iter()
            .map(|(c, v)| Ok((Characteristic::new(&c)?, Category::try_from(v)?)))
            .collect::<Result<Vec<_>>>()
            .map_err(D::Error::custom)?;
        Self::new(entries).map_err(D::Error::custom)
    }
}

/// Maps profiles to small group indices, once per candidate, so counting
/// never hashes strings per stage result.
#[derive(Debug)]
pub(crate) struct GroupInterner<'b> {
    breakdown: &'b Breakdown,
    index: HashMap<Vec<Category>, u32>,
    groups: Vec<Group>,
}

impl<'b> GroupInterner<'b> {
    pub(crate) fn new(breakdown: &'b Breakdown) -> Self {
        Self {
            breakdown,
            index: HashMap::new(),
            groups: Vec::new(),
        }
    }

    pub(crate) fn intern(&mut self, profile: &Profile) -> u32 {
        let key: Vec<Category> = self
            .breakdown
            .characteristics
            .iter()
            .map(|c| profile.category(c).clone())
            .collect();
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        // Fewer groups than candidates, and candidates are capped at u32.
        let i = self.groups.len() as u32;
        self.groups.push(self.breakdown.group_of(profile));
        self.index.insert(key, i);
        i
    }

    pub(crate) fn into_groups(self) -> Vec<Group> {
        self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_gives_one_index_per_distinct_group() {
        let b = Breakdown::parse(["sex"]).unwrap();
        let mut i = GroupInterner::new(&b);
        let f = Profile::parse([("sex", "female"), ("ethnicity", "White")]).unwrap();
        let f2 = Profile::parse([("sex", "female"), ("ethnicity", "Black")]).unwrap();
        let pnts = Profile::parse([("sex", "prefer not to say")]).unwrap();
        let none = Profile::default();
        assert_eq!(i.intern(&f), 0);
        assert_eq!(i.intern(&f2), 0);
        assert_eq!(i.intern(&pnts), 1);
        assert_eq!(i.intern(&none), 2);
        let groups = i.into_groups();
        assert!(!groups[0].is_unknown());
        assert!(groups[1].is_unknown() && groups[2].is_unknown());
        assert_ne!(groups[1], groups[2]);
    }

    #[test]
    fn conform_reorders_and_checks_shape() {
        let b = Breakdown::parse(["sex", "ethnicity"]).unwrap();
        let g = Group::parse([("ethnicity", "Black"), ("sex", "female")]).unwrap();
        assert_eq!(
            b.conform(g).unwrap().to_string(),
            "sex=female, ethnicity=Black"
        );
        let short = Group::parse([("sex", "female")]).unwrap();
        assert_eq!(
            b.conform(short).unwrap_err().to_string(),
            "group sex=female does not match the breakdown [sex, ethnicity]: expected one category for each of its characteristics"
        );
    }

    #[test]
    fn empty_breakdown_is_everyone() {
        let b = Breakdown::default();
        let g = b.group_of(&Profile::parse([("sex", "male")]).unwrap());
        assert_eq!(g.to_string(), "all candidates");
        assert_eq!(g.label(), "all");
    }
}
