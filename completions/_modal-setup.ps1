
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'modal-setup' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'modal-setup'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'modal-setup' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the loopback server the login page checks [default: a free one]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the login')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the URL to open')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make the profile the active one (the default)')
            [CompletionResult]::new('--no-activate', '--no-activate', [CompletionResultType]::ParameterName, 'Leave the active profile as it is (unless none is active yet)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--delete-existing', '--delete-existing', [CompletionResultType]::ParameterName, 'Revoke the profile''s previous token once the new one is written')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Log in through the browser and write the new token (the default command)')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in through the browser and write the new token (the default command)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Manage the token in the config file')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, choose, rename and remove profiles')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show what Modal''s Python client and its JS and Go SDKs will each use, and why a login fails')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;setup' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the loopback server the login page checks [default: a free one]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the login')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the URL to open')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make the profile the active one (the default)')
            [CompletionResult]::new('--no-activate', '--no-activate', [CompletionResultType]::ParameterName, 'Leave the active profile as it is (unless none is active yet)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--delete-existing', '--delete-existing', [CompletionResultType]::ParameterName, 'Revoke the profile''s previous token once the new one is written')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;login' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the loopback server the login page checks [default: a free one]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the login')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the URL to open')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make the profile the active one (the default)')
            [CompletionResult]::new('--no-activate', '--no-activate', [CompletionResultType]::ParameterName, 'Leave the active profile as it is (unless none is active yet)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--delete-existing', '--delete-existing', [CompletionResultType]::ParameterName, 'Revoke the profile''s previous token once the new one is written')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Write a token id and secret into a profile')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a token by logging in through the browser (same as `setup`)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the token in effect, where it comes from, and what the server says about it')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the profile''s token through the browser, then revoke the old one')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;token;set' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Token id (ak-…); prompted for when missing and stdin is a terminal')
            [CompletionResult]::new('--token-id', '--token-id', [CompletionResultType]::ParameterName, 'Token id (ak-…); prompted for when missing and stdin is a terminal')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing')
            [CompletionResult]::new('--token-secret', '--token-secret', [CompletionResultType]::ParameterName, 'Token secret (as-…); `-` reads one line from stdin. Prompted for (hidden) when missing')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make the profile the active one (the default)')
            [CompletionResult]::new('--no-activate', '--no-activate', [CompletionResultType]::ParameterName, 'Leave the active profile as it is (unless none is active yet)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('--delete-existing', '--delete-existing', [CompletionResultType]::ParameterName, 'Revoke the profile''s previous token once the new one is written')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token;new' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the loopback server the login page checks [default: a free one]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the login')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the URL to open')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make the profile the active one (the default)')
            [CompletionResult]::new('--no-activate', '--no-activate', [CompletionResultType]::ParameterName, 'Leave the active profile as it is (unless none is active yet)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Replace a different token in an existing profile without asking')
            [CompletionResult]::new('--delete-existing', '--delete-existing', [CompletionResultType]::ParameterName, 'Revoke the profile''s previous token once the new one is written')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token;info' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not ask the server (offline)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token;rotate' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the loopback server the login page checks [default: a free one]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the login')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the new token lives, e.g. 7d, 12h, 3600 [default: the workspace''s default]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Do not open a browser; print the URL to open')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the token with the server before writing it (the default)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Write the token without asking the server')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token;env' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to write the variables [default: sh, powershell on Windows]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the secret even when stdout is a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;token;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Write a token id and secret into a profile')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a token by logging in through the browser (same as `setup`)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the token in effect, where it comes from, and what the server says about it')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the profile''s token through the browser, then revoke the old one')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;token;help;set' {
            break
        }
        'modal-setup;token;help;new' {
            break
        }
        'modal-setup;token;help;info' {
            break
        }
        'modal-setup;token;help;rotate' {
            break
        }
        'modal-setup;token;help;env' {
            break
        }
        'modal-setup;token;help;help' {
            break
        }
        'modal-setup;profile' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file (offline)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the profile in effect')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a profile the active one (choose from a list when NAME is omitted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile from the config file')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename a profile, keeping its content and its place in the file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;profile;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: an array of {name, active, token_id, server_url}')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Ask the server about every profile''s token (about 5 s at most)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;profile;current' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;profile;activate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;profile;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Revoke the profile''s token on the server first; nothing is removed if that fails')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --revoke: remove the profile even when revoking fails')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;profile;rename' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file (offline)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the profile in effect')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a profile the active one (choose from a list when NAME is omitted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile from the config file')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename a profile, keeping its content and its place in the file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;profile;help;list' {
            break
        }
        'modal-setup;profile;help;current' {
            break
        }
        'modal-setup;profile;help;activate' {
            break
        }
        'modal-setup;profile;help;remove' {
            break
        }
        'modal-setup;profile;help;rename' {
            break
        }
        'modal-setup;profile;help;help' {
            break
        }
        'modal-setup;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the values in effect (the secret as "***")')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file in effect')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;config;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Say where each value came from')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the values in effect (the secret as "***")')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file in effect')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;config;help;show' {
            break
        }
        'modal-setup;config;help;path' {
            break
        }
        'modal-setup;config;help;help' {
            break
        }
        'modal-setup;doctor' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not ask the server about the token (offline)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to use [default: MODAL_CONFIG_PATH, else ~/.modal.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use or write [default: MODAL_PROFILE, else the active profile]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail about what is done (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'modal-setup;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Log in through the browser and write the new token (the default command)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Manage the token in the config file')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, choose, rename and remove profiles')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Show what Modal''s Python client and its JS and Go SDKs will each use, and why a login fails')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'modal-setup;help;setup' {
            break
        }
        'modal-setup;help;token' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Write a token id and secret into a profile')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a token by logging in through the browser (same as `setup`)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the token in effect, where it comes from, and what the server says about it')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the profile''s token through the browser, then revoke the old one')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the token in effect as MODAL_TOKEN_ID/MODAL_TOKEN_SECRET, for CI and secret managers')
            break
        }
        'modal-setup;help;token;set' {
            break
        }
        'modal-setup;help;token;new' {
            break
        }
        'modal-setup;help;token;info' {
            break
        }
        'modal-setup;help;token;rotate' {
            break
        }
        'modal-setup;help;token;env' {
            break
        }
        'modal-setup;help;profile' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file (offline)')
            [CompletionResult]::new('current', 'current', [CompletionResultType]::ParameterValue, 'Print the profile in effect')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a profile the active one (choose from a list when NAME is omitted)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile from the config file')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename a profile, keeping its content and its place in the file')
            break
        }
        'modal-setup;help;profile;list' {
            break
        }
        'modal-setup;help;profile;current' {
            break
        }
        'modal-setup;help;profile;activate' {
            break
        }
        'modal-setup;help;profile;remove' {
            break
        }
        'modal-setup;help;profile;rename' {
            break
        }
        'modal-setup;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the values in effect (the secret as "***")')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file in effect')
            break
        }
        'modal-setup;help;config;show' {
            break
        }
        'modal-setup;help;config;path' {
            break
        }
        'modal-setup;help;doctor' {
            break
        }
        'modal-setup;help;completions' {
            break
        }
        'modal-setup;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
