//! Benchmark populations that representation is measured against.

use std::fmt;

use crate::error::{Error, Result};
use crate::records::breakdown::{Breakdown, Group};
use crate::text_table::{TextTable, percent};

/// A benchmark population, such as the census 2021 population of a force
/// area, as a share per group.
///
/// Build it from counts ([`Benchmark::from_counts`]), which keeps every
/// share exact, or from published shares ([`Benchmark::from_shares`]),
/// which must each lie in [0, 1] and sum to 1 within
/// [`Benchmark::SHARE_SUM_TOLERANCE`]. Only declared groups are allowed: a benchmark
/// population has no prefer-not-to-say.
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::workforce::Benchmark;
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let g = |label| Group::parse([("ethnicity", label)]);
/// let census = Benchmark::from_counts("census 2021", &by_ethnicity, [
///     (g("ethnically diverse")?, 72_500),
///     (g("White")?, 1_177_500),
/// ])?;
/// assert_eq!(census.share(&g("ethnically diverse")?), Some(0.058));
///
/// let err = Benchmark::from_shares("census 2021", &by_ethnicity, [
///     (g("ethnically diverse")?, 0.06),
///     (g("White")?, 0.93),
/// ]).unwrap_err();
/// assert_eq!(err.to_string(), r#"benchmark "census 2021": shares sum to 0.99, expected 1 within 1e-6"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "BenchmarkSpec", into = "BenchmarkSpec")
)]
pub struct Benchmark {
    name: String,
    breakdown: Breakdown,
    // Sorted by group.
    groups: Vec<Group>,
    shares: Vec<f64>,
    populations: Option<Vec<u64>>,
}

/// One group of a benchmark in its serde form: a population or a share.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BenchmarkEntry {
    group: Group,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    population: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
}

/// The serde form of a benchmark, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BenchmarkSpec {
    name: String,
    breakdown: Breakdown,
    groups: Vec<BenchmarkEntry>,
}

#[cfg(feature = "serde")]
impl TryFrom<BenchmarkSpec> for Benchmark {
    type Error = Error;
    fn try_from(spec: BenchmarkSpec) -> Result<Self> {
        let mixed = || Error::InvalidOption {
            name: "benchmark groups",
            value: spec.name.clone(),
            expected: "every group with a population, or every group with a share",
        };
        if spec
            .groups
            .iter()
            .all(|e| e.population.is_some() && e.share.is_none())
        {
            let pairs: Vec<(Group, u64)> = spec
                .groups
                .iter()
                .filter_map(|e| Some((e.group.clone(), e.population?)))
                .collect();
            Self::from_counts(&spec.name, &spec.breakdown, pairs)
        } else if spec
            .groups
            .iter()
            .all(|e| e.share.is_some() && e.population.is_none())
        {
            let pairs: Vec<(Group, f64)> = spec
                .groups
                .iter()
                .filter_map(|e| Some((e.group.clone(), e.share?)))
                .collect();
            Self::from_shares(&spec.name, &spec.breakdown, pairs)
        } else {
            Err(mixed())
        }
    }
}

#[cfg(feature = "serde")]
impl From<Benchmark> for BenchmarkSpec {
    fn from(b: Benchmark) -> Self {
        let groups = b
            .groups
            .iter()
            .enumerate()
            .map(|(i, group)| BenchmarkEntry {
                group: group.clone(),
                population: b.populations.as_ref().map(|p| p[i]),
                share: b.populations.is_none().then_some(b.shares[i]),
            })
            .collect();
        Self {
            name: b.name,
            breakdown: b.breakdown,
            groups,
        }
    }
}

impl Benchmark {
    /// How far published shares may sum from 1.
    pub const SHARE_SUM_TOLERANCE: f64 = 1e-6;

    /// A benchmark from population counts: each group's share is its count
    /// over the total, exactly.
    ///
    /// # Errors
    /// [`Error::EmptyName`], [`Error::GroupShape`], [`Error::InvalidGroup`]
    /// for an unknown (prefer-not-to-say or not-recorded) group,
    /// [`Error::DuplicateEntry`], [`Error::TotalOverflow`], and
    /// [`Error::EmptyBenchmark`] when the total population is 0.
    pub fn from_counts(
        name: &str,
        breakdown: &Breakdown,
        populations: impl IntoIterator<Item = (Group, u64)>,
    ) -> Result<Self> {
        let name = checked_name(name)?;
        let (groups, populations) = checked_groups(breakdown, populations)?;
        let total = populations
            .iter()
            .try_fold(0u64, |acc, &p| acc.checked_add(p))
            .ok_or_else(|| Error::TotalOverflow {
                context: format!("benchmark {name:?}"),
            })?;
        if total == 0 {
            return Err(Error::EmptyBenchmark { benchmark: name });
        }
        let shares = populations
            .iter()
            .map(|&p| p as f64 / total as f64)
            .collect();
        Ok(Self {
            name,
            breakdown: breakdown.clone(),
            groups,
            shares,
            populations: Some(populations),
        })
    }

    /// A benchmark from published shares (0.058 for 5.8%).
    ///
    /// # Errors
    /// As [`Benchmark::from_counts`], and [`Error::InvalidShare`] for a
    /// share outside [0, 1] (or not a number), and
    /// [`Error::SharesDoNotSumToOne`] when the shares do not sum to 1
    /// within [`Benchmark::SHARE_SUM_TOLERANCE`].
    pub fn from_shares(
        name: &str,
        breakdown: &Breakdown,
        shares: impl IntoIterator<Item = (Group, f64)>,
    ) -> Result<Self> {
        let name = checked_name(name)?;
        let (groups, shares) = checked_groups(breakdown, shares)?;
        for (group, &share) in groups.iter().zip(&shares) {
            if !(0.0..=1.0).contains(&share) {
                return Err(Error::InvalidShare {
                    what: format!("benchmark {name:?} share of group {group}"),
                    value: share,
                });
            }
        }
        if groups.is_empty() {
            return Err(Error::EmptyBenchmark { benchmark: name });
        }
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > Self::SHARE_SUM_TOLERANCE {
            return Err(Error::SharesDoNotSumToOne {
                benchmark: name,
                sum,
            });
        }
        Ok(Self {
            name,
            breakdown: breakdown.clone(),
            groups,
            shares,
            populations: None,
        })
    }

    /// The benchmark's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The breakdown its groups belong to.
    pub fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }

    /// Its groups, in canonical order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// A group's share of the benchmark population; `None` for a group the
    /// benchmark does not list.
    pub fn share(&self, group: &Group) -> Option<f64> {
        self.groups
            .binary_search(group)
            .ok()
            .map(|i| self.shares[i])
    }

    /// A group's population, when the benchmark was built from counts.
    pub fn population(&self, group: &Group) -> Option<u64> {
        let i = self.groups.binary_search(group).ok()?;
        self.populations.as_ref().map(|p| p[i])
    }
}

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::EmptyName { what: "benchmark" });
    }
    Ok(name.to_owned())
}

/// Conforms, checks and sorts the groups, carrying their values.
fn checked_groups<T: Copy>(
    breakdown: &Breakdown,
    values: impl IntoIterator<Item = (Group, T)>,
) -> Result<(Vec<Group>, Vec<T>)> {
    let mut pairs = Vec::new();
    for (group, value) in values {
        let group = breakdown.conform(group)?;
        if group.is_unknown() {
            return Err(Error::InvalidGroup {
                group: group.to_string(),
                reason: "cannot be in a benchmark: a benchmark population has declared categories only",
            });
        }
        pairs.push((group, value));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::DuplicateEntry {
            entry: format!("group {}", w[0].0),
            context: "benchmark",
        });
    }
    Ok(pairs.into_iter().unzip())
}

impl fmt::Display for Benchmark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Benchmark: {} (by {})", self.name, self.breakdown)?;
        let mut table = TextTable::new(["group", "population", "share"]);
        for (i, g) in self.groups.iter().enumerate() {
            table.row(vec![
                g.label(),
                self.populations
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |p| p[i].to_string()),
                percent(Some(self.shares[i])),
            ]);
        }
        write!(f, "{table}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(label: &str) -> Group {
        Group::parse([("ethnicity", label)]).unwrap()
    }

    fn by() -> Breakdown {
        Breakdown::parse(["ethnicity"]).unwrap()
    }

    #[test]
    fn shares_are_validated() {
        let err = Benchmark::from_shares("c", &by(), [(g("A"), 1.2), (g("B"), -0.2)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "benchmark \"c\" share of group ethnicity=A is 1.2: expected a number in [0, 1]"
        );
        let err =
            Benchmark::from_shares("c", &by(), [(g("A"), f64::NAN), (g("B"), 0.5)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "benchmark \"c\" share of group ethnicity=A is NaN: expected a number in [0, 1]"
        );
        // Within the tolerance is accepted.
        assert!(Benchmark::from_shares("c", &by(), [(g("A"), 0.3), (g("B"), 0.7000005)]).is_ok());
        assert!(matches!(
            Benchmark::from_shares("c", &by(), [(g("A"), 0.3), (g("B"), 0.700002)]),
            Err(Error::SharesDoNotSumToOne { .. })
        ));
    }

    #[test]
    fn groups_are_validated() {
        let err = Benchmark::from_counts("c", &by(), [(g("A"), 1), (g("A"), 2)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "group ethnicity=A is given more than once in the benchmark"
        );
        let err = Benchmark::from_counts("c", &by(), [(g("prefer not to say"), 1)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "group ethnicity=prefer not to say cannot be in a benchmark: a benchmark population has declared categories only"
        );
        let err = Benchmark::from_counts("c", &by(), [(g("A"), 0)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "benchmark \"c\" has no population: expected at least one group with a positive count or share"
        );
        let err =
            Benchmark::from_counts("c", &by(), [(g("A"), u64::MAX), (g("B"), 1)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "count overflow in benchmark \"c\": the total exceeds {}",
                u64::MAX
            )
        );
        let err = Benchmark::from_counts(" ", &by(), [(g("A"), 1)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "empty benchmark name: expected at least one non-blank character"
        );
    }
}
