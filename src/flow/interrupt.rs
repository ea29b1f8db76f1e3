//! Ctrl-C during the login flow: exit 130 at once. Nothing has been written before the flow
//! ends (and a write is atomic), and the kernel closes the callback port with the process.

use std::sync::atomic::{AtomicBool, Ordering};

static INSTALLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    const MESSAGE: &[u8] = b"\nerror: interrupted; nothing was written\n";
    // Only async-signal-safe calls here: write(2) and _exit(2).
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(130);
    }
}

/// Makes SIGINT end the process with exit code 130 from now on.
pub fn exit_130_on_interrupt() {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let handler = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, handler);
    }
}
