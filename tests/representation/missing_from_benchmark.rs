//! A headcount group that the benchmark does not list (issue 15): it gets
//! n/a against the benchmark and a note naming it, and the other groups'
//! benchmark shares stay as the benchmark gives them, not rescaled.

use positive_action::records::Rank;
use positive_action::workforce::{
    Benchmark, Headcount, HeadcountRecord, RankStructure, Representation, Scope,
};
use positive_action::{Breakdown, Group};

fn g(label: &str) -> Group {
    Group::parse([("ethnicity", label)]).unwrap()
}

/// Constables A 50, B 30, C 20; sergeants A 8, B 2 (no C).
fn headcount() -> Headcount {
    let rec = |rank: Rank, label: &str, headcount| HeadcountRecord {
        rank,
        group: g(label),
        headcount,
    };
    Headcount::from_records(
        &RankStructure::police(),
        &Breakdown::parse(["ethnicity"]).unwrap(),
        [
            rec(Rank::CONSTABLE, "A", 50),
            rec(Rank::CONSTABLE, "B", 30),
            rec(Rank::CONSTABLE, "C", 20),
            rec(Rank::SERGEANT, "A", 8),
            rec(Rank::SERGEANT, "B", 2),
        ],
    )
    .unwrap()
}

fn check(benchmark: &Benchmark) {
    let r = Representation::new(&headcount(), benchmark).unwrap();
    let w = r.workforce().unwrap();
    assert_eq!(w.declared, 110);
    // A and B keep the benchmark's shares as given: 0.6 and 0.4, not
    // rescaled; their workforce shares count C in the denominator.
    let a = w.row(&g("A")).unwrap();
    let b = w.row(&g("B")).unwrap();
    assert_eq!(a.benchmark_share, Some(0.6));
    assert_eq!(b.benchmark_share, Some(0.4));
    assert_eq!(a.share, Some(58.0 / 110.0));
    assert_eq!(a.ratio, Some((58.0 / 110.0) / 0.6));
    assert!(a.position.is_some());
    // C: n/a against the benchmark, and a note that names it.
    let c = w.row(&g("C")).unwrap();
    assert_eq!((c.headcount, c.benchmark_share), (20, None));
    assert_eq!((c.ratio, c.position, c.gap_points), (None, None, None));
    let notes: Vec<&String> = w
        .notes
        .iter()
        .filter(|n| n.contains("not in benchmark"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", w.notes);
    let note = notes[0];
    assert!(
        note.starts_with(&format!(
            "ethnicity=C: not in benchmark {:?}",
            benchmark.name()
        )),
        "{note}"
    );
    assert!(note.contains("not rescaled"), "{note}");
    assert!(
        note.contains("declared headcount of 110 that includes ethnicity=C's 20"),
        "{note}"
    );
    assert!(
        !note.contains("ethnicity=A") && !note.contains("ethnicity=B"),
        "{note}"
    );
    // The sergeants' section has no C, so no note; the constables' has.
    let sergeants = r.section(&Scope::Rank(Rank::SERGEANT)).unwrap();
    assert!(
        !sergeants
            .notes
            .iter()
            .any(|n| n.contains("not in benchmark"))
    );
    let constables = r.section(&Scope::Rank(Rank::CONSTABLE)).unwrap();
    assert!(
        constables
            .notes
            .iter()
            .any(|n| n.contains("declared headcount of 100 that includes ethnicity=C's 20"))
    );
    // The text the report prints for its representation section, and the
    // JSON it publishes, carry the note.
    let text = r.to_string();
    assert!(
        text.contains("note: ethnicity=C: not in benchmark"),
        "{text}"
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("ethnicity=C: not in benchmark"), "{json}");
}

#[test]
fn a_group_missing_from_a_benchmark_of_counts_is_named_and_nothing_is_rescaled() {
    let benchmark = Benchmark::from_counts(
        "census A and B",
        &Breakdown::parse(["ethnicity"]).unwrap(),
        [(g("A"), 600), (g("B"), 400)],
    )
    .unwrap();
    check(&benchmark);
}

#[test]
fn a_group_missing_from_a_benchmark_of_shares_is_named_and_nothing_is_rescaled() {
    let benchmark = Benchmark::from_shares(
        "census shares A and B",
        &Breakdown::parse(["ethnicity"]).unwrap(),
        [(g("A"), 0.6), (g("B"), 0.4)],
    )
    .unwrap();
    check(&benchmark);
}
