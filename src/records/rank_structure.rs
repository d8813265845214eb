//! Rank structures and the bands that group their ranks.

use std::fmt;

use crate::error::{Error, Result};
use crate::records::pipeline::Rank;

/// A named set of ranks or grades reported together, such as police
/// middle management (Sergeant and Inspector).
///
/// Bands are built with [`RankStructure::band`], which checks every rank
/// against the structure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RankBand {
    name: String,
    ranks: Vec<Rank>,
}

impl RankBand {
    /// Police middle management: Sergeant and Inspector.
    pub const MIDDLE_MANAGEMENT: &'static str = "middle management";
    /// Police senior leadership: Chief Inspector and above.
    pub const SENIOR_LEADERSHIP: &'static str = "senior leadership";

    /// The band's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its ranks, in the structure's order.
    pub fn ranks(&self) -> &[Rank] {
        &self.ranks
    }

    /// Whether the band holds a rank.
    pub fn contains(&self, rank: &Rank) -> bool {
        self.ranks.contains(rank)
    }
}

impl fmt::Display for RankBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.name)?;
        for (i, r) in self.ranks.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        f.write_str(")")
    }
}

/// The ranks or grades of an employer, lowest first, and the bands that
/// group them.
///
/// [`RankStructure::police`] is the rank structure of police forces in
/// England and Wales, with the two bands forces report: middle management
/// (Sergeant and Inspector) and senior leadership (Chief Inspector and
/// above). Any other employer names its own grades and bands.
///
/// ```
/// use positive_action::records::Rank;
/// use positive_action::workforce::{RankBand, RankStructure};
///
/// let police = RankStructure::police();
/// let senior = police.band_named(RankBand::SENIOR_LEADERSHIP).unwrap();
/// assert!(senior.contains(&Rank::CHIEF_INSPECTOR));
/// assert!(!senior.contains(&Rank::INSPECTOR));
///
/// let civil_service = RankStructure::new(["AO", "EO", "HEO", "SEO", "G7", "G6", "SCS"])?
///     .band("senior civil service", ["SCS"])?
///     .band("grades 6 and 7", ["G7", "G6"])?;
/// assert_eq!(civil_service.bands().len(), 2);
///
/// // A band naming a grade the structure does not have is refused.
/// let err = RankStructure::new(["AO", "EO"])?.band("managers", ["HEO"]).unwrap_err();
/// assert_eq!(err.to_string(), r#"rank "HEO" in band "managers" is not in the rank structure: expected one of AO, EO"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "RankStructureSpec", into = "RankStructureSpec")
)]
pub struct RankStructure {
    ranks: Vec<Rank>,
    bands: Vec<RankBand>,
}

/// The serde form of a rank structure, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RankStructureSpec {
    ranks: Vec<Rank>,
    #[serde(default)]
    bands: Vec<RankBand>,
}

#[cfg(feature = "serde")]
impl TryFrom<RankStructureSpec> for RankStructure {
    type Error = Error;
    fn try_from(spec: RankStructureSpec) -> Result<Self> {
        let mut structure = Self::new(spec.ranks)?;
        for band in spec.bands {
            structure = structure.band(&band.name, band.ranks)?;
        }
        Ok(structure)
    }
}

#[cfg(feature = "serde")]
impl From<RankStructure> for RankStructureSpec {
    fn from(s: RankStructure) -> Self {
        Self {
            ranks: s.ranks,
            bands: s.bands,
        }
    }
}

impl RankStructure {
    /// A structure of these ranks or grades, lowest first, with no bands.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank rank, [`Error::InvalidOption`] for no
    /// ranks at all, and [`Error::DuplicateEntry`] for a rank given twice.
    pub fn new<R: AsRef<str>>(ranks: impl IntoIterator<Item = R>) -> Result<Self> {
        let ranks = ranks
            .into_iter()
            .map(|r| Rank::new(r.as_ref()))
            .collect::<Result<Vec<Rank>>>()?;
        if ranks.is_empty() {
            return Err(Error::InvalidOption {
                name: "ranks",
                value: "none".to_owned(),
                expected: "at least one rank or grade",
            });
        }
        for (i, r) in ranks.iter().enumerate() {
            if ranks[..i].contains(r) {
                return Err(Error::DuplicateEntry {
                    entry: format!("rank {r}"),
                    context: "rank structure",
                });
            }
        }
        Ok(Self {
            ranks,
            bands: Vec::new(),
        })
    }

    /// The police ranks of England and Wales ([`Rank::POLICE`]) with two
    /// bands: [`RankBand::MIDDLE_MANAGEMENT`] (Sergeant and Inspector) and
    /// [`RankBand::SENIOR_LEADERSHIP`] (Chief Inspector and above).
    pub fn police() -> Self {
        let ranks = Rank::POLICE.to_vec();
        let middle = vec![Rank::SERGEANT, Rank::INSPECTOR];
        let senior = ranks[3..].to_vec();
        Self {
            ranks,
            bands: vec![
                RankBand {
                    name: RankBand::MIDDLE_MANAGEMENT.to_owned(),
                    ranks: middle,
                },
                RankBand {
                    name: RankBand::SENIOR_LEADERSHIP.to_owned(),
                    ranks: senior,
                },
            ],
        }
    }

    /// Adds a band: a named set of this structure's ranks. The band keeps
    /// the structure's order whatever order the ranks are given in.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank band name, [`Error::DuplicateEntry`]
    /// for a band name used twice, [`Error::UnknownRank`] for a rank the
    /// structure does not have, and [`Error::InvalidBand`] for a band with no
    /// ranks or with a rank listed twice.
    pub fn band<R: AsRef<str>>(
        mut self,
        name: &str,
        ranks: impl IntoIterator<Item = R>,
    ) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "rank band" });
        }
        if self.bands.iter().any(|b| b.name == name) {
            return Err(Error::DuplicateEntry {
                entry: format!("rank band {name:?}"),
                context: "rank structure",
            });
        }
        let mut positions = Vec::new();
        for rank in ranks {
            let rank = Rank::new(rank.as_ref())?;
            let p = self.require(&rank, || format!("in band {name:?}"))?;
            if positions.contains(&p) {
                return Err(Error::InvalidBand {
                    band: name.to_owned(),
                    reason: "lists a rank more than once: expected each rank once",
                });
            }
            positions.push(p);
        }
        if positions.is_empty() {
            return Err(Error::InvalidBand {
                band: name.to_owned(),
                reason: "has no ranks: expected at least one",
            });
        }
        positions.sort_unstable();
        let ranks = positions.iter().map(|&p| self.ranks[p].clone()).collect();
        self.bands.push(RankBand {
            name: name.to_owned(),
            ranks,
        });
        Ok(self)
    }

    /// The ranks, lowest first.
    pub fn ranks(&self) -> &[Rank] {
        &self.ranks
    }

    /// The bands, in the order they were added.
    pub fn bands(&self) -> &[RankBand] {
        &self.bands
    }

    /// A band by name.
    pub fn band_named(&self, name: &str) -> Option<&RankBand> {
        let name = name.trim();
        self.bands.iter().find(|b| b.name == name)
    }

    /// The position of a rank, lowest first.
    pub fn position(&self, rank: &Rank) -> Option<usize> {
        self.ranks.iter().position(|r| r == rank)
    }

    /// The position of a rank, or [`Error::UnknownRank`] saying where it was
    /// given.
    pub(crate) fn require(&self, rank: &Rank, context: impl FnOnce() -> String) -> Result<usize> {
        self.position(rank).ok_or_else(|| Error::UnknownRank {
            rank: rank.name().to_owned(),
            context: context(),
            expected: self
                .ranks
                .iter()
                .map(Rank::name)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

// Lets a structure or band be built from rank constants and names alike.
impl AsRef<str> for Rank {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

impl fmt::Display for RankStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranks.iter().enumerate() {
            if i > 0 {
                f.write_str(" < ")?;
            }
            write!(f, "{r}")?;
        }
        for b in &self.bands {
            write!(f, "; {b}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn police_bands_are_as_forces_report_them() {
        let police = RankStructure::police();
        let middle = police.band_named("middle management").unwrap();
        assert_eq!(middle.ranks(), [Rank::SERGEANT, Rank::INSPECTOR]);
        let senior = police.band_named("senior leadership").unwrap();
        assert_eq!(senior.ranks().len(), 6);
        assert_eq!(senior.ranks()[0], Rank::CHIEF_INSPECTOR);
        assert_eq!(senior.ranks()[5], Rank::CHIEF_CONSTABLE);
        assert!(!senior.contains(&Rank::CONSTABLE));
    }

    #[test]
    fn bands_keep_structure_order() {
        let s = RankStructure::new(["a", "b", "c"])
            .unwrap()
            .band("top", ["c", "b"])
            .unwrap();
        assert_eq!(
            s.bands()[0].ranks(),
            [Rank::new("b").unwrap(), Rank::new("c").unwrap()]
        );
        assert_eq!(s.to_string(), "a < b < c; top (b, c)");
    }

    #[test]
    fn bad_structures_and_bands_are_refused() {
        let none: [&str; 0] = [];
        assert_eq!(
            RankStructure::new(none).unwrap_err().to_string(),
            "ranks is none: expected at least one rank or grade"
        );
        assert_eq!(
            RankStructure::new(["a", "b", "a"]).unwrap_err().to_string(),
            "rank a is given more than once in the rank structure"
        );
        assert_eq!(
            RankStructure::new(["a", " "]).unwrap_err().to_string(),
            "empty rank name: expected at least one non-blank character"
        );
        let s = RankStructure::new(["a", "b"]).unwrap();
        assert_eq!(
            s.clone().band("x", none).unwrap_err().to_string(),
            "rank band \"x\" has no ranks: expected at least one"
        );
        assert_eq!(
            s.clone().band("x", ["a", "a"]).unwrap_err().to_string(),
            "rank band \"x\" lists a rank more than once: expected each rank once"
        );
        assert_eq!(
            s.clone().band("", ["a"]).unwrap_err().to_string(),
            "empty rank band name: expected at least one non-blank character"
        );
        assert_eq!(
            s.band("x", ["a"])
                .unwrap()
                .band("x", ["b"])
                .unwrap_err()
                .to_string(),
            "rank band \"x\" is given more than once in the rank structure"
        );
    }

    #[test]
    fn police_senior_band_with_a_misspelt_rank_is_refused() {
        let err = RankStructure::new(Rank::POLICE)
            .unwrap()
            .band("senior leadership", ["chief_inspector", "superintendant"])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "rank \"superintendant\" in band \"senior leadership\" is not in the rank structure: expected one of constable, sergeant, inspector, chief_inspector, superintendent, chief_superintendent, assistant_chief_constable, deputy_chief_constable, chief_constable"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_validates_through_the_constructor() {
        let s = RankStructure::police();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<RankStructure>(&json).unwrap(), s);
        let bad = r#"{"ranks": ["a", "b"], "bands": [{"name": "x", "ranks": ["c"]}]}"#;
        let err = serde_json::from_str::<RankStructure>(bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rank \"c\" in band \"x\" is not in the rank structure"),
            "{err}"
        );
    }
}
