//! Hostile config files (tests/fixtures/hostile, written by generate.py there, plus a few made
//! here because they are large): no panic; either exit 1 with path, line and column and the file
//! untouched, or, for valid TOML, an edit that keeps every other byte.

use std::path::Path;

use modal_setup::Exit;

use crate::support::TestEnv;
use crate::support::words;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");

enum Expected {
    Error {
        line: usize,
        column: usize,
    },
    Edit,
    /// Edited, and every `active = true` but the first removed: only one profile stays active.
    Settle,
}

fn expectations() -> Vec<(String, Expected)> {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("EXPECTED")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let expected = match parts[1] {
                "edit" => Expected::Edit,
                "settle" => Expected::Settle,
                "error" => {
                    let (l, c) = parts[2].split_once(':').unwrap();
                    Expected::Error {
                        line: l.parse().unwrap(),
                        column: c.parse().unwrap(),
                    }
                }
                other => panic!("unknown expectation {other}"),
            };
            (parts[0].to_owned(), expected)
        })
        .collect()
}

/// Refused: exit 1 (never a panic), `path:line:column:` and a hint, the bytes untouched.
fn assert_refused(t: &TestEnv, what: &str, bytes: &[u8], at: Option<(usize, usize)>) {
    let path = t.config.display().to_string();
    for args in [
        &["profile", "list"][..],
        &words("token set --id ak-x --secret as-x --profile zz --no-verify"),
    ] {
        let run = t.run(args);
        assert_eq!(
            run.code,
            Some(Exit::Failure as i32),
            "{what}: {args:?}\n{run:#?}"
        );
        let wanted = match at {
            Some((line, column)) => format!("error: {path}:{line}:{column}: "),
            None => format!("error: {path}:"),
        };
        assert!(
            run.stderr.contains(&wanted),
            "{what}: wanted {wanted:?} in\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("hint:"), "{what}: no hint");
        assert!(
            std::fs::read(&t.config).unwrap() == bytes,
            "{what}: the file changed"
        );
    }
}

/// Edited: the new profile is added and every byte of the original is kept, in front, but for
/// a byte-order mark, which Modal's Python client and the Go SDK refuse.
fn assert_edited(t: &TestEnv, what: &str, bytes: &[u8]) {
    t.token_set("ak-x", "as-x")
        .profile("zz")
        .no_verify()
        .no_activate()
        .run()
        .success();
    let after = std::fs::read(&t.config).unwrap();
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    assert!(
        after.starts_with(bytes),
        "{what}: the original bytes are not kept:\n{}",
        String::from_utf8_lossy(&after)
    );
    assert!(
        String::from_utf8_lossy(&after[bytes.len()..]).contains("[zz]"),
        "{what}"
    );
    t.run(&["profile", "list"]).success();
}

#[test]
fn fixtures_are_refused_or_edited_as_expected() {
    let expected = expectations();
    let on_disk: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    assert!(expected.len() >= 50, "at least 50 cases");
    assert_eq!(
        on_disk.len(),
        expected.len(),
        "EXPECTED and the fixtures disagree"
    );
    let t = TestEnv::new();
    for (name, expectation) in &expected {
        let bytes = std::fs::read(Path::new(FIXTURES).join(name)).unwrap();
        std::fs::write(&t.config, &bytes).unwrap();
        match expectation {
            Expected::Error { line, column } => {
                assert_refused(&t, name, &bytes, Some((*line, *column)))
            }
            Expected::Edit => assert_edited(&t, name, &bytes),
            Expected::Settle => {
                let text = String::from_utf8(bytes.clone()).unwrap();
                let first = text.find("active = true\n").unwrap() + "active = true\n".len();
                let settled = format!(
                    "{}{}",
                    &text[..first],
                    text[first..].replace("active = true\n", "")
                );
                assert_edited(&t, name, settled.as_bytes());
            }
        }
    }
}

#[test]
fn a_10_mb_file_with_a_very_long_line_is_edited() {
    let t = TestEnv::new();
    let mut text = String::from("# big\n[a]\ntoken_id = \"ak-a\"\nnote = \"");
    text.push_str(&"x".repeat(10 * 1024 * 1024));
    text.push_str("\"\n");
    t.write(&text);
    assert_edited(&t, "10 MB", text.as_bytes());
}

#[test]
fn ten_mb_of_garbage_is_refused_quickly() {
    let t = TestEnv::new();
    let garbage: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&t.config, &garbage).unwrap();
    assert_refused(&t, "garbage", &garbage, None);
}

#[test]
fn very_deep_nesting_is_refused_without_a_stack_overflow() {
    let t = TestEnv::new();
    for (open, close) in [("[", "]"), ("{ a = ", " }")] {
        let depth = 100_000;
        let text = format!("[a]\nx = {}1{}\n", open.repeat(depth), close.repeat(depth));
        t.write(&text);
        assert_refused(&t, "deep nesting", text.as_bytes(), None);
    }
}

#[test]
fn a_line_of_a_million_keys_is_handled() {
    let t = TestEnv::new();
    let keys: Vec<String> = (0..100_000).map(|i| format!("k{i} = {i}")).collect();
    let text = format!("[a]\nx = {{ {} }}\n", keys.join(", "));
    t.write(&text);
    assert_edited(&t, "long inline table", text.as_bytes());
}
