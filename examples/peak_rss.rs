//! Runs a command and prints its peak resident memory in KiB. Used by scripts/bench-cli: a
//! child's `ru_maxrss` includes what its parent held when it forked, so the parent must be a
//! process as small as this one, not the Python script. `peak_rss PROGRAM [ARGS...]`.

use std::process::Command;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().expect("usage: peak_rss PROGRAM [ARGS...]");
    // Reaped below by wait4, which std's wait() does not offer, to read its rusage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(args)
        .spawn()
        .expect("start the program");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's; status and usage point to live values.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the program failed"
    );
    println!("{}", usage.ru_maxrss);
}
