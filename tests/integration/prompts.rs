//! The questions asked on a terminal, answered in a pseudo-terminal.

use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;

use crate::support::{TestEnv, press, type_hidden};

const TIMEOUT_MS: u64 = 15_000;

/// The command with these arguments, run in a terminal.
fn in_terminal(t: &TestEnv, args: &[&str]) -> rexpect::session::PtySession {
    spawn_command(t.cmd(args).command, Some(TIMEOUT_MS)).unwrap()
}

fn exit_code(status: WaitStatus) -> i32 {
    match status {
        WaitStatus::Exited(_, code) => code,
        other => panic!("modal-setup did not exit normally: {other:?}"),
    }
}

#[test]
fn token_set_asks_for_the_id_and_hides_the_secret() {
    let t = TestEnv::new();
    let mut session = in_terminal(&t, &["token", "set", "--no-verify"]);
    session
        .exp_string("tokens page of the Modal dashboard (https://modal.com/settings/tokens)")
        .unwrap();
    session.exp_string("Token ID (ak-").unwrap();
    session.send_line("ak-typed1").unwrap();
    session.exp_string("Token secret").unwrap();
    session.send_line("as-typedsecret").unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(
        !rest.contains("typedsecret"),
        "the secret was echoed: {rest:?}"
    );
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    assert_eq!(
        t.read(),
        "[default]\ntoken_id = \"ak-typed1\"\ntoken_secret = \"as-typedsecret\"\nactive = true\n"
    );
}

#[test]
fn profile_activate_offers_a_list() {
    let t = TestEnv::new();
    t.write("[one]\nactive = true\n[two]\ntoken_id = \"ak-two\"\n[three]\n");
    let mut session = in_terminal(&t, &["profile", "activate"]);
    session.exp_string("Profile to activate").unwrap();
    // Each with its token id, the active one marked.
    session.exp_string("one    (no token)  (active)").unwrap();
    session.exp_string("two    ak-two").unwrap();
    session.exp_string("three").unwrap();
    press(&mut session, "\x1b[B"); // arrow down: from `one` (the current) to `two`
    press(&mut session, "\r");
    session.exp_eof().unwrap();
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    assert_eq!(
        t.read(),
        "[one]\n[two]\ntoken_id = \"ak-two\"\nactive = true\n[three]\n"
    );
}

#[test]
fn profile_remove_asks_first_and_no_keeps_the_file() {
    let t = TestEnv::new();
    let text = "[one]\nactive = true\n[two]\n";
    t.write(text);
    // Answers the question with a key once it is asked.
    let answer = |key: &str| {
        let mut session = in_terminal(&t, &["profile", "remove", "two"]);
        session.exp_string("Remove profile 'two'").unwrap();
        // dialoguer hides the cursor just before it reads the key.
        session.exp_string("\x1b[?25l").unwrap();
        press(&mut session, key);
        let rest = session.exp_eof().unwrap();
        (rest, session)
    };
    let (_, session) = answer("n");
    assert_eq!(exit_code(session.process().wait().unwrap()), 1);
    assert_eq!(t.read(), text);

    let (rest, session) = answer("y");
    // An answered question is ticked as the tool's own lines are (rexpect reads the bytes as
    // Latin-1: `✓` is E2 9C 93, dialoguer's `✔` E2 9C 94).
    let latin1 = |c: char| c.to_string().bytes().map(char::from).collect::<String>();
    let answered = format!("{} Remove profile 'two'", latin1('✓'));
    assert!(
        rest.contains(&answered) && !rest.contains(&latin1('✔')),
        "{rest:?}"
    );
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    assert_eq!(t.read(), "[one]\nactive = true\n");
}

/// At a terminal, revoking a token other profiles hold is asked first: no leaves it alive, yes
/// revokes it.
#[test]
fn revoking_a_shared_token_is_asked_at_a_terminal() {
    let server = crate::support::TestServer::start();
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    let text = format!(
        "[one]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nactive = true\n[two]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\n[three]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\n"
    );
    t.write(&text);
    for (profile, answer, state) in [
        ("two", "n", reference_server::TokenState::Valid),
        ("three", "y", reference_server::TokenState::Revoked),
    ] {
        let mut session = in_terminal(&t, &["profile", "remove", profile, "--yes", "--revoke"]);
        session
            .exp_string(&format!("Token {id} is also used by"))
            .unwrap();
        session.exp_string("\x1b[?25l").unwrap();
        press(&mut session, answer);
        session.exp_eof().unwrap();
        assert_eq!(exit_code(session.process().wait().unwrap()), 0);
        assert_eq!(server.token_state(&id), Some(state), "answered {answer}");
        assert!(!t.read().contains(&format!("[{profile}]")));
    }
}

/// Ctrl-C at each kind of question: the terminal is restored (cursor shown, echo back on), the
/// message says nothing was written, and the exit code is 130.
#[test]
fn ctrl_c_at_a_prompt_restores_the_terminal_and_exits_130() {
    let t = TestEnv::new();
    t.write("[one]\nactive = true\n[two]\n");
    let before = t.read();
    for (args, prompt) in [
        ("profile activate", "Profile to activate"),
        ("profile remove two", "Remove profile"),
        ("token set --id ak-1 --no-verify", "Token secret"),
    ] {
        // The command in a shell that reports its exit code and the terminal's settings after.
        let mut bash = std::process::Command::new("bash");
        bash.args([
            "--norc",
            "-c",
            &format!(
                "stty -a; echo before-the-command; {} {args}; echo \"exit=$?\"; stty -a",
                crate::support::BIN
            ),
        ])
        .env_clear()
        .env("HOME", &t.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("MODAL_CONFIG_PATH", &t.config);
        let mut session = spawn_command(bash, Some(TIMEOUT_MS)).unwrap();
        let (settings_before, _) = session.exp_regex("before-the-command").unwrap();
        session.exp_string(prompt).unwrap();
        // Ctrl-C ends it whether the prompt reads keys (raw mode) or lines (SIGINT).
        session.send("\x03").unwrap();
        session.flush().unwrap();
        let (said, code) = session.exp_regex("exit=[0-9]+").unwrap();
        let settings = session.exp_eof().unwrap();
        crate::support::assert_no_secret(&said);
        assert_eq!(code, "exit=130", "{args}: {said:?}");
        // Where Ctrl-C is a signal (a line read, not dialoguer's raw key reads, which end
        // with their own error), the line is cleared before the message, not left half drawn.
        if args.starts_with("token set") {
            assert!(said.contains("\r\x1b[2K"), "{args}: {said:?}");
        }
        assert!(
            said.contains("interrupted; nothing was written"),
            "{args}: {said:?}"
        );
        if let Some(hidden) = said.rfind("\x1b[?25l") {
            assert!(
                said[hidden..].contains("\x1b[?25h"),
                "{args}: the cursor stays hidden"
            );
        }
        // The terminal is as it was before the command (echo, canonical mode and all).
        let words =
            |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_owned).collect() };
        assert_eq!(
            words(&settings),
            words(&settings_before),
            "{args}: the terminal was not restored"
        );
        assert_eq!(t.read(), before);
    }
}

#[test]
fn color_never_reaches_the_prompts() {
    let t = TestEnv::new();
    t.write("[one]\nactive = true\n[two]\n");
    let mut command = t.cmd(&["profile", "activate", "--color", "never"]).command;
    command.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).unwrap();
    let (shown, _) = session.exp_regex("two").unwrap();
    press(&mut session, "\r");
    let rest = session.exp_eof().unwrap();
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    for text in [&shown, &rest] {
        assert!(!has_colour(text), "colour with --color never: {text:?}");
    }
}

/// Whether `text` holds a colour or style sequence (ESC [ digits and semicolons, then `m`);
/// cursor moves and clears are not that.
fn has_colour(text: &str) -> bool {
    text.split("\x1b[").skip(1).any(|rest| {
        let params = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        rest[params..].starts_with('m')
    })
}

/// Colour is decided per stream: data piped away gets none while stderr is a terminal.
#[test]
fn colour_is_decided_for_each_stream() {
    let t = TestEnv::new();
    t.write("[one]\nactive = true\n[two]\n");
    let run = |pipe: &str| {
        let mut bash = std::process::Command::new("bash");
        bash.args([
            "--norc",
            "-c",
            &format!("{} profile list{pipe}; echo done", crate::support::BIN),
        ])
        .env_clear()
        .env("HOME", &t.home)
        .env("TERM", "xterm-256color")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("MODAL_CONFIG_PATH", &t.config);
        let mut session = spawn_command(bash, Some(TIMEOUT_MS)).unwrap();
        session.exp_string("done").unwrap().to_owned()
    };
    assert!(has_colour(&run("")), "on a terminal the active row is bold");
    let piped = run(" | cat -v");
    assert!(piped.contains("one"), "{piped:?}");
    assert!(
        !piped.contains("^[["),
        "colour went into the pipe: {piped:?}"
    );
}

/// `--secret -` with stdin a terminal and stderr redirected: no prompt can be drawn, and the
/// typed secret is still never echoed.
#[test]
fn a_secret_typed_on_a_terminal_is_never_echoed_even_with_stderr_redirected() {
    let t = TestEnv::new();
    let mut bash = std::process::Command::new("bash");
    bash.args([
        "--norc",
        "-c",
        &format!(
            "stty echo; echo echo-on; {} token set --id ak-1 --secret - --no-verify 2>/dev/null; echo \"exit=$?\"",
            crate::support::BIN
        ),
    ])
    .env_clear()
    .env("HOME", &t.home)
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("MODAL_CONFIG_PATH", &t.config);
    let mut session = spawn_command(bash, Some(TIMEOUT_MS)).unwrap();
    session.exp_string("echo-on").unwrap();
    type_hidden(&mut session, "as-typedsecret");
    let (shown, code) = session.exp_regex("exit=[0-9]+").unwrap();
    assert_eq!(code, "exit=0");
    assert!(
        !shown.contains("typedsecret"),
        "the secret was echoed: {shown:?}"
    );
    assert!(t.read().contains("token_secret = \"as-typedsecret\""));
}

/// The demo takes its arguments: `--help` prints its usage and does nothing else, a wrong
/// flag is a usage error, and its file is the checkout's demo.modal.toml (which .gitignore
/// covers) wherever it is started from.
#[test]
fn the_demo_says_its_usage_and_writes_where_the_readme_says() {
    let Some(demo) = crate::support::example(
        "demo",
        "prompts::the_demo_says_its_usage_and_writes_where_the_readme_says",
    ) else {
        return;
    };
    let t = TestEnv::new();
    let run = |arg: &str| {
        std::process::Command::new(&demo)
            .arg(arg)
            .env_clear()
            .env("HOME", &t.home)
            .current_dir(t.dir())
            .output()
            .unwrap()
    };
    let help = run("--help");
    assert_eq!(help.status.code(), Some(0));
    let usage = String::from_utf8(help.stdout).unwrap();
    assert!(
        usage.contains("Usage: cargo run --example demo -- [OPTIONS]"),
        "{usage}"
    );
    let checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        usage.contains(&format!(
            "[default: {}]",
            checkout.join("demo.modal.toml").display()
        )),
        "{usage}"
    );
    let gitignore = std::fs::read_to_string(checkout.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/demo.modal.toml"));
    assert_eq!(run("--bogus").status.code(), Some(2));
    let left: Vec<_> = std::fs::read_dir(t.dir()).unwrap().collect();
    assert_eq!(left.len(), 1, "only HOME: {left:?}");
}

/// The demo finishes anywhere, also when run twice at a terminal (the second run replaces the
/// first one's token without asking), and leaves nothing but its config file behind.
#[test]
fn the_demo_runs_twice_at_a_terminal_without_stopping() {
    let Some(demo) = crate::support::example(
        "demo",
        "prompts::the_demo_runs_twice_at_a_terminal_without_stopping",
    ) else {
        return;
    };
    let t = TestEnv::new();
    for run in 0..2 {
        let mut command = std::process::Command::new(&demo);
        command
            .args(["--auto-approve", "--config", "demo.modal.toml"])
            .env_clear()
            .env("HOME", &t.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .current_dir(t.dir());
        let mut session = spawn_command(command, Some(60_000)).unwrap();
        let shown = session.exp_eof().unwrap();
        assert!(!shown.contains("Replace it?"), "run {run} asked: {shown:?}");
        // One story about who approves, and a next step at the end.
        assert!(shown.contains("the reference server approves the login itself"));
        assert!(!shown.contains("in the browser ("), "{shown:?}");
        assert!(
            shown.contains("Next, try `cargo run --example dashboard`"),
            "{shown:?}"
        );
        assert_eq!(exit_code(session.process().wait().unwrap()), 0, "{shown:?}");
    }
    let mut left: Vec<String> = std::fs::read_dir(t.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["demo.modal.toml", "home"]);
}
