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
    script = without_hidden_flags(shell, &script);
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
# Profile names come from the config file: the one `--config` names on the line, else
# MODAL_CONFIG_PATH's, else ~/.modal.toml.
_modal_setup_profile_names() {
    local i word path= config=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in
            --config)
                # COMP_WORDBREAKS splits `--config=PATH` into `--config`, `=`, `PATH`.
                if [[ "${COMP_WORDS[i+1]}" == "=" ]]; then ((i++)); fi
                path="${COMP_WORDS[i+1]}" ;;
            --config=*) path="${word#--config=}" ;;
        esac
    done
    if [[ -n "$path" ]]; then
        # The word as typed: one level of quotes and a leading ~/ are undone, nothing is run.
        if [[ "$path" == \'*\' || "$path" == \"*\" ]]; then path="${path:1:${#path}-2}"; fi
        if [[ "$path" == "~/"* ]]; then path="$HOME/${path:2}"; fi
        config=(--config "$path")
    fi
    modal-setup "${config[@]}" profile list --names 2>/dev/null
}
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
        done < <(_modal_setup_profile_names)
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
# Profile names come from the config file: the one `--config` names on the line, else
# MODAL_CONFIG_PATH's, else ~/.modal.toml.
function __modal_setup_profiles
    set -l tokens (commandline -opc)
    set -l config
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case --config
                if test $i -lt (count $tokens)
                    set config --config $tokens[(math $i + 1)]
                end
            case '--config=*'
                set config --config (string replace -- --config= '' $tokens[$i])
        end
    end
    if set -q config[2]
        set config[2] (string replace -r -- '^~/' "$HOME/" $config[2])
    end
    modal-setup $config profile list --names 2>/dev/null
end
complete -c modal-setup -l profile -x -a '(__modal_setup_profiles)'
complete -c modal-setup -n '__fish_seen_subcommand_from profile; and __fish_seen_subcommand_from activate remove rename' -f -a '(__modal_setup_profiles)'
"#;

const ZSH_PROFILES_FUNCTION: &str = r#"
(( $+functions[_modal_setup_profiles] )) ||
_modal_setup_profiles() {
    # The config file: the one `--config` names on the line (read from the line itself, as
    # $words holds only the current subcommand's), else MODAL_CONFIG_PATH's, else ~/.modal.toml.
    # (Not `path`: zsh ties it to PATH.)
    local -a profiles config typed
    local i file
    typed=("${(z)LBUFFER}")
    for (( i = 2; i <= $#typed; i++ )); do
        case $typed[i] in
            --config) file=$typed[i+1] ;;
            --config=*) file=${typed[i]#--config=} ;;
        esac
    done
    if [[ -n $file ]]; then
        # The word as typed: its quotes and a leading ~/ are undone, nothing is run.
        file=${(Q)file}
        [[ $file == '~/'* ]] && file=$HOME/${file#'~/'}
        config=(--config "$file")
    fi
    profiles=("${(@f)$(modal-setup "${config[@]}" profile list --names 2>/dev/null)}")
    # _describe splits "name:description" at the first unescaped colon; compadd quotes the rest.
    profiles=("${(@)profiles//:/\\:}")
    _describe -t profiles 'profile' profiles
}
"#;

/// The long flags `--help` does not show (`profile list --names`, what the scripts ask for
/// profile names): clap_complete (4.6) offers them all the same, so they are taken out.
fn hidden_flags(command: &clap::Command) -> Vec<String> {
    let own = command
        .get_arguments()
        .filter(|arg| arg.is_hide_set())
        .filter_map(|arg| arg.get_long().map(str::to_owned));
    own.chain(command.get_subcommands().flat_map(hidden_flags))
        .collect()
}

/// `script` without the hidden flags, in the form each generator writes them: bash lists them
/// in `opts="…"`; the other shells give each its own line.
fn without_hidden_flags(shell: Shell, script: &str) -> String {
    let mut script = script.to_owned();
    for flag in hidden_flags(&Cli::command()) {
        let own_line = match shell {
            Shell::Bash => {
                script = script.replace(&format!(" --{flag} "), " ");
                continue;
            }
            Shell::Zsh => format!("--{flag}["),
            Shell::Fish => format!(" -l {flag} "),
            Shell::Elvish => format!("cand --{flag} "),
            Shell::PowerShell => format!("::new('--{flag}',"),
            _ => continue,
        };
        script = script
            .split_inclusive('\n')
            .filter(|line| !line.contains(&own_line))
            .collect();
    }
    script
}

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
