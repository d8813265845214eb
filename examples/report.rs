//! The main job: the funnel and the adverse impact report of a recruitment
//! year, as text, JSON or an SVG chart, safe to publish with small-cell
//! suppression.
//!
//! With no arguments it runs on an embedded synthetic force year: police
//! constable recruitment (about 5,000 applicants through eight stages) with
//! an interview workshop for ethnic minority candidates, and a
//! Constable-to-Sergeant promotion round.
//!
//! ```text
//! cargo run --release --example report
//! cargo run --release --example report -- --input counts.json --json
//! cargo run --release --example report -- --help
//! ```

#[path = "common/synthetic.rs"]
mod synthetic;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use positive_action::counts::StageTimes;
use positive_action::io::{CsvCounts, CsvOptions, Mode, SetAside, StageOrder, count_csv_path};
use positive_action::report::{
    LoadSummary, Report, ReportInput, ReportOptions, SET_ASIDE_EXAMPLES,
};
use positive_action::{
    Applications, Breakdown, Counting, Error, Funnel, FunnelCounts, Group, ImpactOptions,
    RateBasis, ReferencePolicy,
};

const HELP: &str = "\
report: funnel and adverse impact report of a positive action pipeline

USAGE:
    report [OPTIONS]

With no input, runs on an embedded synthetic force year (police constable
recruitment with an interview workshop, and a Constable-to-Sergeant
promotion round).

INPUT:
    --input FILE.json        counts or candidate records (JSON contract v1)
    --csv FILE.csv           long format: candidate, stage, outcome[, date][, interventions], characteristics...
    --parquet PATH           a Parquet file, or a folder of them, in the long format of --csv
                             (built with --features arrow)
    --stages a,b,c           stage order for CSV or Parquet input (otherwise inferred)
    --lenient                set bad rows and journeys aside (reported) instead of stopping;
                             the report counts them by reason and shows the first 5 of each
    --set-aside FILE.csv     write every row set aside (line, candidate, reason) as CSV
                             (CSV input)
    --fold-labels            count labels that differ only by case or invisible
                             characters (White, white) as one group (CSV input)
    A FILE that is a FIFO is read until its writer closes it; with no writer
    the report waits, as cat does (there is no time-out).

ANALYSIS:
    --by sex,ethnicity       breakdown; intersectional when more than one is given
    --reference POLICY       highest | overall | min-share:0.02 | group:ethnicity=White
    --basis decided|entered  pass rate denominator (default decided)
    --threshold X            four-fifths threshold, in (0, 1] (default 0.8)
    --alpha X                significance level, in (0, 1) (default 0.05)
    --min-cell K             withhold counts 1..K-1 and what reveals them (publication)

OUTPUT:
    --json                   print the report as JSON on stdout
    --svg FILE               write the chart as SVG
    --help                   print this help
";

#[derive(Debug, Default)]
struct Args {
    input: Option<PathBuf>,
    csv: Option<PathBuf>,
    parquet: Option<PathBuf>,
    stages: Option<Vec<String>>,
    by: Option<Vec<String>>,
    reference: Option<ReferencePolicy>,
    basis: Option<RateBasis>,
    threshold: Option<f64>,
    alpha: Option<f64>,
    min_cell: Option<u64>,
    json: bool,
    svg: Option<PathBuf>,
    lenient: bool,
    set_aside: Option<PathBuf>,
    fold_labels: bool,
    help: bool,
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{flag}: {value:?} is not a valid number"))
}

fn parse_reference(value: &str) -> Result<ReferencePolicy, String> {
    let value = value.trim();
    if value == "highest" || value == "highest_rate" {
        return Ok(ReferencePolicy::HighestRate);
    }
    if value == "overall" {
        return Ok(ReferencePolicy::Overall);
    }
    if let Some(share) = value.strip_prefix("min-share:") {
        return Ok(ReferencePolicy::HighestRateAmong {
            min_share: parse_number("--reference min-share", share)?,
        });
    }
    if let Some(spec) = value.strip_prefix("group:") {
        let pairs: Vec<(&str, &str)> = spec
            .split(',')
            .map(|kv| {
                kv.split_once('=').ok_or_else(|| {
                    format!("--reference group: expected characteristic=category, got {kv:?}")
                })
            })
            .collect::<Result<_, _>>()?;
        let group = Group::parse(pairs).map_err(|e| format!("--reference: {e}"))?;
        return Ok(ReferencePolicy::Group(group));
    }
    Err(format!(
        "--reference: {value:?} is not a policy; expected highest, overall, min-share:0.02 or group:ethnicity=White"
    ))
}

fn parse_args(raw: impl IntoIterator<Item = OsString>) -> Result<Args, String> {
    let mut args = Args::default();
    // Arguments are read as the OS gives them: one that is not UTF-8 (a
    // file name with byte 0xFF) is named, not a panic.
    let raw: Vec<String> = raw
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            a.into_string().map_err(|a| {
                format!(
                    "argument {} ({:?}) is not valid UTF-8: expected UTF-8 text; rename the file or give it another way",
                    i + 1,
                    a.to_string_lossy()
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let mut it = raw.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        // A switch takes no value: `--lenient=no` must not turn it on.
        let switch = |name: &str| -> Result<bool, String> {
            match &inline {
                Some(v) => Err(format!(
                    "{name} takes no value, but was given {v:?}: expected {name} alone, or leave it out"
                )),
                None => Ok(true),
            }
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value; see --help"))
        };
        let list = |v: String| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        match flag.as_str() {
            "--input" => args.input = Some(value("--input")?.into()),
            "--csv" => args.csv = Some(value("--csv")?.into()),
            "--parquet" => args.parquet = Some(value("--parquet")?.into()),
            "--stages" => args.stages = Some(list(value("--stages")?)),
            "--by" => args.by = Some(list(value("--by")?)),
            "--reference" => args.reference = Some(parse_reference(&value("--reference")?)?),
            "--basis" => {
                args.basis = Some(
                    value("--basis")?
                        .parse()
                        .map_err(|e| format!("--basis: {e}"))?,
                )
            }
            "--threshold" => {
                args.threshold = Some(parse_number("--threshold", &value("--threshold")?)?)
            }
            "--alpha" => args.alpha = Some(parse_number("--alpha", &value("--alpha")?)?),
            "--min-cell" => {
                args.min_cell = Some(parse_number("--min-cell", &value("--min-cell")?)?)
            }
            "--svg" => args.svg = Some(value("--svg")?.into()),
            "--set-aside" => args.set_aside = Some(value("--set-aside")?.into()),
            "--json" => args.json = switch("--json")?,
            "--lenient" => args.lenient = switch("--lenient")?,
            "--fold-labels" => args.fold_labels = switch("--fold-labels")?,
            "--help" | "-h" => args.help = switch("--help")?,
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    let inputs = [
        args.input.is_some(),
        args.csv.is_some(),
        args.parquet.is_some(),
    ];
    if inputs.iter().filter(|&&given| given).count() > 1 {
        return Err("give one of --input, --csv and --parquet".to_owned());
    }
    if args.parquet.is_some() && cfg!(not(feature = "arrow")) {
        return Err(
            "--parquet needs the arrow feature: cargo run --release --features arrow --example report -- --parquet PATH"
                .to_owned(),
        );
    }
    let input = args.input.as_ref().or(args.csv.as_ref());
    if let (Some(svg), Some(input)) = (&args.svg, input.or(args.parquet.as_ref())) {
        if same_file(svg, input) {
            return Err(format!(
                "--svg {} is the input file: expected another path for the chart, so the input is not overwritten",
                svg.display()
            ));
        }
    }
    if let Some(aside) = &args.set_aside {
        let Some(csv) = args.csv.as_ref().or(args.parquet.as_ref()) else {
            return Err("--set-aside applies to --csv and --parquet input only".to_owned());
        };
        if same_file(aside, csv) {
            return Err(format!(
                "--set-aside {} is the input file: expected another path for the rows set aside, so the input is not overwritten",
                aside.display()
            ));
        }
        if args.svg.as_ref().is_some_and(|svg| same_file(svg, aside)) {
            return Err(format!(
                "--set-aside {} is also the --svg file: expected two paths",
                aside.display()
            ));
        }
    }
    Ok(args)
}

/// Whether two paths name one file: the same path, or (when both exist)
/// the same file by its canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Applies command-line options over the input's or the defaults.
fn options(args: &Args, base: ReportOptions) -> Result<ReportOptions, String> {
    let mut o = base;
    if let Some(by) = &args.by {
        o.breakdown = Breakdown::parse(by).map_err(|e| format!("--by: {e}"))?;
    }
    if let Some(r) = &args.reference {
        o.impact.reference = r.clone();
    }
    if let Some(b) = args.basis {
        o.impact.rate_basis = b;
    }
    if let Some(t) = args.threshold {
        o.impact.threshold = t;
    }
    if let Some(a) = args.alpha {
        o.impact.alpha = a;
    }
    if let Some(k) = args.min_cell {
        o.min_cell = k;
    }
    o.impact.validate().map_err(|e| e.to_string())?;
    Ok(o)
}

/// Reads a JSON input file. Its errors use the words the CSV reader's do:
/// `cannot read json file "PATH": REASON`.
fn read_file(path: &Path) -> Result<String, String> {
    let cannot = |reason: String| {
        format!(
            "cannot read json file {:?}: {reason}",
            path.display().to_string()
        )
    };
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(cannot("is a directory: expected a json file".to_owned()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let reason = e.to_string();
        let mut chars = reason.chars();
        cannot(match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect(),
            None => reason,
        })
    })?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (invalid byte at offset {}): expected a JSON file",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// One report to print, with the unsuppressed counts and stage times for
/// the funnel view when the input had candidate records.
struct Job {
    report: Report,
    funnel: Option<(FunnelCounts, StageTimes)>,
}

/// The funnel view's counts and stage times of candidate records.
fn funnel_of(applications: &Applications, breakdown: &Breakdown) -> (FunnelCounts, StageTimes) {
    (
        FunnelCounts::from_applications(applications, breakdown, Counting::Applications),
        StageTimes::from_applications(applications, breakdown, Counting::Applications),
    )
}

fn default_jobs(args: &Args) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    let defaults = ReportOptions {
        breakdown: Breakdown::parse(["ethnicity"]).map_err(|e| e.to_string())?,
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let options = options(args, defaults)?;
    // Recruitment, with an interview workshop for ethnic minority
    // candidates launched in October, and a promotion round.
    let year =
        synthetic::recruitment_with_interview_workshop(5_000, 2025).map_err(|e| e.to_string())?;
    let evaluation = year.evaluation().map_err(|e| e.to_string())?;
    let promotion = synthetic::sergeant_promotion(1_200, 2025).map_err(|e| e.to_string())?;
    for (applications, evaluation) in [(year.applications, Some(evaluation)), (promotion, None)] {
        let counts = FunnelCounts::from_applications(
            &applications,
            &options.breakdown,
            Counting::Applications,
        );
        let mut report = Report::new(&counts, &options, &[]).map_err(|e| e.to_string())?;
        if let Some(e) = evaluation {
            report = report.with_intervention(e);
        }
        jobs.push(Job {
            funnel: Some(funnel_of(&applications, &options.breakdown)),
            report,
        });
    }
    Ok(jobs)
}

/// `--by` over candidate records: every characteristic named must be one
/// some candidate's profile gives, or everyone would silently be "not
/// recorded".
fn check_by_records(apps: &Applications, breakdown: &Breakdown) -> Result<(), String> {
    let mut known: Vec<&str> = Vec::new();
    for candidate in apps.candidates() {
        for c in candidate.profile.characteristics() {
            if !known.contains(&c.name()) {
                known.push(c.name());
            }
        }
    }
    for wanted in breakdown.characteristics() {
        if !known.contains(&wanted.name()) {
            return Err(format!(
                "--by: no candidate's profile has the characteristic {:?}: expected one of {}",
                wanted.name(),
                if known.is_empty() {
                    "(the profiles name none)".to_owned()
                } else {
                    known
                        .iter()
                        .map(|k| format!("{k:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        }
    }
    Ok(())
}

fn input_job(args: &Args, path: &Path) -> Result<Job, String> {
    let text = read_file(path)?;
    let input = ReportInput::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let prepared = input
        .prepare(args.lenient)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let options = options(args, prepared.options.clone())?;
    if let (Some(apps), Some(_)) = (&prepared.applications, &args.by) {
        check_by_records(apps, &options.breakdown)?;
    }
    if prepared.applications.is_none() && options.breakdown != prepared.options.breakdown {
        let names = |b: &Breakdown| {
            b.characteristics()
                .iter()
                .map(|c| c.name().to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "{}: --by {}: the counts in this file are by [{}], and counts cannot be regrouped: expected --by {} or no --by (candidate records can be regrouped by any breakdown)",
            path.display(),
            names(&options.breakdown),
            names(&prepared.options.breakdown),
            names(&prepared.options.breakdown)
        ));
    }
    let counts = match &prepared.applications {
        // Candidate records can be regrouped by any breakdown.
        Some(apps) if options.breakdown != prepared.options.breakdown => {
            FunnelCounts::from_applications(apps, &options.breakdown, Counting::Applications)
        }
        _ => prepared.counts.clone(),
    };
    let mut report = Report::new(&counts, &options, &prepared.strata)
        .map_err(|e| e.to_string())?
        .with_representation(prepared.representation);
    report.load = prepared.load;
    report.notes.extend(prepared.notes);
    Ok(Job {
        funnel: prepared
            .applications
            .as_ref()
            .map(|apps| funnel_of(apps, &options.breakdown)),
        report,
    })
}

fn run(args: Args) -> Result<(), String> {
    if args.help {
        return print(HELP);
    }
    if args.stages.is_some() && args.csv.is_none() && args.parquet.is_none() {
        return Err("--stages applies to --csv and --parquet input only".to_owned());
    }
    let jobs = match (&args.input, &args.csv, &args.parquet) {
        (Some(path), _, _) => vec![input_job(&args, path)?],
        (_, Some(path), _) => vec![csv_job(&args, path, |p, o, b, c| {
            count_csv_path(p, o, b, c)
        })?],
        #[cfg(feature = "arrow")]
        (_, _, Some(path)) => vec![csv_job(&args, path, |p, o, b, c| {
            positive_action::io::count_parquet(p, o, b, c)
        })?],
        _ => default_jobs(&args)?,
    };
    if args.json {
        // JSON output is one report: the first pipeline's.
        let report = &jobs[0].report;
        let text =
            serde_json::to_string_pretty(report).map_err(|e| format!("cannot write json: {e}"))?;
        print(&format!("{text}\n"))?;
        if jobs.len() > 1 {
            eprintln!(
                "note: --json prints the first pipeline's report ({})",
                report.pipeline
            );
        }
    } else {
        let mut out = String::new();
        for job in &jobs {
            // The funnel view shows unsuppressed counts: only without
            // --min-cell, for the analyst's own eyes.
            if let (Some((counts, times)), None) = (&job.funnel, &job.report.suppression) {
                let funnel = Funnel::new(counts, job.report.options.rate_basis)
                    .map_err(|e| e.to_string())?
                    .with_stage_times(times);
                out.push_str(&format!("{funnel}\n"));
            }
            out.push_str(&format!("{}\n", job.report));
        }
        print(&out)?;
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, jobs[0].report.to_svg())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Prints to stdout. A reader that has gone away (`report --json | head
/// -1`) is not an error: the output is simply no longer wanted, so the rest
/// is dropped quietly, as `cat` and `grep` do.
fn print(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// How a file in the long format is counted: CSV or Parquet.
type CountFile = fn(&Path, &CsvOptions, &Breakdown, Counting) -> positive_action::Result<CsvCounts>;

fn csv_job(args: &Args, path: &Path, count_file: CountFile) -> Result<Job, String> {
    let mut csv = CsvOptions::new();
    if let Some(stages) = &args.stages {
        csv = csv.stages(stages);
    }
    if args.lenient {
        csv = csv.mode(Mode::Lenient);
    }
    csv = csv.fold_labels(args.fold_labels);
    // Progress on stderr, for large files only: a small file's one error
    // line stays the only line.
    csv = csv.progress(500_000, |p| {
        if p.rows_read >= 500_000 {
            eprintln!(
                "read {} rows ({:.0} MB)",
                p.rows_read,
                p.bytes_read as f64 / 1e6
            );
        }
    });
    let defaults = ReportOptions {
        breakdown: Breakdown::parse(["ethnicity"]).map_err(|e| e.to_string())?,
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let options = options(args, defaults)?;
    // Counts straight from the CSV: the report needs no candidate records.
    let mut options = options;
    let mut fallback = None;
    let counted = match count_file(path, &csv, &options.breakdown, Counting::Applications) {
        // The default breakdown, in a file without its column: report all
        // candidates together and say so. A breakdown asked for with --by
        // is an error that lists the columns there are.
        Err(error)
            if args.by.is_none()
                && matches!(
                    match &error {
                        Error::InFile { error, .. } => error.as_ref(),
                        error => error,
                    },
                    Error::UnknownBreakdownColumn { .. }
                ) =>
        {
            fallback = Some(match error {
                Error::InFile { error, .. } => error.to_string(),
                error => error.to_string(),
            });
            options.breakdown = Breakdown::default();
            count_file(path, &csv, &options.breakdown, Counting::Applications)
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;
    let counts = &counted.counts;
    let mut report = Report::new(counts, &options, &[]).map_err(|e| e.to_string())?;
    let l = &counted.load;
    let summary = LoadSummary::from(l);
    // The report shows the first few rows set aside for each reason; the
    // file, when asked for, has every one.
    if let Some(out) = &args.set_aside {
        write_set_aside(out, &l.set_aside)?;
        report.notes.push(format!(
            "wrote all {} rows set aside (line, candidate, reason) to {}",
            l.set_aside.len(),
            out.display()
        ));
    } else if summary.set_aside_cut() {
        report.notes.push(format!(
            "the report shows {} of the {} rows set aside, the first {} of each reason; give --set-aside FILE.csv to write every one",
            summary.set_aside.len(),
            summary.set_aside_total,
            SET_ASIDE_EXAMPLES
        ));
    }
    report.load = Some(summary);
    for warning in &l.label_warnings {
        report.notes.push(format!("warning: {warning}"));
    }
    if let Some(why) = fallback {
        report.notes.push(format!(
            "no breakdown: the default one cannot be used ({why}); the report is of all candidates together, give --by to break it down"
        ));
    }
    report.notes.push(format!(
        "loaded {} rows from {}: {} used, {} set aside; stage order {}",
        l.rows_read,
        path.display(),
        l.rows_used,
        l.rows_set_aside,
        match l.stage_order {
            StageOrder::Given => "given",
            StageOrder::InferredWithTies =>
                "inferred, with stages no candidate went between in the order they first appear (give --stages)",
            _ => "inferred from the candidates' sequences",
        }
    ));
    Ok(Job {
        report,
        funnel: Some((counted.counts, counted.stage_times)),
    })
}

/// Writes every row set aside as CSV: line, candidate, reason, quoted
/// where a field holds a comma, a quote or a line break (RFC 4180).
fn write_set_aside(path: &Path, rows: &[SetAside]) -> Result<(), String> {
    fn field(out: &mut String, text: &str) {
        if text.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(text);
        }
    }
    let cannot = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(cannot)?;
    let mut w = std::io::BufWriter::new(file);
    w.write_all(b"line,candidate,reason\n").map_err(cannot)?;
    let mut out = String::new();
    for row in rows {
        out.clear();
        out.push_str(&row.line.to_string());
        out.push(',');
        field(&mut out, row.candidate.as_deref().unwrap_or(""));
        out.push(',');
        field(&mut out, &row.reason);
        out.push('\n');
        w.write_all(out.as_bytes()).map_err(cannot)?;
    }
    w.flush().map_err(cannot)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
