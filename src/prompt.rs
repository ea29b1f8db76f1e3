//! Questions asked on the terminal (dialoguer, on stderr). Callers check
//! [`crate::commands::Context::interactive`] first: nothing here is used without a terminal.

use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Password, Select};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// dialoguer's colourful theme, with the tool's own tick (`✓`, as its other lines have) on an
/// answered question instead of dialoguer's `✔`.
fn theme() -> ColorfulTheme {
    ColorfulTheme {
        success_prefix: dialoguer::console::style("✓".to_owned())
            .for_stderr()
            .green(),
        ..ColorfulTheme::default()
    }
}

/// A prompt that failed or was interrupted (Ctrl-C read as a key) may leave the cursor hidden.
fn map_error(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(error) = error;
    let _ = Term::stderr().show_cursor();
    match error.kind() {
        std::io::ErrorKind::Interrupted => Error::Interrupted,
        _ => Error::Terminal(error),
    }
}

pub fn text(prompt: &str) -> Result<String> {
    Input::<String>::with_theme(&theme())
        .with_prompt(prompt)
        .interact_text_on(&Term::stderr())
        .map_err(map_error)
}

/// Reads a secret without echoing it.
pub fn secret(prompt: &str) -> Result<Secret> {
    Password::with_theme(&theme())
        .with_prompt(prompt)
        .interact_on(&Term::stderr())
        .map(Secret::from)
        .map_err(map_error)
}

/// One line from stdin, which is a terminal while stderr is not (so no prompt can be drawn),
/// read with echo off so the secret never shows.
pub fn hidden_line_from_terminal() -> Result<Secret> {
    use std::io::BufRead;
    let mut line = String::new();
    crate::platform::with_echo_off(|| std::io::stdin().lock().read_line(&mut line))
        .map_err(Error::Terminal)?;
    Ok(Secret::new(line))
}

pub fn confirm(prompt: &str, default: bool) -> Result<bool> {
    Confirm::with_theme(&theme())
        .with_prompt(prompt)
        .default(default)
        .interact_on(&Term::stderr())
        .map_err(map_error)
}

/// One of `items`; `None` when the user pressed Esc or q.
pub fn select(prompt: &str, items: &[String], default: usize) -> Result<Option<usize>> {
    Select::with_theme(&theme())
        .with_prompt(prompt)
        .items(items)
        .default(default)
        .interact_on_opt(&Term::stderr())
        .map_err(map_error)
}
