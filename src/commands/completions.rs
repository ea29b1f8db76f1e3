//! `completions SHELL`: clap_complete's dynamic engine (pinned: it is unstable) prints a short
//! script that asks the binary itself what to offer (`COMPLETE=SHELL modal-setup -- WORDS…`,
//! answered in cli.rs), so subcommands, flags, values and profile names all come from the one
//! CLI definition. completions/ holds the scripts, checked by a test.

use std::io::Write;

use clap_complete::Shell;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::cli::{BIN, COMPLETE};
use crate::error::{Error, Result};

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        Shell::Elvish => &Elvish,
        _ => &Bash,
    };
    let mut script = Vec::new();
    completer
        .write_registration(COMPLETE, BIN, BIN, BIN, &mut script)
        .expect("writing to memory cannot fail");
    let mut script = String::from_utf8(script).expect("the scripts are UTF-8");
    if shell == Shell::Zsh {
        // Loaded from fpath (`~/.zfunc/_modal-setup`), the file is the body of `_modal-setup`,
        // which the first TAB runs: completing then too, as clap_complete's static zsh
        // script does, instead of only defining the completer for the next TAB.
        script.push_str(ZSH_FIRST_TAB);
    }
    script
}

const ZSH_FIRST_TAB: &str = r#"if [ "$funcstack[1]" = "_modal-setup" ]; then
    _clap_dynamic_completer_modal_setup "$@"
fi
"#;

/// Prints the script; a closed pipe (`| head`) is a quiet end, as for every command.
pub fn print(shell: Shell) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(script(shell).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Error::BrokenPipe,
            _ => Error::io("write the completion script to", "stdout", e),
        })
}
