//! Aligned plain-text tables, for the `Display` of analyses.

use std::fmt;

/// A table of text cells: the first column left-aligned, the rest right.
#[derive(Debug, Default)]
pub(crate) struct TextTable {
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub(crate) fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Self {
            rows: vec![header.into_iter().map(|c| escape(c.into())).collect()],
        }
    }

    /// A row; each cell's control and invisible characters are escaped.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(escape).collect());
    }
}

/// Whether a character would act on a terminal, or be invisible, rather
/// than print: control characters (ANSI escapes, NUL, line breaks) and the
/// zero-width and direction-changing format characters.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// A cell as it may be printed: every hidden character as `\u{..}`, as
/// Rust writes it, so a label from outside (a CSV cell) cannot move the
/// cursor, clear the screen, break a row or hide a difference between two
/// labels. A cell with nothing hidden is returned as it is.
pub(crate) fn escape(cell: String) -> String {
    if !cell.chars().any(hidden) {
        return cell;
    }
    let mut out = String::with_capacity(cell.len() + 8);
    for c in cell.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for TextTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (i, row) in self.rows.iter().enumerate() {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    line.push_str("  ");
                }
                let pad = widths[c].saturating_sub(cell.chars().count());
                if c == 0 {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                } else {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                }
            }
            writeln!(f, "{}", line.trim_end())?;
            if i == 0 {
                let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
                writeln!(f, "{}", "-".repeat(total))?;
            }
        }
        Ok(())
    }
}

/// A rate as a percentage with one decimal, or "n/a" when undefined.
pub(crate) fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_owned(), |r| format!("{:.1}%", 100.0 * r))
}

/// A number with a fixed number of decimals, or "n/a".
pub(crate) fn decimal(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.places$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_invisible_characters_are_escaped_in_cells() {
        let mut table = TextTable::new(["group", "n"]);
        table.row(vec!["a\u{1b}[2Jb\0c\nd".to_owned(), "1".to_owned()]);
        table.row(vec!["Black\u{200B}".to_owned(), "2".to_owned()]);
        let text = table.to_string();
        assert!(text.contains("a\\u{1b}[2Jb\\u{0}c\\u{a}d"), "{text}");
        assert!(text.contains("Black\\u{200b}"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\0'));
        // Header, rule and two rows: the newline did not make a fifth line.
        assert_eq!(text.lines().count(), 4, "{text}");
    }
}
