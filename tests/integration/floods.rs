//! Hostile requests to the loopback server while a login waits: wrong methods, paths, hosts,
//! encodings, bodies, non-HTTP bytes, slow and parallel clients. Each gets its answer (or
//! none) while the CLI keeps waiting, and the real login still completes within a bound. The
//! CLI's memory and thread count are measured under each and written to
//! target/reliability/loopback-floods.md (docs/reliability.md quotes the last run).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use modal_setup::Exit;

use crate::support::browser::BrowserScript;
use crate::support::words;
use crate::support::{Running, TestEnv, TestServer};

const WAIT: Duration = Duration::from_secs(30);
/// How long a request that may rightly get no answer is given.
const NO_ANSWER: Duration = Duration::from_secs(2);

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

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // Generous: CI runs this beside hundreds of killed writers on two cores, where a 5 s bound
    // was once missed. A server that never answers still fails, only later.
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream
}

/// Sends bytes, then the end of the stream (so that a server that closes without an answer
/// ends the wait), and reads for up to `wait` the answer's status (0: no answer) and whole
/// text; when there was no answer, the text says why and after how long.
fn exchange(port: u16, request: &[u8], wait: Duration) -> (u16, String) {
    let started = Instant::now();
    let mut stream = connect(port);
    stream.set_read_timeout(Some(wait)).unwrap();
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if status == 0 {
        let why = read.err().map_or("closed".into(), |e| e.to_string());
        return (0, format!("no answer: {why} after {:?}", started.elapsed()));
    }
    (status, text)
}

/// Approves the login whose URL the scripted browser got, as the approval page would, and
/// waits for `setup` to succeed; returns how long that took.
fn approve_login(browser: &BrowserScript, server: &TestServer, running: Running) -> Duration {
    let started = Instant::now();
    let url = browser.wait_for_url(WAIT);
    let done = crate::support::browser::approve(
        &mut crate::support::browser::Agent::new(),
        &url,
        server.web_url(),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    running.finish(WAIT).success();
    started.elapsed()
}

#[test]
fn thirty_kinds_of_hostile_requests_never_end_the_login() {
    let mut t = TestEnv::new();
    t.write("[keep]\ntoken_id = \"ak-keep\"\ntoken_secret = \"as-keep\"\nactive = true\n");
    let server = TestServer::start();
    t.set_env("MODAL_SERVER_URL", server.url());
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t
        .cmd(&["setup", "--profile", "flooded", "--no-verify", "-v"])
        .spawn();
    let pid = running.pid();
    let port = running.loopback_port(WAIT);
    let host = format!("127.0.0.1:{port}");
    let get = |target: &str, host: &str, extra: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
            .into_bytes()
    };
    let method = |method: &str| {
        format!(
            "{method} / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes()
    };
    let many_headers: String = (0..2_000)
        .map(|i| format!("X-Flood-{i}: {i}\r\n"))
        .collect();
    let long_header = format!("X-Long: {}\r\n", "a".repeat(60_000));
    // (what is thrown, the request, the statuses accepted; 0 = no answer)
    let kinds: Vec<(&str, Vec<u8>, &[u16])> = vec![
        ("POST /", method("POST"), &[405]),
        ("PUT /", method("PUT"), &[405]),
        ("DELETE /", method("DELETE"), &[405]),
        ("PATCH /", method("PATCH"), &[405]),
        ("TRACE /", method("TRACE"), &[405, 400, 501]),
        ("CONNECT", format!("CONNECT example.com:443 HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(), &[404, 405, 400, 0]),
        ("unknown method", method("BREW"), &[405, 400, 501]),
        ("GET /token", get("/token", &host, ""), &[404]),
        ("GET /callback", get("/callback", &host, ""), &[404]),
        ("GET //", get("//", &host, ""), &[404]),
        ("GET /%2F", get("/%2F", &host, ""), &[404]),
        ("GET /../", get("/../", &host, ""), &[404, 400]),
        ("absolute-form target", get(&format!("http://evil.example:{port}/"), &host, ""), &[200, 404, 400]),
        ("Host of another site", get("/", &format!("evil.example:{port}"), ""), &[421]),
        ("Host on another port", get("/", &format!("127.0.0.1:{}", port.wrapping_add(1)), ""), &[421]),
        ("Host without a port", get("/", "localhost", ""), &[421]),
        ("rebinding Host", get("/", &format!("127.0.0.1.nip.io:{port}"), ""), &[421]),
        ("no Host (HTTP/1.0)", b"GET / HTTP/1.0\r\n\r\n".to_vec(), &[421, 400]),
        ("2,000 headers", get("/", &host, &many_headers), &[200, 400, 413, 431, 0]),
        ("one 60 KB header", get("/", &host, &long_header), &[200, 400, 413, 431, 0]),
        ("a body on GET", format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello").into_bytes(), &[200]),
        ("chunked POST", format!("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n").into_bytes(), &[405]),
        ("garbage bytes", b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(), &[400, 0]),
        ("a TLS ClientHello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec(), &[400, 0]),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(), &[400, 404, 405, 505, 0]),
        ("HTTP/9.9", format!("GET / HTTP/9.9\r\nHost: {host}\r\n\r\n").into_bytes(), &[400, 505, 0, 200]),
        ("a preflight from a web page", format!("OPTIONS / HTTP/1.1\r\nHost: {host}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n").into_bytes(), &[204]),
        ("NUL in the path", get("/\0", &host, ""), &[404, 400]),
    ];
    let mut rows = Vec::new();
    for (name, request, accepted) in &kinds {
        // Where no answer is a right answer, waiting for it is cut short.
        let wait = if accepted.contains(&0) {
            NO_ANSWER
        } else {
            WAIT
        };
        let (status, text) = exchange(port, request, wait);
        let (rss, threads) = usage(pid);
        assert!(accepted.contains(&status), "{name}: {status} {text}");
        crate::support::assert_no_secret(&text);
        rows.push(format!("| {name} | {status} | {rss} | {threads} |"));
    }

    // Slow clients: one that sends half a request and stops, one that drips a byte a time.
    let mut half = connect(port);
    half.write_all(format!("GET / HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
        .unwrap();
    let mut drip = connect(port);
    for byte in b"GET / HT" {
        drip.write_all(&[*byte]).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    let (rss, threads) = usage(pid);
    rows.push(format!(
        "| half a request, held open | none | {rss} | {threads} |"
    ));
    rows.push(format!(
        "| a byte at a time, held open | none | {rss} | {threads} |"
    ));

    // Many clients at once.
    let parallel: Vec<_> = (0..100)
        .map(|_| {
            let request = get("/", &host, "");
            std::thread::spawn(move || exchange(port, &request, WAIT).0)
        })
        .collect();
    let (peak_rss, peak_threads) = usage(pid);
    let statuses: Vec<u16> = parallel.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    rows.push(format!(
        "| 100 parallel GETs | 100 × 200 | {peak_rss} | {peak_threads} |"
    ));

    // The real login still completes (how long it took goes to the report).
    let took = approve_login(&browser, &server, running);
    assert!(t.read().contains("[flooded]"));
    drop(half);
    drop(drip);

    let count = kinds.len() + 3;
    let report = format!(
        "{count} kinds of hostile request to the loopback server, each answered while the login went on; the approval then completed in {} ms.\n\n| hostile input | answer | RSS (KiB) | threads |\n| --- | --- | --- | --- |\n{}\n",
        took.as_millis(),
        rows.join("\n")
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("loopback-floods.md"), &report).unwrap();
    println!("{report}");
    assert!(count >= 30);
}

/// Highest RSS (KiB) and thread count of `pid` seen while `work` runs.
fn peak_during<T>(pid: u32, work: impl FnOnce() -> T) -> (T, u64, u64) {
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let (mut rss, mut threads) = (0, 0);
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let (r, n) = usage(pid);
                rss = rss.max(r);
                threads = threads.max(n);
                std::thread::sleep(Duration::from_millis(2));
            }
            (rss, threads)
        });
        let value = work();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let (rss, threads) = sampler.join().unwrap();
        (value, rss, threads)
    })
}

/// 1,000 connections held open with half a request, header floods, non-HTTP bytes and GETs
/// from many origins, all while the login waits: every well-formed GET is still answered, the
/// login completes, and the figures (peak memory and threads) go to
/// target/reliability/loopback-load.md.
#[test]
fn a_thousand_connections_at_once_do_not_stop_the_login() {
    // This test process holds a few thousand sockets too.
    modal_setup::platform::raise_open_file_limit();
    let mut t = TestEnv::new();
    let server = TestServer::start();
    t.set_env("MODAL_SERVER_URL", server.url());
    let browser = BrowserScript::install(t.dir());
    t.set_env("BROWSER", &browser.command);
    let running = t
        .cmd(&["setup", "--profile", "loaded", "--no-verify", "-v"])
        .spawn();
    let pid = running.pid();
    let port = running.loopback_port(WAIT);
    let host = format!("127.0.0.1:{port}");
    let (idle_rss, idle_threads) = usage(pid);
    let mut rows = vec![format!(
        "| waiting, before any load | {idle_rss} | {idle_threads} |"
    )];

    // 1,000 slowloris connections: half a request each, held open.
    let (held, rss, threads) = peak_during(pid, || {
        (0..1000)
            .map(|_| {
                let mut stream = connect(port);
                let _ = stream.write_all(format!("GET / HTTP/1.1\r\nHost: {host}\r\n").as_bytes());
                stream
            })
            .collect::<Vec<_>>()
    });
    rows.push(format!(
        "| 1,000 connections with half a request, held open | {rss} | {threads} |"
    ));

    // While they are held: header floods, noise, and GETs from many origins, in parallel.
    let (statuses, rss, threads) = peak_during(pid, || {
        let clients: Vec<_> = (0..300)
            .map(|i| {
                let host = host.clone();
                std::thread::spawn(move || {
                    let request = match i % 3 {
                        0 => {
                            let mut flood = format!("GET / HTTP/1.1\r\nHost: {host}\r\n");
                            for n in 0..2000 {
                                flood.push_str(&format!("X-Flood-{n}: {}\r\n", "v".repeat(20)));
                            }
                            flood.push_str("Connection: close\r\n\r\n");
                            flood.into_bytes()
                        }
                        1 => (0..4096u32).map(|b| (b * 7 + i) as u8).collect(),
                        _ => format!(
                            "GET / HTTP/1.1\r\nHost: {host}\r\nOrigin: https://site{i}.example\r\nConnection: close\r\n\r\n"
                        )
                        .into_bytes(),
                    };
                    let (status, text) = exchange(port, &request, WAIT);
                    (i % 3, status, text)
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().unwrap())
            .collect::<Vec<_>>()
    });
    let unanswered: Vec<_> = statuses
        .iter()
        .filter(|(kind, status, _)| *kind != 1 && *status != 200)
        .map(|(kind, status, text)| format!("kind {kind}: {status} {text}"))
        .collect();
    assert!(unanswered.is_empty(), "{unanswered:#?}");
    rows.push(format!(
        "| + 100 floods of 2,000 headers, 100 × 4 KiB of noise, 100 GETs from 100 origins, at once | {rss} | {threads} |"
    ));

    // The login completes with all 1,000 still held.
    let (rss, threads) = usage(pid);
    rows.push(format!(
        "| after the burst, the 1,000 still held | {rss} | {threads} |"
    ));
    let took = approve_login(&browser, &server, running);
    assert!(t.read().contains("[loaded]"));
    drop(held);
    let report = format!(
        "The loopback server under load while a login waited (modal-setup's RSS in KiB and threads, peaks sampled every 2 ms); the approval then completed in {} ms.\n\n| load | RSS (KiB) | threads |\n| --- | --- | --- |\n{}\n",
        took.as_millis(),
        rows.join("\n")
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("loopback-load.md"), &report).unwrap();
    println!("{report}");
}

/// tiny_http gives up for good when it runs out of file descriptors, so `setup` raises its
/// soft limit on open files to the hard one (65,536 at most) before it listens.
#[test]
fn setup_raises_its_open_file_limit_before_it_listens() {
    use std::os::unix::process::CommandExt;
    let t = TestEnv::new();
    let server = TestServer::start();
    let mut cmd = t
        .cmd(&words("setup --profile x --no-browser --timeout 30 -v"))
        .env("MODAL_SERVER_URL", server.url());
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        cmd.command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 256,
                rlim_max: 4096,
            };
            libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit);
            Ok(())
        });
    }
    let running = cmd.spawn();
    running.loopback_port(WAIT);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", running.pid())).unwrap();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        open_files
            .split_whitespace()
            .skip(3)
            .take(2)
            .collect::<Vec<_>>(),
        ["4096", "4096"],
        "{open_files}"
    );
    // SAFETY: signals our own child, which is still running.
    unsafe { libc::kill(i32::try_from(running.pid()).unwrap(), libc::SIGINT) };
    running.finish(WAIT).code(Exit::Interrupted);
}
