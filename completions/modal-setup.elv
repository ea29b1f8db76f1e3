
use builtin;
use str;

set edit:completion:arg-completer[modal-setup] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'modal-setup'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'modal-setup'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --port 'Port of the loopback server the login page checks [default: a free one]'
            cand --timeout 'Seconds to wait for the login'
            cand --expires-in 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand --no-browser 'Do not open a browser; print the URL to open'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand --activate 'Make the profile the active one (the default)'
            cand --no-activate 'Leave the active profile as it is (unless none is active yet)'
            cand -y 'Replace a different token in an existing profile without asking'
            cand --yes 'Replace a different token in an existing profile without asking'
            cand --delete-existing 'Revoke the profile''s previous token once the new one is written'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Log in through the browser and write the new token (the default command)'
            cand login 'Log in through the browser and write the new token (the default command)'
            cand token 'Manage the token in the config file'
            cand profile 'List, choose, rename and remove profiles'
            cand config 'Show the settings in effect'
            cand doctor 'Show what Modal''s Python client and its JS and Go SDKs will each use, and why a login fails'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;setup'= {
            cand --port 'Port of the loopback server the login page checks [default: a free one]'
            cand --timeout 'Seconds to wait for the login'
            cand --expires-in 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --no-browser 'Do not open a browser; print the URL to open'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand --activate 'Make the profile the active one (the default)'
            cand --no-activate 'Leave the active profile as it is (unless none is active yet)'
            cand -y 'Replace a different token in an existing profile without asking'
            cand --yes 'Replace a different token in an existing profile without asking'
            cand --delete-existing 'Revoke the profile''s previous token once the new one is written'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;login'= {
            cand --port 'Port of the loopback server the login page checks [default: a free one]'
            cand --timeout 'Seconds to wait for the login'
            cand --expires-in 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --no-browser 'Do not open a browser; print the URL to open'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand --activate 'Make the profile the active one (the default)'
            cand --no-activate 'Leave the active profile as it is (unless none is active yet)'
            cand -y 'Replace a different token in an existing profile without asking'
            cand --yes 'Replace a different token in an existing profile without asking'
            cand --delete-existing 'Revoke the profile''s previous token once the new one is written'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Write a token id and secret into a profile'
            cand new 'Create a token by logging in through the browser (same as `setup`)'
            cand info 'Show the token in effect, where it comes from, and what the server says about it'
            cand rotate 'Replace the profile''s token through the browser, then revoke the old one'
            cand env 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;token;set'= {
            cand --id 'Token id (ak-…); prompted for when missing and stdin is a terminal'
            cand --token-id 'Token id (ak-…); prompted for when missing and stdin is a terminal'
            cand --secret 'Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing'
            cand --token-secret 'Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --activate 'Make the profile the active one (the default)'
            cand --no-activate 'Leave the active profile as it is (unless none is active yet)'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand --delete-existing 'Revoke the profile''s previous token once the new one is written'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token;new'= {
            cand --port 'Port of the loopback server the login page checks [default: a free one]'
            cand --timeout 'Seconds to wait for the login'
            cand --expires-in 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --no-browser 'Do not open a browser; print the URL to open'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand --activate 'Make the profile the active one (the default)'
            cand --no-activate 'Leave the active profile as it is (unless none is active yet)'
            cand -y 'Replace a different token in an existing profile without asking'
            cand --yes 'Replace a different token in an existing profile without asking'
            cand --delete-existing 'Revoke the profile''s previous token once the new one is written'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token;info'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --json 'Print JSON'
            cand --no-verify 'Do not ask the server (offline)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token;rotate'= {
            cand --port 'Port of the loopback server the login page checks [default: a free one]'
            cand --timeout 'Seconds to wait for the login'
            cand --expires-in 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --no-browser 'Do not open a browser; print the URL to open'
            cand --verify 'Check the token with the server before writing it (the default)'
            cand --no-verify 'Write the token without asking the server'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token;env'= {
            cand --format 'How to write the variables [default: sh, powershell on Windows]'
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --reveal 'Print the secret even when stdout is a terminal'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;token;help'= {
            cand set 'Write a token id and secret into a profile'
            cand new 'Create a token by logging in through the browser (same as `setup`)'
            cand info 'Show the token in effect, where it comes from, and what the server says about it'
            cand rotate 'Replace the profile''s token through the browser, then revoke the old one'
            cand env 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;token;help;set'= {
        }
        &'modal-setup;token;help;new'= {
        }
        &'modal-setup;token;help;info'= {
        }
        &'modal-setup;token;help;rotate'= {
        }
        &'modal-setup;token;help;env'= {
        }
        &'modal-setup;token;help;help'= {
        }
        &'modal-setup;profile'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the profiles of the config file (offline)'
            cand current 'Print the profile in effect'
            cand activate 'Make a profile the active one (choose from a list when NAME is omitted)'
            cand remove 'Remove a profile from the config file'
            cand rename 'Rename a profile, keeping its content and its place in the file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;profile;list'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --json 'Print JSON: an array of {name, active, token_id, server_url}'
            cand --check 'Ask the server about every profile''s token (about 5 s at most)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;profile;current'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;profile;activate'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;profile;remove'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --revoke 'Revoke the profile''s token on the server first; nothing is removed if that fails'
            cand --force 'With --revoke: remove the profile even when revoking fails'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;profile;rename'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;profile;help'= {
            cand list 'List the profiles of the config file (offline)'
            cand current 'Print the profile in effect'
            cand activate 'Make a profile the active one (choose from a list when NAME is omitted)'
            cand remove 'Remove a profile from the config file'
            cand rename 'Rename a profile, keeping its content and its place in the file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;profile;help;list'= {
        }
        &'modal-setup;profile;help;current'= {
        }
        &'modal-setup;profile;help;activate'= {
        }
        &'modal-setup;profile;help;remove'= {
        }
        &'modal-setup;profile;help;rename'= {
        }
        &'modal-setup;profile;help;help'= {
        }
        &'modal-setup;config'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show the values in effect (the secret as "***")'
            cand path 'Print the path of the config file in effect'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;config;show'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --json 'Print JSON'
            cand --origin 'Say where each value came from'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;config;path'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;config;help'= {
            cand show 'Show the values in effect (the secret as "***")'
            cand path 'Print the path of the config file in effect'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;config;help;show'= {
        }
        &'modal-setup;config;help;path'= {
        }
        &'modal-setup;config;help;help'= {
        }
        &'modal-setup;doctor'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand --json 'Print JSON'
            cand --no-verify 'Do not ask the server about the token (offline)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;completions'= {
            cand --config 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]'
            cand --profile 'Profile to use or write [default: MODAL_PROFILE, else the active profile]'
            cand --color 'When to use colours (NO_COLOR is honoured under `auto`)'
            cand -q 'Print only data and warnings'
            cand --quiet 'Print only data and warnings'
            cand -v 'Print more detail about what is done (never a secret)'
            cand --verbose 'Print more detail about what is done (never a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'modal-setup;help'= {
            cand setup 'Log in through the browser and write the new token (the default command)'
            cand token 'Manage the token in the config file'
            cand profile 'List, choose, rename and remove profiles'
            cand config 'Show the settings in effect'
            cand doctor 'Show what Modal''s Python client and its JS and Go SDKs will each use, and why a login fails'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'modal-setup;help;setup'= {
        }
        &'modal-setup;help;token'= {
            cand set 'Write a token id and secret into a profile'
            cand new 'Create a token by logging in through the browser (same as `setup`)'
            cand info 'Show the token in effect, where it comes from, and what the server says about it'
            cand rotate 'Replace the profile''s token through the browser, then revoke the old one'
            cand env 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers'
        }
        &'modal-setup;help;token;set'= {
        }
        &'modal-setup;help;token;new'= {
        }
        &'modal-setup;help;token;info'= {
        }
        &'modal-setup;help;token;rotate'= {
        }
        &'modal-setup;help;token;env'= {
        }
        &'modal-setup;help;profile'= {
            cand list 'List the profiles of the config file (offline)'
            cand current 'Print the profile in effect'
            cand activate 'Make a profile the active one (choose from a list when NAME is omitted)'
            cand remove 'Remove a profile from the config file'
            cand rename 'Rename a profile, keeping its content and its place in the file'
        }
        &'modal-setup;help;profile;list'= {
        }
        &'modal-setup;help;profile;current'= {
        }
        &'modal-setup;help;profile;activate'= {
        }
        &'modal-setup;help;profile;remove'= {
        }
        &'modal-setup;help;profile;rename'= {
        }
        &'modal-setup;help;config'= {
            cand show 'Show the values in effect (the secret as "***")'
            cand path 'Print the path of the config file in effect'
        }
        &'modal-setup;help;config;show'= {
        }
        &'modal-setup;help;config;path'= {
        }
        &'modal-setup;help;doctor'= {
        }
        &'modal-setup;help;completions'= {
        }
        &'modal-setup;help;help'= {
        }
    ]
    $completions[$command]
}
