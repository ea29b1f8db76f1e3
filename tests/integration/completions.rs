//! Completion scripts: the checked-in files match the CLI, and profile names complete.

use clap_complete::Shell;
use modal_setup::Exit;
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
    t.run(&["completions", "tcsh"]).code(Exit::Usage);
}

/// Every script asks the binary, which answers from the CLI and the config file: here as
/// PowerShell's and elvish's scripts ask it (no shell of theirs runs here).
#[test]
fn every_shell_asks_the_binary_for_profile_names() {
    let t = TestEnv::new();
    t.write("[a]\n[\"my.ws\"]\n[\"has space\"]\n");
    for (shell, _) in SHELLS {
        assert!(script(shell).contains("COMPLETE"), "{shell}");
    }
    for shell in ["powershell", "elvish"] {
        let asked = t
            .cmd(&["--", "modal-setup", "--profile", ""])
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "2")
            .run();
        asked.success();
        let offered: Vec<&str> = asked.stdout.lines().collect();
        assert_eq!(offered, ["a", "my.ws", "has space"], "{shell}");
    }
}

/// Runs the bash completion for real when bash is installed.
#[test]
fn bash_completes_profile_names() {
    if missing("bash") {
        return;
    }
    let t = TestEnv::new();
    t.write("[alpha]\n[beta]\n");
    let complete = |line: &str| bash_complete(&t, line);
    let names = complete("modal-setup profile activate ");
    assert!(names.starts_with("alpha\nbeta\n"), "{names}");
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

/// A shell of the test's own: nothing of the caller's environment but the binary on PATH, the
/// test's HOME and config file, started in its directory.
fn shell(t: &TestEnv, program: &str) -> std::process::Command {
    let bin_dir = std::path::Path::new(crate::support::BIN).parent().unwrap();
    let mut command = std::process::Command::new(program);
    command
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", &t.home)
        .env("MODAL_CONFIG_PATH", &t.config)
        .current_dir(t.dir());
    command
}

/// What bash's completion of `line` puts in COMPREPLY, a line each.
fn bash_complete(t: &TestEnv, line: &str) -> String {
    let script_path = t.dir().join("completion.bash");
    std::fs::write(&script_path, script(Shell::Bash)).unwrap();
    let words: Vec<&str> = line.split(' ').collect();
    let program = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _clap_complete_modal_setup modal-setup \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1
    );
    let output = shell(t, "bash").arg("-c").arg(program).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// What fish's completion of `line` offers, a candidate each.
fn fish_complete(t: &TestEnv, line: &str) -> Vec<String> {
    let script_path = t.dir().join("completion.fish");
    std::fs::write(&script_path, script(Shell::Fish)).unwrap();
    let output = shell(t, "fish")
        .arg("--no-config")
        .arg("-c")
        .arg(format!(
            "source {}; complete -C '{line}'",
            script_path.display()
        ))
        .output()
        .unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// What zsh's completion of `line` gave compadd, a candidate each.
fn zsh_complete(t: &TestEnv, line: &str) -> Vec<String> {
    let functions = t.dir().join("zsh-functions");
    std::fs::create_dir_all(&functions).unwrap();
    std::fs::write(functions.join("_modal-setup"), script(Shell::Zsh)).unwrap();
    let capture = t.dir().join("capture.zsh");
    std::fs::write(&capture, ZSH_CAPTURE).unwrap();
    let mut child = shell(t, "zsh")
        .arg("-f")
        .arg(&capture)
        .arg(&functions)
        .arg(line)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("zsh did not finish completing {line:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A profile name is data in every shell: offered as it is, never expanded or run.
#[test]
fn profile_names_are_offered_literally_and_never_run() {
    let t = TestEnv::new();
    let marker = t.dir().join("PWNED");
    let hostile = [
        format!("$(touch {})", marker.display()),
        format!("`touch {}`", marker.display()),
        "has space".to_owned(),
        "a:b".to_owned(),
    ];
    let tables: String = hostile.iter().map(|n| format!("[\"{n}\"]\n")).collect();
    t.write(&format!("{tables}[plain]\n"));
    let mut tried = Vec::new();
    if !missing("bash") {
        let offered = bash_complete(&t, "modal-setup --profile ");
        let quoted = format!("\\$\\(touch\\ {}\\)", marker.display());
        assert!(offered.lines().any(|l| l == quoted), "{offered}");
        assert!(offered.lines().any(|l| l == "has\\ space"), "{offered}");
        assert_eq!(
            bash_complete(&t, "modal-setup profile remove pl"),
            "plain\n"
        );
        tried.push("bash");
    }
    if !missing("fish") {
        let offered = fish_complete(&t, "modal-setup --profile ");
        for name in &hostile {
            assert!(offered.contains(name), "{name}: {offered:?}");
        }
        tried.push("fish");
    }
    if !missing("zsh") {
        let offered = zsh_complete(&t, "modal-setup --profile ");
        assert!(offered.iter().any(|o| o == "plain"), "{offered:?}");
        assert!(offered.iter().any(|o| o == "a:b"), "{offered:?}");
        tried.push("zsh");
    }
    assert!(
        !marker.exists(),
        "completing ran a profile name ({tried:?})"
    );
}

/// Profile names come from the file `--config` names on the line (as `--config PATH`,
/// `--config=PATH`, `~/PATH`, quoted), else from MODAL_CONFIG_PATH's.
#[test]
fn profile_names_come_from_the_config_file_on_the_line() {
    let t = TestEnv::new();
    t.write("[alpha]\n[beta]\n");
    std::fs::write(t.dir().join("other.toml"), "[other-one]\n[other-two]\n").unwrap();
    std::fs::write(t.home.join("in-home.toml"), "[homely]\n").unwrap();
    if !missing("bash") {
        let names = |line: &str| -> Vec<String> {
            let offered = bash_complete(&t, line);
            let names = offered.lines().filter(|word| !word.starts_with('-'));
            names.map(str::to_owned).collect()
        };
        for line in [
            "modal-setup --config other.toml profile activate ",
            "modal-setup --config \"other.toml\" profile remove ",
            // How bash splits `--config=other.toml` (COMP_WORDBREAKS holds `=`).
            "modal-setup --config = other.toml --profile ",
        ] {
            assert_eq!(names(line), ["other-one", "other-two"], "{line}");
        }
        assert_eq!(
            names("modal-setup --config ~/in-home.toml --profile "),
            ["homely"]
        );
        assert_eq!(names("modal-setup --profile "), ["alpha", "beta"]);
    }
    if !missing("zsh") {
        for line in [
            "modal-setup --config other.toml profile activate ",
            "modal-setup --config=other.toml token info --profile ",
        ] {
            let offered = zsh_complete(&t, line);
            assert_offers(line, &offered, &["other-one", "other-two"]);
            assert!(!offered.iter().any(|o| o == "alpha"), "{line}: {offered:?}");
        }
        let line = "modal-setup --config ~/in-home.toml --profile ";
        assert_offers(line, &zsh_complete(&t, line), &["homely"]);
    }
    if !missing("fish") {
        for line in [
            "modal-setup --config other.toml profile activate ",
            "modal-setup --config=other.toml token info --profile ",
        ] {
            let offered = fish_complete(&t, line);
            assert_offers(line, &offered, &["other-one", "other-two"]);
            assert!(!offered.iter().any(|o| o == "alpha"), "{line}: {offered:?}");
        }
        let line = "modal-setup --config ~/in-home.toml --profile ";
        assert_offers(line, &fish_complete(&t, line), &["homely"]);
    }
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

/// Command lines and some of what completing them must offer, in every shell tested for real.
const COMPLETED: &[(&str, &[&str])] = &[
    (
        "modal-setup ",
        &["setup", "token", "profile", "config", "completions"],
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
    ("modal-setup profile activate ", &["alpha", "beta"]),
    ("modal-setup profile remove ", &["alpha", "beta"]),
    ("modal-setup profile rename ", &["alpha", "beta"]),
    ("modal-setup token info --profile ", &["alpha", "beta"]),
];

/// A shell that is not installed skips its test, saying so, or fails it under
/// MODAL_SETUP_REQUIRE_SHELLS=1 (.ci/run installs them all).
#[track_caller]
fn missing(shell: &str) -> bool {
    let missing = std::process::Command::new(shell)
        .arg("--version")
        .output()
        .is_err();
    if missing {
        let test = std::thread::current()
            .name()
            .unwrap_or("completions")
            .to_owned();
        crate::support::skip(
            &test,
            crate::support::Needs::Shells,
            &format!("{shell} is not installed"),
        );
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
    let complete = |line: &str| fish_complete(&t, line);
    let equals = (
        "modal-setup --color=",
        &["--color=auto", "--color=never"][..],
    );
    for (line, expected) in COMPLETED.iter().copied().chain([equals]) {
        assert_offers(line, &complete(line), expected);
    }
}

/// Drives zsh's completion in a pseudo-terminal (zsh/zpty): loads the script through fpath
/// and compinit, types the line and TAB, and prints every candidate zsh's `compadd` was given.
const ZSH_CAPTURE: &str = r#"
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd () { local -a hits; local p=CAN; p+=DIDATE:; builtin compadd -O hits "$@"; print -r -- "${(@)hits/#/$p}"; builtin compadd "$@" }'
zpty -w z 'bindkey "^I" complete-word'
# Type the line only once the shell is ready for it: typeahead during start-up can be lost.
zpty -w z 'print -r -- READY''FORINPUT'
local line
while zpty -r z line; do [[ $line == *READYFORINPUT* ]] && break; done
zpty -w z "$2"$'\t'
# Read until candidates have come and the terminal has been quiet for 0.3 s (15 s at most).
local out chunk
integer quiet=0 waited=0
while (( waited < 1500 )) && { [[ $out != *CANDIDATE:* ]] || (( quiet < 6 )) }; do
  if zpty -rt z chunk; then
    out+=$chunk; quiet=0
  else
    sleep 0.05; (( quiet++, waited += 5 ))
  fi
done
print -r -- "$out" | tr -d '\r' | grep -o 'CANDIDATE:[^ ]*' | cut -c11-
zpty -d z
"#;

/// Runs zsh's completion for real when zsh is installed (.ci/run installs it).
#[test]
fn zsh_completes_subcommands_flags_values_and_profile_names() {
    if missing("zsh") {
        return;
    }
    let t = TestEnv::new();
    t.write("[alpha]\n[beta]\n");
    let complete = |line: &str| zsh_complete(&t, line);
    let equals = (
        "modal-setup --color=",
        &["--color=auto", "--color=never"][..],
    );
    for (line, expected) in COMPLETED.iter().copied().chain([equals]) {
        assert_offers(line, &complete(line), expected);
    }
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
    // bash without the bash-completion package: the line for ~/.bashrc, then an interactive
    // bash that read it has the completion, and it completes.
    let bashrc_line = section
        .lines()
        .find(|line| line.starts_with("echo ") && line.ends_with(">> ~/.bashrc"))
        .expect("a ~/.bashrc line for bash without bash-completion");
    if !missing("bash") {
        let ran = |program: &str, args: &[&str]| {
            let output = std::process::Command::new(program)
                .args(args)
                .env_clear()
                .env("HOME", &t.home)
                .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
                .env("MODAL_CONFIG_PATH", &t.config)
                .current_dir(&t.home)
                .output()
                .unwrap();
            assert!(output.status.success(), "{args:?}: {output:?}");
            String::from_utf8(output.stdout).unwrap()
        };
        ran("sh", &["-c", bashrc_line]);
        t.write("[alpha]\n");
        let completed = ran(
            "bash",
            &[
                "-i",
                "-c",
                "complete -p modal-setup >/dev/null && COMP_WORDS=(modal-setup --profile ''); COMP_CWORD=2; _clap_complete_modal_setup modal-setup '' --profile; printf '%s\\n' \"${COMPREPLY[@]}\"",
            ],
        );
        assert!(completed.starts_with("alpha\n"), "{completed}");
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
