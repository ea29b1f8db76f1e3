//! Shell completion through clap_complete's dynamic engine: `completions SHELL` prints a short
//! script that asks the binary itself what to offer (`COMPLETE=SHELL modal-setup -- WORDS…`),
//! so subcommands, flags and values come from the one CLI definition in cli.rs, and profile
//! names from the config file the line being completed would use. The engine is unstable, so
//! clap_complete is pinned; completions/ holds the scripts, checked by a test.

use std::ffi::OsString;
use std::io::Write;

use clap::CommandFactory;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use clap_complete::{ArgValueCandidates, CompletionCandidate, Shell};

use crate::cli::Cli;
use crate::config::path::config_path;
use crate::config::resolve::Origin;
use crate::error::{Error, Result};

const BIN: &str = "modal-setup";
/// The variable that makes the binary answer a completion request instead of running.
const VAR: &str = "COMPLETE";

/// Whether the request came from bash, whose script inserts candidates as they are.
static FOR_BASH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Answers the shell and exits when this process is a completion request.
pub fn answer_if_asked() {
    // The engine unsets the variable before it asks for candidates.
    FOR_BASH.get_or_init(|| std::env::var_os(VAR).is_some_and(|shell| shell == "bash"));
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .completer(BIN)
        .complete();
}

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
        .write_registration(VAR, BIN, BIN, BIN, &mut script)
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

/// For every argument that takes a profile name: the names in the config file of the line
/// being completed (its `--config`, else MODAL_CONFIG_PATH's, else ~/.modal.toml). Nothing
/// when the file cannot be read; names are data, quoted for bash (the other shells quote what
/// they insert), and one with a control character is left out.
pub fn profile_names() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let env = crate::env::Env::from_process();
        let line: Vec<OsString> = std::env::args_os().skip_while(|w| w != "--").collect();
        let flag = config_on(&line, &env).map(|path| (path, Origin::Flag("--config")));
        let Ok(path) = config_path(flag, &env) else {
            return Vec::new();
        };
        let Ok(config) = crate::config::store::Store::new(path.value).load() else {
            return Vec::new();
        };
        let bash = FOR_BASH.get().copied().unwrap_or(false);
        config
            .profile_names()
            .into_iter()
            .filter(|name| !name.chars().any(char::is_control))
            .map(|name| match bash {
                true => backslashed(&name),
                false => name,
            })
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `name` as bash's `printf %q` writes it, so that what the user typed so far (`has\ s`) is
/// a prefix of it.
fn backslashed(name: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_-./,:@+=%^".contains(c);
    name.chars()
        .flat_map(|c| (!plain(c)).then_some('\\').into_iter().chain([c]))
        .collect()
}

/// The `--config` path of a command line as typed (`--config PATH`, `--config=PATH`, and
/// bash's `--config = PATH`), one level of quotes and a leading `~/` undone, nothing run. The
/// last word is the one being completed.
fn config_on(line: &[OsString], env: &crate::env::Env) -> Option<std::path::PathBuf> {
    let words: Vec<String> = line.iter().map(|w| w.to_string_lossy().into()).collect();
    let typed = words.split_last()?.1;
    let mut found = None;
    for (i, word) in typed.iter().enumerate() {
        let next = |at: usize| typed.get(at).cloned();
        found = match word.strip_prefix("--config") {
            Some("") if next(i + 1).as_deref() == Some("=") => next(i + 2),
            Some("") => next(i + 1),
            Some(value) => value.strip_prefix('=').map(str::to_owned).or(found),
            None => found,
        };
    }
    let word = found?;
    let path = match shell_words::split(&word).as_deref() {
        Ok([one]) => one.clone(),
        _ => word,
    };
    match path.strip_prefix("~/") {
        Some(rest) => Some(crate::platform::home_dir(env)?.join(rest)),
        None => Some(path.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_file_is_read_from_the_line_as_typed() {
        let env = crate::env::Env::from_pairs([(crate::platform::HOME_VARIABLE, "/h")]);
        let on = |line: &str| {
            let words: Vec<OsString> = line.split(' ').map(OsString::from).collect();
            config_on(&words, &env).map(|p| p.to_string_lossy().into_owned())
        };
        let some = |p: &str| Some(p.to_owned());
        assert_eq!(on("-- m --config a.toml profile activate "), some("a.toml"));
        assert_eq!(on("-- m --config=a.toml --profile "), some("a.toml"));
        assert_eq!(on("-- m --config = a.toml --profile "), some("a.toml"));
        assert_eq!(on("-- m --config \"a.toml\" --profile "), some("a.toml"));
        assert_eq!(on("-- m --config 'a.toml' --profile "), some("a.toml"));
        let home = crate::platform::home_dir(&env).unwrap().join("x.toml");
        assert_eq!(
            on("-- m --config ~/x.toml --profile "),
            some(&home.to_string_lossy())
        );
        // The word being completed is not a path yet; without --config, none.
        assert_eq!(on("-- m --config"), None);
        assert_eq!(on("-- m --profile "), None);
    }

    #[test]
    fn bash_gets_names_quoted_as_printf_q_does() {
        assert_eq!(backslashed("has space"), "has\\ space");
        assert_eq!(backslashed("$(touch x)"), "\\$\\(touch\\ x\\)");
        assert_eq!(backslashed("it's"), "it\\'s");
        assert_eq!(backslashed("my.ws-1_é"), "my.ws-1_é");
    }
}
