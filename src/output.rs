//! Where text goes: data on stdout, prose (status, notes, warnings, errors) on stderr, with one
//! colour decision made up front.

use std::fmt::{Display, Write as _};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anstyle::{AnsiColor, Style};

/// How the user asked for colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--color` first, then NO_COLOR, then whether the stream is a terminal. Decided for each
/// stream on its own: `profile list | grep x` gets no colour while stderr is a terminal.
pub fn resolve_color(choice: ColorChoice, no_color: bool, stream_is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && stream_is_terminal,
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
    /// Colour on stderr (prose, prompts).
    color: bool,
    /// Colour on stdout (data).
    color_data: bool,
    sink: Sink,
}

/// Where a printer's lines go.
#[derive(Clone, Debug, Default)]
enum Sink {
    /// This process's stdout and stderr.
    #[default]
    Process,
    /// Kept, for running a command inside a test.
    Captured(Arc<Mutex<Captured>>),
}

/// What a capturing printer was given, stream by stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
}

const BOLD: Style = Style::new().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const RED: Style = AnsiColor::Red.on_default();
const CYAN: Style = AnsiColor::Cyan.on_default();
const DIM: Style = Style::new().dimmed();

impl Printer {
    /// A printer with colour (or not) on both streams.
    pub fn new(verbosity: Verbosity, color: bool) -> Self {
        Self {
            verbosity,
            color,
            color_data: color,
            sink: Sink::Process,
        }
    }

    /// A printer that keeps what it is given, without colour, for running commands inside a
    /// test: [`Printer::captured`] returns it.
    pub fn capturing(verbosity: Verbosity) -> Self {
        Self {
            verbosity,
            sink: Sink::Captured(Arc::default()),
            ..Self::default()
        }
    }

    /// What a [`Printer::capturing`] printer (or a clone of it) has been given so far.
    pub fn captured(&self) -> Captured {
        match &self.sink {
            Sink::Process => Captured::default(),
            Sink::Captured(kept) => kept.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }

    /// A line on stderr. A stderr that is closed or full loses it: it must not end the
    /// process (eprintln! would panic).
    fn say(&self, line: std::fmt::Arguments<'_>) {
        match &self.sink {
            Sink::Process => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
            Sink::Captured(kept) => {
                let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(kept.stderr, "{line}");
            }
        }
    }

    /// A printer for this process's terminal, colour decided per stream. The stderr decision
    /// governs the prompts too, which dialoguer draws there (it would otherwise decide on its
    /// own, ignoring `--color`).
    pub fn for_terminal(verbosity: Verbosity, choice: ColorChoice, no_color: bool) -> Self {
        let color = resolve_color(choice, no_color, std::io::stderr().is_terminal());
        dialoguer::console::set_colors_enabled_stderr(color);
        Self {
            verbosity,
            color,
            color_data: resolve_color(choice, no_color, std::io::stdout().is_terminal()),
            sink: Sink::Process,
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    fn paint(&self, style: Style, text: &str) -> String {
        paint(self.color, style, text)
    }

    /// Text for stderr in bold, when colour is on there.
    pub fn bold(&self, text: &str) -> String {
        self.paint(BOLD, text)
    }

    /// Data for stdout in bold, when colour is on there.
    pub fn data_bold(&self, text: &str) -> String {
        paint(self.color_data, BOLD, text)
    }

    /// Data for stdout in a dim colour, when colour is on there.
    pub fn data_dim(&self, text: &str) -> String {
        paint(self.color_data, DIM, text)
    }

    /// Data for stdout (listings, JSON, paths). Printed even with `--quiet`. A failed write is
    /// an error (`> /dev/full`); a closed pipe (`| head`) is [`crate::Error::BrokenPipe`], a
    /// quiet end.
    pub fn data(&self, text: impl Display) -> crate::Result<()> {
        let text = text.to_string();
        let text = crate::text::mask_passwords(&text);
        if let Sink::Captured(kept) = &self.sink {
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(kept.stdout, "{text}");
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => crate::Error::BrokenPipe,
                _ => crate::Error::io("write to", "stdout", e),
            })
    }

    /// Progress and results for people, on stderr; hidden by `--quiet`.
    pub fn status(&self, text: impl Display) {
        if self.verbosity != Verbosity::Quiet {
            self.say(format_args!("{text}"));
        }
    }

    /// A success line, on stderr; hidden by `--quiet`.
    pub fn success(&self, text: impl Display) {
        if self.verbosity != Verbosity::Quiet {
            self.say(format_args!(
                "{} {}",
                self.paint(GREEN, "✓"),
                one_line(text)
            ));
        }
    }

    /// A note, on stderr; hidden by `--quiet`.
    pub fn note(&self, text: impl Display) {
        if self.verbosity != Verbosity::Quiet {
            self.say(format_args!(
                "{} {}",
                self.paint(CYAN, "note:"),
                one_line(text)
            ));
        }
    }

    /// A warning, on stderr; shown even with `--quiet` because it asks the user to act.
    pub fn warn(&self, text: impl Display) {
        self.say(format_args!(
            "{} {}",
            self.paint(YELLOW, "warning:"),
            one_line(text)
        ));
    }

    /// Detail for `-v`, on stderr. Never pass a secret: none reaches here by construction,
    /// since [`crate::Secret`] has no `Display`.
    pub fn debug(&self, text: impl Display) {
        if self.verbosity == Verbosity::Verbose {
            self.say(format_args!(
                "{} {}",
                self.paint(DIM, "debug:"),
                one_line(text)
            ));
        }
    }

    /// A line the user needs to go on (the login URL and its code), on stderr: printed even
    /// with `--quiet`.
    pub fn required(&self, text: impl Display) {
        self.say(format_args!("{text}"));
    }

    /// Shows that something is under way until the returned [`Progress`] is dropped: a
    /// spinner on a terminal, else the message once, as a status line ending in "...".
    /// Nothing with `--quiet`.
    pub fn progress(&self, message: impl Display, on_terminal: bool) -> Progress {
        if self.verbosity == Verbosity::Quiet {
            return Progress { bar: None };
        }
        if !on_terminal {
            self.status(format_args!("{message}..."));
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .expect("the template is valid"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(format!("{message} (Ctrl-C to cancel)"));
        Progress { bar: Some(bar) }
    }

    /// An error with its cause chain and hint; `main` is the only caller.
    pub fn error(&self, error: &crate::Error) {
        self.say(format_args!(
            "{} {}",
            self.paint(RED, "error:"),
            one_line(error)
        ));
        // Causes are kept as sources; most messages already say theirs, on the one line.
        let mut said = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !said.contains(&text) {
                self.say(format_args!("  caused by: {}", crate::text::shown(&text)));
                said.push_str(&text);
            }
            source = cause.source();
        }
        if let Some(hint) = error.hint() {
            self.say(format_args!(
                "{} {}",
                self.paint(BOLD, "hint:"),
                crate::text::shown(&hint)
            ));
        }
    }
}

/// What [`Printer::progress`] shows; cleared when dropped.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `text` in `style` (anstyle's escape codes, as clap's own output) when colour is on.
fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// Rows of cells as aligned columns two spaces apart (the last cell of a row unpadded), for
/// every listing. `paint(row, column, padded)` may style a cell once it is padded, so that
/// escape codes never upset the widths.
pub fn columns(
    rows: &[Vec<String>],
    paint: impl Fn(usize, usize, String) -> String,
) -> Vec<String> {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            let widths = rows.iter().filter_map(|row| row.get(i));
            widths.map(|cell| cell.chars().count()).max().unwrap_or(0)
        })
        .collect();
    let line = |(r, cells): (usize, &Vec<String>)| {
        let padded = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match i + 1 == cells.len() {
                true => paint(r, i, cell.clone()),
                false => paint(r, i, format!("{cell:<width$}", width = widths[i])),
            });
        padded.collect::<Vec<_>>().join("  ").trim_end().to_owned()
    };
    rows.iter().enumerate().map(line).collect()
}

/// A message as one line that cannot act on the terminal: whatever text from the config file,
/// the environment or a server it holds (a profile name with an escape sequence) is shown, not
/// obeyed. The printer's own colours are added around it.
fn one_line(text: impl Display) -> String {
    crate::text::shown(&text.to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_sources_and_said_once() {
        let io = std::io::Error::other("No space left on device");
        let error = crate::Error::RevokeFailed {
            token_id: "ak-old".into(),
            cause: Box::new(crate::Error::io("write", "/home/u/.modal.toml", io)),
            kept: false,
        };
        let cause = std::error::Error::source(&error).expect("the revoke failure has a source");
        assert!(
            std::error::Error::source(cause).is_some(),
            "the io error is kept"
        );
        let printer = Printer::capturing(Verbosity::Normal);
        printer.error(&error);
        let stderr = printer.captured().stderr;
        assert_eq!(
            stderr.lines().next(),
            Some(
                "error: could not revoke token ak-old: could not write /home/u/.modal.toml: No space left on device"
            )
        );
        assert!(!stderr.contains("caused by"), "{stderr}");
    }

    #[test]
    fn color_flag_beats_no_color_which_beats_terminal() {
        assert!(resolve_color(ColorChoice::Always, true, false));
        assert!(!resolve_color(ColorChoice::Never, false, true));
        assert!(!resolve_color(ColorChoice::Auto, true, true));
        assert!(resolve_color(ColorChoice::Auto, false, true));
        assert!(!resolve_color(ColorChoice::Auto, false, false));
    }
}
