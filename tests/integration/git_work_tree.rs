//! The warning for a config file git could commit, and that looking for it runs nothing a
//! repository configures.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Needs, TestEnv, TestServer, skip};
use modal_setup::Exit;

/// A work tree at `<test dir>/repo` made by git itself, with the config path set to
/// `repo/creds/modal.toml`; `None` (after a printed skip) where git is missing.
fn repo(t: &mut TestEnv, test: &str) -> Option<PathBuf> {
    let repo = t.dir().join("repo");
    std::fs::create_dir(&repo).unwrap();
    if git(&repo, &["init", "-q"]).is_none() {
        skip(test, Needs::Git, "git is not installed");
        return None;
    }
    let config = repo.join("creds/modal.toml");
    t.set_env("MODAL_CONFIG_PATH", config.to_str().unwrap());
    Some(repo)
}

/// Runs git in `dir` with no system or global config; `None` when git cannot be started.
fn git(dir: &Path, args: &[&str]) -> Option<()> {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .ok()?;
    assert!(status.success(), "git {args:?}");
    Some(())
}

#[test]
fn warns_when_git_could_commit_the_config() {
    let mut t = TestEnv::new();
    let Some(repo) = repo(&mut t, "warns_when_git_could_commit_the_config") else {
        return;
    };
    let run = t.token_set("ak-x", "as-x").no_verify().run();
    run.success()
        .stderr_has("inside the git work tree")
        .stderr_has("/creds/modal.toml");
    assert_eq!(
        run.stderr.matches("git work tree").count(),
        1,
        "warned once"
    );
    t.run(&["profile", "list"])
        .success()
        .stderr_has("inside the git work tree");
    // token rotate reads the file for the profile and again to write: it warns once.
    let server = TestServer::start();
    let rotate = t
        .cmd(&["token", "rotate", "--no-browser", "--timeout", "1"])
        .env("MODAL_SERVER_URL", server.url())
        .run();
    rotate.code(Exit::TimedOut);
    assert_eq!(
        rotate.stderr.matches("git work tree").count(),
        1,
        "{}",
        rotate.stderr
    );

    // Ignored by the root's .gitignore, by a deeper one, by info/exclude, or through its
    // directory: no warning.
    for (file, line) in [
        (".gitignore", "/creds/modal.toml"),
        ("creds/.gitignore", "modal.toml"),
        (".git/info/exclude", "*.toml"),
        (".gitignore", "creds/"),
    ] {
        std::fs::write(repo.join(file), format!("{line}\n")).unwrap();
        let quiet = t.run(&["profile", "list"]);
        assert!(
            !quiet.stderr.contains("git work tree"),
            "{file}: {}",
            quiet.stderr
        );
        std::fs::remove_file(repo.join(file)).unwrap();
    }
    // A deeper .gitignore takes back what the root's ignores.
    std::fs::write(repo.join(".gitignore"), "*.toml\n").unwrap();
    std::fs::write(repo.join("creds/.gitignore"), "!modal.toml\n").unwrap();
    t.run(&["profile", "list"])
        .success()
        .stderr_has("inside the git work tree");
}

/// An ignored file that the index tracks is still committed by `git commit -a`: warned
/// about, whatever index version git wrote.
#[test]
fn warns_when_the_index_tracks_an_ignored_config() {
    let mut t = TestEnv::new();
    let Some(repo) = repo(&mut t, "warns_when_the_index_tracks_an_ignored_config") else {
        return;
    };
    t.token_set("ak-x", "as-x").no_verify().run().success();
    std::fs::write(repo.join("a-file"), "").unwrap();
    git(&repo, &["add", "a-file", "creds/modal.toml"]);
    std::fs::write(repo.join(".gitignore"), "/creds/modal.toml\n").unwrap();
    for version in ["2", "3", "4"] {
        git(&repo, &["update-index", "--index-version", version]);
        t.run(&["profile", "list"])
            .success()
            .stderr_has("inside the git work tree");
    }
    git(&repo, &["rm", "-q", "--cached", "creds/modal.toml"]);
    let quiet = t.run(&["profile", "list"]);
    assert!(!quiet.stderr.contains("git work tree"), "{}", quiet.stderr);
}

/// A repository's config names programs git runs (core.fsmonitor, hooks): a config file
/// inside a downloaded repository must not make any command run them.
#[cfg(unix)]
#[test]
fn looking_at_a_config_in_a_hostile_repository_runs_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let mut t = TestEnv::new();
    let test = "looking_at_a_config_in_a_hostile_repository_runs_nothing";
    let Some(repo) = repo(&mut t, test) else {
        return;
    };
    let marker = t.dir().join("ran");
    let program = t.dir().join("program");
    std::fs::write(
        &program,
        format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hooks = repo.join(".git/hooks");
    for hook in [
        "post-index-change",
        "post-checkout",
        "reference-transaction",
        "fsmonitor-watchman",
    ] {
        std::fs::copy(&program, hooks.join(hook)).unwrap();
    }
    let program = program.to_str().unwrap();
    for (key, value) in [
        ("core.fsmonitor", program),
        ("core.hooksPath", hooks.to_str().unwrap()),
    ] {
        git(&repo, &["config", key, value]);
    }
    // git itself runs it: the test would catch a command that asks git.
    std::fs::create_dir_all(repo.join("creds")).unwrap();
    t.token_set("ak-x", "as-x").no_verify().run().success();
    let _ = Command::new("git")
        .args(["check-ignore", "-q", "creds/modal.toml"])
        .current_dir(&repo)
        .stderr(std::process::Stdio::null())
        .status();
    assert!(marker.exists(), "git runs the repository's fsmonitor");
    std::fs::remove_file(&marker).unwrap();

    for args in [
        &["profile", "list"][..],
        &["profile", "current"],
        &["config", "show"],
        &["token", "info", "--no-verify"],
        &["doctor", "--no-verify"],
        &["profile", "activate", "default"],
    ] {
        let run = t.run(args);
        assert!(
            !marker.exists(),
            "{args:?} ran {:?}",
            std::fs::read_to_string(&marker)
        );
        if args[0] != "doctor" && args[0] != "token" {
            run.stderr_has("inside the git work tree");
        }
    }
    t.cmd(&["token", "env", "--reveal"])
        .run_revealing()
        .success();
    t.token_set("ak-y", "as-y").no_verify().run().success();
    assert!(!marker.exists(), "a command ran the repository's program");
}

/// `token env --output FILE` warns when git could commit the file it wrote.
#[test]
fn token_env_output_warns_when_git_could_commit_it() {
    let mut t = TestEnv::new();
    let Some(repo) = repo(&mut t, "token_env_output_warns_when_git_could_commit_it") else {
        return;
    };
    t.token_set("ak-x", "as-x").no_verify().run().success();
    std::fs::write(repo.join(".gitignore"), "creds/\n").unwrap();
    let dotenv = repo.join(".env");
    let dotenv = dotenv.to_str().unwrap();
    t.run(&["token", "env", "--format", "dotenv", "--output", dotenv])
        .success()
        .stderr_has("/.env is inside the git work tree")
        .stderr_has(": /.env");
    std::fs::write(repo.join(".gitignore"), "creds/\n.env\n").unwrap();
    let run = t.run(&["token", "env", "--format", "dotenv", "--output", dotenv]);
    run.success();
    assert!(!run.stderr.contains("git work tree"), "{}", run.stderr);
}
