//! The README's JSON is the input contract: every JSON block in it must be
//! accepted by `--input` as shown. (Its Rust blocks run as doctests.)

#[cfg(feature = "serde")]
#[test]
fn every_json_block_in_the_readme_is_valid_report_input() {
    use positive_action::report::ReportInput;

    let readme = include_str!("../../README.md");
    let mut blocks = 0;
    let mut rest = readme;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + "```json\n".len()..];
        let end = body.find("```").expect("a closed block");
        let json = &body[..end];
        let input = ReportInput::from_json(json)
            .unwrap_or_else(|e| panic!("README JSON block {blocks} is rejected: {e}\n{json}"));
        input
            .prepare(false)
            .unwrap_or_else(|e| panic!("README JSON block {blocks} cannot be analysed: {e}"));
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks >= 1, "the README shows the JSON input");
}
