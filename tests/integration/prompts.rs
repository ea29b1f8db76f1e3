//! The questions asked on a terminal, answered in a pseudo-terminal.

use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;

use crate::support::TestEnv;

const TIMEOUT_MS: u64 = 15_000;

/// Sends keys the way a person types them: dialoguer puts the terminal in raw mode for each
/// key it reads, so each key is sent (and flushed) once it is listening.
fn press(session: &mut rexpect::session::PtySession, keys: &str) {
    std::thread::sleep(std::time::Duration::from_millis(300));
    session.send(keys).unwrap();
    session.flush().unwrap();
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
    let mut session = spawn_command(
        t.cmd(&["token", "set", "--no-verify"]).command,
        Some(TIMEOUT_MS),
    )
    .unwrap();
    session.exp_string("Token ID").unwrap();
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
    t.write("[one]\nactive = true\n[two]\n[three]\n");
    let mut session =
        spawn_command(t.cmd(&["profile", "activate"]).command, Some(TIMEOUT_MS)).unwrap();
    session.exp_string("Profile to activate").unwrap();
    session.exp_string("three").unwrap();
    press(&mut session, "\x1b[B"); // arrow down: from `one` (the current) to `two`
    press(&mut session, "\r");
    session.exp_eof().unwrap();
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    assert_eq!(t.read(), "[one]\n[two]\nactive = true\n[three]\n");
}

#[test]
fn profile_remove_asks_first_and_no_keeps_the_file() {
    let t = TestEnv::new();
    let text = "[one]\nactive = true\n[two]\n";
    t.write(text);
    let mut session = spawn_command(
        t.cmd(&["profile", "remove", "two"]).command,
        Some(TIMEOUT_MS),
    )
    .unwrap();
    session.exp_string("Remove profile 'two'").unwrap();
    // dialoguer hides the cursor just before it reads the key.
    session.exp_string("\x1b[?25l").unwrap();
    press(&mut session, "n");
    session.exp_eof().unwrap();
    assert_eq!(exit_code(session.process().wait().unwrap()), 1);
    assert_eq!(t.read(), text);

    let mut session = spawn_command(
        t.cmd(&["profile", "remove", "two"]).command,
        Some(TIMEOUT_MS),
    )
    .unwrap();
    session.exp_string("Remove profile 'two'").unwrap();
    session.exp_string("\x1b[?25l").unwrap();
    press(&mut session, "y");
    session.exp_eof().unwrap();
    assert_eq!(exit_code(session.process().wait().unwrap()), 0);
    assert_eq!(t.read(), "[one]\nactive = true\n");
}
