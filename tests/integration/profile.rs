//! `profile list|current|activate|remove|rename`.

use modal_setup::Exit;

use crate::support::{TestEnv, TestServer};

const THREE: &str = "\
# three profiles
[alpha]
token_id = \"ak-alpha\"
token_secret = \"as-alpha\"

# beta is the active one
[beta]   # trailing
token_id = \"ak-beta\"
token_secret = \"as-beta\"
active = true
server_url = \"http://127.0.0.1:9\"

[\"has space\"]
token_id = \"ak-space\"
";

#[test]
fn list_is_offline_and_marks_the_profile_in_effect() {
    let mut server = TestServer::start();
    server.expect("WorkspaceNameLookup", 0);
    let t = TestEnv::new();
    t.write(THREE);
    let run = t
        .cmd(&["profile", "list"])
        .env("MODAL_SERVER_URL", server.url())
        .run();
    run.success().stdout_is(
        "  PROFILE    TOKEN ID  SERVER\n  alpha      ak-alpha\n• beta       ak-beta   http://127.0.0.1:9\n  has space  ak-space\n",
    );
    assert!(server.requests().is_empty());
}

#[test]
fn list_json_has_name_active_token_id_server_url() {
    let t = TestEnv::new();
    t.write(THREE);
    let run = t
        .cmd(&["profile", "list", "--json"])
        .env("MODAL_PROFILE", "alpha")
        .run();
    run.success();
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([
            {"name": "alpha", "active": true, "token_id": "ak-alpha", "server_url": null},
            {"name": "beta", "active": false, "token_id": "ak-beta", "server_url": "http://127.0.0.1:9"},
            {"name": "has space", "active": false, "token_id": "ak-space", "server_url": null},
        ])
    );
}

#[test]
fn list_of_an_empty_or_missing_file_says_how_to_start() {
    let t = TestEnv::new();
    t.run(&["profile", "list"])
        .success()
        .stdout_is("")
        .stderr_has("modal-setup setup");
    t.run(&["profile", "list", "--json"])
        .success()
        .stdout_is("[]\n");
}

#[test]
fn current_follows_flag_env_active_default() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "current"]).success().stdout_is("beta\n");
    t.cmd(&["profile", "current"])
        .env("MODAL_PROFILE", "alpha")
        .run()
        .stdout_is("alpha\n");
    t.cmd(&["profile", "current"])
        .env("MODAL_PROFILE", "")
        .run()
        .stdout_is("beta\n");
    t.cmd(&["profile", "current", "--profile", "x"])
        .env("MODAL_PROFILE", "alpha")
        .run()
        .stdout_is("x\n");
    t.write(&THREE.replace("active = true\n", ""));
    t.run(&["profile", "current"])
        .success()
        .stdout_is("default\n");
}

#[test]
fn two_active_profiles_use_the_first_and_warn() {
    let t = TestEnv::new();
    t.write("[one]\nactive = true\n[two]\nactive = true\n");
    t.run(&["profile", "current"])
        .success()
        .stdout_is("one\n")
        .stderr_has("warning: Modal's Python client would stop with \"More than one Modal profile is active\" ('one', 'two'); run `modal-setup profile activate one`")
        .stderr_has("warning: the Go SDK would pick one of the several active profiles ('one', 'two') at random on each run; run `modal-setup profile activate one`");
}

#[test]
fn activate_moves_the_flag_byte_for_byte() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "activate", "has space"])
        .success()
        .stderr_has("Activated profile 'has space'");
    let expected = THREE.replace("active = true\n", "") + "active = true\n";
    assert_eq!(t.read(), expected);
    // Activating the active profile changes nothing.
    t.run(&["profile", "activate", "has space"]).success();
    assert_eq!(t.read(), expected);
}

#[test]
fn activate_keeps_a_comment_written_above_the_removed_flag() {
    let t = TestEnv::new();
    t.write(
        "[a]\n# the one I use\nactive = true\ntoken_id = \"ak-a\"\n\n[b]\ntoken_id = \"ak-b\"\n",
    );
    t.run(&["profile", "activate", "b"]).success();
    assert_eq!(
        t.read(),
        "[a]\n# the one I use\ntoken_id = \"ak-a\"\n\n[b]\ntoken_id = \"ak-b\"\nactive = true\n"
    );
}

#[test]
fn activate_unknown_names_the_file_and_the_profiles() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "activate", "ghost"])
        .code(Exit::Failure)
        .stderr_has("no profile named 'ghost' in")
        .stderr_has(&t.config.display().to_string())
        .stderr_has("alpha, beta, has space");
    assert_eq!(t.read(), THREE);
}

#[test]
fn activate_without_a_name_needs_a_terminal() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "activate"])
        .code(Exit::Usage)
        .stderr_has("alpha, beta, has space");
}

#[test]
fn activate_warns_when_modal_profile_overrides_it() {
    let t = TestEnv::new();
    t.write(THREE);
    t.cmd(&["profile", "activate", "alpha"])
        .env("MODAL_PROFILE", "beta")
        .run()
        .success()
        .stderr_has("MODAL_PROFILE=beta is set and overrides");
}

#[test]
fn remove_needs_yes_without_a_terminal_and_keeps_the_rest() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "remove", "alpha"])
        .code(Exit::Usage)
        .stderr_has("--yes");
    assert_eq!(t.read(), THREE);
    t.run(&["profile", "remove", "ghost", "--yes"])
        .code(Exit::Failure)
        .stderr_has("no profile named 'ghost'");
    t.run(&["profile", "remove", "alpha", "--yes"]).success();
    let expected = "# beta is the active one\n[beta]   # trailing\ntoken_id = \"ak-beta\"\ntoken_secret = \"as-beta\"\nactive = true\nserver_url = \"http://127.0.0.1:9\"\n\n[\"has space\"]\ntoken_id = \"ak-space\"\n";
    assert_eq!(t.read(), expected);
    // The one profile left becomes the active one, so that the JS and Go SDKs find it.
    // The token it held stays valid on the server, and that is said.
    t.run(&["profile", "remove", "beta", "-y"])
        .success()
        .stderr_has("note: profile 'has space' is active now: no profile was")
        .stderr_has("note: token ak-beta is still valid on the server: removing a profile does not revoke its token");
    assert!(
        t.read()
            .ends_with("[\"has space\"]\ntoken_id = \"ak-space\"\nactive = true\n")
    );
}

#[test]
fn removing_the_active_profile_activates_default_or_says_none_is() {
    let t = TestEnv::new();
    let profile = |name: &str, active: bool| {
        let active = if active { "active = true\n" } else { "" };
        format!("[{name}]\ntoken_id = \"ak-{name}\"\ntoken_secret = \"as-{name}\"\n{active}")
    };
    t.write(&(profile("a", true) + &profile("b", false) + &profile("default", false)));
    t.run(&["profile", "remove", "a", "-y"])
        .success()
        .stderr_has("note: profile 'default' is active now");
    assert_eq!(t.read(), profile("b", false) + &profile("default", true));
    t.write(&(profile("a", true) + &profile("b", false) + &profile("c", false)));
    let before_b = t.read();
    t.run(&["profile", "remove", "a", "-y"])
        .success()
        .stderr_has("warning: no profile is active, so Modal's JS and Go SDKs find no token; choose one with `modal-setup profile activate NAME` (profiles with a token: 'b', 'c')");
    assert!(!t.read().contains("active"), "{}", t.read());
    assert!(before_b.ends_with(&t.read()));
}

#[test]
fn rename_keeps_content_and_position() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "rename", "beta", "gamma"]).success();
    assert_eq!(
        t.read(),
        THREE.replace("[beta]   # trailing", "[gamma]   # trailing")
    );
    t.run(&["profile", "rename", "has space", "spaced"])
        .success();
    assert!(t.read().ends_with("[spaced]\ntoken_id = \"ak-space\"\n"));
    t.run(&["profile", "rename", "alpha", "gamma"])
        .code(Exit::Failure)
        .stderr_has("already exists");
    // A bad value given on the command line is a usage error.
    t.run(&["profile", "rename", "alpha", "bad name"])
        .code(Exit::Usage)
        .stderr_has("profile name");
    t.run(&["profile", "rename", "ghost", "x"])
        .code(Exit::Failure)
        .stderr_has("no profile named 'ghost'");
    t.run(&["profile", "current"])
        .success()
        .stdout_is("gamma\n");
}

#[test]
fn rename_keeps_the_order_of_top_level_inline_profiles() {
    let t = TestEnv::new();
    t.write("a = { token_id = \"ak-a\" }\nb = { token_id = \"ak-b\" }\n");
    t.run(&["profile", "rename", "a", "z"]).success();
    assert_eq!(
        t.read(),
        "z = { token_id = \"ak-a\" }\nb = { token_id = \"ak-b\" }\n"
    );
}

#[test]
fn activate_takes_the_name_from_profile_too() {
    let t = TestEnv::new();
    t.write(THREE);
    t.run(&["profile", "activate", "--profile", "alpha"])
        .success()
        .stderr_has("Activated profile 'alpha'");
    assert!(
        t.read().contains(
            "[alpha]\ntoken_id = \"ak-alpha\"\ntoken_secret = \"as-alpha\"\nactive = true\n"
        ),
        "{}",
        t.read()
    );
}

#[test]
fn help_describes_every_argument_and_puts_global_options_apart() {
    let t = TestEnv::new();
    for (args, described) in [
        (
            &["profile", "activate", "--help"][..],
            "[NAME]  The profile to make active",
        ),
        (
            &["profile", "remove", "--help"],
            "<NAME>  The profile to remove",
        ),
        (
            &["profile", "rename", "--help"],
            "<OLD>  The profile's name now",
        ),
        (&["profile", "rename", "--help"], "<NEW>  Its new name"),
    ] {
        let help = t.run(args);
        help.success();
        assert!(
            help.stdout.contains(described),
            "{args:?}:\n{}",
            help.stdout
        );
        let (own, global) = help
            .stdout
            .split_once("Global options:")
            .expect("a heading");
        assert!(!own.contains("--config"), "{}", help.stdout);
        assert!(global.contains("--config") && global.contains("--verbose"));
    }
    let top = t.run(&["--help"]);
    assert!(
        top.stdout
            .contains("Options of setup (the default command):")
    );
}

#[test]
fn list_warns_like_current_about_an_unknown_modal_profile_and_several_active() {
    let t = TestEnv::new();
    t.write("[a]\nactive = true\n[b]\nactive = true\n");
    t.run(&["profile", "list"])
        .success()
        .stderr_has("would stop with \"More than one Modal profile is active\" ('a', 'b')");
    t.cmd(&["profile", "list"])
        .env("MODAL_PROFILE", "ghost")
        .run()
        .success()
        .stderr_has("profile 'ghost' (from the MODAL_PROFILE environment variable) is not in the config file");
}

#[test]
fn removing_profiles_never_grows_the_blank_space() {
    let four = "# my profiles\n\n[a]\ntoken_id = \"ak-a\"\n\n[b]\ntoken_id = \"ak-b\"\n\n# about c\n[c]\ntoken_id = \"ak-c\"\n\n[d]\ntoken_id = \"ak-d\"\n";
    for order in [["b", "c"], ["c", "b"], ["d", "c"], ["a", "b"], ["b", "d"]] {
        let t = TestEnv::new();
        t.write(four);
        for name in order {
            t.run(&["profile", "remove", name, "--yes"]).success();
            let text = t.read();
            assert!(!text.contains("\n\n\n"), "{order:?} after {name}: {text:?}");
            assert!(!text.ends_with("\n\n"), "{order:?} after {name}: {text:?}");
        }
    }
    // A blank line that opened the file stays when what follows it is removed.
    let t = TestEnv::new();
    t.write("\n[a]\n\n[b]\n");
    t.run(&["profile", "remove", "b", "--yes"]).success();
    assert_eq!(t.read(), "\n[a]\nactive = true\n");
    // The first profile of a file without an opening comment: no blank line opens the file.
    for (file, first) in [
        (
            "[a]\ntoken_id = \"ak-a\"\n\n[b]\ntoken_id = \"ak-b\"\n",
            "[b]",
        ),
        ("[a]\n\n\n# about b\n[b]\n", "# about b\n[b]"),
    ] {
        let t = TestEnv::new();
        t.write(file);
        t.run(&["profile", "remove", "a", "--yes"]).success();
        assert!(t.read().starts_with(first), "{file:?}: {:?}", t.read());
    }
    let t = TestEnv::new();
    t.write(four);
    t.run(&["profile", "remove", "b", "--yes"]).success();
    t.run(&["profile", "remove", "c", "--yes"]).success();
    assert_eq!(
        t.read(),
        "# my profiles\n\n[a]\ntoken_id = \"ak-a\"\n\n[d]\ntoken_id = \"ak-d\"\n"
    );
}

/// Removing a profile keeps every comment outside it, whatever syntax wrote it: a table, an
/// inline table, dotted keys (whose comments toml_edit keeps on the first key inside).
#[test]
fn removing_a_profile_keeps_the_comments_outside_it_in_every_syntax() {
    let opening = "# my modal config\n\n";
    for (profile, other) in [
        (
            "[staging]\ntoken_id = \"ak-s\"\n",
            "[prod]\ntoken_id = \"ak-p\"\n",
        ),
        (
            "staging = { token_id = \"ak-s\" }\n",
            "prod = { token_id = \"ak-p\" }\n",
        ),
        (
            "staging.token_id = \"ak-s\"\nstaging.active = true\n",
            "prod.token_id = \"ak-p\"\n",
        ),
        (
            "staging.token_id = \"ak-s\"\n",
            "[prod]\ntoken_id = \"ak-p\"\n",
        ),
    ] {
        let t = TestEnv::new();
        let about = "# about prod\n";
        t.write(&format!("{opening}{profile}\n{about}{other}"));
        t.run(&["profile", "remove", "staging", "--yes"]).success();
        let text = t.read();
        assert!(
            text.starts_with(&format!("{opening}{about}")),
            "{profile:?}: {text:?}"
        );
        assert!(!text.contains("staging"), "{text:?}");
        // And the other way round: the last profile goes, the opening comment stays.
        t.write(&format!("{opening}{profile}"));
        t.run(&["profile", "remove", "staging", "--yes"]).success();
        assert!(
            t.read().starts_with(opening.trim_end()),
            "{profile:?}: {:?}",
            t.read()
        );
    }
}

/// A profile name or URL from the file holding escape sequences (a title change, a screen
/// clear, a bell) is shown, never obeyed, by every command that prints it.
#[test]
fn control_characters_from_the_file_never_reach_the_terminal() {
    let t = TestEnv::new();
    let evil = r"evil\u001b]0;pwned\u0007\u001b[2J";
    t.write(&format!(
        "[\"{evil}\"]\ntoken_id = \"ak-1\\u001b[31m\"\ntoken_secret = \"as-1\"\nserver_url = \"http://127.0.0.1:9/\\u001b[2J\"\nactive = true\n"
    ));
    for args in [
        &["profile", "list"][..],
        &["profile", "current"],
        &["config", "show"],
        &["config", "show", "--origin"],
        &["token", "info", "--no-verify"],
        &["doctor", "--no-verify"],
        &["--profile", "evil\u{1b}[2J", "profile", "current"],
        &["profile", "activate", "nope\u{7}"],
    ] {
        let run = t.run(args);
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}']),
                "{args:?} printed a control character on {stream}: {text:?}"
            );
        }
    }
    t.run(&["profile", "current"])
        .success()
        .stdout_is("evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\n");
}

#[test]
fn activating_never_deletes_another_profile_or_a_comment() {
    let t = TestEnv::new();
    // A profile written only as a dotted key, then a comment above a trailing `active`.
    let dotted = "# staging, kept\nstaging.active = true\n\n[prod]\ntoken_id = \"ak-p\"\n";
    t.write(dotted);
    t.run(&["profile", "activate", "prod"]).success();
    assert_eq!(
        t.read(),
        "# staging, kept\nstaging.active = false\n\n[prod]\ntoken_id = \"ak-p\"\nactive = true\n"
    );
    assert!(t.run(&["profile", "list"]).stdout.contains("staging"));
    let commented =
        "[a]\ntoken_id = \"ak-a\"\n# why a is active\nactive = true\n\n[b]\ntoken_id = \"ak-b\"\n";
    t.write(commented);
    t.run(&["profile", "activate", "b"]).success();
    assert_eq!(
        t.read(),
        "[a]\ntoken_id = \"ak-a\"\n# why a is active\nactive = false\n\n[b]\ntoken_id = \"ak-b\"\nactive = true\n"
    );
}

/// One way to name a profile in what is said: quoted (`profile 'has space'`) in sentences, a
/// shell word in commands (`--profile 'has space'`); never bare.
#[test]
fn profile_names_are_quoted_the_same_way_in_every_message() {
    let t = TestEnv::new();
    t.write("[plain]\ntoken_id = \"ak-plain\"\ntoken_secret = \"as-plain\"\nactive = true\n\n[\"has space\"]\n");
    let mut said = String::new();
    for args in [
        &[
            "token",
            "set",
            "--id",
            "ak-spaced1",
            "--secret",
            "as-spaced1",
            "--no-verify",
            "--no-activate",
            "--profile",
            "has space",
        ][..],
        &["profile", "activate", "has space"],
        &["profile", "rename", "has space", "renamed"],
        &["profile", "activate", "plain"],
        &["profile", "remove", "renamed", "--yes"],
    ] {
        let run = t.run(args);
        run.success();
        said.push_str(&run.stderr);
    }
    for bare in [
        "profile has space",
        "profile renamed",
        "to renamed",
        ": has space",
    ] {
        assert!(!said.contains(bare), "{bare:?} in:\n{said}");
    }
    for quoted in [
        "in profile 'has space'; it is not active (use it with `--profile 'has space'` or `modal-setup profile activate 'has space'`)",
        "Activated profile 'has space'",
        "Renamed profile 'has space' to 'renamed'",
        "Removed profile 'renamed'",
    ] {
        assert!(said.contains(quoted), "{quoted:?} not in:\n{said}");
    }
}

/// A mistyped profile name gets the closest names of the file, wherever it was given: an
/// argument, `--profile`, MODAL_PROFILE, and doctor never suggests logging in under it.
#[test]
fn a_mistyped_profile_name_gets_did_you_mean() {
    let t = TestEnv::new();
    t.write("[acme]\ntoken_id = \"ak-a\"\ntoken_secret = \"as-a\"\nactive = true\n[personal]\n");
    t.run(&["profile", "activate", "acmee"])
        .code(Exit::Failure)
        .stderr_has("hint: profiles in the file: acme, personal (did you mean 'acme'?)");
    t.run(&["--profile", "acmee", "profile", "current"])
        .stderr_has("profile 'acmee' (from the --profile flag) is not in the config file (did you mean 'acme'?)");
    let doctor = t
        .cmd(&["doctor", "--no-verify"])
        .env("MODAL_PROFILE", "acmee")
        .run();
    doctor.code(Exit::Failure);
    doctor.stdout_has("(from the MODAL_PROFILE environment variable) is not in the config file (did you mean 'acme'?)");
    assert!(
        !doctor.stdout.contains("setup --profile acmee"),
        "{}",
        doctor.stdout
    );
    // A name nothing is close to gets no guess.
    t.run(&["profile", "activate", "zzz"])
        .code(Exit::Failure)
        .stderr_has("hint: profiles in the file: acme, personal\n");
}
