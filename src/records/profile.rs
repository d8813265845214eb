//! A candidate's equality monitoring profile.

use std::fmt;

use crate::error::{Error, Result};
use crate::records::characteristic::{Category, Characteristic};

static NOT_RECORDED: Category = Category::NotRecorded;

/// A candidate's categories, one per characteristic.
///
/// A characteristic the profile does not mention is
/// [`Category::NotRecorded`]. Equality data is special category personal
/// data, so `Debug` prints only which characteristics are present, never the
/// categories; call [`Profile::disclose`] to print them on purpose.
///
/// ```
/// use positive_action::{Category, Characteristic, Profile};
///
/// let profile = Profile::parse([("sex", "female"), ("ethnicity", "Black"), ("religion", "prefer not to say")])?;
/// assert_eq!(profile.category(&Characteristic::sex()), &Category::declared("female")?);
/// assert_eq!(profile.category(&Characteristic::disability()), &Category::NotRecorded);
/// assert!(!format!("{profile:?}").contains("Black"));
/// assert!(profile.disclose().to_string().contains("ethnicity: Black"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Profile {
    // Sorted by characteristic, unique: profiles hold a handful of entries,
    // so a sorted vector beats a map.
    entries: Vec<(Characteristic, Category)>,
}

impl Profile {
    /// A profile from characteristic and category pairs.
    ///
    /// # Errors
    /// [`Error::DuplicateCharacteristic`] if a characteristic appears twice.
    pub fn new(entries: impl IntoIterator<Item = (Characteristic, Category)>) -> Result<Self> {
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::DuplicateCharacteristic {
                characteristic: w[0].0.name().to_owned(),
                context: "profile",
            });
        }
        Ok(Self { entries })
    }

    /// A profile from text pairs, as a data export holds them: names are
    /// read by [`Characteristic::new`] and categories by [`Category::parse`]
    /// (a blank is not recorded).
    ///
    /// # Errors
    /// A blank characteristic name, or a characteristic given twice.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let entries = pairs
            .into_iter()
            .map(|(c, v)| Ok((Characteristic::new(c)?, Category::parse(v))))
            .collect::<Result<Vec<_>>>()?;
        Self::new(entries)
    }

    /// The category for a characteristic: [`Category::NotRecorded`] if the
    /// profile does not mention it.
    ///
    /// A characteristic is found by its name, or else by the one name the
    /// profile has that is the same ignoring case (`Sex` for `sex`), as the
    /// CSV reader matches a breakdown to its columns: a file headed `Sex`
    /// counts by sex whether it is counted straight from the file or read
    /// into records first. Two names that differ only by case match
    /// neither.
    pub fn category(&self, characteristic: &Characteristic) -> &Category {
        if let Ok(i) = self
            .entries
            .binary_search_by(|(c, _)| c.cmp(characteristic))
        {
            return &self.entries[i].1;
        }
        let wanted = characteristic.name().to_lowercase();
        let mut same = self
            .entries
            .iter()
            .filter(|(c, _)| c.name().to_lowercase() == wanted);
        match (same.next(), same.next()) {
            (Some((_, v)), None) => v,
            _ => &NOT_RECORDED,
        }
    }

    /// The characteristics the profile mentions.
    pub fn characteristics(&self) -> impl Iterator<Item = &Characteristic> {
        self.entries.iter().map(|(c, _)| c)
    }

    /// The characteristic and category pairs. Reading these is a choice to
    /// handle special category data.
    pub fn entries(&self) -> impl Iterator<Item = (&Characteristic, &Category)> {
        self.entries.iter().map(|(c, v)| (c, v))
    }

    /// A view that prints the categories, for when that is intended.
    pub fn disclose(&self) -> Disclosed<'_> {
        Disclosed(self)
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field(
                "characteristics",
                &self
                    .entries
                    .iter()
                    .map(|(c, _)| c.name())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A profile whose `Display` and `Debug` print its categories; see
/// [`Profile::disclose`].
#[derive(Clone, Copy)]
pub struct Disclosed<'a>(&'a Profile);

impl fmt::Display for Disclosed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (c, v)) in self.0.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{c}: {v}")?;
        }
        f.write_str("}")
    }
}

impl fmt::Debug for Disclosed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.entries.iter().map(|(c, v)| (c.name(), v.label())))
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Profile {
    /// A map of characteristic name to category; `null` is not recorded.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw: Vec<(String, Option<String>)> = serde_json_free_map(d)?;
        let entries = raw
            .into_iter()
            .map(|(c, v)| {
                let c = Characteristic::new(&c)?;
                let v = match v {
                    None => Category::NotRecorded,
                    Some(v) => Category::try_from(v)?,
                };
                Ok((c, v))
            })
            .collect::<Result<Vec<_>>>()
            .map_err(D::Error::custom)?;
        Self::new(entries).map_err(D::Error::custom)
    }
}

/// Reads a map as ordered pairs, so a repeated key reaches validation as a
/// duplicate instead of being silently overwritten.
#[cfg(feature = "serde")]
pub(crate) fn serde_json_free_map<'de, D, V>(
    d: D,
) -> std::result::Result<Vec<(String, V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: serde::Deserialize<'de>,
{
    struct Pairs<V>(std::marker::PhantomData<V>);
    impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Pairs<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of characteristic names to categories")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry()? {
                out.push(pair);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Pairs(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_characteristic_is_an_error() {
        let err = Profile::parse([("sex", "female"), ("sex", "male")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "characteristic sex appears more than once in the profile"
        );
    }

    #[test]
    fn debug_hides_categories() {
        let p = Profile::parse([("sexual orientation", "gay")]).unwrap();
        let d = format!("{p:?}");
        assert!(d.contains("sexual orientation"), "{d}");
        assert!(!d.contains("gay"), "{d}");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_and_null_is_not_recorded() {
        let p: Profile = serde_json::from_str(
            r#"{"sex": "female", "disability": null, "religion": "prefer not to say"}"#,
        )
        .unwrap();
        assert_eq!(
            p.category(&Characteristic::disability()),
            &Category::NotRecorded
        );
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(p, back);
        let dup = serde_json::from_str::<Profile>(r#"{"sex": "female", "sex": "male"}"#);
        assert!(dup.unwrap_err().to_string().contains("more than once"));
        let blank = serde_json::from_str::<Profile>(r#"{"sex": ""}"#);
        assert!(blank.unwrap_err().to_string().contains("must not be blank"));
    }
}
