//! The report: the JSON contract, the main job end to end on fixture files,
//! every bad input it must refuse with one clear line, the chart, and
//! small-cell suppression checked by trying to recover what it withheld.

use std::path::PathBuf;
use std::process::Command;

use positive_action::report::{Report, ReportInput, ReportOptions};
use positive_action::stats::TwoByTwo;

mod attacker;
mod attacker_evaluation;
mod attacker_sections;
mod evaluation_published;
mod hostile;
mod input_errors;
mod representation_notes;
mod sections;
mod set_aside;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

/// The `report` example, which `cargo test` builds beside the test binary.
fn report_example() -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir
        .join("examples")
        .join(format!("report{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        Command::new(path)
    } else {
        let mut c = Command::new(env!("CARGO"));
        c.args(["run", "--quiet", "--example", "report", "--"]);
        c
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = report_example()
        .args(args)
        .output()
        .expect("run the report example");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(f64::MIN_POSITIVE)
}

#[test]
fn counts_json_end_to_end() {
    let path = fixture("counts.json");
    let r = run(&["--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["pipeline"], "PC recruitment 2025");
    assert_eq!(v["breakdown"], serde_json::json!(["ethnicity"]));
    let centre = &v["stages"][1];
    assert_eq!(centre["stage"], "assessment_centre");
    assert_eq!(
        centre["reference"],
        serde_json::json!({"ethnicity": "White"})
    );
    let black = centre["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["ethnicity"] == "Black")
        .unwrap();
    assert_eq!(black["entered"], 80);
    // Reference values from scipy (tests/fixtures/report/README).
    assert!(close(
        black["impact_ratio"].as_f64().unwrap(),
        0.6303418803418803
    ));
    assert!(close(
        black["fisher"]["two_sided"].as_f64().unwrap(),
        0.00021222329996393392
    ));
    assert!(close(
        black["odds_ratio"].as_f64().unwrap(),
        0.3993055555555556
    ));
    assert_eq!(black["adverse_impact"], true);
    let ci = black["impact_ratio_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < 0.6303 && 0.6304 < ci[1].as_f64().unwrap());
    for key in [
        "z_test",
        "chi2",
        "chi2_yates",
        "z_ir",
        "cohens_h",
        "shortfall",
        "flip_flop",
        "significant_after_two_more",
    ] {
        assert!(black.get(key).is_some(), "missing {key}");
    }
    // The reference row: its counts, its rate, ratio 1.
    let white = centre["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["reference"] == true)
        .unwrap();
    assert_eq!(white["impact_ratio"], 1.0);
    assert!(white["fisher"].is_null());
    // Bottom line: passed at the last stage over entered at the first.
    let bl = &v["bottom_line"];
    assert_eq!(bl["stage"], "bottom_line");
    let black = bl["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["ethnicity"] == "Black")
        .unwrap();
    assert!(close(
        black["impact_ratio"].as_f64().unwrap(),
        0.5008130081300813
    ));
    assert!(close(
        black["fisher"]["two_sided"].as_f64().unwrap(),
        1.9298914003297066e-05
    ));
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("pinch points"))
    );
}

#[test]
fn report_json_round_trips() {
    let text = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let prepared = ReportInput::from_json(&text)
        .unwrap()
        .prepare(false)
        .unwrap();
    let report = Report::new(&prepared.counts, &prepared.options, &prepared.strata).unwrap();
    let json = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
    // Undefined is null: the Mixed group's interview rate is defined, but
    // a zero failed count makes its odds ratio undefined.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mixed = v["stages"][2]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["ethnicity"] == "Mixed")
        .unwrap();
    assert!(mixed["odds_ratio"].is_null());
}

#[test]
fn candidate_records_strict_and_lenient() {
    let path = fixture("journeys.json");
    // Strict: the fifth journey's dates go backwards.
    let r = run(&["--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("candidate 00000000-0000-4000-8000-000000000004: stage sift has a result after the candidate failed at application"), "{}", r.stderr);
    // Lenient: both bad journeys set aside, with reasons, and counted.
    let r = run(&["--input", path.to_str().unwrap(), "--json", "--lenient"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let load = &v["load"];
    assert_eq!(
        (load["read"].as_u64(), load["used"].as_u64()),
        (Some(5), Some(3))
    );
    let reasons: Vec<&str> = load["set_aside"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons[1].contains("dates must not go backwards"),
        "{reasons:?}"
    );
    let sift = &v["stages"][1]["groups"];
    let female = sift
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["sex"] == "female")
        .unwrap();
    assert_eq!(
        (female["passed"].as_u64(), female["failed"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn strata_in_the_input_give_mantel_haenszel_and_breslow_day() {
    let path = fixture("strata.json");
    let r = run(&["--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let women = &v["stratified"]["stages"][0]["groups"][0];
    // statsmodels StratifiedTable.
    assert!(close(
        women["mantel_haenszel"]["common_odds_ratio"]
            .as_f64()
            .unwrap(),
        0.5121951219512195
    ));
    assert!(close(
        women["mantel_haenszel"]["p_value"].as_f64().unwrap(),
        0.028346383421587906
    ));
    assert!(close(
        women["breslow_day"]["p_value"].as_f64().unwrap(),
        0.9358847164248285
    ));
    for key in ["statistic", "statistic_uncorrected", "p_value_uncorrected"] {
        assert!(women["mantel_haenszel"][key].is_number(), "{key}");
    }
}

#[test]
fn options_on_the_command_line() {
    let path = fixture("counts.json");
    let p = path.to_str().unwrap();
    let r = run(&[
        "--input",
        p,
        "--json",
        "--reference",
        "overall",
        "--basis",
        "entered",
        "--threshold",
        "0.9",
        "--alpha",
        "0.01",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["options"]["reference"], "overall");
    assert_eq!(v["options"]["rate_basis"], "entered");
    assert_eq!(v["options"]["threshold"], 0.9);
    assert_eq!(v["stages"][0]["reference"], serde_json::json!({}));
    let r = run(&["--input", p, "--json", "--reference", "min-share:0.02"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "--input",
        p,
        "--json",
        "--reference",
        "group:ethnicity=Asian",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["stages"][0]["reference"],
        serde_json::json!({"ethnicity": "Asian"})
    );
    // The text report marks flagged cells and names the pinch point.
    let r = run(&["--input", p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ethnicity=Black !"), "{}", r.stdout);
    assert!(r.stdout.contains("pinch point"), "{}", r.stdout);
}

#[test]
fn every_bad_input_is_one_clear_line_and_a_non_zero_exit() {
    let dir = std::env::temp_dir().join(format!("positive-action-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let good = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let csv = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/csv")
            .join(name)
            .to_str()
            .unwrap()
            .to_owned()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--input".into(),
                dir.join("missing.json").to_str().unwrap().into(),
            ],
            "cannot read",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "malformed.json",
                    "{\"pipeline\": {\"name\": \"x\",\n  \"kind\": \"recruitment\" \"stages\": []}}",
                ),
            ],
            "invalid json at line 2, column 25: expected `,` or `}`",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "negative.json",
                    &good.replacen("\"passed\": 80", "\"passed\": -80", 1),
                ),
            ],
            "invalid value: integer `-80`, expected u64",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "fraction.json",
                    &good.replacen("\"passed\": 80", "\"passed\": 80.5", 1),
                ),
            ],
            "invalid type: floating point `80.5`, expected u64",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "unknown_stage.json",
                    &good.replacen("\"stage\": \"interview\"", "\"stage\": \"psychometric\"", 1),
                ),
            ],
            "stage \"psychometric\" is not a stage of pipeline \"PC recruitment 2025\"",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "empty_pipeline.json",
                    &good.replacen(
                        "[\"application\", \"assessment_centre\", \"interview\"]",
                        "[]",
                        1,
                    ),
                ),
            ],
            "pipeline \"PC recruitment 2025\" has no stages",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "duplicate_stages.json",
                    &good.replacen("\"interview\"]", "\"application\"]", 1),
                ),
            ],
            "lists stage application more than once",
        ),
        (
            vec![
                "--input".into(),
                write(
                    "unknown_reference.json",
                    &good.replacen(
                        "{\"ethnicity\": \"White\"}}",
                        "{\"ethnicity\": \"Klingon\"}}",
                        1,
                    ),
                ),
            ],
            "reference group ethnicity=Klingon is not among the groups of the counts",
        ),
        (
            vec![
                "--input".into(),
                fixture("counts.json").to_str().unwrap().into(),
                "--threshold".into(),
                "1.5".into(),
            ],
            "threshold is 1.5: expected a number in (0, 1]",
        ),
        (
            vec![
                "--input".into(),
                fixture("counts.json").to_str().unwrap().into(),
                "--alpha".into(),
                "0".into(),
            ],
            "alpha is 0",
        ),
        (
            vec![
                "--input".into(),
                fixture("counts.json").to_str().unwrap().into(),
                "--reference".into(),
                "min-share:1".into(),
            ],
            "min_share is 1",
        ),
        (
            vec![
                "--input".into(),
                fixture("counts.json").to_str().unwrap().into(),
                "--reference".into(),
                "best".into(),
            ],
            "--reference: \"best\" is not a policy",
        ),
        (
            vec![
                "--input".into(),
                fixture("garbage.bin").to_str().unwrap().into(),
            ],
            "is not UTF-8 text",
        ),
        (
            vec!["--threshold".into(), "abc".into()],
            "--threshold: \"abc\" is not a valid number",
        ),
        (
            vec!["--frobnicate".into()],
            "unknown argument \"--frobnicate\"",
        ),
        (
            vec!["--csv".into(), csv("no_header.csv")],
            "csv input is empty: expected a header line",
        ),
        (
            vec!["--csv".into(), csv("ragged_row.csv")],
            "csv line 3: 2 fields, expected 3 as in the header",
        ),
        (
            vec!["--csv".into(), csv("unknown_outcome.csv")],
            "unknown outcome \"maybe\"",
        ),
        (
            vec!["--csv".into(), csv("result_after_failed.csv")],
            "candidate APP-2, csv lines 3 and 5: stage sift has a result after the candidate failed at application",
        ),
        (
            vec!["--csv".into(), csv("contradictory_order.csv")],
            "stage order is contradictory: APP-1 and APP-2 go sift → interview, APP-7 goes interview → sift",
        ),
        (
            vec!["--csv".into(), csv("binary_garbage.bin")],
            "not utf-8 text",
        ),
        (
            vec![
                "--csv".into(),
                dir.join("missing.csv").to_str().unwrap().into(),
            ],
            "cannot read",
        ),
        (
            vec!["--stages".into(), "a,b".into()],
            "--stages applies to --csv and --parquet input only",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&args);
        assert_ne!(r.code, 0, "{args:?} should fail");
        assert_eq!(
            r.stderr.trim_end().lines().count(),
            1,
            "{args:?}: one line, got {:?}",
            r.stderr
        );
        assert!(r.stderr.starts_with("error: "), "{args:?}: {:?}", r.stderr);
        assert!(
            r.stderr.contains(expected),
            "{args:?}: {:?} should contain {expected:?}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_every_flag() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    for flag in [
        "--input",
        "--csv",
        "--stages",
        "--by",
        "--reference",
        "--basis",
        "--threshold",
        "--alpha",
        "--min-cell",
        "--json",
        "--svg",
        "--lenient",
        "--help",
    ] {
        assert!(r.stdout.contains(flag), "{flag}");
    }
}

#[test]
fn the_default_run_reports_both_pipelines() {
    let r = run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Adverse impact report: PC recruitment 2025/26")
    );
    assert!(
        r.stdout
            .contains("Adverse impact report: Constable to Sergeant 2025")
    );
    assert!(r.stdout.contains("Funnel: PC recruitment 2025/26"));
    // The interview workshop's evaluation, with its caveat.
    assert!(
        r.stdout
            .contains("Intervention evaluation: interview workshop"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(positive_action::interventions::SELF_SELECTION_CAVEAT),
        "{}",
        r.stdout
    );
    let r = run(&["--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["interventions"][0]["intervention"], "interview workshop");
}

/// A small well-formedness check: every tag closes in order, attributes
/// are quoted, and text holds no raw `<` or `&` outside entities.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "stray > in text {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity),
                "bad entity {entity:?}"
            );
        }
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_owned());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn the_chart_is_well_formed_svg_with_a_panel_per_stage() {
    let dir = std::env::temp_dir().join(format!("positive-action-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("chart.svg");
    let path = fixture("counts.json");
    let r = run(&[
        "--input",
        path.to_str().unwrap(),
        "--svg",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_well_formed(&svg);
    for title in [
        "1. application",
        "2. assessment_centre",
        "3. interview",
        "Bottom line",
    ] {
        assert!(svg.contains(title), "{title}");
    }
    assert!(
        svg.contains("Black (IR") || svg.contains("IR 0.63 below 0.8"),
        "flagged bars carry their ratio"
    );
    assert!(svg.contains("stroke-dasharray"), "the four-fifths line");
    // User text is escaped.
    let mut report = {
        let text = std::fs::read_to_string(fixture("counts.json")).unwrap();
        let p = ReportInput::from_json(&text)
            .unwrap()
            .prepare(false)
            .unwrap();
        Report::new(&p.counts, &p.options, &[]).unwrap()
    };
    report.pipeline = "<script>&\"".to_owned();
    assert_well_formed(&report.to_svg());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn published_figures_match_the_stats_module() {
    // The report computes nothing of its own: each test is the stats
    // module's on the same table.
    let text = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let p = ReportInput::from_json(&text)
        .unwrap()
        .prepare(false)
        .unwrap();
    let report = Report::new(&p.counts, &p.options, &[]).unwrap();
    let asian = report.stages[1]
        .groups
        .iter()
        .find(|g| g.group.label() == "Asian")
        .unwrap();
    let table = TwoByTwo::new(40, 48, 360, 230).unwrap();
    assert_eq!(asian.fisher, Some(table.fisher_exact()));
    assert_eq!(asian.z_test, table.z_test());
    assert!(close(asian.fisher.unwrap().two_sided, 0.007307956889996929));
}

mod suppression {
    use super::attacker::{attack, leaks, options};
    use super::*;
    use positive_action::impact::Stratum;
    use positive_action::{
        Breakdown, CountRecord, FunnelCounts, Group, ImpactOptions, Pipeline, PipelineKind,
        RateBasis, ReferencePolicy, Stage,
    };
    use proptest::prelude::*;

    fn fixture_counts() -> FunnelCounts {
        let text = std::fs::read_to_string(fixture("counts.json")).unwrap();
        ReportInput::from_json(&text)
            .unwrap()
            .prepare(false)
            .unwrap()
            .counts
    }

    #[test]
    fn withheld_cells_cannot_be_recovered_from_the_fixture() {
        let counts = fixture_counts();
        for reference in [
            ReferencePolicy::HighestRate,
            ReferencePolicy::Overall,
            ReferencePolicy::Group(Group::parse([("ethnicity", "White")]).unwrap()),
        ] {
            for basis in [RateBasis::Decided, RateBasis::Entered] {
                let (leaked, withheld) = leaks(&counts, &options(reference.clone(), basis), 5);
                assert!(withheld > 0);
                assert!(leaked.is_empty(), "{reference:?} {basis:?}: {leaked:?}");
            }
        }
    }

    #[test]
    fn suppression_withholds_small_cells_and_what_derives_from_them() {
        let counts = fixture_counts();
        let options = ReportOptions {
            breakdown: counts.breakdown().clone(),
            impact: ImpactOptions::new(),
            min_cell: 5,
        };
        let report = Report::new(&counts, &options, &[]).unwrap();
        let s = report.suppression.clone().unwrap();
        assert_eq!(s.min_cell, 5);
        assert!(s.primary > 0 && s.secondary > 0, "{s:?}");
        let mixed = report.stages[0]
            .groups
            .iter()
            .find(|g| g.group.label() == "Mixed")
            .unwrap();
        assert_eq!((mixed.passed, mixed.failed), (None, None));
        assert!(
            mixed.pass_rate.is_none() && mixed.impact_ratio.is_none() && mixed.fisher.is_none()
        );
        assert!(
            mixed.withheld.iter().any(|w| w == "pass_rate"),
            "{:?}",
            mixed.withheld
        );
        // Large groups keep their figures.
        let black = report.stages[1]
            .groups
            .iter()
            .find(|g| g.group.label() == "Black")
            .unwrap();
        assert_eq!(black.passed, Some(30));
        assert!(black.impact_ratio.is_some());
        // The text says so, and marks withheld counts.
        let text = report.to_text();
        assert!(
            text.contains("published with small-cell suppression"),
            "{text}"
        );
        // Without suppression nothing is withheld.
        let open = Report::new(
            &counts,
            &ReportOptions {
                min_cell: 0,
                ..options
            },
            &[],
        )
        .unwrap();
        assert!(open.suppression.is_none());
        assert!(
            open.stages
                .iter()
                .all(|s| s.groups.iter().all(|g| g.withheld.is_empty()))
        );
    }

    /// SplitMix64, so the random reports are the same on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A random funnel: 2 to 4 stages, 2 to 7 groups of very different
    /// sizes, exits, pending and exempt candidates, with the flow between
    /// stages closed in some groups and open in others; and, for some,
    /// the same counts split into two strata.
    fn random_report(rng: &mut Rng) -> (FunnelCounts, Vec<Stratum>) {
        let names = ["a", "b", "c", "d"];
        let stages = 2 + rng.below(3) as usize;
        let groups = 2 + rng.below(6) as usize;
        let pipeline = Pipeline::new(
            "p",
            PipelineKind::Recruitment,
            names[..stages].iter().copied(),
        )
        .unwrap();
        let breakdown = Breakdown::parse(["race"]).unwrap();
        let strata = rng.below(3) == 0;
        let mut main = Vec::new();
        let mut split = [Vec::new(), Vec::new()];
        for g in 0..groups {
            let label = format!("g{g}");
            let mut incoming = match rng.below(3) {
                0 => 1 + rng.below(15),
                1 => 15 + rng.below(200),
                _ => 200 + rng.below(3000),
            };
            let carry_exempt = rng.below(2) == 0;
            for stage in names.iter().take(stages) {
                let exempt = if rng.below(4) == 0 {
                    rng.below(incoming.min(4) + 1)
                } else {
                    0
                };
                let entered = incoming - exempt;
                let withdrew = rng.below(entered / 8 + 2).min(entered);
                let pending = if rng.below(3) == 0 {
                    rng.below((entered - withdrew).min(5) + 1)
                } else {
                    0
                };
                let rest = entered - withdrew - pending;
                let passed = if rest == 0 { 0 } else { rng.below(rest + 1) };
                let record = CountRecord {
                    stage: Stage::new(stage).unwrap(),
                    group: Group::parse([("race", label.as_str())]).unwrap(),
                    passed,
                    failed: rest - passed,
                    withdrew,
                    pending,
                    exempt,
                };
                if strata {
                    let part = |v: u64, rng: &mut Rng| rng.below(v + 1);
                    let mut first = record.clone();
                    first.passed = part(record.passed, rng);
                    first.failed = part(record.failed, rng);
                    first.withdrew = part(record.withdrew, rng);
                    first.pending = part(record.pending, rng);
                    first.exempt = part(record.exempt, rng);
                    let second = CountRecord {
                        passed: record.passed - first.passed,
                        failed: record.failed - first.failed,
                        withdrew: record.withdrew - first.withdrew,
                        pending: record.pending - first.pending,
                        exempt: record.exempt - first.exempt,
                        ..record.clone()
                    };
                    split[0].push(first);
                    split[1].push(second);
                }
                main.push(record);
                incoming = passed + if carry_exempt { exempt } else { 0 };
            }
        }
        let counts = FunnelCounts::from_records(&pipeline, &breakdown, main).unwrap();
        let strata = if strata {
            split
                .into_iter()
                .enumerate()
                .map(|(i, records)| Stratum {
                    name: format!("s{i}"),
                    counts: FunnelCounts::from_records(&pipeline, &breakdown, records).unwrap(),
                })
                .collect()
        } else {
            Vec::new()
        };
        (counts, strata)
    }

    /// The attacker against 400 random reports, every reference policy and
    /// rate basis, k from 3 to 8: nothing withheld is recovered, and no
    /// statistic with a withheld input is published.
    #[test]
    fn the_attacker_recovers_nothing_from_random_reports() {
        let mut rng = Rng(20_261_202);
        let (mut reports, mut withheld, mut recovered, mut with_strata) = (0, 0, 0, 0);
        let mut failures = Vec::new();
        for _ in 0..400 {
            let (counts, strata) = random_report(&mut rng);
            let reference = match rng.below(3) {
                0 => ReferencePolicy::HighestRate,
                1 => ReferencePolicy::Overall,
                _ => ReferencePolicy::Group(counts.groups()[0].clone()),
            };
            let basis = if rng.below(2) == 0 {
                RateBasis::Decided
            } else {
                RateBasis::Entered
            };
            let k = 3 + rng.below(6);
            let a = attack(&counts, &options(reference.clone(), basis), k, &strata);
            reports += 1;
            with_strata += usize::from(!strata.is_empty());
            withheld += a.withheld;
            recovered += a.leaked.len();
            if !a.leaked.is_empty() || !a.structural.is_empty() {
                failures.push(format!(
                    "{reference:?} {basis:?} k={k}: {:?} {:?}",
                    a.leaked, a.structural
                ));
            }
        }
        eprintln!(
            "attacker: {reports} reports ({with_strata} with strata), {withheld} counts withheld, {recovered} recovered"
        );
        assert!(withheld > 1000, "{withheld}");
        // Pinned as in `sections::the_attacker_recovers_nothing_from_generated_sections`:
        // which cells the search withholds, not only that they are safe.
        // Update after a deliberate change to the search, once nothing is
        // recovered and the figure did not rise without reason.
        assert_eq!(
            withheld, 17_712,
            "counts withheld over the {reports} reports"
        );
        assert!(
            failures.is_empty(),
            "{} reports leak: {:#?}",
            failures.len(),
            &failures[..failures.len().min(5)]
        );
    }

    /// `groups` groups of 3 to 40 candidates over `stages` stages.
    fn many_groups(groups: usize, stages: usize) -> FunnelCounts {
        let names: Vec<String> = (0..stages).map(|s| format!("s{s}")).collect();
        let pipeline = Pipeline::new(
            "p",
            PipelineKind::Recruitment,
            names.iter().map(String::as_str),
        )
        .unwrap();
        let mut rng = Rng(groups as u64);
        let mut records = Vec::new();
        for g in 0..groups {
            let label = format!("g{g}");
            let mut incoming = 3 + rng.below(38);
            for name in &names {
                let withdrew = rng.below(3).min(incoming);
                let passed = rng.below(incoming - withdrew + 1);
                records.push(CountRecord {
                    stage: Stage::new(name.as_str()).unwrap(),
                    group: Group::parse([("race", label.as_str())]).unwrap(),
                    passed,
                    failed: incoming - withdrew - passed,
                    withdrew,
                    pending: 0,
                    exempt: 0,
                });
                incoming = passed;
            }
        }
        FunnelCounts::from_records(&pipeline, &Breakdown::parse(["race"]).unwrap(), records)
            .unwrap()
    }

    /// 15 groups × 2 stages against the overall rate ran past a minute, and
    /// 100,000 groups never finished: suppression is now linear in groups,
    /// and the counts stop at `MAX_GROUPS` (10,000), which is run here.
    /// The 60 s bound is a hang guard, not a timing.
    #[test]
    fn suppression_finishes_in_time_proportional_to_groups() {
        let most = positive_action::limits::MAX_GROUPS as usize;
        for (groups, reference) in [
            (15, ReferencePolicy::Overall),
            (most, ReferencePolicy::HighestRate),
            (most, ReferencePolicy::Overall),
        ] {
            let counts = many_groups(groups, 2);
            let options = ReportOptions {
                breakdown: counts.breakdown().clone(),
                impact: ImpactOptions::new().reference(reference.clone()),
                min_cell: 5,
            };
            let start = std::time::Instant::now();
            let report = Report::new(&counts, &options, &[]).unwrap();
            let svg = report.to_svg();
            let elapsed = start.elapsed();
            assert!(report.suppression.unwrap().primary > 0);
            assert!(svg.ends_with("</svg>\n"));
            assert!(
                elapsed.as_secs() < 60,
                "{groups} groups, {reference:?}: {elapsed:?}"
            );
        }
    }

    /// A minimum cell of 0 or 1 publishes everything; one past the limit is
    /// a clear error naming the option.
    #[test]
    fn min_cell_bounds() {
        let counts = fixture_counts();
        let options = |min_cell| ReportOptions {
            breakdown: counts.breakdown().clone(),
            impact: ImpactOptions::new(),
            min_cell,
        };
        for k in [0, 1] {
            assert!(
                Report::new(&counts, &options(k), &[])
                    .unwrap()
                    .suppression
                    .is_none()
            );
        }
        assert!(
            Report::new(&counts, &options(1000), &[])
                .unwrap()
                .suppression
                .is_some()
        );
        let e = Report::new(&counts, &options(1001), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("min_cell") && e.contains("0 to 1000"), "{e}");
        let e = Report::new(&counts, &options(u64::MAX), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("min_cell"), "{e}");
    }

    /// The routes issue 15 found, one by one, on the fixture: the
    /// decomposition's pending figure, pinch points from withheld terms,
    /// and pooled stratum figures from small stratum tables are not
    /// published.
    #[test]
    fn leaking_figures_are_withheld() {
        let counts = many_groups(12, 3);
        let options = ReportOptions {
            breakdown: counts.breakdown().clone(),
            impact: ImpactOptions::new(),
            min_cell: 10,
        };
        let report = Report::new(&counts, &options, &[]).unwrap();
        let v = serde_json::to_value(&report).unwrap();
        let published = super::attacker::structural(&v, 10, &[]);
        assert!(published.is_empty(), "{published:?}");
        for d in &report.decomposition {
            if d.stages.iter().any(|s| s.impact_ratio.is_none()) {
                assert!(d.pinch_point.is_none(), "{d:?}");
            }
        }
        // A published pending figure sums only published pending counts.
        for d in &report.decomposition {
            for set in report.stages.iter().chain([&report.bottom_line]) {
                let row = set.groups.iter().find(|g| g.group == d.group).unwrap();
                assert!(row.pending.is_some(), "{}: pending withheld", d.group);
            }
        }
    }

    fn small_funnel() -> impl Strategy<Value = FunnelCounts> {
        let cell = (0u64..12, 0u64..12, 0u64..4, 0u64..3);
        prop::collection::vec(prop::collection::vec(cell, 3), 2..5).prop_map(|groups| {
            let pipeline = Pipeline::new("p", PipelineKind::Recruitment, ["a", "b", "c"]).unwrap();
            let labels = ["W", "B", "A", "M"];
            let records =
                groups.iter().enumerate().flat_map(|(g, stages)| {
                    stages.iter().enumerate().map(
                        move |(s, &(passed, failed, withdrew, pending))| CountRecord {
                            stage: Stage::new(["a", "b", "c"][s]).unwrap(),
                            group: Group::parse([("race", labels[g])]).unwrap(),
                            passed: passed + 3 * u64::from(g == 0) * 10,
                            failed,
                            withdrew,
                            pending,
                            exempt: 0,
                        },
                    )
                });
            FunnelCounts::from_records(&pipeline, &Breakdown::parse(["race"]).unwrap(), records)
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn no_withheld_count_is_ever_recoverable(
            counts in small_funnel(),
            overall in any::<bool>(),
            entered in any::<bool>(),
            k in 3u64..8,
        ) {
            let reference = if overall { ReferencePolicy::Overall } else { ReferencePolicy::HighestRate };
            let basis = if entered { RateBasis::Entered } else { RateBasis::Decided };
            let (leaked, _) = leaks(&counts, &options(reference, basis), k);
            prop_assert!(leaked.is_empty(), "{:?}", leaked);
        }
    }
}

#[test]
fn workforce_data_adds_a_representation_section() {
    let path = fixture("workforce.json");
    let r = run(&["--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let text = serde_json::to_string(&v["representation"]).unwrap();
    // Asian officers: 60 + 9 + 2 = 71 of 2,038; census 95,000 of 970,000.
    assert!(text.contains("\"headcount\":71"), "{text}");
    let r = run(&["--input", path.to_str().unwrap()]);
    assert!(
        r.stdout
            .contains("Representation by ethnicity against census 2021"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("middle management"), "{}", r.stdout);
    // Published with suppression, the section is kept: small headcounts
    // (and what would give them away) are null and listed as withheld.
    let r = run(&[
        "--input",
        path.to_str().unwrap(),
        "--json",
        "--min-cell",
        "5",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let sections = v["representation"]["sections"].as_array().unwrap();
    let withheld: Vec<&serde_json::Value> = sections
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .filter(|row| row["headcount"].is_null())
        .collect();
    assert!(!withheld.is_empty());
    for row in withheld {
        assert!(row["share"].is_null() && row["ratio_ci"].is_null(), "{row}");
        assert!(
            row["withheld"]
                .as_array()
                .unwrap()
                .contains(&"headcount".into())
        );
    }
    // Nothing published is a small count.
    for s in sections {
        for row in s["rows"].as_array().unwrap() {
            if let Some(h) = row["headcount"].as_u64() {
                assert!(h == 0 || h >= 5, "{row}");
            }
        }
    }
    assert!(!v["notes"].as_array().unwrap().iter().any(|n| {
        n.as_str()
            .unwrap()
            .contains("representation section is left out")
    }));
}

#[test]
fn csv_end_to_end_strict_and_lenient() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv");
    let path = dir.join("recruitment.csv");
    let r = run(&["--csv", path.to_str().unwrap(), "--json", "--by", "sex"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["breakdown"], serde_json::json!(["sex"]));
    assert_eq!(v["load"]["read"], v["load"]["used"]);
    assert!(!v["stages"].as_array().unwrap().is_empty());
    // Lenient: rows read = rows used + rows set aside, each with a reason.
    let path = dir.join("lenient_mix.csv");
    let r = run(&["--csv", path.to_str().unwrap(), "--json", "--lenient"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let load = &v["load"];
    let aside = load["set_aside"].as_array().unwrap();
    assert!(!aside.is_empty());
    assert_eq!(
        load["read"].as_u64().unwrap(),
        load["used"].as_u64().unwrap() + load["set_aside_total"].as_u64().unwrap()
    );
    // Few enough that every row is an example; the reasons add up.
    assert_eq!(
        load["set_aside_total"].as_u64().unwrap(),
        aside.len() as u64
    );
    let by: u64 = load["set_aside_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by, aside.len() as u64);
    assert!(
        aside
            .iter()
            .all(|s| !s["reason"].as_str().unwrap().is_empty())
    );
}
