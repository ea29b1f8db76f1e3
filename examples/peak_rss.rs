//! Runs a command and reports its peak resident memory in KiB. A child's `ru_maxrss` includes
//! what its parent held when it forked, so the parent must be a process as small as this one:
//! scripts/bench-cli (not the Python script) and the hostile-server tests (not the test binary)
//! start modal-setup through it.
//!
//! `peak_rss PROGRAM [ARGS...]`: prints the KiB; the program must succeed.
//! `peak_rss --out FILE PROGRAM [ARGS...]`: writes the KiB to FILE and exits as the program
//! did (128 + the signal if one ended it); the program dies with this process.

/// Elsewhere there is no wait4 and no parent-death signal: the benchmarks run on Linux.
#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("peak_rss measures on Linux only");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
fn main() {
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    let mut args = std::env::args_os().skip(1).peekable();
    let out = if args.peek().is_some_and(|a| a == "--out") {
        args.next();
        Some(args.next().expect("--out FILE"))
    } else {
        None
    };
    let program = args
        .next()
        .expect("usage: peak_rss [--out FILE] PROGRAM [ARGS...]");
    let mut command = Command::new(program);
    command.args(args);
    // SAFETY: prctl is async-signal-safe; a killed measurer must not leave the program behind.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    // Reaped below by wait4, which std's wait() does not offer, to read its rusage.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("start the program");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's; status and usage point to live values.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    match out {
        Some(file) => {
            std::fs::write(file, usage.ru_maxrss.to_string()).expect("write the figure");
            std::process::exit(code);
        }
        None => {
            assert_eq!(code, 0, "the program failed");
            println!("{}", usage.ru_maxrss);
        }
    }
}
