//! Small-cell suppression at the edges mutation testing found unpinned:
//! what a withheld row says it withholds, and which notes a suppressed
//! stage keeps.

use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Breakdown, CountRecord, FunnelCounts, Group, ImpactOptions, Pipeline, PipelineKind, Stage,
};

fn g(label: &str) -> Group {
    Group::parse([("ethnicity", label)]).unwrap()
}

/// One stage by ethnicity: (label, passed, failed).
fn one_stage(rows: &[(&str, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("selection", PipelineKind::Recruitment, ["selection"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let records = rows.iter().map(|&(label, passed, failed)| {
        CountRecord::new(Stage::new("selection").unwrap(), g(label), passed, failed)
    });
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

fn report(counts: &FunnelCounts, min_cell: u64) -> Report {
    let options = ReportOptions {
        breakdown: Breakdown::parse(["ethnicity"]).unwrap(),
        impact: ImpactOptions::new(),
        min_cell,
    };
    Report::new(counts, &options, &[]).unwrap()
}

/// A row whose rate is withheld lists every figure withheld with it: its
/// counts, its rate and each comparison, each once, in that order.
#[test]
fn a_withheld_row_names_each_comparison_once() {
    let counts = one_stage(&[("A", 30, 70), ("B", 3, 50)]);
    let published = report(&counts, 5);
    let stage = &published.stages[0];
    let b = stage.groups.iter().find(|r| r.group == g("B")).unwrap();
    assert!(!b.reference);
    assert_eq!(b.passed, None);
    assert_eq!(b.pass_rate, None);
    assert_eq!(b.impact_ratio, None);
    let comparisons = [
        "impact_ratio",
        "impact_ratio_ci",
        "adverse_impact",
        "fisher",
        "z_test",
        "chi2",
        "chi2_yates",
        "z_ir",
    ];
    for name in comparisons {
        assert_eq!(
            b.withheld.iter().filter(|w| *w == name).count(),
            1,
            "{name} in {:?}",
            b.withheld
        );
    }
    let rate = b.withheld.iter().position(|w| w == "pass_rate").unwrap();
    let ratio = b.withheld.iter().position(|w| w == "impact_ratio").unwrap();
    assert!(rate < ratio, "{:?}", b.withheld);
}

/// A group whose rate is withheld loses its notes (they would speak of
/// its counts); every other group keeps its own.
#[test]
fn a_suppressed_stage_keeps_the_notes_of_groups_it_did_not_silence() {
    // B passed none of 3: small, and its figures are undefined; C passed
    // none of 40: zero is published, and its figures are undefined too.
    let counts = one_stage(&[("A", 30, 70), ("B", 0, 3), ("C", 0, 40)]);
    let b_note = format!("{}: ", g("B"));
    let c_note = format!("{}: ", g("C"));
    let whole = report(&counts, 0);
    let notes = &whole.stages[0].notes;
    assert!(notes.iter().any(|n| n.starts_with(&b_note)), "{notes:?}");
    let c_notes: Vec<&String> = notes.iter().filter(|n| n.starts_with(&c_note)).collect();
    assert!(!c_notes.is_empty(), "{notes:?}");

    let published = report(&counts, 5);
    let notes = &published.stages[0].notes;
    assert!(!notes.iter().any(|n| n.starts_with(&b_note)), "{notes:?}");
    for note in c_notes {
        assert!(notes.contains(note), "{note:?} kept in {notes:?}");
    }
}

/// Pooled figures over strata are withheld for a group whose counts or
/// stratum tables are sensitive, and for every group when the reference's
/// are; the other groups keep theirs. Here the first group (A) is small, so
/// its row goes, and so does B's, whose counts are withheld to protect A's
/// through the stage's totals; C, compared with the reference D, keeps
/// its row.
#[test]
fn pooled_figures_are_withheld_only_for_the_groups_they_expose() {
    let stage = || Stage::new("selection").unwrap();
    let pipeline = Pipeline::new("selection", PipelineKind::Recruitment, ["selection"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let stratum = || {
        FunnelCounts::from_records(
            &pipeline,
            &by,
            [
                CountRecord::new(stage(), g("A"), 2, 30),
                CountRecord::new(stage(), g("B"), 40, 60),
                CountRecord::new(stage(), g("C"), 40, 60),
                CountRecord::new(stage(), g("D"), 60, 40),
            ],
        )
        .unwrap()
    };
    let strata = ["2024", "2025"].map(|name| positive_action::impact::Stratum {
        name: name.to_owned(),
        counts: stratum(),
    });
    let counts = one_stage(&[("A", 4, 60), ("B", 80, 120), ("C", 80, 120), ("D", 120, 80)]);
    let options = ReportOptions {
        breakdown: by.clone(),
        impact: ImpactOptions::new(),
        min_cell: 5,
    };
    let published = Report::new(&counts, &options, &strata).unwrap();
    let main = |label: &str| {
        published.stages[0]
            .groups
            .iter()
            .find(|r| r.group == g(label))
            .unwrap()
    };
    assert!(main("B").withheld.iter().any(|w| w == "entered"));
    assert!(main("C").withheld.iter().all(|w| w != "entered"));
    let pooled = published.stratified.as_ref().expect("pooled over strata");
    let row = |label: &str| {
        pooled.stages[0]
            .groups
            .iter()
            .find(|r| r.group == g(label))
            .unwrap_or_else(|| panic!("a pooled row for {label}"))
    };
    assert_eq!(pooled.stages[0].reference, Some(g("D")));
    assert!(row("A").mantel_haenszel.is_none());
    assert!(row("B").mantel_haenszel.is_none());
    assert!(row("C").mantel_haenszel.is_some());
    assert!(row("C").breslow_day.is_some());
    // The report says so, once; without suppression it has nothing to say.
    let said = |r: &Report| {
        r.notes
            .iter()
            .filter(|n| n.starts_with("pooled over strata: ") && n.contains(" are withheld"))
            .count()
    };
    assert_eq!(said(&published), 1, "{:?}", published.notes);
    let whole = Report::new(
        &counts,
        &ReportOptions {
            min_cell: 0,
            ..options.clone()
        },
        &strata,
    )
    .unwrap();
    assert_eq!(said(&whole), 0, "{:?}", whole.notes);
}
