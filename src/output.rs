//! Where text goes: data on stdout, prose (status, notes, warnings, errors) on stderr, with one
//! colour decision made up front.

use std::io::{IsTerminal, Write};

/// How the user asked for colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--color` first, then NO_COLOR, then whether stderr is a terminal.
pub fn resolve_color(choice: ColorChoice, no_color: bool, stderr_is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && stderr_is_terminal,
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

/// Writes everything the commands say. Only `main` prints errors, through [`Printer::error`].
#[derive(Clone, Debug, Default)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
}

const BOLD: &str = "\x1b[1m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Printer {
    pub fn new(verbosity: Verbosity, color: bool) -> Self {
        Self { verbosity, color }
    }

    /// A printer for this process's terminal.
    pub fn for_terminal(verbosity: Verbosity, choice: ColorChoice, no_color: bool) -> Self {
        let color = resolve_color(choice, no_color, std::io::stderr().is_terminal());
        Self::new(verbosity, color)
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// Text in bold, when colour is on.
    pub fn bold(&self, text: &str) -> String {
        self.paint(BOLD, text)
    }

    /// Text in a dim colour, when colour is on.
    pub fn dim(&self, text: &str) -> String {
        self.paint(DIM, text)
    }

    /// Data for stdout (listings, JSON, paths). Printed even with `--quiet`.
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = writeln!(out, "{text}");
    }

    /// Progress and results for people, on stderr; hidden by `--quiet`.
    pub fn status(&self, text: &str) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{text}");
        }
    }

    /// A success line, on stderr; hidden by `--quiet`.
    pub fn success(&self, text: &str) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{} {text}", self.paint(GREEN, "✓"));
        }
    }

    /// A note, on stderr; hidden by `--quiet`.
    pub fn note(&self, text: &str) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{} {text}", self.paint(CYAN, "note:"));
        }
    }

    /// A warning, on stderr; shown even with `--quiet` because it asks the user to act.
    pub fn warn(&self, text: &str) {
        eprintln!("{} {text}", self.paint(YELLOW, "warning:"));
    }

    /// Detail for `-v`, on stderr. Never pass a secret: none reaches here by construction,
    /// since [`crate::Secret`] has no `Display`.
    pub fn debug(&self, text: &str) {
        if self.verbosity == Verbosity::Verbose {
            eprintln!("{} {text}", self.paint(DIM, "debug:"));
        }
    }

    /// An error with its cause chain and hint; `main` is the only caller.
    pub fn error(&self, error: &crate::Error) {
        eprintln!("{} {error}", self.paint(RED, "error:"));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
        if let Some(hint) = error.hint() {
            eprintln!("{} {hint}", self.paint(BOLD, "hint:"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_flag_beats_no_color_which_beats_terminal() {
        assert!(resolve_color(ColorChoice::Always, true, false));
        assert!(!resolve_color(ColorChoice::Never, false, true));
        assert!(!resolve_color(ColorChoice::Auto, true, true));
        assert!(resolve_color(ColorChoice::Auto, false, true));
        assert!(!resolve_color(ColorChoice::Auto, false, false));
    }
}
