//! Reaching the server: failures as one line and a hint, client headers, server URLs, failover,
//! TLS, proxies (HTTP CONNECT and SOCKS5) and the server's warnings.

use modal_setup::Exit;
use reference_server::Fault;

use crate::support::{ConnectProxy, TestEnv, TestServer, closed_port_url, with_token};

#[test]
fn server_failures_map_to_one_line_and_a_hint() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    let fault = |rpc: &str, code: &str| server.set_fault(rpc, Fault::parse_status(code));
    fault("TokenInfoGet", "UNIMPLEMENTED");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("is not Modal's API: it does not implement TokenInfoGet")
        .stderr_has("MODAL_SERVER_URL environment variable");
    fault("TokenInfoGet", "INTERNAL");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("answered INTERNAL: injected fault")
        .stderr_has("try again later");
    fault("TokenInfoGet", "FAILED_PRECONDITION");
    t.run(&["token", "info"])
        .code(Exit::Failure)
        .stderr_has("refused this client: injected fault")
        .stderr_has("upgrade modal-setup");
    fault("ClientHello", "UNAVAILABLE");
    t.token_set("ak-x", "as-x")
        .profile("p")
        .run()
        .code(Exit::Failure)
        .stderr_has("injected fault: UNAVAILABLE")
        .stderr_has("--no-verify");
    assert!(!t.read().contains("[p]"));

    server.set_fault("TokenInfoGet", Some(Fault::Hang));
    t.cmd(&["token", "info"])
        .env("MODAL_SETUP_HTTP_TIMEOUT", "1.5")
        .run()
        .code(Exit::Failure)
        .stderr_has("no answer within 1.5 s");
    // A value no duration can hold is capped, never a crash.
    server.set_fault("TokenInfoGet", None);
    t.cmd(&["token", "info"])
        .env("MODAL_SETUP_HTTP_TIMEOUT", "1e20")
        .run()
        .success();
}

#[test]
fn the_server_must_see_the_client_headers_and_override_headers_apply() {
    let server = TestServer::start();
    let (t, id, _) = with_token(&server);
    t.run(&["token", "info"]).success();
    let call = server.requests().pop().unwrap();
    let header = |name: &str| {
        call.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(call.rpc, "TokenInfoGet");
    assert_eq!(header("x-modal-client-type").as_deref(), Some("1"));
    assert_eq!(header("x-modal-client-version").as_deref(), Some("1.6.4"));
    assert_eq!(header("x-modal-token-id"), Some(id));
    assert_eq!(
        header("x-modal-token-secret").as_deref(),
        Some("<redacted>")
    );
    assert!(
        header("user-agent").unwrap().starts_with("modal-setup/"),
        "{:?}",
        header("user-agent")
    );
    // MODAL_OVERRIDE_HEADERS goes over them; an old client is refused by the server.
    t.cmd(&["token", "info"])
        .env("MODAL_OVERRIDE_HEADERS", "x-modal-client-version:0.9.0")
        .run()
        .code(Exit::Failure)
        .stderr_has("refused this client: Old client")
        .stderr_has("MODAL_OVERRIDE_HEADERS");
    t.cmd(&["token", "info"])
        .env("MODAL_OVERRIDE_HEADERS", "no colon here")
        .run()
        .code(Exit::Failure)
        .stderr_has("invalid MODAL_OVERRIDE_HEADERS");
}

#[test]
fn server_urls_that_are_not_urls_say_where_they_came_from() {
    let t = TestEnv::new();
    t.write("[ws]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n");
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", "notaurl")
        .run()
        .code(Exit::Failure)
        .stderr_has("invalid server URL from the MODAL_SERVER_URL environment variable")
        .stderr_has("https://host");
}

#[test]
fn a_failover_list_reaches_the_live_server() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    let list = format!("{},{}", closed_port_url(), server.url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &list)
        .run()
        .success();
    assert_eq!(server.count("TokenInfoGet"), 1);
    let dead = format!("{},{}", closed_port_url(), closed_port_url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &dead)
        .run()
        .code(Exit::Failure)
        .stderr_has("could not reach http://127.0.0.1:");
}

#[test]
fn tls_and_proxy_failures_say_so() {
    let server = TestServer::start();
    let (t, _, _) = with_token(&server);
    // https to a server that answers in plain http: the handshake fails.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let https = format!("https://127.0.0.1:{}", plain.local_addr().unwrap().port());
    std::thread::spawn(move || {
        use std::io::Write;
        for stream in plain.incoming().take(1).flatten() {
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &https)
        .run()
        .code(Exit::Failure)
        .stderr_has("127.0.0.1 did not answer with TLS");
    // Through a proxy that is not there (to a host that is never resolved here).
    let proxy = closed_port_url();
    let run = t
        .cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", "https://api.modal-setup.invalid")
        .env("HTTPS_PROXY", &proxy)
        .run();
    run.code(Exit::Failure)
        .stderr_has("could not connect to the proxy")
        .stderr_has("from HTTPS_PROXY")
        .stderr_has("NO_PROXY");
    // Loopback never goes through the proxy.
    t.cmd(&["token", "info"])
        .env("HTTP_PROXY", &proxy)
        .env("HTTPS_PROXY", &proxy)
        .env("ALL_PROXY", &proxy)
        .run()
        .success();
}

#[test]
fn the_api_goes_through_the_proxy_unless_no_proxy_or_loopback_say_not() {
    let server = TestServer::start();
    let (mut t, _, _) = with_token(&server);
    // A plain http:// server on another machine, allowed on purpose (it is this test's).
    t.set_env("MODAL_SETUP_ALLOW_HTTP", "1");
    let address: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let proxy = ConnectProxy::start(address, None);
    // A name that resolves nowhere: only the proxy can reach it (it tunnels to the server).
    let remote = format!("http://api.modal-setup.invalid:{}", address.port());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("HTTP_PROXY", &proxy.url)
        .run()
        .success();
    assert_eq!(
        proxy.seen(),
        [format!(
            "CONNECT api.modal-setup.invalid:{} HTTP/1.1",
            address.port()
        )]
    );
    // NO_PROXY: the connection is made directly (and fails: the name does not resolve).
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("HTTP_PROXY", &proxy.url)
        .env("NO_PROXY", "localhost,.modal-setup.invalid")
        .env("MODAL_SETUP_HTTP_TIMEOUT", "3")
        .run()
        .code(Exit::Failure);
    // Loopback never goes through it.
    t.cmd(&["token", "info"])
        .env("HTTP_PROXY", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .run()
        .success();
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());
    // A proxy that refuses is named.
    for status in [407, 502] {
        let refusing = ConnectProxy::start(address, Some(status));
        let run = t
            .cmd(&["token", "info"])
            .env("MODAL_SERVER_URL", &remote)
            .env("HTTPS_PROXY", &closed_port_url())
            .env("HTTP_PROXY", &refusing.url)
            .run();
        run.code(Exit::Failure).stderr_has(&format!(
            "{} from HTTP_PROXY",
            refusing.url.trim_start_matches("http://")
        ));
        run.stderr_has(match status {
            407 => "the proxy wants authentication",
            _ => "the proxy did not open a way to api.modal-setup.invalid:",
        });
    }
}

#[test]
fn server_warnings_are_shown_safely() {
    let server = TestServer::with(reference_server::Options {
        warnings: vec!["Upgrade soon\x1b[31m, as-FAKE123 is not a secret".into()],
        ..reference_server::Options::default()
    });
    let (t, id, secret) = with_token(&server);
    t.token_set(&id, &secret)
        .profile("ws")
        .run()
        .success()
        .stderr_has("warning: the server says: Upgrade soon\\u{1b}[31m, as-*** is not a secret");
}

/// SOCKS proxies work (`socks5h://`: the proxy resolves the name), and a proxy variable that
/// holds no proxy URL breaks only the connections that would use it, never loopback.
#[test]
fn socks5_proxies_work_and_a_bad_proxy_variable_breaks_only_what_uses_it() {
    let server = TestServer::start();
    let (mut t, _, _) = with_token(&server);
    t.set_env("MODAL_SETUP_ALLOW_HTTP", "1");
    let address: std::net::SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
    let socks = crate::support::Socks5Proxy::start(address);
    let remote = format!("http://api.modal-setup.invalid:{}", address.port());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("ALL_PROXY", &socks.url)
        .run()
        .success();
    assert_eq!(
        socks.seen(),
        [format!("api.modal-setup.invalid:{}", address.port())]
    );
    // An unusable proxy variable: loopback is unaffected; a server that would use it is told.
    t.cmd(&["token", "info"])
        .env("ALL_PROXY", "ftp://proxy.invalid:21")
        .env("HTTPS_PROXY", "not a url at all")
        .run()
        .success();
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &remote)
        .env("ALL_PROXY", "ftp://proxy.invalid:21")
        .run()
        .code(Exit::Failure)
        .stderr_has("ALL_PROXY holds 'ftp://proxy.invalid:21', which is not a proxy URL");
}

/// A server URL of several, none answering: the error names every one that was tried.
#[test]
fn an_unreachable_failover_list_is_named_whole() {
    let (t, _, _) = {
        let server = TestServer::start();
        with_token(&server)
    };
    let (first, second) = (closed_port_url(), closed_port_url());
    t.cmd(&["token", "info"])
        .env("MODAL_SERVER_URL", &format!("{first},{second}"))
        .run()
        .code(Exit::Failure)
        .stderr_has(&format!("error: could not reach {first} or {second}: "))
        .stderr_has("check the server URL (from the MODAL_SERVER_URL environment variable)");
}
