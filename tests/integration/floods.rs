//! Hostile callbacks beyond those of setup.rs: floods, slow clients, truncated bodies, encoding
//! tricks. Each is refused (or goes unanswered) while the CLI keeps waiting, and the real
//! callback still completes within a bound. The CLI's memory and thread count are measured
//! under each and written to target/reliability/callback-floods.md (docs/reliability.md quotes
//! the last run).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::browser::{Agent, BrowserScript, Form};
use crate::support::{TestEnv, TestServer};

const WAIT: Duration = Duration::from_secs(30);

/// Resident memory (KiB) and threads of a process.
fn usage(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("Threads:"))
}

struct Target {
    port: u16,
    path: String,
    host: String,
    origin: String,
    form: Form,
}

impl Target {
    fn body(&self) -> String {
        encode(
            self.form
                .fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    fn field(&self, name: &str) -> String {
        self.form
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .unwrap()
            .1
            .clone()
    }

    /// The real fields with `name` replaced (or dropped when `value` is None).
    fn with(&self, name: &str, value: Option<&str>) -> String {
        encode(self.form.fields.iter().filter_map(|(k, v)| {
            if k == name {
                value.map(|value| (k.as_str(), value))
            } else {
                Some((k.as_str(), v.as_str()))
            }
        }))
    }

    fn post(&self, path: &str, extra_headers: &str, content_type: &str, body: &str) -> Vec<u8> {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra_headers}Connection: close\r\n\r\n{body}",
            self.host,
            self.origin,
            body.len()
        )
        .into_bytes()
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
    }
}

fn encode<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Sends bytes and reads the answer's status (0: no answer). Fails on any CORS header.
fn exchange(target: &Target, request: &[u8]) -> u16 {
    let mut stream = target.connect();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(
        !text.contains("access-control-allow"),
        "CORS header in an answer"
    );
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn forty_kinds_of_hostile_callbacks_never_end_the_flow() {
    let mut t = TestEnv::new();
    t.write("[keep]\ntoken_id = \"ak-keep\"\ntoken_secret = \"as-keep\"\nactive = true\n");
    let server = TestServer::start();
    t.set_env("MODAL_SERVER_URL", server.url());
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", browser.script.to_str().unwrap());
    let running = t
        .cmd(&["setup", "--profile", "flooded", "--no-verify"])
        .spawn();
    let pid = running.pid();

    // Drive the dashboard to the handoff form, then hold it back while the floods run.
    let mut agent = Agent::new();
    let url = browser.wait_for_url(WAIT);
    let page = agent.get(&url);
    let page = agent.submit(&page.form_to("/signin"), server.url());
    let handoff = agent.submit(&page.form_to("/approve"), server.url());
    let form = handoff.forms().remove(0);
    let rest = form.action.strip_prefix("http://").unwrap();
    let (authority, tail) = rest.split_once('/').unwrap();
    let port: u16 = authority.split(':').nth(1).unwrap().parse().unwrap();
    let target = Target {
        port,
        path: format!("/{tail}"),
        host: format!("127.0.0.1:{port}"),
        origin: server.url().to_owned(),
        form,
    };
    let form_type = "application/x-www-form-urlencoded";
    let (base_rss, base_threads) = usage(pid);
    let mut rows = vec![format!(
        "| baseline (waiting) | - | {base_rss} | {base_threads} |"
    )];
    let record = |kind: &str, answer: &str, rows: &mut Vec<String>| {
        let (rss, threads) = usage(pid);
        rows.push(format!("| {kind} | {answer} | {rss} | {threads} |"));
        assert!(
            running.stderr().contains("Waiting"),
            "{kind}: the CLI stopped waiting"
        );
    };

    // Slow clients for the whole run: one byte a second, headers never finished.
    let slow: Vec<std::thread::JoinHandle<()>> = (0..4)
        .map(|_| {
            let mut stream = target.connect();
            let request = target.post(
                &target.path,
                "",
                form_type,
                &target.with("state", Some("slow")),
            );
            std::thread::spawn(move || {
                for byte in request.iter().take(8) {
                    if stream.write_all(&[*byte]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            })
        })
        .collect();
    record("4 slow clients, a byte a second", "none yet", &mut rows);

    let path = target.path.clone();
    let id = path.trim_start_matches("/callback/").to_owned();
    let bad_state = target.with("state", Some(&"0".repeat(64)));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("header flood: 5,000 headers", {
            let headers: String = (0..5000).map(|i| format!("X-Flood-{i}: {i}\r\n")).collect();
            target.post(&path, &headers, form_type, &bad_state)
        }),
        ("one 1 MiB header", target.post(&path, &format!("X-Big: {}\r\n", "a".repeat(1 << 20)), form_type, &bad_state)),
        ("duplicate flow_id", target.post(&path, "", form_type, &format!("{}&flow_id={}", target.body(), target.field("flow_id")))),
        ("duplicate token_id", target.post(&path, "", form_type, &format!("{}&token_id=ak-evil", target.body()))),
        ("path %2F-encoded", target.post(&format!("/callback%2F{id}"), "", form_type, &target.body())),
        ("path double-encoded", target.post(&format!("/callback%252F{id}"), "", form_type, &target.body())),
        ("path with trailing slash", target.post(&format!("{path}/"), "", form_type, &target.body())),
        ("path with double slash", target.post(&format!("/{path}"), "", form_type, &target.body())),
        ("path in upper case", target.post(&path.to_uppercase(), "", form_type, &target.body())),
        ("path with a dot segment", target.post(&format!("/callback/../callback/{id}"), "", form_type, &target.body())),
        ("path with a fragment", target.post(&format!("{path}#x"), "", form_type, &target.body())),
        ("path with percent-encoded id", target.post(&format!("/callback/%{:02X}{}", id.as_bytes()[0], &id[1..]), "", form_type, &target.body())),
        ("second valid-looking flow_id", target.post(&path, "", form_type, &target.with("flow_id", Some("tf-AAAAAAAAAAAAAAAAAAAA")))),
        ("absolute-form request target", target.post(&format!("http://evil.example{path}"), "", form_type, &bad_state)),
        ("HTTP/1.0 without Host", format!("POST {path} HTTP/1.0\r\nContent-Type: {form_type}\r\nContent-Length: {}\r\n\r\n{}", target.body().len(), target.body()).into_bytes()),
        ("Host with a trailing dot", target.post(&path, "", form_type, &target.body()).replace_host(&format!("127.0.0.1.:{port}"))),
        ("Host without the port", target.post(&path, "", form_type, &target.body()).replace_host("127.0.0.1")),
        ("Origin with another port", target.post(&path, "", form_type, &target.body()).replace_origin("http://127.0.0.1:1")),
        ("Origin over https", target.post(&path, "", form_type, &target.body()).replace_origin(&target.origin.replace("http://", "https://"))),
        ("Origin with a path", target.post(&path, "", form_type, &target.body()).replace_origin(&format!("{}/flows", target.origin))),
        ("multipart/form-data", target.post(&path, "", "multipart/form-data; boundary=x", &target.body())),
        ("text/html with a form body", target.post(&path, "", "text/html", &target.body())),
        ("Content-Length over 16 KiB, small body", format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {form_type}\r\nContent-Length: 16385\r\nConnection: close\r\n\r\n{}", target.body()).into_bytes()),
        ("invalid Content-Length", format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {form_type}\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{bad_state}").into_bytes()),
        ("NUL bytes in the body", target.post(&path, "", form_type, &format!("{bad_state}&x=%00\u{0}"))),
        ("invalid UTF-8 in the body", { let mut r = target.post(&path, "", form_type, &format!("{bad_state}&x=")); r.extend_from_slice(b"\xff\xfe"); r }),
        ("state with a trailing space", target.post(&path, "", form_type, &target.with("state", Some(&format!("{} ", target.field("state")))))),
        ("state one character short", target.post(&path, "", form_type, &target.with("state", Some(&target.field("state")[1..])))),
        ("state in the query string", target.post(&format!("{path}?state={}", target.field("state")), "", form_type, &target.with("state", None))),
        ("OPTIONS preflight", format!("OPTIONS {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n").into_bytes()),
        ("HEAD", format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").into_bytes()),
        ("PUT with the real body", { let mut r = target.post(&path, "", form_type, &target.body()); r.splice(0..4, b"PUT".iter().copied()); r }),
        ("lower-case method", { let mut r = target.post(&path, "", form_type, &target.body()); r.splice(0..4, b"post".iter().copied()); r }),
        ("chunked body with a wrong state", format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {}\r\nContent-Type: {form_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{bad_state}\r\n0\r\n\r\n", target.origin, bad_state.len()).into_bytes()),
        ("garbage bytes, not HTTP", (0..2048u32).map(|i| (i * 7919 % 251) as u8).collect()),
        ("two pipelined bad requests", { let mut r = target.post(&path, "", form_type, &bad_state).replace_connection(); r.extend(target.post(&path, "", form_type, &bad_state)); r }),
    ];
    let kinds_one_shot = cases.len();
    for (kind, request) in &cases {
        let status = exchange(&target, request);
        assert!(
            status == 0 || (400..500).contains(&status),
            "{kind}: answered {status}"
        );
        record(
            kind,
            &if status == 0 {
                "closed, no answer".into()
            } else {
                status.to_string()
            },
            &mut rows,
        );
    }

    // Truncated bodies: one closed early, one left hanging.
    {
        let mut stream = target.connect();
        let request = target.post(&path, "", form_type, &target.body());
        stream.write_all(&request[..request.len() - 20]).unwrap();
        drop(stream);
        record("truncated body, connection closed", "none", &mut rows);
    }
    let mut hanging_body = target.connect();
    let request = target.post(&path, "", form_type, &target.body());
    hanging_body
        .write_all(&request[..request.len() - 20])
        .unwrap();
    record(
        "truncated body, connection left open",
        "none (held)",
        &mut rows,
    );

    // Floods of connections.
    let idle: Vec<TcpStream> = (0..200).map(|_| target.connect()).collect();
    std::thread::sleep(Duration::from_millis(300));
    record(
        "200 idle connections (preconnects) at once",
        "none (held)",
        &mut rows,
    );
    drop(idle);
    let parallel: Vec<std::thread::JoinHandle<u16>> = (0..100)
        .map(|_| {
            let request = target.post(&path, "", form_type, &bad_state);
            let stream = target.connect();
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.write_all(&request);
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                String::from_utf8_lossy(&answer)
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0)
            })
        })
        .collect();
    let (peak_rss, peak_threads) = usage(pid);
    let statuses: Vec<u16> = parallel.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(
        statuses.iter().all(|s| *s == 403 || *s == 503),
        "{statuses:?}"
    );
    rows.push(format!(
        "| 100 parallel posts with a wrong state | {} × 403, {} × 503 | {peak_rss} | {peak_threads} |",
        statuses.iter().filter(|s| **s == 403).count(),
        statuses.iter().filter(|s| **s == 503).count()
    ));

    // The real callback still completes, and quickly.
    let started = Instant::now();
    let success = agent.submit(&target.form, &target.origin);
    assert!(success.body.contains("return to your terminal"));
    let run = running.finish(WAIT);
    let took = started.elapsed();
    run.success();
    assert!(
        took < Duration::from_secs(10),
        "the real callback took {took:?}"
    );
    assert!(t.read().contains("[flooded]"));
    drop(hanging_body);
    drop(slow);

    let kinds = kinds_one_shot + 5;
    let report = format!(
        "{kinds} kinds of hostile callback, each refused while the flow went on; the real callback then completed in {} ms.\n\n| hostile input | answer | RSS (KiB) | threads |\n| --- | --- | --- | --- |\n{}\n",
        took.as_millis(),
        rows.join("\n")
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("callback-floods.md"), &report).unwrap();
    println!("{report}");
    assert!(kinds >= 30);
}

trait Rewrite {
    fn replace_host(self, host: &str) -> Vec<u8>;
    fn replace_origin(self, origin: &str) -> Vec<u8>;
    fn replace_connection(self) -> Vec<u8>;
}

impl Rewrite for Vec<u8> {
    fn replace_host(self, host: &str) -> Vec<u8> {
        rewrite_header(self, "Host", host)
    }

    fn replace_origin(self, origin: &str) -> Vec<u8> {
        rewrite_header(self, "Origin", origin)
    }

    fn replace_connection(self) -> Vec<u8> {
        rewrite_header(self, "Connection", "keep-alive")
    }
}

fn rewrite_header(request: Vec<u8>, name: &str, value: &str) -> Vec<u8> {
    let text = String::from_utf8(request).unwrap();
    text.lines()
        .map(|line| {
            if line.starts_with(&format!("{name}: ")) {
                format!("{name}: {value}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes()
}
