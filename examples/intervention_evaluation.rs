//! Did the interview workshop work? An evaluation of a positive action
//! intervention on a synthetic police constable recruitment year.
//!
//! Ethnic minority candidates pass the interview less often this year, and
//! an interview workshop for them (s.158, disadvantage) starts on
//! 1 October 2025, in three cohorts. The example prints:
//!
//! - the comparison at the interview: participants against eligible
//!   non-participants, on the pass rate there and on selection at
//!   appointment (of journeys that have ended), with the difference in
//!   points, the ratio and its interval, Fisher's exact test and the z
//!   test, and a note wherever the numbers are too few to tell;
//! - gap closure: each target group's impact ratio against the reference
//!   group, for participants and for non-participants;
//! - the comparison per cohort, pooled by Mantel-Haenszel;
//! - each group's impact ratio before and after the launch, with
//!   Breslow-Day for whether the disparity changed;
//! - the caveat: participation is self-selected, so all of this is
//!   association, not causation;
//! - and the s.158 evidence the workshop rests on, from the months before it
//!   started, graded from the size of the gap and its uncertainty; a
//!   workshop on figures that show no gap would be refused.
//!
//! ```text
//! cargo run --release --example intervention_evaluation
//! ```

#[path = "common/synthetic.rs"]
mod synthetic;

use std::error::Error;

use chrono::Days;
use positive_action::interventions::{
    EvaluationOptions, InterventionEvaluation, PositiveActionEvidence, Stratification,
};
use positive_action::records::Period;
use positive_action::{
    Breakdown, Counting, FunnelCounts, Group, ImpactAnalysis, ImpactOptions, ReferencePolicy,
};

fn main() -> Result<(), Box<dyn Error>> {
    let year = synthetic::recruitment_with_interview_workshop(20_000, 2025)?;

    let options = EvaluationOptions::new()
        .stratification(Stratification::Cohorts)
        .launch(year.launch);
    let evaluation = InterventionEvaluation::new(
        &year.applications,
        &year.workshop,
        &year.participations,
        &options,
    )?;
    print!("{evaluation}");

    // The lawful basis: was there a disadvantage at the interview before the
    // workshop started? Applications made in the six months before launch.
    let before_launch = Period::new(year.launch - Days::new(183), year.launch - Days::new(1))?;
    let before = year.applications.in_period(&before_launch);
    let by_ethnicity = Breakdown::parse(["ethnicity"])?;
    let counts = FunnelCounts::from_applications(
        &before.applications,
        &by_ethnicity,
        Counting::Applications,
    );
    // Against White candidates, the group the workshop's gap is measured to.
    let white = Group::parse([("ethnicity", "White")])?;
    let analysis = ImpactAnalysis::new(
        &counts,
        &ImpactOptions::new().reference(ReferencePolicy::Group(white)),
    )?;
    let evidence = PositiveActionEvidence::gather(&year.workshop, Some(&analysis), &[])?;
    println!();
    println!(
        "Applications {before_launch}: {}",
        before.applications.journeys().len()
    );
    print!("{evidence}");
    match evidence.require() {
        Ok(evidence) => println!("The workshop rests on {} evidence.", evidence.grade),
        Err(refused) => println!("Refused: {refused}"),
    }
    Ok(())
}
