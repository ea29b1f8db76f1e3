//! `completions SHELL`: clap's scripts, plus completion of profile names from the config file
//! in bash, zsh and fish (they ask `modal-setup profile list --names`).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Result};

const BIN: &str = "modal-setup";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buffer);
    let mut script = String::from_utf8(buffer).expect("clap writes UTF-8");
    match shell {
        Shell::Bash => {
            script = bash_with_matching_labels(&script);
            script.push_str(BASH_PROFILES);
        }
        Shell::Zsh => script = zsh_with_profiles(&script),
        Shell::Fish => script.push_str(FISH_PROFILES),
        _ => {}
    }
    script
}

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

const BASH_PROFILES: &str = r#"
# Profile names come from the config file.
_modal_setup_with_profiles() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local words=" ${COMP_WORDS[*]:1:COMP_CWORD-1} "
    if [[ "$prev" == "--profile" ]] || { [[ "$cur" != -* ]] && [[ "$words" =~ \ profile\ (activate|remove|rename)\ +$ ]]; }; then
        # Names are data: matched literally and quoted for the command line, never expanded
        # (`compgen -W` would run a `$(...)` inside a name).
        local name quoted
        COMPREPLY=()
        while IFS= read -r name; do
            if [[ "$name" == "$cur"* ]]; then
                printf -v quoted '%q' "$name"
                COMPREPLY+=("$quoted")
            fi
        done < <(modal-setup profile list --names 2>/dev/null)
        return 0
    fi
    _modal__setup "$@"
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _modal_setup_with_profiles -o nosort -o bashdefault -o default modal-setup
else
    complete -F _modal_setup_with_profiles -o bashdefault -o default modal-setup
fi
"#;

const FISH_PROFILES: &str = r#"
# Profile names come from the config file.
complete -c modal-setup -l profile -x -a '(modal-setup profile list --names 2>/dev/null)'
complete -c modal-setup -n '__fish_seen_subcommand_from profile; and __fish_seen_subcommand_from activate remove rename' -f -a '(modal-setup profile list --names 2>/dev/null)'
"#;

const ZSH_PROFILES_FUNCTION: &str = r#"
(( $+functions[_modal_setup_profiles] )) ||
_modal_setup_profiles() {
    local -a profiles
    profiles=("${(@f)$(modal-setup profile list --names 2>/dev/null)}")
    # _describe splits "name:description" at the first unescaped colon; compadd quotes the rest.
    profiles=("${(@)profiles//:/\\:}")
    _describe -t profiles 'profile' profiles
}
"#;

/// clap_complete (4.6) names the state of a subcommand `modal__setup__subcmd__profile` when
/// it walks the words, but writes its case labels as `modal__subcmd__setup__subcmd__profile`:
/// the hyphen of the binary's name is turned into `__subcmd__` in one place and not the other,
/// so nothing below the top level completed. Until clap_complete fixes it (the fault is open
/// upstream), the labels are rewritten to the name the walk computes.
fn bash_with_matching_labels(script: &str) -> String {
    script.replace("modal__subcmd__setup__subcmd__", "modal__setup__subcmd__")
}

/// clap leaves the action of profile arguments empty: `--profile=[…]:NAME:'` and the
/// positional `'::name -- The profile…:'`, `':old -- …:'` (with or without a description);
/// point them at the profile list.
fn zsh_with_profiles(script: &str) -> String {
    const EMPTY_ACTION: &str = ":' \\";
    let profile_argument = |line: &str| {
        ["'::name", "':name", "':old"].iter().any(|start| {
            line.strip_prefix(start)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(" -- "))
        }) || line.contains("]:NAME:")
    };
    let mut out: String = script
        .lines()
        .map(|line| match line.strip_suffix(EMPTY_ACTION) {
            Some(spec) if profile_argument(line) => {
                format!("{spec}:_modal_setup_profiles' \\\n")
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let anchor = "\nif [ \"$funcstack[1]\" = \"_modal-setup\" ]; then";
    match out.find(anchor) {
        Some(at) => out.insert_str(at, ZSH_PROFILES_FUNCTION),
        None => out.push_str(ZSH_PROFILES_FUNCTION),
    }
    out
}
