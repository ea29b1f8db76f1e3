//! The `modal-setup` binary: parse, run, and turn an error into its message and exit code.

use std::process::ExitCode;

use modal_setup::cli::Cli;
use modal_setup::commands::{self, Context};
use modal_setup::output::{Printer, Verbosity};
use modal_setup::{Env, Exit};

fn main() -> ExitCode {
    modal_setup::platform::prepare_process();
    modal_setup::cli::answer_if_asked();
    let cli = Cli::parse_args();
    // From here on Ctrl-C restores the terminal and says what is true (after parsing, so that
    // `--help` and usage errors stay as clap makes them).
    modal_setup::interrupt::install();
    let verbosity = match (cli.global.quiet, cli.global.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let no_color = Env::from_process()
        .get(modal_setup::env::NO_COLOR)
        .is_some();
    let printer = Printer::for_terminal(verbosity, cli.global.color, no_color);
    let ctx = Context::from_process(&cli, printer.clone());
    match commands::run(cli, &ctx) {
        Ok(()) => Exit::Ok.into(),
        Err(modal_setup::Error::BrokenPipe) => Exit::Ok.into(),
        Err(error) => {
            printer.error(&error);
            error.exit().into()
        }
    }
}
