//! Modal's own client judges the reference server: `modal` 1.6.4, pointed at it with
//! MODAL_SERVER_URL, logs in through its pages (a person's approval, not a server shortcut),
//! verifies, reads and revokes tokens over gRPC. If the reference server spoke the protocol
//! other than Modal's client expects it, these fail.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reference_server::{Options, ReferenceServer, TokenState};

use super::{Shared, modal_bin};
use crate::support::assert_no_secret;
use crate::support::browser::{Agent, approve};
use crate::support::words;

const WAIT: Duration = Duration::from_secs(60);

impl Shared {
    /// `modal` with the reference server as its API; the output whatever the exit code.
    fn modal_against(&self, server: &ReferenceServer, args: &[&str]) -> (bool, String) {
        let output = self
            .modal_command(args)
            .env("MODAL_SERVER_URL", server.api_url())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_no_secret(&text);
        (output.status.success(), text)
    }

    pub fn modal_command(&self, args: &[&str]) -> Command {
        let mut command = self.prepared(&modal_bin(), args);
        command
            .env("PYTHONUNBUFFERED", "1")
            // A browser that cannot open: Modal prints the URL instead.
            .env("BROWSER", "true");
        command
    }
}

/// A CLI running in the background, its output collected as it comes.
pub struct Background {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Background {
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        for mut pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 1024];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            });
        }
        Self { child, output }
    }

    /// The first URL of the login pages (under `web`) it printed.
    pub fn login_url(&self, web: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.output.lock().unwrap().clone();
            if let Some(url) = text
                .split_whitespace()
                .find(|word| word.starts_with(web) && word.contains("/token-flow/"))
            {
                return url.to_owned();
            }
            assert!(
                started.elapsed() < WAIT,
                "modal printed no login URL:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn finish(mut self) -> (bool, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("the CLI did not finish:\n{}", self.output.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        std::thread::sleep(Duration::from_millis(100));
        let text = self.output.lock().unwrap().clone();
        assert_no_secret(&text);
        (status.success(), text)
    }
}

#[test]
fn modal_token_set_verifies_and_token_info_reads_against_the_reference_server() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let (id, secret) = server.mint_token();
    let (ok, out) = s.modal_against(
        &server,
        &["token", "set", "--token-id", &id, "--token-secret", &secret],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Token verified successfully!"), "{out}");
    assert!(out.contains("in profile demo-workspace."), "{out}");
    assert_eq!(server.count("ClientHello"), 1);
    assert_eq!(server.count("WorkspaceNameLookup"), 1);
    assert!(s.read().contains(&format!("token_id = \"{id}\"")));

    let (ok, out) = s.modal_against(&server, &["token", "info"]);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("Token: {id}")), "{out}");
    assert!(out.contains("Workspace: demo-workspace (ac-"), "{out}");
    assert!(out.contains("User: demo-user (us-"), "{out}");
    assert!(out.contains("Created at: "), "{out}");

    // A wrong secret: the server's UNAUTHENTICATED reaches Modal's client as its message.
    let before = s.read();
    let (ok, out) = s.modal_against(
        &server,
        &words(&format!(
            "token set --token-id {id} --token-secret as-wrong --profile other"
        )),
    );
    assert!(!ok);
    assert!(out.contains("Invalid token secret"), "{out}");
    assert_eq!(s.read(), before);
}

#[test]
fn modal_setup_logs_in_through_the_reference_pages() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let mut command = s.modal_command(&["setup"]);
    command.env("MODAL_SERVER_URL", server.api_url());
    let running = Background::start(command);
    let url = running.login_url(server.web_url());
    // A person's approval, after the page's check of Modal's own loopback server.
    let done = approve(&mut Agent::new(), &url, server.web_url());
    assert_eq!(done.status, 200, "{}", done.body);
    let (ok, out) = running.finish();
    assert!(ok, "{out}");
    assert!(
        out.contains("Web authentication finished successfully!"),
        "{out}"
    );
    assert!(
        out.contains("Token is connected to the demo-workspace workspace."),
        "{out}"
    );
    assert!(out.contains("Token verified successfully!"), "{out}");
    let text = s.read();
    assert!(text.contains("[demo-workspace]"), "{text}");
    let code = server.last_code().unwrap();
    assert!(out.contains(&format!("Enter this code: {code}")), "{out}");
    let (utm_source, next_url, _) = server.last_flow_request().unwrap();
    assert_eq!((utm_source.as_str(), next_url.as_str()), ("", "/home"));
}

#[test]
fn modal_token_new_delete_existing_revokes_the_old_token() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let (old_id, old_secret) = server.mint_token();
    s.write(&format!(
        "[ws]\ntoken_id = \"{old_id}\"\ntoken_secret = \"{old_secret}\"\nserver_url = \"{}\"\nactive = true\n",
        server.api_url()
    ));
    let mut command = s.modal_command(&["token", "new", "--profile", "ws", "--delete-existing"]);
    command.env("MODAL_SERVER_URL", server.api_url());
    let running = Background::start(command);
    let url = running.login_url(server.web_url());
    approve(&mut Agent::new(), &url, server.web_url());
    let (ok, out) = running.finish();
    assert!(ok, "{out}");
    assert!(
        out.contains("Previous token in profile ws has been deleted."),
        "{out}"
    );
    assert_eq!(server.token_state(&old_id), Some(TokenState::Revoked));
    assert!(!s.read().contains(&old_id));
    assert_eq!(server.count("TokenDelete"), 1);
}

/// `modal profile list --json` against `server`: the workspace it shows for each profile.
fn modal_workspaces(s: &Shared, server: &ReferenceServer) -> impl Fn(&str) -> serde_json::Value {
    let (ok, out) = s.modal_against(server, &["profile", "list", "--json"]);
    assert!(ok, "{out}");
    let json_start = out.find('[').unwrap();
    let rows: serde_json::Value =
        serde_json::from_str(&out[json_start..out.rfind(']').unwrap() + 1]).unwrap();
    move |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["workspace"].clone())
            .unwrap()
    }
}

/// modal-setup's `profile list --check --json` on the same file: its exit code and rows.
fn ours_checked(s: &Shared) -> (Option<i32>, serde_json::Value) {
    let checked = s
        .prepared(
            Path::new(crate::OURS),
            &["profile", "list", "--check", "--json"],
        )
        .output()
        .unwrap();
    let rows = serde_json::from_slice(&checked.stdout).unwrap();
    (checked.status.code(), rows)
}

#[test]
fn modal_profile_list_tells_live_from_rejected_profiles() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let (live_id, live_secret) = server.mint_token();
    let (dead_id, dead_secret) = server.mint_token();
    server.set_token_state(&dead_id, TokenState::Revoked);
    let url = server.api_url();
    s.write(&format!(
        "[live]\ntoken_id = \"{live_id}\"\ntoken_secret = \"{live_secret}\"\nserver_url = \"{url}\"\nactive = true\n\n\
[dead]\ntoken_id = \"{dead_id}\"\ntoken_secret = \"{dead_secret}\"\nserver_url = \"{url}\"\n"
    ));
    let workspace = modal_workspaces(&s, &server);
    assert_eq!(workspace("live"), "demo-workspace");
    assert_eq!(workspace("dead"), "Unknown (authentication failure)");
    // modal-setup agrees on both, with the same call; and, unlike Modal, exits 1 because one
    // profile cannot be used (as `gh auth status` does), after printing the whole listing.
    let (code, ours) = ours_checked(&s);
    assert_eq!(code, Some(1));
    assert_eq!(ours[0]["workspace"], "demo-workspace");
    assert_eq!(ours[1]["status"], "rejected");
}

/// OAuth, judged by Modal's client: `modal token info` against the reference server either
/// refuses the credentials before any call, in the words doctor's Python column quotes, or
/// makes the call (the reference server then refuses these made-up credentials, which it did
/// not mint); doctor's Python column predicts which.
#[test]
fn doctor_s_python_column_knows_how_the_client_takes_oauth() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let token = "[a]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n";
    let oauth = "[a]\noauth_refresh_token = \"rt\"\noauth_client_id = \"cid\"\noauth_client_secret = \"cs\"\nactive = true\n";
    let both = "Modal token credentials and OAuth credentials cannot both be configured.";
    let incomplete = "OAuth refresh token, client ID, and exactly one of client secret or JWT key must be configured.";
    /// The file, the variables, and the words Modal's client refuses them with (none: taken).
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>);
    let cases: [Case<'_>; 6] = [
        (token, &[("MODAL_OAUTH_CLIENT_ID", "cid")], Some(both)),
        (oauth, &[("MODAL_TOKEN_ID", "ak-1")], Some(both)),
        (
            &oauth.replace("oauth_client_secret = \"cs\"\n", ""),
            &[],
            Some(incomplete),
        ),
        (oauth, &[("MODAL_OAUTH_JWT_KEY", "k")], Some(incomplete)),
        (oauth, &[], None),
        (
            &oauth.replace("oauth_client_secret = \"cs\"\n", ""),
            &[("MODAL_OAUTH_CLIENT_SECRET", "cs")],
            None,
        ),
    ];
    for (file, env, refused) in cases {
        s.write(file);
        let mut modal = s.modal_command(&["token", "info"]);
        modal
            .env("MODAL_SERVER_URL", server.api_url())
            .envs(env.iter().copied());
        let output = modal.output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut ours = s.prepared(
            std::path::Path::new(super::OURS),
            &["doctor", "--json", "--no-verify"],
        );
        ours.env("MODAL_SERVER_URL", server.api_url())
            .envs(env.iter().copied());
        let report: serde_json::Value =
            serde_json::from_slice(&ours.output().unwrap().stdout).unwrap();
        let python = &report["clients"]["python"];
        let problem = python["problem"].as_str().unwrap_or_default();
        match refused {
            Some(words) => {
                assert!(said.contains(words), "{file} {env:?}: modal said {said}");
                assert!(
                    problem.contains(words),
                    "{file} {env:?}: doctor said {problem}"
                );
            }
            None => {
                assert!(
                    !said.contains(both) && !said.contains(incomplete),
                    "{file} {env:?}: {said}"
                );
                assert_eq!(python["usable"], true, "{file} {env:?}: {python}");
                assert_eq!(python["credentials"], "oauth", "{file} {env:?}: {python}");
            }
        }
    }
}

/// The reference server takes OAuth credentials as Modal's client sends them: `modal profile
/// list` (WorkspaceNameLookup with `x-modal-refresh-token`, `x-modal-oauth-client-id` and
/// `x-modal-oauth-client-secret` for each profile) names the workspace of a minted grant and
/// fails a wrong secret; modal-setup's `profile list --check` says the same of both.
#[test]
fn modal_profile_list_checks_oauth_against_the_reference_server() {
    let server = ReferenceServer::start(Options::default()).unwrap();
    let s = Shared::new();
    let (refresh, client_id, secret, _) = server.mint_oauth();
    let url = server.api_url();
    let profile = |secret: &str| {
        format!(
            "oauth_refresh_token = \"{refresh}\"\noauth_client_id = \"{client_id}\"\noauth_client_secret = \"{secret}\"\nserver_url = \"{url}\"\n"
        )
    };
    s.write(&format!(
        "[good]\n{}active = true\n\n[bad]\n{}",
        profile(&secret),
        profile("os-wrong")
    ));
    let workspace = modal_workspaces(&s, &server);
    assert_eq!(workspace("good"), "demo-workspace");
    assert_eq!(workspace("bad"), "Unknown (authentication failure)");
    let (_, ours) = ours_checked(&s);
    assert_eq!(ours[0]["workspace"], "demo-workspace");
    assert_eq!(ours[1]["status"], "rejected");
}
