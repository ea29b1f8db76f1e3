//! Opening the user's browser: `$BROWSER` when set, else the `open` crate; or saying why not.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{BROWSER, DISPLAY_VARIABLES, SSH_VARIABLES};

/// Why no browser was opened.
#[derive(Debug, PartialEq, Eq)]
pub enum NotOpened {
    /// `--no-browser`.
    Asked,
    /// SSH_CONNECTION is set: a browser here would be on the wrong machine.
    Ssh,
    /// Linux without DISPLAY or WAYLAND_DISPLAY.
    NoDisplay,
    /// Starting the browser failed.
    Failed(String),
}

/// What decides how to open a browser, read from the environment.
#[derive(Debug, Default, Clone)]
pub struct BrowserEnv {
    pub browser: Option<String>,
    pub ssh: bool,
    pub display: bool,
}

impl BrowserEnv {
    pub fn from_process() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Self {
            browser: std::env::var(BROWSER).ok().filter(|b| !b.trim().is_empty()),
            ssh: SSH_VARIABLES.iter().any(|v| set(v)),
            display: !cfg!(target_os = "linux") || DISPLAY_VARIABLES.iter().any(|v| set(v)),
        }
    }
}

/// How long a started browser is watched: one that fails (`BROWSER=false`, xdg-open with no X
/// server behind DISPLAY) exits at once, and is then reported as not opened.
const LAUNCH_CHECK: Duration = Duration::from_millis(800);

/// Opens `url`, not waiting for the browser to exit. `Ok(how)` names what was started.
pub fn open(url: &str, env: &BrowserEnv, no_browser: bool) -> Result<String, NotOpened> {
    if no_browser {
        return Err(NotOpened::Asked);
    }
    // An explicit $BROWSER is the user's choice, even over SSH (e.g. a forwarding helper).
    if let Some(browser) = &env.browser {
        return open_with_browser_variable(browser, url);
    }
    if env.ssh {
        return Err(NotOpened::Ssh);
    }
    if !env.display {
        return Err(NotOpened::NoDisplay);
    }
    // The system's openers (`xdg-open`, `open`, `start`), tried in turn until one works.
    let mut failures = Vec::new();
    for command in open::commands(url) {
        let program = command.get_program().to_string_lossy().into_owned();
        match launch(command, &program) {
            Ok(()) => return Ok("the default browser".to_owned()),
            Err(why) => failures.push(why),
        }
    }
    Err(NotOpened::Failed(failures.join("; ")))
}

/// `$BROWSER` as Python's `webbrowser` and xdg-utils take it: a list of commands separated by
/// `:` (`;` on Windows), tried in turn until one starts and does not fail at once; in each,
/// `%s` stands for the URL (else the URL is added at the end), and words may be quoted.
fn open_with_browser_variable(browser: &str, url: &str) -> Result<String, NotOpened> {
    let separator = if cfg!(windows) { ';' } else { ':' };
    let mut failures = Vec::new();
    for entry in browser.split(separator).filter(|e| !e.trim().is_empty()) {
        // Split as a shell would, without expanding anything.
        let mut words = match shell_words::split(entry) {
            Ok(words) if !words.is_empty() => words,
            _ => {
                failures.push(format!("BROWSER entry '{entry}' is not a command line"));
                continue;
            }
        };
        if words.iter().any(|w| w.contains("%s")) {
            for word in &mut words {
                *word = word.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        let program = words.remove(0);
        let mut command = Command::new(&program);
        command.args(&words);
        match launch(command, &format!("$BROWSER ({program})")) {
            Ok(()) => return Ok(format!("$BROWSER ({program})")),
            Err(why) => failures.push(why),
        }
    }
    if failures.is_empty() {
        failures.push("BROWSER names no command".into());
    }
    Err(NotOpened::Failed(failures.join("; ")))
}

/// Starts `command` detached from the terminal and watches it for [`LAUNCH_CHECK`]: one that
/// exits with a failure by then did not open anything.
fn launch(mut command: Command, what: &str) -> Result<(), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not run {what}: {e}"))?;
    let started = Instant::now();
    while started.elapsed() < LAUNCH_CHECK {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{what} failed ({status})")),
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => return Ok(()),
        }
    }
    // Still running: a browser that stays open with the page.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declines_without_a_way_to_show_a_browser() {
        let url = "http://127.0.0.1:1/";
        assert_eq!(
            open(url, &BrowserEnv::default(), true),
            Err(NotOpened::Asked)
        );
        let ssh = BrowserEnv {
            ssh: true,
            display: true,
            ..BrowserEnv::default()
        };
        assert_eq!(open(url, &ssh, false), Err(NotOpened::Ssh));
        let headless = BrowserEnv {
            display: false,
            ..BrowserEnv::default()
        };
        assert_eq!(open(url, &headless, false), Err(NotOpened::NoDisplay));
        let missing = BrowserEnv {
            browser: Some("/nonexistent/browser".into()),
            ..BrowserEnv::default()
        };
        assert!(matches!(
            open(url, &missing, false),
            Err(NotOpened::Failed(_))
        ));
    }

    /// `false` and `true` are Unix commands.
    #[cfg(unix)]
    #[test]
    fn a_browser_that_fails_at_once_is_not_opened_and_the_next_one_is_tried() {
        let url = "http://127.0.0.1:1/";
        let env = |browser: &str| BrowserEnv {
            browser: Some(browser.into()),
            ..BrowserEnv::default()
        };
        let Err(NotOpened::Failed(why)) = open(url, &env("false"), false) else {
            panic!("BROWSER=false opened something")
        };
        assert!(why.contains("$BROWSER (false) failed"), "{why}");
        assert_eq!(
            open(url, &env("false:/nonexistent/x::true"), false),
            Ok("$BROWSER (true)".to_owned())
        );
        // The URL replaces %s inside a quoted word, and nothing is expanded.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let browser = format!("sh -c 'echo \"$1\" > {}' sh '--url=%s'", out.display());
        assert!(open(url, &env(&browser), false).is_ok());
        let started = Instant::now();
        while !out.exists() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!("--url={url}\n")
        );
    }
}
