//! Completion scripts: the checked-in files match the CLI, and profile names complete.

use clap_complete::Shell;
use modal_setup::commands::completions::script;

use crate::support::TestEnv;

const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "modal-setup.bash"),
    (Shell::Zsh, "_modal-setup"),
    (Shell::Fish, "modal-setup.fish"),
    (Shell::PowerShell, "_modal-setup.ps1"),
    (Shell::Elvish, "modal-setup.elv"),
];

/// Fails when completions/ drifts from the CLI. `UPDATE_COMPLETIONS=1 cargo test` rewrites it.
#[test]
fn checked_in_completions_match_the_cli() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    for (shell, file) in SHELLS {
        let path = dir.join(file);
        let fresh = script(shell);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let saved = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            saved == fresh,
            "{} is out of date: run `UPDATE_COMPLETIONS=1 cargo test --test integration completions`",
            path.display()
        );
    }
}

#[test]
fn the_binary_prints_the_same_scripts() {
    let t = TestEnv::new();
    for (shell, _) in SHELLS {
        let name = shell.to_string();
        t.run(&["completions", &name])
            .success()
            .stdout_is(&script(shell));
    }
    t.run(&["completions", "tcsh"]).code(2);
}

#[test]
fn profile_names_complete_in_bash_zsh_and_fish() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let text = script(shell);
        assert!(text.contains("modal-setup profile list --names"), "{shell}");
    }
    let zsh = script(Shell::Zsh);
    assert!(
        zsh.contains("--profile=[") && zsh.contains(":NAME:_modal_setup_profiles"),
        "{zsh}"
    );
    let t = TestEnv::new();
    t.write("[a]\n[\"my.ws\"]\n");
    t.run(&["profile", "list", "--names"])
        .success()
        .stdout_is("a\nmy.ws\n");
}

/// Runs the bash completion for real when bash is installed.
#[test]
fn bash_completes_profile_names() {
    if missing("bash") {
        return;
    }
    let t = TestEnv::new();
    t.write("[alpha]\n[beta]\n");
    let script_path = t.dir().join("completion.bash");
    std::fs::write(&script_path, script(Shell::Bash)).unwrap();
    let bin_dir = std::path::Path::new(crate::support::BIN).parent().unwrap();
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "source {}; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _modal_setup_with_profiles modal-setup \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script_path.display(),
            words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            words.len() - 1
        );
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(program)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("HOME", &t.home)
            .env("MODAL_CONFIG_PATH", &t.config)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(complete("modal-setup profile activate "), "alpha\nbeta\n");
    // Below the top level: subcommands, flags and values.
    let words = |line: &str| -> Vec<String> { complete(line).lines().map(str::to_owned).collect() };
    for (line, expected) in [
        (
            "modal-setup profile ",
            &["activate", "current", "list", "remove", "rename"][..],
        ),
        ("modal-setup token ", &["set", "new", "info", "rotate"]),
        ("modal-setup config ", &["show", "path"]),
        (
            "modal-setup token set --",
            &[
                "--id",
                "--secret",
                "--no-verify",
                "--delete-existing",
                "--profile",
            ],
        ),
        (
            "modal-setup setup --",
            &["--no-browser", "--expires-in", "--port"],
        ),
        ("modal-setup profile list --", &["--json", "--check"]),
        ("modal-setup --color ", &["auto", "always", "never"]),
        (
            "modal-setup completions ",
            &["bash", "zsh", "fish", "powershell", "elvish"],
        ),
    ] {
        assert_offers(line, &words(line), expected);
    }
    assert_eq!(complete("modal-setup token set --profile b"), "beta\n");
    assert!(complete("modal-setup prof").contains("profile"));
}

/// Fails unless completing `line` offered every one of `expected`.
#[track_caller]
fn assert_offers(line: &str, offered: &[String], expected: &[&str]) {
    for word in expected {
        assert!(
            offered.iter().any(|o| o == word),
            "{line:?} does not offer {word}: {offered:?}"
        );
    }
}

/// A shell that is not installed skips its test, saying so (.ci/run installs them all).
fn missing(shell: &str) -> bool {
    let missing = std::process::Command::new(shell)
        .arg("--version")
        .output()
        .is_err();
    if missing {
        eprintln!("{shell} is not installed; skipping");
    }
    missing
}

/// Runs the fish completion for real when fish is installed (.ci/run installs it).
#[test]
fn fish_completes_subcommands_flags_values_and_profile_names() {
    if missing("fish") {
        return;
    }
    let t = TestEnv::new();
    t.write("[alpha]\n[beta]\n");
    let script_path = t.dir().join("completion.fish");
    std::fs::write(&script_path, script(Shell::Fish)).unwrap();
    let bin_dir = std::path::Path::new(crate::support::BIN).parent().unwrap();
    let complete = |line: &str| -> Vec<String> {
        let output = std::process::Command::new("fish")
            .arg("--no-config")
            .arg("-c")
            .arg(format!(
                "source {}; complete -C '{line}'",
                script_path.display()
            ))
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("HOME", &t.home)
            .env("MODAL_CONFIG_PATH", &t.config)
            .output()
            .unwrap();
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    };
    for (line, expected) in [
        (
            "modal-setup ",
            &["setup", "token", "profile", "config", "completions"][..],
        ),
        (
            "modal-setup profile ",
            &["activate", "current", "list", "remove", "rename"],
        ),
        ("modal-setup token ", &["set", "new", "info", "rotate"]),
        (
            "modal-setup token set --",
            &["--id", "--secret", "--no-verify", "--profile"],
        ),
        (
            "modal-setup profile list --color ",
            &["auto", "always", "never"],
        ),
        ("modal-setup --color=", &["--color=auto", "--color=never"]),
        ("modal-setup profile activate ", &["alpha", "beta"]),
        ("modal-setup token info --profile ", &["alpha", "beta"]),
    ] {
        assert_offers(line, &complete(line), expected);
    }
}

/// zsh cannot be driven without a terminal here: check that the script at least parses.
#[test]
fn zsh_parses_the_script() {
    if missing("zsh") {
        return;
    }
    let t = TestEnv::new();
    let script_path = t.dir().join("_modal-setup");
    std::fs::write(&script_path, script(Shell::Zsh)).unwrap();
    let output = std::process::Command::new("zsh")
        .arg("-n")
        .arg(&script_path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The README's completion install lines work as written on a fresh home.
#[test]
fn the_readme_install_lines_work_on_a_fresh_home() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let section = readme
        .split("## Install")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an Install section");
    let lines: Vec<&str> = section
        .lines()
        .filter(|line| line.starts_with("mkdir -p "))
        .collect();
    assert_eq!(lines.len(), 3, "bash, zsh and fish: {section}");
    let t = TestEnv::new();
    let bin_dir = std::path::Path::new(crate::support::BIN).parent().unwrap();
    for line in &lines {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(line)
            .env_clear()
            .env("HOME", &t.home)
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .status()
            .unwrap();
        assert!(status.success(), "{line}");
    }
    for (path, shell) in [
        (
            ".local/share/bash-completion/completions/modal-setup",
            Shell::Bash,
        ),
        (".zfunc/_modal-setup", Shell::Zsh),
        (".config/fish/completions/modal-setup.fish", Shell::Fish),
    ] {
        assert_eq!(
            std::fs::read_to_string(t.home.join(path)).unwrap(),
            script(shell),
            "{path}"
        );
    }
}
