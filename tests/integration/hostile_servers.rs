//! Hostile gRPC servers (support/hostile_server.rs): every RPC modal-setup makes, answered in
//! one of many bad ways. Whatever a server sends, the command ends in bounded time and memory
//! with its documented exit code and one clear error line (or goes on with a warning), never
//! panics, prints nothing raw from the server, and leaves the config file byte-identical or
//! holding exactly the validated pair. The figures go to target/reliability/hostile-servers.md
//! (and docs/reliability.md).
// The battery runs on Linux only (it measures memory with examples/peak_rss, wait4); the
// other platforms build its machinery without using it.
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use modal_setup::Exit;
use modal_setup::api::wire;
use prost::Message;

use crate::support::hostile_server::{Bad, HostileServer, Misbehaviour, Raw, TestCa};
use crate::support::{Run, TestEnv, temp_files};

/// The call timeout every case runs with (`MODAL_SETUP_HTTP_TIMEOUT`).
const CALL_TIMEOUT: &str = "2";
/// `setup --timeout`.
const LOGIN_TIMEOUT: &str = "4";
/// Nor use more memory (a good run peaks at about 12 MiB, debug build).
const RSS_BOUND_KIB: u64 = 32 * 1024;

const ORIGINAL: &str = "# written by hand\n[existing]\ntoken_id = \"ak-existing\"\n\
    token_secret = \"as-existing\"\nactive = true\n";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Command {
    /// `token set --id … --secret …`: ClientHello, then WorkspaceNameLookup to name the profile.
    TokenSet,
    /// `token info`: TokenInfoGet.
    TokenInfo,
    /// `setup --no-browser`: TokenFlowCreate, TokenFlowWait, ClientHello, WorkspaceNameLookup.
    Setup,
    /// `token set … --profile existing --delete-existing`: ClientHello, write, TokenDelete.
    Replace,
}

impl Command {
    fn args(self) -> Vec<&'static str> {
        let pair = ["--id", "ak-newfromtest", "--secret", "as-newfromtest"];
        match self {
            Self::TokenSet => [&["token", "set"][..], &pair].concat(),
            Self::TokenInfo => vec!["token", "info"],
            Self::Setup => vec!["setup", "--no-browser", "--timeout", LOGIN_TIMEOUT],
            Self::Replace => [
                &["token", "set"][..],
                &pair,
                &["--profile", "existing", "--delete-existing"],
            ]
            .concat(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::TokenSet => "token set",
            Self::TokenInfo => "token info",
            Self::Setup => "setup",
            Self::Replace => "token set --delete-existing",
        }
    }
}

/// Where the client is pointed and what it meets there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Plain,
    /// A TLS server (its certificate trusted) where the client expects plain HTTP/2.
    TlsWherePlain,
    /// A plain server where the client expects TLS.
    PlainWhereTls,
}

struct Case {
    what: String,
    server: Misbehaviour,
    transport: Transport,
    command: Command,
    code: Exit,
    /// What stderr must say.
    says: &'static str,
    /// Or this, where h2 reports the same breakage in one of two ways.
    or_says: Option<&'static str>,
}

impl Case {
    /// Or stderr says this instead.
    fn or(mut self, says: &'static str) -> Self {
        self.or_says = Some(says);
        self
    }

    fn over(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Whether the validated pair is written: on success, and by `--delete-existing`, whose
    /// failures here all come at the revoke, after the write.
    fn writes(&self) -> bool {
        self.code == Exit::Ok || self.command == Command::Replace
    }
}

fn case(
    what: &str,
    server: Misbehaviour,
    command: Command,
    code: Exit,
    says: &'static str,
) -> Case {
    Case {
        what: what.to_owned(),
        server,
        transport: Transport::Plain,
        command,
        code,
        says,
        or_says: None,
    }
}

fn answer(rpc: &'static str, bad: Bad) -> Misbehaviour {
    Misbehaviour::Answer(rpc, bad)
}

fn message(rpc: &'static str, message: &impl Message) -> Misbehaviour {
    Misbehaviour::Answer(rpc, Bad::Message(message.encode_to_vec()))
}

fn minted(token_id: &str, token_secret: &str) -> wire::TokenFlowWaitResponse {
    wire::TokenFlowWaitResponse {
        token_id: token_id.into(),
        token_secret: token_secret.into(),
        timeout: false,
        workspace_username: "hostile".into(),
    }
}

fn workspace(name: &str) -> wire::WorkspaceNameLookupResponse {
    wire::WorkspaceNameLookupResponse {
        username: name.into(),
        ..Default::default()
    }
}

fn flow(web_url: &str, code: &str) -> wire::TokenFlowCreateResponse {
    wire::TokenFlowCreateResponse {
        token_flow_id: "tf-hostile".into(),
        web_url: web_url.into(),
        code: code.into(),
        wait_secret: "wait-hostile".into(),
    }
}

const NOT_GRPC: &str = "does not answer gRPC";
const NOT_HTTP2: &str = "does not answer HTTP/2 (its first bytes are not an HTTP/2 frame)";
const HTTP1: &str = "does not answer HTTP/2 (it answered with HTTP/1)";
const NO_STATUS: &str = "answer ended without a gRPC status";
const BROKE: &str = "the connection broke during the call";
const BAD_ANSWER: &str = "answer could not be read";
const TOO_SLOW: &str = "no answer within 2 s";

fn cases() -> Vec<Case> {
    use Command::*;
    let raw = |r| Misbehaviour::Connection(r);
    let ansi = "\x1b[2J\x1b[31mYOUR ACCOUNT IS LOCKED\x1b]8;;https://evil.invalid\x07";
    let mut cases = vec![
        // The connection itself.
        case(
            "garbage bytes",
            raw(Raw::Garbage),
            TokenSet,
            Exit::Failure,
            NOT_HTTP2,
        ),
        case(
            "a TLS alert where plain HTTP/2 was expected",
            raw(Raw::TlsAlert),
            TokenInfo,
            Exit::Failure,
            "it answered with TLS; is it an https:// server?",
        ),
        case(
            "an HTTP/1.1 JSON answer",
            raw(Raw::Http1Json),
            TokenSet,
            Exit::Failure,
            HTTP1,
        ),
        case(
            "an HTML page (a captive portal)",
            raw(Raw::HtmlPage),
            Setup,
            Exit::Failure,
            HTTP1,
        ),
        case(
            "closed at once",
            raw(Raw::CloseAtOnce),
            TokenInfo,
            Exit::Failure,
            BROKE,
        ),
        case(
            "accepts, never answers",
            raw(Raw::Silent),
            TokenSet,
            Exit::Failure,
            TOO_SLOW,
        ),
        case(
            "GOAWAY before any stream",
            raw(Raw::GoAway),
            TokenInfo,
            Exit::Failure,
            BROKE,
        ),
        case(
            "SETTINGS, then garbage",
            raw(Raw::Http2Garbage),
            TokenSet,
            Exit::Failure,
            BROKE,
        )
        .or(NOT_GRPC),
        // Frames.
        case(
            "a truncated frame",
            answer("ClientHello", Bad::Truncated),
            TokenSet,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "a length prefix shorter than the message",
            answer("TokenInfoGet", Bad::LengthTooShort),
            TokenInfo,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "the compressed flag without grpc-encoding",
            answer("TokenFlowWait", Bad::CompressedFlag),
            Setup,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "grpc-encoding: br",
            answer("ClientHello", Bad::UnknownEncoding),
            TokenSet,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "a 100 MiB message",
            answer("TokenFlowCreate", Bad::Huge),
            Setup,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "a message of another RPC's type",
            answer("TokenFlowWait", Bad::WrongType),
            Setup,
            Exit::Failure,
            BAD_ANSWER,
        ),
        case(
            "bytes that are not protobuf",
            answer("TokenFlowWait", Bad::NotProtobuf),
            Setup,
            Exit::Failure,
            BAD_ANSWER,
        ),
        // tonic reads the first message of a unary answer and ignores the rest.
        case(
            "two messages in a unary answer",
            answer("TokenInfoGet", Bad::TwoMessages),
            TokenInfo,
            Exit::Ok,
            "",
        ),
        case(
            "status OK without a message",
            answer("ClientHello", Bad::NoMessage),
            TokenSet,
            Exit::Failure,
            BAD_ANSWER,
        ),
        // Status.
        case(
            "no trailers",
            answer("TokenInfoGet", Bad::NoTrailers),
            TokenInfo,
            Exit::Failure,
            NO_STATUS,
        ),
        case(
            "trailers without grpc-status",
            answer("ClientHello", Bad::NoGrpcStatus),
            TokenSet,
            Exit::Failure,
            NO_STATUS,
        ),
        case(
            "grpc-status: abc",
            answer("TokenFlowCreate", Bad::StatusNotNumeric),
            Setup,
            Exit::Failure,
            "answered UNKNOWN: (no message)",
        ),
        case(
            "grpc-status: 99",
            answer("TokenInfoGet", Bad::StatusOutOfRange),
            TokenInfo,
            Exit::Failure,
            "answered UNKNOWN: (no message)",
        ),
        case(
            "HTTP 500 with a text body",
            answer("ClientHello", Bad::Http500),
            TokenSet,
            Exit::Failure,
            NOT_GRPC,
        ),
        case(
            "HTTP 503 with no body",
            answer("TokenInfoGet", Bad::Http503Empty),
            TokenInfo,
            Exit::Failure,
            NOT_GRPC,
        ),
        case(
            "an HTML page over HTTP/2",
            answer("TokenFlowCreate", Bad::HtmlOverH2),
            Setup,
            Exit::Failure,
            NOT_GRPC,
        ),
        case(
            "content-type: application/json",
            answer("TokenInfoGet", Bad::JsonContentType),
            TokenInfo,
            Exit::Failure,
            "had content-type 'application/json', not gRPC",
        ),
        case(
            "a 1 MB status message",
            answer("ClientHello", Bad::Status("x".repeat(1 << 20))),
            TokenSet,
            Exit::Failure,
            "error:",
        ),
        case(
            "a status message with newlines",
            answer(
                "TokenInfoGet",
                Bad::Status("first\nerror: forged second line\r\n".into()),
            ),
            TokenInfo,
            Exit::Failure,
            "first\\u{a}error: forged",
        ),
        case(
            "a status message with ANSI escapes",
            answer("ClientHello", Bad::Status(ansi.into())),
            TokenSet,
            Exit::Failure,
            "\\u{1b}[2J",
        ),
        case(
            "a status message holding a token secret",
            answer(
                "TokenFlowCreate",
                Bad::Status("token as-LeakedSecret123 is bad".into()),
            ),
            Setup,
            Exit::Failure,
            "token as-*** is bad",
        ),
        // Streams and timing.
        case(
            "RST_STREAM after the headers",
            answer("TokenInfoGet", Bad::ResetStream),
            TokenInfo,
            Exit::Failure,
            "error:",
        ),
        case(
            "the connection dropped mid-message",
            answer("ClientHello", Bad::DropConnection),
            TokenSet,
            Exit::Failure,
            BROKE,
        ),
        case(
            "ClientHello never answers",
            answer("ClientHello", Bad::Silent),
            TokenSet,
            Exit::Failure,
            TOO_SLOW,
        ),
        case(
            "TokenFlowWait never answers",
            answer("TokenFlowWait", Bad::Silent),
            Setup,
            Exit::TimedOut,
            "timed out",
        ),
        case(
            "TokenFlowWait drips a byte a second",
            answer("TokenFlowWait", Bad::Drip),
            Setup,
            Exit::TimedOut,
            "timed out",
        ),
        case(
            "TokenFlowWait says timeout at once, every time",
            message(
                "TokenFlowWait",
                &wire::TokenFlowWaitResponse {
                    timeout: true,
                    ..Default::default()
                },
            ),
            Setup,
            Exit::TimedOut,
            "timed out",
        ),
        case(
            "10,000 response headers",
            answer("TokenInfoGet", Bad::HeaderFlood),
            TokenInfo,
            Exit::Failure,
            "error:",
        ),
        // Tokens.
        case(
            "tokens not shaped ak-/as-",
            message("TokenFlowWait", &minted("key-123", "secret-123")),
            Setup,
            Exit::Failure,
            "not an ak-/as- pair",
        ),
        case(
            "empty tokens",
            message("TokenFlowWait", &minted("", "")),
            Setup,
            Exit::Failure,
            "not an ak-/as- pair",
        ),
        case(
            "a 1 MB token",
            message(
                "TokenFlowWait",
                &minted(&format!("ak-{}", "a".repeat(1 << 20)), "as-short1"),
            ),
            Setup,
            Exit::Failure,
            "not an ak-/as- pair",
        ),
        case(
            "a token that writes TOML",
            message(
                "TokenFlowWait",
                &minted("ak-x\"\n[evil]\nactive = true", "as-x"),
            ),
            Setup,
            Exit::Failure,
            "not an ak-/as- pair",
        ),
        // Names and text.
        case(
            "a workspace name with quotes",
            message("WorkspaceNameLookup", &workspace("it's \"mine\"")),
            Setup,
            Exit::Failure,
            "with --profile NAME",
        ),
        case(
            "a workspace name with a newline and ]",
            message("WorkspaceNameLookup", &workspace("ws]\n[evil]")),
            TokenSet,
            Exit::Failure,
            "ws]\\u{a}[evil]",
        ),
        case(
            "a workspace name with control characters",
            message("WorkspaceNameLookup", &workspace(ansi)),
            Setup,
            Exit::Failure,
            "\\u{1b}[2J",
        ),
        case(
            "a workspace name of 10,000 characters",
            message("WorkspaceNameLookup", &workspace(&"w".repeat(10_000))),
            TokenSet,
            Exit::Failure,
            "is not a valid profile name",
        ),
        case(
            "a login URL that is not a web page",
            message("TokenFlowCreate", &flow("javascript:alert(1)", "CODE")),
            Setup,
            Exit::Failure,
            "a web_url that is not a web page",
        ),
        case(
            "a login URL and code with escapes",
            message(
                "TokenFlowCreate",
                &flow(&format!("https://modal.invalid/{ansi}"), ansi),
            ),
            Setup,
            Exit::Ok,
            "\\u{1b}",
        ),
        case(
            "token info fields with escapes and 1 MB",
            message(
                "TokenInfoGet",
                &wire::TokenInfoGetResponse {
                    token_id: "ak-existing".into(),
                    workspace_name: ansi.into(),
                    token_name: "n".repeat(1 << 20),
                    ..Default::default()
                },
            ),
            TokenInfo,
            Exit::Ok,
            "",
        ),
        case(
            "200 warnings in the trailers",
            answer("ClientHello", Bad::Warnings(200)),
            TokenSet,
            Exit::Ok,
            "the server sent 195 more warnings, not shown",
        ),
        case(
            "10,000 warnings in the trailers (past the header limit)",
            answer("ClientHello", Bad::Warnings(10_000)),
            TokenSet,
            Exit::Failure,
            "the connection broke",
        ),
        case(
            "10,000 warnings in ClientHello",
            message(
                "ClientHello",
                &wire::ClientHelloResponse {
                    server_warnings: (0..10_000)
                        .map(|i| wire::Warning {
                            r#type: 1,
                            message: format!("deprecated {i}{ansi}"),
                        })
                        .collect(),
                    ..Default::default()
                },
            ),
            TokenSet,
            Exit::Ok,
            "the server sent 9995 more warnings, not shown",
        ),
        case(
            "TokenDelete never answers (after the write)",
            answer("TokenDelete", Bad::Silent),
            Replace,
            Exit::Failure,
            "ak-existing",
        ),
        case(
            "TokenDelete answers garbage (after the write)",
            answer("TokenDelete", Bad::NotProtobuf),
            Replace,
            Exit::Failure,
            "ak-existing",
        ),
    ];
    // rustls answers the plaintext preface with an alert, which the close may overtake.
    cases.push(
        case(
            "a TLS server (rustls) where plain HTTP/2 was expected",
            Misbehaviour::None,
            TokenSet,
            Exit::Failure,
            "it answered with TLS; is it an https:// server?",
        )
        .or(BROKE)
        .over(Transport::TlsWherePlain),
    );
    cases.push(
        case(
            "a plain server where TLS was expected",
            Misbehaviour::None,
            TokenInfo,
            Exit::Failure,
            "did not answer with TLS",
        )
        .over(Transport::PlainWhereTls),
    );
    cases
}

struct Outcome {
    run: Run,
    elapsed: Duration,
    peak_rss_kib: u64,
    file: String,
    leftovers: Vec<String>,
}

fn run_case(case: &Case, ca: &TestCa) -> Outcome {
    let tls = (case.transport == Transport::TlsWherePlain)
        .then(|| ca.server_config(&["127.0.0.1", "localhost"], None));
    let server = HostileServer::start(case.server.clone(), tls);
    let scheme = if case.transport == Transport::PlainWhereTls {
        "https"
    } else {
        "http"
    };
    let t = TestEnv::new();
    t.write(ORIGINAL);
    crate::support::make_private(&t.config);
    let ca_file = t.dir().join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    let figure = t.dir().join("peak-rss");
    let started = std::time::Instant::now();
    let run = t
        .cmd_measured(&case.command.args(), &figure)
        .env("MODAL_SERVER_URL", &server.url(scheme))
        .env("MODAL_SETUP_HTTP_TIMEOUT", CALL_TIMEOUT)
        .env("SSL_CERT_FILE", &ca_file.display().to_string())
        .spawn()
        .finish(Duration::from_secs(60));
    let elapsed = started.elapsed();
    let peak_rss_kib = std::fs::read_to_string(&figure)
        .expect("peak_rss wrote the figure")
        .parse()
        .unwrap();
    let home = t.home.display().to_string();
    let mut run = run;
    run.stderr = run.stderr.replace(&home, "~");
    Outcome {
        run,
        elapsed,
        peak_rss_kib,
        file: t.read(),
        leftovers: temp_files(t.dir()),
    }
}

/// The file after a good run of `command` (the validated pair written).
fn written_by(command: Command, ca: &TestCa) -> String {
    let good = case("good", Misbehaviour::None, command, Exit::Ok, "");
    let outcome = run_case(&good, ca);
    outcome.run.success();
    outcome.file
}

/// Everything that must hold whatever the server sent; the broken rules, if any.
fn check(case: &Case, outcome: &Outcome, written: &str) -> Vec<String> {
    let mut broken = Vec::new();
    let run = &outcome.run;
    let output = format!("{}{}", run.stdout, run.stderr);
    if run.code != Some(case.code as i32) {
        broken.push(format!("exit {:?}, expected {:?}", run.code, case.code));
    }
    if !run.stderr.contains(case.says) && !case.or_says.is_some_and(|s| run.stderr.contains(s)) {
        broken.push(format!("stderr lacks {:?}", case.says));
    }
    if output.contains("panicked") {
        broken.push("a panic".into());
    }
    let error_lines = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .count();
    if error_lines != usize::from(case.code != Exit::Ok) {
        broken.push(format!("{error_lines} error lines"));
    }
    if let Some(c) = output.chars().find(|c| c.is_control() && *c != '\n') {
        broken.push(format!(
            "a raw control character {c:?} reached the terminal"
        ));
    }
    if output.lines().any(|l| l.chars().count() > 600) || run.stderr.len() > 16 * 1024 {
        broken.push(format!(
            "too much output ({} bytes of stderr)",
            run.stderr.len()
        ));
    }
    if outcome.peak_rss_kib > RSS_BOUND_KIB {
        broken.push(format!("peak RSS {} KiB", outcome.peak_rss_kib));
    }
    let expected_file = if case.writes() { written } else { ORIGINAL };
    if without_port(&outcome.file) != without_port(expected_file) {
        broken.push(format!("the file became:\n{}", outcome.file));
    }
    if !outcome.leftovers.is_empty() {
        broken.push(format!("left {:?}", outcome.leftovers));
    }
    broken
}

/// The file with the server's port (each case has its own) taken out.
fn without_port(file: &str) -> String {
    file.split("127.0.0.1:")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                part.trim_start_matches(|c: char| c.is_ascii_digit())
                    .to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("127.0.0.1:PORT")
}

/// The first line that says what happened, for the figures.
fn said(run: &Run) -> String {
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .or_else(|| run.stderr.lines().find(|l| l.contains("the server sent")))
        .or_else(|| run.stderr.lines().find(|l| l.starts_with("warning:")))
        .or_else(|| run.stderr.lines().last())
        .or_else(|| run.stdout.lines().next())
        .unwrap_or_default();
    let line = without_port(line);
    let mut shown: String = line.chars().take(110).collect();
    if line.chars().count() > 110 {
        shown.push('…');
    }
    shown.replace('|', "\\|")
}

/// One test per kind of hostile answer, named for what the server sent
/// (`cargo test hostile_servers::sent_garbage_bytes`), each run alone or filtered.
macro_rules! sent {
    ($($name:ident)*) => {
        $(
            #[cfg(target_os = "linux")] // measured through examples/peak_rss (wait4)
            #[test]
            fn $name() {
                run_named(stringify!($name));
            }
        )*
        const NAMED: &[&str] = &[$(stringify!($name)),*];
    };
}

sent! {
    sent_garbage_bytes
    sent_a_tls_alert_where_plain_http_2_was_expected
    sent_an_http_1_1_json_answer
    sent_an_html_page_a_captive_portal
    sent_closed_at_once
    sent_accepts_never_answers
    sent_goaway_before_any_stream
    sent_settings_then_garbage
    sent_a_truncated_frame
    sent_a_length_prefix_shorter_than_the_message
    sent_the_compressed_flag_without_grpc_encoding
    sent_grpc_encoding_br
    sent_a_100_mib_message
    sent_a_message_of_another_rpc_s_type
    sent_bytes_that_are_not_protobuf
    sent_two_messages_in_a_unary_answer
    sent_status_ok_without_a_message
    sent_no_trailers
    sent_trailers_without_grpc_status
    sent_grpc_status_abc
    sent_grpc_status_99
    sent_http_500_with_a_text_body
    sent_http_503_with_no_body
    sent_an_html_page_over_http_2
    sent_content_type_application_json
    sent_a_1_mb_status_message
    sent_a_status_message_with_newlines
    sent_a_status_message_with_ansi_escapes
    sent_a_status_message_holding_a_token_secret
    sent_rst_stream_after_the_headers
    sent_the_connection_dropped_mid_message
    sent_clienthello_never_answers
    sent_tokenflowwait_never_answers
    sent_tokenflowwait_drips_a_byte_a_second
    sent_tokenflowwait_says_timeout_at_once_every_time
    sent_10_000_response_headers
    sent_tokens_not_shaped_ak_as
    sent_empty_tokens
    sent_a_1_mb_token
    sent_a_token_that_writes_toml
    sent_a_workspace_name_with_quotes
    sent_a_workspace_name_with_a_newline_and
    sent_a_workspace_name_with_control_characters
    sent_a_workspace_name_of_10_000_characters
    sent_a_login_url_that_is_not_a_web_page
    sent_a_login_url_and_code_with_escapes
    sent_token_info_fields_with_escapes_and_1_mb
    sent_200_warnings_in_the_trailers
    sent_10_000_warnings_in_the_trailers_past_the_header_limit
    sent_10_000_warnings_in_clienthello
    sent_tokendelete_never_answers_after_the_write
    sent_tokendelete_answers_garbage_after_the_write
    sent_a_tls_server_rustls_where_plain_http_2_was_expected
    sent_a_plain_server_where_tls_was_expected
}

/// A case's test name: what the server sent, in snake case, after `sent_`.
fn test_name(case: &Case) -> String {
    let words: Vec<String> = case
        .what
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    format!("sent_{}", words.join("_"))
}

#[test]
fn every_kind_of_hostile_answer_has_its_own_test() {
    let cases = cases();
    assert!(cases.len() >= 30, "{} kinds", cases.len());
    let names: Vec<String> = cases.iter().map(test_name).collect();
    assert_eq!(names, NAMED, "add a name to `sent!` for each new case");
}

/// Runs the case named `name`: it must end as the case says and within its memory bound; its
/// row joins target/reliability/hostile-servers.md (and docs/reliability.md by hand).
fn run_named(name: &str) {
    static CA: OnceLock<TestCa> = OnceLock::new();
    static WRITTEN: Mutex<Vec<(Command, String)>> = Mutex::new(Vec::new());
    static ROWS: Mutex<BTreeMap<usize, String>> = Mutex::new(BTreeMap::new());
    let ca = CA.get_or_init(|| TestCa::new("modal-setup hostile servers"));
    let cases = cases();
    let (i, case) = cases
        .iter()
        .enumerate()
        .find(|(_, case)| test_name(case) == name)
        .expect("every test names a case");
    let written = {
        let mut written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
        if !written.iter().any(|(c, _)| *c == case.command) {
            let file = written_by(case.command, ca);
            written.push((case.command, file));
        }
        let (_, file) = written.iter().find(|(c, _)| *c == case.command).unwrap();
        file.clone()
    };
    let outcome = run_case(case, ca);
    let broken = check(case, &outcome, &written);
    let mut rows = ROWS.lock().unwrap_or_else(|e| e.into_inner());
    rows.insert(
        i,
        format!(
            "| {} | {} | {} | {} | {:.2} s | {:.1} MiB |\n",
            case.what,
            case.command.name(),
            outcome.run.code.map_or("signal".into(), |c| c.to_string()),
            said(&outcome.run),
            outcome.elapsed.as_secs_f64(),
            outcome.peak_rss_kib as f64 / 1024.0,
        ),
    );
    let table: String = [
        "| what the server sent | command | exit | what modal-setup said | time | peak RSS |\n",
        "| --- | --- | --- | --- | --- | --- |\n",
    ]
    .into_iter()
    .chain(rows.values().map(String::as_str))
    .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/reliability");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("hostile-servers.md"), table);
    drop(rows);
    assert!(
        broken.is_empty(),
        "{}: {}\nstderr:\n{}",
        case.what,
        broken.join("; "),
        outcome.run.stderr
    );
}

/// Failover: a closed port is skipped at once; a server that accepts and never answers holds
/// the command no longer than the call timeout, wherever it is in the list.
#[test]
fn failover_is_bounded_when_servers_are_closed_or_silent() {
    let live = HostileServer::start(Misbehaviour::None, None);
    let silent = HostileServer::start(Misbehaviour::Connection(Raw::Silent), None);
    let silent_too = HostileServer::start(Misbehaviour::Connection(Raw::Silent), None);
    let closed = crate::support::closed_port_url();
    let t = TestEnv::new();
    t.write(ORIGINAL);
    let timed = |list: String| {
        let started = std::time::Instant::now();
        let run = t
            .cmd(&["token", "info"])
            .env("MODAL_SERVER_URL", &list)
            .env("MODAL_SETUP_HTTP_TIMEOUT", CALL_TIMEOUT)
            .run();
        (run, started.elapsed())
    };
    let (run, took) = timed(format!("{closed},{}", live.url("http")));
    run.success();
    assert!(took < modal_setup::api::STAGGER, "{took:?}");
    let (run, took) = timed(format!("{closed},{closed}"));
    run.code(Exit::Failure)
        .stderr_has("could not reach http://127.0.0.1:");
    assert!(took < Duration::from_secs(1), "{took:?}");
    let (run, took) = timed(format!("{},{}", silent.url("http"), live.url("http")));
    run.code(Exit::Failure).stderr_has(TOO_SLOW);
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (run, took) = timed(format!("{},{}", silent.url("http"), silent_too.url("http")));
    run.code(Exit::Failure).stderr_has(TOO_SLOW);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(t.read(), ORIGINAL);
}

/// A TokenFlowWait whose connection drops, or that is reset, is asked again (on a new
/// connection) within `--timeout`, and the login completes.
#[test]
fn a_wait_broken_once_is_asked_again_and_the_login_completes() {
    for bad in [Bad::DropConnection, Bad::ResetStream] {
        let server = HostileServer::start(Misbehaviour::Once("TokenFlowWait", bad.clone()), None);
        let t = TestEnv::new();
        t.write(ORIGINAL);
        let run = t
            .cmd(&Command::Setup.args())
            .env("MODAL_SERVER_URL", &server.url("http"))
            .env("MODAL_SETUP_HTTP_TIMEOUT", CALL_TIMEOUT)
            .run();
        run.success();
        let waits = server
            .calls()
            .iter()
            .filter(|c| *c == "TokenFlowWait")
            .count();
        assert_eq!(waits, 2, "{bad:?}: {:?}", server.calls());
        assert!(t.read().contains(crate::support::hostile_server::MINTED_ID));
    }
}
