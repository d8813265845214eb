//! When candidates are as qualified as each other (s.159(4)(a)): exact
//! equality of scores, or a banding that states its scale and pass mark and
//! whose bands are narrow enough to call the candidates in one equal.

use super::*;

/// The widest band a [`Banding`] may have, as a share of its scale: 5%,
/// so 5 points on a board marked out of 100.
///
/// The Act gives no number. s.159(4)(a) allows preference only between
/// candidates "as qualified as" each other; the Equality and Human Rights
/// Commission's Employment Statutory Code of Practice (ch. 12) reads that
/// as a judgment of merit on the employer's criteria, not necessarily
/// identical scores, and the Government Equalities Office's quick-start
/// guide to positive action in recruitment and promotion warns that it is
/// not enough for candidates merely to meet a minimum standard. An
/// employment tribunal found a police force's treatment of everyone over a
/// pass mark as equally qualified unlawful (Furlong v Chief Constable of
/// Cheshire Police, 2019). This crate's rule, chosen to keep a band within
/// the marking noise of a typical assessment rather than across grades of
/// performance, is that no band is wider than 5% of the scale and no band
/// holds every candidate who passes. A force may band more narrowly; it
/// cannot record a wider band as "as qualified".
pub const MAX_BAND_SHARE: f64 = 0.05;

/// A band of assessed scores: scores from `from` up to the next band's
/// `from` (or to the top of the scale, for the highest band) fall in it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoreBand {
    /// The band's label.
    pub label: String,
    /// The least score in the band.
    pub from: f64,
}

/// A stated rule that puts scores into bands, under which candidates in the
/// same band count as equally qualified (s.159(4)(a)).
///
/// A banding states its scale (the least and greatest possible score) and
/// its pass mark, and its bands cover scores from the pass mark up. It is
/// refused when one band holds everyone who passes (the pattern of
/// Furlong v Chief Constable of Cheshire Police, 2019), or when any band
/// is wider than [`MAX_BAND_SHARE`] of the scale.
///
/// ```
/// use positive_action::interventions::Banding;
///
/// let banding = Banding::new("board scores in bands of 5 from the pass mark of 50", (0.0, 100.0), 50.0,
///     (0..10).map(|i| (["J", "I", "H", "G", "F", "E", "D", "C", "B", "A"][i], 50.0 + 5.0 * i as f64)))?;
/// assert_eq!(banding.band_of(64.5), Some("H"));
/// assert_eq!(banding.band_of(49.0), None);
///
/// // "Everyone who passes is as qualified as each other" is refused.
/// let err = Banding::new("pass at 50", (0.0, 100.0), 50.0, [("pass", 50.0)]).unwrap_err();
/// assert!(err.to_string().contains("Furlong"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "BandingSpec", into = "BandingSpec")
)]
pub struct Banding {
    pub(super) statement: String,
    scale: [f64; 2],
    pass_mark: f64,
    pub(super) bands: Vec<ScoreBand>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BandingSpec {
    statement: String,
    scale: [f64; 2],
    pass_mark: f64,
    bands: Vec<ScoreBand>,
}

#[cfg(feature = "serde")]
impl TryFrom<BandingSpec> for Banding {
    type Error = Error;
    fn try_from(s: BandingSpec) -> Result<Self> {
        Self::new(
            &s.statement,
            (s.scale[0], s.scale[1]),
            s.pass_mark,
            s.bands.iter().map(|b| (b.label.as_str(), b.from)),
        )
    }
}

#[cfg(feature = "serde")]
impl From<Banding> for BandingSpec {
    fn from(b: Banding) -> Self {
        Self {
            statement: b.statement,
            scale: b.scale,
            pass_mark: b.pass_mark,
            bands: b.bands,
        }
    }
}

impl Banding {
    /// A banding rule: its statement, as the selection policy words it; its
    /// scale as (least, greatest) possible score; its pass mark; and its
    /// bands as (label, least score), lowest first, from the pass mark up.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a blank statement or label, no band, a
    /// label given twice, a scale or pass mark that is not finite or not in
    /// order, or least scores that are not strictly increasing within
    /// [pass mark, top of the scale); [`Error::InvalidBanding`] for one band
    /// that holds every passing score, or a band wider than
    /// [`MAX_BAND_SHARE`] of the scale.
    pub fn new<'a>(
        statement: &str,
        scale: (f64, f64),
        pass_mark: f64,
        bands: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Result<Self> {
        let invalid = |value: String, expected| Error::InvalidOption {
            name: "banding",
            value,
            expected,
        };
        let statement = statement.trim();
        if statement.is_empty() {
            return Err(invalid(
                "a blank statement".to_owned(),
                "the rule stated in words, as the selection policy gives it",
            ));
        }
        let (low, high) = scale;
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Err(invalid(
                format!("a scale from {low} to {high}"),
                "a finite scale, its least possible score below its greatest",
            ));
        }
        if !(pass_mark.is_finite() && pass_mark >= low && pass_mark < high) {
            return Err(invalid(
                format!("a pass mark of {pass_mark} on a scale from {low} to {high}"),
                "a pass mark on the scale, below its greatest score",
            ));
        }
        let bands: Vec<ScoreBand> = bands
            .into_iter()
            .map(|(l, from)| ScoreBand {
                label: l.trim().to_owned(),
                from,
            })
            .collect();
        if bands.is_empty() {
            return Err(invalid("no bands".to_owned(), "at least one band"));
        }
        for (i, b) in bands.iter().enumerate() {
            if b.label.is_empty() {
                return Err(invalid("a blank band label".to_owned(), "a label per band"));
            }
            if bands[..i].iter().any(|p| p.label == b.label) {
                return Err(invalid(
                    format!("band {:?} twice", b.label),
                    "distinct band labels",
                ));
            }
            if !(b.from.is_finite() && b.from >= pass_mark && b.from < high)
                || (i > 0 && b.from <= bands[i - 1].from)
            {
                return Err(invalid(
                    format!("band {:?} from {}", b.label, b.from),
                    "least scores strictly increasing from the lowest band, from the pass mark up to below the top of the scale",
                ));
            }
        }
        let banding = Self {
            statement: statement.to_owned(),
            scale: [low, high],
            pass_mark,
            bands,
        };
        let refuse = |rule: String, instead: String| Error::InvalidBanding {
            statement: statement.to_owned(),
            rule,
            instead: instead.into_boxed_str(),
        };
        let limit = MAX_BAND_SHARE * (high - low);
        if let [only] = banding.bands.as_slice() {
            if only.from <= pass_mark {
                return Err(refuse(
                    format!(
                        "its one band {:?} holds every candidate who passes (from the pass mark {pass_mark} to {high}), treating everyone over the pass mark as equally qualified, which an employment tribunal found unlawful (Furlong v Chief Constable of Cheshire Police, 2019)",
                        only.label
                    ),
                    format!(
                        "bands no wider than {limit} points ({}% of the scale), or exactly equal scores",
                        100.0 * MAX_BAND_SHARE
                    ),
                ));
            }
        }
        for (i, b) in banding.bands.iter().enumerate() {
            let top = banding.top_of(i);
            if top - b.from > limit * (1.0 + 1e-12) {
                return Err(refuse(
                    format!(
                        "band {:?} runs from {} to {top}, {} points wide, more than {}% of the scale from {low} to {high} ({limit} points): candidates that far apart are not as qualified as each other",
                        b.label,
                        b.from,
                        top - b.from,
                        100.0 * MAX_BAND_SHARE
                    ),
                    format!("bands no wider than {limit} points, or exactly equal scores"),
                ));
            }
        }
        Ok(banding)
    }

    /// Where band `i` ends: the next band's least score, or the top of the
    /// scale.
    fn top_of(&self, i: usize) -> f64 {
        self.bands.get(i + 1).map_or(self.scale[1], |n| n.from)
    }

    /// The rule in words.
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The least and greatest possible score.
    pub fn scale(&self) -> (f64, f64) {
        (self.scale[0], self.scale[1])
    }

    /// The pass mark.
    pub fn pass_mark(&self) -> f64 {
        self.pass_mark
    }

    /// The bands, lowest first.
    pub fn bands(&self) -> &[ScoreBand] {
        &self.bands
    }

    /// The band a score falls in; `None` below the lowest band, above the
    /// top of the scale, or for a score that is not a number.
    pub fn band_of(&self, score: f64) -> Option<&str> {
        if score > self.scale[1] {
            return None;
        }
        self.bands
            .iter()
            .rev()
            .find(|b| score >= b.from)
            .map(|b| b.label.as_str())
    }
}

/// When candidates count as equally qualified (s.159(4)(a)).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum QualificationRule {
    /// Exactly equal assessed scores.
    EqualScores,
    /// The same band under a stated banding rule.
    SameBand(Banding),
}

impl fmt::Display for QualificationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EqualScores => f.write_str("equal scores"),
            Self::SameBand(b) => write!(f, "the same band ({})", b.statement),
        }
    }
}

/// A candidate's assessed merit: a score, or a band already assigned.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Merit {
    /// An assessed score.
    Score(f64),
    /// A band, by label.
    Band(String),
}

impl fmt::Display for Merit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Score(s) => write!(f, "score {s}"),
            Self::Band(b) => write!(f, "band {b}"),
        }
    }
}
