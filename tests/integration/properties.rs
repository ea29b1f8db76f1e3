//! Property tests: random valid configs (comments, quoting styles, inline tables, unknown keys,
//! odd profile names) and random sequences of set/activate/remove/rename, checked against a
//! simple model; and random bytes into the config loader and the callback judge.

use modal_setup::Secret;
use modal_setup::config::Config;
use modal_setup::flow::loopback::{Asked, answer};
use proptest::prelude::*;

/// Cases per property (PROPTEST_CASES overrides; .ci/run's slow pass raises it).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(128)
}

#[derive(Clone, Debug)]
struct GenProfile {
    name: String,
    token_id: Option<String>,
    active: bool,
    inline: bool,
    literal_quotes: bool,
    comment_above: bool,
    unknown_key: bool,
}

/// The model: profiles in file order with their token and flag.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
    profiles: Vec<(String, Option<String>, bool)>,
}

#[derive(Clone, Debug)]
enum Op {
    Set {
        profile: usize,
        new_name: String,
        id: String,
    },
    Activate(usize),
    Remove(usize),
    Rename(usize, String),
}

const NAMES: &[&str] = &[
    "default",
    "work",
    "my.ws",
    "has space",
    "café",
    "a-b_c.9",
    "x",
    "ci",
];

fn profile_strategy() -> impl Strategy<Value = GenProfile> {
    (
        prop::sample::select(NAMES),
        prop::option::of("[a-z0-9]{1,6}"),
        any::<bool>(),
        prop::bool::weighted(0.2),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(name, id, active, inline, literal_quotes, comment_above, unknown_key)| GenProfile {
                name: name.to_owned(),
                token_id: id.map(|i| format!("ak-{i}")),
                active,
                inline,
                literal_quotes,
                comment_above,
                unknown_key,
            },
        )
}

fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_owned()
    } else {
        format!("\"{name}\"")
    }
}

/// Renders the generated profiles; returns the text, each profile's chunk, and the model.
fn render(profiles: &[GenProfile]) -> (String, Vec<(String, String)>, Model) {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&GenProfile> = profiles
        .iter()
        .filter(|p| seen.insert(p.name.clone()))
        .collect();
    // Inline tables are top-level key-values: they must come before every [header].
    let (inline, tables): (Vec<&GenProfile>, Vec<&GenProfile>) =
        unique.into_iter().partition(|p| p.inline);
    let mut text = String::from("# generated config\n\n");
    let mut chunks = Vec::new();
    let mut model = Model {
        profiles: Vec::new(),
    };
    let quote = |p: &GenProfile, v: &str| {
        if p.literal_quotes {
            format!("'{v}'")
        } else {
            format!("\"{v}\"")
        }
    };
    for p in inline.iter().chain(tables.iter()) {
        let mut chunk = String::new();
        if p.inline {
            let mut fields = Vec::new();
            if let Some(id) = &p.token_id {
                fields.push(format!("token_id = {}", quote(p, id)));
            }
            if p.unknown_key {
                fields.push("extra = 1".to_owned());
            }
            if p.active {
                fields.push("active = true".to_owned());
            }
            chunk.push_str(&format!(
                "{} = {{ {} }} # inline\n",
                key(&p.name),
                fields.join(", ")
            ));
        } else {
            if p.comment_above {
                chunk.push_str(&format!("# about {}\n", p.name));
            }
            chunk.push_str(&format!("[{}]  # header\n", key(&p.name)));
            if let Some(id) = &p.token_id {
                chunk.push_str(&format!("token_id = {}\n", quote(p, id)));
            }
            if p.unknown_key {
                chunk.push_str("environment = \"dev\"\nextra = [1, 2]\n");
            }
            if p.active {
                chunk.push_str("active = true\n");
            }
            chunk.push('\n');
        }
        text.push_str(&chunk);
        // The blank line after a table separates it from the next one: it is not the
        // profile's own, and removing the next profile may take it along.
        let own = chunk
            .strip_suffix("\n\n")
            .map_or(chunk.clone(), |c| format!("{c}\n"));
        chunks.push((p.name.clone(), own));
        model
            .profiles
            .push((p.name.clone(), p.token_id.clone(), p.active));
    }
    (text, chunks, model)
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..16, "[a-z][a-z0-9]{0,5}", "[a-z0-9]{1,6}").prop_map(|(profile, new_name, id)| {
            Op::Set {
                profile,
                new_name,
                id: format!("ak-{id}"),
            }
        }),
        (0usize..16).prop_map(Op::Activate),
        (0usize..16).prop_map(Op::Remove),
        (0usize..16, "[a-z][a-z0-9.]{0,5}").prop_map(|(i, n)| Op::Rename(i, n)),
    ]
}

fn observe(config: &Config) -> Model {
    Model {
        profiles: config
            .profiles()
            .map(|p| {
                (
                    p.name().to_owned(),
                    p.token_id().map(str::to_owned),
                    p.is_active(),
                )
            })
            .collect(),
    }
}

fn apply(
    config: &mut Config,
    model: &mut Model,
    touched: &mut std::collections::HashSet<String>,
    op: &Op,
) {
    let pick = |i: usize| {
        model
            .profiles
            .get(i % model.profiles.len().max(1))
            .map(|p| p.0.clone())
    };
    match op {
        Op::Set {
            profile,
            new_name,
            id,
        } => {
            // Half the time an existing profile, else a new name.
            let name = if profile % 2 == 0 {
                pick(*profile).unwrap_or(new_name.clone())
            } else {
                new_name.clone()
            };
            config
                .set_token(&name, id, &Secret::new(id.replacen("ak-", "as-", 1)), None)
                .unwrap();
            match model.profiles.iter_mut().find(|p| p.0 == name) {
                Some(p) => p.1 = Some(id.clone()),
                None => model.profiles.push((name.clone(), Some(id.clone()), false)),
            }
            touched.insert(name);
        }
        Op::Activate(i) => {
            let Some(name) = pick(*i) else { return };
            config.activate(&name).unwrap();
            for p in &mut model.profiles {
                if p.2 || p.0 == name {
                    touched.insert(p.0.clone());
                }
                p.2 = p.0 == name;
            }
        }
        Op::Remove(i) => {
            let Some(name) = pick(*i) else { return };
            config.remove(&name).unwrap();
            model.profiles.retain(|p| p.0 != name);
            touched.insert(name);
        }
        Op::Rename(i, new) => {
            let Some(old) = pick(*i) else { return };
            let result = config.rename(&old, new);
            if model.profiles.iter().any(|p| p.0 == *new) {
                assert!(
                    result.is_err(),
                    "renaming onto an existing profile must fail"
                );
                return;
            }
            result.unwrap();
            if let Some(p) = model.profiles.iter_mut().find(|p| p.0 == old) {
                p.0 = new.clone();
            }
            touched.insert(old);
            touched.insert(new.clone());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn edits_match_the_model_and_keep_untouched_bytes(
        profiles in prop::collection::vec(profile_strategy(), 0..8),
        ops in prop::collection::vec(op_strategy(), 0..12),
    ) {
        let (text, chunks, mut model) = render(&profiles);
        let mut config = Config::parse("/model.toml", text.as_bytes()).unwrap();
        prop_assert_eq!(config.render(), text.clone(), "an unedited file renders as read");
        prop_assert_eq!(observe(&config), model.clone());
        let mut touched = std::collections::HashSet::new();
        for op in &ops {
            apply(&mut config, &mut model, &mut touched, op);
            let rendered = config.render();
            let reparsed = Config::parse("/model.toml", rendered.as_bytes()).unwrap();
            prop_assert_eq!(observe(&reparsed), model.clone(), "after {:?}", op);
            prop_assert!(rendered.starts_with("# generated config\n"));
            for (name, chunk) in &chunks {
                if !touched.contains(name) {
                    prop_assert!(rendered.contains(chunk.as_str()), "untouched {} changed:\n{}", name, rendered);
                }
            }
        }
    }

    #[test]
    fn the_config_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Config::parse("/random.toml", &bytes);
    }

    #[test]
    fn the_config_loader_never_panics_on_toml_like_text(text in "[\\[\\]\"'=a-z.# \\n{},0-9-]{0,400}") {
        if let Ok(mut config) = Config::parse("/random.toml", text.as_bytes()) {
            // Whatever parses can be edited and still parses.
            if config.set_token("zz", "ak-z", &Secret::new("as-z"), Some("https://api.modal.com:443")).is_ok() {
                let _ = config.activate("zz");
                prop_assert!(Config::parse("/random.toml", config.render().as_bytes()).is_ok());
            }
        }
    }

    #[test]
    fn the_loopback_answer_never_panics_nor_gives_the_id_to_a_wrong_host(
        method in "[A-Z]{0,8}",
        target in "[ -~]{0,64}",
        host in prop::option::of("[ -~]{0,32}"),
        private_network in prop::option::of("[ -~]{0,8}"),
    ) {
        let asked = Asked {
            method: &method,
            target: &target,
            host: host.as_deref(),
            private_network: private_network.as_deref(),
        };
        let answer = answer(&asked, 4000, Some("tf-1"));
        let host_ok = host.as_deref().is_some_and(|h| {
            ["127.0.0.1:4000", "localhost:4000", "[::1]:4000"]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(h))
        });
        if answer.body == "tf-1" {
            prop_assert!(host_ok && matches!(method.as_str(), "GET" | "HEAD"));
        }
    }

    #[test]
    fn server_url_parsing_never_panics(raw in "[ -~]{0,80}") {
        let _ = modal_setup::api::ServerUrl::parse(&raw, "test");
    }
}
