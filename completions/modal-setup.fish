# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_modal_setup_global_optspecs
    string join \n config= profile= color= q/quiet v/verbose no-browser port= timeout= expires-in= verify no-verify activate no-activate y/yes delete-existing h/help V/version
end

function __fish_modal_setup_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_modal_setup_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_modal_setup_using_subcommand
    set -l cmd (__fish_modal_setup_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c modal-setup -n "__fish_modal_setup_needs_command" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l port -d 'Port of the loopback server the login page checks [default: a free one]' -r
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l timeout -d 'Seconds to wait for the login' -r
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l expires-in -d 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace\'s default]' -r
complete -c modal-setup -n "__fish_modal_setup_needs_command" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l no-browser -d 'Do not open a browser; print the URL to open'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l activate -d 'Make the profile the active one (the default)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l no-activate -d 'Leave the active profile as it is (unless none is active yet)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -s y -l yes -d 'Replace a different token in an existing profile without asking'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -l delete-existing -d 'Revoke the profile\'s previous token once the new one is written'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "setup" -d 'Log in through the browser and write the new token (the default command)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "login" -d 'Log in through the browser and write the new token (the default command)'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "token" -d 'Manage the token in the config file'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "profile" -d 'List, choose, rename and remove profiles'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "config" -d 'Show the settings in effect'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "doctor" -d 'Show what Modal\'s Python client and its JS and Go SDKs will each use, and why a login fails'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c modal-setup -n "__fish_modal_setup_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l port -d 'Port of the loopback server the login page checks [default: a free one]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l timeout -d 'Seconds to wait for the login' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l expires-in -d 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace\'s default]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l no-browser -d 'Do not open a browser; print the URL to open'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l activate -d 'Make the profile the active one (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l no-activate -d 'Leave the active profile as it is (unless none is active yet)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -s y -l yes -d 'Replace a different token in an existing profile without asking'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -l delete-existing -d 'Revoke the profile\'s previous token once the new one is written'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand setup" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l port -d 'Port of the loopback server the login page checks [default: a free one]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l timeout -d 'Seconds to wait for the login' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l expires-in -d 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace\'s default]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l no-browser -d 'Do not open a browser; print the URL to open'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l activate -d 'Make the profile the active one (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l no-activate -d 'Leave the active profile as it is (unless none is active yet)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -s y -l yes -d 'Replace a different token in an existing profile without asking'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -l delete-existing -d 'Revoke the profile\'s previous token once the new one is written'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand login" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "set" -d 'Write a token id and secret into a profile'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "new" -d 'Create a token by logging in through the browser (same as `setup`)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "info" -d 'Show the token in effect, where it comes from, and what the server says about it'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "rotate" -d 'Replace the profile\'s token through the browser, then revoke the old one'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "env" -d 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and not __fish_seen_subcommand_from set new info rotate env help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l id -l token-id -d 'Token id (ak-…); prompted for when missing and stdin is a terminal' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l secret -l token-secret -d 'Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l activate -d 'Make the profile the active one (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l no-activate -d 'Leave the active profile as it is (unless none is active yet)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -l delete-existing -d 'Revoke the profile\'s previous token once the new one is written'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l port -d 'Port of the loopback server the login page checks [default: a free one]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l timeout -d 'Seconds to wait for the login' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l expires-in -d 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace\'s default]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l no-browser -d 'Do not open a browser; print the URL to open'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l activate -d 'Make the profile the active one (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l no-activate -d 'Leave the active profile as it is (unless none is active yet)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -s y -l yes -d 'Replace a different token in an existing profile without asking'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -l delete-existing -d 'Revoke the profile\'s previous token once the new one is written'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -l json -d 'Print JSON'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -l no-verify -d 'Do not ask the server (offline)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l port -d 'Port of the loopback server the login page checks [default: a free one]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l timeout -d 'Seconds to wait for the login' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l expires-in -d 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace\'s default]' -r
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-browser -d 'Do not open a browser; print the URL to open'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l verify -d 'Check the token with the server before writing it (the default)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -l no-verify -d 'Write the token without asking the server'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -l format -d 'How to write the variables [default: sh, powershell on Windows]' -r -f -a "sh\t'`export NAME=\'value\'` (bash, zsh, sh)'
fish\t'`set -gx NAME \'value\'`'
powershell\t'`$Env:NAME = \'value\'`'
dotenv\t'`NAME=value`, for .env files, `gh secret set --env-file`, `fly secrets import`'
json\t'`{"NAME": "value"}`'"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -l reveal -d 'Print the secret even when stdout is a terminal'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from env" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "set" -d 'Write a token id and secret into a profile'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "new" -d 'Create a token by logging in through the browser (same as `setup`)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show the token in effect, where it comes from, and what the server says about it'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace the profile\'s token through the browser, then revoke the old one'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "env" -d 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "list" -d 'List the profiles of the config file (offline)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "current" -d 'Print the profile in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "activate" -d 'Make a profile the active one (choose from a list when NAME is omitted)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "remove" -d 'Remove a profile from the config file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "rename" -d 'Rename a profile, keeping its content and its place in the file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and not __fish_seen_subcommand_from list current activate remove rename help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -l json -d 'Print JSON: an array of {name, active, token_id, server_url}'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -l check -d 'Ask the server about every profile\'s token (about 5 s at most)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from current" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from activate" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -l revoke -d 'Revoke the profile\'s token on the server first; nothing is removed if that fails'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -l force -d 'With --revoke: remove the profile even when revoking fails'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the profiles of the config file (offline)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "current" -d 'Print the profile in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "activate" -d 'Make a profile the active one (choose from a list when NAME is omitted)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile from the config file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a profile, keeping its content and its place in the file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "show" -d 'Show the values in effect (the secret as "***")'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "path" -d 'Print the path of the config file in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print JSON'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -l origin -d 'Say where each value came from'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the values in effect (the secret as "***")'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of the config file in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -l json -d 'Print JSON'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -l no-verify -d 'Do not ask the server about the token (offline)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -l config -d 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]' -r -F
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -l profile -d 'Profile to use or write [default: MODAL_PROFILE, else the active profile]' -r -f
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -l color -d 'When to use colours (NO_COLOR is honoured under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -s q -l quiet -d 'Print only data and warnings'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -s v -l verbose -d 'Print more detail about what is done (never a secret)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -s h -l help -d 'Print help'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand completions" -s V -l version -d 'Print version'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "setup" -d 'Log in through the browser and write the new token (the default command)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "token" -d 'Manage the token in the config file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "profile" -d 'List, choose, rename and remove profiles'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "config" -d 'Show the settings in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "doctor" -d 'Show what Modal\'s Python client and its JS and Go SDKs will each use, and why a login fails'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and not __fish_seen_subcommand_from setup token profile config doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "set" -d 'Write a token id and secret into a profile'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "new" -d 'Create a token by logging in through the browser (same as `setup`)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "info" -d 'Show the token in effect, where it comes from, and what the server says about it'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "rotate" -d 'Replace the profile\'s token through the browser, then revoke the old one'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "env" -d 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List the profiles of the config file (offline)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "current" -d 'Print the profile in effect'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "activate" -d 'Make a profile the active one (choose from a list when NAME is omitted)'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Remove a profile from the config file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "rename" -d 'Rename a profile, keeping its content and its place in the file'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show the values in effect (the secret as "***")'
complete -c modal-setup -n "__fish_modal_setup_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the config file in effect'

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
