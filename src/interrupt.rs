//! Ctrl-C, whenever it comes: restore the terminal (a prompt may have hidden the cursor or
//! turned echo off), say what is true about the config file, and exit 130.
//!
//! The handler only makes async-signal-safe calls (the platform's terminal restore, one write,
//! an immediate exit). What it says follows the config file's writer: before the rename
//! nothing was written, during it the file holds the old or the new content (the rename is
//! atomic), after it the new content, though a later step (revoking the old token) may not
//! have run.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crate::platform;

/// Where the config file's writer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    NothingWritten = 0,
    Writing = 1,
    Written = 2,
}

static PHASE: AtomicU8 = AtomicU8::new(Phase::NothingWritten as u8);
static STDERR_IS_TERMINAL: AtomicBool = AtomicBool::new(false);

const NOTHING: &[u8] = b"\nerror: interrupted; nothing was written\n";
const WRITING: &[u8] =
    b"\nerror: interrupted while writing the config file; it holds the old or the new content, never a mix\n";
const WRITTEN: &[u8] = b"\nerror: interrupted after the config file was written; a later step (revoking the old token) may not have run: check with `modal-setup token info`\n";
/// Shows the cursor again (a picker hides it).
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

fn on_interrupt() -> ! {
    let message = match PHASE.load(Ordering::SeqCst) {
        0 => NOTHING,
        1 => WRITING,
        _ => WRITTEN,
    };
    platform::restore_terminal();
    if STDERR_IS_TERMINAL.load(Ordering::SeqCst) {
        platform::write_stderr(SHOW_CURSOR);
    }
    platform::write_stderr(message);
    platform::exit_now(130)
}

/// Makes Ctrl-C restore the terminal and end the process with exit code 130 from now on.
pub fn install() {
    STDERR_IS_TERMINAL.store(std::io::stderr().is_terminal(), Ordering::SeqCst);
    platform::on_interrupt(on_interrupt);
}

/// Tells the handler where the config file's writer is.
pub fn set_phase(phase: Phase) {
    PHASE.store(phase as u8, Ordering::SeqCst);
}
