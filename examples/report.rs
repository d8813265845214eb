//! The main job: the funnel of a recruitment year, per group.
//!
//! Runs on an embedded synthetic force year: police constable recruitment,
//! about 5,000 applicants through eight stages, broken down by sex and by
//! ethnicity.
//!
//! ```text
//! cargo run --release --example report
//! ```

#[path = "common/synthetic.rs"]
mod synthetic;

use std::process::ExitCode;

use positive_action::{Breakdown, Counting, Funnel, FunnelCounts, RateBasis, StageTimes};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> positive_action::Result<()> {
    let applications = synthetic::constable_recruitment(5_000, 2025)?;
    println!("{}", applications.pipeline());
    println!(
        "{} candidates, {} applications\n",
        applications.candidates().len(),
        applications.journeys().len()
    );
    for by in [["sex"], ["ethnicity"]] {
        let breakdown = Breakdown::parse(by)?;
        let counts =
            FunnelCounts::from_applications(&applications, &breakdown, Counting::Applications);
        let times =
            StageTimes::from_applications(&applications, &breakdown, Counting::Applications);
        let funnel = Funnel::new(&counts, RateBasis::Decided)?.with_stage_times(&times);
        println!("{funnel}");
    }
    Ok(())
}
