//! Ctrl-C, whenever it comes: restore the terminal (a prompt may have hidden the cursor or
//! turned echo off), say what is true about the config file, and exit 130.
//!
//! The handler only makes async-signal-safe calls (tcsetattr, write, _exit). What it says
//! follows the config file's writer: before the rename nothing was written, during it the file
//! holds the old or the new content (the rename is atomic), after it the new content, though
//! a later step (revoking the old token) may not have run.

use std::io::IsTerminal;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Where the config file's writer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    NothingWritten = 0,
    Writing = 1,
    Written = 2,
}

static INSTALLED: AtomicBool = AtomicBool::new(false);
static PHASE: AtomicU8 = AtomicU8::new(Phase::NothingWritten as u8);
static STDERR_IS_TERMINAL: AtomicBool = AtomicBool::new(false);
static HAVE_TERMIOS: AtomicBool = AtomicBool::new(false);
/// stdin's terminal settings at start, written once before the handler is installed.
static mut SAVED_TERMIOS: MaybeUninit<libc::termios> = MaybeUninit::uninit();

const NOTHING: &[u8] = b"\nerror: interrupted; nothing was written\n";
const WRITING: &[u8] =
    b"\nerror: interrupted while writing the config file; it holds the old or the new content, never a mix\n";
const WRITTEN: &[u8] = b"\nerror: interrupted after the config file was written; a later step (revoking the old token) may not have run: check with `modal-setup token info`\n";
/// Shows the cursor again (a picker hides it).
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

extern "C" fn on_sigint(_: libc::c_int) {
    let message = match PHASE.load(Ordering::SeqCst) {
        0 => NOTHING,
        1 => WRITING,
        _ => WRITTEN,
    };
    // SAFETY: only async-signal-safe calls; SAVED_TERMIOS was written before the handler was
    // installed and is only read here.
    unsafe {
        if HAVE_TERMIOS.load(Ordering::SeqCst) {
            let saved = &raw const SAVED_TERMIOS;
            libc::tcsetattr(0, libc::TCSANOW, (*saved).as_ptr());
        }
        if STDERR_IS_TERMINAL.load(Ordering::SeqCst) {
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
        }
        libc::write(2, message.as_ptr().cast(), message.len());
        libc::_exit(130);
    }
}

/// Makes SIGINT restore the terminal and end the process with exit code 130 from now on.
pub fn install() {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    STDERR_IS_TERMINAL.store(std::io::stderr().is_terminal(), Ordering::SeqCst);
    if std::io::stdin().is_terminal() {
        // SAFETY: tcgetattr writes a termios into the buffer on success; the handler is not
        // installed yet, so nothing reads it concurrently.
        unsafe {
            let saved = &raw mut SAVED_TERMIOS;
            if libc::tcgetattr(0, (*saved).as_mut_ptr()) == 0 {
                HAVE_TERMIOS.store(true, Ordering::SeqCst);
            }
        }
    }
    let handler = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, handler);
    }
}

/// Tells the handler where the config file's writer is.
pub fn set_phase(phase: Phase) {
    PHASE.store(phase as u8, Ordering::SeqCst);
}
