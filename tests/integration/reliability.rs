//! Many writers at once, writers killed mid-write, a directory that cannot be written. The
//! counts are the figures of docs/reliability.md; the slow variants run in .ci/run
//! (`cargo test --test integration -- --ignored`).

use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use modal_setup::Exit;
use modal_setup::config::Config;

use crate::support::words;
use crate::support::{Rng, TestEnv};

/// The shared generator, its seed printed so that a failure can be replayed.
fn rng() -> Rng {
    let (rng, seed) = Rng::seeded("RELIABILITY_SEED");
    println!("RELIABILITY_SEED={seed}");
    rng
}

fn spawn_quiet(t: &TestEnv, args: &[&str]) -> Child {
    let mut cmd = t.cmd(args);
    cmd.command.stdout(Stdio::null()).stderr(Stdio::null());
    cmd.command.spawn().expect("start modal-setup")
}

fn parse(t: &TestEnv) -> Config {
    let bytes = std::fs::read(&t.config).expect("the config file exists");
    Config::parse(&t.config, &bytes).unwrap_or_else(|e| panic!("the file does not parse: {e}"))
}

fn temp_file_names(t: &TestEnv) -> Vec<String> {
    crate::support::temp_files(&t.home)
}

fn temp_files(t: &TestEnv) -> usize {
    temp_file_names(t).len()
}

/// `writers` processes of `token set` on one file at once, each its own profile, and
/// `activators` of `profile activate` racing them, for `rounds` rounds.
fn writers_race(writers: usize, activators: usize, rounds: usize) {
    let t = TestEnv::new();
    t.write("# shared by many writers\n");
    let mut rng = rng();
    for round in 0..rounds {
        let mut children = Vec::new();
        for w in 0..writers {
            let (id, secret, profile) = (
                format!("ak-r{round}w{w}"),
                format!("as-r{round}w{w}"),
                format!("w{w}"),
            );
            children.push((
                true,
                spawn_quiet(
                    &t,
                    &words(&format!("token set --id {id} --secret {secret} --profile {profile} --no-verify --no-activate")),
                ),
            ));
        }
        for _ in 0..activators {
            let profile = format!("w{}", rng.below(writers as u64));
            children.push((false, spawn_quiet(&t, &["profile", "activate", &profile])));
        }
        for (is_writer, mut child) in children {
            let status = child.wait().unwrap();
            // An activator may run before its profile exists in the first round.
            assert!(
                status.success()
                    || (!is_writer && round == 0 && status.code() == Some(Exit::Failure as i32)),
                "{status:?}"
            );
        }
        let config = parse(&t);
        for w in 0..writers {
            let profile = config
                .profile(&format!("w{w}"))
                .unwrap_or_else(|| panic!("round {round}: w{w} lost"));
            assert_eq!(
                profile.token_id(),
                Some(format!("ak-r{round}w{w}").as_str()),
                "round {round}"
            );
            assert_eq!(
                profile.token_secret().unwrap().expose(),
                format!("as-r{round}w{w}")
            );
        }
        assert_eq!(
            config.active_profiles().len(),
            1,
            "round {round}: exactly one active"
        );
        assert!(
            std::fs::read_to_string(&t.config)
                .unwrap()
                .starts_with("# shared by many writers\n")
        );
    }
    assert_eq!(temp_files(&t), 0);
    println!(
        "writers: {writers} token set + {activators} profile activate at once, {rounds} rounds: nothing lost"
    );
}

#[test]
fn sixty_four_writers_and_racing_activators_lose_nothing() {
    writers_race(64, 8, 10);
}

/// Kills writers at random moments; the file must always parse and hold every profile whose
/// writer finished.
fn kill_writers(kills: usize) {
    let t = TestEnv::new();
    // A file big enough that a write takes a while, so that kills land inside it.
    let mut text = String::from("# crash test\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "\n[base{i}]\ntoken_id = \"ak-base{i}\"\ntoken_secret = \"as-base{i}\"\n"
        ));
    }
    t.write(&text);
    // Kill at moments spread over a whole run, from start-up to the rename.
    let started = Instant::now();
    t.token_set("ak-calibrate", "as-calibrate")
        .profile("calibrate")
        .no_verify()
        .run()
        .success();
    let run_micros = started.elapsed().as_micros() as u64;
    let mut rng = rng();
    let mut finished = vec!["calibrate".to_owned()];
    let mut killed_running = 0;
    let mut left_behind = std::collections::HashSet::new();
    for n in 0..kills {
        let (id, secret, profile) = (format!("ak-k{n}"), format!("as-k{n}"), format!("k{n}"));
        let mut child = spawn_quiet(
            &t,
            &words(&format!(
                "token set --id {id} --secret {secret} --profile {profile} --no-verify --no-activate"
            )),
        );
        if n % 2 == 0 {
            // At a random moment of the run...
            std::thread::sleep(Duration::from_micros(rng.below(run_micros * 11 / 10)));
        } else {
            // ...or just after the temp file appears, to land inside the write.
            let deadline = Instant::now() + Duration::from_secs(5);
            let fresh = |names: Vec<String>| names.iter().any(|n| !left_behind.contains(n));
            while !fresh(temp_file_names(&t))
                && child.try_wait().unwrap().is_none()
                && Instant::now() < deadline
            {
                std::hint::spin_loop();
            }
            std::thread::sleep(Duration::from_micros(rng.below(300)));
        }
        if child.try_wait().unwrap().is_none() {
            unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        }
        let status = child.wait().unwrap();
        if status.success() {
            finished.push(profile);
        } else {
            killed_running += 1;
        }
        let config = parse(&t);
        for name in &finished {
            assert!(
                config.contains(name),
                "kill {n}: {name} was written and is lost"
            );
        }
        assert!(
            config.contains("base0") && config.contains("base1999"),
            "kill {n}: old profiles lost"
        );
        let temps = temp_file_names(&t);
        assert!(temps.len() <= 1, "kill {n}: temp files pile up");
        // A new temp file left behind means the kill landed inside the write.
        left_behind.extend(temps);
    }
    // No stale lock, and the next write cleans up after the killed ones.
    let started = Instant::now();
    t.token_set("ak-after", "as-after")
        .profile("after")
        .no_verify()
        .run()
        .success();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a stale lock held the writer up"
    );
    assert_eq!(temp_files(&t), 0);
    println!(
        "kills: {kills} writers started, {killed_running} killed while running ({} of them inside the write, leaving a temp file), {} finished; the file always parsed and held every finished profile (a write takes {run_micros} µs here)",
        left_behind.len(),
        finished.len() - 1
    );
}

#[test]
fn writers_killed_mid_write_lose_nothing() {
    kill_writers(50);
}

#[test]
#[ignore = "slow: run by .ci/run"]
fn slow_five_hundred_kills() {
    kill_writers(500);
}

#[test]
#[ignore = "slow: run by .ci/run"]
fn slow_writers_race_longer() {
    writers_race(64, 16, 30);
}

/// Runs as an unprivileged user when the tests run as root, for whom permissions do not apply.
#[test]
fn a_read_only_directory_is_a_clear_error_and_the_file_stays() {
    use std::os::unix::process::CommandExt;
    let base = tempfile::Builder::new().tempdir_in("/tmp").unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = base.path().join("ro");
    std::fs::create_dir(&dir).unwrap();
    let config = dir.join("modal.toml");
    let text = "[a]\ntoken_id = \"ak-a\"\n";
    std::fs::write(&config, text).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let t = TestEnv::new();
    // A copy of the binary where the unprivileged user can run it, wherever the checkout is
    // (a clone under a 0700 home, say).
    let binary = base.path().join("modal-setup");
    if std::fs::hard_link(crate::support::BIN, &binary).is_err() {
        std::fs::copy(crate::support::BIN, &binary).unwrap();
        // Another test's fork may briefly hold the copy's write descriptor (ETXTBSY).
        for _ in 0..100 {
            match std::process::Command::new(&binary)
                .arg("--version")
                .output()
            {
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                _ => break,
            }
        }
    }
    let mut cmd = t.cmd_of(
        &binary,
        &words("token set --id ak-b --secret as-b --profile b --no-verify"),
    );
    cmd.command
        .env("MODAL_CONFIG_PATH", &config)
        .env("HOME", base.path())
        .current_dir(base.path());
    if unsafe { libc::geteuid() } == 0 {
        cmd.command.uid(65534).gid(65534);
    }
    cmd.run()
        .code(Exit::Failure)
        .stderr_has("Permission denied")
        .stderr_has("check the permissions");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}
