//! The config store's costs by file size: parse, upsert (a token into an existing profile and a
//! new one), activate, serialize, for 1, 100, 1,000 and 10,000 profiles.
//! `cargo bench --bench config`; docs/benchmarks.md has the last run.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use modal_setup::Secret;
use modal_setup::config::Config;

const SIZES: [usize; 4] = [1, 100, 1_000, 10_000];

/// A file of `n` profiles as people and Modal write them, with comments.
fn file(n: usize) -> String {
    let mut text = String::from("# Modal credentials\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n# profile {i}\n[profile-{i}]\ntoken_id = \"ak-{i:022}\"\ntoken_secret = \"as-{i:022}\"\n"
        ));
    }
    text.push_str("active = true\n");
    text
}

fn config(c: &mut Criterion) {
    let secret = Secret::new("as-benchmark");
    for (name, run) in [
        ("parse", run_parse as fn(&str, &Secret)),
        ("upsert existing", run_upsert_existing),
        ("upsert new", run_upsert_new),
        ("activate", run_activate),
        ("serialize after an edit", run_serialize),
    ] {
        let mut group = c.benchmark_group(name);
        for n in SIZES {
            let text = file(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
                b.iter(|| run(black_box(text), &secret));
            });
        }
        group.finish();
    }
}

fn parse(text: &str) -> Config {
    Config::parse("/bench.toml", text.as_bytes()).expect("the benchmark file parses")
}

fn run_parse(text: &str, _: &Secret) {
    black_box(parse(text));
}

fn run_upsert_existing(text: &str, secret: &Secret) {
    let mut config = parse(text);
    config
        .set_token(
            "profile-0",
            "ak-new",
            secret,
            Some("https://api.modal.com:443"),
        )
        .unwrap();
    black_box(config.render());
}

fn run_upsert_new(text: &str, secret: &Secret) {
    let mut config = parse(text);
    config
        .set_token(
            "brand-new",
            "ak-new",
            secret,
            Some("https://api.modal.com:443"),
        )
        .unwrap();
    black_box(config.render());
}

fn run_activate(text: &str, _: &Secret) {
    let mut config = parse(text);
    config.activate("profile-0").unwrap();
    black_box(config.render());
}

fn run_serialize(text: &str, secret: &Secret) {
    let mut config = parse(text);
    config
        .set_token(
            "profile-0",
            "ak-new",
            secret,
            Some("https://api.modal.com:443"),
        )
        .unwrap();
    black_box(config.render());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = config
}
criterion_main!(benches);
