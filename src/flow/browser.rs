//! Opening the user's browser: `$BROWSER` when set, else the `open` crate; or saying why not.

use std::process::{Command, Stdio};

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

/// Opens `url`, not waiting for the browser to exit. `Ok(how)` names what was started.
pub fn open(url: &str, env: &BrowserEnv, no_browser: bool) -> Result<String, NotOpened> {
    if no_browser {
        return Err(NotOpened::Asked);
    }
    // An explicit $BROWSER is the user's choice, even over SSH (e.g. a forwarding helper).
    if let Some(browser) = &env.browser {
        return spawn_browser_command(browser, url);
    }
    if env.ssh {
        return Err(NotOpened::Ssh);
    }
    if !env.display {
        return Err(NotOpened::NoDisplay);
    }
    open::that_detached(url)
        .map(|()| "the default browser".to_owned())
        .map_err(|e| NotOpened::Failed(e.to_string()))
}

/// Runs `$BROWSER`: words split on whitespace, `%s` replaced by the URL, else the URL appended.
fn spawn_browser_command(browser: &str, url: &str) -> Result<String, NotOpened> {
    let mut words: Vec<String> = browser.split_whitespace().map(str::to_owned).collect();
    let Some(program) = words.first().cloned() else {
        return Err(NotOpened::Failed("BROWSER is empty".into()));
    };
    if words.iter().any(|w| w.contains("%s")) {
        for word in &mut words {
            *word = word.replace("%s", url);
        }
    } else {
        words.push(url.to_owned());
    }
    Command::new(&program)
        .args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_child| format!("$BROWSER ({program})"))
        .map_err(|e| NotOpened::Failed(format!("could not run $BROWSER ({program}): {e}")))
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
}
