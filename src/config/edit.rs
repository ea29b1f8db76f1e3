//! The changes modal-setup makes to a config file. Each touches only the keys it means to
//! change: comments, blank lines, key order, quoting and other profiles stay as they were.

use toml_edit::{Item, Key, Table, TableLike, Value};

use super::{Config, DEFAULT_PROFILE};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// What [`Config::set_token`] did to the profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenChange {
    /// The profile did not exist and was appended.
    Created,
    /// The profile held another token (`None`: it held none), with its secret when it had one.
    Replaced {
        previous_token_id: Option<String>,
        previous_token_secret: Option<Secret>,
    },
    /// The profile already held this token.
    Unchanged,
}

/// What [`Config::settle_active`] did so that Modal's three clients read the same profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Settled {
    /// Exactly one profile was active already, or no profile holds a token.
    #[default]
    AsItWas,
    /// No profile was active; this one, chosen by the rule, now is.
    Activated(String),
    /// Several profiles said `active = true`; only `kept`, the first (the one in effect), does now.
    Deactivated { kept: String, others: Vec<String> },
    /// No profile is active and none can be chosen: these profiles hold a token (maybe none).
    NoneActive { holding_tokens: Vec<String> },
}

/// Checks a name for a new profile: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
///
/// Existing profiles may have any name (Modal writes `["my.ws"]` and `["has space"]`); this rule
/// is for the ones modal-setup creates.
pub fn validate_new_profile_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if first_ok && rest_ok && name.len() <= 64 {
        return Ok(());
    }
    Err(Error::InvalidInput {
        what: "profile name",
        problem: if name.is_empty() {
            "the name is empty".into()
        } else {
            format!("'{name}' is not a valid name for a new profile")
        },
        hint: "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
            .into(),
    })
}

impl Config {
    fn profile_mut(&mut self, name: &str) -> Option<&mut dyn TableLike> {
        self.doc_mut().get_mut(name)?.as_table_like_mut()
    }

    fn unknown_profile(&self, name: &str) -> Error {
        Error::UnknownProfile {
            name: name.to_owned(),
            path: self.path.clone(),
            existing: self.profile_names(),
        }
    }

    /// Writes a token into `profile`, creating the profile at the end of the file if needed.
    ///
    /// `server_url`, when given, is written as it is (the caller puts it in the form every
    /// client reads); an existing `server_url` is left alone otherwise.
    pub fn set_token(
        &mut self,
        profile: &str,
        token_id: &str,
        token_secret: &Secret,
        server_url: Option<&str>,
    ) -> Result<TokenChange> {
        let custom_server = server_url;
        let Some(table) = self.profile_mut(profile) else {
            validate_new_profile_name(profile)?;
            let mut table = Table::new();
            table.insert("token_id", toml_edit::value(token_id));
            table.insert("token_secret", toml_edit::value(token_secret.expose()));
            if let Some(url) = custom_server {
                table.insert("server_url", toml_edit::value(url));
            }
            self.append_table(profile, table);
            return Ok(TokenChange::Created);
        };
        // Modal's Python client and the JS SDK refuse a profile holding both kinds.
        let oauth: Vec<&str> = super::OAUTH_KEYS
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| table.contains_key(key))
            .collect();
        if !oauth.is_empty() {
            return Err(Error::InvalidInput {
                what: "profile",
                problem: format!(
                    "profile '{}' holds OAuth credentials ({}), and Modal's Python client and JS SDK refuse a profile with a token beside them",
                    crate::text::shown(profile),
                    oauth.join(", ")
                ),
                hint: format!(
                    "write the token into another profile (--profile NAME), or remove the OAuth keys from '{}' first",
                    crate::text::shown(profile)
                ),
            });
        }
        let previous_token_id = table
            .get("token_id")
            .and_then(Item::as_str)
            .map(str::to_owned);
        let previous_token_secret = table
            .get("token_secret")
            .and_then(Item::as_str)
            .map(Secret::new);
        let previous_secret_matches =
            previous_token_secret.as_ref().map(Secret::expose) == Some(token_secret.expose());
        set_string(table, "token_id", token_id);
        set_string(table, "token_secret", token_secret.expose());
        if let Some(url) = custom_server {
            set_string(table, "server_url", url);
        }
        Ok(
            if previous_token_id.as_deref() == Some(token_id) && previous_secret_matches {
                TokenChange::Unchanged
            } else {
                TokenChange::Replaced {
                    previous_token_id,
                    previous_token_secret,
                }
            },
        )
    }

    /// Sets the environment `profile` uses (`None`: removes it, so the workspace's default
    /// applies), keeping the rest of the profile as it is; `profile` must exist.
    pub fn set_environment(&mut self, profile: &str, environment: Option<&str>) -> Result<()> {
        if environment.is_some_and(|name| name.is_empty() || name.contains(char::is_control)) {
            return Err(Error::InvalidArgument {
                what: "environment",
                problem: "an environment name cannot be empty or hold control characters".into(),
                hint: "give the name the dashboard shows, or --unset for the workspace's default"
                    .into(),
            });
        }
        let Some(table) = self.profile_mut(profile) else {
            return Err(self.unknown_profile(profile));
        };
        match environment {
            Some(name) => set_string(table, "environment", name),
            None => drop(table.remove("environment")),
        }
        Ok(())
    }

    /// Writes `url` as `profile`'s server_url (the form every client reads, from the caller).
    pub fn set_server_url(&mut self, profile: &str, url: &str) -> Result<()> {
        let Some(table) = self.profile_mut(profile) else {
            return Err(self.unknown_profile(profile));
        };
        set_string(table, "server_url", url);
        Ok(())
    }

    /// Makes `profile` the only one with `active = true`. Returns whether anything changed.
    pub fn activate(&mut self, profile: &str) -> Result<bool> {
        if !self.contains(profile) {
            return Err(self.unknown_profile(profile));
        }
        let mut changed = false;
        let others: Vec<String> = self
            .profiles()
            .filter(|p| p.name() != profile && p.table.contains_key("active"))
            .map(|p| p.name().to_owned())
            .collect();
        for name in others {
            if let Some(table) = self.profile_mut(&name) {
                remove_key(table, "active");
                changed = true;
            }
        }
        let table = self.profile_mut(profile).expect("checked above");
        if table.get("active").and_then(Item::as_bool) != Some(true) {
            set_value(table, "active", Value::from(true));
            changed = true;
        }
        Ok(changed)
    }

    /// Leaves exactly one table with `active = true` whenever a profile holds a token, since
    /// the JS and Go SDKs use only an active table (no `[default]` fallback), Go picks among
    /// several at random and Python refuses several. With none active: the only profile that
    /// holds a token (id and secret), else `default` when it holds one, else the only profile
    /// of the file, else nothing is chosen. With several: the first, which is the one
    /// modal-setup and Modal's `profile current` use.
    pub fn settle_active(&mut self) -> Settled {
        let active: Vec<String> = self
            .active_profiles()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if let [kept, others @ ..] = active.as_slice() {
            if others.is_empty() {
                return Settled::AsItWas;
            }
            for name in others {
                if let Some(table) = self.profile_mut(name) {
                    remove_key(table, "active");
                }
            }
            return Settled::Deactivated {
                kept: kept.clone(),
                others: others.to_vec(),
            };
        }
        let holding_tokens = self.token_holders();
        let names = self.profile_names();
        let chosen = match (holding_tokens.as_slice(), names.as_slice()) {
            (_, []) => return Settled::AsItWas,
            ([only], _) | ([], [only]) => only.clone(),
            (holding, _) if holding.iter().any(|n| n == DEFAULT_PROFILE) => {
                DEFAULT_PROFILE.to_owned()
            }
            _ => return Settled::NoneActive { holding_tokens },
        };
        self.activate(&chosen).expect("a profile of the file");
        Settled::Activated(chosen)
    }

    /// Removes `profile` and its table, with the comment lines right above its header. Text
    /// above that, up to a blank line (a file's opening comment, say), stays in place.
    pub fn remove(&mut self, profile: &str) -> Result<()> {
        let was_first = self.first_entry().as_deref() == Some(profile);
        let root = self.doc_mut().as_table_mut();
        let index = root.iter().position(|(k, _)| k == profile);
        let Some((key, item)) = root.remove_entry(profile) else {
            return Err(self.unknown_profile(profile));
        };
        let prefix = prefix_of(&key, &item);
        let position = item
            .as_table()
            .filter(|t| !t.is_dotted())
            .and_then(Table::position);
        let kept = detached_part(&prefix);
        if !kept.is_empty() {
            self.keep_before_next(kept, index.unwrap_or(0), position);
        }
        if was_first {
            self.trim_blank_start();
        }
        Ok(())
    }

    /// The entry the file shows first: top-level key-values render first, then the tables
    /// by position.
    fn first_entry(&self) -> Option<String> {
        let root = self.root();
        let first_value = root.iter().find(|(_, item)| renders_among_values(item));
        let first_table = || {
            root.iter()
                .filter(|(_, item)| item.as_table().is_some_and(|t| t.position().is_some()))
                .min_by_key(|(_, item)| item.as_table().and_then(Table::position))
        };
        first_value.or_else(first_table).map(|(k, _)| k.to_owned())
    }

    /// After the first entry of the file was removed, the blank lines that separated it from
    /// the next one would open the file: they go.
    fn trim_blank_start(&mut self) {
        let Some(first) = self.first_entry() else {
            return;
        };
        with_prefix_of(self.doc_mut().as_table_mut(), &first, |prefix| {
            without_blank_lines_at_start(prefix, usize::MAX).to_owned()
        });
    }

    /// Puts `text` in front of whatever followed a removed entry: the next top-level
    /// key-value, else the next table, else the end of the file.
    fn keep_before_next(&mut self, text: &str, index: usize, position: Option<isize>) {
        let doc = self.doc_mut();
        let root = doc.as_table_mut();
        if position.is_none() {
            let next_value = root
                .iter()
                .skip(index)
                .find(|(_, i)| renders_among_values(i))
                .map(|(k, _)| k.to_owned());
            if let Some(name) = next_value {
                with_prefix_of(root, &name, |old| join_blank_lines(text, old));
                return;
            }
        }
        let after = position.unwrap_or(isize::MIN);
        let next_table = root
            .iter_mut()
            .filter_map(|(_, item)| item.as_table_mut())
            .filter(|t| t.position().is_some_and(|p| p > after))
            .min_by_key(|t| t.position());
        match next_table {
            Some(table) => {
                let old = raw(table.decor().prefix());
                table.decor_mut().set_prefix(join_blank_lines(text, &old));
            }
            None => {
                // At the end of the file, the blank lines that separated the removed entry
                // from what came before it separate nothing any more.
                let old = raw(Some(doc.trailing()));
                let text = &text[..text.len() - blank_lines_at_end(text).1];
                doc.set_trailing(format!("{text}{old}"));
            }
        }
    }

    /// Renames `old` to `new`, keeping its content and its place in the file.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<()> {
        if !self.contains(old) {
            return Err(self.unknown_profile(old));
        }
        if self.contains(new) {
            return Err(Error::ProfileExists {
                name: new.to_owned(),
                path: self.path.clone(),
            });
        }
        validate_new_profile_name(new)?;
        let doc = self.doc_mut();
        let order: Vec<String> = doc.iter().map(|(k, _)| k.to_owned()).collect();
        let root = doc.as_table_mut();
        let (old_key, item) = root.remove_entry(old).expect("checked above");
        let mut new_key = Key::new(new);
        // Keep what surrounds the name: comments above a top-level key, spacing in `[ name ]`.
        *new_key.leaf_decor_mut() = old_key.leaf_decor().clone();
        root.insert_formatted(&new_key, item);
        // Headers render by their stored position; top-level inline tables by map order.
        root.sort_values_by(|a, _, b, _| {
            let index = |k: &Key| {
                let name = if k.get() == new { old } else { k.get() };
                order.iter().position(|o| o == name)
            };
            index(a).cmp(&index(b))
        });
        Ok(())
    }

    /// Appends a table as the last one of the file, after any trailing comments.
    fn append_table(&mut self, name: &str, mut table: Table) {
        let doc = self.doc_mut();
        let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
        // How the text ends so far, without rendering it all: every key-value and header line
        // renders with its newline, then comes the trailing text.
        let mut tail = if doc.as_table().is_empty() { "" } else { "\n" }.to_owned();
        tail.push_str(&trailing.replace("\r\n", "\n"));
        // The trailing text moves in front of the new header, so the old bytes stay a prefix.
        let mut prefix = trailing;
        if !tail.is_empty() {
            if !tail.ends_with('\n') {
                prefix.push('\n');
                tail.push('\n');
            }
            if !tail.ends_with("\n\n") {
                prefix.push('\n');
            }
        }
        doc.set_trailing("");
        table.decor_mut().set_prefix(prefix);
        table.set_position(Some(max_position(doc.as_table()) + 1));
        doc.insert(name, Item::Table(table));
    }
}

/// Whether an entry of the root renders before the first header: a key-value, or a profile
/// written with dotted keys (`staging.token_id = …`).
fn renders_among_values(item: &Item) -> bool {
    item.is_value() || item.as_table().is_some_and(Table::is_dotted)
}

/// What stands above an entry (comments, blank lines): a header's prefix, a key-value's key
/// prefix, or for dotted keys the prefix of the first key inside.
fn prefix_of(key: &Key, item: &Item) -> String {
    match item {
        Item::Table(table) if table.is_dotted() => table
            .iter()
            .next()
            .and_then(|(name, inner)| Some(prefix_of(table.key(name)?, inner)))
            .unwrap_or_default(),
        Item::Table(table) => raw(table.decor().prefix()),
        _ => raw(key.leaf_decor().prefix()),
    }
}

/// Replaces the prefix (see [`prefix_of`]) of the entry `name` of `table` with `change(old)`.
fn with_prefix_of(table: &mut Table, name: &str, change: impl FnOnce(&str) -> String) {
    let old = match (table.key(name), table.get(name)) {
        (Some(key), Some(item)) => prefix_of(key, item),
        _ => return,
    };
    let new = change(&old);
    if new != old {
        set_prefix_of(table, name, new);
    }
}

fn set_prefix_of(table: &mut Table, name: &str, new: String) {
    match table.get_mut(name) {
        Some(Item::Table(inner)) if inner.is_dotted() => {
            let first = inner.iter().next().map(|(k, _)| k.to_owned());
            if let Some(first) = first {
                set_prefix_of(inner, &first, new);
            }
        }
        Some(Item::Table(inner)) => inner.decor_mut().set_prefix(new),
        Some(_) => {
            if let Some(mut key) = table.key_mut(name) {
                key.leaf_decor_mut().set_prefix(new);
            }
        }
        None => {}
    }
}

fn raw(text: Option<&toml_edit::RawString>) -> String {
    text.and_then(|t| t.as_str()).unwrap_or("").to_owned()
}

/// The part of a header's prefix that does not belong to the header: everything up to and
/// including its last blank line.
/// `text` then `next`, where the blank lines at the end of one and the start of the other
/// count once: removing an entry never adds blank space between the entries around it.
fn join_blank_lines(text: &str, next: &str) -> String {
    let (trailing, _) = blank_lines_at_end(text);
    format!("{text}{}", without_blank_lines_at_start(next, trailing))
}

/// `text` without the whole blank lines it starts with, `at_most` of them.
fn without_blank_lines_at_start(text: &str, at_most: usize) -> &str {
    let mut rest = text;
    for _ in 0..at_most {
        match rest.split_inclusive('\n').next() {
            Some(line) if line.trim().is_empty() && line.ends_with('\n') => {
                rest = &rest[line.len()..];
            }
            _ => break,
        }
    }
    rest
}

/// How many whole blank lines `text` ends with, and how many bytes they take.
fn blank_lines_at_end(text: &str) -> (usize, usize) {
    let mut count = 0;
    let mut bytes = 0;
    for line in text.split_inclusive('\n').rev() {
        if !line.ends_with('\n') || !line.trim().is_empty() {
            break;
        }
        count += 1;
        bytes += line.len();
    }
    (count, bytes)
}

fn detached_part(prefix: &str) -> &str {
    let mut end = 0;
    let mut start = 0;
    for line in prefix.split_inclusive('\n') {
        start += line.len();
        if line.trim().is_empty() {
            end = start;
        }
    }
    &prefix[..end]
}

fn max_position(table: &Table) -> isize {
    table
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Table(t) => Some(t.position().unwrap_or(0).max(max_position(t))),
            Item::ArrayOfTables(a) => a
                .iter()
                .map(|t| t.position().unwrap_or(0).max(max_position(t)))
                .max(),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn set_string(table: &mut dyn TableLike, key: &str, value: &str) {
    if table.get(key).and_then(Item::as_str) != Some(value) {
        set_value(table, key, Value::from(value));
    }
}

/// Sets `key`, keeping the spacing and comments around an existing value.
fn set_value(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// Removes `key`; a comment written above it moves to the key that followed it. Where removing
/// would lose something, `key` is set to `false` instead: when it is the only key of a dotted
/// table (a profile written as `staging.active = true` would vanish, comment and all), or
/// when a comment above it has no key after it to move to.
fn remove_key(table: &mut dyn TableLike, key: &str) {
    let comment = table
        .key(key)
        .and_then(|k| k.leaf_decor().prefix())
        .and_then(|p| p.as_str())
        .filter(|p| p.contains('#'))
        .map(str::to_owned);
    let next_key = {
        let mut keys = table.iter().map(|(k, _)| k.to_owned());
        keys.by_ref().find(|k| k == key);
        keys.next()
    };
    // A dotted table (`staging.active = true`) has no header of its own to outlive its keys.
    let last_of_dotted = table.len() == 1 && table.is_dotted();
    if last_of_dotted || (comment.is_some() && next_key.is_none()) {
        set_value(table, key, Value::from(false));
        return;
    }
    let next_key = next_key.filter(|_| comment.is_some());
    table.remove(key);
    if let (Some(comment), Some(next)) = (comment, next_key)
        && let Some(mut next_key) = table.key_mut(&next)
    {
        let next_prefix = next_key
            .leaf_decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or("")
            .to_owned();
        next_key
            .leaf_decor_mut()
            .set_prefix(format!("{comment}{next_prefix}"));
    }
}
