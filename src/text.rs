//! Text made safe to show, and values written for people: control characters shown instead
//! of obeyed, the password of any URL and anything shaped like a token secret masked, names
//! as shell words, durations in seconds. Used by the printer and by the errors' messages.

use std::borrow::Cow;

/// Text from the config file (a profile name, a URL) as it can be printed on a terminal:
/// control characters and bidirectional overrides shown as `\u{..}`, the password of any URL
/// masked ([`mask_passwords`]), nothing else changed.
pub fn shown(text: &str) -> Cow<'_, str> {
    let text = mask_passwords(text);
    if !text.chars().any(is_hidden) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with the password of every URL in it shown as `***`: `https://user:***@host`. The one
/// place a URL's secret is hidden; the printer passes every line and every piece of data
/// through it, so no message, listing, JSON document or `-v` line shows one.
pub fn mask_passwords(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let authority_len = after
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | ',') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..authority_len];
        match authority.rfind('@').and_then(|at| {
            let (user, password) = authority[..at].split_once(':')?;
            (!password.is_empty()).then_some((user, &authority[at..]))
        }) {
            Some((user, host)) => {
                out.push_str(user);
                out.push_str(":***");
                out.push_str(host);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A name or path as one shell word, quoted when it needs to be: suggested commands work
/// when pasted.
pub fn shell_word(word: &str) -> String {
    shell_words::quote(word).into_owned()
}

/// Characters a terminal acts on, or that reorder what it shows, instead of printing them.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The most characters of server-sent text shown in one message.
const MAX_SHOWN: usize = 300;

/// Text from elsewhere (a server's message, a URL from the environment) made safe to print on
/// one line: control characters and escape sequences shown as `\u{..}`, anything shaped like a
/// token secret masked, and the length capped.
pub fn sanitize(text: &str) -> String {
    let mut shown = String::new();
    let mut chars = text.chars().peekable();
    let mut count = 0;
    let mut previous_alphanumeric = false;
    while let Some(c) = chars.next() {
        if count == MAX_SHOWN {
            shown.push('…');
            break;
        }
        count += 1;
        if c == 'a' && !previous_alphanumeric && text_follows(&mut chars, "s-") {
            // `as-` then a letter or digit: a token secret. Mask what follows.
            shown.push_str("as-***");
            while chars.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                chars.next();
            }
            previous_alphanumeric = false;
            continue;
        }
        previous_alphanumeric = c.is_alphanumeric();
        if is_hidden(c) {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Consumes `expected` from `chars` when it comes next and is followed by a letter or digit.
fn text_follows(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, expected: &str) -> bool {
    let ahead: String = chars.clone().take(expected.len() + 1).collect();
    let matches = ahead.starts_with(expected)
        && ahead[expected.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if matches {
        for _ in 0..expected.len() {
            chars.next();
        }
    }
    matches
}

/// A duration in seconds for people: `30 s`, `1.5 s`, `0.25 s`.
pub fn seconds(duration: std::time::Duration) -> String {
    let secs = duration.as_secs_f64();
    let text = format!("{secs:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

/// " (did you mean 'a' or 'b'?)" for the `names` closest to a mistyped `name`, as clap
/// suggests subcommands (Jaro similarity above 0.8, the closest first, three at most); empty
/// when none is close.
pub fn did_you_mean<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let mut close: Vec<(f64, &str)> = names
        .into_iter()
        .map(|candidate| (strsim::jaro(name, candidate), candidate))
        .filter(|(score, candidate)| *score > 0.8 && *candidate != name)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let quoted: Vec<String> = close
        .iter()
        .take(3)
        .map(|(_, n)| format!("'{}'", shown(n)))
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => format!(" (did you mean {last}?)"),
        Some((last, rest)) => format!(" (did you mean {} or {last}?)", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mistyped_name_gets_the_closest_ones() {
        let names = ["acme", "acme-staging", "personal", "ci"];
        assert_eq!(
            super::did_you_mean("acmee", names),
            " (did you mean 'acme'?)"
        );
        assert_eq!(
            super::did_you_mean("personl", names),
            " (did you mean 'personal'?)"
        );
        assert_eq!(super::did_you_mean("zzz", names), "");
        assert_eq!(
            super::did_you_mean("acme", names),
            "",
            "a name that exists is no typo"
        );
    }

    use super::*;

    #[test]
    fn sanitize_neutralises_what_a_server_could_send() {
        assert_eq!(sanitize("plain message"), "plain message");
        assert_eq!(sanitize("a\nb\x1b[31mred"), "a\\u{a}b\\u{1b}[31mred");
        assert_eq!(
            sanitize("bad secret as-Abc123 here"),
            "bad secret as-*** here"
        );
        assert_eq!(sanitize("has-abc"), "has-abc");
        assert_eq!(sanitize(&"x".repeat(1000)).chars().count(), MAX_SHOWN + 1);
        assert_eq!(sanitize("\u{202e}evil"), "\\u{202e}evil");
    }

    #[test]
    fn seconds_for_people() {
        use std::time::Duration;
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }

    #[test]
    fn the_password_of_every_url_is_masked() {
        let cases = [
            ("https://user:pw@host", "https://user:***@host"),
            (
                "server_url = \"http://bob:p:w@[::1]:8/x\" and ftp://a:b@c",
                "server_url = \"http://bob:***@[::1]:8/x\" and ftp://a:***@c",
            ),
            ("'http://bob:pw@[::1'", "'http://bob:***@[::1'"),
            (
                "http://a:1@h,https://b:2@i",
                "http://a:***@h,https://b:***@i",
            ),
            (
                "https://user@host https://host:443 no url",
                "https://user@host https://host:443 no url",
            ),
        ];
        for (text, masked) in cases {
            assert_eq!(mask_passwords(text), masked);
            assert_eq!(shown(text), masked);
        }
    }
}
